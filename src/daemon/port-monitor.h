/* The port monitor: libudev enumeration at start and on ScanDevices, then
 * add/change/remove of tty, usbmisc, net and wwan devices as they happen.
 * Only built with udev (WITH_UDEV). Events are handed over in batches: all
 * that are readable at once, so that the ports of a device plugged in
 * together are seen together, without waiting for anything. */
#pragma once

#include <gio/gio.h>

#include "device.h"

G_BEGIN_DECLS

typedef struct _MmdPortMonitor MmdPortMonitor;

/* events: GPtrArray of MmdPortEvent, valid during the call. */
typedef void (*MmdPortMonitorFunc)(GPtrArray *events, gpointer user_data);

MmdPortMonitor *mmd_port_monitor_new(MmdPortMonitorFunc func, gpointer user_data, GError **error);
/* Hands over an "add" event for every port there is, as one batch. */
void mmd_port_monitor_enumerate(MmdPortMonitor *self);
void mmd_port_monitor_free(MmdPortMonitor *self);

G_END_DECLS
