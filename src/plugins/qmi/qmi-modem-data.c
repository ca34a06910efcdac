/* The QMI plugin: data sessions (WDS).
 *
 * A QMI data session carries one IP family. An IPv4 or IPv6 bearer is one
 * session on the first WDS client; a dual-stack bearer adds an IPv6 session
 * on a second WDS client. */
#include "qmi-modem.h"

#include <arpa/inet.h>
#include <string.h>

#include "mmd-errors.h"

enum { WDS_IP_FAMILY_IPV4 = 4, WDS_IP_FAMILY_IPV6 = 6 };
enum { WDS_AUTH_PAP = 1 << 0, WDS_AUTH_CHAP = 1 << 1 };
enum { WDS_STATUS_DISCONNECTED = 1 };
enum { WDS_VERBOSE_3GPP = 6, WDS_3GPP_USER_AUTHENTICATION_FAILED = 29 };
/* PDP type, DNS, IP address, gateway, MTU, IP family */
#define WDS_REQUESTED_SETTINGS                                                                     \
  ((1u << 2) | (1u << 4) | (1u << 8) | (1u << 9) | (1u << 13) | (1u << 15))

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
stop_quietly_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  QmiClient *client = user_data;
  QmiWdsStopNetworkOutput out;
  qmi_client_wds_stop_network_finish(client, res, &out, NULL);
  qmi_output_base_clear(&out.base);
}

void
qmi_data_stop_quietly(QmiClient *client, guint32 handle)
{
  if (!client || !handle)
    return;
  QmiWdsStopNetworkInput in = { .has_packet_data_handle = TRUE, .packet_data_handle = handle };
  qmi_client_wds_stop_network(client, &in, QMI_TIMEOUT, NULL, stop_quietly_ready, client);
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
      qmi_data_stop_quietly(data->client6, data->client6 != self->wds ? data->handle6 : 0);
    else
      qmi_data_stop_quietly(self->wds, data->handle4);
    forget_bearer(self);
    qmi_mux_release(self);
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

/* ---- IP settings --------------------------------------------------------- */

void
qmi_session_result_clear(QmiSessionResult *r)
{
  g_free(r->address);
  g_free(r->gateway);
  g_free(r->dns[0]);
  g_free(r->dns[1]);
  memset(r, 0, sizeof(*r));
}

static char *
ipv4_to_string(guint32 addr)
{
  if (!addr)
    return NULL;
  return g_strdup_printf("%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xFF, (addr >> 8) & 0xFF,
                         addr & 0xFF);
}

static char *
ipv6_to_string(const guint8 addr[16])
{
  static const guint8 zero[16];
  char buf[INET6_ADDRSTRLEN];
  if (memcmp(addr, zero, 16) == 0 || !inet_ntop(AF_INET6, addr, buf, sizeof(buf)))
    return NULL;
  return g_strdup(buf);
}

static guint
prefix_from_mask(guint32 mask)
{
  guint n = 0;
  while (mask & 0x80000000u) {
    n++;
    mask <<= 1;
  }
  return n;
}

void
qmi_session_result_fill(QmiSessionResult *r, guint8 family,
                        const QmiWdsGetCurrentSettingsOutput *out)
{
  r->method = MMD_BEARER_IP_METHOD_DHCP; /* unless we learn an address */
  if (!out)
    return;
  if (family == WDS_IP_FAMILY_IPV6) {
    if (out->has_ipv6_address) {
      r->address = ipv6_to_string(out->ipv6_address.address);
      r->prefix = out->ipv6_address.prefix_length;
    }
    if (out->has_ipv6_gateway)
      r->gateway = ipv6_to_string(out->ipv6_gateway.address);
    if (out->has_ipv6_primary_dns)
      r->dns[0] = ipv6_to_string(out->ipv6_primary_dns);
    if (out->has_ipv6_secondary_dns)
      r->dns[1] = ipv6_to_string(out->ipv6_secondary_dns);
  } else {
    if (out->has_ipv4_address)
      r->address = ipv4_to_string(out->ipv4_address);
    if (out->has_ipv4_subnet_mask)
      r->prefix = prefix_from_mask(out->ipv4_subnet_mask);
    if (out->has_ipv4_gateway)
      r->gateway = ipv4_to_string(out->ipv4_gateway);
    if (out->has_ipv4_primary_dns)
      r->dns[0] = ipv4_to_string(out->ipv4_primary_dns);
    if (out->has_ipv4_secondary_dns)
      r->dns[1] = ipv4_to_string(out->ipv4_secondary_dns);
  }
  if (r->address)
    r->method = MMD_BEARER_IP_METHOD_STATIC;
  if (out->has_mtu)
    r->mtu = out->mtu;
}

void
qmi_session_result_to_config(const QmiSessionResult *r, MmdIpConfig *ip)
{
  memset(ip, 0, sizeof(*ip));
  ip->method = r->method;
  ip->address = r->address;
  ip->prefix = r->prefix;
  ip->gateway = r->gateway;
  ip->mtu = r->mtu;
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS(r->dns); i++)
    if (r->dns[i])
      ip->dns[n++] = r->dns[i];
}

