/* Voice calls over QMI VOICE: the client (allocated in the background once
 * the modem is initialized, so that a call that rings before any request is
 * seen), the All Call Status indication as the core's call updates, and the
 * call operations. */

#include "qmi-modem-voice.h"

/* QMI call states */
enum {
  CALL_ORIGINATION = 0x01,
  CALL_INCOMING = 0x02,
  CALL_CONVERSATION = 0x03,
  CALL_CC_IN_PROGRESS = 0x04,
  CALL_ALERTING = 0x05,
  CALL_HOLD = 0x06,
  CALL_WAITING = 0x07,
  CALL_DISCONNECTING = 0x08,
  CALL_END = 0x09,
  CALL_SETUP = 0x0A,
};
enum { DIRECTION_MO = 0x01, DIRECTION_MT = 0x02 };

/* Manage Calls service types */
enum {
  MANAGE_RELEASE_ACTIVE_ACCEPT_HELD_OR_WAITING = 0x02,
  MANAGE_HOLD_ACTIVE_ACCEPT_WAITING_OR_HELD = 0x03,
  MANAGE_HOLD_ALL_EXCEPT_SPECIFIED_CALL = 0x04,
  MANAGE_MAKE_CONFERENCE_CALL = 0x05,
  MANAGE_EXPLICIT_CALL_TRANSFER = 0x06,
  MANAGE_END_ALL_CALLS = 0x08,
};

/* Call end reasons that mean the other side refused or was busy. */
enum {
  END_INCOMING_REJECTED = 102,
  END_REJECTED_BY_USER = 134,
  END_USER_BUSY = 146,
  END_CALL_REJECTED = 149,
};

#define SS_ACTIVATE 0x01
#define SS_DEACTIVATE 0x02
#define SS_REASON_CALL_WAITING 0x0F
#define SERVICE_CLASS_VOICE 0x01
/* How long a DTMF tone sounds: between Start and Stop Continuous DTMF. */
#define DTMF_TONE_MS 150

/* ---- the call list ------------------------------------------------------- */

static gboolean
call_state(guint8 qmi_state, MmdCallState *state)
{
  switch (qmi_state) {
    case CALL_ORIGINATION:
    case CALL_CC_IN_PROGRESS:
      *state = MMD_CALL_STATE_DIALING;
      return TRUE;
    case CALL_ALERTING:
      *state = MMD_CALL_STATE_RINGING_OUT;
      return TRUE;
    case CALL_INCOMING:
    case CALL_SETUP:
      *state = MMD_CALL_STATE_RINGING_IN;
      return TRUE;
    case CALL_CONVERSATION:
      *state = MMD_CALL_STATE_ACTIVE;
      return TRUE;
    case CALL_HOLD:
      *state = MMD_CALL_STATE_HELD;
      return TRUE;
    case CALL_WAITING:
      *state = MMD_CALL_STATE_WAITING;
      return TRUE;
    case CALL_DISCONNECTING:
    case CALL_END:
      *state = MMD_CALL_STATE_TERMINATED;
      return TRUE;
    default:
      return FALSE;
  }
}

static MmdCallStateReason
end_reason(const QmiVoiceAllCallStatusIndication *ind, guint8 id)
{
  for (guint i = 0; i < ind->n_call_end_reason; i++) {
    if (ind->call_end_reason[i].id != id)
      continue;
    switch (ind->call_end_reason[i].reason) {
      case END_INCOMING_REJECTED:
      case END_REJECTED_BY_USER:
      case END_USER_BUSY:
      case END_CALL_REJECTED:
        return MMD_CALL_STATE_REASON_REFUSED_OR_BUSY;
      default:
        return MMD_CALL_STATE_REASON_TERMINATED;
    }
  }
  return MMD_CALL_STATE_REASON_TERMINATED;
}

/* Why a call is in its new state, as far as the states tell. */
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

static const char *
number_of(const QmiVoiceRemoteNumber *numbers, guint n, guint8 id)
{
  for (guint i = 0; i < n; i++)
    if (numbers[i].id == id)
      return numbers[i].number;
  return NULL;
}

