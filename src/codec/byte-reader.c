#include "byte-reader.h"

#include "codec-error.h"

void
mmd_byte_reader_init(MmdByteReader *reader, const guint8 *data, gsize len)
{
  static const guint8 nothing[1];

  /* Pointer arithmetic on NULL is undefined even with offset 0. */
  reader->data = data ? data : nothing;
  reader->len = data ? len : 0;
  reader->pos = 0;
}

gsize
mmd_byte_reader_remaining(const MmdByteReader *reader)
{
  return reader->len - reader->pos;
}

gboolean
mmd_byte_reader_take(MmdByteReader *reader, gsize count, const guint8 **out, const char *what,
                     GError **error)
{
  if (count > mmd_byte_reader_remaining(reader)) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED,
                "%s: needs %" G_GSIZE_FORMAT " bytes at offset %" G_GSIZE_FORMAT
                ", %" G_GSIZE_FORMAT " left",
                what, count, reader->pos, mmd_byte_reader_remaining(reader));
    return FALSE;
  }
  *out = reader->data + reader->pos;
  reader->pos += count;
  return TRUE;
}

gboolean
mmd_byte_reader_u8(MmdByteReader *reader, guint8 *value, const char *what, GError **error)
{
  const guint8 *byte;

  if (!mmd_byte_reader_take(reader, 1, &byte, what, error))
    return FALSE;
  *value = *byte;
  return TRUE;
}

const guint8 *
mmd_byte_reader_take_rest(MmdByteReader *reader, gsize *count)
{
  const guint8 *rest = reader->data + reader->pos;

  *count = mmd_byte_reader_remaining(reader);
  reader->pos = reader->len;
  return rest;
}
