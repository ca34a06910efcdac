/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the link to the peer, a pty behind a symlink (--link) or an
 * inherited descriptor (--fd), with its write queue, the peer's opens and
 * closes and the hangup of an unplugged device (sim-fault.c decides when).
 */
#define _GNU_SOURCE
#include "sim-core-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

static void
clear_source(guint *id)
{
  if (*id)
    g_source_remove(*id);
  *id = 0;
}

static void
close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

void
sim_link_close(SimCore *core)
{
  clear_source(&core->read_watch);
  clear_source(&core->retry_timer);
  clear_source(&core->write_watch);
  clear_source(&core->inotify_watch);
  close_fd(&core->inotify_fd);
  close_fd(&core->io_fd);
  close_fd(&core->slave_fd);
}

void
sim_link_remove(SimCore *core)
{
  if (core->config->link) {
    char buf[512];
    ssize_t n = readlink(core->config->link, buf, sizeof buf - 1);

    if (n > 0) {
      buf[n] = '\0';
      if (core->slave_name && g_str_equal(buf, core->slave_name))
        unlink(core->config->link);
    }
  }
}

void
sim_link_hangup(SimCore *core, const char *why)
{
  sim_core_log(core, "%s", why);
  core->dead = TRUE;
  sim_link_remove(core);
  sim_link_close(core);
  if (core->proto->close_link)
    core->proto->close_link(core->proto_self);
  sim_core_quit(core, 0);
}

