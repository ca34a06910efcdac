/* The core's operation paths, through D-Bus, without root: a private bus
 * (GTestDBus), the real core (rooms, method path, guard, state machine), the
 * test backend of test-backend.c, and authorization by the daemon's own uid. */
#include <gio/gio.h>

#include "auth.h"
#include "bearers.h"
#include "mmd-errors.h"
#include "modem-create.h"
#include "plugin-registry.h"
#include "test-backend.h"

typedef struct {
  GTestDBus *bus;
  GDBusConnection *daemon;
  GDBusConnection *client;
  GDBusObjectManagerServer *objects;
  MmdExporter exporter;
  guint next_index;
  MmdModem *modem;
  GPtrArray *ports;
} Fixture;

/* The exporter: everything on one ObjectManager of the daemon connection. */

static void
export_object(gpointer user_data, GDBusObjectSkeleton *object)
{
  Fixture *f = user_data;

  g_dbus_object_manager_server_export(f->objects, object);
}

static void
unexport(gpointer user_data, const char *path)
{
  Fixture *f = user_data;

  g_dbus_object_manager_server_unexport(f->objects, path);
}

static char *
new_path(gpointer user_data, const char *kind)
{
  Fixture *f = user_data;

  return g_strdup_printf(MMD_DBUS_PATH "/%s/%u", kind, f->next_index++);
}

static void
remove_modem(gpointer user_data, MmdModem *modem)
{
  Fixture *f = user_data;

  g_assert_true(modem == f->modem);
  mmd_modem_shutdown(modem);
  unexport(f, mmd_modem_get_path(modem));
  g_clear_object(&f->modem);
}

static const MmdExporterOps exporter_ops = {
  .export_modem = export_object,
  .export_object = export_object,
  .unexport = unexport,
  .new_path = new_path,
  .remove_modem = remove_modem,
};

static void
iterate_until(gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration(NULL, TRUE);
}

static void
settle(void)
{
  while (g_main_context_iteration(NULL, FALSE))
    ;
}

static void
create_modem(Fixture *f)
{
  f->modem = mmd_modem_create(&f->exporter, "test0", NULL, &test_plugin, f->ports);
  settle();
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
  const TestBackendConfig *config = data;

  test_backend_config = *config;
  f->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
  g_test_dbus_up(f->bus);
  f->daemon
      = g_dbus_connection_new_for_address_sync(g_test_dbus_get_bus_address(f->bus),
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                   | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, NULL);
  f->client
      = g_dbus_connection_new_for_address_sync(g_test_dbus_get_bus_address(f->bus),
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                   | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, NULL);
  g_assert_nonnull(f->daemon);
  g_assert_nonnull(f->client);
  f->objects = g_dbus_object_manager_server_new(MMD_DBUS_PATH);
  g_dbus_object_manager_server_set_connection(f->objects, f->daemon);
  f->exporter.ops = &exporter_ops;
  f->exporter.self = f;
  f->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  g_ptr_array_add(f->ports,
                  mmd_port_new("test0", "/dev/test0", "static", NULL, MMD_MODEM_PORT_TYPE_QMI));
  create_modem(f);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
  if (f->modem)
    remove_modem(f, f->modem);
  settle();
  g_ptr_array_unref(f->ports);
  g_object_unref(f->objects);
  g_object_unref(f->client);
  g_dbus_connection_close_sync(f->daemon, NULL, NULL);
  g_object_unref(f->daemon);
  g_test_dbus_down(f->bus);
  g_object_unref(f->bus);
}

/* Calls from the client connection */

typedef struct {
  gboolean done;
  GVariant *reply;
  GError *error;
} Pending;

static void
call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *p = user_data;

  p->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &p->error);
  p->done = TRUE;
}

static Pending *
call_start(Fixture *f, const char *path, const char *iface, const char *method, GVariant *params)
{
  Pending *p = g_new0(Pending, 1);
  g_autofree char *full_iface = g_strconcat("org.example.Modem1", *iface ? "." : "", iface, NULL);

  g_dbus_connection_call(f->client, g_dbus_connection_get_unique_name(f->daemon), path, full_iface,
                         method, params, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, call_done, p);
  return p;
}

