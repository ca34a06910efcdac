/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A QRTR router and name service on a unix SOCK_SEQPACKET socket (see
 * qrtr-bus-router.h).
 */
#define _GNU_SOURCE
#include "qrtr-bus-router.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define KIND_BIND 1
#define KIND_BOUND 2
#define KIND_DATA 3
#define HEADER_LEN 12
#define MAX_PAYLOAD 65536
#define PORT_CTRL 0xfffffffeu
#define FIRST_PORT 0x4000

enum {
  CMD_BYE = 3,
  CMD_NEW_SERVER = 4,
  CMD_DEL_SERVER = 5,
  CMD_DEL_CLIENT = 6,
  CMD_NEW_LOOKUP = 10,
  CMD_DEL_LOOKUP = 11,
};

typedef struct {
  QrtrBusRouter *router;
  int fd;
  guint watch;
  gboolean bound;
  guint32 node;
  guint32 port;
} Endpoint;

/* A registered server or a lookup: a service filter and whose it is. */
typedef struct {
  guint32 service;
  guint32 instance;
  guint32 node;
  guint32 port;
} Entry;

struct _QrtrBusRouter {
  char *path;
  int listen_fd;
  guint listen_watch;
  guint32 local_node;
  gboolean verbose;
  GPtrArray *endpoints; /* Endpoint */
  GArray *servers;      /* Entry */
  GArray *lookups;      /* Entry */
  guint32 next_port;
  guint8 *buffer;
};

