/* Data sessions over MBIM: connect with IP configuration, disconnect. */
#include "mbim-backend.h"

#include <string.h>

typedef struct {
  MmdBearer *bearer;
  guint32 session;
  char *link;    /* of a multiplexed session until it is up: removed if it fails */
  GError *error; /* why a connection failed after its session came up */
} ConnectCtx;

static void
connect_ctx_free(ConnectCtx *ctx)
{
  mbim_mux_remove_link(ctx->link);
  g_free(ctx->link);
  g_clear_object(&ctx->bearer);
  g_clear_error(&ctx->error);
  g_free(ctx);
}

static void set_connect(GTask *task, guint32 session, gboolean activate, const MmdBearerSettings *s,
                        guint timeout_s, GAsyncReadyCallback next);

/* Whether the answer to a deactivation says the session is down. */
static gboolean
deactivated(gconstpointer answer, const GError *error)
{
  return answer || g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_CONTEXT_NOT_ACTIVATED);
}

/* The text of an address of n bytes, kept in texts (NULL for none). */
static const char *
address_text(GPtrArray *texts, const guint8 *addr, gsize n)
{
  if (!addr)
    return NULL;
  g_ptr_array_add(texts, mbim_ip_to_string(addr, n));
  return g_ptr_array_index(texts, texts->len - 1);
}

/* Static settings of one family: addresses of n bytes, n_dns packed DNS servers. */
static void
fill_ip(MmdIpConfig *ip, GPtrArray *texts, gsize n, const guint8 *address, guint32 prefix,
        const guint8 *gateway, const guint8 *dns, guint32 n_dns, guint32 mtu)
{
  memset(ip, 0, sizeof *ip);
  ip->method = MMD_BEARER_IP_METHOD_STATIC;
  ip->address = address_text(texts, address, n);
  ip->prefix = prefix;
  ip->gateway = address_text(texts, gateway, n);
  for (guint32 i = 0; i < n_dns && i < G_N_ELEMENTS(ip->dns); i++)
    ip->dns[i] = address_text(texts, dns + i * n, n);
  ip->mtu = mtu;
}

void
mbim_session_ip_config(const MbimIpConfigurationInfo *f, GPtrArray *texts, MmdIpConfig *ip4,
                       gboolean *have4, MmdIpConfig *ip6, gboolean *have6)
{
  *have4 = f->n_ipv4_address > 0;
  *have6 = f->n_ipv6_address > 0;
  if (*have4)
    fill_ip(
        ip4, texts, 4, f->ipv4_address[0].ipv4_address.addr,
        f->ipv4_address[0].on_link_prefix_length, f->ipv4_gateway ? f->ipv4_gateway->addr : NULL,
        f->ipv4_dns_server ? f->ipv4_dns_server->addr : NULL, f->n_ipv4_dns_server, f->ipv4_mtu);
  if (*have6)
    fill_ip(
        ip6, texts, 16, f->ipv6_address[0].ipv6_address.addr,
        f->ipv6_address[0].on_link_prefix_length, f->ipv6_gateway ? f->ipv6_gateway->addr : NULL,
        f->ipv6_dns_server ? f->ipv6_dns_server->addr : NULL, f->n_ipv6_dns_server, f->ipv6_mtu);
  if (!*have4 && !*have6) {
    /* No static settings: the host runs DHCP on the interface. */
    memset(ip4, 0, sizeof *ip4);
    ip4->method = MMD_BEARER_IP_METHOD_DHCP;
    *have4 = TRUE;
  }
}

void
mbim_follow_session(MmdMbimBackend *self, guint32 session, MmdBearer *bearer)
{
  self->sessions[session] = bearer;
  g_object_add_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->sessions[session]);
}

static void
connection_undone(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  self->session_unsure[ctx->session] = !deactivated(f, error);
  mbim_return_error(task, ctx->error);
}

/* The session is up but the connection failed: the modem must not keep a
 * session that no bearer follows (the next activation would be refused). */
static void
undo_connection(GTask *task, const GError *why)
{
  ConnectCtx *ctx = g_task_get_task_data(task);

  ctx->error = g_error_copy(why);
  set_connect(task, ctx->session, FALSE, NULL, CMD_TIMEOUT_S, connection_undone);
}

static void
ip_config_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimIpConfigurationInfo) f
      = mbim_command_ip_configuration_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
  MmdIpConfig ip4, ip6;
  gboolean have4, have6;

  if (!f) {
    undo_connection(task, error);
    return;
  }
  mbim_session_ip_config(f, texts, &ip4, &have4, &ip6, &have6);
  mbim_follow_session(self, ctx->session, ctx->bearer);
  self->links[ctx->session] = g_steal_pointer(&ctx->link);
  mmd_bearer_set_connected(ctx->bearer,
                           ctx->session ? self->links[ctx->session] : mbim_net_interface(self),
                           have4 ? &ip4 : NULL, have6 ? &ip6 : NULL);
  mmd_task_succeed(task);
}

