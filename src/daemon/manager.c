#define G_LOG_DOMAIN "modemd-manager"

#include "manager.h"

#include <string.h>

#include "auth.h"
#include "compat.h"
#include "config.h"
#include "device.h"
#include "log.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-create.h"
#include "plugin-registry.h"
#include "probe.h"
#include "sysfs.h"
#if WITH_UDEV
#include "port-monitor.h"
#endif
#if WITH_QRTR
#include "mmd-qrtr.h"
#include "qrtr-monitor.h"
#endif

/* A set of ports that form one modem, and the modem made of them, if any.
 * Declared (--port) devices have ports; discovered ones (udev,
 * ReportKernelEvent) have a device whose ready ports make the modem. */
typedef struct {
  char *uid;
  GPtrArray *ports;  /* MmdPort, declared devices */
  MmdDevice *device; /* discovered devices, else NULL */
  MmdDevice *sysfs;  /* declared devices: what sysfs knows of them, or NULL */
  MmdModem *modem;
  char *inhibitor; /* bus name holding the device, or NULL */
  guint inhibitor_watch;
  gboolean dirty;           /* ports changed in the batch being handled */
  gboolean logged;          /* "ignored" said once */
  gboolean qrtr_discovered; /* found on the QRTR name service: goes with its node */
} DeviceEntry;

struct _MmdManager {
  GObject parent;

  GDBusConnection *connection;
  GDBusObjectManagerServer *object_manager;
  MdbusManager *iface;
  GPtrArray *devices; /* DeviceEntry */
  MmdExporter exporter;
  GHashTable *next_index; /* object kind -> guint */
  GHashTable *objects;    /* path -> GDBusObjectSkeleton, exported outside the ObjectManager */
  MmdCompat *compat;      /* the reference's names too, or NULL */
#if WITH_UDEV
  MmdPortMonitor *monitor; /* NULL: udev not in charge, ReportKernelEvent is */
#endif
#if WITH_QRTR
  char *qrtr_bus;             /* a unix QRTR bus (--port=qrtr:unix:PATH), else the kernel's */
  MmdQrtrMonitor *qrtr_watch; /* NULL: no QRTR here */
#endif
};

G_DEFINE_TYPE(MmdManager, mmd_manager, G_TYPE_OBJECT)

static void
device_entry_free(DeviceEntry *entry)
{
  g_clear_handle_id(&entry->inhibitor_watch, g_bus_unwatch_name);
  g_clear_object(&entry->modem);
  g_clear_pointer(&entry->ports, g_ptr_array_unref);
  g_clear_pointer(&entry->device, mmd_device_free);
  g_clear_pointer(&entry->sysfs, mmd_device_free);
  g_free(entry->inhibitor);
  g_free(entry->uid);
  g_free(entry);
}

static void
mmd_manager_dispose(GObject *object)
{
  MmdManager *self = MMD_MANAGER(object);

  mmd_manager_shutdown(self);
#if WITH_UDEV
  g_clear_pointer(&self->monitor, mmd_port_monitor_free);
#endif
#if WITH_QRTR
  g_clear_pointer(&self->qrtr_bus, g_free);
#endif
  g_clear_pointer(&self->devices, g_ptr_array_unref);
  g_clear_pointer(&self->next_index, g_hash_table_unref);
  g_clear_pointer(&self->objects, g_hash_table_unref);
  g_clear_pointer(&self->compat, mmd_compat_free);
  g_clear_object(&self->iface);
  g_clear_object(&self->object_manager);
  g_clear_object(&self->connection);
  G_OBJECT_CLASS(mmd_manager_parent_class)->dispose(object);
}

static void
mmd_manager_class_init(MmdManagerClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_manager_dispose;
}

static void
mmd_manager_init(MmdManager *self)
{
  self->devices = g_ptr_array_new_with_free_func((GDestroyNotify)device_entry_free);
  self->next_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
}

static DeviceEntry *
find_device(MmdManager *self, const char *uid)
{
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (g_strcmp0(entry->uid, uid) == 0)
      return entry;
  }
  return NULL;
}

