/* The QMI plugin: data sessions (WDS).
 *
 * A QMI data session carries one IP family. An IPv4 or IPv6 bearer is one
 * session on the first WDS client; a dual-stack bearer adds an IPv6 session
 * on a second WDS client. */
#include "qmi-modem.h"

#include <string.h>

#include "mmd-errors.h"

enum { WDS_STATUS_DISCONNECTED = 1 };

static void
forget_bearer(MmdQmiBackend *self)
{
  if (self->bearer)
    g_object_remove_weak_pointer(G_OBJECT(self->bearer), (gpointer *)&self->bearer);
  self->bearer = NULL;
}

static void
remember_bearer(MmdQmiBackend *self, MmdBearer *bearer)
{
  forget_bearer(self);
  self->bearer = bearer;
  g_object_add_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->bearer);
}

static void
on_packet_service_status(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  QmiWdsPacketServiceStatusIndication ind;
  qmi_wds_packet_service_status_indication_parse(msg, &ind, NULL);
  QmiBearerData *data = self->bearer ? mmd_bearer_get_backend_data(self->bearer) : NULL;
  if (data && ind.has_connection_status
      && ind.connection_status.status == WDS_STATUS_DISCONNECTED) {
    MmdBearer *bearer = self->bearer;
    g_autoptr(GError) error = NULL;
    if (ind.has_call_end_reason)
      error = g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_GPRS_UNKNOWN,
                          "The network ended the data session (call end reason %u)",
                          ind.call_end_reason);
    /* one family gone takes the bearer down: end the other session too */
    if (client == self->wds)
      qmi_session_stop_quietly(data->client6, data->client6 != self->wds ? data->handle6 : 0);
    else
      qmi_session_stop_quietly(self->wds, data->handle4);
    forget_bearer(self);
    mmd_bearer_set_backend_data(bearer, NULL, NULL);
    mmd_bearer_report_disconnected(bearer, error);
  }
  qmi_output_base_clear(&ind.base);
}

void
qmi_data_follow_bearer(MmdQmiBackend *self, MmdBearer *bearer, guint32 handle4, guint32 handle6,
                       QmiClient *client6)
{
  QmiBearerData *data = g_new0(QmiBearerData, 1);

  data->handle4 = handle4;
  data->handle6 = handle6;
  data->client6 = client6;
  mmd_bearer_set_backend_data(bearer, data, g_free);
  remember_bearer(self, bearer);
}

void
qmi_data_setup(MmdQmiBackend *self)
{
  if (self->wds && !self->wds_ind_id)
    self->wds_ind_id = qmi_client_add_indication_handler(
        self->wds, QMI_WDS_IND_PACKET_SERVICE_STATUS, on_packet_service_status, self);
  if (self->wds6 && !self->wds6_ind_id)
    self->wds6_ind_id = qmi_client_add_indication_handler(
        self->wds6, QMI_WDS_IND_PACKET_SERVICE_STATUS, on_packet_service_status, self);
}

/* ---- connect ------------------------------------------------------------- */

typedef struct {
  MmdBearer *bearer;
  gboolean dual;     /* IPv4 on wds, then IPv6 on wds6 */
  guint8 family;     /* of the session being set up */
  QmiClient *client; /* ... and its client */
  QmiSession *v4, *v6;
  GError *v4_error;
} ConnectContext;

static void
connect_context_free(ConnectContext *ctx)
{
  g_object_unref(ctx->bearer);
  qmi_session_free(ctx->v4);
  qmi_session_free(ctx->v6);
  g_clear_error(&ctx->v4_error);
  g_free(ctx);
}

const char *
qmi_data_net_interface(MmdQmiBackend *self)
{
  MmdModem *modem = qmi_backend_modem(self);
  const MmdPort *net = modem ? mmd_modem_find_port(modem, MMD_MODEM_PORT_TYPE_NET) : NULL;

  return net && net->name ? net->name : self->net_iface;
}

