/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: MBIM Basic Connect, the CIDs of the service (device caps, SIM,
 * radio, registration, packet service, signal, data sessions).
 */
#include "sim-mbim.h"

#include <string.h>

/* Basic Connect CIDs */
enum {
  CID_DEVICE_CAPS = 1,
  CID_SUBSCRIBER_READY_STATUS = 2,
  CID_RADIO_STATE = 3,
  CID_PIN = 4,
  CID_PIN_LIST = 5,
  CID_HOME_PROVIDER = 6,
  CID_PREFERRED_PROVIDERS = 7,
  CID_VISIBLE_PROVIDERS = 8,
  CID_REGISTER_STATE = 9,
  CID_PACKET_SERVICE = 10,
  CID_SIGNAL_STATE = 11,
  CID_CONNECT = 12,
  CID_PROVISIONED_CONTEXTS = 13,
  CID_IP_CONFIGURATION = 15,
  CID_DEVICE_SERVICES = 16,
  CID_DEVICE_SERVICE_SUBSCRIBE_LIST = 19,
};

#define CELLULAR_CLASS_GSM 1

static const guint8 uuid_context_internet[16] = { 0x7e, 0x5e, 0x2a, 0x7e, 0x4e, 0x6f, 0x72, 0x72,
                                                  0x73, 0x6b, 0x65, 0x6e, 0x7e, 0x5e, 0x2a, 0x7e };

/* ------------------------------------------------------------------------- */
/* state encoders */

static guint32
coded_rssi(int dbm)
{
  int v = (dbm + 113) / 2;

  return CLAMP(v, 0, 31);
}

static GByteArray *
enc_subscriber_ready(SimMbim *m)
{
  const SimConfig *cfg = sim_core_config(m->core);
  SimCardState card = sim_core_card_state(m->core);
  guint32 state;
  MbimBuf b;

  switch (card) {
    case SIM_CARD_ABSENT:
      state = 2; /* SIM not inserted */
      break;
    case SIM_CARD_PIN_REQUIRED:
    case SIM_CARD_PUK_REQUIRED:
      state = 6; /* device locked */
      break;
    case SIM_CARD_BLOCKED:
      state = 3; /* bad SIM */
      break;
    default:
      state = 1; /* initialized */
      break;
  }
  mbim_buf_init(&b, 28);
  mbim_buf_u32(&b, state);
  mbim_buf_str(&b, card == SIM_CARD_READY ? cfg->imsi : "");
  mbim_buf_str(&b, card == SIM_CARD_ABSENT ? "" : cfg->iccid);
  mbim_buf_u32(&b, 0); /* ready info */
  mbim_buf_u32(&b, 0); /* no telephone numbers */
  return mbim_buf_finish(&b);
}

static GByteArray *
enc_radio_state(SimMbim *m)
{
  MbimBuf b;

  mbim_buf_init(&b, 8);
  mbim_buf_u32(&b, 1); /* hardware radio on */
  mbim_buf_u32(&b, sim_core_radio_on(m->core) ? 1 : 0);
  return mbim_buf_finish(&b);
}

static GByteArray *
enc_pin_info(SimMbim *m)
{
  MbimBuf b;

  mbim_buf_init(&b, 12);
  switch (sim_core_card_state(m->core)) {
    case SIM_CARD_PIN_REQUIRED:
      mbim_buf_u32(&b, 2); /* PIN1 */
      mbim_buf_u32(&b, 1); /* locked */
      mbim_buf_u32(&b, sim_core_pin_retries(m->core));
      break;
    case SIM_CARD_PUK_REQUIRED:
      mbim_buf_u32(&b, 11); /* PUK1 */
      mbim_buf_u32(&b, 1);
      mbim_buf_u32(&b, sim_core_puk_retries(m->core));
      break;
    default:
      mbim_buf_u32(&b, 0); /* none */
      mbim_buf_u32(&b, 0); /* unlocked */
      mbim_buf_u32(&b, 0);
      break;
  }
  return mbim_buf_finish(&b);
}

static GByteArray *
enc_provider(SimMbim *m, const SimOperator *op, guint32 state)
{
  MbimBuf b;

  mbim_buf_init(&b, 32);
  mbim_buf_str(&b, op->mccmnc);
  mbim_buf_u32(&b, state);
  mbim_buf_str(&b, op->name);
  mbim_buf_u32(&b, CELLULAR_CLASS_GSM);
  mbim_buf_u32(&b, coded_rssi(sim_core_signal(m->core)->rssi));
  mbim_buf_u32(&b, 99);
  return mbim_buf_finish(&b);
}

