/* QMUX framing, QMI messages and TLVs. */
#include "qmi-message.h"

#include <string.h>

#include "mmd-errors.h"
#include "qmi-error.h"

struct _QmiMessage {
  gint ref;
  gsize len;
  guint8 data[];
};

/* Offsets into a frame. */
#define OFF_LENGTH 1
#define OFF_QMUX_FLAGS 3
#define OFF_SERVICE 4
#define OFF_CLIENT 5
#define OFF_SDU 6

static gsize
sdu_header_len(guint8 service)
{
  return service == QMI_SERVICE_CTL ? 6 : 7;
}

static guint16
get_le16(const guint8 *p)
{
  return (guint16)(p[0] | (p[1] << 8));
}

const char *
qmi_service_get_name(guint8 service)
{
  switch (service) {
    case QMI_SERVICE_CTL:
      return "CTL";
    case QMI_SERVICE_WDS:
      return "WDS";
    case QMI_SERVICE_DMS:
      return "DMS";
    case QMI_SERVICE_NAS:
      return "NAS";
    case QMI_SERVICE_WMS:
      return "WMS";
    case QMI_SERVICE_VOICE:
      return "VOICE";
    case QMI_SERVICE_UIM:
      return "UIM";
    case QMI_SERVICE_WDA:
      return "WDA";
    default:
      return "unknown";
  }
}

gssize
qmi_frame_check(const guint8 *buf, gsize avail)
{
  if (avail == 0)
    return 0;
  if (buf[0] != QMI_FRAME_MARKER)
    return -1;
  if (avail < OFF_SDU)
    return 0;
  gsize total = (gsize)get_le16(buf + OFF_LENGTH) + 1;
  gsize hdr = OFF_SDU + sdu_header_len(buf[OFF_SERVICE]);
  if (total < hdr)
    return -1;
  /* the SDU's own length must agree before waiting for the rest: a stray
   * marker in noise must not hold back the frames after it */
  if (avail < hdr)
    return 0;
  if (hdr + get_le16(buf + hdr - 2) != total)
    return -1;
  if (avail < total)
    return 0;
  return (gssize)total;
}

static gboolean
tlvs_valid(const guint8 *tlvs, gsize len)
{
  gsize off = 0;
  while (off < len) {
    if (len - off < 3)
      return FALSE;
    gsize vlen = get_le16(tlvs + off + 1);
    if (len - off - 3 < vlen)
      return FALSE;
    off += 3 + vlen;
  }
  return TRUE;
}

void
qmi_framer_init(QmiFramer *framer)
{
  framer->buf = g_byte_array_new();
}

void
qmi_framer_clear(QmiFramer *framer)
{
  if (framer->buf && framer->buf->len)
    memset(framer->buf->data, 0, framer->buf->len);
  g_clear_pointer(&framer->buf, g_byte_array_unref);
}

void
qmi_framer_push(QmiFramer *framer, const guint8 *data, gsize len)
{
  g_byte_array_append(framer->buf, data, len);
}

QmiMessage *
qmi_framer_next(QmiFramer *framer, gsize *out_dropped)
{
  gsize dropped = 0;
  QmiMessage *msg = NULL;

  while (framer->buf->len > 0 && !msg) {
    gssize n = qmi_frame_check(framer->buf->data, framer->buf->len);
    if (n == 0)
      break;
    if (n < 0) {
      /* resynchronize on the next marker */
      gsize skip = 1;
      while (skip < framer->buf->len && framer->buf->data[skip] != QMI_FRAME_MARKER)
        skip++;
      g_byte_array_remove_range(framer->buf, 0, skip);
      dropped += skip;
      continue;
    }
    msg = qmi_message_new_from_frame(framer->buf->data, n, NULL);
    if (!msg)
      dropped += n;
    g_byte_array_remove_range(framer->buf, 0, n);
  }
  if (out_dropped)
    *out_dropped = dropped;
  return msg;
}

