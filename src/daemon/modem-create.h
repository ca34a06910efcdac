/* How a modem comes to be: the object, its rooms, the plugin's backends and
 * operations, the export, then initialization. The manager and core tests
 * create modems this way. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* A modem for the ports (MmdPort) of a device, driven by plugin, exported
 * and initializing. info may be NULL (nothing known of the device). */
MmdModem *mmd_modem_create(const MmdExporter *exporter, const char *device,
                           const MmdDeviceInfo *info, const MmdPlugin *plugin, GPtrArray *ports);

G_END_DECLS
