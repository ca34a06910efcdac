/* The reader and writer of MBIM information buffers (see mbim-buffer.h). */
#include "mbim-buffer.h"

#include <gio/gio.h>
#include <stddef.h>
#include <string.h>

/* What a decoder may allocate, per byte of buffer. Decoding never needs more
 * than about twice the buffer (UTF-16 text grows by half as UTF-8, pointers
 * replace the references they decode); past this, something is counted twice. */
#define BUDGET_PER_BYTE 4
#define BUDGET_BASE 1024

char *
mbim_ip_to_string(const guint8 *addr, gsize n)
{
  g_autoptr(GInetAddress) a
      = g_inet_address_new_from_bytes(addr, n == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

  return g_inet_address_to_string(a);
}

/* ---- decoded results: one chain of blocks, the structure in the first ---- */

typedef struct _Block {
  struct _Block *next;
} Block;

/* Block headers are padded so that what follows is aligned for any type. */
#define ALIGNED(n)                                                                                 \
  (((n) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t))
#define HEAD_SIZE ALIGNED(sizeof(Block))

static gpointer
block_data(Block *b)
{
  return (guint8 *)b + HEAD_SIZE;
}

static Block *
block_of(gpointer data)
{
  return (Block *)((guint8 *)data - HEAD_SIZE);
}

gpointer
mbim_decoded_new0(gsize size)
{
  Block *b = g_malloc0(HEAD_SIZE + size);

  return block_data(b);
}

void
mbim_decoded_free(gpointer decoded)
{
  Block *b = decoded ? block_of(decoded) : NULL;

  while (b) {
    Block *next = b->next;

    g_free(b);
    b = next;
  }
}

/* ---- reading ---- */

static void
fail(MbimReader *r, const char *field, const char *problem)
{
  if (r->problem)
    return;
  r->field = field;
  r->problem = problem;
}

/* Memory owned by the result, charged to the budget; NULL (and failure)
 * once the budget is spent. */
static gpointer
take_memory(MbimReader *r, gsize size, const char *field)
{
  Block *b;
  Block *head;

  if (r->problem)
    return NULL;
  if (size > r->budget) {
    fail(r, field, "decodes to more than the buffer can hold");
    return NULL;
  }
  r->budget -= size;
  b = g_malloc0(HEAD_SIZE + size);
  head = block_of(r->result);
  b->next = head->next;
  head->next = b;
  return block_data(b);
}

/* Whether [start, start + size) is inside the buffer, without overflow. */
static gboolean
inside(const MbimReader *r, guint64 start, guint64 size)
{
  return start <= r->len && size <= r->len - start;
}

void
mbim_reader_init(MbimReader *r, const guint8 *buf, gsize len, gsize result_size)
{
  memset(r, 0, sizeof *r);
  r->buf = buf;
  r->len = buf ? len : 0;
  r->budget = BUDGET_BASE + BUDGET_PER_BYTE * r->len;
  r->result = mbim_decoded_new0(result_size);
  r->spans = g_array_new(FALSE, FALSE, sizeof(MbimSpan));
}

gboolean
mbim_reader_ok(const MbimReader *r)
{
  return r->problem == NULL;
}

void
mbim_reader_claim(MbimReader *r, gsize start, gsize end)
{
  MbimSpan s = { start, end };

  if (!r->problem && end > start)
    g_array_append_val(r->spans, s);
}

static int
span_compare(gconstpointer a, gconstpointer b)
{
  const MbimSpan *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

static void
check_spans(MbimReader *r)
{
  MbimSpan *s;

  if (r->problem || r->spans->len < 2)
    return;
  g_array_sort(r->spans, span_compare);
  s = (MbimSpan *)(gpointer)r->spans->data;
  for (guint i = 1; i < r->spans->len; i++) {
    if (s[i].start < s[i - 1].end) {
      fail(r, NULL, "two references share bytes");
      return;
    }
  }
}

gpointer
mbim_reader_finish(MbimReader *r, const char *what, GError **error)
{
  gpointer result = g_steal_pointer(&r->result);

  check_spans(r);
  g_array_unref(r->spans);
  r->spans = NULL;
  if (!r->problem)
    return result;
  mbim_decoded_free(result);
  g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH,
              "Malformed %s: %s%s%s", what, r->field ? r->field : "", r->field ? ": " : "",
              r->problem);
  return NULL;
}

/* The n bytes of the fixed part at *pos, or NULL (and failure). */
static const guint8 *
fixed_bytes(MbimReader *r, gsize *pos, gsize n, const char *field)
{
  const guint8 *p;

  if (r->problem)
    return NULL;
  if (!inside(r, *pos, n)) {
    fail(r, field, "past the end of the buffer");
    return NULL;
  }
  p = r->buf + *pos;
  *pos += n;
  return p;
}

guint16
mbim_reader_u16(MbimReader *r, gsize *pos, const char *field)
{
  const guint8 *p = fixed_bytes(r, pos, 2, field);

  return p ? (guint16)(p[0] | p[1] << 8) : 0;
}

guint32
mbim_reader_u32(MbimReader *r, gsize *pos, const char *field)
{
  const guint8 *p = fixed_bytes(r, pos, 4, field);

  return p ? mbim_read_u32(p) : 0;
}

guint64
mbim_reader_u64(MbimReader *r, gsize *pos, const char *field)
{
  const guint8 *p = fixed_bytes(r, pos, 8, field);

  return p ? mbim_read_u32(p) | (guint64)mbim_read_u32(p + 4) << 32 : 0;
}

void
mbim_reader_fixed(MbimReader *r, gsize *pos, guint8 *out, gsize n, const char *field)
{
  const guint8 *p = fixed_bytes(r, pos, n, field);

  if (p)
    memcpy(out, p, n);
}

/* The bytes an offset (relative to base) and a size refer to, claimed; NULL
 * (and failure) when they are not all inside the buffer. */
static const guint8 *
referenced(MbimReader *r, gsize base, guint32 offset, guint64 size, const char *field)
{
  guint64 start = (guint64)base + offset;

  if (r->problem)
    return NULL;
  if (!inside(r, start, size)) {
    fail(r, field, "refers outside the buffer");
    return NULL;
  }
  mbim_reader_claim(r, start, start + size);
  return r->buf + start;
}

/* UTF-16LE to UTF-8. Unpaired surrogates become U+FFFD, so the text is
 * valid whatever the modem sent; a NUL ends it (some devices count one). */
static void
utf16le_to_utf8(const guint8 *p, gsize units, char *out)
{
  gsize o = 0;

  for (gsize i = 0; i < units; i++) {
    gunichar c = p[2 * i] | (p[2 * i + 1] << 8);

    if (c == 0)
      break;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
      gunichar low = p[2 * i + 2] | (p[2 * i + 3] << 8);

      if (low >= 0xdc00 && low < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000)
      c = 0xfffd;
    o += g_unichar_to_utf8(c, out + o);
  }
  out[o] = '\0';
}

const char *
mbim_reader_string(MbimReader *r, gsize base, gsize *pos, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  guint32 size = mbim_reader_u32(r, pos, field);
  const guint8 *p;
  char *s;

  if (r->problem || size == 0)
    return "";
  if (size % 2) {
    fail(r, field, "UTF-16 text of an odd number of bytes");
    return "";
  }
  if (!(p = referenced(r, base, offset, size, field)))
    return "";
  /* at most 3 bytes of UTF-8 per UTF-16 unit (a pair of 2 units makes 4) */
  if (!(s = take_memory(r, (gsize)size / 2 * 3 + 1, field)))
    return "";
  utf16le_to_utf8(p, size / 2, s);
  return s;
}

const guint8 *
mbim_reader_bytes(MbimReader *r, gsize base, gsize *pos, guint32 *out_len, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  guint32 size = mbim_reader_u32(r, pos, field);
  const guint8 *p;
  guint8 *copy;

  *out_len = 0;
  if (r->problem || size == 0)
    return NULL;
  if (!(p = referenced(r, base, offset, size, field)) || !(copy = take_memory(r, size, field)))
    return NULL;
  memcpy(copy, p, size);
  *out_len = size;
  return copy;
}

gconstpointer
mbim_reader_ref_fixed(MbimReader *r, gsize base, gsize *pos, gsize n, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  const guint8 *p;
  guint8 *copy;

  if (r->problem || offset == 0)
    return NULL;
  if (!(p = referenced(r, base, offset, n, field)) || !(copy = take_memory(r, n, field)))
    return NULL;
  memcpy(copy, p, n);
  return copy;
}

gpointer
mbim_reader_fixed_array(MbimReader *r, gsize base, gsize *pos, guint32 count, gsize n,
                        const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  const guint8 *p;
  guint8 *copy;

  if (r->problem || count == 0)
    return NULL;
  if (!(p = referenced(r, base, offset, (guint64)count * n, field))
      || !(copy = take_memory(r, (gsize)count * n, field)))
    return NULL;
  memcpy(copy, p, (gsize)count * n);
  return copy;
}

/* Room for count references of 8 bytes at pos, checked before anything is
 * allocated for them. */
static gboolean
room_for_references(MbimReader *r, gsize pos, guint32 count, const char *field)
{
  if (r->problem)
    return FALSE;
  if (!inside(r, pos, (guint64)count * 8)) {
    fail(r, field, "more elements than the buffer holds");
    return FALSE;
  }
  return TRUE;
}

const char **
mbim_reader_string_array(MbimReader *r, gsize base, gsize *pos, guint32 count, const char *field)
{
  const char **v;

  if (count == 0 || !room_for_references(r, *pos, count, field))
    return NULL;
  if (!(v = take_memory(r, (gsize)count * sizeof *v, field)))
    return NULL;
  for (guint32 i = 0; i < count; i++)
    v[i] = mbim_reader_string(r, base, pos, field);
  return v;
}

gpointer
mbim_reader_ref_array(MbimReader *r, gsize pos, guint32 count, gsize c_size, const char *field)
{
  if (count == 0 || !room_for_references(r, pos, count, field))
    return NULL;
  return take_memory(r, (gsize)count * c_size, field);
}

gsize
mbim_reader_element(MbimReader *r, gsize base, gsize *pos, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  guint32 size = mbim_reader_u32(r, pos, field);
  guint64 start = (guint64)base + offset;

  if (r->problem)
    return 0;
  /* The element's own fixed part and references are claimed as it is read. */
  if (!inside(r, start, size)) {
    fail(r, field, "element outside the buffer");
    return 0;
  }
  return start;
}

gpointer
mbim_reader_packed_array(MbimReader *r, gsize base, gsize *pos, guint32 count, gsize wire_size,
                         gsize c_size, gsize *start, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);

  *start = 0;
  if (r->problem || count == 0)
    return NULL;
  if (!inside(r, (guint64)base + offset, (guint64)count * wire_size)) {
    fail(r, field, "more elements than the buffer holds");
    return NULL;
  }
  *start = base + offset;
  return take_memory(r, (gsize)count * c_size, field);
}

