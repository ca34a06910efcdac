/* The QMI plugin: multiplexed data sessions (bearers with "multiplex").
 *
 * The modem aggregates the packets of all sessions on the data port with
 * QMAP (WDA Set Data Format), each packet tagged with its session's mux id;
 * every session has WDS clients of its own, bound to its mux id (WDS Bind Mux
 * Data Port) before Start Network, and a network interface of its own:
 *
 *   qmi_wwan (USB): the driver makes the link when the mux id is written to
 *     qmi/add_mux (a qmimuxN interface, an upper device of the port with
 *     qmap/mux_id) and removes it on qmi/del_mux;
 *   mhi_net (PCIe) and an SoC's IPA port (QRTR modems): an rmnet link over
 *     the port (mmd-link.c), asking for the checksum offload the port does.
 *
 * An SoC's IPA port carries nothing but QMAP: there even a plain session is
 * one of these, on its own link (mux id 1, as no multiplexed one can be up
 * beside it).
 *
 * A session's link goes with it: on disconnect, when the network ends it,
 * when the connect fails halfway, and when the daemon stops (the next run
 * takes over the plain session only, qmi-modem-adopt.c). */
#include <linux/if_link.h>
#include <stdlib.h>
#include <string.h>

#include "mmd-errors.h"
#include "mmd-link.h"
#include "qmi-modem.h"

enum { ENDPOINT_HSUSB = 2, ENDPOINT_PCIE = 3, ENDPOINT_EMBEDDED = 4 };
enum { CLIENT_TYPE_TETHERED = 1 };
enum { WDS_STATUS_DISCONNECTED = 1 };
/* qmi_wwan makes its link while the write returns; a port emulated in tests
 * (umockdev) takes its time: wait for it a while. */
#define LINK_WAIT_MS 100
#define LINK_WAIT_TRIES 50

typedef enum { LINK_NONE, LINK_QMI_WWAN, LINK_RMNET } LinkKind;

struct _QmiMultiplexSession {
  MmdQmiBackend *self; /* weak */
  LinkKind kind;
  char *port; /* the net port under the link */
  char *link; /* the session's interface, once made */
  guint8 mux_id;
  QmiClient *wds[2]; /* IPv4, IPv6 */
  QmiSession *ip[2];
  guint ind_id[2];
  MmdBearer *bearer; /* weak: it owns the session once up */
};

/* ---- the data port ----------------------------------------------------- */

/* A modem of the SoC (over QRTR) whose data port is the SoC's IPA device,
 * whatever its driver is called. */
static gboolean
is_soc_data_port(MmdQmiBackend *self)
{
  return self->control_path && g_str_has_prefix(self->control_path, "qrtr://")
         && qmi_data_net_interface(self);
}

gboolean
qmi_multiplex_carries(MmdQmiBackend *self, MmdBearer *bearer)
{
  return mmd_bearer_is_multiplexed(bearer) || is_soc_data_port(self);
}

static const MmdPort *
net_port(MmdQmiBackend *self)
{
  MmdModem *modem = qmi_backend_modem(self);

  return modem ? mmd_modem_find_port(modem, MMD_MODEM_PORT_TYPE_NET) : NULL;
}

static LinkKind
link_kind(MmdQmiBackend *self)
{
  const char *iface = qmi_data_net_interface(self);
  const MmdPort *port = net_port(self);
  g_autofree char *add_mux
      = iface ? g_build_filename("/sys/class/net", iface, "qmi", "add_mux", NULL) : NULL;

  if (add_mux && g_file_test(add_mux, G_FILE_TEST_EXISTS))
    return LINK_QMI_WWAN;
  if ((port && g_strcmp0(port->driver, "mhi_net") == 0) || is_soc_data_port(self))
    return LINK_RMNET;
  return LINK_NONE;
}

void
qmi_multiplex_report_limits(MmdQmiBackend *self)
{
  guint max = link_kind(self) != LINK_NONE ? QMI_MULTIPLEX_MAX : 0;

  mmd_modem_set_max_bearers(qmi_backend_modem(self), 1 + max, 1);
  mmd_modem_set_max_multiplexed_bearers(qmi_backend_modem(self), max);
}

