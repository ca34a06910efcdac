/* modemctl: modem details and modem actions (-m). */
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmd-enums.h"
#include "mmd-errors.h"
#include "modemctl.h"
#include "modemctl-parse.h"

/* Details */

static void
add_ports(Output *output, MdbusModem *modem)
{
  GVariant *ports = mdbus_modem_get_ports(modem);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);

  if (ports && g_variant_is_of_type(ports, G_VARIANT_TYPE("a(su)"))) {
    GVariantIter iter;
    const char *name;
    guint type;

    g_variant_iter_init(&iter, ports);
    while (g_variant_iter_next(&iter, "(&su)", &name, &type))
      g_ptr_array_add(values,
                      g_strdup_printf("%s (%s)", name, mmd_modem_port_type_to_string(type)));
  }
  g_ptr_array_add(values, NULL);
  output_add_list(output, "System", "ports", "modem.generic.ports",
                  (const char *const *)values->pdata);
}

static guint
retries_rank(const char *entry)
{
  static const char *const order[] = { "sim-pin ", "sim-puk ", "sim-pin2 ", "sim-puk2 " };

  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    if (g_str_has_prefix(entry, order[i]))
      return i;
  return G_N_ELEMENTS(order);
}

static gint
compare_retries(gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  guint rx = retries_rank(x), ry = retries_rank(y);

  return rx != ry ? (rx < ry ? -1 : 1) : g_strcmp0(x, y);
}

static void
add_unlock_retries(Output *output, MdbusModem *modem)
{
  GVariant *retries = mdbus_modem_get_unlock_retries(modem);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);

  if (retries && g_variant_is_of_type(retries, G_VARIANT_TYPE("a{uu}"))) {
    GVariantIter iter;
    guint lock, count;

    g_variant_iter_init(&iter, retries);
    while (g_variant_iter_next(&iter, "{uu}", &lock, &count))
      g_ptr_array_add(values, g_strdup_printf("%s (%u)", mmd_modem_lock_to_string(lock), count));
  }
  /* Each PIN before its PUK, in the order mmcli shows them. */
  g_ptr_array_sort(values, compare_retries);
  g_ptr_array_add(values, NULL);
  output_add_list(output, "Status", "unlock retries", "modem.generic.unlock-retries",
                  (const char *const *)values->pdata);
}

static void
add_capabilities(Output *output, MdbusModem *modem)
{
  GVariant *supported = mdbus_modem_get_supported_capabilities(modem);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *current
      = mmd_modem_capability_build_string(mdbus_modem_get_current_capabilities(modem));
  const char *const current_list[] = { current, NULL };

  if (supported && g_variant_is_of_type(supported, G_VARIANT_TYPE("au"))) {
    GVariantIter iter;
    guint caps;

    g_variant_iter_init(&iter, supported);
    while (g_variant_iter_next(&iter, "u", &caps))
      g_ptr_array_add(values, mmd_modem_capability_build_string(caps));
  }
  g_ptr_array_add(values, NULL);
  output_add_list(output, "Hardware", "supported", "modem.generic.supported-capabilities",
                  (const char *const *)values->pdata);
  /* A list of one, as mmcli keys it. */
  output_add_list(output, "Hardware", "current", "modem.generic.current-capabilities",
                  current_list);
}

static void
add_modes(Output *output, MdbusModem *modem)
{
  GVariant *supported = mdbus_modem_get_supported_modes(modem);
  GVariant *current = mdbus_modem_get_current_modes(modem);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
  char *current_str = NULL;

  if (supported && g_variant_is_of_type(supported, G_VARIANT_TYPE("a(uu)"))) {
    GVariantIter iter;
    guint allowed, preferred;

    g_variant_iter_init(&iter, supported);
    while (g_variant_iter_next(&iter, "(uu)", &allowed, &preferred))
      g_ptr_array_add(values, modemctl_modes_to_string(allowed, preferred));
  }
  g_ptr_array_add(values, NULL);
  output_add_list(output, "Modes", "supported", "modem.generic.supported-modes",
                  (const char *const *)values->pdata);

  if (current && g_variant_is_of_type(current, G_VARIANT_TYPE("(uu)"))) {
    guint allowed, preferred;

    g_variant_get(current, "(uu)", &allowed, &preferred);
    if (allowed)
      current_str = modemctl_modes_to_string(allowed, preferred);
  }
  output_add_take(output, "Modes", "current", "modem.generic.current-modes", current_str);
}

