/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI over QMUX framing, and the dispatch of requests to the
 * services (see sim-qmi.h for the frame layout).
 */
#include "sim-qmi.h"

#include <string.h>

static const QmiService *const services[] = {
  &sim_qmi_service_ctl,   &sim_qmi_service_wds, &sim_qmi_service_dms,
  &sim_qmi_service_nas,   &sim_qmi_service_uim, &sim_qmi_service_wda,
  &sim_qmi_service_voice, &sim_qmi_service_wms, &sim_qmi_service_loc,
};

const QmiService *
qmi_service_lookup(guint8 id)
{
  for (gsize i = 0; i < G_N_ELEMENTS(services); i++)
    if (services[i]->id == id)
      return services[i];
  return NULL;
}

const QmiService *const *
qmi_services(gsize *n)
{
  *n = G_N_ELEMENTS(services);
  return services;
}

const char *
qmi_service_name(guint8 id)
{
  const QmiService *service = qmi_service_lookup(id);

  return service ? service->name : NULL;
}

gboolean
qmi_service_present(SimQmi *q, guint8 id)
{
  const QmiService *service = qmi_service_lookup(id);
  char **without = sim_core_config(q->core)->qmi_without;

  for (char **name = without; service && name && *name; name++)
    if (g_ascii_strcasecmp(*name, service->name) == 0)
      return FALSE;
  return service != NULL;
}

/* ------------------------------------------------------------------------- */
/* framing */

static void
qmi_send(SimQmi *q, guint8 service, guint8 cid, guint8 sdu_flags, guint16 tid, guint16 msg,
         GByteArray *tlvs)
{
  g_autoptr(GByteArray) sdu = g_byte_array_new();
  g_autoptr(GByteArray) f = g_byte_array_new();
  gsize tlen = tlvs ? tlvs->len : 0;

  qmi_put_u8(sdu, sdu_flags);
  if (service == SVC_CTL)
    qmi_put_u8(sdu, tid);
  else
    qmi_put_u16(sdu, tid);
  qmi_put_u16(sdu, msg);
  qmi_put_u16(sdu, tlen);
  if (tlen)
    qmi_put_bytes(sdu, tlvs->data, tlen);
  if (q->output) {
    q->output(q, service, cid, sdu->data, sdu->len, q->output_data);
    return;
  }
  qmi_put_u8(f, 0x01);
  qmi_put_u16(f, 5 + sdu->len);
  qmi_put_u8(f, 0x80);
  qmi_put_u8(f, service);
  qmi_put_u8(f, cid);
  qmi_put_bytes(f, sdu->data, sdu->len);
  sim_core_send(q->core, f->data, f->len);
}

static void
qmi_reply(SimQmi *q, const QmiReq *r, guint16 error, GByteArray *tlvs)
{
  g_autoptr(GByteArray) all = g_byte_array_new();
  gsize t = qmi_tlv_open(all, 0x02);

  qmi_put_u16(all, error ? 1 : 0);
  qmi_put_u16(all, error);
  qmi_tlv_close(all, t);
  if (tlvs)
    qmi_put_bytes(all, tlvs->data, tlvs->len);
  qmi_send(q, r->service, r->service == SVC_CTL ? 0 : r->cid, r->service == SVC_CTL ? 0x01 : 0x02,
           r->tid, r->msg, all);
}

void
qmi_indicate(SimQmi *q, const QmiClient *c, guint16 msg, GByteArray *tlvs)
{
  qmi_send(q, c->service, c->cid, 0x04, ++q->ind_tid, msg, tlvs);
}

/* ------------------------------------------------------------------------- */
/* clients */

QmiClient *
qmi_client_add(SimQmi *q, guint8 service)
{
  for (guint cid = 1; cid < 255; cid++) {
    if (!g_hash_table_contains(q->clients, KEY(service, cid))) {
      QmiClient *c = g_new0(QmiClient, 1);

      c->service = service;
      c->cid = cid;
      c->ip_family = 4;
      g_hash_table_insert(q->clients, KEY(service, cid), c);
      sim_core_log(q->core, "qmi: allocated %s cid=%u", qmi_service_name(service), cid);
      return c;
    }
  }
  return NULL;
}

void
qmi_client_release(SimQmi *q, QmiClient *c)
{
  if (c->service == SVC_WDS)
    sim_core_session_stop_owner(q->core, (c->service << 8) | c->cid);
  g_hash_table_remove(q->clients, KEY(c->service, c->cid));
}

/* ------------------------------------------------------------------------- */
/* dispatch */

