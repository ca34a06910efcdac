/* The daemon's generated skeletons (mdbus-generated.[ch] over
 * mdbus-server-runtime.c) keep gdbus-codegen's behaviour: what a peer reads of
 * unset properties, notify only on change, one PropertiesChanged per main loop
 * iteration with the values that differ, method arguments checked by GDBus and
 * handed to handle-* signals, D-Bus signals, property writes by access. The
 * peer is a private connection over a socket pair, so no bus is needed. */
#include <gio/gio.h>
#include <sys/socket.h>

#include "mdbus-generated.h"
#include "mdbus-server-info.h"

#define PATH "/org/example/Modem1/Modem/0"
#define MODEM "org.example.Modem1.Modem"

typedef struct {
  GDBusConnection *server;
  GDBusConnection *client;
  MdbusModem *modem;
  GPtrArray *signals; /* (s@*): the name and parameters of each signal received */
} Fixture;

static void
on_connection(GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GDBusConnection **)user_data = g_dbus_connection_new_finish(res, NULL);
}

static GIOStream *
stream_of(int fd)
{
  g_autoptr(GSocket) socket = g_socket_new_from_fd(fd, NULL);

  g_assert_nonnull(socket);
  return G_IO_STREAM(g_socket_connection_factory_create_connection(socket));
}

static void
on_signal(GDBusConnection *connection, const char *sender, const char *path, const char *interface,
          const char *name, GVariant *parameters, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add(f->signals, g_variant_ref_sink(g_variant_new("(s@*)", name, parameters)));
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
  g_dbus_connection_new(server_stream, guid, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER, NULL,
                        NULL, on_connection, &f->server);
  g_dbus_connection_new(client_stream, NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL,
                        NULL, on_connection, &f->client);
  while (!f->server || !f->client)
    g_main_context_iteration(NULL, TRUE);
  f->signals = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
  g_dbus_connection_signal_subscribe(f->client, NULL, NULL, NULL, PATH, NULL,
                                     G_DBUS_SIGNAL_FLAGS_NONE, on_signal, f, NULL);
  f->modem = mdbus_modem_skeleton_new();
  g_assert_true(g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(f->modem), f->server,
                                                 PATH, &error));
  g_assert_no_error(error);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
  g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(f->modem));
  g_object_unref(f->modem);
  g_ptr_array_unref(f->signals);
  g_dbus_connection_close_sync(f->client, NULL, NULL);
  g_object_unref(f->client);
  g_object_unref(f->server);
}

static void
on_reply(GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref(res);
}

/* A call from the peer, answered while the main loop runs. */
static GVariant *
call(Fixture *f, const char *interface, const char *method, GVariant *parameters, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_dbus_connection_call(f->client, NULL, PATH, interface, method, parameters, NULL,
                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_reply, &result);
  while (!result)
    g_main_context_iteration(NULL, TRUE);
  return g_dbus_connection_call_finish(f->client, result, error);
}

static GVariant *
get_property(Fixture *f, const char *interface, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call(f, "org.freedesktop.DBus.Properties", "Get",
                                   g_variant_new("(ss)", interface, name), &error);
  GVariant *value;

  g_assert_no_error(error);
  g_variant_get(reply, "(v)", &value);
  return value;
}

/* The next signal the peer receives: its name and parameters. */
static GVariant *
next_signal(Fixture *f, const char **name)
{
  static GVariant *last;

  while (f->signals->len == 0)
    g_main_context_iteration(NULL, TRUE);
  g_clear_pointer(&last, g_variant_unref);
  last = g_ptr_array_steal_index(f->signals, 0);
  g_variant_get(last, "(&s@*)", name, NULL);
  return g_variant_get_child_value(last, 1);
}

/* The text of value, valid until the next call. */
static const char *
printed(GVariant *value)
{
  static gchar *text;

  g_free(text);
  text = g_variant_print(value, FALSE);
  return text;
}

