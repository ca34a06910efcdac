/* The signal room: org.example.Modem1.Modem.Signal (extended values per
 * technology, Setup) and the SignalQuality of the Modem interface, refreshed
 * while the modem is enabled. Plugins report through ops-signal.h. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* Whether the room will wake up by itself: a poll, or the expiry of the
 * quality's "recent" flag, pending. A modem that reports its signal has none. */
gboolean mmd_modem_signal_has_timer(MmdModem *modem);

G_END_DECLS
