/* USSD over QMI VOICE. The network's answer to Initiate or Respond comes in
 * an indication: Originate USSD No Wait's own (the final text), or a USSD
 * indication (a request when the user must act, else a notification), or
 * Release USSD (the network ended the session). Firmware without the No Wait
 * form gets Originate USSD, whose response carries the final text. What
 * comes with nothing pending is the network's own doing. */

#include "qmi-modem-voice.h"

#include <string.h>

#include "modemd-codec.h"

/* USS data coding schemes of QMI VOICE (not 23.038 DCS values) */
enum { USS_ASCII = 0x01, USS_8BIT = 0x02, USS_UCS2 = 0x03 };
enum { USER_ACTION_REQUIRED = 0x02 };

/* The network may take its time; a session has no answer after this. */
#define USSD_ANSWER_TIMEOUT_S 60

struct _QmiUssd {
  QmiVoice *voice;
  guint ussd_id, release_id, no_wait_id;
  MmdUssdPending pending; /* Initiate or Respond waiting for the network's text */
  gboolean no_wait_unsupported;
};

/* ---- text --------------------------------------------------------------- */

static char *
latin1_to_utf8(const guint8 *data, gsize n)
{
  GString *s = g_string_sized_new(n + 1);

  for (gsize i = 0; i < n; i++)
    g_string_append_unichar(s, data[i] ? data[i] : 0xFFFD);
  return g_string_free(s, FALSE);
}

static char *
utf16_to_utf8(const guint16 *units, guint n)
{
  char *text = n ? g_utf16_to_utf8(units, n, NULL, NULL, NULL) : NULL;

  if (text && !memchr(text, 0, strlen(text)))
    return text;
  g_free(text);
  return NULL;
}

/* The text of USS data (or of the UTF-16 TLV, when the modem sends one that
 * decodes): always valid UTF-8, NULL when there is none. */
static char *
decode_text(gboolean has_data, guint8 dcs, const guint8 *data, guint n, const guint16 *utf16,
            guint n_utf16)
{
  char *text = utf16_to_utf8(utf16, n_utf16);

  if (text || !has_data)
    return text;
  switch (dcs) {
    case USS_UCS2:
      return mmd_ucs2_to_utf8(data, n);
    case USS_ASCII:
    case USS_8BIT:
    default:
      return latin1_to_utf8(data, n);
  }
}

static gboolean
is_ascii(const char *text)
{
  for (const char *c = text; *c; c++)
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7E)
      return FALSE;
  return TRUE;
}

/* text as USS data: ASCII when it is, else UCS-2. */
static GByteArray *
encode_text(const char *text, guint8 *dcs, GError **error)
{
  GByteArray *data;

  if (is_ascii(text)) {
    *dcs = USS_ASCII;
    data = g_byte_array_new();
    g_byte_array_append(data, (const guint8 *)text, strlen(text));
  } else {
    *dcs = USS_UCS2;
    if (!(data = mmd_ucs2_from_utf8(text, error)))
      return NULL;
  }
  if (data->len > G_MAXUINT8) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "USSD of %u bytes: QMI carries at most 255", data->len);
    g_byte_array_unref(data);
    return NULL;
  }
  return data;
}

/* ---- the pending exchange ------------------------------------------------ */

/* The network's text: the answer of what is pending, else its own message. */
static void
network_text(QmiUssd *ussd, char *text, gboolean needs_response)
{
  MmdModem *modem = qmi_backend_modem(ussd->voice->backend);

  if (ussd->pending.task) {
    mmd_ussd_pending_finish(&ussd->pending, mmd_ussd_reply_new(text, needs_response), NULL);
  } else if (modem) {
    mmd_modem_ussd_network(
        modem, needs_response ? MMD_USSD_NETWORK_REQUEST : MMD_USSD_NETWORK_NOTIFICATION, text);
  }
  g_free(text);
}

/* ---- indications ----------------------------------------------------------- */

static void
on_ussd(QmiClient *client, QmiMessage *message, gpointer user_data)
{
  QmiUssd *ussd = user_data;
  QmiVoiceUssdIndication ind;

  if (qmi_voice_ussd_indication_parse(message, &ind, NULL))
    network_text(ussd,
                 decode_text(ind.has_uss_data, ind.uss_data.dcs, ind.uss_data.data,
                             ind.uss_data.n_data, ind.uss_data_utf16, ind.n_uss_data_utf16),
                 ind.has_user_action && ind.user_action == USER_ACTION_REQUIRED);
  qmi_output_base_clear(&ind.base);
}

