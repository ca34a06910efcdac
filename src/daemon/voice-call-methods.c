/* What clients ask of one call: Start, Accept, Hangup, SendDtmf, Deflect,
 * Join/LeaveMultiparty. Each checks the call's state first, so that nothing
 * a call cannot do reaches the modem. */
#define G_LOG_DOMAIN "modemd-voice"

#include "voice-private.h"

#include <string.h>

#include "auth.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "modem-state.h"

#define MAX_DTMF 32

/* Calls: what a client asks of one call */

typedef void (*CallOp)(MmdBackend *self, guint call_id, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);

static MmdVoiceCall *
call_of(MmdCall *call)
{
  MmdVoiceCall *vc = MMD_VOICE_CALL(mmd_call_get_target(call));
  MmdModem *modem = mmd_voice_call_get_modem(vc);

  if (!modem || mmd_modem_is_gone(modem)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                              "The modem of this call is gone");
    return NULL;
  }
  return vc;
}

static gboolean
require_state(MmdCall *call, MmdVoiceCall *vc, const MmdCallState *allowed, const char *what)
{
  MmdCallState state = mmd_voice_call_get_state(vc);

  for (const MmdCallState *s = allowed; *s != MMD_CALL_STATE_UNKNOWN; s++)
    if (*s == state)
      return TRUE;
  mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                            "Cannot %s: the call is %s", what, mmd_call_state_to_string(state));
  return FALSE;
}

static gboolean
require_op(MmdCall *call, const MmdProvider *p, const char *what)
{
  if (p)
    return TRUE;
  mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "%s is not supported by this modem", what);
  return FALSE;
}

static void
dialed(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = MMD_VOICE_CALL(mmd_call_get_target(call));
  GError *error = NULL;
  gssize id = g_task_propagate_int(G_TASK(result), &error);

  if (room->dialing == vc)
    room->dialing = NULL;
  if (error) {
    mmd_voice_call_set_state(vc, MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_ERROR);
    mmd_call_return_error(call, error);
    return;
  }
  mmd_voice_call_set_id(vc, id);
  /* Updates may have moved it on already (ringing-out before the answer). */
  if (mmd_voice_call_get_state(vc) == MMD_CALL_STATE_UNKNOWN)
    mmd_voice_call_set_state(vc, MMD_CALL_STATE_DIALING, MMD_CALL_STATE_REASON_OUTGOING_STARTED);
  mmd_call_return(call, NULL);
}

static void
start_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  const MmdProvider *p = VOICE_FIND_OP(room, dial);
  MdbusCall *iface;

  if (!vc)
    return;
  iface = mmd_voice_call_get_iface(vc);
  if (mmd_voice_call_get_id(vc) || mdbus_call_get_direction(iface) != MMD_CALL_DIRECTION_OUTGOING
      || mmd_voice_call_get_state(vc) != MMD_CALL_STATE_UNKNOWN) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                              "Only a new outgoing call can be started; this one is %s %s",
                              mmd_call_direction_to_string(mdbus_call_get_direction(iface)),
                              mmd_call_state_to_string(mmd_voice_call_get_state(vc)));
    return;
  }
  if (!require_op(call, p, "Calling"))
    return;
  if (!mmd_modem_state_is_enabled(mmd_modem_get_state(room->modem))) {
    mmd_call_return_error(call, mmd_modem_wrong_state_error(room->modem, "call"));
    return;
  }
  room->dialing = vc;
  VOICE_OP(p, dial)
  (p->backend, mdbus_call_get_number(iface), mmd_modem_get_cancellable(room->modem), dialed, call);
}

static void
run_call_op(MmdCall *call, MmdVoiceCall *vc, const MmdProvider *p, CallOp op)
{
  VoiceRoom *room = mmd_call_get_data(call);

  op(p->backend, mmd_voice_call_get_id(vc), mmd_modem_get_cancellable(room->modem),
     mmd_call_complete_bool, call);
}

static void
accept_run(MmdCall *call)
{
  static const MmdCallState ringing[]
      = { MMD_CALL_STATE_RINGING_IN, MMD_CALL_STATE_WAITING, MMD_CALL_STATE_UNKNOWN };
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  const MmdProvider *p = VOICE_FIND_OP(room, accept);

  if (!vc)
    return;
  if (mdbus_call_get_direction(mmd_voice_call_get_iface(vc)) != MMD_CALL_DIRECTION_INCOMING) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                              "Only an incoming call can be accepted");
    return;
  }
  if (require_state(call, vc, ringing, "accept") && require_op(call, p, "Accepting"))
    run_call_op(call, vc, p, VOICE_OP(p, accept));
}

