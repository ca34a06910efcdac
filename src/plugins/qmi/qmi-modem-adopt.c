/* The QMI plugin: a data session that outlives the daemon.
 *
 * On stop, a connected bearer's WDS clients stay allocated (releasing the
 * client that started a session ends it) and what the next run needs is
 * saved: client ids, packet data handles, the bearer's settings (never its
 * password). On start, the port is opened without CTL Sync, and once the
 * modem is known the saved clients are asked whether their session is still
 * up: if so it becomes a connected bearer and the modem starts enabled;
 * otherwise what is left of it is stopped and released. */
#include "qmi-modem.h"

#include "mmd-errors.h"

enum { WDS_STATUS_CONNECTED = 2 };
#define WDS_REQUESTED_SETTINGS                                                                     \
  ((1u << 2) | (1u << 4) | (1u << 8) | (1u << 9) | (1u << 13) | (1u << 15))

static const char plugin_name[] = "qmi";

/* ---- saving ------------------------------------------------------------ */

void
qmi_adopt_save_session(MmdQmiBackend *self)
{
  MmdBearer *bearer = self->bearer;
  QmiBearerData *data = bearer ? mmd_bearer_get_backend_data(bearer) : NULL;

  if (!data || !mmd_bearer_is_connected(bearer) || !self->wds || !self->device
      || !qmi_device_is_open(self->device))
    return;
  /* over QRTR our clients are our sockets: the modem hears them close */
  if (g_str_has_prefix(self->control_path, "qrtr://"))
    return;
  g_autoptr(GKeyFile) state = g_key_file_new();
  g_key_file_set_uint64(state, "wds", "cid", qmi_client_get_cid(self->wds));
  if (data->handle6 && data->client6 != self->wds)
    g_key_file_set_uint64(state, "wds", "cid6", qmi_client_get_cid(data->client6));
  g_key_file_set_uint64(state, "wds", "handle4", data->handle4);
  g_key_file_set_uint64(state, "wds", "handle6", data->handle6);
  mmd_runtime_state_set_bearer(state, mmd_bearer_get_settings(bearer),
                               qmi_data_net_interface(self));
  qmi_client_keep_on_close(self->wds);
  if (data->client6)
    qmi_client_keep_on_close(data->client6);
  mmd_runtime_state_save(plugin_name, self->control_path, state);
}

/* ---- taking over --------------------------------------------------------- */

typedef struct {
  QmiClient *wds;  /* the saved clients, adopted */
  QmiClient *wds6; /* NULL unless the IPv6 session has a client of its own */
  guint32 handle4, handle6;
  MmdBearerSettings settings;
  char *interface;
  QmiSession *v4, *v6; /* the sessions found up */
} AdoptContext;

static void
adopt_context_free(AdoptContext *ctx)
{
  mmd_runtime_state_clear_bearer(&ctx->settings);
  g_free(ctx->interface);
  qmi_session_free(ctx->v4);
  qmi_session_free(ctx->v6);
  g_free(ctx);
}

static QmiClient *
client6_of(AdoptContext *ctx)
{
  return ctx->wds6 ? ctx->wds6 : ctx->wds;
}

static AdoptContext *
adopt_context_from_state(MmdQmiBackend *self, GKeyFile *state)
{
  guint64 cid = mmd_runtime_state_get_number(state, "wds", "cid", 0xFE);
  guint64 cid6 = mmd_runtime_state_get_number(state, "wds", "cid6", 0xFE);
  AdoptContext *ctx;

  if (!cid)
    return NULL;
  ctx = g_new0(AdoptContext, 1);
  ctx->wds = qmi_device_adopt_client(self->device, QMI_SERVICE_WDS, cid);
  if (cid6 && cid6 != cid)
    ctx->wds6 = qmi_device_adopt_client(self->device, QMI_SERVICE_WDS, cid6);
  ctx->handle4 = mmd_runtime_state_get_number(state, "wds", "handle4", G_MAXUINT32);
  ctx->handle6 = mmd_runtime_state_get_number(state, "wds", "handle6", G_MAXUINT32);
  mmd_runtime_state_get_bearer(state, &ctx->settings, &ctx->interface);
  return ctx;
}

/* What is left of the session goes: stopped, and its clients released. */
static void
adopt_tear_down(MmdQmiBackend *self, AdoptContext *ctx, const char *why)
{
  g_message("[%s] not taking over the previous data session: %s", self->control_path, why);
  qmi_session_stop_quietly(ctx->wds, ctx->handle4);
  qmi_session_stop_quietly(client6_of(ctx), ctx->handle6);
  qmi_device_release_client(self->device, ctx->wds);
  if (ctx->wds6)
    qmi_device_release_client(self->device, ctx->wds6);
}

static void
adopt_finish(GTask *task, const char *failure)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  AdoptContext *ctx = g_task_get_task_data(task);

  if (failure)
    adopt_tear_down(self, ctx, failure);
  mmd_runtime_state_remove(plugin_name, self->control_path);
  if (g_task_return_error_if_cancelled(task))
    g_object_unref(task);
  else
    mmd_task_succeed(task);
}

