/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI over QMUX framing.
 *
 * Frame: 0x01 | len u16 (everything after the 0x01) | flags u8 (0x00 host, 0x80 modem) |
 *        service u8 | client id u8 | SDU
 * CTL SDU:     flags u8 (0 req, 1 resp, 2 ind) | tid u8  | msg u16 | tlv-len u16 | TLVs
 * service SDU: flags u8 (0 req, 2 resp, 4 ind) | tid u16 | msg u16 | tlv-len u16 | TLVs
 * TLV: type u8 | len u16 | value.  All integers little endian.
 *
 * The TLV encoder/decoder here is deliberately minimal and independent of the
 * daemon's codec so that the two can check each other.
 */
#include "sim-core.h"

#include <string.h>

enum {
  SVC_CTL = 0x00,
  SVC_WDS = 0x01,
  SVC_DMS = 0x02,
  SVC_NAS = 0x03,
  SVC_UIM = 0x0B,
  SVC_WDA = 0x1A,
};

enum {
  ERR_NONE = 0,
  ERR_MALFORMED_MESSAGE = 1,
  ERR_INTERNAL = 3,
  ERR_CLIENT_IDS_EXHAUSTED = 5,
  ERR_INVALID_CLIENT_ID = 7,
  ERR_INVALID_HANDLE = 9,
  ERR_INVALID_PIN_ID = 11,
  ERR_INCORRECT_PIN = 12,
  ERR_NO_NETWORK_FOUND = 13,
  ERR_CALL_FAILED = 14,
  ERR_OUT_OF_CALL = 15,
  ERR_MISSING_ARGUMENT = 17,
  ERR_NO_EFFECT = 26,
  ERR_INVALID_SERVICE_TYPE = 31,
  ERR_PIN_BLOCKED = 35,
  ERR_PIN_ALWAYS_BLOCKED = 36,
  ERR_UIM_UNINITIALIZED = 37,
  ERR_INVALID_ARGUMENT = 48,
  ERR_DEVICE_NOT_READY = 52,
  ERR_INVALID_QMI_COMMAND = 71,
  ERR_INFORMATION_UNAVAILABLE = 74,
  ERR_SIM_FILE_NOT_FOUND = 80,
  ERR_ACCESS_DENIED = 82,
  ERR_NOT_SUPPORTED = 94,
  ERR_NO_SIM = 102,
};

/* NAS radio interface / data capability codes */
#define RADIO_LTE 8
#define DATA_CAP_LTE 11

typedef struct {
  guint8 service;
  guint8 cid;
  /* NAS */
  gboolean ind_serving_system;
  gboolean ind_system_info;
  gboolean ind_signal_info;
  /* UIM */
  guint32 uim_events;
  /* WDS */
  guint8 ip_family;
} QmiClient;

typedef struct {
  SimCore *core;
  GByteArray *in;
  GHashTable *clients; /* service<<8|cid -> QmiClient */
  guint16 ind_tid;
  guint8 operating_mode;
  guint16 mode_pref;
  guint16 link_protocol;
  /* WDA data format */
  guint32 wda_link_layer; /* 1 802.3, 2 raw IP */
  guint32 wda_ul_aggregation;
  guint32 wda_dl_aggregation;
} SimQmi;

typedef struct {
  guint8 service;
  guint8 cid;
  guint16 tid;
  guint16 msg;
  const guint8 *tlv;
  gsize tlv_len;
  QmiClient *client;
} QmiReq;

#define KEY(svc, cid) GUINT_TO_POINTER(((guint)(svc) << 8) | (cid))

/* ------------------------------------------------------------------------- */
/* encoder */

static void
put_u8(GByteArray *b, guint8 v)
{
  g_byte_array_append(b, &v, 1);
}

static void
put_u16(GByteArray *b, guint16 v)
{
  guint8 x[2] = { v & 0xff, v >> 8 };

  g_byte_array_append(b, x, 2);
}

static void
put_u32(GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append(b, x, 4);
}

static void
put_bytes(GByteArray *b, const void *p, gsize n)
{
  g_byte_array_append(b, p, n);
}

/* string with a one-byte length prefix (inside structures) */
static void
put_str8(GByteArray *b, const char *s)
{
  gsize n = MIN(strlen(s), 255);

  put_u8(b, n);
  put_bytes(b, s, n);
}

static gsize
tlv_open(GByteArray *b, guint8 type)
{
  gsize pos = b->len;

  put_u8(b, type);
  put_u16(b, 0);
  return pos;
}

static void
tlv_close(GByteArray *b, gsize pos)
{
  gsize n = b->len - pos - 3;

  b->data[pos + 1] = n & 0xff;
  b->data[pos + 2] = n >> 8;
}

static void
tlv_u8(GByteArray *b, guint8 type, guint8 v)
{
  gsize t = tlv_open(b, type);

  put_u8(b, v);
  tlv_close(b, t);
}

static void
tlv_u16(GByteArray *b, guint8 type, guint16 v)
{
  gsize t = tlv_open(b, type);

  put_u16(b, v);
  tlv_close(b, t);
}

static void
tlv_u32(GByteArray *b, guint8 type, guint32 v)
{
  gsize t = tlv_open(b, type);

  put_u32(b, v);
  tlv_close(b, t);
}

/* a whole-TLV string has no length prefix */
static void
tlv_str(GByteArray *b, guint8 type, const char *s)
{
  gsize t = tlv_open(b, type);

  put_bytes(b, s, strlen(s));
  tlv_close(b, t);
}

static void
tlv_raw(GByteArray *b, guint8 type, const void *p, gsize n)
{
  gsize t = tlv_open(b, type);

  put_bytes(b, p, n);
  tlv_close(b, t);
}

/* ------------------------------------------------------------------------- */
/* decoder */

static const guint8 *
tlv_find(const QmiReq *r, guint8 type, gsize *len)
{
  gsize off = 0;

  while (off + 3 <= r->tlv_len) {
    guint8 t = r->tlv[off];
    gsize n = r->tlv[off + 1] | (r->tlv[off + 2] << 8);

    if (off + 3 + n > r->tlv_len)
      return NULL;
    if (t == type) {
      *len = n;
      return r->tlv + off + 3;
    }
    off += 3 + n;
  }
  return NULL;
}

typedef struct {
  const guint8 *p;
  gsize n;
  gboolean ok;
} Cur;

static gboolean
cur_init(Cur *c, const QmiReq *r, guint8 type)
{
  c->p = tlv_find(r, type, &c->n);
  c->ok = c->p != NULL;
  return c->ok;
}

static guint8
cur_u8(Cur *c)
{
  guint8 v;

  if (!c->ok || c->n < 1) {
    c->ok = FALSE;
    return 0;
  }
  v = c->p[0];
  c->p++;
  c->n--;
  return v;
}

static guint16
cur_u16(Cur *c)
{
  guint16 lo = cur_u8(c);

  return lo | (cur_u8(c) << 8);
}

static guint32
cur_u32(Cur *c)
{
  guint32 lo = cur_u16(c);

  return lo | ((guint32)cur_u16(c) << 16);
}

