/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI CTL, the control service: client ids, version, data format.
 */
#include "sim-qmi.h"

static guint16
ctl_get_version_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gsize n, present = 0;
  const QmiService *const *services = qmi_services(&n);
  gsize t = qmi_tlv_open(out, 0x01);

  for (gsize i = 0; i < n; i++)
    present += qmi_service_present(q, services[i]->id);
  qmi_put_u8(out, present);
  for (gsize i = 0; i < n; i++) {
    if (!qmi_service_present(q, services[i]->id))
      continue;
    qmi_put_u8(out, services[i]->id);
    qmi_put_u16(out, services[i]->major);
    qmi_put_u16(out, services[i]->minor);
  }
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
ctl_allocate_cid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiClient *c;
  guint8 svc;
  gsize t;

  if (!qmi_get_u8(r, 0x01, &svc))
    return ERR_MISSING_ARGUMENT;
  if (svc == SVC_CTL || !qmi_service_present(q, svc))
    return ERR_INVALID_SERVICE_TYPE;
  c = qmi_client_add(q, svc);
  if (!c)
    return ERR_CLIENT_IDS_EXHAUSTED;
  t = qmi_tlv_open(out, 0x01);
  qmi_put_u8(out, svc);
  qmi_put_u8(out, c->cid);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
ctl_release_cid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 svc, cid;
  QmiClient *client;
  gsize t;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  svc = qmi_cursor_u8(&c);
  cid = qmi_cursor_u8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  client = g_hash_table_lookup(q->clients, KEY(svc, cid));
  if (!client)
    return ERR_INVALID_CLIENT_ID;
  qmi_client_release(q, client);
  t = qmi_tlv_open(out, 0x01);
  qmi_put_u8(out, svc);
  qmi_put_u8(out, cid);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_ctl_cid(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x01)) {
    guint8 svc = qmi_cursor_u8(&c);
    const char *name = qmi_service_name(svc);

    if (name)
      g_string_append_printf(s, " service=%s", name);
    else
      g_string_append_printf(s, " service=0x%02x", svc);
    if (c.n >= 1)
      g_string_append_printf(s, " release-cid=%u", qmi_cursor_u8(&c));
  }
}

static guint16
ctl_set_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint16 proto = 1;

  qmi_get_u16(r, 0x10, &proto);
  q->link_protocol = proto;
  qmi_tlv_u16(out, 0x10, proto);
  return ERR_NONE;
}

static guint16
ctl_sync(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  GList *all = g_hash_table_get_values(q->clients);

  for (GList *l = all; l; l = l->next)
    qmi_client_release(q, l->data);
  g_list_free(all);
  return ERR_NONE;
}

static const QmiMsgDef ctl_messages[] = {
  { 0x0021, "GetVersionInfo", ctl_get_version_info, NULL },
  { 0x0022, "AllocateCID", ctl_allocate_cid, describe_ctl_cid },
  { 0x0023, "ReleaseCID", ctl_release_cid, describe_ctl_cid },
  { 0x0026, "SetDataFormat", ctl_set_data_format, NULL },
  { 0x0027, "Sync", ctl_sync, NULL },
};

const QmiService sim_qmi_service_ctl = {
  .id = SVC_CTL,
  .name = "CTL",
  .major = 1,
  .minor = 5,
  .messages = ctl_messages,
  .n_messages = G_N_ELEMENTS(ctl_messages),
  .notify = NULL,
};