static void
add_bands(Output *output, const char *label, const char *key, GVariant *bands)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);

  if (bands && g_variant_is_of_type(bands, G_VARIANT_TYPE("au"))) {
    GVariantIter iter;
    guint band;

    g_variant_iter_init(&iter, bands);
    while (g_variant_iter_next(&iter, "u", &band))
      if (band != MMD_MODEM_BAND_UNKNOWN)
        g_ptr_array_add(values, modemctl_band_to_string(band));
  }
  g_ptr_array_add(values, NULL);
  output_add_list(output, "Bands", label, key, (const char *const *)values->pdata);
}

static void
add_signal_quality(Output *output, MdbusModem *modem)
{
  GVariant *quality = mdbus_modem_get_signal_quality(modem);
  guint value = 0;
  gboolean recent = FALSE;

  if (quality && g_variant_is_of_type(quality, G_VARIANT_TYPE("(ub)")))
    g_variant_get(quality, "(ub)", &value, &recent);

  if (output_get_type(output) == OUTPUT_HUMAN) {
    output_add_printf(output, "Status", "signal quality", "modem.generic.signal-quality.value",
                      "%u%% (%s)", value, recent ? "recent" : "cached");
    return;
  }
  output_add_printf(output, "Status", "signal quality", "modem.generic.signal-quality.value", "%u",
                    value);
  output_add(output, "Status", "signal quality recent", "modem.generic.signal-quality.recent",
             recent ? "yes" : "no");
}

static const char *
path_or_null(const char *path)
{
  return path && *path && g_strcmp0(path, "/") != 0 ? path : NULL;
}

