/* D-Bus methods of the Modem, Modem3gpp and Signal interfaces.
 *
 * Each handle_* only asks for authorization; the matching do_* runs once the
 * caller is authorized, validates the arguments, and calls the operation. */
#define G_LOG_DOMAIN "modemd-modem"

#include "modem-private.h"

#include "auth.h"
#include "bearer.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "modem-state.h"

#define BACKEND_CLASS(self) MMD_BACKEND_GET_CLASS((self)->backend)
#define QUALITY_REFRESH_S 30

static gboolean
authorize(MmdModem *self, GDBusMethodInvocation *invocation, const char *action,
          MmdAuthorizedFunc func)
{
  mmd_auth_authorize(invocation, action, G_OBJECT(self), func);
  return TRUE;
}

static void
return_unsupported(GDBusMethodInvocation *invocation, const char *what)
{
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                        "%s is not supported by this modem", what);
}

static gboolean
check_not_gone(MmdModem *self, GDBusMethodInvocation *invocation)
{
  if (!self->gone)
    return TRUE;
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                                        "The modem is going away");
  return FALSE;
}

/* Enable */

static void
do_enable(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  gboolean enable;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(b)", &enable);
  mmd_modem_enable_async(self, enable, mmd_dbus_complete_bool, g_object_ref(invocation));
}

static gboolean
handle_enable(MdbusModem *iface, GDBusMethodInvocation *invocation, gboolean enable, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_enable);
}

/* Bearers */

static gboolean
handle_list_bearers(MdbusModem *iface, GDBusMethodInvocation *invocation, MmdModem *self)
{
  mdbus_modem_complete_list_bearers(iface, invocation, mdbus_modem_get_bearers(iface));
  return TRUE;
}

static void
do_create_bearer(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  MmdBearerSettings *settings;
  MmdBearer *bearer;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, FALSE, &error);
  bearer = settings ? mmd_modem_create_bearer(self, settings, &error) : NULL;
  if (!bearer) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  mdbus_modem_complete_create_bearer(self->iface_modem, invocation, mmd_bearer_get_path(bearer));
}

static gboolean
handle_create_bearer(MdbusModem *iface, GDBusMethodInvocation *invocation, GVariant *properties,
                     MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_create_bearer);
}

static void
delete_disconnected(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MmdModem *self = MMD_MODEM(source);
  g_autoptr(GError) error = NULL;
  const char *path;
  MmdBearer *bearer;

  if (!mmd_modem_op_finish(self, result, &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&o)", &path);
  bearer = mmd_modem_find_bearer(self, path);
  if (bearer)
    mmd_modem_remove_bearer(self, bearer);
  g_dbus_method_invocation_return_value(invocation, NULL);
}

static void
do_delete_bearer(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  const char *path;
  MmdBearer *bearer;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&o)", &path);
  bearer = mmd_modem_find_bearer(self, path);
  if (!bearer) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                                          "No bearer %s on this modem", path);
    return;
  }
  /* The bearer being connected is not "connected" yet: keep it. */
  if (mmd_modem_get_state(self) == MMD_MODEM_STATE_CONNECTING) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                                          "A connection attempt is in progress");
    return;
  }
  mmd_modem_disconnect_bearer_async(self, bearer, delete_disconnected, g_object_ref(invocation));
}

static gboolean
handle_delete_bearer(MdbusModem *iface, GDBusMethodInvocation *invocation, const char *path,
                     MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_delete_bearer);
}

/* Reset, power, modes, bands */

static void
do_reset(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);

  if (!check_not_gone(self, invocation))
    return;
  if (!BACKEND_CLASS(self)->reset) {
    return_unsupported(invocation, "Reset");
    return;
  }
  BACKEND_CLASS(self)->reset(self->backend, self->cancellable, mmd_dbus_complete_bool,
                             g_object_ref(invocation));
}

static gboolean
handle_reset(MdbusModem *iface, GDBusMethodInvocation *invocation, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_MANAGER_ADMIN, do_reset);
}

static void
do_unsupported(GObject *target, GDBusMethodInvocation *invocation)
{
  return_unsupported(invocation, g_dbus_method_invocation_get_method_name(invocation));
}

static gboolean
handle_factory_reset(MdbusModem *iface, GDBusMethodInvocation *invocation, const char *code,
                     MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_MANAGER_ADMIN, do_unsupported);
}

