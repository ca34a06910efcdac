/* SMS TPDU decoding against published and real-network PDUs. */
#include "codec-error.h"
#include "codec-test-util.h"
#include "codec-vectors.h"
#include "sms-pdu.h"
#include "sms-status.h"

static const char *
vector_hex(const CodecVector *vectors, gsize n, const char *name)
{
  for (gsize i = 0; i < n; i++) {
    if (g_str_equal(vectors[i].name, name))
      return vectors[i].hex;
  }
  g_assert_not_reached();
}

#define SMSC_VECTOR(name)                                                                          \
  vector_hex(sms_with_smsc_vectors, G_N_ELEMENTS(sms_with_smsc_vectors), name)
#define TPDU_VECTOR(name) vector_hex(sms_tpdu_vectors, G_N_ELEMENTS(sms_tpdu_vectors), name)

static MmdSmsPdu *
decode(const char *hex, MmdSmsPduLayout layout)
{
  g_autoptr(GBytes) bytes = hex_bytes(hex);
  g_autoptr(GError) error = NULL;
  MmdSmsPdu *pdu
      = mmd_sms_pdu_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), layout, &error);

  g_assert_no_error(error);
  g_assert_nonnull(pdu);
  return pdu;
}

static void
decode_fails(const char *hex, MmdSmsPduLayout layout, MmdCodecError code)
{
  g_autoptr(GBytes) bytes = hex_bytes(hex);
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdSmsPdu) pdu
      = mmd_sms_pdu_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), layout, &error);

  g_assert_null(pdu);
  g_assert_error(error, MMD_CODEC_ERROR, (gint)code);
}

