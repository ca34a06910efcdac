/* QRTR sockets on the kernel's bus or on a unix bus (mmd-qrtr-socket.h). */
#include "mmd-qrtr-socket.h"

#include <errno.h>
#include <linux/qrtr.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

struct _MmdQrtrSocket {
  int fd;
  gboolean unix_bus;
  char *bus_path; /* for messages */
  MmdQrtrAddress address;
  guint watch_id;
  MmdQrtrReceiveFunc on_receive;
  MmdQrtrClosedFunc on_closed;
  gpointer user_data;
  guint8 *buffer; /* one datagram plus the unix bus header */
  /* Handlers may close the socket; it is freed once they have returned. */
  gboolean dispatching;
  gboolean free_pending;
};

static void
put_le32(guint8 *out, guint32 v)
{
  out[0] = v & 0xFF;
  out[1] = (v >> 8) & 0xFF;
  out[2] = (v >> 16) & 0xFF;
  out[3] = (v >> 24) & 0xFF;
}

static guint32
get_le32(const guint8 *p)
{
  return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) | ((guint32)p[3] << 24);
}

static void
set_errno_error(GError **error, int err, const char *what, const char *where)
{
  g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s %s: %s", what, where,
              g_strerror(err));
}

static MmdQrtrSocket *
socket_new(int fd, const char *bus_path)
{
  MmdQrtrSocket *self = g_new0(MmdQrtrSocket, 1);

  self->fd = fd;
  self->unix_bus = bus_path != NULL;
  self->bus_path = g_strdup(bus_path ? bus_path : "AF_QIPCRTR");
  self->buffer = g_malloc(MMD_QRTR_BUS_HEADER_LEN + MMD_QRTR_MAX_DATAGRAM);
  return self;
}

/* ---- kernel ------------------------------------------------------------- */

static MmdQrtrSocket *
open_kernel(GError **error)
{
  struct sockaddr_qrtr sq = { 0 };
  socklen_t sl = sizeof(sq);
  MmdQrtrSocket *self;
  int fd = socket(AF_QIPCRTR, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0) {
    int err = errno;
    if (err == EAFNOSUPPORT)
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                  "This kernel has no QRTR (AF_QIPCRTR sockets: %s)", g_strerror(err));
    else
      set_errno_error(error, err, "Cannot open", "an AF_QIPCRTR socket");
    return NULL;
  }
  if (getsockname(fd, (struct sockaddr *)&sq, &sl) < 0 || sq.sq_family != AF_QIPCRTR) {
    set_errno_error(error, errno, "Cannot read the address of", "an AF_QIPCRTR socket");
    close(fd);
    return NULL;
  }
  self = socket_new(fd, NULL);
  self->address.node = sq.sq_node;
  self->address.port = sq.sq_port;
  return self;
}

static gboolean
send_kernel(MmdQrtrSocket *self, const MmdQrtrAddress *to, const guint8 *data, gsize len,
            GError **error)
{
  struct sockaddr_qrtr sq = { .sq_family = AF_QIPCRTR, .sq_node = to->node, .sq_port = to->port };
  ssize_t n;

  do
    n = sendto(self->fd, data, len, 0, (struct sockaddr *)&sq, sizeof(sq));
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "Cannot send to QRTR %u:%u: %s",
                to->node, to->port, g_strerror(errno));
    return FALSE;
  }
  return TRUE;
}

/* ---- unix bus ----------------------------------------------------------- */

