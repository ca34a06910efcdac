/* The signal room: quality, extended values, and when to ask for them. */
#define G_LOG_DOMAIN "modemd-signal"

#include "modem-signal.h"

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"
#include "providers.h"

#define QUALITY_REFRESH_S 30
/* A polled quality not updated for this long is no longer "recent" (the
 * reference's rule): one timer after the last update. A modem that reports
 * its signal itself would have told us of a change, so its quality stays
 * recent and no timer wakes anyone. */
#define QUALITY_RECENT_S 60

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemSignal *iface;
  guint rate;
  guint quality_refresh_id;
  guint values_refresh_id;
  guint recent_id;
  gboolean events; /* the modem reports changes itself: no polling */
} SignalRoom;

static const char room_key[] = "signal";
static const char *const techs[] = { "gsm", "umts", "lte", "nr5g" };

static SignalRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static void
refresh_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug("signal refresh failed: %s", error->message);
}

static gboolean
refresh(gpointer user_data)
{
  SignalRoom *room = user_data;
  const MmdProvider *p = MMD_PROVIDER_FIND(room->providers, MmdSignalOps, refresh);

  if (p && !mmd_modem_is_gone(room->modem))
    MMD_PROVIDER_OP(p, MmdSignalOps, refresh)
  (p->backend, mmd_modem_get_cancellable(room->modem), refresh_done, NULL);
  return G_SOURCE_CONTINUE;
}

static GVariant *
empty_dict(void)
{
  return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

static void
clear_values(SignalRoom *room)
{
  mdbus_modem_set_signal_quality(mmd_modem_get_iface(room->modem), g_variant_new("(ub)", 0, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS(techs); i++)
    mmd_modem_set_signal_values(room->modem, techs[i], NULL);
}

static void
stop_timers(SignalRoom *room)
{
  g_clear_handle_id(&room->recent_id, g_source_remove);
  g_clear_handle_id(&room->quality_refresh_id, g_source_remove);
  g_clear_handle_id(&room->values_refresh_id, g_source_remove);
}

static void
start_polling(SignalRoom *room)
{
  if (room->quality_refresh_id)
    return;
  refresh(room);
  room->quality_refresh_id = g_timeout_add_seconds(QUALITY_REFRESH_S, refresh, room);
}

static void
events_set_up(GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignalRoom *room = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error)) {
    room->events = TRUE;
    g_clear_handle_id(&room->recent_id, g_source_remove);
    return;
  }
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  room->events = FALSE;
  g_message("%s: the modem will not report signal changes (%s): polling every %u s",
            mmd_modem_get_path(room->modem), error->message, QUALITY_REFRESH_S);
  if (mmd_modem_state_is_enabled(mmd_modem_get_state(room->modem)))
    start_polling(room);
}

/* Signal changes come as events when the modem can report them, so that an
 * idle modem wakes nobody; polling only for modems that cannot, and for the
 * extended values at the rate a client asked for with Setup. */
static void
follow_signal(SignalRoom *room)
{
  const MmdProvider *p = MMD_PROVIDER_FIND(room->providers, MmdSignalOps, setup_events);

  if (!p) {
    start_polling(room);
    return;
  }
  MMD_PROVIDER_OP(p, MmdSignalOps, setup_events)
  (p->backend, mdbus_modem_signal_get_rssi_threshold(room->iface),
   mmd_modem_get_cancellable(room->modem), events_set_up, room);
}

static void
state_changed(MmdModem *modem, int old_state, int new_state, SignalRoom *room)
{
  gboolean enabled = mmd_modem_state_is_enabled(new_state);

  if (enabled && !mmd_modem_state_is_enabled(old_state)) {
    follow_signal(room);
  } else if (!enabled) {
    room->events = FALSE;
    stop_timers(room);
    if (new_state >= MMD_MODEM_STATE_DISABLED)
      clear_values(room);
  }
  if (enabled && room->rate && !room->values_refresh_id)
    room->values_refresh_id = g_timeout_add_seconds(room->rate, refresh, room);
}

static void
setup_run(MmdCall *call)
{
  SignalRoom *room = mmd_call_get_data(call);
  guint32 rate;

  g_variant_get(mmd_call_get_parameters(call), "(u)", &rate);
  if (rate > 3600) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Rate must be 0 to 3600 seconds");
    return;
  }
  if (!MMD_PROVIDER_FIND(room->providers, MmdSignalOps, refresh)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Extended signal is not supported by this modem");
    return;
  }
  room->rate = rate;
  mdbus_modem_signal_set_rate(room->iface, rate);
  g_clear_handle_id(&room->values_refresh_id, g_source_remove);
  if (rate && mmd_modem_state_is_enabled(mmd_modem_get_state(room->modem))) {
    refresh(room);
    room->values_refresh_id = g_timeout_add_seconds(rate, refresh, room);
  }
  mmd_call_return(call, NULL);
}