/* The USB interface of a qmi_wwan port: its device's bInterfaceNumber, or
 * the ".N" that ends the interface's name ("1-1:1.4"). */
static guint32
usb_interface_number(const char *iface)
{
  g_autofree char *attr
      = g_build_filename("/sys/class/net", iface, "device", "bInterfaceNumber", NULL);
  g_autofree char *link = g_build_filename("/sys/class/net", iface, "device", NULL);
  g_autofree char *text = NULL;
  g_autofree char *target = NULL;
  const char *dot;
  guint64 n = 0;

  if (g_file_get_contents(attr, &text, NULL, NULL)
      && g_ascii_string_to_unsigned(g_strstrip(text), 16, 0, 255, &n, NULL))
    return n;
  target = g_file_read_link(link, NULL);
  dot = target ? strrchr(target, '.') : NULL;
  if (dot && g_ascii_string_to_unsigned(dot + 1, 10, 0, 255, &n, NULL))
    return n;
  g_warning("%s: no USB interface number found; binding to interface 0", iface);
  return 0;
}

static QmiEndpoint
endpoint_of(MmdQmiBackend *self, LinkKind kind, const char *iface)
{
  QmiEndpoint endpoint = { ENDPOINT_PCIE, 4 }; /* MHI's IP_HW0 channel */

  if (kind == LINK_QMI_WWAN)
    endpoint = (QmiEndpoint){ ENDPOINT_HSUSB, usb_interface_number(iface) };
  else if (is_soc_data_port(self))
    endpoint = (QmiEndpoint){ ENDPOINT_EMBEDDED, 1 };
  return endpoint;
}

/* The checksum offload the port's hardware does (IPA tells it in sysfs:
 * "MAPv4" or "MAPv5"), asked of the rmnet link too. */
static guint32
offload_flags(const char *iface, const char *direction, guint32 v4, guint32 v5)
{
  g_autofree char *path
      = g_build_filename("/sys/class/net", iface, "device", "feature", direction, NULL);
  g_autofree char *value = NULL;

  if (!g_file_get_contents(path, &value, NULL, NULL))
    return 0;
  if (g_str_has_prefix(value, "MAPv5"))
    return v5;
  if (g_str_has_prefix(value, "MAPv4"))
    return v4;
  return 0;
}

static guint32
rmnet_flags(const char *iface)
{
  return MMD_LINK_RMNET_DEAGGREGATION
         | offload_flags(iface, "rx_offload", RMNET_FLAGS_INGRESS_MAP_CKSUMV4,
                         RMNET_FLAGS_INGRESS_MAP_CKSUMV5)
         | offload_flags(iface, "tx_offload", RMNET_FLAGS_EGRESS_MAP_CKSUMV4,
                         RMNET_FLAGS_EGRESS_MAP_CKSUMV5);
}

/* Checksums of MAPv5 come in QMAPv5 headers: the modem must send those. */
static gboolean
wants_qmap_v5(LinkKind kind, const char *iface)
{
  return kind == LINK_RMNET
         && (rmnet_flags(iface)
             & (RMNET_FLAGS_INGRESS_MAP_CKSUMV5 | RMNET_FLAGS_EGRESS_MAP_CKSUMV5));
}

static guint8
free_mux_id(MmdQmiBackend *self)
{
  for (guint8 id = 1; id <= QMI_MULTIPLEX_MAX; id++) {
    gboolean used = FALSE;

    for (guint i = 0; i < self->multiplex_sessions->len && !used; i++)
      used = ((QmiMultiplexSession *)g_ptr_array_index(self->multiplex_sessions, i))->mux_id == id;
    if (!used)
      return id;
  }
  return 0;
}

/* ---- links ----------------------------------------------------------------- */

