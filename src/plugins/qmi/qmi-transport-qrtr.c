/* The QRTR transport: the QMI services of one QRTR node (a SoC's modem).
 *
 * The node's services are learned from the name service (a lookup kept open
 * for the transport's lifetime: services that come later are seen, services
 * withdrawn end the transport). Each client is a socket of its own, talking to
 * its service's (node, port) with QMI messages that have no QMUX header; its
 * client id is given out here, for the device's matching of responses and
 * indications, and the QMUX header is put back on what arrives. Only the
 * service's own address may answer a client: anyone on the bus can send to
 * our sockets. */
#include "qmi-transport.h"

#include <string.h>

#include "mmd-errors.h"
#include "mmd-qrtr-socket.h"

/* Datagrams from strangers logged per transport before they are only counted. */
#define MAX_DROPS_LOGGED 10

typedef struct {
  guint32 service;
  guint8 version;
  MmdQrtrAddress address;
} Service;

typedef struct _QrtrTransport QrtrTransport;

typedef struct {
  QrtrTransport *owner;
  guint8 service;
  guint8 cid;
  MmdQrtrAddress server;
  MmdQrtrSocket *socket;
} Client;

struct _QrtrTransport {
  QmiTransport parent;
  char *bus_path; /* NULL: the kernel's bus */
  guint32 node;
  MmdQrtrSocket *lookup;
  GArray *services;   /* Service, of our node */
  GPtrArray *clients; /* Client */
  gboolean listed;    /* the name service's first list is complete */
  GTask *discover;
  GSource *discover_timeout;
  GSource *discover_cancel;
  guint dropped;
};

static void client_free(Client *client);

static Service *
find_service(QrtrTransport *self, guint32 service)
{
  for (guint i = 0; i < self->services->len; i++) {
    Service *s = &g_array_index(self->services, Service, i);
    if (s->service == service)
      return s;
  }
  return NULL;
}

static Client *
find_client(QrtrTransport *self, guint8 service, guint8 cid)
{
  for (guint i = 0; i < self->clients->len; i++) {
    Client *c = g_ptr_array_index(self->clients, i);
    if (c->service == service && c->cid == cid)
      return c;
  }
  return NULL;
}

static gboolean
has_clients_of(QrtrTransport *self, guint32 service)
{
  for (guint i = 0; i < self->clients->len; i++)
    if (((Client *)g_ptr_array_index(self->clients, i))->service == service)
      return TRUE;
  return FALSE;
}

static void
report_gone(QrtrTransport *self, const char *why)
{
  QmiTransport *t = &self->parent;
  g_autoptr(GError) error
      = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s", t->name, why);

  qmi_transport_close(t);
  if (t->on_gone)
    t->on_gone(error, t->user_data);
}

static void
drop(QrtrTransport *self, const MmdQrtrAddress *from, const char *why)
{
  if (++self->dropped > MAX_DROPS_LOGGED)
    return;
  g_debug("[%s] dropped a datagram from %u:%u: %s%s", self->parent.name, from->node, from->port,
          why, self->dropped == MAX_DROPS_LOGGED ? " (further drops are not logged)" : "");
}

/* ---- discovery --------------------------------------------------------- */

static void
discover_finish(QrtrTransport *self, GError *error)
{
  GTask *task = g_steal_pointer(&self->discover);

  GSource **sources[] = { &self->discover_timeout, &self->discover_cancel };

  for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
    if (*sources[i]) {
      g_source_destroy(*sources[i]);
      g_clear_pointer(sources[i], g_source_unref);
    }
  }
  if (!task) {
    g_clear_error(&error);
    return;
  }
  if (error)
    g_task_return_error(task, error);
  else
    g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

/* Ready once the first list is in and the node has its management service. */
static void
discover_check(QrtrTransport *self)
{
  if (self->discover && self->listed && find_service(self, QMI_SERVICE_DMS))
    discover_finish(self, NULL);
}

static gboolean
discover_timed_out(gpointer user_data)
{
  QrtrTransport *self = user_data;

  discover_finish(self,
                  g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE,
                              "QRTR node %u offers no QMI device management service", self->node));
  return G_SOURCE_REMOVE;
}

static gboolean
discover_cancelled(GCancellable *cancellable, gpointer user_data)
{
  discover_finish(user_data, g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
qrtr_discover(QmiTransport *t, guint timeout_s, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  QrtrTransport *self = (QrtrTransport *)t;
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);

  if (!self->lookup || self->discover) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s", t->name,
                            self->lookup ? "already discovering" : "not open");
    g_object_unref(task);
    return;
  }
  g_task_set_check_cancellable(task, FALSE);
  self->discover = task;
  self->discover_timeout = g_timeout_source_new_seconds(MAX(timeout_s, 1));
  g_source_set_callback(self->discover_timeout, discover_timed_out, self, NULL);
  g_source_attach(self->discover_timeout, g_main_context_get_thread_default());
  if (cancellable) {
    self->discover_cancel = g_cancellable_source_new(cancellable);
    g_source_set_callback(self->discover_cancel, G_SOURCE_FUNC(discover_cancelled), self, NULL);
    g_source_attach(self->discover_cancel, g_main_context_get_thread_default());
  }
  discover_check(self);
}

