/* The bearers room: bearer objects, connecting and disconnecting them. */
#define G_LOG_DOMAIN "modemd-bearer"

#include "bearers.h"

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"
#include "providers.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  GPtrArray *bearers; /* MmdBearer */
} BearersRoom;

static const char room_key[] = "bearers";

static BearersRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

gboolean
mmd_bearers_present(MmdModem *modem)
{
  return room_of(modem) != NULL;
}

#define FIND_OP(room, op) MMD_PROVIDER_FIND((room)->providers, MmdBearerOps, op)
#define OP(provider, op) MMD_PROVIDER_OP(provider, MmdBearerOps, op)

static guint
count_connected(BearersRoom *room)
{
  guint n = 0;

  for (guint i = 0; i < room->bearers->len; i++)
    n += mmd_bearer_is_connected(g_ptr_array_index(room->bearers, i)) ? 1 : 0;
  return n;
}

static guint
count_multiplexed(BearersRoom *room)
{
  guint n = 0;

  for (guint i = 0; i < room->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(room->bearers, i);
    n += mmd_bearer_is_connected(bearer) && mmd_bearer_is_multiplexed(bearer) ? 1 : 0;
  }
  return n;
}

guint
mmd_bearers_count_connected(MmdModem *modem)
{
  BearersRoom *room = room_of(modem);

  return room ? count_connected(room) : 0;
}

MmdBearer *
mmd_bearers_find(MmdModem *modem, const char *path)
{
  BearersRoom *room = room_of(modem);

  for (guint i = 0; room && i < room->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(room->bearers, i);
    if (g_strcmp0(mmd_bearer_get_path(bearer), path) == 0)
      return bearer;
  }
  return NULL;
}

static void
publish_bearers(BearersRoom *room)
{
  g_autofree const char **paths = g_new0(const char *, room->bearers->len + 1);

  for (guint i = 0; i < room->bearers->len; i++)
    paths[i] = mmd_bearer_get_path(g_ptr_array_index(room->bearers, i));
  mdbus_modem_set_bearers(mmd_modem_get_iface(room->modem), paths);
}

static void
remove_bearer(BearersRoom *room, MmdBearer *bearer)
{
  mmd_exporter_unexport(mmd_modem_get_exporter(room->modem), mmd_bearer_get_path(bearer));
  mmd_bearer_detach(bearer);
  g_ptr_array_remove(room->bearers, bearer);
  publish_bearers(room);
}

/* Connect */

typedef struct {
  MmdBearer *bearer;
  MmdBearerSettings *settings; /* connect by settings, else NULL */
} ConnectJob;

static void
connect_job_free(ConnectJob *job)
{
  g_clear_object(&job->bearer);
  mmd_bearer_settings_free(job->settings);
  g_free(job);
}

static void
connect_return(GTask *task, ConnectJob *job)
{
  if (job->settings)
    g_task_return_pointer(task, g_object_ref(job->bearer), g_object_unref);
  else
    g_task_return_boolean(task, TRUE);
}

static void
connect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  ConnectJob *job = g_task_get_task_data(task);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_bearer_connect_failed(job->bearer, error);
    if (!mmd_modem_is_gone(modem))
      mmd_modem_recompute_state(modem, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, error);
    return;
  }
  if (!mmd_bearer_is_connected(job->bearer))
    mmd_bearer_set_connected(job->bearer, NULL, NULL, NULL);
  mmd_modem_recompute_state(modem, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  connect_return(task, job);
}

/* Whether the session goes over a multiplexed link of its own, as the
 * bearer asks and the modem allows. Once the net port carries a session
 * itself it cannot also carry multiplexed ones, and the other way round. */