static gboolean
on_writable(int fd, GIOCondition cond, gpointer user_data)
{
  SimCore *core = user_data;

  while (core->outbuf->len > 0) {
    ssize_t n = write(fd, core->outbuf->data, core->outbuf->len);

    if (n > 0) {
      g_byte_array_remove_range(core->outbuf, 0, n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
    /* peer gone: drop what is pending */
    g_byte_array_set_size(core->outbuf, 0);
  }
  core->write_watch = 0;
  return G_SOURCE_REMOVE;
}

SimSink
sim_core_set_sink(SimCore *core, SimSink sink)
{
  SimSink before = core->sink;

  core->sink = sink;
  return before;
}

void
sim_core_send(SimCore *core, const guint8 *data, gsize len)
{
  if (core->sink.func) {
    core->sink.func(core->sink.data, data, len);
    return;
  }
  if (core->muted || core->dead)
    return;
  if (core->proto->send_raw) {
    core->proto->send_raw(core->proto_self, data, len);
    return;
  }
  if (core->io_fd < 0)
    return;
  /* nobody has the link open: like a closed cdc-wdm port, nothing is kept */
  if (core->peers == 0)
    return;
  g_byte_array_append(core->outbuf, data, len);
  if (!core->write_watch) {
    on_writable(core->io_fd, G_IO_OUT, core);
    if (core->outbuf->len > 0)
      core->write_watch = g_unix_fd_add(core->io_fd, G_IO_OUT, on_writable, core);
  }
}

static gboolean
on_retry(gpointer user_data)
{
  SimCore *core = user_data;

  core->retry_timer = 0;
  sim_link_arm_read(core);
  return G_SOURCE_REMOVE;
}

static void
link_backoff(SimCore *core)
{
  if (core->link_open) {
    core->link_open = FALSE;
    core->proto->link_reset(core->proto_self);
  }
  if (core->read_watch) {
    g_source_remove(core->read_watch);
    core->read_watch = 0;
  }
  if (!core->retry_timer)
    core->retry_timer = g_timeout_add(20, on_retry, core);
}

/* Peer open/close of the pty slave, seen through inotify.  While no peer has the
 * link open, output is dropped, and what an earlier peer left unread is flushed
 * when it closes and again when the next one opens, as a real cdc-wdm port would
 * not keep it either.  (A peer that reopens faster than we see its close may
 * still read a few stale bytes.) */
static void
process_inotify(SimCore *core)
{
  union {
    struct inotify_event ev;
    char buf[4096];
  } u;
  ssize_t n;

  if (core->inotify_fd < 0)
    return;
  while ((n = read(core->inotify_fd, u.buf, sizeof u.buf)) > 0) {
    for (char *p = u.buf; p < u.buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;

      if (ev->mask & IN_OPEN) {
        if (core->peers++ == 0) {
          tcflush(core->slave_fd, TCIFLUSH);
          g_byte_array_set_size(core->outbuf, 0);
          core->proto->link_reset(core->proto_self);
          sim_core_log(core, "link opened by peer");
        }
      }
      if (ev->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) {
        if (core->peers > 0 && --core->peers == 0) {
          tcflush(core->slave_fd, TCIFLUSH);
          g_byte_array_set_size(core->outbuf, 0);
          core->proto->link_reset(core->proto_self);
          sim_core_log(core, "link closed by peer");
        }
      }
      p += sizeof(struct inotify_event) + ev->len;
    }
  }
}

static gboolean
on_inotify(int fd, GIOCondition cond, gpointer user_data)
{
  process_inotify(user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  SimCore *core = user_data;
  guint8 buf[4096];
  ssize_t n;

  /* learn about a new peer before answering it */
  process_inotify(core);
  n = read(fd, buf, sizeof buf);
  if (n > 0) {
    if (!core->link_open) {
      core->link_open = TRUE;
      core->proto->link_reset(core->proto_self);
    }
    core->proto->feed(core->proto_self, buf, n);
    return G_SOURCE_CONTINUE;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  /* EOF, EIO or HUP: the far side is not open (yet/any more). Poll again later. */
  core->read_watch = 0;
  link_backoff(core);
  return G_SOURCE_REMOVE;
}

void
sim_link_arm_read(SimCore *core)
{
  if (core->io_fd < 0 || core->read_watch)
    return;
  core->read_watch = g_unix_fd_add(core->io_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, core);
}

gboolean
sim_link_setup_pty(SimCore *core, GError **error)
{
  struct termios tio;
  const char *name;
  g_autofree char *tmp = NULL;

  core->io_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (core->io_fd < 0 || grantpt(core->io_fd) < 0 || unlockpt(core->io_fd) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "posix_openpt: %s",
                g_strerror(errno));
    return FALSE;
  }
  name = ptsname(core->io_fd);
  if (!name) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "ptsname failed");
    return FALSE;
  }
  core->slave_name = g_strdup(name);
  core->slave_fd = open(core->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (core->slave_fd < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "open %s: %s", core->slave_name,
                g_strerror(errno));
    return FALSE;
  }
  if (tcgetattr(core->slave_fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(core->slave_fd, TCSANOW, &tio);
  }
  g_unix_set_fd_nonblocking(core->io_fd, TRUE, NULL);

  /* atomically replace an existing link */
  tmp = g_strdup_printf("%s.tmp%d", core->config->link, (int)getpid());
  unlink(tmp);
  if (symlink(core->slave_name, tmp) < 0 || rename(tmp, core->config->link) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "symlink %s: %s",
                core->config->link, g_strerror(errno));
    unlink(tmp);
    return FALSE;
  }
  core->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (core->inotify_fd >= 0
      && inotify_add_watch(core->inotify_fd, core->slave_name,
                           IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)
             >= 0) {
    core->peers = 0;
    core->inotify_watch = g_unix_fd_add(core->inotify_fd, G_IO_IN, on_inotify, core);
  } else {
    sim_core_log(core, "inotify unavailable, stale output is not discarded between peers");
  }
  sim_core_log(core, "link %s -> %s", core->config->link, core->slave_name);
  /* with the slave held open, the master is "open" from the start */
  core->link_open = TRUE;
  return TRUE;
}

void
sim_link_setup_fd(SimCore *core)
{
  struct termios tio;

  core->io_fd = core->config->fd;
  g_unix_set_fd_nonblocking(core->io_fd, TRUE, NULL);
  if (isatty(core->io_fd) && tcgetattr(core->io_fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(core->io_fd, TCSANOW, &tio);
  }
  sim_core_log(core, "serving on fd %d", core->io_fd);
  core->link_open = FALSE;
}
