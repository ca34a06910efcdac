#include "gsm7.h"

#include <string.h>

#include "codec-error.h"

#define REPLACEMENT_CHARACTER 0xFFFD

/* 23.038 6.2.1: the default alphabet, indexed by septet. 0x1B is the escape and
 * has no character of its own. */
static const gunichar default_alphabet[128] = {
  0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, /* @ £ $ ¥ è é ù ì */
  0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5, /* ò Ç LF Ø ø CR Å å */
  0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, /* Δ _ Φ Γ Λ Ω Π Ψ */
  0x03A3, 0x0398, 0x039E, 0xFFFD, 0x00C6, 0x00E6, 0x00DF, 0x00C9, /* Σ Θ Ξ ESC Æ æ ß É */
  0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, /* SP ! " # ¤ % & ' */
  0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, /* ( ) * + , - . / */
  0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, /* 0 - 7 */
  0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F, /* 8 9 : ; < = > ? */
  0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, /* ¡ A - G */
  0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, /* H - O */
  0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, /* P - W */
  0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, /* X Y Z Ä Ö Ñ Ü § */
  0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, /* ¿ a - g */
  0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, /* h - o */
  0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, /* p - w */
  0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0, /* x y z ä ö ñ ü à */
};

typedef struct {
  guint8 code;
  gunichar character;
} ExtensionEntry;

/* 23.038 6.2.1.1: the characters reached through the escape. */
static const ExtensionEntry extension_table[] = {
  { 0x0A, 0x000C }, /* form feed (page break) */
  { 0x14, 0x005E }, /* ^ */
  { 0x28, 0x007B }, /* { */
  { 0x29, 0x007D }, /* } */
  { 0x2F, 0x005C }, /* \ */
  { 0x3C, 0x005B }, /* [ */
  { 0x3D, 0x007E }, /* ~ */
  { 0x3E, 0x005D }, /* ] */
  { 0x40, 0x007C }, /* | */
  { 0x65, 0x20AC }, /* € */
};

static gunichar
extension_character(guint8 code)
{
  for (gsize i = 0; i < G_N_ELEMENTS(extension_table); i++) {
    if (extension_table[i].code == code)
      return extension_table[i].character;
  }
  /* 23.038: a code missing from the extension table shows as its default
   * character; a second escape (a further table nobody defined) as a space. */
  return code == MMD_GSM7_ESCAPE ? 0x0020 : default_alphabet[code];
}

static void
append_unichar(GString *out, gunichar c)
{
  g_string_append_unichar(out, c);
}

char *
mmd_gsm7_to_utf8(const guint8 *septets, gsize n_septets)
{
  GString *out = g_string_sized_new(n_septets + 1);

  for (gsize i = 0; i < n_septets; i++) {
    guint8 code = septets[i];

    if (code > 0x7F) {
      append_unichar(out, REPLACEMENT_CHARACTER);
    } else if (code != MMD_GSM7_ESCAPE) {
      append_unichar(out, default_alphabet[code]);
    } else if (i + 1 >= n_septets || septets[i + 1] > 0x7F) {
      append_unichar(out, REPLACEMENT_CHARACTER);
    } else {
      append_unichar(out, extension_character(septets[++i]));
    }
  }
  return g_string_free(out, FALSE);
}

/* The septets of @c (one, or escape + code); 0 if it has none. */
static guint
septets_for(gunichar c, guint8 out[2])
{
  for (guint8 code = 0; code < G_N_ELEMENTS(default_alphabet); code++) {
    if (code != MMD_GSM7_ESCAPE && default_alphabet[code] == c) {
      out[0] = code;
      return 1;
    }
  }
  for (gsize i = 0; i < G_N_ELEMENTS(extension_table); i++) {
    if (extension_table[i].character == c) {
      out[0] = MMD_GSM7_ESCAPE;
      out[1] = extension_table[i].code;
      return 2;
    }
  }
  return 0;
}

gboolean
mmd_gsm7_count_septets(const char *utf8, gsize *n_septets)
{
  gsize count = 0;

  if (!g_utf8_validate(utf8, -1, NULL))
    return FALSE;
  for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
    guint8 codes[2];
    guint n = septets_for(g_utf8_get_char(p), codes);

    if (n == 0)
      return FALSE;
    count += n;
  }
  if (n_septets)
    *n_septets = count;
  return TRUE;
}

GByteArray *
mmd_gsm7_from_utf8(const char *utf8, GError **error)
{
  g_autoptr(GByteArray) septets = NULL;

  if (!g_utf8_validate(utf8, -1, NULL)) {
    g_set_error_literal(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                        "text is not valid UTF-8");
    return NULL;
  }
  septets = g_byte_array_new();
  for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    guint8 codes[2];
    guint n = septets_for(c, codes);

    if (n == 0) {
      g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                  "U+%04X has no GSM 7-bit code", (guint)c);
      return NULL;
    }
    g_byte_array_append(septets, codes, n);
  }
  return g_steal_pointer(&septets);
}

GByteArray *
mmd_gsm7_pack(const guint8 *septets, gsize n_septets, guint fill_bits)
{
  gsize n_bits = fill_bits + 7 * n_septets;
  GByteArray *packed = g_byte_array_new();

  g_return_val_if_fail(fill_bits < 7, packed);
  g_byte_array_set_size(packed, (guint)((n_bits + 7) / 8));
  if (packed->len)
    memset(packed->data, 0, packed->len);
  for (gsize i = 0; i < n_septets; i++) {
    gsize bit = fill_bits + 7 * i;
    guint shift = bit % 8;
    guint value = (guint)(septets[i] & 0x7F) << shift;

    packed->data[bit / 8] |= (guint8)(value & 0xFF);
    if (value > 0xFF)
      packed->data[bit / 8 + 1] |= (guint8)(value >> 8);
  }
  return packed;
}

gsize
mmd_gsm7_septets_in(gsize packed_len, guint fill_bits)
{
  if (packed_len > G_MAXSIZE / 8 || packed_len * 8 < fill_bits)
    return 0;
  return (packed_len * 8 - fill_bits) / 7;
}

guint8 *
mmd_gsm7_unpack(const guint8 *packed, gsize packed_len, guint fill_bits, gsize n_septets,
                GError **error)
{
  guint8 *septets;

  if (fill_bits > 6 || n_septets > mmd_gsm7_septets_in(packed_len, fill_bits)) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED,
                "%" G_GSIZE_FORMAT " septets do not fit in %" G_GSIZE_FORMAT " octets", n_septets,
                packed_len);
    return NULL;
  }
  septets = g_malloc(n_septets + 1);
  for (gsize i = 0; i < n_septets; i++) {
    gsize bit = fill_bits + 7 * i;
    guint shift = bit % 8;
    guint value = packed[bit / 8] >> shift;

    /* The septet spills into the next octet, which the check above proved present. */
    if (shift > 1)
      value |= (guint)packed[bit / 8 + 1] << (8 - shift);
    septets[i] = value & 0x7F;
  }
  return septets;
}
