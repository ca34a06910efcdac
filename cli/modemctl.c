/* modemctl: command-line client of modemd.
 *
 * A plain D-Bus client on the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured), with the
 * options of mmcli. Only the generated Mdbus proxies are used. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmd-enums.h"
#include "mmd-errors.h"
#include "modemctl.h"
#include "modemctl-parse.h"

#define SERVICE_MISSING_MESSAGE "couldn't find the modemd service on the system bus"

/* Command line */

static gboolean opt_version;
static gboolean opt_list_modems;
static gboolean opt_monitor_modems;
static gboolean opt_scan_modems;
static char *opt_set_logging;
static char *opt_report_kernel_event;
static char *opt_inhibit_device;
static char *opt_netifd_up;
static char *opt_netifd_watch;
static char *opt_netifd_down;
static char *opt_modem;
static char *opt_sim;
static char *opt_bearer;
static int opt_timeout = -1;
static gboolean opt_json;
static gboolean opt_keyvalue;
static ModemctlOptions opts = { .signal_setup = -1 };

static const GOptionEntry manager_entries[]
    = { { "list-modems", 'L', 0, G_OPTION_ARG_NONE, &opt_list_modems, "List available modems",
          NULL },
        { "monitor-modems", 'M', 0, G_OPTION_ARG_NONE, &opt_monitor_modems,
          "List modems and monitor additions and removals", NULL },
        { "scan-modems", 'S', 0, G_OPTION_ARG_NONE, &opt_scan_modems,
          "Request to re-scan looking for modems", NULL },
        { "set-logging", 'G', 0, G_OPTION_ARG_STRING, &opt_set_logging,
          "Set logging level in the daemon", "[ERR,WARN,INFO,DEBUG]" },
        { "report-kernel-event", 0, 0, G_OPTION_ARG_STRING, &opt_report_kernel_event,
          "Report a kernel event (see below)", "[\"k=v,...\"]" },
        { "inhibit-device", 0, 0, G_OPTION_ARG_STRING, &opt_inhibit_device,
          "Inhibit a device until Ctrl-C", "[UID]" },
        { NULL } };

static const GOptionEntry netifd_entries[]
    = { { "netifd-up", 0, 0, G_OPTION_ARG_STRING, &opt_netifd_up,
          "Wait for the modem, unlock, connect; print the IP settings as JSON (see below)",
          "[\"k=v,...\"|-]" },
        { "netifd-watch", 0, 0, G_OPTION_ARG_STRING, &opt_netifd_watch,
          "Run until the bearer's session ends (exit status 1)", "[BEARER PATH]" },
        { "netifd-down", 0, 0, G_OPTION_ARG_STRING, &opt_netifd_down,
          "Disconnect the bearers of the modem of a device, if there is one", "[DEVICE]" },
        { NULL } };