/* ---- the name service's news ------------------------------------------- */

static void
service_added(QrtrTransport *self, const MmdQrtrControl *packet)
{
  Service *known = find_service(self, packet->service);
  Service s = {
    .service = packet->service,
    .version = mmd_qrtr_instance_version(packet->instance),
    .address = { packet->node, packet->port },
  };

  /* QMI service ids are 8 bits; anything else on the node is not ours */
  if (packet->service == 0 || packet->service > 0xFF)
    return;
  if (known)
    *known = s;
  else
    g_array_append_val(self->services, s);
  g_debug("[%s] service %s (0x%02x) version %u at %u:%u", self->parent.name,
          qmi_service_get_name(s.service), s.service, s.version, s.address.node, s.address.port);
}

/* Returns FALSE when the transport is gone. */
static gboolean
service_removed(QrtrTransport *self, const MmdQrtrControl *packet)
{
  g_autofree char *why = NULL;

  for (guint i = 0; i < self->services->len; i++) {
    Service *s = &g_array_index(self->services, Service, i);
    if (s->service == packet->service && s->address.port == packet->port) {
      g_array_remove_index(self->services, i);
      break;
    }
  }
  if (!has_clients_of(self, packet->service))
    return TRUE;
  why = g_strdup_printf("QRTR node %u withdrew its %s service", self->node,
                        qmi_service_get_name(packet->service));
  report_gone(self, why);
  return FALSE;
}

static void
on_lookup_receive(MmdQrtrSocket *socket, const MmdQrtrAddress *from, const guint8 *data, gsize len,
                  gpointer user_data)
{
  QrtrTransport *self = user_data;
  MmdQrtrAddress ns = mmd_qrtr_socket_get_name_service(socket);
  MmdQrtrControl packet;

  if (from->node != ns.node || from->port != ns.port) {
    drop(self, from, "not the name service");
    return;
  }
  if (!mmd_qrtr_control_decode(data, len, &packet)) {
    drop(self, from, "short control packet");
    return;
  }
  if (mmd_qrtr_control_is_end_of_list(&packet)) {
    self->listed = TRUE;
    discover_check(self);
  } else if (packet.cmd == MMD_QRTR_CMD_NEW_SERVER && packet.node == self->node) {
    service_added(self, &packet);
    discover_check(self);
  } else if (packet.cmd == MMD_QRTR_CMD_DEL_SERVER && packet.node == self->node) {
    service_removed(self, &packet);
  } else if (packet.cmd == MMD_QRTR_CMD_BYE && packet.node == self->node) {
    report_gone(self, "its QRTR node said goodbye");
  }
}

static void
on_socket_closed(MmdQrtrSocket *socket, const GError *error, gpointer user_data)
{
  report_gone(user_data, error->message);
}

/* ---- clients ----------------------------------------------------------- */

static void
on_client_closed(MmdQrtrSocket *socket, const GError *error, gpointer user_data)
{
  Client *client = user_data;

  report_gone(client->owner, error->message);
}

/* A datagram for a client becomes a QMUX message: the service and client id
 * it was sent to put in front of its SDU. */
static void
on_client_receive(MmdQrtrSocket *socket, const MmdQrtrAddress *from, const guint8 *data, gsize len,
                  gpointer user_data)
{
  Client *client = user_data;
  QrtrTransport *self = client->owner;
  QmiTransport *t = &self->parent;
  g_autoptr(GByteArray) frame = NULL;
  g_autoptr(QmiMessage) msg = NULL;
  g_autoptr(GError) error = NULL;

  if (from->node != client->server.node || from->port != client->server.port) {
    drop(self, from, from->port == MMD_QRTR_PORT_CTRL ? "control packet" : "not the service");
    return;
  }
  if (len > 0xFFFF - (QMI_QMUX_HEADER_LEN - 1)) {
    drop(self, from, "too long for a QMI message");
    return;
  }
  frame = g_byte_array_sized_new(QMI_QMUX_HEADER_LEN + len);
  qmi_put_u8(frame, QMI_FRAME_MARKER);
  qmi_put_u16(frame, (guint16)(QMI_QMUX_HEADER_LEN - 1 + len));
  qmi_put_u8(frame, 0x80); /* from the service */
  qmi_put_u8(frame, client->service);
  qmi_put_u8(frame, client->cid);
  qmi_put_bytes(frame, data, len);
  msg = qmi_message_new_from_frame(frame->data, frame->len, &error);
  if (!msg) {
    drop(self, from, error->message);
    return;
  }
  if (t->on_message)
    t->on_message(msg, t->user_data);
}

