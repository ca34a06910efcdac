/* How modemctl renders location sources, the 3GPP location and cells: as
 * mmcli does, so that -K output of both is the same. */
#include "location-format.h"
#include "mmd-enums.h"

static void
test_sources(void)
{
  g_autofree char *none = modemctl_location_sources_build_string(0);
  g_autofree char *some = modemctl_location_sources_build_string(
      MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI | MMD_MODEM_LOCATION_SOURCE_GPS_NMEA
      | MMD_MODEM_LOCATION_SOURCE_GPS_RAW);

  g_assert_cmpstr(none, ==, "none");
  g_assert_cmpstr(some, ==, "3gpp-lac-ci, gps-raw, gps-nmea");
}

static void
test_3gpp(void)
{
  static const char *const bad[] = { "",
                                     "262,01,0,ABCDEF",
                                     "262,01,0,ABCDEF,1F40,9",
                                     "262,1,0,ABCDEF,1F40",
                                     "262,01,0,XYZ,1F40",
                                     "262,01,,ABCDEF,1F40",
                                     "2620,01,0,ABCDEF,1F40",
                                     "262,01,0,11111111111111111,1F40" };
  g_auto(ModemctlCell) cell = { 0 };

  g_assert_true(modemctl_parse_3gpp_location("262,01,0,ABCDEF,1F40", &cell));
  g_assert_cmpstr(cell.mcc, ==, "262");
  g_assert_cmpstr(cell.mnc, ==, "01");
  g_assert_cmpstr(cell.lac, ==, "0000");
  g_assert_cmpstr(cell.tac, ==, "001F40");
  g_assert_cmpstr(cell.ci, ==, "00ABCDEF");
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_auto(ModemctlCell) other = { 0 };

    g_assert_false(modemctl_parse_3gpp_location(bad[i], &other));
    g_assert_null(other.mcc);
  }
}

static void
test_cell_info(void)
{
  g_autoptr(GVariant) lte = g_variant_ref_sink(g_variant_new_parsed(
      "{'cell-type': <@u 5>, 'serving': <true>, 'operator-id': <'26201'>, 'tac': <'1234'>,"
      " 'ci': <'1A2B3C4'>, 'physical-ci': <'65'>, 'earfcn': <@u 1300>, 'rsrp': <-95.0>,"
      " 'rsrq': <-10.5>, 'timing-advance': <@u 3>}"));
  g_autoptr(GVariant) nr = g_variant_ref_sink(g_variant_new_parsed(
      "{'cell-type': <@u 6>, 'serving': <false>, 'nrarfcn': <@u 627264>, 'sinr': <12.0>}"));
  g_autofree char *lte_text = modemctl_cell_info_build_string(lte);
  g_autofree char *nr_text = modemctl_cell_info_build_string(nr);

  g_assert_cmpstr(lte_text, ==,
                  "cell type: lte, serving: yes, operator id: 26201, tac: 1234, ci: 1A2B3C4, "
                  "physical ci: 65, earfcn: 1300, rsrp: -95.000000, rsrq: -10.500000, "
                  "timing advance: 3");
  g_assert_cmpstr(nr_text, ==, "cell type: 5gnr, serving: no, nrarfcn: 627264, sinr: 12.000000");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/modemctl/location/sources", test_sources);
  g_test_add_func("/modemctl/location/3gpp", test_3gpp);
  g_test_add_func("/modemctl/location/cell-info", test_cell_info);
  return g_test_run();
}
