/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: a second port of the modem (--at-link=PATH or --at-fd=N): the
 * AT protocol on a link of its own, over the same world as the first port,
 * as a PCIe module has an AT port beside its MBIM or QMI port. What one port
 * changes (modes, bands, radio) the other one reports.
 *
 * The port's output goes through a sink (sim_core_set_sink()) while its
 * protocol runs, so the AT module writes here and not to the first link.
 */
#define _GNU_SOURCE
#include "sim-port.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "sim-core-private.h"

#define RETRY_MS 20

struct _SimPort {
  SimCore *core;
  gpointer at;      /* the AT module's state */
  int fd;           /* pty master or inherited descriptor */
  int slave_fd;     /* pty mode: held open, so the master never sees HUP */
  char *slave_name; /* pty mode */
  char *link;       /* pty mode: the symlink to it */
  guint read_watch;
  guint retry_timer;
  GByteArray *out;
  guint write_watch;
};

static gboolean on_readable(int fd, GIOCondition cond, gpointer user_data);

static gboolean
on_writable(int fd, GIOCondition cond, gpointer user_data)
{
  SimPort *p = user_data;

  while (p->out->len > 0) {
    ssize_t n = write(p->fd, p->out->data, p->out->len);

    if (n > 0) {
      g_byte_array_remove_range(p->out, 0, n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
    g_byte_array_set_size(p->out, 0); /* nobody reads: like a closed port */
  }
  p->write_watch = 0;
  return G_SOURCE_REMOVE;
}

static void
port_write(gpointer data, const guint8 *bytes, gsize len)
{
  SimPort *p = data;

  g_byte_array_append(p->out, bytes, len);
  if (!p->write_watch) {
    on_writable(p->fd, G_IO_OUT, p);
    if (p->out->len > 0)
      p->write_watch = g_unix_fd_add(p->fd, G_IO_OUT, on_writable, p);
  }
}

/* Runs the AT module with its output going to this port. */
static void
run_on_port(SimPort *p, void (*run)(SimPort *p, gpointer arg), gpointer arg)
{
  SimSink before = sim_core_set_sink(p->core, (SimSink){ port_write, p });

  run(p, arg);
  sim_core_set_sink(p->core, before);
}

typedef struct {
  const guint8 *bytes;
  gsize len;
} Input;

static void
feed(SimPort *p, gpointer arg)
{
  Input *in = arg;

  sim_protocol_at.feed(p->at, in->bytes, in->len);
}

static gboolean
on_retry(gpointer user_data)
{
  SimPort *p = user_data;

  p->retry_timer = 0;
  p->read_watch = g_unix_fd_add(p->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, p);
  return G_SOURCE_REMOVE;
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  SimPort *p = user_data;
  guint8 buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  Input in = { buf, n > 0 ? (gsize)n : 0 };

  if (n > 0) {
    run_on_port(p, feed, &in);
    return G_SOURCE_CONTINUE;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  /* EOF, EIO, HUP: the far side is not open (yet, or any more): look again */
  sim_protocol_at.link_reset(p->at);
  p->read_watch = 0;
  p->retry_timer = g_timeout_add(RETRY_MS, on_retry, p);
  return G_SOURCE_REMOVE;
}

static gboolean
open_pty(SimPort *p, const char *link, GError **error)
{
  struct termios tio;
  const char *name;

  p->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p->fd < 0 || grantpt(p->fd) < 0 || unlockpt(p->fd) < 0 || !(name = ptsname(p->fd))) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "pty: %s", g_strerror(errno));
    return FALSE;
  }
  p->slave_name = g_strdup(name);
  p->slave_fd = open(p->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p->slave_fd >= 0 && tcgetattr(p->slave_fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(p->slave_fd, TCSANOW, &tio);
  }
  unlink(link);
  if (symlink(p->slave_name, link) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "symlink %s: %s", link,
                g_strerror(errno));
    return FALSE;
  }
  sim_core_log(p->core, "second port %s -> %s", link, p->slave_name);
  return TRUE;
}

SimPort *
sim_port_new(SimCore *core, const char *link, int fd, GError **error)
{
  SimPort *p = g_new0(SimPort, 1);

  p->core = core;
  p->fd = -1;
  p->slave_fd = -1;
  p->out = g_byte_array_new();
  p->at = sim_protocol_at.create(core);
  p->link = g_strdup(link);
  if (link && !open_pty(p, link, error)) {
    sim_port_free(p);
    return NULL;
  }
  if (!link) {
    p->fd = fd;
    sim_core_log(core, "second port on fd %d", fd);
  }
  g_unix_set_fd_nonblocking(p->fd, TRUE, NULL);
  p->read_watch = g_unix_fd_add(p->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, p);
  return p;
}

typedef struct {
  SimNotify what;
  gpointer data;
} Notify;

static void
notify(SimPort *p, gpointer arg)
{
  Notify *n = arg;

  sim_protocol_at.notify(p->at, n->what, n->data);
}

void
sim_port_notify(SimPort *p, SimNotify what, gpointer data)
{
  Notify n = { what, data };

  run_on_port(p, notify, &n);
}

void
sim_port_free(SimPort *p)
{
  if (!p)
    return;
  g_clear_handle_id(&p->read_watch, g_source_remove);
  g_clear_handle_id(&p->retry_timer, g_source_remove);
  g_clear_handle_id(&p->write_watch, g_source_remove);
  if (p->link && p->slave_name) {
    g_autofree char *target = g_file_read_link(p->link, NULL);

    if (g_strcmp0(target, p->slave_name) == 0)
      unlink(p->link);
  }
  if (p->fd >= 0)
    close(p->fd);
  if (p->slave_fd >= 0)
    close(p->slave_fd);
  sim_protocol_at.free(p->at);
  g_byte_array_unref(p->out);
  g_free(p->slave_name);
  g_free(p->link);
  g_free(p);
}
