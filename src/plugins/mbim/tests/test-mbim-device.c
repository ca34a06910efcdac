/* MbimDevice against a scripted function on the other side of a pty:
 * OPEN, fragmentation in both directions, indications, status and function
 * errors, timeouts, the port going away, a function that sends garbage, and
 * the wire log. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mbim-generated.h"
#include "mmd-errors.h"

typedef enum {
  REPLY_NORMAL,
  REPLY_SILENT,
  REPLY_FUNCTION_ERROR,
  REPLY_STATUS_FAILURE,
  REPLY_NOT_OPENED_ONCE,
  REPLY_EMPTY_BUFFER,
} ReplyMode;

typedef struct {
  int master;
  guint watch;
  GByteArray *in;
  MbimReassembler *reasm;
  ReplyMode mode;
  guint32 max_transfer; /* the function's side */
  guint fragments_received;
  guint opens;
  char *last_provider_id; /* from the last REGISTER_STATE set */

  MbimDevice *device;
  GMainLoop *loop;
  GAsyncResult *result;
  char *indicated_name;
  guint indications;
  char *gone_why;
  gboolean quit_on_event; /* an indication or "gone" ends wait_event() */
} Fixture;

/* What the device logged (domain modemd-mbim), for the wire log tests. */
static GPtrArray *device_log;

static void
fx_send(Fixture *fx, GBytes *msg)
{
  g_autoptr(GPtrArray) frags = mbim_message_fragment(msg, fx->max_transfer);

  for (guint i = 0; i < frags->len; i++) {
    gsize n;
    const guint8 *d = g_bytes_get_data(frags->pdata[i], &n);

    g_assert_cmpint(write(fx->master, d, n), ==, (gssize)n);
  }
}

static GBytes *
register_state_buffer(const char *name)
{
  const MbimRegistrationStateInfo in
      = { .register_state = 3, .provider_id = "26201", .provider_name = name };

  return mbim_registration_state_info_encode(&in);
}

static void
fx_handle(Fixture *fx, GBytes *raw)
{
  g_autoptr(MbimMessage) m = mbim_message_parse(raw, NULL);
  g_autoptr(GBytes) reply = NULL;

  g_assert_nonnull(m);
  if (m->type == MBIM_MESSAGE_TYPE_OPEN) {
    fx->opens++;
    reply = mbim_message_new_status(MBIM_MESSAGE_TYPE_OPEN_DONE, m->tid, 0);
    fx_send(fx, reply);
    return;
  }
  if (m->type != MBIM_MESSAGE_TYPE_COMMAND)
    return;
  switch (fx->mode) {
    case REPLY_SILENT:
      return;
    case REPLY_NOT_OPENED_ONCE:
      fx->mode = REPLY_NORMAL;
      reply = mbim_message_new_status(MBIM_MESSAGE_TYPE_FUNCTION_ERROR, m->tid,
                                      MBIM_PROTOCOL_ERROR_NOT_OPENED);
      fx_send(fx, reply);
      return;
    case REPLY_FUNCTION_ERROR:
      reply = mbim_message_new_status(MBIM_MESSAGE_TYPE_FUNCTION_ERROR, m->tid,
                                      MBIM_PROTOCOL_ERROR_NOT_OPENED);
      fx_send(fx, reply);
      return;
    case REPLY_STATUS_FAILURE: {
      static const guint8 pin_info[] = { 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };

      reply = mbim_message_new_command_done(m->tid, m->service, m->cid, MBIM_STATUS_FAILURE,
                                            pin_info, sizeof pin_info);
      fx_send(fx, reply);
      return;
    }
    case REPLY_EMPTY_BUFFER:
      reply = mbim_message_new_command_done(m->tid, m->service, m->cid, 0, NULL, 0);
      fx_send(fx, reply);
      return;
    case REPLY_NORMAL:
      break;
  }
  if (m->cid == MBIM_CID_REGISTER_STATE) {
    g_autoptr(MbimSetRegistrationState) req
        = mbim_set_registration_state_decode(m->buf, m->buf_len, NULL);
    g_autofree char *long_name = g_strnfill(200, 'N');
    g_autoptr(GBytes) ind_buf = register_state_buffer("Indicated Network With A Long Name");
    g_autoptr(GBytes) ind
        = mbim_message_new_indication(mbim_uuid_basic_connect, MBIM_CID_REGISTER_STATE,
                                      g_bytes_get_data(ind_buf, NULL), g_bytes_get_size(ind_buf));
    g_autoptr(GBytes) buf = register_state_buffer(long_name);

    g_assert_nonnull(req);
    g_free(fx->last_provider_id);
    fx->last_provider_id = g_strdup(req->provider_id);
    fx_send(fx, ind);
    reply = mbim_message_new_command_done(m->tid, m->service, m->cid, 0,
                                          g_bytes_get_data(buf, NULL), g_bytes_get_size(buf));
    fx_send(fx, reply);
  }
}