static GError *
decide_multiplex(BearersRoom *room, MmdBearer *bearer, gboolean *multiplexed)
{
  MdbusModem *iface = mmd_modem_get_iface(room->modem);
  guint asked = mmd_bearer_get_settings(bearer)->multiplex;
  guint max_mux = mdbus_modem_get_max_active_multiplexed_bearers(iface);
  guint max_plain = mdbus_modem_get_max_active_bearers(iface);
  guint mux = count_multiplexed(room), plain = count_connected(room) - mux;
  gboolean wanted = asked == MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED
                    || asked == MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED;

  *multiplexed = wanted && max_mux > 0 && plain == 0 && mux < max_mux;
  if (*multiplexed)
    return NULL;
  if (asked == MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED && max_mux == 0)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                       "Multiplexing is required, but this modem cannot multiplex data sessions");
  if (asked == MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED && plain > 0)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                       "Cannot connect multiplexed: a bearer is connected without multiplexing");
  if (mux > 0)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                       "Cannot connect: %u multiplexed bearer(s) already connected (at most %u, "
                       "none besides them without multiplexing)",
                       mux, max_mux);
  if (plain >= max_plain)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                       "Cannot connect: %u bearer(s) already connected", plain);
  return NULL;
}

static GError *
check_connect(BearersRoom *room, MmdBearer *bearer)
{
  MmdModemState state = mmd_modem_get_state(room->modem);
  gboolean multiplexed = FALSE;
  GError *error;

  if (!FIND_OP(room, connect))
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                       "Connecting is not supported by this modem");
  if (state != MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_CONNECTED)
    return mmd_modem_wrong_state_error(room->modem, "connect");
  if ((error = decide_multiplex(room, bearer, &multiplexed)))
    return error;
  mmd_bearer_set_multiplexed(bearer, multiplexed);
  return NULL;
}

static void
connect_bearer(GTask *task, BearersRoom *room)
{
  ConnectJob *job = g_task_get_task_data(task);
  const MmdProvider *p;
  GError *error;

  if (mmd_bearer_is_connected(job->bearer)) {
    connect_return(task, job);
    return;
  }
  if ((error = check_connect(room, job->bearer))) {
    mmd_bearer_set_connection_error(job->bearer, error);
    g_task_return_error(task, error);
    return;
  }
  p = FIND_OP(room, connect);
  mmd_bearer_connect_started(job->bearer);
  mmd_modem_set_state(room->modem, MMD_MODEM_STATE_CONNECTING,
                      MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  OP(p, connect)
  (p->backend, job->bearer, mmd_modem_get_cancellable(room->modem), connect_done,
   g_object_ref(task));
}

static MmdBearer *
find_by_settings(BearersRoom *room, const MmdBearerSettings *settings, gboolean connected)
{
  for (guint i = 0; i < room->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(room->bearers, i);
    if (mmd_bearer_is_connected(bearer) == connected
        && mmd_bearer_settings_equal(mmd_bearer_get_settings(bearer), settings))
      return bearer;
  }
  return NULL;
}

/* Clients like NetworkManager connect with new settings without deleting the
 * old bearer first: at the limit, a disconnected bearer makes way. */
static void
make_room_for_bearer(BearersRoom *room)
{
  if (room->bearers->len < mdbus_modem_get_max_bearers(mmd_modem_get_iface(room->modem)))
    return;
  for (guint i = 0; i < room->bearers->len; i++) {
    MmdBearer *old = g_ptr_array_index(room->bearers, i);
    if (!mmd_bearer_is_connected(old)) {
      g_message("%s: dropping disconnected %s to make room", mmd_modem_get_path(room->modem),
                mmd_bearer_get_path(old));
      remove_bearer(room, old);
      return;
    }
  }
}

static MmdBearer *create_bearer(BearersRoom *room, MmdBearerSettings *settings, GError **error);

static void
connect_start(GTask *task)
{
  BearersRoom *room = room_of(g_task_get_source_object(task));
  ConnectJob *job = g_task_get_task_data(task);
  GError *error = NULL;

  if (job->settings && !job->bearer) {
    MmdBearer *bearer = find_by_settings(room, job->settings, TRUE);
    if (!bearer)
      bearer = find_by_settings(room, job->settings, FALSE);
    if (!bearer) {
      make_room_for_bearer(room);
      bearer = create_bearer(room, mmd_bearer_settings_copy(job->settings), &error);
    }
    if (!bearer) {
      g_task_return_error(task, error);
      return;
    }
    job->bearer = g_object_ref(bearer);
  }
  connect_bearer(task, room);
}

static void
run_connect(MmdModem *modem, ConnectJob *job, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), callback, user_data);

  g_task_set_task_data(task, job, (GDestroyNotify)connect_job_free);
  mmd_modem_run_exclusive(modem, task, connect_start);
}

