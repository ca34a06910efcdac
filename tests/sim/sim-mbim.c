/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: MBIM control messages (Basic Connect service).
 *
 * Message header: type u32 | length u32 | transaction id u32, little endian.
 * Commands and their answers carry a fragment header (total u32, current u32),
 * the service UUID (16 bytes as written), the CID u32, then for a command the
 * command type (0 query, 1 set) and for an answer the status, followed by the
 * information buffer length and the buffer.
 *
 * Inside information buffers, variable-size fields (UTF-16LE strings, arrays,
 * nested structures) live after the fixed part and are referenced by an
 * offset (from the start of the enclosing structure) and, for most, a size.
 * This encoder is our own and independent of the daemon's.
 */
#include "sim-core.h"

#include <string.h>

enum {
  MSG_OPEN = 0x00000001,
  MSG_CLOSE = 0x00000002,
  MSG_COMMAND = 0x00000003,
  MSG_HOST_ERROR = 0x00000004,
  MSG_OPEN_DONE = 0x80000001,
  MSG_CLOSE_DONE = 0x80000002,
  MSG_COMMAND_DONE = 0x80000003,
  MSG_FUNCTION_ERROR = 0x80000004,
  MSG_INDICATE_STATUS = 0x80000007,
};

enum {
  ST_NONE = 0,
  ST_BUSY = 1,
  ST_FAILURE = 2,
  ST_SIM_NOT_INSERTED = 3,
  ST_BAD_SIM = 4,
  ST_PIN_REQUIRED = 5,
  ST_PIN_DISABLED = 6,
  ST_NOT_REGISTERED = 7,
  ST_PROVIDERS_NOT_FOUND = 8,
  ST_NO_DEVICE_SUPPORT = 9,
  ST_PROVIDER_NOT_VISIBLE = 10,
  ST_PACKET_SERVICE_DETACHED = 12,
  ST_MAX_ACTIVATED_CONTEXTS = 13,
  ST_NOT_INITIALIZED = 14,
  ST_CONTEXT_NOT_ACTIVATED = 16,
  ST_RADIO_POWER_OFF = 20,
  ST_INVALID_PARAMETERS = 21,
  ST_OPERATION_NOT_ALLOWED = 28,
  ST_CONTEXT_NOT_SUPPORTED = 38,
};

enum {
  PROTO_ERR_NOT_OPENED = 5,
  PROTO_ERR_UNKNOWN = 6,
  PROTO_ERR_LENGTH_MISMATCH = 3,
  PROTO_ERR_FRAGMENT_OUT_OF_SEQUENCE = 2,
};

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

#define DATA_CLASS_LTE 0x20
#define CELLULAR_CLASS_GSM 1

static const guint8 uuid_basic_connect[16] = { 0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb, 0x8b, 0x4f,
                                               0xb6, 0xb0, 0x13, 0x3e, 0xc2, 0xaa, 0xe6, 0xdf };
static const guint8 uuid_context_internet[16] = { 0x7e, 0x5e, 0x2a, 0x7e, 0x4e, 0x6f, 0x72, 0x72,
                                                  0x73, 0x6b, 0x65, 0x6e, 0x7e, 0x5e, 0x2a, 0x7e };

typedef struct {
  SimCore *core;
  GByteArray *in;
  gboolean opened;
  gboolean ps_detached; /* host asked for packet service detach */
} SimMbim;

typedef struct {
  guint32 tid;
  guint32 cid;
  guint32 type; /* 0 query, 1 set */
  const guint8 *buf;
  gsize len;
} MbimReq;

/* ------------------------------------------------------------------------- */
/* encoder: fixed part + variable part */

typedef struct {
  GByteArray *fixed;
  GByteArray *var;
  gsize fixed_size;
} Mb;

static void
mb_init(Mb *b, gsize fixed_size)
{
  b->fixed = g_byte_array_new();
  b->var = g_byte_array_new();
  b->fixed_size = fixed_size;
}

