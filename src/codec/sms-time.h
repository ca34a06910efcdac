/* Times in SMS PDUs (3GPP TS 23.040): the service centre time stamp and
 * discharge time (9.2.3.11), and the three validity period formats (9.2.3.12). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_SMS_TIMESTAMP_LEN 7

/* Seven semi-octets (year .. second, then the zone in quarter hours) as ISO 8601
 * with its offset, "2026-11-30T12:00:00+01:00"; two-digit years are 2000-2069
 * and 1970-1999. NULL when a field is not a valid date or time. */
char *mmd_sms_timestamp_decode(const guint8 bytes[MMD_SMS_TIMESTAMP_LEN]);

/* The relative validity period octet as seconds (5 minutes to 63 weeks). */
guint mmd_sms_validity_relative_seconds(guint8 vp);

/* The smallest relative validity octet lasting at least @minutes (capped at the
 * longest, 63 weeks). */
guint8 mmd_sms_validity_relative_encode(guint minutes);

/* The enhanced format (9.2.3.12.3) as seconds; *seconds is 0 when it says "no
 * validity period". MALFORMED for reserved formats or non-decimal semi-octets. */
gboolean mmd_sms_validity_enhanced_decode(const guint8 bytes[MMD_SMS_TIMESTAMP_LEN], guint *seconds,
                                          GError **error);

G_END_DECLS
