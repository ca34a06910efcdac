/* The modem's operations as the core runs them: checks of state, the state
 * transitions around each backend call, and the order of steps. */
#define G_LOG_DOMAIN "modemd-modem"

#include "modem-private.h"

#include "bearer.h"
#include "mmd-errors.h"
#include "modem-state.h"

#define BACKEND_CLASS(self) MMD_BACKEND_GET_CLASS((self)->backend)

static gboolean
backend_finish(GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean(G_TASK(result), error);
}

static GError *
unsupported(const char *what)
{
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                     "%s is not supported by this modem", what);
}

static GError *
wrong_state(MmdModem *self, const char *what)
{
  MmdModemState state = mmd_modem_get_state(self);

  if (state == MMD_MODEM_STATE_FAILED)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE, "Cannot %s: modem failed (%s)",
                       what,
                       mmd_modem_state_failed_reason_to_string(
                           mdbus_modem_get_state_failed_reason(self->iface_modem)));
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE, "Cannot %s: modem is %s", what,
                     mmd_modem_state_to_string(state));
}

/* Initialization */

static void
initialize_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MmdModem) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!backend_finish(result, &error)) {
    if (self->gone)
      return;
    g_warning("%s: initialization failed: %s", self->path, error->message);
    mmd_modem_report_failed(self, MMD_MODEM_STATE_FAILED_REASON_UNKNOWN);
    return;
  }
  if (self->gone || mmd_modem_get_state(self) == MMD_MODEM_STATE_FAILED)
    return;
  if (self->unlock_required == MMD_MODEM_LOCK_SIM_PIN
      || self->unlock_required == MMD_MODEM_LOCK_SIM_PUK)
    mmd_modem_set_state(self, MMD_MODEM_STATE_LOCKED, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  else
    mmd_modem_set_state(self, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
}

void
mmd_modem_ops_initialize(MmdModem *self)
{
  BACKEND_CLASS(self)->initialize(self->backend, self->cancellable, initialize_done,
                                  g_object_ref(self));
}

gboolean
mmd_modem_op_finish(MmdModem *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean(G_TASK(result), error);
}

/* Unlock */

static void
unlock_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;

  self->operation_in_progress = FALSE;
  if (!backend_finish(result, &error)) {
    g_message("%s: unlock failed: %s", self->path, error->message);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  mmd_modem_set_unlock_required(self, MMD_MODEM_LOCK_NONE);
  if (mmd_modem_get_state(self) == MMD_MODEM_STATE_LOCKED)
    mmd_modem_set_state(self, MMD_MODEM_STATE_DISABLED,
                        MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

void
mmd_modem_unlock_async(MmdModem *self, const char *pin, const char *puk,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, self->cancellable, callback, user_data);
  MmdModemLock needed = puk ? MMD_MODEM_LOCK_SIM_PUK : MMD_MODEM_LOCK_SIM_PIN;

  if (self->operation_in_progress) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                            "Another operation is in progress");
  } else if (self->unlock_required == MMD_MODEM_LOCK_NONE) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                            "Cannot send %s: the SIM is not locked", puk ? "PUK" : "PIN");
  } else if (self->unlock_required != needed) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                            "Cannot send %s: the SIM asks for %s", puk ? "PUK" : "PIN",
                            mmd_modem_lock_to_string(self->unlock_required));
  } else if (puk ? !BACKEND_CLASS(self)->send_puk : !BACKEND_CLASS(self)->send_pin) {
    g_task_return_error(task, unsupported("Unlocking"));
  } else {
    self->operation_in_progress = TRUE;
    if (puk)
      BACKEND_CLASS(self)->send_puk(self->backend, puk, pin, self->cancellable, unlock_done, task);
    else
      BACKEND_CLASS(self)->send_pin(self->backend, pin, self->cancellable, unlock_done, task);
    return;
  }
  g_object_unref(task);
}

/* Enable / disable */

