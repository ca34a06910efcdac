/* libFuzzer target: every 27.007 and 27.005 response parser on the input as
 * a response.
 *
 * Besides crashes and sanitizer reports, a finding is any output that breaks
 * what the parsers promise: a string or error message that is not clean text,
 * a location or cell id over its limit, a value list that grows beyond what
 * the input can describe, an SMS PDU over its cap. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "at-parse.h"
#include "fuzz-common.h"
#include "mmd-text.h"

static void
check_text(const char *s)
{
  g_assert_true(s == NULL || mmd_text_is_clean(s, -1));
  g_assert_true(s == NULL || strlen(s) <= MMD_AT_TEXT_MAX);
}

static void
check_error(GError *error)
{
  g_assert_true(error == NULL || mmd_text_is_clean(error->message, -1));
  g_clear_error(&error);
}

static void
free_text(char *s)
{
  check_text(s);
  g_free(s);
}

static void
fuzz_identity(const char *s)
{
  GError *e = NULL;
  char **numbers;

  free_text(mmd_at_parse_info(s, &e));
  check_error(e);
  e = NULL;
  free_text(mmd_at_parse_imei(s, &e));
  check_error(e);
  g_free(mmd_at_parse_imsi(s, NULL));
  g_free(mmd_at_parse_iccid(s, NULL));
  numbers = mmd_at_parse_cnum(s, NULL);
  for (guint i = 0; numbers[i]; i++)
    check_text(numbers[i]);
  g_strfreev(numbers);
}

static void
fuzz_sim(const char *s)
{
  MmdModemLock lock;
  MmdAtRetries r;
  gboolean enabled;
  GError *e = NULL;
  GBytes *file;

  mmd_at_parse_cpin(s, &lock, &e);
  check_error(e);
  mmd_at_parse_pin_retries(s, &r, NULL);
  mmd_at_parse_clck(s, &enabled, NULL);
  file = mmd_at_parse_crsm(s, NULL);
  if (file)
    g_bytes_unref(file);
}

static void
fuzz_network(const char *s)
{
  MmdAtRegistration reg;
  int mode, format, act;
  char *oper = NULL;
  GPtrArray *ops;

  if (mmd_at_parse_registration(s, &reg, NULL)) {
    g_assert_cmpuint(reg.lac, <=, MMD_AT_LAC_MAX);
    g_assert_cmpuint(reg.ci, <=, MMD_AT_CI_MAX);
    g_assert_cmpint(reg.stat, <=, 11);
  }
  if (mmd_at_parse_cops_read(s, &mode, &format, &oper, &act, NULL))
    free_text(oper);
  ops = mmd_at_parse_cops_test(s, NULL);
  for (guint i = 0; ops && i < ops->len; i++) {
    MmdAtOperator *op = g_ptr_array_index(ops, i);
    check_text(op->long_name);
    check_text(op->short_name);
    check_text(op->code);
  }
  g_clear_pointer(&ops, g_ptr_array_unref);
  free_text(mmd_at_decode_name(s));
}

static void
fuzz_radio(const char *s, gsize len)
{
  int rssi, ber, value, fun;
  MmdAtSignal sig;
  GArray *values;

  if (mmd_at_parse_csq(s, &rssi, &ber, NULL))
    g_assert_true(rssi <= 31 || rssi == 99);
  if (mmd_at_parse_cesq(s, &sig, NULL))
    g_assert_true(isnan(sig.rsrp) || (sig.rsrp >= -141 && sig.rsrp <= -44));
  values = mmd_at_parse_ws46_test(s, NULL);
  /* a range spans at most 101 values and takes at least 3 bytes */
  g_assert_true(!values || values->len <= 101 * (len / 3 + 1));
  g_clear_pointer(&values, g_array_unref);
  mmd_at_parse_ws46_read(s, &value, NULL);
  mmd_at_parse_cfun(s, &fun, NULL);
}

static void
fuzz_data(const char *s)
{
  GPtrArray *list;
  GArray *pairs;
  guint max_cid, families;
  char *ip4, *ip6;

  list = mmd_at_parse_cgdcont_read(s, NULL);
  for (guint i = 0; list && i < list->len; i++) {
    MmdAtPdpContext *c = g_ptr_array_index(list, i);
    check_text(c->pdp_type);
    check_text(c->apn);
  }
  g_clear_pointer(&list, g_ptr_array_unref);
  mmd_at_parse_cgdcont_test(s, &max_cid, &families, NULL);
  pairs = mmd_at_parse_cgact_read(s, NULL);
  g_clear_pointer(&pairs, g_array_unref);
  if (mmd_at_parse_cgpaddr(s, 1, &ip4, &ip6, NULL)) {
    free_text(ip4);
    free_text(ip6);
  }
  list = mmd_at_parse_cgcontrdp(s, NULL);
  for (guint i = 0; list && i < list->len; i++) {
    MmdAtContextInfo *info = g_ptr_array_index(list, i);
    check_text(info->apn);
    check_text(info->address);
    g_assert_cmpuint(info->prefix, <=, 128);
  }
  g_clear_pointer(&list, g_ptr_array_unref);
}