static void
raw_u32(GByteArray *a, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append(a, x, 4);
}

static void
mb_u32(Mb *b, guint32 v)
{
  raw_u32(b->fixed, v);
}

static void
mb_u64(Mb *b, guint64 v)
{
  raw_u32(b->fixed, v & 0xffffffffu);
  raw_u32(b->fixed, v >> 32);
}

static void
mb_bytes(Mb *b, const void *p, gsize n)
{
  g_byte_array_append(b->fixed, p, n);
}

/* append to the variable part, 4-aligned; returns the offset */
static guint32
mb_var(Mb *b, const void *p, gsize n)
{
  static const guint8 zero[4] = { 0 };
  guint32 off = b->fixed_size + b->var->len;

  g_byte_array_append(b->var, p, n);
  if (n % 4)
    g_byte_array_append(b->var, zero, 4 - n % 4);
  return off;
}

/* offset + size reference */
static void
mb_ref(Mb *b, const void *p, gsize n)
{
  if (n == 0) {
    mb_u32(b, 0);
    mb_u32(b, 0);
    return;
  }
  mb_u32(b, mb_var(b, p, n));
  mb_u32(b, n);
}

/* offset-only reference */
static void
mb_off(Mb *b, const void *p, gsize n)
{
  mb_u32(b, n ? mb_var(b, p, n) : 0);
}

static void
mb_str(Mb *b, const char *s)
{
  glong n = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16(s ? s : "", -1, NULL, &n, NULL);
  g_autofree guint8 *le = g_malloc(n * 2 + 1);

  for (glong i = 0; i < n; i++) {
    le[2 * i] = u[i] & 0xff;
    le[2 * i + 1] = u[i] >> 8;
  }
  mb_ref(b, le, n * 2);
}

static GByteArray *
mb_finish(Mb *b)
{
  g_assert(b->fixed->len == b->fixed_size);
  g_byte_array_append(b->fixed, b->var->data, b->var->len);
  g_byte_array_unref(b->var);
  return b->fixed;
}

/* ------------------------------------------------------------------------- */
/* decoder */

static gboolean
rd_u32(const MbimReq *r, gsize off, guint32 *v)
{
  if (off + 4 > r->len)
    return FALSE;
  *v = r->buf[off] | (r->buf[off + 1] << 8) | (r->buf[off + 2] << 16)
       | ((guint32)r->buf[off + 3] << 24);
  return TRUE;
}

/* string referenced by the offset/size pair at off; "" when empty, NULL when broken */
static char *
rd_str(const MbimReq *r, gsize off)
{
  guint32 o, n;
  g_autofree gunichar2 *u = NULL;

  if (!rd_u32(r, off, &o) || !rd_u32(r, off + 4, &n))
    return NULL;
  if (n == 0)
    return g_strdup("");
  if ((gsize)o + n > r->len || n % 2)
    return NULL;
  u = g_new(gunichar2, n / 2);
  for (guint32 i = 0; i < n / 2; i++)
    u[i] = r->buf[o + 2 * i] | (r->buf[o + 2 * i + 1] << 8);
  return g_utf16_to_utf8(u, n / 2, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------- */
/* framing */

static void
send_msg(SimMbim *m, guint32 type, guint32 tid, GByteArray *body)
{
  g_autoptr(GByteArray) f = g_byte_array_new();

  raw_u32(f, type);
  raw_u32(f, 12 + (body ? body->len : 0));
  raw_u32(f, tid);
  if (body)
    g_byte_array_append(f, body->data, body->len);
  sim_core_send(m->core, f->data, f->len);
}

static void
send_status(SimMbim *m, guint32 type, guint32 tid, guint32 status)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  raw_u32(b, status);
  send_msg(m, type, tid, b);
}

static void
send_command_done(SimMbim *m, const MbimReq *r, const guint8 *uuid, guint32 status,
                  GByteArray *info)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  raw_u32(b, 1); /* fragments */
  raw_u32(b, 0);
  g_byte_array_append(b, uuid, 16);
  raw_u32(b, r->cid);
  raw_u32(b, status);
  raw_u32(b, info ? info->len : 0);
  if (info)
    g_byte_array_append(b, info->data, info->len);
  send_msg(m, MSG_COMMAND_DONE, r->tid, b);
}

