/* The SIM over MBIM: PIN, PUK, and PIN management. */
#include "mbim-backend.h"

/* A wrong code: record the retries left (and a PUK lock once the PIN is
 * blocked) from the PIN state f, then fail. */
static void
fail_incorrect_pin(GTask *task, const MbimPinInfo *f)
{
  MmdMbimBackend *self = g_task_get_source_object(task);

  if (f && f->pin_state == PIN_STATE_LOCKED) {
    MmdModemLock lock
        = f->pin_type == PIN_TYPE_PUK1 ? MMD_MODEM_LOCK_SIM_PUK : MMD_MODEM_LOCK_SIM_PIN;

    mmd_modem_set_unlock_retries(modem_of(self), lock, f->remaining_attempts);
    if (lock == MMD_MODEM_LOCK_SIM_PUK)
      mmd_modem_set_unlock_required(modem_of(self), lock);
  }
  g_task_return_new_error(task, MMD_MOBILE_EQUIPMENT_ERROR,
                          MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD, "Incorrect password");
  g_object_unref(task);
}

static void
pin_state_after_failure_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MbimPinInfo) f = mbim_command_pin_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  fail_incorrect_pin(user_data, f);
}

static void
unlocked_ready_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimSubscriberReadyInfo) f
      = mbim_command_subscriber_ready_status_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  if (f)
    mbim_report_sim(self, f);
  mbim_query_home_provider(task);
}

/* A PIN command mbim_failed: a wrong code is a generic failure whose buffer holds
 * the PIN state (retries, PUK needed). */
static void
pin_command_failed(GTask *task, GError *error, const MbimPinInfo *err_fields)
{
  if (g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_FAILURE)
      || g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_PIN_REQUIRED)) {
    if (err_fields && err_fields->pin_type != PIN_TYPE_NONE)
      fail_incorrect_pin(task, err_fields);
    else
      mbim_command_pin_query(mbim_device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                             pin_state_after_failure_done, task);
  } else {
    mbim_return_error(task, error);
  }
  g_error_free(error);
}

static void
pin_set_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimPinInfo) err_fields = NULL;
  g_autoptr(MbimPinInfo) f
      = mbim_command_pin_set_finish(MBIM_DEVICE(source), res, &err_fields, &error);

  if (!f) {
    pin_command_failed(task, error, err_fields);
    return;
  }
  /* Unlocked: the IMSI is readable now. */
  mbim_command_subscriber_ready_status_query(
      mbim_device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task), unlocked_ready_done, task);
}

/* Change or enable/disable the PIN: nothing to read afterwards. */
static void
pin_op_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimPinInfo) err_fields = NULL;
  g_autoptr(MbimPinInfo) f
      = mbim_command_pin_set_finish(MBIM_DEVICE(source), res, &err_fields, &error);

  if (!f) {
    pin_command_failed(task, error, err_fields);
    return;
  }
  mmd_task_succeed(task);
}

/* Runs a PIN operation for task, continuing in next. */
static void
set_pin(GTask *task, guint32 type, guint32 operation, const char *pin, const char *new_pin,
        GAsyncReadyCallback next)
{
  const MbimSetPin in
      = { .pin_type = type, .pin_operation = operation, .pin = pin, .new_pin = new_pin };

  mbim_command_pin_set(mbim_device_of(task), &in, CMD_TIMEOUT_S, g_task_get_cancellable(task), next,
                       task);
}

void
mbim_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, PIN_OP_ENTER, pin, NULL, pin_set_done);
}

void
mbim_send_puk(MmdBackend *backend, const char *puk, const char *new_pin, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PUK1, PIN_OP_ENTER, puk, new_pin, pin_set_done);
}

void
mbim_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, enabled ? PIN_OP_ENABLE : PIN_OP_DISABLE, pin, NULL, pin_op_done);
}

void
mbim_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, PIN_OP_CHANGE, old_pin, new_pin, pin_op_done);
}