static const GOptionEntry common_entries[]
    = { { "modem", 'm', 0, G_OPTION_ARG_STRING, &opt_modem, "Specify modem by path, index or 'any'",
          "[PATH|INDEX|any]" },
        { "sim", 'i', 0, G_OPTION_ARG_STRING, &opt_sim, "Specify SIM card by path or index",
          "[PATH|INDEX]" },
        { "bearer", 'b', 0, G_OPTION_ARG_STRING, &opt_bearer, "Specify bearer by path or index",
          "[PATH|INDEX]" },
        { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
          "Method call timeout (default 30; scans, connects 120)", "[SECONDS]" },
        { "output-json", 'J', 0, G_OPTION_ARG_NONE, &opt_json, "Output in JSON format", NULL },
        { "output-keyvalue", 'K', 0, G_OPTION_ARG_NONE, &opt_keyvalue, "Output in key-value format",
          NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print version", NULL },
        { NULL } };

static const GOptionEntry modem_entries[] = {
  { "enable", 'e', 0, G_OPTION_ARG_NONE, &opts.enable, "Enable the modem", NULL },
  { "disable", 'd', 0, G_OPTION_ARG_NONE, &opts.disable, "Disable the modem", NULL },
  { "set-power-state-on", 0, 0, G_OPTION_ARG_NONE, &opts.power_on, "Set full power state", NULL },
  { "set-power-state-low", 0, 0, G_OPTION_ARG_NONE, &opts.power_low, "Set low power state", NULL },
  { "set-power-state-off", 0, 0, G_OPTION_ARG_NONE, &opts.power_off, "Power off the modem", NULL },
  { "reset", 'r', 0, G_OPTION_ARG_NONE, &opts.reset, "Reset the modem", NULL },
  { "create-bearer", 0, 0, G_OPTION_ARG_STRING, &opts.create_bearer, "Create a new bearer",
    "[\"k=v,...\"]" },
  { "delete-bearer", 0, 0, G_OPTION_ARG_STRING, &opts.delete_bearer, "Delete a bearer",
    "[PATH|INDEX]" },
  { "simple-connect", 0, 0, G_OPTION_ARG_STRING, &opts.simple_connect,
    "Enable, register and connect (see below)", "[\"k=v,...\"]" },
  { "simple-disconnect", 0, 0, G_OPTION_ARG_NONE, &opts.simple_disconnect,
    "Disconnect all connected bearers", NULL },
  { "3gpp-scan", 0, 0, G_OPTION_ARG_NONE, &opts.scan_3gpp, "Scan for available 3GPP networks",
    NULL },
  { "3gpp-register-home", 0, 0, G_OPTION_ARG_NONE, &opts.register_home,
    "Request to register in the home network", NULL },
  { "3gpp-register-in-operator", 0, 0, G_OPTION_ARG_STRING, &opts.register_in_operator,
    "Request to register in a given operator", "[MCCMNC]" },
  { "set-allowed-modes", 0, 0, G_OPTION_ARG_STRING, &opts.set_allowed_modes,
    "Set allowed modes in the modem", "[MODE1|MODE2...]" },
  { "set-preferred-mode", 0, 0, G_OPTION_ARG_STRING, &opts.set_preferred_mode,
    "Set preferred mode (with --set-allowed-modes)", "[MODE]" },
  { "set-current-bands", 0, 0, G_OPTION_ARG_STRING, &opts.set_current_bands,
    "Set bands to be used by the modem", "[BAND1|BAND2...]" },
  { "signal-setup", 0, 0, G_OPTION_ARG_INT, &opts.signal_setup,
    "Set extended signal quality refresh rate (0 disables)", "[RATE]" },
  { "signal-get", 0, 0, G_OPTION_ARG_NONE, &opts.signal_get,
    "Get extended signal quality information", NULL },
  { "command", 0, 0, G_OPTION_ARG_STRING, &opts.command, "Send a command to the modem",
    "[COMMAND]" },
  { "monitor-state", 'w', 0, G_OPTION_ARG_NONE, &opts.monitor_state,
    "Monitor state of the modem until Ctrl-C", NULL },
  { "get-cell-info", 0, 0, G_OPTION_ARG_NONE, &opts.get_cell_info, "Get cell info", NULL },
  { NULL }
};

static const GOptionEntry location_entries[]
    = { { "location-status", 0, 0, G_OPTION_ARG_NONE, &opts.location_status,
          "Show status of location gathering", NULL },
        { "location-get", 0, 0, G_OPTION_ARG_NONE, &opts.location_get,
          "Get all available location information", NULL },
        { "location-enable-3gpp", 0, 0, G_OPTION_ARG_NONE, &opts.location_enable_3gpp,
          "Enable 3GPP location gathering", NULL },
        { "location-disable-3gpp", 0, 0, G_OPTION_ARG_NONE, &opts.location_disable_3gpp,
          "Disable 3GPP location gathering", NULL },
        { "location-enable-gps-nmea", 0, 0, G_OPTION_ARG_NONE, &opts.location_enable_gps_nmea,
          "Enable NMEA-based GPS location gathering", NULL },
        { "location-disable-gps-nmea", 0, 0, G_OPTION_ARG_NONE, &opts.location_disable_gps_nmea,
          "Disable NMEA-based GPS location gathering", NULL },
        { "location-enable-gps-raw", 0, 0, G_OPTION_ARG_NONE, &opts.location_enable_gps_raw,
          "Enable raw GPS location gathering", NULL },
        { "location-disable-gps-raw", 0, 0, G_OPTION_ARG_NONE, &opts.location_disable_gps_raw,
          "Disable raw GPS location gathering", NULL },
        { "location-set-enable-signal", 0, 0, G_OPTION_ARG_NONE, &opts.location_set_enable_signal,
          "Enable location update signaling in the Location property", NULL },
        { "location-set-disable-signal", 0, 0, G_OPTION_ARG_NONE, &opts.location_set_disable_signal,
          "Disable location update signaling in the Location property", NULL },
        { NULL } };

static const GOptionEntry time_entries[]
    = { { "time", 0, 0, G_OPTION_ARG_NONE, &opts.time, "Get current network time", NULL },
        { NULL } };

static const GOptionEntry sim_entries[]
    = { { "pin", 0, 0, G_OPTION_ARG_STRING, &opts.pin,
          "Send the PIN (or give it to other SIM actions)", "[PIN]" },
        { "puk", 0, 0, G_OPTION_ARG_STRING, &opts.puk,
          "Send PUK code to the SIM (with --pin as the new PIN)", "[PUK]" },
        { "enable-pin", 0, 0, G_OPTION_ARG_NONE, &opts.enable_pin,
          "Enable PIN request (with --pin)", NULL },
        { "disable-pin", 0, 0, G_OPTION_ARG_NONE, &opts.disable_pin,
          "Disable PIN request (with --pin)", NULL },
        { "change-pin", 0, 0, G_OPTION_ARG_STRING, &opts.change_pin,
          "Change the PIN code (with --pin as the current one)", "[NEW PIN]" },
        { NULL } };

static const GOptionEntry bearer_entries[]
    = { { "connect", 'c', 0, G_OPTION_ARG_NONE, &opts.connect, "Connect a given bearer", NULL },
        { "disconnect", 'x', 0, G_OPTION_ARG_NONE, &opts.disconnect, "Disconnect a given bearer",
          NULL },
        { NULL } };

/* Shared helpers */

int
ctx_fail(const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start(args, format);
  message = g_strdup_vprintf(format, args);
  va_end(args);
  fflush(stdout);
  fprintf(stderr, "error: %s\n", message);
  return EXIT_FAILURE;
}

static gboolean
error_is_service_missing(const GError *error)
{
  return g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

int
ctx_fail_error(const GError *error)
{
  g_autoptr(GError) copy = NULL;
  g_autofree char *name = NULL;

  if (!error)
    return ctx_fail("unknown error");
  if (error_is_service_missing(error))
    return ctx_fail(SERVICE_MISSING_MESSAGE);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return ctx_fail("timed out waiting for the reply of modemd (%s)", error->message);

  copy = g_error_copy(error);
  name = g_dbus_error_get_remote_error(copy);
  g_dbus_error_strip_remote_error(copy);
  if (name)
    return ctx_fail("%s: %s", name, copy->message);
  return ctx_fail("%s", copy->message);
}

void
ctx_success(Ctx *ctx, const char *format, ...)
{
  va_list args;

  if (ctx->output_type != OUTPUT_HUMAN)
    return;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  putchar('\n');
  fflush(stdout);
}

void
ctx_set_timeout(Ctx *ctx, gpointer proxy, gboolean long_operation)
{
  guint seconds = ctx->timeout;

  if (!ctx->timeout_set && long_operation)
    seconds = MAX(seconds, MODEMCTL_LONG_TIMEOUT);
  g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(proxy), (int)MIN(seconds, G_MAXINT / 1000) * 1000);
}

static gint
compare_modems(gconstpointer a, gconstpointer b)
{
  const char *pa = g_dbus_object_get_object_path(G_DBUS_OBJECT(a));
  const char *pb = g_dbus_object_get_object_path(G_DBUS_OBJECT(b));
  gint64 ia = modemctl_path_index(pa, MMD_DBUS_MODEM_PREFIX);
  gint64 ib = modemctl_path_index(pb, MMD_DBUS_MODEM_PREFIX);

  if (ia != ib)
    return ia < ib ? -1 : 1;
  return g_strcmp0(pa, pb);
}

GList *
ctx_list_modems(Ctx *ctx)
{
  GList *objects = g_dbus_object_manager_get_objects(ctx->manager);
  GList *modems = NULL;

  for (GList *l = objects; l; l = l->next) {
    if (MDBUS_IS_OBJECT(l->data) && mdbus_object_peek_modem(MDBUS_OBJECT(l->data)))
      modems = g_list_prepend(modems, g_object_ref(l->data));
  }
  g_list_free_full(objects, g_object_unref);
  return g_list_sort(modems, compare_modems);
}

MdbusObject *
ctx_find_modem(Ctx *ctx, const char *selector, GError **error)
{
  g_autofree char *path = NULL;
  gboolean any;
  GDBusObject *object;

  if (!modemctl_parse_selector(selector, MMD_DBUS_MODEM_PREFIX, TRUE, &path, &any, error))
    return NULL;
  if (any) {
    GList *modems = ctx_list_modems(ctx);
    MdbusObject *first = modems ? g_object_ref(modems->data) : NULL;

    g_list_free_full(modems, g_object_unref);
    if (!first)
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no modems were found");
    return first;
  }
  object = g_dbus_object_manager_get_object(ctx->manager, path);
  if (object && MDBUS_IS_OBJECT(object) && mdbus_object_peek_modem(MDBUS_OBJECT(object)))
    return MDBUS_OBJECT(object);
  g_clear_object(&object);
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "modem %s not found", path);
  return NULL;
}