static void
send_indication(SimMbim *m, guint32 cid, GByteArray *info)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  if (!m->opened)
    return;
  raw_u32(b, 1);
  raw_u32(b, 0);
  g_byte_array_append(b, uuid_basic_connect, 16);
  raw_u32(b, cid);
  raw_u32(b, info ? info->len : 0);
  if (info)
    g_byte_array_append(b, info->data, info->len);
  send_msg(m, MSG_INDICATE_STATUS, 0, b);
}

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
  Mb b;

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
  mb_init(&b, 28);
  mb_u32(&b, state);
  mb_str(&b, card == SIM_CARD_READY ? cfg->imsi : "");
  mb_str(&b, card == SIM_CARD_ABSENT ? "" : cfg->iccid);
  mb_u32(&b, 0); /* ready info */
  mb_u32(&b, 0); /* no telephone numbers */
  return mb_finish(&b);
}

static GByteArray *
enc_radio_state(SimMbim *m)
{
  Mb b;

  mb_init(&b, 8);
  mb_u32(&b, 1); /* hardware radio on */
  mb_u32(&b, sim_core_radio_on(m->core) ? 1 : 0);
  return mb_finish(&b);
}

static GByteArray *
enc_pin_info(SimMbim *m)
{
  Mb b;

  mb_init(&b, 12);
  switch (sim_core_card_state(m->core)) {
    case SIM_CARD_PIN_REQUIRED:
      mb_u32(&b, 2); /* PIN1 */
      mb_u32(&b, 1); /* locked */
      mb_u32(&b, sim_core_pin_retries(m->core));
      break;
    case SIM_CARD_PUK_REQUIRED:
      mb_u32(&b, 11); /* PUK1 */
      mb_u32(&b, 1);
      mb_u32(&b, sim_core_puk_retries(m->core));
      break;
    default:
      mb_u32(&b, 0); /* none */
      mb_u32(&b, 0); /* unlocked */
      mb_u32(&b, 0);
      break;
  }
  return mb_finish(&b);
}

static GByteArray *
enc_provider(SimMbim *m, const SimOperator *op, guint32 state)
{
  const SimConfig *cfg = sim_core_config(m->core);
  Mb b;

  mb_init(&b, 32);
  mb_str(&b, op->mccmnc);
  mb_u32(&b, state);
  mb_str(&b, op->name);
  mb_u32(&b, CELLULAR_CLASS_GSM);
  mb_u32(&b, coded_rssi(cfg->rssi));
  mb_u32(&b, 99);
  return mb_finish(&b);
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
  Mb b;

  mb_init(&b, 48);
  mb_u32(&b, 0); /* nw error */
  mb_u32(&b, reg_state_code(m));
  mb_u32(&b, sim_core_manual_selection(m->core) ? 2 : 1);
  mb_u32(&b, op ? DATA_CLASS_LTE : 0);
  mb_u32(&b, CELLULAR_CLASS_GSM);
  mb_str(&b, op ? op->mccmnc : "");
  mb_str(&b, op ? op->name : "");
  mb_str(&b, "");
  mb_u32(&b, 2); /* packet service automatic attach */
  return mb_finish(&b);
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
  Mb b;

  mb_init(&b, 28);
  mb_u32(&b, 0);
  mb_u32(&b, att ? 2 : 4); /* attached / detached */
  mb_u32(&b, att ? DATA_CLASS_LTE : 0);
  mb_u64(&b, att ? 50000000 : 0);
  mb_u64(&b, att ? 150000000 : 0);
  return mb_finish(&b);
}