/* ---- connect ------------------------------------------------------------- */

typedef struct {
  MmdBearer *bearer;
  gboolean dual;     /* IPv4 on wds, then IPv6 on wds6 */
  guint8 family;     /* of the session being set up */
  QmiClient *client; /* ... and its client */
  QmiSessionResult v4, v6;
  GError *v4_error;
} ConnectContext;

static void
connect_context_free(ConnectContext *ctx)
{
  g_object_unref(ctx->bearer);
  qmi_session_result_clear(&ctx->v4);
  qmi_session_result_clear(&ctx->v6);
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

static QmiSessionResult *
current_result(ConnectContext *ctx)
{
  return ctx->family == WDS_IP_FAMILY_IPV6 ? &ctx->v6 : &ctx->v4;
}

static void
connect_finish(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  ConnectContext *ctx = g_task_get_task_data(task);

  if (!ctx->v4.up && !ctx->v6.up) {
    qmi_mux_release(self);
    mmd_task_fail(task, g_steal_pointer(&ctx->v4_error));
    return;
  }
  if (g_task_return_error_if_cancelled(task)) {
    qmi_data_stop_quietly(self->wds, ctx->v4.handle);
    qmi_data_stop_quietly(ctx->dual ? self->wds6 : self->wds, ctx->v6.handle);
    qmi_mux_release(self);
    g_object_unref(task);
    return;
  }
  qmi_data_follow_bearer(self, ctx->bearer, ctx->v4.up ? ctx->v4.handle : 0,
                         ctx->v6.up ? ctx->v6.handle : 0, ctx->dual ? self->wds6 : self->wds);

  MmdIpConfig ip4, ip6;
  qmi_session_result_to_config(&ctx->v4, &ip4);
  qmi_session_result_to_config(&ctx->v6, &ip6);
  mmd_bearer_set_connected(ctx->bearer,
                           self->mux_link ? self->mux_link : qmi_data_net_interface(self),
                           ctx->v4.up ? &ip4 : NULL, ctx->v6.up ? &ip6 : NULL);
  mmd_task_succeed(task);
}

static void start_session(GTask *task);

/* The current session is done (up or failed): set up the next one or finish. */
static void
session_done(GTask *task, GError *error)
{
  ConnectContext *ctx = g_task_get_task_data(task);
  MmdQmiBackend *self = g_task_get_source_object(task);

  if (error && ctx->family == WDS_IP_FAMILY_IPV4)
    ctx->v4_error = error;
  else if (error) {
    g_message("IPv6 session of a dual-stack bearer failed: %s", error->message);
    if (!ctx->v4_error)
      ctx->v4_error = error;
    else
      g_error_free(error);
  }
  if (ctx->dual && ctx->family == WDS_IP_FAMILY_IPV4
      && !g_cancellable_is_cancelled(g_task_get_cancellable(task))
      && !(ctx->v4_error
           && g_error_matches(ctx->v4_error, MMD_MOBILE_EQUIPMENT_ERROR,
                              MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE))) {
    ctx->family = WDS_IP_FAMILY_IPV6;
    ctx->client = self->wds6;
    start_session(task);
    return;
  }
  connect_finish(task);
}

static void
current_settings_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ConnectContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWdsGetCurrentSettingsOutput out;

  gboolean ok = qmi_client_wds_get_current_settings_finish(ctx->client, res, &out, &error);
  if (!ok)
    g_message("Reading the IP settings failed (%s): the host should use DHCP", error->message);
  qmi_session_result_fill(current_result(ctx), ctx->family, ok ? &out : NULL);
  qmi_output_base_clear(&out.base);
  session_done(task, NULL);
}