/* one-byte length prefixed string; NULL if truncated */
static char *
cur_str8(Cur *c)
{
  guint8 n = cur_u8(c);
  char *s;

  if (!c->ok || c->n < n) {
    c->ok = FALSE;
    return NULL;
  }
  s = g_strndup((const char *)c->p, n);
  c->p += n;
  c->n -= n;
  return s;
}

/* get_u8/u16/u32: a TLV holding a single integer */
#define DEFINE_GET_INT(bits)                                                                       \
  static gboolean get_u##bits(const QmiReq *r, guint8 type, guint##bits *v)                        \
  {                                                                                                \
    Cur c;                                                                                         \
                                                                                                   \
    if (!cur_init(&c, r, type))                                                                    \
      return FALSE;                                                                                \
    *v = cur_u##bits(&c);                                                                          \
    return c.ok;                                                                                   \
  }

DEFINE_GET_INT(8)
DEFINE_GET_INT(16)
DEFINE_GET_INT(32)

/* whole-TLV string */
static char *
get_str(const QmiReq *r, guint8 type)
{
  gsize n;
  const guint8 *p = tlv_find(r, type, &n);

  return p ? g_strndup((const char *)p, n) : NULL;
}

/* ------------------------------------------------------------------------- */
/* framing */

static void
qmi_send(SimQmi *q, guint8 service, guint8 cid, guint8 sdu_flags, guint16 tid, guint16 msg,
         GByteArray *tlvs)
{
  g_autoptr(GByteArray) f = g_byte_array_new();
  gsize tlen = tlvs ? tlvs->len : 0;
  gsize hdr = service == SVC_CTL ? 6 : 7;

  put_u8(f, 0x01);
  put_u16(f, 5 + hdr + tlen);
  put_u8(f, 0x80);
  put_u8(f, service);
  put_u8(f, cid);
  put_u8(f, sdu_flags);
  if (service == SVC_CTL)
    put_u8(f, tid);
  else
    put_u16(f, tid);
  put_u16(f, msg);
  put_u16(f, tlen);
  if (tlen)
    put_bytes(f, tlvs->data, tlen);
  sim_core_send(q->core, f->data, f->len);
}

static void
qmi_reply(SimQmi *q, const QmiReq *r, guint16 error, GByteArray *tlvs)
{
  g_autoptr(GByteArray) all = g_byte_array_new();
  gsize t = tlv_open(all, 0x02);

  put_u16(all, error ? 1 : 0);
  put_u16(all, error);
  tlv_close(all, t);
  if (tlvs)
    put_bytes(all, tlvs->data, tlvs->len);
  qmi_send(q, r->service, r->service == SVC_CTL ? 0 : r->cid, r->service == SVC_CTL ? 0x01 : 0x02,
           r->tid, r->msg, all);
}

static void
qmi_indicate(SimQmi *q, const QmiClient *c, guint16 msg, GByteArray *tlvs)
{
  qmi_send(q, c->service, c->cid, 0x04, ++q->ind_tid, msg, tlvs);
}

/* ------------------------------------------------------------------------- */
/* shared encoders */

static const char *
svc_name(guint8 s)
{
  switch (s) {
    case SVC_CTL:
      return "CTL";
    case SVC_WDS:
      return "WDS";
    case SVC_DMS:
      return "DMS";
    case SVC_NAS:
      return "NAS";
    case SVC_UIM:
      return "UIM";
    case SVC_WDA:
      return "WDA";
  }
  return NULL;
}

static guint8
nas_reg_state(SimRegState s)
{
  switch (s) {
    case SIM_REG_IDLE:
      return 0;
    case SIM_REG_REGISTERED:
      return 1;
    case SIM_REG_SEARCHING:
      return 2;
    case SIM_REG_DENIED:
      return 3;
  }
  return 4;
}

/* Serving System (response and indication differ in some TLV ids) */
static void
encode_serving_system(SimQmi *q, GByteArray *b, gboolean indication)
{
  SimCore *core = q->core;
  SimRegState reg = sim_core_reg_state(core);
  const SimOperator *op = sim_core_serving_operator(core);
  gsize t;

  t = tlv_open(b, 0x01);
  put_u8(b, nas_reg_state(reg));
  put_u8(b, op ? 1 : 2); /* CS attach: attached / detached */
  put_u8(b, op ? 1 : 2); /* PS attach */
  put_u8(b, op ? 2 : 0); /* selected network: 3GPP / unknown */
  if (op) {
    put_u8(b, 1);
    put_u8(b, RADIO_LTE);
  } else {
    put_u8(b, 0);
  }
  tlv_close(b, t);
  if (!op)
    return;

  tlv_u8(b, 0x10, sim_core_is_roaming(core) ? 0 : 1); /* roaming indicator: 0 on, 1 off */
  t = tlv_open(b, 0x11);
  put_u8(b, 1);
  put_u8(b, DATA_CAP_LTE);
  tlv_close(b, t);
  {
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    t = tlv_open(b, 0x12);
    put_u16(b, mcc);
    put_u16(b, mnc);
    put_str8(b, op->name);
    tlv_close(b, t);

    tlv_u32(b, indication ? 0x1E : 0x1D, 0x01a2b3c4); /* cell id */
    tlv_u16(b, indication ? 0x25 : 0x24, 0x1234);     /* LTE TAC */
    t = tlv_open(b, indication ? 0x29 : 0x27);        /* MNC PCS digit */
    put_u16(b, mcc);
    put_u16(b, mnc);
    put_u8(b, three);
    tlv_close(b, t);
  }
}

/* Get System Info response / System Info indication (same TLV ids) */
static void
encode_system_info(SimQmi *q, GByteArray *b)
{
  SimCore *core = q->core;
  SimRegState reg = sim_core_reg_state(core);
  const SimOperator *op = sim_core_serving_operator(core);
  gsize t;
  guint8 status = op ? 2 : (reg == SIM_REG_SEARCHING ? 0 : 0); /* available / none */

  t = tlv_open(b, 0x14); /* LTE service status */
  put_u8(b, status);
  put_u8(b, status);
  put_u8(b, op ? 1 : 0);
  tlv_close(b, t);
  if (!op)
    return;

  t = tlv_open(b, 0x19); /* LTE system info v2 */
  put_u8(b, 1);
  put_u8(b, 3); /* domain CS+PS */
  put_u8(b, 1);
  put_u8(b, 3); /* service capability CS+PS */
  put_u8(b, 1);
  put_u8(b, sim_core_is_roaming(core) ? 1 : 0);
  put_u8(b, 1);
  put_u8(b, 0); /* not forbidden */
  put_u8(b, 0);
  put_u16(b, 0); /* LAC invalid */
  put_u8(b, 1);
  put_u32(b, 0x01a2b3c4); /* cell id */
  put_u8(b, 0);
  put_u8(b, 0);
  put_u8(b, 0); /* no reject info */
  put_u8(b, 1);
  {
    char mcc[3], mnc[3];
    gsize l = strlen(op->mccmnc);

    memcpy(mcc, op->mccmnc, 3);
    memset(mnc, 0xff, 3);
    memcpy(mnc, op->mccmnc + 3, MIN(l - 3, 3));
    put_bytes(b, mcc, 3);
    put_bytes(b, mnc, 3);
  }
  put_u8(b, 1);
  put_u16(b, 0x1234); /* TAC */
  tlv_close(b, t);
}

