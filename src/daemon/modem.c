#define G_LOG_DOMAIN "modemd-modem"

#include "modem-private.h"

#include "log.h"
#include "mmd-errors.h"
#include "modem-state.h"

G_DEFINE_TYPE(MmdModem, mmd_modem, G_TYPE_OBJECT)

static void
mmd_modem_dispose(GObject *object)
{
  MmdModem *self = MMD_MODEM(object);

  mmd_modem_shutdown(self);
  g_clear_object(&self->backend);
  g_clear_object(&self->sim);
  g_clear_object(&self->iface_modem);
  g_clear_object(&self->iface_3gpp);
  g_clear_object(&self->iface_simple);
  g_clear_object(&self->iface_signal);
  g_clear_object(&self->object);
  g_clear_object(&self->cancellable);
  G_OBJECT_CLASS(mmd_modem_parent_class)->dispose(object);
}

static void
mmd_modem_finalize(GObject *object)
{
  MmdModem *self = MMD_MODEM(object);

  g_ptr_array_unref(self->bearers);
  g_ptr_array_unref(self->ports);
  g_free(self->path);
  g_free(self->device);
  G_OBJECT_CLASS(mmd_modem_parent_class)->finalize(object);
}

static void
mmd_modem_class_init(MmdModemClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_modem_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_modem_finalize;
}

static void
mmd_modem_init(MmdModem *self)
{
  self->bearers = g_ptr_array_new_with_free_func(g_object_unref);
  self->unlock_required = MMD_MODEM_LOCK_UNKNOWN;
  self->registration = MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE;
  self->cancellable = g_cancellable_new();
}

static GVariant *
empty_dict(void)
{
  return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

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
init_modem_interface(MmdModem *self, const MmdPort *primary)
{
  MdbusModem *m = self->iface_modem;
  g_auto(GStrv) drivers = drivers_strv(self->ports);
  const char *const no_strings[] = { NULL };

  mdbus_modem_set_sim(m, "/");
  mdbus_modem_set_sim_slots(m, (const char *const *)no_strings);
  mdbus_modem_set_bearers(m, no_strings);
  mdbus_modem_set_supported_capabilities(
      m, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, NULL, 0, sizeof(guint32)));
  mdbus_modem_set_max_bearers(m, 1);
  mdbus_modem_set_max_active_bearers(m, 1);
  mdbus_modem_set_manufacturer(m, "");
  mdbus_modem_set_model(m, "");
  mdbus_modem_set_revision(m, "");
  mdbus_modem_set_carrier_configuration(m, "");
  mdbus_modem_set_carrier_configuration_revision(m, "");
  mdbus_modem_set_hardware_revision(m, "");
  mdbus_modem_set_device_identifier(m, "");
  mdbus_modem_set_device(m, self->device);
  mdbus_modem_set_physdev(m, "");
  mdbus_modem_set_drivers(m, (const char *const *)drivers);
  mdbus_modem_set_plugin(m, self->plugin->name);
  mdbus_modem_set_primary_port(m, primary ? primary->name : "");
  mdbus_modem_set_ports(m, ports_variant(self->ports));
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
  mdbus_modem_set_supported_bands(
      m, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, NULL, 0, sizeof(guint32)));
  mdbus_modem_set_current_bands(
      m, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, NULL, 0, sizeof(guint32)));
}

static void
init_3gpp_interface(MmdModem *self)
{
  MdbusModemModem3gpp *g = self->iface_3gpp;

  mdbus_modem_modem3gpp_set_imei(g, "");
  mdbus_modem_modem3gpp_set_registration_state(g, MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE);
  mdbus_modem_modem3gpp_set_operator_code(g, "");
  mdbus_modem_modem3gpp_set_operator_name(g, "");
  mdbus_modem_modem3gpp_set_pco(g, g_variant_new_array(G_VARIANT_TYPE("(ubay)"), NULL, 0));
  mdbus_modem_modem3gpp_set_initial_eps_bearer(g, "/");
  mdbus_modem_modem3gpp_set_initial_eps_bearer_settings(g, empty_dict());
  mdbus_modem_modem3gpp_set_packet_service_state(g, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN);
}

