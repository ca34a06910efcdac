/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the QMI TLV encoder and decoder (see sim-qmi.h).
 */
#include "sim-qmi.h"

#include <string.h>

/* ------------------------------------------------------------------------- */
/* encoder */

void
qmi_put_u8(GByteArray *b, guint8 v)
{
  g_byte_array_append(b, &v, 1);
}

void
qmi_put_u16(GByteArray *b, guint16 v)
{
  guint8 x[2] = { v & 0xff, v >> 8 };

  g_byte_array_append(b, x, 2);
}

void
qmi_put_u32(GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append(b, x, 4);
}

void
qmi_put_u64(GByteArray *b, guint64 v)
{
  qmi_put_u32(b, (guint32)v);
  qmi_put_u32(b, (guint32)(v >> 32));
}

void
qmi_put_f32(GByteArray *b, float v)
{
  guint32 bits;

  G_STATIC_ASSERT(sizeof bits == sizeof v);
  memcpy(&bits, &v, sizeof bits);
  qmi_put_u32(b, bits);
}

void
qmi_put_f64(GByteArray *b, double v)
{
  guint64 bits;

  G_STATIC_ASSERT(sizeof bits == sizeof v);
  memcpy(&bits, &v, sizeof bits);
  qmi_put_u64(b, bits);
}

void
qmi_put_bytes(GByteArray *b, const void *p, gsize n)
{
  g_byte_array_append(b, p, n);
}

void
qmi_put_str8(GByteArray *b, const char *s)
{
  gsize n = MIN(strlen(s), 255);

  qmi_put_u8(b, n);
  qmi_put_bytes(b, s, n);
}

gsize
qmi_tlv_open(GByteArray *b, guint8 type)
{
  gsize pos = b->len;

  qmi_put_u8(b, type);
  qmi_put_u16(b, 0);
  return pos;
}

void
qmi_tlv_close(GByteArray *b, gsize pos)
{
  gsize n = b->len - pos - 3;

  b->data[pos + 1] = n & 0xff;
  b->data[pos + 2] = n >> 8;
}

void
qmi_tlv_u8(GByteArray *b, guint8 type, guint8 v)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_u8(b, v);
  qmi_tlv_close(b, t);
}

void
qmi_tlv_u16(GByteArray *b, guint8 type, guint16 v)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_u16(b, v);
  qmi_tlv_close(b, t);
}

void
qmi_tlv_u32(GByteArray *b, guint8 type, guint32 v)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_u32(b, v);
  qmi_tlv_close(b, t);
}

void
qmi_tlv_str(GByteArray *b, guint8 type, const char *s)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_bytes(b, s, strlen(s));
  qmi_tlv_close(b, t);
}

void
qmi_tlv_raw(GByteArray *b, guint8 type, const void *p, gsize n)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_bytes(b, p, n);
  qmi_tlv_close(b, t);
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

gboolean
qmi_cursor_init(QmiCursor *c, const QmiReq *r, guint8 type)
{
  c->p = tlv_find(r, type, &c->n);
  c->ok = c->p != NULL;
  return c->ok;
}

guint8
qmi_cursor_u8(QmiCursor *c)
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

guint16
qmi_cursor_u16(QmiCursor *c)
{
  guint16 lo = qmi_cursor_u8(c);

  return lo | (qmi_cursor_u8(c) << 8);
}

guint32
qmi_cursor_u32(QmiCursor *c)
{
  guint32 lo = qmi_cursor_u16(c);

  return lo | ((guint32)qmi_cursor_u16(c) << 16);
}

char *
qmi_cursor_str8(QmiCursor *c)
{
  guint8 n = qmi_cursor_u8(c);
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

#define DEFINE_GET_INT(bits)                                                                       \
  gboolean qmi_get_u##bits(const QmiReq *r, guint8 type, guint##bits *v)                           \
  {                                                                                                \
    QmiCursor c;                                                                                   \
                                                                                                   \
    if (!qmi_cursor_init(&c, r, type))                                                             \
      return FALSE;                                                                                \
    *v = qmi_cursor_u##bits(&c);                                                                   \
    return c.ok;                                                                                   \
  }

DEFINE_GET_INT(8)
DEFINE_GET_INT(16)
DEFINE_GET_INT(32)

char *
qmi_get_str(const QmiReq *r, guint8 type)
{
  gsize n;
  const guint8 *p = tlv_find(r, type, &n);

  return p ? g_strndup((const char *)p, n) : NULL;
}

void
qmi_describe_u8_01(const QmiReq *r, GString *s)
{
  guint8 v;

  if (qmi_get_u8(r, 0x01, &v))
    g_string_append_printf(s, " value=%u", v);
}