static void
create_modem(MmdManager *self, DeviceEntry *entry)
{
  const MmdPort *primary = NULL;
  const MmdPlugin *plugin;
  g_autoptr(GPtrArray) ports = NULL;
  g_auto(GStrv) tags = NULL;
  MmdDeviceInfo info = { 0 };

  if (entry->modem || entry->inhibitor)
    return;
  if (entry->device) {
    if (entry->device->ignored)
      return;
    ports = mmd_device_ready_ports(entry->device);
    tags = mmd_device_fill_info(entry->device, &info);
  } else {
    ports = g_ptr_array_ref(entry->ports);
    if (entry->sysfs)
      tags = mmd_device_fill_info(entry->sysfs, &info);
  }
  plugin = mmd_plugins_find(&info, ports, &primary);
  if (!plugin) {
    if (!entry->device)
      g_warning("No plugin drives the ports of %s", entry->uid);
    return;
  }
  entry->modem = mmd_modem_create(&self->exporter, entry->uid, &info, plugin, ports);
  g_message("%s: %s modem on %s", mmd_modem_get_path(entry->modem), plugin->name,
            primary->path ? primary->path : primary->name);
}

static void
destroy_modem(MmdManager *self, DeviceEntry *entry)
{
  g_autoptr(MmdModem) modem = g_steal_pointer(&entry->modem);

  if (!modem)
    return;
  g_message("%s: removed", mmd_modem_get_path(modem));
  /* The rooms take their objects (SIM, bearers, ...) off the bus. */
  mmd_modem_shutdown(modem);
  self->exporter.ops->unexport(self, mmd_modem_get_path(modem));
}

/* QRTR modems (SoCs): found on the QRTR name service rather than in sysfs,
 * with the SoC's IPA net device as their data port wherever discovery found
 * it (udev or sysfs; it comes and goes on its own). */

#if WITH_QRTR
static gboolean
entry_is_qrtr(const DeviceEntry *entry)
{
  const MmdPort *first
      = entry->ports && entry->ports->len ? g_ptr_array_index(entry->ports, 0) : NULL;

  return first && g_strcmp0(first->subsystem, MMD_QRTR_PORT_SUBSYSTEM) == 0;
}

static gboolean
is_soc_data_port(const MmdDevicePort *port)
{
  return port->type == MMD_MODEM_PORT_TYPE_NET && port->state == MMD_DEVICE_PORT_READY
         && g_strcmp0(port->driver, MMD_QRTR_DATA_DRIVER) == 0;
}

static GPtrArray *
soc_data_ports(MmdManager *self)
{
  GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);

  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    for (guint j = 0; entry->device && j < entry->device->ports->len; j++) {
      const MmdDevicePort *port = g_ptr_array_index(entry->device->ports, j);
      if (is_soc_data_port(port))
        g_ptr_array_add(found, mmd_device_port_to_port(port));
    }
  }
  return found;
}

static void
attach_soc_data_ports(MmdManager *self)
{
  g_autoptr(GPtrArray) data_ports = NULL;

  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (!entry_is_qrtr(entry) || !entry->modem)
      continue;
    if (!data_ports)
      data_ports = soc_data_ports(self);
    for (guint j = 0; j < data_ports->len; j++)
      mmd_modem_add_port(entry->modem, g_ptr_array_index(data_ports, j));
  }
}

static void
detach_soc_data_port(MmdManager *self, const MmdDevicePort *port)
{
  if (!is_soc_data_port(port))
    return;
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (entry_is_qrtr(entry) && entry->modem)
      mmd_modem_remove_port(entry->modem, port->name);
  }
}

static DeviceEntry *
qrtr_entry_new(MmdManager *self, const char *name, guint32 node)
{
  g_autofree char *endpoint = mmd_qrtr_endpoint_format(self->qrtr_bus, node);
  DeviceEntry *entry = g_new0(DeviceEntry, 1);

  entry->uid = g_strdup(name);
  entry->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  g_ptr_array_add(entry->ports, mmd_port_new(name, endpoint, MMD_QRTR_PORT_SUBSYSTEM, NULL,
                                             MMD_MODEM_PORT_TYPE_QMI));
  entry->qrtr_discovered = TRUE;
  g_ptr_array_add(self->devices, entry);
  return entry;
}

