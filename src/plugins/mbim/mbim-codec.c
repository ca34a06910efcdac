/* The table-driven information buffer codec (see mbim-codec.h). */
#include "mbim-codec.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
bad(GError **error, const MbimField *f, const char *what)
{
  g_set_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH,
              "Malformed information buffer: field %s: %s", f->name, what);
  return FALSE;
}

/* ---- decoding ---- */

typedef struct {
  const guint8 *base; /* start of the structure: offsets count from here */
  gsize len;          /* bytes readable from base */
  gsize pos;          /* cursor in the fixed part */
} Reader;

static gboolean
take(Reader *r, gsize n, const MbimField *f, GError **error)
{
  if (r->pos + n > r->len)
    return bad(error, f, "past the end of the buffer");
  return TRUE;
}

static gboolean
read_u32(Reader *r, const MbimField *f, guint32 *out, GError **error)
{
  if (!take(r, 4, f, error))
    return FALSE;
  *out = mbim_read_u32(r->base + r->pos);
  r->pos += 4;
  return TRUE;
}

static char *
ip_to_string(const guint8 *p, gsize n)
{
  g_autoptr(GInetAddress) a
      = g_inet_address_new_from_bytes(p, n == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

  return g_inet_address_to_string(a);
}

static GVariant *
decode_string(const Reader *r, guint32 off, guint32 size, const MbimField *f, GError **error)
{
  g_autofree gunichar2 *u = NULL;
  g_autofree char *s = NULL;

  if (size == 0)
    return g_variant_new_string("");
  if ((size & 1) || (gsize)off + size > r->len) {
    bad(error, f, "string outside the buffer");
    return NULL;
  }
  u = g_new(gunichar2, size / 2);
  for (guint32 i = 0; i < size / 2; i++)
    u[i] = (gunichar2)(r->base[off + 2 * i] | (r->base[off + 2 * i + 1] << 8));
  s = g_utf16_to_utf8(u, size / 2, NULL, NULL, NULL);
  if (!s) {
    bad(error, f, "invalid UTF-16");
    return NULL;
  }
  /* Some devices count a terminating NUL. */
  return g_variant_new_string(s);
}

static GVariant *decode_struct(const MbimStruct *st, Reader *r, GError **error);

static gboolean
count_of(GVariantDict *d, const MbimField *f, guint32 *n, GError **error)
{
  if (!f->count || !g_variant_dict_lookup(d, f->count, "u", n))
    return bad(error, f, "no element count");
  if (*n > 4096)
    return bad(error, f, "implausible element count");
  return TRUE;
}

static GVariant *
decode_field(const MbimField *f, Reader *r, GVariantDict *d, GError **error)
{
  guint32 off, size, n;
  gsize ipn;

  switch (f->type) {
    case MBIM_FIELD_U32:
      if (!read_u32(r, f, &n, error))
        return NULL;
      return g_variant_new_uint32(n);
    case MBIM_FIELD_U64:
      if (!take(r, 8, f, error))
        return NULL;
      {
        guint64 v = mbim_read_u32(r->base + r->pos)
                    | ((guint64)mbim_read_u32(r->base + r->pos + 4) << 32);

        r->pos += 8;
        return g_variant_new_uint64(v);
      }
    case MBIM_FIELD_STRING:
      if (!read_u32(r, f, &off, error) || !read_u32(r, f, &size, error))
        return NULL;
      return decode_string(r, off, size, f, error);
    case MBIM_FIELD_UUID:
      if (!take(r, 16, f, error))
        return NULL;
      {
        g_autofree char *s = mbim_uuid_to_string(r->base + r->pos);

        r->pos += 16;
        return g_variant_new_string(s);
      }
    case MBIM_FIELD_IPV4:
    case MBIM_FIELD_IPV6:
      ipn = f->type == MBIM_FIELD_IPV4 ? 4 : 16;
      if (!take(r, ipn, f, error))
        return NULL;
      {
        g_autofree char *s = ip_to_string(r->base + r->pos, ipn);

        r->pos += ipn;
        return g_variant_new_string(s);
      }
    case MBIM_FIELD_REF_IPV4:
    case MBIM_FIELD_REF_IPV6:
      ipn = f->type == MBIM_FIELD_REF_IPV4 ? 4 : 16;
      if (!read_u32(r, f, &off, error))
        return NULL;
      if (off == 0)
        return g_variant_new_string("");
      if ((gsize)off + ipn > r->len) {
        bad(error, f, "address outside the buffer");
        return NULL;
      }
      {
        g_autofree char *s = ip_to_string(r->base + off, ipn);

        return g_variant_new_string(s);
      }
    case MBIM_FIELD_STRING_ARRAY: {
      g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("as"));

      if (!count_of(d, f, &n, error))
        return NULL;
      for (guint32 i = 0; i < n; i++) {
        GVariant *s;

        if (!read_u32(r, f, &off, error) || !read_u32(r, f, &size, error))
          return NULL;
        if (!(s = decode_string(r, off, size, f, error)))
          return NULL;
        g_variant_builder_add_value(b, s);
      }
      return g_variant_builder_end(b);
    }
    case MBIM_FIELD_IPV4_ARRAY:
    case MBIM_FIELD_IPV6_ARRAY: {
      g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("as"));

      ipn = f->type == MBIM_FIELD_IPV4_ARRAY ? 4 : 16;
      if (!count_of(d, f, &n, error) || !read_u32(r, f, &off, error))
        return NULL;
      if (n && (gsize)off + n * ipn > r->len) {
        bad(error, f, "addresses outside the buffer");
        return NULL;
      }
      for (guint32 i = 0; i < n; i++) {
        g_autofree char *s = ip_to_string(r->base + off + i * ipn, ipn);

        g_variant_builder_add(b, "s", s);
      }
      return g_variant_builder_end(b);
    }
    case MBIM_FIELD_STRUCT: {
      Reader sub = { r->base + r->pos, r->len - r->pos, 0 };
      GVariant *v = decode_struct(f->sub, &sub, error);

      if (v)
        r->pos += sub.pos;
      return v;
    }
    case MBIM_FIELD_STRUCT_ARRAY: {
      g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("aa{sv}"));
      gsize at;

      if (!count_of(d, f, &n, error) || !read_u32(r, f, &off, error))
        return NULL;
      at = off;
      for (guint32 i = 0; i < n; i++) {
        Reader sub;
        GVariant *v;

        if (at > r->len) {
          bad(error, f, "element outside the buffer");
          return NULL;
        }
        sub = (Reader){ r->base + at, r->len - at, 0 };
        if (!(v = decode_struct(f->sub, &sub, error)))
          return NULL;
        g_variant_builder_add_value(b, v);
        at += sub.pos;
      }
      return g_variant_builder_end(b);
    }
    case MBIM_FIELD_REF_STRUCT_ARRAY: {
      g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("aa{sv}"));

      if (!count_of(d, f, &n, error))
        return NULL;
      for (guint32 i = 0; i < n; i++) {
        Reader sub;
        GVariant *v;

        if (!read_u32(r, f, &off, error) || !read_u32(r, f, &size, error))
          return NULL;
        if ((gsize)off + size > r->len) {
          bad(error, f, "element outside the buffer");
          return NULL;
        }
        sub = (Reader){ r->base + off, r->len - off, 0 };
        if (!(v = decode_struct(f->sub, &sub, error)))
          return NULL;
        g_variant_builder_add_value(b, v);
      }
      return g_variant_builder_end(b);
    }
  }
  g_assert_not_reached();
}

