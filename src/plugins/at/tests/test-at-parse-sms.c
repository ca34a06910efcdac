/* 27.005 parsers in PDU mode: lists, reads, answers, indications, storages
 * and +CMS ERROR, in the spellings modems use, plus malformed, truncated
 * and oversized input from a hostile modem. */
#include <string.h>

#include "at-parse-error.h"
#include "at-parse-sms.h"
#include "mmd-errors.h"

/* 23.040 SMS-DELIVER "hellohello" from 27838890001 (SMSC +27381000015). */
#define HELLO "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"
#define HELLO_TPDU_LEN "28"

static void
test_cmgl(void)
{
  /* the +CPMS answer of "AT+CPMS=\"SM\";+CMGL=4" comes first */
  const char *response = "+CPMS: 2,30,2,30,2,30\n"
                         "+CMGL: 0,1,," HELLO_TPDU_LEN "\n" HELLO "\n"
                         "+CMGL: 7,2,\"draft\"," HELLO_TPDU_LEN "\n" HELLO "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = mmd_at_parse_cmgl(response, &error);
  MmdAtSmsEntry *e;

  g_assert_no_error(error);
  g_assert_cmpuint(entries->len, ==, 2);
  e = g_ptr_array_index(entries, 0);
  g_assert_cmpuint(e->index, ==, 0);
  g_assert_cmpint(e->stat, ==, 1);
  g_assert_cmpuint(g_bytes_get_size(e->pdu), ==, strlen(HELLO) / 2);
  g_assert_cmpuint(((const guint8 *)g_bytes_get_data(e->pdu, NULL))[0], ==, 0x07);
  e = g_ptr_array_index(entries, 1);
  g_assert_cmpuint(e->index, ==, 7);
  g_assert_cmpint(e->stat, ==, 2);
}

