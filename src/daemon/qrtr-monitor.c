#define G_LOG_DOMAIN "modemd-qrtr"

#include "qrtr-monitor.h"

#include <gio/gio.h>

#include "mmd-qrtr-socket.h"
#include "port.h"

/* QMI service ids of what a modem must offer: WDS, DMS, NAS, UIM. */
static const guint32 required_services[] = { 0x01, 0x02, 0x03, 0x0B };

/* How long a late node's services must be quiet before it is a modem: they
 * register in a burst as the modem boots. */
#define SETTLE_MS 100
/* What a node may make us remember: a modem offers a few dozen services, a
 * SoC has a handful of remote processors. Beyond, announcements are ignored. */
#define MAX_SERVERS_PER_NODE 256
#define MAX_NODES 64

typedef struct {
  guint32 service;
  guint32 port;
} Server;

typedef struct {
  MmdQrtrMonitor *monitor;
  guint32 id;
  GArray *servers; /* Server */
  gboolean modem;  /* reported present */
  guint settle_id;
} Node;

struct _MmdQrtrMonitor {
  char *bus_path;
  MmdQrtrSocket *socket;
  GHashTable *nodes; /* id -> Node */
  gboolean listed;   /* the name service's first list has arrived */
  MmdQrtrModemFunc func;
  gpointer user_data;
};

static const char *
bus_name(MmdQrtrMonitor *self)
{
  return self->bus_path ? self->bus_path : "AF_QIPCRTR";
}

static void
node_free(Node *node)
{
  g_clear_handle_id(&node->settle_id, g_source_remove);
  g_array_unref(node->servers);
  g_free(node);
}

static Node *
node_get(MmdQrtrMonitor *self, guint32 id)
{
  Node *node = g_hash_table_lookup(self->nodes, GUINT_TO_POINTER(id));

  if (!node) {
    node = g_new0(Node, 1);
    node->monitor = self;
    node->id = id;
    node->servers = g_array_new(FALSE, FALSE, sizeof(Server));
    g_hash_table_insert(self->nodes, GUINT_TO_POINTER(id), node);
  }
  return node;
}

static gboolean
node_offers(const Node *node, guint32 service)
{
  for (guint i = 0; i < node->servers->len; i++)
    if (g_array_index(node->servers, Server, i).service == service)
      return TRUE;
  return FALSE;
}

static gboolean
node_has_server(const Node *node, const Server *server)
{
  for (guint i = 0; i < node->servers->len; i++) {
    const Server *s = &g_array_index(node->servers, Server, i);
    if (s->service == server->service && s->port == server->port)
      return TRUE;
  }
  return FALSE;
}

static gboolean
node_is_modem(const Node *node)
{
  for (guint i = 0; i < G_N_ELEMENTS(required_services); i++)
    if (!node_offers(node, required_services[i]))
      return FALSE;
  return TRUE;
}

static void
node_report(Node *node, gboolean present)
{
  MmdQrtrMonitor *self = node->monitor;

  g_clear_handle_id(&node->settle_id, g_source_remove);
  if (node->modem == present)
    return;
  node->modem = present;
  g_message("QRTR node %u on %s %s", node->id, bus_name(self),
            present ? "offers a modem's services" : "no longer offers a modem's services");
  self->func(node->id, present, self->user_data);
}

static gboolean
node_settled(gpointer user_data)
{
  Node *node = user_data;

  node->settle_id = 0;
  node_report(node, TRUE);
  return G_SOURCE_REMOVE;
}

/* ---- the name service's news ------------------------------------------- */

static void
server_added(MmdQrtrMonitor *self, const MmdQrtrControl *packet)
{
  Node *node;
  Server server = { packet->service, packet->port };

  /* Our own node is the applications processor, where any local process may
   * publish services: a modem there is only taken when declared. */
  if (packet->node == mmd_qrtr_socket_get_address(self->socket)->node) {
    g_debug("QRTR service 0x%x on the local node %u: not a modem's", packet->service, packet->node);
    return;
  }
  if (!g_hash_table_contains(self->nodes, GUINT_TO_POINTER(packet->node))
      && g_hash_table_size(self->nodes) >= MAX_NODES) {
    g_debug("QRTR node %u ignored: %u nodes known already", packet->node, MAX_NODES);
    return;
  }
  node = node_get(self, packet->node);
  if (node->servers->len >= MAX_SERVERS_PER_NODE) {
    g_debug("QRTR node %u: service 0x%x ignored, %u known already", packet->node, packet->service,
            MAX_SERVERS_PER_NODE);
    return;
  }
  /* a service may be offered twice (two instances): each counts until it goes */
  if (!node_has_server(node, &server))
    g_array_append_val(node->servers, server);
  g_debug("QRTR node %u: service 0x%x version %u at port %u", packet->node, packet->service,
          mmd_qrtr_instance_version(packet->instance), packet->port);
  if (!self->listed || node->modem || !node_is_modem(node))
    return;
  /* each new service restarts the wait */
  g_clear_handle_id(&node->settle_id, g_source_remove);
  node->settle_id = g_timeout_add(SETTLE_MS, node_settled, node);
}

static void
server_removed(MmdQrtrMonitor *self, const MmdQrtrControl *packet)
{
  Node *node = g_hash_table_lookup(self->nodes, GUINT_TO_POINTER(packet->node));

  if (!node)
    return;
  for (guint i = 0; i < node->servers->len; i++) {
    Server *s = &g_array_index(node->servers, Server, i);
    if (s->service == packet->service && s->port == packet->port) {
      g_array_remove_index(node->servers, i);
      break;
    }
  }
  if (!node_is_modem(node))
    node_report(node, FALSE);
  if (node->servers->len == 0)
    g_hash_table_remove(self->nodes, GUINT_TO_POINTER(packet->node));
}

