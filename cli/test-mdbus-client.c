/* The generated thin client (mdbus-client.[ch]) against a peer that is not
 * trusted: properties that are missing or ill-typed, a reply of the wrong type,
 * signals with the wrong arguments. The peer is a private D-Bus connection over
 * a socket pair in this process, so no bus is needed. */
#include <gio/gio.h>
#include <sys/socket.h>

#include "mdbus-client.h"

#define MODEM_PATH "/org/example/Modem1/Modem/0"
#define MODEM_INTERFACE "org.example.Modem1.Modem"

/* What the fake daemon declares: CreateBearer answers a string where the real
 * interface has an object path. */
static const char peer_xml[] = "<node><interface name='" MODEM_INTERFACE "'>"
                               "<method name='CreateBearer'>"
                               "<arg name='properties' type='a{sv}' direction='in'/>"
                               "<arg name='path' type='s' direction='out'/></method>"
                               "<method name='Enable'><arg name='enable' type='b'/></method>"
                               "</interface></node>";

typedef struct {
  GDBusConnection *server;
  GDBusConnection *client;
  GDBusNodeInfo *peer_info;
  guint registration;
  MdbusModem *modem;
  gboolean enabled;
} Fixture;

static void
on_peer_method(GDBusConnection *connection, const char *sender, const char *path,
               const char *interface, const char *method, GVariant *parameters,
               GDBusMethodInvocation *invocation, gpointer user_data)
{
  Fixture *f = user_data;

  if (g_str_equal(method, "Enable")) {
    g_variant_get(parameters, "(b)", &f->enabled);
    g_dbus_method_invocation_return_value(invocation, NULL);
    return;
  }
  g_dbus_method_invocation_return_value(invocation, g_variant_new("(s)", "/not/a/path"));
}

static const GDBusInterfaceVTable peer_vtable = { .method_call = on_peer_method };

static void
on_server_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fixture *f = user_data;

  f->server = g_dbus_connection_new_finish(res, NULL);
  g_assert_nonnull(f->server);
}

static void
on_proxy_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;

  f->modem = MDBUS_MODEM(g_dbus_proxy_new_finish(res, &error));
  g_assert_no_error(error);
}

