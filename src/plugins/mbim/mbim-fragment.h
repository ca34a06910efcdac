/* Fragmentation of MBIM control messages: splitting what the host sends
 * into transfers the function takes, and reassembling what it sends back.
 * No D-Bus here.
 *
 * COMMAND, COMMAND_DONE and INDICATE_STATUS messages longer than the
 * negotiated control transfer travel as fragments, each with the 12-byte
 * header (MessageLength: the fragment's), then TotalFragments and
 * CurrentFragment, then a slice of the message body. One message is in
 * flight at a time in each direction. */
#pragma once

#include <glib.h>

#include "mbim-message.h"

G_BEGIN_DECLS

/* Splits a COMMAND / COMMAND_DONE / INDICATE_STATUS message into fragments of
 * at most max_transfer bytes each (other types are returned whole). */
GPtrArray *mbim_message_fragment(GBytes *message, guint32 max_transfer);

/* Reassembly of what the function sends. Bounded whatever it claims: each
 * fragment is at most the transfer size the host announced, a message at
 * most MBIM_MAX_MESSAGE_SIZE, and memory is taken as fragments arrive, never
 * from the counts in their headers. */
typedef struct _MbimReassembler MbimReassembler;

/* max_transfer: the largest transfer the host announced in OPEN. */
MbimReassembler *mbim_reassembler_new(guint32 max_transfer);
void mbim_reassembler_set_max_transfer(MbimReassembler *r, guint32 max_transfer);
void mbim_reassembler_free(MbimReassembler *r);
/* Takes one received transfer (a fragment or a whole message). Returns a
 * complete message when there is one. A broken sequence (fragments out of
 * order or of another message, a message over the size limit, a transfer
 * whose length does not match its header) is dropped: then *error says why
 * and *error_tid names the transaction to report. Both can happen at once:
 * a message that interrupts a fragmented one ends it and is returned. */
GBytes *mbim_reassembler_push(MbimReassembler *r, const guint8 *data, gsize len, guint32 *error_tid,
                              GError **error);
void mbim_reassembler_reset(MbimReassembler *r);

G_END_DECLS