static GVariant *
decode_struct(const MbimStruct *st, Reader *r, GError **error)
{
  g_auto(GVariantDict) d;

  g_variant_dict_init(&d, NULL);
  for (const MbimField *f = st->fields; f->name; f++) {
    GVariant *v = decode_field(f, r, &d, error);

    if (!v) {
      g_variant_dict_clear(&d);
      return NULL;
    }
    g_variant_dict_insert_value(&d, f->name, v);
  }
  return g_variant_dict_end(&d);
}

GVariant *
mbim_decode(const MbimStruct *st, const guint8 *buf, gsize len, GError **error)
{
  Reader r = { buf, len, 0 };
  GVariant *v;

  if (!st)
    return g_variant_ref_sink(g_variant_new("a{sv}", NULL));
  v = decode_struct(st, &r, error);
  return v ? g_variant_ref_sink(v) : NULL;
}

/* ---- encoding ---- */

typedef struct {
  GByteArray *fixed;
  GByteArray *var;
  gsize fixed_size; /* final size of the fixed part: offsets start after it */
} Writer;

static void
w_u32(GByteArray *b, guint32 v)
{
  guint8 x[4];

  mbim_write_u32(x, v);
  g_byte_array_append(b, x, 4);
}

static void
w_pad(GByteArray *b)
{
  static const guint8 zero[4];

  if (b->len % 4)
    g_byte_array_append(b, zero, 4 - b->len % 4);
}

