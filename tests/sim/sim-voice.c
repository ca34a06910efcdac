/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: voice calls, the network's side (see sim-voice.h), and the
 * control commands that play the other party.
 */
#include "sim-voice.h"

#include <string.h>

#include "sim-core-private.h"

struct _SimVoice {
  SimCore *core;
  GPtrArray *calls; /* SimCall*, by id */
  gboolean waiting_enabled;
  guint alert_idle; /* dialing -> alerting, after the dial is answered */
};

static SimVoice *
voice_of(SimCore *core)
{
  return core->voice;
}

const char *
sim_voice_state_name(SimCallState state)
{
  static const char *const names[]
      = { "dialing", "alerting", "incoming", "waiting", "active", "held", "ended" };

  return state < G_N_ELEMENTS(names) ? names[state] : "?";
}

static const char *
end_name(SimCallEnd end)
{
  static const char *const names[] = { "", "local", "rejected", "remote", "transferred" };

  return end < G_N_ELEMENTS(names) ? names[end] : "?";
}

static void
call_free(SimCall *call)
{
  g_free(call->number);
  g_string_free(call->heard, TRUE);
  g_free(call);
}

GPtrArray *
sim_voice_calls(SimCore *core)
{
  return voice_of(core)->calls;
}

SimCall *
sim_voice_call(SimCore *core, guint id)
{
  GPtrArray *calls = voice_of(core)->calls;

  for (guint i = 0; i < calls->len; i++)
    if (((SimCall *)g_ptr_array_index(calls, i))->id == id)
      return g_ptr_array_index(calls, i);
  return NULL;
}

/* Moves a call on and tells the protocol module; an ended call is removed. */
static void
set_state(SimVoice *v, SimCall *call, SimCallState state, SimCallEnd end)
{
  if (call->state == state && state != SIM_CALL_ENDED)
    return;
  call->state = state;
  call->end = end;
  if (state == SIM_CALL_ENDED)
    call->multiparty = FALSE;
  sim_core_log(v->core, "event: call %u %s%s%s", call->id, sim_voice_state_name(state),
               end ? " " : "", end_name(end));
  sim_core_notify(v->core, SIM_NOTIFY_CALL, call);
  if (state == SIM_CALL_ENDED)
    g_ptr_array_remove(v->calls, call); /* frees it */
}

static gint
by_id(gconstpointer a, gconstpointer b)
{
  return (gint)(*(SimCall *const *)a)->id - (gint)(*(SimCall *const *)b)->id;
}

static SimCall *
add_call(SimVoice *v, gboolean incoming, const char *number, SimCallState state)
{
  SimCall *call;
  guint id = 1;

  while (sim_voice_call(v->core, id))
    id++;
  if (id > SIM_MAX_CALLS)
    return NULL;
  call = g_new0(SimCall, 1);
  call->id = id;
  call->incoming = incoming;
  call->number = g_strdup(number);
  call->heard = g_string_new(NULL);
  call->state = state;
  g_ptr_array_add(v->calls, call);
  g_ptr_array_sort(v->calls, by_id);
  sim_core_log(v->core, "event: call %u %s %s", id, sim_voice_state_name(state),
               *number ? number : "(withheld)");
  sim_core_notify(v->core, SIM_NOTIFY_CALL, call);
  return call;
}

/* The first call in one of the states (a SimCallState mask), newest first
 * when newest. */
#define IN(state) (1u << (state))

static SimCall *
find_in(SimVoice *v, guint states, gboolean newest)
{
  for (guint i = 0; i < v->calls->len; i++) {
    SimCall *call = g_ptr_array_index(v->calls, newest ? v->calls->len - 1 - i : i);

    if (IN(call->state) & states)
      return call;
  }
  return NULL;
}

/* Every call in the states gets the new state (ended ones by end). */
static void
move_all(SimVoice *v, guint states, SimCallState to, SimCallEnd end)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new();

  for (guint i = 0; i < v->calls->len; i++)
    if (IN(((SimCall *)g_ptr_array_index(v->calls, i))->state) & states)
      g_ptr_array_add(chosen, g_ptr_array_index(v->calls, i));
  for (guint i = 0; i < chosen->len; i++)
    set_state(v, g_ptr_array_index(chosen, i), to, end);
}

