/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: a QRTR endpoint on the kernel's bus or on a unix bus.
 */
#include "sim-qrtr-socket.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <linux/qrtr.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUS_BIND 1
#define BUS_BOUND 2
#define BUS_DATA 3
#define BUS_HEADER 12

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

static gboolean
fail(GError **error, const char *what)
{
  g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", what, g_strerror(errno));
  return FALSE;
}

static gboolean
open_kernel(SimQrtrSocket *s, GError **error)
{
  struct sockaddr_qrtr sq = { 0 };
  socklen_t len = sizeof(sq);

  s->fd = socket(AF_QIPCRTR, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0)
    return fail(error, "AF_QIPCRTR socket");
  /* bound now, so that servers are announced with their real port */
  sq.sq_family = AF_QIPCRTR;
  if (getsockname(s->fd, (struct sockaddr *)&sq, &len) < 0)
    return fail(error, "getsockname");
  sq.sq_port = 0;
  if (bind(s->fd, (struct sockaddr *)&sq, sizeof(sq)) < 0)
    return fail(error, "bind");
  len = sizeof(sq);
  if (getsockname(s->fd, (struct sockaddr *)&sq, &len) < 0)
    return fail(error, "getsockname");
  s->node = sq.sq_node;
  s->port = sq.sq_port;
  return TRUE;
}

static gboolean
bus_send(int fd, guint32 kind, guint32 node, guint32 port, const guint8 *data, gsize len)
{
  guint8 header[BUS_HEADER];
  struct iovec iov[2] = { { header, BUS_HEADER }, { (void *)data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

  put32(header, kind);
  put32(header + 4, node);
  put32(header + 8, port);
  return sendmsg(fd, &msg, MSG_NOSIGNAL) == (ssize_t)(BUS_HEADER + len);
}

static gboolean
open_unix_bus(SimQrtrSocket *s, const char *path, guint32 node, GError **error)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  struct pollfd pfd;
  guint8 bound[BUS_HEADER];

  if (strlen(path) >= sizeof(sun.sun_path)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "%s: too long", path);
    return FALSE;
  }
  strcpy(sun.sun_path, path);
  s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
    return fail(error, path);
  if (!bus_send(s->fd, BUS_BIND, node, 0, NULL, 0))
    return fail(error, path);
  pfd.fd = s->fd;
  pfd.events = POLLIN;
  if (poll(&pfd, 1, 2000) != 1 || recv(s->fd, bound, sizeof(bound), 0) != BUS_HEADER
      || get32(bound) != BUS_BOUND) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                "%s: the QRTR bus refused node %u", path, node);
    return FALSE;
  }
  s->node = get32(bound + 4);
  s->port = get32(bound + 8);
  return g_unix_set_fd_nonblocking(s->fd, TRUE, error);
}

gboolean
sim_qrtr_socket_open(SimQrtrSocket *s, const char *link, guint32 node, GError **error)
{
  s->fd = -1;
  s->kernel = g_str_equal(link, SIM_QRTR_LINK_KERNEL);
  if (s->kernel ? open_kernel(s, error) : open_unix_bus(s, link, node, error))
    return TRUE;
  sim_qrtr_socket_close(s);
  return FALSE;
}

void
sim_qrtr_socket_close(SimQrtrSocket *s)
{
  if (s->fd >= 0)
    close(s->fd);
  s->fd = -1;
}

gboolean
sim_qrtr_socket_send(SimQrtrSocket *s, guint32 node, guint32 port, const guint8 *data, gsize len)
{
  struct sockaddr_qrtr sq = { .sq_family = AF_QIPCRTR, .sq_node = node, .sq_port = port };

  if (s->fd < 0)
    return FALSE;
  if (!s->kernel)
    return bus_send(s->fd, BUS_DATA, node, port, data, len);
  return sendto(s->fd, data, len, 0, (struct sockaddr *)&sq, sizeof(sq)) == (ssize_t)len;
}

gssize
sim_qrtr_socket_recv(SimQrtrSocket *s, guint8 *buf, gsize size, guint32 *node, guint32 *port)
{
  struct sockaddr_qrtr sq = { 0 };
  socklen_t len = sizeof(sq);
  ssize_t n;

  if (s->kernel) {
    n = recvfrom(s->fd, buf, size, MSG_TRUNC, (struct sockaddr *)&sq, &len);
    if (n < 0)
      return errno == EAGAIN || errno == EINTR ? 0 : -1;
    *node = sq.sq_node;
    *port = sq.sq_port;
    return (gsize)n > size ? 0 : n; /* truncated: dropped */
  }
  {
    guint8 record[BUS_HEADER + 65536];

    n = recv(s->fd, record, sizeof(record), MSG_TRUNC);
    if (n < 0)
      return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0)
      return -1;
    if (n < BUS_HEADER || (gsize)n > sizeof(record) || get32(record) != BUS_DATA
        || (gsize)(n - BUS_HEADER) > size)
      return 0;
    *node = get32(record + 4);
    *port = get32(record + 8);
    memcpy(buf, record + BUS_HEADER, n - BUS_HEADER);
    return n - BUS_HEADER;
  }
}
