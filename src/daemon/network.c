/* The 3GPP network room: registration, scans, modes and bands. */
#define G_LOG_DOMAIN "modemd-network"

#include "network.h"

#include "auth.h"
#include "bearer-settings.h"
#include "method.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "modem-state.h"
#include "providers.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemModem3gpp *iface;
  GList *waiters; /* GTask, waiting for registration */
} NetworkRoom;

static const char room_key[] = "network";

static NetworkRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

gboolean
mmd_network_present(MmdModem *modem)
{
  return room_of(modem) != NULL;
}

static const MmdProvider *
find_op(MmdModem *modem, gsize offset)
{
  NetworkRoom *room = room_of(modem);

  return room ? mmd_providers_find(room->providers, offset) : NULL;
}
#define FIND_OP(modem, op) find_op((modem), G_STRUCT_OFFSET(MmdNetworkOps, op))
#define OP(provider, op) MMD_PROVIDER_OP(provider, MmdNetworkOps, op)

static GError *
unsupported(const char *what)
{
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                     "%s is not supported by this modem", what);
}

static void
task_forward(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
}

/* Registration */

static void
register_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  const char *operator_id = g_task_get_task_data(task);
  const MmdProvider *p = FIND_OP(modem, register_network);

  if (!p)
    g_task_return_error(task, unsupported("Manual registration"));
  else if (!mmd_modem_state_is_enabled(mmd_modem_get_state(modem)))
    g_task_return_error(task, mmd_modem_wrong_state_error(modem, "register"));
  else
    OP(p, register_network)
  (p->backend, operator_id, mmd_modem_get_cancellable(modem), task_forward, g_object_ref(task));
}

void
mmd_network_register_async(MmdModem *modem, const char *operator_id, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), callback, user_data);

  g_task_set_task_data(task, g_strdup(operator_id ? operator_id : ""), g_free);
  mmd_modem_run_exclusive(modem, task, register_start);
}

static void
waiter_return(GTask *task, GError *error)
{
  GSource *timeout = g_task_get_task_data(task);

  if (timeout)
    g_source_destroy(timeout);
  if (error)
    g_task_return_error(task, error);
  else
    g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

static gboolean
waiter_timed_out(gpointer user_data)
{
  GTask *task = user_data;
  NetworkRoom *room = room_of(g_task_get_source_object(task));

  room->waiters = g_list_remove(room->waiters, task);
  g_task_set_task_data(task, NULL, NULL);
  waiter_return(task,
                g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_TIMEOUT,
                            "The modem did not register with a network in time"));
  return G_SOURCE_REMOVE;
}

static gboolean
state_is_registered(MmdModemState state)
{
  return state >= MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_DISCONNECTING;
}

static void
wake_waiters(NetworkRoom *room, GError *error)
{
  GList *waiters = g_steal_pointer(&room->waiters);

  for (GList *l = waiters; l; l = l->next)
    waiter_return(l->data, error ? g_error_copy(error) : NULL);
  g_list_free(waiters);
  g_clear_error(&error);
}

static void
state_changed(MmdModem *modem, int old_state, int new_state, NetworkRoom *room)
{
  if (!room->waiters)
    return;
  if (state_is_registered(new_state))
    wake_waiters(room, NULL);
  else if (new_state < MMD_MODEM_STATE_ENABLING)
    wake_waiters(room, mmd_modem_wrong_state_error(modem, "wait for registration"));
}

void
mmd_network_wait_registered_async(MmdModem *modem, guint timeout_s, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task = g_task_new(modem, NULL, callback, user_data);
  MmdModemState state = mmd_modem_get_state(modem);
  NetworkRoom *room = room_of(modem);
  GSource *timeout;

  if (state_is_registered(state)) {
    waiter_return(task, NULL);
    return;
  }
  if (!room || mmd_modem_is_gone(modem)
      || (!mmd_modem_state_is_enabled(state) && state != MMD_MODEM_STATE_ENABLING)) {
    waiter_return(task, mmd_modem_wrong_state_error(modem, "wait for registration"));
    return;
  }
  timeout = g_timeout_source_new_seconds(timeout_s);
  g_source_set_callback(timeout, waiter_timed_out, task, NULL);
  g_source_attach(timeout, NULL);
  g_task_set_task_data(task, timeout, (GDestroyNotify)g_source_unref);
  room->waiters = g_list_append(room->waiters, task);
}

const char *
mmd_network_get_operator_code(MmdModem *modem)
{
  NetworkRoom *room = room_of(modem);

  return room ? mdbus_modem_modem3gpp_get_operator_code(room->iface) : "";
}

