/* Parsers of voice call and USSD answers (see at-parse-voice.h). */
#include "at-parse-voice.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "at-parse-common.h"
#include "mmd-errors.h"
#include "modemd-codec.h"

#define DCS_GSM7 15
#define DCS_UCS2 72

static GError *
bad(const char *what)
{
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Unexpected %s answer", what);
}

/* Field i as an integer within [0, max]. */
static gboolean
field_uint(GPtrArray *f, guint i, guint max, guint *out)
{
  const char *s = i < f->len ? g_ptr_array_index(f, i) : "";
  char *end;
  gulong v;

  if (!g_ascii_isdigit(*s))
    return FALSE;
  errno = 0;
  v = strtoul(s, &end, 10);
  if (*end || errno == ERANGE || v > max)
    return FALSE;
  *out = (guint)v;
  return TRUE;
}

static const char *
field_str(GPtrArray *f, guint i)
{
  return i < f->len ? g_ptr_array_index(f, i) : "";
}

/* A dial string: digits, '*', '#', a leading '+'. */
static char *
dial_string(const char *s)
{
  gsize len = strlen(s);

  if (len == 0 || len > MMD_AT_MAX_NUMBER)
    return NULL;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit(*p) && *p != '*' && *p != '#' && !(*p == '+' && p == s))
      return NULL;
  return g_strdup(s);
}

void
mmd_at_call_free(MmdAtCall *call)
{
  g_free(call->number);
  g_free(call);
}

static MmdAtCall *
parse_clcc_line(const char *v)
{
  g_autoptr(GPtrArray) f = mmd_at_split_fields(v, NULL, NULL);
  guint id, dir, stat, mode, mpty;
  MmdAtCall *call;

  if (!f || !field_uint(f, 0, 99, &id) || id == 0 || !field_uint(f, 1, 1, &dir)
      || !field_uint(f, 2, MMD_AT_CALL_WAITING, &stat) || !field_uint(f, 3, 9, &mode)
      || !field_uint(f, 4, 1, &mpty))
    return NULL;
  call = g_new0(MmdAtCall, 1);
  call->id = id;
  call->incoming = dir == 1;
  call->stat = (MmdAtCallStat)stat;
  call->mode = mode;
  call->multiparty = mpty == 1;
  call->number = dial_string(field_str(f, 5));
  return call;
}

GPtrArray *
mmd_at_parse_clcc(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CLCC:", NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_call_free);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
    MmdAtCall *call = v ? parse_clcc_line(v) : NULL;

    if (!call)
      continue;
    /* only voice calls (mode 0); data and fax calls are not ours */
    if (call->mode != 0) {
      mmd_at_call_free(call);
      continue;
    }
    if (calls->len == MMD_AT_MAX_CALLS) {
      mmd_at_call_free(call);
      g_propagate_error(error, bad("+CLCC (too many calls)"));
      return NULL;
    }
    g_ptr_array_add(calls, call);
  }
  return g_steal_pointer(&calls);
}

gboolean
mmd_at_parse_caller(const char *line, char **number, GError **error)
{
  static const char *const prefixes[] = { "+CLIP:", "+CCWA:", NULL };
  const char *v = mmd_at_strip_prefix(line, prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

  if (!f) {
    g_propagate_error(error, bad("caller id"));
    return FALSE;
  }
  *number = dial_string(field_str(f, 0));
  return TRUE;
}

gboolean
mmd_at_parse_ccwa_status(const char *response, gboolean *enabled, GError **error)
{
  static const char *const prefixes[] = { "+CCWA:", NULL };
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);
  gboolean found = FALSE;

  *enabled = FALSE;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    guint status, class = 1;

    if (!f || !field_uint(f, 0, 1, &status) || (f->len > 1 && !field_uint(f, 1, 255, &class)))
      continue;
    found = TRUE;
    /* "+CCWA: 0,255" (off for every class) counts as off for voice */
    if (status == 1 && (class & 1))
      *enabled = TRUE;
  }
  if (!found)
    g_propagate_error(error, bad("+CCWA"));
  return found;
}

