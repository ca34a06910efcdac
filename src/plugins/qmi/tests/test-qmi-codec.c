/* QMI codec: framing, TLVs, generated encoders/decoders, error mapping. */
#include <string.h>

#include "mmd-errors.h"
#include "qmi-error.h"
#include "qmi-generated.h"
#include "qmi-helpers.h"
#include "qmi-message.h"

/* CTL Allocate CID request for DMS (tid 1), as qmicli sends it. */
static const guint8 ctl_alloc_req[] = { 0x01, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                                        0x22, 0x00, 0x04, 0x00, 0x01, 0x01, 0x00, 0x02 };
/* ... and the modem's answer: DMS client 5. */
static const guint8 ctl_alloc_resp[]
    = { 0x01, 0x17, 0x00, 0x80, 0x00, 0x00, 0x01, 0x01, 0x22, 0x00, 0x0c, 0x00,
        0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x02, 0x05 };
/* DMS Get IDs response (cid 5, tid 2): IMEI and ESN. */
static const guint8 dms_ids_resp[] = {
  0x01, 0x29, 0x00, 0x80, 0x02, 0x05, 0x02, 0x02, 0x00, 0x25, 0x00, 0x1d, 0x00, 0x02,
  0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x30, 0x11, 0x0f, 0x00, '3',
  '5',  '9',  '0',  '0',  '0',  '0',  '0',  '0',  '0',  '0',  '0',  '0',  '0',  '1',
};

static void
test_frame_encode(void)
{
  QmiCtlAllocateCidInput in = { .has_service = TRUE, .service = QMI_SERVICE_DMS };
  GByteArray *tlvs = qmi_ctl_allocate_cid_build(&in);
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_CTL, 0, QMI_MESSAGE_KIND_REQUEST, 1,
                                              QMI_CTL_MSG_ALLOCATE_CID, tlvs->data, tlvs->len);
  qmi_tlvs_free(tlvs);
  gsize len;
  const guint8 *raw = qmi_message_get_raw(msg, &len);
  g_assert_cmpmem(raw, len, ctl_alloc_req, sizeof(ctl_alloc_req));

  /* a non-CTL service has a two-byte transaction id */
  g_autoptr(QmiMessage) m2
      = qmi_message_new(QMI_SERVICE_NAS, 3, QMI_MESSAGE_KIND_REQUEST, 0x1234, 0x0024, NULL, 0);
  static const guint8 nas_req[]
      = { 0x01, 0x0c, 0x00, 0x00, 0x03, 0x03, 0x00, 0x34, 0x12, 0x24, 0x00, 0x00, 0x00 };
  raw = qmi_message_get_raw(m2, &len);
  g_assert_cmpmem(raw, len, nas_req, sizeof(nas_req));
  g_assert_cmpuint(qmi_message_get_transaction_id(m2), ==, 0x1234);
  g_assert_cmpuint(qmi_message_get_message_id(m2), ==, 0x0024);
  g_assert_cmpint(qmi_message_get_kind(m2), ==, QMI_MESSAGE_KIND_REQUEST);
}

static void
test_frame_decode(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmiMessage) msg
      = qmi_message_new_from_frame(ctl_alloc_resp, sizeof(ctl_alloc_resp), &error);
  g_assert_no_error(error);
  g_assert_cmpuint(qmi_message_get_service(msg), ==, QMI_SERVICE_CTL);
  g_assert_cmpint(qmi_message_get_kind(msg), ==, QMI_MESSAGE_KIND_RESPONSE);
  g_assert_cmpuint(qmi_message_get_transaction_id(msg), ==, 1);
  g_assert_cmpuint(qmi_message_get_message_id(msg), ==, QMI_CTL_MSG_ALLOCATE_CID);

  QmiCtlAllocateCidOutput out;
  g_assert_true(qmi_ctl_allocate_cid_parse(msg, &out, &error));
  g_assert_no_error(error);
  g_assert_true(out.base.has_result);
  g_assert_true(out.has_allocation_info);
  g_assert_cmpuint(out.allocation_info.service, ==, QMI_SERVICE_DMS);
  g_assert_cmpuint(out.allocation_info.cid, ==, 5);
  qmi_output_base_clear(&out.base);

  /* TLV length beyond the frame: rejected */
  guint8 bad[sizeof(ctl_alloc_resp)];
  memcpy(bad, ctl_alloc_resp, sizeof(bad));
  bad[20] = 0x09;
  QmiMessage *m = qmi_message_new_from_frame(bad, sizeof(bad), &error);
  g_assert_null(m);
  g_assert_error(error, QMI_CODEC_ERROR, QMI_CODEC_ERROR_MALFORMED);
}

