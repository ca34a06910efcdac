/* Assembly of multi-page cell broadcast messages (3GPP TS 23.041 9.4.1.2.4) from
 * decoded pages, in the pure style of sms-assembly.h: the caller passes "now" in
 * monotonic seconds and flushes what stays incomplete.
 *
 * Pages belong together when they share message identifier, serial number
 * (update number included) and page count. A page that repeats one held, or
 * one of a message delivered less than the flush timeout ago, is dropped: cell
 * broadcast repeats its messages over and over.
 *
 * A message flushed incomplete keeps the pages that arrived, lists the absent
 * page numbers in missing_pages and holds MMD_CBS_MISSING_PAGE_FORMAT
 * ("[page 2 of 3 missing]") in the text where each absent page would be. */
#pragma once

#include <glib.h>

#include "cbs.h"

G_BEGIN_DECLS

#define MMD_CBS_MISSING_PAGE_FORMAT "[page %u of %u missing]"

typedef struct {
  guint16 message_id;
  guint16 serial;
  MmdCbsScope scope;
  guint16 message_code;
  guint8 update_number;
  guint8 dcs_octet;
  /* From the first page that arrived; "" if none. */
  char language[3];
  /* Joined text, valid UTF-8; NULL for 8-bit messages. */
  char *text;
  /* Joined 8-bit content; NULL for text. */
  GBytes *data;
  guint total_pages;
  /* guint page numbers (1-based) that never arrived; empty when complete. */
  GArray *missing_pages;
} MmdCbsMessage;

typedef struct _MmdCbsAssembly MmdCbsAssembly;

MmdCbsAssembly *mmd_cbs_assembly_new(void);
void mmd_cbs_assembly_free(MmdCbsAssembly *assembly);

/* Adds a decoded page received at @now; returns the message once whole (at once
 * for a single page), else NULL. */
MmdCbsMessage *mmd_cbs_assembly_add(MmdCbsAssembly *assembly, const MmdCbsPage *page, gint64 now);

/* Incomplete messages that got no page for @timeout seconds, removed, as
 * MmdCbsMessage; also forgets delivered messages older than @timeout. */
GPtrArray *mmd_cbs_assembly_flush(MmdCbsAssembly *assembly, gint64 now, guint timeout);

guint mmd_cbs_assembly_pending(MmdCbsAssembly *assembly);

gboolean mmd_cbs_message_is_complete(const MmdCbsMessage *message);
void mmd_cbs_message_free(MmdCbsMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdCbsAssembly, mmd_cbs_assembly_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdCbsMessage, mmd_cbs_message_free)

G_END_DECLS
