/* USSD over the MBIM USSD service (its one CID, set and notification). The
 * payload is the USSD string as 23.038 codes it, with its DCS. A function
 * answers the set with the network's text, or with an empty acknowledgement
 * and the text in a notification later; what is notified with nothing
 * pending is the network's own doing. */
#include "mbim-backend.h"

#include "modemd-codec.h"

enum { ACTION_INITIATE = 0, ACTION_CONTINUE = 1, ACTION_CANCEL = 2 };
enum {
  RESPONSE_NO_ACTION_REQUIRED = 0,
  RESPONSE_ACTION_REQUIRED = 1,
  RESPONSE_TERMINATED_BY_NETWORK = 2,
  RESPONSE_OTHER_LOCAL_CLIENT = 3,
  RESPONSE_OPERATION_NOT_SUPPORTED = 4,
  RESPONSE_NETWORK_TIMEOUT = 5,
};

/* The network may take its time; a session has no answer after this. */
#define USSD_ANSWER_TIMEOUT_S 60

typedef struct {
  MmdUssdPending pending; /* Initiate or Respond waiting for the network's text */
} MbimUssd;

static void
mbim_ussd_free(MbimUssd *ussd)
{
  mmd_ussd_pending_finish(
      &ussd->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
  g_free(ussd);
}

static MbimUssd *
ussd_of(MmdMbimBackend *self)
{
  MbimUssd *ussd = g_object_get_data(G_OBJECT(self), "mbim-ussd");

  if (!ussd) {
    ussd = g_new0(MbimUssd, 1);
    g_object_set_data_full(G_OBJECT(self), "mbim-ussd", ussd, (GDestroyNotify)mbim_ussd_free);
  }
  return ussd;
}

static GError *
response_error(guint32 response)
{
  switch (response) {
    case RESPONSE_TERMINATED_BY_NETWORK:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                         "The network ended the USSD session");
    case RESPONSE_OTHER_LOCAL_CLIENT:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                         "Another client of the modem answered the USSD session");
    case RESPONSE_OPERATION_NOT_SUPPORTED:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                         "The network does not support this USSD request");
    default:
      return g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                         "The network did not answer the USSD request");
  }
}

/* The text of an answer: valid UTF-8 ("" without a payload), or NULL with
 * error when the payload's coding is one the codec cannot read. */
static char *
payload_text(const MbimUssdInfo *info, GError **error)
{
  if (!info->n_ussd_payload)
    return g_strdup("");
  if (info->ussd_data_coding_scheme > G_MAXUINT8) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "USSD with DCS 0x%x",
                info->ussd_data_coding_scheme);
    return NULL;
  }
  return mmd_ussd_decode(info->ussd_payload, info->n_ussd_payload,
                         (guint8)info->ussd_data_coding_scheme, error);
}

void
mbim_ussd_notification(MmdMbimBackend *self, const MbimUssdInfo *info)
{
  MbimUssd *ussd = ussd_of(self);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = payload_text(info, &error);
  gboolean needs_response = info->ussd_response == RESPONSE_ACTION_REQUIRED;

  if (!text) {
    g_debug("USSD notification: %s", error->message);
    return;
  }
  if (ussd->pending.task) {
    if (info->ussd_response == RESPONSE_NO_ACTION_REQUIRED || needs_response)
      mmd_ussd_pending_finish(&ussd->pending, mmd_ussd_reply_new(text, needs_response), NULL);
    else
      mmd_ussd_pending_finish(&ussd->pending, NULL, response_error(info->ussd_response));
  } else if (info->ussd_response == RESPONSE_NO_ACTION_REQUIRED || needs_response) {
    mmd_modem_ussd_network(
        modem_of(self), needs_response ? MMD_USSD_NETWORK_REQUEST : MMD_USSD_NETWORK_NOTIFICATION,
        text);
  } else {
    mmd_modem_ussd_network(modem_of(self), MMD_USSD_NETWORK_END, NULL);
  }
}

static void
set_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  MbimUssd *ussd = ussd_of(self);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimUssdInfo) info
      = mbim_command_ussd_ussd_set_finish(MBIM_DEVICE(source), res, NULL, &error);
  g_autofree char *text = NULL;

  if (mbim_failed(task, info, error))
    return;
  if (info->ussd_response != RESPONSE_NO_ACTION_REQUIRED
      && info->ussd_response != RESPONSE_ACTION_REQUIRED) {
    mmd_task_fail(task, response_error(info->ussd_response));
    return;
  }
  if (!(text = payload_text(info, &error))) {
    mbim_return_error(task, error);
    return;
  }
  /* an acknowledgement: the text comes in a notification */
  if (!*text && info->ussd_response == RESPONSE_NO_ACTION_REQUIRED) {
    mmd_ussd_pending_wait(&ussd->pending, task, USSD_ANSWER_TIMEOUT_S);
    return;
  }
  g_task_return_pointer(task,
                        mmd_ussd_reply_new(text, info->ussd_response == RESPONSE_ACTION_REQUIRED),
                        (GDestroyNotify)mmd_ussd_reply_free);
  g_object_unref(task);
}

static void
send_ussd(MmdBackend *backend, guint32 action, const char *text, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  g_autoptr(GBytes) payload = NULL;
  GError *error = NULL;
  MbimSetUssd in = { .ussd_action = action };
  guint8 dcs = 0;
  gsize len = 0;

  if (!self->device) {
    mmd_task_fail(task, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                                    "The MBIM port is not open"));
    return;
  }
  if (ussd_of(self)->pending.task) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                                    "A USSD request is waiting for the network"));
    return;
  }
  if (text && !(payload = mmd_ussd_encode(text, &dcs, &error))) {
    mmd_task_fail(task,
                  g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "%s", error->message));
    g_error_free(error);
    return;
  }
  in.ussd_data_coding_scheme = dcs;
  in.ussd_payload = payload ? g_bytes_get_data(payload, &len) : NULL;
  in.n_ussd_payload = len;
  mbim_command_ussd_ussd_set(self->device, &in, USSD_ANSWER_TIMEOUT_S, cancellable, set_done, task);
}

static void
mbim_ussd_initiate(MmdBackend *backend, const char *command, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  send_ussd(backend, ACTION_INITIATE, command, cancellable, callback, user_data);
}

static void
mbim_ussd_respond(MmdBackend *backend, const char *response, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  send_ussd(backend, ACTION_CONTINUE, response, cancellable, callback, user_data);
}

static void
cancel_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimUssdInfo) info
      = mbim_command_ussd_ussd_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!mbim_failed(task, info, error))
    mmd_task_succeed(task);
}

static void
mbim_ussd_cancel(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  MbimSetUssd in = { .ussd_action = ACTION_CANCEL };

  mmd_ussd_pending_finish(
      &ussd_of(self)->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED, "USSD session cancelled"));
  if (!self->device) {
    mmd_task_fail(task, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                                    "The MBIM port is not open"));
    return;
  }
  mbim_command_ussd_ussd_set(self->device, &in, CMD_TIMEOUT_S, cancellable, cancel_done, task);
}

const MmdUssdOps mbim_ussd_ops = {
  .initiate = mbim_ussd_initiate,
  .respond = mbim_ussd_respond,
  .cancel = mbim_ussd_cancel,
};
