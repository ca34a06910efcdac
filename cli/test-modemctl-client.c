/* modemctl against a scripted fake of the modemd D-Bus API on a private bus.
 *
 * The fake exports the generated skeletons (manager, one modem with 3GPP, Simple and Signal,
 * a bearer through the ObjectManager, a SIM outside of it) and answers every method call from
 * one "g-authorize-method" handler: it records "Method (args)" and replies from a script
 * (default: success). modemctl runs as a subprocess with DBUS_SYSTEM_BUS_ADDRESS pointing at
 * the private bus; MODEMCTL names the binary. */
#include <glib-unix.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "mdbus-generated.h"
#include "mmd-enums.h"
#include "mmd-errors.h"

#define MODEM_PATH MMD_DBUS_MODEM_PREFIX "/0"
#define SIM_PATH MMD_DBUS_SIM_PREFIX "/0"
#define BEARER_PATH MMD_DBUS_BEARER_PREFIX "/0"

typedef struct {
  GSubprocess *bus; /* dbus-daemon */
  char *bus_address;
  char *bus_dir;
  GDBusConnection *connection;
  GDBusObjectManagerServer *om;
  MdbusManager *manager;
  MdbusObjectSkeleton *modem_object;
  MdbusModem *modem;
  MdbusModemModem3gpp *modem3gpp;
  MdbusModemSimple *simple;
  MdbusModemSignal *signal;
  MdbusSim *sim;
  MdbusObjectSkeleton *bearer_object;
  MdbusBearer *bearer;

  GMutex lock;
  GPtrArray *calls;  /* "Method (args)" */
  char *fail_method; /* reply with fail_code of the Core domain */
  int fail_code;
  char *hold_method; /* never reply (until teardown) */
  GPtrArray *held;   /* GDBusMethodInvocation */
} Fixture;

static const char *
modemctl_path(void)
{
  return g_getenv("MODEMCTL");
}

/* Fake service */

static GVariant *
default_reply(const char *interface, const char *method)
{
  if (g_str_equal(method, "CreateBearer")
      || (g_str_equal(method, "Connect") && g_str_has_suffix(interface, ".Simple")))
    return g_variant_new("(o)", BEARER_PATH);
  if (g_str_equal(method, "Command"))
    return g_variant_new("(s)", "+CSQ: 20,99");
  if (g_str_equal(method, "Scan")) {
    GVariantBuilder networks;
    GVariantBuilder net;

    g_variant_builder_init(&networks, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_init(&net, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&net, "{sv}", "operator-code", g_variant_new_string("21403"));
    g_variant_builder_add(&net, "{sv}", "operator-long", g_variant_new_string("Orange"));
    g_variant_builder_add(&net, "{sv}", "status",
                          g_variant_new_uint32(MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT));
    g_variant_builder_add(&net, "{sv}", "access-technology",
                          g_variant_new_uint32(MMD_MODEM_ACCESS_TECHNOLOGY_LTE));
    g_variant_builder_add_value(&networks, g_variant_builder_end(&net));
    g_variant_builder_init(&net, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&net, "{sv}", "operator-code", g_variant_new_string("21401"));
    g_variant_builder_add(&net, "{sv}", "operator-short", g_variant_new_string("voda"));
    g_variant_builder_add(&net, "{sv}", "status",
                          g_variant_new_uint32(MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN));
    g_variant_builder_add(&net, "{sv}", "access-technology",
                          g_variant_new_uint32(MMD_MODEM_ACCESS_TECHNOLOGY_UMTS));
    g_variant_builder_add_value(&networks, g_variant_builder_end(&net));
    return g_variant_new("(aa{sv})", &networks);
  }
  return NULL;
}

/* Runs in a GDBus worker thread. */
static gboolean
on_authorize_method(GDBusInterfaceSkeleton *skeleton, GDBusMethodInvocation *invocation,
                    gpointer user_data)
{
  Fixture *f = user_data;
  const char *method = g_dbus_method_invocation_get_method_name(invocation);
  const char *interface = g_dbus_method_invocation_get_interface_name(invocation);
  g_autofree char *args
      = g_variant_print(g_dbus_method_invocation_get_parameters(invocation), FALSE);
  gboolean fail, hold;

  g_mutex_lock(&f->lock);
  g_ptr_array_add(f->calls, g_strdup_printf("%s %s", method, args));
  fail = g_strcmp0(f->fail_method, method) == 0;
  hold = g_strcmp0(f->hold_method, method) == 0;
  /* Returning FALSE leaves us the reference to the invocation: a reply consumes it, and so
   * does the array of held invocations. */
  if (hold)
    g_ptr_array_add(f->held, invocation);
  g_mutex_unlock(&f->lock);

  if (hold)
    return FALSE;
  if (fail)
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, f->fail_code,
                                          "scripted failure of %s", method);
  else
    g_dbus_method_invocation_return_value(invocation, default_reply(interface, method));
  return FALSE;
}

static void
watch(Fixture *f, gpointer skeleton)
{
  g_signal_connect(skeleton, "g-authorize-method", G_CALLBACK(on_authorize_method), f);
}

