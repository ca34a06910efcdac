/* Reassembly of concatenated SMS: order, duplicates, timeouts, memory bound. */
#include "codec-test-util.h"
#include "codec-vectors.h"
#include "sms-assembly.h"
#include "ucs2.h"

/* An SMS-DELIVER from +46708251358 with UCS-2 @units and a concatenation header
 * (8-bit @reference), built field by field as 23.040 lays it out. */
static MmdSmsPdu *
deliver_ucs2_part(const char *originator_hex, guint8 reference, guint8 total, guint8 sequence,
                  const guint8 *units, gsize len)
{
  g_autoptr(GBytes) header = hex_bytes(originator_hex);
  g_autoptr(GByteArray) pdu = g_byte_array_new();
  g_autoptr(GError) error = NULL;
  const guint8 first = 0x44, pid = 0x00, dcs = 0x08;
  const guint8 scts[] = { 0x62, 0x11, 0x03, 0x21, 0x00, 0x00, 0x40 };
  const guint8 udh[] = { 0x05, 0x00, 0x03, reference, total, sequence };
  guint8 udl = (guint8)(sizeof(udh) + len);
  MmdSmsPdu *decoded;

  g_byte_array_append(pdu, &first, 1);
  g_byte_array_append(pdu, g_bytes_get_data(header, NULL), (guint)g_bytes_get_size(header));
  g_byte_array_append(pdu, &pid, 1);
  g_byte_array_append(pdu, &dcs, 1);
  g_byte_array_append(pdu, scts, sizeof(scts));
  g_byte_array_append(pdu, &udl, 1);
  g_byte_array_append(pdu, udh, sizeof(udh));
  g_byte_array_append(pdu, units, (guint)len);
  decoded = mmd_sms_pdu_decode(pdu->data, pdu->len, MMD_SMS_PDU_TPDU_ONLY, &error);
  g_assert_no_error(error);
  return decoded;
}

#define ORIGINATOR "0B916407281553F8"

static MmdSmsPdu *
text_part(guint8 reference, guint8 total, guint8 sequence, const char *text)
{
  g_autoptr(GByteArray) units = mmd_ucs2_from_utf8(text, NULL);

  return deliver_ucs2_part(ORIGINATOR, reference, total, sequence, units->data, units->len);
}

static void
test_three_parts_out_of_order_with_duplicate(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  /* The sender split "😀" between parts 1 and 2: D83D ends part 1, DE00 starts 2. */
  static const guint8 part1[] = { 0x04, 0x1F, 0x04, 0x40, 0xD8, 0x3D };
  static const guint8 part2[] = { 0xDE, 0x00, 0x00, 0x20, 0x04, 0x38 };
  static const guint8 part3[] = { 0x04, 0x32, 0x04, 0x35, 0x04, 0x42 };
  g_autoptr(MmdSmsPdu) p1 = deliver_ucs2_part(ORIGINATOR, 9, 3, 1, part1, sizeof(part1));
  g_autoptr(MmdSmsPdu) p2 = deliver_ucs2_part(ORIGINATOR, 9, 3, 2, part2, sizeof(part2));
  g_autoptr(MmdSmsPdu) p3 = deliver_ucs2_part(ORIGINATOR, 9, 3, 3, part3, sizeof(part3));
  g_autoptr(MmdSmsMessage) message = NULL;
  g_autoptr(MmdSmsMessage) late = NULL;

  g_assert_null(mmd_sms_assembly_add(assembly, p3, 100));
  g_assert_null(mmd_sms_assembly_add(assembly, p1, 101));
  g_assert_null(mmd_sms_assembly_add(assembly, p3, 102));
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 1);
  message = mmd_sms_assembly_add(assembly, p2, 103);
  g_assert_nonnull(message);
  g_assert_true(mmd_sms_message_is_complete(message));
  g_assert_cmpstr(message->text, ==, "Пр😀 ивет");
  g_assert_cmpstr(message->address, ==, "+46708251358");
  g_assert_cmpstr(message->timestamp, ==, "2026-11-30T12:00:00+01:00");
  g_assert_cmpuint(message->total_parts, ==, 3);
  g_assert_cmpuint(message->reference, ==, 9);
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 0);

  /* A copy of a part of the delivered message must not start a new one. */
  late = mmd_sms_assembly_add(assembly, p1, 110);
  g_assert_null(late);
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 0);
}

static void
test_incomplete_flushed_with_marker(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(MmdSmsPdu) first = text_part(1, 3, 1, "Hello ");
  g_autoptr(MmdSmsPdu) third = text_part(1, 3, 3, " world");
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) flushed = NULL;
  MmdSmsMessage *message;

  g_assert_null(mmd_sms_assembly_add(assembly, first, 1000));
  g_assert_null(mmd_sms_assembly_add(assembly, third, 1010));
  /* The timeout runs from the last part that arrived. */
  early = mmd_sms_assembly_flush(assembly, 1010 + 59, 60);
  g_assert_cmpuint(early->len, ==, 0);
  flushed = mmd_sms_assembly_flush(assembly, 1010 + 60, 60);
  g_assert_cmpuint(flushed->len, ==, 1);
  message = flushed->pdata[0];
  g_assert_false(mmd_sms_message_is_complete(message));
  g_assert_cmpstr(message->text, ==, "Hello [part 2 of 3 missing] world");
  g_assert_cmpuint(message->missing_parts->len, ==, 1);
  g_assert_cmpuint(g_array_index(message->missing_parts, guint, 0), ==, 2);
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 0);
}

