/* 27.005 parsers (see at-parse-sms.h). */
#include "at-parse-sms.h"

#include <string.h>

#include "at-parse.h"
#include "mmd-errors.h"

void
mmd_at_sms_entry_free(MmdAtSmsEntry *entry)
{
  if (!entry)
    return;
  g_clear_pointer(&entry->pdu, g_bytes_unref);
  g_free(entry);
}

static gboolean
fail(GError **error, const char *what)
{
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Cannot parse %s", what);
  return FALSE;
}

GBytes *
mmd_at_parse_hex(const char *hex, gsize max_octets, GError **error)
{
  gsize n = hex ? strlen(hex) : 0;
  g_autoptr(GByteArray) bytes = NULL;

  if (n == 0 || n % 2 || n / 2 > max_octets) {
    fail(error, "a PDU (odd, empty or too long)");
    return NULL;
  }
  bytes = g_byte_array_sized_new((guint)(n / 2));
  for (gsize i = 0; i < n; i += 2) {
    int high = g_ascii_xdigit_value(hex[i]), low = g_ascii_xdigit_value(hex[i + 1]);
    guint8 octet;

    if (high < 0 || low < 0) {
      fail(error, "a PDU (not hex)");
      return NULL;
    }
    octet = (guint8)(high << 4 | low);
    g_byte_array_append(bytes, &octet, 1);
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
}

static gboolean
parse_uint(const char *s, guint max, guint *value)
{
  guint64 v;

  if (!s || !g_ascii_string_to_unsigned(s, 10, 0, max, &v, NULL))
    return FALSE;
  *value = (guint)v;
  return TRUE;
}

/* ---- lists and reads ---- */

/* "<index>,<stat>,[<alpha>],<length>" (with_index) or "<stat>,[<alpha>],<length>" */
static MmdAtSmsEntry *
parse_header(const char *v, gboolean with_index, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_split_fields(v, NULL, error);
  g_autoptr(MmdAtSmsEntry) entry = g_new0(MmdAtSmsEntry, 1);
  guint at = with_index ? 1 : 0, stat;

  if (!f)
    return NULL;
  entry->index = G_MAXUINT;
  if (f->len < at + 2
      || (with_index && !parse_uint(g_ptr_array_index(f, 0), G_MAXINT, &entry->index))
      || !parse_uint(g_ptr_array_index(f, at), 3, &stat)) {
    fail(error, with_index ? "a +CMGL header" : "a +CMGR header");
    return NULL;
  }
  entry->stat = (int)stat;
  return g_steal_pointer(&entry);
}

GPtrArray *
mmd_at_parse_cmgl(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CMGL:", NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);
  g_autoptr(GPtrArray) entries
      = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_sms_entry_free);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
    g_autoptr(MmdAtSmsEntry) entry = NULL;
    g_autoptr(GError) pdu_error = NULL;

    if (!v)
      continue;
    if (!(entry = parse_header(v, TRUE, error)))
      return NULL;
    if (!lines[i + 1])
      break;
    entry->pdu = mmd_at_parse_hex(g_strstrip(lines[++i]), MMD_AT_SMS_MAX_PDU, &pdu_error);
    if (entry->pdu)
      g_ptr_array_add(entries, g_steal_pointer(&entry));
    else
      g_debug("+CMGL entry skipped: %s", pdu_error->message);
  }
  return g_steal_pointer(&entries);
}

MmdAtSmsEntry *
mmd_at_parse_cmgr(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CMGR:", NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
    g_autoptr(MmdAtSmsEntry) entry = NULL;

    if (!v)
      continue;
    if (!(entry = parse_header(v, FALSE, error)))
      return NULL;
    if (!lines[i + 1]) {
      fail(error, "+CMGR (no PDU)");
      return NULL;
    }
    entry->pdu = mmd_at_parse_hex(g_strstrip(lines[i + 1]), MMD_AT_SMS_MAX_PDU, error);
    return entry->pdu ? g_steal_pointer(&entry) : NULL;
  }
  fail(error, "+CMGR (no answer line)");
  return NULL;
}

gboolean
mmd_at_parse_sms_number(const char *response, const char *prefix, guint max, guint *value,
                        GError **error)
{
  const char *const prefixes[] = { prefix, NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

    /* +CMGS may carry <scts> or <ackpdu> after the reference */
    if (f && f->len && parse_uint(g_ptr_array_index(f, 0), max, value))
      return TRUE;
  }
  return fail(error, prefix);
}

/* ---- indications ---- */

gboolean
mmd_at_parse_sms_index_urc(const char *line, MmdSmsStorage *storage, guint *index, GError **error)
{
  static const char *const prefixes[] = { "+CMTI:", "+CDSI:", NULL };
  const char *v = mmd_at_strip_prefix(line ? line : "", prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

  if (!f || f->len < 2 || !parse_uint(g_ptr_array_index(f, 1), G_MAXINT, index))
    return fail(error, "a new message indication");
  if (!mmd_sms_storage_from_string(g_ptr_array_index(f, 0), storage))
    *storage = MMD_SMS_STORAGE_UNKNOWN;
  return TRUE;
}

GBytes *
mmd_at_parse_pdu_urc(const char *text, GError **error)
{
  static const char *const prefixes[] = { "+CMT:", "+CDS:", "+CBM:", NULL };
  const char *newline = text ? strchr(text, '\n') : NULL;
  g_autofree char *header = newline ? g_strndup(text, newline - text) : NULL;
  const char *v = header ? mmd_at_strip_prefix(header, prefixes) : NULL;
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
  gboolean whole = header && g_ascii_strncasecmp(header, "+CBM:", 5) == 0;
  g_autoptr(GBytes) pdu = NULL;
  g_autofree char *body = NULL;
  const guint8 *octets;
  gsize n;
  guint length;

  if (!f || !f->len || !parse_uint(g_ptr_array_index(f, f->len - 1), MMD_AT_SMS_MAX_PDU, &length)) {
    fail(error, "an SMS indication header");
    return NULL;
  }
  body = g_strstrip(g_strdup(newline + 1));
  if (!(pdu = mmd_at_parse_hex(body, MMD_AT_SMS_MAX_PDU, error)))
    return NULL;
  octets = g_bytes_get_data(pdu, &n);
  if (whole ? n != length : (octets[0] >= n || n - 1 - octets[0] != length)) {
    fail(error, "an SMS indication (its length does not match)");
    return NULL;
  }
  return g_steal_pointer(&pdu);
}

/* ---- storages ---- */

GArray *
mmd_at_parse_cpms_test(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CPMS:", NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);
  const char *v = NULL;
  g_autoptr(GPtrArray) f = NULL;
  g_autoptr(GArray) storages = g_array_new(FALSE, FALSE, sizeof(MmdSmsStorage));
  g_autofree char *first = NULL;
  g_auto(GStrv) names = NULL;

  for (guint i = 0; lines[i] && !v; i++)
    v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
  if (!v || !(f = mmd_at_split_fields(v, NULL, NULL)) || !f->len) {
    fail(error, "+CPMS=?");
    return NULL;
  }
  /* "(\"SM\",\"ME\")": the parenthesized list of <mem1> */
  first = g_strdup(g_ptr_array_index(f, 0));
  g_strdelimit(first, "()\"", ' ');
  names = g_strsplit(first, ",", -1);
  for (guint i = 0; names[i]; i++) {
    MmdSmsStorage storage;

    if (mmd_sms_storage_from_string(g_strstrip(names[i]), &storage))
      g_array_append_val(storages, storage);
  }
  return g_steal_pointer(&storages);
}
