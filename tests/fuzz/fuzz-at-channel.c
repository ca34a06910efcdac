/* libFuzzer target: the AT channel's line handling, with the input as what a
 * modem sends, in chunks, while commands are in flight.
 *
 * The input is a script of operations: queue a command (several kinds:
 * plain, secret, one that expects CONNECT, one that sends a PDU on the
 * prompt), send the next chunk of bytes, cancel the last command, leave data
 * mode.
 * Afterwards the channel is closed. Besides crashes and sanitizer reports, a
 * finding is: a command that never completes, a result, URC or error that is
 * not clean text, a result over MMD_AT_MAX_RESPONSE or a URC (or either line
 * of a URC with a body: +CMT, +CBM) over MMD_AT_MAX_LINE. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "at-channel.h"
#include "fuzz-common.h"
#include "mmd-text.h"

#define MAX_COMMANDS 16

typedef struct {
  gboolean done;
  GCancellable *cancellable;
} Pending;

typedef struct {
  const uint8_t *data;
  size_t size;
  size_t off;
} Script;

static const struct {
  const char *text;
  MmdAtCommandFlags flags;
  const char *pdu; /* sent on the "> " prompt */
} commands[] = {
  { "AT+CREG?", MMD_AT_COMMAND_NONE, NULL },
  { "AT+COPS=?", MMD_AT_COMMAND_NONE, NULL },
  { "AT+CPIN=\"1234\"", MMD_AT_COMMAND_SECRET, NULL },
  { "AT+CIMI", MMD_AT_COMMAND_PERSONAL, NULL },
  { "ATD*99#", MMD_AT_COMMAND_NONE, NULL },
  { "AT+CMGS=12", MMD_AT_COMMAND_NONE, "0001000B914171092143F50000" },
  { "+++", MMD_AT_COMMAND_RAW | MMD_AT_COMMAND_IN_DATA_MODE, NULL },
  { "ATH", MMD_AT_COMMAND_IN_DATA_MODE, NULL },
};

static guint8
next_byte(Script *s)
{
  return s->off < s->size ? s->data[s->off++] : 0;
}

static void
on_urc(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  g_assert_true(mmd_text_is_clean(line, -1));
  g_assert_cmpuint(strlen(line), <=, MMD_AT_MAX_LINE);
}

/* +CMT and +CBM hand over "header\nbody": each line as a URC line. */
static void
on_urc_with_body(MmdAtChannel *ch, const char *text, gpointer user_data)
{
  const char *body = strchr(text, '\n');

  g_assert_nonnull(body);
  g_assert_true(mmd_text_is_clean(text, body - text));
  g_assert_cmpuint(body - text, <=, MMD_AT_MAX_LINE);
  g_assert_true(mmd_text_is_clean(body + 1, -1));
  g_assert_cmpuint(strlen(body + 1), <=, MMD_AT_MAX_LINE);
}

static void
on_gone(MmdAtChannel *ch, const GError *error, gpointer user_data)
{
  g_assert_true(mmd_text_is_clean(error->message, -1));
}

/* A response is lines joined with "\n": each of them clean. */
static void
check_lines(const char *response)
{
  for (const char *line = response;;) {
    gsize len = strcspn(line, "\n");

    g_assert_true(mmd_text_is_clean(line, (gssize)len));
    if (line[len] == '\0')
      break;
    line += len + 1;
  }
}

static void
on_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Pending *p = user_data;
  GError *error = NULL;
  char *response = mmd_at_channel_command_finish(NULL, res, &error);

  if (response) {
    check_lines(response);
    g_assert_cmpuint(strlen(response), <=, MMD_AT_MAX_RESPONSE);
  } else {
    g_assert_true(mmd_text_is_clean(error->message, -1));
  }
  g_free(response);
  g_clear_error(&error);
  p->done = TRUE;
}

static void
drain(void)
{
  while (g_main_context_iteration(NULL, FALSE))
    ;
}

/* Writes a chunk as the modem; the socket buffer holds more than an input. */
static void
modem_sends(int peer, Script *s)
{
  gsize len = next_byte(s) | (gsize)next_byte(s) << 8;

  len = MIN(len, s->size - s->off);
  /* EPIPE once the channel has let go of a modem that sent garbage */
  if (len > 0 && send(peer, s->data + s->off, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    g_assert_true(errno == EPIPE || errno == EAGAIN);
  s->off += len;
}

static void
run_script(MmdAtChannel *ch, int peer, Script *s, Pending *pending, guint *n_pending)
{
  while (s->off < s->size) {
    guint8 op = next_byte(s);

    switch (op % 4) {
      case 0: {
        guint k = next_byte(s) % G_N_ELEMENTS(commands);
        Pending *p;

        if (*n_pending == MAX_COMMANDS)
          break;
        p = &pending[(*n_pending)++];
        p->cancellable = g_cancellable_new();
        if (commands[k].pdu)
          mmd_at_channel_command_with_pdu(ch, commands[k].text, commands[k].pdu, 60000,
                                          p->cancellable, on_done, p);
        else
          mmd_at_channel_command(ch, commands[k].text, 60000, commands[k].flags, p->cancellable,
                                 on_done, p);
        break;
      }
      case 1:
        modem_sends(peer, s);
        break;
      case 2:
        if (*n_pending > 0)
          g_cancellable_cancel(pending[*n_pending - 1].cancellable);
        break;
      default:
        mmd_at_channel_set_data_mode(ch, FALSE);
        break;
    }
    drain();
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Pending pending[MAX_COMMANDS] = { 0 };
  guint n_pending = 0;
  Script script = { data, size, 0 };
  MmdAtChannel *ch = mmd_at_channel_new("fuzz");
  int sv[2];

  g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  g_assert_true(mmd_at_channel_open_fd(ch, sv[0], NULL));
  mmd_at_channel_add_urc_handler(ch, "+CREG:", on_urc, NULL);
  mmd_at_channel_add_urc_handler(ch, "RING", on_urc, NULL);
  mmd_at_channel_add_urc_handler(ch, "NO CARRIER", on_urc, NULL);
  mmd_at_channel_add_urc_handler_with_body(ch, "+CMT:", on_urc_with_body, NULL);
  mmd_at_channel_add_urc_handler_with_body(ch, "+CBM:", on_urc_with_body, NULL);
  mmd_at_channel_set_gone_handler(ch, on_gone, NULL);

  run_script(ch, sv[1], &script, pending, &n_pending);

  /* every command completes once the port is closed */
  mmd_at_channel_close(ch);
  drain();
  for (guint i = 0; i < n_pending; i++) {
    g_assert_true(pending[i].done);
    g_object_unref(pending[i].cancellable);
  }
  mmd_at_channel_unref(ch);
  close(sv[1]);
  return 0;
}