static void
encode_retries(SimQmi *q, GByteArray *b, guint8 type)
{
  gsize t = tlv_open(b, type);

  put_u8(b, sim_core_pin_retries(q->core));
  put_u8(b, sim_core_puk_retries(q->core));
  tlv_close(b, t);
}

static const guint8 usim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0x89, 0x06, 0x19, 0x00, 0x00 };

static void
encode_card_status(SimQmi *q, GByteArray *b)
{
  SimCore *core = q->core;
  SimCardState card = sim_core_card_state(core);
  gsize t = tlv_open(b, 0x10);
  guint8 app_state, pin1_state;

  put_u16(b, card == SIM_CARD_ABSENT ? 0xFFFF : 0x0000); /* GW primary: card 0 app 0 */
  put_u16(b, 0xFFFF);
  put_u16(b, 0xFFFF);
  put_u16(b, 0xFFFF);
  put_u8(b, 1); /* one slot */
  if (card == SIM_CARD_ABSENT) {
    put_u8(b, 0); /* absent */
    put_u8(b, 0);
    put_u8(b, 0);
    put_u8(b, 0);
    put_u8(b, 3); /* error: no ATR received */
    put_u8(b, 0); /* no applications */
    tlv_close(b, t);
    return;
  }
  switch (card) {
    case SIM_CARD_PIN_REQUIRED:
      app_state = 2;
      pin1_state = 1;
      break;
    case SIM_CARD_PUK_REQUIRED:
      app_state = 3;
      pin1_state = 4;
      break;
    case SIM_CARD_BLOCKED:
      app_state = 5;
      pin1_state = 5;
      break;
    default:
      app_state = 7;
      pin1_state = sim_core_pin_enabled(core) ? 2 : 3;
      break;
  }
  put_u8(b, 1); /* present */
  put_u8(b, 0); /* UPIN not initialized */
  put_u8(b, 0);
  put_u8(b, 0);
  put_u8(b, 0); /* error code */
  put_u8(b, 1); /* one application */
  put_u8(b, 2); /* USIM */
  put_u8(b, app_state);
  put_u8(b, 2); /* personalization: ready */
  put_u8(b, 0);
  put_u8(b, 0);
  put_u8(b, 0);
  put_u8(b, sizeof usim_aid);
  put_bytes(b, usim_aid, sizeof usim_aid);
  put_u8(b, 0); /* UPIN does not replace PIN1 */
  put_u8(b, pin1_state);
  put_u8(b, sim_core_pin_retries(core));
  put_u8(b, sim_core_puk_retries(core));
  put_u8(b, 2); /* PIN2 enabled, verified */
  put_u8(b, 3);
  put_u8(b, 10);
  tlv_close(b, t);
}

static guint16
pin_error(SimPinResult r)
{
  switch (r) {
    case SIM_PIN_OK:
      return ERR_NONE;
    case SIM_PIN_INCORRECT:
      return ERR_INCORRECT_PIN;
    case SIM_PIN_BLOCKED:
      return ERR_PIN_BLOCKED;
    case SIM_PIN_NO_SIM:
      return ERR_NO_SIM;
    case SIM_PIN_BAD_ARGS:
      return ERR_INVALID_ARGUMENT;
  }
  return ERR_INTERNAL;
}

/* ------------------------------------------------------------------------- */
/* message table */

typedef guint16 (*Handler)(SimQmi *q, const QmiReq *r, GByteArray *out);
typedef void (*Describe)(const QmiReq *r, GString *s);

typedef struct {
  guint8 service;
  guint16 msg;
  const char *name;
  Handler handler;
  Describe describe;
} QmiMsgDef;

/* ---- CTL ---- */

static const struct {
  guint8 svc;
  guint16 major, minor;
} supported_services[] = {
  { SVC_CTL, 1, 5 },  { SVC_WDS, 1, 67 }, { SVC_DMS, 1, 14 },
  { SVC_NAS, 1, 25 }, { SVC_UIM, 1, 46 }, { SVC_WDA, 1, 16 },
};

static gboolean
service_supported(guint8 svc)
{
  for (gsize i = 0; i < G_N_ELEMENTS(supported_services); i++)
    if (supported_services[i].svc == svc && svc != SVC_CTL)
      return TRUE;
  return FALSE;
}

static guint16
ctl_get_version_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gsize t = tlv_open(out, 0x01);

  put_u8(out, G_N_ELEMENTS(supported_services));
  for (gsize i = 0; i < G_N_ELEMENTS(supported_services); i++) {
    put_u8(out, supported_services[i].svc);
    put_u16(out, supported_services[i].major);
    put_u16(out, supported_services[i].minor);
  }
  tlv_close(out, t);
  return ERR_NONE;
}

static void
client_release(SimQmi *q, QmiClient *c)
{
  if (c->service == SVC_WDS)
    sim_core_session_stop_owner(q->core, (c->service << 8) | c->cid);
  g_hash_table_remove(q->clients, KEY(c->service, c->cid));
}

static guint16
ctl_allocate_cid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 svc;
  gsize t;

  if (!get_u8(r, 0x01, &svc))
    return ERR_MISSING_ARGUMENT;
  if (!service_supported(svc))
    return ERR_INVALID_SERVICE_TYPE;
  for (guint cid = 1; cid < 255; cid++) {
    if (!g_hash_table_contains(q->clients, KEY(svc, cid))) {
      QmiClient *c = g_new0(QmiClient, 1);

      c->service = svc;
      c->cid = cid;
      c->ip_family = 4;
      g_hash_table_insert(q->clients, KEY(svc, cid), c);
      t = tlv_open(out, 0x01);
      put_u8(out, svc);
      put_u8(out, cid);
      tlv_close(out, t);
      sim_core_log(q->core, "qmi: allocated %s cid=%u", svc_name(svc), cid);
      return ERR_NONE;
    }
  }
  return ERR_CLIENT_IDS_EXHAUSTED;
}

static guint16
ctl_release_cid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  Cur c;
  guint8 svc, cid;
  QmiClient *client;
  gsize t;

  if (!cur_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  svc = cur_u8(&c);
  cid = cur_u8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  client = g_hash_table_lookup(q->clients, KEY(svc, cid));
  if (!client)
    return ERR_INVALID_CLIENT_ID;
  client_release(q, client);
  t = tlv_open(out, 0x01);
  put_u8(out, svc);
  put_u8(out, cid);
  tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_ctl_cid(const QmiReq *r, GString *s)
{
  Cur c;

  if (cur_init(&c, r, 0x01)) {
    guint8 svc = cur_u8(&c);
    const char *name = svc_name(svc);

    if (name)
      g_string_append_printf(s, " service=%s", name);
    else
      g_string_append_printf(s, " service=0x%02x", svc);
    if (c.n >= 1)
      g_string_append_printf(s, " release-cid=%u", cur_u8(&c));
  }
}

static guint16
ctl_set_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint16 proto = 1;

  get_u16(r, 0x10, &proto);
  q->link_protocol = proto;
  tlv_u16(out, 0x10, proto);
  return ERR_NONE;
}