static gboolean
valid_number(const char *number)
{
  const char *c = number;

  if (*c == '+')
    c++;
  if (!*c || strlen(number) > 40)
    return FALSE;
  for (; *c; c++)
    if (!g_ascii_isdigit(*c) && *c != '*' && *c != '#')
      return FALSE;
  return TRUE;
}

/* ---- the host's side ---------------------------------------------------- */

static gboolean
ring_remote(gpointer user_data)
{
  SimVoice *v = user_data;
  SimCall *call;

  v->alert_idle = 0;
  while ((call = find_in(v, IN(SIM_CALL_DIALING), FALSE)))
    set_state(v, call, SIM_CALL_ALERTING, SIM_CALL_END_NONE);
  return G_SOURCE_REMOVE;
}

SimCall *
sim_voice_dial(SimCore *core, const char *number, const char **why)
{
  SimVoice *v = voice_of(core);
  SimCall *call;

  if (!valid_number(number)) {
    *why = "not a number";
    return NULL;
  }
  if (sim_core_reg_state(core) != SIM_REG_REGISTERED) {
    *why = "no network";
    return NULL;
  }
  if (find_in(v, IN(SIM_CALL_DIALING) | IN(SIM_CALL_ALERTING) | IN(SIM_CALL_INCOMING), FALSE)) {
    *why = "another call is being set up";
    return NULL;
  }
  /* A new call puts the one in progress on hold, as phones do. */
  move_all(v, IN(SIM_CALL_ACTIVE), SIM_CALL_HELD, SIM_CALL_END_NONE);
  if (!(call = add_call(v, FALSE, number, SIM_CALL_DIALING))) {
    *why = "too many calls";
    return NULL;
  }
  /* The dial is answered before the far end starts ringing. */
  if (!v->alert_idle)
    v->alert_idle = g_idle_add(ring_remote, v);
  return call;
}