static void
test_cmgl_empty_and_bad(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = mmd_at_parse_cmgl("", &error);
  g_autoptr(GPtrArray) skipped = NULL;

  g_assert_no_error(error);
  g_assert_cmpuint(none->len, ==, 0);
  /* a PDU line that is not hex is skipped, its neighbours are kept */
  skipped
      = mmd_at_parse_cmgl("+CMGL: 1,0,,36\nXYZ\n+CMGL: 2,0,," HELLO_TPDU_LEN "\n" HELLO, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(skipped->len, ==, 1);
  g_assert_cmpuint(((MmdAtSmsEntry *)g_ptr_array_index(skipped, 0))->index, ==, 2);
  /* headers that do not parse fail the listing */
  g_assert_null(mmd_at_parse_cmgl("+CMGL: x,0,," HELLO_TPDU_LEN "\n" HELLO, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_cmgl("+CMGL: 1,9,," HELLO_TPDU_LEN "\n" HELLO, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_cmgl("+CMGL: 99999999999,0,," HELLO_TPDU_LEN "\n" HELLO, &error));
  g_assert_nonnull(error);
}

static void
test_cmgr(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdAtSmsEntry) e
      = mmd_at_parse_cmgr("+CPMS: 1,30,1,30,1,30\n+CMGR: 0,," HELLO_TPDU_LEN "\n" HELLO, &error);

  g_assert_no_error(error);
  g_assert_cmpint(e->stat, ==, 0);
  g_assert_cmpuint(e->index, ==, G_MAXUINT);
  g_assert_null(mmd_at_parse_cmgr("+CMGR: 0,,28", &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_cmgr("+CMGR: 0,,28\n079", &error)); /* odd length */
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_cmgr("OK", &error));
  g_assert_nonnull(error);
}

static void
test_hex_bounds(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_hex = g_strnfill(2 * (MMD_AT_SMS_MAX_PDU + 1), 'A');
  g_autoptr(GBytes) ok = mmd_at_parse_hex("00ff", 2, &error);

  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(ok), ==, 2);
  g_assert_null(mmd_at_parse_hex(long_hex, MMD_AT_SMS_MAX_PDU, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_hex("", MMD_AT_SMS_MAX_PDU, &error));
  g_assert_nonnull(error);
}

static void
test_numbers(void)
{
  g_autoptr(GError) error = NULL;
  guint v = 0;

  g_assert_true(mmd_at_parse_sms_number("+CMGS: 42", "+CMGS:", 255, &v, &error));
  g_assert_cmpuint(v, ==, 42);
  /* with the optional service centre time stamp */
  g_assert_true(
      mmd_at_parse_sms_number("+CMGS: 7,\"24/01/01,10:00:00+04\"", "+CMGS:", 255, &v, &error));
  g_assert_cmpuint(v, ==, 7);
  g_assert_true(
      mmd_at_parse_sms_number("+CPMS: 0,30,0,30,0,30\n+CMGW: 12", "+CMGW:", G_MAXINT, &v, &error));
  g_assert_cmpuint(v, ==, 12);
  g_assert_no_error(error);
  /* a reference is one octet */
  g_assert_false(mmd_at_parse_sms_number("+CMGS: 256", "+CMGS:", 255, &v, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_false(mmd_at_parse_sms_number("+CMSS:", "+CMSS:", 255, &v, &error));
  g_assert_nonnull(error);
}

static void
test_index_urc(void)
{
  g_autoptr(GError) error = NULL;
  MmdSmsStorage storage;
  guint index;

  g_assert_true(mmd_at_parse_sms_index_urc("+CMTI: \"ME\",5", &storage, &index, &error));
  g_assert_cmpint(storage, ==, MMD_SMS_STORAGE_ME);
  g_assert_cmpuint(index, ==, 5);
  g_assert_true(mmd_at_parse_sms_index_urc("+CDSI: \"SM\",0", &storage, &index, &error));
  g_assert_cmpint(storage, ==, MMD_SMS_STORAGE_SM);
  g_assert_true(mmd_at_parse_sms_index_urc("+CMTI: \"XX\",1", &storage, &index, &error));
  g_assert_cmpint(storage, ==, MMD_SMS_STORAGE_UNKNOWN);
  g_assert_no_error(error);
  g_assert_false(mmd_at_parse_sms_index_urc("+CMTI: \"ME\"", &storage, &index, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_false(mmd_at_parse_sms_index_urc("+CMTI: \"ME\",-1", &storage, &index, &error));
  g_assert_nonnull(error);
}

static void
test_pdu_urc(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cmt = mmd_at_parse_pdu_urc("+CMT: ," HELLO_TPDU_LEN "\n" HELLO, &error);
  g_autoptr(GBytes) alpha
      = mmd_at_parse_pdu_urc("+CMT: \"Bob\"," HELLO_TPDU_LEN "\n" HELLO, &error);
  g_autofree char *page_hex = g_strnfill(176, '1');
  g_autofree char *cbm_text = g_strconcat("+CBM: 88\n", page_hex, NULL);
  g_autoptr(GBytes) page = mmd_at_parse_pdu_urc(cbm_text, &error);

  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(cmt), ==, strlen(HELLO) / 2);
  g_assert_nonnull(alpha);
  g_assert_cmpuint(g_bytes_get_size(page), ==, 88);
  /* the length says what the body holds: anything else is refused */
  g_assert_null(mmd_at_parse_pdu_urc("+CMT: ,27\n" HELLO, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_assert_null(mmd_at_parse_pdu_urc("+CDS: 36", &error)); /* no body */
  g_assert_nonnull(error);
  g_clear_error(&error);
  /* an SMSC length pointing past the end */
  g_assert_null(mmd_at_parse_pdu_urc("+CMT: ,0\nFF00", &error));
  g_assert_nonnull(error);
}

static void
test_cpms_test(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) s = mmd_at_parse_cpms_test(
      "+CPMS: (\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")", &error);
  g_autoptr(GArray) one = mmd_at_parse_cpms_test("+CPMS: (\"ME\"),(\"ME\"),(\"ME\")", &error);

  g_assert_no_error(error);
  g_assert_cmpuint(s->len, ==, 3);
  g_assert_cmpint(g_array_index(s, MmdSmsStorage, 0), ==, MMD_SMS_STORAGE_SM);
  g_assert_cmpint(g_array_index(s, MmdSmsStorage, 2), ==, MMD_SMS_STORAGE_MT);
  g_assert_cmpuint(one->len, ==, 1);
  g_assert_null(mmd_at_parse_cpms_test("ERROR", &error));
  g_assert_nonnull(error);
}

static void
test_cms_error(void)
{
  static const struct {
    const char *line;
    int code;
  } cases[] = {
    { "+CMS ERROR: 321", MMD_MESSAGE_ERROR_INVALID_INDEX },
    { "+CMS ERROR: 322", MMD_MESSAGE_ERROR_MEMORY_FULL },
    { "+CMS ERROR: 330", MMD_MESSAGE_ERROR_SMSC_ADDRESS_UNKNOWN },
    { "+CMS ERROR: 332", MMD_MESSAGE_ERROR_NETWORK_TIMEOUT },
    { "+CMS ERROR: 304", MMD_MESSAGE_ERROR_INVALID_PDU_PARAMETER },
    { "+CMS ERROR: 500", MMD_MESSAGE_ERROR_UNKNOWN },
    { "+CMS ERROR: 42", MMD_MESSAGE_ERROR_UNKNOWN }, /* an RP cause */
    { "+CMS ERROR: unknown error", MMD_MESSAGE_ERROR_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) e = mmd_at_parse_cms_error(cases[i].line);

    g_assert_error(e, MMD_MESSAGE_ERROR, cases[i].code);
  }
  g_assert_null(mmd_at_parse_cms_error("+CME ERROR: 3"));
  g_assert_null(mmd_at_parse_cms_error("ERROR"));
  {
    /* a modem's bytes reach a GError as valid UTF-8 */
    g_autoptr(GError) e = mmd_at_parse_cms_error("+CMS ERROR: \xff\xfe bad");

    g_assert_true(g_utf8_validate(e->message, -1, NULL));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  g_test_add_func("/at/sms/cmgl", test_cmgl);
  g_test_add_func("/at/sms/cmgl-empty-and-bad", test_cmgl_empty_and_bad);
  g_test_add_func("/at/sms/cmgr", test_cmgr);
  g_test_add_func("/at/sms/hex-bounds", test_hex_bounds);
  g_test_add_func("/at/sms/numbers", test_numbers);
  g_test_add_func("/at/sms/index-urc", test_index_urc);
  g_test_add_func("/at/sms/pdu-urc", test_pdu_urc);
  g_test_add_func("/at/sms/cpms-test", test_cpms_test);
  g_test_add_func("/at/sms/cms-error", test_cms_error);
  return g_test_run();
}
