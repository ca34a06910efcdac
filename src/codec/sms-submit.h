/* Encoding of SMS-SUBMIT PDUs (3GPP TS 23.040 9.2.2.2): text in GSM 7-bit when
 * every character fits (extension table included), UCS-2 otherwise, or 8-bit
 * data; long content split into concatenated parts with an 8-bit reference. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_SMS_MAX_PARTS 255

typedef struct {
  /* Destination: an optional "+" and 1..20 digits. */
  const char *number;
  /* NULL: the modem's default SMSC (an SMSC field of 0x00). */
  const char *smsc;
  /* UTF-8 text, or NULL to send @data as 8-bit data. */
  const char *text;
  GBytes *data;
  /* Relative validity, rounded up to the next period TP-VP can say; 0 for none. */
  guint validity_minutes;
  /* 0..3, or MMD_MESSAGE_CLASS_NONE. */
  int message_class;
  gboolean request_status_report;
  /* TP-MR of the first part; each further part takes the next value. */
  guint8 message_reference;
  /* Concatenation reference shared by the parts of one long message. */
  guint8 concat_reference;
} MmdSmsSubmit;

typedef struct {
  /* SMSC field then TPDU, as AT+CMGS in PDU mode and QMI/MBIM raw send take it. */
  GBytes *pdu;
  /* Octets after the SMSC field: the <length> of AT+CMGS. */
  guint tpdu_len;
} MmdSmsSubmitPart;

/* The PDUs (MmdSmsSubmitPart, in sending order) that carry @submit.
 * INVALID_ARGUMENT for a bad number, SMSC, class or UTF-8, or neither text
 * nor data; TOO_LONG beyond 255 parts. */
GPtrArray *mmd_sms_submit_encode(const MmdSmsSubmit *submit, GError **error);

void mmd_sms_submit_part_free(MmdSmsSubmitPart *part);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdSmsSubmitPart, mmd_sms_submit_part_free)

G_END_DECLS
