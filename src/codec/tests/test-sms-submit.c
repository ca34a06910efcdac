/* SMS-SUBMIT encoding: published PDUs byte for byte, splitting, round trips. */
#include "codec-error.h"
#include "codec-test-util.h"
#include "sms-pdu.h"
#include "sms-submit.h"
#include "sms-time.h"

static GPtrArray *
encode(const MmdSmsSubmit *submit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *parts = mmd_sms_submit_encode(submit, &error);

  g_assert_no_error(error);
  g_assert_nonnull(parts);
  return parts;
}

static void
assert_part(const MmdSmsSubmitPart *part, const char *expected_hex, guint expected_tpdu_len)
{
  g_autofree char *hex = bytes_hex(part->pdu);

  g_assert_cmpstr(hex, ==, expected_hex);
  g_assert_cmpuint(part->tpdu_len, ==, expected_tpdu_len);
}

static MmdSmsPdu *
decode_part(const MmdSmsSubmitPart *part)
{
  g_autoptr(GError) error = NULL;
  MmdSmsPdu *pdu = mmd_sms_pdu_decode(g_bytes_get_data(part->pdu, NULL),
                                      g_bytes_get_size(part->pdu), MMD_SMS_PDU_WITH_SMSC, &error);

  g_assert_no_error(error);
  return pdu;
}

static void
test_published_pdus(void)
{
  /* PDUs a reference implementation's tests publish for these inputs. */
  MmdSmsSubmit ucs2 = {
    .number = "+15555551234",
    .smsc = "+19037029920",
    .text = "Да здравствует король, детка!",
    .validity_minutes = 5,
    .message_class = MMD_MESSAGE_CLASS_NONE,
  };
  MmdSmsSubmit gsm = {
    .number = "+15555551234",
    .text = "Hi there...Tue 17th Jan 2012 05:30.18 pm (GMT+1) ΔΔΔΔΔ",
    .validity_minutes = 5,
    .message_class = MMD_MESSAGE_CLASS_NONE,
  };
  MmdSmsSubmit short_gsm = {
    .number = "+15556661234",
    .text = "This is really cool ΔΔΔΔΔ",
    .message_class = MMD_MESSAGE_CLASS_NONE,
  };
  g_autoptr(GPtrArray) ucs2_parts = encode(&ucs2);
  g_autoptr(GPtrArray) gsm_parts = encode(&gsm);
  g_autoptr(GPtrArray) short_parts = encode(&short_gsm);

  assert_part(ucs2_parts->pdata[0],
              "07919130079229F011000B915155551532F40008003A04140430002004370434044004300432"
              "0441044204320443043504420020043A043E0440043E043B044C002C00200434043504420"
              "43A04300021",
              72);
  assert_part(gsm_parts->pdata[0],
              "0011000B915155551532F400000036C834888E2ECBCB2E978B5A2F8362373A1AA40CBB4132"
              "584C0682D57433982B8603C1DB20D4B1495DC552200804028100",
              62);
  assert_part(short_parts->pdata[0],
              "0001000B915155661632F4000019547"
              "47A0E4ACF41F27298CDCE83C6EF371B0481402010",
              35);
}

static GString *
repeat(const char *unit, guint times)
{
  GString *text = g_string_new(NULL);

  for (guint i = 0; i < times; i++)
    g_string_append(text, unit);
  return text;
}