static void
report_call(QmiVoice *voice, const QmiVoiceCallInfo *info, const char *number,
            MmdCallStateReason end)
{
  MmdModem *modem = qmi_backend_modem(voice->backend);
  gpointer key = GUINT_TO_POINTER(info->id);
  MmdCallState old = GPOINTER_TO_INT(g_hash_table_lookup(voice->calls, key));
  MmdCallState state;

  if (!call_state(info->state, &state) || info->id == 0)
    return;
  if (state == MMD_CALL_STATE_TERMINATED)
    g_hash_table_remove(voice->calls, key);
  else
    g_hash_table_insert(voice->calls, key, GINT_TO_POINTER(state));
  mmd_modem_call_update(modem, info->id,
                        info->direction == DIRECTION_MT ? MMD_CALL_DIRECTION_INCOMING
                                                        : MMD_CALL_DIRECTION_OUTGOING,
                        state, state == MMD_CALL_STATE_TERMINATED ? end : reason_for(old, state),
                        number, info->multiparty != 0);
}

/* Calls the modem stopped listing without an END state are over too. */
static void
end_vanished_calls(QmiVoice *voice, const QmiVoiceCallInfo *infos, guint n)
{
  MmdModem *modem = qmi_backend_modem(voice->backend);
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init(&it, voice->calls);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    gboolean listed = FALSE;

    for (guint i = 0; i < n && !listed; i++)
      listed = infos[i].id == GPOINTER_TO_UINT(key);
    if (listed)
      continue;
    g_hash_table_iter_remove(&it);
    mmd_modem_call_update(modem, GPOINTER_TO_UINT(key), MMD_CALL_DIRECTION_UNKNOWN,
                          MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED, NULL, FALSE);
  }
}

static void
on_all_call_status(QmiClient *client, QmiMessage *message, gpointer user_data)
{
  QmiVoice *voice = user_data;
  QmiVoiceAllCallStatusIndication ind;

  if (qmi_voice_all_call_status_indication_parse(message, &ind, NULL) && ind.has_call_information
      && qmi_backend_modem(voice->backend)) {
    for (guint i = 0; i < ind.n_call_information; i++) {
      const QmiVoiceCallInfo *info = &ind.call_information[i];

      report_call(voice, info,
                  number_of(ind.remote_party_number, ind.n_remote_party_number, info->id),
                  end_reason(&ind, info->id));
    }
    end_vanished_calls(voice, ind.call_information, ind.n_call_information);
  }
  qmi_output_base_clear(&ind.base);
}

/* ---- setting up the client -------------------------------------------- */

/* The callbacks of the set-up hold a reference on the backend; its voice
 * state may be gone when they run (the port went away meanwhile). */
static QmiVoice *
voice_alive(MmdQmiBackend *self, const GError *error)
{
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  return self->voice && qmi_backend_modem(self) ? self->voice : NULL;
}

void
qmi_voice_setup_done(MmdQmiBackend *self)
{
  QmiVoice *voice = self->voice;

  if (!voice)
    return;
  voice->setting_up = FALSE;
  if (voice->settled)
    mmd_task_succeed(g_steal_pointer(&voice->settled));
}

void
qmi_voice_when_set_up(MmdQmiBackend *self, GTask *task)
{
  if (!self->voice || !self->voice->setting_up) {
    mmd_task_succeed(task);
    return;
  }
  self->voice->settled = task;
}

static void
call_info_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiVoiceGetAllCallInfoOutput out;
  gboolean ok = qmi_client_voice_get_all_call_info_finish((QmiClient *)source, res, &out, &error);
  QmiVoice *voice = voice_alive(self, error);

  for (guint i = 0; ok && voice && i < out.n_call_information; i++)
    report_call(
        voice, &out.call_information[i],
        number_of(out.remote_party_number, out.n_remote_party_number, out.call_information[i].id),
        MMD_CALL_STATE_REASON_TERMINATED);
  if (!ok && voice)
    g_debug("Calls in progress: %s", error->message);
  qmi_output_base_clear(&out.base);
  if (voice)
    qmi_ecc_load(self);
}

static void
registered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiVoiceIndicationRegisterOutput out;
  gboolean ok = qmi_client_voice_indication_register_finish((QmiClient *)source, res, &out, &error);
  QmiVoice *voice = voice_alive(self, error);

  qmi_output_base_clear(&out.base);
  if (!voice)
    return;
  if (!ok) {
    g_message("[%s] voice indications: %s", self->control_path, error->message);
    qmi_voice_setup_done(self);
    return;
  }
  /* A call may be up already (the daemon restarted during it). */
  qmi_client_voice_get_all_call_info(voice->client, QMI_TIMEOUT, self->cancellable, call_info_ready,
                                     g_object_ref(self));
}

