/* The modem object: identity, ports, backends, rooms, the state machine and
 * the one-operation guard. Capabilities live in their rooms (control.c,
 * sim.c, network.c, signal.c, bearers.c, simple.c), which subscribe to
 * "state-changed"; this file names none of them. */
#define G_LOG_DOMAIN "modemd-modem"

#include "modem.h"

#include "mmd-errors.h"
#include "modem-state.h"

typedef struct {
  gconstpointer key;
  gpointer room;
  GDestroyNotify free_room;
} RoomSlot;

typedef struct {
  GTask *task;
  MmdExclusiveStart start;
} GuardEntry;

struct _MmdModem {
  GObject parent;

  MmdExporter exporter;
  char *path;
  char *device;
  const MmdPlugin *plugin;
  MmdDeviceInfo info; /* strings owned below */
  char *physdev;
  char *subsystem;
  GStrv drivers;
  GStrv tags;
  GPtrArray *ports;    /* MmdPort */
  GPtrArray *backends; /* MmdBackend, primary first */

  MdbusObjectSkeleton *object;
  MdbusModem *iface;
  GArray *rooms; /* RoomSlot */
  GCancellable *cancellable;
  gboolean gone;

  /* state machine inputs */
  MmdModemLock lock;
  MmdModem3gppRegistrationState registration;
  guint n_connected;

  /* guard */
  GTask *running;
  GQueue waiting; /* GuardEntry */
};