/* A node offers a modem's services, or no longer does. A declared QRTR
 * modem (--port=qrtr:NODE) keeps its entry and comes back with its node. */
static void
qrtr_modem_changed(guint32 node, gboolean present, gpointer user_data)
{
  MmdManager *self = user_data;
  g_autofree char *name = mmd_qrtr_port_name(node);
  DeviceEntry *entry = find_device(self, name);

  if (present) {
    if (!entry)
      entry = qrtr_entry_new(self, name, node);
    if (!entry->modem) {
      create_modem(self, entry);
      attach_soc_data_ports(self);
    }
  } else if (entry && entry->qrtr_discovered && !entry->inhibitor) {
    destroy_modem(self, entry);
    g_ptr_array_remove(self->devices, entry);
  }
}

static void
start_qrtr_watch(MmdManager *self)
{
  g_autoptr(GError) error = NULL;

  self->qrtr_watch = mmd_qrtr_monitor_new(self->qrtr_bus, qrtr_modem_changed, self, &error);
  if (self->qrtr_watch)
    return;
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    g_debug("No QRTR modems: %s", error->message);
  else
    g_warning("QRTR modems are not watched: %s", error->message);
}
#endif

/* Discovery: port events from udev or ReportKernelEvent, grouped by device */

static DeviceEntry *
find_entry_for_port(MmdManager *self, const char *subsystem, const char *name,
                    MmdDevicePort **out_port)
{
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    MmdDevicePort *port;

    if (!entry->device)
      continue;
    port = mmd_device_find_port(entry->device, subsystem, name);
    if (port) {
      *out_port = port;
      return entry;
    }
  }
  return NULL;
}

static DeviceEntry *
find_entry_for_device(MmdManager *self, MmdDevice *device)
{
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (entry->device == device)
      return entry;
  }
  return NULL;
}

static void evaluate_device(MmdManager *self, DeviceEntry *entry);

static void
on_probe_done(MmdDevicePort *port, gpointer user_data)
{
  MmdManager *self = user_data;
  DeviceEntry *entry = find_entry_for_device(self, port->device);

  if (port->state == MMD_DEVICE_PORT_IGNORED)
    g_message("%s: no answer to AT, ignored", port->name);
  if (entry)
    evaluate_device(self, entry);
}

/* Probe what may be probed, then create the modem or bring it up to date. */
static void
evaluate_device(MmdManager *self, DeviceEntry *entry)
{
  MmdDevice *device = entry->device;
  g_autoptr(GPtrArray) ready = NULL;
  g_auto(GStrv) tags = NULL;
  MmdDeviceInfo info;
  const MmdPlugin *best;

  if (device->ignored) {
    if (!entry->logged)
      g_message("%s: ignored by udev rule, not touched", entry->uid);
    entry->logged = TRUE;
    return;
  }
  if (entry->inhibitor)
    return;
  if (mmd_device_is_candidate(device)) {
    for (guint i = 0; i < device->ports->len; i++) {
      MmdDevicePort *port = g_ptr_array_index(device->ports, i);
      if (port->state == MMD_DEVICE_PORT_WAITING)
        mmd_probe_port(port, on_probe_done, self);
    }
  }

  ready = mmd_device_ready_ports(device);
  tags = mmd_device_fill_info(device, &info);
  best = mmd_plugins_find(&info, ready, NULL);
  if (!best)
    return;
  if (entry->modem && mmd_modem_get_plugin(entry->modem)->priority > best->priority) {
    /* A better control port arrived late (QMI after an AT port answered). */
    g_message("%s: %s port appeared, %s modem replaced", entry->uid, best->name,
              mmd_modem_get_plugin(entry->modem)->name);
    destroy_modem(self, entry);
  }
  if (!entry->modem) {
    create_modem(self, entry);
    return;
  }
  for (guint i = 0; i < ready->len; i++)
    mmd_modem_add_port(entry->modem, g_ptr_array_index(ready, i));
}

