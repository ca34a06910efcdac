/* 27.007 parsers against a hostile modem: numbers that overflow, text that
 * is not UTF-8 or carries terminal escapes, names of any length. Each test
 * asserts what comes out, not only that nothing crashed. */
#include <string.h>

#include "at-parse.h"
#include "mmd-errors.h"
#include "mmd-text.h"

#define R MMD_TEXT_REPLACEMENT

static void
test_cell_ids_that_overflow(void)
{
  static const char *const rejected[] = {
    /* 2^64 and more: strtoull would have saturated these to G_MAXUINT64 */
    "+CREG: 2,1,\"1A2B\",\"FFFFFFFFFFFFFFFFFFFF\",7",
    "+CEREG: 1,\"2F1A\",\"10000000000000000\",7",
    /* over the 36 bits of an NR cell identity */
    "+C5GREG: 1,\"00A1B2\",\"1000000000\",11",
    /* a tracking area code over 3 octets */
    "+CEREG: 1,\"1000000\",\"0A1B2C3D\",7",
    "+CREG: 1,\"FFFFFFFF\",\"1\"",
  };
  MmdAtRegistration reg;

  for (gsize i = 0; i < G_N_ELEMENTS(rejected); i++) {
    g_autoptr(GError) error = NULL;
    g_assert_false(mmd_at_parse_registration(rejected[i], &reg, &error));
    g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED);
  }
  /* the largest values, with leading zeros, still parse */
  g_assert_true(
      mmd_at_parse_registration("+C5GREG: 1,\"FFFFFF\",\"00000000FFFFFFFFF\",11", &reg, NULL));
  g_assert_cmpuint(reg.lac, ==, MMD_AT_LAC_MAX);
  g_assert_cmpuint(reg.ci, ==, MMD_AT_CI_MAX);
  /* a decimal field that overflows an int is no number either */
  g_assert_false(mmd_at_parse_registration("+CREG: 99999999999999999999", &reg, NULL));
  int rssi, ber;
  g_assert_false(mmd_at_parse_csq("+CSQ: 18446744073709551637,99", &rssi, &ber, NULL));
}

static void
test_identity_text_clean(void)
{
  g_autofree char *latin1 = mmd_at_parse_info("+CGMI: Telef\xF3nica", NULL);
  g_autofree char *escape = mmd_at_parse_info("\x1B]0;owned\x07Quectel", NULL);
  g_autofree char *huge_line = g_strnfill(10000, 'M');
  g_autofree char *huge = mmd_at_parse_info(huge_line, NULL);

  g_assert_cmpstr(latin1, ==, "Telef" R "nica");
  g_assert_cmpstr(escape, ==, R "]0;owned" R "Quectel");
  g_assert_cmpuint(strlen(huge), ==, MMD_AT_TEXT_MAX);
}

static void
test_operator_names_clean(void)
{
  int mode, format, act;
  g_autofree char *latin1 = NULL;
  g_autofree char *ucs2_c1 = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GPtrArray) ops = NULL;

  g_assert_true(mmd_at_parse_cops_read("+COPS: 0,0,\"Telef\xF3nica\",7", &mode, &format, &latin1,
                                       &act, NULL));
  g_assert_cmpstr(latin1, ==, "Telef" R "nica");
  /* UCS2 with a C1 control (U+0085) inside */
  g_assert_true(mmd_at_parse_cops_read("+COPS: 0,0,\"004100850042\",7", &mode, &format, &ucs2_c1,
                                       &act, NULL));
  g_assert_cmpstr(ucs2_c1, ==, "A" R "B");
  /* a numeric operator that is not one is left out */
  g_assert_true(mmd_at_parse_cops_read("+COPS: 0,2,\"26\x1B"
                                       "202\",7",
                                       &mode, &format, &code, &act, NULL));
  g_assert_null(code);

  ops = mmd_at_parse_cops_test("+COPS: (2,\"\xE2\x82x\",\"\x1B[1m\",\"26202\",7),,(0,1),(0,2)",
                               NULL);
  g_assert_nonnull(ops);
  g_assert_cmpuint(ops->len, ==, 1);
  MmdAtOperator *op = g_ptr_array_index(ops, 0);
  g_assert_cmpstr(op->long_name, ==, R "x");
  g_assert_cmpstr(op->short_name, ==, R "[1m");
}

static void
test_error_texts_clean(void)
{
  g_autofree char *long_text = g_strnfill(500, 'x');
  g_autofree char *long_line = g_strconcat("+CME ERROR: ", long_text, NULL);
  g_autoptr(GError) cme = mmd_at_parse_cme_error("+CME ERROR: \xC3\x28 bad\x1B[2J");
  g_autoptr(GError) cms = mmd_at_parse_cms_error("+CMS ERROR: \xFF\xFE");
  g_autoptr(GError) longer = mmd_at_parse_cme_error(long_line);
  g_autoptr(GError) parse = NULL;
  MmdModemLock lock;

  g_assert_cmpstr(cme->message, ==, "+CME ERROR: " R "( bad" R "[2J");
  g_assert_cmpstr(cms->message, ==, "+CMS ERROR: " R);
  g_assert_cmpuint(strlen(longer->message), <, 100);
  /* an excerpt cut in the middle of a character is cut before it */
  g_assert_false(
      mmd_at_parse_cpin("+CPIN: "
                        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
                        &lock, &parse));
  g_assert_true(g_utf8_validate(parse->message, -1, NULL));
}

static void
test_data_text_clean(void)
{
  g_autoptr(GPtrArray) ctxs
      = mmd_at_parse_cgdcont_read("+CGDCONT: 1,\"IP\x1B\",\"inter\xFFnet\"", NULL);
  g_autoptr(GPtrArray) rdp
      = mmd_at_parse_cgcontrdp("+CGCONTRDP: 1,5,\"\xC0\xAF\",\"10.0.0.2\"", NULL);

  g_assert_nonnull(ctxs);
  MmdAtPdpContext *c = g_ptr_array_index(ctxs, 0);
  g_assert_cmpstr(c->pdp_type, ==, "IP" R);
  g_assert_cmpstr(c->apn, ==, "inter" R "net");
  g_assert_nonnull(rdp);
  MmdAtContextInfo *info = g_ptr_array_index(rdp, 0);
  g_assert_cmpstr(info->apn, ==, R);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/at/parse-hostile/cell-ids-overflow", test_cell_ids_that_overflow);
  g_test_add_func("/at/parse-hostile/identity-text", test_identity_text_clean);
  g_test_add_func("/at/parse-hostile/operator-names", test_operator_names_clean);
  g_test_add_func("/at/parse-hostile/error-texts", test_error_texts_clean);
  g_test_add_func("/at/parse-hostile/data-text", test_data_text_clean);
  return g_test_run();
}