static void
test_different_senders_kept_apart(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(MmdSmsPdu) a1 = text_part(5, 2, 1, "a1");
  g_autoptr(GByteArray) units = mmd_ucs2_from_utf8("b2", NULL);
  g_autoptr(MmdSmsPdu) b2 = deliver_ucs2_part("0B916407281553F9", 5, 2, 2, units->data, units->len);
  g_autoptr(MmdSmsPdu) a2 = text_part(5, 2, 2, "a2");
  g_autoptr(MmdSmsMessage) message = NULL;

  g_assert_null(mmd_sms_assembly_add(assembly, a1, 0));
  g_assert_null(mmd_sms_assembly_add(assembly, b2, 0));
  message = mmd_sms_assembly_add(assembly, a2, 0);
  g_assert_cmpstr(message->text, ==, "a1a2");
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 1);
}

static void
test_real_two_parts_reversed(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(GBytes) first_bytes = hex_bytes(sms_with_smsc_vectors[7].hex);
  g_autoptr(GBytes) second_bytes = hex_bytes(sms_with_smsc_vectors[8].hex);
  g_autoptr(MmdSmsPdu) first
      = mmd_sms_pdu_decode(g_bytes_get_data(first_bytes, NULL), g_bytes_get_size(first_bytes),
                           MMD_SMS_PDU_WITH_SMSC, NULL);
  g_autoptr(MmdSmsPdu) second
      = mmd_sms_pdu_decode(g_bytes_get_data(second_bytes, NULL), g_bytes_get_size(second_bytes),
                           MMD_SMS_PDU_WITH_SMSC, NULL);
  g_autoptr(MmdSmsMessage) message = NULL;

  g_assert_cmpstr(sms_with_smsc_vectors[7].name, ==, "deliver-concat8-1");
  g_assert_null(mmd_sms_assembly_add(assembly, second, 5));
  message = mmd_sms_assembly_add(assembly, first, 6);
  g_assert_nonnull(message);
  g_assert_true(g_str_has_suffix(message->text, "represents that the parts are related to one "
                                                "another. "));
  /* Metadata comes from part 1 even though it came last. */
  g_assert_cmpstr(message->smsc, ==, "+12063130025");
}

static void
test_single_part_passes_through(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(GBytes) bytes = hex_bytes(sms_with_smsc_vectors[0].hex);
  g_autoptr(MmdSmsPdu) pdu = mmd_sms_pdu_decode(
      g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), MMD_SMS_PDU_WITH_SMSC, NULL);
  g_autoptr(MmdSmsMessage) message = mmd_sms_assembly_add(assembly, pdu, 0);
  g_autoptr(MmdSmsMessage) again = mmd_sms_assembly_add(assembly, pdu, 0);

  g_assert_cmpstr(message->text, ==, "hellohello");
  g_assert_cmpuint(message->total_parts, ==, 1);
  g_assert_true(mmd_sms_message_is_complete(message));
  /* A message in one part has no reference to tell copies apart: both come out. */
  g_assert_nonnull(again);
}

static void
test_memory_bound(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(GPtrArray) evicted = NULL;

  for (guint i = 0; i < 70; i++) {
    g_autoptr(MmdSmsPdu) pdu = text_part((guint8)i, 2, 1, "x");

    g_assert_null(mmd_sms_assembly_add(assembly, pdu, i));
  }
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 64);
  /* Nothing timed out, but what was set aside for room still comes out, kept. */
  evicted = mmd_sms_assembly_flush(assembly, 70, 3600);
  g_assert_cmpuint(evicted->len, ==, 6);
  for (guint i = 0; i < evicted->len; i++) {
    MmdSmsMessage *message = evicted->pdata[i];

    g_assert_cmpuint(message->reference, <, 6);
    g_assert_cmpstr(message->text, ==, "x[part 2 of 2 missing]");
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/sms-assembly/out-of-order-duplicate",
                  test_three_parts_out_of_order_with_duplicate);
  g_test_add_func("/codec/sms-assembly/incomplete", test_incomplete_flushed_with_marker);
  g_test_add_func("/codec/sms-assembly/senders", test_different_senders_kept_apart);
  g_test_add_func("/codec/sms-assembly/real-reversed", test_real_two_parts_reversed);
  g_test_add_func("/codec/sms-assembly/single", test_single_part_passes_through);
  g_test_add_func("/codec/sms-assembly/memory-bound", test_memory_bound);
  return g_test_run();
}
