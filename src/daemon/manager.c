#define G_LOG_DOMAIN "modemd-manager"

#include "manager.h"

#include "auth.h"
#include "config.h"
#include "log.h"
#include "mmd-errors.h"
#include "modem.h"
#include "plugin.h"
#include "sim.h"
#include "bearer.h"

/* A set of ports that form one modem, and the modem made of them, if any. */
typedef struct {
  char *uid;
  GPtrArray *ports; /* MmdPort */
  MmdModem *modem;
  char *inhibitor; /* bus name holding the device, or NULL */
  guint inhibitor_watch;
} DeviceEntry;

struct _MmdManager {
  GObject parent;

  GDBusConnection *connection;
  GDBusObjectManagerServer *object_manager;
  MdbusManager *iface;
  GPtrArray *devices; /* DeviceEntry */
  guint next_modem_index;
  guint next_sim_index;
  guint next_bearer_index;
};

G_DEFINE_TYPE(MmdManager, mmd_manager, G_TYPE_OBJECT)

static void
device_entry_free(DeviceEntry *entry)
{
  g_clear_handle_id(&entry->inhibitor_watch, g_bus_unwatch_name);
  g_clear_object(&entry->modem);
  g_ptr_array_unref(entry->ports);
  g_free(entry->inhibitor);
  g_free(entry->uid);
  g_free(entry);
}

static void
mmd_manager_dispose(GObject *object)
{
  MmdManager *self = MMD_MANAGER(object);

  mmd_manager_shutdown(self);
  g_clear_pointer(&self->devices, g_ptr_array_unref);
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

  if (entry->modem || entry->inhibitor)
    return;
  plugin = mmd_plugins_find_for_ports(entry->ports, &primary);
  if (!plugin) {
    g_warning("No plugin drives the ports of %s", entry->uid);
    return;
  }
  entry->modem = mmd_modem_new(self, self->next_modem_index++, entry->uid, NULL, plugin,
                               entry->ports);
  g_message("%s: %s modem on %s", mmd_modem_get_path(entry->modem), plugin->name,
            primary->path ? primary->path : primary->name);
  mmd_manager_export(self, mmd_modem_get_object(entry->modem));
  mmd_modem_start(entry->modem);
}

static void
unexport_modem_objects(MmdManager *self, MmdModem *modem)
{
  GPtrArray *bearers = mmd_modem_get_bearers(modem);
  MmdSim *sim = mmd_modem_get_sim(modem);

  for (guint i = 0; i < bearers->len; i++)
    mmd_manager_unexport(self, mmd_bearer_get_path(g_ptr_array_index(bearers, i)));
  if (sim)
    mmd_manager_unexport(self, mmd_sim_get_path(sim));
  mmd_manager_unexport(self, mmd_modem_get_path(modem));
}

static void
destroy_modem(MmdManager *self, DeviceEntry *entry)
{
  g_autoptr(MmdModem) modem = g_steal_pointer(&entry->modem);

  if (!modem)
    return;
  g_message("%s: removed", mmd_modem_get_path(modem));
  mmd_modem_shutdown(modem);
  unexport_modem_objects(self, modem);
}

/* D-Bus methods */

static void
do_scan_devices(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdManager *self = MMD_MANAGER(target);

  for (guint i = 0; i < self->devices->len; i++)
    create_modem(self, g_ptr_array_index(self->devices, i));
  mdbus_manager_complete_scan_devices(self->iface, invocation);
}

static gboolean
handle_scan_devices(MdbusManager *iface, GDBusMethodInvocation *invocation, MmdManager *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_MANAGER_ADMIN, G_OBJECT(self), do_scan_devices);
  return TRUE;
}

static void
do_set_logging(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdManager *self = MMD_MANAGER(target);
  const char *level;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s)", &level);
  if (!mmd_log_set_level_from_string(level)) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Unknown log level '%s' (ERR, WARN, INFO or DEBUG)",
                                          level);
    return;
  }
  g_message("Log level set to %s", level);
  mdbus_manager_complete_set_logging(self->iface, invocation);
}

static gboolean
handle_set_logging(MdbusManager *iface, GDBusMethodInvocation *invocation, const char *level,
                   MmdManager *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_MANAGER_ADMIN, G_OBJECT(self), do_set_logging);
  return TRUE;
}

static void
do_report_kernel_event(GObject *target, GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) dict = NULL;
  const char *action = NULL, *subsystem = NULL, *name = NULL;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &dict);
  g_variant_lookup(dict, "action", "&s", &action);
  g_variant_lookup(dict, "subsystem", "&s", &subsystem);
  g_variant_lookup(dict, "name", "&s", &name);
  if (!action || !subsystem || !name ||
      (g_strcmp0(action, "add") != 0 && g_strcmp0(action, "remove") != 0)) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Need 'action' (add or remove), 'subsystem' and 'name'");
    return;
  }
  g_dbus_method_invocation_return_error(
      invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
      "Kernel events need port discovery, which this build does not have yet; "
      "declare ports with --port");
}

static gboolean
handle_report_kernel_event(MdbusManager *iface, GDBusMethodInvocation *invocation,
                           GVariant *properties, MmdManager *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_MANAGER_ADMIN, G_OBJECT(self), do_report_kernel_event);
  return TRUE;
}