gpointer
mbim_reader_counted_array(MbimReader *r, gsize base, gsize *pos, gsize wire_size, gsize c_size,
                          guint32 *count, gsize *start, const char *field)
{
  guint32 offset = mbim_reader_u32(r, pos, field);
  guint32 size = mbim_reader_u32(r, pos, field);
  guint64 at = (guint64)base + offset;

  *count = 0;
  *start = 0;
  if (r->problem || size == 0)
    return NULL;
  if (size < 4 || !inside(r, at, size)) {
    fail(r, field, "refers outside the buffer");
    return NULL;
  }
  *count = mbim_read_u32(r->buf + at);
  if ((guint64)*count * wire_size > size - 4) {
    fail(r, field, "more elements than the buffer holds");
    *count = 0;
    return NULL;
  }
  /* the count is claimed here, each element's fixed part as it is read */
  mbim_reader_claim(r, at, at + 4);
  *start = at + 4;
  return *count ? take_memory(r, (gsize)*count * c_size, field) : NULL;
}

/* ---- writing ---- */

static const guint8 zeros[4];

void
mbim_writer_init(MbimWriter *w, gsize fixed_size)
{
  w->fixed = g_byte_array_sized_new(fixed_size);
  w->var = g_byte_array_new();
  w->fixed_size = fixed_size;
}