static QmiMessage *
message_alloc(gsize len)
{
  QmiMessage *self = g_malloc(sizeof(QmiMessage) + len);
  self->ref = 1;
  self->len = len;
  return self;
}

QmiMessage *
qmi_message_new_from_frame(const guint8 *frame, gsize len, GError **error)
{
  if (qmi_frame_check(frame, len) != (gssize)len) {
    g_set_error(error, QMI_CODEC_ERROR, QMI_CODEC_ERROR_MALFORMED, "Invalid QMUX frame");
    return NULL;
  }
  gsize hdr = OFF_SDU + sdu_header_len(frame[OFF_SERVICE]);
  gsize tlv_len = get_le16(frame + hdr - 2);
  if (hdr + tlv_len != len || !tlvs_valid(frame + hdr, tlv_len)) {
    g_set_error(error, QMI_CODEC_ERROR, QMI_CODEC_ERROR_MALFORMED,
                "Invalid TLV area in QMI message (%zu bytes declared, %zu present)", tlv_len,
                len - hdr);
    return NULL;
  }
  QmiMessage *self = message_alloc(len);
  memcpy(self->data, frame, len);
  return self;
}

static guint8
sdu_flags_for(guint8 service, QmiMessageKind kind)
{
  switch (kind) {
    case QMI_MESSAGE_KIND_RESPONSE:
      return service == QMI_SERVICE_CTL ? 0x01 : 0x02;
    case QMI_MESSAGE_KIND_INDICATION:
      return service == QMI_SERVICE_CTL ? 0x02 : 0x04;
    case QMI_MESSAGE_KIND_REQUEST:
    default:
      return 0x00;
  }
}

QmiMessage *
qmi_message_new(guint8 service, guint8 client_id, QmiMessageKind kind, guint16 transaction_id,
                guint16 message_id, const guint8 *tlvs, gsize tlvs_len)
{
  gsize hdr = OFF_SDU + sdu_header_len(service);
  g_return_val_if_fail(hdr + tlvs_len <= QMI_MAX_FRAME_LEN - 1, NULL);
  QmiMessage *self = message_alloc(hdr + tlvs_len);
  guint8 *p = self->data;
  gsize length_field = self->len - 1;
  p[0] = QMI_FRAME_MARKER;
  p[OFF_LENGTH] = length_field & 0xFF;
  p[OFF_LENGTH + 1] = (length_field >> 8) & 0xFF;
  p[OFF_QMUX_FLAGS] = kind == QMI_MESSAGE_KIND_REQUEST ? 0x00 : 0x80;
  p[OFF_SERVICE] = service;
  p[OFF_CLIENT] = client_id;
  p += OFF_SDU;
  *p++ = sdu_flags_for(service, kind);
  *p++ = transaction_id & 0xFF;
  if (service != QMI_SERVICE_CTL)
    *p++ = (transaction_id >> 8) & 0xFF;
  *p++ = message_id & 0xFF;
  *p++ = (message_id >> 8) & 0xFF;
  *p++ = tlvs_len & 0xFF;
  *p++ = (tlvs_len >> 8) & 0xFF;
  if (tlvs_len)
    memcpy(p, tlvs, tlvs_len);
  return self;
}

QmiMessage *
qmi_message_ref(QmiMessage *self)
{
  g_atomic_int_inc(&self->ref);
  return self;
}

void
qmi_message_unref(QmiMessage *self)
{
  if (self && g_atomic_int_dec_and_test(&self->ref)) {
    memset(self->data, 0, self->len); /* requests may carry PINs */
    g_free(self);
  }
}

const guint8 *
qmi_message_get_raw(const QmiMessage *self, gsize *out_len)
{
  *out_len = self->len;
  return self->data;
}

guint8
qmi_message_get_service(const QmiMessage *self)
{
  return self->data[OFF_SERVICE];
}

guint8
qmi_message_get_client_id(const QmiMessage *self)
{
  return self->data[OFF_CLIENT];
}