static void
test_unset_properties(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) manufacturer = get_property(f, MODEM, "Manufacturer");
  g_autoptr(GVariant) sim = get_property(f, MODEM, "Sim");
  g_autoptr(GVariant) bearers = get_property(f, MODEM, "Bearers");
  g_autoptr(GVariant) quality = get_property(f, MODEM, "SignalQuality");

  /* In C: 0 and NULL, as gdbus-codegen's skeletons; on D-Bus: the type's zero. */
  g_assert_null(mdbus_modem_get_manufacturer(f->modem));
  g_assert_null(mdbus_modem_get_bearers(f->modem));
  g_assert_null(mdbus_modem_get_signal_quality(f->modem));
  g_assert_cmpint(mdbus_modem_get_state(f->modem), ==, 0);
  g_assert_cmpstr(g_variant_get_string(manufacturer, NULL), ==, "");
  g_assert_cmpstr(g_variant_get_string(sim, NULL), ==, "/");
  g_assert_cmpstr(g_variant_get_type_string(bearers), ==, "ao");
  g_assert_cmpuint(g_variant_n_children(bearers), ==, 0);
  g_assert_cmpstr(printed(quality), ==, "(0, false)");
}

static void
count_notify(GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *)user_data)++;
}

static void
test_notify_on_change_only(Fixture *f, gconstpointer data)
{
  const char *const ports[] = { "cdc-wdm0", "wwan0", NULL };
  guint notified = 0;
  const gchar *const *borrowed;
  g_autofree gchar *copied = NULL;

  g_signal_connect(f->modem, "notify::equipment-identifier", G_CALLBACK(count_notify), &notified);
  mdbus_modem_set_equipment_identifier(f->modem, "356938035643809");
  mdbus_modem_set_equipment_identifier(f->modem, "356938035643809");
  g_assert_cmpuint(notified, ==, 1);
  mdbus_modem_set_equipment_identifier(f->modem, NULL);
  g_assert_cmpuint(notified, ==, 2);
  g_assert_null(mdbus_modem_get_equipment_identifier(f->modem));

  /* Arrays are borrowed from the skeleton until the property is set again. */
  mdbus_modem_set_drivers(f->modem, ports);
  borrowed = mdbus_modem_get_drivers(f->modem);
  g_assert_true(borrowed == mdbus_modem_get_drivers(f->modem));
  g_assert_cmpstrv(borrowed, ports);

  /* The GObject properties are the skeleton's, as the core uses them. */
  g_object_set(f->modem, "manufacturer", "Quectel", NULL);
  g_assert_cmpstr(mdbus_modem_get_manufacturer(f->modem), ==, "Quectel");
  g_object_get(f->modem, "manufacturer", &copied, NULL);
  g_assert_cmpstr(copied, ==, "Quectel");
}

/* Criticals are fatal in tests: the cases that log one run in a subprocess,
 * where they are not, and must go on. */
static gboolean
in_subprocess_with_criticals(void)
{
  if (!g_test_subprocess())
    return FALSE;
  g_log_set_always_fatal(G_LOG_FATAL_MASK);
  return TRUE;
}

static void
test_wrong_type_refused(void)
{
  g_autoptr(MdbusModem) modem = NULL;

  if (!in_subprocess_with_criticals()) {
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*SignalQuality is of type (ub), not (uu)*");
    return;
  }
  modem = mdbus_modem_skeleton_new();
  mdbus_modem_set_signal_quality(modem, g_variant_new("(ub)", 70, TRUE));
  mdbus_modem_set_signal_quality(modem, g_variant_new("(uu)", 1, 2));
  g_assert_cmpstr(printed(mdbus_modem_get_signal_quality(modem)), ==, "(70, true)");
}

static void
test_properties_changed_batched(Fixture *f, gconstpointer data)
{
  const char *name;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) again = NULL;
  g_autoptr(GVariant) changes = NULL;
  gint32 state;

  mdbus_modem_set_state(f->modem, 3);
  mdbus_modem_set_state(f->modem, 6);
  mdbus_modem_set_model(f->modem, "EM7455");
  changed = next_signal(f, &name);
  g_assert_cmpstr(name, ==, "PropertiesChanged");
  changes = g_variant_get_child_value(changed, 1);
  g_assert_cmpuint(g_variant_n_children(changes), ==, 2);
  g_assert_true(g_variant_lookup(changes, "State", "i", &state));
  g_assert_cmpint(state, ==, 6);

  /* A value changed and changed back is not announced; a flush sends at once,
   * and the peer receives signals in order: the next one is the model's. */
  mdbus_modem_set_state(f->modem, 7);
  mdbus_modem_set_state(f->modem, 6);
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(f->modem));
  mdbus_modem_set_model(f->modem, "EM7565");
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(f->modem));
  again = next_signal(f, &name);
  g_assert_cmpstr(printed(again), ==, "('org.example.Modem1.Modem', {'Model': <'EM7565'>}, [])");
}

