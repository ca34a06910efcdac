/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI WDS Bind Mux Data Port, how a host puts a WDS client's data
 * sessions on a QMAP mux id (multiplexed sessions over qmi_wwan or MHI; SoC
 * modems over QRTR: the IPA port).  The modem takes it only once WDA has set
 * QMAP aggregation; the client's sessions then run on that link, with
 * addresses of their own (sim-session-addresses.c).
 */
#include "sim-qmi.h"

#define ENDPOINT_TLV 0x10
#define MUX_ID_TLV 0x11
#define MUX_ID_MAX 254

static const char *
endpoint_name(guint32 type)
{
  static const char *const names[] = { "unknown", "hsic", "hsusb", "pcie", "embedded", "bam-dmux" };

  return type < G_N_ELEMENTS(names) ? names[type] : "?";
}

static gboolean
qmap_enabled(const SimQmi *q)
{
  return q->wda_link_layer == 2 && q->wda_dl_aggregation >= SIM_QMI_AGGREGATION_QMAP;
}

guint16
qmi_wds_bind_mux_data_port(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint32 type;
  guint8 mux_id;

  if (!qmi_cursor_init(&c, r, ENDPOINT_TLV) || !qmi_get_u8(r, MUX_ID_TLV, &mux_id))
    return ERR_MISSING_ARGUMENT;
  type = qmi_cursor_u32(&c);
  qmi_cursor_u32(&c); /* interface number */
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (mux_id == 0 || mux_id > MUX_ID_MAX || type >= 6)
    return ERR_INVALID_ARGUMENT;
  if (!qmap_enabled(q)) {
    sim_core_log(q->core, "qmi: mux binding refused: no QMAP data format (WDA)");
    return ERR_INVALID_ARGUMENT;
  }
  if (sim_core_session_by_owner(q->core, ((guint)r->service << 8) | r->cid))
    return ERR_INVALID_ARGUMENT; /* a client with a call cannot move */
  r->client->mux_id = mux_id;
  return ERR_NONE;
}

void
qmi_wds_describe_bind_mux_data_port(const QmiReq *r, GString *s)
{
  QmiCursor c;
  guint8 mux_id;

  if (qmi_cursor_init(&c, r, ENDPOINT_TLV)) {
    guint32 type = qmi_cursor_u32(&c);
    guint32 iface = qmi_cursor_u32(&c);

    if (c.ok)
      g_string_append_printf(s, " endpoint=%s/%u", endpoint_name(type), iface);
  }
  if (qmi_get_u8(r, MUX_ID_TLV, &mux_id))
    g_string_append_printf(s, " mux-id=%u", mux_id);
}

gboolean
qmi_wds_link_ready(SimQmi *q, const QmiReq *r)
{
  if (!r->client->mux_id || qmap_enabled(q))
    return TRUE;
  sim_core_log(q->core, "qmi: start network refused: client bound to mux id %u without QMAP",
               r->client->mux_id);
  return FALSE;
}