static gboolean
fx_readable(int fd, GIOCondition cond, gpointer user_data)
{
  Fixture *fx = user_data;
  guint8 buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);

  if (n <= 0)
    return G_SOURCE_CONTINUE;
  g_byte_array_append(fx->in, buf, n);
  while (fx->in->len >= MBIM_HEADER_SIZE) {
    guint32 len;
    guint32 etid = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) whole = NULL;

    mbim_header_peek(fx->in->data, fx->in->len, NULL, &len, NULL);
    if (fx->in->len < len)
      break;
    fx->fragments_received++;
    whole = mbim_reassembler_push(fx->reasm, fx->in->data, len, &etid, &error);
    g_assert_no_error(error);
    g_byte_array_remove_range(fx->in, 0, len);
    if (whole)
      fx_handle(fx, whole);
  }
  return G_SOURCE_CONTINUE;
}

static void
on_indication(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  Fixture *fx = user_data;

  g_assert_cmpuint(n->id, ==, MBIM_NOTIFICATION_REGISTER_STATE);
  g_free(fx->indicated_name);
  fx->indicated_name = g_strdup(n->register_state->provider_name);
  fx->indications++;
  if (fx->quit_on_event)
    g_main_loop_quit(fx->loop);
}

static void
on_gone(MbimDevice *device, const char *why, gpointer user_data)
{
  Fixture *fx = user_data;

  g_free(fx->gone_why);
  fx->gone_why = g_strdup(why);
  if (fx->quit_on_event)
    g_main_loop_quit(fx->loop);
}

static gboolean
event_overdue(gpointer user_data)
{
  Fixture *fx = user_data;

  g_main_loop_quit(fx->loop);
  return G_SOURCE_REMOVE;
}

/* Runs until an indication arrives or the device is gone (the timeout only
 * turns a missing event into a failed assertion instead of a hang). */
static void
wait_event(Fixture *fx)
{
  guint overdue = g_timeout_add_seconds(10, event_overdue, fx);

  fx->quit_on_event = TRUE;
  g_main_loop_run(fx->loop);
  fx->quit_on_event = FALSE;
  g_source_remove(overdue);
}

static void
got_result(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fixture *fx = user_data;

  fx->result = g_object_ref(res);
  g_main_loop_quit(fx->loop);
}

static GAsyncResult *
wait_result(Fixture *fx)
{
  GAsyncResult *r;

  if (!fx->result)
    g_main_loop_run(fx->loop);
  r = fx->result;
  fx->result = NULL;
  return r;
}

static void
fx_setup(Fixture *fx, gconstpointer data)
{
  struct termios tio;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  memset(fx, 0, sizeof *fx);
  fx->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint(fx->master, >=, 0);
  g_assert_cmpint(grantpt(fx->master), ==, 0);
  g_assert_cmpint(unlockpt(fx->master), ==, 0);
  tcgetattr(fx->master, &tio);
  cfmakeraw(&tio);
  tcsetattr(fx->master, TCSANOW, &tio);
  g_unix_set_fd_nonblocking(fx->master, TRUE, NULL);
  fx->in = g_byte_array_new();
  fx->reasm = mbim_reassembler_new(64);
  fx->max_transfer = 64;
  fx->watch = g_unix_fd_add(fx->master, G_IO_IN, fx_readable, fx);
  fx->loop = g_main_loop_new(NULL, FALSE);

  fx->device = mbim_device_new(ptsname(fx->master));
  mbim_device_set_max_control_transfer(fx->device, 64);
  g_signal_connect(fx->device, "indication", G_CALLBACK(on_indication), fx);
  g_signal_connect(fx->device, "gone", G_CALLBACK(on_gone), fx);
  mbim_device_open(fx->device, 2, NULL, got_result, fx);
  res = wait_result(fx);
  g_assert_true(mbim_device_open_finish(fx->device, res, &error));
  g_assert_no_error(error);
}