enum { SIGNAL_STATE_CHANGED, SIGNAL_GOING_AWAY, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(MmdModem, mmd_modem, G_TYPE_OBJECT)

static void
mmd_modem_dispose(GObject *object)
{
  MmdModem *self = MMD_MODEM(object);

  mmd_modem_shutdown(self);
  /* Rooms go before the backends: they may hold operations' state. */
  for (guint i = self->rooms->len; i-- > 0;) {
    RoomSlot *slot = &g_array_index(self->rooms, RoomSlot, i);
    if (slot->free_room)
      slot->free_room(slot->room);
  }
  g_array_set_size(self->rooms, 0);
  g_ptr_array_set_size(self->backends, 0);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  g_clear_object(&self->cancellable);
  G_OBJECT_CLASS(mmd_modem_parent_class)->dispose(object);
}

static void
mmd_modem_finalize(GObject *object)
{
  MmdModem *self = MMD_MODEM(object);

  g_array_unref(self->rooms);
  g_ptr_array_unref(self->backends);
  g_ptr_array_unref(self->ports);
  g_strfreev(self->drivers);
  g_strfreev(self->tags);
  g_free(self->physdev);
  g_free(self->subsystem);
  g_free(self->path);
  g_free(self->device);
  G_OBJECT_CLASS(mmd_modem_parent_class)->finalize(object);
}

static void
mmd_modem_class_init(MmdModemClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_modem_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_modem_finalize;
  signals[SIGNAL_STATE_CHANGED]
      = g_signal_new("state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_GOING_AWAY] = g_signal_new("going-away", G_TYPE_FROM_CLASS(klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mmd_modem_init(MmdModem *self)
{
  self->backends = g_ptr_array_new_with_free_func(g_object_unref);
  self->rooms = g_array_new(FALSE, FALSE, sizeof(RoomSlot));
  self->lock = MMD_MODEM_LOCK_UNKNOWN;
  self->registration = MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN;
  self->cancellable = g_cancellable_new();
  g_queue_init(&self->waiting);
}

/* Ports */

static GVariant *
ports_variant(GPtrArray *ports)
{
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a(su)"));
  for (guint i = 0; i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);
    g_variant_builder_add(&builder, "(su)", port->name, (guint32)port->type);
  }
  return g_variant_builder_end(&builder);
}

static char **
drivers_strv(GPtrArray *ports)
{
  g_autoptr(GPtrArray) drivers = g_ptr_array_new();

  for (guint i = 0; i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);
    if (port->driver && !g_ptr_array_find_with_equal_func(drivers, port->driver, g_str_equal, NULL))
      g_ptr_array_add(drivers, port->driver);
  }
  g_ptr_array_add(drivers, NULL);
  return g_strdupv((char **)drivers->pdata);
}

static void
ports_changed(MmdModem *self)
{
  g_strfreev(self->drivers);
  self->drivers = drivers_strv(self->ports);
  self->info.drivers = (const char *const *)self->drivers;
  mdbus_modem_set_ports(self->iface, ports_variant(self->ports));
  mdbus_modem_set_drivers(self->iface, (const char *const *)self->drivers);
}

GPtrArray *
mmd_modem_get_ports(MmdModem *self)
{
  return self->ports;
}

const MmdPort *
mmd_modem_find_port(MmdModem *self, MmdModemPortType type)
{
  for (guint i = 0; i < self->ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(self->ports, i);
    if (port->type == type)
      return port;
  }
  return NULL;
}

const MmdPort *
mmd_modem_get_primary_port(MmdModem *self)
{
  for (guint i = 0; i < self->ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(self->ports, i);
    if (self->plugin->supports_port(port->type))
      return port;
  }
  return NULL;
}

void
mmd_modem_add_port(MmdModem *self, const MmdPort *port)
{
  for (guint i = 0; i < self->ports->len; i++) {
    const MmdPort *have = g_ptr_array_index(self->ports, i);
    if (g_strcmp0(have->name, port->name) == 0)
      return;
  }
  g_ptr_array_add(self->ports, mmd_port_copy(port));
  g_message("%s: port %s added", self->path, port->name);
  ports_changed(self);
}

void
mmd_modem_remove_port(MmdModem *self, const char *name)
{
  for (guint i = 0; i < self->ports->len; i++) {
    const MmdPort *have = g_ptr_array_index(self->ports, i);
    if (g_strcmp0(have->name, name) == 0) {
      g_ptr_array_remove_index(self->ports, i);
      g_message("%s: port %s removed", self->path, name);
      ports_changed(self);
      return;
    }
  }
}

/* Construction */

static void
init_interface(MmdModem *self)
{
  MdbusModem *m = self->iface;
  const MmdPort *primary = mmd_modem_get_primary_port(self);
  const char *const no_strings[] = { NULL };

  mdbus_modem_set_sim(m, "/");
  mdbus_modem_set_sim_slots(m, no_strings);
  mdbus_modem_set_primary_sim_slot(m, 0);
  mdbus_modem_set_bearers(m, no_strings);
  mdbus_modem_set_supported_capabilities(
      m, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, NULL, 0, sizeof(guint32)));
  mdbus_modem_set_max_bearers(m, 0);
  mdbus_modem_set_max_active_bearers(m, 0);
  mdbus_modem_set_manufacturer(m, "");
  mdbus_modem_set_model(m, "");
  mdbus_modem_set_revision(m, "");
  mdbus_modem_set_carrier_configuration(m, "");
  mdbus_modem_set_carrier_configuration_revision(m, "");
  mdbus_modem_set_hardware_revision(m, "");
  mdbus_modem_set_device_identifier(m, "");
  mdbus_modem_set_device(m, self->device);
  mdbus_modem_set_physdev(m, self->physdev ? self->physdev : "");
  mdbus_modem_set_plugin(m, self->plugin->name);
  mdbus_modem_set_primary_port(m, primary ? primary->name : "");
  mdbus_modem_set_equipment_identifier(m, "");
  mdbus_modem_set_unlock_required(m, MMD_MODEM_LOCK_UNKNOWN);
  mdbus_modem_set_unlock_retries(m, g_variant_new_array(G_VARIANT_TYPE("{uu}"), NULL, 0));
  mdbus_modem_set_state(m, MMD_MODEM_STATE_UNKNOWN);
  mdbus_modem_set_state_failed_reason(m, MMD_MODEM_STATE_FAILED_REASON_NONE);
  mdbus_modem_set_signal_quality(m, g_variant_new("(ub)", 0, FALSE));
  mdbus_modem_set_own_numbers(m, no_strings);
  mdbus_modem_set_power_state(m, MMD_MODEM_POWER_STATE_UNKNOWN);
  mdbus_modem_set_supported_modes(m, g_variant_new_array(G_VARIANT_TYPE("(uu)"), NULL, 0));
  mdbus_modem_set_current_modes(m, g_variant_new("(uu)", MMD_MODEM_MODE_NONE, MMD_MODEM_MODE_NONE));
  mmd_modem_set_supported_bands(self, NULL, 0);
  mmd_modem_set_current_bands(self, NULL, 0);
  ports_changed(self);
}