static GByteArray *
enc_signal_state(SimMbim *m)
{
  const SimConfig *cfg = sim_core_config(m->core);
  gboolean reg = sim_core_reg_state(m->core) == SIM_REG_REGISTERED;
  Mb b;

  mb_init(&b, 20);
  mb_u32(&b, reg ? coded_rssi(cfg->rssi) : 99);
  mb_u32(&b, 99);
  mb_u32(&b, 0);
  mb_u32(&b, 0);
  mb_u32(&b, 0);
  return mb_finish(&b);
}

static guint32
ip_type_code(SimIpFamily f)
{
  return f == SIM_FAMILY_IPV6 ? 2 : f == SIM_FAMILY_IPV4V6 ? 3 : 1;
}

static GByteArray *
enc_connect(SimMbim *m, guint32 session_id, const SimSession *s, guint32 nw_error)
{
  Mb b;

  mb_init(&b, 36);
  mb_u32(&b, session_id);
  mb_u32(&b, s ? 1 : 3); /* activated / deactivated */
  mb_u32(&b, 0);
  mb_u32(&b, s ? ip_type_code(s->family) : 0);
  mb_bytes(&b, uuid_context_internet, 16);
  mb_u32(&b, nw_error);
  return mb_finish(&b);
}

/* ------------------------------------------------------------------------- */
/* commands */

typedef guint32 (*Handler)(SimMbim *m, const MbimReq *r, GByteArray **out);

static guint32
h_device_caps(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  const SimConfig *cfg = sim_core_config(m->core);
  Mb b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  mb_init(&b, 64);
  mb_u32(&b, 2);                  /* device type: remote (USB) */
  mb_u32(&b, CELLULAR_CLASS_GSM); /* cellular class */
  mb_u32(&b, 1);                  /* voice: no voice */
  mb_u32(&b, 2);                  /* SIM class: removable */
  mb_u32(&b, 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | DATA_CLASS_LTE);
  mb_u32(&b, 0x3); /* SMS: PDU receive + send */
  mb_u32(&b, 0x1); /* control caps: manual registration */
  mb_u32(&b, 8);   /* max sessions */
  mb_str(&b, "");
  mb_str(&b, cfg->imei);
  mb_str(&b, cfg->revision);
  mb_str(&b, cfg->model);
  *out = mb_finish(&b);
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

    if (!rd_u32(r, 0, &on))
      return ST_INVALID_PARAMETERS;
    sim_core_set_radio(m->core, on != 0);
  }
  *out = enc_radio_state(m);
  return ST_NONE;
}