static void
test_framer_partial(void)
{
  QmiFramer framer;
  qmi_framer_init(&framer);
  /* one byte at a time: nothing until the last byte */
  for (gsize i = 0; i < sizeof(dms_ids_resp); i++) {
    qmi_framer_push(&framer, dms_ids_resp + i, 1);
    g_autoptr(QmiMessage) msg = qmi_framer_next(&framer, NULL);
    if (i + 1 < sizeof(dms_ids_resp)) {
      g_assert_null(msg);
    } else {
      g_assert_nonnull(msg);
      QmiDmsGetIdsOutput out;
      g_autoptr(GError) error = NULL;
      g_assert_true(qmi_dms_get_ids_parse(msg, &out, &error));
      g_assert_cmpstr(out.imei, ==, "359000000000001");
      g_assert_cmpstr(out.esn, ==, "0");
      g_assert_null(out.meid);
      qmi_output_base_clear(&out.base);
    }
  }
  g_assert_cmpuint(framer.buf->len, ==, 0);
  qmi_framer_clear(&framer);
}

static void
test_framer_multiple(void)
{
  QmiFramer framer;
  gsize dropped = 0;
  qmi_framer_init(&framer);
  /* garbage, two messages and half of a third in one read */
  static const guint8 junk[] = { 0xff, 0x7e, 0x00 };
  qmi_framer_push(&framer, junk, sizeof(junk));
  qmi_framer_push(&framer, ctl_alloc_resp, sizeof(ctl_alloc_resp));
  qmi_framer_push(&framer, dms_ids_resp, sizeof(dms_ids_resp));
  qmi_framer_push(&framer, ctl_alloc_resp, 10);

  QmiMessage *m1 = qmi_framer_next(&framer, &dropped);
  g_assert_nonnull(m1);
  g_assert_cmpuint(dropped, ==, sizeof(junk));
  g_assert_cmpuint(qmi_message_get_service(m1), ==, QMI_SERVICE_CTL);
  QmiMessage *m2 = qmi_framer_next(&framer, &dropped);
  g_assert_nonnull(m2);
  g_assert_cmpuint(dropped, ==, 0);
  g_assert_cmpuint(qmi_message_get_service(m2), ==, QMI_SERVICE_DMS);
  g_assert_cmpuint(qmi_message_get_client_id(m2), ==, 5);
  g_assert_cmpuint(qmi_message_get_transaction_id(m2), ==, 2);
  g_assert_null(qmi_framer_next(&framer, NULL));
  qmi_framer_push(&framer, ctl_alloc_resp + 10, sizeof(ctl_alloc_resp) - 10);
  QmiMessage *m3 = qmi_framer_next(&framer, NULL);
  g_assert_nonnull(m3);
  g_assert_null(qmi_framer_next(&framer, NULL));
  qmi_message_unref(m1);
  qmi_message_unref(m2);
  qmi_message_unref(m3);
  qmi_framer_clear(&framer);
}

static QmiMessage *
message_from_tlvs(guint8 service, QmiMessageKind kind, guint16 msg_id, GByteArray *tlvs)
{
  QmiMessage *m = qmi_message_new(service, 1, kind, 7, msg_id, tlvs->data, tlvs->len);
  g_byte_array_unref(tlvs);
  return m;
}