static void
radio_on_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;

  self->operation_in_progress = FALSE;
  if (!backend_finish(result, &error)) {
    if (!self->gone)
      mmd_modem_set_state(self, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  mmd_modem_set_power_state(self, MMD_MODEM_POWER_STATE_ON);
  mmd_modem_set_state(self, MMD_MODEM_STATE_ENABLED, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  /* Registration may have been reported while enabling. */
  mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

static void
radio_off_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;

  self->operation_in_progress = FALSE;
  if (!backend_finish(result, &error)) {
    if (!self->gone)
      mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  mmd_modem_set_registration(self, MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE, NULL, NULL, 0);
  mmd_modem_set_packet_service_state(self, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED);
  mmd_modem_set_power_state(self, MMD_MODEM_POWER_STATE_LOW);
  mmd_modem_set_state(self, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

static void disconnect_all_then_radio_off(GTask *task);

static void
disable_bearer_disconnected(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;

  /* A bearer that fails to disconnect is dropped anyway: the radio goes off. */
  if (!backend_finish(result, &error))
    g_message("%s: disconnect while disabling failed: %s", self->path, error->message);
  if (self->gone) {
    self->operation_in_progress = FALSE;
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away");
    g_object_unref(task);
    return;
  }
  disconnect_all_then_radio_off(task);
}

static void
disconnect_all_then_radio_off(GTask *task)
{
  MmdModem *self = g_task_get_source_object(task);

  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
    if (mmd_bearer_is_connected(bearer) && !g_object_get_data(G_OBJECT(bearer), "disabling")) {
      g_object_set_data(G_OBJECT(bearer), "disabling", GINT_TO_POINTER(1));
      BACKEND_CLASS(self)->disconnect(self->backend, bearer, self->cancellable,
                                      disable_bearer_disconnected, task);
      return;
    }
  }
  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
    g_object_set_data(G_OBJECT(bearer), "disabling", NULL);
    mmd_bearer_set_disconnected(bearer);
  }
  BACKEND_CLASS(self)->set_radio(self->backend, FALSE, self->cancellable, radio_off_done, task);
}

void
mmd_modem_enable_async(MmdModem *self, gboolean enable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  GTask *task = g_task_new(self, self->cancellable, callback, user_data);
  MmdModemState state = mmd_modem_get_state(self);

  if (self->operation_in_progress || state == MMD_MODEM_STATE_ENABLING
      || state == MMD_MODEM_STATE_DISABLING || state == MMD_MODEM_STATE_CONNECTING
      || state == MMD_MODEM_STATE_DISCONNECTING) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                            "Another operation is in progress");
  } else if (!BACKEND_CLASS(self)->set_radio) {
    g_task_return_error(task, unsupported("Enabling"));
  } else if (enable && mmd_modem_state_is_enabled(state)) {
    g_task_return_boolean(task, TRUE);
  } else if (!enable && (state == MMD_MODEM_STATE_DISABLED || state == MMD_MODEM_STATE_LOCKED)) {
    g_task_return_boolean(task, TRUE);
  } else if (enable && state != MMD_MODEM_STATE_DISABLED) {
    g_task_return_error(task, state == MMD_MODEM_STATE_LOCKED
                                  ? g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                                "Cannot enable: the SIM is locked (%s)",
                                                mmd_modem_lock_to_string(self->unlock_required))
                                  : wrong_state(self, "enable"));
  } else if (!enable && !mmd_modem_state_is_enabled(state)) {
    g_task_return_error(task, wrong_state(self, "disable"));
  } else {
    self->operation_in_progress = TRUE;
    if (enable) {
      mmd_modem_set_state(self, MMD_MODEM_STATE_ENABLING,
                          MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
      BACKEND_CLASS(self)->set_radio(self->backend, TRUE, self->cancellable, radio_on_done, task);
    } else {
      mmd_modem_set_state(self, MMD_MODEM_STATE_DISABLING,
                          MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
      disconnect_all_then_radio_off(task);
    }
    return;
  }
  g_object_unref(task);
}

/* Bearers */

static guint
count_connected(MmdModem *self)
{
  guint n = 0;

  for (guint i = 0; i < self->bearers->len; i++)
    n += mmd_bearer_is_connected(g_ptr_array_index(self->bearers, i)) ? 1 : 0;
  return n;
}

static void
connect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  MmdBearer *bearer = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  if (!backend_finish(result, &error)) {
    if (!self->gone)
      mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  if (!mmd_bearer_is_connected(bearer))
    mmd_bearer_set_connected(bearer, NULL, NULL, NULL);
  mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

void
mmd_modem_connect_bearer_async(MmdModem *self, MmdBearer *bearer, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new(self, self->cancellable, callback, user_data);
  MmdModemState state = mmd_modem_get_state(self);

  g_task_set_task_data(task, g_object_ref(bearer), g_object_unref);
  if (mmd_bearer_is_connected(bearer)) {
    g_task_return_boolean(task, TRUE);
  } else if (!BACKEND_CLASS(self)->connect) {
    g_task_return_error(task, unsupported("Connecting"));
  } else if (state == MMD_MODEM_STATE_CONNECTING || state == MMD_MODEM_STATE_DISCONNECTING) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                            "Another connection attempt is in progress");
  } else if (state != MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_CONNECTED) {
    g_task_return_error(task, wrong_state(self, "connect"));
  } else if (count_connected(self) >= mdbus_modem_get_max_active_bearers(self->iface_modem)) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                            "Cannot connect: %u bearer(s) already connected",
                            count_connected(self));
  } else {
    mmd_modem_set_state(self, MMD_MODEM_STATE_CONNECTING,
                        MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
    BACKEND_CLASS(self)->connect(self->backend, bearer, self->cancellable, connect_done, task);
    return;
  }
  g_object_unref(task);
}