static guint32
reg_state_code(SimMbim *m)
{
  switch (sim_core_reg_state(m->core)) {
    case SIM_REG_IDLE:
      return 1; /* deregistered */
    case SIM_REG_SEARCHING:
      return 2;
    case SIM_REG_REGISTERED:
      return sim_core_is_roaming(m->core) ? 4 : 3;
    case SIM_REG_DENIED:
      return 6;
  }
  return 0;
}

static GByteArray *
enc_register_state(SimMbim *m)
{
  const SimOperator *op = sim_core_serving_operator(m->core);
  gboolean v2 = m->mbimex >= MBIMEX_2_0;
  MbimBuf b;

  mbim_buf_init(&b, v2 ? 52 : 48);
  mbim_buf_u32(&b, 0); /* nw error */
  mbim_buf_u32(&b, reg_state_code(m));
  mbim_buf_u32(&b, sim_core_manual_selection(m->core) ? 2 : 1);
  mbim_buf_u32(&b, op ? mbim_available_data_classes(m) : 0);
  mbim_buf_u32(&b, CELLULAR_CLASS_GSM);
  mbim_buf_str(&b, op ? op->mccmnc : "");
  mbim_buf_str(&b, op ? op->name : "");
  mbim_buf_str(&b, "");
  mbim_buf_u32(&b, 2); /* packet service automatic attach */
  if (v2)
    mbim_buf_u32(&b, mbim_preferred_data_classes(m));
  return mbim_buf_finish(&b);
}

static gboolean
ps_attached(SimMbim *m)
{
  return sim_core_reg_state(m->core) == SIM_REG_REGISTERED && !m->ps_detached;
}

static GByteArray *
enc_packet_service(SimMbim *m)
{
  gboolean att = ps_attached(m);
  gboolean v2 = m->mbimex >= MBIMEX_2_0;
  MbimBuf b;

  mbim_buf_init(&b, v2 ? 32 : 28);
  mbim_buf_u32(&b, 0);
  mbim_buf_u32(&b, att ? 2 : 4); /* attached / detached */
  /* 1.0: the highest available data class; 2.0: the one in use */
  mbim_buf_u32(&b, att ? mbim_available_data_classes(m) : 0);
  mbim_buf_u64(&b, att ? 50000000 : 0);
  mbim_buf_u64(&b, att ? 150000000 : 0);
  if (v2)
    mbim_buf_u32(&b, att ? 1 : 0); /* frequency range: FR1 */
  return mbim_buf_finish(&b);
}

static guint32
ip_type_code(SimIpFamily f)
{
  return f == SIM_FAMILY_IPV6 ? 2 : f == SIM_FAMILY_IPV4V6 ? 3 : 1;
}

static GByteArray *
enc_connect(SimMbim *m, guint32 session_id, const SimSession *s, guint32 nw_error)
{
  MbimBuf b;

  mbim_buf_init(&b, 36);
  mbim_buf_u32(&b, session_id);
  mbim_buf_u32(&b, s ? 1 : 3); /* activated / deactivated */
  mbim_buf_u32(&b, 0);
  mbim_buf_u32(&b, s ? ip_type_code(s->family) : 0);
  mbim_buf_bytes(&b, uuid_context_internet, 16);
  mbim_buf_u32(&b, nw_error);
  return mbim_buf_finish(&b);
}

/* ------------------------------------------------------------------------- */
/* commands */

static guint32
h_device_caps(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  *out = mbim_enc_device_caps(m, FALSE);
  return ST_NONE;
}

static guint32
h_subscriber_ready(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  *out = enc_subscriber_ready(m);
  return ST_NONE;
}

static guint32
h_radio_state(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type == 1) {
    guint32 on;

    if (!mbim_read_u32(r, 0, &on))
      return ST_INVALID_PARAMETERS;
    sim_core_set_radio(m->core, on != 0);
  }
  *out = enc_radio_state(m);
  return ST_NONE;
}

/* PIN type 2 (PIN1) operations 0 enter, 1 enable, 2 disable, 3 change; type 11
 * (PUK1) enters the PUK with a new PIN.  ST_NONE once done, with *res. */
