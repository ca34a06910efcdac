/* The cell broadcast room: org.example.Modem1.Modem.CellBroadcast and its
 * Cbm objects. Its API is the one plugins use (ops-cell-broadcast.h). */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* How long the pages of a message that came wait for the others. */
#define MMD_CELL_BROADCAST_PAGE_TIMEOUT_S 60
void mmd_cell_broadcast_set_page_timeout(guint seconds);

G_END_DECLS
