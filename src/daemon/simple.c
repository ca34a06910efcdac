/* The simple room: Connect, Disconnect and GetStatus. */
#define G_LOG_DOMAIN "modemd-simple"

#include "simple.h"

#include "auth.h"
#include "bearers.h"
#include "control.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"
#include "network.h"
#include "sim.h"

#define REGISTRATION_TIMEOUT_S 60

typedef struct {
  MmdCall *call;
  MmdModem *modem;
  MmdBearerSettings *settings;
} ConnectContext;

static void
connect_context_free(ConnectContext *ctx)
{
  g_object_unref(ctx->modem);
  mmd_bearer_settings_free(ctx->settings);
  g_free(ctx);
}

static void
connect_fail(ConnectContext *ctx, GError *error)
{
  g_message("%s: simple connect failed: %s", mmd_modem_get_path(ctx->modem), error->message);
  mmd_call_return_error(ctx->call, error);
  connect_context_free(ctx);
}

/* Each step's result is a boolean task; a failure ends the chain. */
#define STEP_OR_FAIL(ctx, result)                                                                  \
  do {                                                                                             \
    GError *step_error = NULL;                                                                     \
    if (!g_task_propagate_boolean(G_TASK(result), &step_error)) {                                  \
      connect_fail((ctx), step_error);                                                             \
      return;                                                                                      \
    }                                                                                              \
  } while (0)

static void
connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  GError *error = NULL;
  g_autoptr(MmdBearer) bearer = g_task_propagate_pointer(G_TASK(result), &error);

  if (!bearer) {
    connect_fail(ctx, error);
    return;
  }
  mmd_call_return(ctx->call, g_variant_new("(o)", mmd_bearer_get_path(bearer)));
  connect_context_free(ctx);
}

static void
registered(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;

  STEP_OR_FAIL(ctx, result);
  mmd_bearers_connect_settings_async(ctx->modem, mmd_bearer_settings_copy(ctx->settings), connected,
                                     ctx);
}

static void
register_requested(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;

  STEP_OR_FAIL(ctx, result);
  mmd_network_wait_registered_async(ctx->modem, REGISTRATION_TIMEOUT_S, registered, ctx);
}

static void
step_register(ConnectContext *ctx)
{
  const char *operator_id = ctx->settings->operator_id;

  if (operator_id && *operator_id
      && g_strcmp0(mmd_network_get_operator_code(ctx->modem), operator_id) != 0)
    mmd_network_register_async(ctx->modem, operator_id, register_requested, ctx);
  else
    mmd_network_wait_registered_async(ctx->modem, REGISTRATION_TIMEOUT_S, registered, ctx);
}

static void
enabled(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;

  STEP_OR_FAIL(ctx, result);
  step_register(ctx);
}

static void
unlocked(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;

  STEP_OR_FAIL(ctx, result);
  /* Enabling an enabled (or enabling) modem waits for it and succeeds. */
  mmd_control_enable_async(ctx->modem, TRUE, enabled, ctx);
}

static void
step_unlock(ConnectContext *ctx)
{
  MmdModemLock lock = mmd_modem_get_unlock_required(ctx->modem);
  MmdModemState state = mmd_modem_get_state(ctx->modem);

  if (state == MMD_MODEM_STATE_FAILED || state == MMD_MODEM_STATE_UNKNOWN
      || mmd_modem_is_gone(ctx->modem)) {
    connect_fail(ctx, mmd_modem_wrong_state_error(ctx->modem, "connect"));
    return;
  }
  if (state != MMD_MODEM_STATE_LOCKED) {
    mmd_control_enable_async(ctx->modem, TRUE, enabled, ctx);
    return;
  }
  if (lock != MMD_MODEM_LOCK_SIM_PIN || !ctx->settings->pin) {
    connect_fail(ctx,
                 g_error_new(MMD_MOBILE_EQUIPMENT_ERROR,
                             lock == MMD_MODEM_LOCK_SIM_PUK ? MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK
                                                            : MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN,
                             "The SIM is locked (%s)%s", mmd_modem_lock_to_string(lock),
                             lock == MMD_MODEM_LOCK_SIM_PIN ? ": give 'pin'" : ""));
    return;
  }
  mmd_sim_unlock_async(ctx->modem, ctx->settings->pin, NULL, unlocked, ctx);
}