static void
fx_teardown(Fixture *fx, gconstpointer data)
{
  g_clear_object(&fx->device);
  if (fx->watch)
    g_source_remove(fx->watch);
  if (fx->master >= 0)
    close(fx->master);
  g_byte_array_unref(fx->in);
  mbim_reassembler_free(fx->reasm);
  g_main_loop_unref(fx->loop);
  g_free(fx->last_provider_id);
  g_free(fx->indicated_name);
  g_free(fx->gone_why);
}

static void
register_long(Fixture *fx, guint timeout_s)
{
  g_autofree char *id = g_strnfill(100, '7');
  const MbimSetRegistrationState in = { .provider_id = id };

  mbim_command_register_state_set(fx->device, &in, timeout_s, NULL, got_result, fx);
}

static void
test_fragments_both_ways(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;
  g_autofree char *expect = g_strnfill(200, 'N');
  g_autofree char *sent = g_strnfill(100, '7');

  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_no_error(error);
  /* host -> function: 100 UTF-16 characters do not fit in 64-byte transfers */
  g_assert_cmpuint(fx->fragments_received, >, 4);
  g_assert_cmpstr(fx->last_provider_id, ==, sent);
  /* function -> host: the 200-character name came back in fragments too */
  g_assert_cmpstr(f->provider_name, ==, expect);
  g_assert_cmpstr(fx->indicated_name, ==, "Indicated Network With A Long Name");
}

static void
test_timeout(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  fx->mode = REPLY_SILENT;
  register_long(fx, 1);
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_null(f);
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
}

static void
test_function_error(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimDeviceCapsInfo) f = NULL;

  fx->mode = REPLY_FUNCTION_ERROR;
  mbim_command_device_caps_query(fx->device, 5, NULL, got_result, fx);
  res = wait_result(fx);
  f = mbim_command_device_caps_query_finish(fx->device, res, NULL, &error);
  g_assert_null(f);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_NOT_OPENED);
}

static void
test_reopen(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  fx->mode = REPLY_NOT_OPENED_ONCE;
  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(f);
  g_assert_cmpuint(fx->opens, ==, 2);
}

static void
test_status_failure(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimPinInfo) f = NULL;
  g_autoptr(MbimPinInfo) info = NULL;
  const MbimSetPin pin = { .pin = "0000" };

  fx->mode = REPLY_STATUS_FAILURE;
  mbim_command_pin_set(fx->device, &pin, 5, NULL, got_result, fx);
  res = wait_result(fx);
  f = mbim_command_pin_set_finish(fx->device, res, &info, &error);
  g_assert_null(f);
  g_assert_error(error, MBIM_STATUS_ERROR, MBIM_STATUS_FAILURE);
  /* the buffer of a failed command is still decoded */
  g_assert_nonnull(info);
  g_assert_cmpuint(info->pin_type, ==, 2);
  g_assert_cmpuint(info->remaining_attempts, ==, 2);
}

static void
test_gone(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  fx->mode = REPLY_SILENT;
  register_long(fx, 10);
  g_source_remove(fx->watch);
  fx->watch = 0;
  close(fx->master);
  fx->master = -1;
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN);
  g_assert_nonnull(fx->gone_why);
}

static void
test_empty_buffer(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  fx->mode = REPLY_EMPTY_BUFFER;
  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  /* success without a buffer: every field empty, strings "" rather than NULL */
  g_assert_no_error(error);
  g_assert_cmpuint(f->register_state, ==, 0);
  g_assert_cmpstr(f->provider_id, ==, "");
  g_assert_cmpstr(f->provider_name, ==, "");
}

static void
send_indication(Fixture *fx, const char *name)
{
  g_autoptr(GBytes) buf = register_state_buffer(name);
  g_autoptr(GBytes) ind
      = mbim_message_new_indication(mbim_uuid_basic_connect, MBIM_CID_REGISTER_STATE,
                                    g_bytes_get_data(buf, NULL), g_bytes_get_size(buf));

  fx_send(fx, ind);
}

/* COMMAND_DONE messages too short to hold a command: well framed, malformed. */
static void
send_malformed(Fixture *fx, guint n)
{
  for (guint i = 0; i < n; i++) {
    g_autoptr(GBytes) m = mbim_message_new_status(MBIM_MESSAGE_TYPE_COMMAND_DONE, 99, 0);

    fx_send(fx, m);
  }
}