QmiMessageKind
qmi_message_get_kind(const QmiMessage *self)
{
  guint8 flags = self->data[OFF_SDU];
  if (qmi_message_get_service(self) == QMI_SERVICE_CTL) {
    if (flags & 0x02)
      return QMI_MESSAGE_KIND_INDICATION;
    if (flags & 0x01)
      return QMI_MESSAGE_KIND_RESPONSE;
  } else {
    if (flags & 0x04)
      return QMI_MESSAGE_KIND_INDICATION;
    if (flags & 0x02)
      return QMI_MESSAGE_KIND_RESPONSE;
  }
  return QMI_MESSAGE_KIND_REQUEST;
}

guint16
qmi_message_get_transaction_id(const QmiMessage *self)
{
  if (qmi_message_get_service(self) == QMI_SERVICE_CTL)
    return self->data[OFF_SDU + 1];
  return get_le16(self->data + OFF_SDU + 1);
}

guint16
qmi_message_get_message_id(const QmiMessage *self)
{
  return get_le16(self->data + OFF_SDU + sdu_header_len(qmi_message_get_service(self)) - 4);
}

const guint8 *
qmi_message_get_tlvs(const QmiMessage *self, gsize *out_len)
{
  gsize hdr = OFF_SDU + sdu_header_len(qmi_message_get_service(self));
  *out_len = self->len - hdr;
  return self->data + hdr;
}

gboolean
qmi_message_next_tlv(const QmiMessage *self, gsize *offset, guint8 *out_type,
                     const guint8 **out_value, guint16 *out_len)
{
  gsize len;
  const guint8 *tlvs = qmi_message_get_tlvs(self, &len);
  if (*offset + 3 > len)
    return FALSE;
  const guint8 *p = tlvs + *offset;
  guint16 vlen = get_le16(p + 1);
  if (*offset + 3 + vlen > len)
    return FALSE;
  *out_type = p[0];
  *out_value = p + 3;
  *out_len = vlen;
  *offset += 3 + (gsize)vlen;
  return TRUE;
}

void
qmi_tlv_iter_init(QmiTlvIter *it)
{
  memset(it, 0, sizeof(*it));
}

gboolean
qmi_tlv_iter_next(const QmiMessage *self, QmiTlvIter *it, guint8 *out_type,
                  const guint8 **out_value, guint16 *out_len)
{
  while (qmi_message_next_tlv(self, &it->offset, out_type, out_value, out_len)) {
    guint32 bit = 1u << (*out_type % 32);
    guint32 *word = &it->seen[*out_type / 32];

    if (!(*word & bit)) {
      *word |= bit;
      return TRUE;
    }
    it->repeated++;
  }
  return FALSE;
}

const guint8 *
qmi_message_get_tlv(const QmiMessage *self, guint8 type, guint16 *out_len)
{
  gsize off = 0;
  guint8 t;
  const guint8 *v;
  guint16 l;
  while (qmi_message_next_tlv(self, &off, &t, &v, &l)) {
    if (t == type) {
      *out_len = l;
      return v;
    }
  }
  return NULL;
}

gboolean
qmi_message_get_result(const QmiMessage *self, guint16 *out_status, guint16 *out_error)
{
  guint16 len = 0;
  const guint8 *v = qmi_message_get_tlv(self, QMI_TLV_RESULT, &len);
  if (!v || len < 4)
    return FALSE;
  *out_status = get_le16(v);
  *out_error = get_le16(v + 2);
  return TRUE;
}

static void
append_value(GString *s, const guint8 *v, guint16 len)
{
  gboolean printable = len > 0;
  for (guint16 i = 0; i < len && printable; i++)
    printable = g_ascii_isprint(v[i]);
  if (printable) {
    g_string_append_c(s, '"');
    g_string_append_len(s, (const char *)v, len);
    g_string_append_c(s, '"');
    return;
  }
  guint16 shown = MIN(len, 48);
  for (guint16 i = 0; i < shown; i++)
    g_string_append_printf(s, "%02x", v[i]);
  if (shown < len)
    g_string_append(s, "...");
}

