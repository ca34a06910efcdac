#include "dcs.h"

#include <string.h>

static MmdAlphabet
alphabet_from_bits(guint bits)
{
  switch (bits & 0x3) {
    case 1:
      return MMD_ALPHABET_8BIT;
    case 2:
      return MMD_ALPHABET_UCS2;
    default:
      /* 11 is reserved, which receivers read as the default alphabet. */
      return MMD_ALPHABET_GSM7;
  }
}

static void
reset(MmdDcs *out)
{
  memset(out, 0, sizeof(*out));
  out->alphabet = MMD_ALPHABET_GSM7;
  out->message_class = MMD_MESSAGE_CLASS_NONE;
}

/* Coding groups 00xx/01xx of both schemes: compression, class, alphabet. */
static void
decode_general(guint8 dcs, MmdDcs *out)
{
  out->compressed = (dcs & 0x20) != 0;
  if (dcs & 0x10)
    out->message_class = dcs & 0x3;
  out->alphabet = alphabet_from_bits(dcs >> 2);
}

static void
decode_message_waiting(guint8 dcs, MmdDcs *out)
{
  static const MmdMessageWaiting types[] = {
    MMD_MESSAGE_WAITING_VOICEMAIL,
    MMD_MESSAGE_WAITING_FAX,
    MMD_MESSAGE_WAITING_EMAIL,
    MMD_MESSAGE_WAITING_OTHER,
  };

  out->waiting = types[dcs & 0x3];
  out->waiting_active = (dcs & 0x08) != 0;
  out->waiting_discard = (dcs & 0xF0) == 0xC0;
  if ((dcs & 0xF0) == 0xE0)
    out->alphabet = MMD_ALPHABET_UCS2;
}

void
mmd_dcs_decode_sms(guint8 dcs, MmdDcs *out)
{
  reset(out);
  switch (dcs >> 4) {
    case 0x0 ... 0x3:
      decode_general(dcs, out);
      break;
    case 0x4 ... 0x7:
      decode_general(dcs, out);
      out->auto_delete = TRUE;
      break;
    case 0xC ... 0xE:
      decode_message_waiting(dcs, out);
      break;
    case 0xF:
      out->alphabet = (dcs & 0x04) ? MMD_ALPHABET_8BIT : MMD_ALPHABET_GSM7;
      out->message_class = dcs & 0x3;
      break;
    default:
      /* 1000..1011: reserved groups, the default alphabet. */
      break;
  }
}

static void
set_language(MmdDcs *out, const char *code)
{
  g_strlcpy(out->language, code, sizeof(out->language));
}

/* CBS groups 0000 and 0010 name the language in bits 3..0. */
static void
decode_cbs_language(guint8 dcs, MmdDcs *out)
{
  static const char *const group0[15] = {
    "de", "en", "it", "fr", "es", "nl", "sv", "da", "pt", "fi", "no", "el", "tr", "hu", "pl",
  };
  static const char *const group2[5] = { "cs", "he", "ar", "ru", "is" };
  guint index = dcs & 0x0F;

  if (dcs >> 4 == 0 && index < G_N_ELEMENTS(group0))
    set_language(out, group0[index]);
  else if (dcs >> 4 == 2 && index < G_N_ELEMENTS(group2))
    set_language(out, group2[index]);
}

void
mmd_dcs_decode_cbs(guint8 dcs, MmdDcs *out)
{
  reset(out);
  switch (dcs >> 4) {
    case 0x0:
    case 0x2:
      decode_cbs_language(dcs, out);
      break;
    case 0x1:
      if ((dcs & 0x0F) <= 1) {
        out->language_in_text = TRUE;
        out->alphabet = (dcs & 0x0F) ? MMD_ALPHABET_UCS2 : MMD_ALPHABET_GSM7;
      }
      break;
    case 0x4 ... 0x7:
      decode_general(dcs, out);
      break;
    case 0x9:
      out->has_udh = TRUE;
      out->alphabet = alphabet_from_bits(dcs >> 2);
      out->message_class = dcs & 0x3;
      break;
    case 0xE:
      /* Defined by the WAP Forum: binary content, not text. */
      out->alphabet = MMD_ALPHABET_8BIT;
      break;
    case 0xF:
      out->alphabet = (dcs & 0x04) ? MMD_ALPHABET_8BIT : MMD_ALPHABET_GSM7;
      if (dcs & 0x3)
        out->message_class = dcs & 0x3;
      break;
    default:
      /* 0011, 1000, 1010..1101: other languages or reserved, the default alphabet. */
      break;
  }
}

guint8
mmd_dcs_encode_sms(MmdAlphabet alphabet, int message_class)
{
  guint8 dcs = 0;

  if (alphabet == MMD_ALPHABET_8BIT)
    dcs = 0x04;
  else if (alphabet == MMD_ALPHABET_UCS2)
    dcs = 0x08;
  if (message_class >= 0 && message_class <= 3)
    dcs |= 0x10 | (guint8)message_class;
  return dcs;
}