static void
put_result(GByteArray *b, guint16 status, guint16 error)
{
  gsize s = qmi_tlv_begin(b, QMI_TLV_RESULT);
  qmi_put_u16(b, status);
  qmi_put_u16(b, error);
  qmi_tlv_end(b, s);
}

static void
test_verify_pin_secret(void)
{
  QmiUimVerifyPinInput in = {
    .has_session = TRUE,
    .session = { .session_type = 0 },
    .has_info = TRUE,
    .info = { .pin_id = 1, .pin_value = "1234" },
  };
  GByteArray *tlvs = qmi_uim_verify_pin_build(&in);
  static const guint8 expected[]
      = { 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x06, 0x00, 0x01, 0x04, '1', '2', '3', '4' };
  g_assert_cmpmem(tlvs->data, tlvs->len, expected, sizeof(expected));
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_UIM, 2, QMI_MESSAGE_KIND_REQUEST, 9,
                                              QMI_UIM_MSG_VERIFY_PIN, tlvs->data, tlvs->len);
  qmi_tlvs_free(tlvs);
  g_autofree char *desc = qmi_message_describe(msg);
  g_assert_nonnull(strstr(desc, "UIM Verify PIN"));
  g_assert_nonnull(strstr(desc, "<hidden>"));
  g_assert_null(strstr(desc, "1234"));
  g_assert_null(strstr(desc, "31323334"));

  /* a wrong PIN: the error maps to IncorrectPassword, retries still decoded */
  GByteArray *b = g_byte_array_new();
  put_result(b, 1, QMI_PROTOCOL_ERROR_INCORRECT_PIN);
  gsize s = qmi_tlv_begin(b, 0x10);
  qmi_put_u8(b, 2);
  qmi_put_u8(b, 10);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) resp
      = message_from_tlvs(QMI_SERVICE_UIM, QMI_MESSAGE_KIND_RESPONSE, QMI_UIM_MSG_VERIFY_PIN, b);
  QmiUimVerifyPinOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_false(qmi_uim_verify_pin_parse(resp, &out, &error));
  g_assert_error(error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD);
  g_assert_true(out.has_retries_remaining);
  g_assert_cmpuint(out.retries_remaining.verify_retries_left, ==, 2);
  g_assert_cmpuint(out.retries_remaining.unblock_retries_left, ==, 10);
  g_assert_cmpuint(out.base.error, ==, QMI_PROTOCOL_ERROR_INCORRECT_PIN);
  qmi_output_base_clear(&out.base);

  /* a blocked PIN asks for the PUK */
  g_clear_error(&error);
  error = qmi_protocol_error_to_gerror(QMI_PROTOCOL_ERROR_PIN_BLOCKED, "Verify PIN");
  g_assert_error(error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK);
}

static void
test_serving_system_indication(void)
{
  /* NAS Serving System indication: registered on LTE, 001/01 "Sim Net", roaming off */
  static const guint8 frame[]
      = { 0x01, 0x28, 0x00, 0x80, 0x03, 0xff, 0x04, 0x00, 0x00, 0x24, 0x00, 0x1c, 0x00,
          /* 0x01 serving system: registered, cs attached, ps attached, 3gpp, [lte] */
          0x01, 0x06, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x08,
          /* 0x10 roaming indicator off */
          0x10, 0x01, 0x00, 0x01,
          /* 0x12 current plmn */
          0x12, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x07, 'S', 'i', 'm', ' ', 'N', 'e', 't' };
  g_autoptr(GError) error = NULL;
  g_autoptr(QmiMessage) msg = qmi_message_new_from_frame(frame, sizeof(frame), &error);
  g_assert_no_error(error);
  g_assert_cmpint(qmi_message_get_kind(msg), ==, QMI_MESSAGE_KIND_INDICATION);
  g_assert_cmpuint(qmi_message_get_client_id(msg), ==, 0xff);
  QmiNasServingSystemIndication ind;
  g_assert_true(qmi_nas_serving_system_indication_parse(msg, &ind, &error));
  g_assert_true(ind.has_serving_system);
  g_assert_cmpuint(ind.serving_system.registration_state, ==, 1);
  g_assert_cmpuint(ind.serving_system.n_radio_interfaces, ==, 1);
  g_assert_cmpint(ind.serving_system.radio_interfaces[0], ==, 8);
  g_assert_true(ind.has_roaming_indicator);
  g_assert_cmpuint(ind.roaming_indicator, ==, 1);
  g_assert_true(ind.has_current_plmn);
  g_assert_cmpuint(ind.current_plmn.mcc, ==, 1);
  g_assert_cmpuint(ind.current_plmn.mnc, ==, 1);
  g_assert_cmpstr(ind.current_plmn.description, ==, "Sim Net");
  qmi_output_base_clear(&ind.base);
  g_autofree char *desc = qmi_message_describe(msg);
  g_assert_nonnull(strstr(desc, "NAS Serving System (0x0024) indication"));
}