/* The saved clients replace the ones this run allocated. */
static void
adopt_clients(MmdQmiBackend *self, AdoptContext *ctx)
{
  qmi_device_release_client(self->device, self->wds);
  self->wds = ctx->wds;
  self->wds_ind_id = 0;
  if (ctx->wds6) {
    if (self->wds6)
      qmi_device_release_client(self->device, self->wds6);
    self->wds6 = ctx->wds6;
    self->wds6_ind_id = 0;
  }
  qmi_data_setup(self);
}

static void
adopt_bearer(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  AdoptContext *ctx = g_task_get_task_data(task);
  MmdIpConfig ip4, ip6;

  if (ctx->v4)
    qmi_session_to_config(ctx->v4, &ip4);
  if (ctx->v6)
    qmi_session_to_config(ctx->v6, &ip6);
  MmdBearer *bearer
      = mmd_modem_adopt_bearer(qmi_backend_modem(self), &ctx->settings,
                               ctx->interface ? ctx->interface : qmi_data_net_interface(self),
                               ctx->v4 ? &ip4 : NULL, ctx->v6 ? &ip6 : NULL);
  if (!bearer) {
    adopt_finish(task, "no bearer for it");
    return;
  }
  adopt_clients(self, ctx);
  qmi_data_follow_bearer(self, bearer, ctx->handle4, ctx->handle6, client6_of(ctx));
  adopt_finish(task, NULL);
}

/* Registration and packet service are followed as after Enable. */
static void
radio_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    adopt_finish(task, error->message);
    return;
  }
  adopt_bearer(task);
}

static void read_settings(GTask *task);

static void
settings_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  AdoptContext *ctx = g_task_get_task_data(task);
  gboolean v6 = ctx->handle6 && !ctx->v6 && (ctx->v4 || !ctx->handle4);
  QmiClient *client = v6 ? client6_of(ctx) : ctx->wds;
  QmiSession *session;
  g_autoptr(GError) error = NULL;
  QmiWdsGetCurrentSettingsOutput out;

  if (!qmi_client_wds_get_current_settings_finish(client, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    adopt_finish(task, error->message);
    return;
  }
  session = g_new0(QmiSession, 1);
  qmi_session_fill(session, v6 ? QMI_SESSION_IPV6 : QMI_SESSION_IPV4, &out);
  qmi_output_base_clear(&out.base);
  session->handle = v6 ? ctx->handle6 : ctx->handle4;
  if (v6)
    ctx->v6 = session;
  else
    ctx->v4 = session;
  read_settings(task);
}

/* IPv4's settings, then IPv6's, then the radio. */
static void
read_settings(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  AdoptContext *ctx = g_task_get_task_data(task);
  QmiWdsGetCurrentSettingsInput in
      = { .has_requested_settings = TRUE, .requested_settings = WDS_REQUESTED_SETTINGS };
  GCancellable *c = g_task_get_cancellable(task);

  if (ctx->handle4 && !ctx->v4)
    qmi_client_wds_get_current_settings(ctx->wds, &in, QMI_TIMEOUT, c, settings_ready, task);
  else if (ctx->handle6 && !ctx->v6)
    qmi_client_wds_get_current_settings(client6_of(ctx), &in, QMI_TIMEOUT, c, settings_ready, task);
  else
    qmi_backend_set_radio(MMD_BACKEND(self), TRUE, c, radio_ready, task);
}

static void
status_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  AdoptContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWdsGetPacketServiceStatusOutput out;

  gboolean ok = qmi_client_wds_get_packet_service_status_finish(ctx->wds, res, &out, &error);
  gboolean up = ok && out.has_connection_status && out.connection_status == WDS_STATUS_CONNECTED;
  qmi_output_base_clear(&out.base);
  if (!up) {
    adopt_finish(task, error ? error->message : "the session is down");
    return;
  }
  read_settings(task);
}

void
qmi_adopt_session(MmdQmiBackend *self, GTask *task)
{
  g_autoptr(GKeyFile) state = g_steal_pointer(&self->saved);
  AdoptContext *ctx = state && self->wds ? adopt_context_from_state(self, state) : NULL;

  if (!ctx) {
    if (state)
      mmd_runtime_state_remove(plugin_name, self->control_path);
    mmd_task_succeed(task);
    return;
  }
  g_task_set_task_data(task, ctx, (GDestroyNotify)adopt_context_free);
  if (!self->online || (!ctx->handle4 && !ctx->handle6)) {
    adopt_finish(task, self->online ? "no session saved" : "the radio is off");
    return;
  }
  /* The client that holds the IPv4 session answers for it; an IPv6-only
   * session is on the first client too. */
  qmi_client_wds_get_packet_service_status(ctx->wds, QMI_TIMEOUT, g_task_get_cancellable(task),
                                           status_ready, task);
}
