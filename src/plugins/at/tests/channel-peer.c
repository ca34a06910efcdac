/* The test's side of an AT channel. */
#include "channel-peer.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

static void
on_urc(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  Fixture *f = user_data;
  g_ptr_array_add(f->urcs, g_strdup(line));
}

static void
on_gone(MmdAtChannel *ch, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;
  f->gone = TRUE;
  g_clear_error(&f->gone_error);
  f->gone_error = g_error_copy(error);
}

void
setup(Fixture *f, gconstpointer data)
{
  int sv[2];

  g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  f->ch = mmd_at_channel_new("test");
  g_assert_true(mmd_at_channel_open_fd(f->ch, sv[0], NULL));
  f->peer = sv[1];
  f->urcs = g_ptr_array_new_with_free_func(g_free);
  mmd_at_channel_add_urc_handler(f->ch, "+CREG:", on_urc, f);
  mmd_at_channel_add_urc_handler(f->ch, "RING", on_urc, f);
  mmd_at_channel_add_urc_handler(f->ch, "NO CARRIER", on_urc, f);
  mmd_at_channel_set_gone_handler(f->ch, on_gone, f);
}

void
teardown(Fixture *f, gconstpointer data)
{
  if (f->ch)
    mmd_at_channel_unref(f->ch);
  if (f->peer >= 0)
    close(f->peer);
  g_ptr_array_unref(f->urcs);
  g_clear_error(&f->gone_error);
}

static void
on_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Result *r = user_data;
  r->response = mmd_at_channel_command_finish(NULL, res, &r->error);
  r->done = TRUE;
}

void
send_cmd(Fixture *f, const char *cmd, guint timeout, MmdAtCommandFlags flags,
         GCancellable *cancellable, Result *r)
{
  memset(r, 0, sizeof *r);
  mmd_at_channel_command(f->ch, cmd, timeout, flags, cancellable, on_done, r);
}

void
send_cmd_with_pdu(Fixture *f, const char *cmd, const char *pdu_hex, guint timeout, Result *r)
{
  memset(r, 0, sizeof *r);
  mmd_at_channel_command_with_pdu(f->ch, cmd, pdu_hex, timeout, NULL, on_done, r);
}

void
collect_urcs_with_body(Fixture *f, const char *prefix)
{
  mmd_at_channel_add_urc_handler_with_body(f->ch, prefix, on_urc, f);
}

void
peer_expect(Fixture *f, const char *expect)
{
  GString *got = g_string_new(NULL);
  gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

  while (!strstr(got->str, expect)) {
    char buf[256];
    ssize_t n;

    g_main_context_iteration(NULL, FALSE);
    g_assert_true(g_unix_set_fd_nonblocking(f->peer, TRUE, NULL));
    n = read(f->peer, buf, sizeof buf);
    if (n > 0)
      g_string_append_len(got, buf, n);
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    if (n <= 0) {
      /* wait for the channel's bytes, still letting its main loop run */
      GPollFD pfd = { .fd = f->peer, .events = G_IO_IN };
      g_poll(&pfd, 1, 10);
    }
  }
  g_string_free(got, TRUE);
}

void
peer_send_len(Fixture *f, const char *data, gsize len)
{
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  gsize off = 0;

  g_assert_true(g_unix_set_fd_nonblocking(f->peer, TRUE, NULL));
  while (off < len) {
    ssize_t n = send(f->peer, data + off, len - off, MSG_NOSIGNAL);

    if (n < 0 && errno == ENOTSOCK) /* a pty */
      n = write(f->peer, data + off, len - off);

    if (n > 0) {
      off += (gsize)n;
      continue;
    }
    /* EPIPE: the channel let go of the port (it may, with a hostile modem) */
    if (n < 0 && errno == EPIPE)
      return;
    g_assert_true(n < 0 && errno == EAGAIN);
    /* the socket is full: let the channel read some */
    g_main_context_iteration(NULL, TRUE);
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
  }
}

void
peer_send(Fixture *f, const char *text)
{
  peer_send_len(f, text, strlen(text));
}

void
wait_done(Result *r)
{
  gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

  while (!r->done) {
    g_main_context_iteration(NULL, TRUE);
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
  }
}

void
result_clear(Result *r)
{
  g_free(r->response);
  g_clear_error(&r->error);
}
