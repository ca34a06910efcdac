/* QMI decoding against a hostile modem: counts larger than the bytes sent,
 * repeated TLVs, text that is not UTF-8, and every decoder fed junk. Each test
 * asserts the bound (memory taken, what is decoded), not only "no crash". */
#include <string.h>

#include "mmd-text.h"
#include "qmi-decode.h"
#include "qmi-decoder-table.h"
#include "qmi-generated.h"
#include "qmi-message.h"

/* The largest TLV area a message can carry. */
#define MAX_TLVS (QMI_MAX_FRAME_LEN - QMI_QMUX_HEADER_LEN - 8)

static QmiMessage *
response(guint8 service, guint16 msg_id, GByteArray *tlvs)
{
  QmiMessage *m
      = qmi_message_new(service, 1, QMI_MESSAGE_KIND_RESPONSE, 7, msg_id, tlvs->data, tlvs->len);
  g_byte_array_unref(tlvs);
  return m;
}

static GByteArray *
tlvs_with_success(void)
{
  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, QMI_TLV_RESULT);
  qmi_put_u16(b, 0);
  qmi_put_u16(b, 0);
  qmi_tlv_end(b, s);
  return b;
}

/* A count of 65535 network entries in a TLV that holds one: nothing is
 * allocated for the count, the TLV is malformed and ignored. */
static void
test_count_beyond_bytes(void)
{
  GByteArray *b = tlvs_with_success();
  gsize s = qmi_tlv_begin(b, 0x10);
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u16(b, 262);
  qmi_put_u16(b, 1);
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 0);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = response(QMI_SERVICE_NAS, QMI_NAS_MSG_NETWORK_SCAN, b);
  QmiNasNetworkScanOutput out;

  g_assert_true(qmi_nas_network_scan_parse(msg, &out, NULL));
  g_assert_false(out.has_network_information);
  g_assert_cmpuint(out.n_network_information, ==, 0);
  g_assert_null(out.network_information);
  /* 65535 entries would be over a megabyte; a failed TLV costs nothing */
  g_assert_cmpuint(out.base.decoded, <, 256);
  qmi_output_base_clear(&out.base);
}

/* A 64 KiB Network Scan response of thousands of TLV 0x10, each claiming
 * 65535 entries: the first TLV is the one decoded, the repeats are skipped. */
static void
test_repeated_tlvs(void)
{
  GByteArray *b = tlvs_with_success();
  gsize s = qmi_tlv_begin(b, 0x10);
  qmi_put_u16(b, 1);
  qmi_put_u16(b, 262);
  qmi_put_u16(b, 2);
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 5);
  qmi_put_bytes(b, "First", 5);
  qmi_tlv_end(b, s);
  guint repeats = 0;
  while (b->len + 5 <= MAX_TLVS) {
    s = qmi_tlv_begin(b, 0x10);
    qmi_put_u16(b, 0xFFFF);
    qmi_tlv_end(b, s);
    repeats++;
  }
  g_assert_cmpuint(repeats, >, 10000);
  g_autoptr(QmiMessage) msg = response(QMI_SERVICE_NAS, QMI_NAS_MSG_NETWORK_SCAN, b);
  QmiNasNetworkScanOutput out;

  g_assert_true(qmi_nas_network_scan_parse(msg, &out, NULL));
  g_assert_true(out.has_network_information);
  g_assert_cmpuint(out.n_network_information, ==, 1);
  g_assert_cmpstr(out.network_information[0].description, ==, "First");
  g_assert_cmpuint(out.base.decoded, <, 256);
  qmi_output_base_clear(&out.base);

  /* the same holds for a TLV decoded later: the first plmn wins */
  b = tlvs_with_success();
  for (int i = 0; i < 2; i++) {
    s = qmi_tlv_begin(b, 0x12);
    qmi_put_u16(b, 262);
    qmi_put_u16(b, (guint16)(1 + i));
    qmi_put_u8(b, 1);
    qmi_put_u8(b, i == 0 ? 'A' : 'B');
    qmi_tlv_end(b, s);
  }
  g_autoptr(QmiMessage) ss = response(QMI_SERVICE_NAS, QMI_NAS_MSG_GET_SERVING_SYSTEM, b);
  QmiNasGetServingSystemOutput ssout;
  g_assert_true(qmi_nas_get_serving_system_parse(ss, &ssout, NULL));
  g_assert_cmpuint(ssout.current_plmn.mnc, ==, 1);
  g_assert_cmpstr(ssout.current_plmn.description, ==, "A");
  qmi_output_base_clear(&ssout.base);
}

/* Identity strings and operator names come out as clean UTF-8. */
static void
test_strings_clean(void)
{
  GByteArray *b = tlvs_with_success();
  gsize s = qmi_tlv_begin(b, 0x01);
  qmi_put_bytes(b,
                "Qual\xFF\xFE"
                "comm\x1B[2J\r\n",
                16);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = response(QMI_SERVICE_DMS, QMI_DMS_MSG_GET_MANUFACTURER, b);
  QmiDmsGetManufacturerOutput out;

  g_assert_true(qmi_dms_get_manufacturer_parse(msg, &out, NULL));
  g_assert_cmpstr(out.manufacturer, ==,
                  "Qual" MMD_TEXT_REPLACEMENT "comm" MMD_TEXT_REPLACEMENT
                  "[2J" MMD_TEXT_REPLACEMENT);
  qmi_output_base_clear(&out.base);
}