int
modemctl_modem_show(Ctx *ctx, MdbusObject *object)
{
  g_autoptr(Output) output = output_new(ctx->output_type);
  MdbusModem *modem = mdbus_object_peek_modem(object);
  MdbusModemModem3gpp *modem3gpp = mdbus_object_peek_modem_modem3gpp(object);
  g_autoptr(GPtrArray) slot_paths = g_ptr_array_new();
  gint state = mdbus_modem_get_state(modem);

  output_add(output, "General", "path", "modem.dbus-path",
             g_dbus_object_get_object_path(G_DBUS_OBJECT(object)));
  output_add(output, "General", "device id", "modem.generic.device-identifier",
             mdbus_modem_get_device_identifier(modem));

  output_add(output, "Hardware", "manufacturer", "modem.generic.manufacturer",
             mdbus_modem_get_manufacturer(modem));
  output_add(output, "Hardware", "model", "modem.generic.model", mdbus_modem_get_model(modem));
  output_add(output, "Hardware", "firmware revision", "modem.generic.revision",
             mdbus_modem_get_revision(modem));
  output_add(output, "Hardware", "carrier config", "modem.generic.carrier-configuration",
             mdbus_modem_get_carrier_configuration(modem));
  output_add(output, "Hardware", "carrier config revision",
             "modem.generic.carrier-configuration-revision",
             mdbus_modem_get_carrier_configuration_revision(modem));
  output_add(output, "Hardware", "h/w revision", "modem.generic.hardware-revision",
             mdbus_modem_get_hardware_revision(modem));
  add_capabilities(output, modem);
  output_add(output, "Hardware", "equipment id", "modem.generic.equipment-identifier",
             mdbus_modem_get_equipment_identifier(modem));

  output_add(output, "System", "device", "modem.generic.device", mdbus_modem_get_device(modem));
  output_add(output, "System", "physdev", "modem.generic.physdev", mdbus_modem_get_physdev(modem));
  output_add_list(output, "System", "drivers", "modem.generic.drivers",
                  mdbus_modem_get_drivers(modem));
  output_add(output, "System", "plugin", "modem.generic.plugin", mdbus_modem_get_plugin(modem));
  output_add(output, "System", "primary port", "modem.generic.primary-port",
             mdbus_modem_get_primary_port(modem));
  add_ports(output, modem);

  output_add_list(output, "Numbers", "own", "modem.generic.own-numbers",
                  mdbus_modem_get_own_numbers(modem));

  output_add(output, "Status", "lock", "modem.generic.unlock-required",
             mmd_modem_lock_to_string(mdbus_modem_get_unlock_required(modem)));
  add_unlock_retries(output, modem);
  output_add(output, "Status", "state", "modem.generic.state", mmd_modem_state_to_string(state));
  output_add(output, "Status", "failed reason", "modem.generic.state-failed-reason",
             state == MMD_MODEM_STATE_FAILED ? mmd_modem_state_failed_reason_to_string(
                 mdbus_modem_get_state_failed_reason(modem))
                                             : NULL);
  output_add(output, "Status", "power state", "modem.generic.power-state",
             mmd_modem_power_state_to_string(mdbus_modem_get_power_state(modem)));
  output_add_flags_take(
      output, "Status", "access tech", "modem.generic.access-technologies",
      mmd_modem_access_technology_build_string(mdbus_modem_get_access_technologies(modem)));
  add_signal_quality(output, modem);

  add_modes(output, modem);
  add_bands(output, "supported", "modem.generic.supported-bands",
            mdbus_modem_get_supported_bands(modem));
  add_bands(output, "current", "modem.generic.current-bands", mdbus_modem_get_current_bands(modem));

  output_add_flags_take(
      output, "IP", "supported", "modem.generic.supported-ip-families",
      mmd_bearer_ip_family_build_string(mdbus_modem_get_supported_ip_families(modem)));

  if (modem3gpp) {
    output_add(output, "3GPP", "imei", "modem.3gpp.imei",
               mdbus_modem_modem3gpp_get_imei(modem3gpp));
    output_add_flags_take(output, "3GPP", "enabled locks", "modem.3gpp.enabled-locks",
                          modemctl_facility_build_string(
                              mdbus_modem_modem3gpp_get_enabled_facility_locks(modem3gpp)));
    output_add(output, "3GPP", "operator id", "modem.3gpp.operator-code",
               mdbus_modem_modem3gpp_get_operator_code(modem3gpp));
    output_add(output, "3GPP", "operator name", "modem.3gpp.operator-name",
               mdbus_modem_modem3gpp_get_operator_name(modem3gpp));
    output_add(output, "3GPP", "registration", "modem.3gpp.registration-state",
               mmd_modem_3gpp_registration_state_to_string(
                   mdbus_modem_modem3gpp_get_registration_state(modem3gpp)));
    output_add(output, "3GPP", "packet service state", "modem.3gpp.packet-service-state",
               mmd_modem_3gpp_packet_service_state_to_string(
                   mdbus_modem_modem3gpp_get_packet_service_state(modem3gpp)));
  }

  output_add(output, "SIM", "primary sim path", "modem.generic.sim",
             path_or_null(mdbus_modem_get_sim(modem)));
  for (const char *const *s = mdbus_modem_get_sim_slots(modem); s && *s; s++)
    if (path_or_null(*s))
      g_ptr_array_add(slot_paths, (gpointer)*s);
  g_ptr_array_add(slot_paths, NULL);
  output_add_list(output, "SIM", "sim slot paths", "modem.generic.sim-slots",
                  (const char *const *)slot_paths->pdata);

  output_add_list(output, "Bearer", "paths", "modem.generic.bearers",
                  mdbus_modem_get_bearers(modem));

  output_print(output);
  return EXIT_SUCCESS;
}

/* Actions */

static int
modem_enable(Ctx *ctx, MdbusModem *modem, gboolean enable)
{
  g_autoptr(GError) error = NULL;

  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_enable_sync(modem, enable, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, enable ? "successfully enabled the modem" : "successfully disabled the modem");
  return EXIT_SUCCESS;
}