/* Modes and bands */

typedef struct {
  guint allowed;
  guint preferred;
  guint *bands;
  gsize n_bands;
} ModesRequest;

static void
modes_request_free(ModesRequest *req)
{
  g_free(req->bands);
  g_free(req);
}

static void
modes_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  ModesRequest *req = g_task_get_task_data(task);
  const MmdProvider *p = FIND_OP(modem, set_current_modes);

  if (!p)
    g_task_return_error(task, unsupported("Setting modes"));
  else
    OP(p, set_current_modes)
  (p->backend, req->allowed, req->preferred, mmd_modem_get_cancellable(modem), task_forward,
   g_object_ref(task));
}

static void
bands_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  ModesRequest *req = g_task_get_task_data(task);
  const MmdProvider *p = FIND_OP(modem, set_current_bands);

  if (!p)
    g_task_return_error(task, unsupported("Setting bands"));
  else
    OP(p, set_current_bands)
  (p->backend, req->bands, req->n_bands, mmd_modem_get_cancellable(modem), task_forward,
   g_object_ref(task));
}

static gboolean
modes_supported(MdbusModem *iface, guint allowed, guint preferred)
{
  GVariant *supported = mdbus_modem_get_supported_modes(iface);
  GVariantIter iter;
  guint32 s_allowed, s_preferred;

  if (!supported)
    return FALSE;
  g_variant_iter_init(&iter, supported);
  while (g_variant_iter_next(&iter, "(uu)", &s_allowed, &s_preferred))
    if (s_allowed == allowed && (preferred == MMD_MODEM_MODE_NONE || s_preferred == preferred))
      return TRUE;
  return FALSE;
}

static void
run_exclusive_call(MmdCall *call, MmdExclusiveStart start, ModesRequest *req)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), mmd_call_complete_bool, call);

  g_task_set_task_data(task, req, (GDestroyNotify)modes_request_free);
  mmd_modem_run_exclusive(modem, task, start);
}

static void
set_current_modes_run(MmdCall *call)
{
  MdbusModem *iface = mmd_modem_get_iface(MMD_MODEM(mmd_call_get_target(call)));
  ModesRequest *req = g_new0(ModesRequest, 1);
  guint32 allowed, preferred;

  g_variant_get(mmd_call_get_parameters(call), "((uu))", &allowed, &preferred);
  if (allowed == (guint32)MMD_MODEM_MODE_ANY) {
    GVariant *supported = mdbus_modem_get_supported_modes(iface);
    if (supported && g_variant_n_children(supported) > 0)
      g_variant_get_child(supported, 0, "(uu)", &allowed, NULL);
  }
  if (!modes_supported(iface, allowed, preferred)) {
    g_free(req);
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Modes (allowed 0x%x, preferred 0x%x) are not in SupportedModes",
                              allowed, preferred);
    return;
  }
  req->allowed = allowed;
  req->preferred = preferred;
  run_exclusive_call(call, modes_start, req);
}

static gboolean
band_supported(MdbusModem *iface, guint band)
{
  GVariant *supported = mdbus_modem_get_supported_bands(iface);
  gsize n = 0;
  const guint32 *values
      = supported ? g_variant_get_fixed_array(supported, &n, sizeof(guint32)) : NULL;

  for (gsize i = 0; i < n; i++)
    if (values[i] == band)
      return TRUE;
  return FALSE;
}

static void
set_current_bands_run(MmdCall *call)
{
  MdbusModem *iface = mmd_modem_get_iface(MMD_MODEM(mmd_call_get_target(call)));
  g_autoptr(GVariant) bands_v = NULL;
  const guint32 *bands;
  gsize n = 0;
  ModesRequest *req;

  g_variant_get(mmd_call_get_parameters(call), "(@au)", &bands_v);
  bands = g_variant_get_fixed_array(bands_v, &n, sizeof(guint32));
  if (n == 0 || n > 256) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Give 1 to 256 bands, or 'any'");
    return;
  }
  for (gsize i = 0; i < n; i++) {
    if (!(n == 1 && bands[i] == MMD_MODEM_BAND_ANY) && !band_supported(iface, bands[i])) {
      mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                "Band %u is not in SupportedBands", bands[i]);
      return;
    }
  }
  req = g_new0(ModesRequest, 1);
  req->bands = g_new0(guint, n);
  req->n_bands = n;
  for (gsize i = 0; i < n; i++)
    req->bands[i] = bands[i];
  run_exclusive_call(call, bands_start, req);
}

