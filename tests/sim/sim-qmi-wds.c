/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI WDS, wireless data: data sessions and their settings.
 */
#include "sim-qmi.h"

static guint
owner_of(const QmiReq *r)
{
  return ((guint)r->service << 8) | r->cid;
}

static void
send_packet_status(SimQmi *q, const QmiClient *c, gboolean connected, SimIpFamily family,
                   guint16 reason, guint16 verbose_type, gint16 verbose_reason)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  gsize t = qmi_tlv_open(b, 0x01);

  qmi_put_u8(b, connected ? 2 : 1);
  qmi_put_u8(b, 0);
  qmi_tlv_close(b, t);
  if (!connected) {
    qmi_tlv_u16(b, 0x10, reason);
    t = qmi_tlv_open(b, 0x11);
    qmi_put_u16(b, verbose_type);
    qmi_put_u16(b, (guint16)verbose_reason);
    qmi_tlv_close(b, t);
  }
  qmi_tlv_u8(b, 0x12, family == SIM_FAMILY_IPV6 ? 6 : 4);
  qmi_indicate(q, c, 0x0022, b);
}

static guint16
wds_start_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *apn = qmi_get_str(r, 0x14);
  g_autofree char *user = qmi_get_str(r, 0x17);
  guint8 fam = r->client->ip_family;
  SimIpFamily family;
  const char *why = NULL;
  SimSession *s;
  gsize t;

  qmi_get_u8(r, 0x19, &fam);
  family = fam == 6 ? SIM_FAMILY_IPV6 : SIM_FAMILY_IPV4;
  if (sim_core_session_by_owner(q->core, owner_of(r)))
    return ERR_NO_EFFECT;
  if (!qmi_wds_link_ready(q, r))
    return ERR_INVALID_ARGUMENT;
  s = sim_core_session_start_on(q->core, r->client->mux_id, owner_of(r), apn, user, family, &why);
  if (!s) {
    guint16 reason = 1; /* unspecified */
    gint16 vreason = 0;

    if (g_str_equal(why, "no-service"))
      reason = 3; /* no service */
    else if (g_str_equal(why, "ipv6-unsupported"))
      vreason = 50; /* 3GPP: PDP type IPv4 only allowed */
    qmi_tlv_u16(out, 0x10, reason);
    if (vreason) {
      t = qmi_tlv_open(out, 0x11);
      qmi_put_u16(out, 6); /* 3GPP */
      qmi_put_u16(out, (guint16)vreason);
      qmi_tlv_close(out, t);
    }
    sim_core_log(q->core, "qmi: start network refused: %s", why);
    return ERR_CALL_FAILED;
  }
  qmi_tlv_u32(out, 0x01, s->handle);
  send_packet_status(q, r->client, TRUE, family, 0, 0, 0);
  return ERR_NONE;
}

static void
describe_wds_start_network(const QmiReq *r, GString *s)
{
  g_autofree char *apn = qmi_get_str(r, 0x14);
  g_autofree char *user = qmi_get_str(r, 0x17);
  g_autofree char *password = qmi_get_str(r, 0x18);
  guint8 v;

  if (apn)
    g_string_append_printf(s, " apn=%s", apn);
  if (user)
    g_string_append_printf(s, " user=%s", user);
  if (password)
    g_string_append_printf(s, " password=%s", password);
  if (qmi_get_u8(r, 0x16, &v))
    g_string_append_printf(s, " auth=%u", v);
  if (qmi_get_u8(r, 0x19, &v))
    g_string_append_printf(s, " ip-family=%u", v);
  if (qmi_get_u8(r, 0x31, &v))
    g_string_append_printf(s, " profile=%u", v);
}

static guint16
wds_stop_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 handle;
  SimSession *s;
  SimIpFamily family;

  if (!qmi_get_u32(r, 0x01, &handle))
    return ERR_MISSING_ARGUMENT;
  s = sim_core_session_lookup(q->core, handle);
  if (!s)
    return ERR_INVALID_HANDLE;
  family = s->family;
  sim_core_session_stop(q->core, s);
  send_packet_status(q, r->client, FALSE, family, 2 /* client end */, 6, 36);
  return ERR_NONE;
}

static void
describe_u32_01(const QmiReq *r, GString *s)
{
  guint32 v;

  if (qmi_get_u32(r, 0x01, &v))
    g_string_append_printf(s, " handle=0x%08x", v);
}