static GVariant *
vardict(const char *first_key, ...)
{
  GVariantBuilder builder;
  va_list args;

  g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
  va_start(args, first_key);
  for (const char *key = first_key; key; key = va_arg(args, const char *))
    g_variant_builder_add(&builder, "{sv}", key, va_arg(args, GVariant *));
  va_end(args);
  return g_variant_builder_end(&builder);
}

static void
populate_modem(Fixture *f)
{
  const char *const drivers[] = { "qmi_wwan", NULL };
  const char *const bearers[] = { BEARER_PATH, NULL };
  const char *const numbers[] = { "+34600000000", NULL };
  GVariantBuilder ports, bands, modes;

  f->modem_object = mdbus_object_skeleton_new(MODEM_PATH);
  f->modem = mdbus_modem_skeleton_new();
  mdbus_modem_set_manufacturer(f->modem, "ACME");
  mdbus_modem_set_model(f->modem, "Rocket 5G");
  mdbus_modem_set_revision(f->modem, "FW 1.0");
  mdbus_modem_set_device_identifier(f->modem, "0123abcd");
  mdbus_modem_set_device(f->modem, "/sys/devices/usb1/1-1");
  mdbus_modem_set_drivers(f->modem, drivers);
  mdbus_modem_set_plugin(f->modem, "qmi");
  mdbus_modem_set_primary_port(f->modem, "cdc-wdm0");
  g_variant_builder_init(&ports, G_VARIANT_TYPE("a(su)"));
  g_variant_builder_add(&ports, "(su)", "cdc-wdm0", MMD_MODEM_PORT_TYPE_QMI);
  g_variant_builder_add(&ports, "(su)", "wwan0", MMD_MODEM_PORT_TYPE_NET);
  mdbus_modem_set_ports(f->modem, g_variant_builder_end(&ports));
  mdbus_modem_set_equipment_identifier(f->modem, "490154203237518");
  mdbus_modem_set_unlock_required(f->modem, MMD_MODEM_LOCK_NONE);
  mdbus_modem_set_unlock_retries(f->modem, g_variant_new_parsed("@a{uu} {2: 3, 4: 10}"));
  mdbus_modem_set_state(f->modem, MMD_MODEM_STATE_DISABLED);
  mdbus_modem_set_power_state(f->modem, MMD_MODEM_POWER_STATE_ON);
  mdbus_modem_set_access_technologies(f->modem, MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  mdbus_modem_set_signal_quality(f->modem, g_variant_new("(ub)", 67, TRUE));
  mdbus_modem_set_supported_capabilities(f->modem, g_variant_new_parsed("@au [12]"));
  mdbus_modem_set_current_capabilities(f->modem,
                                       MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE);
  g_variant_builder_init(&modes, G_VARIANT_TYPE("a(uu)"));
  g_variant_builder_add(&modes, "(uu)", MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_4G);
  g_variant_builder_add(&modes, "(uu)", MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE);
  mdbus_modem_set_supported_modes(f->modem, g_variant_builder_end(&modes));
  mdbus_modem_set_current_modes(f->modem, g_variant_new("(uu)", MMD_MODEM_MODE_4G, 0));
  g_variant_builder_init(&bands, G_VARIANT_TYPE("au"));
  g_variant_builder_add(&bands, "u", MMD_MODEM_BAND_EUTRAN_3);
  g_variant_builder_add(&bands, "u", MMD_MODEM_BAND_EUTRAN_20);
  mdbus_modem_set_current_bands(f->modem, g_variant_builder_end(&bands));
  mdbus_modem_set_supported_bands(f->modem, g_variant_new_parsed("@au [33, 50, 5]"));
  mdbus_modem_set_supported_ip_families(f->modem, MMD_BEARER_IP_FAMILY_IPV4
                                                      | MMD_BEARER_IP_FAMILY_IPV6
                                                      | MMD_BEARER_IP_FAMILY_IPV4V6);
  mdbus_modem_set_sim(f->modem, SIM_PATH);
  mdbus_modem_set_bearers(f->modem, bearers);
  mdbus_modem_set_own_numbers(f->modem, numbers);
  mdbus_object_skeleton_set_modem(f->modem_object, f->modem);
  watch(f, f->modem);

  f->modem3gpp = mdbus_modem_modem3gpp_skeleton_new();
  mdbus_modem_modem3gpp_set_imei(f->modem3gpp, "490154203237518");
  mdbus_modem_modem3gpp_set_operator_code(f->modem3gpp, "21403");
  mdbus_modem_modem3gpp_set_operator_name(f->modem3gpp, "Orange");
  mdbus_modem_modem3gpp_set_registration_state(f->modem3gpp,
                                               MMD_MODEM_3GPP_REGISTRATION_STATE_HOME);
  mdbus_modem_modem3gpp_set_packet_service_state(f->modem3gpp,
                                                 MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED);
  mdbus_modem_modem3gpp_set_enabled_facility_locks(f->modem3gpp, MMD_MODEM_3GPP_FACILITY_SIM);
  mdbus_object_skeleton_set_modem_modem3gpp(f->modem_object, f->modem3gpp);
  watch(f, f->modem3gpp);

  f->simple = mdbus_modem_simple_skeleton_new();
  mdbus_object_skeleton_set_modem_simple(f->modem_object, f->simple);
  watch(f, f->simple);

  f->signal = mdbus_modem_signal_skeleton_new();
  mdbus_modem_signal_set_rate(f->signal, 5);
  mdbus_modem_signal_set_lte(f->signal, vardict("rssi", g_variant_new_double(-60.0), "rsrp",
                                                g_variant_new_double(-90.5), NULL));
  mdbus_object_skeleton_set_modem_signal(f->modem_object, f->signal);
  watch(f, f->signal);

  g_dbus_object_manager_server_export(f->om, G_DBUS_OBJECT_SKELETON(f->modem_object));

  /* The bearer goes through the ObjectManager... */
  f->bearer_object = mdbus_object_skeleton_new(BEARER_PATH);
  f->bearer = mdbus_bearer_skeleton_new();
  mdbus_bearer_set_interface(f->bearer, "wwan0");
  mdbus_bearer_set_connected(f->bearer, TRUE);
  mdbus_bearer_set_bearer_type(f->bearer, MMD_BEARER_TYPE_DEFAULT);
  mdbus_bearer_set_connection_error(f->bearer, g_variant_new("(ss)", "", ""));
  mdbus_bearer_set_properties(f->bearer, vardict("apn", g_variant_new_string("internet"), "ip-type",
                                                 g_variant_new_uint32(MMD_BEARER_IP_FAMILY_IPV4V6),
                                                 "user", g_variant_new_string("alice"), "password",
                                                 g_variant_new_string("s3cr3t-pw"), "allow-roaming",
                                                 g_variant_new_boolean(FALSE), NULL));
  mdbus_bearer_set_ip4_config(
      f->bearer,
      vardict("method", g_variant_new_uint32(MMD_BEARER_IP_METHOD_STATIC), "address",
              g_variant_new_string("10.0.0.2"), "prefix", g_variant_new_uint32(30), "gateway",
              g_variant_new_string("10.0.0.1"), "dns1", g_variant_new_string("8.8.8.8"), "dns2",
              g_variant_new_string("8.8.4.4"), "mtu", g_variant_new_uint32(1500), NULL));
  mdbus_bearer_set_ip6_config(f->bearer, vardict(NULL, NULL));
  mdbus_bearer_set_stats(f->bearer, vardict("rx-bytes", g_variant_new_uint64(1234), NULL));
  mdbus_object_skeleton_set_bearer(f->bearer_object, f->bearer);
  watch(f, f->bearer);
  g_dbus_object_manager_server_export(f->om, G_DBUS_OBJECT_SKELETON(f->bearer_object));

  /* ...the SIM is exported on its own, as the reference API does. */
  f->sim = mdbus_sim_skeleton_new();
  mdbus_sim_set_active(f->sim, TRUE);
  mdbus_sim_set_sim_identifier(f->sim, "89340000000000000001");
  mdbus_sim_set_imsi(f->sim, "214030000000001");
  mdbus_sim_set_operator_identifier(f->sim, "21403");
  mdbus_sim_set_operator_name(f->sim, "Orange");
  watch(f, f->sim);
  g_assert_true(g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(f->sim), f->connection,
                                                 SIM_PATH, NULL));
}

