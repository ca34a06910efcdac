/* UCS-2 as 3GPP carries it, read as UTF-16 big-endian (surrogate pairs are how
 * phones send emoji), to and from UTF-8. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* UTF-16BE to UTF-8; always valid UTF-8. A lone or reversed surrogate, U+0000
 * and an odd last byte decode as U+FFFD each, so nothing is dropped silently. */
char *mmd_ucs2_to_utf8(const guint8 *bytes, gsize len);

/* @utf8 as UTF-16BE (characters beyond U+FFFF as surrogate pairs);
 * INVALID_ARGUMENT for invalid UTF-8. */
GByteArray *mmd_ucs2_from_utf8(const char *utf8, GError **error);

/* Whether the 16-bit unit is the first half of a surrogate pair. */
gboolean mmd_ucs2_is_high_surrogate(guint16 unit);

G_END_DECLS
