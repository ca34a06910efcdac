/* The signal capability: quality and the extended values per technology.
 * Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* Read signal quality and the extended values, report them with the
   * setters below. Result: boolean. */
  void (*refresh)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data);
  /* Ask the modem to report signal changes by itself (indications,
   * thresholds, URCs) from now on, and report the current values once.
   * rssi_threshold: the change in dB worth a report, 0 for the backend's
   * default. Result: boolean. When this is missing or fails, the core polls
   * with refresh while the modem is enabled; when it succeeds, it does not. */
  void (*setup_events)(MmdBackend *self, guint rssi_threshold, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);
} MmdSignalOps;

void mmd_modem_provide_signal(MmdModem *modem, const MmdSignalOps *ops, MmdBackend *backend);

void mmd_modem_set_signal_quality(MmdModem *self, guint percent);
/* tech: "gsm", "umts", "lte" or "nr5g"; values: a{sv} of doubles (floating
 * references are sunk), NULL clears. */
void mmd_modem_set_signal_values(MmdModem *self, const char *tech, GVariant *values);

G_END_DECLS
