/* The generic QMI encoder and decoder, driven by the generated descriptors. */
#include "qmi-tlv-codec.h"

#include <string.h>

static guint64
prefix_max(guint prefix)
{
  return prefix >= 4 ? G_MAXUINT32 : (G_GUINT64_CONSTANT(1) << (8 * prefix)) - 1;
}

/* Struct members are written through memcpy: the descriptors know sizes and
 * offsets, not C types. */
static guint
load_count(const guint8 *container, const QmiFieldDesc *f)
{
  guint n;
  memcpy(&n, container + f->count_offset, sizeof(n));
  return n;
}

static gconstpointer
load_pointer(const guint8 *container, const QmiFieldDesc *f)
{
  gconstpointer p;
  memcpy(&p, container + f->offset, sizeof(p));
  return p;
}

static void
store_pointer(guint8 *container, const QmiFieldDesc *f, gconstpointer p)
{
  memcpy(container + f->offset, &p, sizeof(p));
}

static void
store_count(guint8 *container, const QmiFieldDesc *f, guint n)
{
  memcpy(container + f->count_offset, &n, sizeof(n));
}

/* ---- encoding ---- */

static void
put_int(GByteArray *b, const guint8 *src, guint size)
{
  guint8 v8;
  guint16 v16;
  guint32 v32;
  guint64 v64;

  switch (size) {
    case 1:
      memcpy(&v8, src, 1);
      qmi_put_u8(b, v8);
      break;
    case 2:
      memcpy(&v16, src, 2);
      qmi_put_u16(b, v16);
      break;
    case 4:
      memcpy(&v32, src, 4);
      qmi_put_u32(b, v32);
      break;
    default:
      memcpy(&v64, src, 8);
      qmi_put_u64(b, v64);
      break;
  }
}

/* A length or count prefix, cut to what it can say: returns what was written. */
static guint64
put_prefix(GByteArray *b, guint prefix, guint64 n)
{
  n = MIN(n, prefix_max(prefix));
  if (prefix == 1)
    qmi_put_u8(b, (guint8)n);
  else if (prefix == 2)
    qmi_put_u16(b, (guint16)n);
  else if (prefix == 4)
    qmi_put_u32(b, (guint32)n);
  return n;
}

static void encode_value(const QmiFieldDesc *f, const guint8 *container, GByteArray *b);

static void
encode_array(const QmiFieldDesc *f, const guint8 *container, GByteArray *b)
{
  const QmiFieldDesc *elem = &qmi_field_descs[f->link];
  const guint8 *elements = load_pointer(container, f);
  guint64 n = put_prefix(b, f->prefix, load_count(container, f));

  for (guint64 i = 0; i < n; i++)
    encode_value(elem, elements + i * elem->size, b);
}

static void
encode_value(const QmiFieldDesc *f, const guint8 *container, GByteArray *b)
{
  const char *text;
  gsize n;

  switch (f->kind) {
    case QMI_FIELD_INT:
      put_int(b, container + f->offset, f->size);
      break;
    case QMI_FIELD_STRING:
      text = load_pointer(container, f);
      n = text ? strlen(text) : 0;
      if (f->prefix)
        n = put_prefix(b, f->prefix, n);
      qmi_put_bytes(b, text, n);
      break;
    case QMI_FIELD_BYTES:
      n = load_count(container, f);
      if (f->prefix)
        n = put_prefix(b, f->prefix, n);
      qmi_put_bytes(b, load_pointer(container, f), n);
      break;
    case QMI_FIELD_FIXED:
      qmi_put_bytes(b, container + f->offset, f->size);
      break;
    case QMI_FIELD_STRUCT:
      for (guint i = 0; i < f->n_members; i++)
        encode_value(&qmi_field_descs[f->link + i], container, b);
      break;
    default:
      encode_array(f, container, b);
      break;
  }
}

static gboolean
tlv_present(const QmiTlvInfo *ti, const guint8 *container)
{
  gboolean has;

  if (ti->has_offset == QMI_TLV_NO_HAS)
    return load_pointer(container, &qmi_field_descs[ti->field]) != NULL;
  memcpy(&has, container + ti->has_offset, sizeof(has));
  return has;
}

GByteArray *
qmi_tlv_encode(const QmiMessageInfo *info, gconstpointer in)
{
  GByteArray *b = g_byte_array_new();

  for (guint i = info->input; i < info->input + info->n_input; i++) {
    const QmiTlvInfo *ti = &qmi_tlv_infos[i];
    if (!tlv_present(ti, in))
      continue;
    gsize start = qmi_tlv_begin(b, ti->type);
    encode_value(&qmi_field_descs[ti->field], in, b);
    qmi_tlv_end(b, start);
  }
  return b;
}

/* ---- decoding ---- */

static void
read_int(QmiReader *r, guint8 *dest, guint size)
{
  guint8 v8;
  guint16 v16;
  guint32 v32;
  guint64 v64;

  switch (size) {
    case 1:
      v8 = qmi_read_u8(r);
      memcpy(dest, &v8, 1);
      break;
    case 2:
      v16 = qmi_read_u16(r);
      memcpy(dest, &v16, 2);
      break;
    case 4:
      v32 = qmi_read_u32(r);
      memcpy(dest, &v32, 4);
      break;
    default:
      v64 = qmi_read_u64(r);
      memcpy(dest, &v64, 8);
      break;
  }
}