static void
test_card_status(void)
{
  GByteArray *b = g_byte_array_new();
  put_result(b, 0, 0);
  gsize s = qmi_tlv_begin(b, 0x10);
  qmi_put_u16(b, 0x0000); /* gw primary: card 0 app 0 */
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u8(b, 1); /* cards */
  qmi_put_u8(b, 1); /* present */
  qmi_put_u8(b, 0); /* upin state */
  qmi_put_u8(b, 0); /* upin retries */
  qmi_put_u8(b, 0); /* upuk retries */
  qmi_put_u8(b, 0); /* error code */
  qmi_put_u8(b, 1); /* applications */
  qmi_put_u8(b, 2); /* usim */
  qmi_put_u8(b, 2); /* pin1 required */
  for (int i = 0; i < 4; i++)
    qmi_put_u8(b, 0);
  static const guint8 aid[] = { 0xa0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
  qmi_put_u8(b, sizeof(aid));
  qmi_put_bytes(b, aid, sizeof(aid));
  qmi_put_u8(b, 0); /* upin replaces pin1 */
  qmi_put_u8(b, 1); /* pin1 enabled, not verified */
  qmi_put_u8(b, 3);
  qmi_put_u8(b, 10);
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 3);
  qmi_put_u8(b, 10);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_UIM, QMI_MESSAGE_KIND_RESPONSE,
                                                QMI_UIM_MSG_GET_CARD_STATUS, b);
  QmiUimGetCardStatusOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_true(qmi_uim_get_card_status_parse(msg, &out, &error));
  g_assert_true(out.has_card_status);
  g_assert_cmpuint(out.card_status.n_cards, ==, 1);
  QmiUimCard *card = &out.card_status.cards[0];
  g_assert_cmpuint(card->card_state, ==, 1);
  g_assert_cmpuint(card->n_applications, ==, 1);
  QmiUimCardApplication *app = &card->applications[0];
  g_assert_cmpuint(app->type, ==, 2);
  g_assert_cmpuint(app->state, ==, 2);
  g_assert_cmpmem(app->application_identifier, app->n_application_identifier, aid, sizeof(aid));
  g_assert_cmpuint(app->pin1_state, ==, 1);
  g_assert_cmpuint(app->pin1_retries, ==, 3);
  g_assert_cmpuint(app->puk1_retries, ==, 10);
  qmi_output_base_clear(&out.base);
}

static void
test_truncated_tlv(void)
{
  /* a struct TLV one byte short: ignored, the rest still decoded */
  GByteArray *b = g_byte_array_new();
  put_result(b, 0, 0);
  gsize s = qmi_tlv_begin(b, 0x14); /* lte: rssi, rsrq, rsrp, snr (6 bytes) */
  qmi_put_u8(b, (guint8)-70);
  qmi_put_u8(b, (guint8)-10);
  qmi_put_u16(b, (guint16)-100);
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x17);
  qmi_put_u16(b, (guint16)-95);
  qmi_put_u16(b, 120);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_NAS, QMI_MESSAGE_KIND_RESPONSE,
                                                QMI_NAS_MSG_GET_SIGNAL_INFO, b);
  QmiNasGetSignalInfoOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_true(qmi_nas_get_signal_info_parse(msg, &out, &error));
  g_assert_false(out.has_lte);
  g_assert_true(out.has_nr5g);
  g_assert_cmpint(out.nr5g.rsrp, ==, -95);
  g_assert_cmpint(out.nr5g.snr, ==, 120);
  qmi_output_base_clear(&out.base);
}