static guint16
ctl_sync(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  GList *all = g_hash_table_get_values(q->clients);

  for (GList *l = all; l; l = l->next)
    client_release(q, l->data);
  g_list_free(all);
  return ERR_NONE;
}

/* ---- DMS ---- */

static guint16
dms_get_capabilities(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gsize t = tlv_open(out, 0x01);

  put_u32(out, 50000000);  /* max tx */
  put_u32(out, 150000000); /* max rx */
  put_u8(out, 4);          /* data service: simultaneous CS and PS */
  put_u8(out, 2);          /* SIM supported */
  put_u8(out, 3);
  put_u8(out, 4); /* GSM */
  put_u8(out, 5); /* UMTS */
  put_u8(out, RADIO_LTE);
  tlv_close(out, t);
  return ERR_NONE;
}

static guint16
dms_get_manufacturer(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_str(out, 0x01, sim_core_config(q->core)->manufacturer);
  return ERR_NONE;
}

static guint16
dms_get_model(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_str(out, 0x01, sim_core_config(q->core)->model);
  return ERR_NONE;
}

static guint16
dms_get_revision(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_str(out, 0x01, sim_core_config(q->core)->revision);
  return ERR_NONE;
}

static guint16
dms_get_ids(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_str(out, 0x10, "0");
  tlv_str(out, 0x11, sim_core_config(q->core)->imei);
  return ERR_NONE;
}

static guint16
dms_get_msisdn(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return ERR_NOT_SUPPORTED;
}

static guint16
dms_get_operating_mode(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_u8(out, 0x01, q->operating_mode);
  tlv_u8(out, 0x11, 0);
  return ERR_NONE;
}

static guint16
dms_set_operating_mode(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 mode;

  if (!get_u8(r, 0x01, &mode))
    return ERR_MISSING_ARGUMENT;
  switch (mode) {
    case 0: /* online */
      q->operating_mode = 0;
      sim_core_set_radio(q->core, TRUE);
      break;
    case 1: /* low power */
    case 3: /* offline */
    case 6: /* persistent low power */
    case 7: /* mode-only low power */
      q->operating_mode = mode;
      sim_core_set_radio(q->core, FALSE);
      break;
    case 4: /* reset: pretend to reboot straight back online */
      q->operating_mode = 0;
      sim_core_set_radio(q->core, FALSE);
      sim_core_set_radio(q->core, TRUE);
      break;
    default:
      return ERR_INVALID_ARGUMENT;
  }
  return ERR_NONE;
}

static void
describe_u8_01(const QmiReq *r, GString *s)
{
  guint8 v;

  if (get_u8(r, 0x01, &v))
    g_string_append_printf(s, " value=%u", v);
}

static guint16
dms_get_hardware_revision(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_str(out, 0x01, "SIM-HW-1");
  return ERR_NONE;
}

static guint16
dms_uim_get_iccid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_UIM_UNINITIALIZED;
  tlv_str(out, 0x01, sim_core_config(q->core)->iccid);
  return ERR_NONE;
}

static guint16
dms_uim_get_imsi(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_UIM_UNINITIALIZED;
  if (!sim_core_sim_readable(q->core))
    return ERR_DEVICE_NOT_READY;
  tlv_str(out, 0x01, sim_core_config(q->core)->imsi);
  return ERR_NONE;
}

static guint16
dms_uim_get_pin_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimCore *core = q->core;
  guint8 st;
  gsize t;

  switch (sim_core_card_state(core)) {
    case SIM_CARD_ABSENT:
      return ERR_UIM_UNINITIALIZED;
    case SIM_CARD_PIN_REQUIRED:
      st = 1;
      break;
    case SIM_CARD_PUK_REQUIRED:
      st = 4;
      break;
    case SIM_CARD_BLOCKED:
      st = 5;
      break;
    default:
      st = sim_core_pin_enabled(core) ? 2 : 3;
      break;
  }
  t = tlv_open(out, 0x11);
  put_u8(out, st);
  put_u8(out, sim_core_pin_retries(core));
  put_u8(out, sim_core_puk_retries(core));
  tlv_close(out, t);
  t = tlv_open(out, 0x12);
  put_u8(out, 2);
  put_u8(out, 3);
  put_u8(out, 10);
  tlv_close(out, t);
  return ERR_NONE;
}

static guint16
dms_uim_get_state(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimCardState card = sim_core_card_state(q->core);

  tlv_u8(out, 0x01, card == SIM_CARD_ABSENT ? 2 : card == SIM_CARD_BLOCKED ? 1 : 0);
  return ERR_NONE;
}

/* ---- NAS ---- */

static guint16
nas_register_indications(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 v;

  if (get_u8(r, 0x13, &v))
    r->client->ind_serving_system = v;
  if (get_u8(r, 0x18, &v))
    r->client->ind_system_info = v;
  if (get_u8(r, 0x19, &v))
    r->client->ind_signal_info = v;
  return ERR_NONE;
}

static void
describe_nas_register_indications(const QmiReq *r, GString *s)
{
  guint8 v;

  if (get_u8(r, 0x13, &v))
    g_string_append_printf(s, " serving-system=%u", v);
  if (get_u8(r, 0x18, &v))
    g_string_append_printf(s, " system-info=%u", v);
  if (get_u8(r, 0x19, &v))
    g_string_append_printf(s, " signal-info=%u", v);
}

static guint16
nas_get_signal_strength(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimConfig *cfg = sim_core_config(q->core);
  gsize t;

  if (sim_core_reg_state(q->core) != SIM_REG_REGISTERED)
    return ERR_NO_NETWORK_FOUND;
  t = tlv_open(out, 0x01);
  put_u8(out, (guint8)(gint8)cfg->rssi);
  put_u8(out, RADIO_LTE);
  tlv_close(out, t);
  t = tlv_open(out, 0x11); /* RSSI list, positive dBm */
  put_u16(out, 1);
  put_u8(out, (guint8)(-cfg->rssi));
  put_u8(out, RADIO_LTE);
  tlv_close(out, t);
  t = tlv_open(out, 0x16);
  put_u8(out, (guint8)(gint8)cfg->rsrq);
  put_u8(out, RADIO_LTE);
  tlv_close(out, t);
  tlv_u16(out, 0x17, (guint16)(gint16)(cfg->snr * 10));
  tlv_u16(out, 0x18, (guint16)(gint16)cfg->rsrp);
  return ERR_NONE;
}

