#include "ussd.h"

#include "codec-error.h"
#include "dcs.h"
#include "gsm7.h"
#include "ucs2.h"

static char *
decode_gsm7(const guint8 *bytes, gsize len, gboolean language_in_text)
{
  gsize n = mmd_gsm7_septets_in(len, 0);
  g_autofree guint8 *septets = mmd_gsm7_unpack(bytes, len, 0, n, NULL);
  const guint8 *text = septets;

  /* 8n septets in 7n octets: a last CR only filled the spare bits. */
  if (n > 0 && n % 8 == 0 && septets[n - 1] == MMD_GSM7_CR)
    n--;
  if (language_in_text) {
    gsize skip = MIN(n, 3);

    text += skip;
    n -= skip;
  }
  return mmd_gsm7_to_utf8(text, n);
}

static char *
decode_latin1(const guint8 *bytes, gsize len)
{
  GString *out = g_string_sized_new(len + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_unichar(out, bytes[i] ? bytes[i] : 0xFFFD);
  return g_string_free(out, FALSE);
}

char *
mmd_ussd_decode(const guint8 *bytes, gsize len, guint8 dcs, GError **error)
{
  MmdDcs coding;

  mmd_dcs_decode_cbs(dcs, &coding);
  if (coding.compressed) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED,
                "compressed USSD (DCS 0x%02x) is not supported", dcs);
    return NULL;
  }
  switch (coding.alphabet) {
    case MMD_ALPHABET_UCS2:
      /* With a language, two packed GSM 7-bit characters come first. */
      if (coding.language_in_text)
        return mmd_ucs2_to_utf8(bytes + MIN(len, 2), len - MIN(len, 2));
      return mmd_ucs2_to_utf8(bytes, len);
    case MMD_ALPHABET_8BIT:
      return decode_latin1(bytes, len);
    default:
      return decode_gsm7(bytes, len, coding.language_in_text);
  }
}

static GBytes *
encode_gsm7(GByteArray *septets, GError **error)
{
  g_autoptr(GByteArray) packed = NULL;
  guint8 cr = MMD_GSM7_CR;

  if (septets->len > MMD_USSD_MAX_GSM7_SEPTETS) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG,
                "USSD string of %u GSM 7-bit characters (at most %u)", septets->len,
                MMD_USSD_MAX_GSM7_SEPTETS);
    return NULL;
  }
  /* 23.038 6.1.2.3.1: seven zero spare bits would read as '@', so they become
   * a CR; a wanted CR ending on an octet boundary would be taken for that
   * padding, so it gets a second CR. */
  if (septets->len % 8 == 7
      || (septets->len % 8 == 0 && septets->data[septets->len - 1] == MMD_GSM7_CR))
    g_byte_array_append(septets, &cr, 1);
  packed = mmd_gsm7_pack(septets->data, septets->len, 0);
  return g_byte_array_free_to_bytes(g_steal_pointer(&packed));
}

static GBytes *
encode_ucs2(const char *utf8, GError **error)
{
  g_autoptr(GByteArray) units = mmd_ucs2_from_utf8(utf8, error);

  if (!units)
    return NULL;
  if (units->len / 2 > MMD_USSD_MAX_UCS2_UNITS) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG,
                "USSD string of %u UCS-2 characters (at most %u)", units->len / 2,
                MMD_USSD_MAX_UCS2_UNITS);
    return NULL;
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&units));
}

GBytes *
mmd_ussd_encode(const char *utf8, guint8 *dcs, GError **error)
{
  if (!utf8 || !*utf8 || !g_utf8_validate(utf8, -1, NULL)) {
    g_set_error_literal(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                        "a USSD string must be non-empty UTF-8");
    return NULL;
  }
  if (mmd_gsm7_count_septets(utf8, NULL)) {
    g_autoptr(GByteArray) septets = mmd_gsm7_from_utf8(utf8, error);

    *dcs = MMD_USSD_DCS_GSM7;
    return septets ? encode_gsm7(septets, error) : NULL;
  }
  *dcs = MMD_USSD_DCS_UCS2;
  return encode_ucs2(utf8, error);
}