/* SIMs and bearers may or may not be announced by the ObjectManager: use its proxy when it
 * has one, else make one and check that the object answers. */
static gpointer
find_object_interface(Ctx *ctx, const char *path, GType proxy_type, const char *interface_name,
                      const char *what, GError **error)
{
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(ctx->manager, path);
  g_autoptr(GDBusProxy) proxy = NULL;
  g_auto(GStrv) cached = NULL;

  if (object) {
    GDBusInterface *iface = g_dbus_object_get_interface(object, interface_name);

    if (iface)
      return iface;
  }

  proxy = g_initable_new(proxy_type, NULL, error, "g-flags", G_DBUS_PROXY_FLAGS_NONE, "g-name",
                         MMD_DBUS_SERVICE, "g-connection", ctx->connection, "g-object-path", path,
                         "g-interface-name", interface_name, NULL);
  if (!proxy)
    return NULL;
  cached = g_dbus_proxy_get_cached_property_names(proxy);
  if (!cached || !cached[0]) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s %s not found", what, path);
    return NULL;
  }
  return g_steal_pointer(&proxy);
}

MdbusSim *
ctx_find_sim(Ctx *ctx, const char *path, GError **error)
{
  return find_object_interface(ctx, path, MDBUS_TYPE_SIM_PROXY, "org.example.Modem1.Sim", "SIM",
                               error);
}