static gboolean
write_mux_attribute(const char *port, const char *attribute, guint8 mux_id, GError **error)
{
  g_autofree char *path = g_build_filename("/sys/class/net", port, "qmi", attribute, NULL);
  g_autofree char *value = g_strdup_printf("%u", mux_id);

  if (g_file_set_contents_full(path, value, -1, G_FILE_SET_CONTENTS_NONE, 0644, error))
    return TRUE;
  g_prefix_error(error, "qmi_wwan refused mux id %u (%s): ", mux_id, attribute);
  return FALSE;
}

static gboolean
mux_id_is(const char *iface, guint8 mux_id)
{
  g_autofree char *path = g_build_filename("/sys/class/net", iface, "qmap", "mux_id", NULL);
  g_autofree char *text = NULL;
  guint64 id = 0;

  return g_file_get_contents(path, &text, NULL, NULL)
         && g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, 255, &id, NULL) && id == mux_id;
}

/* The qmimux interface of mux_id among the port's upper devices, or NULL. */
static char *
find_qmimux(const char *port, guint8 mux_id)
{
  g_autofree char *dir_path = g_build_filename("/sys/class/net", port, NULL);
  g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
  const char *entry;

  while (dir && (entry = g_dir_read_name(dir))) {
    const char *name = entry + strlen("upper_");

    if (g_str_has_prefix(entry, "upper_") && mux_id_is(name, mux_id))
      return g_strdup(name);
  }
  return NULL;
}

static void
remove_link(QmiMultiplexSession *s)
{
  g_autoptr(GError) error = NULL;

  if (!s->link)
    return;
  if (s->kind == LINK_QMI_WWAN)
    write_mux_attribute(s->port, "del_mux", s->mux_id, &error);
  else
    mmd_link_remove(s->link, &error);
  if (error)
    g_warning("Removing %s: %s", s->link, error->message);
  else
    g_message("%s: link of mux id %u removed", s->link, s->mux_id);
  g_clear_pointer(&s->link, g_free);
}

/* ---- a session ------------------------------------------------------------- */

static void
multiplex_session_free(QmiMultiplexSession *s)
{
  MmdQmiBackend *self = s->self;
  gboolean alive = self && self->device && qmi_device_is_open(self->device);

  for (guint i = 0; i < G_N_ELEMENTS(s->wds); i++) {
    if (s->wds[i] && s->ind_id[i])
      qmi_client_remove_indication_handler(s->wds[i], s->ind_id[i]);
    /* releasing the client ends its call on the modem */
    if (alive && s->wds[i])
      qmi_device_release_client(self->device, s->wds[i]);
    qmi_session_free(s->ip[i]);
  }
  if (alive)
    remove_link(s);
  if (self)
    g_ptr_array_remove(self->multiplex_sessions, s);
  g_clear_weak_pointer(&s->self);
  g_clear_weak_pointer(&s->bearer);
  g_free(s->port);
  g_free(s->link);
  g_free(s);
}

static QmiMultiplexSession *
multiplex_session_new(MmdQmiBackend *self, LinkKind kind, const char *port, guint8 mux_id)
{
  QmiMultiplexSession *s = g_new0(QmiMultiplexSession, 1);

  g_set_weak_pointer(&s->self, self);
  s->kind = kind;
  s->port = g_strdup(port);
  s->mux_id = mux_id;
  g_ptr_array_add(self->multiplex_sessions, s);
  return s;
}

void
qmi_multiplex_end_sessions(MmdQmiBackend *self)
{
  for (guint i = 0; self->multiplex_sessions && i < self->multiplex_sessions->len; i++)
    remove_link(g_ptr_array_index(self->multiplex_sessions, i));
}

/* The network ended the session: the bearer hears it at once, the session
 * and its link go once the indication is handled. */