/* LOC Position Report: the doubles and floats of a fix, little endian as
 * every QMI number; the position is kept out of the wire log. */
static void
test_position_report(void)
{
  /* 48.858222 and 2.2945 as IEEE 754 binary64, 35.0 as binary32 */
  static const guint8 latitude[] = { 0x96, 0x5a, 0xef, 0x37, 0xda, 0x6d, 0x48, 0x40 };
  static const guint8 longitude[] = { 0x42, 0x60, 0xe5, 0xd0, 0x22, 0x5b, 0x02, 0x40 };
  static const guint8 altitude[] = { 0x00, 0x00, 0x0c, 0x42 };
  GByteArray *b = g_byte_array_new();
  gsize t;

  t = qmi_tlv_begin(b, 0x01);
  qmi_put_u32(b, 0); /* session status: success */
  qmi_tlv_end(b, t);
  t = qmi_tlv_begin(b, 0x10);
  qmi_put_bytes(b, latitude, sizeof latitude);
  qmi_tlv_end(b, t);
  t = qmi_tlv_begin(b, 0x11);
  qmi_put_bytes(b, longitude, sizeof longitude);
  qmi_tlv_end(b, t);
  t = qmi_tlv_begin(b, 0x1B);
  qmi_put_bytes(b, altitude, sizeof altitude);
  qmi_tlv_end(b, t);
  t = qmi_tlv_begin(b, 0x25);
  qmi_put_u64(b, G_GUINT64_CONSTANT(1796040000000));
  qmi_tlv_end(b, t);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_LOC, QMI_MESSAGE_KIND_INDICATION,
                                                QMI_LOC_IND_POSITION_REPORT, b);
  QmiLocPositionReportIndication ind;
  g_assert_true(qmi_loc_position_report_indication_parse(msg, &ind, NULL));
  g_assert_true(ind.has_latitude && ind.has_longitude && ind.has_altitude_from_sealevel);
  g_assert_false(ind.has_altitude_from_ellipsoid);
  g_assert_cmpfloat_with_epsilon(ind.latitude, 48.858222, 1e-9);
  g_assert_cmpfloat_with_epsilon(ind.longitude, 2.2945, 1e-9);
  g_assert_cmpfloat(ind.altitude_from_sealevel, ==, 35.0f);
  g_assert_cmpuint(ind.utc_timestamp, ==, G_GUINT64_CONSTANT(1796040000000));
  qmi_output_base_clear(&ind.base);
  g_autofree char *desc = qmi_message_describe(msg);
  g_assert_null(strstr(desc, "965aef37"));
}

/* Get Cell Location Info: nested arrays (carriers of cells), and a count
 * larger than the cells present fails that TLV alone. */