GBytes *
mbim_writer_finish(MbimWriter *w)
{
  GByteArray *all = g_steal_pointer(&w->fixed);

  g_assert(all->len == w->fixed_size);
  g_byte_array_append(all, w->var->data, w->var->len);
  g_byte_array_unref(g_steal_pointer(&w->var));
  return g_byte_array_free_to_bytes(all);
}

void
mbim_writer_u16(MbimWriter *w, guint16 v)
{
  guint8 x[2] = { v & 0xff, v >> 8 };

  g_byte_array_append(w->fixed, x, 2);
}

void
mbim_writer_u32(MbimWriter *w, guint32 v)
{
  guint8 x[4];

  mbim_write_u32(x, v);
  g_byte_array_append(w->fixed, x, 4);
}

void
mbim_writer_u64(MbimWriter *w, guint64 v)
{
  mbim_writer_u32(w, v & 0xffffffff);
  mbim_writer_u32(w, v >> 32);
}

void
mbim_writer_fixed(MbimWriter *w, const guint8 *data, gsize n)
{
  g_byte_array_append(w->fixed, data, n);
}

/* Appends data to the variable part, padded to 4 bytes; returns its offset. */
static guint32
append_var(MbimWriter *w, const guint8 *data, gsize n)
{
  guint32 offset = w->fixed_size + w->var->len;

  g_byte_array_append(w->var, data, n);
  if (w->var->len % 4)
    g_byte_array_append(w->var, zeros, 4 - w->var->len % 4);
  return offset;
}

void
mbim_writer_bytes(MbimWriter *w, const guint8 *data, gsize n)
{
  mbim_writer_u32(w, n ? append_var(w, data, n) : 0);
  mbim_writer_u32(w, n);
}

void
mbim_writer_offset(MbimWriter *w, const guint8 *data, gsize n)
{
  mbim_writer_u32(w, data && n ? append_var(w, data, n) : 0);
}

void
mbim_writer_string(MbimWriter *w, const char *s)
{
  glong units = 0;
  g_autofree gunichar2 *u = s && *s ? g_utf8_to_utf16(s, -1, NULL, &units, NULL) : NULL;
  g_autofree guint8 *le = NULL;

  if (!u || units == 0) {
    mbim_writer_bytes(w, NULL, 0);
    return;
  }
  le = g_new(guint8, units * 2);
  for (glong i = 0; i < units; i++) {
    le[2 * i] = u[i] & 0xff;
    le[2 * i + 1] = u[i] >> 8;
  }
  mbim_writer_bytes(w, le, units * 2);
}
