/* The fixture of modemctl's client tests: the scripted fake service on a private bus, and
 * modemctl run against it (see modemctl-client-fixture.h). */
#include "modemctl-client-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

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

void
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

void
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

void
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

GSubprocess *
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

int
run_modemctlv(Fixture *f, char **out, char **err, const char *const *args)
{
  g_autoptr(GSubprocess) process = spawn_modemctl(f, args);

  return wait_modemctl(process, out, err);
}

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

char *
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
void
wait_exit(GSubprocess *process)
{
  gboolean done = FALSE;
  guint deadline = g_timeout_add_seconds(20, on_deadline, NULL);

  g_subprocess_wait_async(process, NULL, on_exited, &done);
  while (!done)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(deadline);
}

char *
call(Fixture *f, guint index)
{
  char *result = NULL;

  g_mutex_lock(&f->lock);
  if (index < f->calls->len)
    result = g_strdup(g_ptr_array_index(f->calls, index));
  g_mutex_unlock(&f->lock);
  return result;
}

guint
n_calls(Fixture *f)
{
  guint n;

  g_mutex_lock(&f->lock);
  n = f->calls->len;
  g_mutex_unlock(&f->lock);
  return n;
}
