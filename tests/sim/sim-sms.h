/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: SMS and cell broadcast PDUs as a network would send them.
 *
 * Deliberately simple and independent of src/codec (the daemon's codec): the
 * simulator checks the daemon with it, so sharing code would hide bugs on both
 * sides. It encodes SMS-DELIVER (GSM 7-bit or UCS-2, concatenated with an 8-bit
 * reference), SMS-STATUS-REPORT and GSM-format CBS pages, and decodes the
 * SMS-SUBMIT PDUs a daemon sends far enough to record what was sent.
 * 3GPP TS 23.040 (SMS), 23.038 (alphabets), 23.041 (cell broadcast).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A service centre time stamp: local time and its offset from UTC. */
typedef struct {
  int year; /* 2000..2099 */
  int month, day, hour, minute, second;
  int offset_minutes; /* multiple of 15, e.g. 60 for +01:00 */
} SimSmsTime;

typedef struct {
  const char *smsc;       /* "+4917..." or NULL: an SMSC field of 0x00 */
  const char *originator; /* "+" and digits, or digits */
  const char *text;       /* UTF-8 */
  SimSmsTime timestamp;
  guint8 reference; /* concatenation reference, used when the text needs parts */
} SimSmsDeliver;

/* The SMS-DELIVER PDUs (GByteArray, SMSC field first) carrying @deliver: GSM
 * 7-bit if every character has a code, else UCS-2; 160/70 characters in one
 * PDU, else parts of 153/67 with an 8-bit concatenation header. NULL for
 * invalid UTF-8 or more than 255 parts. */
GPtrArray *sim_sms_encode_deliver(const SimSmsDeliver *deliver);

/* An SMS-STATUS-REPORT (SMSC field first) for message reference @reference to
 * @recipient with TP-Status @status. */
GByteArray *sim_sms_encode_status_report(const char *smsc, guint8 reference, const char *recipient,
                                         guint8 status, const SimSmsTime *sc_time,
                                         const SimSmsTime *discharge_time);

/* What the simulator records of an SMS-SUBMIT. */
typedef struct {
  guint8 message_reference;
  gboolean status_report_request;
  char *destination;
  char *text; /* GSM 7-bit or UCS-2 text as UTF-8; NULL for 8-bit data */
  gboolean concatenated;
  guint8 concat_reference, concat_total, concat_sequence;
} SimSmsSubmit;

/* Decodes an SMS-SUBMIT, after an SMSC field if @with_smsc. FALSE (and @out
 * cleared) for anything else or anything malformed. */
gboolean sim_sms_decode_submit(const guint8 *pdu, gsize len, gboolean with_smsc, SimSmsSubmit *out);
void sim_sms_submit_clear(SimSmsSubmit *submit);

/* The 88-octet GSM CBS pages (GByteArray) broadcasting @text on @channel with
 * serial number @serial: DCS 0x0F (GSM 7-bit, 93 characters a page) or 0x48
 * (UCS-2, 41 a page), padded with CR. NULL for invalid UTF-8 or more than 15
 * pages. */
GPtrArray *sim_sms_encode_cbs(guint16 channel, guint16 serial, const char *text);

G_END_DECLS
