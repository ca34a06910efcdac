/* QMI transports: the generic entry points and the char-device one. */
#include "qmi-transport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "config.h"
#include "mmd-errors.h"

void
qmi_transport_set_handlers(QmiTransport *self, QmiTransportMessageFunc on_message,
                           QmiTransportGoneFunc on_gone, gpointer user_data)
{
  self->on_message = on_message;
  self->on_gone = on_gone;
  self->user_data = user_data;
}

gboolean
qmi_transport_open(QmiTransport *self, GError **error)
{
  return self->klass->open(self, error);
}

gboolean
qmi_transport_send(QmiTransport *self, QmiMessage *message, GError **error)
{
  return self->klass->send(self, message, error);
}

void
qmi_transport_close(QmiTransport *self)
{
  self->klass->close(self);
}

gboolean
qmi_transport_has_ctl(QmiTransport *self)
{
  return self->klass->services == NULL;
}

void
qmi_transport_discover(QmiTransport *self, guint timeout_s, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  self->klass->services->discover(self, timeout_s, cancellable, callback, user_data);
}

gboolean
qmi_transport_discover_finish(QmiTransport *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean(G_TASK(res), error);
}

gboolean
qmi_transport_get_service_version(QmiTransport *self, guint8 service, guint16 *major,
                                  guint16 *minor)
{
  return self->klass->services->get_service_version(self, service, major, minor);
}

gboolean
qmi_transport_open_client(QmiTransport *self, guint8 service, guint8 *out_cid, GError **error)
{
  return self->klass->services->open_client(self, service, out_cid, error);
}

void
qmi_transport_close_client(QmiTransport *self, guint8 service, guint8 cid)
{
  self->klass->services->close_client(self, service, cid);
}

QmiTransport *
qmi_transport_new_for_path(const char *path)
{
#if WITH_QRTR
  if (g_str_has_prefix(path, "qrtr://")) {
    g_autoptr(GError) error = NULL;
    QmiTransport *qrtr = qmi_transport_qrtr_new(path, &error);

    if (qrtr)
      return qrtr;
    g_warning("%s", error->message);
  }
#endif
  return qmi_transport_chardev_new(path);
}

void
qmi_transport_free(QmiTransport *self)
{
  if (!self)
    return;
  self->klass->close(self);
  g_free(self->name);
  self->klass->free(self);
}

/* ---- char device ------------------------------------------------------- */

typedef struct {
  QmiTransport parent;
  char *path;
  int fd;
  guint read_id;
  guint write_id;
  QmiFramer framer;
  /* Messages not yet written, each written with its own write(): a cdc-wdm
   * port takes one message per write. out_off: bytes of the head already out. */
  GQueue outq; /* QmiMessage */
  gsize out_off;
} ChardevTransport;

static void
chardev_report_gone(ChardevTransport *self, int err, const char *what)
{
  QmiTransport *t = &self->parent;
  g_autoptr(GError) error = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s %s",
                                        t->name, what, err ? g_strerror(err) : "hang-up");
  qmi_transport_close(t);
  if (t->on_gone)
    t->on_gone(error, t->user_data);
}