static gboolean
drop_later(gpointer user_data)
{
  MmdBearer *bearer = user_data;

  mmd_bearer_set_backend_data(bearer, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_packet_service_status(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  QmiMultiplexSession *s = user_data;
  QmiWdsPacketServiceStatusIndication ind;
  g_autoptr(GError) error = NULL;

  if (qmi_wds_packet_service_status_indication_parse(msg, &ind, NULL) && s->bearer
      && ind.has_connection_status && ind.connection_status.status == WDS_STATUS_DISCONNECTED
      && mmd_bearer_get_backend_data(s->bearer) == s) {
    error = g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_GPRS_UNKNOWN,
                        "The network ended the data session (call end reason %u)",
                        ind.has_call_end_reason ? ind.call_end_reason : 0);
    /* one family gone takes the bearer down: end the other session too */
    for (guint i = 0; i < G_N_ELEMENTS(s->wds); i++)
      if (s->wds[i] != client && s->ip[i])
        qmi_session_stop_quietly(s->wds[i], s->ip[i]->handle);
    mmd_bearer_report_disconnected(s->bearer, error);
    g_idle_add_full(G_PRIORITY_DEFAULT, drop_later, g_object_ref(s->bearer), g_object_unref);
  }
  qmi_output_base_clear(&ind.base);
}

static void
watch_drops(QmiMultiplexSession *s, MmdBearer *bearer)
{
  g_set_weak_pointer(&s->bearer, bearer);
  for (guint i = 0; i < G_N_ELEMENTS(s->wds); i++)
    if (s->wds[i])
      s->ind_id[i] = qmi_client_add_indication_handler(s->wds[i], QMI_WDS_IND_PACKET_SERVICE_STATUS,
                                                       on_packet_service_status, s);
}

/* ---- connect ------------------------------------------------------------- */

typedef struct {
  MmdBearer *bearer;
  QmiMultiplexSession *session; /* until the bearer takes it */
  QmiEndpoint endpoint;
  guint families; /* 1, or 2 for dual stack */
  guint current;  /* index of the family being set up */
  guint link_tries;
  guint link_timer;
  GError *first_error; /* of IPv4 in dual stack: IPv6 may still come up */
} MuxConnect;

static void
mux_connect_free(MuxConnect *ctx)
{
  g_clear_handle_id(&ctx->link_timer, g_source_remove);
  g_clear_pointer(&ctx->session, multiplex_session_free);
  g_clear_error(&ctx->first_error);
  g_object_unref(ctx->bearer);
  g_free(ctx);
}

static guint8
family_at(MuxConnect *ctx, guint index)
{
  guint ip_type = mmd_bearer_get_settings(ctx->bearer)->ip_type;

  return index == 1 || ip_type == MMD_BEARER_IP_FAMILY_IPV6 ? QMI_SESSION_IPV6 : QMI_SESSION_IPV4;
}

static void
connected(GTask *task)
{
  MuxConnect *ctx = g_task_get_task_data(task);
  QmiMultiplexSession *s = ctx->session;
  MmdIpConfig ip[2];
  const MmdIpConfig *by_family[2] = { NULL, NULL };

  if (!s->ip[0] && !s->ip[1]) {
    mmd_task_fail(task, g_steal_pointer(&ctx->first_error));
    return;
  }
  if (g_task_return_error_if_cancelled(task)) {
    g_object_unref(task);
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS(s->ip); i++) {
    if (!s->ip[i])
      continue;
    qmi_session_to_config(s->ip[i], &ip[i]);
    by_family[family_at(ctx, i) == QMI_SESSION_IPV6] = &ip[i];
  }
  watch_drops(s, ctx->bearer);
  mmd_bearer_set_backend_data(ctx->bearer, g_steal_pointer(&ctx->session),
                              (GDestroyNotify)multiplex_session_free);
  mmd_bearer_set_connected(ctx->bearer, s->link, by_family[0], by_family[1]);
  mmd_task_succeed(task);
}

static void start_next(GTask *task);

static void
session_started(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MuxConnect *ctx = g_task_get_task_data(task);
  GError *error = NULL;

  ctx->session->ip[ctx->current] = qmi_session_start_finish(res, &error);
  if (error && !ctx->first_error)
    ctx->first_error = error;
  else if (error) {
    g_message("IPv6 session of a dual-stack bearer failed: %s", error->message);
    g_error_free(error);
  }
  if (++ctx->current < ctx->families && !g_cancellable_is_cancelled(g_task_get_cancellable(task)))
    start_next(task);
  else
    connected(task);
}

static void
start_next(GTask *task)
{
  MuxConnect *ctx = g_task_get_task_data(task);

  qmi_session_start(ctx->session->wds[ctx->current], mmd_bearer_get_settings(ctx->bearer),
                    family_at(ctx, ctx->current), g_task_get_cancellable(task), session_started,
                    task);
}

static void bind_next(GTask *task);

static void
bound(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MuxConnect *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWdsBindMuxDataPortOutput out;

  qmi_client_wds_bind_mux_data_port_finish(ctx->session->wds[ctx->current], res, &out, &error);
  qmi_output_base_clear(&out.base);
  if (error) {
    g_prefix_error(&error, "Binding a WDS client to mux id %u: ", ctx->session->mux_id);
    mmd_task_fail(task, error);
    return;
  }
  if (++ctx->current < ctx->families) {
    bind_next(task);
    return;
  }
  ctx->current = 0;
  start_next(task);
}

static void
client_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  MuxConnect *ctx = g_task_get_task_data(task);
  QmiMultiplexSession *s = ctx->session;
  GError *error = NULL;
  QmiWdsBindMuxDataPortInput in = {
    .has_endpoint_info = TRUE,
    .endpoint_info = { ctx->endpoint.type, ctx->endpoint.interface_number },
    .has_mux_id = TRUE,
    .mux_id = s->mux_id,
    .has_client_type = TRUE,
    .client_type = CLIENT_TYPE_TETHERED,
  };

  s->wds[ctx->current] = qmi_device_allocate_client_finish(self->device, res, &error);
  if (!s->wds[ctx->current]) {
    mmd_task_fail(task, error);
    return;
  }
  qmi_client_wds_bind_mux_data_port(s->wds[ctx->current], &in, QMI_TIMEOUT,
                                    g_task_get_cancellable(task), bound, task);
}

