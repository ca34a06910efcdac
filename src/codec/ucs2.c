#include "ucs2.h"

#include "codec-error.h"

#define REPLACEMENT_CHARACTER 0xFFFD

gboolean
mmd_ucs2_is_high_surrogate(guint16 unit)
{
  return unit >= 0xD800 && unit <= 0xDBFF;
}

static gboolean
is_low_surrogate(guint16 unit)
{
  return unit >= 0xDC00 && unit <= 0xDFFF;
}

static guint16
unit_at(const guint8 *bytes, gsize i)
{
  return (guint16)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
}

char *
mmd_ucs2_to_utf8(const guint8 *bytes, gsize len)
{
  gsize n_units = len / 2;
  GString *out = g_string_sized_new(len + 1);

  for (gsize i = 0; i < n_units; i++) {
    guint16 unit = unit_at(bytes, i);
    gunichar c = unit;

    if (mmd_ucs2_is_high_surrogate(unit) && i + 1 < n_units
        && is_low_surrogate(unit_at(bytes, i + 1))) {
      c = 0x10000 + (((gunichar)unit - 0xD800) << 10) + (unit_at(bytes, i + 1) - 0xDC00);
      i++;
    } else if (mmd_ucs2_is_high_surrogate(unit) || is_low_surrogate(unit) || unit == 0) {
      /* U+0000 too: it would end the C string and hide the rest. */
      c = REPLACEMENT_CHARACTER;
    }
    g_string_append_unichar(out, c);
  }
  if (len % 2)
    g_string_append_unichar(out, REPLACEMENT_CHARACTER);
  return g_string_free(out, FALSE);
}

static void
append_unit(GByteArray *out, guint16 unit)
{
  guint8 be[2] = { unit >> 8, unit & 0xFF };

  g_byte_array_append(out, be, 2);
}

GByteArray *
mmd_ucs2_from_utf8(const char *utf8, GError **error)
{
  GByteArray *out;

  if (!g_utf8_validate(utf8, -1, NULL)) {
    g_set_error_literal(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                        "text is not valid UTF-8");
    return NULL;
  }
  out = g_byte_array_new();
  for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);

    if (c < 0x10000) {
      append_unit(out, (guint16)c);
    } else {
      c -= 0x10000;
      append_unit(out, (guint16)(0xD800 + (c >> 10)));
      append_unit(out, (guint16)(0xDC00 + (c & 0x3FF)));
    }
  }
  return out;
}