static void
copy_device_info(MmdModem *self, const MmdDeviceInfo *info)
{
  if (info) {
    self->info = *info;
    self->physdev = g_strdup(info->physdev);
    self->subsystem = g_strdup(info->subsystem);
    self->tags = g_strdupv((char **)info->tags);
  }
  self->info.physdev = self->physdev;
  self->info.subsystem = self->subsystem;
  self->info.tags = (const char *const *)self->tags;
  self->info.drivers = NULL; /* from the ports, see ports_changed() */
}

MmdModem *
mmd_modem_new(const MmdExporter *exporter, const char *device, const MmdDeviceInfo *info,
              const MmdPlugin *plugin, GPtrArray *ports)
{
  MmdModem *self = g_object_new(MMD_TYPE_MODEM, NULL);

  self->exporter = *exporter;
  self->path = mmd_exporter_new_path(exporter, "Modem");
  self->device = g_strdup(device);
  self->plugin = plugin;
  copy_device_info(self, info);
  self->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  for (guint i = 0; i < ports->len; i++)
    g_ptr_array_add(self->ports, mmd_port_copy(g_ptr_array_index(ports, i)));
  self->object = mdbus_object_skeleton_new(self->path);
  self->iface = mdbus_modem_skeleton_new();
  init_interface(self);
  mdbus_object_skeleton_set_modem(self->object, self->iface);
  return self;
}

/* Getters */

const char *
mmd_modem_get_path(MmdModem *self)
{
  return self->path;
}

const char *
mmd_modem_get_device(MmdModem *self)
{
  return self->device;
}

const MmdPlugin *
mmd_modem_get_plugin(MmdModem *self)
{
  return self->plugin;
}

const MmdDeviceInfo *
mmd_modem_get_device_info(MmdModem *self)
{
  return &self->info;
}

MdbusObjectSkeleton *
mmd_modem_get_object(MmdModem *self)
{
  return self->object;
}

MdbusModem *
mmd_modem_get_iface(MmdModem *self)
{
  return self->iface;
}

const MmdExporter *
mmd_modem_get_exporter(MmdModem *self)
{
  return &self->exporter;
}

GCancellable *
mmd_modem_get_cancellable(MmdModem *self)
{
  return self->cancellable;
}

gboolean
mmd_modem_is_gone(MmdModem *self)
{
  return self->gone;
}

/* Backends */

void
mmd_modem_set_primary_backend(MmdModem *self, MmdBackend *backend)
{
  g_ptr_array_insert(self->backends, 0, backend);
}

void
mmd_modem_add_backend(MmdModem *self, MmdBackend *backend)
{
  g_ptr_array_add(self->backends, backend);
}

GPtrArray *
mmd_modem_get_backends(MmdModem *self)
{
  return self->backends;
}

/* Rooms */

gpointer
mmd_modem_get_room(MmdModem *self, gconstpointer key)
{
  for (guint i = 0; i < self->rooms->len; i++) {
    RoomSlot *slot = &g_array_index(self->rooms, RoomSlot, i);
    if (slot->key == key)
      return slot->room;
  }
  return NULL;
}

void
mmd_modem_set_room(MmdModem *self, gconstpointer key, gpointer room, GDestroyNotify free_room)
{
  RoomSlot slot = { key, room, free_room };

  g_return_if_fail(mmd_modem_get_room(self, key) == NULL);
  g_array_append_val(self->rooms, slot);
}

/* State machine */

MmdModemState
mmd_modem_get_state(MmdModem *self)
{
  return mdbus_modem_get_state(self->iface);
}

void
mmd_modem_set_state(MmdModem *self, MmdModemState new_state, MmdModemStateChangeReason reason)
{
  MmdModemState old_state = mmd_modem_get_state(self);

  if (old_state == new_state)
    return;
  if (!mmd_modem_state_transition_allowed(old_state, new_state)) {
    g_warning("%s: refusing state change %s -> %s", self->path,
              mmd_modem_state_to_string(old_state), mmd_modem_state_to_string(new_state));
    return;
  }
  g_message("%s: state %s -> %s", self->path, mmd_modem_state_to_string(old_state),
            mmd_modem_state_to_string(new_state));
  mdbus_modem_set_state(self->iface, new_state);
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->iface));
  mdbus_modem_emit_state_changed(self->iface, old_state, new_state, reason);
  g_signal_emit(self, signals[SIGNAL_STATE_CHANGED], 0, (int)old_state, (int)new_state);
}

