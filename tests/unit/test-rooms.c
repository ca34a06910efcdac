/* The rooms of events through D-Bus with the test backend: signal changes
 * without polling, network time, location, cell broadcast. */
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "auth.h"
#include "cell-broadcast.h"
#include "core-fixture.h"
#include "mmd-errors.h"
#include "modem-signal.h"
#include "plugin-registry.h"

static const TestBackendConfig events_config
    = { TEST_CAP_ALL | TEST_CAP_EVENTS, FALSE, FALSE, TRUE, FALSE };
static const TestBackendConfig no_events_config
    = { TEST_CAP_ALL | TEST_CAP_EVENTS, FALSE, FALSE, TRUE, TRUE };

static MdbusObject *
modem_object(Fixture *f)
{
  return MDBUS_OBJECT(mmd_modem_get_object(f->modem));
}

static void
enable(Fixture *f)
{
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE)));
  settle();
}

/* A modem that reports its signal is not polled; one that cannot, is. */
static void
test_signal_events(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  guint32 quality;

  enable(f);
  g_assert_cmpstr(test_backend_calls(backend), ==, "initialize,set_radio(on),signal_events(0)");
  g_assert_cmpuint(test_backend_refreshes(backend), ==, 0);
  g_variant_get(mdbus_modem_get_signal_quality(mmd_modem_get_iface(f->modem)), "(ub)", &quality,
                NULL);
  g_assert_cmpuint(quality, ==, 66);
  /* Thresholds go to the modem again. */
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Signal", "SetupThresholds",
                          g_variant_new_parsed("({'rssi-threshold': <@u 3>},)")));
  g_assert_true(g_str_has_suffix(test_backend_calls(backend), ",signal_events(3)"));
  call_fails(f, modem_path(f), "Modem.Signal", "SetupThresholds",
             g_variant_new_parsed("({'rssi-threshold': <'x'>},)"), ERR("Core.InvalidArgs"));
  g_assert_cmpuint(test_backend_refreshes(backend), ==, 0);
}

/* An enabled modem that reports its signal leaves no timer behind: not the
 * poll, not the expiry of the quality's "recent" flag. */
static void
test_signal_events_idle(Fixture *f, gconstpointer data)
{
  gboolean recent = FALSE;

  enable(f);
  g_assert_false(mmd_modem_signal_has_timer(f->modem));
  mmd_modem_set_signal_quality(f->modem, 40);
  g_assert_false(mmd_modem_signal_has_timer(f->modem));
  g_variant_get(mdbus_modem_get_signal_quality(mmd_modem_get_iface(f->modem)), "(ub)", NULL,
                &recent);
  g_assert_true(recent);
}

static void
test_signal_polled_without_events(Fixture *f, gconstpointer data)
{
  enable(f);
  g_assert_cmpuint(test_backend_refreshes(test_backend_last()), ==, 1);
  /* the poll's timer, and the expiry of what it read */
  g_assert_true(mmd_modem_signal_has_timer(f->modem));
}

typedef struct {
  char *time;
} TimeChanged;

static void
on_time_changed(GDBusConnection *connection, const char *sender, const char *path,
                const char *iface, const char *signal, GVariant *params, gpointer user_data)
{
  TimeChanged *changed = user_data;

  g_variant_get(params, "(s)", &changed->time);
}