void
mmd_bearers_connect_settings_async(MmdModem *modem, MmdBearerSettings *settings,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  ConnectJob *job = g_new0(ConnectJob, 1);

  job->settings = settings;
  if (!room_of(modem)) {
    GTask *task = g_task_new(modem, NULL, callback, user_data);
    connect_job_free(job);
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "Connecting is not supported by this modem");
    g_object_unref(task);
    return;
  }
  run_connect(modem, job, callback, user_data);
}

/* Disconnect */

typedef struct {
  MmdBearer *target;  /* NULL: every connected bearer, chosen when it is our turn */
  GPtrArray *pending; /* MmdBearer */
  GError *first_error;
  gboolean tolerant; /* errors only logged (disable) */
  gboolean remove;   /* delete target once it is down (DeleteBearer) */
} DisconnectJob;

static void
disconnect_job_free(DisconnectJob *job)
{
  g_clear_object(&job->target);
  g_ptr_array_unref(job->pending);
  g_clear_error(&job->first_error);
  g_free(job);
}

static void disconnect_next(GTask *task);

static void
disconnect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  DisconnectJob *job = g_task_get_task_data(task);
  g_autoptr(MmdBearer) bearer = g_ptr_array_steal_index(job->pending, 0);
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error) || job->tolerant) {
    if (error)
      g_message("%s: disconnect failed: %s", mmd_bearer_get_path(bearer), error->message);
    g_clear_error(&error);
    mmd_bearer_set_disconnected(bearer);
  } else if (!job->first_error) {
    job->first_error = error;
  } else {
    g_error_free(error);
  }
  if (!job->tolerant && !mmd_modem_is_gone(modem))
    mmd_modem_recompute_state(modem, job->first_error
                                         ? MMD_MODEM_STATE_CHANGE_REASON_FAILURE
                                         : MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  disconnect_next(g_steal_pointer(&task));
}

static void
disconnect_finish(GTask *task, BearersRoom *room, DisconnectJob *job)
{
  if (job->first_error) {
    g_task_return_error(task, g_steal_pointer(&job->first_error));
  } else {
    if (job->remove && room)
      remove_bearer(room, job->target);
    g_task_return_boolean(task, TRUE);
  }
  g_object_unref(task);
}

/* Takes the reference on task. */
static void
disconnect_next(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  BearersRoom *room = room_of(modem);
  DisconnectJob *job = g_task_get_task_data(task);
  const MmdProvider *p = room ? FIND_OP(room, disconnect) : NULL;

  while (job->pending->len > 0) {
    MmdBearer *bearer = g_ptr_array_index(job->pending, 0);

    if (!mmd_bearer_is_connected(bearer) || !p || mmd_modem_is_gone(modem)) {
      if (!p && mmd_bearer_is_connected(bearer) && !job->tolerant && !job->first_error)
        job->first_error = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                       "Disconnecting is not supported by this modem");
      else if (job->tolerant)
        mmd_bearer_set_disconnected(bearer);
      g_ptr_array_remove_index(job->pending, 0);
      continue;
    }
    if (!job->tolerant && mmd_modem_get_state(modem) == MMD_MODEM_STATE_CONNECTED)
      mmd_modem_set_state(modem, MMD_MODEM_STATE_DISCONNECTING,
                          MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
    OP(p, disconnect)(p->backend, bearer, mmd_modem_get_cancellable(modem), disconnect_done, task);
    return;
  }
  disconnect_finish(task, room, job);
}

static void
disconnect_start(GTask *task)
{
  BearersRoom *room = room_of(g_task_get_source_object(task));
  DisconnectJob *job = g_task_get_task_data(task);

  if (job->target) {
    g_ptr_array_add(job->pending, g_object_ref(job->target));
  } else {
    for (guint i = 0; room && i < room->bearers->len; i++) {
      MmdBearer *each = g_ptr_array_index(room->bearers, i);
      if (mmd_bearer_is_connected(each))
        g_ptr_array_add(job->pending, g_object_ref(each));
    }
  }
  disconnect_next(g_object_ref(task));
}