static void
port_removed(MmdManager *self, DeviceEntry *entry, MmdDevicePort *port)
{
  g_autofree char *name = g_strdup(port->name);
  gboolean was_ready = port->state == MMD_DEVICE_PORT_READY;

#if WITH_QRTR
  detach_soc_data_port(self, port);
#endif
  mmd_device_remove_port(entry->device, port); /* cancels its probe */
  if (entry->modem && was_ready) {
    const MmdPort *primary = mmd_modem_get_primary_port(entry->modem);

    if (primary && g_strcmp0(primary->name, name) == 0) {
      g_message("%s: control port %s gone", mmd_modem_get_path(entry->modem), name);
      destroy_modem(self, entry);
    } else {
      mmd_modem_remove_port(entry->modem, name);
    }
  }
  if (entry->device->ports->len == 0 && !entry->inhibitor) {
    g_debug("%s: last port gone", entry->uid);
    g_ptr_array_remove(self->devices, entry);
  }
}

/* Whether a --port declaration names this device node already. */
static gboolean
declared_port(MmdManager *self, const char *devnode)
{
  for (guint i = 0; devnode && i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);

    for (guint j = 0; entry->ports && j < entry->ports->len; j++) {
      const MmdPort *port = g_ptr_array_index(entry->ports, j);
      if (g_strcmp0(port->path, devnode) == 0)
        return TRUE;
    }
  }
  return FALSE;
}

static void
port_added(MmdManager *self, const MmdPortEvent *event)
{
  g_autofree char *uid = NULL;
  g_autofree char *physdev = NULL;
  MmdDevicePort *known = NULL;
  DeviceEntry *entry;
  MmdDevicePort *port;
  gboolean ignore_device;

  if (!event->syspath || strstr(event->syspath, "/devices/virtual/"))
    return;
  if (declared_port(self, event->devnode)) {
    g_debug("%s: declared with --port, not discovered", event->devnode);
    return;
  }
  entry = find_entry_for_port(self, event->subsystem, event->name, &known);
  if (entry) {
    if (g_strcmp0(known->syspath, event->syspath) == 0)
      return;                         /* seen already (enumeration racing an event, ScanDevices) */
    port_removed(self, entry, known); /* same name, another device: it moved */
  }
  port = mmd_device_port_new_from_event(event, &uid, &physdev, &ignore_device);
  entry = find_device(self, uid);
  if (entry && !entry->device) {
    g_warning("%s: %s is declared with --port, not discovered", uid, event->name);
    mmd_device_port_free(port);
    return;
  }
  if (!entry) {
    entry = g_new0(DeviceEntry, 1);
    entry->uid = g_strdup(uid);
    entry->device = mmd_device_new(uid, physdev);
    g_ptr_array_add(self->devices, entry);
  }
  if (ignore_device)
    entry->device->ignored = TRUE;
  mmd_device_add_port(entry->device, port);
  mmd_probe_classify(port);
  g_debug("%s: port %s/%s driver %s hints 0x%x state %d type %d", uid, event->subsystem,
          event->name, port->driver ? port->driver : "-", port->hints, port->state, port->type);
  entry->dirty = TRUE;
}

/* One batch of port events: all ports first, then the devices they touched. */
static void
handle_port_events(GPtrArray *events, gpointer user_data)
{
  MmdManager *self = user_data;

  for (guint i = 0; i < events->len; i++) {
    const MmdPortEvent *event = g_ptr_array_index(events, i);

    if (g_strcmp0(event->action, "remove") == 0) {
      MmdDevicePort *port = NULL;
      DeviceEntry *entry = find_entry_for_port(self, event->subsystem, event->name, &port);
      if (entry)
        port_removed(self, entry, port);
    } else {
      port_added(self, event);
    }
  }
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (entry->dirty) {
      entry->dirty = FALSE;
      evaluate_device(self, entry);
    }
  }
#if WITH_QRTR
  attach_soc_data_ports(self);
#endif
}

static const char *const discovery_subsystems[] = { "tty", "usbmisc", "net", "wwan" };

/* Without udev: every port sysfs lists now, as "add" events. */
static void
enumerate_sysfs(MmdManager *self)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_event_free);

  for (guint s = 0; s < G_N_ELEMENTS(discovery_subsystems); s++) {
    g_autofree char *path = g_build_filename("/sys/class", discovery_subsystems[s], NULL);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
      MmdPortEvent *event = mmd_port_event_new("add", discovery_subsystems[s], name);
      if (mmd_port_event_fill_from_sysfs(event))
        g_ptr_array_add(events, event);
      else
        mmd_port_event_free(event);
    }
  }
  handle_port_events(events, self);
}