/* A length or count; without a prefix, the bytes left in the TLV. */
static gsize
read_prefix(QmiReader *r, guint prefix)
{
  if (prefix == 1)
    return qmi_read_u8(r);
  if (prefix == 2)
    return qmi_read_u16(r);
  if (prefix == 4)
    return qmi_read_u32(r);
  return qmi_reader_remaining(r);
}

static void decode_value(const QmiFieldDesc *f, guint8 *container, QmiReader *r,
                         QmiOutputBase *base);

static void
decode_array(const QmiFieldDesc *f, guint8 *container, QmiReader *r, QmiOutputBase *base)
{
  const QmiFieldDesc *elem = &qmi_field_descs[f->link];
  guint n = (guint)read_prefix(r, f->prefix);
  guint8 *elements = qmi_read_array(r, n, elem->size, f->min_wire, base);

  store_count(container, f, n);
  store_pointer(container, f, elements);
  for (guint i = 0; i < n && !r->failed; i++)
    decode_value(elem, elements + (gsize)i * elem->size, r, base);
}

static void
decode_value(const QmiFieldDesc *f, guint8 *container, QmiReader *r, QmiOutputBase *base)
{
  guint n;

  switch (f->kind) {
    case QMI_FIELD_INT:
      read_int(r, container + f->offset, f->size);
      break;
    case QMI_FIELD_STRING:
      n = (guint)read_prefix(r, f->prefix);
      store_pointer(container, f, qmi_read_string(r, n, base));
      break;
    case QMI_FIELD_BYTES:
      n = (guint)read_prefix(r, f->prefix);
      store_count(container, f, n);
      store_pointer(container, f, qmi_read_bytes(r, n, base));
      break;
    case QMI_FIELD_FIXED:
      qmi_read_fixed(r, container + f->offset, f->size);
      break;
    case QMI_FIELD_STRUCT:
      for (guint i = 0; i < f->n_members; i++)
        decode_value(&qmi_field_descs[f->link + i], container, r, base);
      break;
    default:
      decode_array(f, container, r, base);
      break;
  }
}

static const char *
indication_suffix(const QmiMessageInfo *info)
{
  return info->kind == QMI_MESSAGE_KIND_INDICATION ? " indication" : "";
}

/* One TLV into its field; a malformed one leaves the field as if absent. */
static void
decode_tlv(const QmiMessageInfo *info, const QmiTlvInfo *ti, const guint8 *value, guint16 len,
           guint8 *out)
{
  const QmiFieldDesc *f = &qmi_field_descs[ti->field];
  QmiReader r;

  qmi_reader_init(&r, value, len);
  decode_value(f, out, &r, (QmiOutputBase *)out);
  if (ti->has_offset != QMI_TLV_NO_HAS) {
    gboolean has = !r.failed;
    memcpy(out + ti->has_offset, &has, sizeof(has));
  }
  if (!r.failed)
    return;
  memset(out + f->offset, 0, f->size);
  if (f->kind == QMI_FIELD_BYTES || f->kind == QMI_FIELD_ARRAY)
    store_count(out, f, 0);
  g_debug("%s %s%s: malformed TLV 0x%02x ignored", qmi_message_names + info->service_name,
          qmi_message_names + info->name, indication_suffix(info), ti->type);
}

static gboolean
check_result(const QmiMessageInfo *info, const QmiMessage *msg, QmiOutputBase *base, GError **error)
{
  base->has_result = qmi_message_get_result(msg, &base->status, &base->error);
  if (base->has_result && base->status == 0)
    return TRUE;

  g_autofree char *what = g_strdup_printf("%s %s", qmi_message_names + info->service_name,
                                          qmi_message_names + info->name);
  return qmi_output_check_result(base, msg, what, error);
}

gboolean
qmi_tlv_decode(const QmiMessageInfo *info, const QmiMessage *msg, gpointer out, gsize out_size,
               GError **error)
{
  QmiTlvIter it;
  guint8 t;
  const guint8 *v;
  guint16 l;

  memset(out, 0, out_size);
  qmi_tlv_iter_init(&it);
  while (qmi_tlv_iter_next(msg, &it, &t, &v, &l)) {
    const QmiTlvInfo *ti = qmi_message_info_find_tlv(info, FALSE, t);
    if (ti)
      decode_tlv(info, ti, v, l, out);
  }
  if (it.repeated)
    g_debug("%s %s%s: %u repeated TLVs ignored", qmi_message_names + info->service_name,
            qmi_message_names + info->name, indication_suffix(info), it.repeated);
  if (info->kind == QMI_MESSAGE_KIND_INDICATION)
    return TRUE;
  return check_result(info, msg, out, error);
}

/* ---- requests ---- */

void
qmi_client_request(QmiClient *client, const QmiMessageInfo *info, gconstpointer in, guint timeout_s,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GByteArray *tlvs = info->n_input ? qmi_tlv_encode(info, in) : NULL;

  qmi_client_send(client, info->id, tlvs, timeout_s, cancellable, callback, user_data);
  if (tlvs)
    qmi_tlvs_free(tlvs);
}

gboolean
qmi_client_request_finish(QmiClient *client, GAsyncResult *res, const QmiMessageInfo *info,
                          gpointer out, gsize out_size, GError **error)
{
  g_autoptr(QmiMessage) msg = qmi_client_send_finish(client, res, error);

  if (!msg) {
    memset(out, 0, out_size);
    return FALSE;
  }
  return qmi_tlv_decode(info, msg, out, out_size, error);
}