static void
request_name(Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
      f->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "RequestName", g_variant_new("(su)", MMD_DBUS_SERVICE, 4), G_VARIANT_TYPE("(u)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  guint32 result;

  g_assert_no_error(error);
  g_variant_get(reply, "(u)", &result);
  g_assert_cmpuint(result, ==, 1);
}

/* A private bus that lets everyone do everything. The daemon dies with us even when a test
 * aborts (PR_SET_PDEATHSIG), and its output goes nowhere, so that no leftover holds the test
 * runner's pipes. */
static const char bus_config[] = "<busconfig>\n"
                                 "  <type>session</type>\n"
                                 "  <listen>unix:dir=%s</listen>\n"
                                 "  <auth>EXTERNAL</auth>\n"
                                 "  <policy context=\"default\">\n"
                                 "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                                 "    <allow eavesdrop=\"true\"/>\n"
                                 "    <allow own=\"*\"/>\n"
                                 "  </policy>\n"
                                 "</busconfig>\n";

static void
bus_child_setup(gpointer user_data)
{
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static void
start_bus(Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  f->bus_dir = g_dir_make_tmp("modemctl-test-XXXXXX", &error);
  g_assert_no_error(error);
  config = g_strdup_printf(bus_config, f->bus_dir);
  config_path = g_build_filename(f->bus_dir, "bus.conf", NULL);
  g_assert_true(g_file_set_contents(config_path, config, -1, &error));

  launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup(launcher, bus_child_setup, NULL, NULL);
  f->bus = g_subprocess_launcher_spawn(launcher, &error, "dbus-daemon", "--nofork",
                                       "--print-address=1", "--config-file", config_path, NULL);
  g_assert_no_error(error);
  out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(f->bus));
  f->bus_address = g_data_input_stream_read_line_utf8(out, NULL, NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(f->bus_address);
  g_remove(config_path);
}

typedef enum {
  SERVICE_ABSENT,
  SERVICE_EMPTY,
  SERVICE_ONE_MODEM,
} ServiceKind;

static void start_service(Fixture *f, gboolean with_modem);

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  ServiceKind kind = GPOINTER_TO_INT(data);
  g_autoptr(GError) error = NULL;
  g_autofree char *dbus_daemon = NULL;

  if (!modemctl_path()) {
    g_test_skip("MODEMCTL not set");
    return;
  }
  dbus_daemon = g_find_program_in_path("dbus-daemon");
  if (!dbus_daemon) {
    g_test_skip("dbus-daemon not found");
    return;
  }
  g_mutex_init(&f->lock);
  f->calls = g_ptr_array_new_with_free_func(g_free);
  f->held = g_ptr_array_new_with_free_func(g_object_unref);
  start_bus(f);
  f->connection
      = g_dbus_connection_new_for_address_sync(f->bus_address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                   | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, &error);
  g_assert_no_error(error);
  if (kind != SERVICE_ABSENT)
    start_service(f, kind == SERVICE_ONE_MODEM);
}

static void
start_service(Fixture *f, gboolean with_modem)
{
  g_autoptr(GError) error = NULL;

  f->manager = mdbus_manager_skeleton_new();
  mdbus_manager_set_version(f->manager, "0.1.0");
  watch(f, f->manager);
  g_assert_true(g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(f->manager),
                                                 f->connection, MMD_DBUS_PATH, &error));
  f->om = g_dbus_object_manager_server_new(MMD_DBUS_PATH);
  if (with_modem)
    populate_modem(f);
  g_dbus_object_manager_server_set_connection(f->om, f->connection);
  request_name(f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  if (!f->bus)
    return;
  for (guint i = 0; i < f->held->len; i++)
    g_dbus_method_invocation_return_error(g_object_ref(g_ptr_array_index(f->held, i)),
                                          MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED, "teardown");
  g_ptr_array_unref(f->held);
  if (f->sim)
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(f->sim));
  if (f->manager)
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(f->manager));
  g_clear_object(&f->om);
  g_clear_object(&f->modem_object);
  g_clear_object(&f->modem);
  g_clear_object(&f->modem3gpp);
  g_clear_object(&f->simple);
  g_clear_object(&f->signal);
  g_clear_object(&f->sim);
  g_clear_object(&f->bearer_object);
  g_clear_object(&f->bearer);
  g_clear_object(&f->manager);
  g_dbus_connection_close_sync(f->connection, NULL, NULL);
  g_clear_object(&f->connection);
  g_subprocess_force_exit(f->bus);
  g_subprocess_wait(f->bus, NULL, NULL);
  g_clear_object(&f->bus);
  g_free(f->bus_address);
  g_remove(f->bus_dir);
  g_free(f->bus_dir);
  g_ptr_array_unref(f->calls);
  g_free(f->fail_method);
  g_free(f->hold_method);
  g_mutex_clear(&f->lock);
}

