/* MBIM control messages: building, parsing, names. */
#include "mbim-message.h"

#include <string.h>

const MbimUuid mbim_uuid_context_internet = { 0x7e, 0x5e, 0x2a, 0x7e, 0x4e, 0x6f, 0x72, 0x72,
                                              0x73, 0x6b, 0x65, 0x6e, 0x7e, 0x5e, 0x2a, 0x7e };

G_DEFINE_QUARK(mbim - protocol - error - quark, mbim_protocol_error)

char *
mbim_uuid_to_string(const guint8 *u)
{
  return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
                         u[12], u[13], u[14], u[15]);
}

gboolean
mbim_uuid_from_string(const char *s, guint8 *out)
{
  guint n = 0;

  for (const char *p = s; *p; p++) {
    int hi, lo;

    if (*p == '-')
      continue;
    if (n >= 16 || !p[1])
      return FALSE;
    hi = g_ascii_xdigit_value(p[0]);
    lo = g_ascii_xdigit_value(p[1]);
    if (hi < 0 || lo < 0)
      return FALSE;
    out[n++] = (guint8)(hi << 4 | lo);
    p++;
  }
  return n == 16;
}

const char *
mbim_message_type_name(guint32 type)
{
  switch (type) {
    case MBIM_MESSAGE_TYPE_OPEN:
      return "OPEN";
    case MBIM_MESSAGE_TYPE_CLOSE:
      return "CLOSE";
    case MBIM_MESSAGE_TYPE_COMMAND:
      return "COMMAND";
    case MBIM_MESSAGE_TYPE_HOST_ERROR:
      return "HOST_ERROR";
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
      return "OPEN_DONE";
    case MBIM_MESSAGE_TYPE_CLOSE_DONE:
      return "CLOSE_DONE";
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
      return "COMMAND_DONE";
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
      return "FUNCTION_ERROR";
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      return "INDICATE_STATUS";
    default:
      return "UNKNOWN";
  }
}

const char *
mbim_protocol_error_name(guint32 code)
{
  static const char *const names[] = {
    "invalid",         "timeout-fragment", "fragment-out-of-sequence",
    "length-mismatch", "duplicated-tid",   "not-opened",
    "unknown",         "cancel",           "max-transfer",
  };

  return code < G_N_ELEMENTS(names) ? names[code] : "unknown";
}

gboolean
mbim_message_type_is_fragmented(guint32 type)
{
  return type == MBIM_MESSAGE_TYPE_COMMAND || type == MBIM_MESSAGE_TYPE_COMMAND_DONE
         || type == MBIM_MESSAGE_TYPE_INDICATE_STATUS;
}

gboolean
mbim_header_peek(const guint8 *data, gsize len, guint32 *type, guint32 *length, guint32 *tid)
{
  if (len < MBIM_HEADER_SIZE)
    return FALSE;
  if (type)
    *type = mbim_read_u32(data);
  if (length)
    *length = mbim_read_u32(data + 4);
  if (tid)
    *tid = mbim_read_u32(data + 8);
  return TRUE;
}

void
mbim_message_free(MbimMessage *msg)
{
  if (!msg)
    return;
  g_bytes_unref(msg->raw);
  g_free(msg);
}

static gboolean
malformed(GError **error, const char *what)
{
  g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH,
              "Malformed MBIM message: %s", what);
  return FALSE;
}

MbimMessage *
mbim_message_parse(GBytes *raw, GError **error)
{
  g_autoptr(MbimMessage) m = g_new0(MbimMessage, 1);
  gsize len;
  const guint8 *d = g_bytes_get_data(raw, &len);
  gsize body = MBIM_HEADER_SIZE + MBIM_FRAGMENT_HEADER_SIZE + 16 + 4;

  m->raw = g_bytes_ref(raw);
  if (!mbim_header_peek(d, len, &m->type, &m->length, &m->tid)) {
    malformed(error, "short header");
    return NULL;
  }
  if (len > MBIM_MAX_MESSAGE_SIZE) {
    malformed(error, "longer than any message can be");
    return NULL;
  }
  if (m->length != len) {
    malformed(error, "length field does not match");
    return NULL;
  }
  switch (m->type) {
    case MBIM_MESSAGE_TYPE_OPEN:
      if (len < 16)
        return malformed(error, "short OPEN"), NULL;
      m->max_control_transfer = mbim_read_u32(d + 12);
      break;
    case MBIM_MESSAGE_TYPE_CLOSE:
      break;
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
    case MBIM_MESSAGE_TYPE_CLOSE_DONE:
    case MBIM_MESSAGE_TYPE_HOST_ERROR:
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
      if (len < 16)
        return malformed(error, "short status message"), NULL;
      m->status = mbim_read_u32(d + 12);
      break;
    case MBIM_MESSAGE_TYPE_COMMAND:
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
      if (len < body + 8)
        return malformed(error, "short command"), NULL;
      m->service = d + 20;
      m->cid = mbim_read_u32(d + 36);
      if (m->type == MBIM_MESSAGE_TYPE_COMMAND)
        m->command_type = mbim_read_u32(d + 40);
      else
        m->status = mbim_read_u32(d + 40);
      m->buf_len = mbim_read_u32(d + 44);
      m->buf = d + 48;
      if (m->buf_len > len - 48)
        return malformed(error, "information buffer overruns the message"), NULL;
      break;
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      if (len < body + 4)
        return malformed(error, "short indication"), NULL;
      m->service = d + 20;
      m->cid = mbim_read_u32(d + 36);
      m->buf_len = mbim_read_u32(d + 40);
      m->buf = d + 44;
      if (m->buf_len > len - 44)
        return malformed(error, "information buffer overruns the message"), NULL;
      break;
    default:
      g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_UNKNOWN,
                  "Unknown MBIM message type 0x%08x", m->type);
      return NULL;
  }
  return g_steal_pointer(&m);
}