gboolean
mmd_at_parse_cscs(const char *response, MmdAtCharset *charset, GError **error)
{
  static const char *const prefixes[] = { "+CSCS:", NULL };
  static const char *const names[] = { "IRA", "GSM", "UCS2" };
  const char *v = mmd_at_strip_prefix(response ? response : "", prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

  if (!f || !*field_str(f, 0)) {
    g_propagate_error(error, bad("+CSCS"));
    return FALSE;
  }
  *charset = MMD_AT_CHARSET_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (!g_ascii_strcasecmp(field_str(f, 0), names[i]))
      *charset = (MmdAtCharset)i;
  return TRUE;
}

gboolean
mmd_at_parse_cusd(const char *line, int *m, char **str, int *dcs, GError **error)
{
  static const char *const prefixes[] = { "+CUSD:", NULL };
  const char *v = mmd_at_strip_prefix(line, prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
  guint mode, coding = DCS_GSM7;

  if (!f || !field_uint(f, 0, 5, &mode) || (f->len > 2 && !field_uint(f, 2, 255, &coding))) {
    g_propagate_error(error, bad("+CUSD"));
    return FALSE;
  }
  *m = (int)mode;
  *dcs = (int)coding;
  *str = f->len > 1 ? g_strdup(field_str(f, 1)) : NULL;
  return TRUE;
}

/* ---- USSD strings --------------------------------------------------------- */

static GByteArray *
from_hex(const char *hex)
{
  gsize n = strlen(hex);
  GByteArray *bytes;

  if (n == 0 || n % 2)
    return NULL;
  bytes = g_byte_array_sized_new(n / 2);
  for (gsize i = 0; i < n; i += 2) {
    guint8 b;

    if (!g_ascii_isxdigit(hex[i]) || !g_ascii_isxdigit(hex[i + 1])) {
      g_byte_array_unref(bytes);
      return NULL;
    }
    b = g_ascii_xdigit_value(hex[i]) << 4 | g_ascii_xdigit_value(hex[i + 1]);
    g_byte_array_append(bytes, &b, 1);
  }
  return bytes;
}

static char *
to_hex(const guint8 *data, gsize len)
{
  GString *hex = g_string_sized_new(2 * len + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf(hex, "%02X", data[i]);
  return g_string_free(hex, FALSE);
}

static gboolean
printable(const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char(p))
    if (!g_unichar_isprint(g_utf8_get_char(p)) && *p != '\n' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* Packed septets as hex, decoded; NULL when str is not that. */
static char *
decode_packed_hex(const char *str, int dcs)
{
  g_autoptr(GByteArray) bytes = from_hex(str);

  return bytes ? mmd_ussd_decode(bytes->data, bytes->len, (guint8)dcs, NULL) : NULL;
}

/* Some modems send packed septets as hex without saying so: a string of hex
 * digits this long, letters among them, is rarely meant as text (a number
 * would have no letters), and it must unpack to text. */
#define PACKED_HEX_MIN_DIGITS 16

static char *
guess_packed_hex(const char *str, int dcs)
{
  g_autofree char *text = NULL;

  if (strlen(str) < PACKED_HEX_MIN_DIGITS || !strpbrk(str, "ABCDEFabcdef")
      || !(text = decode_packed_hex(str, dcs)) || !printable(text))
    return NULL;
  return g_steal_pointer(&text);
}

/* GSM 7-bit text in the TE character set IRA or GSM (unpacked: one
 * character a byte). */
static char *
decode_gsm_text(const char *str, MmdAtCharset charset)
{
  gsize n = strlen(str);

  if (charset == MMD_AT_CHARSET_GSM) {
    for (gsize i = 0; i < n; i++)
      if ((guchar)str[i] > 0x7F)
        return NULL;
    return mmd_gsm7_to_utf8((const guint8 *)str, n);
  }
  return g_utf8_make_valid(str, n);
}

char *
mmd_at_ussd_decode(const char *str, int dcs, MmdAtCharset charset, gboolean packed_hex,
                   GError **error)
{
  MmdDcs coding;
  char *text = NULL;

  mmd_dcs_decode_cbs((guint8)dcs, &coding);
  if (coding.alphabet != MMD_ALPHABET_GSM7) {
    g_autoptr(GByteArray) bytes = from_hex(str);

    /* hex by 27.007; a modem that sent text after all is taken at its word */
    text = bytes ? mmd_ussd_decode(bytes->data, bytes->len, (guint8)dcs, error)
                 : g_utf8_make_valid(str, -1);
  } else if (charset == MMD_AT_CHARSET_UCS2) {
    g_autoptr(GByteArray) bytes = from_hex(str);

    text = bytes ? mmd_ucs2_to_utf8(bytes->data, bytes->len) : NULL;
  } else if (packed_hex || (text = guess_packed_hex(str, dcs))) {
    text = text ? text : decode_packed_hex(str, dcs);
  } else {
    text = decode_gsm_text(str, charset);
  }
  if (!text && error && !*error)
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                "USSD string not in the modem's character set");
  return text;
}

char *
mmd_at_ussd_encode(const char *utf8, MmdAtCharset charset, gboolean packed_hex, int *dcs,
                   GError **error)
{
  g_autoptr(GBytes) packed = NULL;
  g_autoptr(GByteArray) units = NULL;
  guint8 coding;
  gsize len;
  const guint8 *data;

  *dcs = DCS_GSM7;
  if (packed_hex) {
    if (!(packed = mmd_ussd_encode(utf8, &coding, error)))
      return NULL;
    *dcs = coding == MMD_USSD_DCS_UCS2 ? DCS_UCS2 : DCS_GSM7;
    data = g_bytes_get_data(packed, &len);
    return to_hex(data, len);
  }
  if (charset == MMD_AT_CHARSET_UCS2) {
    if (!(units = mmd_ucs2_from_utf8(utf8, error)))
      return NULL;
    return to_hex(units->data, units->len);
  }
  for (const char *p = utf8; *p; p++) {
    if ((guchar)*p < 0x20 || (guchar)*p > 0x7E) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                  "The modem takes USSD in its character set %s, which cannot carry this text",
                  charset == MMD_AT_CHARSET_GSM ? "GSM" : "IRA");
      return NULL;
    }
  }
  return g_strdup(utf8);
}