static guint16
nas_get_signal_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimConfig *cfg = sim_core_config(q->core);
  gsize t;

  if (sim_core_reg_state(q->core) != SIM_REG_REGISTERED)
    return ERR_NONE; /* no TLVs: no signal */
  t = tlv_open(out, 0x14);
  put_u8(out, (guint8)(gint8)cfg->rssi);
  put_u8(out, (guint8)(gint8)cfg->rsrq);
  put_u16(out, (guint16)(gint16)cfg->rsrp);
  put_u16(out, (guint16)(gint16)(cfg->snr * 10));
  tlv_close(out, t);
  return ERR_NONE;
}

static guint16
nas_network_scan(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autoptr(GPtrArray) ops = NULL;
  const SimOperator *serving;
  gsize t;

  if (!sim_core_radio_on(q->core))
    return ERR_DEVICE_NOT_READY;
  ops = sim_core_visible_operators(q->core);
  serving = sim_core_serving_operator(q->core);

  t = tlv_open(out, 0x10);
  put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;
    guint8 status = 0x20; /* not forbidden */

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    status |= op == serving ? 0x01 : 0x02; /* current serving / available */
    status |= i == 0 ? 0x04 : 0x08;        /* home / roaming */
    put_u16(out, mcc);
    put_u16(out, mnc);
    put_u8(out, status);
    put_str8(out, op->name);
  }
  tlv_close(out, t);
  t = tlv_open(out, 0x11);
  put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    put_u16(out, mcc);
    put_u16(out, mnc);
    put_u8(out, RADIO_LTE);
  }
  tlv_close(out, t);
  t = tlv_open(out, 0x12);
  put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    put_u16(out, mcc);
    put_u16(out, mnc);
    put_u8(out, three);
  }
  tlv_close(out, t);
  tlv_u32(out, 0x13, 0); /* scan result: success */
  return ERR_NONE;
}

static const SimOperator *
find_operator(SimQmi *q, guint16 mcc, guint16 mnc)
{
  g_autoptr(GPtrArray) ops = sim_core_visible_operators(q->core);

  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 a, b;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &a, &b, &three);
    if (a == mcc && b == mnc)
      return op;
  }
  return NULL;
}

static guint16
nas_initiate_network_register(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 action;

  if (!get_u8(r, 0x01, &action))
    return ERR_MISSING_ARGUMENT;
  if (action == 1) {
    sim_core_register(q->core, NULL);
  } else if (action == 2) {
    Cur c;
    guint16 mcc, mnc;
    const SimOperator *op;

    if (!cur_init(&c, r, 0x10))
      return ERR_MISSING_ARGUMENT;
    mcc = cur_u16(&c);
    mnc = cur_u16(&c);
    if (!c.ok)
      return ERR_MALFORMED_MESSAGE;
    op = find_operator(q, mcc, mnc);
    if (!op)
      return ERR_NO_NETWORK_FOUND;
    sim_core_register(q->core, op->mccmnc);
  } else {
    return ERR_INVALID_ARGUMENT;
  }
  return ERR_NONE;
}

static void
describe_nas_register(const QmiReq *r, GString *s)
{
  guint8 action;
  Cur c;

  if (get_u8(r, 0x01, &action))
    g_string_append_printf(s, " action=%s", action == 1 ? "automatic" : "manual");
  if (cur_init(&c, r, 0x10)) {
    guint16 mcc = cur_u16(&c);
    guint16 mnc = cur_u16(&c);

    g_string_append_printf(s, " mcc=%03u mnc=%02u", mcc, mnc);
  }
}

/* NAS Get PLMN Name (0x0044): the network name of a PLMN, as ModemManager asks
 * for the operator it is registered on.  Request TLV 0x01: MCC, MNC (u16 each).
 * Response TLV 0x10 (3GPP EONS PLMN Name): service provider name (encoding,
 * u8-length-prefixed bytes), then the short and the long name, each as
 * encoding, country initials, spare bits, u8-length-prefixed bytes.  Encodings
 * (network description encoding): 0 unspecified, 1 ASCII 7-bit, 4 UCS-2 (LE),
 * 9 GSM.  A plain ASCII name goes out as ASCII, anything else as UCS-2LE. */
static void
put_plmn_name(GByteArray *b, const char *name)
{
  gboolean ascii = TRUE;

  name = name ? name : "";
  for (const char *p = name; *p; p++)
    if ((guchar)*p >= 0x80)
      ascii = FALSE;
  put_u8(b, ascii ? 0x01 : 0x04); /* encoding */
  put_u8(b, 0x00);                /* country initials: do not add */
  put_u8(b, 0x00);                /* spare bits: unknown */
  if (ascii) {
    put_str8(b, name);
  } else {
    glong n = 0;
    g_autofree gunichar2 *u = g_utf8_to_utf16(name, -1, NULL, &n, NULL);

    n = u ? MIN(n, 127) : 0;
    put_u8(b, n * 2);
    for (glong i = 0; i < n; i++)
      put_u16(b, u[i]);
  }
}

static guint16
nas_get_plmn_name(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimOperator *op;
  guint16 mcc, mnc;
  gsize t;
  Cur c;

  if (!cur_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  mcc = cur_u16(&c);
  mnc = cur_u16(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  op = find_operator(q, mcc, mnc);
  if (!op)
    return ERR_INFORMATION_UNAVAILABLE;
  t = tlv_open(out, 0x10);
  put_u8(out, 0x00); /* service provider name: encoding, empty */
  put_u8(out, 0);
  put_plmn_name(out, op->name); /* short name */
  put_plmn_name(out, op->name); /* long name */
  tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_nas_plmn(const QmiReq *r, GString *s)
{
  Cur c;

  if (cur_init(&c, r, 0x01)) {
    guint16 mcc = cur_u16(&c);
    guint16 mnc = cur_u16(&c);

    if (c.ok)
      g_string_append_printf(s, " mcc=%03u mnc=%02u", mcc, mnc);
  }
}

static guint16
nas_get_serving_system(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_serving_system(q, out, FALSE);
  return ERR_NONE;
}

static guint16
nas_get_home_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimOperator *home = &sim_core_config(q->core)->home;
  guint16 mcc, mnc;
  gboolean three;
  gsize t;

  if (!sim_core_sim_readable(q->core))
    return ERR_DEVICE_NOT_READY;
  sim_split_mccmnc(home->mccmnc, &mcc, &mnc, &three);
  t = tlv_open(out, 0x01);
  put_u16(out, mcc);
  put_u16(out, mnc);
  put_str8(out, home->name);
  tlv_close(out, t);
  return ERR_NONE;
}

static guint16
nas_get_system_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_system_info(q, out);
  return ERR_NONE;
}

static guint16
nas_get_system_selection_preference(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_u8(out, 0x10, 0);
  tlv_u16(out, 0x11, q->mode_pref);
  tlv_u16(out, 0x14, 0xFF); /* roaming: any */
  tlv_u8(out, 0x16, sim_core_manual_selection(q->core) ? 1 : 0);
  tlv_u32(out, 0x18, 2); /* service domain: CS+PS */
  return ERR_NONE;
}

static guint16
nas_set_system_selection_preference(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint16 mode;
  Cur c;

  if (get_u16(r, 0x11, &mode)) {
    if (!(mode & 0x5C)) /* must allow GSM, UMTS, LTE or 5G */
      return ERR_INVALID_ARGUMENT;
    q->mode_pref = mode;
  }
  if (cur_init(&c, r, 0x16)) {
    guint8 sel = cur_u8(&c);
    guint16 mcc = cur_u16(&c);
    guint16 mnc = cur_u16(&c);

    if (!c.ok)
      return ERR_MALFORMED_MESSAGE;
    if (sel == 0) {
      sim_core_register(q->core, NULL);
    } else {
      const SimOperator *op = find_operator(q, mcc, mnc);

      if (!op)
        return ERR_NO_NETWORK_FOUND;
      sim_core_register(q->core, op->mccmnc);
    }
  }
  return ERR_NONE;
}

static void
describe_nas_ssp(const QmiReq *r, GString *s)
{
  guint16 mode;
  Cur c;

  if (get_u16(r, 0x11, &mode))
    g_string_append_printf(s, " mode-preference=0x%04x", mode);
  if (cur_init(&c, r, 0x16))
    g_string_append_printf(s, " network-selection=%s", cur_u8(&c) == 0 ? "automatic" : "manual");
}

/* ---- WDS ---- */

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
  gsize t = tlv_open(b, 0x01);

  put_u8(b, connected ? 2 : 1);
  put_u8(b, 0);
  tlv_close(b, t);
  if (!connected) {
    tlv_u16(b, 0x10, reason);
    t = tlv_open(b, 0x11);
    put_u16(b, verbose_type);
    put_u16(b, (guint16)verbose_reason);
    tlv_close(b, t);
  }
  tlv_u8(b, 0x12, family == SIM_FAMILY_IPV6 ? 6 : 4);
  qmi_indicate(q, c, 0x0022, b);
}

