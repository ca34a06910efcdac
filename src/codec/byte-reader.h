/* A bounds-checked cursor over untrusted bytes.
 *
 * Every decoder in the codec reads modem input through this, so that no length,
 * count or offset from a modem is used before the input is known to hold it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} MmdByteReader;

void mmd_byte_reader_init(MmdByteReader *reader, const guint8 *data, gsize len);
/* Bytes not read yet. */
gsize mmd_byte_reader_remaining(const MmdByteReader *reader);
/* Reads one byte; a TRUNCATED error naming @what when none is left. */
gboolean mmd_byte_reader_u8(MmdByteReader *reader, guint8 *value, const char *what, GError **error);
/* Points @out at the next @count bytes and moves past them; TRUNCATED if fewer remain. */
gboolean mmd_byte_reader_take(MmdByteReader *reader, gsize count, const guint8 **out,
                              const char *what, GError **error);
/* The rest of the input; the reader is at its end afterwards. */
const guint8 *mmd_byte_reader_take_rest(MmdByteReader *reader, gsize *count);

G_END_DECLS