char *
qmi_message_describe(const QmiMessage *self)
{
  guint8 service = qmi_message_get_service(self);
  guint16 id = qmi_message_get_message_id(self);
  QmiMessageKind kind = qmi_message_get_kind(self);
  const QmiMessageInfo *info
      = qmi_message_info_lookup(service, id, kind == QMI_MESSAGE_KIND_INDICATION);
  static const char *const kinds[] = { "request", "response", "indication" };
  GString *s = g_string_new(NULL);

  g_string_append_printf(s, "%s %s (0x%04x) %s cid=%u tid=%u", qmi_service_get_name(service),
                         info ? qmi_message_info_get_name(info) : "unknown", id, kinds[kind],
                         qmi_message_get_client_id(self), qmi_message_get_transaction_id(self));
  gsize off = 0;
  guint8 t;
  const guint8 *v;
  guint16 l;
  while (qmi_message_next_tlv(self, &off, &t, &v, &l)) {
    if (t == QMI_TLV_RESULT && kind == QMI_MESSAGE_KIND_RESPONSE && l >= 4) {
      guint16 status = get_le16(v), err = get_le16(v + 2);
      if (status == 0)
        g_string_append(s, " result=success");
      else
        g_string_append_printf(s, " result=failure(%s)", qmi_protocol_error_get_name(err));
      continue;
    }
    const QmiTlvInfo *ti
        = info ? qmi_message_info_find_tlv(info, kind == QMI_MESSAGE_KIND_REQUEST, t) : NULL;
    g_string_append_printf(s, " [0x%02x", t);
    if (ti)
      g_string_append_printf(s, " %s", qmi_message_names + ti->name);
    g_string_append(s, "]=");
    if (ti && ti->secret)
      g_string_append(s, "<hidden>");
    else if (!ti && kind == QMI_MESSAGE_KIND_REQUEST)
      g_string_append_printf(s, "<%u bytes>", l); /* unknown request TLVs could be secret */
    else
      append_value(s, v, l);
  }
  return g_string_free(s, FALSE);
}

void
qmi_put_u8(GByteArray *buf, guint8 v)
{
  g_byte_array_append(buf, &v, 1);
}

void
qmi_put_u16(GByteArray *buf, guint16 v)
{
  guint8 b[2] = { v & 0xFF, v >> 8 };
  g_byte_array_append(buf, b, 2);
}

void
qmi_put_u32(GByteArray *buf, guint32 v)
{
  guint8 b[4];
  for (int i = 0; i < 4; i++)
    b[i] = (v >> (8 * i)) & 0xFF;
  g_byte_array_append(buf, b, 4);
}

void
qmi_put_u64(GByteArray *buf, guint64 v)
{
  guint8 b[8];
  for (int i = 0; i < 8; i++)
    b[i] = (v >> (8 * i)) & 0xFF;
  g_byte_array_append(buf, b, 8);
}

void
qmi_put_bytes(GByteArray *buf, const void *data, gsize len)
{
  if (len)
    g_byte_array_append(buf, data, len);
}

gsize
qmi_tlv_begin(GByteArray *buf, guint8 type)
{
  gsize start = buf->len;
  guint8 hdr[3] = { type, 0, 0 };
  g_byte_array_append(buf, hdr, 3);
  return start;
}

void
qmi_tlv_end(GByteArray *buf, gsize start)
{
  gsize vlen = buf->len - start - 3;
  g_return_if_fail(vlen <= 0xFFFF);
  buf->data[start + 1] = vlen & 0xFF;
  buf->data[start + 2] = (vlen >> 8) & 0xFF;
}

void
qmi_tlvs_free(GByteArray *tlvs)
{
  if (!tlvs)
    return;
  if (tlvs->len)
    memset(tlvs->data, 0, tlvs->len);
  g_byte_array_unref(tlvs);
}