/* Appends data to the variable part; returns its offset. */
static guint32
w_var(Writer *w, const guint8 *data, gsize n)
{
  guint32 off = w->fixed_size + w->var->len;

  g_byte_array_append(w->var, data, n);
  w_pad(w->var);
  return off;
}

static GVariant *
lookup(GVariant *dict, const char *name, const char *type)
{
  return dict ? g_variant_lookup_value(dict, name, G_VARIANT_TYPE(type)) : NULL;
}

static gsize
n_children(GVariant *dict, const MbimField *f, const char *type)
{
  g_autoptr(GVariant) v = lookup(dict, f->name, type);

  return v ? g_variant_n_children(v) : 0;
}

static gsize fixed_size(const MbimStruct *st, GVariant *dict);

static gsize
field_fixed_size(const MbimField *f, GVariant *dict)
{
  switch (f->type) {
    case MBIM_FIELD_U32:
    case MBIM_FIELD_REF_IPV4:
    case MBIM_FIELD_REF_IPV6:
    case MBIM_FIELD_IPV4:
    case MBIM_FIELD_IPV4_ARRAY:
    case MBIM_FIELD_IPV6_ARRAY:
    case MBIM_FIELD_STRUCT_ARRAY:
      return 4;
    case MBIM_FIELD_U64:
    case MBIM_FIELD_STRING:
      return 8;
    case MBIM_FIELD_UUID:
    case MBIM_FIELD_IPV6:
      return 16;
    case MBIM_FIELD_STRING_ARRAY:
      return 8 * n_children(dict, f, "as");
    case MBIM_FIELD_REF_STRUCT_ARRAY:
      return 8 * n_children(dict, f, "aa{sv}");
    case MBIM_FIELD_STRUCT: {
      g_autoptr(GVariant) sub = lookup(dict, f->name, "a{sv}");

      return fixed_size(f->sub, sub);
    }
  }
  return 0;
}

static gsize
fixed_size(const MbimStruct *st, GVariant *dict)
{
  gsize n = 0;

  for (const MbimField *f = st->fields; f->name; f++)
    n += field_fixed_size(f, dict);
  return n;
}

static gboolean
parse_ip(const char *s, gsize n, guint8 *out, const MbimField *f, GError **error)
{
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string(s);

  if (!a || g_inet_address_get_native_size(a) != n)
    return bad(error, f, "not an address of the right family");
  memcpy(out, g_inet_address_to_bytes(a), n);
  return TRUE;
}

static void
write_string(Writer *w, const char *s)
{
  glong n = 0;
  g_autofree gunichar2 *u = s && *s ? g_utf8_to_utf16(s, -1, NULL, &n, NULL) : NULL;

  if (!u || n == 0) {
    w_u32(w->fixed, 0);
    w_u32(w->fixed, 0);
    return;
  }
  {
    g_autofree guint8 *le = g_new(guint8, n * 2);

    for (glong i = 0; i < n; i++) {
      le[2 * i] = u[i] & 0xff;
      le[2 * i + 1] = u[i] >> 8;
    }
    w_u32(w->fixed, w_var(w, le, n * 2));
    w_u32(w->fixed, n * 2);
  }
}

static GBytes *encode_standalone(const MbimStruct *st, GVariant *dict, GError **error);
static gboolean encode_fields(const MbimStruct *st, GVariant *dict, Writer *w, GError **error);