MdbusBearer *
ctx_find_bearer(Ctx *ctx, const char *path, GError **error)
{
  return find_object_interface(ctx, path, MDBUS_TYPE_BEARER_PROXY, "org.example.Modem1.Bearer",
                               "bearer", error);
}

gpointer
ctx_find_proxy(Ctx *ctx, const char *selector, const char *prefix, GType proxy_type,
               const char *interface_name, const char *what, GError **error)
{
  g_autofree char *path = NULL;
  gboolean any;

  if (!modemctl_parse_selector(selector, prefix, FALSE, &path, &any, error))
    return NULL;
  return find_object_interface(ctx, path, proxy_type, interface_name, what, error);
}

MdbusCall *
ctx_find_call(Ctx *ctx, const char *path, GError **error)
{
  return find_object_interface(ctx, path, MDBUS_TYPE_CALL_PROXY, "org.example.Modem1.Call", "call",
                               error);
}

char *
modemctl_modem_describe(MdbusObject *object)
{
  MdbusModem *modem = mdbus_object_peek_modem(object);
  const char *path = g_dbus_object_get_object_path(G_DBUS_OBJECT(object));
  const char *manufacturer = modem ? mdbus_modem_get_manufacturer(modem) : NULL;
  const char *model = modem ? mdbus_modem_get_model(modem) : NULL;

  return g_strdup_printf("%s [%s] %s", path,
                         manufacturer && *manufacturer ? manufacturer : "unknown",
                         model && *model ? model : "unknown");
}

/* Manager actions */

static MdbusManager *
manager_proxy(Ctx *ctx, gboolean long_operation, GError **error)
{
  MdbusManager *manager
      = mdbus_manager_proxy_new_sync(ctx->connection, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                     MMD_DBUS_SERVICE, MMD_DBUS_PATH, NULL, error);

  if (manager)
    ctx_set_timeout(ctx, manager, long_operation);
  return manager;
}

static int
list_modems(Ctx *ctx)
{
  GList *modems = ctx_list_modems(ctx);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);

  if (ctx->output_type == OUTPUT_HUMAN) {
    if (!modems)
      g_print("No modems were found\n");
    for (GList *l = modems; l; l = l->next) {
      g_autofree char *line = modemctl_modem_describe(l->data);

      g_print("    %s\n", line);
    }
  } else {
    g_autoptr(Output) output = output_new(ctx->output_type);

    for (GList *l = modems; l; l = l->next)
      g_ptr_array_add(paths, g_strdup(g_dbus_object_get_object_path(l->data)));
    g_ptr_array_add(paths, NULL);
    output_add_items(output, NULL, NULL, "modem-list", (const char *const *)paths->pdata);
    output_print(output);
  }
  g_list_free_full(modems, g_object_unref);
  return EXIT_SUCCESS;
}

static gboolean
quit_on_signal(gpointer user_data)
{
  g_main_loop_quit(user_data);
  return G_SOURCE_CONTINUE;
}

static void
watch_quit_signals(GMainLoop *loop)
{
  g_unix_signal_add(SIGINT, quit_on_signal, loop);
  g_unix_signal_add(SIGTERM, quit_on_signal, loop);
  g_unix_signal_add(SIGHUP, quit_on_signal, loop);
}

/* -M: whether modemd was last seen on the bus, to print each change once. */
static gboolean monitor_service_available;

static void
monitor_set_available(gboolean available)
{
  if (available == monitor_service_available)
    return;
  monitor_service_available = available;
  g_print(available ? "modemd is available\n" : "modemd went away\n");
}

static void
on_object_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  g_autofree char *line = NULL;

  if (!MDBUS_IS_OBJECT(object) || !mdbus_object_peek_modem(MDBUS_OBJECT(object)))
    return;
  monitor_set_available(TRUE);
  line = modemctl_modem_describe(MDBUS_OBJECT(object));
  g_print("(+) %s\n", line);
  fflush(stdout);
}

static void
on_object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  if (!MDBUS_IS_OBJECT(object) || !mdbus_object_peek_modem(MDBUS_OBJECT(object)))
    return;
  g_print("(-) %s\n", g_dbus_object_get_object_path(object));
  fflush(stdout);
}

