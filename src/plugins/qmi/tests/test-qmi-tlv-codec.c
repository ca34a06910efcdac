/* The generic TLV codec (qmi-tlv-codec.c) where the message tests do not
 * reach: the generated tables are consistent, length prefixes are cut to what
 * they can say, nested arrays travel both ways, and a malformed element deep
 * in a TLV takes the whole field out with the message's name in the log. */
#include <string.h>

#include "qmi-generated.h"
#include "qmi-tlv-codec.h"

static GString *debug_log;

static GLogWriterOutput
capture_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  (void)user_data;
  for (gsize i = 0; i < n_fields; i++)
    if (level & G_LOG_LEVEL_DEBUG && !strcmp(fields[i].key, "MESSAGE"))
      g_string_append_printf(debug_log, "%s\n", (const char *)fields[i].value);
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default(level, fields, n_fields, user_data);
}

static void
check_field_desc(gsize index, guint depth)
{
  const QmiFieldDesc *f = &qmi_field_descs[index];

  g_assert_cmpuint(depth, <, 8);
  g_assert_cmpuint(f->size, >, 0);
  switch (f->kind) {
    case QMI_FIELD_INT:
      g_assert_true(f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);
      break;
    case QMI_FIELD_STRING:
    case QMI_FIELD_BYTES:
      g_assert_true(f->prefix == 0 || f->prefix == 1 || f->prefix == 2);
      break;
    case QMI_FIELD_FIXED:
      break;
    case QMI_FIELD_STRUCT:
      g_assert_cmpuint(f->n_members, >, 0);
      g_assert_cmpuint(f->link + f->n_members, <=, qmi_field_descs_len);
      for (guint i = 0; i < f->n_members; i++)
        check_field_desc(f->link + i, depth + 1);
      break;
    case QMI_FIELD_ARRAY:
      /* a count must be paid for by the bytes of its elements */
      g_assert_cmpuint(f->min_wire, >=, 1);
      g_assert_true(f->prefix == 1 || f->prefix == 2 || f->prefix == 4);
      g_assert_cmpuint(f->link, <, qmi_field_descs_len);
      check_field_desc(f->link, depth + 1);
      break;
    default:
      g_assert_not_reached();
  }
}

static void
check_tlv_list(guint first, guint n)
{
  guint32 seen[256 / 32] = { 0 };

  g_assert_cmpuint(first + n, <=, qmi_tlv_infos_len);
  for (guint i = first; i < first + n; i++) {
    const QmiTlvInfo *ti = &qmi_tlv_infos[i];
    /* one descriptor per type: the first TLV of a type is the one decoded */
    g_assert_false(seen[ti->type / 32] & (1u << (ti->type % 32)));
    seen[ti->type / 32] |= 1u << (ti->type % 32);
    g_assert_cmpstr(qmi_message_names + ti->name, !=, "");
    g_assert_cmpuint(ti->field, <, qmi_field_descs_len);
    check_field_desc(ti->field, 0);
  }
}

static void
test_tables_consistent(void)
{
  for (gsize i = 0; i < qmi_message_infos_len; i++) {
    const QmiMessageInfo *info = &qmi_message_infos[i];
    gboolean ind = info->kind == QMI_MESSAGE_KIND_INDICATION;

    g_assert_true(qmi_message_info_lookup(info->service, info->id, ind) == info);
    g_assert_cmpstr(qmi_message_info_get_name(info), !=, "");
    g_assert_cmpstr(qmi_message_names + info->service_name, !=, "");
    g_assert_true(!ind || info->n_input == 0);
    check_tlv_list(info->input, info->n_input);
    check_tlv_list(info->output, info->n_output);
  }
}

static void
test_prefix_cut(void)
{
  guint8 aid[300];
  gint8 thresholds[300];

  memset(aid, 0xA0, sizeof(aid));
  memset(thresholds, -70, sizeof(thresholds));
  QmiUimReadTransparentInput in = {
    .has_session = TRUE,
    .session
    = { .session_type = 1, .n_application_identifier = 300, .application_identifier = aid },
  };
  GByteArray *tlvs = qmi_uim_read_transparent_build(&in);
  /* type, length 257: session type, a prefix of 255, 255 bytes */
  g_assert_cmpuint(tlvs->len, ==, 3 + 1 + 1 + 255);
  g_assert_cmpuint(tlvs->data[1] | (tlvs->data[2] << 8), ==, 257);
  g_assert_cmpuint(tlvs->data[4], ==, 255);
  qmi_tlvs_free(tlvs);

  QmiNasConfigSignalInfoInput sig = {
    .has_rssi_threshold = TRUE,
    .n_rssi_threshold = 300,
    .rssi_threshold = thresholds,
  };
  tlvs = qmi_nas_config_signal_info_build(&sig);
  /* a count of 255 and as many elements: never a count that disagrees */
  g_assert_cmpuint(tlvs->len, ==, 3 + 1 + 255);
  g_assert_cmpuint(tlvs->data[3], ==, 255);
  qmi_tlvs_free(tlvs);
}