static gboolean
handle_set_current_capabilities(MdbusModem *iface, GDBusMethodInvocation *invocation, guint caps,
                                MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

static gboolean
handle_set_primary_sim_slot(MdbusModem *iface, GDBusMethodInvocation *invocation, guint slot,
                            MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

static gboolean
handle_get_cell_info(MdbusModem *iface, GDBusMethodInvocation *invocation, MmdModem *self)
{
  return_unsupported(invocation, "GetCellInfo");
  return TRUE;
}

static void
do_set_power_state(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  guint32 state;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(u)", &state);
  if (state != MMD_MODEM_POWER_STATE_LOW && state != MMD_MODEM_POWER_STATE_ON
      && state != MMD_MODEM_POWER_STATE_OFF) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Invalid power state %u", state);
    return;
  }
  if (mmd_modem_get_state(self) > MMD_MODEM_STATE_DISABLED) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                          "Cannot change power state: the modem must be disabled");
    return;
  }
  if (!BACKEND_CLASS(self)->set_power_state) {
    return_unsupported(invocation, "Setting the power state");
    return;
  }
  BACKEND_CLASS(self)->set_power_state(self->backend, state, self->cancellable,
                                       mmd_dbus_complete_bool, g_object_ref(invocation));
}

static gboolean
handle_set_power_state(MdbusModem *iface, GDBusMethodInvocation *invocation, guint state,
                       MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_set_power_state);
}

static gboolean
modes_supported(MmdModem *self, guint allowed, guint preferred)
{
  GVariant *supported = mdbus_modem_get_supported_modes(self->iface_modem);
  GVariantIter iter;
  guint32 s_allowed, s_preferred;

  if (!supported)
    return FALSE;
  g_variant_iter_init(&iter, supported);
  while (g_variant_iter_next(&iter, "(uu)", &s_allowed, &s_preferred))
    if (s_allowed == allowed && (preferred == MMD_MODEM_MODE_NONE || s_preferred == preferred))
      return TRUE;
  return FALSE;
}

static void
do_set_current_modes(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  guint32 allowed, preferred;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "((uu))", &allowed,
                &preferred);
  if (allowed == (guint32)MMD_MODEM_MODE_ANY) {
    GVariant *supported = mdbus_modem_get_supported_modes(self->iface_modem);
    if (supported && g_variant_n_children(supported) > 0)
      g_variant_get_child(supported, 0, "(uu)", &allowed, NULL);
  }
  if (!modes_supported(self, allowed, preferred)) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                          "Modes (allowed 0x%x, preferred 0x%x) are not in "
                                          "SupportedModes",
                                          allowed, preferred);
    return;
  }
  if (!BACKEND_CLASS(self)->set_current_modes) {
    return_unsupported(invocation, "Setting modes");
    return;
  }
  BACKEND_CLASS(self)->set_current_modes(self->backend, allowed, preferred, self->cancellable,
                                         mmd_dbus_complete_bool, g_object_ref(invocation));
}

static gboolean
handle_set_current_modes(MdbusModem *iface, GDBusMethodInvocation *invocation, GVariant *modes,
                         MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_set_current_modes);
}

static gboolean
band_supported(MmdModem *self, guint band)
{
  GVariant *supported = mdbus_modem_get_supported_bands(self->iface_modem);
  gsize n = 0;
  const guint32 *values
      = supported ? g_variant_get_fixed_array(supported, &n, sizeof(guint32)) : NULL;

  for (gsize i = 0; i < n; i++)
    if (values[i] == band)
      return TRUE;
  return FALSE;
}

static void
do_set_current_bands(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  g_autoptr(GVariant) bands_v = NULL;
  const guint32 *bands;
  gsize n = 0;
  g_autofree guint *copy = NULL;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@au)", &bands_v);
  bands = g_variant_get_fixed_array(bands_v, &n, sizeof(guint32));
  if (n == 0 || n > 256) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Give 1 to 256 bands, or 'any'");
    return;
  }
  copy = g_new0(guint, n);
  for (gsize i = 0; i < n; i++) {
    if (!(n == 1 && bands[i] == MMD_MODEM_BAND_ANY) && !band_supported(self, bands[i])) {
      g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                            "Band %u is not in SupportedBands", bands[i]);
      return;
    }
    copy[i] = bands[i];
  }
  if (!BACKEND_CLASS(self)->set_current_bands) {
    return_unsupported(invocation, "Setting bands");
    return;
  }
  BACKEND_CLASS(self)->set_current_bands(self->backend, copy, n, self->cancellable,
                                         mmd_dbus_complete_bool, g_object_ref(invocation));
}

