/* Parsers for 3GPP TS 27.005 responses and URCs in PDU mode: message lists
 * and reads, send/write/store answers, new message indications and the
 * storages offered (+CMS ERROR is in at-parse-error.h).
 *
 * A response may hold other lines before the ones parsed (the +CPMS answer
 * of "AT+CPMS=...;+CMGR=3"): lines without the expected prefix are skipped.
 * Everything comes from a modem: counts, indexes and hex are checked, PDUs
 * are bounded, and nothing is read out of bounds. No D-Bus, no daemon
 * headers. */
#pragma once

#include <glib.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

/* SMSC field (up to 12 octets) and the longest TPDU (164 octets). */
#define MMD_AT_SMS_MAX_PDU 176

typedef struct {
  guint index; /* G_MAXUINT for +CMGR, which names none */
  int stat;    /* 27.005 <stat>: 0 unread, 1 read, 2 unsent, 3 sent */
  GBytes *pdu; /* SMSC field first */
} MmdAtSmsEntry;

void mmd_at_sms_entry_free(MmdAtSmsEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtSmsEntry, mmd_at_sms_entry_free)

/* Hex digits (at most max_octets) as bytes; NULL and an error otherwise. */
GBytes *mmd_at_parse_hex(const char *hex, gsize max_octets, GError **error);

/* +CMGL=4 in PDU mode: "+CMGL: <index>,<stat>,[<alpha>],<length>" each
 * followed by its PDU line. A GPtrArray of MmdAtSmsEntry (owns them);
 * entries whose PDU does not parse are skipped, a malformed header fails. */
GPtrArray *mmd_at_parse_cmgl(const char *response, GError **error);
/* +CMGR: "+CMGR: <stat>,[<alpha>],<length>" then the PDU line. */
MmdAtSmsEntry *mmd_at_parse_cmgr(const char *response, GError **error);

/* The number after prefix ("+CMGS:" message reference, "+CMSS:", "+CMGW:"
 * index) on its line, at most max. */
gboolean mmd_at_parse_sms_number(const char *response, const char *prefix, guint max, guint *value,
                                 GError **error);

/* +CMTI / +CDSI: "<mem>",<index>; mem as a storage (UNKNOWN when it is not
 * one of the 27.005 names). */
gboolean mmd_at_parse_sms_index_urc(const char *line, MmdSmsStorage *storage, guint *index,
                                    GError **error);

/* +CMT ("[<alpha>],<length>"), +CDS ("<length>") and +CBM ("<length>") with
 * their body, as the channel hands them over ("header\nbody"): the PDU. For
 * +CMT and +CDS the length counts the octets after the SMSC field, for
 * +CBM all of them; a body of another length is refused. */
GBytes *mmd_at_parse_pdu_urc(const char *text, GError **error);

/* +CPMS=?: the storages offered for reading (<mem1>), a GArray of
 * MmdSmsStorage, in the modem's order. */
GArray *mmd_at_parse_cpms_test(const char *response, GError **error);

G_END_DECLS
