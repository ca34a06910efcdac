/* The location room: which sources are on, their latest values, and when
 * the Location property follows them (only when a client asked for it). */
#define G_LOG_DOMAIN "modemd-location"

#include "location.h"

#include <math.h>
#include <string.h>

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"
#include "providers.h"

#define GPS_SOURCES                                                                                \
  (MMD_MODEM_LOCATION_SOURCE_GPS_RAW | MMD_MODEM_LOCATION_SOURCE_GPS_NMEA                          \
   | MMD_MODEM_LOCATION_SOURCE_GPS_UNMANAGED)
/* Sentences of one fix kept for GetLocation: one of each type. */
#define MAX_NMEA_TYPES 16

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemLocation *iface;
  char *cell;           /* "MCC,MNC,LAC,CI,TAC", NULL when unknown */
  GVariant *raw;        /* a{sv}, NULL when no fix */
  GHashTable *nmea;     /* sentence type -> sentence */
  gint64 last_gps_sent; /* monotonic us, for GpsRefreshRate */
} LocationRoom;

static const char room_key[] = "location";

static LocationRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static guint
enabled_sources(LocationRoom *room)
{
  return mdbus_modem_location_get_enabled(room->iface);
}

static char *
nmea_text(LocationRoom *room)
{
  g_autoptr(GList) keys = g_hash_table_get_keys(room->nmea);
  GString *text = g_string_new(NULL);

  keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
  for (GList *l = keys; l; l = l->next) {
    if (text->len)
      g_string_append(text, "\r\n");
    g_string_append(text, g_hash_table_lookup(room->nmea, l->data));
  }
  return g_string_free(text, FALSE);
}

static GVariant *
location_variant(LocationRoom *room)
{
  guint enabled = enabled_sources(room);
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{uv}"));
  if ((enabled & MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI) && room->cell)
    g_variant_builder_add(&b, "{uv}", MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI,
                          g_variant_new_string(room->cell));
  if ((enabled & MMD_MODEM_LOCATION_SOURCE_GPS_RAW) && room->raw)
    g_variant_builder_add(&b, "{uv}", MMD_MODEM_LOCATION_SOURCE_GPS_RAW, room->raw);
  if ((enabled & MMD_MODEM_LOCATION_SOURCE_GPS_NMEA) && g_hash_table_size(room->nmea)) {
    g_autofree char *text = nmea_text(room);
    g_variant_builder_add(&b, "{uv}", MMD_MODEM_LOCATION_SOURCE_GPS_NMEA,
                          g_variant_new_string(text));
  }
  return g_variant_builder_end(&b);
}

/* The property follows only when a client asked for signals: it is what
 * keeps a location change from waking every client. */
static void
location_changed(LocationRoom *room)
{
  if (mdbus_modem_location_get_signals_location(room->iface))
    mdbus_modem_location_set_location(room->iface, location_variant(room));
}

/* Setup */

typedef struct {
  guint sources;
  gboolean signals;
} SetupRequest;

/* Everyone may read the property, while GetLocation asks polkit: without
 * signals the property stays empty, so that it tells nobody where the modem
 * is. */
static void
apply_setup(LocationRoom *room, const SetupRequest *req)
{
  mdbus_modem_location_set_enabled(room->iface, req->sources);
  mdbus_modem_location_set_signals_location(room->iface, req->signals);
  mdbus_modem_location_set_location(
      room->iface,
      req->signals ? location_variant(room) : g_variant_new_array(G_VARIANT_TYPE("{uv}"), NULL, 0));
}

static void
gps_set_up(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  LocationRoom *room = mmd_call_get_data(call);
  SetupRequest *req = g_task_get_task_data(G_TASK(result));
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  if (!(req->sources & GPS_SOURCES)) {
    g_clear_pointer(&room->raw, g_variant_unref);
    g_hash_table_remove_all(room->nmea);
  }
  apply_setup(room, req);
  mmd_call_return(call, NULL);
}

static void
gps_forward(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
}

static GError *
check_setup(LocationRoom *room, guint sources)
{
  guint caps = mdbus_modem_location_get_capabilities(room->iface);

  if (sources & ~caps)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                       "Location sources 0x%x are not among the modem's (0x%x)", sources & ~caps,
                       caps);
  if (!mmd_modem_state_is_enabled(mmd_modem_get_state(room->modem)))
    return mmd_modem_wrong_state_error(room->modem, "set up location");
  if ((sources & GPS_SOURCES) != (enabled_sources(room) & GPS_SOURCES)
      && !MMD_PROVIDER_FIND(room->providers, MmdLocationOps, setup_gps))
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                               "This modem cannot run its GPS");
  return NULL;
}

