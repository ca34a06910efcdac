/* The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 6.2.1),
 * and the packing of septets into octets (6.1.2.1).
 *
 * Septets are handled one a byte (values 0..127) between the alphabet and the
 * packing, so that SMS, CBS and USSD can split, pad and pack them as each needs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Escape to the extension table: the next septet is looked up there. */
#define MMD_GSM7_ESCAPE 0x1B
#define MMD_GSM7_CR 0x0D

/* Septets to UTF-8; the result is always valid UTF-8. An escape followed by a
 * code the extension table leaves undefined decodes as that code's default
 * character, as 23.038 tells receivers to display it; an escape with nothing after
 * it decodes as U+FFFD. Septet values above 127 (callers' bugs) decode as U+FFFD. */
char *mmd_gsm7_to_utf8(const guint8 *septets, gsize n_septets);

/* Whether every character of @utf8 has a code in the default alphabet or its
 * extension table; if so *n_septets (may be NULL) is how many septets it takes
 * (two for an extension character). FALSE for invalid UTF-8. */
gboolean mmd_gsm7_count_septets(const char *utf8, gsize *n_septets);

/* @utf8 as septets, one a byte; INVALID_ARGUMENT for invalid UTF-8 or a character
 * with no code. */
GByteArray *mmd_gsm7_from_utf8(const char *utf8, GError **error);

/* Packs @n_septets septets, least significant bit first, after @fill_bits (0..6)
 * zero bits; the last octet's unused high bits are zero. */
GByteArray *mmd_gsm7_pack(const guint8 *septets, gsize n_septets, guint fill_bits);

/* How many whole septets @packed_len octets hold after @fill_bits. */
gsize mmd_gsm7_septets_in(gsize packed_len, guint fill_bits);

/* The @n_septets septets that start @fill_bits bits into @packed, one a byte;
 * TRUNCATED when @packed_len octets hold fewer. */
guint8 *mmd_gsm7_unpack(const guint8 *packed, gsize packed_len, guint fill_bits, gsize n_septets,
                        GError **error);

G_END_DECLS