static void
start_network_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ConnectContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWdsStartNetworkOutput out;

  if (!qmi_client_wds_start_network_finish(ctx->client, res, &out, &error)) {
    if (out.has_call_end_reason)
      g_prefix_error(&error, "Call end reason %u: ", out.call_end_reason);
    if (out.has_verbose_call_end_reason && out.verbose_call_end_reason.type == WDS_VERBOSE_3GPP
        && out.verbose_call_end_reason.reason == WDS_3GPP_USER_AUTHENTICATION_FAILED) {
      GError *auth
          = g_error_new(MMD_MOBILE_EQUIPMENT_ERROR,
                        MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE, "%s", error->message);
      g_error_free(error);
      error = auth;
    }
    qmi_output_base_clear(&out.base);
    session_done(task, error);
    return;
  }
  QmiSessionResult *r = current_result(ctx);
  r->up = TRUE;
  r->handle = out.packet_data_handle;
  qmi_output_base_clear(&out.base);

  QmiWdsGetCurrentSettingsInput in
      = { .has_requested_settings = TRUE, .requested_settings = WDS_REQUESTED_SETTINGS };
  qmi_client_wds_get_current_settings(ctx->client, &in, QMI_TIMEOUT, NULL, current_settings_ready,
                                      task);
}

static void
set_ip_family_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ConnectContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWdsSetIpFamilyOutput out;

  /* older firmware lacks Set IP Family: the preference in Start Network will do */
  if (!qmi_client_wds_set_ip_family_finish(ctx->client, res, &out, &error))
    g_debug("Set IP family: %s", error->message);
  qmi_output_base_clear(&out.base);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    session_done(task, g_steal_pointer(&error));
    return;
  }

  const MmdBearerSettings *settings = mmd_bearer_get_settings(ctx->bearer);
  QmiWdsStartNetworkInput in = {
    .apn = settings->apn && *settings->apn ? settings->apn : NULL,
    .username = settings->user && *settings->user ? settings->user : NULL,
    .password = settings->password && *settings->password ? settings->password : NULL,
    .has_ip_family_preference = TRUE,
    .ip_family_preference = ctx->family,
  };
  guint auth = settings->allowed_auth;
  if (auth != MMD_BEARER_ALLOWED_AUTH_UNKNOWN) {
    in.has_authentication_preference = TRUE;
    if (auth & MMD_BEARER_ALLOWED_AUTH_PAP)
      in.authentication_preference |= WDS_AUTH_PAP;
    if (auth & MMD_BEARER_ALLOWED_AUTH_CHAP)
      in.authentication_preference |= WDS_AUTH_CHAP;
  } else if (in.username) {
    in.has_authentication_preference = TRUE;
    in.authentication_preference = WDS_AUTH_PAP | WDS_AUTH_CHAP;
  }
  qmi_client_wds_start_network(ctx->client, &in, QMI_TIMEOUT_CONNECT, g_task_get_cancellable(task),
                               start_network_ready, task);
}

static void
start_session(GTask *task)
{
  ConnectContext *ctx = g_task_get_task_data(task);
  QmiWdsSetIpFamilyInput in = { .has_preference = TRUE, .preference = ctx->family };
  qmi_client_wds_set_ip_family(ctx->client, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                               set_ip_family_ready, task);
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
  GTask *task = qmi_backend_task(self, self->wds, "Connect", cancellable, callback, user_data);
  if (!task)
    return;
  if (self->bearer && self->bearer != bearer) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                            "Another data session is active");
    g_object_unref(task);
    return;
  }
  guint ip_type = mmd_bearer_get_settings(bearer)->ip_type;
  ConnectContext *ctx = g_new0(ConnectContext, 1);
  ctx->bearer = g_object_ref(bearer);
  ctx->client = self->wds;
  ctx->family = ip_type == MMD_BEARER_IP_FAMILY_IPV6 ? WDS_IP_FAMILY_IPV6 : WDS_IP_FAMILY_IPV4;
  ctx->dual = ip_type == MMD_BEARER_IP_FAMILY_IPV4V6 && self->wds6;
  if (ip_type == MMD_BEARER_IP_FAMILY_IPV4V6 && !self->wds6)
    g_message("No second WDS client: connecting IPv4 only");
  g_task_set_task_data(task, ctx, (GDestroyNotify)connect_context_free);
  GTask *prepared = g_task_new(self, cancellable, data_format_ready, task);
  const char *iface = qmi_data_net_interface(self);
  if (qmi_mux_applies(self, iface))
    qmi_mux_prepare(self, iface, self->wds, ctx->dual ? self->wds6 : NULL, prepared);
  else
    qmi_data_format_setup(self, iface, prepared);
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
  qmi_mux_release(self);
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
  GTask *task = qmi_backend_task(self, self->wds, "Disconnect", cancellable, callback, user_data);
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
