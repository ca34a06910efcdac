/* Parsers of indicator and time zone reports against what modems send,
 * in several vendors' spellings, plus malformed input. */
#include "at-parse-events.h"
#include "mmd-errors.h"

static void
test_cind(void)
{
  static const char *const lists[] = {
    /* 27.007's own example order, and a Quectel EC25's */
    "+CIND: (\"battchg\",(0-5)),(\"signal\",(0-5)),(\"service\",(0-1)),(\"roam\",(0-1))",
    ("+CIND: (\"battchg\",(0-5)),(\"signal\",(0-5)),(\"service\",(0-1)),(\"call\",(0-1)),"
     "(\"roam\",(0-1)),(\"smsfull\",(0-1)),(\"GPRS coverage\",(0-1)),(\"callsetup\",(0-3))"),
    /* spaces and a value list instead of a range */
    "+CIND: (\"battchg\", (0-5)), (\"SIGNAL\", (0,1,2,3,4,5))",
  };
  static const char *const bad[] = {
    "",
    "+CIND: (\"signal\",(0-5)",
    "+CIND: (\"signal\")",
    "+CIND: \"signal\",(0-5)",
    "+CIND: (\"signal\",(0-999))",
  };
  guint index = 0, max = 0;

  for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
    g_autoptr(GError) error = NULL;

    g_assert_true(mmd_at_parse_cind_test(lists[i], "signal", &index, &max, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(index, ==, 2);
    g_assert_cmpuint(max, ==, 5);
  }
  g_assert_true(mmd_at_parse_cind_test(lists[1], "roam", &index, &max, NULL));
  g_assert_cmpuint(index, ==, 5);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;

    g_assert_false(mmd_at_parse_cind_test(bad[i], "signal", &index, &max, &error));
    g_assert_nonnull(error);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false(mmd_at_parse_cind_test(lists[0], "rssi", &index, &max, &error));
    g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED);
  }
}

static void
test_creg_test(void)
{
  guint max = 0;

  g_assert_true(mmd_at_parse_creg_test("+CREG: (0-2)", &max, NULL));
  g_assert_cmpuint(max, ==, 2);
  g_assert_true(mmd_at_parse_creg_test("+CREG: (0,1)", &max, NULL));
  g_assert_cmpuint(max, ==, 1);
  g_assert_true(mmd_at_parse_creg_test("\n+CREG: (0-3)\n", &max, NULL));
  g_assert_cmpuint(max, ==, 3);
  g_assert_false(mmd_at_parse_creg_test("+CREG: ()", &max, NULL));
  g_assert_false(mmd_at_parse_creg_test("+CGREG: (0-2)", &max, NULL));
  g_assert_false(mmd_at_parse_creg_test("+CREG: (0-99999999999)", &max, NULL));
}

/* What a parser says of a line it refuses may be logged: valid UTF-8 */
static void
test_error_is_valid_utf8(void)
{
  g_autoptr(GError) error = NULL;
  guint index, value;

  g_assert_false(mmd_at_parse_ciev("+CIEV: \xff\xfe,\xc3", &index, &value, &error));
  g_assert_nonnull(error);
  g_assert_true(g_utf8_validate(error->message, -1, NULL));
}

static void
test_ciev(void)
{
  static const char *const bad[] = { "+CIEV: 0,1",   "+CIEV: 2",    "+CIEV: 2,999",
                                     "+CIEV: 99,1",  "+CIEV: -2,1", "+CIEV: 2,3,4",
                                     "+CIEV: two,3", "+CIEV: 2,3x", "" };
  guint index, value;

  g_assert_true(mmd_at_parse_ciev("+CIEV: 2,3", &index, &value, NULL));
  g_assert_cmpuint(index, ==, 2);
  g_assert_cmpuint(value, ==, 3);
  g_assert_true(mmd_at_parse_ciev("+CIEV:5, 0", &index, &value, NULL));
  g_assert_cmpuint(index, ==, 5);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_false(mmd_at_parse_ciev(bad[i], &index, &value, NULL));
}

