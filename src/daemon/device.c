#define G_LOG_DOMAIN "modemd-device"

#include "device.h"

#include <string.h>

#include "sysfs.h"

/* Port events */

MmdPortEvent *
mmd_port_event_new(const char *action, const char *subsystem, const char *name)
{
  MmdPortEvent *event = g_new0(MmdPortEvent, 1);

  event->action = g_strdup(action);
  event->subsystem = g_strdup(subsystem);
  event->name = g_strdup(name);
  event->properties = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return event;
}

void
mmd_port_event_free(MmdPortEvent *event)
{
  if (!event)
    return;
  g_free(event->action);
  g_free(event->subsystem);
  g_free(event->name);
  g_free(event->syspath);
  g_free(event->devnode);
  g_free(event->uid);
  g_hash_table_unref(event->properties);
  g_free(event);
}

gboolean
mmd_port_event_fill_from_sysfs(MmdPortEvent *event)
{
  const char *devname;

  g_clear_pointer(&event->syspath, g_free);
  event->syspath = mmd_sysfs_resolve(event->subsystem, event->name);
  if (!event->syspath)
    return FALSE;
  g_hash_table_unref(event->properties);
  event->properties = mmd_sysfs_read_uevent(event->syspath);
  devname = g_hash_table_lookup(event->properties, "DEVNAME");
  g_clear_pointer(&event->devnode, g_free);
  if (devname && g_strcmp0(event->subsystem, "net") != 0)
    event->devnode
        = g_path_is_absolute(devname) ? g_strdup(devname) : g_build_filename("/dev", devname, NULL);
  return TRUE;
}

/* Hints */

static gboolean
property_set(GHashTable *properties, const char *key)
{
  const char *value = g_hash_table_lookup(properties, key);

  return value && value[0] && g_strcmp0(value, "0") != 0;
}

static guint
hints_from_properties(GHashTable *properties)
{
  static const struct {
    const char *suffix;
    MmdPortHints hint;
  } port_types[] = {
    { "AT_PRIMARY", MMD_PORT_HINT_AT_PRIMARY },
    { "AT_SECONDARY", MMD_PORT_HINT_AT_SECONDARY },
    { "AT_PPP", MMD_PORT_HINT_AT_PPP },
    { "QMI", MMD_PORT_HINT_QMI },
    { "MBIM", MMD_PORT_HINT_MBIM },
    { "GPS", MMD_PORT_HINT_GPS },
  };
  guint hints = 0;

  for (guint i = 0; i < G_N_ELEMENTS(port_types); i++) {
    g_autofree char *ours = g_strconcat("ID_MODEMD_PORT_TYPE_", port_types[i].suffix, NULL);
    g_autofree char *theirs = g_strconcat("ID_MM_PORT_TYPE_", port_types[i].suffix, NULL);
    if (property_set(properties, ours) || property_set(properties, theirs))
      hints |= port_types[i].hint;
  }
  if (property_set(properties, "ID_MODEMD_PORT_IGNORE")
      || property_set(properties, "ID_MM_PORT_IGNORE"))
    hints |= MMD_PORT_HINT_IGNORE;
  if (property_set(properties, "ID_MODEMD_CANDIDATE")
      || property_set(properties, "ID_MM_CANDIDATE"))
    hints |= MMD_PORT_HINT_CANDIDATE;
  if (property_set(properties, "ID_MODEMD_IGNORE")
      || property_set(properties, "ID_MM_DEVICE_IGNORE"))
    hints |= MMD_PORT_HINT_DEVICE_IGNORE;
  return hints;
}

/* Known non-modems: USB-serial adapters and boards that speak anything but
 * AT. Kept in step with data/udev/77-modemd-ignore.rules, for systems without
 * udev rules. */
static const struct {
  const char *vendor;
  const char *product; /* NULL: every product of the vendor */
} non_modems[] = {
  { "0403", NULL },   /* FTDI */
  { "2341", NULL },   /* Arduino */
  { "2a03", NULL },   /* Arduino (arduino.org) */
  { "1b4f", NULL },   /* SparkFun */
  { "239a", NULL },   /* Adafruit */
  { "10c4", "ea60" }, /* Silicon Labs CP210x */
  { "10c4", "ea70" }, /* Silicon Labs CP2105 */
  { "10c4", "ea71" }, /* Silicon Labs CP2108 */
  { "067b", "2303" }, /* Prolific PL2303 */
  { "067b", "23a3" }, /* Prolific PL2303GC */
  { "1a86", "7523" }, /* WCH CH340 */
  { "1a86", "5523" }, /* WCH CH341 */
  { "1a86", "55d4" }, /* WCH CH9102 */
  { "0483", "5740" }, /* STM32 virtual COM port */
  { "2e8a", NULL },   /* Raspberry Pi (Pico) */
  { "1915", NULL },   /* Nordic Semiconductor dev kits */
  { "1366", NULL },   /* SEGGER J-Link */
  { "0d28", "0204" }, /* ARM mbed DAPLink */
};