/* The budget of one decoded message, and counts checked before allocating. */
static void
test_decode_budget(void)
{
  static const guint8 data[16] = { 0 };
  QmiOutputBase base = { 0 };
  QmiReader r;

  /* 16 bytes cannot hold 9 elements of 2 bytes each */
  qmi_reader_init(&r, data, sizeof data);
  g_assert_null(qmi_read_array(&r, 9, 64, 2, &base));
  g_assert_true(r.failed);
  qmi_reader_init(&r, data, sizeof data);
  g_assert_nonnull(qmi_read_array(&r, 8, 64, 2, &base));
  g_assert_false(r.failed);

  /* allocations stop at the budget, and the reader fails */
  gsize granted = 0;
  while (qmi_output_alloc(&base, 4096))
    granted += 4096;
  g_assert_cmpuint(granted, <=, QMI_OUTPUT_MAX_DECODED);
  g_assert_cmpuint(granted, >, QMI_OUTPUT_MAX_DECODED / 2);
  while (qmi_output_alloc(&base, 1))
    ;
  g_assert_cmpuint(base.decoded, <=, QMI_OUTPUT_MAX_DECODED);
  qmi_reader_init(&r, data, sizeof data);
  g_assert_null(qmi_read_string(&r, 8, &base));
  g_assert_true(r.failed);
  qmi_output_base_clear(&base);
  g_assert_cmpuint(base.decoded, ==, 0);
}

/* A stray marker whose length field claims a long frame does not hold back the
 * frames behind it until 64 KiB have arrived: its SDU header disagrees. */
static void
test_stray_marker_does_not_stall(void)
{
  static const guint8 stray[] = { QMI_FRAME_MARKER, 0xF0, 0xFF, 0x80, 0x02, 0x01, 0x02 };
  GByteArray *b = tlvs_with_success();
  g_autoptr(QmiMessage) real = response(QMI_SERVICE_DMS, QMI_DMS_MSG_GET_IDS, b);
  gsize len, dropped = 0;
  const guint8 *raw = qmi_message_get_raw(real, &len);
  QmiFramer framer;

  qmi_framer_init(&framer);
  qmi_framer_push(&framer, stray, sizeof stray);
  qmi_framer_push(&framer, raw, len);
  g_autoptr(QmiMessage) got = qmi_framer_next(&framer, &dropped);
  g_assert_nonnull(got);
  g_assert_cmpuint(dropped, ==, sizeof stray);
  g_assert_cmpuint(qmi_message_get_message_id(got), ==, QMI_DMS_MSG_GET_IDS);
  g_assert_cmpuint(framer.buf->len, ==, 0);
  qmi_framer_clear(&framer);
}

/* Every generated decoder, on messages of junk TLVs: the decoder table checks
 * each output (clean strings, arrays as long as their counts, absent fields
 * zeroed, memory within the budget). */
static void
test_every_decoder_on_junk(void)
{
  static const guint8 patterns[][8] = {
    { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
    { 0x02, 0x00, 0xC3, 0x28, 0x1B, 0x00, 0x80, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
    { 0x01, 0x05, 0x41, 0x42, 0x43, 0x44, 0x45, 0x01 },
  };

  for (gsize p = 0; p < G_N_ELEMENTS(patterns); p++) {
    for (gsize vlen = 0; vlen <= sizeof patterns[p]; vlen++) {
      GByteArray *b = tlvs_with_success();
      for (guint t = 0x01; t <= 0x40; t++) {
        gsize s = qmi_tlv_begin(b, (guint8)t);
        qmi_put_bytes(b, patterns[p], vlen);
        qmi_tlv_end(b, s);
      }
      for (gsize i = 0; i < qmi_decoder_table_len; i++) {
        const QmiDecoderEntry *e = &qmi_decoder_table[i];
        g_autoptr(QmiMessage) m = qmi_message_new(
            e->service, 1, e->indication ? QMI_MESSAGE_KIND_INDICATION : QMI_MESSAGE_KIND_RESPONSE,
            1, e->id, b->data, b->len);
        e->decode(m);
      }
      g_byte_array_unref(b);
    }
  }
  g_assert_cmpuint(qmi_decoder_table_len, >, 20);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/qmi/hostile/count-beyond-bytes", test_count_beyond_bytes);
  g_test_add_func("/qmi/hostile/repeated-tlvs", test_repeated_tlvs);
  g_test_add_func("/qmi/hostile/strings-clean", test_strings_clean);
  g_test_add_func("/qmi/hostile/decode-budget", test_decode_budget);
  g_test_add_func("/qmi/hostile/stray-marker", test_stray_marker_does_not_stall);
  g_test_add_func("/qmi/hostile/every-decoder-on-junk", test_every_decoder_on_junk);
  return g_test_run();
}
