/* Voice calls over 27.007 AT: ATD<number>; ATA, +CHUP, +CHLD, +VTS, +CCWA.
 * The call list is +CLCC: read whenever the modem says something happened to
 * a call (RING, +CRING, +CLIP, +CCWA, NO CARRIER, BUSY, NO ANSWER, ^CEND,
 * unsolicited +CLCC) or after a call operation, and polled only while a call
 * exists, since most modems say nothing when the other party answers. */
#include "at-modem.h"
#include "at-parse-voice.h"

#include <string.h>

#define CLCC_POLL_MS 1000
/* After ATD; the modem may take a moment to list the new call. */
#define DIAL_LIST_TRIES 5
#define DIAL_LIST_PAUSE_MS 200

typedef struct {
  MmdAtModem *self;              /* weak: the backend owns this */
  GHashTable *calls;             /* id -> MmdCallState last reported */
  char *caller;                  /* of the latest +CLIP/+CCWA, until +CLCC has the call */
  MmdCallStateReason end_reason; /* of the next call that vanishes */
  guint poll_id;
  gboolean listing;    /* a +CLCC is in flight */
  gboolean list_again; /* something happened meanwhile */
} AtVoice;

static void
at_voice_free(AtVoice *voice)
{
  g_clear_handle_id(&voice->poll_id, g_source_remove);
  g_hash_table_unref(voice->calls);
  g_free(voice->caller);
  g_free(voice);
}

static AtVoice *
voice_of(MmdAtModem *self)
{
  AtVoice *voice = g_object_get_data(G_OBJECT(self), "at-voice");

  if (!voice) {
    voice = g_new0(AtVoice, 1);
    voice->self = self;
    voice->calls = g_hash_table_new(g_direct_hash, g_direct_equal);
    voice->end_reason = MMD_CALL_STATE_REASON_TERMINATED;
    g_object_set_data_full(G_OBJECT(self), "at-voice", voice, (GDestroyNotify)at_voice_free);
  }
  return voice;
}

/* ---- the call list ------------------------------------------------------- */

static MmdCallState
call_state(MmdAtCallStat stat)
{
  static const MmdCallState states[] = {
    MMD_CALL_STATE_ACTIVE,      MMD_CALL_STATE_HELD,       MMD_CALL_STATE_DIALING,
    MMD_CALL_STATE_RINGING_OUT, MMD_CALL_STATE_RINGING_IN, MMD_CALL_STATE_WAITING,
  };

  return states[stat];
}

static MmdCallStateReason
reason_for(MmdCallState old, MmdCallState state)
{
  switch (state) {
    case MMD_CALL_STATE_DIALING:
    case MMD_CALL_STATE_RINGING_OUT:
      return MMD_CALL_STATE_REASON_OUTGOING_STARTED;
    case MMD_CALL_STATE_RINGING_IN:
    case MMD_CALL_STATE_WAITING:
      return MMD_CALL_STATE_REASON_INCOMING_NEW;
    case MMD_CALL_STATE_ACTIVE:
      return old == MMD_CALL_STATE_HELD ? MMD_CALL_STATE_REASON_UNKNOWN
                                        : MMD_CALL_STATE_REASON_ACCEPTED;
    default:
      return MMD_CALL_STATE_REASON_UNKNOWN;
  }
}

static void list_calls(MmdAtModem *self);

static gboolean
poll_calls(gpointer user_data)
{
  AtVoice *voice = user_data;

  voice->poll_id = 0;
  list_calls(voice->self);
  return G_SOURCE_REMOVE;
}

static void
report_call(AtVoice *voice, MmdModem *modem, const MmdAtCall *call)
{
  gpointer key = GUINT_TO_POINTER(call->id);
  MmdCallState old = GPOINTER_TO_INT(g_hash_table_lookup(voice->calls, key));
  MmdCallState state = call_state(call->stat);
  const char *number = call->number;

  /* +CLIP/+CCWA named the caller before +CLCC did (or +CLCC never does) */
  if (!number && call->incoming
      && (state == MMD_CALL_STATE_RINGING_IN || state == MMD_CALL_STATE_WAITING))
    number = voice->caller;
  g_hash_table_insert(voice->calls, key, GINT_TO_POINTER(state));
  mmd_modem_call_update(modem, call->id,
                        call->incoming ? MMD_CALL_DIRECTION_INCOMING : MMD_CALL_DIRECTION_OUTGOING,
                        state, reason_for(old, state), number, call->multiparty);
}