/* Waits for the reply; returns it (or NULL with the D-Bus error name in
 * *error_name, which the caller frees). */
static GVariant *
call_finish(Pending *p, char **error_name)
{
  GVariant *reply;

  iterate_until(&p->done);
  reply = p->reply;
  if (p->error) {
    g_assert_nonnull(error_name);
    *error_name = g_dbus_error_get_remote_error(p->error);
    g_error_free(p->error);
  }
  g_free(p);
  return reply;
}

static GVariant *
call_ok(Fixture *f, const char *path, const char *iface, const char *method, GVariant *params)
{
  g_autofree char *error_name = NULL;
  GVariant *reply = call_finish(call_start(f, path, iface, method, params), &error_name);

  g_assert_cmpstr(error_name, ==, NULL);
  return reply;
}

static void
call_fails(Fixture *f, const char *path, const char *iface, const char *method, GVariant *params,
           const char *expected_error)
{
  g_autofree char *error_name = NULL;
  GVariant *reply = call_finish(call_start(f, path, iface, method, params), &error_name);

  g_assert_null(reply);
  g_assert_cmpstr(error_name, ==, expected_error);
}

static const char *
modem_path(Fixture *f)
{
  return mmd_modem_get_path(f->modem);
}

static GVariant *
connect_params(const char *pin)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&b, "{sv}", "apn", g_variant_new_string("internet"));
  if (pin)
    g_variant_builder_add(&b, "{sv}", "pin", g_variant_new_string(pin));
  return g_variant_new("(@a{sv})", g_variant_builder_end(&b));
}

#define ERR(name) MMD_DBUS_ERROR_PREFIX "." name

/* Tests */

static const TestBackendConfig locked_config = { TEST_CAP_ALL, TRUE, FALSE, TRUE };
static const TestBackendConfig plain_config = { TEST_CAP_ALL, FALSE, FALSE, TRUE };
static const TestBackendConfig partial_config
    = { TEST_CAP_MODEM | TEST_CAP_SIM, FALSE, FALSE, TRUE };
static const TestBackendConfig no_disconnect_config = { TEST_CAP_ALL, FALSE, TRUE, TRUE };

static void
test_simple_connect_chain(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;
  const char *bearer_path;
  MmdBearer *bearer;

  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_LOCKED);
  call_fails(f, modem_path(f), "Modem.Simple", "Connect", connect_params("0000"),
             ERR("MobileEquipment.IncorrectPassword"));
  reply = call_ok(f, modem_path(f), "Modem.Simple", "Connect", connect_params("1234"));
  g_variant_get(reply, "(&o)", &bearer_path);
  bearer = mmd_bearers_find(f->modem, bearer_path);
  g_assert_nonnull(bearer);
  g_assert_true(mmd_bearer_is_connected(bearer));
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_CONNECTED);
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==,
                  "initialize,send_pin,send_pin,set_radio(on),connect");
  /* The same settings again: the connected bearer, nothing on the modem. */
  g_clear_pointer(&reply, g_variant_unref);
  reply = call_ok(f, modem_path(f), "Modem.Simple", "Connect", connect_params(NULL));
  g_assert_cmpstr(g_variant_get_type_string(reply), ==, "(o)");
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==,
                  "initialize,send_pin,send_pin,set_radio(on),connect");
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Simple", "Disconnect", g_variant_new("(o)", "/")));
  g_assert_false(mmd_bearer_is_connected(bearer));
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_REGISTERED);
}

/* NetworkManager enables and connects at once: later calls wait for the
 * operation in flight instead of failing with InProgress. */
static void
test_guard_waits(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  Pending *enable1, *enable2, *connect, *modes;
  g_autofree char *error_name = NULL;
  GVariant *reply;

  test_backend_hold(backend, "set_radio(on)");
  enable1 = call_start(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE));
  while (!test_backend_has_held(backend, "set_radio(on)"))
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_ENABLING);
  enable2 = call_start(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE));
  connect = call_start(f, modem_path(f), "Modem.Simple", "Connect", connect_params(NULL));
  modes = call_start(f, modem_path(f), "Modem", "SetCurrentModes",
                     g_variant_new("((uu))", MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE));
  /* enable2, the barrier of connect, modes */
  while (mmd_modem_count_waiting(f->modem) < 3)
    g_main_context_iteration(NULL, TRUE);
  g_assert_false(enable2->done);
  g_assert_false(connect->done);
  g_assert_false(modes->done);
  test_backend_release(backend, "set_radio(on)", NULL);
  for (guint i = 0; i < 4; i++) {
    reply = call_finish((Pending *[]){ enable1, enable2, modes, connect }[i], &error_name);
    g_assert_cmpstr(error_name, ==, NULL);
    g_variant_unref(reply);
  }
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_CONNECTED);
  g_assert_cmpstr(test_backend_calls(backend), ==,
                  "initialize,set_radio(on),set_current_modes,connect");
}