GByteArray *
mbim_message_start(guint32 type, guint32 tid)
{
  GByteArray *b = g_byte_array_sized_new(64);
  guint8 h[MBIM_HEADER_SIZE];

  mbim_write_u32(h, type);
  mbim_write_u32(h + 4, 0);
  mbim_write_u32(h + 8, tid);
  g_byte_array_append(b, h, sizeof h);
  return b;
}

void
mbim_message_put_u32(GByteArray *b, guint32 v)
{
  guint8 x[4];

  mbim_write_u32(x, v);
  g_byte_array_append(b, x, 4);
}

GBytes *
mbim_message_finish(GByteArray *b)
{
  mbim_write_u32(b->data + 4, b->len);
  return g_byte_array_free_to_bytes(b);
}

GBytes *
mbim_message_new_open(guint32 tid, guint32 max_control_transfer)
{
  GByteArray *b = mbim_message_start(MBIM_MESSAGE_TYPE_OPEN, tid);

  mbim_message_put_u32(b, max_control_transfer);
  return mbim_message_finish(b);
}

GBytes *
mbim_message_new_close(guint32 tid)
{
  return mbim_message_finish(mbim_message_start(MBIM_MESSAGE_TYPE_CLOSE, tid));
}

GBytes *
mbim_message_new_status(guint32 type, guint32 tid, guint32 status)
{
  GByteArray *b = mbim_message_start(type, tid);

  mbim_message_put_u32(b, status);
  return mbim_message_finish(b);
}

static GBytes *
new_command_like(guint32 type, guint32 tid, const guint8 *service, guint32 cid, gboolean has_word,
                 guint32 word, const guint8 *buf, gsize buf_len)
{
  GByteArray *b = mbim_message_start(type, tid);

  mbim_message_put_u32(b, 1); /* total fragments */
  mbim_message_put_u32(b, 0); /* current fragment */
  g_byte_array_append(b, service, 16);
  mbim_message_put_u32(b, cid);
  if (has_word)
    mbim_message_put_u32(b, word);
  mbim_message_put_u32(b, buf_len);
  if (buf_len)
    g_byte_array_append(b, buf, buf_len);
  return mbim_message_finish(b);
}

GBytes *
mbim_message_new_command(guint32 tid, const guint8 *service, guint32 cid, guint32 command_type,
                         const guint8 *buf, gsize buf_len)
{
  return new_command_like(MBIM_MESSAGE_TYPE_COMMAND, tid, service, cid, TRUE, command_type, buf,
                          buf_len);
}

GBytes *
mbim_message_new_command_done(guint32 tid, const guint8 *service, guint32 cid, guint32 status,
                              const guint8 *buf, gsize buf_len)
{
  return new_command_like(MBIM_MESSAGE_TYPE_COMMAND_DONE, tid, service, cid, TRUE, status, buf,
                          buf_len);
}

GBytes *
mbim_message_new_indication(const guint8 *service, guint32 cid, const guint8 *buf, gsize buf_len)
{
  return new_command_like(MBIM_MESSAGE_TYPE_INDICATE_STATUS, 0, service, cid, FALSE, 0, buf,
                          buf_len);
}

const char *
mbim_status_name(guint32 status)
{
  static const char *const names[] = {
    "success",
    "busy",
    "failure",
    "sim-not-inserted",
    "bad-sim",
    "pin-required",
    "pin-disabled",
    "not-registered",
    "providers-not-found",
    "no-device-support",
    "provider-not-visible",
    "data-class-not-available",
    "packet-service-detached",
    "max-activated-contexts",
    "not-initialized",
    "voice-call-in-progress",
    "context-not-activated",
    "service-not-activated",
    "invalid-access-string",
    "invalid-user-name-pwd",
    "radio-power-off",
    "invalid-parameters",
    "read-failure",
    "write-failure",
    "24",
    "no-phonebook",
    "parameter-too-long",
    "stk-busy",
    "operation-not-allowed",
  };

  return status < G_N_ELEMENTS(names) ? names[status] : "unknown-status";
}
