/* MbimDevice against a scripted function on the other side of a pty:
 * OPEN, fragmentation in both directions, indications, status and function
 * errors, timeouts and the port going away. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mbim-device.h"
#include "mmd-errors.h"

typedef enum {
  REPLY_NORMAL,
  REPLY_SILENT,
  REPLY_FUNCTION_ERROR,
  REPLY_STATUS_FAILURE,
  REPLY_NOT_OPENED_ONCE,
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
  char *gone_why;
} Fixture;

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
  const MbimCidInfo *info = mbim_cid_lookup(mbim_uuid_basic_connect, MBIM_CID_REGISTER_STATE);
  GVariantDict d;
  g_autoptr(GVariant) v = NULL;

  g_variant_dict_init(&d, NULL);
  g_variant_dict_insert(&d, "RegisterState", "u", (guint32)3);
  g_variant_dict_insert(&d, "ProviderId", "s", "26201");
  g_variant_dict_insert(&d, "ProviderName", "s", name);
  v = g_variant_ref_sink(g_variant_dict_end(&d));
  return mbim_encode(info->response, v, NULL);
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
    case REPLY_NORMAL:
      break;
  }
  if (m->cid == MBIM_CID_REGISTER_STATE) {
    const MbimCidInfo *info = mbim_cid_lookup(m->service, m->cid);
    g_autoptr(GVariant) req = mbim_decode(info->set, m->buf, m->buf_len, NULL);
    g_autofree char *long_name = g_strnfill(200, 'N');
    g_autoptr(GBytes) ind_buf = register_state_buffer("Indicated Network With A Long Name");
    g_autoptr(GBytes) ind
        = mbim_message_new_indication(mbim_uuid_basic_connect, MBIM_CID_REGISTER_STATE,
                                      g_bytes_get_data(ind_buf, NULL), g_bytes_get_size(ind_buf));
    g_autoptr(GBytes) buf = register_state_buffer(long_name);

    g_assert_nonnull(req);
    g_free(fx->last_provider_id);
    g_assert_true(g_variant_lookup(req, "ProviderId", "s", &fx->last_provider_id));
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
on_indication(MbimDevice *device, const MbimCidInfo *info, GVariant *fields, gpointer user_data)
{
  Fixture *fx = user_data;

  g_assert_cmpuint(info->cid, ==, MBIM_CID_REGISTER_STATE);
  g_free(fx->indicated_name);
  g_assert_true(g_variant_lookup(fields, "ProviderName", "s", &fx->indicated_name));
}

static void
on_gone(MbimDevice *device, const char *why, gpointer user_data)
{
  Fixture *fx = user_data;

  g_free(fx->gone_why);
  fx->gone_why = g_strdup(why);
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
  fx->reasm = mbim_reassembler_new();
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
  /* the device borrows the fields */
  g_autoptr(GVariant) fields = g_variant_ref_sink(g_variant_new_parsed("{'ProviderId': <%s>}", id));

  mbim_device_command(fx->device, MBIM_CID_REGISTER_STATE, MBIM_COMMAND_TYPE_SET, fields, timeout_s,
                      NULL, got_result, fx);
}

static void
test_fragments_both_ways(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;
  g_autofree char *expect = g_strnfill(200, 'N');
  g_autofree char *sent = g_strnfill(100, '7');
  const char *name;

  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, NULL, &error);
  g_assert_no_error(error);
  /* host -> function: 100 UTF-16 characters do not fit in 64-byte transfers */
  g_assert_cmpuint(fx->fragments_received, >, 4);
  g_assert_cmpstr(fx->last_provider_id, ==, sent);
  /* function -> host: the 200-character name came back in fragments too */
  g_assert_true(g_variant_lookup(f, "ProviderName", "&s", &name));
  g_assert_cmpstr(name, ==, expect);
  g_assert_cmpstr(fx->indicated_name, ==, "Indicated Network With A Long Name");
}

static void
test_timeout(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;

  fx->mode = REPLY_SILENT;
  register_long(fx, 1);
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, NULL, &error);
  g_assert_null(f);
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
}

static void
test_function_error(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;

  fx->mode = REPLY_FUNCTION_ERROR;
  mbim_device_command(fx->device, MBIM_CID_DEVICE_CAPS, MBIM_COMMAND_TYPE_QUERY, NULL, 5, NULL,
                      got_result, fx);
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, NULL, &error);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_NOT_OPENED);
}

static void
test_reopen(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;

  fx->mode = REPLY_NOT_OPENED_ONCE;
  register_long(fx, 5);
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(f);
  g_assert_cmpuint(fx->opens, ==, 2);
}

static void
test_status_failure(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;
  g_autoptr(GVariant) info = NULL;
  guint32 left = 0;
  g_autoptr(GVariant) pin = g_variant_ref_sink(g_variant_new_parsed("{'Pin': <'0000'>}"));

  fx->mode = REPLY_STATUS_FAILURE;
  mbim_device_command(fx->device, MBIM_CID_PIN, MBIM_COMMAND_TYPE_SET, pin, 5, NULL, got_result,
                      fx);
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, &info, &error);
  g_assert_null(f);
  g_assert_error(error, MBIM_STATUS_ERROR, MBIM_STATUS_FAILURE);
  /* the buffer of a failed command is still decoded */
  g_assert_nonnull(info);
  g_assert_true(g_variant_lookup(info, "RemainingAttempts", "u", &left));
  g_assert_cmpuint(left, ==, 2);
}

static void
test_gone(Fixture *fx, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) f = NULL;

  fx->mode = REPLY_SILENT;
  register_long(fx, 10);
  g_source_remove(fx->watch);
  fx->watch = 0;
  close(fx->master);
  fx->master = -1;
  res = wait_result(fx);
  f = mbim_device_command_finish(fx->device, res, NULL, &error);
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN);
  g_assert_nonnull(fx->gone_why);
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
  return g_test_run();
}