/* Drivers of plain serial ports: nothing behind them is known to be a modem. */
static const char *const serial_drivers[] = {
  "ftdi_sio", "cp210x",      "pl2303",   "ch341",      "ch341-uart", "ark3116",
  "mos7720",  "mos7840",     "oti6858",  "spcp8x5",    "keyspan",    "io_edgeport",
  "io_ti",    "f81232",      "f81534",   "serial8250", "8250",       "pnp",
  "port",     "dw-apb-uart", "imx-uart", "msm_serial", "serial",
};

gboolean
mmd_device_is_known_non_modem(const char *vendor, const char *product)
{
  if (!vendor)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(non_modems); i++) {
    if (g_ascii_strcasecmp(vendor, non_modems[i].vendor) != 0)
      continue;
    if (!non_modems[i].product
        || (product && g_ascii_strcasecmp(product, non_modems[i].product) == 0))
      return TRUE;
  }
  return FALSE;
}

static gboolean
is_serial_driver(const char *driver)
{
  return driver && g_strv_contains(serial_drivers, driver);
}

/* Vendor plugins may match on udev tags a rule gives the ports. */
static GStrv
tags_from_properties(GHashTable *properties)
{
  g_autoptr(GStrvBuilder) tags = g_strv_builder_new();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init(&iter, properties);
  while (g_hash_table_iter_next(&iter, &key, &value))
    if (g_str_has_prefix(key, "ID_MODEMD_TAG_") && g_strcmp0(value, "1") == 0)
      g_strv_builder_add(tags, key);
  return g_strv_builder_end(tags);
}

/* Ports */

MmdDevicePort *
mmd_device_port_new_from_event(const MmdPortEvent *event, char **out_uid, char **out_physdev,
                               gboolean *out_device_ignore)
{
  MmdDevicePort *port = g_new0(MmdDevicePort, 1);
  g_autofree char *physdev_subsystem = NULL;
  g_autofree char *physdev = NULL;
  g_autofree char *vendor = NULL;
  g_autofree char *product = NULL;
  const char *uid;

  port->name = g_strdup(event->name);
  port->subsystem = g_strdup(event->subsystem);
  port->syspath = g_strdup(event->syspath);
  port->devnode = g_strdup(event->devnode);
  port->hints = hints_from_properties(event->properties);
  port->tags = tags_from_properties(event->properties);
  port->type = MMD_MODEM_PORT_TYPE_UNKNOWN;
  port->state = MMD_DEVICE_PORT_NEW;
  if (event->syspath) {
    port->driver = mmd_sysfs_find_driver(event->syspath);
    physdev = mmd_sysfs_find_physdev(event->syspath, &physdev_subsystem);
  }
  if (physdev && g_strcmp0(physdev_subsystem, "usb") == 0) {
    vendor = mmd_sysfs_read_attr(physdev, "idVendor");
    product = mmd_sysfs_read_attr(physdev, "idProduct");
  } else if (physdev && g_strcmp0(physdev_subsystem, "pci") == 0) {
    vendor = mmd_sysfs_read_attr(physdev, "vendor");
    product = mmd_sysfs_read_attr(physdev, "device");
  }
  port->plain_serial = g_strcmp0(event->subsystem, "tty") == 0
                       && (is_serial_driver(port->driver)
                           || (g_strcmp0(physdev_subsystem, "usb") == 0
                               && mmd_device_is_known_non_modem(vendor, product)));

  uid = event->uid;
  if (!uid || !uid[0])
    uid = g_hash_table_lookup(event->properties, "ID_MODEMD_PHYSDEV_UID");
  if (!uid || !uid[0])
    uid = g_hash_table_lookup(event->properties, "ID_MM_PHYSDEV_UID");
  if (!uid || !uid[0])
    uid = physdev;
  if (!uid)
    uid = event->syspath ? event->syspath : event->name;
  *out_uid = g_strdup(uid);
  *out_physdev = g_strdup(physdev ? physdev : "");
  *out_device_ignore = (port->hints & MMD_PORT_HINT_DEVICE_IGNORE) != 0;
  return port;
}