static void
init_signal_interface(MmdModem *self)
{
  MdbusModemSignal *s = self->iface_signal;

  mdbus_modem_signal_set_cdma(s, empty_dict());
  mdbus_modem_signal_set_evdo(s, empty_dict());
  mdbus_modem_signal_set_gsm(s, empty_dict());
  mdbus_modem_signal_set_umts(s, empty_dict());
  mdbus_modem_signal_set_lte(s, empty_dict());
  mdbus_modem_signal_set_nr5g(s, empty_dict());
}

MmdModem *
mmd_modem_new(MmdManager *manager, guint index, const char *device, const char *physdev,
              const MmdPlugin *plugin, GPtrArray *ports)
{
  MmdModem *self = g_object_new(MMD_TYPE_MODEM, NULL);
  const MmdPort *primary = NULL;

  self->manager = manager;
  self->index = index;
  self->path = g_strdup_printf(MMD_DBUS_MODEM_PREFIX "/%u", index);
  self->device = g_strdup(device);
  self->plugin = plugin;
  self->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  for (guint i = 0; i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);
    g_ptr_array_add(self->ports, mmd_port_copy(port));
    if (!primary && plugin->supports_port(port->type))
      primary = port;
  }

  self->object = mdbus_object_skeleton_new(self->path);
  self->iface_modem = mdbus_modem_skeleton_new();
  self->iface_3gpp = mdbus_modem_modem3gpp_skeleton_new();
  self->iface_simple = mdbus_modem_simple_skeleton_new();
  self->iface_signal = mdbus_modem_signal_skeleton_new();
  init_modem_interface(self, primary);
  if (physdev)
    mdbus_modem_set_physdev(self->iface_modem, physdev);
  init_3gpp_interface(self);
  init_signal_interface(self);
  mdbus_object_skeleton_set_modem(self->object, self->iface_modem);
  mdbus_object_skeleton_set_modem_modem3gpp(self->object, self->iface_3gpp);
  mdbus_object_skeleton_set_modem_simple(self->object, self->iface_simple);
  mdbus_object_skeleton_set_modem_signal(self->object, self->iface_signal);
  mmd_modem_dbus_setup(self);
  mmd_modem_simple_setup(self);

  self->backend = plugin->create_backend(self, self->ports);
  return self;
}

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

MdbusObjectSkeleton *
mmd_modem_get_object(MmdModem *self)
{
  return self->object;
}

MmdBackend *
mmd_modem_get_backend(MmdModem *self)
{
  return self->backend;
}

MmdModemState
mmd_modem_get_state(MmdModem *self)
{
  return mdbus_modem_get_state(self->iface_modem);
}

GPtrArray *
mmd_modem_get_ports(MmdModem *self)
{
  return self->ports;
}

MmdSim *
mmd_modem_get_sim(MmdModem *self)
{
  return self->sim;
}

MmdModemLock
mmd_modem_get_unlock_required(MmdModem *self)
{
  return self->unlock_required;
}

GPtrArray *
mmd_modem_get_bearers(MmdModem *self)
{
  return self->bearers;
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

static void
ports_changed(MmdModem *self)
{
  g_auto(GStrv) drivers = drivers_strv(self->ports);

  mdbus_modem_set_ports(self->iface_modem, ports_variant(self->ports));
  mdbus_modem_set_drivers(self->iface_modem, (const char *const *)drivers);
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->iface_modem));
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

const MmdPlugin *
mmd_modem_get_plugin(MmdModem *self)
{
  return self->plugin;
}

