/* A USSD request waiting for the network's answer, shared by the backends:
 * the answer comes as an indication or URC, not as the reply of the request,
 * so the wait needs its own timeout and must end when the request is
 * cancelled (the modem went away). */
#include "api/ops-ussd.h"
#include "mmd-errors.h"

#define PENDING_KEY "mmd-ussd-pending"

void
mmd_ussd_pending_finish(MmdUssdPending *pending, MmdUssdReply *reply, GError *error)
{
  GTask *task = g_steal_pointer(&pending->task);

  g_clear_handle_id(&pending->timeout_id, g_source_remove);
  if (task && pending->cancelled_id)
    g_cancellable_disconnect(g_task_get_cancellable(task), pending->cancelled_id);
  pending->cancelled_id = 0;
  if (!task) {
    mmd_ussd_reply_free(reply);
    g_clear_error(&error);
    return;
  }
  g_object_set_data(G_OBJECT(task), PENDING_KEY, NULL);
  if (error)
    g_task_return_error(task, error);
  else
    g_task_return_pointer(task, reply, (GDestroyNotify)mmd_ussd_reply_free);
  g_object_unref(task);
}

static gboolean
answer_timed_out(gpointer user_data)
{
  MmdUssdPending *pending = user_data;

  pending->timeout_id = 0;
  mmd_ussd_pending_finish(pending, NULL,
                          g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                                      "The network did not answer the USSD request"));
  return G_SOURCE_REMOVE;
}

/* The task names its waiter only while it waits: finishing clears it, so a
 * late idle finds nothing, even after the backend's state is gone. */
static gboolean
finish_cancelled(gpointer user_data)
{
  GTask *task = user_data;
  MmdUssdPending *pending = g_object_get_data(G_OBJECT(task), PENDING_KEY);

  if (pending && pending->task == task)
    mmd_ussd_pending_finish(
        pending, NULL, g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "USSD request cancelled"));
  return G_SOURCE_REMOVE;
}

/* Not finished here: a cancellable's handler may not disconnect itself. */
static void
pending_cancelled(GCancellable *cancellable, gpointer user_data)
{
  g_idle_add_full(G_PRIORITY_DEFAULT, finish_cancelled, g_object_ref(user_data), g_object_unref);
}

void
mmd_ussd_pending_wait(MmdUssdPending *pending, GTask *task, guint timeout_s)
{
  GCancellable *cancellable = g_task_get_cancellable(task);

  pending->task = task;
  g_object_set_data(G_OBJECT(task), PENDING_KEY, pending);
  pending->timeout_id = g_timeout_add_seconds(timeout_s, answer_timed_out, pending);
  if (cancellable)
    pending->cancelled_id
        = g_cancellable_connect(cancellable, G_CALLBACK(pending_cancelled), task, NULL);
}