/* Calls the modem no longer lists are over. */
static void
end_vanished(AtVoice *voice, MmdModem *modem, GPtrArray *calls)
{
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init(&it, voice->calls);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    gboolean listed = FALSE;

    for (guint i = 0; i < calls->len && !listed; i++)
      listed = ((MmdAtCall *)g_ptr_array_index(calls, i))->id == GPOINTER_TO_UINT(key);
    if (listed)
      continue;
    g_hash_table_iter_remove(&it);
    mmd_modem_call_update(modem, GPOINTER_TO_UINT(key), MMD_CALL_DIRECTION_UNKNOWN,
                          MMD_CALL_STATE_TERMINATED, voice->end_reason, NULL, FALSE);
  }
  voice->end_reason = MMD_CALL_STATE_REASON_TERMINATED;
}

static void
report_calls(MmdAtModem *self, GPtrArray *calls)
{
  AtVoice *voice = voice_of(self);
  MmdModem *modem = modem_of(self);
  gboolean ringing = FALSE;

  for (guint i = 0; i < calls->len; i++) {
    const MmdAtCall *call = g_ptr_array_index(calls, i);

    report_call(voice, modem, call);
    ringing |= call->stat == MMD_AT_CALL_INCOMING || call->stat == MMD_AT_CALL_WAITING;
  }
  end_vanished(voice, modem, calls);
  if (!ringing)
    g_clear_pointer(&voice->caller, g_free);
  g_clear_handle_id(&voice->poll_id, g_source_remove);
  if (calls->len && !self->shut_down)
    voice->poll_id = g_timeout_add(CLCC_POLL_MS, poll_calls, voice);
}

static void
listed(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MmdAtModem) self = user_data;
  AtVoice *voice = voice_of(self);
  g_autoptr(GError) error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(NULL, result, &error);
  g_autoptr(GPtrArray) calls = response ? mmd_at_parse_clcc(response, &error) : NULL;

  voice->listing = FALSE;
  if (self->shut_down)
    return;
  if (calls)
    report_calls(self, calls);
  else
    g_debug("+CLCC: %s", error->message);
  if (voice->list_again) {
    voice->list_again = FALSE;
    list_calls(self);
  }
}

/* Reads the call list now, or once more after the read in flight. */
static void
list_calls(MmdAtModem *self)
{
  AtVoice *voice = voice_of(self);

  if (self->shut_down || !self->ch)
    return;
  if (voice->listing) {
    voice->list_again = TRUE;
    return;
  }
  voice->listing = TRUE;
  mmd_at_channel_command(self->ch, "AT+CLCC", DEFAULT_TIMEOUT_MS, MMD_AT_COMMAND_PERSONAL, NULL,
                         listed, g_object_ref(self));
}

/* ---- URCs ---------------------------------------------------------------- */

static void
on_call_event(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  list_calls(user_data);
}

static void
on_caller(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  AtVoice *voice = voice_of(self);
  char *number = NULL;

  if (mmd_at_parse_caller(line, &number, NULL)) {
    g_free(voice->caller);
    voice->caller = number;
  }
  list_calls(self);
}

static void
on_busy(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  voice_of(user_data)->end_reason = MMD_CALL_STATE_REASON_REFUSED_OR_BUSY;
  list_calls(user_data);
}

/* NO CARRIER ends a voice call or a PPP session: both are told. */
static void
on_no_carrier(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  at_on_no_carrier(ch, line, user_data);
  list_calls(user_data);
}