/* Each family of the session gets a WDS client of its own, bound to the
 * session's mux id. */
static void
bind_next(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);

  qmi_device_allocate_client(self->device, QMI_SERVICE_WDS, QMI_TIMEOUT,
                             g_task_get_cancellable(task), client_allocated, task);
}

static void
link_made(GTask *task, char *link)
{
  MuxConnect *ctx = g_task_get_task_data(task);

  g_message("%s: link of mux id %u on %s", link, ctx->session->mux_id, ctx->session->port);
  ctx->session->link = link;
  ctx->current = 0;
  bind_next(task);
}

static gboolean
look_for_qmimux(gpointer user_data)
{
  GTask *task = user_data;
  MuxConnect *ctx = g_task_get_task_data(task);
  char *link = find_qmimux(ctx->session->port, ctx->session->mux_id);

  if (link) {
    ctx->link_timer = 0;
    link_made(task, link);
    return G_SOURCE_REMOVE;
  }
  if (++ctx->link_tries < LINK_WAIT_TRIES)
    return G_SOURCE_CONTINUE;
  ctx->link_timer = 0;
  /* what the driver made under an unknown name: nothing may stay behind */
  g_warning("%s: no qmimux interface for mux id %u", ctx->session->port, ctx->session->mux_id);
  write_mux_attribute(ctx->session->port, "del_mux", ctx->session->mux_id, NULL);
  mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                                  "qmi_wwan made no interface for mux id %u on %s",
                                  ctx->session->mux_id, ctx->session->port));
  return G_SOURCE_REMOVE;
}