static void
hangup_run(MmdCall *call)
{
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  const MmdProvider *p = VOICE_FIND_OP(room, hangup);
  MmdCallState state;

  if (!vc)
    return;
  state = mmd_voice_call_get_state(vc);
  if (state == MMD_CALL_STATE_TERMINATED) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                              "The call is over already");
    return;
  }
  if (!mmd_voice_call_get_id(vc)) {
    /* Never placed: nothing to tell the modem. */
    mmd_voice_call_set_state(vc, MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
    mmd_call_return(call, NULL);
    return;
  }
  if (require_op(call, p, "Hanging up"))
    run_call_op(call, vc, p, VOICE_OP(p, hangup));
}

static gboolean
valid_dtmf(const char *dtmf)
{
  gsize len = strlen(dtmf);

  if (len == 0 || len > MAX_DTMF)
    return FALSE;
  for (const char *c = dtmf; *c; c++)
    if (!g_ascii_isdigit(*c) && !strchr("*#ABCD", *c))
      return FALSE;
  return TRUE;
}

static void
dtmf_sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
  mmd_call_complete_bool(source, result, user_data);
}

static void
send_dtmf_run(MmdCall *call)
{
  static const MmdCallState active[] = { MMD_CALL_STATE_ACTIVE, MMD_CALL_STATE_UNKNOWN };
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  const MmdProvider *p = VOICE_FIND_OP(room, send_dtmf);
  const char *dtmf;

  if (!vc)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&s)", &dtmf);
  if (!valid_dtmf(dtmf)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "DTMF is 1 to %d of 0-9, *, #, A-D", MAX_DTMF);
    return;
  }
  if (require_state(call, vc, active, "send DTMF") && require_op(call, p, "DTMF"))
    VOICE_OP(p, send_dtmf)
  (p->backend, mmd_voice_call_get_id(vc), dtmf, mmd_modem_get_cancellable(room->modem), dtmf_sent,
   call);
}

static void
deflect_run(MmdCall *call)
{
  static const MmdCallState ringing[]
      = { MMD_CALL_STATE_RINGING_IN, MMD_CALL_STATE_WAITING, MMD_CALL_STATE_UNKNOWN };
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  const MmdProvider *p = VOICE_FIND_OP(room, deflect);
  GError *error = NULL;
  const char *number;

  if (!vc)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&s)", &number);
  if (!mmd_validate_number(number, &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  if (require_state(call, vc, ringing, "deflect") && require_op(call, p, "Deflecting"))
    VOICE_OP(p, deflect)
  (p->backend, mmd_voice_call_get_id(vc), number, mmd_modem_get_cancellable(room->modem),
   mmd_call_complete_bool, call);
}

static void
multiparty_run(MmdCall *call)
{
  static const MmdCallState in_call[]
      = { MMD_CALL_STATE_ACTIVE, MMD_CALL_STATE_HELD, MMD_CALL_STATE_UNKNOWN };
  VoiceRoom *room = mmd_call_get_data(call);
  MmdVoiceCall *vc = call_of(call);
  gboolean join = g_str_equal(
      g_dbus_method_invocation_get_method_name(mmd_call_get_invocation(call)), "JoinMultiparty");
  const MmdProvider *p
      = join ? VOICE_FIND_OP(room, join_multiparty) : VOICE_FIND_OP(room, leave_multiparty);

  if (!vc)
    return;
  if (require_state(call, vc, in_call, join ? "join" : "leave")
      && require_op(call, p, "Conference calls"))
    run_call_op(call, vc, p, join ? VOICE_OP(p, join_multiparty) : VOICE_OP(p, leave_multiparty));
}

static const MmdMethod call_methods[] = {
  { "Start", MMD_AUTH_VOICE, start_run },
  { "Accept", MMD_AUTH_VOICE, accept_run },
  { "Deflect", MMD_AUTH_VOICE, deflect_run },
  { "JoinMultiparty", MMD_AUTH_VOICE, multiparty_run },
  { "LeaveMultiparty", MMD_AUTH_VOICE, multiparty_run },
  { "Hangup", MMD_AUTH_VOICE, hangup_run },
  { "SendDtmf", MMD_AUTH_VOICE, send_dtmf_run },
};

void
voice_bind_call(VoiceRoom *room, MmdVoiceCall *call)
{
  MMD_METHODS_BIND(mmd_voice_call_get_iface(call), call_methods, call, room);
}