void
at_voice_watch(MmdAtModem *self)
{
  static const char *const events[] = { "RING", "+CRING:", "^CEND:", "+CLCC:", "NO ANSWER" };

  for (gsize i = 0; i < G_N_ELEMENTS(events); i++)
    mmd_at_channel_add_urc_handler(self->ch, events[i], on_call_event, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CLIP:", on_caller, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CCWA:", on_caller, self);
  mmd_at_channel_add_urc_handler(self->ch, "BUSY", on_busy, self);
  mmd_at_channel_add_urc_handler(self->ch, "NO CARRIER", on_no_carrier, self);
  at_ussd_watch(self);
}

/* ---- set-up: caller id and waiting URCs, the calls up already ----------- */

static gboolean
h_list(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  list_calls(self);
  return TRUE;
}

/* Part of the initialization, so that the modem is quiet once it is done. */
void
at_voice_add_init_steps(Seq *seq)
{
  at_seq_add(seq, "AT+CLIP=1", 0, 0, TRUE, NULL);
  /* the URC only: the network's call waiting setting stays as it is */
  at_seq_add(seq, "AT+CCWA=1", 0, 0, TRUE, NULL);
  at_ussd_add_setup_steps(seq);
  at_add_ecc_steps(seq);
  at_seq_add_call(seq, h_list);
}

/* ---- operations ---------------------------------------------------------- */

/* After an operation on calls: their states now. */
static gboolean
h_changed(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!at_require_ok(cmd_error, error))
    return FALSE;
  list_calls(self);
  return TRUE;
}

static void
run_call_command(MmdBackend *backend, const char *cmd, MmdAtCommandFlags flags,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);

  at_seq_add(seq, cmd, 0, flags, FALSE, h_changed);
  at_seq_next(seq);
}

static MmdCallState
known_state(MmdAtModem *self, guint call_id)
{
  return GPOINTER_TO_INT(g_hash_table_lookup(voice_of(self)->calls, GUINT_TO_POINTER(call_id)));
}

typedef struct {
  GHashTable *before; /* ids of the calls known before the dial */
  guint tries;
  guint id; /* of the new call */
} DialJob;

static void
dial_job_free(DialJob *job)
{
  g_hash_table_unref(job->before);
  g_free(job);
}

/* The dial answered OK; the new call is the outgoing one being set up that
 * was not known before. */
static gboolean
h_find_dialed(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  g_autoptr(GPtrArray) calls = response ? mmd_at_parse_clcc(response, NULL) : NULL;
  DialJob *job = seq->data;

  for (guint i = 0; calls && i < calls->len; i++) {
    const MmdAtCall *call = g_ptr_array_index(calls, i);

    if (!call->incoming
        && (call->stat == MMD_AT_CALL_DIALING || call->stat == MMD_AT_CALL_ALERTING
            || call->stat == MMD_AT_CALL_ACTIVE)
        && !g_hash_table_contains(job->before, GUINT_TO_POINTER(call->id))) {
      job->id = call->id;
      report_calls(self, calls);
      return TRUE;
    }
  }
  if (++job->tries >= DIAL_LIST_TRIES) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                "The modem accepted the dial but lists no new call");
    return FALSE;
  }
  at_seq_add_next(seq, "AT+CLCC", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_find_dialed);
  at_seq_add_next(seq, NULL, DIAL_LIST_PAUSE_MS, 0, FALSE, NULL);
  return TRUE;
}

static void
dialed(MmdAtModem *self, Seq *seq)
{
  g_task_return_int(seq->task, ((DialJob *)seq->data)->id);
}

static void
at_voice_dial(MmdBackend *backend, const char *number, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);
  g_autofree char *cmd = g_strdup_printf("ATD%s;", number);
  DialJob *job = g_new0(DialJob, 1);
  GHashTableIter it;
  gpointer key;

  job->before = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_hash_table_iter_init(&it, voice_of(self)->calls);
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_hash_table_add(job->before, key);
  seq->data = job;
  seq->data_free = (GDestroyNotify)dial_job_free;
  seq->done = dialed;
  /* the number is a dial string (the core checked it); it may carry a
   * supplementary service code with a PIN: secret in the log */
  at_seq_add(seq, cmd, DIAL_TIMEOUT_MS, MMD_AT_COMMAND_SECRET, FALSE, NULL);
  at_seq_add(seq, "AT+CLCC", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_find_dialed);
  at_seq_next(seq);
}