/* Running modemctl */

static GSubprocess *
spawn_modemctl(Fixture *f, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher
      = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS", f->bus_address, TRUE);
  g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
  g_ptr_array_add(argv, (gpointer)modemctl_path());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, (gpointer)args[i]);
  g_ptr_array_add(argv, NULL);
  process = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error(error);
  return process;
}

typedef struct {
  gboolean done;
  char *out;
  char *err;
} Communicated;

static void
on_communicated(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Communicated *c = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &c->out, &c->err, &error);
  g_assert_no_error(error);
  c->done = TRUE;
}

static int
wait_modemctl(GSubprocess *process, char **out, char **err)
{
  Communicated c = { 0 };

  g_subprocess_communicate_utf8_async(process, NULL, NULL, on_communicated, &c);
  while (!c.done)
    g_main_context_iteration(NULL, TRUE);
  g_subprocess_wait(process, NULL, NULL);
  g_test_message("stdout:\n%s\nstderr:\n%s", c.out, c.err);
  *out = c.out;
  *err = c.err;
  return g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process) : -1;
}

static int
run_modemctlv(Fixture *f, char **out, char **err, const char *const *args)
{
  g_autoptr(GSubprocess) process = spawn_modemctl(f, args);

  return wait_modemctl(process, out, err);
}

#define RUN(f, out, err, ...) run_modemctlv(f, out, err, (const char *const[]){ __VA_ARGS__, NULL })

/* Reads one line of the process' stdout, running the main context meanwhile. */
typedef struct {
  gboolean done;
  char *line;
} LineRead;

static void
on_line(GObject *source, GAsyncResult *result, gpointer user_data)
{
  LineRead *r = user_data;

  r->line
      = g_data_input_stream_read_line_finish_utf8(G_DATA_INPUT_STREAM(source), result, NULL, NULL);
  r->done = TRUE;
}

static gboolean
on_deadline(gpointer user_data)
{
  g_error("timed out waiting for modemctl");
  return G_SOURCE_REMOVE;
}

static char *
read_line(GDataInputStream *stream)
{
  LineRead r = { 0 };
  guint deadline = g_timeout_add_seconds(20, on_deadline, NULL);

  g_data_input_stream_read_line_async(stream, G_PRIORITY_DEFAULT, NULL, on_line, &r);
  while (!r.done)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(deadline);
  g_test_message("line: %s", r.line);
  return r.line;
}

