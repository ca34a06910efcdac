/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI over QRTR (--protocol=qrtr), the way the modem of a
 * Qualcomm SoC serves it.  Every QMI service of the simulator except CTL is
 * a server of its own: one socket per service, announced to the name service
 * with NEW_SERVER (instance: the service's major version).  Messages are QMI
 * SDUs without a QMUX header; a client is whoever sends from a (node, port),
 * given a client id here on its first message (there is no CTL to allocate
 * one).  The same service handlers as over QMUX answer (sim-qmi*.c).
 *
 * Control packets that reach a server from the name service (DEL_CLIENT,
 * BYE, ...) are not QMI: they are logged, and DEL_CLIENT forgets the client.
 *
 * --link=PATH joins the unix bus at PATH (tests/sim/qrtr-bus) on node
 * --qrtr-node; --link=kernel uses AF_QIPCRTR on the local node.
 */
#include "sim-control.h"
#include "sim-qmi.h"
#include "sim-qrtr-socket.h"

#include <glib-unix.h>
#include <string.h>

#define CMD_BYE 3
#define CMD_NEW_SERVER 4
#define CMD_DEL_SERVER 5
#define CMD_DEL_CLIENT 6
#define SDU_HEADER 7
#define MAX_DATAGRAM 65536

typedef struct _SimQrtr SimQrtr;

typedef struct {
  SimQrtr *owner;
  const QmiService *service;
  SimQrtrSocket socket;
  guint watch;
} Server;

/* A client: the endpoint it sends from, and the id given to it. */
typedef struct {
  guint8 service;
  guint8 cid;
  guint32 node;
  guint32 port;
} Peer;

struct _SimQrtr {
  SimCore *core;
  SimQmi *qmi;
  GPtrArray *servers; /* Server */
  GArray *peers;      /* Peer */
  gboolean published;
  Peer last_requester; /* garbage faults answer it */
  guint8 *buffer;
};

static void
put32(guint8 *p, guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

static guint32
get32(const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static Server *
server_of(SimQrtr *self, guint8 service)
{
  for (guint i = 0; i < self->servers->len; i++) {
    Server *server = g_ptr_array_index(self->servers, i);
    if (server->service->id == service)
      return server;
  }
  return NULL;
}

/* ---- name service ------------------------------------------------------ */

static void
announce(Server *server, guint32 cmd)
{
  guint8 packet[20];
  SimQrtrSocket *s = &server->socket;

  put32(packet, cmd);
  put32(packet + 4, server->service->id);
  put32(packet + 8, server->service->major & 0xFF); /* version; instance 0 */
  put32(packet + 12, s->node);
  put32(packet + 16, s->port);
  if (!sim_qrtr_socket_send(s, s->node, SIM_QRTR_PORT_CTRL, packet, sizeof(packet)))
    sim_core_log(server->owner->core, "qrtr: cannot announce %s", server->service->name);
}

static void
publish(SimQrtr *self, gboolean up)
{
  for (guint i = 0; i < self->servers->len; i++) {
    Server *server = g_ptr_array_index(self->servers, i);

    announce(server, up ? CMD_NEW_SERVER : CMD_DEL_SERVER);
    sim_core_log(self->core, "qrtr: %s %s (0x%02x) at %u:%u", up ? "NEW_SERVER" : "DEL_SERVER",
                 server->service->name, server->service->id, server->socket.node,
                 server->socket.port);
  }
  self->published = up;
}

/* ---- clients ----------------------------------------------------------- */

static Peer *
find_peer(SimQrtr *self, guint8 service, guint32 node, guint32 port)
{
  for (guint i = 0; i < self->peers->len; i++) {
    Peer *p = &g_array_index(self->peers, Peer, i);
    if (p->service == service && p->node == node && p->port == port)
      return p;
  }
  return NULL;
}

static const Peer *
peer_by_cid(SimQrtr *self, guint8 service, guint8 cid)
{
  for (guint i = 0; i < self->peers->len; i++) {
    Peer *p = &g_array_index(self->peers, Peer, i);
    if (p->service == service && p->cid == cid)
      return p;
  }
  return NULL;
}

/* The client behind (node, port) for service, made on its first message. */
static QmiClient *
client_for(SimQrtr *self, guint8 service, guint32 node, guint32 port)
{
  Peer *known = find_peer(self, service, node, port);
  QmiClient *c;
  Peer peer;

  if (known)
    return g_hash_table_lookup(self->qmi->clients, KEY(service, known->cid));
  c = qmi_client_add(self->qmi, service);
  if (!c)
    return NULL;
  peer = (Peer){ service, c->cid, node, port };
  g_array_append_val(self->peers, peer);
  sim_core_log(self->core, "qrtr: client %u:%u is %s cid=%u", node, port, qmi_service_name(service),
               c->cid);
  return c;
}

/* DEL_CLIENT: the endpoint closed; its clients of every service go. */
static void
forget_endpoint(SimQrtr *self, guint32 node, guint32 port)
{
  for (guint i = self->peers->len; i-- > 0;) {
    Peer p = g_array_index(self->peers, Peer, i);
    QmiClient *c;

    if (p.node != node || p.port != port)
      continue;
    g_array_remove_index(self->peers, i);
    c = g_hash_table_lookup(self->qmi->clients, KEY(p.service, p.cid));
    if (c)
      qmi_client_release(self->qmi, c);
  }
}

/* ---- messages ---------------------------------------------------------- */

static void
output(SimQmi *q, guint8 service, guint8 cid, const guint8 *sdu, gsize len, gpointer user_data)
{
  SimQrtr *self = user_data;
  const Peer *peer = peer_by_cid(self, service, cid);
  Server *server = server_of(self, service);

  if (!peer || !server)
    return;
  if (!sim_qrtr_socket_send(&server->socket, peer->node, peer->port, sdu, len))
    sim_core_log(self->core, "qrtr: %s message to %u:%u lost", server->service->name, peer->node,
                 peer->port);
}

static const char *
command_name(guint32 cmd)
{
  static const char *const names[]
      = { NULL,         "DATA",      "HELLO", "BYE",  "NEW_SERVER", "DEL_SERVER",
          "DEL_CLIENT", "RESUME_TX", "EXIT",  "PING", "NEW_LOOKUP", "DEL_LOOKUP" };

  return cmd < G_N_ELEMENTS(names) && names[cmd] ? names[cmd] : "unknown";
}

static void
control_packet(Server *server, const guint8 *data, gsize len)
{
  SimQrtr *self = server->owner;
  guint32 cmd = len >= 4 ? get32(data) : 0;
  guint32 node = len >= 12 ? get32(data + 4) : 0;
  guint32 port = len >= 12 ? get32(data + 8) : 0;

  sim_core_log(self->core, "qrtr: %s: control %s node=%u port=%u from the name service, not QMI",
               server->service->name, command_name(cmd), node, port);
  if (cmd == CMD_DEL_CLIENT && len >= 12)
    forget_endpoint(self, node, port);
}

static void
qmi_datagram(Server *server, guint32 node, guint32 port, const guint8 *data, gsize len)
{
  SimQrtr *self = server->owner;
  QmiReq r = { 0 };

  if (len < SDU_HEADER || data[0] != 0x00) {
    sim_core_log(self->core, "qrtr: %s: not a QMI request (%zu bytes, flags 0x%02x) from %u:%u",
                 server->service->name, len, len ? data[0] : 0, node, port);
    return;
  }
  r.service = server->service->id;
  r.tid = data[1] | (data[2] << 8);
  r.msg = data[3] | (data[4] << 8);
  r.tlv_len = data[5] | (data[6] << 8);
  r.tlv = data + SDU_HEADER;
  if (SDU_HEADER + r.tlv_len > len) {
    sim_core_log(self->core, "qrtr: malformed message (tlv length)");
    return;
  }
  QmiClient *c = client_for(self, r.service, node, port);
  if (!c) {
    sim_core_log(self->core, "qrtr: %s: no client id left for %u:%u", server->service->name, node,
                 port);
    return;
  }
  r.cid = c->cid;
  self->last_requester = (Peer){ r.service, r.cid, node, port };
  qmi_handle_request(self->qmi, &r);
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  Server *server = user_data;
  SimQrtr *self = server->owner;

  for (;;) {
    guint32 node, port;
    gssize n = sim_qrtr_socket_recv(&server->socket, self->buffer, MAX_DATAGRAM, &node, &port);

    if (n < 0) {
      sim_core_log(self->core, "qrtr: the bus is gone");
      server->watch = 0;
      sim_core_unplug(self->core);
      return G_SOURCE_REMOVE;
    }
    if (n == 0)
      return G_SOURCE_CONTINUE;
    if (port == SIM_QRTR_PORT_CTRL)
      control_packet(server, self->buffer, n);
    else
      qmi_datagram(server, node, port, self->buffer, n);
    if (server->socket.fd < 0) /* unplugged by a fault */
      return G_SOURCE_REMOVE;
  }
}

/* ---- control commands -------------------------------------------------- */

static const char *const service_states[] = { "down", "up", NULL };
static const SimControlArg services_args[] = {
  { "STATE", SIM_CONTROL_ARG_CHOICE, 0, 0, service_states },
};

/* A modem restarting: its services leave the name service, then return. */
static gboolean
set_services(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimQrtr *self = user_data;
  gboolean up = args[0].choice == 1;

  if (up == self->published) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "services are %s already",
                up ? "up" : "down");
    return FALSE;
  }
  if (!up) {
    /* a restarting modem forgets its clients and ends their sessions */
    GList *clients = g_hash_table_get_values(self->qmi->clients);

    for (GList *l = clients; l; l = l->next)
      qmi_client_release(self->qmi, l->data);
    g_list_free(clients);
    g_array_set_size(self->peers, 0);
  }
  publish(self, up);
  return TRUE;
}

static const SimControlCommand qrtr_commands[] = {
  { "qrtr-services", services_args, G_N_ELEMENTS(services_args), set_services },
};

/* ---- protocol ---------------------------------------------------------- */

static gpointer
qrtr_create(SimCore *core)
{
  SimQrtr *self = g_new0(SimQrtr, 1);

  self->core = core;
  self->qmi = sim_protocol_qmi.create(core);
  self->qmi->output = output;
  self->qmi->output_data = self;
  self->servers = g_ptr_array_new_with_free_func(g_free);
  self->peers = g_array_new(FALSE, TRUE, sizeof(Peer));
  self->buffer = g_malloc(MAX_DATAGRAM);
  sim_control_add_commands(sim_core_control(core), qrtr_commands, G_N_ELEMENTS(qrtr_commands),
                           self);
  return self;
}

static void
qrtr_close_link(gpointer user_data)
{
  SimQrtr *self = user_data;

  /* closing a server's socket withdraws it: the name service says DEL_SERVER */
  for (guint i = 0; i < self->servers->len; i++) {
    Server *server = g_ptr_array_index(self->servers, i);
    g_clear_handle_id(&server->watch, g_source_remove);
    sim_qrtr_socket_close(&server->socket);
  }
  self->published = FALSE;
}

static gboolean
qrtr_open_link(gpointer user_data, GError **error)
{
  SimQrtr *self = user_data;
  const SimConfig *config = sim_core_config(self->core);
  const QmiService *const *services;
  gsize n;

  if (!config->link) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                "--protocol=qrtr needs --link=PATH (a unix QRTR bus) or --link=kernel");
    return FALSE;
  }
  services = qmi_services(&n);
  for (gsize i = 0; i < n; i++) {
    Server *server;

    if (services[i]->id == SVC_CTL || !qmi_service_present(self->qmi, services[i]->id))
      continue;
    server = g_new0(Server, 1);
    server->owner = self;
    server->service = services[i];
    g_ptr_array_add(self->servers, server);
    if (!sim_qrtr_socket_open(&server->socket, config->link, config->qrtr_node, error))
      return FALSE;
    server->watch
        = g_unix_fd_add(server->socket.fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, server);
  }
  publish(self, TRUE);
  return TRUE;
}