static void
connect_finish(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  ConnectContext *ctx = g_task_get_task_data(task);
  MmdIpConfig ip4, ip6;

  if (!ctx->v4 && !ctx->v6) {
    mmd_task_fail(task, g_steal_pointer(&ctx->v4_error));
    return;
  }
  if (g_task_return_error_if_cancelled(task)) {
    qmi_session_stop_quietly(self->wds, ctx->v4 ? ctx->v4->handle : 0);
    qmi_session_stop_quietly(ctx->dual ? self->wds6 : self->wds, ctx->v6 ? ctx->v6->handle : 0);
    g_object_unref(task);
    return;
  }
  qmi_data_follow_bearer(self, ctx->bearer, ctx->v4 ? ctx->v4->handle : 0,
                         ctx->v6 ? ctx->v6->handle : 0, ctx->dual ? self->wds6 : self->wds);
  if (ctx->v4)
    qmi_session_to_config(ctx->v4, &ip4);
  if (ctx->v6)
    qmi_session_to_config(ctx->v6, &ip6);
  mmd_bearer_set_connected(ctx->bearer, qmi_data_net_interface(self), ctx->v4 ? &ip4 : NULL,
                           ctx->v6 ? &ip6 : NULL);
  mmd_task_succeed(task);
}

static void start_session(GTask *task);

/* The current session is done (up or failed): set up the next one or finish. */
static void
session_done(GTask *task, GError *error)
{
  ConnectContext *ctx = g_task_get_task_data(task);
  MmdQmiBackend *self = g_task_get_source_object(task);

  if (error && ctx->family == QMI_SESSION_IPV4)
    ctx->v4_error = error;
  else if (error) {
    g_message("IPv6 session of a dual-stack bearer failed: %s", error->message);
    if (!ctx->v4_error)
      ctx->v4_error = error;
    else
      g_error_free(error);
  }
  if (ctx->dual && ctx->family == QMI_SESSION_IPV4
      && !g_cancellable_is_cancelled(g_task_get_cancellable(task))
      && !(ctx->v4_error
           && g_error_matches(ctx->v4_error, MMD_MOBILE_EQUIPMENT_ERROR,
                              MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE))) {
    ctx->family = QMI_SESSION_IPV6;
    ctx->client = self->wds6;
    start_session(task);
    return;
  }
  connect_finish(task);
}

static void
session_started(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ConnectContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiSession *session = qmi_session_start_finish(res, &error);

  if (ctx->family == QMI_SESSION_IPV6)
    ctx->v6 = session;
  else
    ctx->v4 = session;
  session_done(task, error);
}

static void
start_session(GTask *task)
{
  ConnectContext *ctx = g_task_get_task_data(task);

  qmi_session_start(ctx->client, mmd_bearer_get_settings(ctx->bearer), ctx->family,
                    g_task_get_cancellable(task), session_started, task);
}

static void
data_format_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  start_session(task);
}

void
qmi_backend_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task;
  guint ip_type;
  ConnectContext *ctx;

  if (qmi_multiplex_carries(self, bearer)) {
    qmi_multiplex_connect(self, bearer, cancellable, callback, user_data);
    return;
  }
  task = qmi_backend_task(self, self->wds, "Connect", cancellable, callback, user_data);
  if (!task)
    return;
  if (self->bearer && self->bearer != bearer) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                            "Another data session is active");
    g_object_unref(task);
    return;
  }
  ip_type = mmd_bearer_get_settings(bearer)->ip_type;
  ctx = g_new0(ConnectContext, 1);
  ctx->bearer = g_object_ref(bearer);
  ctx->client = self->wds;
  ctx->family = ip_type == MMD_BEARER_IP_FAMILY_IPV6 ? QMI_SESSION_IPV6 : QMI_SESSION_IPV4;
  ctx->dual = ip_type == MMD_BEARER_IP_FAMILY_IPV4V6 && self->wds6;
  if (ip_type == MMD_BEARER_IP_FAMILY_IPV4V6 && !self->wds6)
    g_message("No second WDS client: connecting IPv4 only");
  g_task_set_task_data(task, ctx, (GDestroyNotify)connect_context_free);
  qmi_data_format_setup(self, qmi_data_net_interface(self),
                        g_task_new(self, cancellable, data_format_ready, task));
}

