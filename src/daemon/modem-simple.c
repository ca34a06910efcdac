/* The Simple interface: Connect runs the whole chain from a locked SIM to a
 * connected bearer; Disconnect brings one or all bearers down. */
#define G_LOG_DOMAIN "modemd-modem"

#include "modem-private.h"

#include "auth.h"
#include "bearer.h"
#include "mmd-errors.h"
#include "modem-state.h"

#define REGISTRATION_TIMEOUT_S 60

typedef struct {
  GDBusMethodInvocation *invocation;
  MmdModem *modem;
  MmdBearerSettings *settings;
  MmdBearer *bearer;
} ConnectContext;

static void
connect_context_free(ConnectContext *ctx)
{
  g_object_unref(ctx->invocation);
  g_object_unref(ctx->modem);
  mmd_bearer_settings_free(ctx->settings);
  g_clear_object(&ctx->bearer);
  g_free(ctx);
}

static void
connect_fail(ConnectContext *ctx, const GError *error)
{
  g_message("%s: simple connect failed: %s", mmd_modem_get_path(ctx->modem), error->message);
  mmd_dbus_return_error(ctx->invocation, error);
  connect_context_free(ctx);
}

static void
connect_bearer_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error)) {
    connect_fail(ctx, error);
    return;
  }
  g_dbus_method_invocation_return_value(ctx->invocation,
                                        g_variant_new("(o)", mmd_bearer_get_path(ctx->bearer)));
  connect_context_free(ctx);
}

/* Clients like NetworkManager connect with new settings without deleting the
 * old bearer first: at the limit, a disconnected bearer makes way. */
static void
make_room_for_bearer(MmdModem *self)
{
  if (self->bearers->len < mdbus_modem_get_max_bearers(self->iface_modem))
    return;
  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *old = g_ptr_array_index(self->bearers, i);
    if (!mmd_bearer_is_connected(old)) {
      g_message("%s: dropping disconnected %s to make room", self->path, mmd_bearer_get_path(old));
      mmd_modem_remove_bearer(self, old);
      return;
    }
  }
}

/* A connected bearer with these settings: connecting again is a no-op. */
static MmdBearer *
find_connected_bearer(MmdModem *self, const MmdBearerSettings *settings)
{
  for (guint i = 0; i < self->bearers->len; i++) {
    MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
    if (mmd_bearer_is_connected(bearer)
        && mmd_bearer_settings_equal(mmd_bearer_get_settings(bearer), settings))
      return bearer;
  }
  return NULL;
}

static void
step_bearer(ConnectContext *ctx)
{
  g_autoptr(GError) error = NULL;
  MmdModemState state = mmd_modem_get_state(ctx->modem);
  MmdBearer *bearer = find_connected_bearer(ctx->modem, ctx->settings);

  if (bearer) {
    g_dbus_method_invocation_return_value(ctx->invocation,
                                          g_variant_new("(o)", mmd_bearer_get_path(bearer)));
    connect_context_free(ctx);
    return;
  }
  /* Another connection change is under way; its bearer must not make room. */
  if (state == MMD_MODEM_STATE_CONNECTING || state == MMD_MODEM_STATE_DISCONNECTING) {
    error = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                        "Another connection attempt is in progress");
    connect_fail(ctx, error);
    return;
  }
  bearer = mmd_modem_find_reusable_bearer(ctx->modem, ctx->settings);

  if (!bearer) {
    make_room_for_bearer(ctx->modem);
    bearer = mmd_modem_create_bearer(ctx->modem, mmd_bearer_settings_copy(ctx->settings), &error);
    if (!bearer) {
      connect_fail(ctx, error);
      return;
    }
  }
  ctx->bearer = g_object_ref(bearer);
  mmd_modem_connect_bearer_async(ctx->modem, bearer, connect_bearer_done, ctx);
}

static void
registered(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error)) {
    connect_fail(ctx, error);
    return;
  }
  step_bearer(ctx);
}