/* The one place where the state changes. */
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
  mdbus_modem_set_state(self->iface_modem, new_state);
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->iface_modem));
  mdbus_modem_emit_state_changed(self->iface_modem, old_state, new_state, reason);
  mmd_modem_ops_state_changed(self);
  mmd_modem_signal_state_changed(self);
}

static guint
count_connected_bearers(MmdModem *self)
{
  guint n = 0;

  for (guint i = 0; i < self->bearers->len; i++)
    if (mmd_bearer_is_connected(g_ptr_array_index(self->bearers, i)))
      n++;
  return n;
}

/* Enabled modems follow their registration and bearers; transitional states
 * (enabling, connecting, ...) are left to the operation that is running. */
static void
update_enabled_state(MmdModem *self)
{
  MmdModemState state = mmd_modem_get_state(self);

  if (state != MMD_MODEM_STATE_ENABLED && state != MMD_MODEM_STATE_SEARCHING
      && state != MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_CONNECTED)
    return;
  mmd_modem_set_state(
      self, mmd_modem_state_for_registration(self->registration, count_connected_bearers(self)),
      MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
}

void
mmd_modem_recompute_state(MmdModem *self, MmdModemStateChangeReason reason)
{
  mmd_modem_set_state(
      self, mmd_modem_state_for_registration(self->registration, count_connected_bearers(self)),
      reason);
}

void
mmd_modem_bearers_changed(MmdModem *self)
{
  update_enabled_state(self);
}

void
mmd_modem_start(MmdModem *self)
{
  mmd_modem_set_state(self, MMD_MODEM_STATE_INITIALIZING, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  mmd_modem_ops_initialize(self);
}

void
mmd_modem_shutdown(MmdModem *self)
{
  if (self->gone && !self->backend)
    return;
  self->gone = TRUE;
  g_cancellable_cancel(self->cancellable);
  mmd_modem_ops_shutdown(self);
  g_clear_handle_id(&self->signal_refresh_id, g_source_remove);
  g_clear_handle_id(&self->quality_refresh_id, g_source_remove);
  if (self->sim)
    mmd_sim_detach(self->sim);
  for (guint i = 0; i < self->bearers->len; i++)
    mmd_bearer_detach(g_ptr_array_index(self->bearers, i));
  if (self->backend && MMD_BACKEND_GET_CLASS(self->backend)->shutdown)
    MMD_BACKEND_GET_CLASS(self->backend)->shutdown(self->backend);
}

/* Setters */

void
mmd_modem_set_identity(MmdModem *self, const char *manufacturer, const char *model,
                       const char *revision, const char *hardware_revision)
{
  if (manufacturer)
    mdbus_modem_set_manufacturer(self->iface_modem, manufacturer);
  if (model)
    mdbus_modem_set_model(self->iface_modem, model);
  if (revision)
    mdbus_modem_set_revision(self->iface_modem, revision);
  if (hardware_revision)
    mdbus_modem_set_hardware_revision(self->iface_modem, hardware_revision);
  if (manufacturer || model || revision) {
    g_autofree char *key
        = g_strjoin("|", mdbus_modem_get_manufacturer(self->iface_modem),
                    mdbus_modem_get_model(self->iface_modem),
                    mdbus_modem_get_revision(self->iface_modem), self->plugin->name, NULL);
    g_autofree char *id = g_compute_checksum_for_string(G_CHECKSUM_SHA1, key, -1);
    mdbus_modem_set_device_identifier(self->iface_modem, id);
  }
}

void
mmd_modem_set_equipment_identifier(MmdModem *self, const char *imei)
{
  mdbus_modem_set_equipment_identifier(self->iface_modem, imei ? imei : "");
  mdbus_modem_modem3gpp_set_imei(self->iface_3gpp, imei ? imei : "");
}

void
mmd_modem_set_capabilities(MmdModem *self, guint supported, guint current)
{
  guint32 caps = supported;

  mdbus_modem_set_supported_capabilities(
      self->iface_modem, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, &caps, 1, sizeof(caps)));
  mdbus_modem_set_current_capabilities(self->iface_modem, current);
}

void
mmd_modem_set_max_bearers(MmdModem *self, guint max_bearers, guint max_active)
{
  mdbus_modem_set_max_bearers(self->iface_modem, max_bearers);
  mdbus_modem_set_max_active_bearers(self->iface_modem, max_active);
}

void
mmd_modem_set_own_numbers(MmdModem *self, const char *const *numbers)
{
  const char *const none[] = { NULL };
  mdbus_modem_set_own_numbers(self->iface_modem, numbers ? numbers : none);
}

void
mmd_modem_set_power_state(MmdModem *self, MmdModemPowerState state)
{
  if (mdbus_modem_get_power_state(self->iface_modem) != state)
    mdbus_modem_set_power_state(self->iface_modem, state);
}

void
mmd_modem_set_supported_modes(MmdModem *self, const guint (*pairs)[2], gsize n_pairs)
{
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a(uu)"));
  for (gsize i = 0; i < n_pairs; i++)
    g_variant_builder_add(&builder, "(uu)", pairs[i][0], pairs[i][1]);
  mdbus_modem_set_supported_modes(self->iface_modem, g_variant_builder_end(&builder));
}

void
mmd_modem_set_current_modes(MmdModem *self, guint allowed, guint preferred)
{
  mdbus_modem_set_current_modes(self->iface_modem, g_variant_new("(uu)", allowed, preferred));
}

static GVariant *
bands_variant(const guint *bands, gsize n_bands)
{
  g_autofree guint32 *values = g_new0(guint32, n_bands + 1);

  for (gsize i = 0; i < n_bands; i++)
    values[i] = bands[i];
  return g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, values, n_bands, sizeof(guint32));
}