static void
check_report(const char *line, const char *iso, int quarters, int dst)
{
  g_auto(MmdAtNetworkTime) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true(mmd_at_parse_time_zone_report(line, &t, &error));
  g_assert_no_error(error);
  g_assert_true(t.has_zone);
  g_assert_cmpint(t.zone_quarters, ==, quarters);
  g_assert_cmpint(t.dst_hours, ==, dst);
  text = mmd_at_network_time_to_iso8601(&t);
  g_assert_cmpstr(text, ==, iso);
}

static void
test_time_zone_reports(void)
{
  static const char *const bad[] = {
    "+CTZE: \"+99\",0,\"2026/11/30,12:00:00\"",
    "+CTZE: \"+04\",3,\"2026/11/30,12:00:00\"",
    "+CTZE: \"+04\",0,\"2026/13/30,12:00:00\"",
    "+CTZE: \"+04\",0,\"2026/11/30 12:00:00\"",
    "+CTZE: \"+04\",0,\"2026/02/30,12:00:00\"",
    "+CTZV: \"\"",
    "+CTZV: \"+4x\"",
    "+CTZE: \"+04\",0,\"2026/11/30,12:00\"",
  };

  check_report("+CTZE: \"+04\",0,\"2026/11/30,12:00:00\"", "2026-11-30T12:00:00+01:00", 4, 0);
  /* UTC in +CTZEU, shown in the network's zone */
  check_report("+CTZEU: \"+08\",1,\"2026/07/14,07:30:00\"", "2026-07-14T09:30:00+02:00", 8, 1);
  check_report("+CTZE: \"-20\",0,\"26/01/02,03:04:05\"", "2026-01-02T03:04:05-05:00", -20, 0);
  check_report("+CTZV: \"+22\"", NULL, 22, -1);
  check_report("+CTZV: -14", NULL, -14, -1);
  check_report("+CTZE: \"+04\",0", NULL, 4, 0);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_auto(MmdAtNetworkTime) t = { 0 };

    g_assert_false(mmd_at_parse_time_zone_report(bad[i], &t, NULL));
  }
}

static void
test_cclk(void)
{
  static const char *const bad[] = { "+CCLK: \"26/11/30 12:00:00+04\"", "+CCLK: \"26/11/30\"",
                                     "+CCLK: \"26/11/30,12:00:00+99\"", "+CCLK: 26",
                                     "+CCLK: \"26/11/30,25:00:00\"",    "" };
  struct {
    const char *in, *iso;
    gboolean has_zone;
  } good[] = {
    { "+CCLK: \"26/11/30,12:00:00+04\"", "2026-11-30T12:00:00+01:00", TRUE },
    { "+CCLK: \"26/11/30,12:00:00-20\"", "2026-11-30T12:00:00-05:00", TRUE },
    { "+CCLK: 26/11/30,12:00:00+04", "2026-11-30T12:00:00+01:00", TRUE },
    { "\n+CCLK: \"26/11/30,12:00:00\"\n", "2026-11-30T12:00:00+00:00", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
    g_auto(MmdAtNetworkTime) t = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true(mmd_at_parse_cclk(good[i].in, &t, &error));
    g_assert_no_error(error);
    g_assert_cmpint(t.has_zone, ==, good[i].has_zone);
    text = mmd_at_network_time_to_iso8601(&t);
    g_assert_cmpstr(text, ==, good[i].iso);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_auto(MmdAtNetworkTime) t = { 0 };

    g_assert_false(mmd_at_parse_cclk(bad[i], &t, NULL));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/at/parse/cind", test_cind);
  g_test_add_func("/at/parse/creg-test", test_creg_test);
  g_test_add_func("/at/parse/ciev", test_ciev);
  g_test_add_func("/at/parse/error-is-valid-utf8", test_error_is_valid_utf8);
  g_test_add_func("/at/parse/time-zone-reports", test_time_zone_reports);
  g_test_add_func("/at/parse/cclk", test_cclk);
  return g_test_run();
}