static void
register_requested(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error)) {
    connect_fail(ctx, error);
    return;
  }
  mmd_modem_wait_registered_async(ctx->modem, REGISTRATION_TIMEOUT_S, registered, ctx);
}

static void
step_register(ConnectContext *ctx)
{
  if (ctx->settings->operator_id && *ctx->settings->operator_id
      && g_strcmp0(mdbus_modem_modem3gpp_get_operator_code(ctx->modem->iface_3gpp),
                   ctx->settings->operator_id)
             != 0)
    mmd_modem_register_async(ctx->modem, ctx->settings->operator_id, register_requested, ctx);
  else
    mmd_modem_wait_registered_async(ctx->modem, REGISTRATION_TIMEOUT_S, registered, ctx);
}

static void
enabled(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error)) {
    connect_fail(ctx, error);
    return;
  }
  step_register(ctx);
}

static void
step_enable(ConnectContext *ctx)
{
  MmdModemState state = mmd_modem_get_state(ctx->modem);

  if (mmd_modem_state_is_enabled(state))
    step_register(ctx);
  else
    mmd_modem_enable_async(ctx->modem, TRUE, enabled, ctx);
}

static void
unlocked(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error)) {
    connect_fail(ctx, error);
    return;
  }
  step_enable(ctx);
}

static void
step_unlock(ConnectContext *ctx)
{
  MmdModemLock lock = mmd_modem_get_unlock_required(ctx->modem);
  g_autoptr(GError) error = NULL;

  if (mmd_modem_get_state(ctx->modem) != MMD_MODEM_STATE_LOCKED) {
    step_enable(ctx);
    return;
  }
  if (lock != MMD_MODEM_LOCK_SIM_PIN || !ctx->settings->pin) {
    error = g_error_new(MMD_MOBILE_EQUIPMENT_ERROR,
                        lock == MMD_MODEM_LOCK_SIM_PUK ? MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK
                                                       : MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN,
                        "The SIM is locked (%s)%s", mmd_modem_lock_to_string(lock),
                        lock == MMD_MODEM_LOCK_SIM_PIN ? ": give 'pin'" : "");
    connect_fail(ctx, error);
    return;
  }
  mmd_modem_unlock_async(ctx->modem, ctx->settings->pin, NULL, unlocked, ctx);
}

static void
do_connect(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  ConnectContext *ctx;
  MmdBearerSettings *settings;
  MmdModemState state = mmd_modem_get_state(self);

  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &dict);
  settings = mmd_bearer_settings_from_variant(dict, TRUE, &error);
  if (!settings) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  if (self->gone || state == MMD_MODEM_STATE_FAILED || state == MMD_MODEM_STATE_INITIALIZING
      || state == MMD_MODEM_STATE_UNKNOWN) {
    mmd_bearer_settings_free(settings);
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                          "Cannot connect: modem is %s",
                                          mmd_modem_state_to_string(state));
    return;
  }
  ctx = g_new0(ConnectContext, 1);
  ctx->invocation = g_object_ref(invocation);
  ctx->modem = g_object_ref(self);
  ctx->settings = settings;
  step_unlock(ctx);
}

static gboolean
handle_connect(MdbusModemSimple *iface, GDBusMethodInvocation *invocation, GVariant *properties,
               MmdModem *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_connect);
  return TRUE;
}

/* Disconnect: one bearer, or every connected one for "/". */

typedef struct {
  GDBusMethodInvocation *invocation;
  MmdModem *modem;
  GPtrArray *pending; /* MmdBearer */
  GError *first_error;
} DisconnectContext;

static void disconnect_next(DisconnectContext *ctx);

static void
disconnect_one_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  DisconnectContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(ctx->modem, result, &error) && !ctx->first_error)
    ctx->first_error = g_steal_pointer(&error);
  disconnect_next(ctx);
}