/* ---- disconnect ---------------------------------------------------------- */

typedef struct {
  MmdBearer *bearer;
  guint pending;
  GError *error;
} DisconnectContext;

static void
disconnect_context_free(DisconnectContext *ctx)
{
  g_object_unref(ctx->bearer);
  g_clear_error(&ctx->error);
  g_free(ctx);
}

/* One of the (up to two) Stop Network requests is done; the last one answers. */
static void
disconnect_step_done(GTask *task, GError *error)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  DisconnectContext *ctx = g_task_get_task_data(task);

  if (error && !ctx->error)
    ctx->error = error;
  else if (error)
    g_error_free(error);
  if (--ctx->pending > 0)
    return;
  if (ctx->error) {
    /* still up as far as we know: follow it again */
    if (!self->bearer && mmd_bearer_get_backend_data(ctx->bearer))
      remember_bearer(self, ctx->bearer);
    mmd_task_fail(task, g_steal_pointer(&ctx->error));
    return;
  }
  mmd_bearer_set_backend_data(ctx->bearer, NULL, NULL);
  mmd_task_succeed(task);
}

typedef struct {
  GTask *task;
  QmiClient *client;
} StopRequest;

static void
stop_network_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  StopRequest *req = user_data;
  GError *error = NULL;
  QmiWdsStopNetworkOutput out;

  gboolean ok = qmi_client_wds_stop_network_finish(req->client, res, &out, &error);
  /* already down is fine */
  if (!ok && out.base.has_result
      && (out.base.error == QMI_PROTOCOL_ERROR_NO_EFFECT
          || out.base.error == QMI_PROTOCOL_ERROR_OUT_OF_CALL
          || out.base.error == QMI_PROTOCOL_ERROR_INVALID_HANDLE)) {
    g_clear_error(&error);
    ok = TRUE;
  }
  qmi_output_base_clear(&out.base);
  GTask *task = req->task;
  g_free(req);
  disconnect_step_done(task, ok ? NULL : error);
}

void
qmi_backend_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task;

  if (qmi_multiplex_carries(self, bearer)) {
    qmi_multiplex_disconnect(self, bearer, cancellable, callback, user_data);
    return;
  }
  task = qmi_backend_task(self, self->wds, "Disconnect", cancellable, callback, user_data);
  if (!task)
    return;
  DisconnectContext *ctx = g_new0(DisconnectContext, 1);
  ctx->bearer = g_object_ref(bearer);
  g_task_set_task_data(task, ctx, (GDestroyNotify)disconnect_context_free);
  QmiBearerData *data = mmd_bearer_get_backend_data(bearer);
  /* the disconnection indications that follow are ours, not the network's */
  if (self->bearer == bearer)
    forget_bearer(self);
  struct {
    QmiClient *client;
    guint32 handle;
  } sessions[2] = { { self->wds, data ? data->handle4 : 0 },
                    { data ? data->client6 : NULL, data ? data->handle6 : 0 } };
  ctx->pending = 1; /* held until all requests are out */
  for (guint i = 0; i < G_N_ELEMENTS(sessions); i++) {
    if (!sessions[i].client || !sessions[i].handle)
      continue;
    ctx->pending++;
    StopRequest *req = g_new0(StopRequest, 1);
    req->task = task;
    req->client = sessions[i].client;
    QmiWdsStopNetworkInput in
        = { .has_packet_data_handle = TRUE, .packet_data_handle = sessions[i].handle };
    qmi_client_wds_stop_network(req->client, &in, QMI_TIMEOUT, cancellable, stop_network_ready,
                                req);
  }
  disconnect_step_done(task, NULL);
}