static void
test_garbage_tolerated(Fixture *fx, gconstpointer data)
{
  static const guint8 junk[] = { 0x7e, 0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe,
                                 0xef, 0x42, 0x01, 0x02, 0x00, 0x99, 0x55, 0xaa };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  /* bytes that are no message: skipped, the next message is found */
  g_assert_cmpint(write(fx->master, junk, sizeof junk), ==, sizeof junk);
  send_indication(fx, "After Junk");
  wait_event(fx);
  g_assert_cmpstr(fx->indicated_name, ==, "After Junk");
  /* a few malformed messages between good ones never add up */
  for (guint round = 0; round < 3; round++) {
    send_malformed(fx, 10);
    send_indication(fx, "Good");
    wait_event(fx);
  }
  g_assert_null(fx->gone_why);
  g_assert_cmpuint(fx->indications, ==, 4);
  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_no_error(error);
}

static void
test_garbage_drops_the_function(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f = NULL;

  fx->mode = REPLY_SILENT;
  register_long(fx, 10);
  send_malformed(fx, 16);
  wait_event(fx);
  g_assert_nonnull(fx->gone_why);
  g_assert_nonnull(strstr(fx->gone_why, "garbage"));
  /* what waited fails at once rather than at its timeout */
  res = wait_result(fx);
  f = mbim_command_register_state_set_finish(fx->device, res, NULL, &error);
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN);
}

static gboolean
debug_on(void)
{
  return TRUE;
}

static char *
logged(void)
{
  g_autoptr(GString) all = g_string_new(NULL);

  for (guint i = 0; i < device_log->len; i++)
    g_string_append_printf(all, "%s\n", (const char *)device_log->pdata[i]);
  return g_strdup(all->str);
}

static void
test_wire_log(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimPinInfo) f = NULL;
  g_autoptr(MbimPinInfo) f2 = NULL;
  g_autofree char *quiet = NULL;
  g_autofree char *verbose = NULL;
  const MbimSetPin pin = { .pin_type = 2, .pin = "2468" };

  /* without debug logging no message is described */
  fx->mode = REPLY_STATUS_FAILURE;
  g_ptr_array_set_size(device_log, 0);
  mbim_command_pin_set(fx->device, &pin, 5, NULL, got_result, fx);
  res = wait_result(fx);
  f = mbim_command_pin_set_finish(fx->device, res, NULL, NULL);
  quiet = logged();
  g_assert_null(strstr(quiet, ">>"));
  g_assert_null(strstr(quiet, "<<"));

  mbim_log_set_policy(debug_on, FALSE);
  mbim_command_pin_set(fx->device, &pin, 5, NULL, got_result, fx);
  res2 = wait_result(fx);
  f2 = mbim_command_pin_set_finish(fx->device, res2, NULL, &error);
  mbim_log_set_policy(NULL, FALSE);
  verbose = logged();
  g_assert_nonnull(strstr(verbose, ">> COMMAND"));
  g_assert_nonnull(strstr(verbose, "basic-connect/pin set {PinType: 2"));
  g_assert_nonnull(strstr(verbose, "<< COMMAND_DONE"));
  g_assert_nonnull(strstr(verbose, "RemainingAttempts: 2"));
  g_assert_null(strstr(verbose, "2468"));
}

static GLogWriterOutput
capture_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++) {
    if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  }
  if (g_strcmp0(domain, "modemd-mbim") == 0 && message)
    g_ptr_array_add(device_log, g_strdup(message));
  return g_log_writer_default(level, fields, n_fields, user_data);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fx_setup, fn, fx_teardown)
  ADD("/mbim/device/fragments-both-ways", test_fragments_both_ways);
  ADD("/mbim/device/timeout", test_timeout);
  ADD("/mbim/device/function-error", test_function_error);
  ADD("/mbim/device/status-failure", test_status_failure);
  ADD("/mbim/device/reopen", test_reopen);
  ADD("/mbim/device/gone", test_gone);
  ADD("/mbim/device/empty-buffer", test_empty_buffer);
  ADD("/mbim/device/garbage-tolerated", test_garbage_tolerated);
  ADD("/mbim/device/garbage-drops-the-function", test_garbage_drops_the_function);
  ADD("/mbim/device/wire-log", test_wire_log);
  device_log = g_ptr_array_new_with_free_func(g_free);
  g_log_set_writer_func(capture_writer, NULL, NULL);
  return g_test_run();
}