static gboolean
udev_in_charge(MmdManager *self)
{
#if WITH_UDEV
  return self->monitor != NULL;
#else
  return FALSE;
#endif
}

/* D-Bus methods */

/* Brings back modems that are gone and looks for ports again. */
static void
scan_devices(MmdManager *self)
{
#if WITH_UDEV
  if (self->monitor)
    mmd_port_monitor_enumerate(self->monitor);
  else
#endif
    enumerate_sysfs(self);
  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (entry->device)
      evaluate_device(self, entry);
    else
      create_modem(self, entry);
  }
}

static void
scan_devices_run(MmdCall *call)
{
  scan_devices(MMD_MANAGER(mmd_call_get_target(call)));
  mmd_call_return(call, NULL);
}

static void
set_logging_run(MmdCall *call)
{
  const char *level;

  g_variant_get(mmd_call_get_parameters(call), "(&s)", &level);
  if (!mmd_log_set_level_from_string(level)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Unknown log level '%s' (ERR, WARN, INFO or DEBUG)", level);
    return;
  }
  g_message("Log level set to %s", level);
  mmd_call_return(call, NULL);
}

static void
report_kernel_event_run(MmdCall *call)
{
  MmdManager *self = MMD_MANAGER(mmd_call_get_target(call));
  GDBusMethodInvocation *invocation = mmd_call_get_invocation(call);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *action = NULL, *subsystem = NULL, *name = NULL, *uid = NULL;
  MmdPortEvent *event;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &dict);
  g_variant_lookup(dict, "action", "&s", &action);
  g_variant_lookup(dict, "subsystem", "&s", &subsystem);
  g_variant_lookup(dict, "name", "&s", &name);
  g_variant_lookup(dict, "uid", "&s", &uid);
  if (!action || !subsystem || !name
      || (g_strcmp0(action, "add") != 0 && g_strcmp0(action, "remove") != 0)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Need 'action' (add or remove), 'subsystem' and 'name'");
    return;
  }
  if (udev_in_charge(self)) {
    mmd_call_return_new_error(
        call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
        "udev is in charge of port discovery: kernel events are only taken from callers "
        "on systems without udev");
    return;
  }
  if (!name[0] || strchr(name, '/') || !subsystem[0] || strchr(subsystem, '/')) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Invalid port name '%s' or subsystem '%s'", name, subsystem);
    return;
  }
  if (!g_strv_contains(discovery_subsystems, subsystem)) {
    /* Hotplug scripts report everything; only ports of modems are ours. */
    mmd_call_return(call, NULL);
    return;
  }
  event = mmd_port_event_new(action, subsystem, name);
  event->uid = g_strdup(uid && uid[0] ? uid : NULL);
  if (g_str_equal(action, "add") && !mmd_port_event_fill_from_sysfs(event)) {
    mmd_port_event_free(event);
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "No %s port '%s' in sysfs", subsystem, name);
    return;
  }
  g_message("Kernel event: %s %s/%s", action, subsystem, name);
  events = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_event_free);
  g_ptr_array_add(events, event);
  handle_port_events(events, self);
  mmd_call_return(call, NULL);
}

static void
inhibit_entry(MmdManager *self, DeviceEntry *entry, const char *holder)
{
  destroy_modem(self, entry);
  for (guint i = 0; entry->device && i < entry->device->ports->len; i++)
    mmd_probe_cancel(g_ptr_array_index(entry->device->ports, i));
  entry->inhibitor = g_strdup(holder);
}

/* Takes the ports back; a discovered device whose ports all went away
 * meanwhile is forgotten. entry may be freed. */
static void
uninhibit_entry(MmdManager *self, DeviceEntry *entry)
{
  g_clear_handle_id(&entry->inhibitor_watch, g_bus_unwatch_name);
  g_clear_pointer(&entry->inhibitor, g_free);
  if (!entry->device) {
    create_modem(self, entry);
  } else if (entry->device->ports->len == 0) {
    g_ptr_array_remove(self->devices, entry);
  } else {
    evaluate_device(self, entry);
  }
}