static gboolean
chardev_readable(gint fd, GIOCondition cond, gpointer user_data)
{
  ChardevTransport *self = user_data;
  QmiTransport *t = &self->parent;
  guint8 buf[4096];

  if (cond & G_IO_IN) {
    for (;;) {
      ssize_t n = read(self->fd, buf, sizeof(buf));
      if (n > 0) {
        qmi_framer_push(&self->framer, buf, (gsize)n);
        if ((gsize)n < sizeof(buf))
          break;
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      /* 0 = end of file, or EIO/ENODEV: the port is gone */
      self->read_id = 0;
      chardev_report_gone(self, n < 0 ? errno : 0, "read failed:");
      return G_SOURCE_REMOVE;
    }
    /* Deliver complete messages; a handler may close us, so re-check. */
    while (self->fd >= 0) {
      gsize dropped = 0;
      g_autoptr(QmiMessage) msg = qmi_framer_next(&self->framer, &dropped);
      if (dropped)
        g_debug("[%s] dropped %zu bytes of garbage", t->name, dropped);
      if (!msg)
        break;
      if (t->on_message)
        t->on_message(msg, t->user_data);
    }
    if (self->fd < 0)
      return G_SOURCE_REMOVE;
    return G_SOURCE_CONTINUE;
  }
  if (cond & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) {
    self->read_id = 0;
    chardev_report_gone(self, 0, "port closed:");
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean chardev_writable(gint fd, GIOCondition cond, gpointer user_data);

/* Writes what it can; schedules the rest. FALSE on a hard error. */
static gboolean
chardev_flush(ChardevTransport *self, int *out_errno)
{
  while (!g_queue_is_empty(&self->outq)) {
    gsize len;
    const guint8 *raw = qmi_message_get_raw(g_queue_peek_head(&self->outq), &len);
    ssize_t n = write(self->fd, raw + self->out_off, len - self->out_off);
    if (n > 0) {
      self->out_off += (gsize)n;
      if (self->out_off == len) {
        qmi_message_unref(g_queue_pop_head(&self->outq)); /* wipes it */
        self->out_off = 0;
      }
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!self->write_id)
        self->write_id = g_unix_fd_add(self->fd, G_IO_OUT, chardev_writable, self);
      return TRUE;
    }
    *out_errno = n < 0 ? errno : EIO;
    return FALSE;
  }
  return TRUE;
}

static gboolean
chardev_writable(gint fd, GIOCondition cond, gpointer user_data)
{
  ChardevTransport *self = user_data;
  int err = 0;
  self->write_id = 0;
  if (!chardev_flush(self, &err)) {
    chardev_report_gone(self, err, "write failed:");
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_REMOVE; /* chardev_flush re-adds itself if needed */
}

static gboolean
chardev_open(QmiTransport *t, GError **error)
{
  ChardevTransport *self = (ChardevTransport *)t;
  if (self->fd >= 0)
    return TRUE;
  int fd = open(self->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    g_set_error(error, MMD_SERIAL_ERROR,
                err == ENOENT || err == ENODEV ? MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE
                                               : MMD_SERIAL_ERROR_OPEN_FAILED,
                "Cannot open %s: %s", self->path, g_strerror(err));
    return FALSE;
  }
  if (isatty(fd)) {
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
      cfmakeraw(&tio);
      tio.c_cc[VMIN] = 1;
      tio.c_cc[VTIME] = 0;
      tcsetattr(fd, TCSANOW, &tio);
    }
  }
  self->fd = fd;
  qmi_framer_init(&self->framer);
  g_queue_init(&self->outq);
  self->out_off = 0;
  self->read_id = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, chardev_readable, self);
  return TRUE;
}

static gboolean
chardev_send(QmiTransport *t, QmiMessage *message, GError **error)
{
  ChardevTransport *self = (ChardevTransport *)t;
  if (self->fd < 0) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s is not open", t->name);
    return FALSE;
  }
  g_queue_push_tail(&self->outq, qmi_message_ref(message));
  int err = 0;
  if (self->write_id)
    return TRUE; /* already waiting for the port */
  if (!chardev_flush(self, &err)) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_SEND_FAILED, "Cannot write to %s: %s",
                t->name, g_strerror(err));
    return FALSE;
  }
  return TRUE;
}

static void
chardev_close(QmiTransport *t)
{
  ChardevTransport *self = (ChardevTransport *)t;
  if (self->read_id)
    g_source_remove(self->read_id);
  if (self->write_id)
    g_source_remove(self->write_id);
  self->read_id = self->write_id = 0;
  if (self->fd >= 0) {
    /* last best-effort flush (Release CID messages) */
    int err = 0;
    (void)chardev_flush(self, &err);
    if (self->write_id)
      g_source_remove(self->write_id);
    self->write_id = 0;
    close(self->fd);
    self->fd = -1;
  }
  qmi_framer_clear(&self->framer);
  g_queue_clear_full(&self->outq, (GDestroyNotify)qmi_message_unref);
  self->out_off = 0;
}

static void
chardev_free(QmiTransport *t)
{
  ChardevTransport *self = (ChardevTransport *)t;
  g_free(self->path);
  g_free(self);
}

static const QmiTransportClass chardev_class = {
  .kind = "chardev",
  .open = chardev_open,
  .send = chardev_send,
  .close = chardev_close,
  .free = chardev_free,
};

QmiTransport *
qmi_transport_chardev_new(const char *path)
{
  ChardevTransport *self = g_new0(ChardevTransport, 1);
  self->parent.klass = &chardev_class;
  self->parent.name = g_path_get_basename(path);
  self->path = g_strdup(path);
  self->fd = -1;
  return &self->parent;
}
