/* Reading sysfs directly: attributes, links, the parent walk to a port's
 * physical device. Used by both the udev and the non-udev paths (with udev,
 * libudev only tells us that something happened and which properties rules
 * set; what the kernel says is read here). Paths are plain strings
 * ("/sys/devices/..."); nothing here blocks for long (sysfs reads). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The file's contents without trailing whitespace, or NULL. */
char *mmd_sysfs_read_attr(const char *syspath, const char *attr);
/* The basename of the symlink syspath/link ("driver", "subsystem"), or NULL. */
char *mmd_sysfs_link_basename(const char *syspath, const char *link);
/* Whether syspath is a device (has a uevent file). */
gboolean mmd_sysfs_is_device(const char *syspath);
/* The device directory of a port: /sys/class/SUBSYSTEM/NAME (or
 * /sys/bus/SUBSYSTEM/devices/NAME) resolved to /sys/devices/..., or NULL. */
char *mmd_sysfs_resolve(const char *subsystem, const char *name);
/* The parent directory, or NULL at /sys/devices. */
char *mmd_sysfs_parent(const char *syspath);
/* The driver of the port: its own, else the nearest ancestor's. */
char *mmd_sysfs_find_driver(const char *syspath);
/* The physical device of a port: the USB device, the PCI function, or a
 * platform device above it; else the wwan device; else the parent device.
 * out_subsystem (optional) gets that device's subsystem. */
char *mmd_sysfs_find_physdev(const char *syspath, char **out_subsystem);
/* The KEY=VALUE lines of syspath/uevent (empty table if unreadable). */
GHashTable *mmd_sysfs_read_uevent(const char *syspath);
/* Joins a relative link target onto base and removes "." and ".." parts. */
char *mmd_sysfs_canonicalize(const char *base, const char *relative);

G_END_DECLS
