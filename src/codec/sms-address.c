#include "sms-address.h"

#include <string.h>

#include "codec-error.h"
#include "gsm7.h"

#define TYPE_OF_NUMBER(toa) (((toa) >> 4) & 0x7)
#define TON_INTERNATIONAL 0x1
#define TON_ALPHANUMERIC 0x5
/* Extension bit set, numbering plan E.164. */
#define TOA_INTERNATIONAL 0x91
#define TOA_UNKNOWN 0x81

/* Semi-octets, low nibble first; F is filler, the other non-decimal nibbles are
 * the dialling characters of 24.008 table 10.5.118. */
static char *
decode_semi_octets(const guint8 *bytes, gsize n_digits, gboolean international)
{
  static const char digits[] = "0123456789*#abc";
  GString *out = g_string_sized_new(n_digits + 2);

  if (international)
    g_string_append_c(out, '+');
  for (gsize i = 0; i < n_digits; i++) {
    guint nibble = (i % 2) ? bytes[i / 2] >> 4 : bytes[i / 2] & 0x0F;

    if (nibble < 0xF)
      g_string_append_c(out, digits[nibble]);
  }
  return g_string_free(out, FALSE);
}

static char *
decode_alphanumeric(const guint8 *bytes, gsize n_octets, gsize n_semi_octets)
{
  gsize n_septets = n_semi_octets * 4 / 7;
  g_autofree guint8 *septets = mmd_gsm7_unpack(bytes, n_octets, 0, n_septets, NULL);

  return septets ? mmd_gsm7_to_utf8(septets, n_septets) : g_strdup("");
}

char *
mmd_sms_address_read(MmdByteReader *reader, GError **error)
{
  guint8 n_semi_octets, toa;
  const guint8 *digits;

  if (!mmd_byte_reader_u8(reader, &n_semi_octets, "address length", error))
    return NULL;
  if (n_semi_octets > MMD_SMS_ADDRESS_MAX_DIGITS) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
                "address of %u semi-octets (at most %u)", n_semi_octets,
                MMD_SMS_ADDRESS_MAX_DIGITS);
    return NULL;
  }
  if (!mmd_byte_reader_u8(reader, &toa, "address type", error)
      || !mmd_byte_reader_take(reader, (n_semi_octets + 1) / 2, &digits, "address", error))
    return NULL;
  if (TYPE_OF_NUMBER(toa) == TON_ALPHANUMERIC)
    return decode_alphanumeric(digits, (n_semi_octets + 1) / 2, n_semi_octets);
  return decode_semi_octets(digits, n_semi_octets, TYPE_OF_NUMBER(toa) == TON_INTERNATIONAL);
}

gboolean
mmd_sms_smsc_read(MmdByteReader *reader, char **smsc, GError **error)
{
  guint8 n_octets, toa;
  const guint8 *digits;

  *smsc = NULL;
  if (!mmd_byte_reader_u8(reader, &n_octets, "SMSC length", error))
    return FALSE;
  if (n_octets == 0)
    return TRUE;
  if (n_octets > 1 + MMD_SMS_ADDRESS_MAX_DIGITS / 2) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
                "SMSC address of %u octets (at most %u)", n_octets,
                1 + MMD_SMS_ADDRESS_MAX_DIGITS / 2);
    return FALSE;
  }
  if (!mmd_byte_reader_u8(reader, &toa, "SMSC type", error)
      || !mmd_byte_reader_take(reader, n_octets - 1u, &digits, "SMSC address", error))
    return FALSE;
  *smsc = decode_semi_octets(digits, 2 * (n_octets - 1u), TYPE_OF_NUMBER(toa) == TON_INTERNATIONAL);
  return TRUE;
}

gboolean
mmd_sms_number_is_valid(const char *number)
{
  const char *digits = number && number[0] == '+' ? number + 1 : number;
  gsize n = digits ? strlen(digits) : 0;

  if (n == 0 || n > MMD_SMS_ADDRESS_MAX_DIGITS)
    return FALSE;
  return strspn(digits, "0123456789") == n;
}

/* The digits of a valid number as semi-octets, F-padded; returns the digit count. */
static gsize
append_semi_octets(GByteArray *out, const char *digits)
{
  gsize n = strlen(digits);

  for (gsize i = 0; i < n; i += 2) {
    guint8 low = (guint8)(digits[i] - '0');
    guint8 high = i + 1 < n ? (guint8)(digits[i + 1] - '0') : 0xF;
    guint8 byte = (guint8)(high << 4 | low);

    g_byte_array_append(out, &byte, 1);
  }
  return n;
}

static gboolean
check_number(const char *number, const char *what, GError **error)
{
  if (mmd_sms_number_is_valid(number))
    return TRUE;
  g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
              "%s must be an optional '+' and 1 to %u digits", what, MMD_SMS_ADDRESS_MAX_DIGITS);
  return FALSE;
}

gboolean
mmd_sms_address_append(GByteArray *out, const char *number, GError **error)
{
  gboolean international;
  guint8 header[2];

  if (!check_number(number, "the number", error))
    return FALSE;
  international = number[0] == '+';
  header[0] = (guint8)strlen(number + international);
  header[1] = international ? TOA_INTERNATIONAL : TOA_UNKNOWN;
  g_byte_array_append(out, header, 2);
  append_semi_octets(out, number + international);
  return TRUE;
}

gboolean
mmd_sms_smsc_append(GByteArray *out, const char *smsc, GError **error)
{
  gboolean international;
  guint8 header[2];
  gsize n_digits;

  if (!smsc) {
    header[0] = 0;
    g_byte_array_append(out, header, 1);
    return TRUE;
  }
  if (!check_number(smsc, "the SMSC", error))
    return FALSE;
  international = smsc[0] == '+';
  n_digits = strlen(smsc + international);
  header[0] = (guint8)(1 + (n_digits + 1) / 2);
  header[1] = international ? TOA_INTERNATIONAL : TOA_UNKNOWN;
  g_byte_array_append(out, header, 2);
  append_semi_octets(out, smsc + international);
  return TRUE;
}
