/* Reassembly of concatenated SMS (3GPP TS 23.040 9.2.3.24.1/.8) from decoded
 * PDUs, as a pure data structure: the caller passes "now" (monotonic seconds)
 * and decides when to flush what stays incomplete (see part-collector.h for
 * duplicates and the memory bound).
 *
 * Parts belong together when they share type, address, reference and total;
 * they may come in any order. The text of consecutive parts in one alphabet is
 * joined as code units before decoding, so that a character a sender split
 * across parts survives.
 *
 * A message flushed incomplete keeps every part that arrived, in order, and says
 * what is missing twice: missing_parts lists the absent sequence numbers, and
 * the text holds MMD_SMS_MISSING_PART_FORMAT ("[part 2 of 3 missing]") where
 * each absent part's text would be. 8-bit data is joined from the parts present
 * and carries no marker. */
#pragma once

#include <glib.h>

#include "sms-pdu.h"

G_BEGIN_DECLS

#define MMD_SMS_MISSING_PART_FORMAT "[part %u of %u missing]"

typedef struct {
  MmdTpduType type;
  char *address;
  char *smsc;
  /* Of the lowest-numbered part that arrived. */
  char *timestamp;
  MmdDcs dcs;
  guint8 protocol_id;
  /* Joined text, valid UTF-8; NULL when every part present is 8-bit data. */
  char *text;
  /* Joined 8-bit data; NULL when no part carries data. */
  GBytes *data;
  /* 1 for a message in one part. */
  guint total_parts;
  guint16 reference;
  /* guint sequence numbers (1-based) that never arrived; empty when complete. */
  GArray *missing_parts;
} MmdSmsMessage;

typedef struct _MmdSmsAssembly MmdSmsAssembly;

MmdSmsAssembly *mmd_sms_assembly_new(void);
void mmd_sms_assembly_free(MmdSmsAssembly *assembly);

/* Adds a decoded PDU received at @now. Returns the message once it is whole (at
 * once for a message in one part), else NULL: more parts are awaited, or the
 * part duplicates one already held or delivered. */
MmdSmsMessage *mmd_sms_assembly_add(MmdSmsAssembly *assembly, const MmdSmsPdu *pdu, gint64 now);

/* The incomplete messages that got no part for @timeout seconds (and any set
 * aside to bound memory), removed from the assembly, as MmdSmsMessage. */
GPtrArray *mmd_sms_assembly_flush(MmdSmsAssembly *assembly, gint64 now, guint timeout);

/* Incomplete messages held. */
guint mmd_sms_assembly_pending(MmdSmsAssembly *assembly);

gboolean mmd_sms_message_is_complete(const MmdSmsMessage *message);
void mmd_sms_message_free(MmdSmsMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdSmsAssembly, mmd_sms_assembly_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdSmsMessage, mmd_sms_message_free)

G_END_DECLS