void
mmd_modem_recompute_state(MmdModem *self, MmdModemStateChangeReason reason)
{
  mmd_modem_set_state(self, mmd_modem_state_for_registration(self->registration, self->n_connected),
                      reason);
}

/* Enabled modems follow their registration and bearers; transitional states
 * (enabling, connecting, ...) are left to the operation that is running. */
static void
follow_inputs(MmdModem *self)
{
  MmdModemState state = mmd_modem_get_state(self);

  if (state == MMD_MODEM_STATE_ENABLED || state == MMD_MODEM_STATE_SEARCHING
      || state == MMD_MODEM_STATE_REGISTERED || state == MMD_MODEM_STATE_CONNECTED)
    mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
}

MmdModemLock
mmd_modem_get_unlock_required(MmdModem *self)
{
  return self->lock;
}

void
mmd_modem_set_unlock_required(MmdModem *self, MmdModemLock lock)
{
  self->lock = lock;
  mdbus_modem_set_unlock_required(self->iface, lock);
}

MmdModem3gppRegistrationState
mmd_modem_get_registration(MmdModem *self)
{
  return self->registration;
}

void
mmd_modem_input_registration(MmdModem *self, MmdModem3gppRegistrationState state)
{
  self->registration = state;
  follow_inputs(self);
}

void
mmd_modem_input_connected_bearers(MmdModem *self, guint n_connected)
{
  self->n_connected = n_connected;
  follow_inputs(self);
}

GError *
mmd_modem_wrong_state_error(MmdModem *self, const char *what)
{
  MmdModemState state = mmd_modem_get_state(self);

  if (state == MMD_MODEM_STATE_FAILED)
    return g_error_new(
        MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE, "Cannot %s: modem failed (%s)", what,
        mmd_modem_state_failed_reason_to_string(mdbus_modem_get_state_failed_reason(self->iface)));
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE, "Cannot %s: modem is %s", what,
                     mmd_modem_state_to_string(state));
}

void
mmd_modem_report_failed(MmdModem *self, MmdModemStateFailedReason reason)
{
  mdbus_modem_set_state_failed_reason(self->iface, reason);
  mmd_modem_set_state(self, MMD_MODEM_STATE_FAILED, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
}

static gboolean
remove_idle(gpointer user_data)
{
  MmdModem *self = user_data;

  /* Shut down meanwhile (the daemon stopping): removed with the others, and
   * the exporter may be gone too. */
  if (!self->gone)
    self->exporter.ops->remove_modem(self->exporter.self, self);
  return G_SOURCE_REMOVE;
}

void
mmd_modem_report_gone(MmdModem *self, const char *why)
{
  if (self->gone)
    return;
  g_message("%s: modem gone: %s", self->path, why ? why : "port closed");
  /* Deferred: the backend reporting this is still on the stack. */
  g_idle_add_full(G_PRIORITY_DEFAULT, remove_idle, g_object_ref(self), g_object_unref);
}

/* The one-operation guard */

static void guard_start_next(MmdModem *self);

static void
guard_task_completed(GObject *task, GParamSpec *pspec, gpointer user_data)
{
  MmdModem *self = user_data;

  if (self->running != G_TASK(task))
    return;
  g_signal_handlers_disconnect_by_func(task, guard_task_completed, self);
  g_clear_object(&self->running);
  guard_start_next(self);
  g_object_unref(self);
}

static void
guard_start_next(MmdModem *self)
{
  GuardEntry *entry;

  if (self->running || !(entry = g_queue_pop_head(&self->waiting)))
    return;
  self->running = entry->task; /* the queue's reference */
  /* The modem outlives the operation that runs on it. */
  g_object_ref(self);
  g_signal_connect(self->running, "notify::completed", G_CALLBACK(guard_task_completed), self);
  entry->start(self->running);
  g_free(entry);
}

void
mmd_modem_run_exclusive(MmdModem *self, GTask *task, MmdExclusiveStart start)
{
  GuardEntry *entry;

  if (self->gone) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away");
    g_object_unref(task);
    return;
  }
  entry = g_new0(GuardEntry, 1);
  entry->task = task;
  entry->start = start;
  g_queue_push_tail(&self->waiting, entry);
  guard_start_next(self);
}

