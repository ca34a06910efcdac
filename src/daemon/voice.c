/* The voice room: the Voice interface and its Call objects. The modem tells
 * what happens to its calls (mmd_modem_call_update); clients act on them. */
#define G_LOG_DOMAIN "modemd-voice"

#include "voice-private.h"

#include <string.h>

#include "auth.h"
#include "mmd-errors.h"
#include "mmd-text.h"
#include "mmd-validate.h"
#include "modem-state.h"

/* Calls kept, terminated ones included, until clients delete them. */
#define MAX_CALLS 32

static const char room_key[] = "voice";

#define FIND_OP(room, op) VOICE_FIND_OP(room, op)
#define OP(provider, op) VOICE_OP(provider, op)

static VoiceRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static void
publish_calls(VoiceRoom *room)
{
  g_autofree const char **paths = g_new0(const char *, room->calls->len + 1);

  for (guint i = 0; i < room->calls->len; i++)
    paths[i] = mmd_voice_call_get_path(g_ptr_array_index(room->calls, i));
  mdbus_modem_voice_set_calls(room->iface, paths);
}

static MmdVoiceCall *
add_call(VoiceRoom *room, MmdCallDirection direction, const char *number)
{
  const MmdExporter *exporter = mmd_modem_get_exporter(room->modem);
  g_autofree char *path = mmd_exporter_new_path(exporter, "Call");
  MmdVoiceCall *call = mmd_voice_call_new(room->modem, path, direction, number);

  g_ptr_array_add(room->calls, call);
  voice_bind_call(room, call);
  mmd_exporter_export_object(exporter, G_DBUS_OBJECT_SKELETON(mmd_voice_call_get_object(call)));
  publish_calls(room);
  mdbus_modem_voice_emit_call_added(room->iface, path);
  return call;
}

static void
remove_call(VoiceRoom *room, MmdVoiceCall *call)
{
  g_autofree char *path = g_strdup(mmd_voice_call_get_path(call));

  if (room->dialing == call)
    room->dialing = NULL;
  mmd_exporter_unexport(mmd_modem_get_exporter(room->modem), path);
  mmd_voice_call_detach(call);
  g_ptr_array_remove(room->calls, call);
  publish_calls(room);
  mdbus_modem_voice_emit_call_deleted(room->iface, path);
}

static MmdVoiceCall *
find_by_id(VoiceRoom *room, guint id)
{
  for (guint i = 0; id && i < room->calls->len; i++) {
    MmdVoiceCall *call = g_ptr_array_index(room->calls, i);
    if (mmd_voice_call_get_id(call) == id
        && mmd_voice_call_get_state(call) != MMD_CALL_STATE_TERMINATED)
      return call;
  }
  return NULL;
}

static MmdVoiceCall *
find_by_path(VoiceRoom *room, const char *path)
{
  for (guint i = 0; i < room->calls->len; i++)
    if (g_strcmp0(mmd_voice_call_get_path(g_ptr_array_index(room->calls, i)), path) == 0)
      return g_ptr_array_index(room->calls, i);
  return NULL;
}

/* Methods of the Voice interface */

static void
list_calls_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);

  mmd_call_return(call, g_variant_new("(^ao)", mdbus_modem_voice_get_calls(room->iface)));
}

static void
make_room_for_call(VoiceRoom *room)
{
  if (room->calls->len < MAX_CALLS)
    return;
  for (guint i = 0; i < room->calls->len; i++) {
    MmdVoiceCall *old = g_ptr_array_index(room->calls, i);
    if (mmd_voice_call_get_state(old) == MMD_CALL_STATE_TERMINATED) {
      remove_call(room, old);
      return;
    }
  }
}

static void
create_call_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  g_autoptr(GVariant) dict = NULL;
  GError *error = NULL;
  const char *number = NULL;
  MmdVoiceCall *vc;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &dict);
  if (g_variant_n_children(dict) != 1 || !g_variant_lookup(dict, "number", "&s", &number)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "A call needs \"number\" (s) and nothing else");
    return;
  }
  if (!mmd_validate_number(number, &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  make_room_for_call(room);
  if (room->calls->len >= MAX_CALLS) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                              "Too many calls: delete some first");
    return;
  }
  vc = add_call(room, MMD_CALL_DIRECTION_OUTGOING, number);
  mmd_call_return(call, g_variant_new("(o)", mmd_voice_call_get_path(vc)));
}

typedef struct {
  MmdCall *call;
  VoiceRoom *room;
  MmdVoiceCall *vc;
} DeleteJob;

static void
hung_up_to_delete(GObject *source, GAsyncResult *result, gpointer user_data)
{
  DeleteJob *job = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(job->call, error);
  } else {
    if (mmd_voice_call_get_modem(job->vc))
      remove_call(job->room, job->vc);
    mmd_call_return(job->call, NULL);
  }
  g_object_unref(job->vc);
  g_free(job);
}