static void
disconnect_next(DisconnectContext *ctx)
{
  if (ctx->pending->len > 0) {
    g_autoptr(MmdBearer) bearer = g_ptr_array_steal_index(ctx->pending, 0);
    mmd_modem_disconnect_bearer_async(ctx->modem, bearer, disconnect_one_done, ctx);
    return;
  }
  if (ctx->first_error)
    mmd_dbus_return_error(ctx->invocation, ctx->first_error);
  else
    g_dbus_method_invocation_return_value(ctx->invocation, NULL);
  g_clear_error(&ctx->first_error);
  g_ptr_array_unref(ctx->pending);
  g_object_unref(ctx->invocation);
  g_object_unref(ctx->modem);
  g_free(ctx);
}

static void
do_disconnect(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdModem *self = MMD_MODEM(target);
  DisconnectContext *ctx;
  const char *path;

  if (self->gone) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                                          "The modem is going away");
    return;
  }
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&o)", &path);
  ctx = g_new0(DisconnectContext, 1);
  ctx->invocation = g_object_ref(invocation);
  ctx->modem = g_object_ref(self);
  ctx->pending = g_ptr_array_new_with_free_func(g_object_unref);
  if (g_strcmp0(path, "/") == 0) {
    for (guint i = 0; i < self->bearers->len; i++) {
      MmdBearer *bearer = g_ptr_array_index(self->bearers, i);
      if (mmd_bearer_is_connected(bearer))
        g_ptr_array_add(ctx->pending, g_object_ref(bearer));
    }
  } else {
    MmdBearer *bearer = mmd_modem_find_bearer(self, path);
    if (!bearer)
      ctx->first_error = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                                     "No bearer %s on this modem", path);
    else
      g_ptr_array_add(ctx->pending, g_object_ref(bearer));
  }
  disconnect_next(ctx);
}

static gboolean
handle_disconnect(MdbusModemSimple *iface, GDBusMethodInvocation *invocation, const char *path,
                  MmdModem *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_disconnect);
  return TRUE;
}

static gboolean
handle_get_status(MdbusModemSimple *iface, GDBusMethodInvocation *invocation, MmdModem *self)
{
  GVariantBuilder builder;
  MmdModemState state = mmd_modem_get_state(self);

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&builder, "{sv}", "state", g_variant_new_uint32((guint32)state));
  if (mmd_modem_state_is_enabled(state)) {
    g_variant_builder_add(&builder, "{sv}", "signal-quality",
                          mdbus_modem_get_signal_quality(self->iface_modem));
    g_variant_builder_add(&builder, "{sv}", "current-bands",
                          mdbus_modem_get_current_bands(self->iface_modem));
    g_variant_builder_add(
        &builder, "{sv}", "access-technologies",
        g_variant_new_uint32(mdbus_modem_get_access_technologies(self->iface_modem)));
    g_variant_builder_add(
        &builder, "{sv}", "m3gpp-registration-state",
        g_variant_new_uint32(mdbus_modem_modem3gpp_get_registration_state(self->iface_3gpp)));
    g_variant_builder_add(
        &builder, "{sv}", "m3gpp-operator-code",
        g_variant_new_string(mdbus_modem_modem3gpp_get_operator_code(self->iface_3gpp)));
    g_variant_builder_add(
        &builder, "{sv}", "m3gpp-operator-name",
        g_variant_new_string(mdbus_modem_modem3gpp_get_operator_name(self->iface_3gpp)));
  }
  mdbus_modem_simple_complete_get_status(iface, invocation, g_variant_builder_end(&builder));
  return TRUE;
}

void
mmd_modem_simple_setup(MmdModem *self)
{
  g_signal_connect(self->iface_simple, "handle-connect", G_CALLBACK(handle_connect), self);
  g_signal_connect(self->iface_simple, "handle-disconnect", G_CALLBACK(handle_disconnect), self);
  g_signal_connect(self->iface_simple, "handle-get-status", G_CALLBACK(handle_get_status), self);
}