static void
disconnect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *self = g_task_get_source_object(task);
  MmdBearer *bearer = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  if (!backend_finish(result, &error)) {
    if (!self->gone)
      mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  mmd_bearer_set_disconnected(bearer);
  mmd_modem_recompute_state(self, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

void
mmd_modem_disconnect_bearer_async(MmdModem *self, MmdBearer *bearer, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task = g_task_new(self, self->cancellable, callback, user_data);
  MmdModemState state = mmd_modem_get_state(self);

  g_task_set_task_data(task, g_object_ref(bearer), g_object_unref);
  if (!mmd_bearer_is_connected(bearer)) {
    g_task_return_boolean(task, TRUE);
  } else if (state == MMD_MODEM_STATE_CONNECTING || state == MMD_MODEM_STATE_DISCONNECTING) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                            "Another connection change is in progress");
  } else {
    if (state == MMD_MODEM_STATE_CONNECTED)
      mmd_modem_set_state(self, MMD_MODEM_STATE_DISCONNECTING,
                          MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
    BACKEND_CLASS(self)->disconnect(self->backend, bearer, self->cancellable, disconnect_done,
                                    task);
    return;
  }
  g_object_unref(task);
}

static void
publish_bearers(MmdModem *self)
{
  g_autofree const char **paths = g_new0(const char *, self->bearers->len + 1);

  for (guint i = 0; i < self->bearers->len; i++)
    paths[i] = mmd_bearer_get_path(g_ptr_array_index(self->bearers, i));
  mdbus_modem_set_bearers(self->iface_modem, paths);
}

MmdBearer *
mmd_modem_create_bearer(MmdModem *self, MmdBearerSettings *settings, GError **error)
{
  g_autoptr(MmdBearerSettings) owned = settings;
  guint max = mdbus_modem_get_max_bearers(self->iface_modem);
  MmdBearer *bearer;

  if (self->bearers->len >= max) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                "Cannot create bearer: the modem allows %u", max);
    return NULL;
  }
  bearer
      = mmd_bearer_new(self, mmd_manager_next_bearer_index(self->manager), g_steal_pointer(&owned));
  g_ptr_array_add(self->bearers, bearer);
  mmd_manager_export(self->manager, mmd_bearer_get_object(bearer));
  publish_bearers(self);
  return bearer;
}

