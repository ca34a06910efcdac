/* Helpers shared by the codec tests: hex vectors to bytes and back. */
#pragma once

#include <glib.h>
#include <string.h>

/* Test vectors are written in hex, as modems and published examples show PDUs;
 * spaces may separate fields. */
static inline GBytes *
hex_bytes(const char *hex)
{
  GByteArray *bytes = g_byte_array_new();
  int high = -1;

  for (const char *p = hex; *p; p++) {
    int nibble = g_ascii_xdigit_value(*p);

    if (*p == ' ')
      continue;
    g_assert_cmpint(nibble, >=, 0);
    if (high < 0) {
      high = nibble;
    } else {
      guint8 byte = (guint8)(high << 4 | nibble);

      g_byte_array_append(bytes, &byte, 1);
      high = -1;
    }
  }
  g_assert_cmpint(high, <, 0);
  return g_byte_array_free_to_bytes(bytes);
}

static inline char *
bytes_hex(GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data(bytes, &len);
  GString *out = g_string_new(NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf(out, "%02X", data[i]);
  return g_string_free(out, FALSE);
}