static void
on_exited(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
  *(gboolean *)user_data = TRUE;
}

/* Waits for the process to exit, serving D-Bus calls meanwhile. */
static void
wait_exit(GSubprocess *process)
{
  gboolean done = FALSE;
  guint deadline = g_timeout_add_seconds(20, on_deadline, NULL);

  g_subprocess_wait_async(process, NULL, on_exited, &done);
  while (!done)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(deadline);
}

static char *
call(Fixture *f, guint index)
{
  char *result = NULL;

  g_mutex_lock(&f->lock);
  if (index < f->calls->len)
    result = g_strdup(g_ptr_array_index(f->calls, index));
  g_mutex_unlock(&f->lock);
  return result;
}

static guint
n_calls(Fixture *f)
{
  guint n;

  g_mutex_lock(&f->lock);
  n = f->calls->len;
  g_mutex_unlock(&f->lock);
  return n;
}

#define SKIP_IF_NEEDED(f)                                                                          \
  do {                                                                                             \
    if (!(f)->bus)                                                                                 \
      return;                                                                                      \
  } while (0)

/* Tests */

static void
test_absent(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GTimer) timer = g_timer_new();

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 1);
  g_assert_cmpstr(err, ==, "error: couldn't find the modemd service on the system bus\n");
  g_assert_cmpstr(out, ==, "");
  g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 10.0);
}

static void
test_list_empty(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 0);
  g_assert_cmpstr(out, ==, "No modems were found\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-J"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"modem-list\":[]}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "--list-modems", "--output-keyvalue"), ==, 0);
  g_assert_cmpstr(out, ==, "modem-list.length : 0\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "any"), ==, 1);
  g_assert_cmpstr(err, ==, "error: no modems were found\n");
}

static void
test_list(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 0);
  g_assert_cmpstr(out, ==, "    " MODEM_PATH " [ACME] Rocket 5G\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-J"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"modem-list\":[\"" MODEM_PATH "\"]}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-K"), ==, 0);
  g_assert_cmpstr(out, ==,
                  "modem-list.length   : 1\n"
                  "modem-list.value[1] : " MODEM_PATH "\n");
}