static void
allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiClient *client = qmi_device_allocate_client_finish(QMI_DEVICE(source), res, &error);
  QmiVoice *voice = voice_alive(self, error);
  QmiVoiceIndicationRegisterInput in = {
    .has_call_notification_events = TRUE,
    .call_notification_events = 1,
    .has_ussd_notification_events = TRUE,
    .ussd_notification_events = 1,
  };

  if (!voice)
    return;
  if (!client) {
    /* The modem has no VOICE service: its operations say so. */
    g_message("[%s] no voice: %s", self->control_path, error->message);
    qmi_voice_setup_done(self);
    return;
  }
  voice->client = client;
  voice->call_status_id = qmi_client_add_indication_handler(client, QMI_VOICE_IND_ALL_CALL_STATUS,
                                                            on_all_call_status, voice);
  voice->ussd = qmi_ussd_new(voice);
  qmi_client_voice_indication_register(client, &in, QMI_TIMEOUT, self->cancellable, registered,
                                       g_object_ref(self));
}

/* Voice calls and USSD both live in the VOICE service, which data-only
 * modules lack: the capabilities are provided only when the modem lists it. */
void
qmi_voice_setup(MmdQmiBackend *self)
{
  if (!qmi_device_get_service_version(self->device, QMI_SERVICE_VOICE, NULL, NULL)) {
    g_debug("[%s] no VOICE service: no calls, no USSD", self->control_path);
    return;
  }
  if (!self->voice) {
    mmd_modem_provide_voice(qmi_backend_modem(self), &qmi_voice_ops, MMD_BACKEND(self));
    mmd_modem_provide_ussd(qmi_backend_modem(self), &qmi_ussd_ops, MMD_BACKEND(self));
    self->voice = g_new0(QmiVoice, 1);
    self->voice->backend = self;
    self->voice->calls = g_hash_table_new(g_direct_hash, g_direct_equal);
  }
  if (self->voice->client || self->voice->setting_up)
    return;
  self->voice->setting_up = TRUE;
  qmi_device_allocate_client(self->device, QMI_SERVICE_VOICE, QMI_TIMEOUT, self->cancellable,
                             allocated, g_object_ref(self));
}

void
qmi_voice_shutdown(MmdQmiBackend *self)
{
  QmiVoice *voice = self->voice;

  if (!voice)
    return;
  /* The device releases the client when it closes; only our state goes. */
  if (voice->client && voice->call_status_id)
    qmi_client_remove_indication_handler(voice->client, voice->call_status_id);
  if (voice->settled)
    mmd_task_fail(g_steal_pointer(&voice->settled),
                  g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
  g_clear_pointer(&voice->ussd, qmi_ussd_free);
  g_hash_table_unref(voice->calls);
  g_free(voice);
  self->voice = NULL;
}

GTask *
qmi_voice_task(MmdBackend *backend, const char *what, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);

  return qmi_backend_task(self, self->voice ? self->voice->client : NULL, what, cancellable,
                          callback, user_data);
}

/* ---- operations ---------------------------------------------------------- */

static void
dial_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiVoiceDialCallOutput out;

  if (!qmi_client_voice_dial_call_finish((QmiClient *)source, res, &out, &error)) {
    mmd_task_fail(task, error);
  } else if (!out.has_call_id || out.call_id == 0) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                                    "Dial Call: the modem gave no call id"));
  } else {
    g_task_return_int(task, out.call_id);
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
qmi_voice_dial(MmdBackend *backend, const char *number, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "Dial", cancellable, callback, user_data);
  QmiVoiceDialCallInput in = { .calling_number = number };

  if (task)
    qmi_client_voice_dial_call(MMD_QMI_BACKEND(backend)->voice->client, &in, QMI_TIMEOUT,
                               cancellable, dial_ready, task);
}

/* Completes a task with the result of a request whose output is only a
 * result (the generated outputs of these messages share their first member). */