static void
node_gone(MmdQrtrMonitor *self, guint32 id)
{
  Node *node = g_hash_table_lookup(self->nodes, GUINT_TO_POINTER(id));

  if (!node)
    return;
  node_report(node, FALSE);
  g_hash_table_remove(self->nodes, GUINT_TO_POINTER(id));
}

static void
list_complete(MmdQrtrMonitor *self)
{
  GHashTableIter iter;
  gpointer value;

  self->listed = TRUE;
  g_hash_table_iter_init(&iter, self->nodes);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Node *node = value;
    if (node_is_modem(node))
      node_report(node, TRUE);
  }
}

static void
on_receive(MmdQrtrSocket *socket, const MmdQrtrAddress *from, const guint8 *data, gsize len,
           gpointer user_data)
{
  MmdQrtrMonitor *self = user_data;
  MmdQrtrAddress ns = mmd_qrtr_socket_get_name_service(socket);
  MmdQrtrControl packet;

  if (from->node != ns.node || from->port != ns.port
      || !mmd_qrtr_control_decode(data, len, &packet))
    return; /* only the name service has news for us */
  if (mmd_qrtr_control_is_end_of_list(&packet))
    list_complete(self);
  else if (packet.cmd == MMD_QRTR_CMD_NEW_SERVER)
    server_added(self, &packet);
  else if (packet.cmd == MMD_QRTR_CMD_DEL_SERVER)
    server_removed(self, &packet);
  else if (packet.cmd == MMD_QRTR_CMD_BYE)
    node_gone(self, packet.node);
}

/* ---- the socket -------------------------------------------------------- */

static void forget_all(MmdQrtrMonitor *self);
static gboolean start_watching(MmdQrtrMonitor *self, GError **error);

static void
on_closed(MmdQrtrSocket *socket, const GError *error, gpointer user_data)
{
  MmdQrtrMonitor *self = user_data;
  g_autoptr(GError) again = NULL;

  g_warning("QRTR name service on %s: %s", bus_name(self), error->message);
  forget_all(self);
  /* The kernel resets sockets when its router restarts: look again. A unix
   * bus that went away does not come back. */
  if (!self->bus_path && !start_watching(self, &again))
    g_warning("QRTR modems are no longer watched: %s", again->message);
}

static gboolean
start_watching(MmdQrtrMonitor *self, GError **error)
{
  self->socket = mmd_qrtr_socket_open(self->bus_path, error);
  if (!self->socket)
    return FALSE;
  if (!mmd_qrtr_socket_lookup(self->socket, 0, error)) {
    g_clear_pointer(&self->socket, mmd_qrtr_socket_close);
    return FALSE;
  }
  self->listed = FALSE;
  mmd_qrtr_socket_watch(self->socket, on_receive, on_closed, self);
  return TRUE;
}

static void
forget_all(MmdQrtrMonitor *self)
{
  g_autoptr(GList) ids = g_hash_table_get_keys(self->nodes);

  g_clear_pointer(&self->socket, mmd_qrtr_socket_close);
  for (GList *l = ids; l; l = l->next)
    node_gone(self, GPOINTER_TO_UINT(l->data));
}

MmdQrtrMonitor *
mmd_qrtr_monitor_new(const char *bus_path, MmdQrtrModemFunc func, gpointer user_data,
                     GError **error)
{
  MmdQrtrMonitor *self = g_new0(MmdQrtrMonitor, 1);

  self->bus_path = g_strdup(bus_path);
  self->func = func;
  self->user_data = user_data;
  self->nodes
      = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)node_free);
  if (!start_watching(self, error)) {
    mmd_qrtr_monitor_free(self);
    return NULL;
  }
  g_message("Watching QRTR modems on %s", bus_name(self));
  return self;
}

void
mmd_qrtr_monitor_free(MmdQrtrMonitor *self)
{
  if (!self)
    return;
  g_clear_pointer(&self->socket, mmd_qrtr_socket_close);
  g_hash_table_unref(self->nodes);
  g_free(self->bus_path);
  g_free(self);
}

/* ---- declarations ------------------------------------------------------- */

static void
place_on_bus(GPtrArray *ports, const char *bus)
{
  for (guint i = 0; i < ports->len; i++) {
    MmdPort *port = g_ptr_array_index(ports, i);
    g_autofree char *old_bus = NULL;
    guint32 node;

    if (g_strcmp0(port->subsystem, MMD_QRTR_PORT_SUBSYSTEM) != 0
        || !mmd_qrtr_endpoint_parse(port->path, &old_bus, &node, NULL))
      continue;
    g_free(port->path);
    port->path = mmd_qrtr_endpoint_format(bus, node);
  }
}

char *
mmd_qrtr_take_bus_declaration(GPtrArray *groups)
{
  char *bus = NULL;

  for (guint i = groups->len; i-- > 0;) {
    GPtrArray *ports = g_ptr_array_index(groups, i);
    const MmdPort *first = g_ptr_array_index(ports, 0);

    if (g_strcmp0(first->subsystem, MMD_QRTR_BUS_SUBSYSTEM) != 0)
      continue;
    if (!bus) /* the last declaration wins */
      bus = g_strdup(first->path);
    g_ptr_array_remove_index(groups, i);
  }
  for (guint i = 0; bus && i < groups->len; i++)
    place_on_bus(g_ptr_array_index(groups, i), bus);
  return bus;
}