static void
test_cell_location_info(void)
{
  GByteArray *b = g_byte_array_new();
  gsize t;

  put_result(b, 0, 0);
  t = qmi_tlv_begin(b, 0x14); /* interfrequency: 1 carrier of 2 cells */
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 1);
  qmi_put_u16(b, 6300);
  qmi_put_u8(b, 2);
  qmi_put_u8(b, 10);
  qmi_put_u8(b, 3);
  qmi_put_u8(b, 2);
  for (guint16 pci = 7; pci <= 8; pci++) {
    qmi_put_u16(b, pci);
    qmi_put_u16(b, (guint16)-200);
    qmi_put_u16(b, (guint16)-1150);
    qmi_put_u16(b, (guint16)-850);
    qmi_put_u16(b, 25);
  }
  qmi_tlv_end(b, t);
  t = qmi_tlv_begin(b, 0x13);    /* intrafrequency: claims 9 cells, has none */
  for (guint i = 0; i < 18; i++) /* idle, PLMN, TAC, cell id, EARFCN, PCI, thresholds */
    qmi_put_u8(b, 0);
  qmi_put_u8(b, 9);
  qmi_tlv_end(b, t);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_NAS, QMI_MESSAGE_KIND_RESPONSE,
                                                QMI_NAS_MSG_GET_CELL_LOCATION_INFO, b);
  QmiNasGetCellLocationInfoOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_true(qmi_nas_get_cell_location_info_parse(msg, &out, &error));
  g_assert_false(out.has_intrafrequency_lte_info);
  g_assert_true(out.has_interfrequency_lte_info);
  g_assert_cmpuint(out.interfrequency_lte_info.n_frequencies, ==, 1);
  g_assert_cmpuint(out.interfrequency_lte_info.frequencies[0].earfcn, ==, 6300);
  g_assert_cmpuint(out.interfrequency_lte_info.frequencies[0].n_cells, ==, 2);
  g_assert_cmpuint(out.interfrequency_lte_info.frequencies[0].cells[1].pci, ==, 8);
  g_assert_cmpint(out.interfrequency_lte_info.frequencies[0].cells[1].rsrp, ==, -1150);
  qmi_output_base_clear(&out.base);
}

/* Config Signal Info: threshold lists of i8 and i16 */
static void
test_config_signal_info(void)
{
  static const gint8 rssi[] = { -100, -80 };
  static const gint16 rsrp[] = { -120, -100 };
  static const guint8 want[]
      = { 0x10, 0x03, 0x00, 0x02, 0x9c, 0xb0, 0x16, 0x05, 0x00, 0x02, 0x88, 0xff, 0x9c, 0xff };
  QmiNasConfigSignalInfoInput in = {
    .has_rssi_threshold = TRUE,
    .n_rssi_threshold = 2,
    .rssi_threshold = rssi,
    .has_rsrp_threshold = TRUE,
    .n_rsrp_threshold = 2,
    .rsrp_threshold = rsrp,
  };
  GByteArray *tlvs = qmi_nas_config_signal_info_build(&in);

  g_assert_cmpmem(tlvs->data, tlvs->len, want, sizeof want);
  qmi_tlvs_free(tlvs);
}

static void
test_current_settings(void)
{
  GByteArray *b = g_byte_array_new();
  put_result(b, 0, 0);
  gsize s = qmi_tlv_begin(b, 0x1E);
  qmi_put_u32(b, 0x0A000002); /* 10.0.0.2 */
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x27);
  static const guint8 dns6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
  qmi_put_bytes(b, dns6, 16);
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x14);
  qmi_put_bytes(b, "internet", 8);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_WDS, QMI_MESSAGE_KIND_RESPONSE,
                                                QMI_WDS_MSG_GET_CURRENT_SETTINGS, b);
  QmiWdsGetCurrentSettingsOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_true(qmi_wds_get_current_settings_parse(msg, &out, &error));
  g_assert_true(out.has_ipv4_address);
  g_assert_cmphex(out.ipv4_address, ==, 0x0A000002);
  g_assert_true(out.has_ipv6_primary_dns);
  g_assert_cmpmem(out.ipv6_primary_dns, 16, dns6, 16);
  g_assert_cmpstr(out.apn_name, ==, "internet");
  g_assert_false(out.has_mtu);
  qmi_output_base_clear(&out.base);

  /* a response without result TLV is an error */
  GByteArray *empty = g_byte_array_new();
  g_autoptr(QmiMessage) m2 = message_from_tlvs(QMI_SERVICE_WDS, QMI_MESSAGE_KIND_RESPONSE,
                                               QMI_WDS_MSG_GET_CURRENT_SETTINGS, empty);
  g_assert_false(qmi_wds_get_current_settings_parse(m2, &out, &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED);
  qmi_output_base_clear(&out.base);
}