#define OP_READY(name, msg, Output)                                                                \
  static void name(GObject *source, GAsyncResult *res, gpointer user_data)                         \
  {                                                                                                \
    GTask *task = user_data;                                                                       \
    GError *error = NULL;                                                                          \
    Output out;                                                                                    \
                                                                                                   \
    if (qmi_client_voice_##msg##_finish((QmiClient *)source, res, &out, &error))                   \
      mmd_task_succeed(task);                                                                      \
    else                                                                                           \
      mmd_task_fail(task, error);                                                                  \
    qmi_output_base_clear(&out.base);                                                              \
  }
OP_READY(answer_ready, answer_call, QmiVoiceAnswerCallOutput)
OP_READY(end_ready, end_call, QmiVoiceEndCallOutput)
OP_READY(manage_ready, manage_calls, QmiVoiceManageCallsOutput)
OP_READY(supplementary_ready, set_supplementary_service, QmiVoiceSetSupplementaryServiceOutput)

static void
manage_calls(MmdBackend *backend, guint8 type, guint call_id, const char *what,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, what, cancellable, callback, user_data);
  QmiVoiceManageCallsInput in = {
    .has_service_type = TRUE,
    .service_type = type,
    .has_call_id = call_id != 0,
    .call_id = call_id,
  };

  if (task)
    qmi_client_voice_manage_calls(MMD_QMI_BACKEND(backend)->voice->client, &in, QMI_TIMEOUT,
                                  cancellable, manage_ready, task);
}

static void
qmi_voice_accept(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  QmiVoice *voice = MMD_QMI_BACKEND(backend)->voice;
  QmiVoiceAnswerCallInput in = { .has_call_id = TRUE, .call_id = call_id };
  GTask *task;

  /* A waiting call is taken by holding the one in progress. */
  if (voice
      && GPOINTER_TO_INT(g_hash_table_lookup(voice->calls, GUINT_TO_POINTER(call_id)))
             == MMD_CALL_STATE_WAITING) {
    manage_calls(backend, MANAGE_HOLD_ACTIVE_ACCEPT_WAITING_OR_HELD, 0, "Accept", cancellable,
                 callback, user_data);
    return;
  }
  if ((task = qmi_voice_task(backend, "Accept", cancellable, callback, user_data)))
    qmi_client_voice_answer_call(voice->client, &in, QMI_TIMEOUT, cancellable, answer_ready, task);
}

static void
qmi_voice_hangup(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "Hangup", cancellable, callback, user_data);
  QmiVoiceEndCallInput in = { .has_call_id = TRUE, .call_id = call_id };

  if (task)
    qmi_client_voice_end_call(MMD_QMI_BACKEND(backend)->voice->client, &in, QMI_TIMEOUT,
                              cancellable, end_ready, task);
}

/* DTMF: one Start/Stop Continuous DTMF pair a tone. */
typedef struct {
  guint8 call_id;
  char *tones;
  guint next;
} DtmfJob;

static void
dtmf_job_free(DtmfJob *job)
{
  g_free(job->tones);
  g_free(job);
}

static void dtmf_next(GTask *task);