static void
on_no_wait_result(QmiClient *client, QmiMessage *message, gpointer user_data)
{
  QmiUssd *ussd = user_data;
  QmiVoiceOriginateUssdNoWaitIndication ind;

  if (!qmi_voice_originate_ussd_no_wait_indication_parse(message, &ind, NULL)
      || !ussd->pending.task) {
    qmi_output_base_clear(&ind.base);
    return;
  }
  if (ind.has_error_code && ind.error_code)
    mmd_ussd_pending_finish(&ussd->pending, NULL,
                            qmi_protocol_error_to_gerror(ind.error_code, "USSD"));
  else
    network_text(ussd,
                 decode_text(ind.has_uss_data, ind.uss_data.dcs, ind.uss_data.data,
                             ind.uss_data.n_data, ind.uss_data_utf16, ind.n_uss_data_utf16),
                 FALSE);
  qmi_output_base_clear(&ind.base);
}

static void
on_release(QmiClient *client, QmiMessage *message, gpointer user_data)
{
  QmiUssd *ussd = user_data;
  MmdModem *modem = qmi_backend_modem(ussd->voice->backend);

  if (ussd->pending.task)
    mmd_ussd_pending_finish(
        &ussd->pending, NULL,
        g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The network ended the USSD session"));
  else if (modem)
    mmd_modem_ussd_network(modem, MMD_USSD_NETWORK_END, NULL);
}

QmiUssd *
qmi_ussd_new(QmiVoice *voice)
{
  QmiUssd *ussd = g_new0(QmiUssd, 1);

  ussd->voice = voice;
  ussd->ussd_id
      = qmi_client_add_indication_handler(voice->client, QMI_VOICE_IND_USSD, on_ussd, ussd);
  ussd->release_id = qmi_client_add_indication_handler(voice->client, QMI_VOICE_IND_RELEASE_USSD,
                                                       on_release, ussd);
  ussd->no_wait_id = qmi_client_add_indication_handler(
      voice->client, QMI_VOICE_IND_ORIGINATE_USSD_NO_WAIT, on_no_wait_result, ussd);
  return ussd;
}

void
qmi_ussd_free(QmiUssd *ussd)
{
  qmi_client_remove_indication_handler(ussd->voice->client, ussd->ussd_id);
  qmi_client_remove_indication_handler(ussd->voice->client, ussd->release_id);
  qmi_client_remove_indication_handler(ussd->voice->client, ussd->no_wait_id);
  mmd_ussd_pending_finish(
      &ussd->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
  g_free(ussd);
}

/* ---- operations ---------------------------------------------------------- */

/* The USSD state of a task's backend, NULL when voice is gone. */
static QmiUssd *
ussd_of(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);

  return self->voice ? self->voice->ussd : NULL;
}

/* The pending task when it is still this one. */
static gboolean
still_pending(GTask *task, QmiUssd **ussd)
{
  *ussd = ussd_of(task);
  return *ussd && (*ussd)->pending.task == task;
}

static void
originate_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QmiVoiceOriginateUssdOutput out;
  gboolean ok = qmi_client_voice_originate_ussd_finish((QmiClient *)source, res, &out, &error);
  QmiUssd *ussd;

  /* A request that needed the user came as an indication before this. */
  if (!still_pending(task, &ussd))
    g_clear_error(&error);
  else if (!ok)
    mmd_ussd_pending_finish(&ussd->pending, NULL, g_steal_pointer(&error));
  else
    network_text(ussd,
                 decode_text(out.has_uss_data, out.uss_data.dcs, out.uss_data.data,
                             out.uss_data.n_data, out.uss_data_utf16, out.n_uss_data_utf16),
                 FALSE);
  qmi_output_base_clear(&out.base);
}

static void
originate_sync(QmiUssd *ussd, GTask *task, guint8 dcs, const GByteArray *data)
{
  QmiVoiceOriginateUssdInput in = {
    .has_uss_data = TRUE,
    .uss_data = { .dcs = dcs, .n_data = data->len, .data = data->data },
  };

  /* The response comes when the network answers. */
  qmi_client_voice_originate_ussd(ussd->voice->client, &in, USSD_ANSWER_TIMEOUT_S,
                                  g_task_get_cancellable(task), originate_ready,
                                  g_object_ref(task));
}

typedef struct {
  guint8 dcs;
  GByteArray *data;
} Request;

static void
request_free(Request *req)
{
  g_byte_array_unref(req->data);
  g_free(req);
}