static void
test_network_time(Fixture *f, gconstpointer data)
{
  MmdTimezone zone = { 60, 0, MMD_TIMEZONE_UNKNOWN };
  TimeChanged changed = { NULL };
  g_autoptr(GVariant) reply = NULL;
  GVariant *tz = NULL;
  gint32 offset = 0;
  guint id = g_dbus_connection_signal_subscribe(
      f->client, NULL, "org.example.Modem1.Modem.Time", "NetworkTimeChanged", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_time_changed, &changed, NULL);

  /* A round trip to the bus: the match rule is in place after it. */
  g_variant_unref(g_dbus_connection_call_sync(f->client, "org.freedesktop.DBus",
                                              "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                              "GetId", NULL, NULL, 0, -1, NULL, NULL));
  mmd_modem_report_network_time(f->modem, "2026-11-30T12:00:00+01:00", &zone);
  while (!changed.time)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpstr(changed.time, ==, "2026-11-30T12:00:00+01:00");
  tz = mdbus_modem_time_get_network_timezone(mdbus_object_peek_modem_time(modem_object(f)));
  g_assert_true(g_variant_lookup(tz, "offset", "i", &offset));
  g_assert_cmpint(offset, ==, 60);
  g_assert_false(g_variant_lookup(tz, "leap-seconds", "i", &offset));
  reply = call_ok(f, modem_path(f), "Modem.Time", "GetNetworkTime", NULL);
  g_assert_cmpstr(g_variant_get_type_string(reply), ==, "(s)");
  g_dbus_connection_signal_unsubscribe(f->client, id);
  g_free(changed.time);
}

static GVariant *
location_now(Fixture *f)
{
  return mdbus_modem_location_get_location(mdbus_object_peek_modem_location(modem_object(f)));
}

/* The value of one source in an a{uv}, or NULL. */
static GVariant *
source_value(GVariant *location, guint source)
{
  GVariantIter iter;
  guint32 key;
  GVariant *value;

  g_variant_iter_init(&iter, location);
  while (g_variant_iter_next(&iter, "{uv}", &key, &value)) {
    if (key == source)
      return value;
    g_variant_unref(value);
  }
  return NULL;
}

static void
test_location(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) cell = NULL;
  g_autoptr(GVariant) raw = NULL;
  double latitude = 0;
  guint sources = MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI | MMD_MODEM_LOCATION_SOURCE_GPS_RAW;

  call_fails(f, modem_path(f), "Modem.Location", "Setup", g_variant_new("(ub)", sources, TRUE),
             ERR("Core.WrongState"));
  enable(f);
  call_fails(f, modem_path(f), "Modem.Location", "Setup",
             g_variant_new("(ub)", MMD_MODEM_LOCATION_SOURCE_AGPS_MSA, TRUE),
             ERR("Core.Unsupported"));
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Location", "Setup", g_variant_new("(ub)", sources, TRUE)));
  g_assert_true(g_str_has_suffix(test_backend_calls(backend), ",setup_gps(0x2)"));
  /* The property follows, since the client asked for signals. */
  mmd_modem_set_3gpp_location(f->modem, "262", "01", 0, 0x1f40, 0xabcdef);
  cell = source_value(location_now(f), MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI);
  g_assert_nonnull(cell);
  g_assert_cmpstr(g_variant_get_string(cell, NULL), ==, "262,01,0,ABCDEF,1F40");
  mmd_modem_report_gps_raw(f->modem, 52.52, 13.405, 34.0, "120000.00");
  mmd_modem_report_gps_raw(f->modem, 95.0, 0, 0, "bad"); /* no such latitude: ignored */
  mmd_modem_report_gps_raw(f->modem, NAN, 0, 0, "nan");  /* nor this one */
  mmd_modem_report_gps_raw(f->modem, 0, 0, INFINITY, "inf");
  reply = call_ok(f, modem_path(f), "Modem.Location", "GetLocation", NULL);
  all = g_variant_get_child_value(reply, 0);
  g_assert_cmpuint(g_variant_n_children(all), ==, 2);
  raw = source_value(all, MMD_MODEM_LOCATION_SOURCE_GPS_RAW);
  g_assert_true(g_variant_lookup(raw, "latitude", "d", &latitude));
  g_assert_cmpfloat(latitude, ==, 52.52);
}

static guint
n_sources(GVariant *location)
{
  return (guint)g_variant_n_children(location);
}

static GVariant *
get_location(Fixture *f)
{
  g_autoptr(GVariant) reply = call_ok(f, modem_path(f), "Modem.Location", "GetLocation", NULL);

  return g_variant_get_child_value(reply, 0);
}

/* The property is readable by everyone, GetLocation only with polkit's
 * consent: without signals the property says nothing. */
static void
test_location_private_without_signals(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) known = NULL;
  guint src = MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI;

  enable(f);
  mmd_modem_set_3gpp_location(f->modem, "262", "01", 0, 0x1f40, 0xabcdef);
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Location", "Setup", g_variant_new("(ub)", src, FALSE)));
  g_assert_cmpuint(n_sources(location_now(f)), ==, 0);
  known = get_location(f);
  g_assert_cmpuint(n_sources(known), ==, 1);
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Location", "Setup", g_variant_new("(ub)", src, TRUE)));
  g_assert_cmpuint(n_sources(location_now(f)), ==, 1);
}

