/* What core tests share: a private bus (GTestDBus), an exporter on it, one
 * modem of the test plugin (test-backend.h) created per test, and calls from a
 * client connection that iterate the main loop until answered. */
#pragma once

#include <gio/gio.h>

#include "modem-create.h"
#include "test-backend.h"

G_BEGIN_DECLS

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

/* data: a TestBackendConfig. */
void fixture_set_up(Fixture *f, gconstpointer data);
void fixture_tear_down(Fixture *f, gconstpointer data);
/* Runs the main loop until nothing is pending. */
void settle(void);
void iterate_until(gboolean *flag);

typedef struct _Pending Pending;
/* iface: relative to org.example.Modem1 ("Modem.Simple", "" for the manager). */
Pending *call_start(Fixture *f, const char *path, const char *iface, const char *method,
                    GVariant *params);
gboolean call_done_yet(Pending *p);
/* The reply, or NULL with the D-Bus error name in *error_name. */
GVariant *call_finish(Pending *p, char **error_name);
GVariant *call_ok(Fixture *f, const char *path, const char *iface, const char *method,
                  GVariant *params);
void call_fails(Fixture *f, const char *path, const char *iface, const char *method,
                GVariant *params, const char *expected_error);
const char *modem_path(Fixture *f);

#define ERR(name) MMD_DBUS_ERROR_PREFIX "." name

G_END_DECLS
