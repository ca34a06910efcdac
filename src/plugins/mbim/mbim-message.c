/* MBIM control messages: building, parsing, fragmentation, reassembly. */
#include "mbim-message.h"

#include <string.h>

const MbimUuid mbim_uuid_basic_connect = { 0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb, 0x8b, 0x4f,
                                           0xb6, 0xb0, 0x13, 0x3e, 0xc2, 0xaa, 0xe6, 0xdf };
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

static GByteArray *
start_message(guint32 type, guint32 tid)
{
  GByteArray *b = g_byte_array_sized_new(64);
  guint8 h[MBIM_HEADER_SIZE];

  mbim_write_u32(h, type);
  mbim_write_u32(h + 4, 0);
  mbim_write_u32(h + 8, tid);
  g_byte_array_append(b, h, sizeof h);
  return b;
}

static void
put_u32(GByteArray *b, guint32 v)
{
  guint8 x[4];

  mbim_write_u32(x, v);
  g_byte_array_append(b, x, 4);
}

static GBytes *
finish_message(GByteArray *b)
{
  mbim_write_u32(b->data + 4, b->len);
  return g_byte_array_free_to_bytes(b);
}

GBytes *
mbim_message_new_open(guint32 tid, guint32 max_control_transfer)
{
  GByteArray *b = start_message(MBIM_MESSAGE_TYPE_OPEN, tid);

  put_u32(b, max_control_transfer);
  return finish_message(b);
}

GBytes *
mbim_message_new_close(guint32 tid)
{
  return finish_message(start_message(MBIM_MESSAGE_TYPE_CLOSE, tid));
}

GBytes *
mbim_message_new_status(guint32 type, guint32 tid, guint32 status)
{
  GByteArray *b = start_message(type, tid);

  put_u32(b, status);
  return finish_message(b);
}

static GBytes *
new_command_like(guint32 type, guint32 tid, const guint8 *service, guint32 cid, gboolean has_word,
                 guint32 word, const guint8 *buf, gsize buf_len)
{
  GByteArray *b = start_message(type, tid);

  put_u32(b, 1); /* total fragments */
  put_u32(b, 0); /* current fragment */
  g_byte_array_append(b, service, 16);
  put_u32(b, cid);
  if (has_word)
    put_u32(b, word);
  put_u32(b, buf_len);
  if (buf_len)
    g_byte_array_append(b, buf, buf_len);
  return finish_message(b);
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

GPtrArray *
mbim_message_fragment(GBytes *message, guint32 max_transfer)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  gsize len;
  const guint8 *d = g_bytes_get_data(message, &len);
  const gsize hdr = MBIM_HEADER_SIZE + MBIM_FRAGMENT_HEADER_SIZE;
  gsize chunk, payload, total, off;
  guint32 type = 0, tid = 0;

  mbim_header_peek(d, len, &type, NULL, &tid);
  if (max_transfer < MBIM_MIN_CONTROL_TRANSFER)
    max_transfer = MBIM_MIN_CONTROL_TRANSFER;
  if (len <= max_transfer || !mbim_message_type_is_fragmented(type) || len < hdr) {
    g_ptr_array_add(out, g_bytes_ref(message));
    return out;
  }
  payload = len - hdr;
  chunk = max_transfer - hdr;
  total = (payload + chunk - 1) / chunk;
  for (off = 0; off < payload; off += chunk) {
    gsize n = MIN(chunk, payload - off);
    GByteArray *b = start_message(type, tid);

    put_u32(b, total);
    put_u32(b, off / chunk);
    g_byte_array_append(b, d + hdr + off, n);
    g_ptr_array_add(out, finish_message(b));
  }
  return out;
}

struct _MbimReassembler {
  GByteArray *data; /* header + fragment header of the first fragment, then payloads */
  guint32 type;
  guint32 tid;
  guint32 total;
  guint32 next;
};

MbimReassembler *
mbim_reassembler_new(void)
{
  return g_new0(MbimReassembler, 1);
}

void
mbim_reassembler_reset(MbimReassembler *r)
{
  if (r->data)
    g_byte_array_unref(r->data);
  r->data = NULL;
  r->total = r->next = 0;
}

void
mbim_reassembler_free(MbimReassembler *r)
{
  if (!r)
    return;
  mbim_reassembler_reset(r);
  g_free(r);
}

GBytes *
mbim_reassembler_push(MbimReassembler *r, const guint8 *data, gsize len, guint32 *error_tid,
                      GError **error)
{
  const gsize hdr = MBIM_HEADER_SIZE + MBIM_FRAGMENT_HEADER_SIZE;
  guint32 type, length, tid, total, current;

  if (!mbim_header_peek(data, len, &type, &length, &tid) || length != len) {
    *error_tid = tid;
    malformed(error, "fragment length");
    return NULL;
  }
  if (!mbim_message_type_is_fragmented(type) || len < hdr) {
    if (r->data) { /* a complete message in between: drop the partial one */
      *error_tid = r->tid;
      mbim_reassembler_reset(r);
      g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
                  "Fragmented message interrupted");
      return NULL;
    }
    return g_bytes_new(data, len);
  }
  total = mbim_read_u32(data + 12);
  current = mbim_read_u32(data + 16);
  if (!r->data) {
    if (current != 0 || total == 0) {
      *error_tid = tid;
      g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
                  "Fragment %u of %u without a first fragment", current, total);
      return NULL;
    }
    if (total == 1)
      return g_bytes_new(data, len);
    r->data = g_byte_array_sized_new(total * len);
    g_byte_array_append(r->data, data, len);
    r->type = type;
    r->tid = tid;
    r->total = total;
    r->next = 1;
    return NULL;
  }
  if (type != r->type || tid != r->tid || total != r->total || current != r->next) {
    *error_tid = r->tid;
    mbim_reassembler_reset(r);
    g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
                "Fragment %u of %u out of sequence", current, total);
    return NULL;
  }
  g_byte_array_append(r->data, data + hdr, len - hdr);
  if (++r->next < r->total)
    return NULL;
  {
    GByteArray *b = g_steal_pointer(&r->data);

    mbim_write_u32(b->data + 4, b->len);
    mbim_write_u32(b->data + 12, 1);
    mbim_write_u32(b->data + 16, 0);
    mbim_reassembler_reset(r);
    return g_byte_array_free_to_bytes(b);
  }
}