static void
inhibitor_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
  MmdManager *self = user_data;

  for (guint i = 0; i < self->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(self->devices, i);
    if (g_strcmp0(entry->inhibitor, name) != 0)
      continue;
    g_message("%s left the bus: uninhibiting %s", name, entry->uid);
    g_clear_handle_id(&entry->inhibitor_watch, g_bus_unwatch_name);
    g_clear_pointer(&entry->inhibitor, g_free);
    create_modem(self, entry);
  }
}

static void
do_inhibit_device(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdManager *self = MMD_MANAGER(target);
  const char *uid, *sender = g_dbus_method_invocation_get_sender(invocation);
  gboolean inhibit;
  DeviceEntry *entry;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&sb)", &uid, &inhibit);
  entry = find_device(self, uid);
  if (!entry) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                                          "No device '%s'", uid);
    return;
  }
  if (inhibit && entry->inhibitor) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                                          "Device '%s' is already inhibited", uid);
    return;
  }
  if (!inhibit && g_strcmp0(entry->inhibitor, sender) != 0) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                          "Device '%s' is not inhibited by the caller", uid);
    return;
  }
  if (inhibit) {
    destroy_modem(self, entry);
    entry->inhibitor = g_strdup(sender);
    entry->inhibitor_watch = g_bus_watch_name_on_connection(
        self->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL, inhibitor_vanished, self,
        NULL);
    g_message("%s inhibited by %s", uid, sender);
  } else {
    g_clear_handle_id(&entry->inhibitor_watch, g_bus_unwatch_name);
    g_clear_pointer(&entry->inhibitor, g_free);
    g_message("%s uninhibited", uid);
    create_modem(self, entry);
  }
  mdbus_manager_complete_inhibit_device(self->iface, invocation);
}

static gboolean
handle_inhibit_device(MdbusManager *iface, GDBusMethodInvocation *invocation, const char *uid,
                      gboolean inhibit, MmdManager *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_MANAGER_ADMIN, G_OBJECT(self), do_inhibit_device);
  return TRUE;
}

/* Lifetime */

MmdManager *
mmd_manager_new(GDBusConnection *connection, GPtrArray *static_groups)
{
  MmdManager *self = g_object_new(MMD_TYPE_MANAGER, NULL);
  g_autoptr(GError) error = NULL;

  self->connection = g_object_ref(connection);
  self->object_manager = g_dbus_object_manager_server_new(MMD_DBUS_PATH);
  g_dbus_object_manager_server_set_connection(self->object_manager, connection);
  self->iface = mdbus_manager_skeleton_new();
  mdbus_manager_set_version(self->iface, MODEMD_VERSION);
  g_signal_connect(self->iface, "handle-scan-devices", G_CALLBACK(handle_scan_devices), self);
  g_signal_connect(self->iface, "handle-set-logging", G_CALLBACK(handle_set_logging), self);
  g_signal_connect(self->iface, "handle-report-kernel-event",
                   G_CALLBACK(handle_report_kernel_event), self);
  g_signal_connect(self->iface, "handle-inhibit-device", G_CALLBACK(handle_inhibit_device), self);
  if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->iface), connection,
                                        MMD_DBUS_PATH, &error))
    g_warning("Cannot export the manager: %s", error->message);

  for (guint i = 0; static_groups && i < static_groups->len; i++) {
    GPtrArray *ports = g_ptr_array_index(static_groups, i);
    DeviceEntry *entry = g_new0(DeviceEntry, 1);
    const MmdPort *first = g_ptr_array_index(ports, 0);

    entry->uid = g_strdup(first->path ? first->path : first->name);
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
}

void
mmd_manager_shutdown(MmdManager *self)
{
  for (guint i = 0; self->devices && i < self->devices->len; i++)
    destroy_modem(self, g_ptr_array_index(self->devices, i));
  if (self->iface && g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self->iface)))
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->iface));
}

void
mmd_manager_export(MmdManager *self, MdbusObjectSkeleton *object)
{
  g_dbus_object_manager_server_export(self->object_manager, G_DBUS_OBJECT_SKELETON(object));
}

void
mmd_manager_unexport(MmdManager *self, const char *path)
{
  g_dbus_object_manager_server_unexport(self->object_manager, path);
}

guint
mmd_manager_next_sim_index(MmdManager *self)
{
  return self->next_sim_index++;
}

guint
mmd_manager_next_bearer_index(MmdManager *self)
{
  return self->next_bearer_index++;
}

typedef struct {
  MmdManager *manager;
  MmdModem *modem;
} RemoveRequest;

static gboolean
remove_modem_idle(gpointer user_data)
{
  RemoveRequest *req = user_data;

  for (guint i = 0; i < req->manager->devices->len; i++) {
    DeviceEntry *entry = g_ptr_array_index(req->manager->devices, i);
    if (entry->modem == req->modem)
      destroy_modem(req->manager, entry);
  }
  g_object_unref(req->manager);
  g_object_unref(req->modem);
  g_free(req);
  return G_SOURCE_REMOVE;
}

void
mmd_manager_remove_modem(MmdManager *self, MmdModem *modem)
{
  RemoveRequest *req = g_new0(RemoveRequest, 1);

  /* Deferred: the backend reporting this is still on the stack. */
  req->manager = g_object_ref(self);
  req->modem = g_object_ref(modem);
  g_idle_add(remove_modem_idle, req);
}