guint
mmd_modem_count_waiting(MmdModem *self)
{
  return g_queue_get_length(&self->waiting);
}

static void
guard_abort_waiting(MmdModem *self)
{
  GuardEntry *entry;

  while ((entry = g_queue_pop_head(&self->waiting))) {
    /* "went away" says more than the modem's cancellable would. */
    g_task_set_check_cancellable(entry->task, FALSE);
    g_task_return_new_error(entry->task, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                            "The modem went away");
    g_object_unref(entry->task);
    g_free(entry);
  }
}

/* Lifetime */

void
mmd_modem_shutdown(MmdModem *self)
{
  if (self->gone)
    return;
  self->gone = TRUE;
  g_cancellable_cancel(self->cancellable);
  guard_abort_waiting(self);
  g_signal_emit(self, signals[SIGNAL_GOING_AWAY], 0);
  for (guint i = 0; i < self->backends->len; i++) {
    MmdBackend *backend = g_ptr_array_index(self->backends, i);
    if (MMD_BACKEND_GET_CLASS(backend)->shutdown)
      MMD_BACKEND_GET_CLASS(backend)->shutdown(backend);
  }
}

/* Identity setters (ops-modem.h) */

static char *
valid_text(const char *value)
{
  return g_utf8_make_valid(value, -1);
}

static void
update_device_identifier(MmdModem *self)
{
  g_autofree char *key = g_strjoin("|", mdbus_modem_get_manufacturer(self->iface),
                                   mdbus_modem_get_model(self->iface),
                                   mdbus_modem_get_revision(self->iface), self->plugin->name, NULL);
  g_autofree char *id = g_compute_checksum_for_string(G_CHECKSUM_SHA1, key, -1);

  mdbus_modem_set_device_identifier(self->iface, id);
}

void
mmd_modem_set_identity(MmdModem *self, const char *manufacturer, const char *model,
                       const char *revision, const char *hardware_revision)
{
  const struct {
    const char *value;
    void (*set)(MdbusModem *, const char *);
  } fields[] = {
    { manufacturer, mdbus_modem_set_manufacturer },
    { model, mdbus_modem_set_model },
    { revision, mdbus_modem_set_revision },
    { hardware_revision, mdbus_modem_set_hardware_revision },
  };

  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    if (fields[i].value) {
      g_autofree char *text = valid_text(fields[i].value);
      fields[i].set(self->iface, text);
    }
  }
  if (manufacturer || model || revision)
    update_device_identifier(self);
}

void
mmd_modem_set_equipment_identifier(MmdModem *self, const char *imei)
{
  g_autofree char *text = valid_text(imei ? imei : "");

  mdbus_modem_set_equipment_identifier(self->iface, text);
}

void
mmd_modem_set_capabilities(MmdModem *self, guint supported, guint current)
{
  guint32 caps = supported;

  mdbus_modem_set_supported_capabilities(
      self->iface, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, &caps, 1, sizeof(caps)));
  mdbus_modem_set_current_capabilities(self->iface, current);
}

void
mmd_modem_set_own_numbers(MmdModem *self, const char *const *numbers)
{
  g_autoptr(GPtrArray) valid = g_ptr_array_new_with_free_func(g_free);

  for (guint i = 0; numbers && numbers[i]; i++)
    g_ptr_array_add(valid, valid_text(numbers[i]));
  g_ptr_array_add(valid, NULL);
  mdbus_modem_set_own_numbers(self->iface, (const char *const *)valid->pdata);
}

void
mmd_modem_set_power_state(MmdModem *self, MmdModemPowerState state)
{
  if (mdbus_modem_get_power_state(self->iface) != state)
    mdbus_modem_set_power_state(self->iface, state);
}

void
mmd_modem_set_supported_ip_families(MmdModem *self, guint families)
{
  mdbus_modem_set_supported_ip_families(self->iface, families);
}