static void
test_array_of_structs_encoded(void)
{
  const QmiWmsRoute routes[] = {
    { .message_type = 0, .message_class = 0, .storage = 1, .receipt_action = 1 },
    { .message_type = 0, .message_class = 3, .storage = 0xFF, .receipt_action = 2 },
  };
  QmiWmsSetRoutesInput in = {
    .has_route_list = TRUE,
    .n_route_list = 2,
    .route_list = routes,
    .has_transfer_status_report = TRUE,
    .transfer_status_report = 1,
  };
  const guint8 expected[] = {
    0x01, 0x0A, 0x00, 0x02, 0x00, 0, 0, 1, 1, 0, 3, 0xFF, 2, /* route list */
    0x10, 0x01, 0x00, 0x01,                                  /* transfer status report */
  };
  GByteArray *tlvs = qmi_wms_set_routes_build(&in);

  g_assert_cmpmem(tlvs->data, tlvs->len, expected, sizeof(expected));
  qmi_tlvs_free(tlvs);
}

/* Get Card Status with two cards, the second's application cut short. */
static GByteArray *
card_status_tlvs(gboolean cut_second)
{
  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, QMI_TLV_RESULT);
  qmi_put_u32(b, 0);
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x10);
  for (int i = 0; i < 4; i++)
    qmi_put_u16(b, 0xFFFF);
  qmi_put_u8(b, 2); /* cards */
  for (int card = 0; card < 2; card++) {
    const guint8 head[] = { 1, 0, 0, 0, 0 };
    const guint8 app[] = { 2, 7, 0, 0, 0, 0, 3, 0xA0, 0x00, 0x87, 0, 1, 3, 10, 0, 3, 10 };
    qmi_put_bytes(b, head, sizeof(head));
    qmi_put_u8(b, 1); /* applications */
    qmi_put_bytes(b, app, card == 1 && cut_second ? 8 : sizeof(app));
  }
  qmi_tlv_end(b, s);
  return b;
}

static void
test_nested_arrays_decoded(void)
{
  g_autoptr(GByteArray) b = card_status_tlvs(FALSE);
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_UIM, 1, QMI_MESSAGE_KIND_RESPONSE, 1,
                                              QMI_UIM_MSG_GET_CARD_STATUS, b->data, b->len);
  QmiUimGetCardStatusOutput out;

  g_assert_true(qmi_uim_get_card_status_parse(msg, &out, NULL));
  g_assert_true(out.has_card_status);
  g_assert_cmpuint(out.card_status.n_cards, ==, 2);
  const QmiUimCardApplication *app = &out.card_status.cards[1].applications[0];
  g_assert_cmpuint(out.card_status.cards[1].n_applications, ==, 1);
  g_assert_cmpuint(app->state, ==, 7);
  g_assert_cmpmem(app->application_identifier, app->n_application_identifier, "\xA0\x00\x87", 3);
  g_assert_cmpuint(app->pin1_retries, ==, 3);
  g_assert_cmpuint(app->puk2_retries, ==, 10);
  qmi_output_base_clear(&out.base);
}

static void
test_malformed_element_takes_field_out(void)
{
  g_autoptr(GByteArray) b = card_status_tlvs(TRUE);
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_UIM, 1, QMI_MESSAGE_KIND_RESPONSE, 1,
                                              QMI_UIM_MSG_GET_CARD_STATUS, b->data, b->len);
  QmiUimGetCardStatusOutput out;

  g_string_truncate(debug_log, 0);
  g_assert_true(qmi_uim_get_card_status_parse(msg, &out, NULL));
  g_assert_false(out.has_card_status);
  g_assert_cmpuint(out.card_status.n_cards, ==, 0);
  g_assert_null(out.card_status.cards);
  g_assert_cmpuint(out.card_status.index_gw_primary, ==, 0);
  g_assert_nonnull(strstr(debug_log->str, "UIM Get Card Status: malformed TLV 0x10 ignored"));
  qmi_output_base_clear(&out.base);
}

static void
test_indication_named_in_log(void)
{
  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, 0x01); /* serving system: cut short */
  qmi_put_u8(b, 1);
  qmi_tlv_end(b, s);
  s = qmi_tlv_begin(b, 0x01);
  qmi_tlv_end(b, s);
  g_autoptr(QmiMessage) msg = qmi_message_new(QMI_SERVICE_NAS, 1, QMI_MESSAGE_KIND_INDICATION, 0,
                                              QMI_NAS_IND_SERVING_SYSTEM, b->data, b->len);
  QmiNasServingSystemIndication ind;

  g_byte_array_unref(b);
  g_string_truncate(debug_log, 0);
  g_assert_true(qmi_nas_serving_system_indication_parse(msg, &ind, NULL));
  g_assert_false(ind.has_serving_system);
  g_assert_nonnull(
      strstr(debug_log->str, "NAS Serving System indication: malformed TLV 0x01 ignored"));
  g_assert_nonnull(
      strstr(debug_log->str, "NAS Serving System indication: 1 repeated TLVs ignored"));
  qmi_output_base_clear(&ind.base);
}

int
main(int argc, char **argv)
{
  debug_log = g_string_new(NULL);
  g_log_set_writer_func(capture_writer, NULL, NULL);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/qmi/tlv-codec/tables-consistent", test_tables_consistent);
  g_test_add_func("/qmi/tlv-codec/prefix-cut", test_prefix_cut);
  g_test_add_func("/qmi/tlv-codec/array-of-structs-encoded", test_array_of_structs_encoded);
  g_test_add_func("/qmi/tlv-codec/nested-arrays-decoded", test_nested_arrays_decoded);
  g_test_add_func("/qmi/tlv-codec/malformed-element", test_malformed_element_takes_field_out);
  g_test_add_func("/qmi/tlv-codec/indication-named-in-log", test_indication_named_in_log);
  return g_test_run();
}