void
mmd_modem_set_supported_bands(MmdModem *self, const guint *bands, gsize n_bands)
{
  mdbus_modem_set_supported_bands(self->iface_modem, bands_variant(bands, n_bands));
}

void
mmd_modem_set_current_bands(MmdModem *self, const guint *bands, gsize n_bands)
{
  mdbus_modem_set_current_bands(self->iface_modem, bands_variant(bands, n_bands));
}

void
mmd_modem_set_supported_ip_families(MmdModem *self, guint families)
{
  mdbus_modem_set_supported_ip_families(self->iface_modem, families);
}

void
mmd_modem_set_sim(MmdModem *self, const char *iccid, const char *imsi, const char *operator_id,
                  const char *operator_name)
{
  if (!self->sim) {
    self->sim = mmd_sim_new(self, mmd_manager_next_sim_index(self->manager));
    mmd_manager_export(self->manager, mmd_sim_get_object(self->sim));
    mdbus_modem_set_sim(self->iface_modem, mmd_sim_get_path(self->sim));
  }
  mmd_sim_update(self->sim, iccid, imsi, operator_id, operator_name);
  if (mmd_log_debug_enabled()) {
    g_autofree char *masked_iccid = mmd_log_mask_identifier(iccid);
    g_autofree char *masked_imsi = mmd_log_mask_identifier(imsi);
    g_debug("%s: SIM iccid %s imsi %s", self->path, masked_iccid, masked_imsi);
  }
}

void
mmd_modem_set_sim_missing(MmdModem *self)
{
  if (self->sim) {
    mmd_manager_unexport(self->manager, mmd_sim_get_path(self->sim));
    mmd_sim_detach(self->sim);
    g_clear_object(&self->sim);
  }
  mdbus_modem_set_sim(self->iface_modem, "/");
}

void
mmd_modem_set_unlock_required(MmdModem *self, MmdModemLock lock)
{
  self->unlock_required = lock;
  mdbus_modem_set_unlock_required(self->iface_modem, lock);
}

