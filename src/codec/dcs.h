/* Data coding schemes (3GPP TS 23.038): the SMS TP-DCS (chapter 4) and the CBS
 * DCS (chapter 5), which USSD uses too. Decoding never fails: reserved codings
 * mean the GSM 7-bit default alphabet, as the specification tells receivers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MMD_ALPHABET_GSM7,
  MMD_ALPHABET_8BIT,
  MMD_ALPHABET_UCS2,
} MmdAlphabet;

#define MMD_MESSAGE_CLASS_NONE (-1)

/* The indication carried by the SMS message waiting coding groups (1100..1110). */
typedef enum {
  MMD_MESSAGE_WAITING_NONE,
  MMD_MESSAGE_WAITING_VOICEMAIL,
  MMD_MESSAGE_WAITING_FAX,
  MMD_MESSAGE_WAITING_EMAIL,
  MMD_MESSAGE_WAITING_OTHER,
} MmdMessageWaiting;

typedef struct {
  MmdAlphabet alphabet;
  /* 0..3, or MMD_MESSAGE_CLASS_NONE. */
  int message_class;
  /* 23.042 compression, which the codec does not undo: decoders refuse it. */
  gboolean compressed;
  /* SMS group 01xx: the message may be deleted once read. */
  gboolean auto_delete;
  /* SMS groups 1100..1110. */
  MmdMessageWaiting waiting;
  gboolean waiting_active;
  /* Group 1100: the receiver may discard the text. */
  gboolean waiting_discard;
  /* CBS: ISO 639 language the DCS names, "" when it names none. */
  char language[3];
  /* CBS 0001 0000/0001: the text itself starts with a two-letter language. */
  gboolean language_in_text;
  /* CBS group 1001: the content starts with a user data header. */
  gboolean has_udh;
} MmdDcs;

void mmd_dcs_decode_sms(guint8 dcs, MmdDcs *out);
void mmd_dcs_decode_cbs(guint8 dcs, MmdDcs *out);

/* The TP-DCS for an SMS in @alphabet with @message_class (0..3 or NONE). */
guint8 mmd_dcs_encode_sms(MmdAlphabet alphabet, int message_class);

G_END_DECLS
