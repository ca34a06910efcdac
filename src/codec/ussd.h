/* USSD strings (3GPP TS 24.080 USSD-String with the CBS data coding scheme of
 * TS 23.038 chapter 5) to and from UTF-8. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a USSD string carries (160 octets, TS 24.080): these many characters;
 * packed GSM 7-bit fits 182 in 160 octets. */
#define MMD_USSD_MAX_GSM7_SEPTETS 182
#define MMD_USSD_MAX_UCS2_UNITS 80

/* The DCS octets the encoder uses: GSM 7-bit, language unspecified; UCS-2. */
#define MMD_USSD_DCS_GSM7 0x0F
#define MMD_USSD_DCS_UCS2 0x48

/* Decodes @len octets sent with @dcs to valid UTF-8. GSM 7-bit is packed: a CR
 * that fills the last 7 spare bits is padding (23.038 6.1.2.3.1) and dropped.
 * 8-bit strings carry no alphabet of their own and are read as ISO 8859-1.
 * UNSUPPORTED for compressed strings. */
char *mmd_ussd_decode(const guint8 *bytes, gsize len, guint8 dcs, GError **error);

/* Encodes @utf8 in GSM 7-bit when every character fits, else UCS-2, and sets
 * *dcs to match. Packed GSM 7-bit follows the CR rule: 7 spare bits at the end
 * get a CR, and a text ending in CR on an octet boundary gets a second one.
 * TOO_LONG beyond 182 septets / 80 UCS-2 units, INVALID_ARGUMENT for invalid
 * UTF-8 or an empty string. */
GBytes *mmd_ussd_encode(const char *utf8, guint8 *dcs, GError **error);

G_END_DECLS