static guint32
h_pin(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint32 type, op;
  g_autofree char *pin = NULL;
  g_autofree char *new_pin = NULL;
  SimPinResult res;

  if (r->type == 0) {
    if (sim_core_card_state(m->core) == SIM_CARD_ABSENT)
      return ST_SIM_NOT_INSERTED;
    *out = enc_pin_info(m);
    return ST_NONE;
  }
  if (!rd_u32(r, 0, &type) || !rd_u32(r, 4, &op))
    return ST_INVALID_PARAMETERS;
  pin = rd_str(r, 8);
  new_pin = rd_str(r, 16);
  if (!pin || !new_pin)
    return ST_INVALID_PARAMETERS;
  if (type == 11) { /* PUK1: enter PUK with a new PIN */
    res = sim_core_unblock_pin(m->core, pin, new_pin);
  } else if (type == 2) {
    switch (op) {
      case 0:
        res = sim_core_verify_pin(m->core, pin);
        break;
      case 1:
      case 2:
        res = sim_core_set_pin_enabled(m->core, op == 1, pin);
        break;
      case 3:
        res = sim_core_change_pin(m->core, pin, new_pin);
        break;
      default:
        return ST_INVALID_PARAMETERS;
    }
  } else {
    return ST_NO_DEVICE_SUPPORT;
  }
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
    default: {
      /* wrong code: report what is asked for next and the attempts left */
      Mb b;

      mb_init(&b, 12);
      if (sim_core_card_state(m->core) == SIM_CARD_PUK_REQUIRED && type == 11) {
        mb_u32(&b, 11);
        mb_u32(&b, 1);
        mb_u32(&b, sim_core_puk_retries(m->core));
      } else if (sim_core_card_state(m->core) == SIM_CARD_PUK_REQUIRED) {
        mb_u32(&b, 11);
        mb_u32(&b, 1);
        mb_u32(&b, sim_core_puk_retries(m->core));
      } else {
        mb_u32(&b, 2);
        mb_u32(&b, sim_core_card_state(m->core) == SIM_CARD_PIN_REQUIRED ? 1 : 0);
        mb_u32(&b, sim_core_pin_retries(m->core));
      }
      *out = mb_finish(&b);
      return ST_FAILURE;
    }
  }
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
  Mb b;

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
  mb_init(&b, 4 + 8 * elems->len);
  mb_u32(&b, elems->len);
  for (guint i = 0; i < elems->len; i++) {
    GByteArray *e = g_ptr_array_index(elems, i);

    mb_ref(&b, e->data, e->len);
  }
  g_ptr_array_unref(elems);
  *out = mb_finish(&b);
  return ST_NONE;
}