static gboolean
handle_set_current_bands(MdbusModem *iface, GDBusMethodInvocation *invocation, GVariant *bands,
                         MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_set_current_bands);
}

/* Command */

static void
command_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = g_task_propagate_pointer(G_TASK(result), &error);

  if (!response)
    mmd_dbus_return_error(invocation, error);
  else
    g_dbus_method_invocation_return_value(invocation, g_variant_new("(s)", response));
}

static void
do_command(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  const char *cmd;
  guint32 timeout;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&su)", &cmd, &timeout);
  for (const char *c = cmd; *c; c++) {
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7e) {
      g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                            "Command may not hold control characters");
      return;
    }
  }
  if (!*cmd || strlen(cmd) > 512) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Command must be 1 to 512 characters");
    return;
  }
  if (!BACKEND_CLASS(self)->command) {
    return_unsupported(invocation, "Command");
    return;
  }
  BACKEND_CLASS(self)->command(self->backend, cmd, CLAMP(timeout, 1, 300), self->cancellable,
                               command_done, g_object_ref(invocation));
}

static gboolean
handle_command(MdbusModem *iface, GDBusMethodInvocation *invocation, const char *cmd, guint timeout,
               MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_COMMAND, do_command);
}

/* Modem3gpp */

static void
do_register(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  g_autoptr(GError) error = NULL;
  const char *operator_id;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s)", &operator_id);
  if (!mmd_validate_operator_id(operator_id, TRUE, &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  mmd_modem_register_async(self, operator_id, mmd_dbus_complete_bool, g_object_ref(invocation));
}

static gboolean
handle_register(MdbusModemModem3gpp *iface, GDBusMethodInvocation *invocation,
                const char *operator_id, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_register);
}

static void
scan_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = g_task_propagate_pointer(G_TASK(result), &error);

  if (!results)
    mmd_dbus_return_error(invocation, error);
  else
    g_dbus_method_invocation_return_value(invocation, g_variant_new_tuple(&results, 1));
}

static void
do_scan(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);

  if (!check_not_gone(self, invocation))
    return;
  if (!BACKEND_CLASS(self)->scan) {
    return_unsupported(invocation, "Scanning");
    return;
  }
  if (!mmd_modem_state_is_enabled(mmd_modem_get_state(self))) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                          "Cannot scan: modem is %s",
                                          mmd_modem_state_to_string(mmd_modem_get_state(self)));
    return;
  }
  BACKEND_CLASS(self)->scan(self->backend, self->cancellable, scan_done, g_object_ref(invocation));
}

static gboolean
handle_scan(MdbusModemModem3gpp *iface, GDBusMethodInvocation *invocation, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_scan);
}

static void
do_set_initial_eps_bearer_settings(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdBearerSettings) settings = NULL;

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, FALSE, &error);
  if (!settings) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  return_unsupported(invocation, "Setting the initial EPS bearer");
  (void)self;
}

static gboolean
handle_set_initial_eps_bearer_settings(MdbusModemModem3gpp *iface,
                                       GDBusMethodInvocation *invocation, GVariant *settings,
                                       MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_set_initial_eps_bearer_settings);
}