void
mmd_device_port_free(MmdDevicePort *port)
{
  if (!port)
    return;
  if (port->probe_cancellable) {
    g_cancellable_cancel(port->probe_cancellable);
    g_object_unref(port->probe_cancellable);
  }
  g_free(port->name);
  g_free(port->subsystem);
  g_free(port->syspath);
  g_free(port->devnode);
  g_free(port->driver);
  g_strfreev(port->tags);
  g_free(port);
}

MmdPort *
mmd_device_port_to_port(const MmdDevicePort *port)
{
  return mmd_port_new(port->name, port->type == MMD_MODEM_PORT_TYPE_NET ? NULL : port->devnode,
                      port->subsystem, port->driver, port->type);
}

/* Devices */

MmdDevice *
mmd_device_new(const char *uid, const char *physdev)
{
  MmdDevice *device = g_new0(MmdDevice, 1);

  device->uid = g_strdup(uid);
  device->physdev = g_strdup(physdev);
  device->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_device_port_free);
  if (physdev && physdev[0]) {
    device->subsystem = mmd_sysfs_link_basename(physdev, "subsystem");
    if (g_strcmp0(device->subsystem, "usb") == 0) {
      device->vendor = mmd_sysfs_read_attr(physdev, "idVendor");
      device->product = mmd_sysfs_read_attr(physdev, "idProduct");
    } else if (g_strcmp0(device->subsystem, "pci") == 0) {
      device->vendor = mmd_sysfs_read_attr(physdev, "vendor");
      device->product = mmd_sysfs_read_attr(physdev, "device");
      device->subsystem_vendor = mmd_sysfs_read_attr(physdev, "subsystem_vendor");
      device->subsystem_device = mmd_sysfs_read_attr(physdev, "subsystem_device");
    }
  }
  return device;
}

/* The name of the node a declared path ends at, following links
 * (/dev/serial/by-id/... -> ../../ttyUSB2) a few levels deep. Not realpath():
 * umockdev's wrapper of it overflows the caller's buffer. */
static char *
node_name(const char *path)
{
  g_autofree char *current = g_strdup(path);

  for (guint depth = 0; depth < 8; depth++) {
    g_autofree char *target = g_file_read_link(current, NULL);
    g_autofree char *dir = NULL;

    if (!target)
      break;
    dir = g_path_get_dirname(current);
    g_free(current);
    current = mmd_sysfs_canonicalize(dir, target);
  }
  return g_path_get_basename(current);
}

/* A declared port's device in sysfs: by the name it was given, else by the
 * name of the node it links to. */
static char *
declared_port_syspath(const MmdPort *port)
{
  static const char *const control_classes[] = { "usbmisc", "wwan", "tty" };
  g_autofree char *linked_name = NULL;

  if (port->type == MMD_MODEM_PORT_TYPE_NET)
    return mmd_sysfs_resolve("net", port->name);
  linked_name = port->path ? node_name(port->path) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS(control_classes); i++) {
    char *syspath = mmd_sysfs_resolve(control_classes[i], port->name);

    if (!syspath && linked_name)
      syspath = mmd_sysfs_resolve(control_classes[i], linked_name);
    if (syspath)
      return syspath;
  }
  return NULL;
}

MmdDevice *
mmd_device_new_declared(GPtrArray *ports)
{
  g_autofree char *physdev = NULL;

  for (guint i = 0; i < ports->len; i++) {
    MmdPort *port = g_ptr_array_index(ports, i);
    g_autofree char *syspath = declared_port_syspath(port);

    if (!syspath)
      continue;
    g_free(port->driver);
    port->driver = mmd_sysfs_find_driver(syspath);
    /* The control port's device is the modem's, as for discovered ports. */
    if (!physdev && port->type != MMD_MODEM_PORT_TYPE_NET)
      physdev = mmd_sysfs_find_physdev(syspath, NULL);
  }
  return physdev ? mmd_device_new(physdev, physdev) : NULL;
}

void
mmd_device_free(MmdDevice *device)
{
  if (!device)
    return;
  g_ptr_array_unref(device->ports);
  g_free(device->uid);
  g_free(device->physdev);
  g_free(device->subsystem);
  g_free(device->subsystem_vendor);
  g_free(device->subsystem_device);
  g_free(device->vendor);
  g_free(device->product);
  g_free(device);
}

MmdDevicePort *
mmd_device_find_port(MmdDevice *device, const char *subsystem, const char *name)
{
  for (guint i = 0; i < device->ports->len; i++) {
    MmdDevicePort *port = g_ptr_array_index(device->ports, i);
    if (g_strcmp0(port->name, name) == 0 && g_strcmp0(port->subsystem, subsystem) == 0)
      return port;
  }
  return NULL;
}

