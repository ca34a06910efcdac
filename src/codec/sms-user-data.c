#include "sms-user-data.h"

#include "codec-error.h"
#include "gsm7.h"
#include "ucs2.h"

gsize
mmd_sms_user_data_octets(guint udl, MmdAlphabet alphabet)
{
  return alphabet == MMD_ALPHABET_GSM7 ? ((gsize)udl * 7 + 7) / 8 : udl;
}

/* Where the text starts: after UDHL and the header, plus fill bits up to the
 * next septet boundary for GSM 7-bit. */
typedef struct {
  gsize header_octets;
  guint header_septets;
  guint fill_bits;
} HeaderLayout;

static gboolean
read_header(const guint8 *ud, gsize len, guint udl, MmdAlphabet alphabet, MmdSmsConcat *concat,
            HeaderLayout *layout, GError **error)
{
  gsize header_octets;

  if (len < 1 || (gsize)ud[0] + 1 > len) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
                "user data header of %u octets in %" G_GSIZE_FORMAT " octets of user data",
                len ? ud[0] + 1u : 1u, len);
    return FALSE;
  }
  header_octets = ud[0] + 1u;
  layout->header_octets = header_octets;
  layout->header_septets = (guint)((header_octets * 8 + 6) / 7);
  layout->fill_bits = (guint)(layout->header_septets * 7 - header_octets * 8);
  /* The header counts in UDL too: in septets for GSM 7-bit, octets otherwise. */
  if ((alphabet == MMD_ALPHABET_GSM7 ? layout->header_septets : header_octets) > udl) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
                "user data header longer than the user data length %u", udl);
    return FALSE;
  }
  return mmd_sms_udh_parse(ud + 1, header_octets - 1, concat, error);
}

static gboolean
decode_gsm7(const guint8 *ud, gsize len, guint udl, const HeaderLayout *layout, MmdSmsUserData *out,
            GError **error)
{
  gsize n_septets = udl - layout->header_septets;
  g_autofree guint8 *septets = mmd_gsm7_unpack(
      ud + layout->header_octets, len - layout->header_octets, layout->fill_bits, n_septets, error);

  if (!septets)
    return FALSE;
  out->text = mmd_gsm7_to_utf8(septets, n_septets);
  out->units = g_bytes_new_take(g_steal_pointer(&septets), n_septets);
  return TRUE;
}

gboolean
mmd_sms_user_data_decode(const guint8 *ud, gsize len, guint udl, MmdAlphabet alphabet,
                         gboolean has_header, MmdSmsUserData *out, GError **error)
{
  HeaderLayout layout = { 0 };
  gsize needed = mmd_sms_user_data_octets(udl, alphabet);
  const guint8 *payload;
  gsize payload_len;

  *out = (MmdSmsUserData){ 0 };
  if (needed > len) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED,
                "user data length %u needs %" G_GSIZE_FORMAT " octets, %" G_GSIZE_FORMAT " present",
                udl, needed, len);
    return FALSE;
  }
  /* Octets past what UDL covers are padding some modems add. */
  len = needed;
  if (has_header && !read_header(ud, len, udl, alphabet, &out->concat, &layout, error))
    return FALSE;
  if (alphabet == MMD_ALPHABET_GSM7)
    return decode_gsm7(ud, len, udl, &layout, out, error);

  payload = ud + layout.header_octets;
  payload_len = len - layout.header_octets;
  if (alphabet == MMD_ALPHABET_8BIT) {
    out->data = g_bytes_new(payload, payload_len);
  } else {
    out->text = mmd_ucs2_to_utf8(payload, payload_len);
    out->units = g_bytes_new(payload, payload_len);
  }
  return TRUE;
}

void
mmd_sms_user_data_clear(MmdSmsUserData *ud)
{
  g_clear_pointer(&ud->text, g_free);
  g_clear_pointer(&ud->data, g_bytes_unref);
  g_clear_pointer(&ud->units, g_bytes_unref);
}