static int
modem_set_power_state(Ctx *ctx, MdbusModem *modem, MmdModemPowerState state)
{
  g_autoptr(GError) error = NULL;

  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_set_power_state_sync(modem, state, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully set power state in the modem");
  return EXIT_SUCCESS;
}

static int
modem_reset(Ctx *ctx, MdbusModem *modem)
{
  g_autoptr(GError) error = NULL;

  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_reset_sync(modem, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully reset the modem");
  return EXIT_SUCCESS;
}

static void
print_bearer_path(Ctx *ctx, const char *message, const char *path)
{
  g_autoptr(Output) output = NULL;

  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("%s: %s\n", message, path);
    return;
  }
  output = output_new(ctx->output_type);
  output_add(output, "General", "path", "bearer.dbus-path", path);
  output_print(output);
}

static int
modem_create_bearer(Ctx *ctx, MdbusModem *modem, const char *str)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = modemctl_build_bearer_properties(str, FALSE, &error);
  g_autofree char *path = NULL;

  if (!properties)
    return ctx_fail("invalid bearer properties: %s", error->message);
  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_create_bearer_sync(modem, properties, &path, NULL, &error))
    return ctx_fail_error(error);
  print_bearer_path(ctx, "successfully created new bearer in modem", path);
  return EXIT_SUCCESS;
}

static int
modem_delete_bearer(Ctx *ctx, MdbusModem *modem, const char *selector)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean any;

  if (!modemctl_parse_selector(selector, MMD_DBUS_BEARER_PREFIX, FALSE, &path, &any, &error))
    return ctx_fail("invalid bearer: %s", error->message);
  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_delete_bearer_sync(modem, path, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully deleted bearer from modem");
  return EXIT_SUCCESS;
}

static int
modem_simple_connect(Ctx *ctx, MdbusObject *object, const char *str)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = modemctl_build_bearer_properties(str, TRUE, &error);
  MdbusModemSimple *simple = mdbus_object_peek_modem_simple(object);
  g_autofree char *path = NULL;

  if (!properties)
    return ctx_fail("invalid connection properties: %s", error->message);
  if (!simple)
    return ctx_fail("the modem has no Simple interface");
  ctx_set_timeout(ctx, simple, TRUE);
  if (!mdbus_modem_simple_call_connect_sync(simple, properties, &path, NULL, &error))
    return ctx_fail_error(error);
  print_bearer_path(ctx, "successfully connected the modem", path);
  return EXIT_SUCCESS;
}