static void
inhibitor_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
  MmdManager *self = user_data;

  for (guint i = self->devices->len; i-- > 0;) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (g_strcmp0(entry->inhibitor, name) != 0)
      continue;
    g_message("%s left the bus: uninhibiting %s", name, entry->uid);
    uninhibit_entry(self, entry);
  }
}

static void
inhibit_device_run(MmdCall *call)
{
  MmdManager *self = MMD_MANAGER(mmd_call_get_target(call));
  GDBusMethodInvocation *invocation = mmd_call_get_invocation(call);
  const char *uid, *sender = g_dbus_method_invocation_get_sender(invocation);
  gboolean inhibit;
  DeviceEntry *entry;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&sb)", &uid, &inhibit);
  entry = find_device(self, uid);
  if (!entry) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND, "No device '%s'",
                              uid);
    return;
  }
  if (inhibit && entry->inhibitor) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                              "Device '%s' is already inhibited", uid);
    return;
  }
  if (!inhibit && g_strcmp0(entry->inhibitor, sender) != 0) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                              "Device '%s' is not inhibited by the caller", uid);
    return;
  }
  if (inhibit) {
    inhibit_entry(self, entry, sender);
    entry->inhibitor_watch
        = g_bus_watch_name_on_connection(self->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                         NULL, inhibitor_vanished, self, NULL);
    g_message("%s inhibited by %s", uid, sender);
  } else {
    g_message("%s uninhibited", uid);
    uninhibit_entry(self, entry);
  }
  mmd_call_return(call, NULL);
}

static const MmdMethod manager_methods[] = {
  { "ScanDevices", MMD_AUTH_MANAGER_ADMIN, scan_devices_run },
  { "SetLogging", MMD_AUTH_MANAGER_ADMIN, set_logging_run },
  { "ReportKernelEvent", MMD_AUTH_MANAGER_ADMIN, report_kernel_event_run },
  { "InhibitDevice", MMD_AUTH_MANAGER_ADMIN, inhibit_device_run },
};

/* Exporter for modems and their objects */

static void
export_modem(gpointer user_data, GDBusObjectSkeleton *object)
{
  MmdManager *self = user_data;

  g_dbus_object_manager_server_export(self->object_manager, object);
  if (self->compat)
    mmd_compat_export(self->compat, object, TRUE);
}

/* Objects of a modem (SIM, bearer, ...) are on the bus but, as the
 * reference has it, not listed by the ObjectManager: clients find them
 * through the modem's properties. */
static void
export_object(gpointer user_data, GDBusObjectSkeleton *object)
{
  MmdManager *self = user_data;
  const char *path = g_dbus_object_get_object_path(G_DBUS_OBJECT(object));
  GList *ifaces = g_dbus_object_get_interfaces(G_DBUS_OBJECT(object));
  g_autoptr(GError) error = NULL;

  for (GList *l = ifaces; l; l = l->next) {
    if (!g_dbus_interface_skeleton_export(l->data, self->connection, path, &error)) {
      g_warning("Cannot export %s: %s", path, error->message);
      g_clear_error(&error);
    }
  }
  g_list_free_full(ifaces, g_object_unref);
  g_hash_table_replace(self->objects, g_strdup(path), g_object_ref(object));
  if (self->compat)
    mmd_compat_export(self->compat, object, FALSE);
}

static void
unexport(gpointer user_data, const char *path)
{
  MmdManager *self = user_data;
  GDBusObject *object = g_hash_table_lookup(self->objects, path);
  GList *ifaces;

  if (self->compat)
    mmd_compat_unexport(self->compat, path);
  if (!object) {
    g_dbus_object_manager_server_unexport(self->object_manager, path);
    return;
  }
  ifaces = g_dbus_object_get_interfaces(object);
  for (GList *l = ifaces; l; l = l->next)
    g_dbus_interface_skeleton_unexport(l->data);
  g_list_free_full(ifaces, g_object_unref);
  g_hash_table_remove(self->objects, path);
}

static char *
new_path(gpointer user_data, const char *kind)
{
  MmdManager *self = user_data;
  guint index = GPOINTER_TO_UINT(g_hash_table_lookup(self->next_index, kind));

  g_hash_table_replace(self->next_index, g_strdup(kind), GUINT_TO_POINTER(index + 1));
  return g_strdup_printf(MMD_DBUS_PATH "/%s/%u", kind, index);
}

