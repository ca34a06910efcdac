/* The cell broadcast capability: pages of broadcast messages in, channel
 * selection out. The core decodes and assembles the pages (src/codec).
 * Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

/* A range of channels (message identifiers), inclusive. */
typedef struct {
  guint16 first;
  guint16 last;
} MmdCbsChannelRange;

typedef struct {
  /* Receive broadcasts on these channels only (none: receive nothing).
   * Result: boolean. */
  void (*set_channels)(MmdBackend *self, const MmdCbsChannelRange *ranges, gsize n_ranges,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
} MmdCellBroadcastOps;

void mmd_modem_provide_cell_broadcast(MmdModem *modem, const MmdCellBroadcastOps *ops,
                                      MmdBackend *backend);

/* One page as the network sent it (the 88 octets of the GSM format). */
void mmd_modem_cbs_received(MmdModem *self, const guint8 *page, gsize len);

G_END_DECLS