static guint32
pin_operation(SimMbim *m, guint32 type, guint32 op, const char *pin, const char *new_pin,
              SimPinResult *res)
{
  if (type == 11) {
    *res = sim_core_unblock_pin(m->core, pin, new_pin);
    return ST_NONE;
  }
  if (type != 2)
    return ST_NO_DEVICE_SUPPORT;
  switch (op) {
    case 0:
      *res = sim_core_verify_pin(m->core, pin);
      return ST_NONE;
    case 1:
    case 2:
      *res = sim_core_set_pin_enabled(m->core, op == 1, pin);
      return ST_NONE;
    case 3:
      *res = sim_core_change_pin(m->core, pin, new_pin);
      return ST_NONE;
    default:
      return ST_INVALID_PARAMETERS;
  }
}

/* after a wrong code: what is asked for next and the attempts left */
static GByteArray *
enc_pin_failure(SimMbim *m)
{
  SimCardState card = sim_core_card_state(m->core);
  MbimBuf b;

  mbim_buf_init(&b, 12);
  if (card == SIM_CARD_PUK_REQUIRED) {
    mbim_buf_u32(&b, 11);
    mbim_buf_u32(&b, 1);
    mbim_buf_u32(&b, sim_core_puk_retries(m->core));
  } else {
    mbim_buf_u32(&b, 2);
    mbim_buf_u32(&b, card == SIM_CARD_PIN_REQUIRED ? 1 : 0);
    mbim_buf_u32(&b, sim_core_pin_retries(m->core));
  }
  return mbim_buf_finish(&b);
}

static guint32
pin_result(SimMbim *m, SimPinResult res, GByteArray **out)
{
  switch (res) {
    case SIM_PIN_OK:
      *out = enc_pin_info(m);
      return ST_NONE;
    case SIM_PIN_NO_SIM:
      return ST_SIM_NOT_INSERTED;
    case SIM_PIN_BAD_ARGS:
      return ST_INVALID_PARAMETERS;
    case SIM_PIN_BLOCKED:
      *out = enc_pin_info(m);
      return sim_core_card_state(m->core) == SIM_CARD_BLOCKED ? ST_BAD_SIM : ST_FAILURE;
    case SIM_PIN_INCORRECT:
      break;
  }
  *out = enc_pin_failure(m);
  return ST_FAILURE;
}

static guint32
h_pin(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint32 type, op, status;
  g_autofree char *pin = NULL;
  g_autofree char *new_pin = NULL;
  SimPinResult res;

  if (r->type == 0) {
    if (sim_core_card_state(m->core) == SIM_CARD_ABSENT)
      return ST_SIM_NOT_INSERTED;
    *out = enc_pin_info(m);
    return ST_NONE;
  }
  if (!mbim_read_u32(r, 0, &type) || !mbim_read_u32(r, 4, &op))
    return ST_INVALID_PARAMETERS;
  pin = mbim_read_str(r, 8);
  new_pin = mbim_read_str(r, 16);
  if (!pin || !new_pin)
    return ST_INVALID_PARAMETERS;
  status = pin_operation(m, type, op, pin, new_pin, &res);
  return status ? status : pin_result(m, res, out);
}

static guint32
h_home_provider(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!sim_core_sim_readable(m->core))
    return sim_core_card_state(m->core) == SIM_CARD_ABSENT ? ST_SIM_NOT_INSERTED : ST_PIN_REQUIRED;
  *out = enc_provider(m, &sim_core_config(m->core)->home, 0x1);
  return ST_NONE;
}

static guint32
h_visible_providers(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  g_autoptr(GPtrArray) ops = NULL;
  const SimOperator *serving;
  GPtrArray *elems;
  MbimBuf b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!sim_core_radio_on(m->core))
    return ST_RADIO_POWER_OFF;
  ops = sim_core_visible_operators(m->core);
  serving = sim_core_serving_operator(m->core);
  elems = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint32 state = 0x8; /* visible */

    if (i == 0)
      state |= 0x1; /* home */
    if (op == serving)
      state |= 0x10; /* registered */
    g_ptr_array_add(elems, enc_provider(m, op, state));
  }
  mbim_buf_init(&b, 4 + 8 * elems->len);
  mbim_buf_u32(&b, elems->len);
  for (guint i = 0; i < elems->len; i++) {
    GByteArray *e = g_ptr_array_index(elems, i);

    mbim_buf_ref(&b, e->data, e->len);
  }
  g_ptr_array_unref(elems);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

