/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI multiplexed sessions: WDS Bind Mux Data Port binds a client
 * to a mux id; its sessions run on that link (their own addresses) and need
 * QMAP aggregation set with WDA first.
 */
#include "sim-qmi.h"

#define MAX_MUX_ID 254
enum { ENDPOINT_HSUSB = 2, ENDPOINT_PCIE = 3, ENDPOINT_EMBEDDED = 4 };

static const char *
endpoint_name(guint32 type)
{
  switch (type) {
    case ENDPOINT_HSUSB:
      return "hsusb";
    case ENDPOINT_PCIE:
      return "pcie";
    case ENDPOINT_EMBEDDED:
      return "embedded";
    default:
      return "?";
  }
}

guint16
qmi_wds_bind_mux_data_port(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 mux_id;
  guint32 type;

  if (!qmi_get_u8(r, 0x11, &mux_id) || !qmi_cursor_init(&c, r, 0x10))
    return ERR_MISSING_ARGUMENT;
  type = qmi_cursor_u32(&c);
  qmi_cursor_u32(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (mux_id == 0 || mux_id > MAX_MUX_ID
      || (type != ENDPOINT_HSUSB && type != ENDPOINT_PCIE && type != ENDPOINT_EMBEDDED))
    return ERR_INVALID_ARGUMENT;
  if (sim_core_session_by_owner(q->core, ((guint)r->service << 8) | r->cid))
    return ERR_INVALID_ARGUMENT; /* a client with a call cannot move */
  r->client->mux_id = mux_id;
  return ERR_NONE;
}

void
qmi_wds_describe_bind_mux(const QmiReq *r, GString *s)
{
  QmiCursor c;
  guint8 mux_id;

  if (qmi_cursor_init(&c, r, 0x10)) {
    guint32 type = qmi_cursor_u32(&c);
    guint32 number = qmi_cursor_u32(&c);

    if (c.ok)
      g_string_append_printf(s, " endpoint=%s/%u", endpoint_name(type), number);
  }
  if (qmi_get_u8(r, 0x11, &mux_id))
    g_string_append_printf(s, " mux-id=%u", mux_id);
}

gboolean
qmi_wds_link_ready(SimQmi *q, const QmiReq *r)
{
  if (!r->client->mux_id || q->wda_dl_aggregation == QMI_AGGREGATION_QMAP)
    return TRUE;
  sim_core_log(q->core, "qmi: start network refused: client bound to mux id %u without QMAP",
               r->client->mux_id);
  return FALSE;
}