static GIOStream *
stream_of(int fd)
{
  g_autoptr(GSocket) socket = g_socket_new_from_fd(fd, NULL);

  g_assert_nonnull(socket);
  return G_IO_STREAM(g_socket_connection_factory_create_connection(socket));
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
  int fds[2];
  g_autoptr(GIOStream) server_stream = NULL;
  g_autoptr(GIOStream) client_stream = NULL;
  g_autofree char *guid = g_dbus_generate_guid();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  server_stream = stream_of(fds[0]);
  client_stream = stream_of(fds[1]);
  /* The server's handshake runs in GDBus's worker while the client's blocks here. */
  g_dbus_connection_new(server_stream, guid,
                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER
                            | G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS,
                        NULL, NULL, on_server_ready, f);
  f->client = g_dbus_connection_new_sync(
      client_stream, NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
  g_assert_no_error(error);
  while (!f->server)
    g_main_context_iteration(NULL, TRUE);

  f->peer_info = g_dbus_node_info_new_for_xml(peer_xml, &error);
  g_assert_no_error(error);
  f->registration = g_dbus_connection_register_object(
      f->server, MODEM_PATH, f->peer_info->interfaces[0], &peer_vtable, f, NULL, &error);
  g_assert_no_error(error);
  /* Asynchronously: the proxy loads the properties (none) from the peer, which
   * answers in this thread. It must load them to follow PropertiesChanged. */
  g_dbus_proxy_new(f->client, G_DBUS_PROXY_FLAGS_NONE, NULL, NULL, MODEM_PATH, MODEM_INTERFACE,
                   NULL, on_proxy_ready, f);
  while (!f->modem)
    g_main_context_iteration(NULL, TRUE);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
  g_clear_object(&f->modem);
  g_dbus_connection_unregister_object(f->server, f->registration);
  g_dbus_node_info_unref(f->peer_info);
  g_dbus_connection_close_sync(f->client, NULL, NULL);
  g_clear_object(&f->client);
  g_clear_object(&f->server);
}

static void
set_cached(Fixture *f, const char *property, GVariant *value)
{
  g_dbus_proxy_set_cached_property(G_DBUS_PROXY(f->modem), property, value);
}

static void
test_missing_properties(Fixture *f, gconstpointer data)
{
  g_assert_cmpint(mdbus_modem_get_state(f->modem), ==, 0);
  g_assert_null(mdbus_modem_get_signal_quality(f->modem));
  g_assert_null(mdbus_modem_get_manufacturer(f->modem));
  g_assert_null(mdbus_modem_dup_manufacturer(f->modem));
  g_assert_null(mdbus_modem_get_bearers(f->modem));
  g_assert_null(mdbus_modem_get_ports(f->modem));
  g_assert_null(mdbus_modem_dup_ports(f->modem));
}

static void
test_ill_typed_properties(Fixture *f, gconstpointer data)
{
  set_cached(f, "State", g_variant_new_string("registered"));
  set_cached(f, "PowerState", g_variant_new_int32(3));
  set_cached(f, "Manufacturer", g_variant_new_uint32(7));
  set_cached(f, "Sim", g_variant_new_string("/org/example/Modem1/SIM/0"));
  set_cached(f, "Bearers", g_variant_new_strv(NULL, 0));
  set_cached(f, "Ports", g_variant_new_uint32(1));
  set_cached(f, "SignalQuality", g_variant_new("(ii)", 80, 1));

  g_assert_cmpint(mdbus_modem_get_state(f->modem), ==, 0);
  g_assert_cmpuint(mdbus_modem_get_power_state(f->modem), ==, 0);
  g_assert_null(mdbus_modem_get_manufacturer(f->modem));
  g_assert_null(mdbus_modem_get_sim(f->modem)); /* a string is no object path */
  g_assert_null(mdbus_modem_get_bearers(f->modem));
  g_assert_null(mdbus_modem_get_ports(f->modem));
  g_assert_null(mdbus_modem_get_signal_quality(f->modem));
}

static void
test_well_typed_properties(Fixture *f, gconstpointer data)
{
  const char *const bearers[]
      = { "/org/example/Modem1/Bearer/0", "/org/example/Modem1/Bearer/1", NULL };
  const char *const *first;

  set_cached(f, "State", g_variant_new_int32(8));
  set_cached(f, "Manufacturer", g_variant_new_string("Example"));
  set_cached(f, "Bearers", g_variant_new_objv(bearers, -1));
  set_cached(f, "SignalQuality", g_variant_new("(ub)", 80, TRUE));

  g_assert_cmpint(mdbus_modem_get_state(f->modem), ==, 8);
  g_assert_cmpstr(mdbus_modem_get_manufacturer(f->modem), ==, "Example");
  first = mdbus_modem_get_bearers(f->modem);
  g_assert_nonnull(first);
  g_assert_cmpstrv(first, bearers);
  /* The same cached value gives the same array: earlier pointers stay valid. */
  g_assert_true(mdbus_modem_get_bearers(f->modem) == first);
  g_assert_true(
      g_variant_is_of_type(mdbus_modem_get_signal_quality(f->modem), G_VARIANT_TYPE("(ub)")));

  set_cached(f, "Bearers", g_variant_new_objv(bearers + 1, -1));
  g_assert_cmpstr(mdbus_modem_get_bearers(f->modem)[0], ==, bearers[1]);
  g_assert_null(mdbus_modem_get_bearers(f->modem)[1]);
}

static void
on_call_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref(res);
}

/* The peer answers in this thread's main context: calls are made asynchronously
 * and their results collected by iterating it. */
static GAsyncResult *
wait_for(GAsyncResult **result)
{
  while (!*result)
    g_main_context_iteration(NULL, TRUE);
  return *result;
}

