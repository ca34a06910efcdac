/* The user data of an SMS TPDU or a CBS page (3GPP TS 23.040 9.2.3.16, 9.2.3.24):
 * the optional header, the fill bits after it, and the text or data. */
#pragma once

#include <glib.h>

#include "dcs.h"
#include "sms-udh.h"

G_BEGIN_DECLS

/* TP-UDL limits: 160 septets, 140 octets. */
#define MMD_SMS_UD_MAX_SEPTETS 160
#define MMD_SMS_UD_MAX_OCTETS 140

typedef struct {
  MmdSmsConcat concat;
  /* GSM 7-bit and UCS-2 content, valid UTF-8; NULL for 8-bit data. */
  char *text;
  /* 8-bit content; NULL for text. */
  GBytes *data;
  /* The text's code units as sent (septets one a byte, or UTF-16BE), so that a
   * reassembled message can join parts before decoding: a character split
   * across parts survives. NULL for 8-bit data. */
  GBytes *units;
} MmdSmsUserData;

/* Decodes @len octets of user data whose length field said @udl (septets for
 * GSM 7-bit, octets otherwise). TRUNCATED when the octets hold less than @udl
 * announces, MALFORMED when the header does not fit in it. */
gboolean mmd_sms_user_data_decode(const guint8 *ud, gsize len, guint udl, MmdAlphabet alphabet,
                                  gboolean has_header, MmdSmsUserData *out, GError **error);

/* The octets that @udl units of @alphabet take. */
gsize mmd_sms_user_data_octets(guint udl, MmdAlphabet alphabet);

void mmd_sms_user_data_clear(MmdSmsUserData *ud);

G_END_DECLS