static guint16
wds_get_packet_service_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_u8(out, 0x01, sim_core_session_by_owner(q->core, owner_of(r)) ? 2 : 1);
  return ERR_NONE;
}

static guint32
ip4_u32(const guint8 *a)
{
  return ((guint32)a[0] << 24) | ((guint32)a[1] << 16) | ((guint32)a[2] << 8) | a[3];
}

static guint16
wds_get_current_settings(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimConfig *cfg = sim_core_config(q->core);
  SimSession *s = sim_core_session_by_owner(q->core, owner_of(r));
  guint8 ip4[4], gw4[4], ip6[16], gw6[16];
  gsize t;

  if (!s)
    return ERR_OUT_OF_CALL;
  sim_core_session_addresses(q->core, s, ip4, gw4, ip6, gw6);
  qmi_tlv_str(out, 0x14, s->apn);
  if (s->user[0])
    qmi_tlv_str(out, 0x1B, s->user);
  if (s->family == SIM_FAMILY_IPV4) {
    guint32 mask = cfg->ip4_prefix ? 0xFFFFFFFFu << (32 - cfg->ip4_prefix) : 0;

    qmi_tlv_u32(out, 0x1E, ip4_u32(ip4));
    qmi_tlv_u32(out, 0x20, ip4_u32(gw4));
    qmi_tlv_u32(out, 0x21, mask);
    if (cfg->dns4->len > 0)
      qmi_tlv_u32(out, 0x15, ip4_u32(&g_array_index(cfg->dns4, guint8, 0)));
    if (cfg->dns4->len > 1)
      qmi_tlv_u32(out, 0x16, ip4_u32(&g_array_index(cfg->dns4, guint8, 4)));
    qmi_tlv_u8(out, 0x2B, 4);
  } else {
    t = qmi_tlv_open(out, 0x25);
    qmi_put_bytes(out, ip6, 16);
    qmi_put_u8(out, cfg->ip6_prefix);
    qmi_tlv_close(out, t);
    t = qmi_tlv_open(out, 0x26);
    qmi_put_bytes(out, gw6, 16);
    qmi_put_u8(out, cfg->ip6_prefix);
    qmi_tlv_close(out, t);
    if (cfg->dns6->len > 0)
      qmi_tlv_raw(out, 0x27, &g_array_index(cfg->dns6, guint8, 0), 16);
    if (cfg->dns6->len > 1)
      qmi_tlv_raw(out, 0x28, &g_array_index(cfg->dns6, guint8, 16), 16);
    qmi_tlv_u8(out, 0x2B, 6);
  }
  qmi_tlv_u32(out, 0x29, cfg->mtu);
  return ERR_NONE;
}

/* Accepted (ModemManager asks for it before every connect); the simulator
 * sends no periodic WDS event reports. */
static guint16
wds_set_event_report(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return ERR_NONE;
}

static guint16
wds_set_ip_family(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 fam;

  if (!qmi_get_u8(r, 0x01, &fam))
    return ERR_MISSING_ARGUMENT;
  if (fam != 4 && fam != 6 && fam != 8)
    return ERR_INVALID_ARGUMENT;
  r->client->ip_family = fam == 8 ? 4 : fam;
  return ERR_NONE;
}

void
qmi_wds_session_dropped(SimQmi *q, const SimSession *s)
{
  QmiClient *c = g_hash_table_lookup(q->clients, KEY(s->owner >> 8, s->owner & 0xff));

  if (c)
    send_packet_status(q, c, FALSE, s->family, 3 /* no service */, 6, 36);
}

static const QmiMsgDef wds_messages[] = {
  { 0x0001, "SetEventReport", wds_set_event_report, NULL },
  { 0x0020, "StartNetwork", wds_start_network, describe_wds_start_network },
  { 0x0021, "StopNetwork", wds_stop_network, describe_u32_01 },
  { 0x0022, "GetPacketServiceStatus", wds_get_packet_service_status, NULL },
  { 0x002D, "GetCurrentSettings", wds_get_current_settings, NULL },
  { 0x004D, "SetIPFamily", wds_set_ip_family, qmi_describe_u8_01 },
  { 0x00A2, "BindMuxDataPort", qmi_wds_bind_mux_data_port, qmi_wds_describe_bind_mux_data_port },
};

const QmiService sim_qmi_service_wds = {
  .id = SVC_WDS,
  .name = "WDS",
  .major = 1,
  .minor = 67,
  .messages = wds_messages,
  .n_messages = G_N_ELEMENTS(wds_messages),
  .notify = NULL,
};
