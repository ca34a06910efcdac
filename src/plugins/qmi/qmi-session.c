/* One packet data session on one WDS client (see qmi-session.h). */
#include "qmi-session.h"

#include <arpa/inet.h>
#include <string.h>

#include "mmd-errors.h"
#include "qmi-error.h"
#include "qmi-generated.h"

#define SESSION_TIMEOUT 10
#define START_TIMEOUT 60

enum { WDS_AUTH_PAP = 1 << 0, WDS_AUTH_CHAP = 1 << 1 };
enum { WDS_VERBOSE_3GPP = 6, WDS_3GPP_USER_AUTHENTICATION_FAILED = 29 };
/* PDP type, DNS, IP address, gateway, MTU, IP family */
#define WDS_REQUESTED_SETTINGS                                                                     \
  ((1u << 2) | (1u << 4) | (1u << 8) | (1u << 9) | (1u << 13) | (1u << 15))

void
qmi_session_free(QmiSession *session)
{
  if (!session)
    return;
  g_free(session->address);
  g_free(session->gateway);
  g_free(session->dns[0]);
  g_free(session->dns[1]);
  g_free(session);
}

typedef struct {
  QmiClient *client;
  const MmdBearerSettings *settings; /* the bearer's, which outlives the start */
  guint8 family;
  QmiSession *session;
} StartContext;

static void
start_context_free(StartContext *ctx)
{
  qmi_session_free(ctx->session);
  g_free(ctx);
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

static void
fill_ipv6(QmiSession *s, const QmiWdsGetCurrentSettingsOutput *out)
{
  if (out->has_ipv6_address) {
    s->address = ipv6_to_string(out->ipv6_address.address);
    s->prefix = out->ipv6_address.prefix_length;
  }
  if (out->has_ipv6_gateway)
    s->gateway = ipv6_to_string(out->ipv6_gateway.address);
  if (out->has_ipv6_primary_dns)
    s->dns[0] = ipv6_to_string(out->ipv6_primary_dns);
  if (out->has_ipv6_secondary_dns)
    s->dns[1] = ipv6_to_string(out->ipv6_secondary_dns);
}

static void
fill_ipv4(QmiSession *s, const QmiWdsGetCurrentSettingsOutput *out)
{
  if (out->has_ipv4_address)
    s->address = ipv4_to_string(out->ipv4_address);
  if (out->has_ipv4_subnet_mask)
    s->prefix = prefix_from_mask(out->ipv4_subnet_mask);
  if (out->has_ipv4_gateway)
    s->gateway = ipv4_to_string(out->ipv4_gateway);
  if (out->has_ipv4_primary_dns)
    s->dns[0] = ipv4_to_string(out->ipv4_primary_dns);
  if (out->has_ipv4_secondary_dns)
    s->dns[1] = ipv4_to_string(out->ipv4_secondary_dns);
}

void
qmi_session_fill(QmiSession *s, guint8 family, const QmiWdsGetCurrentSettingsOutput *out)
{
  s->method = MMD_BEARER_IP_METHOD_DHCP; /* unless we learn an address */
  if (!out)
    return;
  if (family == QMI_SESSION_IPV6)
    fill_ipv6(s, out);
  else
    fill_ipv4(s, out);
  if (s->address)
    s->method = MMD_BEARER_IP_METHOD_STATIC;
  if (out->has_mtu)
    s->mtu = out->mtu;
}

static void
current_settings_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  StartContext *ctx = g_task_get_task_data(task);
  QmiSession *s = ctx->session;
  g_autoptr(GError) error = NULL;
  QmiWdsGetCurrentSettingsOutput out;

  gboolean ok = qmi_client_wds_get_current_settings_finish(ctx->client, res, &out, &error);

  if (!ok)
    g_message("Reading the IP settings failed (%s): the host should use DHCP", error->message);
  qmi_session_fill(s, ctx->family, ok ? &out : NULL);
  qmi_output_base_clear(&out.base);
  g_task_return_pointer(task, g_steal_pointer(&ctx->session), (GDestroyNotify)qmi_session_free);
  g_object_unref(task);
}

