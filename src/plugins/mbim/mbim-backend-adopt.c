/* A data session that outlives the daemon, over MBIM.
 *
 * MBIM sessions belong to the function, not to a client: on stop the port is
 * closed without CLOSE and the bearer's settings (never its password) are
 * saved; on start, whatever the function reports as activated on session 0 is
 * taken over, with the saved settings when there are some. A session whose
 * IP configuration cannot be read, or that cannot get a bearer, is
 * deactivated. */
#include "mbim-backend.h"

#include <string.h>

static const char plugin_name[] = "mbim";

enum { RADIO_ON = 1 };

void
mbim_adopt_save_session(MmdMbimBackend *self)
{
  MmdBearer *bearer = self->sessions[0];

  if (!bearer || !mmd_bearer_is_connected(bearer) || !self->device)
    return;
  g_autoptr(GKeyFile) state = g_key_file_new();
  g_key_file_set_uint64(state, "mbim", "session", 0);
  mmd_runtime_state_set_bearer(state, mmd_bearer_get_settings(bearer), mbim_net_interface(self));
  mbim_device_keep_sessions_on_close(self->device);
  mmd_runtime_state_save(plugin_name, self->control_path, state);
}

typedef struct {
  MmdBearerSettings settings;
  char *interface;
  guint32 ip_type;
  MbimIpConfigurationInfo *ip;
} AdoptContext;

static void
adopt_context_free(AdoptContext *ctx)
{
  mmd_runtime_state_clear_bearer(&ctx->settings);
  g_free(ctx->interface);
  g_clear_pointer(&ctx->ip, mbim_ip_configuration_info_free);
  g_free(ctx);
}

static void
adopt_done(GTask *task)
{
  if (g_task_return_error_if_cancelled(task))
    g_object_unref(task);
  else
    mmd_task_succeed(task);
}

static void
deactivate_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* Whatever the answer, the session is not ours to keep: adoption ends. */
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, NULL);

  (void)f;
  adopt_done(user_data);
}

static void
tear_down(GTask *task, const char *why)
{
  MmdMbimBackend *self = g_task_get_source_object(task);
  MbimSetConnect in = { .session_id = 0, .activation_command = 0 };

  g_message("[%s] not taking over the active data session: %s", self->control_path, why);
  memcpy(in.context_type, mbim_uuid_context_internet, sizeof in.context_type);
  mbim_command_connect_set(mbim_device_of(task), &in, CMD_TIMEOUT_S, g_task_get_cancellable(task),
                           deactivate_done, task);
}

static guint
bearer_ip_type(guint32 mbim_ip_type)
{
  switch (mbim_ip_type) {
    case 1:
      return MMD_BEARER_IP_FAMILY_IPV4;
    case 2:
      return MMD_BEARER_IP_FAMILY_IPV6;
    case 3:
      return MMD_BEARER_IP_FAMILY_IPV4V6;
    default:
      return MMD_BEARER_IP_FAMILY_NONE;
  }
}

static void
adopt_bearer(GTask *task)
{
  MmdMbimBackend *self = g_task_get_source_object(task);
  AdoptContext *ctx = g_task_get_task_data(task);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
  MmdIpConfig ip4, ip6;
  gboolean have4, have6;

  if (!ctx->settings.ip_type)
    ctx->settings.ip_type = bearer_ip_type(ctx->ip_type);
  mbim_session_ip_config(ctx->ip, texts, &ip4, &have4, &ip6, &have6);
  MmdBearer *bearer = mmd_modem_adopt_bearer(
      modem_of(self), &ctx->settings, ctx->interface ? ctx->interface : mbim_net_interface(self),
      have4 ? &ip4 : NULL, have6 ? &ip6 : NULL);
  if (!bearer) {
    tear_down(task, "no bearer for it");
    return;
  }
  mbim_follow_session(self, 0, bearer);
  adopt_done(task);
}

static void
packet_service_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(MbimPacketServiceInfo) f
      = mbim_command_packet_service_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  if (f)
    mbim_report_packet_service(g_task_get_source_object(task), f);
  adopt_bearer(task);
}

/* Registration and packet service are followed as after Enable. */
static void
register_state_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  if (f)
    mbim_report_registration(g_task_get_source_object(task), f, NULL, 0);
  mbim_command_packet_service_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                    g_task_get_cancellable(task), packet_service_done, task);
}

static void
ip_config_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  AdoptContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  ctx->ip = mbim_command_ip_configuration_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  if (!ctx->ip) {
    tear_down(task, error->message);
    return;
  }
  self->radio_on = TRUE;
  mbim_command_register_state_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                    g_task_get_cancellable(task), register_state_done, task);
}

static void
connect_state_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  AdoptContext *ctx = g_task_get_task_data(task);
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_query_finish(MBIM_DEVICE(source), res, NULL, NULL);
  const MbimIpConfigurationInfo query = { .session_id = 0 };

  if (!f || f->activation_state != ACTIVATION_ACTIVATED) {
    adopt_done(task);
    return;
  }
  ctx->ip_type = f->ip_type;
  mbim_command_ip_configuration_query(mbim_device_of(task), &query, CMD_TIMEOUT_S,
                                      g_task_get_cancellable(task), ip_config_done, task);
}

static void
radio_state_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimRadioStateInfo) f
      = mbim_command_radio_state_query_finish(MBIM_DEVICE(source), res, NULL, NULL);
  const MbimConnectInfo query = { .session_id = 0 };
  gboolean on = f && f->hw_radio_state == RADIO_ON && f->sw_radio_state == RADIO_ON;

  if (f)
    mmd_modem_set_power_state(modem_of(self),
                              on ? MMD_MODEM_POWER_STATE_ON : MMD_MODEM_POWER_STATE_LOW);
  if (!on) {
    adopt_done(task);
    return;
  }
  mbim_command_connect_query(mbim_device_of(task), &query, CMD_TIMEOUT_S,
                             g_task_get_cancellable(task), connect_state_done, task);
}

void
mbim_adopt_session(MmdMbimBackend *self, GTask *task)
{
  g_autoptr(GKeyFile) state = mmd_runtime_state_load(plugin_name, self->control_path);
  AdoptContext *ctx = g_new0(AdoptContext, 1);

  if (state) {
    mmd_runtime_state_get_bearer(state, &ctx->settings, &ctx->interface);
    mmd_runtime_state_remove(plugin_name, self->control_path);
  }
  g_task_set_task_data(task, ctx, (GDestroyNotify)adopt_context_free);
  mbim_command_radio_state_query(mbim_device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                 radio_state_done, task);
}