static guint16
wds_start_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *apn = get_str(r, 0x14);
  g_autofree char *user = get_str(r, 0x17);
  guint8 fam = r->client->ip_family;
  SimIpFamily family;
  const char *why = NULL;
  SimSession *s;
  gsize t;

  get_u8(r, 0x19, &fam);
  family = fam == 6 ? SIM_FAMILY_IPV6 : SIM_FAMILY_IPV4;
  if (sim_core_session_by_owner(q->core, owner_of(r)))
    return ERR_NO_EFFECT;
  s = sim_core_session_start(q->core, owner_of(r), apn, user, family, &why);
  if (!s) {
    guint16 reason = 1; /* unspecified */
    gint16 vreason = 0;

    if (g_str_equal(why, "no-service"))
      reason = 3; /* no service */
    else if (g_str_equal(why, "ipv6-unsupported"))
      vreason = 50; /* 3GPP: PDP type IPv4 only allowed */
    tlv_u16(out, 0x10, reason);
    if (vreason) {
      t = tlv_open(out, 0x11);
      put_u16(out, 6); /* 3GPP */
      put_u16(out, (guint16)vreason);
      tlv_close(out, t);
    }
    sim_core_log(q->core, "qmi: start network refused: %s", why);
    return ERR_CALL_FAILED;
  }
  tlv_u32(out, 0x01, s->handle);
  send_packet_status(q, r->client, TRUE, family, 0, 0, 0);
  return ERR_NONE;
}

static void
describe_wds_start_network(const QmiReq *r, GString *s)
{
  g_autofree char *apn = get_str(r, 0x14);
  g_autofree char *user = get_str(r, 0x17);
  g_autofree char *password = get_str(r, 0x18);
  guint8 v;

  if (apn)
    g_string_append_printf(s, " apn=%s", apn);
  if (user)
    g_string_append_printf(s, " user=%s", user);
  if (password)
    g_string_append_printf(s, " password=%s", password);
  if (get_u8(r, 0x16, &v))
    g_string_append_printf(s, " auth=%u", v);
  if (get_u8(r, 0x19, &v))
    g_string_append_printf(s, " ip-family=%u", v);
  if (get_u8(r, 0x31, &v))
    g_string_append_printf(s, " profile=%u", v);
}

static guint16
wds_stop_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 handle;
  SimSession *s;
  SimIpFamily family;

  if (!get_u32(r, 0x01, &handle))
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

  if (get_u32(r, 0x01, &v))
    g_string_append_printf(s, " handle=0x%08x", v);
}

static guint16
wds_get_packet_service_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  tlv_u8(out, 0x01, sim_core_session_by_owner(q->core, owner_of(r)) ? 2 : 1);
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
  gsize t;

  if (!s)
    return ERR_OUT_OF_CALL;
  tlv_str(out, 0x14, s->apn);
  if (s->user[0])
    tlv_str(out, 0x1B, s->user);
  if (s->family == SIM_FAMILY_IPV4) {
    guint32 mask = cfg->ip4_prefix ? 0xFFFFFFFFu << (32 - cfg->ip4_prefix) : 0;

    tlv_u32(out, 0x1E, ip4_u32(cfg->ip4));
    tlv_u32(out, 0x20, ip4_u32(cfg->gw4));
    tlv_u32(out, 0x21, mask);
    if (cfg->dns4->len > 0)
      tlv_u32(out, 0x15, ip4_u32(&g_array_index(cfg->dns4, guint8, 0)));
    if (cfg->dns4->len > 1)
      tlv_u32(out, 0x16, ip4_u32(&g_array_index(cfg->dns4, guint8, 4)));
    tlv_u8(out, 0x2B, 4);
  } else {
    t = tlv_open(out, 0x25);
    put_bytes(out, cfg->ip6, 16);
    put_u8(out, cfg->ip6_prefix);
    tlv_close(out, t);
    t = tlv_open(out, 0x26);
    put_bytes(out, cfg->gw6, 16);
    put_u8(out, cfg->ip6_prefix);
    tlv_close(out, t);
    if (cfg->dns6->len > 0)
      tlv_raw(out, 0x27, &g_array_index(cfg->dns6, guint8, 0), 16);
    if (cfg->dns6->len > 1)
      tlv_raw(out, 0x28, &g_array_index(cfg->dns6, guint8, 16), 16);
    tlv_u8(out, 0x2B, 6);
  }
  tlv_u32(out, 0x29, cfg->mtu);
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

  if (!get_u8(r, 0x01, &fam))
    return ERR_MISSING_ARGUMENT;
  if (fam != 4 && fam != 6 && fam != 8)
    return ERR_INVALID_ARGUMENT;
  r->client->ip_family = fam == 8 ? 4 : fam;
  return ERR_NONE;
}

/* ---- UIM ---- */

