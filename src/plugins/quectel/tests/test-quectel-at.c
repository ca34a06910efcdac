/* Quectel's AT+QNWPREFCFG: what a module answers (real lines of RM5xx
 * modules, and what a broken or hostile one could send), what we send. */
#include <string.h>

#include "quectel-at.h"

static void
test_values(void)
{
  const char *response
      = "+QNWPREFCFG: \"gw_band\",1:2:4:5:8:19\n"
        "+QNWPREFCFG: \"lte_band\",1:2:3:4:5:7:8:12:13:14:17:18:19:20:25:26:28\n"
        "+QNWPREFCFG: \"nsa_nr5g_band\",1:2:3:5:7:8:12:20:25:28:38:40:41:48:66:78\n"
        "+QNWPREFCFG: \"nr5g_band\",1:2:3:5:7:8:12:20:25:28:38:40:41:48:66:77:78";
  g_autofree char *lte = quectel_prefcfg_value(response, "lte_band");
  g_autofree char *nr = quectel_prefcfg_value(response, "nr5g_band");
  g_autofree char *missing = quectel_prefcfg_value(response, "mode_pref");
  g_autofree char *quoted = quectel_prefcfg_value("+QNWPREFCFG: \"nr5g_band\"x,1", "nr5g_band");
  g_autoptr(GArray) bands = quectel_parse_bands(nr);

  g_assert_cmpstr(lte, ==, "1:2:3:4:5:7:8:12:13:14:17:18:19:20:25:26:28");
  g_assert_null(missing);
  g_assert_null(quoted);
  g_assert_nonnull(bands);
  g_assert_cmpuint(bands->len, ==, 17);
  g_assert_cmpuint(g_array_index(bands, guint, 16), ==, 78);
  g_assert_null(quectel_prefcfg_value(NULL, "lte_band"));
}

static void
test_modes(void)
{
  guint modes, first;

  g_assert_true(quectel_parse_modes("LTE:NR5G", &modes, &first));
  g_assert_cmpuint(modes, ==, QUECTEL_MODE_4G | QUECTEL_MODE_5G);
  g_assert_cmpuint(first, ==, QUECTEL_MODE_4G);
  g_assert_true(quectel_parse_modes("NR5G:LTE:WCDMA", &modes, &first));
  g_assert_cmpuint(modes, ==, QUECTEL_MODES_ALL);
  g_assert_cmpuint(first, ==, QUECTEL_MODE_5G);
  g_assert_true(quectel_parse_modes("AUTO", &modes, &first));
  g_assert_cmpuint(modes, ==, QUECTEL_MODES_ALL);
  g_assert_cmpuint(first, ==, 0);
  /* words it does not know, and more of them than there are modes */
  g_assert_false(quectel_parse_modes("LTE:GSM", &modes, &first));
  g_assert_false(quectel_parse_modes("LTE:LTE:LTE:LTE", &modes, &first));
  g_assert_false(quectel_parse_modes("", &modes, &first));
  g_assert_false(quectel_parse_modes(NULL, &modes, &first));
  g_assert_false(quectel_parse_modes("LTE\x1b[2J", &modes, &first));
}

static void
test_bands_bounded(void)
{
  g_autoptr(GString) many = g_string_new("1");
  g_autoptr(GArray) none = quectel_parse_bands("0");
  g_autoptr(GArray) sorted = quectel_parse_bands("78:1:28");

  for (int i = 0; i < QUECTEL_MAX_BANDS; i++)
    g_string_append(many, ":1");
  g_assert_null(quectel_parse_bands(many->str));
  g_assert_null(quectel_parse_bands("1:513"));
  g_assert_null(quectel_parse_bands("1:-3"));
  g_assert_null(quectel_parse_bands("1::3"));
  g_assert_null(quectel_parse_bands("1:99999999999999999999"));
  g_assert_null(quectel_parse_bands("1:3 "));
  g_assert_nonnull(none);
  g_assert_cmpuint(none->len, ==, 0);
  g_assert_cmpuint(sorted->len, ==, 3);
  g_assert_cmpuint(g_array_index(sorted, guint, 0), ==, 1);
  g_assert_cmpuint(g_array_index(sorted, guint, 2), ==, 78);
}

static void
test_arguments(void)
{
  g_autofree char *modes = quectel_modes_arg(QUECTEL_MODE_5G | QUECTEL_MODE_4G);
  g_autofree char *order = quectel_acq_order_arg(QUECTEL_MODES_ALL, QUECTEL_MODE_4G);
  g_autofree char *order5
      = quectel_acq_order_arg(QUECTEL_MODE_4G | QUECTEL_MODE_5G, QUECTEL_MODE_5G);
  g_autofree char *alone = quectel_acq_order_arg(QUECTEL_MODE_4G, QUECTEL_MODE_4G);
  const guint list[] = { 1, 3, 78 };
  g_autofree char *bands = quectel_bands_arg(list, G_N_ELEMENTS(list));

  g_assert_cmpstr(modes, ==, "LTE:NR5G");
  g_assert_cmpstr(order, ==, "LTE:NR5G:WCDMA");
  g_assert_cmpstr(order5, ==, "NR5G:LTE");
  g_assert_cmpstr(alone, ==, "LTE");
  g_assert_cmpstr(bands, ==, "1:3:78");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/quectel/at/values", test_values);
  g_test_add_func("/quectel/at/modes", test_modes);
  g_test_add_func("/quectel/at/bands-bounded", test_bands_bounded);
  g_test_add_func("/quectel/at/arguments", test_arguments);
  return g_test_run();
}