static void
delete_call_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = FIND_OP(room, hangup);
  const char *path;
  MmdVoiceCall *vc;
  DeleteJob *job;

  g_variant_get(mmd_call_get_parameters(call), "(&o)", &path);
  if (!(vc = find_by_path(room, path))) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "No call %s on this modem", path);
    return;
  }
  if (mmd_voice_call_get_state(vc) == MMD_CALL_STATE_TERMINATED || !mmd_voice_call_get_id(vc)
      || !p) {
    remove_call(room, vc);
    mmd_call_return(call, NULL);
    return;
  }
  job = g_new0(DeleteJob, 1);
  job->call = call;
  job->room = room;
  job->vc = g_object_ref(vc);
  OP(p, hangup)
  (p->backend, mmd_voice_call_get_id(vc), mmd_modem_get_cancellable(room->modem), hung_up_to_delete,
   job);
}

typedef void (*VoiceOp)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);

static void
run_voice_op(MmdCall *call, gsize offset, const char *what)
{
  VoiceRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = mmd_providers_find(room->providers, offset);
  VoiceOp op;

  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "%s is not supported by this modem", what);
    return;
  }
  memcpy(&op, (const char *)p->ops + offset, sizeof(op));
  op(p->backend, mmd_modem_get_cancellable(room->modem), mmd_call_complete_bool, call);
}

static void
hold_and_accept_run(MmdCall *call)
{
  run_voice_op(call, G_STRUCT_OFFSET(MmdVoiceOps, hold_and_accept), "Hold and accept");
}

static void
hangup_and_accept_run(MmdCall *call)
{
  run_voice_op(call, G_STRUCT_OFFSET(MmdVoiceOps, hangup_and_accept), "Hang up and accept");
}

static void
hangup_all_run(MmdCall *call)
{
  run_voice_op(call, G_STRUCT_OFFSET(MmdVoiceOps, hangup_all), "Hang up all");
}

static void
transfer_run(MmdCall *call)
{
  run_voice_op(call, G_STRUCT_OFFSET(MmdVoiceOps, transfer), "Transfer");
}

static void
call_waiting_setup_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = FIND_OP(room, call_waiting_setup);
  gboolean enable;

  g_variant_get(mmd_call_get_parameters(call), "(b)", &enable);
  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Call waiting is not supported by this modem");
    return;
  }
  OP(p, call_waiting_setup)
  (p->backend, enable, mmd_modem_get_cancellable(room->modem), mmd_call_complete_bool, call);
}

static void
waiting_queried(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  gssize status = g_task_propagate_int(G_TASK(result), &error);

  if (error)
    mmd_call_return_error(user_data, error);
  else
    mmd_call_return(user_data, g_variant_new("(b)", status != 0));
}

static void
call_waiting_query_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = FIND_OP(room, call_waiting_query);

  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Call waiting is not supported by this modem");
    return;
  }
  OP(p, call_waiting_query)
  (p->backend, mmd_modem_get_cancellable(room->modem), waiting_queried, call);
}

static const MmdMethod voice_methods[] = {
  { "ListCalls", NULL, list_calls_run },
  { "DeleteCall", MMD_AUTH_VOICE, delete_call_run },
  { "CreateCall", MMD_AUTH_VOICE, create_call_run },
  { "HoldAndAccept", MMD_AUTH_VOICE, hold_and_accept_run },
  { "HangupAndAccept", MMD_AUTH_VOICE, hangup_and_accept_run },
  { "HangupAll", MMD_AUTH_VOICE, hangup_all_run },
  { "Transfer", MMD_AUTH_VOICE, transfer_run },
  { "CallWaitingSetup", MMD_AUTH_VOICE, call_waiting_setup_run },
  { "CallWaitingQuery", MMD_AUTH_VOICE, call_waiting_query_run },
};

/* The room */

static void
going_away(MmdModem *modem, VoiceRoom *room)
{
  room->dialing = NULL;
  for (guint i = 0; i < room->calls->len; i++) {
    MmdVoiceCall *call = g_ptr_array_index(room->calls, i);
    mmd_exporter_unexport(mmd_modem_get_exporter(modem), mmd_voice_call_get_path(call));
    mmd_voice_call_detach(call);
  }
}

/* EmergencyOnly follows the registration: a modem registered for emergency
 * calls only (27.007 <stat> 8, limited service) says so however its backend
 * learned it, so every protocol gets it from the one place. */
static void
registration_changed(MdbusModemModem3gpp *modem3gpp, GParamSpec *pspec, VoiceRoom *room)
{
  gboolean emergency_only = mdbus_modem_modem3gpp_get_registration_state(modem3gpp)
                            == MMD_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY;

  if (emergency_only != mdbus_modem_voice_get_emergency_only(room->iface))
    mdbus_modem_voice_set_emergency_only(room->iface, emergency_only);
}

static void
follow_registration(VoiceRoom *room, MdbusModemModem3gpp *modem3gpp)
{
  if (!modem3gpp || room->modem3gpp)
    return;
  g_set_weak_pointer(&room->modem3gpp, modem3gpp);
  room->registration_id = g_signal_connect(modem3gpp, "notify::registration-state",
                                           G_CALLBACK(registration_changed), room);
  registration_changed(modem3gpp, NULL, room);
}