gboolean
sim_voice_answer(SimCore *core, guint id, const char **why)
{
  SimVoice *v = voice_of(core);
  SimCall *call = sim_voice_call(core, id);

  if (!call || !(IN(call->state) & (IN(SIM_CALL_INCOMING) | IN(SIM_CALL_WAITING)))) {
    *why = "no such ringing call";
    return FALSE;
  }
  move_all(v, IN(SIM_CALL_ACTIVE), SIM_CALL_HELD, SIM_CALL_END_NONE);
  set_state(v, call, SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
  return TRUE;
}

gboolean
sim_voice_hangup(SimCore *core, guint id, const char **why)
{
  SimVoice *v = voice_of(core);
  SimCall *call = sim_voice_call(core, id);

  if (!call) {
    *why = "no such call";
    return FALSE;
  }
  set_state(v, call, SIM_CALL_ENDED,
            call->incoming && IN(call->state) & (IN(SIM_CALL_INCOMING) | IN(SIM_CALL_WAITING))
                ? SIM_CALL_END_REJECTED
                : SIM_CALL_END_LOCAL);
  return TRUE;
}

/* The waiting call if there is one, else the held ones, become active. */
static void
accept_other(SimVoice *v)
{
  SimCall *waiting = find_in(v, IN(SIM_CALL_WAITING), FALSE);

  if (waiting)
    set_state(v, waiting, SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
  else
    move_all(v, IN(SIM_CALL_HELD), SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
}

static gboolean
hold_all_except(SimVoice *v, guint id, const char **why)
{
  SimCall *keep = sim_voice_call(v->core, id);

  if (!keep || !(IN(keep->state) & (IN(SIM_CALL_ACTIVE) | IN(SIM_CALL_HELD)))) {
    *why = "no such call in progress";
    return FALSE;
  }
  move_all(v, IN(SIM_CALL_ACTIVE), SIM_CALL_HELD, SIM_CALL_END_NONE);
  keep->multiparty = FALSE;
  set_state(v, keep, SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
  return TRUE;
}

static gboolean
join(SimVoice *v, const char **why)
{
  guint joined = 0;

  if (!find_in(v, IN(SIM_CALL_ACTIVE), FALSE) || !find_in(v, IN(SIM_CALL_HELD), FALSE)) {
    *why = "a conference needs an active and a held call";
    return FALSE;
  }
  for (guint i = 0; i < v->calls->len; i++) {
    SimCall *call = g_ptr_array_index(v->calls, i);

    if (IN(call->state) & (IN(SIM_CALL_ACTIVE) | IN(SIM_CALL_HELD))) {
      call->multiparty = TRUE;
      joined++;
    }
  }
  sim_core_log(v->core, "event: conference of %u calls", joined);
  /* the held ones become active; the active ones are told of their new
   * multiparty flag */
  for (guint i = 0; i < v->calls->len; i++) {
    SimCall *call = g_ptr_array_index(v->calls, i);

    if (call->state == SIM_CALL_ACTIVE)
      sim_core_notify(v->core, SIM_NOTIFY_CALL, call);
  }
  move_all(v, IN(SIM_CALL_HELD), SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
  return TRUE;
}

gboolean
sim_voice_chld(SimCore *core, SimChld op, guint id, const char **why)
{
  SimVoice *v = voice_of(core);
  const guint live = ~IN(SIM_CALL_ENDED);

  sim_core_log(core, "event: manage calls op %d id %u", op, id);
  switch (op) {
    case SIM_CHLD_RELEASE_HELD_OR_WAITING:
      if (find_in(v, IN(SIM_CALL_WAITING), FALSE))
        move_all(v, IN(SIM_CALL_WAITING), SIM_CALL_ENDED, SIM_CALL_END_REJECTED);
      else
        move_all(v, IN(SIM_CALL_HELD), SIM_CALL_ENDED, SIM_CALL_END_LOCAL);
      return TRUE;
    case SIM_CHLD_RELEASE_ACTIVE_ACCEPT_OTHER:
      move_all(v, IN(SIM_CALL_ACTIVE) | IN(SIM_CALL_DIALING) | IN(SIM_CALL_ALERTING),
               SIM_CALL_ENDED, SIM_CALL_END_LOCAL);
      accept_other(v);
      return TRUE;
    case SIM_CHLD_RELEASE_ONE:
      return sim_voice_hangup(core, id, why);
    case SIM_CHLD_HOLD_ACTIVE_ACCEPT_OTHER: {
      SimCall *waiting = find_in(v, IN(SIM_CALL_WAITING), FALSE);
      g_autoptr(GPtrArray) held = g_ptr_array_new();

      for (guint i = 0; !waiting && i < v->calls->len; i++)
        if (((SimCall *)g_ptr_array_index(v->calls, i))->state == SIM_CALL_HELD)
          g_ptr_array_add(held, g_ptr_array_index(v->calls, i));
      move_all(v, IN(SIM_CALL_ACTIVE), SIM_CALL_HELD, SIM_CALL_END_NONE);
      if (waiting)
        set_state(v, waiting, SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
      for (guint i = 0; i < held->len; i++)
        set_state(v, g_ptr_array_index(held, i), SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
      return TRUE;
    }
    case SIM_CHLD_HOLD_ALL_EXCEPT:
      return hold_all_except(v, id, why);
    case SIM_CHLD_JOIN:
      return join(v, why);
    case SIM_CHLD_TRANSFER:
      if (!find_in(v, IN(SIM_CALL_HELD), FALSE)
          || !find_in(v, IN(SIM_CALL_ACTIVE) | IN(SIM_CALL_ALERTING), FALSE)) {
        *why = "a transfer needs a held and an active or alerting call";
        return FALSE;
      }
      move_all(v, live, SIM_CALL_ENDED, SIM_CALL_END_TRANSFERRED);
      return TRUE;
    case SIM_CHLD_RELEASE_ALL:
      move_all(v, live, SIM_CALL_ENDED, SIM_CALL_END_LOCAL);
      return TRUE;
  }
  *why = "unknown operation";
  return FALSE;
}

gboolean
sim_voice_dtmf(SimCore *core, guint id, char tone, const char **why)
{
  SimCall *call = sim_voice_call(core, id);

  if (!call || call->state != SIM_CALL_ACTIVE) {
    *why = "no such active call";
    return FALSE;
  }
  if (!g_ascii_isdigit(tone) && !strchr("*#ABCD", tone)) {
    *why = "not a DTMF tone";
    return FALSE;
  }
  g_string_append_c(call->heard, tone);
  sim_core_log(core, "event: call %u dtmf %c (heard: %s)", id, tone, call->heard->str);
  return TRUE;
}

gboolean
sim_voice_waiting_enabled(SimCore *core)
{
  return voice_of(core)->waiting_enabled;
}

void
sim_voice_set_waiting_enabled(SimCore *core, gboolean enabled)
{
  voice_of(core)->waiting_enabled = enabled;
  sim_core_log(core, "event: call waiting %s", enabled ? "on" : "off");
}

/* ---- control commands: the other party ---------------------------------- */

static gboolean
not_possible(GError **error, const char *why)
{
  g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "%s", why);
  return FALSE;
}

static gboolean
check_caller(SimVoice *v, const char *number, GError **error)
{
  if (!g_str_equal(number, "-") && !valid_number(number)) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "NUMBER must be digits, '*', '#' after an optional '+', or - (withheld)");
    return FALSE;
  }
  if (sim_core_reg_state(v->core) != SIM_REG_REGISTERED)
    return not_possible(error, "not registered");
  return TRUE;
}

static gboolean
call_incoming(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimVoice *v = user_data;
  const char *number = args[0].word;

  if (!check_caller(v, number, error))
    return FALSE;
  if (v->calls->len)
    return not_possible(error, "a call is up (call-waiting rings during a call)");
  add_call(v, TRUE, g_str_equal(number, "-") ? "" : number, SIM_CALL_INCOMING);
  return TRUE;
}

static gboolean
call_waiting(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimVoice *v = user_data;
  const char *number = args[0].word;

  if (!check_caller(v, number, error))
    return FALSE;
  if (!find_in(v, IN(SIM_CALL_ACTIVE) | IN(SIM_CALL_HELD), FALSE))
    return not_possible(error, "no call in progress (call-incoming rings when idle)");
  if (find_in(v, IN(SIM_CALL_WAITING) | IN(SIM_CALL_INCOMING), FALSE))
    return not_possible(error, "a call is waiting already");
  if (!v->waiting_enabled)
    return not_possible(error, "call waiting is off: the caller hears busy");
  if (!add_call(v, TRUE, g_str_equal(number, "-") ? "" : number, SIM_CALL_WAITING))
    return not_possible(error, "too many calls");
  return TRUE;
}

static gboolean
call_remote_answer(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimVoice *v = user_data;
  SimCall *call = find_in(v, IN(SIM_CALL_ALERTING) | IN(SIM_CALL_DIALING), FALSE);

  if (!call)
    return not_possible(error, "no outgoing call is ringing");
  g_clear_handle_id(&v->alert_idle, g_source_remove);
  set_state(v, call, SIM_CALL_ACTIVE, SIM_CALL_END_NONE);
  return TRUE;
}

/* The party of the call being set up, else of the active call, else the
 * newest caller, else of a held call hangs up. */
static gboolean
call_remote_hangup(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimVoice *v = user_data;
  SimCall *call = find_in(v, IN(SIM_CALL_DIALING) | IN(SIM_CALL_ALERTING), FALSE);

  if (!call)
    call = find_in(v, IN(SIM_CALL_ACTIVE), FALSE);
  if (!call)
    call = find_in(v, IN(SIM_CALL_INCOMING) | IN(SIM_CALL_WAITING), TRUE);
  if (!call)
    call = find_in(v, IN(SIM_CALL_HELD), FALSE);
  if (!call)
    return not_possible(error, "no call");
  set_state(v, call, SIM_CALL_ENDED, SIM_CALL_END_REMOTE);
  return TRUE;
}

static const SimControlArg number_arg[] = {
  { "NUMBER", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
};

static const SimControlCommand voice_commands[] = {
  { "call-incoming", number_arg, 1, call_incoming },
  { "call-waiting", number_arg, 1, call_waiting },
  { "call-remote-answer", NULL, 0, call_remote_answer },
  { "call-remote-hangup", NULL, 0, call_remote_hangup },
};

SimVoice *
sim_voice_new(SimCore *core)
{
  SimVoice *v = g_new0(SimVoice, 1);

  v->core = core;
  v->calls = g_ptr_array_new_with_free_func((GDestroyNotify)call_free);
  v->waiting_enabled = TRUE;
  sim_control_add_commands(core->control, voice_commands, G_N_ELEMENTS(voice_commands), v);
  return v;
}

void
sim_voice_free(SimVoice *v)
{
  g_clear_handle_id(&v->alert_idle, g_source_remove);
  g_ptr_array_unref(v->calls);
  g_free(v);
}