static gboolean
bus_write(int fd, guint32 kind, const MmdQrtrAddress *address, const guint8 *data, gsize len)
{
  guint8 header[MMD_QRTR_BUS_HEADER_LEN];
  struct iovec iov[2] = { { header, sizeof(header) }, { (void *)data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
  ssize_t n;

  put_le32(header, kind);
  put_le32(header + 4, address->node);
  put_le32(header + 8, address->port);
  do
    n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)(sizeof(header) + len);
}

static MmdQrtrSocket *
open_unix_bus(const char *path, GError **error)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  const MmdQrtrAddress any = { 0, 0 };
  int fd;

  if (strlen(path) >= sizeof(sun.sun_path)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "QRTR bus path too long: %s",
                path);
    return NULL;
  }
  strcpy(sun.sun_path, path);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    set_errno_error(error, errno, "Cannot open a socket for the QRTR bus", path);
    return NULL;
  }
  if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
    set_errno_error(error, errno, "Cannot connect to the QRTR bus", path);
    close(fd);
    return NULL;
  }
  /* The answer (BOUND) is read with the first datagrams: the bus may be in
   * this very process, and nothing sent needs our address. */
  if (!bus_write(fd, MMD_QRTR_BUS_BIND, &any, NULL, 0)
      || !g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
    set_errno_error(error, errno, "Cannot bind on the QRTR bus", path);
    close(fd);
    return NULL;
  }
  return socket_new(fd, path);
}

static gboolean
send_unix_bus(MmdQrtrSocket *self, const MmdQrtrAddress *to, const guint8 *data, gsize len,
              GError **error)
{
  if (!bus_write(self->fd, MMD_QRTR_BUS_DATA, to, data, len)) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                "Cannot send to QRTR %u:%u on the bus at %s: %s", to->node, to->port,
                self->bus_path, g_strerror(errno));
    return FALSE;
  }
  return TRUE;
}

/* ---- receiving ---------------------------------------------------------- */

/* Reads one datagram: >0 delivered or skipped, 0 nothing more now, <0 the
 * socket is done (errno-like value in *err, 0 for an orderly close). */
static int
receive_one(MmdQrtrSocket *self, int *err)
{
  struct sockaddr_qrtr sq = { 0 };
  socklen_t sl = sizeof(sq);
  gsize capacity = MMD_QRTR_BUS_HEADER_LEN + MMD_QRTR_MAX_DATAGRAM;
  MmdQrtrAddress from;
  const guint8 *payload;
  ssize_t n;

  if (self->unix_bus)
    n = recv(self->fd, self->buffer, capacity, MSG_TRUNC);
  else
    n = recvfrom(self->fd, self->buffer, capacity, MSG_TRUNC, (struct sockaddr *)&sq, &sl);
  if (n < 0) {
    *err = errno;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
  }
  if (n == 0 && self->unix_bus) {
    *err = 0;
    return -1;
  }
  if ((gsize)n > capacity) {
    g_debug("QRTR %s: dropped a datagram of %zd bytes (too long)", self->bus_path, n);
    return 1;
  }
  if (self->unix_bus) {
    if (n == MMD_QRTR_BUS_HEADER_LEN && get_le32(self->buffer) == MMD_QRTR_BUS_BOUND) {
      self->address.node = get_le32(self->buffer + 4);
      self->address.port = get_le32(self->buffer + 8);
      return 1;
    }
    if (n < MMD_QRTR_BUS_HEADER_LEN || get_le32(self->buffer) != MMD_QRTR_BUS_DATA)
      return 1;
    from.node = get_le32(self->buffer + 4);
    from.port = get_le32(self->buffer + 8);
    payload = self->buffer + MMD_QRTR_BUS_HEADER_LEN;
    n -= MMD_QRTR_BUS_HEADER_LEN;
  } else {
    from.node = sq.sq_node;
    from.port = sq.sq_port;
    payload = self->buffer;
  }
  if (self->on_receive)
    self->on_receive(self, &from, payload, (gsize)n, self->user_data);
  return 1;
}

static void
report_closed(MmdQrtrSocket *self, int err)
{
  g_autoptr(GError) error = NULL;

  if (err)
    error = g_error_new(G_IO_ERROR, g_io_error_from_errno(err), "QRTR socket on %s failed: %s",
                        self->bus_path, g_strerror(err));
  else
    error = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "The QRTR bus at %s is gone",
                        self->bus_path);
  if (self->on_closed)
    self->on_closed(self, error, self->user_data);
}