static void
on_name_owner(GObject *object, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *owner
      = g_dbus_object_manager_client_get_name_owner(G_DBUS_OBJECT_MANAGER_CLIENT(object));

  monitor_set_available(owner != NULL);
  fflush(stdout);
}

static int
monitor_modems(Ctx *ctx)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
  GList *modems;

  watch_quit_signals(loop);
  g_signal_connect(ctx->manager, "object-added", G_CALLBACK(on_object_added), NULL);
  g_signal_connect(ctx->manager, "object-removed", G_CALLBACK(on_object_removed), NULL);
  g_signal_connect(ctx->manager, "notify::name-owner", G_CALLBACK(on_name_owner), NULL);

  {
    g_autofree char *owner
        = g_dbus_object_manager_client_get_name_owner(G_DBUS_OBJECT_MANAGER_CLIENT(ctx->manager));

    monitor_service_available = owner != NULL;
    if (!owner)
      g_print("modemd is not available, waiting for it\n");
  }
  modems = ctx_list_modems(ctx);
  for (GList *l = modems; l; l = l->next)
    on_object_added(ctx->manager, l->data, NULL);
  g_list_free_full(modems, g_object_unref);

  g_main_loop_run(loop);
  return EXIT_SUCCESS;
}

static int
scan_modems(Ctx *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusManager) manager = manager_proxy(ctx, TRUE, &error);

  if (!manager || !mdbus_manager_call_scan_devices_sync(manager, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully requested to scan devices");
  return EXIT_SUCCESS;
}

static int
set_logging(Ctx *ctx, const char *level)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusManager) manager = manager_proxy(ctx, FALSE, &error);

  if (!manager || !mdbus_manager_call_set_logging_sync(manager, level, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully set logging level");
  return EXIT_SUCCESS;
}

static int
report_kernel_event(Ctx *ctx, const char *str)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = modemctl_build_kernel_event_properties(str, &error);
  g_autoptr(MdbusManager) manager = NULL;

  if (!properties)
    return ctx_fail("invalid kernel event: %s", error->message);
  manager = manager_proxy(ctx, FALSE, &error);
  if (!manager || !mdbus_manager_call_report_kernel_event_sync(manager, properties, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully reported kernel event");
  return EXIT_SUCCESS;
}

static int
inhibit_device(Ctx *ctx, const char *uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusManager) manager = manager_proxy(ctx, FALSE, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

  /* Ctrl-C from now on ends the wait below; were the process to die instead, modemd would
   * still drop the inhibition when our bus connection goes away. */
  watch_quit_signals(loop);
  if (!manager || !mdbus_manager_call_inhibit_device_sync(manager, uid, TRUE, NULL, &error))
    return ctx_fail_error(error);
  /* Always say so: the caller needs to know when the inhibition is in place. */
  g_print("successfully inhibited device with uid '%s'\n"
          "type Ctrl+C to abort the inhibition and uninhibit\n",
          uid);
  fflush(stdout);

  g_main_loop_run(loop);

  if (!mdbus_manager_call_inhibit_device_sync(manager, uid, FALSE, NULL, &error))
    return ctx_fail_error(error);
  g_print("successfully uninhibited device with uid '%s'\n", uid);
  return EXIT_SUCCESS;
}

/* Main */

static gboolean
count(gboolean set, guint *n)
{
  if (set)
    (*n)++;
  return set;
}

static guint
count_modem_actions(void)
{
  guint n = 0;

  count(opts.enable, &n);
  count(opts.disable, &n);
  count(opts.power_low, &n);
  count(opts.power_on, &n);
  count(opts.power_off, &n);
  count(opts.reset, &n);
  count(opts.create_bearer != NULL, &n);
  count(opts.delete_bearer != NULL, &n);
  count(opts.simple_connect != NULL, &n);
  count(opts.simple_disconnect, &n);
  count(opts.scan_3gpp, &n);
  count(opts.register_home, &n);
  count(opts.register_in_operator != NULL, &n);
  count(opts.set_allowed_modes != NULL, &n);
  count(opts.set_current_bands != NULL, &n);
  count(opts.signal_setup >= 0, &n);
  count(opts.signal_get, &n);
  count(opts.command != NULL, &n);
  count(opts.get_cell_info, &n);
  count(opts.location_status, &n);
  count(opts.location_get, &n);
  count(modemctl_location_setup_requested(&opts), &n); /* several flags, one Setup */
  count(opts.time, &n);
  count(opts.monitor_state, &n);
  return n + modemctl_messaging_modem_actions() + modemctl_cell_broadcast_modem_actions();
}

static guint
count_sim_actions(void)
{
  guint n = 0;

  count(opts.puk != NULL, &n);
  count(opts.enable_pin, &n);
  count(opts.disable_pin, &n);
  count(opts.change_pin != NULL, &n);
  /* --pin alone is SendPin; with the others it is their argument */
  if (!n && opts.pin)
    n = 1;
  return n;
}

static guint
count_bearer_actions(void)
{
  guint n = 0;

  count(opts.connect, &n);
  count(opts.disconnect, &n);
  return n;
}

static guint
count_manager_actions(void)
{
  guint n = 0;

  count(opt_list_modems, &n);
  count(opt_monitor_modems, &n);
  count(opt_scan_modems, &n);
  count(opt_set_logging != NULL, &n);
  count(opt_report_kernel_event != NULL, &n);
  count(opt_inhibit_device != NULL, &n);
  count(opt_netifd_up != NULL, &n);
  count(opt_netifd_watch != NULL, &n);
  count(opt_netifd_down != NULL, &n);
  return n;
}

static GOptionContext *
build_option_context(void)
{
  GOptionContext *context = g_option_context_new("- control and monitor modemd");
  GOptionGroup *group;

  g_option_context_set_description(
      context,
      "Bearer properties (--simple-connect, --create-bearer): \"key=value,...\" with keys\n"
      "  apn, ip-type (ipv4|ipv6|ipv4v6|non-ip|any), allowed-auth (none|pap|chap|mschap|\n"
      "  mschapv2|eap, joined with '|'), user, password, allow-roaming (yes|no),\n"
      "  multiplex (none|requested|required: a session of its own on a link), and for\n"
      "  --simple-connect also pin and operator-id. Quote values with ' or \".\n"
      "Kernel event (--report-kernel-event): "
      "\"action=add|remove,subsystem=...,name=...[,uid=...]\"\n"
      "Modes: cs, 2g, 3g, 4g, 5g joined with '|', or any. Bands: egsm, dcs, pcs, g850,\n"
      "  utran-N, eutran-N, ngran-N, cdma-bcN joined with '|'.\n"
      "Output: human by default, -K key-value, -J JSON; errors on stderr, exit status 1.\n"
      "netifd (--netifd-up, '-' reads them from stdin): \"key=value,...\" with device\n"
      "  (modem path or index, its device or a port name), wait (seconds, default 30),\n"
      "  pin, allowed-modes, preferred-mode and the --simple-connect keys; prints one\n"
      "  JSON object, {\"interface\":...,\"ipv4\":{...},\"ipv6\":{...}} or\n"
      "  {\"error\":CODE,\"message\":...,\"retry\":\"0\"|\"1\"}.\n"
      "SMS properties (--messaging-create-sms): \"key=value,...\" with keys number, text,\n"
      "  smsc, validity (minutes), class (0-3), delivery-report-request (yes|no).");
  g_option_context_set_summary(context,
                               "Command-line client of modemd, with the options of mmcli.");
  g_option_context_add_main_entries(context, common_entries, NULL);

  group = g_option_group_new("manager", "Manager options:", "Show manager options", NULL, NULL);
  g_option_group_add_entries(group, manager_entries);
  g_option_context_add_group(context, group);

  group = g_option_group_new("netifd", "netifd protocol handler options:",
                             "Show netifd protocol handler options", NULL, NULL);
  g_option_group_add_entries(group, netifd_entries);
  g_option_context_add_group(context, group);

  group = g_option_group_new("modem", "Modem options (with -m):", "Show modem options", NULL, NULL);
  g_option_group_add_entries(group, modem_entries);
  g_option_context_add_group(context, group);

  modemctl_messaging_add_groups(context);
  modemctl_cell_broadcast_add_group(context);
  modemctl_ussd_add_group(context);
  modemctl_voice_add_groups(context);
  group = g_option_group_new("location", "Location options (with -m):", "Show Location options",
                             NULL, NULL);
  g_option_group_add_entries(group, location_entries);
  g_option_context_add_group(context, group);

  group = g_option_group_new("time", "Time options (with -m):", "Show Time options", NULL, NULL);
  g_option_group_add_entries(group, time_entries);
  g_option_context_add_group(context, group);

  group = g_option_group_new("sim", "SIM options (with -i):", "Show SIM options", NULL, NULL);
  g_option_group_add_entries(group, sim_entries);
  g_option_context_add_group(context, group);

  group = g_option_group_new("bearer", "Bearer options (with -b):", "Show bearer options", NULL,
                             NULL);
  g_option_group_add_entries(group, bearer_entries);
  g_option_context_add_group(context, group);
  return context;
}

int
ctx_connect(Ctx *ctx, gboolean tolerate_absence)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;

  ctx->connection = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
  if (!ctx->connection)
    return ctx_fail("couldn't connect to the system bus: %s", error->message);

  /* Bus activation starts modemd where it is installed; a monitor only waits. */
  ctx->manager = mdbus_object_manager_client_new_sync(
      ctx->connection,
      tolerate_absence ? G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START
                       : G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
      MMD_DBUS_SERVICE, MMD_DBUS_PATH, NULL, &error);
  if (!ctx->manager) {
    if (error_is_service_missing(error))
      return ctx_fail(SERVICE_MISSING_MESSAGE);
    return ctx_fail_error(error);
  }
  owner = g_dbus_object_manager_client_get_name_owner(G_DBUS_OBJECT_MANAGER_CLIENT(ctx->manager));
  if (!owner && !tolerate_absence)
    return ctx_fail(SERVICE_MISSING_MESSAGE);
  return EXIT_SUCCESS;
}

static int
resolve_path(const char *selector, const char *prefix, const char *what, char **out_path)
{
  g_autoptr(GError) error = NULL;
  gboolean any;

  if (!modemctl_parse_selector(selector, prefix, FALSE, out_path, &any, &error))
    return ctx_fail("invalid %s: %s", what, error->message);
  return EXIT_SUCCESS;
}

/* Parses what the actions will parse again, so that a typo fails before any D-Bus traffic. */
static int
check_arguments(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;
  guint modes;
  int rc;

  if (opts.simple_connect
      && !(v = modemctl_build_bearer_properties(opts.simple_connect, TRUE, &error)))
    return ctx_fail("invalid connection properties: %s", error->message);
  g_clear_pointer(&v, g_variant_unref);
  if (opts.create_bearer
      && !(v = modemctl_build_bearer_properties(opts.create_bearer, FALSE, &error)))
    return ctx_fail("invalid bearer properties: %s", error->message);
  g_clear_pointer(&v, g_variant_unref);
  if (opt_report_kernel_event
      && !(v = modemctl_build_kernel_event_properties(opt_report_kernel_event, &error)))
    return ctx_fail("invalid kernel event: %s", error->message);
  g_clear_pointer(&v, g_variant_unref);
  if (opts.set_current_bands && !(v = modemctl_build_bands(opts.set_current_bands, &error)))
    return ctx_fail("%s", error->message);
  if (opts.set_allowed_modes && !mmd_modem_mode_from_string(opts.set_allowed_modes, &modes))
    return ctx_fail("invalid allowed modes '%s' (expected cs, 2g, 3g, 4g, 5g joined with '|', "
                    "or any)",
                    opts.set_allowed_modes);
  if (opts.set_preferred_mode && !mmd_modem_mode_from_string(opts.set_preferred_mode, &modes))
    return ctx_fail("invalid preferred mode '%s'", opts.set_preferred_mode);
  if ((rc = modemctl_messaging_check()) || (rc = modemctl_cell_broadcast_check()))
    return rc;
  if (opts.delete_bearer) {
    g_autofree char *path = NULL;
    gboolean any;

    if (!modemctl_parse_selector(opts.delete_bearer, MMD_DBUS_BEARER_PREFIX, FALSE, &path, &any,
                                 &error))
      return ctx_fail("invalid bearer: %s", error->message);
  }
  return EXIT_SUCCESS;
}

static int
run(Ctx *ctx)
{
  g_autoptr(GError) error = NULL;
  guint manager_actions = count_manager_actions();
  guint voice_actions = modemctl_voice_count_actions();
  guint ussd_actions = modemctl_ussd_count_actions();
  guint modem_actions = count_modem_actions() + voice_actions + ussd_actions;
  guint sim_actions = count_sim_actions();
  guint bearer_actions = count_bearer_actions();
  guint call_actions = modemctl_call_count_actions();
  guint actions = manager_actions + modem_actions + sim_actions + bearer_actions + call_actions
                  + modemctl_sms_actions();
  gboolean object_selected
      = modemctl_sms_selected() || modemctl_cbm_selected() || modemctl_call_selector();
  g_autofree char *sim_path = NULL;
  g_autofree char *bearer_path = NULL;
  int rc;

  /* Argument checks that need no bus */
  if (actions > 1)
    return ctx_fail("too many actions requested");
  if (opts.set_preferred_mode && !opts.set_allowed_modes)
    return ctx_fail("--set-preferred-mode needs --set-allowed-modes");
  if ((opts.enable_pin || opts.disable_pin || opts.change_pin || opts.puk) && !opts.pin)
    return ctx_fail("this SIM action needs the PIN (--pin)");
  if (modem_actions && !opt_modem)
    return ctx_fail("this action needs a modem (use -m)");
  if (bearer_actions && !opt_bearer)
    return ctx_fail("this action needs a bearer (use -b)");
  if (sim_actions && !opt_sim && !opt_modem)
    return ctx_fail("this action needs a SIM (use -i, or -m for the modem's SIM)");
  if (!actions && !opt_modem && !opt_sim && !opt_bearer && !object_selected)
    return ctx_fail("no actions specified (see --help)");
  if (opt_sim && (rc = resolve_path(opt_sim, MMD_DBUS_SIM_PREFIX, "SIM", &sim_path)))
    return rc;
  if (opt_bearer && (rc = resolve_path(opt_bearer, MMD_DBUS_BEARER_PREFIX, "bearer", &bearer_path)))
    return rc;
  if (opts.signal_setup < -1)
    return ctx_fail("invalid signal refresh rate %d", opts.signal_setup);
  if ((rc = check_arguments()) || (rc = modemctl_voice_check_arguments()))
    return rc;

  if (opt_netifd_up)
    return modemctl_netifd_up(ctx, opt_netifd_up);
  if (opt_netifd_watch)
    return modemctl_netifd_watch(ctx, opt_netifd_watch);
  if (opt_netifd_down)
    return modemctl_netifd_down(ctx, opt_netifd_down);

  if ((rc = ctx_connect(ctx, opt_monitor_modems)))
    return rc;

  if (opt_list_modems)
    return list_modems(ctx);
  if (opt_monitor_modems)
    return monitor_modems(ctx);
  if (opt_scan_modems)
    return scan_modems(ctx);
  if (opt_set_logging)
    return set_logging(ctx, opt_set_logging);
  if (opt_report_kernel_event)
    return report_kernel_event(ctx, opt_report_kernel_event);
  if (opt_inhibit_device)
    return inhibit_device(ctx, opt_inhibit_device);

  if (modemctl_sms_selected())
    return modemctl_sms_run(ctx);
  if (modemctl_cbm_selected())
    return modemctl_cbm_run(ctx);
  if (call_actions || (!actions && modemctl_call_selector()))
    return modemctl_call_run(ctx);

  if (bearer_actions || (!actions && bearer_path)) {
    g_autoptr(MdbusBearer) bearer = ctx_find_bearer(ctx, bearer_path, &error);

    if (!bearer)
      return ctx_fail_error(error);
    return bearer_actions ? modemctl_bearer_run(ctx, bearer, &opts)
                          : modemctl_bearer_show(ctx, bearer);
  }

  if (sim_actions || (!actions && sim_path)) {
    g_autoptr(MdbusSim) sim = NULL;

    if (!sim_path) {
      g_autoptr(MdbusObject) modem = ctx_find_modem(ctx, opt_modem, &error);
      const char *path;

      if (!modem)
        return ctx_fail_error(error);
      path = mdbus_modem_get_sim(mdbus_object_peek_modem(modem));
      if (!path || !*path || g_str_equal(path, "/"))
        return ctx_fail("the modem has no SIM");
      sim_path = g_strdup(path);
    }
    sim = ctx_find_sim(ctx, sim_path, &error);
    if (!sim)
      return ctx_fail_error(error);
    return sim_actions ? modemctl_sim_run(ctx, sim, &opts) : modemctl_sim_show(ctx, sim);
  }

  {
    g_autoptr(MdbusObject) modem = ctx_find_modem(ctx, opt_modem, &error);

    if (!modem)
      return ctx_fail_error(error);
    if (modemctl_messaging_modem_actions())
      return modemctl_messaging_run(ctx, modem);
    if (modemctl_cell_broadcast_modem_actions())
      return modemctl_cell_broadcast_run(ctx, modem);
    if (voice_actions)
      return modemctl_voice_run(ctx, modem);
    if (ussd_actions)
      return modemctl_ussd_run(ctx, modem);
    return modem_actions ? modemctl_modem_run(ctx, modem, &opts) : modemctl_modem_show(ctx, modem);
  }
}

int
main(int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Ctx ctx = { 0 };
  int rc;

  setlocale(LC_ALL, "");
  setvbuf(stdout, NULL, _IOLBF, 0);
  mmd_errors_register();

  context = build_option_context();
  if (!g_option_context_parse(context, &argc, &argv, &error))
    return ctx_fail("%s", error->message);
  if (argc > 1)
    return ctx_fail("unexpected argument '%s'", argv[1]);

  if (opt_version) {
    g_print("modemctl " MODEMD_VERSION "\n");
    return EXIT_SUCCESS;
  }
  if (opt_json && opt_keyvalue)
    return ctx_fail("--output-json and --output-keyvalue can't be used together");
  ctx.output_type = opt_json ? OUTPUT_JSON : opt_keyvalue ? OUTPUT_KEYVALUE : OUTPUT_HUMAN;
  if (opt_timeout == 0 || opt_timeout < -1)
    return ctx_fail("invalid timeout %d", opt_timeout);
  ctx.timeout_set = opt_timeout > 0;
  ctx.timeout = ctx.timeout_set ? (guint)opt_timeout : MODEMCTL_DEFAULT_TIMEOUT;

  rc = run(&ctx);

  g_clear_object(&ctx.manager);
  g_clear_object(&ctx.connection);
  return rc;
}
