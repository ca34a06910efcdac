/* The modem room: initialization, enable/disable, power, reset, raw commands. */
#define G_LOG_DOMAIN "modemd-modem"

#include "control.h"

#include "auth.h"
#include "bearers.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"
#include "providers.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
} ControlRoom;

static const char room_key[] = "modem";

static void
room_free(ControlRoom *room)
{
  mmd_providers_free(room->providers);
  g_free(room);
}

static ControlRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static const MmdProvider *
find_op(MmdModem *modem, gsize offset)
{
  return mmd_providers_find(room_of(modem)->providers, offset);
}
#define FIND_OP(modem, op) find_op((modem), G_STRUCT_OFFSET(MmdModemOps, op))
#define OP(provider, op) MMD_PROVIDER_OP(provider, MmdModemOps, op)

static GError *
unsupported(const char *what)
{
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                     "%s is not supported by this modem", what);
}

static void
task_forward(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
}

/* Initialization: every backend in turn */

static void initialize_next(GTask *task);

static void
initialize_failed(GTask *task, GError *error)
{
  MmdModem *modem = g_task_get_source_object(task);

  if (!mmd_modem_is_gone(modem)) {
    g_warning("%s: initialization failed: %s", mmd_modem_get_path(modem), error->message);
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_UNKNOWN);
  }
  g_task_return_error(task, error);
  g_object_unref(task);
}

static void
backend_initialized(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    initialize_failed(task, error);
    return;
  }
  initialize_next(task);
}

/* A modem with a data session taken over from the previous run is enabled
 * already: its radio is on, and it follows its registration from here. */
static void
initialize_set_state(MmdModem *modem)
{
  MmdModemLock lock = mmd_modem_get_unlock_required(modem);

  if (lock == MMD_MODEM_LOCK_SIM_PIN || lock == MMD_MODEM_LOCK_SIM_PUK) {
    mmd_modem_set_state(modem, MMD_MODEM_STATE_LOCKED, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  } else if (mmd_bearers_count_connected(modem) > 0) {
    mmd_modem_set_power_state(modem, MMD_MODEM_POWER_STATE_ON);
    mmd_modem_set_state(modem, MMD_MODEM_STATE_ENABLED, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
    mmd_modem_recompute_state(modem, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  } else {
    mmd_modem_set_state(modem, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  }
}

static void
initialize_done(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);

  if (!mmd_modem_is_gone(modem) && mmd_modem_get_state(modem) != MMD_MODEM_STATE_FAILED)
    initialize_set_state(modem);
  g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

static void
initialize_next(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  GPtrArray *backends = mmd_modem_get_backends(modem);
  guint next = GPOINTER_TO_UINT(g_task_get_task_data(task));

  if (mmd_modem_is_gone(modem)) {
    initialize_failed(task,
                      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
    return;
  }
  for (; next < backends->len; next++) {
    MmdBackend *backend = g_ptr_array_index(backends, next);
    if (MMD_BACKEND_GET_CLASS(backend)->initialize) {
      g_task_set_task_data(task, GUINT_TO_POINTER(next + 1), NULL);
      MMD_BACKEND_GET_CLASS(backend)->initialize(backend, mmd_modem_get_cancellable(modem),
                                                 backend_initialized, task);
      return;
    }
  }
  initialize_done(task);
}

static void
initialize_start(GTask *task)
{
  mmd_modem_set_state(g_task_get_source_object(task), MMD_MODEM_STATE_INITIALIZING,
                      MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN);
  initialize_next(g_object_ref(task));
}

static void
initialize_logged(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error))
    g_debug("%s: not initialized: %s", mmd_modem_get_path(MMD_MODEM(source)), error->message);
}

void
mmd_control_initialize(MmdModem *modem)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), initialize_logged, NULL);

  mmd_modem_run_exclusive(modem, task, initialize_start);
}

/* Enable / disable */

