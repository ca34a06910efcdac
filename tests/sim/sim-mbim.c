/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: MBIM messages (see sim-mbim.h): framing, the dispatch of
 * commands, and the information buffer encoder and decoder.
 */
#include "sim-mbim.h"

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
  PROTO_ERR_NOT_OPENED = 5,
  PROTO_ERR_UNKNOWN = 6,
  PROTO_ERR_LENGTH_MISMATCH = 3,
  PROTO_ERR_FRAGMENT_OUT_OF_SEQUENCE = 2,
};

const guint8 mbim_uuid_ms_basic_connect_extensions[16]
    = { 0x3d, 0x01, 0xdc, 0xc5, 0xfe, 0xf5, 0x4d, 0x05,
        0x0d, 0x3a, 0xbe, 0xf7, 0x05, 0x8e, 0x9a, 0xaf };
const guint8 mbim_uuid_qmi[16] = { 0xd1, 0xa3, 0x0b, 0xc2, 0xf9, 0x7a, 0x6e, 0x43,
                                   0xbf, 0x65, 0xc7, 0xe2, 0x4f, 0xb0, 0xf0, 0xd3 };
const guint8 mbim_uuid_basic_connect[16] = { 0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb, 0x8b, 0x4f,
                                             0xb6, 0xb0, 0x13, 0x3e, 0xc2, 0xaa, 0xe6, 0xdf };

/* ------------------------------------------------------------------------- */
/* encoder: fixed part + variable part */

void
mbim_buf_init(MbimBuf *b, gsize fixed_size)
{
  b->fixed = g_byte_array_new();
  b->var = g_byte_array_new();
  b->fixed_size = fixed_size;
}

void
mbim_put_u32(GByteArray *a, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append(a, x, 4);
}

void
mbim_buf_u32(MbimBuf *b, guint32 v)
{
  mbim_put_u32(b->fixed, v);
}

void
mbim_buf_u64(MbimBuf *b, guint64 v)
{
  mbim_put_u32(b->fixed, v & 0xffffffffu);
  mbim_put_u32(b->fixed, v >> 32);
}

void
mbim_buf_bytes(MbimBuf *b, const void *p, gsize n)
{
  g_byte_array_append(b->fixed, p, n);
}

/* append to the variable part, 4-aligned; returns the offset */
static guint32
buf_var(MbimBuf *b, const void *p, gsize n)
{
  static const guint8 zero[4] = { 0 };
  guint32 off = b->fixed_size + b->var->len;

  g_byte_array_append(b->var, p, n);
  if (n % 4)
    g_byte_array_append(b->var, zero, 4 - n % 4);
  return off;
}

void
mbim_buf_ref(MbimBuf *b, const void *p, gsize n)
{
  if (n == 0) {
    mbim_buf_u32(b, 0);
    mbim_buf_u32(b, 0);
    return;
  }
  mbim_buf_u32(b, buf_var(b, p, n));
  mbim_buf_u32(b, n);
}

void
mbim_buf_off(MbimBuf *b, const void *p, gsize n)
{
  mbim_buf_u32(b, n ? buf_var(b, p, n) : 0);
}

void
mbim_buf_str(MbimBuf *b, const char *s)
{
  glong n = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16(s ? s : "", -1, NULL, &n, NULL);
  g_autofree guint8 *le = g_malloc(n * 2 + 1);

  for (glong i = 0; i < n; i++) {
    le[2 * i] = u[i] & 0xff;
    le[2 * i + 1] = u[i] >> 8;
  }
  mbim_buf_ref(b, le, n * 2);
}

GByteArray *
mbim_buf_finish(MbimBuf *b)
{
  g_assert(b->fixed->len == b->fixed_size);
  g_byte_array_append(b->fixed, b->var->data, b->var->len);
  g_byte_array_unref(b->var);
  return b->fixed;
}

/* ------------------------------------------------------------------------- */
/* decoder */

gboolean
mbim_read_u32(const MbimReq *r, gsize off, guint32 *v)
{
  if (off + 4 > r->len)
    return FALSE;
  *v = r->buf[off] | (r->buf[off + 1] << 8) | (r->buf[off + 2] << 16)
       | ((guint32)r->buf[off + 3] << 24);
  return TRUE;
}

char *
mbim_read_str(const MbimReq *r, gsize off)
{
  guint32 o, n;
  g_autofree gunichar2 *u = NULL;

  if (!mbim_read_u32(r, off, &o) || !mbim_read_u32(r, off + 4, &n))
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

  mbim_put_u32(f, type);
  mbim_put_u32(f, 12 + (body ? body->len : 0));
  mbim_put_u32(f, tid);
  if (body)
    g_byte_array_append(f, body->data, body->len);
  sim_core_send(m->core, f->data, f->len);
}

static void
send_status(SimMbim *m, guint32 type, guint32 tid, guint32 status)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  mbim_put_u32(b, status);
  send_msg(m, type, tid, b);
}

/* A COMMAND_DONE or INDICATE_STATUS whose body (after the fragment header)
 * is longer than the host takes in one transfer goes in fragments. */
static void
send_fragmented(SimMbim *m, guint32 type, guint32 tid, GByteArray *body)
{
  gsize room = MAX(m->max_transfer, 64) - 20; /* message and fragment headers */
  guint32 total = (guint32)MAX((body->len + room - 1) / room, 1);

  for (guint32 i = 0; i < total; i++) {
    g_autoptr(GByteArray) f = g_byte_array_new();
    gsize at = i * room;

    mbim_put_u32(f, total);
    mbim_put_u32(f, i);
    g_byte_array_append(f, body->data + at, (guint)MIN(room, body->len - at));
    send_msg(m, type, tid, f);
  }
}

