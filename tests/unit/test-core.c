/* The core's operation paths, through D-Bus, without root: a private bus
 * (GTestDBus), the real core (rooms, method path, guard, state machine), the
 * test backend of test-backend.c, and authorization by the daemon's own uid. */
#include <gio/gio.h>

#include "auth.h"
#include "bearers.h"
#include "core-fixture.h"
#include "mmd-errors.h"
#include "plugin-registry.h"

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
  g_assert_false(call_done_yet(enable2));
  g_assert_false(call_done_yet(connect));
  g_assert_false(call_done_yet(modes));
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

/* The daemon stops while the removal of a modem that went is still pending:
 * the modem is shut down with the others, and the removal must not reach an
 * exporter that may be gone (the fixture's asserts it is not asked). */
static void
test_gone_at_shutdown(Fixture *f, gconstpointer data)
{
  g_autoptr(MmdModem) modem = g_steal_pointer(&f->modem);

  mmd_modem_report_gone(modem, "hung up");
  mmd_modem_shutdown(modem);
  settle();
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
  ADD("gone-at-shutdown", plain_config, test_gone_at_shutdown);
  ADD("unsupported", partial_config, test_unsupported);
  ADD("disconnect-unsupported", no_disconnect_config, test_disconnect_unsupported);
  ADD("vendor-overlay", plain_config, test_vendor_overlay);
#undef ADD
  return g_test_run();
}