static GTask *
disconnect_task_new(MmdModem *modem, MmdBearer *target, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), callback, user_data);
  DisconnectJob *job = g_new0(DisconnectJob, 1);

  job->target = target ? g_object_ref(target) : NULL;
  job->pending = g_ptr_array_new_with_free_func(g_object_unref);
  g_task_set_task_data(task, job, (GDestroyNotify)disconnect_job_free);
  return task;
}

void
mmd_bearers_disconnect_async(MmdModem *modem, MmdBearer *bearer, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  mmd_modem_run_exclusive(modem, disconnect_task_new(modem, bearer, callback, user_data),
                          disconnect_start);
}

void
mmd_bearers_disconnect_all_async(MmdModem *modem, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = disconnect_task_new(modem, NULL, callback, user_data);
  DisconnectJob *job = g_task_get_task_data(task);

  job->tolerant = TRUE;
  disconnect_start(task);
  g_object_unref(task);
}

/* Objects */

static void
bearer_connection_changed(MdbusBearer *iface, GParamSpec *pspec, BearersRoom *room)
{
  mmd_modem_input_connected_bearers(room->modem, count_connected(room));
}

static void bind_bearer(BearersRoom *room, MmdBearer *bearer);

static MmdBearer *
create_bearer(BearersRoom *room, MmdBearerSettings *settings, GError **error)
{
  g_autoptr(MmdBearerSettings) owned = settings;
  guint max = mdbus_modem_get_max_bearers(mmd_modem_get_iface(room->modem));
  g_autofree char *path = NULL;
  MmdBearer *bearer;

  if (room->bearers->len >= max) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                "Cannot create bearer: the modem allows %u", max);
    return NULL;
  }
  path = mmd_exporter_new_path(mmd_modem_get_exporter(room->modem), "Bearer");
  bearer = mmd_bearer_new(room->modem, path, g_steal_pointer(&owned));
  g_ptr_array_add(room->bearers, bearer);
  bind_bearer(room, bearer);
  mmd_exporter_export_object(mmd_modem_get_exporter(room->modem),
                             G_DBUS_OBJECT_SKELETON(mmd_bearer_get_object(bearer)));
  publish_bearers(room);
  return bearer;
}

MmdBearer *
mmd_modem_adopt_bearer(MmdModem *modem, const MmdBearerSettings *settings, const char *interface,
                       const MmdIpConfig *ip4, const MmdIpConfig *ip6)
{
  BearersRoom *room = room_of(modem);
  g_autoptr(GError) error = NULL;
  MmdBearer *bearer;

  g_return_val_if_fail(mmd_modem_get_state(modem) == MMD_MODEM_STATE_INITIALIZING, NULL);
  if (!room)
    return NULL;
  bearer = create_bearer(room, mmd_bearer_settings_copy(settings), &error);
  if (!bearer) {
    g_message("%s: cannot take over the data session: %s", mmd_modem_get_path(modem),
              error->message);
    return NULL;
  }
  mmd_bearer_set_connected(bearer, interface, ip4, ip6);
  g_message("%s: took over the data session on %s", mmd_modem_get_path(modem),
            interface ? interface : "the modem");
  return bearer;
}

/* Methods of the Bearer objects */

static MmdModem *
bearer_call_modem(MmdCall *call)
{
  MmdModem *modem = mmd_bearer_get_modem(MMD_BEARER(mmd_call_get_target(call)));

  if (!modem || mmd_modem_is_gone(modem)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                              "The modem of this bearer is gone");
    return NULL;
  }
  return modem;
}

static void
bearer_connect_run(MmdCall *call)
{
  MmdModem *modem = bearer_call_modem(call);
  ConnectJob *job;

  if (!modem)
    return;
  job = g_new0(ConnectJob, 1);
  job->bearer = g_object_ref(MMD_BEARER(mmd_call_get_target(call)));
  run_connect(modem, job, mmd_call_complete_bool, call);
}

static void
bearer_disconnect_run(MmdCall *call)
{
  MmdModem *modem = bearer_call_modem(call);

  if (modem)
    mmd_bearers_disconnect_async(modem, MMD_BEARER(mmd_call_get_target(call)),
                                 mmd_call_complete_bool, call);
}