static void
test_wrong_state(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;
  const char *bearer_path;
  GVariantBuilder props;

  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_LOCKED);
  call_fails(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE),
             ERR("Core.WrongState"));
  call_fails(f, modem_path(f), "Modem.Modem3gpp", "Scan", NULL, ERR("Core.WrongState"));
  g_variant_builder_init(&props, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&props, "{sv}", "apn", g_variant_new_string("internet"));
  reply = call_ok(f, modem_path(f), "Modem", "CreateBearer",
                  g_variant_new("(@a{sv})", g_variant_builder_end(&props)));
  g_variant_get(reply, "(&o)", &bearer_path);
  call_fails(f, bearer_path, "Bearer", "Connect", NULL, ERR("Core.WrongState"));
  call_fails(f, modem_path(f), "Modem.Simple", "Connect", connect_params(NULL),
             ERR("MobileEquipment.SimPin"));
  /* Nothing of this reached the modem. */
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==, "initialize");
}

static void
test_pin_ops_guarded(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  Pending *enable, *enable_pin;
  g_autofree char *error_name = NULL;
  const char *sim_path;
  GVariant *reply;

  sim_path = mdbus_modem_get_sim(mmd_modem_get_iface(f->modem));
  test_backend_hold(backend, "set_radio(on)");
  enable = call_start(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE));
  while (!test_backend_has_held(backend, "set_radio(on)"))
    g_main_context_iteration(NULL, TRUE);
  enable_pin = call_start(f, sim_path, "Sim", "EnablePin", g_variant_new("(sb)", "1234", TRUE));
  while (mmd_modem_count_waiting(f->modem) < 1)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpstr(test_backend_calls(backend), ==, "initialize,set_radio(on)");
  test_backend_release(backend, "set_radio(on)", NULL);
  g_variant_unref(call_finish(enable, &error_name));
  g_assert_cmpstr(error_name, ==, NULL);
  reply = call_finish(enable_pin, &error_name);
  g_assert_cmpstr(error_name, ==, NULL);
  g_variant_unref(reply);
  g_assert_cmpstr(test_backend_calls(backend), ==, "initialize,set_radio(on),enable_pin");
}

static void
test_vanish_mid_operation(Fixture *f, gconstpointer data)
{
  TestBackend *backend = g_object_ref(test_backend_last());
  g_autofree char *path = g_strdup(modem_path(f));
  Pending *enable, *modes;
  g_autofree char *error1 = NULL;
  g_autofree char *error2 = NULL;

  test_backend_hold(backend, "set_radio(on)");
  enable = call_start(f, path, "Modem", "Enable", g_variant_new("(b)", TRUE));
  while (!test_backend_has_held(backend, "set_radio(on)"))
    g_main_context_iteration(NULL, TRUE);
  modes = call_start(f, path, "Modem", "SetCurrentModes",
                     g_variant_new("((uu))", MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE));
  while (mmd_modem_count_waiting(f->modem) < 1)
    g_main_context_iteration(NULL, TRUE);
  mmd_modem_report_gone(f->modem, "unplugged");
  while (f->modem)
    g_main_context_iteration(NULL, TRUE);
  g_assert_null(call_finish(modes, &error2));
  g_assert_cmpstr(error2, ==, ERR("Core.Aborted"));
  /* The backend answers its operation late; the modem is gone by then. */
  test_backend_release(backend, "set_radio(on)", NULL);
  g_assert_null(call_finish(enable, &error1));
  g_assert_cmpstr(error1, ==, ERR("Core.Cancelled"));
  g_assert_cmpstr(test_backend_calls(backend), ==, "initialize,set_radio(on)");
  g_object_unref(backend);
  call_fails(f, path, "Modem", "Enable", g_variant_new("(b)", TRUE),
             "org.freedesktop.DBus.Error.UnknownMethod");
}

