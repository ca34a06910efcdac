/* Discovered ports, grouped by the physical device they belong to.
 *
 * A port event (from udev or from ReportKernelEvent) is turned into a
 * MmdDevicePort: its name, node, driver, the hints udev rules set, and the
 * device it belongs to (the physical parent in sysfs, or the uid a rule or the
 * caller gave). One MmdDevice per physical device; one modem per device. */
#pragma once

#include <gio/gio.h>

#include "plugin-api.h"

G_BEGIN_DECLS

/* What happened to a port, as udev or a ReportKernelEvent caller tells it. */
typedef struct {
  char *action;           /* "add", "change", "remove" */
  char *subsystem;        /* "tty", "usbmisc", "net", "wwan" */
  char *name;             /* "ttyUSB2", "cdc-wdm0", "wwan0" */
  char *syspath;          /* "/sys/devices/...", NULL if unknown (remove) */
  char *devnode;          /* "/dev/ttyUSB2", NULL for net ports */
  char *uid;              /* physical device override (ReportKernelEvent "uid"), or NULL */
  GHashTable *properties; /* udev properties (or the uevent file without udev) */
} MmdPortEvent;

MmdPortEvent *mmd_port_event_new(const char *action, const char *subsystem, const char *name);
void mmd_port_event_free(MmdPortEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdPortEvent, mmd_port_event_free)
/* Fills syspath, devnode and properties from sysfs (the non-udev path).
 * FALSE if the port is not in sysfs. */
gboolean mmd_port_event_fill_from_sysfs(MmdPortEvent *event);

/* Hints from udev properties (ID_MODEMD_* and the ID_MM_* equivalents). */
typedef enum {
  MMD_PORT_HINT_NONE = 0,
  MMD_PORT_HINT_AT_PRIMARY = 1 << 0,
  MMD_PORT_HINT_AT_SECONDARY = 1 << 1,
  MMD_PORT_HINT_AT_PPP = 1 << 2,
  MMD_PORT_HINT_QMI = 1 << 3,
  MMD_PORT_HINT_MBIM = 1 << 4,
  MMD_PORT_HINT_GPS = 1 << 5,
  MMD_PORT_HINT_IGNORE = 1 << 6,
  MMD_PORT_HINT_CANDIDATE = 1 << 7,
  MMD_PORT_HINT_DEVICE_IGNORE = 1 << 8,
} MmdPortHints;

#define MMD_PORT_HINT_AT_ANY                                                                       \
  (MMD_PORT_HINT_AT_PRIMARY | MMD_PORT_HINT_AT_SECONDARY | MMD_PORT_HINT_AT_PPP)
#define MMD_PORT_HINT_TYPE_ANY                                                                     \
  (MMD_PORT_HINT_AT_ANY | MMD_PORT_HINT_QMI | MMD_PORT_HINT_MBIM | MMD_PORT_HINT_GPS)

typedef enum {
  MMD_DEVICE_PORT_NEW,     /* not looked at yet */
  MMD_DEVICE_PORT_WAITING, /* tty that may be probed once the device is a candidate */
  MMD_DEVICE_PORT_PROBING, /* probe in flight */
  MMD_DEVICE_PORT_READY,   /* type known, usable by a modem */
  MMD_DEVICE_PORT_IGNORED, /* not ours (hint, not answering, unknown kind) */
} MmdDevicePortState;

typedef struct _MmdDevice MmdDevice;

typedef struct {
  MmdDevice *device; /* weak */
  char *name;
  char *subsystem;
  char *syspath;
  char *devnode;
  char *driver;
  guint hints; /* MmdPortHints */
  /* usb-serial adapter or a known non-modem vendor: never probed */
  gboolean plain_serial;
  GStrv tags; /* udev properties ID_MODEMD_TAG_* set to 1, by name */
  MmdModemPortType type;
  MmdDevicePortState state;
  GCancellable *probe_cancellable;
} MmdDevicePort;

struct _MmdDevice {
  char *uid;       /* identity: Device property, InhibitDevice argument */
  char *physdev;   /* sysfs path of the physical device */
  char *subsystem; /* of physdev: "usb", "pci", ... or NULL */
  char *vendor;    /* USB idVendor / PCI vendor, or NULL */
  char *product;
  char *subsystem_vendor; /* PCI only */
  char *subsystem_device;
  gboolean ignored; /* a rule said: not a modem, never touch */
  GPtrArray *ports; /* MmdDevicePort */
};

/* Port details from the event: driver, hints, physical device. The uid of its
 * device is returned in out_uid (and physdev, vendor, product, ignore). */
MmdDevicePort *mmd_device_port_new_from_event(const MmdPortEvent *event, char **out_uid,
                                              char **out_physdev, gboolean *out_device_ignore);
void mmd_device_port_free(MmdDevicePort *port);
/* An MmdPort (the core's view) for a ready port. */
MmdPort *mmd_device_port_to_port(const MmdDevicePort *port);

MmdDevice *mmd_device_new(const char *uid, const char *physdev);
/* The device of ports declared with --port, as far as sysfs knows their
 * nodes (/dev/X as /sys/class/SUBSYSTEM/X): fills in each known port's
 * driver and returns the physical device (uid and physdev: its sysfs path),
 * or NULL if sysfs knows none of them (ptys, nodes of another system). */
MmdDevice *mmd_device_new_declared(GPtrArray *ports);
void mmd_device_free(MmdDevice *device);
MmdDevicePort *mmd_device_find_port(MmdDevice *device, const char *subsystem, const char *name);
/* Takes port. */
void mmd_device_add_port(MmdDevice *device, MmdDevicePort *port);
void mmd_device_remove_port(MmdDevice *device, MmdDevicePort *port);
/* Whether AT probing of its tty ports is allowed: it has a WWAN control or net
 * port, or carries a candidate tag or a port type hint. */
gboolean mmd_device_is_candidate(MmdDevice *device);
/* Whether any port is still being looked at. */
gboolean mmd_device_probing(MmdDevice *device);
/* Ready ports as MmdPort, best first (QMI, MBIM, AT primary, AT, others). */
GPtrArray *mmd_device_ready_ports(MmdDevice *device);

/* What plugins match a device on. The strings point into device (valid while
 * it is); tags are collected from the ports into the returned array, which
 * the caller frees with g_strfreev. */
GStrv mmd_device_fill_info(const MmdDevice *device, MmdDeviceInfo *info);

/* USB vendor:product pairs (product NULL: all) that are never modems. */
gboolean mmd_device_is_known_non_modem(const char *vendor, const char *product);

G_END_DECLS