static void G_GNUC_PRINTF(2, 3) say(QrtrBusRouter *router, const char *fmt, ...)
{
  va_list ap;

  if (!router->verbose)
    return;
  va_start(ap, fmt);
  fputs("qrtr-bus: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void
le32_put(guint8 *p, guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

static guint32
le32_get(const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static Endpoint *
find_endpoint(QrtrBusRouter *router, guint32 node, guint32 port)
{
  for (guint i = 0; i < router->endpoints->len; i++) {
    Endpoint *ep = g_ptr_array_index(router->endpoints, i);
    if (ep->bound && ep->node == node && ep->port == port)
      return ep;
  }
  return NULL;
}

static void
send_record(Endpoint *ep, guint32 kind, guint32 node, guint32 port, const guint8 *data, gsize len)
{
  guint8 header[HEADER_LEN];
  struct iovec iov[2] = { { header, HEADER_LEN }, { (void *)data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

  le32_put(header, kind);
  le32_put(header + 4, node);
  le32_put(header + 8, port);
  /* A receiver that does not read loses datagrams, as on the kernel's bus. */
  if (sendmsg(ep->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    say(ep->router, "datagram to %u:%u lost: %s", ep->node, ep->port, g_strerror(errno));
}

/* A control packet from the name service. */
static void
send_control(QrtrBusRouter *router, Endpoint *to, guint32 cmd, const guint32 *words, guint n)
{
  guint8 packet[20] = { 0 };

  le32_put(packet, cmd);
  for (guint i = 0; i < n && i < 4; i++)
    le32_put(packet + 4 + 4 * i, words[i]);
  send_record(to, KIND_DATA, router->local_node, PORT_CTRL, packet, sizeof(packet));
}

static void
send_server(QrtrBusRouter *router, Endpoint *to, guint32 cmd, const Entry *server)
{
  const guint32 words[4] = { server->service, server->instance, server->node, server->port };

  send_control(router, to, cmd, words, 4);
}

static gboolean
lookup_matches(const Entry *lookup, const Entry *server)
{
  return (!lookup->service || lookup->service == server->service)
         && (!lookup->instance || lookup->instance == server->instance);
}

/* NEW_SERVER or DEL_SERVER to every lookup that matches. */
static void
announce(QrtrBusRouter *router, guint32 cmd, const Entry *server)
{
  for (guint i = 0; i < router->lookups->len; i++) {
    Entry *lookup = &g_array_index(router->lookups, Entry, i);
    Endpoint *ep = find_endpoint(router, lookup->node, lookup->port);
    if (ep && lookup_matches(lookup, server))
      send_server(router, ep, cmd, server);
  }
}

static void
remove_server_at(QrtrBusRouter *router, guint index)
{
  Entry server = g_array_index(router->servers, Entry, index);

  g_array_remove_index(router->servers, index);
  say(router, "DEL_SERVER service %u instance 0x%x at %u:%u", server.service, server.instance,
      server.node, server.port);
  announce(router, CMD_DEL_SERVER, &server);
}

/* ---- name service ------------------------------------------------------ */

static void
ns_new_server(QrtrBusRouter *router, Endpoint *from, guint32 service, guint32 instance)
{
  /* registered at the sender's address, whatever the packet names */
  Entry server = { service, instance, from->node, from->port };

  for (guint i = 0; i < router->servers->len; i++) {
    Entry *have = &g_array_index(router->servers, Entry, i);
    if (have->service == service && have->node == from->node && have->port == from->port) {
      remove_server_at(router, i);
      break;
    }
  }
  g_array_append_val(router->servers, server);
  say(router, "NEW_SERVER service %u instance 0x%x at %u:%u", service, instance, from->node,
      from->port);
  announce(router, CMD_NEW_SERVER, &server);
}

static void
ns_del_server(QrtrBusRouter *router, Endpoint *from, guint32 service)
{
  for (guint i = 0; i < router->servers->len; i++) {
    Entry *have = &g_array_index(router->servers, Entry, i);
    if (have->service == service && have->node == from->node && have->port == from->port) {
      remove_server_at(router, i);
      return;
    }
  }
}

static void
ns_new_lookup(QrtrBusRouter *router, Endpoint *from, guint32 service, guint32 instance)
{
  Entry lookup = { service, instance, from->node, from->port };
  const Entry end = { 0 };

  g_array_append_val(router->lookups, lookup);
  say(router, "NEW_LOOKUP service %u from %u:%u", service, from->node, from->port);
  for (guint i = 0; i < router->servers->len; i++) {
    Entry *server = &g_array_index(router->servers, Entry, i);
    if (lookup_matches(&lookup, server))
      send_server(router, from, CMD_NEW_SERVER, server);
  }
  send_server(router, from, CMD_NEW_SERVER, &end);
}

static void
remove_lookups_of(QrtrBusRouter *router, guint32 node, guint32 port)
{
  for (guint i = router->lookups->len; i-- > 0;) {
    Entry *lookup = &g_array_index(router->lookups, Entry, i);
    if (lookup->node == node && lookup->port == port)
      g_array_remove_index(router->lookups, i);
  }
}

static void
name_service(QrtrBusRouter *router, Endpoint *from, const guint8 *packet, gsize len)
{
  guint32 cmd;

  if (len < 4)
    return;
  cmd = le32_get(packet);
  if (cmd != CMD_NEW_SERVER && cmd != CMD_DEL_SERVER && cmd != CMD_NEW_LOOKUP
      && cmd != CMD_DEL_LOOKUP)
    return; /* HELLO, BYE, DEL_CLIENT, PING...: nothing to do for a local router */
  if (len < 20) {
    say(router, "short control packet (%zu bytes) from %u:%u", len, from->node, from->port);
    return;
  }
  if (cmd == CMD_NEW_SERVER)
    ns_new_server(router, from, le32_get(packet + 4), le32_get(packet + 8));
  else if (cmd == CMD_DEL_SERVER)
    ns_del_server(router, from, le32_get(packet + 4));
  else if (cmd == CMD_NEW_LOOKUP)
    ns_new_lookup(router, from, le32_get(packet + 4), le32_get(packet + 8));
  else
    remove_lookups_of(router, from->node, from->port);
}

/* ---- endpoints --------------------------------------------------------- */

static gboolean
node_has_endpoints(QrtrBusRouter *router, guint32 node)
{
  for (guint i = 0; i < router->endpoints->len; i++) {
    Endpoint *ep = g_ptr_array_index(router->endpoints, i);
    if (ep->bound && ep->node == node)
      return TRUE;
  }
  return FALSE;
}

/* DEL_CLIENT (and BYE for a node gone) to every endpoint that serves. */
static void
tell_servers_gone(QrtrBusRouter *router, guint32 node, guint32 port, gboolean node_gone)
{
  const guint32 client[2] = { node, port };
  GHashTable *told = g_hash_table_new(g_direct_hash, g_direct_equal);

  for (guint i = 0; i < router->servers->len; i++) {
    Entry *server = &g_array_index(router->servers, Entry, i);
    Endpoint *ep = find_endpoint(router, server->node, server->port);
    if (!ep || g_hash_table_contains(told, ep))
      continue;
    g_hash_table_add(told, ep);
    send_control(router, ep, CMD_DEL_CLIENT, client, 2);
    if (node_gone)
      send_control(router, ep, CMD_BYE, client, 1);
  }
  g_hash_table_unref(told);
}

static void
endpoint_free(Endpoint *ep)
{
  g_clear_handle_id(&ep->watch, g_source_remove);
  close(ep->fd);
  g_free(ep);
}

static void
endpoint_gone(QrtrBusRouter *router, Endpoint *ep)
{
  gboolean bound = ep->bound;
  guint32 node = ep->node, port = ep->port;

  ep->watch = 0; /* the caller returns G_SOURCE_REMOVE */
  g_ptr_array_remove(router->endpoints, ep);
  if (!bound)
    return;
  say(router, "closed %u:%u", node, port);
  remove_lookups_of(router, node, port);
  for (guint i = router->servers->len; i-- > 0;) {
    Entry *server = &g_array_index(router->servers, Entry, i);
    if (server->node == node && server->port == port)
      remove_server_at(router, i);
  }
  tell_servers_gone(router, node, port,
                    node != router->local_node && !node_has_endpoints(router, node));
}

static void
endpoint_bind(QrtrBusRouter *router, Endpoint *ep, guint32 node, guint32 port)
{
  if (!node)
    node = router->local_node;
  if (!port) {
    while (find_endpoint(router, node, router->next_port))
      router->next_port++;
    port = router->next_port++;
  }
  if (node == G_MAXUINT32 || port == PORT_CTRL || find_endpoint(router, node, port)) {
    say(router, "bind to %u:%u refused", node, port);
    shutdown(ep->fd, SHUT_RDWR);
    return;
  }
  ep->bound = TRUE;
  ep->node = node;
  ep->port = port;
  say(router, "bound %u:%u", node, port);
  send_record(ep, KIND_BOUND, node, port, NULL, 0);
}

static void
endpoint_data(QrtrBusRouter *router, Endpoint *ep, guint32 node, guint32 port,
              const guint8 *payload, gsize len)
{
  Endpoint *to;

  if (port == PORT_CTRL) {
    name_service(router, ep, payload, len);
    return;
  }
  to = find_endpoint(router, node, port);
  if (to)
    send_record(to, KIND_DATA, ep->node, ep->port, payload, len);
  else
    say(router, "no endpoint %u:%u (datagram from %u:%u dropped)", node, port, ep->node, ep->port);
}

static gboolean
on_endpoint_readable(int fd, GIOCondition cond, gpointer user_data)
{
  Endpoint *ep = user_data;
  QrtrBusRouter *router = ep->router;
  ssize_t n = recv(fd, router->buffer, HEADER_LEN + MAX_PAYLOAD, MSG_TRUNC | MSG_DONTWAIT);
  guint32 kind, node, port;

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    endpoint_gone(router, ep);
    return G_SOURCE_REMOVE;
  }
  if (n < HEADER_LEN || n > HEADER_LEN + MAX_PAYLOAD) {
    say(router, "malformed record of %zd bytes dropped", n);
    return G_SOURCE_CONTINUE;
  }
  kind = le32_get(router->buffer);
  node = le32_get(router->buffer + 4);
  port = le32_get(router->buffer + 8);
  if (!ep->bound && kind == KIND_BIND)
    endpoint_bind(router, ep, node, port);
  else if (ep->bound && kind == KIND_DATA)
    endpoint_data(router, ep, node, port, router->buffer + HEADER_LEN, n - HEADER_LEN);
  else
    say(router, "unexpected record kind %u dropped", kind);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_connection(int fd, GIOCondition cond, gpointer user_data)
{
  QrtrBusRouter *router = user_data;
  int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  Endpoint *ep;

  if (conn < 0)
    return G_SOURCE_CONTINUE;
  ep = g_new0(Endpoint, 1);
  ep->router = router;
  ep->fd = conn;
  ep->watch = g_unix_fd_add(conn, G_IO_IN | G_IO_HUP | G_IO_ERR, on_endpoint_readable, ep);
  g_ptr_array_add(router->endpoints, ep);
  return G_SOURCE_CONTINUE;
}

/* ---- lifetime ---------------------------------------------------------- */

static gboolean
replace_stale_socket(const char *path, GError **error)
{
  struct stat st;

  if (lstat(path, &st) < 0)
    return TRUE;
  if (!S_ISSOCK(st.st_mode)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s exists and is not a socket", path);
    return FALSE;
  }
  unlink(path);
  return TRUE;
}

static int
listen_at(const char *path, GError **error)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  int fd;

  if (strlen(path) >= sizeof(sun.sun_path)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "%s: path too long", path);
    return -1;
  }
  if (!replace_stale_socket(path, error))
    return -1;
  strcpy(sun.sun_path, path);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 64) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", path, g_strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  return fd;
}

QrtrBusRouter *
qrtr_bus_router_new(const char *path, guint32 local_node, gboolean verbose, GError **error)
{
  int fd = listen_at(path, error);
  QrtrBusRouter *router;

  if (fd < 0)
    return NULL;
  router = g_new0(QrtrBusRouter, 1);
  router->path = g_strdup(path);
  router->listen_fd = fd;
  router->local_node = local_node;
  router->verbose = verbose;
  router->endpoints = g_ptr_array_new_with_free_func((GDestroyNotify)endpoint_free);
  router->servers = g_array_new(FALSE, TRUE, sizeof(Entry));
  router->lookups = g_array_new(FALSE, TRUE, sizeof(Entry));
  router->next_port = FIRST_PORT;
  router->buffer = g_malloc(HEADER_LEN + MAX_PAYLOAD);
  router->listen_watch = g_unix_fd_add(fd, G_IO_IN, on_connection, router);
  return router;
}

void
qrtr_bus_router_free(QrtrBusRouter *router)
{
  if (!router)
    return;
  g_clear_handle_id(&router->listen_watch, g_source_remove);
  close(router->listen_fd);
  unlink(router->path);
  g_ptr_array_unref(router->endpoints);
  g_array_unref(router->servers);
  g_array_unref(router->lookups);
  g_free(router->buffer);
  g_free(router->path);
  g_free(router);
}