static gboolean
qrtr_open_client(QmiTransport *t, guint8 service, guint8 *out_cid, GError **error)
{
  QrtrTransport *self = (QrtrTransport *)t;
  Service *s = find_service(self, service);
  Client *client;
  guint cid = 1;

  if (!self->lookup) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s is not open", t->name);
    return FALSE;
  }
  if (!s) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                "QRTR node %u offers no %s service", self->node, qmi_service_get_name(service));
    return FALSE;
  }
  while (cid < 0xFF && find_client(self, service, cid))
    cid++;
  if (cid == 0xFF) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY, "No %s client id left",
                qmi_service_get_name(service));
    return FALSE;
  }
  client = g_new0(Client, 1);
  client->owner = self;
  client->service = service;
  client->cid = cid;
  client->server = s->address;
  client->socket = mmd_qrtr_socket_open(self->bus_path, error);
  if (!client->socket) {
    g_free(client);
    return FALSE;
  }
  mmd_qrtr_socket_watch(client->socket, on_client_receive, on_client_closed, client);
  g_ptr_array_add(self->clients, client);
  *out_cid = cid;
  return TRUE;
}

static void
qrtr_close_client(QmiTransport *t, guint8 service, guint8 cid)
{
  QrtrTransport *self = (QrtrTransport *)t;
  Client *client = find_client(self, service, cid);

  /* closing the socket is the release: the modem hears DEL_CLIENT */
  if (client)
    g_ptr_array_remove(self->clients, client);
}

static gboolean
qrtr_get_service_version(QmiTransport *t, guint8 service, guint16 *major, guint16 *minor)
{
  Service *s = find_service((QrtrTransport *)t, service);

  if (!s)
    return FALSE;
  if (major)
    *major = s->version;
  if (minor)
    *minor = 0; /* QRTR carries one version number */
  return TRUE;
}

static void
client_free(Client *client)
{
  mmd_qrtr_socket_close(client->socket);
  g_free(client);
}

/* ---- the transport ----------------------------------------------------- */

static gboolean
qrtr_open(QmiTransport *t, GError **error)
{
  QrtrTransport *self = (QrtrTransport *)t;
  g_autoptr(GError) local = NULL;

  if (self->lookup)
    return TRUE;
  self->lookup = mmd_qrtr_socket_open(self->bus_path, &local);
  if (self->lookup && !mmd_qrtr_socket_lookup(self->lookup, 0, &local))
    g_clear_pointer(&self->lookup, mmd_qrtr_socket_close);
  if (!self->lookup) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE,
                "Cannot reach QRTR node %u: %s", self->node, local->message);
    return FALSE;
  }
  self->listed = FALSE;
  self->dropped = 0;
  g_array_set_size(self->services, 0);
  mmd_qrtr_socket_watch(self->lookup, on_lookup_receive, on_socket_closed, self);
  return TRUE;
}

static gboolean
qrtr_send(QmiTransport *t, QmiMessage *message, GError **error)
{
  QrtrTransport *self = (QrtrTransport *)t;
  Client *client
      = find_client(self, qmi_message_get_service(message), qmi_message_get_client_id(message));
  gsize len;
  const guint8 *raw = qmi_message_get_raw(message, &len);

  if (!client) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_SEND_FAILED,
                "%s: no %s client %u (QRTR has no CTL service)", t->name,
                qmi_service_get_name(qmi_message_get_service(message)),
                qmi_message_get_client_id(message));
    return FALSE;
  }
  return mmd_qrtr_socket_send(client->socket, &client->server, raw + QMI_QMUX_HEADER_LEN,
                              len - QMI_QMUX_HEADER_LEN, error);
}

static void
qrtr_close(QmiTransport *t)
{
  QrtrTransport *self = (QrtrTransport *)t;

  discover_finish(self,
                  g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s closed", t->name));
  g_ptr_array_set_size(self->clients, 0);
  g_clear_pointer(&self->lookup, mmd_qrtr_socket_close);
  g_array_set_size(self->services, 0);
}

static void
qrtr_free(QmiTransport *t)
{
  QrtrTransport *self = (QrtrTransport *)t;

  g_ptr_array_unref(self->clients);
  g_array_unref(self->services);
  g_free(self->bus_path);
  g_free(self);
}

static const QmiTransportServices qrtr_services = {
  .discover = qrtr_discover,
  .get_service_version = qrtr_get_service_version,
  .open_client = qrtr_open_client,
  .close_client = qrtr_close_client,
};

static const QmiTransportClass qrtr_class = {
  .kind = "qrtr",
  .open = qrtr_open,
  .send = qrtr_send,
  .close = qrtr_close,
  .free = qrtr_free,
  .services = &qrtr_services,
};

QmiTransport *
qmi_transport_qrtr_new(const char *endpoint, GError **error)
{
  QrtrTransport *self;
  g_autofree char *bus_path = NULL;
  guint32 node;

  if (!mmd_qrtr_endpoint_parse(endpoint, &bus_path, &node, error))
    return NULL;
  self = g_new0(QrtrTransport, 1);
  self->parent.klass = &qrtr_class;
  self->parent.name = mmd_qrtr_port_name(node);
  self->bus_path = g_steal_pointer(&bus_path);
  self->node = node;
  self->services = g_array_new(FALSE, TRUE, sizeof(Service));
  self->clients = g_ptr_array_new_with_free_func((GDestroyNotify)client_free);
  return &self->parent;
}