static void
test_modem_show(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0"), ==, 0);
  g_assert_nonnull(strstr(out, "  Hardware |"));
  g_assert_nonnull(strstr(out, "manufacturer: ACME\n"));
  g_assert_nonnull(strstr(out, "state: disabled\n"));
  g_assert_nonnull(strstr(out, "ports: cdc-wdm0 (qmi)\n"));
  g_assert_nonnull(strstr(out, "wwan0 (net)\n"));
  g_assert_nonnull(strstr(out, "signal quality: 67% (recent)\n"));
  g_assert_nonnull(strstr(out, "current: allowed: 4g; preferred: none\n"));
  g_assert_nonnull(strstr(out, "operator name: Orange\n"));
  g_assert_nonnull(strstr(out, "primary sim path: " SIM_PATH "\n"));
  g_assert_nonnull(strstr(out, "paths: " BEARER_PATH "\n"));
  g_assert_null(strstr(out, "failed reason"));
  g_assert_cmpuint(n_calls(f), ==, 0);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", MODEM_PATH, "-K"), ==, 0);
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.state +: disabled$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.manufacturer +: ACME$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.3gpp\\.operator-code +: 21403$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.3gpp\\.registration-state +: home$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.sim +: " SIM_PATH "$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple(
      "^modem\\.generic\\.current-bands\\.value\\[2\\] +: eutran-20$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.generic\\.state-failed-reason +: --$", out,
                                     G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "any", "-J"), ==, 0);
  g_assert_true(
      g_str_has_prefix(out, "{\"modem\":{\"dbus-path\":\"" MODEM_PATH "\",\"generic\":{"));
  g_assert_nonnull(strstr(out, "\"manufacturer\":\"ACME\""));
  g_assert_nonnull(strstr(out, "\"drivers\":[\"qmi_wwan\"]"));
  g_assert_nonnull(strstr(out, "\"3gpp\":{\"imei\":\"490154203237518\""));
  g_assert_nonnull(strstr(out, "\"packet-service-state\":\"attached\""));
  g_assert_true(g_str_has_suffix(out, "}}\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "5"), ==, 1);
  g_assert_cmpstr(err, ==, "error: modem " MMD_DBUS_MODEM_PREFIX "/5 not found\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "modem0"), ==, 1);
  g_assert_true(g_str_has_prefix(err, "error: invalid object selector 'modem0'"));
}

static void
test_modem_actions(Fixture *f, gconstpointer data)
{
  static const struct {
    const char *args[4];
    const char *call;
    const char *message;
  } cases[] = {
    { { "-e" }, "Enable (true,)", "successfully enabled the modem\n" },
    { { "--disable" }, "Enable (false,)", "successfully disabled the modem\n" },
    { { "--set-power-state-low" },
      "SetPowerState (2,)",
      "successfully set power state in the modem\n" },
    { { "--set-power-state-on" },
      "SetPowerState (3,)",
      "successfully set power state in the modem\n" },
    { { "-r" }, "Reset ()", "successfully reset the modem\n" },
    { { "--delete-bearer=0" },
      "DeleteBearer ('" BEARER_PATH "',)",
      "successfully deleted bearer from modem\n" },
    { { "--simple-disconnect" },
      "Disconnect ('/',)",
      "successfully disconnected all bearers in the modem\n" },
    { { "--3gpp-register-home" }, "Register ('',)", "successfully registered the modem\n" },
    { { "--3gpp-register-in-operator=21403" },
      "Register ('21403',)",
      "successfully registered the modem\n" },
    { { "--set-allowed-modes=3g|4g", "--set-preferred-mode=4g" },
      "SetCurrentModes ((12, 8),)",
      "successfully set current modes in the modem\n" },
    { { "--set-allowed-modes=4g" },
      "SetCurrentModes ((8, 0),)",
      "successfully set current modes in the modem\n" },
    { { "--set-current-bands=eutran-3|eutran-20" },
      "SetCurrentBands ([33, 50],)",
      "successfully set current bands in the modem\n" },
    { { "--signal-setup=10" },
      "Setup (10,)",
      "successfully setup extended signal quality information retrieval\n" },
    { { "--command=AT+CSQ" }, "Command ('AT+CSQ', 30)", "response: '+CSQ: 20,99'\n" },
    { { "--create-bearer=apn=internet,ip-type=ipv4" },
      "CreateBearer ({'apn': <'internet'>, 'ip-type': <uint32 1>},)",
      "successfully created new bearer in modem: " BEARER_PATH "\n" },
  };

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *out = NULL, *err = NULL, *got = NULL;
    const char *args[8] = { "-m", "0" };

    for (guint a = 0; cases[i].args[a]; a++)
      args[2 + a] = cases[i].args[a];
    g_assert_cmpint(run_modemctlv(f, &out, &err, args), ==, 0);
    got = call(f, n_calls(f) - 1);
    g_assert_cmpstr(got, ==, cases[i].call);
    g_assert_cmpstr(out, ==, cases[i].message);
    g_assert_cmpstr(err, ==, "");
  }
}

static void
test_simple_connect(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0",
                      "--simple-connect=apn=internet,ip-type=ipv4v6,user=bob,password='a,b',"
                      "pin=1234,operator-id=21403,allowed-auth=chap,allow-roaming=yes"),
                  ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==,
                  "Connect ({'apn': <'internet'>, 'ip-type': <uint32 4>, 'user': <'bob'>, "
                  "'password': <'a,b'>, 'pin': <'1234'>, 'operator-id': <'21403'>, "
                  "'allowed-auth': <uint32 4>, 'allow-roaming': <true>},)");
  g_assert_cmpstr(out, ==, "successfully connected the modem: " BEARER_PATH "\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-J", "--simple-connect=apn=internet"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"bearer\":{\"dbus-path\":\"" BEARER_PATH "\"}}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* Unknown key or bad value: no call at all */
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--simple-connect=apn=internet,number=*99#"), ==,
                  1);
  g_assert_true(
      g_str_has_prefix(err, "error: invalid connection properties: unknown key 'number'"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--create-bearer=apn=x,ip-type=ipv5"), ==, 1);
  g_assert_cmpuint(n_calls(f), ==, 2);
}

static void
test_errors(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  f->fail_method = g_strdup("Enable");
  f->fail_code = MMD_CORE_ERROR_WRONG_STATE;
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-e"), ==, 1);
  g_assert_cmpstr(err, ==,
                  "error: org.example.Modem1.Error.Core.WrongState: scripted failure of Enable\n");
  g_assert_cmpstr(out, ==, "");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_free(f->fail_method);
  f->fail_method = g_strdup("SendPin");
  f->fail_code = MMD_CORE_ERROR_UNAUTHORIZED;
  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "--pin=1111"), ==, 1);
  g_assert_cmpstr(err, ==,
                  "error: org.example.Modem1.Error.Core.Unauthorized: scripted failure of "
                  "SendPin\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* argument errors, before any call */
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-e", "-d"), ==, 1);
  g_assert_cmpstr(err, ==, "error: too many actions requested\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-e"), ==, 1);
  g_assert_cmpstr(err, ==, "error: this action needs a modem (use -m)\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "--enable-pin"), ==, 1);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--set-allowed-modes=6g"), ==, 1);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--set-current-bands=eutran-999"), ==, 1);
  g_assert_cmpuint(n_calls(f), ==, 2);
}

static void
test_timeout(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GTimer) timer = g_timer_new();

  SKIP_IF_NEEDED(f);
  f->hold_method = g_strdup("Reset");
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-r", "--timeout=1"), ==, 1);
  g_assert_true(g_str_has_prefix(err, "error: timed out"));
  g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 10.0);
}

