/* Probing a tty: does it answer "AT" with OK? */
#include "at-modem.h"

/* Probing a tty: does it answer "AT" with OK? */

#define PROBE_TRIES 3
#define PROBE_TIMEOUT_MS 800

typedef struct {
  MmdAtChannel *ch;
  guint tries;
} Probe;

static void
probe_free(Probe *p)
{
  if (p->ch) {
    mmd_at_channel_close(p->ch);
    mmd_at_channel_unref(p->ch);
  }
  g_free(p);
}

static void probe_send(GTask *task);

static void
probe_answered(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  g_free(mmd_at_channel_command_finish(p->ch, result, &error));

  if (!error) {
    g_task_return_boolean(task, TRUE);
  } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
             || !mmd_at_channel_is_open(p->ch)) {
    g_task_return_error(task, g_steal_pointer(&error));
  } else if (g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
             && ++p->tries < PROBE_TRIES) {
    probe_send(task);
    return;
  } else if (error->domain == MMD_MOBILE_EQUIPMENT_ERROR) {
    /* ERROR to a bare AT is still an AT port */
    g_task_return_boolean(task, TRUE);
  } else {
    g_task_return_boolean(task, FALSE);
  }
  g_object_unref(task);
}

static void
probe_send(GTask *task)
{
  Probe *p = g_task_get_task_data(task);

  mmd_at_channel_command(p->ch, "AT", PROBE_TIMEOUT_MS, 0, g_task_get_cancellable(task),
                         probe_answered, task);
}

static void
at_probe(const MmdPort *port, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);
  Probe *p = g_new0(Probe, 1);
  GError *error = NULL;

  g_task_set_task_data(task, p, (GDestroyNotify)probe_free);
  p->ch = mmd_at_channel_new(port->name);
  if (!port->path || !mmd_at_channel_open(p->ch, port->path, 115200, MMD_AT_FLOW_NONE, &error)) {
    if (!error)
      error = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED, "No device node");
    g_task_return_error(task, error);
    g_object_unref(task);
    return;
  }
  probe_send(task);
}

extern const MmdPlugin mmd_plugin_at;
const MmdPlugin mmd_plugin_at = {
  .name = "at",
  .priority = 300,
  .supports_port = at_supports_port,
  .create = at_create_backend,
  .probe = at_probe,
};