/* Methods of Modem3gpp */

static void
register_run(MmdCall *call)
{
  GError *error = NULL;
  const char *operator_id;

  g_variant_get(mmd_call_get_parameters(call), "(&s)", &operator_id);
  if (!mmd_validate_operator_id(operator_id, TRUE, &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  mmd_network_register_async(MMD_MODEM(mmd_call_get_target(call)), operator_id,
                             mmd_call_complete_bool, call);
}

static void
scan_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  g_autoptr(GVariant) networks = g_task_propagate_pointer(G_TASK(result), &error);

  if (!networks)
    mmd_call_return_error(user_data, error);
  else
    mmd_call_return(user_data, g_variant_new_tuple(&networks, 1));
}

static void
scan_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  const MmdProvider *p = FIND_OP(modem, scan);

  if (!p)
    mmd_call_return_error(call, unsupported("Scanning"));
  else if (!mmd_modem_state_is_enabled(mmd_modem_get_state(modem)))
    mmd_call_return_error(call, mmd_modem_wrong_state_error(modem, "scan"));
  else
    OP(p, scan)(p->backend, mmd_modem_get_cancellable(modem), scan_done, call);
}

static void
cell_info_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  g_autoptr(GVariant) cells = g_task_propagate_pointer(G_TASK(result), &error);

  if (!cells)
    mmd_call_return_error(user_data, error);
  else
    mmd_call_return(user_data, g_variant_new_tuple(&cells, 1));
}

static void
get_cell_info_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  const MmdProvider *p = FIND_OP(modem, get_cell_info);

  if (!p)
    mmd_call_return_error(call, unsupported("GetCellInfo"));
  else if (!mmd_modem_state_is_enabled(mmd_modem_get_state(modem)))
    mmd_call_return_error(call, mmd_modem_wrong_state_error(modem, "read cell info"));
  else
    OP(p, get_cell_info)(p->backend, mmd_modem_get_cancellable(modem), cell_info_done, call);
}

static void
set_initial_eps_bearer_settings_run(MmdCall *call)
{
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(MmdBearerSettings) settings = NULL;
  GError *error = NULL;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, FALSE, &error);
  if (!settings)
    mmd_call_return_error(call, error);
  else
    mmd_call_return_error(call, unsupported("Setting the initial EPS bearer"));
}

static void
unsupported_run(MmdCall *call)
{
  mmd_call_return_error(
      call, unsupported(g_dbus_method_invocation_get_method_name(mmd_call_get_invocation(call))));
}