void
mmd_modem_remove_bearer(MmdModem *self, MmdBearer *bearer)
{
  mmd_manager_unexport(self->manager, mmd_bearer_get_path(bearer));
  g_ptr_array_remove(self->bearers, bearer);
  publish_bearers(self);
}

MmdBearer *
mmd_modem_find_bearer(MmdModem *self, const char *path)
{
  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
    if (g_strcmp0(mmd_bearer_get_path(bearer), path) == 0)
      return bearer;
  }
  return NULL;
}

MmdBearer *
mmd_modem_find_reusable_bearer(MmdModem *self, const MmdBearerSettings *settings)
{
  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
    if (!mmd_bearer_is_connected(bearer)
        && mmd_bearer_settings_equal(mmd_bearer_get_settings(bearer), settings))
      return bearer;
  }
  return NULL;
}

/* Registration */

static void
waiter_return(GTask *task, GError *error)
{
  GSource *timeout = g_task_get_task_data(task);

  if (timeout)
    g_source_destroy(timeout);
  if (error)
    g_task_return_error(task, error);
  else
    g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

static gboolean
waiter_timed_out(gpointer user_data)
{
  GTask *task = user_data;
  MmdModem *self = g_task_get_source_object(task);

  self->registration_waiters = g_list_remove(self->registration_waiters, task);
  g_task_set_task_data(task, NULL, NULL);
  waiter_return(task,
                g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_TIMEOUT,
                            "The modem did not register with a network in time"));
  return G_SOURCE_REMOVE;
}

void
mmd_modem_ops_state_changed(MmdModem *self)
{
  MmdModemState state = mmd_modem_get_state(self);
  GList *waiters;

  if (!self->registration_waiters)
    return;
  if (state >= MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_DISCONNECTING) {
    waiters = g_steal_pointer(&self->registration_waiters);
    for (GList *l = waiters; l; l = l->next)
      waiter_return(l->data, NULL);
    g_list_free(waiters);
  } else if (state < MMD_MODEM_STATE_ENABLING) {
    waiters = g_steal_pointer(&self->registration_waiters);
    for (GList *l = waiters; l; l = l->next)
      waiter_return(l->data, wrong_state(self, "wait for registration"));
    g_list_free(waiters);
  }
}

void
mmd_modem_ops_shutdown(MmdModem *self)
{
  GList *waiters = g_steal_pointer(&self->registration_waiters);

  for (GList *l = waiters; l; l = l->next)
    waiter_return(l->data,
                  g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
  g_list_free(waiters);
}

void
mmd_modem_wait_registered_async(MmdModem *self, guint timeout_s, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task = g_task_new(self, NULL, callback, user_data);
  MmdModemState state = mmd_modem_get_state(self);
  GSource *timeout;

  if (state >= MMD_MODEM_STATE_REGISTERED && state != MMD_MODEM_STATE_DISCONNECTING) {
    waiter_return(task, NULL);
    return;
  }
  if (!mmd_modem_state_is_enabled(state) && state != MMD_MODEM_STATE_ENABLING) {
    waiter_return(task, wrong_state(self, "wait for registration"));
    return;
  }
  timeout = g_timeout_source_new_seconds(timeout_s);
  g_source_set_callback(timeout, waiter_timed_out, task, NULL);
  g_source_attach(timeout, NULL);
  g_task_set_task_data(task, timeout, (GDestroyNotify)g_source_unref);
  self->registration_waiters = g_list_append(self->registration_waiters, task);
}

static void
register_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (backend_finish(result, &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
}

void
mmd_modem_register_async(MmdModem *self, const char *operator_id, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new(self, self->cancellable, callback, user_data);

  if (!BACKEND_CLASS(self)->register_network) {
    g_task_return_error(task, unsupported("Manual registration"));
  } else if (!mmd_modem_state_is_enabled(mmd_modem_get_state(self))) {
    g_task_return_error(task, wrong_state(self, "register"));
  } else {
    BACKEND_CLASS(self)->register_network(self->backend, operator_id ? operator_id : "",
                                          self->cancellable, register_done, task);
    return;
  }
  g_object_unref(task);
}