static void
test_unsupported(Fixture *f, gconstpointer data)
{
  MdbusObject *object = MDBUS_OBJECT(mmd_modem_get_object(f->modem));
  GVariantBuilder props;

  g_assert_null(mdbus_object_peek_modem_modem3gpp(object));
  g_assert_null(mdbus_object_peek_modem_simple(object));
  g_assert_null(mdbus_object_peek_modem_signal(object));
  g_assert_nonnull(mdbus_object_peek_modem(object));
  g_variant_builder_init(&props, G_VARIANT_TYPE("a{sv}"));
  call_fails(f, modem_path(f), "Modem", "CreateBearer",
             g_variant_new("(@a{sv})", g_variant_builder_end(&props)), ERR("Core.Unsupported"));
  call_fails(f, modem_path(f), "Modem", "Reset", NULL, ERR("Core.Unsupported"));
  call_fails(f, modem_path(f), "Modem", "SetCurrentModes",
             g_variant_new("((uu))", MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE),
             ERR("Core.Unsupported"));
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==, "initialize");
}

static void
test_disconnect_unsupported(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) reply
      = call_ok(f, modem_path(f), "Modem.Simple", "Connect", connect_params(NULL));
  const char *bearer_path;

  g_variant_get(reply, "(&o)", &bearer_path);
  call_fails(f, bearer_path, "Bearer", "Disconnect", NULL, ERR("Core.Unsupported"));
  g_assert_true(mmd_bearer_is_connected(mmd_bearers_find(f->modem, bearer_path)));
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_CONNECTED);
}

/* A vendor's operation replaces the generic one, the others stay. */
static void
vendor_set_modes(MmdBackend *backend, guint allowed, guint preferred, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  mmd_modem_set_current_modes(mmd_backend_get_modem(backend), allowed, MMD_MODEM_MODE_4G);
  g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

static void
test_vendor_overlay(Fixture *f, gconstpointer data)
{
  static const MmdNetworkOps vendor_ops = { .set_current_modes = vendor_set_modes };
  TestBackend *backend = test_backend_last();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) networks = NULL;
  guint32 allowed, preferred;

  mmd_modem_provide_network(f->modem, &vendor_ops, MMD_BACKEND(backend));
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE)));
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem", "SetCurrentModes",
              g_variant_new("((uu))", MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_4G)));
  g_variant_get(mdbus_modem_get_current_modes(mmd_modem_get_iface(f->modem)), "(uu)", &allowed,
                &preferred);
  g_assert_cmpuint(allowed, ==, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G);
  reply = call_ok(f, modem_path(f), "Modem.Modem3gpp", "Scan", NULL);
  networks = g_variant_get_child_value(reply, 0);
  g_assert_cmpuint(g_variant_n_children(networks), ==, 1);
  /* The generic set_current_modes was not called; its scan was. */
  g_assert_cmpstr(test_backend_calls(backend), ==, "initialize,set_radio(on),scan");
}

int
main(int argc, char **argv)
{
  static const MmdPlugin *const plugins[] = { &test_plugin, NULL };

  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  mmd_plugins_register(plugins);
  mmd_auth_set_mode(MMD_AUTH_MODE_OWNER);
#define ADD(name, config, fn)                                                                      \
  g_test_add("/core/" name, Fixture, &config, fixture_set_up, fn, fixture_tear_down)
  ADD("simple-connect-chain", locked_config, test_simple_connect_chain);
  ADD("guard-waits", plain_config, test_guard_waits);
  ADD("wrong-state", locked_config, test_wrong_state);
  ADD("pin-ops-guarded", plain_config, test_pin_ops_guarded);
  ADD("vanish-mid-operation", plain_config, test_vanish_mid_operation);
  ADD("unsupported", partial_config, test_unsupported);
  ADD("disconnect-unsupported", no_disconnect_config, test_disconnect_unsupported);
  ADD("vendor-overlay", plain_config, test_vendor_overlay);
#undef ADD
  return g_test_run();
}
