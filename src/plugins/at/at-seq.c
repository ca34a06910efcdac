/* Command sequences of the AT backend: commands run in order, each with an
 * optional handler of its answer that may add further steps. */
#include "at-modem.h"

static void
step_free(Step *step)
{
  g_free(step->cmd);
  g_free(step);
}

Seq *
at_seq_new(MmdAtModem *self, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  Seq *seq = g_new0(Seq, 1);

  seq->self = self;
  seq->task = g_task_new(self, cancellable, callback, user_data);
  g_queue_init(&seq->steps);
  return seq;
}

static void
seq_free(Seq *seq)
{
  g_queue_clear_full(&seq->steps, (GDestroyNotify)step_free);
  if (seq->data_free)
    seq->data_free(seq->data);
  g_clear_error(&seq->result);
  g_object_unref(seq->task);
  g_free(seq);
}

static Step *
step_new(const char *cmd, guint timeout_ms, MmdAtCommandFlags flags, gboolean optional,
         StepHandler handler)
{
  Step *step = g_new0(Step, 1);

  step->cmd = g_strdup(cmd);
  step->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
  step->flags = flags;
  step->optional = optional;
  step->handler = handler;
  return step;
}

void
at_seq_add(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags, gboolean optional,
           StepHandler handler)
{
  g_queue_push_tail(&seq->steps, step_new(cmd, timeout_ms, flags, optional, handler));
}

/* Inserts a step to run right after the current one. */
void
at_seq_add_next(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags,
                gboolean optional, StepHandler handler)
{
  g_queue_push_head(&seq->steps, step_new(cmd, timeout_ms, flags, optional, handler));
}

void
at_seq_add_call(Seq *seq, StepHandler handler)
{
  Step *step = g_new0(Step, 1);

  step->handler = handler;
  g_queue_push_tail(&seq->steps, step);
}

void
at_seq_fail(Seq *seq, GError *error)
{
  g_task_return_error(seq->task, error);
  seq_free(seq);
}

void
at_seq_finish(Seq *seq)
{
  if (seq->self->shut_down) {
    /* the modem is gone: nothing may reach the core any more */
    g_clear_error(&seq->result);
    seq->result = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away");
  }
  if (seq->result) {
    g_task_return_error(seq->task, g_steal_pointer(&seq->result));
    seq_free(seq);
  } else if (seq->done) {
    seq->done(seq->self, seq); /* returns the task */
    seq_free(seq);
  } else {
    g_task_return_boolean(seq->task, TRUE);
    seq_free(seq);
  }
}

static void
step_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Seq *seq = user_data;
  Step *step = g_queue_pop_head(&seq->steps);
  g_autoptr(GError) cmd_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(NULL, result, &cmd_error);

  if (seq->self->shut_down) {
    step_free(step);
    at_seq_fail(seq, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
    return;
  }
  /* cancelled, or the port is gone: no point in going on, optional or not */
  if (cmd_error
      && (g_error_matches(cmd_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || (cmd_error->domain == MMD_SERIAL_ERROR
              && cmd_error->code != MMD_SERIAL_ERROR_RESPONSE_TIMEOUT))) {
    step_free(step);
    at_seq_fail(seq, g_steal_pointer(&cmd_error));
    return;
  }
  if (cmd_error && !step->optional && !step->handler) {
    step_free(step);
    at_seq_fail(seq, g_steal_pointer(&cmd_error));
    return;
  }
  if (step->handler && !step->handler(seq->self, seq, response, cmd_error, &error)) {
    step_free(step);
    at_seq_fail(seq, error ? g_steal_pointer(&error)
                           : g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Command failed"));
    return;
  }
  step_free(step);
  at_seq_next(seq);
}

static gboolean
pause_done(gpointer user_data)
{
  Seq *seq = user_data;

  step_free(g_queue_pop_head(&seq->steps));
  at_seq_next(seq);
  return G_SOURCE_REMOVE;
}

void
at_seq_next(Seq *seq)
{
  Step *step = g_queue_peek_head(&seq->steps);

  if (!step) {
    at_seq_finish(seq);
    return;
  }
  if (!seq->self->ch) {
    at_seq_fail(seq,
                g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "The port is closed"));
    return;
  }
  if (!step->cmd && step->handler) {
    /* a local action between commands */
    g_autoptr(GError) error = NULL;

    g_queue_pop_head(&seq->steps);
    if (!step->handler(seq->self, seq, NULL, NULL, &error)) {
      step_free(step);
      at_seq_fail(seq, g_steal_pointer(&error));
      return;
    }
    step_free(step);
    at_seq_next(seq);
    return;
  }
  if (!step->cmd) {
    g_timeout_add(step->timeout_ms, pause_done, seq);
    return;
  }
  mmd_at_channel_command(seq->self->ch, step->cmd, step->timeout_ms, step->flags,
                         g_task_get_cancellable(seq->task), step_done, seq);
}

/* A handler that requires success (for steps whose failure must abort even
 * though a handler is set). */
gboolean
at_require_ok(const GError *cmd_error, GError **error)
{
  if (cmd_error) {
    g_propagate_error(error, g_error_copy(cmd_error));
    return FALSE;
  }
  return TRUE;
}