/* Runs once the operations queued before this call (initialization, an
 * Enable in flight) are done, so that the chain starts from a settled state. */
static void
barrier_start(GTask *task)
{
  g_task_return_boolean(task, TRUE);
}

static void
barrier_passed(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;

  STEP_OR_FAIL(ctx, result);
  step_unlock(ctx);
}

static void
connect_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  g_autoptr(GVariant) dict = NULL;
  GError *error = NULL;
  MmdBearerSettings *settings;
  ConnectContext *ctx;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, TRUE, &error);
  if (!settings) {
    mmd_call_return_error(call, error);
    return;
  }
  ctx = g_new0(ConnectContext, 1);
  ctx->call = call;
  ctx->modem = g_object_ref(modem);
  ctx->settings = settings;
  mmd_modem_run_exclusive(modem, g_task_new(modem, NULL, barrier_passed, ctx), barrier_start);
}

static void
disconnect_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  MmdBearer *bearer = NULL;
  const char *path;

  g_variant_get(mmd_call_get_parameters(call), "(&o)", &path);
  if (g_strcmp0(path, "/") != 0 && !(bearer = mmd_bearers_find(modem, path))) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "No bearer %s on this modem", path);
    return;
  }
  mmd_bearers_disconnect_async(modem, bearer, mmd_call_complete_bool, call);
}

static void
add_uint(GVariantBuilder *builder, const char *key, guint32 value)
{
  g_variant_builder_add(builder, "{sv}", key, g_variant_new_uint32(value));
}

static void
get_status_run(MmdCall *call)
{
  MmdModem *modem = MMD_MODEM(mmd_call_get_target(call));
  MdbusModem *iface = mmd_modem_get_iface(modem);
  MdbusModemModem3gpp *g
      = mdbus_object_get_modem_modem3gpp(MDBUS_OBJECT(mmd_modem_get_object(modem)));
  MmdModemState state = mmd_modem_get_state(modem);
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  add_uint(&builder, "state", state);
  if (mmd_modem_state_is_enabled(state)) {
    g_variant_builder_add(&builder, "{sv}", "signal-quality",
                          mdbus_modem_get_signal_quality(iface));
    g_variant_builder_add(&builder, "{sv}", "current-bands", mdbus_modem_get_current_bands(iface));
    add_uint(&builder, "access-technologies", mdbus_modem_get_access_technologies(iface));
  }
  if (mmd_modem_state_is_enabled(state) && g) {
    add_uint(&builder, "m3gpp-registration-state", mdbus_modem_modem3gpp_get_registration_state(g));
    g_variant_builder_add(&builder, "{sv}", "m3gpp-operator-code",
                          g_variant_new_string(mdbus_modem_modem3gpp_get_operator_code(g)));
    g_variant_builder_add(&builder, "{sv}", "m3gpp-operator-name",
                          g_variant_new_string(mdbus_modem_modem3gpp_get_operator_name(g)));
  }
  g_clear_object(&g);
  mmd_call_return(call, g_variant_new("(@a{sv})", g_variant_builder_end(&builder)));
}

static const MmdMethod simple_methods[] = {
  { "Connect", MMD_AUTH_DEVICE_CONTROL, connect_run },
  { "Disconnect", MMD_AUTH_DEVICE_CONTROL, disconnect_run },
  { "GetStatus", NULL, get_status_run },
};

void
mmd_simple_attach(MmdModem *modem)
{
  MdbusModemSimple *iface;

  if (!mmd_bearers_present(modem) || !mmd_network_present(modem))
    return;
  iface = mdbus_modem_simple_skeleton_new();
  MMD_METHODS_BIND(iface, simple_methods, modem, NULL);
  mdbus_object_skeleton_set_modem_simple(mmd_modem_get_object(modem), iface);
  g_object_unref(iface);
}