static const MmdMethod bearer_methods[] = {
  { "Connect", MMD_AUTH_DEVICE_CONTROL, bearer_connect_run },
  { "Disconnect", MMD_AUTH_DEVICE_CONTROL, bearer_disconnect_run },
};

static void
bind_bearer(BearersRoom *room, MmdBearer *bearer)
{
  MdbusBearer *iface = mmd_bearer_get_iface(bearer);

  MMD_METHODS_BIND(iface, bearer_methods, bearer, room);
  g_signal_connect(iface, "notify::connected", G_CALLBACK(bearer_connection_changed), room);
}

/* Methods of the Modem interface */

static void
create_bearer_run(MmdCall *call)
{
  BearersRoom *room = mmd_call_get_data(call);
  g_autoptr(GVariant) dict = NULL;
  GError *error = NULL;
  MmdBearerSettings *settings;
  MmdBearer *bearer;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, FALSE, &error);
  bearer = settings ? create_bearer(room, settings, &error) : NULL;
  if (!bearer)
    mmd_call_return_error(call, error);
  else
    mmd_call_return(call, g_variant_new("(o)", mmd_bearer_get_path(bearer)));
}

static void
delete_bearer_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  MmdBearer *bearer;
  GTask *task;
  const char *path;

  g_variant_get(mmd_call_get_parameters(call), "(&o)", &path);
  bearer = mmd_bearers_find(modem, path);
  if (!bearer) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "No bearer %s on this modem", path);
    return;
  }
  task = disconnect_task_new(modem, bearer, mmd_call_complete_bool, call);
  ((DisconnectJob *)g_task_get_task_data(task))->remove = TRUE;
  mmd_modem_run_exclusive(modem, task, disconnect_start);
}

static void
list_bearers_run(MmdCall *call)
{
  MdbusModem *iface = mmd_modem_get_iface(MMD_MODEM(mmd_call_get_target(call)));

  mmd_call_return(call, g_variant_new("(^ao)", mdbus_modem_get_bearers(iface)));
}

static const MmdMethod modem_methods[] = {
  { "CreateBearer", MMD_AUTH_DEVICE_CONTROL, create_bearer_run },
  { "DeleteBearer", MMD_AUTH_DEVICE_CONTROL, delete_bearer_run },
  { "ListBearers", NULL, list_bearers_run },
};

/* The room */

static void
going_away(MmdModem *modem, BearersRoom *room)
{
  for (guint i = 0; i < room->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(room->bearers, i);
    mmd_exporter_unexport(mmd_modem_get_exporter(modem), mmd_bearer_get_path(bearer));
    mmd_bearer_detach(bearer);
  }
}

static void
room_free(BearersRoom *room)
{
  for (guint i = 0; i < room->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(room->bearers, i);
    g_signal_handlers_disconnect_by_data(mmd_bearer_get_iface(bearer), room);
    mmd_bearer_detach(bearer);
  }
  g_ptr_array_unref(room->bearers);
  mmd_providers_free(room->providers);
  g_free(room);
}

static BearersRoom *
ensure_room(MmdModem *modem)
{
  BearersRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(BearersRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->bearers = g_ptr_array_new_with_free_func(g_object_unref);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(mmd_modem_get_iface(modem), modem_methods, modem, room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  mmd_modem_set_max_bearers(modem, 1, 1);
  mmd_modem_set_max_multiplexed_bearers(modem, 0);
  return room;
}

void
mmd_modem_provide_bearers(MmdModem *modem, const MmdBearerOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

void
mmd_modem_set_max_bearers(MmdModem *modem, guint max_bearers, guint max_active)
{
  MdbusModem *iface = mmd_modem_get_iface(modem);

  mdbus_modem_set_max_bearers(iface, max_bearers);
  mdbus_modem_set_max_active_bearers(iface, max_active);
}

void
mmd_modem_set_max_multiplexed_bearers(MmdModem *modem, guint max_active_multiplexed)
{
  mdbus_modem_set_max_active_multiplexed_bearers(mmd_modem_get_iface(modem),
                                                 max_active_multiplexed);
}