static void
test_start_network_secret(void)
{
  QmiWdsStartNetworkInput in = {
    .apn = "internet",
    .username = "user",
    .password = "s3cret",
    .has_ip_family_preference = TRUE,
    .ip_family_preference = 4,
  };
  GByteArray *tlvs = qmi_wds_start_network_build(&in);
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_WDS, 1, QMI_MESSAGE_KIND_REQUEST, 1,
                                              QMI_WDS_MSG_START_NETWORK, tlvs->data, tlvs->len);
  qmi_tlvs_free(tlvs);
  guint16 len = 0;
  const guint8 *v = qmi_message_get_tlv(msg, 0x18, &len);
  g_assert_cmpmem(v, len, "s3cret", 6);
  v = qmi_message_get_tlv(msg, 0x19, &len);
  g_assert_cmpuint(len, ==, 1);
  g_assert_cmpuint(v[0], ==, 4);
  g_assert_null(qmi_message_get_tlv(msg, 0x16, &len));
  g_autofree char *desc = qmi_message_describe(msg);
  g_assert_nonnull(strstr(desc, "\"internet\""));
  g_assert_null(strstr(desc, "s3cret"));
}

static void
test_band_capabilities(void)
{
  GByteArray *b = g_byte_array_new();
  put_result(b, 0, 0);
  gsize s = qmi_tlv_begin(b, 0x10);
  qmi_put_u64(b, (1u << 0) | (1u << 2) | (1u << 19)); /* B1, B3, B20 */
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x12);
  qmi_put_u16(b, 3);
  qmi_put_u16(b, 1);
  qmi_put_u16(b, 3);
  qmi_put_u16(b, 66);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = message_from_tlvs(QMI_SERVICE_DMS, QMI_MESSAGE_KIND_RESPONSE,
                                                QMI_DMS_MSG_GET_BAND_CAPABILITIES, b);
  QmiDmsGetBandCapabilitiesOutput out;
  g_autoptr(GError) error = NULL;
  g_assert_true(qmi_dms_get_band_capabilities_parse(msg, &out, &error));
  g_assert_false(out.has_band_capability);
  g_assert_true(out.has_lte_band_capability);
  g_assert_cmphex(out.lte_band_capability, ==, 0x80005);
  g_assert_true(out.has_extended_lte_band_capability);
  g_assert_cmpuint(out.n_extended_lte_band_capability, ==, 3);
  g_assert_cmpuint(out.extended_lte_band_capability[2], ==, 66);
  qmi_output_base_clear(&out.base);
}

static void
test_helpers(void)
{
  g_autofree char *c1 = qmi_net_build_operator_code(262, 1, FALSE);
  g_assert_cmpstr(c1, ==, "26201");
  g_autofree char *c2 = qmi_net_build_operator_code(310, 26, TRUE);
  g_assert_cmpstr(c2, ==, "310026");
  g_autofree char *c3 = qmi_net_build_operator_code(310, 410, FALSE);
  g_assert_cmpstr(c3, ==, "310410");
  g_assert_null(qmi_net_build_operator_code(0, 1, FALSE));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/qmi/codec/frame-encode", test_frame_encode);
  g_test_add_func("/qmi/codec/frame-decode", test_frame_decode);
  g_test_add_func("/qmi/codec/framer-partial", test_framer_partial);
  g_test_add_func("/qmi/codec/framer-multiple", test_framer_multiple);
  g_test_add_func("/qmi/codec/verify-pin-secret", test_verify_pin_secret);
  g_test_add_func("/qmi/codec/serving-system-indication", test_serving_system_indication);
  g_test_add_func("/qmi/codec/card-status", test_card_status);
  g_test_add_func("/qmi/codec/truncated-tlv", test_truncated_tlv);
  g_test_add_func("/qmi/codec/current-settings", test_current_settings);
  g_test_add_func("/qmi/codec/start-network-secret", test_start_network_secret);
  g_test_add_func("/qmi/codec/band-capabilities", test_band_capabilities);
  g_test_add_func("/qmi/codec/helpers", test_helpers);
  g_test_add_func("/qmi/codec/position-report", test_position_report);
  g_test_add_func("/qmi/codec/cell-location-info", test_cell_location_info);
  g_test_add_func("/qmi/codec/config-signal-info", test_config_signal_info);
  return g_test_run();
}