void
qmi_handle_request(SimQmi *q, QmiReq *r)
{
  const QmiService *service = qmi_service_lookup(r->service);
  const QmiMsgDef *def = NULL;
  const char *sname = service ? service->name : NULL;
  g_autoptr(GString) line = g_string_new(NULL);
  g_autoptr(GByteArray) out = g_byte_array_new();
  guint16 err;

  for (gsize i = 0; service && i < service->n_messages; i++)
    if (service->messages[i].msg == r->msg)
      def = &service->messages[i];

  if (sname)
    g_string_append_printf(line, "rx qmi %s ", sname);
  else
    g_string_append_printf(line, "rx qmi svc=0x%02x ", r->service);
  if (def)
    g_string_append(line, def->name);
  else
    g_string_append_printf(line, "0x%04x", r->msg);
  g_string_append_printf(line, " cid=%u tid=%u", r->cid, r->tid);
  if (def && def->describe)
    def->describe(r, line);
  if (!def)
    g_string_append(line, " (unsupported)");
  sim_core_log(q->core, "%s", line->str);

  if (!sim_core_request_begin(q->core))
    return;

  if (r->service != SVC_CTL) {
    r->client = g_hash_table_lookup(q->clients, KEY(r->service, r->cid));
    if (!r->client) {
      sim_core_log(q->core, "qmi: no client %s cid=%u", sname ? sname : "?", r->cid);
      qmi_reply(q, r, ERR_INVALID_CLIENT_ID, NULL);
      return;
    }
  }
  if (!def) {
    qmi_reply(q, r, ERR_INVALID_QMI_COMMAND, NULL);
    return;
  }
  err = def->handler(q, r, out);
  if (err)
    sim_core_log(q->core, "qmi: %s %s -> error 0x%04x", sname, def->name, err);
  qmi_reply(q, r, err, out);
}

/* returns the number of bytes consumed, 0 if more are needed */
static gsize
parse_frame(SimQmi *q, const guint8 *p, gsize n)
{
  gsize len, total, hdr;
  QmiReq r = { 0 };

  if (p[0] != 0x01) {
    /* resync on the next marker */
    const guint8 *m = memchr(p + 1, 0x01, n - 1);

    sim_core_log(q->core, "qmi: skipping %zu junk bytes", m ? (gsize)(m - p) : n);
    return m ? (gsize)(m - p) : n;
  }
  if (n < 3)
    return 0;
  len = p[1] | (p[2] << 8);
  total = len + 1;
  if (len < 5 + 6) {
    sim_core_log(q->core, "qmi: short frame");
    return 1;
  }
  if (n < total)
    return 0;
  if (p[3] & 0x80) /* from a service: not for us */
    return total;
  r.service = p[4];
  r.cid = p[5];
  hdr = r.service == SVC_CTL ? 6 : 7;
  if (len < 5 + hdr) {
    sim_core_log(q->core, "qmi: short frame");
    return total;
  }
  if (r.service == SVC_CTL) {
    r.tid = p[7];
    r.msg = p[8] | (p[9] << 8);
    r.tlv_len = p[10] | (p[11] << 8);
  } else {
    r.tid = p[7] | (p[8] << 8);
    r.msg = p[9] | (p[10] << 8);
    r.tlv_len = p[11] | (p[12] << 8);
  }
  r.tlv = p + 6 + hdr;
  if (6 + hdr + r.tlv_len > total) {
    sim_core_log(q->core, "qmi: malformed frame (tlv length)");
    return total;
  }
  qmi_handle_request(q, &r);
  return total;
}

static void
qmi_feed(gpointer self, const guint8 *data, gsize len)
{
  SimQmi *q = self;

  g_byte_array_append(q->in, data, len);
  while (q->in->len > 0) {
    gsize used = parse_frame(q, q->in->data, q->in->len);

    if (!used)
      break;
    /* a hangup fault may have ended the main loop; the buffer is still ours */
    g_byte_array_remove_range(q->in, 0, used);
  }
}

static void
qmi_link_reset(gpointer self)
{
  SimQmi *q = self;

  g_byte_array_set_size(q->in, 0);
}

static void
qmi_notify(gpointer self, SimNotify what, gpointer data)
{
  SimQmi *q = self;
  GHashTableIter it;
  gpointer value;

  if (what == SIM_NOTIFY_SESSION_DROPPED) {
    qmi_wds_session_dropped(q, data);
    return;
  }
  if (what == SIM_NOTIFY_SMS) {
    qmi_wms_event(q, data);
    return;
  }
  if (what == SIM_NOTIFY_USSD) {
    qmi_ussd_network_event(q, data);
    return;
  }
  g_hash_table_iter_init(&it, q->clients);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    QmiClient *c = value;
    const QmiService *service = qmi_service_lookup(c->service);

    if (service && service->notify)
      service->notify(q, c, what);
  }
}

static gpointer
qmi_create(SimCore *core)
{
  SimQmi *q = g_new0(SimQmi, 1);

  q->core = core;
  q->in = g_byte_array_new();
  q->clients = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  q->operating_mode = 0;
  q->link_protocol = 1;
  q->wda_link_layer = 1;
  return q;
}

static void
qmi_free(gpointer self)
{
  SimQmi *q = self;

  g_byte_array_unref(q->in);
  g_hash_table_unref(q->clients);
  g_free(q);
}

const SimProtocol sim_protocol_qmi = {
  .name = "qmi",
  .create = qmi_create,
  .free = qmi_free,
  .feed = qmi_feed,
  .link_reset = qmi_link_reset,
  .notify = qmi_notify,
};