static void
radio_on_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    if (!mmd_modem_is_gone(modem))
      mmd_modem_set_state(modem, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, error);
    return;
  }
  mmd_modem_set_power_state(modem, MMD_MODEM_POWER_STATE_ON);
  mmd_modem_set_state(modem, MMD_MODEM_STATE_ENABLED, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  /* Registration may have been reported while enabling. */
  mmd_modem_recompute_state(modem, MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

static void
radio_off_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    if (!mmd_modem_is_gone(modem))
      mmd_modem_recompute_state(modem, MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
    g_task_return_error(task, error);
    return;
  }
  mmd_modem_set_registration(modem, MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN, NULL, NULL, 0);
  mmd_modem_set_packet_service_state(modem, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN);
  mmd_modem_set_power_state(modem, MMD_MODEM_POWER_STATE_LOW);
  mmd_modem_set_state(modem, MMD_MODEM_STATE_DISABLED,
                      MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

static void
bearers_down(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  const MmdProvider *p = FIND_OP(modem, set_radio);

  if (mmd_modem_is_gone(modem)) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away");
    return;
  }
  OP(p, set_radio)
  (p->backend, FALSE, mmd_modem_get_cancellable(modem), radio_off_done, g_object_ref(task));
}

static GError *
check_enable(MmdModem *modem, gboolean enable, gboolean *nothing_to_do)
{
  MmdModemState state = mmd_modem_get_state(modem);

  *nothing_to_do = enable ? mmd_modem_state_is_enabled(state)
                          : state == MMD_MODEM_STATE_DISABLED || state == MMD_MODEM_STATE_LOCKED;
  if (*nothing_to_do)
    return NULL;
  if (!FIND_OP(modem, set_radio))
    return unsupported("Enabling");
  if (enable && state == MMD_MODEM_STATE_LOCKED)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                       "Cannot enable: the SIM is locked (%s)",
                       mmd_modem_lock_to_string(mmd_modem_get_unlock_required(modem)));
  if (enable && state != MMD_MODEM_STATE_DISABLED)
    return mmd_modem_wrong_state_error(modem, "enable");
  if (!enable && !mmd_modem_state_is_enabled(state))
    return mmd_modem_wrong_state_error(modem, "disable");
  return NULL;
}

static void
enable_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  gboolean enable = GPOINTER_TO_INT(g_task_get_task_data(task));
  gboolean nothing_to_do;
  GError *error = check_enable(modem, enable, &nothing_to_do);

  if (error) {
    g_task_return_error(task, error);
  } else if (nothing_to_do) {
    g_task_return_boolean(task, TRUE);
  } else if (enable) {
    const MmdProvider *p = FIND_OP(modem, set_radio);
    mmd_modem_set_state(modem, MMD_MODEM_STATE_ENABLING,
                        MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
    OP(p, set_radio)
    (p->backend, TRUE, mmd_modem_get_cancellable(modem), radio_on_done, g_object_ref(task));
  } else {
    mmd_modem_set_state(modem, MMD_MODEM_STATE_DISABLING,
                        MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
    mmd_bearers_disconnect_all_async(modem, bearers_down, g_object_ref(task));
  }
}

void
mmd_control_enable_async(MmdModem *modem, gboolean enable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), callback, user_data);

  g_task_set_task_data(task, GINT_TO_POINTER(enable), NULL);
  mmd_modem_run_exclusive(modem, task, enable_start);
}

/* Power and reset */

static void
power_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  MmdModemPowerState power = GPOINTER_TO_UINT(g_task_get_task_data(task));
  const MmdProvider *p = FIND_OP(modem, set_power_state);

  if (mmd_modem_get_state(modem) > MMD_MODEM_STATE_DISABLED)
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                            "Cannot change power state: the modem must be disabled");
  else if (!p)
    g_task_return_error(task, unsupported("Setting the power state"));
  else
    OP(p, set_power_state)
  (p->backend, power, mmd_modem_get_cancellable(modem), task_forward, g_object_ref(task));
}

