#include "plugin-util.h"

static void
test_signal_percent(void)
{
  /* dBm (QMI) */
  g_assert_cmpuint(mmd_signal_percent_from_dbm(-120), ==, 0);
  g_assert_cmpuint(mmd_signal_percent_from_dbm(-51), ==, 100);
  g_assert_cmpuint(mmd_signal_percent_from_dbm(-65), ==, 77);
  /* +CSQ scale (AT, MBIM) */
  g_assert_cmpuint(mmd_signal_percent_from_csq(21), ==, 67);
  g_assert_cmpuint(mmd_signal_percent_from_csq(31), ==, 100);
  g_assert_cmpuint(mmd_signal_percent_from_csq(99), ==, 0);
  g_assert_cmpuint(mmd_signal_percent_from_csq(-1), ==, 0);
}

static void
test_scan_result(void)
{
  GVariantBuilder list;

  g_variant_builder_init(&list, G_VARIANT_TYPE("aa{sv}"));
  mmd_scan_result_add(&list, MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT, "Long", "Short", "26201",
                      MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  mmd_scan_result_add(&list, MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN, NULL, NULL, NULL, 0);
  g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_builder_end(&list));
  g_autofree char *text = g_variant_print(v, FALSE);
  g_assert_cmpstr(text, ==,
                  "[{'status': <uint32 2>, 'operator-long': <'Long'>, 'operator-short': <'Short'>, "
                  "'operator-code': <'26201'>, 'access-technology': <uint32 16384>}, "
                  "{'status': <uint32 3>, 'access-technology': <uint32 0>}]");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/plugin-util/signal-percent", test_signal_percent);
  g_test_add_func("/plugin-util/scan-result", test_scan_result);
  return g_test_run();
}