void
mmd_device_add_port(MmdDevice *device, MmdDevicePort *port)
{
  port->device = device;
  g_ptr_array_add(device->ports, port);
}

void
mmd_device_remove_port(MmdDevice *device, MmdDevicePort *port)
{
  g_ptr_array_remove(device->ports, port);
}

gboolean
mmd_device_is_candidate(MmdDevice *device)
{
  for (guint i = 0; i < device->ports->len; i++) {
    MmdDevicePort *port = g_ptr_array_index(device->ports, i);

    if (port->hints & MMD_PORT_HINT_IGNORE)
      continue;
    if (port->hints & (MMD_PORT_HINT_CANDIDATE | MMD_PORT_HINT_TYPE_ANY))
      return TRUE;
    /* a WWAN control port (classified before this is asked) or a net port */
    if ((g_strcmp0(port->subsystem, "usbmisc") == 0 || g_strcmp0(port->subsystem, "wwan") == 0)
        && port->state == MMD_DEVICE_PORT_READY)
      return TRUE;
    if (g_strcmp0(port->subsystem, "net") == 0)
      return TRUE;
  }
  return FALSE;
}

gboolean
mmd_device_probing(MmdDevice *device)
{
  for (guint i = 0; i < device->ports->len; i++) {
    MmdDevicePort *port = g_ptr_array_index(device->ports, i);
    if (port->state == MMD_DEVICE_PORT_PROBING)
      return TRUE;
  }
  return FALSE;
}

static int
port_rank(const MmdDevicePort *port)
{
  switch (port->type) {
    case MMD_MODEM_PORT_TYPE_QMI:
      return 0;
    case MMD_MODEM_PORT_TYPE_MBIM:
      return 1;
    case MMD_MODEM_PORT_TYPE_AT:
      if (port->hints & MMD_PORT_HINT_AT_PRIMARY)
        return 2;
      if (port->hints & (MMD_PORT_HINT_AT_SECONDARY | MMD_PORT_HINT_AT_PPP))
        return 4;
      return 3;
    case MMD_MODEM_PORT_TYPE_NET:
      return 5;
    default:
      return 6;
  }
}

static int
compare_ports(gconstpointer a, gconstpointer b)
{
  const MmdDevicePort *pa = *(const MmdDevicePort *const *)a;
  const MmdDevicePort *pb = *(const MmdDevicePort *const *)b;
  int ra = port_rank(pa), rb = port_rank(pb);

  if (ra != rb)
    return ra - rb;
  /* ttyUSB2 before ttyUSB10 */
  if (strlen(pa->name) != strlen(pb->name))
    return (int)strlen(pa->name) - (int)strlen(pb->name);
  return strcmp(pa->name, pb->name);
}

GPtrArray *
mmd_device_ready_ports(MmdDevice *device)
{
  g_autoptr(GPtrArray) ready = g_ptr_array_new();
  GPtrArray *ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);

  for (guint i = 0; i < device->ports->len; i++) {
    MmdDevicePort *port = g_ptr_array_index(device->ports, i);
    if (port->state == MMD_DEVICE_PORT_READY)
      g_ptr_array_add(ready, port);
  }
  g_ptr_array_sort(ready, compare_ports);
  for (guint i = 0; i < ready->len; i++)
    g_ptr_array_add(ports, mmd_device_port_to_port(g_ptr_array_index(ready, i)));
  return ports;
}

/* "2c7c" or "0x17cb" as sysfs writes ids. */
static guint16
parse_id(const char *text)
{
  guint64 value = 0;

  if (!text
      || !g_ascii_string_to_unsigned(g_str_has_prefix(text, "0x") ? text + 2 : text, 16, 0, 0xffff,
                                     &value, NULL))
    return 0;
  return value;
}

GStrv
mmd_device_fill_info(const MmdDevice *device, MmdDeviceInfo *info)
{
  g_autoptr(GStrvBuilder) tags = g_strv_builder_new();
  GStrv result;

  memset(info, 0, sizeof(*info));
  info->physdev = device->physdev;
  info->subsystem = device->subsystem;
  info->vendor_id = parse_id(device->vendor);
  info->product_id = parse_id(device->product);
  info->subsystem_vendor_id = parse_id(device->subsystem_vendor);
  info->subsystem_device_id = parse_id(device->subsystem_device);
  for (guint i = 0; i < device->ports->len; i++) {
    const MmdDevicePort *port = g_ptr_array_index(device->ports, i);
    for (guint t = 0; port->tags && port->tags[t]; t++)
      g_strv_builder_add(tags, port->tags[t]);
  }
  result = g_strv_builder_end(tags);
  info->tags = (const char *const *)result;
  return result;
}
