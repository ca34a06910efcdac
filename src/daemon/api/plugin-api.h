/* Everything a plugin may use from the core, and nothing else: a plugin
 * includes this header only (and its own protocol code). No D-Bus types are
 * in it; the core turns what plugins report into D-Bus objects.
 *
 * A plugin is an MmdPlugin: what devices it drives and how it creates the
 * backends of a modem. Its create function makes the backend(s) and
 * provides the operations of each capability the modem has
 * (mmd_modem_provide_*); the core exports the D-Bus interface of a
 * capability only when its operations were provided. A capability only the
 * modem can tell about (a QMI service it may lack) is provided during the
 * backend's initialization instead, once it is known: clients see the
 * modem's interfaces complete when it leaves INITIALIZING. */
#pragma once

#include "backend.h"
#include "log.h"
#include "ops-bearer.h"
#include "ops-cell-broadcast.h"
#include "ops-location.h"
#include "ops-messaging.h"
#include "ops-modem.h"
#include "ops-network.h"
#include "ops-signal.h"
#include "ops-sim.h"
#include "ops-time.h"
#include "ops-ussd.h"
#include "ops-voice.h"
#include "plugin-util.h"
#include "port.h"
#include "runtime-state.h"
#include "sim-files.h"

G_BEGIN_DECLS

/* What the core knows about the physical device of a modem. */
typedef struct {
  const char *physdev;         /* sysfs path of the USB device / PCI function, or NULL */
  const char *subsystem;       /* "usb", "pci", "platform", or NULL when unknown */
  guint16 vendor_id;           /* USB idVendor / PCI vendor; 0 when unknown */
  guint16 product_id;          /* USB idProduct / PCI device */
  guint16 subsystem_vendor_id; /* PCI only */
  guint16 subsystem_device_id;
  const char *const *drivers; /* of the ports, NULL-terminated */
  const char *const *tags;    /* udev tags of the ports (ID_MODEMD_TAG_*), NULL-terminated */
} MmdDeviceInfo;

/* A vendor/product pair; product 0 matches every product of the vendor. */
typedef struct {
  guint16 vendor;
  guint16 product;
} MmdDeviceId;

typedef struct {
  const char *name; /* shown in the modem's Plugin property */
  /* Among the plugins that match a device, lower is tried first. Vendor
   * plugins sit below the generic ones (QMI 100, MBIM 200, AT 300). */
  int priority;

  /* What the plugin matches. A NULL or empty list matches anything; every
   * list given must match. */
  const MmdDeviceId *ids;           /* {0, 0}-terminated; USB or PCI (vendor) ids */
  const MmdDeviceId *subsystem_ids; /* {0, 0}-terminated; PCI subsystem ids */
  const char *const *drivers;       /* any port driver in the list */
  const char *const *tags;          /* any udev tag in the list */
  /* Whether the plugin drives a modem whose best control port is of this
   * type (the primary port). Required. */
  gboolean (*supports_port)(MmdModemPortType type);

  /* Creates the backend(s) of a modem and provides their operations.
   * ports: MmdPort (control, net, AT ports) that the plugin may copy.
   * Returns the primary backend (the modem owns it). Required. */
  MmdBackend *(*create)(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports);

  /* Whether a tty port speaks this plugin's protocol (AT): a short exchange
   * with a short timeout and few retries, then the port is closed again.
   * port is only valid during the call. The GTask has no source object; its
   * result is a boolean. Cancelled when the port goes away. Optional. */
  void (*probe)(const MmdPort *port, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data);
} MmdPlugin;

/* A second backend of the modem (a vendor's port speaking another protocol):
 * the modem owns it, initializes it after the primary one and shuts it down
 * with the modem. */
void mmd_modem_add_backend(MmdModem *modem, MmdBackend *backend);

G_END_DECLS