/* A modem reports its cell when it comes up camped on it, and later only
 * changes: what it said before Enable stands; Disable forgets it. */
static void
test_location_from_initialization(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) after_enable = NULL;
  g_autoptr(GVariant) after_disable = NULL;
  guint src = MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI;

  mmd_modem_set_3gpp_location(f->modem, "262", "01", 0, 0x1f40, 0xabcdef);
  enable(f);
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Location", "Setup", g_variant_new("(ub)", src, TRUE)));
  after_enable = get_location(f);
  g_assert_cmpuint(n_sources(after_enable), ==, 1);
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", FALSE)));
  settle();
  after_disable = get_location(f);
  g_assert_cmpuint(n_sources(after_disable), ==, 0);
}

static GBytes *
cbs_page(guint page, guint pages)
{
  /* "cbs-ucs2" of src/codec/tests/codec-vectors.h, one page of channel 50. */
  GBytes *bytes = test_hex_bytes(
      "C0000032481100410020005500430053003200200 06D006500730073006100670065002000630 06F006E007400"
      "610069006E0069006E0067002000610020043400200063006800610072006100630074006500720 00D000D");
  gsize len = 0;
  const guint8 *original = g_bytes_get_data(bytes, &len);
  guint8 *data = g_memdup2(original, len);

  g_bytes_unref(bytes);
  data[5] = page << 4 | pages;
  return g_bytes_new_take(data, len);
}

static void
deliver_page(Fixture *f, guint page, guint pages)
{
  g_autoptr(GBytes) bytes = cbs_page(page, pages);
  gsize len;
  const guint8 *data = g_bytes_get_data(bytes, &len);

  mmd_modem_cbs_received(f->modem, data, len);
  settle();
}

static void
test_cell_broadcast(Fixture *f, gconstpointer data)
{
  MdbusModemCellBroadcast *cbs = mdbus_object_peek_modem_cell_broadcast(modem_object(f));
  g_autoptr(GDBusObject) object = NULL;
  MdbusCbm *cbm;
  const char *const *paths;

  enable(f);
  deliver_page(f, 2, 2);
  g_assert_cmpuint(g_strv_length((char **)mdbus_modem_cell_broadcast_get_cell_broadcasts(cbs)), ==,
                   0);
  deliver_page(f, 1, 2);
  paths = mdbus_modem_cell_broadcast_get_cell_broadcasts(cbs);
  g_assert_cmpuint(g_strv_length((char **)paths), ==, 1);
  object = g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(f->objects), paths[0]);
  cbm = mdbus_object_peek_cbm(MDBUS_OBJECT(object));
  g_assert_cmpstr(mdbus_cbm_get_text(cbm), ==,
                  "A UCS2 message containing a д characterA UCS2 message containing a д character");
  g_assert_cmpuint(mdbus_cbm_get_channel(cbm), ==, 50);
  call_fails(f, modem_path(f), "Modem.CellBroadcast", "SetChannels",
             g_variant_new_parsed("([(@u 10, @u 5)],)"), ERR("Core.InvalidArgs"));
  g_variant_unref(call_ok(f, modem_path(f), "Modem.CellBroadcast", "SetChannels",
                          g_variant_new_parsed("([(@u 4370, @u 4383), (@u 50, @u 50)],)")));
  g_assert_true(g_str_has_suffix(test_backend_calls(test_backend_last()), ",set_channels(2)"));
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
  g_test_add("/rooms/" name, Fixture, &config, fixture_set_up, fn, fixture_tear_down)
  ADD("signal-events", events_config, test_signal_events);
  ADD("signal-events-idle", events_config, test_signal_events_idle);
  ADD("signal-polled-without-events", no_events_config, test_signal_polled_without_events);
  ADD("network-time", events_config, test_network_time);
  ADD("location", events_config, test_location);
  ADD("location-private-without-signals", events_config, test_location_private_without_signals);
  ADD("location-from-initialization", events_config, test_location_from_initialization);
  ADD("cell-broadcast", events_config, test_cell_broadcast);
#undef ADD
  return g_test_run();
}
