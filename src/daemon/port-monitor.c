#define G_LOG_DOMAIN "modemd-udev"

#include "port-monitor.h"

#include <glib-unix.h>
#include <libudev.h>

#include "mmd-errors.h"

static const char *const subsystems[] = { "tty", "usbmisc", "net", "wwan" };

/* Device-level hints that rules usually set on the USB device or interface
 * rather than on each port; looked up on the ancestors too. */
static const char *const inherited_properties[] = {
  "ID_MODEMD_IGNORE",  "ID_MM_DEVICE_IGNORE", "ID_MODEMD_PHYSDEV_UID",
  "ID_MM_PHYSDEV_UID", "ID_MODEMD_CANDIDATE",
};

struct _MmdPortMonitor {
  struct udev *udev;
  struct udev_monitor *monitor;
  guint watch;
  MmdPortMonitorFunc func;
  gpointer user_data;
};

static gboolean
wanted_subsystem(const char *subsystem)
{
  return subsystem && g_strv_contains(subsystems, subsystem);
}

static MmdPortEvent *
event_from_device(struct udev_device *dev, const char *action)
{
  MmdPortEvent *event
      = mmd_port_event_new(action, udev_device_get_subsystem(dev), udev_device_get_sysname(dev));
  struct udev_list_entry *entry;

  event->syspath = g_strdup(udev_device_get_syspath(dev));
  if (g_strcmp0(event->subsystem, "net") != 0)
    event->devnode = g_strdup(udev_device_get_devnode(dev));
  udev_list_entry_foreach(entry, udev_device_get_properties_list_entry(dev))
  {
    g_hash_table_replace(event->properties, g_strdup(udev_list_entry_get_name(entry)),
                         g_strdup(udev_list_entry_get_value(entry)));
  }
  /* A removed device's parents may be gone already: their hints do not matter. */
  if (g_strcmp0(action, "remove") != 0) {
    for (struct udev_device *parent = udev_device_get_parent(dev); parent;
         parent = udev_device_get_parent(parent)) {
      for (guint i = 0; i < G_N_ELEMENTS(inherited_properties); i++) {
        const char *value;
        if (g_hash_table_contains(event->properties, inherited_properties[i]))
          continue;
        value = udev_device_get_property_value(parent, inherited_properties[i]);
        if (value)
          g_hash_table_replace(event->properties, g_strdup(inherited_properties[i]),
                               g_strdup(value));
      }
    }
  }
  return event;
}

static gboolean
on_monitor_readable(int fd, GIOCondition condition, gpointer user_data)
{
  MmdPortMonitor *self = user_data;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_event_free);
  struct udev_device *dev;

  /* The socket is non-blocking: take everything that is there now. */
  while ((dev = udev_monitor_receive_device(self->monitor))) {
    const char *action = udev_device_get_action(dev);

    if (wanted_subsystem(udev_device_get_subsystem(dev)) && action
        && (g_str_equal(action, "add") || g_str_equal(action, "change")
            || g_str_equal(action, "remove"))) {
      g_debug("uevent %s %s %s", action, udev_device_get_subsystem(dev),
              udev_device_get_sysname(dev));
      g_ptr_array_add(events, event_from_device(dev, action));
    }
    udev_device_unref(dev);
  }
  if (events->len > 0)
    self->func(events, self->user_data);
  return G_SOURCE_CONTINUE;
}

MmdPortMonitor *
mmd_port_monitor_new(MmdPortMonitorFunc func, gpointer user_data, GError **error)
{
  MmdPortMonitor *self = g_new0(MmdPortMonitor, 1);

  self->func = func;
  self->user_data = user_data;
  self->udev = udev_new();
  if (self->udev)
    self->monitor = udev_monitor_new_from_netlink(self->udev, "udev");
  if (!self->monitor) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Cannot listen to udev events");
    mmd_port_monitor_free(self);
    return NULL;
  }
  for (guint i = 0; i < G_N_ELEMENTS(subsystems); i++)
    udev_monitor_filter_add_match_subsystem_devtype(self->monitor, subsystems[i], NULL);
  /* Many modems plugged at once (hubs, boot) burst hundreds of events. */
  udev_monitor_set_receive_buffer_size(self->monitor, 8 * 1024 * 1024);
  if (udev_monitor_enable_receiving(self->monitor) < 0) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Cannot receive udev events");
    mmd_port_monitor_free(self);
    return NULL;
  }
  self->watch
      = g_unix_fd_add(udev_monitor_get_fd(self->monitor), G_IO_IN, on_monitor_readable, self);
  return self;
}

void
mmd_port_monitor_enumerate(MmdPortMonitor *self)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_event_free);
  struct udev_enumerate *enumerate = udev_enumerate_new(self->udev);
  struct udev_list_entry *entry;

  if (!enumerate)
    return;
  for (guint i = 0; i < G_N_ELEMENTS(subsystems); i++)
    udev_enumerate_add_match_subsystem(enumerate, subsystems[i]);
  udev_enumerate_scan_devices(enumerate);
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(enumerate))
  {
    struct udev_device *dev
        = udev_device_new_from_syspath(self->udev, udev_list_entry_get_name(entry));
    if (!dev)
      continue;
    if (wanted_subsystem(udev_device_get_subsystem(dev)))
      g_ptr_array_add(events, event_from_device(dev, "add"));
    udev_device_unref(dev);
  }
  udev_enumerate_unref(enumerate);
  g_debug("enumerated %u ports", events->len);
  if (events->len > 0)
    self->func(events, self->user_data);
}

void
mmd_port_monitor_free(MmdPortMonitor *self)
{
  if (!self)
    return;
  g_clear_handle_id(&self->watch, g_source_remove);
  g_clear_pointer(&self->monitor, udev_monitor_unref);
  g_clear_pointer(&self->udev, udev_unref);
  g_free(self);
}
