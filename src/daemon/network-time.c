/* The time room: GetNetworkTime, NetworkTimezone, NetworkTimeChanged. */
#define G_LOG_DOMAIN "modemd-time"

#include "network-time.h"

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "providers.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemTime *iface;
  char *last_time;
} TimeRoom;

static const char room_key[] = "time";

static TimeRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static void
time_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  g_autofree char *time = g_task_propagate_pointer(G_TASK(result), &error);
  g_autofree char *text = NULL;

  if (!time) {
    mmd_call_return_error(user_data, error);
    return;
  }
  text = g_utf8_make_valid(time, -1);
  mmd_call_return(user_data, g_variant_new("(s)", text));
}

static void
get_network_time_run(MmdCall *call)
{
  TimeRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = MMD_PROVIDER_FIND(room->providers, MmdTimeOps, get_network_time);

  if (p) {
    MMD_PROVIDER_OP(p, MmdTimeOps, get_network_time)
    (p->backend, mmd_modem_get_cancellable(room->modem), time_read, call);
  } else if (room->last_time) {
    mmd_call_return(call, g_variant_new("(s)", room->last_time));
  } else {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "The network has not sent its time");
  }
}

static const MmdMethod time_methods[] = {
  { "GetNetworkTime", MMD_AUTH_TIME, get_network_time_run },
};

static void
room_free(TimeRoom *room)
{
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room->last_time);
  g_free(room);
}

static TimeRoom *
ensure_room(MmdModem *modem)
{
  TimeRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(TimeRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->iface = mdbus_modem_time_skeleton_new();
  mdbus_modem_time_set_network_timezone(room->iface,
                                        g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, time_methods, modem, room);
  mdbus_object_skeleton_set_modem_time(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_time(MmdModem *modem, const MmdTimeOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

static GVariant *
zone_variant(const MmdTimezone *zone)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  if (zone && zone->offset_minutes != MMD_TIMEZONE_UNKNOWN)
    g_variant_builder_add(&b, "{sv}", "offset", g_variant_new_int32(zone->offset_minutes));
  if (zone && zone->dst_minutes != MMD_TIMEZONE_UNKNOWN)
    g_variant_builder_add(&b, "{sv}", "dst-offset", g_variant_new_int32(zone->dst_minutes));
  if (zone && zone->leap_seconds != MMD_TIMEZONE_UNKNOWN)
    g_variant_builder_add(&b, "{sv}", "leap-seconds", g_variant_new_int32(zone->leap_seconds));
  return g_variant_builder_end(&b);
}

void
mmd_modem_report_network_time(MmdModem *modem, const char *iso8601, const MmdTimezone *zone)
{
  TimeRoom *room = room_of(modem);

  if (!room || !iso8601)
    return;
  g_free(room->last_time);
  room->last_time = g_utf8_make_valid(iso8601, -1);
  mdbus_modem_time_set_network_timezone(room->iface, zone_variant(zone));
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(room->iface));
  g_debug("%s: network time %s", mmd_modem_get_path(modem), room->last_time);
  mdbus_modem_time_emit_network_time_changed(room->iface, room->last_time);
}
