/* Identity of the modem and its SIM from 27.007 responses. */
#include "at-parse-identity.h"

#include <string.h>

#include "at-parse-common.h"

char *
mmd_at_parse_info(const char *response, GError **error)
{
  static const char *const labels[] = { "Manufacturer:", "Model:", "Revision:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *l = mmd_at_strip_prefix(lines[i], labels);
    g_autofree char *raw = mmd_at_unquote(l ? l : mmd_at_skip_any_prefix(lines[i]));
    char *v = mmd_at_text(raw);

    if (*v)
      return v;
    g_free(v);
  }
  mmd_at_parse_fail(error, "information", response);
  return NULL;
}

static gboolean
is_digits(const char *v, gboolean allow_f)
{
  for (; *v; v++)
    if (!g_ascii_isdigit(*v) && !(allow_f && (*v == 'F' || *v == 'f')))
      return FALSE;
  return TRUE;
}

/* The first line whose value (after any prefix or label) is min..max digits. */
static char *
digits_value(const char *response, gsize min, gsize max, const char *what, gboolean allow_f,
             GError **error)
{
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *text = mmd_at_skip_any_prefix(lines[i]);
    const char *colon = strrchr(text, ':');
    g_autofree char *v = mmd_at_unquote(colon ? colon + 1 : text);
    gsize n = strlen(v);

    if (n >= min && n <= max && is_digits(v, allow_f))
      return g_steal_pointer(&v);
  }
  mmd_at_parse_fail(error, what, response);
  return NULL;
}

char *
mmd_at_parse_imei(const char *response, GError **error)
{
  return digits_value(response, 14, 17, "IMEI", FALSE, error);
}

char *
mmd_at_parse_imsi(const char *response, GError **error)
{
  return digits_value(response, 6, 15, "IMSI", FALSE, error);
}

char *
mmd_at_parse_iccid(const char *response, GError **error)
{
  g_autofree char *raw = digits_value(response, 18, 22, "ICCID", TRUE, error);
  gsize n;

  if (!raw)
    return NULL;
  n = strlen(raw);
  /* ICCIDs start with the telecom industry identifier 89; a modem that
   * returns the raw EF_ICCID bytes gives the nibbles swapped. */
  if (g_str_has_prefix(raw, "98")) {
    for (gsize i = 0; i + 1 < n; i += 2) {
      char t = raw[i];
      raw[i] = raw[i + 1];
      raw[i + 1] = t;
    }
  }
  while (n > 0 && (raw[n - 1] == 'F' || raw[n - 1] == 'f'))
    raw[--n] = '\0';
  if (n < 18 || !is_digits(raw, FALSE)) {
    mmd_at_parse_fail(error, "ICCID", response);
    return NULL;
  }
  return g_steal_pointer(&raw);
}

static gboolean
is_dial_number(const char *num)
{
  if (*num == '\0')
    return FALSE;
  for (const char *p = num; *p; p++)
    if (!g_ascii_isdigit(*p) && !(*p == '+' && p == num) && *p != '*' && *p != '#')
      return FALSE;
  return TRUE;
}

char **
mmd_at_parse_cnum(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CNUM:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);
  GPtrArray *numbers = g_ptr_array_new();

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

    if (f && f->len >= 2 && is_dial_number(mmd_at_field(f, 1)))
      g_ptr_array_add(numbers, g_strdup(mmd_at_field(f, 1)));
  }
  g_ptr_array_add(numbers, NULL);
  return (char **)g_ptr_array_free(numbers, FALSE);
}