static guint32
h_register_state(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type == 1) {
    g_autofree char *id = rd_str(r, 0);
    guint32 action;

    if (!id || !rd_u32(r, 8, &action))
      return ST_INVALID_PARAMETERS;
    if (!sim_core_sim_readable(m->core))
      return ST_PIN_REQUIRED;
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

    if (!rd_u32(r, 0, &action))
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
h_signal_state(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  *out = enc_signal_state(m);
  return ST_NONE;
}

static guint32
h_connect(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint32 session_id;
  SimSession *s;

  if (!rd_u32(r, 0, &session_id))
    return ST_INVALID_PARAMETERS;
  s = sim_core_session_by_owner(m->core, session_id);
  if (r->type == 1) {
    guint32 command, ip_type;
    g_autofree char *apn = rd_str(r, 8);
    g_autofree char *user = rd_str(r, 16);
    SimIpFamily family;
    const char *why = NULL;

    if (!rd_u32(r, 4, &command) || !rd_u32(r, 40, &ip_type) || !apn || !user)
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
    s = sim_core_session_start(m->core, session_id, apn, user, family, &why);
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
  guint8 elem4[8], elem6[20];
  Mb b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!rd_u32(r, 0, &session_id))
    session_id = 0;
  s = sim_core_session_by_owner(m->core, session_id);
  if (!s)
    return ST_CONTEXT_NOT_ACTIVATED;
  v4 = s->family != SIM_FAMILY_IPV6;
  v6 = s->family != SIM_FAMILY_IPV4;

  elem4[0] = cfg->ip4_prefix;
  elem4[1] = elem4[2] = elem4[3] = 0;
  memcpy(elem4 + 4, cfg->ip4, 4);
  elem6[0] = cfg->ip6_prefix;
  elem6[1] = elem6[2] = elem6[3] = 0;
  memcpy(elem6 + 4, cfg->ip6, 16);

  mb_init(&b, 60);
  mb_u32(&b, session_id);
  mb_u32(&b, v4 ? 0xF : 0); /* address | gateway | dns | mtu */
  mb_u32(&b, v6 ? 0xF : 0);
  mb_u32(&b, v4 ? 1 : 0);
  mb_off(&b, elem4, v4 ? 8 : 0);
  mb_u32(&b, v6 ? 1 : 0);
  mb_off(&b, elem6, v6 ? 20 : 0);
  mb_off(&b, cfg->gw4, v4 ? 4 : 0);
  mb_off(&b, cfg->gw6, v6 ? 16 : 0);
  mb_u32(&b, v4 ? cfg->dns4->len : 0);
  mb_off(&b, cfg->dns4->data, v4 ? cfg->dns4->len * 4 : 0);
  mb_u32(&b, v6 ? cfg->dns6->len : 0);
  mb_off(&b, cfg->dns6->data, v6 ? cfg->dns6->len * 16 : 0);
  mb_u32(&b, v4 ? cfg->mtu : 0);
  mb_u32(&b, v6 ? cfg->mtu : 0);
  *out = mb_finish(&b);
  return ST_NONE;
}

static guint32
h_provisioned_contexts(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  Mb b;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  mb_init(&b, 4);
  mb_u32(&b, 0);
  *out = mb_finish(&b);
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

static guint32
h_device_services(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  Mb e, b;
  g_autoptr(GByteArray) elem = NULL;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  mb_init(&e, 28 + 4 * G_N_ELEMENTS(supported_cids));
  mb_bytes(&e, uuid_basic_connect, 16);
  mb_u32(&e, 0); /* no DSS payload */
  mb_u32(&e, 0);
  mb_u32(&e, G_N_ELEMENTS(supported_cids));
  for (gsize i = 0; i < G_N_ELEMENTS(supported_cids); i++)
    mb_u32(&e, supported_cids[i]);
  elem = mb_finish(&e);

  mb_init(&b, 16);
  mb_u32(&b, 1);
  mb_u32(&b, 0);
  mb_ref(&b, elem->data, elem->len);
  *out = mb_finish(&b);
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

/* ------------------------------------------------------------------------- */
/* dispatch */

typedef struct {
  guint32 cid;
  const char *name;
  Handler handler;
} MbimCmd;

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
  { CID_SIGNAL_STATE, "SignalState", h_signal_state },
  { CID_CONNECT, "Connect", h_connect },
  { CID_PROVISIONED_CONTEXTS, "ProvisionedContexts", h_provisioned_contexts },
  { CID_IP_CONFIGURATION, "IpConfiguration", h_ip_configuration },
  { CID_DEVICE_SERVICES, "DeviceServices", h_device_services },
  { CID_DEVICE_SERVICE_SUBSCRIBE_LIST, "DeviceServiceSubscribeList", h_subscribe_list },
};

static void
describe(const MbimReq *r, GString *s)
{
  guint32 a, b;

  if (r->type != 1 && r->cid != CID_CONNECT && r->cid != CID_IP_CONFIGURATION)
    return;
  switch (r->cid) {
    case CID_RADIO_STATE:
      if (rd_u32(r, 0, &a))
        g_string_append_printf(s, " radio=%s", a ? "on" : "off");
      break;
    case CID_PIN:
      if (rd_u32(r, 0, &a) && rd_u32(r, 4, &b)) {
        g_autofree char *pin = rd_str(r, 8);
        g_autofree char *new_pin = rd_str(r, 16);

        g_string_append_printf(s, " pin-type=%u operation=%u pin=%s", a, b, pin ? pin : "?");
        if (new_pin && *new_pin)
          g_string_append_printf(s, " new-pin=%s", new_pin);
      }
      break;
    case CID_REGISTER_STATE: {
      g_autofree char *id = rd_str(r, 0);

      if (rd_u32(r, 8, &a))
        g_string_append_printf(s, " action=%s provider=%s", a ? "manual" : "automatic",
                               id ? id : "?");
      break;
    }
    case CID_PACKET_SERVICE:
      if (rd_u32(r, 0, &a))
        g_string_append_printf(s, " action=%s", a ? "detach" : "attach");
      break;
    case CID_CONNECT:
      if (rd_u32(r, 0, &a))
        g_string_append_printf(s, " session=%u", a);
      if (r->type == 1 && rd_u32(r, 4, &b)) {
        g_autofree char *apn = rd_str(r, 8);
        g_autofree char *user = rd_str(r, 16);
        g_autofree char *password = rd_str(r, 24);
        guint32 auth = 0, ip = 0;

        rd_u32(r, 36, &auth);
        rd_u32(r, 40, &ip);
        g_string_append_printf(s, " %s apn=%s user=%s password=%s auth=%u ip-type=%u",
                               b ? "activate" : "deactivate", apn ? apn : "?", user ? user : "?",
                               password ? password : "?", auth, ip);
      }
      break;
    case CID_IP_CONFIGURATION:
      if (rd_u32(r, 0, &a))
        g_string_append_printf(s, " session=%u", a);
      break;
    default:
      break;
  }
}

static void
handle_command(SimMbim *m, guint32 tid, const guint8 *p, gsize n)
{
  MbimReq r = { 0 };
  const MbimCmd *cmd = NULL;
  gboolean basic;
  guint32 total, current, status;
  g_autoptr(GString) line = g_string_new(NULL);
  g_autoptr(GByteArray) info = NULL;
  gsize buflen;

  /* p: after the 12-byte header */
  if (n < 36) {
    send_status(m, MSG_FUNCTION_ERROR, tid, PROTO_ERR_LENGTH_MISMATCH);
    return;
  }
  total = p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32)p[3] << 24);
  current = p[4] | (p[5] << 8) | (p[6] << 16) | ((guint32)p[7] << 24);
  basic = memcmp(p + 8, uuid_basic_connect, 16) == 0;
  r.tid = tid;
  r.cid = p[24] | (p[25] << 8) | (p[26] << 16) | ((guint32)p[27] << 24);
  r.type = p[28] | (p[29] << 8) | (p[30] << 16) | ((guint32)p[31] << 24);
  buflen = p[32] | (p[33] << 8) | (p[34] << 16) | ((gsize)p[35] << 24);
  r.buf = p + 36;
  r.len = MIN(buflen, n - 36);

  if (basic)
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
      if (commands[i].cid == r.cid)
        cmd = &commands[i];

  if (basic && cmd)
    g_string_append_printf(line, "rx mbim BasicConnect %s", cmd->name);
  else if (basic)
    g_string_append_printf(line, "rx mbim BasicConnect cid=%u", r.cid);
  else {
    g_autofree char *hex = g_malloc(33);

    for (int i = 0; i < 16; i++)
      g_snprintf(hex + 2 * i, 3, "%02x", p[8 + i]);
    g_string_append_printf(line, "rx mbim service=%s cid=%u", hex, r.cid);
  }
  g_string_append_printf(line, " %s tid=%u", r.type ? "set" : "query", tid);
  if (basic && cmd)
    describe(&r, line);
  if (!(basic && cmd && cmd->handler))
    g_string_append(line, " (unsupported)");
  sim_core_log(m->core, "%s", line->str);

  if (!sim_core_request_begin(m->core))
    return;
  if (!m->opened) {
    send_status(m, MSG_FUNCTION_ERROR, tid, PROTO_ERR_NOT_OPENED);
    return;
  }
  if (total != 1 || current != 0 || buflen > n - 36) {
    send_status(m, MSG_FUNCTION_ERROR, tid, PROTO_ERR_FRAGMENT_OUT_OF_SEQUENCE);
    return;
  }
  if (!(basic && cmd && cmd->handler)) {
    send_command_done(m, &r, p + 8, ST_NO_DEVICE_SUPPORT, NULL);
    return;
  }
  status = cmd->handler(m, &r, &info);
  if (status)
    sim_core_log(m->core, "mbim: %s -> status %u", cmd->name, status);
  send_command_done(m, &r, uuid_basic_connect, status, info);
}