static void
at_voice_accept(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  /* a waiting call is taken by holding the one in progress */
  gboolean waiting = known_state(MMD_AT_MODEM(backend), call_id) == MMD_CALL_STATE_WAITING;

  run_call_command(backend, waiting ? "AT+CHLD=2" : "ATA", 0, cancellable, callback, user_data);
}

static void
at_voice_hangup(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  g_autofree char *cmd = NULL;

  /* +CHUP ends the current call; with others up, this one only */
  if (g_hash_table_size(voice_of(self)->calls) <= 1)
    cmd = g_strdup("AT+CHUP");
  else
    cmd = g_strdup_printf("AT+CHLD=1%u", call_id);
  run_call_command(backend, cmd, 0, cancellable, callback, user_data);
}

static void
at_voice_send_dtmf(MmdBackend *backend, guint call_id, const char *dtmf, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);

  /* one tone a command (27.007 +VTS takes one character); the core checked
   * them. Tones may be a PIN for a voice menu: secret in the log */
  for (const char *t = dtmf; *t; t++) {
    g_autofree char *cmd = g_strdup_printf("AT+VTS=\"%c\"", *t);

    at_seq_add(seq, cmd, 0, MMD_AT_COMMAND_SECRET, FALSE, NULL);
  }
  at_seq_next(seq);
}

static void
at_voice_join_multiparty(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  run_call_command(backend, "AT+CHLD=3", 0, cancellable, callback, user_data);
}

static void
at_voice_leave_multiparty(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *cmd = g_strdup_printf("AT+CHLD=2%u", call_id);

  run_call_command(backend, cmd, 0, cancellable, callback, user_data);
}

static void
at_voice_hangup_all(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  run_call_command(backend, "AT+CHUP", 0, cancellable, callback, user_data);
}

static void
at_voice_hangup_and_accept(MmdBackend *backend, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  run_call_command(backend, "AT+CHLD=1", 0, cancellable, callback, user_data);
}

static void
at_voice_hold_and_accept(MmdBackend *backend, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  run_call_command(backend, "AT+CHLD=2", 0, cancellable, callback, user_data);
}

static void
at_voice_transfer(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  run_call_command(backend, "AT+CHLD=4", 0, cancellable, callback, user_data);
}

static void
at_voice_call_waiting_setup(MmdBackend *backend, gboolean enable, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);

  at_seq_add(seq, enable ? "AT+CCWA=1,1" : "AT+CCWA=1,0", NETWORK_TIMEOUT_MS, 0, FALSE, NULL);
  at_seq_next(seq);
}

static gboolean
h_ccwa_status(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  gboolean enabled;

  if (!at_require_ok(cmd_error, error) || !mmd_at_parse_ccwa_status(response, &enabled, error))
    return FALSE;
  seq->counter = enabled;
  return TRUE;
}

static void
waiting_queried(MmdAtModem *self, Seq *seq)
{
  g_task_return_int(seq->task, seq->counter);
}

static void
at_voice_call_waiting_query(MmdBackend *backend, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);

  seq->done = waiting_queried;
  at_seq_add(seq, "AT+CCWA=1,2", NETWORK_TIMEOUT_MS, 0, FALSE, h_ccwa_status);
  at_seq_next(seq);
}

const MmdVoiceOps at_voice_ops = {
  .dial = at_voice_dial,
  .accept = at_voice_accept,
  .hangup = at_voice_hangup,
  .send_dtmf = at_voice_send_dtmf,
  .join_multiparty = at_voice_join_multiparty,
  .leave_multiparty = at_voice_leave_multiparty,
  .hangup_all = at_voice_hangup_all,
  .hangup_and_accept = at_voice_hangup_and_accept,
  .hold_and_accept = at_voice_hold_and_accept,
  .transfer = at_voice_transfer,
  .call_waiting_setup = at_voice_call_waiting_setup,
  .call_waiting_query = at_voice_call_waiting_query,
};
