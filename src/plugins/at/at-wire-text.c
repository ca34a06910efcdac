/* The text of AT commands: quoting arguments, and what the wire log may
 * show of a line (secrets masked, personal data cut unless asked). */
#include "at-channel.h"

#include <string.h>

#include "mmd-errors.h"

char *
mmd_at_quote(const char *value, const char *field, GError **error)
{
  for (const char *p = value ? value : ""; *p; p++) {
    if (*p == '"' || *p == '\\' || (guchar)*p < 0x20 || *p == 0x7f) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                  "Invalid %s: quotes, backslashes and control characters are not allowed",
                  field ? field : "string");
      return NULL;
    }
  }
  return g_strdup_printf("\"%s\"", value ? value : "");
}

char *
mmd_at_mask_secrets(const char *line)
{
  /* +CUSD and +VTS carry what the user types: a supplementary service code
   * or a voice menu's PIN */
  static const char *const secret[] = { "+CPIN=",     "+CLCK=",   "+CPWD=", "+CGAUTH=", "$QCPDPP=",
                                        "^AUTHDATA=", "+QICSGP=", "+CUSD=", "+VTS=",    NULL };
  g_autofree char *up = g_ascii_strup(line, -1);
  GString *out;
  gboolean in_quotes = FALSE, masked = FALSE;
  const char *start = NULL;

  /* a voice dial string may be a supplementary service code with a PIN */
  if (g_str_has_prefix(up, "ATD") && g_str_has_suffix(up, ";"))
    return g_strdup("ATD****;");

  for (guint i = 0; secret[i] && !start; i++)
    start = strstr(up, secret[i]);
  if (!start)
    return g_strdup(line);
  /* mask every quoted argument (and bare digits, for +CPIN=1234) after '=' */
  out = g_string_new_len(line, strchr(start, '=') - up + 1);
  for (const char *p = line + out->len; *p; p++) {
    if (*p == '"') {
      if (!in_quotes)
        masked = FALSE;
      in_quotes = !in_quotes;
      g_string_append_c(out, '"');
      continue;
    }
    if (in_quotes || g_ascii_isdigit(*p)) {
      if (!masked || !in_quotes) {
        if (!(out->len && out->str[out->len - 1] == '*'))
          g_string_append(out, "****");
        masked = TRUE;
      }
      continue;
    }
    g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

static gboolean
is_pdu_line(const char *line)
{
  gsize n = strlen(line);

  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit(line[i]))
      return FALSE;
  return n >= 16;
}

char *
mmd_at_mask_personal(const char *line)
{
  GString *out = g_string_new(NULL);
  guint run = 0;

  /* an SMS or broadcast PDU (27.005 PDU mode): numbers and text in hex */
  if (is_pdu_line(line)) {
    g_string_printf(out, "<PDU of %zu octets>", strlen(line) / 2);
    return g_string_free(out, FALSE);
  }
  /* keep the first 6 digits of each digit run, mask the rest */
  for (const char *p = line; *p; p++) {
    if (g_ascii_isdigit(*p) || *p == 'F' || *p == 'f') {
      g_string_append_c(out, run++ < 6 ? *p : 'X');
    } else {
      run = 0;
      g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}