static gsize
parse_message(SimMbim *m, const guint8 *p, gsize n)
{
  guint32 type, len, tid;

  if (n < 12)
    return 0;
  type = p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32)p[3] << 24);
  len = p[4] | (p[5] << 8) | (p[6] << 16) | ((guint32)p[7] << 24);
  tid = p[8] | (p[9] << 8) | (p[10] << 16) | ((guint32)p[11] << 24);
  if (len < 12 || len > 65536) {
    sim_core_log(m->core, "mbim: bad message length %u, dropping input", len);
    return n;
  }
  if (n < len)
    return 0;
  switch (type) {
    case MSG_OPEN:
      sim_core_log(m->core, "rx mbim Open tid=%u", tid);
      if (!sim_core_request_begin(m->core))
        break;
      m->opened = TRUE;
      m->ps_detached = FALSE;
      send_status(m, MSG_OPEN_DONE, tid, ST_NONE);
      break;
    case MSG_CLOSE:
      sim_core_log(m->core, "rx mbim Close tid=%u", tid);
      if (!sim_core_request_begin(m->core))
        break;
      send_status(m, MSG_CLOSE_DONE, tid, ST_NONE);
      m->opened = FALSE;
      break;
    case MSG_COMMAND:
      handle_command(m, tid, p + 12, len - 12);
      break;
    case MSG_HOST_ERROR:
      sim_core_log(m->core, "rx mbim HostError tid=%u", tid);
      break;
    default:
      sim_core_log(m->core, "rx mbim type=0x%08x tid=%u (unsupported)", type, tid);
      if (sim_core_request_begin(m->core))
        send_status(m, MSG_FUNCTION_ERROR, tid, PROTO_ERR_UNKNOWN);
      break;
  }
  return len;
}