/* The count written for a U32 field that is the element count of an array. */
static gboolean
array_count(const MbimStruct *st, const MbimField *cf, GVariant *dict, guint32 *n)
{
  for (const MbimField *f = st->fields; f->name; f++) {
    if (f->count && g_str_equal(f->count, cf->name)) {
      const char *t = (f->type == MBIM_FIELD_STRUCT_ARRAY || f->type == MBIM_FIELD_REF_STRUCT_ARRAY)
                          ? "aa{sv}"
                          : "as";

      *n = n_children(dict, f, t);
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
encode_field(const MbimStruct *st, const MbimField *f, GVariant *dict, Writer *w, GError **error)
{
  guint32 u = 0;
  gsize ipn;

  switch (f->type) {
    case MBIM_FIELD_U32:
      if (!array_count(st, f, dict, &u) && dict)
        g_variant_lookup(dict, f->name, "u", &u);
      w_u32(w->fixed, u);
      return TRUE;
    case MBIM_FIELD_U64: {
      guint64 v = 0;

      if (dict)
        g_variant_lookup(dict, f->name, "t", &v);
      w_u32(w->fixed, v & 0xffffffff);
      w_u32(w->fixed, v >> 32);
      return TRUE;
    }
    case MBIM_FIELD_STRING: {
      const char *s = NULL;

      if (dict)
        g_variant_lookup(dict, f->name, "&s", &s);
      write_string(w, s);
      return TRUE;
    }
    case MBIM_FIELD_UUID: {
      const char *s = NULL;
      guint8 id[16] = { 0 };

      if (dict && g_variant_lookup(dict, f->name, "&s", &s) && *s && !mbim_uuid_from_string(s, id))
        return bad(error, f, "not a UUID");
      g_byte_array_append(w->fixed, id, 16);
      return TRUE;
    }
    case MBIM_FIELD_IPV4:
    case MBIM_FIELD_IPV6: {
      const char *s = NULL;
      guint8 a[16] = { 0 };

      ipn = f->type == MBIM_FIELD_IPV4 ? 4 : 16;
      if (dict && g_variant_lookup(dict, f->name, "&s", &s) && *s && !parse_ip(s, ipn, a, f, error))
        return FALSE;
      g_byte_array_append(w->fixed, a, ipn);
      return TRUE;
    }
    case MBIM_FIELD_REF_IPV4:
    case MBIM_FIELD_REF_IPV6: {
      const char *s = NULL;
      guint8 a[16];

      ipn = f->type == MBIM_FIELD_REF_IPV4 ? 4 : 16;
      if (!dict || !g_variant_lookup(dict, f->name, "&s", &s) || !*s) {
        w_u32(w->fixed, 0);
        return TRUE;
      }
      if (!parse_ip(s, ipn, a, f, error))
        return FALSE;
      w_u32(w->fixed, w_var(w, a, ipn));
      return TRUE;
    }
    case MBIM_FIELD_STRING_ARRAY: {
      g_autoptr(GVariant) v = lookup(dict, f->name, "as");

      for (gsize i = 0; v && i < g_variant_n_children(v); i++) {
        const char *s;

        g_variant_get_child(v, i, "&s", &s);
        write_string(w, s);
      }
      return TRUE;
    }
    case MBIM_FIELD_IPV4_ARRAY:
    case MBIM_FIELD_IPV6_ARRAY: {
      g_autoptr(GVariant) v = lookup(dict, f->name, "as");
      g_autoptr(GByteArray) all = g_byte_array_new();

      ipn = f->type == MBIM_FIELD_IPV4_ARRAY ? 4 : 16;
      for (gsize i = 0; v && i < g_variant_n_children(v); i++) {
        const char *s;
        guint8 a[16];

        g_variant_get_child(v, i, "&s", &s);
        if (!parse_ip(s, ipn, a, f, error))
          return FALSE;
        g_byte_array_append(all, a, ipn);
      }
      w_u32(w->fixed, all->len ? w_var(w, all->data, all->len) : 0);
      return TRUE;
    }
    case MBIM_FIELD_STRUCT: {
      g_autoptr(GVariant) sub = lookup(dict, f->name, "a{sv}");

      return encode_fields(f->sub, sub, w, error);
    }
    case MBIM_FIELD_STRUCT_ARRAY:
    case MBIM_FIELD_REF_STRUCT_ARRAY: {
      g_autoptr(GVariant) v = lookup(dict, f->name, "aa{sv}");
      g_autoptr(GByteArray) packed = g_byte_array_new();

      for (gsize i = 0; v && i < g_variant_n_children(v); i++) {
        g_autoptr(GVariant) el = g_variant_get_child_value(v, i);
        g_autoptr(GBytes) b = encode_standalone(f->sub, el, error);

        if (!b)
          return FALSE;
        if (f->type == MBIM_FIELD_STRUCT_ARRAY) {
          g_byte_array_append(packed, g_bytes_get_data(b, NULL), g_bytes_get_size(b));
        } else {
          w_u32(w->fixed, w_var(w, g_bytes_get_data(b, NULL), g_bytes_get_size(b)));
          w_u32(w->fixed, g_bytes_get_size(b));
        }
      }
      if (f->type == MBIM_FIELD_STRUCT_ARRAY)
        w_u32(w->fixed, packed->len ? w_var(w, packed->data, packed->len) : 0);
      return TRUE;
    }
  }
  g_assert_not_reached();
}

static gboolean
encode_fields(const MbimStruct *st, GVariant *dict, Writer *w, GError **error)
{
  for (const MbimField *f = st->fields; f->name; f++)
    if (!encode_field(st, f, dict, w, error))
      return FALSE;
  return TRUE;
}

static GBytes *
encode_standalone(const MbimStruct *st, GVariant *dict, GError **error)
{
  Writer w = { g_byte_array_new(), g_byte_array_new(), fixed_size(st, dict) };
  GBytes *out = NULL;

  if (encode_fields(st, dict, &w, error)) {
    g_assert(w.fixed->len == w.fixed_size);
    g_byte_array_append(w.fixed, w.var->data, w.var->len);
    out = g_byte_array_free_to_bytes(g_steal_pointer(&w.fixed));
  }
  if (w.fixed)
    g_byte_array_unref(w.fixed);
  g_byte_array_unref(w.var);
  return out;
}

GBytes *
mbim_encode(const MbimStruct *st, GVariant *dict, GError **error)
{
  if (!st)
    return g_bytes_new(NULL, 0);
  return encode_standalone(st, dict, error);
}

/* ---- logging ---- */

static gboolean log_personal_info;

void
mbim_codec_set_log_personal_info(gboolean allowed)
{
  log_personal_info = allowed;
}

char *
mbim_fields_to_string(const MbimStruct *st, GVariant *dict)
{
  GString *s = g_string_new("{");

  if (!st || !dict)
    return g_string_free(g_string_append_c(s, '}'), FALSE);
  for (const MbimField *f = st->fields; f->name; f++) {
    g_autoptr(GVariant) v = g_variant_lookup_value(dict, f->name, NULL);

    if (!v)
      continue;
    if (s->len > 1)
      g_string_append(s, ", ");
    g_string_append_printf(s, "%s: ", f->name);
    if (f->secret) {
      g_string_append(s, "'***'");
    } else if (f->personal && !log_personal_info) {
      if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING)) {
        const char *str = g_variant_get_string(v, NULL);
        gsize n = strlen(str);

        g_string_append_printf(s, "'%.*s", (int)MIN(n, 6), str);
        for (gsize i = 6; i < n; i++)
          g_string_append_c(s, '*');
        g_string_append_c(s, '\'');
      } else {
        g_string_append(s, "<masked>");
      }
    } else {
      g_autofree char *p = g_variant_print(v, FALSE);

      g_string_append(s, p);
    }
  }
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

char *
mbim_message_describe(const MbimMessage *m)
{
  GString *s = g_string_new(NULL);
  const MbimCidInfo *info = m->service ? mbim_cid_lookup(m->service, m->cid) : NULL;
  const MbimStruct *st = NULL;

  g_string_append_printf(s, "%s tid=%u", mbim_message_type_name(m->type), m->tid);
  switch (m->type) {
    case MBIM_MESSAGE_TYPE_OPEN:
      g_string_append_printf(s, " max-control-transfer=%u", m->max_control_transfer);
      return g_string_free(s, FALSE);
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
    case MBIM_MESSAGE_TYPE_CLOSE_DONE:
      g_string_append_printf(s, " status=%s", mbim_status_name(m->status));
      return g_string_free(s, FALSE);
    case MBIM_MESSAGE_TYPE_HOST_ERROR:
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
      g_string_append_printf(s, " error=%s", mbim_protocol_error_name(m->status));
      return g_string_free(s, FALSE);
    case MBIM_MESSAGE_TYPE_COMMAND:
      st = info ? (m->command_type == MBIM_COMMAND_TYPE_SET ? info->set : info->query) : NULL;
      break;
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
      st = info ? info->response : NULL;
      break;
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      st = info ? info->notification : NULL;
      break;
    default:
      return g_string_free(s, FALSE);
  }
  if (info) {
    g_string_append_printf(s, " %s/%s", info->service_name, info->name);
  } else {
    g_autofree char *u = mbim_uuid_to_string(m->service);

    g_string_append_printf(s, " %s/cid-%u", u, m->cid);
  }
  if (m->type == MBIM_MESSAGE_TYPE_COMMAND)
    g_string_append(s, m->command_type == MBIM_COMMAND_TYPE_SET ? " set" : " query");
  if (m->type == MBIM_MESSAGE_TYPE_COMMAND_DONE)
    g_string_append_printf(s, " status=%s", mbim_status_name(m->status));
  if (st && m->buf_len) {
    g_autoptr(GVariant) v = mbim_decode(st, m->buf, m->buf_len, NULL);
    g_autofree char *f = v ? mbim_fields_to_string(st, v) : NULL;

    g_string_append_printf(s, " %s", f ? f : "(undecodable)");
  } else if (m->buf_len) {
    g_string_append_printf(s, " (%zu bytes)", m->buf_len);
  }
  return g_string_free(s, FALSE);
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
