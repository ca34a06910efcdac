/* Validation of strings that come from D-Bus and may reach a modem.
 *
 * Whatever passes these checks is safe to put in an AT command inside quotes,
 * in a QMI/MBIM TLV, or in a log line: no quotes, no control characters, no
 * command separators, bounded length. Failures are Core.InvalidArgs errors that
 * name the field but never echo a secret's value. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_APN_MAX_LEN 100
#define MMD_CREDENTIAL_MAX_LEN 64

gboolean mmd_validate_pin(const char *pin, const char *field, GError **error);
gboolean mmd_validate_puk(const char *puk, GError **error);
gboolean mmd_validate_apn(const char *apn, GError **error);
gboolean mmd_validate_credential(const char *value, const char *field, GError **error);
gboolean mmd_validate_operator_id(const char *operator_id, gboolean allow_empty, GError **error);
gboolean mmd_validate_number(const char *number, GError **error);

/* Log-safe rendering of a secret: "****" with at most the length hinted. */
const char *mmd_mask_secret(const char *secret);

G_END_DECLS