static void
setup_run(MmdCall *call)
{
  LocationRoom *room = mmd_call_get_data(call);
  SetupRequest *req = g_new0(SetupRequest, 1);
  GTask *task;
  GError *error;
  const MmdProvider *p;

  g_variant_get(mmd_call_get_parameters(call), "(ub)", &req->sources, &req->signals);
  if ((error = check_setup(room, req->sources))) {
    g_free(req);
    mmd_call_return_error(call, error);
    return;
  }
  task = g_task_new(room->modem, NULL, gps_set_up, call);
  g_task_set_task_data(task, req, g_free);
  if ((req->sources & GPS_SOURCES) == (enabled_sources(room) & GPS_SOURCES)) {
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
    return;
  }
  p = MMD_PROVIDER_FIND(room->providers, MmdLocationOps, setup_gps);
  MMD_PROVIDER_OP(p, MmdLocationOps, setup_gps)
  (p->backend, req->sources & GPS_SOURCES, mmd_modem_get_cancellable(room->modem), gps_forward,
   task);
}

static void
get_location_run(MmdCall *call)
{
  LocationRoom *room = mmd_call_get_data(call);

  mmd_call_return(call, g_variant_new("(@a{uv})", location_variant(room)));
}

/* "host:port" or "IP:port": what may reach the modem is checked here. */
static gboolean
valid_supl(const char *supl)
{
  const char *colon = strrchr(supl, ':');
  guint64 port;

  if (!colon || colon == supl || strlen(supl) > 255
      || !g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  for (const char *c = supl; c < colon; c++)
    if (!g_ascii_isalnum(*c) && *c != '.' && *c != '-')
      return FALSE;
  return TRUE;
}

static void
supl_set(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  LocationRoom *room = mmd_call_get_data(call);
  GError *error = NULL;
  const char *supl;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  g_variant_get(mmd_call_get_parameters(call), "(&s)", &supl);
  mdbus_modem_location_set_supl_server(room->iface, supl);
  mmd_call_return(call, NULL);
}

static void
set_supl_server_run(MmdCall *call)
{
  LocationRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = MMD_PROVIDER_FIND(room->providers, MmdLocationOps, set_supl_server);
  const char *supl;

  g_variant_get(mmd_call_get_parameters(call), "(&s)", &supl);
  if (!valid_supl(supl)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "A SUPL server is host:port or IP:port");
    return;
  }
  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "This modem has no A-GPS");
    return;
  }
  MMD_PROVIDER_OP(p, MmdLocationOps, set_supl_server)
  (p->backend, supl, mmd_modem_get_cancellable(room->modem), supl_set, call);
}

static void
set_gps_refresh_rate_run(MmdCall *call)
{
  LocationRoom *room = mmd_call_get_data(call);
  guint32 rate;

  g_variant_get(mmd_call_get_parameters(call), "(u)", &rate);
  if (rate > 3600) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Rate must be 0 to 3600 seconds");
    return;
  }
  mdbus_modem_location_set_gps_refresh_rate(room->iface, rate);
  mmd_call_return(call, NULL);
}

static void
unsupported_run(MmdCall *call)
{
  mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "Assistance data is not supported by this modem");
}

static const MmdMethod location_methods[] = {
  { "Setup", MMD_AUTH_DEVICE_CONTROL, setup_run },
  { "GetLocation", MMD_AUTH_LOCATION, get_location_run },
  { "SetSuplServer", MMD_AUTH_DEVICE_CONTROL, set_supl_server_run },
  { "InjectAssistanceData", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "SetGpsRefreshRate", MMD_AUTH_DEVICE_CONTROL, set_gps_refresh_rate_run },
};

/* The room */

static void
state_changed(MmdModem *modem, int old_state, int new_state, LocationRoom *room)
{
  /* A modem disabled (radio off) is nowhere: its cell and fixes are
   * forgotten. What it reported while initializing stands: a modem powers up
   * camped on its cell and reports only changes from there. */
  if (mmd_modem_state_is_enabled(new_state) || !mmd_modem_state_is_enabled(old_state))
    return;
  g_clear_pointer(&room->cell, g_free);
  g_clear_pointer(&room->raw, g_variant_unref);
  g_hash_table_remove_all(room->nmea);
  if (new_state >= MMD_MODEM_STATE_DISABLED)
    location_changed(room);
}

static void
room_free(LocationRoom *room)
{
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room->cell);
  g_clear_pointer(&room->raw, g_variant_unref);
  g_hash_table_unref(room->nmea);
  g_free(room);
}