static int
modem_simple_disconnect(Ctx *ctx, MdbusObject *object)
{
  g_autoptr(GError) error = NULL;
  MdbusModemSimple *simple = mdbus_object_peek_modem_simple(object);

  if (!simple)
    return ctx_fail("the modem has no Simple interface");
  ctx_set_timeout(ctx, simple, TRUE);
  if (!mdbus_modem_simple_call_disconnect_sync(simple, "/", NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully disconnected all bearers in the modem");
  return EXIT_SUCCESS;
}

static const char *
lookup_string(GVariant *dict, const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup(dict, key, "&s", &value))
    return NULL;
  return value;
}

static int
modem_3gpp_scan(Ctx *ctx, MdbusModemModem3gpp *modem3gpp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(Output) output = output_new(ctx->output_type);
  GVariantIter iter;
  GVariant *network;

  ctx_set_timeout(ctx, modem3gpp, TRUE);
  if (!mdbus_modem_modem3gpp_call_scan_sync(modem3gpp, &results, NULL, &error))
    return ctx_fail_error(error);

  g_variant_iter_init(&iter, results);
  while ((network = g_variant_iter_next_value(&iter))) {
    const char *code = lookup_string(network, "operator-code");
    const char *name = lookup_string(network, "operator-long");
    guint status = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_UNKNOWN;
    guint tech = MMD_MODEM_ACCESS_TECHNOLOGY_UNKNOWN;
    g_autofree char *tech_str = NULL;

    if (!name || !*name)
      name = lookup_string(network, "operator-short");
    g_variant_lookup(network, "status", "u", &status);
    g_variant_lookup(network, "access-technology", "u", &tech);
    tech_str = mmd_modem_access_technology_build_string(tech);
    if (ctx->output_type == OUTPUT_HUMAN)
      g_ptr_array_add(values,
                      g_strdup_printf("%s - %s (%s, %s)", code ? code : "--",
                                      name && *name ? name : "--", tech_str,
                                      mmd_modem_3gpp_network_availability_to_string(status)));
    else
      g_ptr_array_add(values,
                      g_strdup_printf("operator-code: %s, operator-name: %s, access-technologies: "
                                      "%s, availability: %s",
                                      code ? code : "--", name && *name ? name : "--", tech_str,
                                      mmd_modem_3gpp_network_availability_to_string(status)));
    g_variant_unref(network);
  }
  if (!values->len && ctx->output_type == OUTPUT_HUMAN) {
    g_print("No networks were found\n");
    return EXIT_SUCCESS;
  }
  g_ptr_array_add(values, NULL);
  output_add_items(output, "3GPP scan", "networks", "modem.3gpp.scan-networks",
                   (const char *const *)values->pdata);
  output_print(output);
  return EXIT_SUCCESS;
}

static int
modem_3gpp_register(Ctx *ctx, MdbusModemModem3gpp *modem3gpp, const char *operator_id)
{
  g_autoptr(GError) error = NULL;

  ctx_set_timeout(ctx, modem3gpp, TRUE);
  if (!mdbus_modem_modem3gpp_call_register_sync(modem3gpp, operator_id, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully registered the modem");
  return EXIT_SUCCESS;
}

static int
modem_set_modes(Ctx *ctx, MdbusModem *modem, const char *allowed_str, const char *preferred_str)
{
  g_autoptr(GError) error = NULL;
  guint allowed = 0;
  guint preferred = MMD_MODEM_MODE_NONE;

  if (!mmd_modem_mode_from_string(allowed_str, &allowed))
    return ctx_fail("invalid allowed modes '%s' (expected cs, 2g, 3g, 4g, 5g joined with '|', "
                    "or any)",
                    allowed_str);
  if (preferred_str && !mmd_modem_mode_from_string(preferred_str, &preferred))
    return ctx_fail("invalid preferred mode '%s'", preferred_str);
  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_set_current_modes_sync(modem, g_variant_new("(uu)", allowed, preferred),
                                               NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully set current modes in the modem");
  return EXIT_SUCCESS;
}

static int
modem_set_bands(Ctx *ctx, MdbusModem *modem, const char *str)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) bands = modemctl_build_bands(str, &error);

  if (!bands)
    return ctx_fail("%s", error->message);
  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_set_current_bands_sync(modem, bands, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully set current bands in the modem");
  return EXIT_SUCCESS;
}

static int
modem_command(Ctx *ctx, MdbusModem *modem, const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autoptr(Output) output = NULL;

  /* The modem gets --timeout; the D-Bus call a little more, so that modemd's own timeout
   * error (with its name) arrives before ours. */
  g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(modem),
                                   (int)MIN(ctx->timeout + 5, G_MAXINT / 1000) * 1000);
  if (!mdbus_modem_call_command_sync(modem, command, ctx->timeout, &response, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("response: '%s'\n", response ? response : "");
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add(output, "Command", "response", "modem.command.response", response);
  output_print(output);
  return EXIT_SUCCESS;
}

/* -w: StateChanged until Ctrl-C */

typedef struct {
  GMainLoop *loop;
  const char *path;
  int rc;
} MonitorState;

static void
on_state_changed(MdbusModem *modem, gint old_state, gint new_state, guint reason,
                 gpointer user_data)
{
  g_print("state changed: %s -> %s (%s)\n", mmd_modem_state_to_string(old_state),
          mmd_modem_state_to_string(new_state), modemctl_state_change_reason_to_string(reason));
  fflush(stdout);
}

static void
on_modem_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  MonitorState *monitor = user_data;

  if (!g_str_equal(g_dbus_object_get_object_path(object), monitor->path))
    return;
  monitor->rc = ctx_fail("modem %s vanished", monitor->path);
  g_main_loop_quit(monitor->loop);
}

static gboolean
on_quit_signal(gpointer user_data)
{
  g_main_loop_quit(user_data);
  return G_SOURCE_CONTINUE;
}

static int
modem_monitor_state(Ctx *ctx, MdbusObject *object)
{
  MdbusModem *modem = mdbus_object_peek_modem(object);
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
  MonitorState monitor
      = { loop, g_dbus_object_get_object_path(G_DBUS_OBJECT(object)), EXIT_SUCCESS };
  gulong state_id, removed_id;
  guint sig_ids[3];

  state_id = mdbus_modem_connect_state_changed(modem, on_state_changed, NULL);
  removed_id
      = g_signal_connect(ctx->manager, "object-removed", G_CALLBACK(on_modem_removed), &monitor);
  sig_ids[0] = g_unix_signal_add(SIGINT, on_quit_signal, loop);
  sig_ids[1] = g_unix_signal_add(SIGTERM, on_quit_signal, loop);
  sig_ids[2] = g_unix_signal_add(SIGHUP, on_quit_signal, loop);
  g_print("initial state: %s\n", mmd_modem_state_to_string(mdbus_modem_get_state(modem)));
  fflush(stdout);
  g_main_loop_run(loop);
  for (gsize i = 0; i < G_N_ELEMENTS(sig_ids); i++)
    g_source_remove(sig_ids[i]);
  g_signal_handler_disconnect(modem, state_id);
  g_signal_handler_disconnect(ctx->manager, removed_id);
  return monitor.rc;
}

int
modemctl_modem_run(Ctx *ctx, MdbusObject *object, const ModemctlOptions *opts)
{
  MdbusModem *modem = mdbus_object_peek_modem(object);
  MdbusModemModem3gpp *modem3gpp = mdbus_object_peek_modem_modem3gpp(object);

  if (opts->enable || opts->disable)
    return modem_enable(ctx, modem, opts->enable);
  if (opts->power_low)
    return modem_set_power_state(ctx, modem, MMD_MODEM_POWER_STATE_LOW);
  if (opts->power_on)
    return modem_set_power_state(ctx, modem, MMD_MODEM_POWER_STATE_ON);
  if (opts->power_off)
    return modem_set_power_state(ctx, modem, MMD_MODEM_POWER_STATE_OFF);
  if (opts->reset)
    return modem_reset(ctx, modem);
  if (opts->create_bearer)
    return modem_create_bearer(ctx, modem, opts->create_bearer);
  if (opts->delete_bearer)
    return modem_delete_bearer(ctx, modem, opts->delete_bearer);
  if (opts->simple_connect)
    return modem_simple_connect(ctx, object, opts->simple_connect);
  if (opts->simple_disconnect)
    return modem_simple_disconnect(ctx, object);
  if (opts->set_allowed_modes)
    return modem_set_modes(ctx, modem, opts->set_allowed_modes, opts->set_preferred_mode);
  if (opts->set_current_bands)
    return modem_set_bands(ctx, modem, opts->set_current_bands);
  if (opts->command)
    return modem_command(ctx, modem, opts->command);
  if (opts->monitor_state)
    return modem_monitor_state(ctx, object);
  if (opts->location_status || opts->location_get || modemctl_location_setup_requested(opts))
    return modemctl_location_run(ctx, object, opts);
  if (opts->time)
    return modemctl_time_run(ctx, object);
  if (opts->get_cell_info)
    return modemctl_cell_info_run(ctx, object);

  if (opts->scan_3gpp || opts->register_home || opts->register_in_operator) {
    if (!modem3gpp)
      return ctx_fail("the modem has no 3GPP interface");
    if (opts->scan_3gpp)
      return modem_3gpp_scan(ctx, modem3gpp);
    return modem_3gpp_register(ctx, modem3gpp,
                               opts->register_in_operator ? opts->register_in_operator : "");
  }

  if (opts->signal_setup >= 0 || opts->signal_get)
    return modemctl_signal_run(ctx, object, opts);

  return ctx_fail("no modem action given");
}