static void
test_two_part_gsm_round_trip(void)
{
  g_autoptr(GString) text = g_string_new(NULL);
  MmdSmsSubmit submit = { .number = "+4915112345678",
                          .message_class = MMD_MESSAGE_CLASS_NONE,
                          .message_reference = 7,
                          .concat_reference = 0x42 };
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(MmdSmsPdu) first = NULL;
  g_autoptr(MmdSmsPdu) second = NULL;
  g_autofree char *joined = NULL;
  const guint8 *pdu;

  for (guint i = 0; i < 200; i++)
    g_string_append_c(text, (char)('A' + i % 26));
  submit.text = text->str;
  parts = encode(&submit);
  g_assert_cmpuint(parts->len, ==, 2);

  /* SMSC 00, first octet: SUBMIT with UDHI; MR; 14-digit number (7 octets + 2). */
  pdu = g_bytes_get_data(((MmdSmsSubmitPart *)parts->pdata[0])->pdu, NULL);
  g_assert_cmpuint(pdu[0], ==, 0x00);
  g_assert_cmpuint(pdu[1], ==, 0x41);
  g_assert_cmpuint(pdu[2], ==, 7);
  /* After number, PID and DCS: UDL 160 = 7 header septets + 153, then the
   * header 05 00 03 ref total seq, then 'A' shifted past one fill bit. */
  static const guint8 user_data_start[] = { 0xA0, 0x05, 0x00, 0x03, 0x42, 0x02, 0x01, 0x82 };
  g_assert_cmpmem(pdu + 3 + 9 + 2, sizeof(user_data_start), user_data_start,
                  sizeof(user_data_start));
  g_assert_cmpuint(((MmdSmsSubmitPart *)parts->pdata[0])->tpdu_len, ==, 3 + 9 + 2 + 1 + 140 - 1);

  first = decode_part(parts->pdata[0]);
  second = decode_part(parts->pdata[1]);
  g_assert_cmpuint(first->message_reference, ==, 7);
  g_assert_cmpuint(second->message_reference, ==, 8);
  g_assert_cmpuint(first->concat.reference, ==, 0x42);
  g_assert_cmpuint(first->concat.sequence, ==, 1);
  g_assert_cmpuint(second->concat.sequence, ==, 2);
  g_assert_cmpuint(second->concat.total, ==, 2);
  g_assert_cmpuint(strlen(first->text), ==, 153);
  g_assert_cmpuint(strlen(second->text), ==, 47);
  joined = g_strconcat(first->text, second->text, NULL);
  g_assert_cmpstr(joined, ==, text->str);
}

static void
test_escape_not_split(void)
{
  g_autoptr(GString) text = repeat("a", 152);
  MmdSmsSubmit submit = { .number = "12345", .message_class = MMD_MESSAGE_CLASS_NONE };
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(MmdSmsPdu) first = NULL;
  g_autoptr(MmdSmsPdu) second = NULL;

  g_string_append(text, "€bbbbbbbbbb");
  submit.text = text->str;
  parts = encode(&submit);
  g_assert_cmpuint(parts->len, ==, 2);
  first = decode_part(parts->pdata[0]);
  second = decode_part(parts->pdata[1]);
  g_assert_cmpuint(strlen(first->text), ==, 152);
  g_assert_cmpstr(second->text, ==, "€bbbbbbbbbb");
  g_assert_cmpint(first->dcs.alphabet, ==, MMD_ALPHABET_GSM7);
}

static void
test_surrogate_pair_not_split(void)
{
  g_autoptr(GString) text = repeat("a", 66);
  MmdSmsSubmit submit = { .number = "12345", .message_class = MMD_MESSAGE_CLASS_NONE };
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(MmdSmsPdu) first = NULL;
  g_autoptr(MmdSmsPdu) second = NULL;

  g_string_append(text, "😀bbbbb");
  submit.text = text->str;
  parts = encode(&submit);
  g_assert_cmpuint(parts->len, ==, 2);
  first = decode_part(parts->pdata[0]);
  second = decode_part(parts->pdata[1]);
  g_assert_cmpint(first->dcs.alphabet, ==, MMD_ALPHABET_UCS2);
  g_assert_cmpuint(strlen(first->text), ==, 66);
  g_assert_cmpstr(second->text, ==, "😀bbbbb");
}

static void
test_single_part_limits(void)
{
  g_autoptr(GString) gsm = repeat("x", 160);
  g_autoptr(GString) ucs2 = repeat("ж", 70);
  MmdSmsSubmit submit = { .number = "12345", .message_class = MMD_MESSAGE_CLASS_NONE };
  g_autoptr(GPtrArray) gsm_parts = NULL;
  g_autoptr(GPtrArray) ucs2_parts = NULL;
  g_autoptr(GPtrArray) longer = NULL;

  submit.text = gsm->str;
  gsm_parts = encode(&submit);
  submit.text = ucs2->str;
  ucs2_parts = encode(&submit);
  g_string_append(ucs2, "ж");
  longer = encode(&submit);
  g_assert_cmpuint(gsm_parts->len, ==, 1);
  g_assert_cmpuint(ucs2_parts->len, ==, 1);
  g_assert_cmpuint(longer->len, ==, 2);
}