static guint16
uim_read_transparent(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  Cur c;
  guint16 id, offset = 0, length = 0, err = ERR_NONE;
  SimEfResult efr = SIM_EF_OK;
  g_autoptr(GByteArray) data = NULL;
  gsize t;

  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_NO_SIM;
  if (!cur_init(&c, r, 0x02))
    return ERR_MISSING_ARGUMENT;
  id = cur_u16(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (cur_init(&c, r, 0x03)) {
    offset = cur_u16(&c);
    length = cur_u16(&c);
  }
  data = sim_core_read_ef(q->core, id, &efr);
  if (!data) {
    err = efr == SIM_EF_NOT_FOUND ? ERR_SIM_FILE_NOT_FOUND : ERR_ACCESS_DENIED;
    t = tlv_open(out, 0x10);
    put_u8(out, err == ERR_SIM_FILE_NOT_FOUND ? 0x6A : 0x69);
    put_u8(out, err == ERR_SIM_FILE_NOT_FOUND ? 0x82 : 0x82);
    tlv_close(out, t);
    return err;
  }
  if (offset > data->len)
    offset = data->len;
  if (length == 0 || offset + length > data->len)
    length = data->len - offset;
  t = tlv_open(out, 0x10);
  put_u8(out, 0x90);
  put_u8(out, 0x00);
  tlv_close(out, t);
  t = tlv_open(out, 0x11);
  put_u16(out, length);
  put_bytes(out, data->data + offset, length);
  tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_uim_read(const QmiReq *r, GString *s)
{
  Cur c;

  if (cur_init(&c, r, 0x02))
    g_string_append_printf(s, " file=0x%04x", cur_u16(&c));
}

static guint16
uim_get_card_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_card_status(q, out);
  return ERR_NONE;
}

static guint16
uim_register_events(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 mask;

  if (!get_u32(r, 0x01, &mask))
    return ERR_MISSING_ARGUMENT;
  r->client->uim_events = mask & 0x1; /* only card status supported */
  tlv_u32(out, 0x10, r->client->uim_events);
  return ERR_NONE;
}

typedef enum { PIN_VERIFY, PIN_UNBLOCK, PIN_CHANGE, PIN_PROTECT } PinOp;

static guint16
uim_pin_op(SimQmi *q, const QmiReq *r, GByteArray *out, PinOp op, guint8 info_tlv)
{
  Cur c;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint8 id, enable = 0;
  SimPinResult res;
  guint16 err;

  if (!cur_init(&c, r, info_tlv))
    return ERR_MISSING_ARGUMENT;
  id = cur_u8(&c);
  if (op == PIN_PROTECT)
    enable = cur_u8(&c);
  a = cur_str8(&c);
  if (op == PIN_UNBLOCK || op == PIN_CHANGE)
    b = cur_str8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (id != 1) /* only PIN1 is modelled */
    return ERR_INVALID_PIN_ID;
  switch (op) {
    case PIN_VERIFY:
      res = sim_core_verify_pin(q->core, a);
      break;
    case PIN_UNBLOCK:
      res = sim_core_unblock_pin(q->core, a, b);
      break;
    case PIN_CHANGE:
      res = sim_core_change_pin(q->core, a, b);
      break;
    default:
      res = sim_core_set_pin_enabled(q->core, enable, a);
      break;
  }
  err = pin_error(res);
  if (op == PIN_UNBLOCK && res == SIM_PIN_BLOCKED)
    err = ERR_PIN_ALWAYS_BLOCKED;
  if (res != SIM_PIN_NO_SIM)
    encode_retries(q, out, 0x10);
  return err;
}

static guint16
uim_verify_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_VERIFY, 0x02);
}

static guint16
uim_unblock_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_UNBLOCK, 0x02);
}

static guint16
uim_change_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_CHANGE, 0x02);
}

static guint16
uim_set_pin_protection(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_PROTECT, 0x02);
}

static void
describe_uim_pin(const QmiReq *r, GString *s, PinOp op, guint8 info_tlv)
{
  Cur c;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint8 id, enable = 0;

  if (!cur_init(&c, r, info_tlv))
    return;
  id = cur_u8(&c);
  if (op == PIN_PROTECT)
    enable = cur_u8(&c);
  a = cur_str8(&c);
  if (op == PIN_UNBLOCK || op == PIN_CHANGE)
    b = cur_str8(&c);
  g_string_append_printf(s, " pin-id=%u", id);
  if (op == PIN_PROTECT)
    g_string_append_printf(s, " enable=%u", enable);
  switch (op) {
    case PIN_UNBLOCK:
      g_string_append_printf(s, " puk=%s new-pin=%s", a ? a : "?", b ? b : "?");
      break;
    case PIN_CHANGE:
      g_string_append_printf(s, " old-pin=%s new-pin=%s", a ? a : "?", b ? b : "?");
      break;
    default:
      g_string_append_printf(s, " pin=%s", a ? a : "?");
      break;
  }
}

static void
describe_uim_verify(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_VERIFY, 0x02);
}

static void
describe_uim_unblock(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_UNBLOCK, 0x02);
}

static void
describe_uim_change(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_CHANGE, 0x02);
}

static void
describe_uim_protect(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_PROTECT, 0x02);
}

/* DMS legacy PIN operations: same logic, info in TLV 0x01 */

static guint16
dms_uim_verify_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_VERIFY, 0x01);
}

static guint16
dms_uim_unblock_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_UNBLOCK, 0x01);
}

static guint16
dms_uim_change_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_CHANGE, 0x01);
}

static guint16
dms_uim_set_pin_protection(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return uim_pin_op(q, r, out, PIN_PROTECT, 0x01);
}

static void
describe_dms_verify(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_VERIFY, 0x01);
}

static void
describe_dms_unblock(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_UNBLOCK, 0x01);
}

static void
describe_dms_change(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_CHANGE, 0x01);
}

static void
describe_dms_protect(const QmiReq *r, GString *s)
{
  describe_uim_pin(r, s, PIN_PROTECT, 0x01);
}

/* ---- WDA ---- */

static void
encode_data_format(SimQmi *q, GByteArray *out)
{
  tlv_u8(out, 0x10, 0);
  tlv_u32(out, 0x11, q->wda_link_layer);
  tlv_u32(out, 0x12, q->wda_ul_aggregation);
  tlv_u32(out, 0x13, q->wda_dl_aggregation);
}

static guint16
wda_set_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 v;

  if (get_u32(r, 0x11, &v)) {
    if (v != 1 && v != 2)
      return ERR_INVALID_ARGUMENT;
    q->wda_link_layer = v;
  }
  if (get_u32(r, 0x12, &v))
    q->wda_ul_aggregation = v;
  if (get_u32(r, 0x13, &v))
    q->wda_dl_aggregation = v;
  encode_data_format(q, out);
  return ERR_NONE;
}

static void
describe_wda_set(const QmiReq *r, GString *s)
{
  guint32 v;

  if (get_u32(r, 0x11, &v))
    g_string_append_printf(s, " link-layer=%s", v == 2 ? "raw-ip" : v == 1 ? "802-3" : "?");
  if (get_u32(r, 0x12, &v))
    g_string_append_printf(s, " ul-aggregation=%u", v);
  if (get_u32(r, 0x13, &v))
    g_string_append_printf(s, " dl-aggregation=%u", v);
}

static guint16
wda_get_data_format(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_data_format(q, out);
  return ERR_NONE;
}