static void
send_command_done(SimMbim *m, const MbimReq *r, const guint8 *uuid, guint32 status,
                  GByteArray *info)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  g_byte_array_append(b, uuid, 16);
  mbim_put_u32(b, r->cid);
  mbim_put_u32(b, status);
  mbim_put_u32(b, info ? info->len : 0);
  if (info)
    g_byte_array_append(b, info->data, info->len);
  send_fragmented(m, MSG_COMMAND_DONE, r->tid, b);
}

void
mbim_send_indication(SimMbim *m, guint32 cid, GByteArray *info)
{
  mbim_send_service_indication(m, mbim_uuid_basic_connect, cid, info);
}

void
mbim_send_service_indication(SimMbim *m, const guint8 *uuid, guint32 cid, GByteArray *info)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  if (!m->opened)
    return;
  g_byte_array_append(b, uuid, 16);
  mbim_put_u32(b, cid);
  mbim_put_u32(b, info ? info->len : 0);
  if (info)
    g_byte_array_append(b, info->data, info->len);
  send_fragmented(m, MSG_INDICATE_STATUS, 0, b);
}

/* ------------------------------------------------------------------------- */
/* dispatch */

static guint32
u32_at(const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32)p[3] << 24);
}

static const MbimService basic_connect = {
  mbim_uuid_basic_connect,
  "BasicConnect",
  mbim_basic_connect_lookup,
  mbim_basic_connect_describe,
};

static const MbimService *const services[] = {
  &basic_connect,    &mbim_service_ms_basic_connect_extensions,
  &mbim_service_qmi, &mbim_service_ussd,
  &mbim_service_sms, &mbim_service_ms_voice_extensions,
};

static const MbimService *
find_service(const guint8 *uuid)
{
  for (gsize i = 0; i < G_N_ELEMENTS(services); i++)
    if (!memcmp(uuid, services[i]->uuid, 16))
      return services[i];
  return NULL;
}

/* logged before fault injection decides whether to answer */
static void
log_command(SimMbim *m, const MbimReq *r, const guint8 *uuid, const MbimCmd *cmd)
{
  g_autoptr(GString) line = g_string_new(NULL);
  const MbimService *service = find_service(uuid);

  if (cmd) {
    g_string_append_printf(line, "rx mbim %s %s", service->name, cmd->name);
  } else if (service) {
    g_string_append_printf(line, "rx mbim %s cid=%u", service->name, r->cid);
  } else {
    g_autofree char *hex = g_malloc(33);

    for (int i = 0; i < 16; i++)
      g_snprintf(hex + 2 * i, 3, "%02x", uuid[i]);
    g_string_append_printf(line, "rx mbim service=%s cid=%u", hex, r->cid);
  }
  g_string_append_printf(line, " %s tid=%u", r->type ? "set" : "query", r->tid);
  if (cmd)
    service->describe(r, line);
  if (!(cmd && cmd->handler))
    g_string_append(line, " (unsupported)");
  sim_core_log(m->core, "%s", line->str);
}

static void
answer_command(SimMbim *m, const MbimReq *r, const guint8 *uuid, const MbimCmd *cmd)
{
  g_autoptr(GByteArray) info = NULL;
  guint32 status;

  if (!(cmd && cmd->handler)) {
    send_command_done(m, r, uuid, ST_NO_DEVICE_SUPPORT, NULL);
    return;
  }
  status = cmd->handler(m, r, &info);
  if (status)
    sim_core_log(m->core, "mbim: %s -> status %u", cmd->name, status);
  send_command_done(m, r, uuid, status, info);
}

/* p: the command after the 12-byte header */
static void
handle_command(SimMbim *m, guint32 tid, const guint8 *p, gsize n)
{
  MbimReq r = { 0 };
  const MbimCmd *cmd = NULL;
  const MbimService *service;
  guint32 total, current;
  gsize buflen;

  if (n < 36) {
    send_status(m, MSG_FUNCTION_ERROR, tid, PROTO_ERR_LENGTH_MISMATCH);
    return;
  }
  total = u32_at(p);
  current = u32_at(p + 4);
  r.tid = tid;
  r.cid = u32_at(p + 24);
  r.type = u32_at(p + 28);
  buflen = u32_at(p + 32);
  r.buf = p + 36;
  r.len = MIN(buflen, n - 36);
  if ((service = find_service(p + 8)))
    cmd = service->lookup(r.cid);
  log_command(m, &r, p + 8, cmd);

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
  answer_command(m, &r, p + 8, cmd);
}

static gsize
parse_message(SimMbim *m, const guint8 *p, gsize n)
{
  guint32 type, len, tid;

  if (n < 12)
    return 0;
  type = u32_at(p);
  len = u32_at(p + 4);
  tid = u32_at(p + 8);
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
      m->mbimex = 0; /* agreed again after each OPEN */
      m->max_transfer = len >= 16 ? u32_at(p + 12) : 4096;
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
  if (what == SIM_NOTIFY_USSD) {
    mbim_ussd_notify(self, data);
    return;
  }
  if (what == SIM_NOTIFY_SMS) {
    mbim_sms_notify(self, data);
    return;
  }
  mbim_basic_connect_notify(self, what, data);
  mbim_qmi_notify(self, what, data);
}

static gpointer
mbim_create(SimCore *core)
{
  SimMbim *m = g_new0(SimMbim, 1);

  m->core = core;
  m->in = g_byte_array_new();
  m->max_transfer = 4096;
  return m;
}

static void
mbim_free(gpointer self)
{
  SimMbim *m = self;

  mbim_qmi_free(m);
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