static void
test_deliver_classic(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("deliver-hellohello"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpint(pdu->type, ==, MMD_SMS_PDU_DELIVER);
  g_assert_cmpstr(pdu->smsc, ==, "+27381000015");
  /* Type of number "subscriber": no '+'. */
  g_assert_cmpstr(pdu->address, ==, "27838890001");
  g_assert_cmpstr(pdu->timestamp, ==, "1999-03-29T15:16:59+02:00");
  g_assert_cmpstr(pdu->text, ==, "hellohello");
  g_assert_cmpint(pdu->dcs.alphabet, ==, MMD_ALPHABET_GSM7);
  g_assert_cmpint(pdu->dcs.message_class, ==, MMD_MESSAGE_CLASS_NONE);
  g_assert_false(pdu->concat.present);
  g_assert_null(pdu->data);
}

static void
test_submit_classic(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("submit-hellohello"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpint(pdu->type, ==, MMD_SMS_PDU_SUBMIT);
  g_assert_null(pdu->smsc);
  g_assert_cmpstr(pdu->address, ==, "+46708251358");
  g_assert_cmpuint(pdu->message_reference, ==, 0);
  g_assert_cmpint(pdu->validity.format, ==, MMD_SMS_VALIDITY_RELATIVE);
  /* TP-VP 0xAA = 170: (170 - 166) days. */
  g_assert_cmpuint(pdu->validity.seconds, ==, 4 * 24 * 3600);
  g_assert_cmpstr(pdu->text, ==, "hellohello");
  g_assert_null(pdu->timestamp);
}

static void
test_same_tpdu_both_layouts(void)
{
  /* The SUBMIT above without its SMSC octet decodes the same with TPDU_ONLY. */
  const char *with_smsc = SMSC_VECTOR("submit-hellohello");
  g_autoptr(MmdSmsPdu) pdu = decode(with_smsc + 2, MMD_SMS_PDU_TPDU_ONLY);

  g_assert_cmpstr(pdu->address, ==, "+46708251358");
  g_assert_cmpstr(pdu->text, ==, "hellohello");
}

static void
test_extension_characters(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("deliver-extension"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpstr(pdu->smsc, ==, "+12404492164");
  g_assert_cmpstr(pdu->address, ==, "+16175927198");
  g_assert_cmpstr(pdu->timestamp, ==, "2011-02-28T11:50:50-05:00");
  g_assert_cmpstr(pdu->text, ==,
                  "Here's a longer message [{with some extended characters}] "
                  "thrown in, such as £ and ΩΠΨ and §¿ as well.");
}

static void
test_alphanumeric_ucs2(void)
{
  g_autoptr(MmdSmsPdu) pdu
      = decode(SMSC_VECTOR("deliver-alphanumeric-ucs2"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpstr(pdu->smsc, ==, "+79037011111");
  g_assert_cmpstr(pdu->address, ==, "InternetSMS");
  g_assert_cmpint(pdu->dcs.alphabet, ==, MMD_ALPHABET_UCS2);
  g_assert_cmpstr(pdu->timestamp, ==, "2011-03-29T19:20:04+04:00");
  g_assert_cmpstr(pdu->text, ==, "тест");
}

static void
test_dcs_f1_class1(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("deliver-dcs-f1"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpstr(pdu->address, ==, "1800");
  g_assert_cmpuint(pdu->dcs_octet, ==, 0xF1);
  g_assert_cmpint(pdu->dcs.message_class, ==, 1);
  g_assert_cmpstr(pdu->timestamp, ==, "2011-06-24T13:08:15+02:00");
  g_assert_cmpstr(pdu->text, ==,
                  "Info SFR - Confidentiel, à ne jamais transmettre -\r\n"
                  "Voici votre nouveau mot de passe : sw2ced pour gérer "
                  "votre compte SFR sur www.sfr.fr ou par téléphone au 963");
}

static void
test_8bit_data(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("deliver-8bit"), MMD_SMS_PDU_WITH_SMSC);
  g_autoptr(GBytes) expected = hex_bytes("E8329BFD4697D9EC37DE");

  g_assert_cmpint(pdu->dcs.alphabet, ==, MMD_ALPHABET_8BIT);
  g_assert_null(pdu->text);
  g_assert_nonnull(pdu->data);
  g_assert_true(g_bytes_equal(pdu->data, expected));
}

static void
test_concat_16bit_reference(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("deliver-concat16"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpstr(pdu->address, ==, "1002");
  g_assert_cmpuint(pdu->protocol_id, ==, 0x39);
  g_assert_true(pdu->more_messages);
  g_assert_true(pdu->concat.present);
  g_assert_cmpuint(pdu->concat.reference, ==, 0x0010);
  g_assert_cmpuint(pdu->concat.total, ==, 2);
  g_assert_cmpuint(pdu->concat.sequence, ==, 1);
  g_assert_cmpstr(pdu->text, ==,
                  "Welkom, bel om uw Voicemail te beluisteren naar +31612001233"
                  " (PrePay: *100*1233#). Voicemail ontvangen is altijd gratis."
                  " Voor gebruik van mobiel interne");
}

static void
test_concat_8bit_reference(void)
{
  g_autoptr(MmdSmsPdu) first = decode(SMSC_VECTOR("deliver-concat8-1"), MMD_SMS_PDU_WITH_SMSC);
  g_autoptr(MmdSmsPdu) second = decode(SMSC_VECTOR("deliver-concat8-2"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpuint(first->concat.reference, ==, 0x4C);
  g_assert_cmpuint(first->concat.sequence, ==, 1);
  g_assert_cmpuint(second->concat.sequence, ==, 2);
  g_assert_cmpuint(second->concat.total, ==, 2);
  g_assert_cmpstr(first->timestamp, ==, "2012-04-25T19:56:50-04:00");
  g_assert_cmpstr(first->text, ==,
                  "This is a very long test designed to exercise multi part capability. It "
                  "should show up as one message, not as two, as the underlying encoding "
                  "represents ");
  g_assert_cmpstr(second->text, ==, "that the parts are related to one another. ");
}

static void
test_stored_submit(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("submit-stored-ucs2"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpint(pdu->type, ==, MMD_SMS_PDU_SUBMIT);
  g_assert_true(pdu->status_report);
  g_assert_cmpint(pdu->validity.format, ==, MMD_SMS_VALIDITY_NONE);
  g_assert_cmpstr(pdu->address, ==, "639337937");
  g_assert_cmpstr(pdu->text, ==, "你好你好你好你好你好你好你好你好你");
}

static void
test_ucs2_emoji(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(TPDU_VECTOR("deliver-ucs2-emoji"), MMD_SMS_PDU_TPDU_ONLY);

  g_assert_null(pdu->smsc);
  g_assert_cmpstr(pdu->text, ==, "Hi 😀");
  g_assert_cmpstr(pdu->timestamp, ==, "2026-11-30T12:00:00+01:00");
}

static void
test_class0(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(TPDU_VECTOR("deliver-class0"), MMD_SMS_PDU_TPDU_ONLY);

  g_assert_cmpint(pdu->dcs.message_class, ==, 0);
  g_assert_cmpstr(pdu->text, ==, "hello");
}

static void
test_status_report_sc_specific(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(SMSC_VECTOR("status-report-0x30"), MMD_SMS_PDU_WITH_SMSC);

  g_assert_cmpint(pdu->type, ==, MMD_SMS_PDU_STATUS_REPORT);
  g_assert_cmpstr(pdu->smsc, ==, "+34656000311");
  g_assert_cmpuint(pdu->message_reference, ==, 0x5A);
  g_assert_cmpstr(pdu->address, ==, "639337937");
  g_assert_cmpstr(pdu->timestamp, ==, "2012-09-11T07:40:36+02:00");
  g_assert_cmpstr(pdu->discharge_time, ==, "2012-09-11T07:40:36+02:00");
  g_assert_cmpuint(pdu->status, ==, 0x30);
  g_assert_cmpuint(mmd_sms_status_delivery_state(pdu->status), ==, MMD_SMS_DELIVERY_STATE_UNKNOWN);
  g_assert_cmpint(mmd_sms_status_class(pdu->status), ==, MMD_SMS_STATUS_TEMPORARY_ERROR);
  g_assert_cmpstr(pdu->text, ==, "");
}

static void
test_status_report_delivered(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(TPDU_VECTOR("status-report-delivered"), MMD_SMS_PDU_TPDU_ONLY);

  g_assert_cmpuint(pdu->message_reference, ==, 0x2A);
  g_assert_cmpstr(pdu->address, ==, "+46708251358");
  g_assert_cmpstr(pdu->discharge_time, ==, "2026-11-30T12:05:00+01:00");
  g_assert_cmpuint(mmd_sms_status_delivery_state(pdu->status), ==,
                   MMD_SMS_DELIVERY_STATE_COMPLETED_RECEIVED);
  g_assert_cmpint(mmd_sms_status_class(pdu->status), ==, MMD_SMS_STATUS_COMPLETED);
}

static void
test_status_report_expired(void)
{
  g_autoptr(MmdSmsPdu) pdu = decode(TPDU_VECTOR("status-report-expired"), MMD_SMS_PDU_TPDU_ONLY);
  g_autofree char *padded_hex = g_strconcat(TPDU_VECTOR("status-report-delivered"), "FFFFFF", NULL);
  g_autoptr(MmdSmsPdu) padded = decode(padded_hex, MMD_SMS_PDU_TPDU_ONLY);

  g_assert_cmpuint(mmd_sms_status_delivery_state(pdu->status), ==,
                   MMD_SMS_DELIVERY_STATE_ERROR_VALIDITY_PERIOD_EXPIRED);
  g_assert_cmpint(mmd_sms_status_class(pdu->status), ==, MMD_SMS_STATUS_PERMANENT_ERROR);
  /* Storage padding after TP-ST reads as a TP-PI that promises everything. */
  g_assert_cmpuint(padded->status, ==, 0x00);
  g_assert_cmpstr(padded->text, ==, "");
  g_assert_cmpuint(mmd_sms_status_class(0x63), ==, MMD_SMS_STATUS_TEMPORARY_FATAL_ERROR);
  g_assert_cmpuint(mmd_sms_status_delivery_state(0x63), ==, 0x63);
  g_assert_cmpuint(mmd_sms_status_delivery_state(0x03), ==, MMD_SMS_DELIVERY_STATE_UNKNOWN);
}

static void
test_validity_formats(void)
{
  g_autoptr(MmdSmsPdu) absolute = decode(TPDU_VECTOR("submit-absolute-vp"), MMD_SMS_PDU_TPDU_ONLY);
  g_autoptr(MmdSmsPdu) enhanced = decode(TPDU_VECTOR("submit-enhanced-vp"), MMD_SMS_PDU_TPDU_ONLY);

  g_assert_cmpint(absolute->validity.format, ==, MMD_SMS_VALIDITY_ABSOLUTE);
  g_assert_cmpstr(absolute->validity.absolute, ==, "2026-11-30T12:00:00+01:00");
  g_assert_cmpstr(absolute->text, ==, "hello");
  g_assert_cmpint(enhanced->validity.format, ==, MMD_SMS_VALIDITY_ENHANCED);
  g_assert_cmpuint(enhanced->validity.seconds, ==, 12 * 3600 + 34 * 60);
  g_assert_cmpstr(enhanced->text, ==, "hello");
}

static void
test_refused(void)
{
  /* User data length 11 with the octets of 10 septets. */
  decode_fails("07912143658709F1040B918100551512F20000111010214365000BE8329BFD4697D9EC37",
               MMD_SMS_PDU_WITH_SMSC, MMD_CODEC_ERROR_TRUNCATED);
  /* Compressed text (DCS 0x20). */
  decode_fails("040B916407281553F800206211032100004005E8329BFD06", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_UNSUPPORTED);
  /* Reserved message type. */
  decode_fails("070B916407281553F800006211032100004005E8329BFD06", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_UNSUPPORTED);
  /* 161 septets. */
  decode_fails("040B916407281553F8000062110321000040A1", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_MALFORMED);
  /* An address of 21 digits, an SMSC of 12 octets. */
  decode_fails("04159164072815530000000000000000", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_MALFORMED);
  decode_fails("0C91000000000000000000000000", MMD_SMS_PDU_WITH_SMSC, MMD_CODEC_ERROR_MALFORMED);
  /* A header length past the user data; a header element past the header. */
  decode_fails("440B916407281553F80004621103210000400305000300", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_MALFORMED);
  decode_fails("440B916407281553F80004621103210000400402000401", MMD_SMS_PDU_TPDU_ONLY,
               MMD_CODEC_ERROR_MALFORMED);
  decode_fails("", MMD_SMS_PDU_WITH_SMSC, MMD_CODEC_ERROR_TRUNCATED);
}

static void
test_concat_ignored_when_invalid(void)
{
  /* Sequence 3 of 2: 23.040 says to ignore the element, not the message. */
  g_autoptr(MmdSmsPdu) pdu
      = decode("440B916407281553F800046211032100004007050003070203AB", MMD_SMS_PDU_TPDU_ONLY);
  static const guint8 expected[] = { 0xAB };

  g_assert_false(pdu->concat.present);
  g_assert_cmpmem(g_bytes_get_data(pdu->data, NULL), g_bytes_get_size(pdu->data), expected, 1);
}

static void
test_bad_timestamp_keeps_text(void)
{
  /* Month 13: the time stamp is dropped, the message is not. */
  g_autoptr(MmdSmsPdu) pdu
      = decode("040B916407281553F800006231032100004005E8329BFD06", MMD_SMS_PDU_TPDU_ONLY);

  g_assert_null(pdu->timestamp);
  g_assert_cmpstr(pdu->text, ==, "hello");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/sms-pdu/deliver-classic", test_deliver_classic);
  g_test_add_func("/codec/sms-pdu/submit-classic", test_submit_classic);
  g_test_add_func("/codec/sms-pdu/layouts", test_same_tpdu_both_layouts);
  g_test_add_func("/codec/sms-pdu/extension", test_extension_characters);
  g_test_add_func("/codec/sms-pdu/alphanumeric-ucs2", test_alphanumeric_ucs2);
  g_test_add_func("/codec/sms-pdu/dcs-f1", test_dcs_f1_class1);
  g_test_add_func("/codec/sms-pdu/8bit", test_8bit_data);
  g_test_add_func("/codec/sms-pdu/concat-16bit", test_concat_16bit_reference);
  g_test_add_func("/codec/sms-pdu/concat-8bit", test_concat_8bit_reference);
  g_test_add_func("/codec/sms-pdu/stored-submit", test_stored_submit);
  g_test_add_func("/codec/sms-pdu/ucs2-emoji", test_ucs2_emoji);
  g_test_add_func("/codec/sms-pdu/class0", test_class0);
  g_test_add_func("/codec/sms-pdu/status-report-sc-specific", test_status_report_sc_specific);
  g_test_add_func("/codec/sms-pdu/status-report-delivered", test_status_report_delivered);
  g_test_add_func("/codec/sms-pdu/status-report-expired", test_status_report_expired);
  g_test_add_func("/codec/sms-pdu/validity", test_validity_formats);
  g_test_add_func("/codec/sms-pdu/refused", test_refused);
  g_test_add_func("/codec/sms-pdu/concat-invalid", test_concat_ignored_when_invalid);
  g_test_add_func("/codec/sms-pdu/bad-timestamp", test_bad_timestamp_keeps_text);
  return g_test_run();
}