static void
make_link(GTask *task)
{
  MuxConnect *ctx = g_task_get_task_data(task);
  QmiMultiplexSession *s = ctx->session;
  GError *error = NULL;

  if (s->kind == LINK_RMNET) {
    g_autofree char *name = g_strdup_printf("%.10s.%u", s->port, s->mux_id);
    MmdLinkSpec spec = { MMD_LINK_RMNET, name, s->port, s->mux_id, rmnet_flags(s->port) };

    /* a link left by a daemon that did not stop cleanly is in the way */
    if (mmd_link_exists(name) && !mmd_link_remove(name, &error))
      mmd_task_fail(task, error);
    else if (!mmd_link_add(&spec, &error))
      mmd_task_fail(task, error);
    else
      link_made(task, g_steal_pointer(&name));
    return;
  }
  if (!write_mux_attribute(s->port, "add_mux", s->mux_id, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  if (look_for_qmimux(task) == G_SOURCE_CONTINUE)
    ctx->link_timer = g_timeout_add(LINK_WAIT_MS, look_for_qmimux, task);
}

static void
qmap_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MuxConnect *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  g_autoptr(GError) up_error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  /* the port carries the aggregates of every link: it must be up */
  if (!mmd_link_set_up(ctx->session->port, TRUE, &up_error))
    g_message("%s", up_error->message);
  make_link(task);
}

void
qmi_multiplex_connect(MmdQmiBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_backend_task(self, self->wds, "Connect", cancellable, callback, user_data);
  const char *iface = qmi_data_net_interface(self);
  LinkKind kind = link_kind(self);
  guint8 mux_id = free_mux_id(self);
  MuxConnect *ctx;

  if (!task)
    return;
  if (kind == LINK_NONE || !mux_id) {
    g_task_return_new_error(task, MMD_CORE_ERROR,
                            kind == LINK_NONE ? MMD_CORE_ERROR_UNSUPPORTED
                                              : MMD_CORE_ERROR_TOO_MANY,
                            kind == LINK_NONE ? "The data port %s cannot carry multiplexed sessions"
                                              : "No mux id left on %s",
                            iface);
    g_object_unref(task);
    return;
  }
  ctx = g_new0(MuxConnect, 1);
  ctx->bearer = g_object_ref(bearer);
  ctx->session = multiplex_session_new(self, kind, iface, mux_id);
  ctx->endpoint = endpoint_of(self, kind, iface);
  ctx->families = mmd_bearer_get_settings(bearer)->ip_type == MMD_BEARER_IP_FAMILY_IPV4V6 ? 2 : 1;
  g_task_set_task_data(task, ctx, (GDestroyNotify)mux_connect_free);
  qmi_data_format_setup_qmap(self, iface, &ctx->endpoint, wants_qmap_v5(kind, iface),
                             g_task_new(self, cancellable, qmap_ready, task));
}

/* ---- disconnect -------------------------------------------------------------- */

typedef struct {
  MmdBearer *bearer;
  guint pending;
} MuxDisconnect;

static void
mux_disconnect_free(MuxDisconnect *ctx)
{
  g_object_unref(ctx->bearer);
  g_free(ctx);
}

/* Stop Network answered; once both are, the clients and the link go with
 * the session (releasing a client ends a call the modem kept). */
static void
stopped(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MuxDisconnect *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWdsStopNetworkOutput out;

  if (!qmi_client_wds_stop_network_finish(NULL, res, &out, &error))
    g_debug("Stop Network of a multiplexed session: %s", error->message);
  qmi_output_base_clear(&out.base);
  if (--ctx->pending > 0)
    return;
  mmd_bearer_set_backend_data(ctx->bearer, NULL, NULL);
  mmd_task_succeed(task);
}

void
qmi_multiplex_disconnect(MmdQmiBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  QmiMultiplexSession *s = mmd_bearer_get_backend_data(bearer);
  MuxDisconnect *ctx = g_new0(MuxDisconnect, 1);

  ctx->bearer = g_object_ref(bearer);
  ctx->pending = 1; /* held until every request is out */
  g_task_set_task_data(task, ctx, (GDestroyNotify)mux_disconnect_free);
  for (guint i = 0; s && i < G_N_ELEMENTS(s->wds); i++) {
    QmiWdsStopNetworkInput in = { .has_packet_data_handle = TRUE };

    if (!s->wds[i] || !s->ip[i] || !self->device || !qmi_device_is_open(self->device))
      continue;
    in.packet_data_handle = s->ip[i]->handle;
    ctx->pending++;
    qmi_client_wds_stop_network(s->wds[i], &in, QMI_TIMEOUT, NULL, stopped, task);
  }
  ctx->pending--;
  if (ctx->pending == 0) {
    mmd_bearer_set_backend_data(bearer, NULL, NULL);
    mmd_task_succeed(task);
  }
}