static void
init_interface(MdbusModemLocation *iface)
{
  const char *const none[] = { NULL };

  mdbus_modem_location_set_capabilities(iface, 0);
  mdbus_modem_location_set_supported_assistance_data(iface, 0);
  mdbus_modem_location_set_enabled(iface, 0);
  mdbus_modem_location_set_signals_location(iface, FALSE);
  mdbus_modem_location_set_location(iface, g_variant_new_array(G_VARIANT_TYPE("{uv}"), NULL, 0));
  mdbus_modem_location_set_supl_server(iface, "");
  mdbus_modem_location_set_assistance_data_servers(iface, none);
  mdbus_modem_location_set_gps_refresh_rate(iface, 0);
}

static LocationRoom *
ensure_room(MmdModem *modem)
{
  LocationRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(LocationRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->nmea = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  room->iface = mdbus_modem_location_skeleton_new();
  init_interface(room->iface);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, location_methods, modem, room);
  g_signal_connect(modem, "state-changed", G_CALLBACK(state_changed), room);
  mdbus_object_skeleton_set_modem_location(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_location(MmdModem *modem, const MmdLocationOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

/* Setters (ops-location.h) */

void
mmd_modem_set_location_capabilities(MmdModem *modem, guint sources)
{
  LocationRoom *room = room_of(modem);

  if (room)
    mdbus_modem_location_set_capabilities(room->iface, sources);
}

static gboolean
valid_code(const char *code)
{
  gsize len = code ? strlen(code) : 0;

  if (len < 2 || len > 3)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit(code[i]))
      return FALSE;
  return TRUE;
}

void
mmd_modem_set_3gpp_location(MmdModem *modem, const char *mcc, const char *mnc, guint lac, guint tac,
                            guint cell_id)
{
  LocationRoom *room = room_of(modem);
  g_autofree char *cell = NULL;

  if (!room)
    return;
  if (valid_code(mcc) && valid_code(mnc))
    cell = g_strdup_printf("%s,%s,%X,%X,%X", mcc, mnc, lac, cell_id, tac);
  if (g_strcmp0(cell, room->cell) == 0)
    return;
  g_free(room->cell);
  room->cell = g_steal_pointer(&cell);
  if (enabled_sources(room) & MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI)
    location_changed(room);
}

/* GPS updates closer together than the client's rate are kept, not sent. */
static void
gps_changed(LocationRoom *room)
{
  gint64 now = g_get_monotonic_time();
  guint rate = mdbus_modem_location_get_gps_refresh_rate(room->iface);

  if (rate && now - room->last_gps_sent < (gint64)rate * G_USEC_PER_SEC)
    return;
  room->last_gps_sent = now;
  location_changed(room);
}

void
mmd_modem_report_gps_nmea(MmdModem *modem, const char *sentence)
{
  LocationRoom *room = room_of(modem);
  g_autofree char *text = NULL;
  const char *comma;

  if (!room || !(enabled_sources(room) & MMD_MODEM_LOCATION_SOURCE_GPS_NMEA) || !sentence
      || sentence[0] != '$' || !(comma = strchr(sentence, ',')) || comma - sentence > 8
      || strlen(sentence) > 256)
    return;
  text = g_utf8_make_valid(sentence, -1);
  g_strchomp(text);
  if (g_hash_table_size(room->nmea) >= MAX_NMEA_TYPES)
    g_hash_table_remove_all(room->nmea);
  g_hash_table_replace(room->nmea, g_strndup(sentence, comma - sentence), g_steal_pointer(&text));
  gps_changed(room);
}

void
mmd_modem_report_gps_raw(MmdModem *modem, double latitude, double longitude, double altitude,
                         const char *utc_time)
{
  LocationRoom *room = room_of(modem);
  g_autofree char *utc = NULL;
  GVariantBuilder b;

  if (!room || !(enabled_sources(room) & MMD_MODEM_LOCATION_SOURCE_GPS_RAW))
    return;
  /* NaN compares false with everything: ranges alone would let it through */
  if (!isfinite(latitude) || !isfinite(longitude) || !isfinite(altitude) || latitude < -90
      || latitude > 90 || longitude < -180 || longitude > 180)
    return;
  utc = g_utf8_make_valid(utc_time ? utc_time : "", -1);
  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&b, "{sv}", "utc-time", g_variant_new_string(utc));
  g_variant_builder_add(&b, "{sv}", "latitude", g_variant_new_double(latitude));
  g_variant_builder_add(&b, "{sv}", "longitude", g_variant_new_double(longitude));
  g_variant_builder_add(&b, "{sv}", "altitude", g_variant_new_double(altitude));
  g_clear_pointer(&room->raw, g_variant_unref);
  room->raw = g_variant_ref_sink(g_variant_builder_end(&b));
  gps_changed(room);
}