static void
mbim_feed(gpointer self, const guint8 *data, gsize len)
{
  SimMbim *m = self;

  g_byte_array_append(m->in, data, len);
  while (m->in->len > 0) {
    gsize used = parse_message(m, m->in->data, m->in->len);

    if (!used)
      break;
    g_byte_array_remove_range(m->in, 0, used);
  }
}

static void
mbim_link_reset(gpointer self)
{
  SimMbim *m = self;

  g_byte_array_set_size(m->in, 0);
}

static void
mbim_notify(gpointer self, SimNotify what, gpointer data)
{
  SimMbim *m = self;
  g_autoptr(GByteArray) a = NULL;
  g_autoptr(GByteArray) b = NULL;

  switch (what) {
    case SIM_NOTIFY_REGISTRATION:
      if (sim_core_reg_state(m->core) != SIM_REG_REGISTERED)
        m->ps_detached = FALSE;
      a = enc_register_state(m);
      send_indication(m, CID_REGISTER_STATE, a);
      b = enc_packet_service(m);
      send_indication(m, CID_PACKET_SERVICE, b);
      break;
    case SIM_NOTIFY_CARD:
      a = enc_subscriber_ready(m);
      send_indication(m, CID_SUBSCRIBER_READY_STATUS, a);
      break;
    case SIM_NOTIFY_RADIO:
      a = enc_radio_state(m);
      send_indication(m, CID_RADIO_STATE, a);
      break;
    case SIM_NOTIFY_SESSION_DROPPED: {
      SimSession *s = data;

      a = enc_connect(m, s->owner, NULL, 36 /* regular deactivation */);
      send_indication(m, CID_CONNECT, a);
      break;
    }
  }
}

static gpointer
mbim_create(SimCore *core)
{
  SimMbim *m = g_new0(SimMbim, 1);

  m->core = core;
  m->in = g_byte_array_new();
  return m;
}

static void
mbim_free(gpointer self)
{
  SimMbim *m = self;

  g_byte_array_unref(m->in);
  g_free(m);
}

const SimProtocol sim_protocol_mbim = {
  .name = "mbim",
  .create = mbim_create,
  .free = mbim_free,
  .feed = mbim_feed,
  .link_reset = mbim_link_reset,
  .notify = mbim_notify,
};