static void
setup_thresholds_run(MmdCall *call)
{
  SignalRoom *room = mmd_call_get_data(call);
  g_autoptr(GVariant) settings = NULL;
  guint32 rssi = mdbus_modem_signal_get_rssi_threshold(room->iface);
  gboolean error_rate = mdbus_modem_signal_get_error_rate_threshold(room->iface);
  guint known = 0;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &settings);
  known += g_variant_lookup(settings, "rssi-threshold", "u", &rssi) ? 1 : 0;
  known += g_variant_lookup(settings, "error-rate-threshold", "b", &error_rate) ? 1 : 0;
  if (known == 0 || known != g_variant_n_children(settings) || rssi > 100) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Give \"rssi-threshold\" (u, dB, up to 100) and/or "
                              "\"error-rate-threshold\" (b)");
    return;
  }
  if (!MMD_PROVIDER_FIND(room->providers, MmdSignalOps, setup_events)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "This modem cannot report signal changes by thresholds");
    return;
  }
  mdbus_modem_signal_set_rssi_threshold(room->iface, rssi);
  mdbus_modem_signal_set_error_rate_threshold(room->iface, error_rate);
  if (room->events)
    follow_signal(room);
  mmd_call_return(call, NULL);
}

static const MmdMethod signal_methods[] = {
  { "Setup", MMD_AUTH_DEVICE_CONTROL, setup_run },
  { "SetupThresholds", MMD_AUTH_DEVICE_CONTROL, setup_thresholds_run },
};

static void
going_away(MmdModem *modem, SignalRoom *room)
{
  stop_timers(room);
}

static void
room_free(SignalRoom *room)
{
  stop_timers(room);
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static SignalRoom *
ensure_room(MmdModem *modem)
{
  SignalRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(SignalRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->iface = mdbus_modem_signal_skeleton_new();
  mdbus_modem_signal_set_cdma(room->iface, empty_dict());
  mdbus_modem_signal_set_evdo(room->iface, empty_dict());
  for (guint i = 0; i < G_N_ELEMENTS(techs); i++)
    g_object_set(room->iface, techs[i], empty_dict(), NULL);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, signal_methods, modem, room);
  g_signal_connect(modem, "state-changed", G_CALLBACK(state_changed), room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  mdbus_object_skeleton_set_modem_signal(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_signal(MmdModem *modem, const MmdSignalOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

gboolean
mmd_modem_signal_has_timer(MmdModem *modem)
{
  SignalRoom *room = room_of(modem);

  return room && (room->quality_refresh_id || room->values_refresh_id || room->recent_id);
}

/* Setters (ops-signal.h) */

static gboolean
quality_aged(gpointer user_data)
{
  SignalRoom *room = user_data;
  MdbusModem *iface = mmd_modem_get_iface(room->modem);
  guint32 percent;

  room->recent_id = 0;
  g_variant_get(mdbus_modem_get_signal_quality(iface), "(ub)", &percent, NULL);
  mdbus_modem_set_signal_quality(iface, g_variant_new("(ub)", percent, FALSE));
  return G_SOURCE_REMOVE;
}

void
mmd_modem_set_signal_quality(MmdModem *modem, guint percent)
{
  SignalRoom *room = room_of(modem);

  mdbus_modem_set_signal_quality(mmd_modem_get_iface(modem),
                                 g_variant_new("(ub)", MIN(percent, 100u), TRUE));
  if (room && !room->events) {
    g_clear_handle_id(&room->recent_id, g_source_remove);
    room->recent_id = g_timeout_add_seconds(QUALITY_RECENT_S, quality_aged, room);
  }
}

void
mmd_modem_set_signal_values(MmdModem *modem, const char *tech, GVariant *values)
{
  SignalRoom *room = room_of(modem);
  g_autoptr(GVariant) owned = values ? g_variant_ref_sink(values) : NULL;

  if (!room || !g_strv_contains(techs, tech)) {
    g_warning("%s: no signal values for '%s'", mmd_modem_get_path(modem), tech);
    return;
  }
  g_object_set(room->iface, tech, owned ? owned : empty_dict(), NULL);
}