static void
dtmf_stopped(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiVoiceStopContinuousDtmfOutput out;

  if (qmi_client_voice_stop_continuous_dtmf_finish((QmiClient *)source, res, &out, &error))
    dtmf_next(task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static gboolean
dtmf_stop(gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  DtmfJob *job = g_task_get_task_data(task);
  QmiVoiceStopContinuousDtmfInput in = { .has_data = TRUE, .data = { .call_id = job->call_id } };

  if (!self->voice || !self->voice->client) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
    return G_SOURCE_REMOVE;
  }
  qmi_client_voice_stop_continuous_dtmf(self->voice->client, &in, QMI_TIMEOUT,
                                        g_task_get_cancellable(task), dtmf_stopped, task);
  return G_SOURCE_REMOVE;
}

static void
dtmf_started(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiVoiceStartContinuousDtmfOutput out;

  if (qmi_client_voice_start_continuous_dtmf_finish((QmiClient *)source, res, &out, &error))
    g_timeout_add(DTMF_TONE_MS, dtmf_stop, task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static void
dtmf_next(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  DtmfJob *job = g_task_get_task_data(task);
  QmiVoiceStartContinuousDtmfInput in = { .has_data = TRUE };

  if (!job->tones[job->next]) {
    mmd_task_succeed(task);
    return;
  }
  in.data.call_id = job->call_id;
  in.data.digit = (guint8)job->tones[job->next++];
  qmi_client_voice_start_continuous_dtmf(self->voice->client, &in, QMI_TIMEOUT,
                                         g_task_get_cancellable(task), dtmf_started, task);
}

static void
qmi_voice_send_dtmf(MmdBackend *backend, guint call_id, const char *dtmf, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "DTMF", cancellable, callback, user_data);
  DtmfJob *job;

  if (!task)
    return;
  job = g_new0(DtmfJob, 1);
  job->call_id = call_id;
  job->tones = g_strdup(dtmf);
  g_task_set_task_data(task, job, (GDestroyNotify)dtmf_job_free);
  dtmf_next(task);
}

static void
qmi_voice_join_multiparty(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  manage_calls(backend, MANAGE_MAKE_CONFERENCE_CALL, 0, "Join", cancellable, callback, user_data);
}

/* Leaving a conference: that call is kept active, the others held. */
static void
qmi_voice_leave_multiparty(MmdBackend *backend, guint call_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  manage_calls(backend, MANAGE_HOLD_ALL_EXCEPT_SPECIFIED_CALL, call_id, "Leave", cancellable,
               callback, user_data);
}

static void
qmi_voice_hangup_all(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  manage_calls(backend, MANAGE_END_ALL_CALLS, 0, "Hangup all", cancellable, callback, user_data);
}

static void
qmi_voice_hangup_and_accept(MmdBackend *backend, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  manage_calls(backend, MANAGE_RELEASE_ACTIVE_ACCEPT_HELD_OR_WAITING, 0, "Hangup and accept",
               cancellable, callback, user_data);
}

static void
qmi_voice_hold_and_accept(MmdBackend *backend, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  manage_calls(backend, MANAGE_HOLD_ACTIVE_ACCEPT_WAITING_OR_HELD, 0, "Hold and accept",
               cancellable, callback, user_data);
}

static void
qmi_voice_transfer(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  manage_calls(backend, MANAGE_EXPLICIT_CALL_TRANSFER, 0, "Transfer", cancellable, callback,
               user_data);
}

static void
qmi_voice_call_waiting_setup(MmdBackend *backend, gboolean enable, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "Call waiting", cancellable, callback, user_data);
  QmiVoiceSetSupplementaryServiceInput in = {
    .has_supplementary_service = TRUE,
    .supplementary_service = { enable ? SS_ACTIVATE : SS_DEACTIVATE, SS_REASON_CALL_WAITING },
  };

  if (task)
    qmi_client_voice_set_supplementary_service(MMD_QMI_BACKEND(backend)->voice->client, &in,
                                               QMI_TIMEOUT, cancellable, supplementary_ready, task);
}

static void
call_waiting_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiVoiceGetCallWaitingOutput out;

  if (!qmi_client_voice_get_call_waiting_finish((QmiClient *)source, res, &out, &error)) {
    mmd_task_fail(task, error);
  } else {
    g_task_return_int(task, out.has_service_class && (out.service_class & SERVICE_CLASS_VOICE));
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
qmi_voice_call_waiting_query(MmdBackend *backend, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "Call waiting", cancellable, callback, user_data);

  if (task)
    qmi_client_voice_get_call_waiting(MMD_QMI_BACKEND(backend)->voice->client, QMI_TIMEOUT,
                                      cancellable, call_waiting_ready, task);
}

const MmdVoiceOps qmi_voice_ops = {
  .dial = qmi_voice_dial,
  .accept = qmi_voice_accept,
  .hangup = qmi_voice_hangup,
  .send_dtmf = qmi_voice_send_dtmf,
  .join_multiparty = qmi_voice_join_multiparty,
  .leave_multiparty = qmi_voice_leave_multiparty,
  .hangup_all = qmi_voice_hangup_all,
  .hangup_and_accept = qmi_voice_hangup_and_accept,
  .hold_and_accept = qmi_voice_hold_and_accept,
  .transfer = qmi_voice_transfer,
  .call_waiting_setup = qmi_voice_call_waiting_setup,
  .call_waiting_query = qmi_voice_call_waiting_query,
};