static void
test_too_many_parts(void)
{
  g_autoptr(GString) text = repeat("a", 255 * 153);
  MmdSmsSubmit submit = { .number = "12345", .message_class = MMD_MESSAGE_CLASS_NONE };
  g_autoptr(GPtrArray) most = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  submit.text = text->str;
  most = encode(&submit);
  g_assert_cmpuint(most->len, ==, 255);
  g_string_append_c(text, 'a');
  submit.text = text->str;
  none = mmd_sms_submit_encode(&submit, &error);
  g_assert_null(none);
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG);
}

static void
test_8bit_data_options(void)
{
  guint8 payload[200];
  g_autoptr(GBytes) data = NULL;
  MmdSmsSubmit submit = {
    .number = "+123",
    .smsc = "5551234",
    .message_class = 2,
    .request_status_report = TRUE,
    .validity_minutes = 24 * 60,
  };
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(MmdSmsPdu) first = NULL;
  g_autoptr(MmdSmsPdu) second = NULL;

  for (guint i = 0; i < sizeof(payload); i++)
    payload[i] = (guint8)i;
  data = g_bytes_new(payload, sizeof(payload));
  submit.data = data;
  parts = encode(&submit);
  g_assert_cmpuint(parts->len, ==, 2);
  first = decode_part(parts->pdata[0]);
  second = decode_part(parts->pdata[1]);
  g_assert_cmpstr(first->smsc, ==, "5551234");
  g_assert_cmpstr(first->address, ==, "+123");
  g_assert_true(first->status_report);
  g_assert_cmpint(first->dcs.alphabet, ==, MMD_ALPHABET_8BIT);
  g_assert_cmpint(first->dcs.message_class, ==, 2);
  g_assert_cmpuint(first->validity.seconds, ==, 24 * 3600);
  g_assert_cmpuint(g_bytes_get_size(first->data), ==, 134);
  g_assert_cmpmem(g_bytes_get_data(second->data, NULL), g_bytes_get_size(second->data),
                  payload + 134, sizeof(payload) - 134);
}

static void
test_invalid_input(void)
{
  const char *bad_numbers[] = { "", "+", "++1", "12a", "+1 234", "123456789012345678901", NULL };
  MmdSmsSubmit submit = { .text = "hi", .message_class = MMD_MESSAGE_CLASS_NONE };

  for (guint i = 0; i < G_N_ELEMENTS(bad_numbers); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) parts = NULL;

    submit.number = bad_numbers[i];
    parts = mmd_sms_submit_encode(&submit, &error);
    g_assert_null(parts);
    g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT);
  }

  MmdSmsSubmit bad[] = {
    { .number = "1", .smsc = "+1-2", .text = "hi", .message_class = MMD_MESSAGE_CLASS_NONE },
    { .number = "1", .text = "hi", .message_class = 4 },
    { .number = "1", .message_class = MMD_MESSAGE_CLASS_NONE },
    { .number = "1", .text = "\xC3\x28", .message_class = MMD_MESSAGE_CLASS_NONE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) parts = mmd_sms_submit_encode(&bad[i], &error);

    g_assert_null(parts);
    g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_validity_encoding(void)
{
  g_assert_cmpuint(mmd_sms_validity_relative_encode(1), ==, 0);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(5), ==, 0);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(6), ==, 1);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(12 * 60), ==, 143);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(12 * 60 + 1), ==, 144);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(2 * 24 * 60), ==, 168);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(63 * 7 * 24 * 60), ==, 255);
  g_assert_cmpuint(mmd_sms_validity_relative_encode(G_MAXUINT), ==, 255);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/sms-submit/published", test_published_pdus);
  g_test_add_func("/codec/sms-submit/two-part-gsm", test_two_part_gsm_round_trip);
  g_test_add_func("/codec/sms-submit/escape-not-split", test_escape_not_split);
  g_test_add_func("/codec/sms-submit/surrogate-not-split", test_surrogate_pair_not_split);
  g_test_add_func("/codec/sms-submit/single-part-limits", test_single_part_limits);
  g_test_add_func("/codec/sms-submit/too-many-parts", test_too_many_parts);
  g_test_add_func("/codec/sms-submit/8bit-options", test_8bit_data_options);
  g_test_add_func("/codec/sms-submit/invalid", test_invalid_input);
  g_test_add_func("/codec/sms-submit/validity", test_validity_encoding);
  return g_test_run();
}