static gboolean
handle_set_eps_ue_mode(MdbusModemModem3gpp *iface, GDBusMethodInvocation *invocation, guint mode,
                       MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

static gboolean
handle_disable_facility_lock(MdbusModemModem3gpp *iface, GDBusMethodInvocation *invocation,
                             GVariant *properties, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

static gboolean
handle_set_packet_service_state(MdbusModemModem3gpp *iface, GDBusMethodInvocation *invocation,
                                guint state, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

/* Signal */

static void
refresh_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug("signal refresh failed: %s", error->message);
}

static gboolean
refresh_signal(gpointer user_data)
{
  MmdModem *self = user_data;

  if (!self->gone && BACKEND_CLASS(self)->refresh_signal)
    BACKEND_CLASS(self)->refresh_signal(self->backend, self->cancellable, refresh_done, NULL);
  return G_SOURCE_CONTINUE;
}

/* Signal quality is refreshed while enabled; extended values at the rate the
 * client asked for with Setup. */
void
mmd_modem_signal_state_changed(MmdModem *self)
{
  gboolean enabled = mmd_modem_state_is_enabled(mmd_modem_get_state(self));

  if (enabled && !self->quality_refresh_id) {
    refresh_signal(self);
    self->quality_refresh_id = g_timeout_add_seconds(QUALITY_REFRESH_S, refresh_signal, self);
  } else if (!enabled) {
    g_clear_handle_id(&self->quality_refresh_id, g_source_remove);
    g_clear_handle_id(&self->signal_refresh_id, g_source_remove);
    if (mmd_modem_get_state(self) >= MMD_MODEM_STATE_DISABLED) {
      mdbus_modem_set_signal_quality(self->iface_modem, g_variant_new("(ub)", 0, FALSE));
      for (guint i = 0; i < 4; i++)
        mmd_modem_set_signal_values(self, (const char *[]){ "gsm", "umts", "lte", "nr5g" }[i],
                                    NULL);
    }
  }
  if (enabled && self->signal_rate && !self->signal_refresh_id)
    self->signal_refresh_id = g_timeout_add_seconds(self->signal_rate, refresh_signal, self);
}

static void
do_signal_setup(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  guint32 rate;

  if (!check_not_gone(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(u)", &rate);
  if (rate > 3600) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                          "Rate must be 0 to 3600 seconds");
    return;
  }
  if (!BACKEND_CLASS(self)->refresh_signal) {
    return_unsupported(invocation, "Extended signal");
    return;
  }
  self->signal_rate = rate;
  mdbus_modem_signal_set_rate(self->iface_signal, rate);
  g_clear_handle_id(&self->signal_refresh_id, g_source_remove);
  if (rate && mmd_modem_state_is_enabled(mmd_modem_get_state(self))) {
    refresh_signal(self);
    self->signal_refresh_id = g_timeout_add_seconds(rate, refresh_signal, self);
  }
  mdbus_modem_signal_complete_setup(self->iface_signal, invocation);
}

static gboolean
handle_signal_setup(MdbusModemSignal *iface, GDBusMethodInvocation *invocation, guint rate,
                    MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_signal_setup);
}

static gboolean
handle_signal_setup_thresholds(MdbusModemSignal *iface, GDBusMethodInvocation *invocation,
                               GVariant *settings, MmdModem *self)
{
  return authorize(self, invocation, MMD_AUTH_DEVICE_CONTROL, do_unsupported);
}

void
mmd_modem_dbus_setup(MmdModem *self)
{
  static const struct {
    size_t iface_offset;
    const char *signal;
    GCallback handler;
  } handlers[] = {
#define H(field, sig, fn) { G_STRUCT_OFFSET(MmdModem, field), "handle-" sig, G_CALLBACK(fn) }
    H(iface_modem, "enable", handle_enable),
    H(iface_modem, "list-bearers", handle_list_bearers),
    H(iface_modem, "create-bearer", handle_create_bearer),
    H(iface_modem, "delete-bearer", handle_delete_bearer),
    H(iface_modem, "reset", handle_reset),
    H(iface_modem, "factory-reset", handle_factory_reset),
    H(iface_modem, "set-power-state", handle_set_power_state),
    H(iface_modem, "set-current-capabilities", handle_set_current_capabilities),
    H(iface_modem, "set-current-modes", handle_set_current_modes),
    H(iface_modem, "set-current-bands", handle_set_current_bands),
    H(iface_modem, "set-primary-sim-slot", handle_set_primary_sim_slot),
    H(iface_modem, "get-cell-info", handle_get_cell_info),
    H(iface_modem, "command", handle_command),
    H(iface_3gpp, "register", handle_register),
    H(iface_3gpp, "scan", handle_scan),
    H(iface_3gpp, "set-initial-eps-bearer-settings", handle_set_initial_eps_bearer_settings),
    H(iface_3gpp, "set-eps-ue-mode-operation", handle_set_eps_ue_mode),
    H(iface_3gpp, "disable-facility-lock", handle_disable_facility_lock),
    H(iface_3gpp, "set-packet-service-state", handle_set_packet_service_state),
    H(iface_signal, "setup", handle_signal_setup),
    H(iface_signal, "setup-thresholds", handle_signal_setup_thresholds),
#undef H
  };

  for (guint i = 0; i < G_N_ELEMENTS(handlers); i++) {
    gpointer iface = G_STRUCT_MEMBER(gpointer, self, handlers[i].iface_offset);
    g_signal_connect(iface, handlers[i].signal, handlers[i].handler, self);
  }
}