static void
test_sim(Fixture *f, gconstpointer data)
{
  static const struct {
    const char *args[5];
    const char *call;
    const char *message;
  } cases[] = {
    { { "-i", "0", "--pin=1234" }, "SendPin ('1234',)", "successfully sent PIN code to the SIM\n" },
    { { "-m", "0", "--pin=1234" }, "SendPin ('1234',)", "successfully sent PIN code to the SIM\n" },
    { { "-i", SIM_PATH, "--puk=12345678", "--pin=0000" },
      "SendPuk ('12345678', '0000')",
      "successfully sent PUK code to the SIM\n" },
    { { "-i", "0", "--enable-pin", "--pin=1234" },
      "EnablePin ('1234', true)",
      "successfully enabled PIN code request in the SIM\n" },
    { { "-i", "0", "--disable-pin", "--pin=1234" },
      "EnablePin ('1234', false)",
      "successfully disabled PIN code request in the SIM\n" },
    { { "-i", "0", "--change-pin=4321", "--pin=1234" },
      "ChangePin ('1234', '4321')",
      "successfully changed PIN code in the SIM\n" },
  };
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *o = NULL, *e = NULL, *got = NULL;

    g_assert_cmpint(run_modemctlv(f, &o, &e, cases[i].args), ==, 0);
    got = call(f, n_calls(f) - 1);
    g_assert_cmpstr(got, ==, cases[i].call);
    g_assert_cmpstr(o, ==, cases[i].message);
  }

  g_assert_cmpint(RUN(f, &out, &err, "-i", "0"), ==, 0);
  g_assert_nonnull(strstr(out, "iccid: 89340000000000000001\n"));
  g_assert_nonnull(strstr(out, "active: yes\n"));
  g_assert_nonnull(strstr(out, "operator name: Orange\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "-K"), ==, 0);
  g_assert_true(g_regex_match_simple("^sim\\.properties\\.iccid +: 89340000000000000001$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^sim\\.properties\\.imsi +: 214030000000001$", out,
                                     G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-i", "7"), ==, 1);
  g_assert_cmpstr(err, ==, "error: SIM " MMD_DBUS_SIM_PREFIX "/7 not found\n");
}

static void
test_bearer(Fixture *f, gconstpointer data)
{
  const char *formats[] = { "--timeout=5", "-J", "-K" };
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(formats); i++) {
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint(RUN(f, &o, &e, "-b", "0", formats[i]), ==, 0);
    g_assert_null(strstr(o, "s3cr3t-pw"));
    g_assert_nonnull(strstr(o, "10.0.0.2"));
  }

  g_assert_cmpint(RUN(f, &out, &err, "-b", BEARER_PATH), ==, 0);
  g_assert_nonnull(strstr(out, "interface: wwan0\n"));
  g_assert_nonnull(strstr(out, "connected: yes\n"));
  g_assert_nonnull(strstr(out, "apn: internet\n"));
  g_assert_nonnull(strstr(out, "ip type: ipv4v6\n"));
  g_assert_nonnull(strstr(out, "roaming: forbidden\n"));
  g_assert_nonnull(strstr(out, "user: alice\n"));
  g_assert_nonnull(strstr(out, "method: static\n"));
  g_assert_nonnull(strstr(out, "prefix: 30\n"));
  g_assert_nonnull(strstr(out, "dns: 8.8.8.8\n"));
  g_assert_nonnull(strstr(out, "mtu: 1500\n"));
  g_assert_null(strstr(out, "IPv6"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-K"), ==, 0);
  g_assert_true(
      g_regex_match_simple("^bearer\\.status\\.connected +: yes$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^bearer\\.ipv4-config\\.address +: 10\\.0\\.0\\.2$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^bearer\\.ipv4-config\\.dns\\.value\\[2\\] +: 8\\.8\\.4\\.4$",
                                     out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^bearer\\.ipv6-config\\.address +: --$", out, G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-c"), ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==, "Connect ()");
  g_assert_cmpstr(out, ==, "successfully connected the bearer\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-x"), ==, 0);
  got = call(f, 1);
  g_assert_cmpstr(got, ==, "Disconnect ()");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "9"), ==, 1);
  g_assert_cmpstr(err, ==, "error: bearer " MMD_DBUS_BEARER_PREFIX "/9 not found\n");
}

static void
test_scan_and_signal(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--3gpp-scan"), ==, 0);
  g_assert_nonnull(strstr(out, "networks: 21403 - Orange (lte, current)\n"));
  g_assert_nonnull(strstr(out, "21401 - voda (umts, forbidden)\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--3gpp-scan", "-J"), ==, 0);
  g_assert_cmpstr(out, ==,
                  "{\"modem\":{\"3gpp\":{\"scan-networks\":[\"operator-code: 21403, "
                  "operator-name: Orange, access-technologies: lte, availability: current\","
                  "\"operator-code: 21401, operator-name: voda, access-technologies: umts, "
                  "availability: forbidden\"]}}}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--signal-get"), ==, 0);
  g_assert_nonnull(strstr(out, "refresh rate: 5 seconds\n"));
  g_assert_nonnull(strstr(out, "rssi: -60.00 dBm\n"));
  g_assert_nonnull(strstr(out, "rsrp: -90.50 dBm\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--signal-get", "-K"), ==, 0);
  /* values without their unit, as mmcli -K prints them */
  g_assert_true(
      g_regex_match_simple("^modem\\.signal\\.lte\\.rssi +: -60\\.00$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.signal\\.threshold\\.error-rate +: no$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.signal\\.5g\\.rsrp +: --$", out, G_REGEX_MULTILINE, 0));
}