static const MmdMethod modem3gpp_methods[] = {
  { "Register", MMD_AUTH_DEVICE_CONTROL, register_run },
  { "Scan", MMD_AUTH_DEVICE_CONTROL, scan_run },
  { "SetInitialEpsBearerSettings", MMD_AUTH_DEVICE_CONTROL, set_initial_eps_bearer_settings_run },
  { "SetEpsUeModeOperation", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "DisableFacilityLock", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "SetPacketServiceState", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "SetNr5gRegistrationSettings", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
};

static const MmdMethod modem_methods[] = {
  { "SetCurrentModes", MMD_AUTH_DEVICE_CONTROL, set_current_modes_run },
  { "SetCurrentBands", MMD_AUTH_DEVICE_CONTROL, set_current_bands_run },
  { "GetCellInfo", NULL, get_cell_info_run },
};

/* The room */

static void
init_interface(MdbusModemModem3gpp *g)
{
  mdbus_modem_modem3gpp_set_imei(g, "");
  /* Until the radio is on, registration is unknown, as the reference says. */
  mdbus_modem_modem3gpp_set_registration_state(g, MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN);
  mdbus_modem_modem3gpp_set_operator_code(g, "");
  mdbus_modem_modem3gpp_set_operator_name(g, "");
  mdbus_modem_modem3gpp_set_pco(g, g_variant_new_array(G_VARIANT_TYPE("(ubay)"), NULL, 0));
  mdbus_modem_modem3gpp_set_initial_eps_bearer(g, "/");
  mdbus_modem_modem3gpp_set_initial_eps_bearer_settings(
      g, g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
  mdbus_modem_modem3gpp_set_packet_service_state(g, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN);
  mdbus_modem_modem3gpp_set_nr5g_registration_settings(
      g, g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
}

static void
going_away(MmdModem *modem, NetworkRoom *room)
{
  wake_waiters(room, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
}

static void
room_free(NetworkRoom *room)
{
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static void
imei_changed(MdbusModem *iface, GParamSpec *pspec, NetworkRoom *room)
{
  mdbus_modem_modem3gpp_set_imei(room->iface, mdbus_modem_get_equipment_identifier(iface));
}

static NetworkRoom *
ensure_room(MmdModem *modem)
{
  NetworkRoom *room = room_of(modem);
  MdbusModem *modem_iface = mmd_modem_get_iface(modem);

  if (room)
    return room;
  room = g_new0(NetworkRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->iface = mdbus_modem_modem3gpp_skeleton_new();
  init_interface(room->iface);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, modem3gpp_methods, modem, room);
  MMD_METHODS_BIND(modem_iface, modem_methods, modem, room);
  g_signal_connect(modem, "state-changed", G_CALLBACK(state_changed), room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  /* The 3GPP IMEI is the modem's equipment identifier. */
  g_signal_connect(modem_iface, "notify::equipment-identifier", G_CALLBACK(imei_changed), room);
  mdbus_object_skeleton_set_modem_modem3gpp(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_network(MmdModem *modem, const MmdNetworkOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

/* Setters (ops-network.h) */

static char *
registered_text(gboolean registered, const char *value)
{
  return g_utf8_make_valid(registered && value ? value : "", -1);
}

void
mmd_modem_set_registration(MmdModem *modem, MmdModem3gppRegistrationState state,
                           const char *operator_code, const char *operator_name,
                           guint access_technologies)
{
  NetworkRoom *room = room_of(modem);
  gboolean registered = mmd_modem_registration_is_registered(state);
  MmdModem3gppRegistrationState old = mmd_modem_get_registration(modem);

  if (old != state)
    g_message("%s: 3GPP registration %s -> %s", mmd_modem_get_path(modem),
              mmd_modem_3gpp_registration_state_to_string(old),
              mmd_modem_3gpp_registration_state_to_string(state));
  if (room) {
    g_autofree char *code = registered_text(registered, operator_code);
    g_autofree char *name = registered_text(registered, operator_name);

    mdbus_modem_modem3gpp_set_registration_state(room->iface, state);
    mdbus_modem_modem3gpp_set_operator_code(room->iface, code);
    mdbus_modem_modem3gpp_set_operator_name(room->iface, name);
  }
  mdbus_modem_set_access_technologies(mmd_modem_get_iface(modem),
                                      registered ? access_technologies : 0);
  mmd_modem_input_registration(modem, state);
}

void
mmd_modem_set_packet_service_state(MmdModem *modem, MmdModem3gppPacketServiceState state)
{
  NetworkRoom *room = room_of(modem);

  if (room)
    mdbus_modem_modem3gpp_set_packet_service_state(room->iface, state);
}

void
mmd_modem_set_facility_locks(MmdModem *modem, guint facilities)
{
  NetworkRoom *room = room_of(modem);

  if (room)
    mdbus_modem_modem3gpp_set_enabled_facility_locks(room->iface, facilities);
}

void
mmd_modem_set_supported_modes(MmdModem *modem, const guint (*pairs)[2], gsize n_pairs)
{
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a(uu)"));
  for (gsize i = 0; i < n_pairs; i++)
    g_variant_builder_add(&builder, "(uu)", pairs[i][0], pairs[i][1]);
  mdbus_modem_set_supported_modes(mmd_modem_get_iface(modem), g_variant_builder_end(&builder));
}

void
mmd_modem_set_current_modes(MmdModem *modem, guint allowed, guint preferred)
{
  mdbus_modem_set_current_modes(mmd_modem_get_iface(modem),
                                g_variant_new("(uu)", allowed, preferred));
}

/* No bands known is [unknown], as the reference reports it. */
static GVariant *
bands_variant(const guint *bands, gsize n_bands)
{
  g_autofree guint32 *values = g_new0(guint32, MAX(n_bands, 1));

  for (gsize i = 0; i < n_bands; i++)
    values[i] = bands[i];
  return g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, values, MAX(n_bands, 1), sizeof(guint32));
}

void
mmd_modem_set_supported_bands(MmdModem *modem, const guint *bands, gsize n_bands)
{
  mdbus_modem_set_supported_bands(mmd_modem_get_iface(modem), bands_variant(bands, n_bands));
}

void
mmd_modem_set_current_bands(MmdModem *modem, const guint *bands, gsize n_bands)
{
  mdbus_modem_set_current_bands(mmd_modem_get_iface(modem), bands_variant(bands, n_bands));
}
