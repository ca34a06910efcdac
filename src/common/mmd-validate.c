#include "mmd-validate.h"

#include "mmd-errors.h"

static gboolean
invalid(GError **error, const char *field, const char *why)
{
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Invalid %s: %s", field, why);
  return FALSE;
}

static gboolean
all_digits(const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isdigit(*s))
      return FALSE;
  return TRUE;
}

gboolean
mmd_validate_pin(const char *pin, const char *field, GError **error)
{
  gsize len = pin ? strlen(pin) : 0;

  if (len < 4 || len > 8 || !all_digits(pin))
    return invalid(error, field ? field : "PIN", "must be 4 to 8 digits");
  return TRUE;
}

gboolean
mmd_validate_puk(const char *puk, GError **error)
{
  if (!puk || strlen(puk) != 8 || !all_digits(puk))
    return invalid(error, "PUK", "must be 8 digits");
  return TRUE;
}

/* APN network identifiers are DNS-like labels (3GPP TS 23.003 9.1). */
gboolean
mmd_validate_apn(const char *apn, GError **error)
{
  gsize len = apn ? strlen(apn) : 0;

  if (len > MMD_APN_MAX_LEN)
    return invalid(error, "APN", "longer than 100 characters");
  for (gsize i = 0; i < len; i++) {
    char c = apn[i];
    if (!g_ascii_isalnum(c) && c != '.' && c != '-' && c != '_')
      return invalid(error, "APN", "only letters, digits, '.', '-' and '_' are allowed");
  }
  if (len && (apn[0] == '.' || apn[len - 1] == '.'))
    return invalid(error, "APN", "may not start or end with '.'");
  return TRUE;
}

/* User names and passwords may hold most printable characters, but never the
 * quote or backslash that would end an AT string, nor control characters. */
gboolean
mmd_validate_credential(const char *value, const char *field, GError **error)
{
  gsize len = value ? strlen(value) : 0;

  if (len > MMD_CREDENTIAL_MAX_LEN)
    return invalid(error, field, "longer than 64 characters");
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar)value[i];
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
      return invalid(error, field, "only printable ASCII without '\"' or '\\' is allowed");
  }
  return TRUE;
}

gboolean
mmd_validate_operator_id(const char *operator_id, gboolean allow_empty, GError **error)
{
  gsize len = operator_id ? strlen(operator_id) : 0;

  if (len == 0 && allow_empty)
    return TRUE;
  if ((len != 5 && len != 6) || !all_digits(operator_id))
    return invalid(error, "operator id", "must be MCC and MNC, 5 or 6 digits");
  return TRUE;
}

gboolean
mmd_validate_number(const char *number, GError **error)
{
  gsize len = number ? strlen(number) : 0;

  if (len == 0 || len > 40)
    return invalid(error, "number", "must be 1 to 40 characters");
  for (gsize i = 0; i < len; i++) {
    char c = number[i];
    if (!g_ascii_isdigit(c) && c != '+' && c != '*' && c != '#')
      return invalid(error, "number", "only digits, '+', '*' and '#' are allowed");
  }
  return TRUE;
}

const char *
mmd_mask_secret(const char *secret)
{
  return (secret && *secret) ? "********" : "";
}
