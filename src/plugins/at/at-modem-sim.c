/* The SIM over AT: PIN, PUK, and PIN management (+CPIN, +CLCK, +CPWD). */
#include "at-modem.h"

/* SIM */

static gboolean
h_cpin_after_failure(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                     GError **error)
{
  MmdModemLock lock;

  if (!cmd_error && mmd_at_parse_cpin(response, &lock, NULL) && lock != MMD_MODEM_LOCK_UNKNOWN)
    mmd_modem_set_unlock_required(modem_of(self), lock);
  return TRUE;
}

static gboolean
h_wait_ready(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  MmdModemLock lock = MMD_MODEM_LOCK_UNKNOWN;

  if ((cmd_error || !mmd_at_parse_cpin(response, &lock, NULL) || lock != MMD_MODEM_LOCK_NONE)
      && seq->counter++ < 20) {
    /* the SIM takes a moment after the code: ask again shortly */
    at_seq_add_next(seq, "AT+CPIN?", 0, 0, TRUE, h_wait_ready);
    {
      Step *pause = g_new0(Step, 1);
      pause->timeout_ms = 250;
      g_queue_push_nth(&seq->steps, pause, 1);
    }
    return TRUE;
  }
  at_add_iccid_steps(seq);
  at_add_imsi_steps(seq);
  return TRUE;
}

static gboolean
h_code_sent(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  if (cmd_error) {
    /* keep the error for the end; learn the new retries and lock first */
    seq->result = g_error_copy(cmd_error);
    at_seq_add(seq, "AT+CPINR", 0, 0, TRUE, at_h_retries);
    at_seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_cpin_after_failure);
    return TRUE;
  }
  seq->counter = 0;
  at_seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_wait_ready);
  return TRUE;
}

static void
unlock_done(MmdAtModem *self, Seq *seq)
{
  at_publish_sim(self);
  g_task_return_boolean(seq->task, TRUE);
}

static void
send_code(MmdAtModem *self, const char *cmd, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  seq->done = unlock_done;
  at_seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_code_sent);
  at_seq_next(seq);
}

void
at_fail_now(MmdAtModem *self, GError *error, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);

  g_task_return_error(task, error);
  g_object_unref(task);
}

void
at_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q = mmd_at_quote(pin, "pin", &error);
  g_autofree char *cmd = NULL;

  if (!q) {
    at_fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPIN=%s", q);
  send_code(self, cmd, cancellable, callback, user_data);
}

void
at_send_puk(MmdBackend *backend, const char *puk, const char *new_pin, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q1 = mmd_at_quote(puk, "puk", &error);
  g_autofree char *q2 = q1 ? mmd_at_quote(new_pin, "pin", &error) : NULL;
  g_autofree char *cmd = NULL;

  if (!q2) {
    at_fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPIN=%s,%s", q1, q2);
  send_code(self, cmd, cancellable, callback, user_data);
}

static gboolean
h_pin_change(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  if (cmd_error) {
    seq->result = g_error_copy(cmd_error);
    at_seq_add(seq, "AT+CPINR", 0, 0, TRUE, at_h_retries);
  }
  return TRUE;
}

void
at_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q = mmd_at_quote(pin, "pin", &error);
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (!q) {
    at_fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CLCK=\"SC\",%d,%s", enabled ? 1 : 0, q);
  seq = at_seq_new(self, cancellable, callback, user_data);
  at_seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_pin_change);
  at_seq_next(seq);
}

void
at_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q1 = mmd_at_quote(old_pin, "pin", &error);
  g_autofree char *q2 = q1 ? mmd_at_quote(new_pin, "pin", &error) : NULL;
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (!q2) {
    at_fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPWD=\"SC\",%s,%s", q1, q2);
  seq = at_seq_new(self, cancellable, callback, user_data);
  at_seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_pin_change);
  at_seq_next(seq);
}
