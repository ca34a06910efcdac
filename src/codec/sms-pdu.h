/* Decoding of SMS TPDUs (3GPP TS 23.040 9.2.2): SMS-DELIVER, SMS-SUBMIT (as
 * modems store sent and unsent messages) and SMS-STATUS-REPORT, with or without
 * the SMSC address that AT +CMGR and raw QMI/MBIM reads put in front. */
#pragma once

#include <glib.h>

#include "dcs.h"
#include "sms-udh.h"

G_BEGIN_DECLS

typedef enum {
  MMD_SMS_PDU_DELIVER,
  MMD_SMS_PDU_SUBMIT,
  MMD_SMS_PDU_STATUS_REPORT,
} MmdTpduType;

/* Whether the bytes start with the SMSC field (a length octet, 0 for none). */
typedef enum {
  MMD_SMS_PDU_WITH_SMSC,
  MMD_SMS_PDU_TPDU_ONLY,
} MmdSmsPduLayout;

typedef enum {
  MMD_SMS_VALIDITY_NONE,
  MMD_SMS_VALIDITY_RELATIVE,
  MMD_SMS_VALIDITY_ENHANCED,
  MMD_SMS_VALIDITY_ABSOLUTE,
} MmdSmsValidityFormat;

typedef struct {
  MmdSmsValidityFormat format;
  /* RELATIVE and ENHANCED: the period (0 when the enhanced form says none). */
  guint seconds;
  /* ABSOLUTE: ISO 8601 end of validity; NULL when the date is not valid. */
  char *absolute;
} MmdSmsValidity;

typedef struct {
  MmdTpduType type;
  /* NULL when the input had no SMSC field or an empty one. */
  char *smsc;
  /* DELIVER: originator; SUBMIT: destination; STATUS-REPORT: recipient. "+"
   * and digits, or the text of an alphanumeric originator. */
  char *address;
  /* SUBMIT and STATUS-REPORT: TP-MR. */
  guint8 message_reference;
  guint8 protocol_id;
  guint8 dcs_octet;
  MmdDcs dcs;
  /* DELIVER and STATUS-REPORT: TP-SCTS as ISO 8601; NULL if absent or invalid. */
  char *timestamp;
  /* STATUS-REPORT: TP-DT as ISO 8601; NULL if invalid. */
  char *discharge_time;
  /* SUBMIT: TP-VP. */
  MmdSmsValidity validity;
  /* SUBMIT: TP-SRR (report requested); DELIVER: TP-SRI (report will be sent
   * to the originator); STATUS-REPORT: TP-SRQ (this reports an SMS-COMMAND). */
  gboolean status_report;
  /* DELIVER and STATUS-REPORT: TP-MMS clear, the SC holds more messages. */
  gboolean more_messages;
  gboolean reply_path;
  /* SUBMIT: TP-RD. */
  gboolean reject_duplicates;
  /* STATUS-REPORT: TP-ST as received (see sms-status.h). */
  guint8 status;
  MmdSmsConcat concat;
  /* GSM 7-bit and UCS-2 messages: valid UTF-8 ("" for none); NULL for 8-bit. */
  char *text;
  /* 8-bit messages; NULL for text. */
  GBytes *data;
  /* The text as its code units (see MmdSmsUserData.units); NULL for 8-bit. */
  GBytes *units;
} MmdSmsPdu;

/* Decodes one PDU. TRUNCATED when a field its own lengths announce is missing,
 * MALFORMED for lengths out of range, UNSUPPORTED for compressed text and the
 * reserved message type. Bytes after the user data are ignored, and so is a
 * status report's optional tail (TP-PI onwards) when it does not decode: storage
 * pads records with 0xFF, and the report's status matters more than its text. */
MmdSmsPdu *mmd_sms_pdu_decode(const guint8 *bytes, gsize len, MmdSmsPduLayout layout,
                              GError **error);

void mmd_sms_pdu_free(MmdSmsPdu *pdu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdSmsPdu, mmd_sms_pdu_free)

G_END_DECLS
