/* Fragmentation and reassembly of MBIM control messages (see mbim-fragment.h). */
#include "mbim-fragment.h"

#define FRAGMENT_HEADER (MBIM_HEADER_SIZE + MBIM_FRAGMENT_HEADER_SIZE)
/* The most fragments a message under the size limit needs, even split into
 * the smallest transfers the specification allows. */
#define MAX_FRAGMENTS                                                                              \
  ((MBIM_MAX_MESSAGE_SIZE + MBIM_MIN_CONTROL_TRANSFER - FRAGMENT_HEADER - 1)                       \
   / (MBIM_MIN_CONTROL_TRANSFER - FRAGMENT_HEADER))

GPtrArray *
mbim_message_fragment(GBytes *message, guint32 max_transfer)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  gsize len;
  const guint8 *d = g_bytes_get_data(message, &len);
  gsize chunk, payload, total;
  guint32 type = 0, tid = 0;

  mbim_header_peek(d, len, &type, NULL, &tid);
  max_transfer = MAX(max_transfer, MBIM_MIN_CONTROL_TRANSFER);
  if (len <= max_transfer || !mbim_message_type_is_fragmented(type) || len < FRAGMENT_HEADER) {
    g_ptr_array_add(out, g_bytes_ref(message));
    return out;
  }
  payload = len - FRAGMENT_HEADER;
  chunk = max_transfer - FRAGMENT_HEADER;
  total = (payload + chunk - 1) / chunk;
  for (gsize off = 0; off < payload; off += chunk) {
    GByteArray *b = mbim_message_start(type, tid);

    mbim_message_put_u32(b, total);
    mbim_message_put_u32(b, off / chunk);
    g_byte_array_append(b, d + FRAGMENT_HEADER + off, MIN(chunk, payload - off));
    g_ptr_array_add(out, mbim_message_finish(b));
  }
  return out;
}

struct _MbimReassembler {
  GByteArray *data; /* header + fragment header of the first fragment, then payloads */
  guint32 max_transfer;
  guint32 type;
  guint32 tid;
  guint32 total;
  guint32 next;
};

MbimReassembler *
mbim_reassembler_new(guint32 max_transfer)
{
  MbimReassembler *r = g_new0(MbimReassembler, 1);

  mbim_reassembler_set_max_transfer(r, max_transfer);
  return r;
}

void
mbim_reassembler_set_max_transfer(MbimReassembler *r, guint32 max_transfer)
{
  r->max_transfer = CLAMP(max_transfer, MBIM_MIN_CONTROL_TRANSFER, MBIM_MAX_MESSAGE_SIZE);
}

void
mbim_reassembler_reset(MbimReassembler *r)
{
  g_clear_pointer(&r->data, g_byte_array_unref);
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

/* Records why something was dropped; the first reason of a push wins. */
static void
drop(GError **error, guint32 *error_tid, guint32 tid, MbimProtocolError code, const char *why)
{
  if (error && *error)
    return;
  *error_tid = tid;
  g_set_error(error, MBIM_PROTOCOL_ERROR, code, "%s", why);
}

/* Ends the message in progress, if any, because of what arrived. */
static void
drop_partial(MbimReassembler *r, GError **error, guint32 *error_tid)
{
  if (!r->data)
    return;
  drop(error, error_tid, r->tid, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
       "Fragmented message interrupted");
  mbim_reassembler_reset(r);
}

static GBytes *
complete(MbimReassembler *r)
{
  GByteArray *b = g_steal_pointer(&r->data);

  mbim_write_u32(b->data + 4, b->len);
  mbim_write_u32(b->data + 12, 1);
  mbim_write_u32(b->data + 16, 0);
  mbim_reassembler_reset(r);
  return g_byte_array_free_to_bytes(b);
}

static GBytes *
first_fragment(MbimReassembler *r, const guint8 *data, gsize len, guint32 total, guint32 current,
               guint32 *error_tid, GError **error)
{
  guint32 type = mbim_read_u32(data), tid = mbim_read_u32(data + 8);

  if (current != 0 || total == 0 || total > MAX_FRAGMENTS) {
    drop(error, error_tid, tid, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
         "Fragment without a first fragment, or too many fragments");
    return NULL;
  }
  if (total == 1)
    return g_bytes_new(data, len);
  r->data = g_byte_array_sized_new(len);
  g_byte_array_append(r->data, data, len);
  r->type = type;
  r->tid = tid;
  r->total = total;
  r->next = 1;
  return NULL;
}

static GBytes *
next_fragment(MbimReassembler *r, const guint8 *data, gsize len, guint32 total, guint32 current,
              guint32 *error_tid, GError **error)
{
  gsize payload = len - FRAGMENT_HEADER;

  if (mbim_read_u32(data) != r->type || mbim_read_u32(data + 8) != r->tid || total != r->total
      || current != r->next || payload == 0) {
    drop(error, error_tid, r->tid, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE,
         "Fragment out of sequence");
    mbim_reassembler_reset(r);
    return NULL;
  }
  if (r->data->len + payload > MBIM_MAX_MESSAGE_SIZE) {
    drop(error, error_tid, r->tid, MBIM_PROTOCOL_ERROR_MAX_TRANSFER,
         "Fragmented message longer than any message can be");
    mbim_reassembler_reset(r);
    return NULL;
  }
  g_byte_array_append(r->data, data + FRAGMENT_HEADER, payload);
  return ++r->next < r->total ? NULL : complete(r);
}

GBytes *
mbim_reassembler_push(MbimReassembler *r, const guint8 *data, gsize len, guint32 *error_tid,
                      GError **error)
{
  guint32 type = 0, length = 0, tid = 0, total, current;

  *error_tid = 0;
  if (!mbim_header_peek(data, len, &type, &length, &tid) || length != len) {
    drop(error, error_tid, tid, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH,
         "Transfer length does not match its header");
    return NULL;
  }
  if (len > r->max_transfer) {
    drop(error, error_tid, tid, MBIM_PROTOCOL_ERROR_MAX_TRANSFER,
         "Transfer longer than the host allows");
    return NULL;
  }
  if (!mbim_message_type_is_fragmented(type) || len < FRAGMENT_HEADER) {
    drop_partial(r, error, error_tid);
    return g_bytes_new(data, len);
  }
  total = mbim_read_u32(data + 12);
  current = mbim_read_u32(data + 16);
  if (current == 0)
    drop_partial(r, error, error_tid);
  if (!r->data)
    return first_fragment(r, data, len, total, current, error_tid, error);
  return next_fragment(r, data, len, total, current, error_tid, error);
}