static guint32
h_register_state(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type == 1) {
    g_autofree char *id = mbim_read_str(r, 0);
    guint32 action, data_classes = 0;

    if (!id || !mbim_read_u32(r, 8, &action))
      return ST_INVALID_PARAMETERS;
    if (!sim_core_sim_readable(m->core))
      return ST_PIN_REQUIRED;
    /* data classes: what the modem may use from now on (0: leave them) */
    if (mbim_read_u32(r, 12, &data_classes) && data_classes
        && !mbim_set_data_classes(m, data_classes))
      return ST_INVALID_PARAMETERS;
    if (action == 0) {
      sim_core_register(m->core, NULL);
    } else if (!sim_core_register(m->core, id)) {
      return ST_PROVIDER_NOT_VISIBLE;
    }
  }
  *out = enc_register_state(m);
  return ST_NONE;
}

static guint32
h_packet_service(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type == 1) {
    guint32 action;

    if (!mbim_read_u32(r, 0, &action))
      return ST_INVALID_PARAMETERS;
    if (action == 0) {
      if (sim_core_reg_state(m->core) != SIM_REG_REGISTERED)
        return ST_NOT_REGISTERED;
      m->ps_detached = FALSE;
    } else {
      m->ps_detached = TRUE;
      sim_core_drop_all_sessions(m->core);
    }
  }
  *out = enc_packet_service(m);
  return ST_NONE;
}

static guint32
h_connect(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint32 session_id;
  SimSession *s;

  if (!mbim_read_u32(r, 0, &session_id))
    return ST_INVALID_PARAMETERS;
  s = sim_core_session_by_owner(m->core, session_id);
  if (r->type == 1) {
    guint32 command, ip_type;
    g_autofree char *apn = mbim_read_str(r, 8);
    g_autofree char *user = mbim_read_str(r, 16);
    SimIpFamily family;
    const char *why = NULL;

    if (!mbim_read_u32(r, 4, &command) || !mbim_read_u32(r, 40, &ip_type) || !apn || !user)
      return ST_INVALID_PARAMETERS;
    if (command == 0) {
      if (s)
        sim_core_session_stop(m->core, s);
      *out = enc_connect(m, session_id, NULL, 0);
      return ST_NONE;
    }
    if (s)
      return ST_MAX_ACTIVATED_CONTEXTS;
    if (!ps_attached(m))
      return sim_core_reg_state(m->core) == SIM_REG_REGISTERED ? ST_PACKET_SERVICE_DETACHED
                                                               : ST_NOT_REGISTERED;
    family = ip_type == 2 ? SIM_FAMILY_IPV6 : ip_type >= 3 ? SIM_FAMILY_IPV4V6 : SIM_FAMILY_IPV4;
    s = sim_core_session_start_on(m->core, session_id, session_id, apn, user, family, &why);
    if (!s) {
      sim_core_log(m->core, "mbim: connect refused: %s", why);
      if (g_str_equal(why, "ipv6-unsupported"))
        return ST_CONTEXT_NOT_SUPPORTED;
      return g_str_equal(why, "sim-not-ready") ? ST_PIN_REQUIRED : ST_NOT_REGISTERED;
    }
  }
  *out = enc_connect(m, session_id, s, 0);
  return ST_NONE;
}

static guint32
h_ip_configuration(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  const SimConfig *cfg = sim_core_config(m->core);
  guint32 session_id;
  SimSession *s;
  gboolean v4, v6;
  guint8 elem4[8], elem6[20], gw4[4], gw6[16];
  MbimBuf b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!mbim_read_u32(r, 0, &session_id))
    session_id = 0;
  s = sim_core_session_by_owner(m->core, session_id);
  if (!s)
    return ST_CONTEXT_NOT_ACTIVATED;
  v4 = s->family != SIM_FAMILY_IPV6;
  v6 = s->family != SIM_FAMILY_IPV4;

  /* each session id its own addresses */
  sim_core_session_addresses(m->core, s, elem4 + 4, gw4, elem6 + 4, gw6);
  elem4[0] = cfg->ip4_prefix;
  elem4[1] = elem4[2] = elem4[3] = 0;
  elem6[0] = cfg->ip6_prefix;
  elem6[1] = elem6[2] = elem6[3] = 0;

  mbim_buf_init(&b, 60);
  mbim_buf_u32(&b, session_id);
  mbim_buf_u32(&b, v4 ? 0xF : 0); /* address | gateway | dns | mtu */
  mbim_buf_u32(&b, v6 ? 0xF : 0);
  mbim_buf_u32(&b, v4 ? 1 : 0);
  mbim_buf_off(&b, elem4, v4 ? 8 : 0);
  mbim_buf_u32(&b, v6 ? 1 : 0);
  mbim_buf_off(&b, elem6, v6 ? 20 : 0);
  mbim_buf_off(&b, gw4, v4 ? 4 : 0);
  mbim_buf_off(&b, gw6, v6 ? 16 : 0);
  mbim_buf_u32(&b, v4 ? cfg->dns4->len : 0);
  mbim_buf_off(&b, cfg->dns4->data, v4 ? cfg->dns4->len * 4 : 0);
  mbim_buf_u32(&b, v6 ? cfg->dns6->len : 0);
  mbim_buf_off(&b, cfg->dns6->data, v6 ? cfg->dns6->len * 16 : 0);
  mbim_buf_u32(&b, v4 ? cfg->mtu : 0);
  mbim_buf_u32(&b, v6 ? cfg->mtu : 0);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