static void
test_call_checks_reply(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) enabled = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  GVariantBuilder properties;

  mdbus_modem_call_enable(f->modem, TRUE, NULL, on_call_done, &enabled);
  g_assert_true(mdbus_modem_call_enable_finish(f->modem, wait_for(&enabled), &error));
  g_assert_no_error(error);
  g_assert_true(f->enabled);

  g_variant_builder_init(&properties, G_VARIANT_TYPE_VARDICT);
  mdbus_modem_call_create_bearer(f->modem, g_variant_builder_end(&properties), NULL, on_call_done,
                                 &created);
  g_assert_false(
      mdbus_modem_call_create_bearer_finish(f->modem, &path, wait_for(&created), &error));
  g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null(path);
}

typedef struct {
  int calls;
  int old_state, new_state;
  guint reason;
} StateChanges;

static void
on_state_changed(MdbusModem *modem, gint old_state, gint new_state, guint reason,
                 gpointer user_data)
{
  StateChanges *changes = user_data;

  changes->calls++;
  changes->old_state = old_state;
  changes->new_state = new_state;
  changes->reason = reason;
}

static void
emit(Fixture *f, const char *interface, const char *signal, GVariant *parameters)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal(f->server, NULL, MODEM_PATH, interface, signal, parameters, &error);
  g_assert_no_error(error);
}

static void
test_signal_arguments_checked(Fixture *f, gconstpointer data)
{
  StateChanges changes = { 0 };
  gulong id = mdbus_modem_connect_state_changed(f->modem, on_state_changed, &changes);

  emit(f, MODEM_INTERFACE, "StateChanged", g_variant_new("(ss)", "a", "b"));
  emit(f, MODEM_INTERFACE, "Other", g_variant_new("(iiu)", 1, 2, 3));
  emit(f, MODEM_INTERFACE, "StateChanged", g_variant_new("(iiu)", 3, 5, 1));
  /* Signals arrive in order: once the good one is in, the others were seen. */
  while (changes.calls == 0)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpint(changes.calls, ==, 1);
  g_assert_cmpint(changes.old_state, ==, 3);
  g_assert_cmpint(changes.new_state, ==, 5);
  g_assert_cmpuint(changes.reason, ==, 1);

  /* Disconnecting by data finds the handler, as it did with gdbus-codegen. */
  g_assert_cmpuint(g_signal_handlers_disconnect_by_data(f->modem, &changes), ==, 1);
  g_assert_false(g_signal_handler_is_connected(f->modem, id));
}

static void
on_property_changed(GDBusProxy *proxy, const char *property, gpointer user_data)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add(seen, g_strdup(property));
}

static void
test_property_changed(Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
  const char *const invalidated[] = { "Model", NULL };
  const char *const none[] = { NULL };
  GVariantBuilder changed;

  mdbus_client_connect_property_changed(f->modem, "State", on_property_changed, seen);
  mdbus_client_connect_property_changed(f->modem, "Model", on_property_changed, seen);

  g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&changed, "{sv}", "Revision", g_variant_new_string("1"));
  emit(f, "org.freedesktop.DBus.Properties", "PropertiesChanged",
       g_variant_new("(sa{sv}^as)", MODEM_INTERFACE, &changed, none));
  g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&changed, "{sv}", "State", g_variant_new_int32(11));
  emit(f, "org.freedesktop.DBus.Properties", "PropertiesChanged",
       g_variant_new("(sa{sv}^as)", MODEM_INTERFACE, &changed, invalidated));
  while (seen->len < 2)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpuint(seen->len, ==, 2);
  g_assert_cmpstr(g_ptr_array_index(seen, 0), ==, "State");
  g_assert_cmpstr(g_ptr_array_index(seen, 1), ==, "Model");
  g_assert_cmpint(mdbus_modem_get_state(f->modem), ==, 11);
  g_assert_cmpuint(g_signal_handlers_disconnect_by_data(f->modem, seen), ==, 2);
}

static void
add(const char *name, void (*test)(Fixture *, gconstpointer))
{
  g_test_add(name, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  add("/mdbus-client/missing-properties", test_missing_properties);
  add("/mdbus-client/ill-typed-properties", test_ill_typed_properties);
  add("/mdbus-client/well-typed-properties", test_well_typed_properties);
  add("/mdbus-client/call-checks-reply", test_call_checks_reply);
  add("/mdbus-client/signal-arguments-checked", test_signal_arguments_checked);
  add("/mdbus-client/property-changed", test_property_changed);
  return g_test_run();
}
