/* Decoders of SIM elementary files (3GPP TS 31.102, 51.011), shared by the
 * plugins that read the files themselves (QMI UIM, AT +CRSM). */
#include "sim-files.h"

#include <string.h>

static char *
decode_bcd(const guint8 *data, gsize len, gboolean skip_first_digit)
{
  static const char digits[] = "0123456789";
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < len; i++) {
    guint8 nibbles[2] = { data[i] & 0x0F, data[i] >> 4 };
    for (int k = 0; k < 2; k++) {
      if (i == 0 && k == 0 && skip_first_digit)
        continue;
      if (nibbles[k] == 0x0F)
        return g_string_free(s, FALSE);
      if (nibbles[k] > 9) {
        g_string_free(s, TRUE);
        return NULL;
      }
      g_string_append_c(s, digits[nibbles[k]]);
    }
  }
  return g_string_free(s, FALSE);
}

char *
mmd_sim_decode_iccid(const guint8 *data, gsize len)
{
  /* swapped BCD; 'F' pads; some cards use A-F in the issuer part: keep them as letters */
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < len; i++) {
    guint8 nibbles[2] = { data[i] & 0x0F, data[i] >> 4 };
    for (int k = 0; k < 2; k++) {
      if (nibbles[k] == 0x0F)
        goto out;
      g_string_append_c(s, "0123456789ABCDEF"[nibbles[k]]);
    }
  }
out:
  if (s->len == 0) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

char *
mmd_sim_decode_imsi(const guint8 *data, gsize len)
{
  /* first byte: length in bytes; low nibble of the next: parity */
  if (len < 2 || data[0] == 0 || data[0] > len - 1)
    return NULL;
  char *imsi = decode_bcd(data + 1, data[0], TRUE);
  if (imsi && (strlen(imsi) < 6 || strlen(imsi) > 15))
    g_clear_pointer(&imsi, g_free);
  return imsi;
}

guint
mmd_sim_decode_mnc_length(const guint8 *data, gsize len)
{
  if (len < 4)
    return 0;
  guint n = data[3] & 0x0F;
  return n == 2 || n == 3 ? n : 0;
}

/* GSM 03.38 default alphabet, the characters that differ from ASCII or are
 * not printable there; everything else in 0x20..0x7E maps to itself. */
static gunichar
gsm_to_unichar(guint8 c)
{
  switch (c) {
    case 0x00:
      return '@';
    case 0x02:
      return '$';
    case 0x11:
      return '_';
    case 0x24:
      return 0xA4;
    case 0x40:
      return 0xA1;
    default:
      return c >= 0x20 && c < 0x7F ? c : 0;
  }
}

char *
mmd_sim_decode_spn(const guint8 *data, gsize len)
{
  /* byte 0: display condition; then the name, 0xFF padded */
  if (len < 2)
    return NULL;
  GString *s = g_string_new(NULL);
  data++;
  len--;
  if (data[0] == 0x80) {
    for (gsize i = 1; i + 1 < len; i += 2) {
      gunichar u = (gunichar)((data[i] << 8) | data[i + 1]);
      if (u == 0xFFFF || u == 0)
        break;
      if (g_unichar_validate(u) && !g_unichar_iscntrl(u))
        g_string_append_unichar(s, u);
    }
  } else {
    for (gsize i = 0; i < len && data[i] != 0xFF; i++) {
      gunichar u = gsm_to_unichar(data[i]);
      if (u)
        g_string_append_unichar(s, u);
    }
  }
  g_strstrip(s->str);
  s->len = strlen(s->str);
  if (s->len == 0) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

char *
mmd_sim_decode_ecc_code(const guint8 *data, gsize len)
{
  char *code;

  if (len < MMD_SIM_ECC_CODE_LEN)
    return NULL;
  code = decode_bcd(data, MMD_SIM_ECC_CODE_LEN, FALSE);
  if (code && !*code)
    g_clear_pointer(&code, g_free);
  return code;
}