static void
reset_start(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  const MmdProvider *p = FIND_OP(modem, reset);

  if (!p)
    g_task_return_error(task, unsupported("Reset"));
  else
    OP(p, reset)(p->backend, mmd_modem_get_cancellable(modem), task_forward, g_object_ref(task));
}

/* D-Bus methods */

static void
run_exclusive_call(MmdCall *call, MmdExclusiveStart start, gpointer data)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), mmd_call_complete_bool, call);

  g_task_set_task_data(task, data, NULL);
  mmd_modem_run_exclusive(modem, task, start);
}

static void
enable_run(MmdCall *call)
{
  gboolean enable;

  g_variant_get(mmd_call_get_parameters(call), "(b)", &enable);
  mmd_control_enable_async(MMD_MODEM(mmd_call_get_target(call)), enable, mmd_call_complete_bool,
                           call);
}

static void
set_power_state_run(MmdCall *call)
{
  guint32 state;

  g_variant_get(mmd_call_get_parameters(call), "(u)", &state);
  if (state != MMD_MODEM_POWER_STATE_LOW && state != MMD_MODEM_POWER_STATE_ON
      && state != MMD_MODEM_POWER_STATE_OFF) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Invalid power state %u", state);
    return;
  }
  run_exclusive_call(call, power_start, GUINT_TO_POINTER(state));
}

static void
reset_run(MmdCall *call)
{
  run_exclusive_call(call, reset_start, NULL);
}

static void
command_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  g_autofree char *response = g_task_propagate_pointer(G_TASK(result), &error);
  g_autofree char *text = NULL;

  if (!response) {
    mmd_call_return_error(user_data, error);
    return;
  }
  text = g_utf8_make_valid(response, -1);
  mmd_call_return(user_data, g_variant_new("(s)", text));
}

static gboolean
validate_command(const char *cmd, GError **error)
{
  for (const char *c = cmd; *c; c++) {
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7e) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                  "Command may not hold control characters");
      return FALSE;
    }
  }
  if (!*cmd || strlen(cmd) > 512) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Command must be 1 to 512 characters");
    return FALSE;
  }
  return TRUE;
}

static void
command_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  const MmdProvider *p = FIND_OP(modem, command);
  GError *error = NULL;
  const char *cmd;
  guint32 timeout;

  g_variant_get(mmd_call_get_parameters(call), "(&su)", &cmd, &timeout);
  if (!validate_command(cmd, &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  if (!p) {
    mmd_call_return_error(call, unsupported("Command"));
    return;
  }
  OP(p, command)
  (p->backend, cmd, CLAMP(timeout, 1, 300), mmd_modem_get_cancellable(modem), command_done, call);
}

static void
unsupported_run(MmdCall *call)
{
  mmd_call_return_error(
      call, unsupported(g_dbus_method_invocation_get_method_name(mmd_call_get_invocation(call))));
}

static const MmdMethod control_methods[] = {
  { "Enable", MMD_AUTH_DEVICE_CONTROL, enable_run },
  { "SetPowerState", MMD_AUTH_DEVICE_CONTROL, set_power_state_run },
  { "Reset", MMD_AUTH_MANAGER_ADMIN, reset_run },
  { "FactoryReset", MMD_AUTH_MANAGER_ADMIN, unsupported_run },
  { "SetCurrentCapabilities", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "SetPrimarySimSlot", MMD_AUTH_DEVICE_CONTROL, unsupported_run },
  { "Command", MMD_AUTH_COMMAND, command_run },
};

static ControlRoom *
ensure_room(MmdModem *modem)
{
  ControlRoom *room = room_of(modem);

  if (!room) {
    room = g_new0(ControlRoom, 1);
    room->modem = modem;
    room->providers = mmd_providers_new();
    mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
    MMD_METHODS_BIND(mmd_modem_get_iface(modem), control_methods, modem, room);
  }
  return room;
}

void
mmd_control_attach(MmdModem *modem)
{
  ensure_room(modem);
}

void
mmd_modem_provide_modem(MmdModem *modem, const MmdModemOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}