static void
connect_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);
  const MbimIpConfigurationInfo query = { .session_id = ctx->session };

  /* no answer: the modem may have activated it all the same */
  if (g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT))
    self->session_unsure[ctx->session] = TRUE;
  if (mbim_failed(task, f, error))
    return;
  if (f->activation_state != ACTIVATION_ACTIVATED) {
    g_task_return_new_error(task, MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                            "Session %u not activated (state %u, network error %u)", ctx->session,
                            f->activation_state, f->nw_error);
    g_object_unref(task);
    return;
  }
  mbim_command_ip_configuration_query(mbim_device_of(task), &query, CMD_TIMEOUT_S,
                                      g_task_get_cancellable(task), ip_config_done, task);
}

static guint32
auth_protocol(guint allowed)
{
  if (allowed & MMD_BEARER_ALLOWED_AUTH_MSCHAPV2)
    return 3;
  if (allowed & MMD_BEARER_ALLOWED_AUTH_CHAP)
    return 2;
  if (allowed & MMD_BEARER_ALLOWED_AUTH_PAP)
    return 1;
  return 0;
}

static guint32
ip_type(guint family)
{
  switch (family) {
    case MMD_BEARER_IP_FAMILY_IPV4:
      return 1;
    case MMD_BEARER_IP_FAMILY_IPV6:
      return 2;
    case MMD_BEARER_IP_FAMILY_IPV4V6:
      return 3;
    default:
      return 0; /* default: the modem chooses */
  }
}

/* Activates (with settings s) or deactivates a session for task, continuing in next. */
static void
set_connect(GTask *task, guint32 session, gboolean activate, const MmdBearerSettings *s,
            guint timeout_s, GAsyncReadyCallback next)
{
  MbimSetConnect in = { .session_id = session, .activation_command = activate ? 1 : 0 };

  memcpy(in.context_type, mbim_uuid_context_internet, sizeof in.context_type);
  if (s) {
    in.access_string = s->apn;
    in.user_name = s->user;
    in.password = s->password;
    in.auth_protocol = auth_protocol(s->allowed_auth);
    in.ip_type = ip_type(s->ip_type);
  }
  mbim_command_connect_set(mbim_device_of(task), &in, timeout_s, g_task_get_cancellable(task), next,
                           task);
}

static void
activate(GTask *task)
{
  ConnectCtx *ctx = g_task_get_task_data(task);

  set_connect(task, ctx->session, TRUE, mmd_bearer_get_settings(ctx->bearer), CONNECT_TIMEOUT_S,
              connect_done);
}

static void
unsure_session_ended(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (deactivated(f, error))
    self->session_unsure[ctx->session] = FALSE;
  else
    g_debug("Session %u may still be up: %s", ctx->session, error->message);
  activate(task); /* its answer tells */
}

void
mbim_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  ConnectCtx *ctx = g_new0(ConnectCtx, 1);
  gboolean multiplexed = mmd_bearer_is_multiplexed(bearer);
  GError *error = NULL;
  guint32 sid;

  /* session 0 is the net port's, the others are multiplexed */
  for (sid = multiplexed ? 1 : 0; sid < (multiplexed ? MAX_SESSIONS : 1) && self->sessions[sid]
                                  && self->sessions[sid] != bearer;
       sid++)
    ;
  ctx->bearer = g_object_ref(bearer);
  ctx->session = sid;
  g_task_set_task_data(task, ctx, (GDestroyNotify)connect_ctx_free);
  if (sid == (multiplexed ? MAX_SESSIONS : 1)) {
    mmd_task_fail(
        task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY, "All data sessions are in use"));
    return;
  }
  if (multiplexed && !(ctx->link = mbim_mux_add_link(self, sid, &error))) {
    mmd_task_fail(task, error);
    return;
  }
  if (self->session_unsure[sid]) {
    set_connect(task, sid, FALSE, NULL, CMD_TIMEOUT_S, unsure_session_ended);
    return;
  }
  activate(task);
}

static void
disconnect_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!deactivated(f, error)) {
    /* still up as far as we know: follow it again, so that the bearer stays
     * connected and the next Disconnect asks the modem again */
    if (self->device && !self->sessions[ctx->session]) {
      mbim_follow_session(self, ctx->session, ctx->bearer);
      self->links[ctx->session] = g_steal_pointer(&ctx->link);
    }
    mbim_return_error(task, error);
    return;
  }
  self->session_unsure[ctx->session] = FALSE;
  mbim_mux_remove_link(ctx->link);
  g_clear_pointer(&ctx->link, g_free);
  mmd_task_succeed(task);
}

void
mbim_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  ConnectCtx *ctx;
  guint32 sid;

  for (sid = 0; sid < MAX_SESSIONS && self->sessions[sid] != bearer; sid++)
    ;
  if (sid == MAX_SESSIONS) {
    /* not ours (any more): the network already ended it */
    mmd_task_succeed(task);
    return;
  }
  /* the deactivation's notification is ours, not the network's */
  g_object_remove_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->sessions[sid]);
  self->sessions[sid] = NULL;
  ctx = g_new0(ConnectCtx, 1);
  ctx->bearer = g_object_ref(bearer);
  ctx->session = sid;
  ctx->link = g_steal_pointer(&self->links[sid]); /* removed once the session is down */
  g_task_set_task_data(task, ctx, (GDestroyNotify)connect_ctx_free);
  set_connect(task, sid, FALSE, NULL, CMD_TIMEOUT_S, disconnect_done);
}