static void
qrtr_free(gpointer user_data)
{
  SimQrtr *self = user_data;

  qrtr_close_link(self);
  g_ptr_array_unref(self->servers);
  g_array_unref(self->peers);
  sim_protocol_qmi.free(self->qmi);
  g_free(self->buffer);
  g_free(self);
}

static void
qrtr_feed(gpointer user_data, const guint8 *data, gsize len)
{
  /* no byte stream: datagrams arrive on the service sockets */
}

static void
qrtr_link_reset(gpointer user_data)
{
}

static void
qrtr_notify(gpointer user_data, SimNotify what, gpointer data)
{
  SimQrtr *self = user_data;

  sim_protocol_qmi.notify(self->qmi, what, data);
}

/* Fault injection's junk, to whoever asked last. */
static void
qrtr_send_raw(gpointer user_data, const guint8 *data, gsize len)
{
  SimQrtr *self = user_data;
  Server *server = server_of(self, self->last_requester.service);

  if (server)
    sim_qrtr_socket_send(&server->socket, self->last_requester.node, self->last_requester.port,
                         data, len);
}

const SimProtocol sim_protocol_qrtr = {
  .name = "qrtr",
  .create = qrtr_create,
  .free = qrtr_free,
  .feed = qrtr_feed,
  .link_reset = qrtr_link_reset,
  .notify = qrtr_notify,
  .open_link = qrtr_open_link,
  .close_link = qrtr_close_link,
  .send_raw = qrtr_send_raw,
};
