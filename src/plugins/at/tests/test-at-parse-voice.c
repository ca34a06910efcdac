/* The voice call and USSD parsers against answers of real modems (Quectel
 * EG25, Huawei, Sierra spellings), and what a hostile or broken modem could
 * send: out-of-range fields, too many calls, text that is not a number. */
#include <string.h>

#include "at-parse-voice.h"
#include "mmd-errors.h"

static void
test_clcc(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calls = mmd_at_parse_clcc("+CLCC: 1,0,0,0,0,\"+4930123456\",145\n"
                                                 "+CLCC: 2,1,5,0,0,\"01701234567\",129,\"\"\n"
                                                 "+CLCC: 3,1,4,0,1,\"\",128\n"
                                                 "+CLCC: 4,0,0,1,0,\"*99#\",129\n" /* a data call */
                                                 "+CLCC: 5,0,9,0,0\n" /* no such <stat> */
                                                 "+CLCC: 0,0,0,0,0\n" /* no such id */
                                                 "+CLCC: 18446744073709551617,0,0,0,0\n"
                                                 "+CLCC: 6,1,4,0,0,\"+49\x1b[31m\",145\n"
                                                 "+CLCC: 7,0,3,0,0",
                                                 &error);
  const MmdAtCall *call;

  g_assert_no_error(error);
  g_assert_cmpuint(calls->len, ==, 5);
  call = g_ptr_array_index(calls, 0);
  g_assert_cmpuint(call->id, ==, 1);
  g_assert_false(call->incoming);
  g_assert_cmpint(call->stat, ==, MMD_AT_CALL_ACTIVE);
  g_assert_cmpstr(call->number, ==, "+4930123456");
  call = g_ptr_array_index(calls, 1);
  g_assert_true(call->incoming);
  g_assert_cmpint(call->stat, ==, MMD_AT_CALL_WAITING);
  g_assert_cmpstr(call->number, ==, "01701234567");
  call = g_ptr_array_index(calls, 2);
  g_assert_cmpint(call->stat, ==, MMD_AT_CALL_INCOMING);
  g_assert_true(call->multiparty);
  g_assert_null(call->number); /* withheld */
  call = g_ptr_array_index(calls, 3);
  g_assert_cmpuint(call->id, ==, 6);
  g_assert_null(call->number); /* not a dial string */
  call = g_ptr_array_index(calls, 4);
  g_assert_cmpint(call->stat, ==, MMD_AT_CALL_ALERTING);
  g_assert_null(call->number);

  g_ptr_array_unref(g_steal_pointer(&calls));
  calls = mmd_at_parse_clcc("", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(calls->len, ==, 0);
}

static void
test_clcc_too_many(void)
{
  g_autoptr(GString) response = g_string_new(NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= MMD_AT_MAX_CALLS + 1; i++)
    g_string_append_printf(response, "+CLCC: %u,1,5,0,0\n", i);
  g_assert_null(mmd_at_parse_clcc(response->str, &error));
  g_assert_nonnull(error);
}

static void
test_caller(void)
{
  static const struct {
    const char *line, *number;
  } cases[] = {
    { "+CLIP: \"+491701234567\",145,,,,0", "+491701234567" },
    { "+CLIP: \"01701234567\",129", "01701234567" },
    { "+CLIP: \"\",128,,,,1", NULL },
    { "+CLIP: \"Anna\",129", NULL },
    { "+CCWA: \"+491709876543\",145,1", "+491709876543" },
    { "+CCWA: \"+49170\",145,1,\"Bob\",0", "+49170" },
    { "+CLIP: \"1234567890123456789012345678901234567890123\",129", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *number = NULL;

    g_assert_true(mmd_at_parse_caller(cases[i].line, &number, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(number, ==, cases[i].number);
  }
  {
    g_autoptr(GError) error = NULL;
    char *number = NULL;

    g_assert_false(mmd_at_parse_caller("RING", &number, &error));
    g_assert_nonnull(error);
  }
}

static void
test_ccwa_status(void)
{
  gboolean enabled = TRUE;
  g_autoptr(GError) error = NULL;

  g_assert_true(mmd_at_parse_ccwa_status("+CCWA: 1,1", &enabled, NULL));
  g_assert_true(enabled);
  g_assert_true(mmd_at_parse_ccwa_status("+CCWA: 0,255", &enabled, NULL));
  g_assert_false(enabled);
  g_assert_true(mmd_at_parse_ccwa_status("+CCWA: 1,4\n+CCWA: 1,1", &enabled, NULL));
  g_assert_true(enabled);
  g_assert_false(mmd_at_parse_ccwa_status("OK", &enabled, &error));
  g_assert_nonnull(error);
}

static void
test_cscs(void)
{
  static const struct {
    const char *response;
    MmdAtCharset charset;
  } cases[] = {
    { "+CSCS: \"IRA\"", MMD_AT_CHARSET_IRA },      { "+CSCS: \"GSM\"", MMD_AT_CHARSET_GSM },
    { "+CSCS: \"UCS2\"", MMD_AT_CHARSET_UCS2 },    { "+CSCS: \"ucs2\"", MMD_AT_CHARSET_UCS2 },
    { "+CSCS: \"8859-1\"", MMD_AT_CHARSET_OTHER },
  };
  MmdAtCharset charset;

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_assert_true(mmd_at_parse_cscs(cases[i].response, &charset, NULL));
    g_assert_cmpint(charset, ==, cases[i].charset);
  }
  g_assert_false(mmd_at_parse_cscs("+CSCS: ", &charset, NULL));
}

static void
test_cusd(void)
{
  g_autofree char *str = NULL;
  int m, dcs;

  g_assert_true(mmd_at_parse_cusd("+CUSD: 0,\"Balance: 5.00 EUR\",15", &m, &str, &dcs, NULL));
  g_assert_cmpint(m, ==, 0);
  g_assert_cmpstr(str, ==, "Balance: 5.00 EUR");
  g_assert_cmpint(dcs, ==, 15);
  g_clear_pointer(&str, g_free);
  g_assert_true(mmd_at_parse_cusd("+CUSD: 1,\"1. Balance, 2. Data\"", &m, &str, &dcs, NULL));
  g_assert_cmpint(m, ==, 1);
  g_assert_cmpstr(str, ==, "1. Balance, 2. Data");
  g_assert_cmpint(dcs, ==, 15);
  g_clear_pointer(&str, g_free);
  g_assert_true(mmd_at_parse_cusd("+CUSD: 2", &m, &str, &dcs, NULL));
  g_assert_cmpint(m, ==, 2);
  g_assert_null(str);
  g_assert_false(mmd_at_parse_cusd("+CUSD: 9", &m, &str, &dcs, NULL));
  g_assert_false(mmd_at_parse_cusd("+CUSD: 0,\"x\",300", &m, &str, &dcs, NULL));
  g_assert_false(mmd_at_parse_cusd("+CUSD: x", &m, &str, &dcs, NULL));
}

static void
test_ussd_decode(void)
{
  static const struct {
    const char *str;
    int dcs;
    MmdAtCharset charset;
    gboolean packed_hex;
    const char *text;
  } cases[] = {
    { "Balance: 5.00 EUR", 15, MMD_AT_CHARSET_IRA, FALSE, "Balance: 5.00 EUR" },
    { "Balance: 5.00 EUR", 15, MMD_AT_CHARSET_GSM, FALSE, "Balance: 5.00 EUR" },
    { "00420061006C", 15, MMD_AT_CHARSET_UCS2, FALSE, "Bal" },
    /* UCS-2 DCS: hex whatever +CSCS says */
    { "04110430043B0430043D0441", 72, MMD_AT_CHARSET_IRA, FALSE, "Баланс" },
    /* packed septets (Huawei and Qualcomm firmware), told and guessed */
    { "AA180C3602", 15, MMD_AT_CHARSET_IRA, TRUE, "*100#" },
    { "C2303BEC1E9775A09A0B060315AB52", 15, MMD_AT_CHARSET_IRA, FALSE, "Balance: 5.00 EUR" },
    /* digits are a number, not septets */
    { "1234567890123456", 15, MMD_AT_CHARSET_IRA, FALSE, "1234567890123456" },
    /* a modem that sent UCS-2 text as text after all */
    { "Menu", 72, MMD_AT_CHARSET_IRA, FALSE, "Menu" },
    /* invalid UTF-8 from the modem is made valid */
    { "Caf\xe9", 15, MMD_AT_CHARSET_IRA, FALSE, "Caf\xef\xbf\xbd" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *text = mmd_at_ussd_decode(cases[i].str, cases[i].dcs, cases[i].charset,
                                               cases[i].packed_hex, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(text, ==, cases[i].text);
    g_assert_true(g_utf8_validate(text, -1, NULL));
  }
  {
    g_autoptr(GError) error = NULL;

    /* odd hex for UCS2 */
    g_assert_null(mmd_at_ussd_decode("004", 15, MMD_AT_CHARSET_UCS2, FALSE, &error));
    g_assert_nonnull(error);
  }
}

static void
test_ussd_encode(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ira = NULL;
  g_autofree char *ucs2 = NULL;
  g_autofree char *packed = NULL;
  g_autofree char *packed_ucs2 = NULL;
  int dcs = 0;

  ira = mmd_at_ussd_encode("*100#", MMD_AT_CHARSET_IRA, FALSE, &dcs, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(ira, ==, "*100#");
  g_assert_cmpint(dcs, ==, 15);
  ucs2 = mmd_at_ussd_encode("*100#", MMD_AT_CHARSET_UCS2, FALSE, &dcs, &error);
  g_assert_cmpstr(ucs2, ==, "002A0031003000300023");
  g_assert_cmpint(dcs, ==, 15);
  packed = mmd_at_ussd_encode("*100#", MMD_AT_CHARSET_IRA, TRUE, &dcs, &error);
  g_assert_cmpstr(packed, ==, "AA180C3602");
  g_assert_cmpint(dcs, ==, 15);
  packed_ucs2 = mmd_at_ussd_encode("Ж", MMD_AT_CHARSET_IRA, TRUE, &dcs, &error);
  g_assert_cmpstr(packed_ucs2, ==, "0416");
  g_assert_cmpint(dcs, ==, 72);
  g_assert_no_error(error);
  g_assert_null(mmd_at_ussd_encode("Ж", MMD_AT_CHARSET_IRA, FALSE, &dcs, &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/at/parse-voice/clcc", test_clcc);
  g_test_add_func("/at/parse-voice/clcc-too-many", test_clcc_too_many);
  g_test_add_func("/at/parse-voice/caller", test_caller);
  g_test_add_func("/at/parse-voice/ccwa-status", test_ccwa_status);
  g_test_add_func("/at/parse-voice/cscs", test_cscs);
  g_test_add_func("/at/parse-voice/cusd", test_cusd);
  g_test_add_func("/at/parse-voice/ussd-decode", test_ussd_decode);
  g_test_add_func("/at/parse-voice/ussd-encode", test_ussd_encode);
  return g_test_run();
}