static void
interface_added(GDBusObject *object, GDBusInterface *iface, VoiceRoom *room)
{
  if (MDBUS_IS_MODEM_MODEM3GPP(iface))
    follow_registration(room, MDBUS_MODEM_MODEM3GPP(iface));
}

static void
stop_following_registration(VoiceRoom *room)
{
  if (room->modem3gpp)
    g_clear_signal_handler(&room->registration_id, room->modem3gpp);
  g_clear_weak_pointer(&room->modem3gpp);
  g_clear_signal_handler(&room->interface_added_id, mmd_modem_get_object(room->modem));
}

static void
room_free(VoiceRoom *room)
{
  stop_following_registration(room);
  for (guint i = 0; i < room->calls->len; i++)
    mmd_voice_call_detach(g_ptr_array_index(room->calls, i));
  g_ptr_array_unref(room->calls);
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static VoiceRoom *
ensure_room(MmdModem *modem)
{
  VoiceRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(VoiceRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->calls = g_ptr_array_new_with_free_func(g_object_unref);
  room->iface = mdbus_modem_voice_skeleton_new();
  mdbus_modem_voice_set_calls(room->iface, (const char *const[]){ NULL });
  mdbus_modem_voice_set_emergency_only(room->iface, FALSE);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, voice_methods, modem, room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  mdbus_object_skeleton_set_modem_voice(mmd_modem_get_object(modem), room->iface);
  room->interface_added_id = g_signal_connect(mmd_modem_get_object(modem), "interface-added",
                                              G_CALLBACK(interface_added), room);
  follow_registration(room,
                      mdbus_object_peek_modem_modem3gpp(MDBUS_OBJECT(mmd_modem_get_object(modem))));
  return room;
}

void
mmd_modem_provide_voice(MmdModem *modem, const MmdVoiceOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

/* Setters (ops-voice.h) */

static MmdVoiceCall *
call_for_update(VoiceRoom *room, guint call_id, MmdCallDirection direction, MmdCallState state,
                const char *number)
{
  MmdVoiceCall *vc = find_by_id(room, call_id);

  /* The modem may report a call it is placing before the dial answers. */
  if (!vc && direction == MMD_CALL_DIRECTION_OUTGOING && room->dialing
      && !mmd_voice_call_get_id(room->dialing)) {
    vc = room->dialing;
    mmd_voice_call_set_id(vc, call_id);
  }
  if (vc || state == MMD_CALL_STATE_TERMINATED)
    return vc;
  make_room_for_call(room);
  vc = add_call(room, direction, number);
  mmd_voice_call_set_id(vc, call_id);
  return vc;
}

void
mmd_modem_call_update(MmdModem *modem, guint call_id, MmdCallDirection direction,
                      MmdCallState state, MmdCallStateReason reason, const char *number,
                      gboolean multiparty)
{
  VoiceRoom *room = room_of(modem);
  MmdVoiceCall *vc;
  MdbusCall *iface;

  if (!room || call_id == 0 || state == MMD_CALL_STATE_UNKNOWN)
    return;
  if (!(vc = call_for_update(room, call_id, direction, state, number)))
    return;
  iface = mmd_voice_call_get_iface(vc);
  /* The caller's number may come after the ring (+CLIP after RING). */
  if (number && *number && !*mdbus_call_get_number(iface)) {
    g_autofree char *text = mmd_text_sanitize(number, -1, MMD_VOICE_CALL_MAX_NUMBER);
    mdbus_call_set_number(iface, text);
  }
  mdbus_call_set_multiparty(iface, multiparty);
  if (reason == MMD_CALL_STATE_REASON_UNKNOWN && state == MMD_CALL_STATE_RINGING_IN)
    reason = MMD_CALL_STATE_REASON_INCOMING_NEW;
  mmd_voice_call_set_state(vc, state, reason);
}

void
mmd_modem_calls_all_ended(MmdModem *modem, MmdCallStateReason reason)
{
  VoiceRoom *room = room_of(modem);

  for (guint i = 0; room && i < room->calls->len; i++) {
    MmdVoiceCall *vc = g_ptr_array_index(room->calls, i);
    if (mmd_voice_call_get_id(vc) && mmd_voice_call_get_state(vc) != MMD_CALL_STATE_TERMINATED)
      mmd_voice_call_set_state(vc, MMD_CALL_STATE_TERMINATED, reason);
  }
}

void
mmd_modem_call_dtmf_received(MmdModem *modem, guint call_id, const char *dtmf)
{
  VoiceRoom *room = room_of(modem);
  MmdVoiceCall *vc = room ? find_by_id(room, call_id) : NULL;
  g_autofree char *text = NULL;

  if (!vc || !dtmf)
    return;
  text = mmd_text_sanitize(dtmf, -1, MMD_VOICE_CALL_MAX_NUMBER);
  mdbus_call_emit_dtmf_received(mmd_voice_call_get_iface(vc), text);
}

void
mmd_modem_set_emergency_only(MmdModem *modem, gboolean emergency_only)
{
  VoiceRoom *room = room_of(modem);

  if (room)
    mdbus_modem_voice_set_emergency_only(room->iface, emergency_only);
}
