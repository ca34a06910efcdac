/* Shared core test fixture (see core-fixture.h). */
#include "core-fixture.h"

#include "mmd-errors.h"

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

void
iterate_until(gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration(NULL, TRUE);
}

void
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

void
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

void
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

struct _Pending {
  gboolean done;
  GVariant *reply;
  GError *error;
};

static void
call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *p = user_data;

  p->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &p->error);
  p->done = TRUE;
}

Pending *
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
GVariant *
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

GVariant *
call_ok(Fixture *f, const char *path, const char *iface, const char *method, GVariant *params)
{
  g_autofree char *error_name = NULL;
  GVariant *reply = call_finish(call_start(f, path, iface, method, params), &error_name);

  g_assert_cmpstr(error_name, ==, NULL);
  return reply;
}

void
call_fails(Fixture *f, const char *path, const char *iface, const char *method, GVariant *params,
           const char *expected_error)
{
  g_autofree char *error_name = NULL;
  GVariant *reply = call_finish(call_start(f, path, iface, method, params), &error_name);

  g_assert_null(reply);
  g_assert_cmpstr(error_name, ==, expected_error);
}

const char *
modem_path(Fixture *f)
{
  return mmd_modem_get_path(f->modem);
}

gboolean
call_done_yet(Pending *p)
{
  return p->done;
}