void
mmd_modem_set_unlock_retries(MmdModem *self, MmdModemLock lock, guint retries)
{
  GVariant *current = mdbus_modem_get_unlock_retries(self->iface_modem);
  GVariantBuilder builder;
  GVariantIter iter;
  guint32 key, value;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{uu}"));
  if (current) {
    g_variant_iter_init(&iter, current);
    while (g_variant_iter_next(&iter, "{uu}", &key, &value))
      if (key != (guint32)lock)
        g_variant_builder_add(&builder, "{uu}", key, value);
  }
  g_variant_builder_add(&builder, "{uu}", (guint32)lock, (guint32)retries);
  mdbus_modem_set_unlock_retries(self->iface_modem, g_variant_builder_end(&builder));
}

void
mmd_modem_set_facility_locks(MmdModem *self, guint facilities)
{
  mdbus_modem_modem3gpp_set_enabled_facility_locks(self->iface_3gpp, facilities);
}

void
mmd_modem_set_registration(MmdModem *self, MmdModem3gppRegistrationState state,
                           const char *operator_code, const char *operator_name,
                           guint access_technologies)
{
  gboolean registered = mmd_modem_registration_is_registered(state);

  if (self->registration != state)
    g_message("%s: 3GPP registration %s -> %s", self->path,
              mmd_modem_3gpp_registration_state_to_string(self->registration),
              mmd_modem_3gpp_registration_state_to_string(state));
  self->registration = state;
  mdbus_modem_modem3gpp_set_registration_state(self->iface_3gpp, state);
  mdbus_modem_modem3gpp_set_operator_code(self->iface_3gpp,
                                          registered && operator_code ? operator_code : "");
  mdbus_modem_modem3gpp_set_operator_name(self->iface_3gpp,
                                          registered && operator_name ? operator_name : "");
  mdbus_modem_set_access_technologies(self->iface_modem, registered ? access_technologies : 0);
  update_enabled_state(self);
}

void
mmd_modem_set_packet_service_state(MmdModem *self, MmdModem3gppPacketServiceState state)
{
  mdbus_modem_modem3gpp_set_packet_service_state(self->iface_3gpp, state);
}

void
mmd_modem_set_signal_quality(MmdModem *self, guint percent)
{
  mdbus_modem_set_signal_quality(self->iface_modem,
                                 g_variant_new("(ub)", MIN(percent, 100u), TRUE));
}

void
mmd_modem_set_signal_values(MmdModem *self, const char *tech, GVariant *values)
{
  static const struct {
    const char *name;
    void (*set)(MdbusModemSignal *, GVariant *);
  } techs[] = {
    { "gsm", mdbus_modem_signal_set_gsm },
    { "umts", mdbus_modem_signal_set_umts },
    { "lte", mdbus_modem_signal_set_lte },
    { "nr5g", mdbus_modem_signal_set_nr5g },
  };
  g_autoptr(GVariant) owned = values ? g_variant_ref_sink(values) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS(techs); i++) {
    if (g_strcmp0(tech, techs[i].name) == 0) {
      techs[i].set(self->iface_signal, owned ? owned : empty_dict());
      return;
    }
  }
  g_warning("%s: unknown signal technology '%s'", self->path, tech);
}

void
mmd_modem_report_failed(MmdModem *self, MmdModemStateFailedReason reason)
{
  mdbus_modem_set_state_failed_reason(self->iface_modem, reason);
  mmd_modem_set_state(self, MMD_MODEM_STATE_FAILED, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
}

void
mmd_modem_report_gone(MmdModem *self, const char *why)
{
  if (self->gone)
    return;
  g_message("%s: modem gone: %s", self->path, why ? why : "port closed");
  mmd_manager_remove_modem(self->manager, self);
}

void
mmd_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error)
{
  g_dbus_method_invocation_take_error(invocation, mmd_error_normalize(error));
}

void
mmd_dbus_complete_bool(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    g_dbus_method_invocation_return_value(invocation, NULL);
  else
    mmd_dbus_return_error(invocation, error);
}
