/* SIM lock state, retries, facility locks and files from 27.007 responses. */
#include "at-parse-sim.h"

#include <string.h>

#include "at-parse-common.h"

gboolean
mmd_at_parse_cpin(const char *response, MmdModemLock *lock, GError **error)
{
  static const char *const prefixes[] = { "+CPIN:", NULL };
  static const struct {
    const char *text;
    MmdModemLock lock;
  } codes[] = {
    { "READY", MMD_MODEM_LOCK_NONE },        { "SIM PIN2", MMD_MODEM_LOCK_SIM_PIN2 },
    { "SIM PUK2", MMD_MODEM_LOCK_SIM_PUK2 }, { "SIM PIN", MMD_MODEM_LOCK_SIM_PIN },
    { "SIM PUK", MMD_MODEM_LOCK_SIM_PUK },
  };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autofree char *text = NULL;

    if (!v)
      continue;
    text = mmd_at_unquote(v);
    for (gsize k = 0; k < G_N_ELEMENTS(codes); k++)
      if (g_ascii_strcasecmp(text, codes[k].text) == 0) {
        *lock = codes[k].lock;
        return TRUE;
      }
    if (g_str_has_prefix(text, "PH-") || g_str_has_prefix(text, "PH_")) {
      *lock = MMD_MODEM_LOCK_UNKNOWN;
      return TRUE;
    }
  }
  return mmd_at_parse_fail(error, "+CPIN", response);
}

/* +CPINR: <code>,<retries>[,<default_retries>] */
static gboolean
retries_cpinr(GPtrArray *f, MmdAtRetries *r)
{
  const char *code = mmd_at_field(f, 0);
  int n;

  if (!mmd_at_field_int(f, 1, &n))
    return FALSE;
  if (g_ascii_strcasecmp(code, "SIM PIN") == 0)
    r->pin = n;
  else if (g_ascii_strcasecmp(code, "SIM PUK") == 0)
    r->puk = n;
  else if (g_ascii_strcasecmp(code, "SIM PIN2") == 0)
    r->pin2 = n;
  else if (g_ascii_strcasecmp(code, "SIM PUK2") == 0)
    r->puk2 = n;
  else
    return FALSE;
  return TRUE;
}

/* +QPINC: "SC",<pin>,<puk> / "P2",<pin2>,<puk2> */
static gboolean
retries_qpinc(GPtrArray *f, MmdAtRetries *r)
{
  const char *fac = mmd_at_field(f, 0);
  int a, b;

  if (!mmd_at_field_int(f, 1, &a) || !mmd_at_field_int(f, 2, &b))
    return FALSE;
  if (g_ascii_strcasecmp(fac, "SC") == 0) {
    r->pin = a;
    r->puk = b;
  } else if (g_ascii_strcasecmp(fac, "P2") == 0) {
    r->pin2 = a;
    r->puk2 = b;
  } else {
    return FALSE;
  }
  return TRUE;
}

/* +CPINC: <pin1>,<pin2>,<puk1>,<puk2> */
static gboolean
retries_cpinc(GPtrArray *f, MmdAtRetries *r)
{
  int a, b, c, d;

  if (!mmd_at_field_int(f, 0, &a) || !mmd_at_field_int(f, 1, &b) || !mmd_at_field_int(f, 2, &c)
      || !mmd_at_field_int(f, 3, &d))
    return FALSE;
  r->pin = a;
  r->pin2 = b;
  r->puk = c;
  r->puk2 = d;
  return TRUE;
}

/* ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times> */
static gboolean
retries_huawei(GPtrArray *f, MmdAtRetries *r)
{
  int a, b, c, d;

  if (!mmd_at_field_int(f, 2, &a) || !mmd_at_field_int(f, 3, &b))
    return FALSE;
  r->puk = a;
  r->pin = b;
  if (mmd_at_field_int(f, 4, &c) && mmd_at_field_int(f, 5, &d)) {
    r->puk2 = c;
    r->pin2 = d;
  }
  return TRUE;
}

gboolean
mmd_at_parse_pin_retries(const char *response, MmdAtRetries *r, GError **error)
{
  static const char *const prefixes[] = { "+CPINR:", "+QPINC:", "+CPINC:", "^CPIN:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);
  gboolean found = FALSE;

  r->pin = r->puk = r->pin2 = r->puk2 = -1;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

    if (!f)
      continue;
    if (g_ascii_strncasecmp(lines[i], "+CPINR", 6) == 0)
      found |= retries_cpinr(f, r);
    else if (g_ascii_strncasecmp(lines[i], "+QPINC", 6) == 0)
      found |= retries_qpinc(f, r);
    else if (g_ascii_strncasecmp(lines[i], "+CPINC", 6) == 0)
      found |= retries_cpinc(f, r);
    else
      found |= retries_huawei(f, r);
  }
  if (!found)
    return mmd_at_parse_fail(error, "PIN retries", response);
  return TRUE;
}

gboolean
mmd_at_parse_clck(const char *response, gboolean *enabled, GError **error)
{
  static const char *const prefixes[] = { "+CLCK:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    int status;

    if (f && mmd_at_field_int(f, 0, &status) && status <= 1) {
      *enabled = status == 1;
      return TRUE;
    }
  }
  return mmd_at_parse_fail(error, "+CLCK", response);
}

GBytes *
mmd_at_parse_crsm(const char *response, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_first_fields(response, "+CRSM:");
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  const char *hex;
  int sw1 = 0, sw2 = 0;
  gsize len;

  if (!f || f->len < 3 || !mmd_at_field_int(f, 0, &sw1) || !mmd_at_field_int(f, 1, &sw2))
    goto bad;
  hex = mmd_at_field(f, 2);
  len = strlen(hex);
  /* 0x90 0x00 is success; 0x91 XX is success with a proactive command pending */
  if ((sw1 != 0x90 && sw1 != 0x91) || len == 0 || len % 2 != 0)
    goto bad;
  for (gsize i = 0; i < len; i += 2) {
    int hi = g_ascii_xdigit_value(hex[i]), lo = g_ascii_xdigit_value(hex[i + 1]);
    guint8 b;

    if (hi < 0 || lo < 0)
      goto bad;
    b = (guint8)(hi << 4 | lo);
    g_byte_array_append(bytes, &b, 1);
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
bad:
  mmd_at_parse_fail(error, "+CRSM", response);
  return NULL;
}