static void
remove_modem(gpointer user_data, MmdModem *modem)
{
  MmdManager *self = user_data;

  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (entry->modem == modem)
      destroy_modem(self, entry);
  }
}

static const MmdExporterOps exporter_ops = {
  .export_modem = export_modem,
  .export_object = export_object,
  .unexport = unexport,
  .new_path = new_path,
  .remove_modem = remove_modem,
};

/* Lifetime */

MmdManager *
mmd_manager_new(GDBusConnection *connection, GPtrArray *static_groups, gboolean compat)
{
  MmdManager *self = g_object_new(MMD_TYPE_MANAGER, NULL);
  g_autoptr(GError) error = NULL;

  self->connection = g_object_ref(connection);
  self->exporter.ops = &exporter_ops;
  self->exporter.self = self;
  self->object_manager = g_dbus_object_manager_server_new(MMD_DBUS_PATH);
  g_dbus_object_manager_server_set_connection(self->object_manager, connection);
  self->iface = mdbus_manager_skeleton_new();
  mdbus_manager_set_version(self->iface, MODEMD_VERSION);
  MMD_METHODS_BIND(self->iface, manager_methods, self, NULL);
  if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->iface), connection,
                                        MMD_DBUS_PATH, &error))
    g_warning("Cannot export the manager: %s", error->message);
  if (compat) {
    self->compat = mmd_compat_new(connection);
    mmd_compat_export_manager(self->compat, G_DBUS_INTERFACE_SKELETON(self->iface));
  }

#if WITH_QRTR
  if (static_groups)
    self->qrtr_bus = mmd_qrtr_take_bus_declaration(static_groups);
#endif
  for (guint i = 0; static_groups && i < static_groups->len; i++) {
    GPtrArray *ports = g_ptr_array_index(static_groups, i);
    DeviceEntry *entry = g_new0(DeviceEntry, 1);
    const MmdPort *first = g_ptr_array_index(ports, 0);

    entry->sysfs = mmd_device_new_declared(ports);
    if (entry->sysfs)
      entry->uid = g_strdup(entry->sysfs->uid);
    else if (first->path && g_strcmp0(first->subsystem, "static") == 0)
      entry->uid = g_strdup(first->path);
    else
      entry->uid = g_strdup(first->name); /* a net port, or QRTR's "qrtrN" */
    entry->ports = g_ptr_array_ref(ports);
    g_ptr_array_add(self->devices, entry);
  }
  return self;
}

void
mmd_manager_start(MmdManager *self)
{
  for (guint i = 0; i < self->devices->len; i++)
    create_modem(self, g_ptr_array_index(self->devices, i));
#if WITH_QRTR
  start_qrtr_watch(self);
#endif
#if WITH_UDEV
  {
    g_autoptr(GError) error = NULL;

    self->monitor = mmd_port_monitor_new(handle_port_events, self, &error);
    if (self->monitor) {
      mmd_port_monitor_enumerate(self->monitor);
      return;
    }
    g_warning("%s: ports are taken from ReportKernelEvent and ScanDevices", error->message);
  }
#else
  g_message("Built without udev: ports are taken from ReportKernelEvent and ScanDevices");
#endif
  /* Coldplug: ports that appeared before anyone could report them. Run once the bus name is
   * ours, so that an event is either in sysfs now or reported to us later (duplicates are
   * ignored), never lost in between. */
  enumerate_sysfs(self);
}

void
mmd_manager_shutdown(MmdManager *self)
{
#if WITH_UDEV
  g_clear_pointer(&self->monitor, mmd_port_monitor_free);
#endif
#if WITH_QRTR
  g_clear_pointer(&self->qrtr_watch, mmd_qrtr_monitor_free);
#endif
  for (guint i = 0; self->devices && i < self->devices->len; i++)
    destroy_modem(self, g_ptr_array_index(self->devices, i));
  if (self->compat)
    mmd_compat_unexport(self->compat, MMD_DBUS_PATH);
  if (self->iface
      && g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self->iface)))
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->iface));
}
