#include "sms-time.h"

#include "codec-error.h"

#define MINUTE 60u
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

/* A swapped semi-octet pair (units in the high nibble) as a number; -1 if a
 * nibble is not decimal. */
static int
swapped_bcd(guint8 byte)
{
  guint tens = byte & 0x0F;
  guint units = byte >> 4;

  if (tens > 9 || units > 9)
    return -1;
  return (int)(tens * 10 + units);
}

/* The zone octet: quarter hours in swapped BCD, with the sign in bit 3. */
static gboolean
decode_zone(guint8 byte, int *minutes)
{
  int quarters = swapped_bcd(byte & 0xF7);

  /* 23.040 keeps offsets within what exists on Earth, -12:00 to +14:00. */
  if (quarters < 0 || quarters > 14 * 4)
    return FALSE;
  *minutes = (byte & 0x08 ? -quarters : quarters) * 15;
  return TRUE;
}

char *
mmd_sms_timestamp_decode(const guint8 bytes[MMD_SMS_TIMESTAMP_LEN])
{
  int fields[6];
  int zone;

  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    fields[i] = swapped_bcd(bytes[i]);
    if (fields[i] < 0)
      return NULL;
  }
  if (!decode_zone(bytes[6], &zone))
    return NULL;

  int year = fields[0] + (fields[0] < 70 ? 2000 : 1900);
  if (fields[1] < 1 || fields[1] > 12
      || !g_date_valid_dmy((GDateDay)fields[2], (GDateMonth)fields[1], (GDateYear)year)
      || fields[3] > 23 || fields[4] > 59 || fields[5] > 59)
    return NULL;
  return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, fields[1], fields[2],
                         fields[3], fields[4], fields[5], zone < 0 ? '-' : '+', ABS(zone) / 60,
                         ABS(zone) % 60);
}

guint
mmd_sms_validity_relative_seconds(guint8 vp)
{
  if (vp <= 143)
    return (vp + 1u) * 5 * MINUTE;
  if (vp <= 167)
    return 12 * HOUR + (vp - 143u) * 30 * MINUTE;
  if (vp <= 196)
    return (vp - 166u) * DAY;
  return (vp - 192u) * WEEK;
}

guint8
mmd_sms_validity_relative_encode(guint minutes)
{
  guint64 seconds = (guint64)minutes * MINUTE;

  for (guint vp = 0; vp < 255; vp++) {
    if (mmd_sms_validity_relative_seconds((guint8)vp) >= seconds)
      return (guint8)vp;
  }
  return 255;
}

/* Enhanced format 011: hours, minutes, seconds in swapped semi-octets. */
static gboolean
decode_enhanced_hms(const guint8 *hms, guint *seconds)
{
  int h = swapped_bcd(hms[0]), m = swapped_bcd(hms[1]), s = swapped_bcd(hms[2]);

  if (h < 0 || m < 0 || s < 0 || m > 59 || s > 59)
    return FALSE;
  *seconds = (guint)h * HOUR + (guint)m * MINUTE + (guint)s;
  return TRUE;
}

gboolean
mmd_sms_validity_enhanced_decode(const guint8 bytes[MMD_SMS_TIMESTAMP_LEN], guint *seconds,
                                 GError **error)
{
  /* Octet 1: bit 7 extension, bit 6 single shot, bits 2..0 the format. */
  switch (bytes[0] & 0x07) {
    case 0:
      *seconds = 0;
      return TRUE;
    case 1:
      *seconds = mmd_sms_validity_relative_seconds(bytes[1]);
      return TRUE;
    case 2:
      *seconds = bytes[1];
      return TRUE;
    case 3:
      if (decode_enhanced_hms(bytes + 1, seconds))
        return TRUE;
      break;
    default:
      break;
  }
  g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
              "enhanced validity period 0x%02x is reserved or not decimal", bytes[0]);
  return FALSE;
}