/* A PDU the 27.005 parsers hand over is within its cap. */
static void
check_pdu(GBytes *pdu)
{
  if (!pdu)
    return;
  g_assert_cmpuint(g_bytes_get_size(pdu), <=, MMD_AT_SMS_MAX_PDU);
  g_bytes_unref(pdu);
}

static void
fuzz_sms(const char *s, gsize len)
{
  GError *e = NULL;
  GPtrArray *list = mmd_at_parse_cmgl(s, &e);
  MmdAtSmsEntry *entry;
  MmdSmsStorage storage;
  GArray *storages;
  guint value;

  check_error(e);
  /* every entry takes a header and a PDU line */
  g_assert_true(!list || list->len <= len / 4 + 1);
  for (guint i = 0; list && i < list->len; i++) {
    entry = g_ptr_array_index(list, i);
    g_assert_cmpuint(g_bytes_get_size(entry->pdu), <=, MMD_AT_SMS_MAX_PDU);
  }
  g_clear_pointer(&list, g_ptr_array_unref);
  e = NULL;
  entry = mmd_at_parse_cmgr(s, &e);
  check_error(e);
  if (entry)
    g_assert_cmpuint(g_bytes_get_size(entry->pdu), <=, MMD_AT_SMS_MAX_PDU);
  mmd_at_sms_entry_free(entry);
  if (mmd_at_parse_sms_number(s, "+CMGS:", 255, &value, NULL))
    g_assert_cmpuint(value, <=, 255);
  mmd_at_parse_sms_index_urc(s, &storage, &value, NULL);
  e = NULL;
  check_pdu(mmd_at_parse_pdu_urc(s, &e));
  check_error(e);
  storages = mmd_at_parse_cpms_test(s, NULL);
  g_clear_pointer(&storages, g_array_unref);
  check_pdu(mmd_at_parse_hex(s, MMD_AT_SMS_MAX_PDU, NULL));
}

static void
fuzz_common(const char *s)
{
  static const char *const prefixes[] = { "+CREG:", "^SYSINFO", NULL };
  GArray *quoted = NULL;
  GPtrArray *fields = mmd_at_split_fields(s, &quoted, NULL);

  if (fields) {
    g_assert_cmpuint(fields->len, ==, quoted->len);
    g_ptr_array_unref(fields);
    g_array_unref(quoted);
  }
  (void)mmd_at_strip_prefix(s, prefixes);
  check_error(mmd_at_parse_cme_error(s));
  check_error(mmd_at_parse_cms_error(s));
}

/* What a modem reports by itself (at-parse-events.h) and of its calls and
 * USSD (at-parse-voice.h). */
static void
fuzz_events(const char *s)
{
  GError *e = NULL;
  guint index = 0, max = 0, value = 0;
  g_auto(MmdAtNetworkTime) t = { 0 };
  g_auto(MmdAtNetworkTime) clock = { 0 };

  mmd_at_parse_cind_test(s, "signal", &index, &max, &e);
  check_error(e);
  e = NULL;
  mmd_at_parse_creg_test(s, &max, &e);
  check_error(e);
  e = NULL;
  mmd_at_parse_ciev(s, &index, &value, &e);
  check_error(e);
  e = NULL;
  if (mmd_at_parse_time_zone_report(s, &t, &e))
    free_text(mmd_at_network_time_to_iso8601(&t));
  check_error(e);
  e = NULL;
  if (mmd_at_parse_cclk(s, &clock, &e))
    free_text(mmd_at_network_time_to_iso8601(&clock));
  check_error(e);
}

/* Decoded USSD text may be longer than a response's text: only clean. */
static void
free_clean(char *s)
{
  g_assert_true(s == NULL || mmd_text_is_clean(s, -1));
  g_free(s);
}

static void
fuzz_voice(const char *s)
{
  GError *e = NULL;
  g_autoptr(GPtrArray) calls = mmd_at_parse_clcc(s, &e);
  char *number = NULL, *str = NULL;
  gboolean enabled;
  MmdAtCharset charset;
  int m, dcs;

  check_error(e);
  for (guint i = 0; calls && i < calls->len; i++)
    check_text(((MmdAtCall *)calls->pdata[i])->number);
  e = NULL;
  if (mmd_at_parse_caller(s, &number, &e))
    free_text(number);
  check_error(e);
  e = NULL;
  mmd_at_parse_ccwa_status(s, &enabled, &e);
  check_error(e);
  e = NULL;
  mmd_at_parse_cscs(s, &charset, &e);
  check_error(e);
  e = NULL;
  if (mmd_at_parse_cusd(s, &m, &str, &dcs, &e) && str) {
    free_clean(mmd_at_ussd_decode(str, dcs, MMD_AT_CHARSET_GSM, FALSE, NULL));
    free_clean(mmd_at_ussd_decode(str, dcs, MMD_AT_CHARSET_UCS2, TRUE, NULL));
  }
  g_free(str);
  check_error(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* a response as the channel hands it over: a C string (it drops NULs) */
  char *s = g_strndup((const char *)data, size);
  gsize len = strlen(s);

  fuzz_common(s);
  fuzz_identity(s);
  fuzz_sim(s);
  fuzz_network(s);
  fuzz_radio(s, len);
  fuzz_data(s);
  fuzz_sms(s, len);
  fuzz_events(s);
  fuzz_voice(s);
  g_free(s);
  return 0;
}