/* A failed Start Network's error, with what the modem said about why. */
static GError *
start_error(GError *error, const QmiWdsStartNetworkOutput *out)
{
  if (out->has_call_end_reason)
    g_prefix_error(&error, "Call end reason %u: ", out->call_end_reason);
  if (out->has_verbose_call_end_reason && out->verbose_call_end_reason.type == WDS_VERBOSE_3GPP
      && out->verbose_call_end_reason.reason == WDS_3GPP_USER_AUTHENTICATION_FAILED) {
    GError *auth
        = g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE,
                      "%s", error->message);
    g_error_free(error);
    return auth;
  }
  return error;
}

static void
start_network_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  StartContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWdsStartNetworkOutput out;
  QmiWdsGetCurrentSettingsInput in
      = { .has_requested_settings = TRUE, .requested_settings = WDS_REQUESTED_SETTINGS };

  if (!qmi_client_wds_start_network_finish(ctx->client, res, &out, &error)) {
    error = start_error(error, &out);
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, error);
    return;
  }
  ctx->session = g_new0(QmiSession, 1);
  ctx->session->handle = out.packet_data_handle;
  qmi_output_base_clear(&out.base);
  /* the session is up: its settings are read even if the caller gave up */
  qmi_client_wds_get_current_settings(ctx->client, &in, SESSION_TIMEOUT, NULL,
                                      current_settings_ready, task);
}

static void
set_ip_family_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  StartContext *ctx = g_task_get_task_data(task);
  const MmdBearerSettings *settings = ctx->settings;
  g_autoptr(GError) error = NULL;
  QmiWdsSetIpFamilyOutput out;
  QmiWdsStartNetworkInput in = {
    .apn = settings->apn && *settings->apn ? settings->apn : NULL,
    .username = settings->user && *settings->user ? settings->user : NULL,
    .password = settings->password && *settings->password ? settings->password : NULL,
    .has_ip_family_preference = TRUE,
    .ip_family_preference = ctx->family,
  };
  guint auth = settings->allowed_auth;

  /* older firmware lacks Set IP Family: the preference in Start Network will do */
  if (!qmi_client_wds_set_ip_family_finish(ctx->client, res, &out, &error))
    g_debug("Set IP family: %s", error->message);
  qmi_output_base_clear(&out.base);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    mmd_task_fail(task, g_steal_pointer(&error));
    return;
  }
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
  qmi_client_wds_start_network(ctx->client, &in, START_TIMEOUT, g_task_get_cancellable(task),
                               start_network_ready, task);
}

void
qmi_session_start(QmiClient *client, const MmdBearerSettings *settings, guint8 family,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);
  StartContext *ctx = g_new0(StartContext, 1);
  QmiWdsSetIpFamilyInput in = { .has_preference = TRUE, .preference = family };

  ctx->client = client;
  ctx->settings = settings;
  ctx->family = family;
  g_task_set_task_data(task, ctx, (GDestroyNotify)start_context_free);
  qmi_client_wds_set_ip_family(client, &in, SESSION_TIMEOUT, cancellable, set_ip_family_ready,
                               task);
}

QmiSession *
qmi_session_start_finish(GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer(G_TASK(result), error);
}

void
qmi_session_to_config(const QmiSession *s, MmdIpConfig *ip)
{
  guint n = 0;

  memset(ip, 0, sizeof(*ip));
  ip->method = s->method;
  ip->address = s->address;
  ip->prefix = s->prefix;
  ip->gateway = s->gateway;
  ip->mtu = s->mtu;
  for (guint i = 0; i < G_N_ELEMENTS(s->dns); i++)
    if (s->dns[i])
      ip->dns[n++] = s->dns[i];
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
qmi_session_stop_quietly(QmiClient *client, guint32 handle)
{
  QmiWdsStopNetworkInput in = { .has_packet_data_handle = TRUE, .packet_data_handle = handle };

  if (client && handle)
    qmi_client_wds_stop_network(client, &in, SESSION_TIMEOUT, NULL, stop_quietly_ready, client);
}