static void socket_free(MmdQrtrSocket *self);

static gboolean
on_readable(int fd, GIOCondition condition, gpointer user_data)
{
  MmdQrtrSocket *self = user_data;
  gboolean keep = TRUE;
  int err = 0;

  self->dispatching = TRUE;
  /* A bounded batch, so that one busy socket cannot starve the others. */
  for (guint i = 0; keep && i < 64 && !self->free_pending; i++) {
    int r = receive_one(self, &err);
    if (r == 0)
      break;
    if (r < 0) {
      keep = FALSE;
      self->watch_id = 0; /* returning G_SOURCE_REMOVE below */
      report_closed(self, err);
    }
  }
  self->dispatching = FALSE;
  if (self->free_pending) {
    socket_free(self);
    return G_SOURCE_REMOVE;
  }
  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- public ------------------------------------------------------------- */

MmdQrtrSocket *
mmd_qrtr_socket_open(const char *bus_path, GError **error)
{
  return bus_path ? open_unix_bus(bus_path, error) : open_kernel(error);
}

static void
socket_free(MmdQrtrSocket *self)
{
  g_free(self->buffer);
  g_free(self->bus_path);
  g_free(self);
}

void
mmd_qrtr_socket_close(MmdQrtrSocket *self)
{
  if (!self)
    return;
  /* From inside on_readable the source goes when it returns. */
  if (!self->dispatching)
    g_clear_handle_id(&self->watch_id, g_source_remove);
  self->watch_id = 0;
  if (self->fd >= 0)
    close(self->fd);
  self->fd = -1;
  self->on_receive = NULL;
  self->on_closed = NULL;
  if (self->dispatching)
    self->free_pending = TRUE;
  else
    socket_free(self);
}

const MmdQrtrAddress *
mmd_qrtr_socket_get_address(MmdQrtrSocket *self)
{
  return &self->address;
}

MmdQrtrAddress
mmd_qrtr_socket_get_name_service(MmdQrtrSocket *self)
{
  MmdQrtrAddress ns = { self->address.node, MMD_QRTR_PORT_CTRL };
  return ns;
}

void
mmd_qrtr_socket_watch(MmdQrtrSocket *self, MmdQrtrReceiveFunc on_receive,
                      MmdQrtrClosedFunc on_closed, gpointer user_data)
{
  self->on_receive = on_receive;
  self->on_closed = on_closed;
  self->user_data = user_data;
  if (!self->watch_id)
    self->watch_id = g_unix_fd_add(self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, self);
}

gboolean
mmd_qrtr_socket_send(MmdQrtrSocket *self, const MmdQrtrAddress *to, const guint8 *data, gsize len,
                     GError **error)
{
  if (len > MMD_QRTR_MAX_DATAGRAM) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                "QRTR datagram of %zu bytes is too long", len);
    return FALSE;
  }
  if (self->unix_bus)
    return send_unix_bus(self, to, data, len, error);
  return send_kernel(self, to, data, len, error);
}

gboolean
mmd_qrtr_socket_send_control(MmdQrtrSocket *self, const MmdQrtrControl *packet, GError **error)
{
  guint8 bytes[MMD_QRTR_CONTROL_LEN];
  MmdQrtrAddress ns = mmd_qrtr_socket_get_name_service(self);

  mmd_qrtr_control_encode(packet, bytes);
  return mmd_qrtr_socket_send(self, &ns, bytes, sizeof(bytes), error);
}

gboolean
mmd_qrtr_socket_lookup(MmdQrtrSocket *self, guint32 service, GError **error)
{
  const MmdQrtrControl lookup = { .cmd = MMD_QRTR_CMD_NEW_LOOKUP, .service = service };

  return mmd_qrtr_socket_send_control(self, &lookup, error);
}