static void
no_wait_sent(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QmiVoiceOriginateUssdNoWaitOutput out;
  gboolean ok
      = qmi_client_voice_originate_ussd_no_wait_finish((QmiClient *)source, res, &out, &error);
  gboolean unknown = out.base.has_result
                     && (out.base.error == QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND
                         || out.base.error == QMI_PROTOCOL_ERROR_NOT_SUPPORTED);
  QmiUssd *ussd;

  qmi_output_base_clear(&out.base);
  if (!still_pending(task, &ussd)) {
    g_clear_error(&error);
  } else if (!ok && unknown) {
    const Request *req = g_task_get_task_data(task);

    g_clear_error(&error);
    ussd->no_wait_unsupported = TRUE;
    originate_sync(ussd, task, req->dcs, req->data);
  } else if (!ok) {
    mmd_ussd_pending_finish(&ussd->pending, NULL, error);
  }
}

static GTask *
ussd_task(MmdBackend *backend, const char *text, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "USSD", cancellable, callback, user_data);
  Request *req;
  GError *error = NULL;

  if (!task)
    return NULL;
  req = g_new0(Request, 1);
  g_task_set_task_data(task, req, (GDestroyNotify)request_free);
  if (!(req->data = encode_text(text, &req->dcs, &error))) {
    mmd_task_fail(task, error);
    return NULL;
  }
  if (MMD_QMI_BACKEND(backend)->voice->ussd->pending.task) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                                    "A USSD request is waiting for the network"));
    return NULL;
  }
  return task;
}

static void
qmi_ussd_initiate(MmdBackend *backend, const char *command, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = ussd_task(backend, command, cancellable, callback, user_data);
  QmiUssd *ussd;
  const Request *req;

  if (!task)
    return;
  ussd = MMD_QMI_BACKEND(backend)->voice->ussd;
  req = g_task_get_task_data(task);
  mmd_ussd_pending_wait(&ussd->pending, task, USSD_ANSWER_TIMEOUT_S);
  if (ussd->no_wait_unsupported) {
    originate_sync(ussd, task, req->dcs, req->data);
  } else {
    QmiVoiceOriginateUssdNoWaitInput in = {
      .has_uss_data = TRUE,
      .uss_data = { .dcs = req->dcs, .n_data = req->data->len, .data = req->data->data },
    };

    qmi_client_voice_originate_ussd_no_wait(ussd->voice->client, &in, QMI_TIMEOUT, cancellable,
                                            no_wait_sent, g_object_ref(task));
  }
}

static void
answer_sent(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QmiVoiceAnswerUssdOutput out;
  gboolean ok = qmi_client_voice_answer_ussd_finish((QmiClient *)source, res, &out, &error);
  QmiUssd *ussd;

  qmi_output_base_clear(&out.base);
  /* On success the network's next text comes as an indication. */
  if (still_pending(task, &ussd) && !ok)
    mmd_ussd_pending_finish(&ussd->pending, NULL, error);
  else
    g_clear_error(&error);
}

static void
qmi_ussd_respond(MmdBackend *backend, const char *response, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = ussd_task(backend, response, cancellable, callback, user_data);
  QmiVoiceAnswerUssdInput in = { .has_uss_data = TRUE };
  const Request *req;
  QmiUssd *ussd;

  if (!task)
    return;
  ussd = MMD_QMI_BACKEND(backend)->voice->ussd;
  req = g_task_get_task_data(task);
  in.uss_data.dcs = req->dcs;
  in.uss_data.n_data = req->data->len;
  in.uss_data.data = req->data->data;
  mmd_ussd_pending_wait(&ussd->pending, task, USSD_ANSWER_TIMEOUT_S);
  qmi_client_voice_answer_ussd(ussd->voice->client, &in, QMI_TIMEOUT, cancellable, answer_sent,
                               g_object_ref(task));
}

static void
cancel_sent(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiVoiceCancelUssdOutput out;

  if (qmi_client_voice_cancel_ussd_finish((QmiClient *)source, res, &out, &error))
    mmd_task_succeed(task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static void
qmi_ussd_cancel(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = qmi_voice_task(backend, "USSD", cancellable, callback, user_data);
  QmiUssd *ussd;

  if (!task)
    return;
  ussd = MMD_QMI_BACKEND(backend)->voice->ussd;
  mmd_ussd_pending_finish(
      &ussd->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED, "USSD session cancelled"));
  qmi_client_voice_cancel_ussd(ussd->voice->client, QMI_TIMEOUT, cancellable, cancel_sent, task);
}

const MmdUssdOps qmi_ussd_ops = {
  .initiate = qmi_ussd_initiate,
  .respond = qmi_ussd_respond,
  .cancel = qmi_ussd_cancel,
};