static const QmiMsgDef messages[] = {
  { SVC_CTL, 0x0021, "GetVersionInfo", ctl_get_version_info, NULL },
  { SVC_CTL, 0x0022, "AllocateCID", ctl_allocate_cid, describe_ctl_cid },
  { SVC_CTL, 0x0023, "ReleaseCID", ctl_release_cid, describe_ctl_cid },
  { SVC_CTL, 0x0026, "SetDataFormat", ctl_set_data_format, NULL },
  { SVC_CTL, 0x0027, "Sync", ctl_sync, NULL },

  { SVC_DMS, 0x0020, "GetCapabilities", dms_get_capabilities, NULL },
  { SVC_DMS, 0x0021, "GetManufacturer", dms_get_manufacturer, NULL },
  { SVC_DMS, 0x0022, "GetModel", dms_get_model, NULL },
  { SVC_DMS, 0x0023, "GetRevision", dms_get_revision, NULL },
  { SVC_DMS, 0x0024, "GetMSISDN", dms_get_msisdn, NULL },
  { SVC_DMS, 0x0025, "GetIDs", dms_get_ids, NULL },
  { SVC_DMS, 0x0027, "UIMSetPINProtection", dms_uim_set_pin_protection, describe_dms_protect },
  { SVC_DMS, 0x0028, "UIMVerifyPIN", dms_uim_verify_pin, describe_dms_verify },
  { SVC_DMS, 0x0029, "UIMUnblockPIN", dms_uim_unblock_pin, describe_dms_unblock },
  { SVC_DMS, 0x002A, "UIMChangePIN", dms_uim_change_pin, describe_dms_change },
  { SVC_DMS, 0x002B, "UIMGetPINStatus", dms_uim_get_pin_status, NULL },
  { SVC_DMS, 0x002C, "GetHardwareRevision", dms_get_hardware_revision, NULL },
  { SVC_DMS, 0x002D, "GetOperatingMode", dms_get_operating_mode, NULL },
  { SVC_DMS, 0x002E, "SetOperatingMode", dms_set_operating_mode, describe_u8_01 },
  { SVC_DMS, 0x003C, "UIMGetICCID", dms_uim_get_iccid, NULL },
  { SVC_DMS, 0x0043, "UIMGetIMSI", dms_uim_get_imsi, NULL },
  { SVC_DMS, 0x0044, "UIMGetState", dms_uim_get_state, NULL },

  { SVC_NAS, 0x0003, "RegisterIndications", nas_register_indications,
    describe_nas_register_indications },
  { SVC_NAS, 0x0020, "GetSignalStrength", nas_get_signal_strength, NULL },
  { SVC_NAS, 0x0021, "NetworkScan", nas_network_scan, NULL },
  { SVC_NAS, 0x0022, "InitiateNetworkRegister", nas_initiate_network_register,
    describe_nas_register },
  { SVC_NAS, 0x0024, "GetServingSystem", nas_get_serving_system, NULL },
  { SVC_NAS, 0x0025, "GetHomeNetwork", nas_get_home_network, NULL },
  { SVC_NAS, 0x0033, "SetSystemSelectionPreference", nas_set_system_selection_preference,
    describe_nas_ssp },
  { SVC_NAS, 0x0034, "GetSystemSelectionPreference", nas_get_system_selection_preference, NULL },
  { SVC_NAS, 0x0044, "GetPLMNName", nas_get_plmn_name, describe_nas_plmn },
  { SVC_NAS, 0x004D, "GetSystemInfo", nas_get_system_info, NULL },
  { SVC_NAS, 0x004F, "GetSignalInfo", nas_get_signal_info, NULL },

  { SVC_WDS, 0x0001, "SetEventReport", wds_set_event_report, NULL },
  { SVC_WDS, 0x0020, "StartNetwork", wds_start_network, describe_wds_start_network },
  { SVC_WDS, 0x0021, "StopNetwork", wds_stop_network, describe_u32_01 },
  { SVC_WDS, 0x0022, "GetPacketServiceStatus", wds_get_packet_service_status, NULL },
  { SVC_WDS, 0x002D, "GetCurrentSettings", wds_get_current_settings, NULL },
  { SVC_WDS, 0x004D, "SetIPFamily", wds_set_ip_family, describe_u8_01 },

  { SVC_UIM, 0x0020, "ReadTransparent", uim_read_transparent, describe_uim_read },
  { SVC_UIM, 0x0025, "SetPINProtection", uim_set_pin_protection, describe_uim_protect },
  { SVC_UIM, 0x0026, "VerifyPIN", uim_verify_pin, describe_uim_verify },
  { SVC_UIM, 0x0027, "UnblockPIN", uim_unblock_pin, describe_uim_unblock },
  { SVC_UIM, 0x0028, "ChangePIN", uim_change_pin, describe_uim_change },
  { SVC_UIM, 0x002E, "RegisterEvents", uim_register_events, NULL },
  { SVC_UIM, 0x002F, "GetCardStatus", uim_get_card_status, NULL },

  { SVC_WDA, 0x0020, "SetDataFormat", wda_set_data_format, describe_wda_set },
  { SVC_WDA, 0x0021, "GetDataFormat", wda_get_data_format, NULL },
};

/* ------------------------------------------------------------------------- */
/* dispatch */

static void
handle_request(SimQmi *q, QmiReq *r)
{
  const QmiMsgDef *def = NULL;
  const char *sname = svc_name(r->service);
  g_autoptr(GString) line = g_string_new(NULL);
  g_autoptr(GByteArray) out = g_byte_array_new();
  guint16 err;

  for (gsize i = 0; i < G_N_ELEMENTS(messages); i++)
    if (messages[i].service == r->service && messages[i].msg == r->msg)
      def = &messages[i];

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
  handle_request(q, &r);
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
    SimSession *s = data;
    QmiClient *c = g_hash_table_lookup(q->clients, KEY(s->owner >> 8, s->owner & 0xff));

    if (c)
      send_packet_status(q, c, FALSE, s->family, 3 /* no service */, 6, 36);
    return;
  }

  g_hash_table_iter_init(&it, q->clients);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    QmiClient *c = value;
    g_autoptr(GByteArray) b = g_byte_array_new();

    if (what == SIM_NOTIFY_REGISTRATION) {
      if (c->service != SVC_NAS)
        continue;
      if (c->ind_serving_system) {
        g_byte_array_set_size(b, 0);
        encode_serving_system(q, b, TRUE);
        qmi_indicate(q, c, 0x0024, b);
      }
      if (c->ind_system_info) {
        g_byte_array_set_size(b, 0);
        encode_system_info(q, b);
        qmi_indicate(q, c, 0x004E, b);
      }
    } else if (what == SIM_NOTIFY_CARD) {
      if (c->service == SVC_UIM && (c->uim_events & 1)) {
        encode_card_status(q, b);
        qmi_indicate(q, c, 0x0032, b);
      }
    }
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
  q->mode_pref = 0x1C; /* GSM | UMTS | LTE */
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