static void
test_manager(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-S"), ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==, "ScanDevices ()");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-G", "DEBUG"), ==, 0);
  got = call(f, 1);
  g_assert_cmpstr(got, ==, "SetLogging ('DEBUG',)");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err,
                      "--report-kernel-event=action=add,subsystem=usbmisc,name=cdc-wdm0,uid=usb1"),
                  ==, 0);
  got = call(f, 2);
  g_assert_cmpstr(got, ==,
                  "ReportKernelEvent ({'action': <'add'>, 'subsystem': <'usbmisc'>, 'name': "
                  "<'cdc-wdm0'>, 'uid': <'usb1'>},)");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "--report-kernel-event=action=add,subsystem=usbmisc"), ==, 1);
  g_assert_cmpstr(err, ==, "error: invalid kernel event: missing key 'name'\n");
  g_assert_cmpuint(n_calls(f), ==, 3);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-V"), ==, 0);
  g_assert_true(g_str_has_prefix(out, "modemctl "));
}

static void
test_monitor_state(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-m", "0", "-w", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "initial state: disabled");
  g_clear_pointer(&line, g_free);

  mdbus_modem_emit_state_changed(f->modem, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_ENABLING,
                                 MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "state changed: disabled -> enabling (user-requested)");
  g_clear_pointer(&line, g_free);
  mdbus_modem_emit_state_changed(f->modem, MMD_MODEM_STATE_ENABLING, MMD_MODEM_STATE_FAILED,
                                 MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "state changed: enabling -> failed (failure)");

  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

static void
test_monitor_modems(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-M", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MODEM_PATH " [ACME] Rocket 5G");
  g_clear_pointer(&line, g_free);

  g_dbus_object_manager_server_unexport(f->om, MODEM_PATH);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(-) " MODEM_PATH);
  g_clear_pointer(&line, g_free);

  g_object_set(f->modem_object, "g-object-path", MMD_DBUS_MODEM_PREFIX "/1", NULL);
  g_dbus_object_manager_server_export(f->om, G_DBUS_OBJECT_SKELETON(f->modem_object));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MMD_DBUS_MODEM_PREFIX "/1 [ACME] Rocket 5G");

  g_subprocess_send_signal(process, SIGTERM);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

/* -M waits for modemd when it is not there yet. */
static void
test_monitor_modems_waits(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-M", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "modemd is not available, waiting for it");
  g_clear_pointer(&line, g_free);

  start_service(f, TRUE);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "modemd is available");
  g_clear_pointer(&line, g_free);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MODEM_PATH " [ACME] Rocket 5G");

  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

static void
test_inhibit(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "--inhibit-device=usb-1-1", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;
  g_autofree char *first = NULL, *second = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "successfully inhibited device with uid 'usb-1-1'");
  first = call(f, 0);
  g_assert_cmpstr(first, ==, "InhibitDevice ('usb-1-1', true)");
  g_assert_cmpuint(n_calls(f), ==, 1);

  /* modemctl calls InhibitDevice(false) on its way out: keep serving meanwhile */
  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  {
    g_autoptr(GInputStream) err_pipe = g_object_ref(g_subprocess_get_stderr_pipe(process));
    char buf[1024] = { 0 };

    g_input_stream_read_all(err_pipe, buf, sizeof buf - 1, NULL, NULL, NULL);
    g_assert_cmpstr(buf, ==, "");
  }
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
  second = call(f, 1);
  g_assert_cmpstr(second, ==, "InhibitDevice ('usb-1-1', false)");
}

#define ADD(name, kind, func)                                                                      \
  g_test_add("/modemctl-client/" name, Fixture, GINT_TO_POINTER(kind), fixture_setup, func,        \
             fixture_teardown)

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();

  ADD("absent", SERVICE_ABSENT, test_absent);
  ADD("list-empty", SERVICE_EMPTY, test_list_empty);
  ADD("list", SERVICE_ONE_MODEM, test_list);
  ADD("modem-show", SERVICE_ONE_MODEM, test_modem_show);
  ADD("modem-actions", SERVICE_ONE_MODEM, test_modem_actions);
  ADD("simple-connect", SERVICE_ONE_MODEM, test_simple_connect);
  ADD("errors", SERVICE_ONE_MODEM, test_errors);
  ADD("timeout", SERVICE_ONE_MODEM, test_timeout);
  ADD("sim", SERVICE_ONE_MODEM, test_sim);
  ADD("bearer", SERVICE_ONE_MODEM, test_bearer);
  ADD("scan-and-signal", SERVICE_ONE_MODEM, test_scan_and_signal);
  ADD("manager", SERVICE_ONE_MODEM, test_manager);
  ADD("monitor-state", SERVICE_ONE_MODEM, test_monitor_state);
  ADD("monitor-modems", SERVICE_ONE_MODEM, test_monitor_modems);
  ADD("monitor-modems-waits", SERVICE_ABSENT, test_monitor_modems_waits);
  ADD("inhibit", SERVICE_EMPTY, test_inhibit);
  return g_test_run();
}