static guint32
h_provisioned_contexts(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  MbimBuf b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  mbim_buf_init(&b, 4);
  mbim_buf_u32(&b, 0);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

static const guint32 supported_cids[] = {
  CID_DEVICE_CAPS,          CID_SUBSCRIBER_READY_STATUS,
  CID_RADIO_STATE,          CID_PIN,
  CID_HOME_PROVIDER,        CID_VISIBLE_PROVIDERS,
  CID_REGISTER_STATE,       CID_PACKET_SERVICE,
  CID_SIGNAL_STATE,         CID_CONNECT,
  CID_PROVISIONED_CONTEXTS, CID_IP_CONFIGURATION,
  CID_DEVICE_SERVICES,      CID_DEVICE_SERVICE_SUBSCRIBE_LIST,
};

/* One MBIM_DEVICE_SERVICE_ELEMENT: the service and its CIDs. */
static GByteArray *
service_element(const guint8 *uuid, const guint32 *cids, gsize n_cids)
{
  MbimBuf e;

  mbim_buf_init(&e, 28 + 4 * n_cids);
  mbim_buf_bytes(&e, uuid, 16);
  mbim_buf_u32(&e, 0); /* no DSS payload */
  mbim_buf_u32(&e, 0);
  mbim_buf_u32(&e, n_cids);
  for (gsize i = 0; i < n_cids; i++)
    mbim_buf_u32(&e, cids[i]);
  return mbim_buf_finish(&e);
}

static guint32
h_device_services(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  static const guint32 ussd_cids[] = { 1 };
  g_autoptr(GByteArray) basic = NULL;
  g_autoptr(GByteArray) ussd = NULL;
  MbimBuf b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  basic = service_element(mbim_uuid_basic_connect, supported_cids, G_N_ELEMENTS(supported_cids));
  ussd = service_element(mbim_service_ussd.uuid, ussd_cids, G_N_ELEMENTS(ussd_cids));
  mbim_buf_init(&b, 24);
  mbim_buf_u32(&b, 2);
  mbim_buf_u32(&b, 0);
  mbim_buf_ref(&b, basic->data, basic->len);
  mbim_buf_ref(&b, ussd->data, ussd->len);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

static guint32
h_subscribe_list(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  /* accepted and echoed; indications are not filtered */
  *out = g_byte_array_new();
  g_byte_array_append(*out, r->buf, r->len);
  return ST_NONE;
}

static const MbimCmd commands[] = {
  { CID_DEVICE_CAPS, "DeviceCaps", h_device_caps },
  { CID_SUBSCRIBER_READY_STATUS, "SubscriberReadyStatus", h_subscriber_ready },
  { CID_RADIO_STATE, "RadioState", h_radio_state },
  { CID_PIN, "Pin", h_pin },
  { CID_PIN_LIST, "PinList", NULL },
  { CID_HOME_PROVIDER, "HomeProvider", h_home_provider },
  { CID_PREFERRED_PROVIDERS, "PreferredProviders", NULL },
  { CID_VISIBLE_PROVIDERS, "VisibleProviders", h_visible_providers },
  { CID_REGISTER_STATE, "RegisterState", h_register_state },
  { CID_PACKET_SERVICE, "PacketService", h_packet_service },
  { CID_SIGNAL_STATE, "SignalState", mbim_signal_state },
  { CID_CONNECT, "Connect", h_connect },
  { CID_PROVISIONED_CONTEXTS, "ProvisionedContexts", h_provisioned_contexts },
  { CID_IP_CONFIGURATION, "IpConfiguration", h_ip_configuration },
  { CID_DEVICE_SERVICES, "DeviceServices", h_device_services },
  { CID_DEVICE_SERVICE_SUBSCRIBE_LIST, "DeviceServiceSubscribeList", h_subscribe_list },
};

const MbimCmd *
mbim_basic_connect_lookup(guint32 cid)
{
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (commands[i].cid == cid)
      return &commands[i];
  return NULL;
}

void
mbim_basic_connect_describe(const MbimReq *r, GString *s)
{
  guint32 a, b;

  if (r->type != 1 && r->cid != CID_CONNECT && r->cid != CID_IP_CONFIGURATION)
    return;
  switch (r->cid) {
    case CID_RADIO_STATE:
      if (mbim_read_u32(r, 0, &a))
        g_string_append_printf(s, " radio=%s", a ? "on" : "off");
      break;
    case CID_PIN:
      if (mbim_read_u32(r, 0, &a) && mbim_read_u32(r, 4, &b)) {
        g_autofree char *pin = mbim_read_str(r, 8);
        g_autofree char *new_pin = mbim_read_str(r, 16);

        g_string_append_printf(s, " pin-type=%u operation=%u pin=%s", a, b, pin ? pin : "?");
        if (new_pin && *new_pin)
          g_string_append_printf(s, " new-pin=%s", new_pin);
      }
      break;
    case CID_REGISTER_STATE: {
      g_autofree char *id = mbim_read_str(r, 0);

      if (mbim_read_u32(r, 8, &a))
        g_string_append_printf(s, " action=%s provider=%s", a ? "manual" : "automatic",
                               id ? id : "?");
      if (mbim_read_u32(r, 12, &b))
        g_string_append_printf(s, " data-class=0x%x", b);
      break;
    }
    case CID_PACKET_SERVICE:
      if (mbim_read_u32(r, 0, &a))
        g_string_append_printf(s, " action=%s", a ? "detach" : "attach");
      break;
    case CID_CONNECT:
      if (mbim_read_u32(r, 0, &a))
        g_string_append_printf(s, " session=%u", a);
      if (r->type == 1 && mbim_read_u32(r, 4, &b)) {
        g_autofree char *apn = mbim_read_str(r, 8);
        g_autofree char *user = mbim_read_str(r, 16);
        g_autofree char *password = mbim_read_str(r, 24);
        guint32 auth = 0, ip = 0;

        mbim_read_u32(r, 36, &auth);
        mbim_read_u32(r, 40, &ip);
        g_string_append_printf(s, " %s apn=%s user=%s password=%s auth=%u ip-type=%u",
                               b ? "activate" : "deactivate", apn ? apn : "?", user ? user : "?",
                               password ? password : "?", auth, ip);
      }
      break;
    case CID_IP_CONFIGURATION:
      if (mbim_read_u32(r, 0, &a))
        g_string_append_printf(s, " session=%u", a);
      break;
    case CID_SIGNAL_STATE:
      mbim_signal_state_describe(r, s);
      break;
    default:
      break;
  }
}

void
mbim_basic_connect_notify(SimMbim *m, SimNotify what, gpointer data)
{
  g_autoptr(GByteArray) a = NULL;
  g_autoptr(GByteArray) b = NULL;

  switch (what) {
    case SIM_NOTIFY_REGISTRATION:
      if (sim_core_reg_state(m->core) != SIM_REG_REGISTERED)
        m->ps_detached = FALSE;
      a = enc_register_state(m);
      mbim_send_indication(m, CID_REGISTER_STATE, a);
      b = enc_packet_service(m);
      mbim_send_indication(m, CID_PACKET_SERVICE, b);
      mbim_events_notify(m, what); /* the signal comes and goes with registration */
      break;
    case SIM_NOTIFY_CARD:
      a = enc_subscriber_ready(m);
      mbim_send_indication(m, CID_SUBSCRIBER_READY_STATUS, a);
      break;
    case SIM_NOTIFY_RADIO:
      a = enc_radio_state(m);
      mbim_send_indication(m, CID_RADIO_STATE, a);
      break;
    case SIM_NOTIFY_SESSION_DROPPED: {
      SimSession *s = data;

      a = enc_connect(m, s->owner, NULL, 36 /* regular deactivation */);
      mbim_send_indication(m, CID_CONNECT, a);
      break;
    }
    case SIM_NOTIFY_SIGNAL:
    case SIM_NOTIFY_CELL:
    case SIM_NOTIFY_GPS:
    case SIM_NOTIFY_NITZ:
      mbim_events_notify(m, what);
      break;
    default:
      break;
  }
}
