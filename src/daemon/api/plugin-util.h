/* Small pure helpers the plugins share: completing an operation's GTask,
 * building a scan result, mapping a signal reading to a quality. No D-Bus
 * objects here; a backend still reports through the setters of modem.h. */
#pragma once

#include <gio/gio.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

/* Completes an operation's task with error (taken) or with TRUE, and drops the
 * reference the operation held on it. */
void mmd_task_fail(GTask *task, GError *error);
void mmd_task_succeed(GTask *task);

/* Appends one network of a Scan() result (aa{sv}) to list; a NULL name or
 * code is left out. */
void mmd_scan_result_add(GVariantBuilder *list, MmdModem3gppNetworkAvailability status,
                         const char *operator_long, const char *operator_short,
                         const char *operator_code, guint access_technologies);

/* An RSSI in dBm to a 0-100 quality: -113 dBm (or below) is 0, -51 dBm (or
 * above) is 100. */
guint mmd_signal_percent_from_dbm(int rssi_dbm);
/* A 27.007 +CSQ RSSI (0..31, 99 unknown; MBIM uses the same scale) to a 0-100
 * quality; out of range is 0. */
guint mmd_signal_percent_from_csq(int rssi);

G_END_DECLS