static gboolean
on_handle_enable(MdbusModem *modem, GDBusMethodInvocation *invocation, gboolean enable,
                 gpointer user_data)
{
  *(gboolean *)user_data = enable;
  mdbus_modem_complete_enable(modem, invocation);
  return TRUE;
}

static gboolean
on_handle_create_bearer(MdbusModem *modem, GDBusMethodInvocation *invocation, GVariant *properties,
                        gpointer user_data)
{
  const char *apn = NULL;

  g_assert_true(g_variant_lookup(properties, "apn", "&s", &apn));
  g_assert_cmpstr(apn, ==, "internet");
  mdbus_modem_complete_create_bearer(modem, invocation, "/org/example/Modem1/Bearer/0");
  return TRUE;
}

static void
test_methods(Fixture *f, gconstpointer data)
{
  gboolean enabled = FALSE;
  GVariantDict bearer;
  g_autoptr(GError) wrong_type = NULL;
  g_autoptr(GError) unhandled = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) created = NULL;

  g_signal_connect(f->modem, "handle-enable", G_CALLBACK(on_handle_enable), &enabled);
  g_signal_connect(f->modem, "handle-create-bearer", G_CALLBACK(on_handle_create_bearer), NULL);
  reply = call(f, MODEM, "Enable", g_variant_new("(b)", TRUE), NULL);
  g_assert_nonnull(reply);
  g_assert_true(enabled);

  g_variant_dict_init(&bearer, NULL);
  g_variant_dict_insert(&bearer, "apn", "s", "internet");
  created = call(f, MODEM, "CreateBearer", g_variant_new("(@a{sv})", g_variant_dict_end(&bearer)),
                 NULL);
  g_assert_cmpstr(g_variant_get_type_string(created), ==, "(o)");
  g_assert_cmpstr(printed(created), ==, "('/org/example/Modem1/Bearer/0',)");

  /* GDBus refuses arguments of the wrong type before any handler runs. */
  enabled = FALSE;
  g_assert_null(call(f, MODEM, "Enable", g_variant_new("(s)", "yes"), &wrong_type));
  g_assert_error(wrong_type, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_false(enabled);
  g_assert_null(call(f, MODEM, "Reset", NULL, &unhandled));
  g_assert_error(unhandled, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
}

static void
on_state_changed(MdbusModem *modem, gint old, gint new, guint reason, gpointer user_data)
{
  g_string_append_printf(user_data, "%d>%d:%u", old, new, reason);
}

static void
test_signals(Fixture *f, gconstpointer data)
{
  g_autoptr(GString) seen = g_string_new(NULL);
  const char *name;
  g_autoptr(GVariant) parameters = NULL;

  g_signal_connect(f->modem, "state-changed", G_CALLBACK(on_state_changed), seen);
  mdbus_modem_emit_state_changed(f->modem, 3, 5, 1);
  g_assert_cmpstr(seen->str, ==, "3>5:1");
  parameters = next_signal(f, &name);
  g_assert_cmpstr(name, ==, "StateChanged");
  g_assert_cmpstr(g_variant_get_type_string(parameters), ==, "(iiu)");
  g_assert_cmpstr(printed(parameters), ==, "(3, 5, 1)");
}

/* An interface with a property the peer may write, as none of ours has yet. */
static MdbusServerInterface settings_iface = {
  "TestSettingsSkeleton",
  "org.example.Test.Settings\nPbs Label\nPru Count",
};

static void
set_property_remotely(Fixture *f, const char *name, GVariant *value, GError **error)
{
  g_autoptr(GVariant) reply
      = call(f, "org.freedesktop.DBus.Properties", "Set",
             g_variant_new("(ssv)", "org.example.Test.Settings", name, value), error);

  (void)reply; /* Set answers nothing: only the error tells */
}

static void
test_property_access(Fixture *f, gconstpointer data)
{
  g_autoptr(GDBusInterfaceSkeleton) settings = mdbus_server_new(&settings_iface);
  g_autoptr(GError) read_only = NULL;
  g_autoptr(GError) wrong_type = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_assert_true(g_dbus_interface_skeleton_export(settings, f->server, PATH, &error));
  g_signal_connect(settings, "notify::label", G_CALLBACK(count_notify), &notified);
  set_property_remotely(f, "Label", g_variant_new_string("home"), &error);
  g_assert_no_error(error);
  g_assert_cmpstr(mdbus_server_get_string(settings, 0), ==, "home");
  g_assert_cmpuint(notified, ==, 1);

  set_property_remotely(f, "Count", g_variant_new_uint32(3), &read_only);
  g_assert_nonnull(read_only);
  g_assert_null(mdbus_server_peek(settings, 1));
  set_property_remotely(f, "Label", g_variant_new_uint32(3), &wrong_type);
  g_assert_error(wrong_type, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_cmpstr(mdbus_server_get_string(settings, 0), ==, "home");
  g_dbus_interface_skeleton_unexport(settings);
}

static void
test_objects(Fixture *f, gconstpointer data)
{
  g_autoptr(MdbusObjectSkeleton) object = mdbus_object_skeleton_new("/org/example/Modem1/Modem/1");
  g_autoptr(MdbusModemModem3gpp) modem3gpp = mdbus_modem_modem3gpp_skeleton_new();
  g_autoptr(MdbusModemModem3gpp) got = NULL;

  g_assert_null(mdbus_object_peek_modem_modem3gpp(MDBUS_OBJECT(object)));
  mdbus_object_skeleton_set_modem_modem3gpp(object, modem3gpp);
  g_assert_true(mdbus_object_peek_modem_modem3gpp(MDBUS_OBJECT(object)) == modem3gpp);
  g_assert_null(mdbus_object_peek_modem(MDBUS_OBJECT(object)));
  got = mdbus_object_get_modem_modem3gpp(MDBUS_OBJECT(object));
  g_assert_true(MDBUS_IS_MODEM_MODEM3GPP(got));
  g_assert_false(MDBUS_IS_MODEM(got));
  mdbus_object_skeleton_set_modem_modem3gpp(object, NULL);
  g_assert_null(mdbus_object_peek_modem_modem3gpp(MDBUS_OBJECT(object)));
}

static void
test_bad_description(void)
{
  if (!in_subprocess_with_criticals()) {
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*Bad line*\"<s\"*Bad line*\"Pxs Name\"*");
    return;
  }
  /* An argument without a name, a property of unknown access. */
  g_assert_null(mdbus_server_info_parse("org.example.Test\nMStart\n<s\nPrs Name"));
  g_assert_null(mdbus_server_info_parse("org.example.Test\nPxs Name"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/mdbus-server/unset-properties", Fixture, NULL, fixture_set_up, test_unset_properties,
             fixture_tear_down);
  g_test_add("/mdbus-server/notify-on-change-only", Fixture, NULL, fixture_set_up,
             test_notify_on_change_only, fixture_tear_down);
  g_test_add_func("/mdbus-server/wrong-type-refused", test_wrong_type_refused);
  g_test_add("/mdbus-server/properties-changed-batched", Fixture, NULL, fixture_set_up,
             test_properties_changed_batched, fixture_tear_down);
  g_test_add("/mdbus-server/methods", Fixture, NULL, fixture_set_up, test_methods,
             fixture_tear_down);
  g_test_add("/mdbus-server/signals", Fixture, NULL, fixture_set_up, test_signals,
             fixture_tear_down);
  g_test_add("/mdbus-server/property-access", Fixture, NULL, fixture_set_up, test_property_access,
             fixture_tear_down);
  g_test_add("/mdbus-server/objects", Fixture, NULL, fixture_set_up, test_objects,
             fixture_tear_down);
  g_test_add_func("/mdbus-server/bad-description", test_bad_description);
  return g_test_run();
}
