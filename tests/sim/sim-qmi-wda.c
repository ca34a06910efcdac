/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI WDA, wireless data administration: the data format.
 */
#include "sim-qmi.h"

static void
encode_data_format(SimQmi *q, GByteArray *out)
{
  qmi_tlv_u8(out, 0x10, 0);
  qmi_tlv_u32(out, 0x11, q->wda_link_layer);
  qmi_tlv_u32(out, 0x12, q->wda_ul_aggregation);
  qmi_tlv_u32(out, 0x13, q->wda_dl_aggregation);
  if (q->wda_dl_aggregation >= SIM_QMI_AGGREGATION_QMAP) {
    qmi_tlv_u32(out, 0x15, q->wda_dl_max_datagrams);
    qmi_tlv_u32(out, 0x16, q->wda_dl_max_size);
  }
}

/* none, or one of the QMAP versions */
static gboolean
aggregation_supported(guint32 protocol)
{
  return protocol == 0
         || (protocol >= SIM_QMI_AGGREGATION_QMAP && protocol <= SIM_QMI_AGGREGATION_QMAPV5);
}

static guint16
wda_set_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 v;

  if (qmi_get_u32(r, 0x11, &v)) {
    if (v != 1 && v != 2)
      return ERR_INVALID_ARGUMENT;
    q->wda_link_layer = v;
  }
  if (qmi_get_u32(r, 0x12, &v)) {
    if (!aggregation_supported(v))
      return ERR_INVALID_ARGUMENT;
    q->wda_ul_aggregation = v;
  }
  if (qmi_get_u32(r, 0x13, &v)) {
    if (!aggregation_supported(v))
      return ERR_INVALID_ARGUMENT;
    q->wda_dl_aggregation = v;
  }
  if (qmi_get_u32(r, 0x15, &v))
    q->wda_dl_max_datagrams = v;
  if (qmi_get_u32(r, 0x16, &v))
    q->wda_dl_max_size = v;
  encode_data_format(q, out);
  return ERR_NONE;
}

static void
describe_wda_set(const QmiReq *r, GString *s)
{
  QmiCursor c;
  guint32 v;

  if (qmi_get_u32(r, 0x11, &v))
    g_string_append_printf(s, " link-layer=%s", v == 2 ? "raw-ip" : v == 1 ? "802-3" : "?");
  if (qmi_get_u32(r, 0x12, &v))
    g_string_append_printf(s, " ul-aggregation=%u", v);
  if (qmi_get_u32(r, 0x13, &v))
    g_string_append_printf(s, " dl-aggregation=%u", v);
  if (qmi_get_u32(r, 0x15, &v))
    g_string_append_printf(s, " dl-max-datagrams=%u", v);
  if (qmi_get_u32(r, 0x16, &v))
    g_string_append_printf(s, " dl-max-size=%u", v);
  if (qmi_cursor_init(&c, r, 0x17)) {
    guint32 type = qmi_cursor_u32(&c);
    guint32 number = qmi_cursor_u32(&c);

    if (c.ok)
      g_string_append_printf(s, " endpoint=%u/%u", type, number);
  }
}

static guint16
wda_get_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_data_format(q, out);
  return ERR_NONE;
}

static const QmiMsgDef wda_messages[] = {
  { 0x0020, "SetDataFormat", wda_set_data_format, describe_wda_set },
  { 0x0021, "GetDataFormat", wda_get_data_format, NULL },
};

const QmiService sim_qmi_service_wda = {
  .id = SVC_WDA,
  .name = "WDA",
  .major = 1,
  .minor = 16,
  .messages = wda_messages,
  .n_messages = G_N_ELEMENTS(wda_messages),
  .notify = NULL,
};
