/* Bounded reading of TLV values and the memory of decoded outputs. */
#include "qmi-decode.h"

#include <string.h>

#include "mmd-errors.h"
#include "mmd-text.h"
#include "qmi-error.h"

void
qmi_reader_init(QmiReader *r, const guint8 *data, gsize len)
{
  r->data = data;
  r->len = len;
  r->off = 0;
  r->failed = FALSE;
}

static const guint8 *
take(QmiReader *r, gsize n)
{
  if (r->failed || r->len - r->off < n) {
    r->failed = TRUE;
    return NULL;
  }
  const guint8 *p = r->data + r->off;
  r->off += n;
  return p;
}

gsize
qmi_reader_remaining(const QmiReader *r)
{
  return r->failed ? 0 : r->len - r->off;
}

guint8
qmi_read_u8(QmiReader *r)
{
  const guint8 *p = take(r, 1);
  return p ? p[0] : 0;
}

guint16
qmi_read_u16(QmiReader *r)
{
  const guint8 *p = take(r, 2);
  return p ? (guint16)(p[0] | (p[1] << 8)) : 0;
}

guint32
qmi_read_u32(QmiReader *r)
{
  const guint8 *p = take(r, 4);
  guint32 v = 0;
  for (int i = 3; p && i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

guint64
qmi_read_u64(QmiReader *r)
{
  const guint8 *p = take(r, 8);
  guint64 v = 0;
  for (int i = 7; p && i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

void
qmi_read_fixed(QmiReader *r, guint8 *dest, gsize n)
{
  const guint8 *p = take(r, n);
  if (p)
    memcpy(dest, p, n);
  else
    memset(dest, 0, n);
}

/* Takes ownership of p (g_malloc'd, size bytes) into base, within the budget;
 * frees it and returns NULL past the budget. */
static gpointer
output_own(QmiOutputBase *base, gpointer p, gsize size)
{
  gsize cost = size + QMI_OUTPUT_ALLOC_OVERHEAD;

  if (base->decoded > QMI_OUTPUT_MAX_DECODED || cost > QMI_OUTPUT_MAX_DECODED - base->decoded) {
    g_free(p);
    return NULL;
  }
  base->decoded += cost;
  if (!base->mem)
    base->mem = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(base->mem, p);
  return p;
}

gpointer
qmi_output_alloc(QmiOutputBase *base, gsize size)
{
  if (size > QMI_OUTPUT_MAX_DECODED)
    return NULL;
  return output_own(base, g_malloc0(MAX(size, 1)), size);
}

gpointer
qmi_read_array(QmiReader *r, gsize count, gsize elem_size, gsize min_wire, QmiOutputBase *base)
{
  gpointer p = NULL;

  /* min_wire is at least 1 (the generator checks), so count is bounded by the
   * TLV length and count * elem_size cannot overflow */
  if (!r->failed && count <= qmi_reader_remaining(r) / MAX(min_wire, 1))
    p = qmi_output_alloc(base, count * elem_size);
  if (!p)
    r->failed = TRUE;
  return p;
}

guint8 *
qmi_read_bytes(QmiReader *r, gsize n, QmiOutputBase *base)
{
  const guint8 *p = take(r, n);
  guint8 *copy = p ? qmi_output_alloc(base, n + 1) : NULL;

  if (!copy) {
    r->failed = TRUE;
    return NULL;
  }
  memcpy(copy, p, n);
  return copy;
}

char *
qmi_read_string(QmiReader *r, gsize n, QmiOutputBase *base)
{
  const guint8 *p = take(r, n);
  char *text;

  if (!p)
    return NULL;
  /* invalid bytes become 3-byte replacements: up to three times n */
  text = mmd_text_sanitize((const char *)p, (gssize)n, 3 * n);
  if (!(text = output_own(base, text, strlen(text) + 1)))
    r->failed = TRUE;
  return text;
}

void
qmi_output_base_clear(QmiOutputBase *base)
{
  g_clear_pointer(&base->mem, g_ptr_array_unref);
  base->decoded = 0;
}

gboolean
qmi_output_check_result(QmiOutputBase *base, const QmiMessage *msg, const char *what,
                        GError **error)
{
  base->has_result = qmi_message_get_result(msg, &base->status, &base->error);
  if (!base->has_result) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "%s: response without result", what);
    return FALSE;
  }
  if (base->status != 0) {
    g_propagate_error(error, qmi_protocol_error_to_gerror(base->error, what));
    return FALSE;
  }
  return TRUE;
}
