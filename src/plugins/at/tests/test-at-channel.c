/* The AT channel against a scripted peer on a socketpair: echo, finals,
 * URCs inside responses, timeouts, cancellation, data mode, hangup, the SMS
 * prompt and URCs with a body. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "at-channel.h"
#include "channel-peer.h"
#include "mmd-errors.h"

static void
test_basic(Fixture *f, gconstpointer data)
{
  Result r;

  send_cmd(f, "AT+CGMI", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CGMI\r");
  /* echo, intermediate line, a URC in the middle, final */
  peer_send(f, "AT+CGMI\r\r\nQuectel\r\n\r\n+CREG: 1\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "Quectel");
  g_assert_cmpuint(f->urcs->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(f->urcs, 0), ==, "+CREG: 1");
  result_clear(&r);

  /* the read command's own response is not a URC */
  send_cmd(f, "+CREG?", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CREG?\r");
  peer_send(f, "\r\n+CREG: 2,1,\"1A2B\",\"01C3D4\",7\r\nRING\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "+CREG: 2,1,\"1A2B\",\"01C3D4\",7");
  g_assert_cmpuint(f->urcs->len, ==, 2);
  result_clear(&r);

  /* setting the URC mode: a +CREG: line meanwhile is a URC */
  send_cmd(f, "AT+CREG=2", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CREG=2\r");
  peer_send(f, "\r\n+CREG: 5,\"1A2B\",\"01C3D4\",7\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "");
  g_assert_cmpuint(f->urcs->len, ==, 3);
  result_clear(&r);

  /* +CME ERROR */
  send_cmd(f, "AT+CPIN=\"1111\"", 1000, MMD_AT_COMMAND_SECRET, NULL, &r);
  peer_expect(f, "AT+CPIN=\"1111\"\r");
  peer_send(f, "\r\n+CME ERROR: 16\r\n");
  wait_done(&r);
  g_assert_error(r.error, MMD_MOBILE_EQUIPMENT_ERROR,
                 MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD);
  result_clear(&r);

  /* ERROR */
  send_cmd(f, "AT+FOO", 1000, 0, NULL, &r);
  peer_expect(f, "AT+FOO\r");
  peer_send(f, "\r\nERROR\r\n");
  wait_done(&r);
  g_assert_error(r.error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN);
  result_clear(&r);

  /* control characters never reach the wire */
  send_cmd(f, "AT+CGDCONT=1,\"IP\",\"a\r\nATD\"", 1000, 0, NULL, &r);
  wait_done(&r);
  g_assert_error(r.error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
  result_clear(&r);
}

/* +CMGS: the PDU and Ctrl-Z go out only after the "> " prompt; +CMS ERROR
 * is a Message error; a PDU with anything but hex digits never leaves. */
static void
test_sms_prompt(Fixture *f, gconstpointer data)
{
  Result r;

  send_cmd_with_pdu(f, "AT+CMGS=5", "0011000B91", 1000, &r);
  peer_expect(f, "AT+CMGS=5\r");
  g_assert_false(r.done);
  peer_send(f, "\r\n> ");
  peer_expect(f, "0011000B91\x1a");
  /* an echo of the PDU is not part of the answer */
  peer_send(f, "0011000B91\x1a\r\n+CMGS: 7\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "+CMGS: 7");
  result_clear(&r);

  send_cmd_with_pdu(f, "AT+CMGS=5", "0011000B91", 1000, &r);
  peer_expect(f, "AT+CMGS=5\r");
  peer_send(f, "\r\n> ");
  peer_expect(f, "\x1a");
  peer_send(f, "\r\n+CMS ERROR: 330\r\n");
  wait_done(&r);
  g_assert_error(r.error, MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_SMSC_ADDRESS_UNKNOWN);
  result_clear(&r);

  send_cmd_with_pdu(f, "AT+CMGS=5", "00\x1a\rAT", 1000, &r);
  wait_done(&r);
  g_assert_error(r.error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
  result_clear(&r);
}

/* +CMT: its body is the next line, even in the middle of another answer. */
static void
test_urc_with_body(Fixture *f, gconstpointer data)
{
  Result r;

  collect_urcs_with_body(f, "+CMT:");
  send_cmd(f, "AT+CSQ", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CSQ\r");
  peer_send(f, "\r\n+CMT: ,3\r\n0000AA\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "+CSQ: 20,99");
  g_assert_cmpuint(f->urcs->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(f->urcs, 0), ==, "+CMT: ,3\n0000AA");
  result_clear(&r);

  /* and between commands */
  peer_send(f, "\r\n+CMT: ,1\r\n00FF\r\n");
  for (gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC; f->urcs->len < 2;) {
    g_main_context_iteration(NULL, TRUE);
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
  }
  g_assert_cmpstr(g_ptr_array_index(f->urcs, 1), ==, "+CMT: ,1\n00FF");
}

static void
test_queue_and_timeout(Fixture *f, gconstpointer data)
{
  Result a, b;

  send_cmd(f, "AT+CSQ", 200, 0, NULL, &a);
  send_cmd(f, "AT+CFUN?", 1000, 0, NULL, &b);
  peer_expect(f, "AT+CSQ\r");
  /* no answer: a times out, then b is sent */
  wait_done(&a);
  g_assert_error(a.error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
  peer_expect(f, "AT+CFUN?\r");
  peer_send(f, "\r\n+CFUN: 1\r\n\r\nOK\r\n");
  wait_done(&b);
  g_assert_no_error(b.error);
  g_assert_cmpstr(b.response, ==, "+CFUN: 1");
  result_clear(&a);
  result_clear(&b);
}

static void
test_silent_modem(Fixture *f, gconstpointer data)
{
  Result r[6];

  /* five timeouts in a row: the modem is gone, the rest fail */
  for (guint i = 0; i < G_N_ELEMENTS(r); i++)
    send_cmd(f, "AT", 50, 0, NULL, &r[i]);
  for (guint i = 0; i < G_N_ELEMENTS(r); i++)
    wait_done(&r[i]);
  g_assert_true(f->gone);
  g_assert_false(mmd_at_channel_is_open(f->ch));
  for (guint i = 0; i < 5; i++)
    g_assert_error(r[i].error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
  g_assert_nonnull(r[5].error);
  for (guint i = 0; i < G_N_ELEMENTS(r); i++)
    result_clear(&r[i]);
}

static void
test_cancel(Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) c = g_cancellable_new();
  Result a, b;

  send_cmd(f, "AT+COPS=?", 5000, 0, c, &a);
  send_cmd(f, "AT+CSQ", 1000, 0, NULL, &b);
  peer_expect(f, "AT+COPS=?\r");
  g_cancellable_cancel(c);
  wait_done(&a);
  g_assert_error(a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* the cancelled command's late answer is absorbed, then the next is sent */
  peer_send(f, "\r\n+COPS: ,,(0,1,2,3,4),(0,1,2)\r\n\r\nOK\r\n");
  peer_expect(f, "AT+CSQ\r");
  peer_send(f, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
  wait_done(&b);
  g_assert_cmpstr(b.response, ==, "+CSQ: 20,99");
  result_clear(&a);
  result_clear(&b);
}

static void
test_data_mode(Fixture *f, gconstpointer data)
{
  Result r;

  send_cmd(f, "ATD*99***1#", 1000, 0, NULL, &r);
  peer_expect(f, "ATD*99***1#\r");
  peer_send(f, "\r\nCONNECT 150000000\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_true(mmd_at_channel_in_data_mode(f->ch));
  result_clear(&r);

  send_cmd(f, "AT+CSQ", 1000, 0, NULL, &r);
  wait_done(&r);
  g_assert_error(r.error, MMD_CORE_ERROR, MMD_CORE_ERROR_CONNECTED);
  result_clear(&r);

  /* network drop */
  peer_send(f, "\r\nNO CARRIER\r\n");
  while (f->urcs->len == 0)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpstr(g_ptr_array_index(f->urcs, 0), ==, "NO CARRIER");
}

static void
test_hangup(Fixture *f, gconstpointer data)
{
  Result r;

  send_cmd(f, "AT", 5000, 0, NULL, &r);
  peer_expect(f, "AT\r");
  close(f->peer);
  f->peer = -1;
  wait_done(&r);
  g_assert_error(r.error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE);
  g_assert_true(f->gone);
  g_assert_false(mmd_at_channel_is_open(f->ch));
  result_clear(&r);
}

static void
on_done_drop(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fixture *f = user_data;

  g_free(mmd_at_channel_command_finish(NULL, res, NULL));

  /* the last reference goes away from inside the read callback */
  mmd_at_channel_close(f->ch);
  g_clear_pointer(&f->ch, mmd_at_channel_unref);
}

static void
test_drop_in_callback(Fixture *f, gconstpointer data)
{
  mmd_at_channel_command(f->ch, "AT", 1000, 0, NULL, on_done_drop, f);
  peer_expect(f, "AT\r");
  peer_send(f, "\r\nOK\r\n\r\nRING\r\n");
  while (f->ch)
    g_main_context_iteration(NULL, TRUE);
}

/* The real open path on a pty: raw mode, exclusive, and a command answered. */
static void
test_open_pty(void)
{
  g_autoptr(MmdAtChannel) ch = mmd_at_channel_new("pty");
  g_autoptr(GError) error = NULL;
  struct termios tio;
  Fixture f = { 0 };
  Result r;
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  char *name;
  int fd;

  g_assert_cmpint(master, >=, 0);
  g_assert_cmpint(grantpt(master), ==, 0);
  g_assert_cmpint(unlockpt(master), ==, 0);
  name = ptsname(master);
  g_assert_nonnull(name);
  g_assert_false(mmd_at_channel_open(ch, "/nonexistent/ttyUSB9", 115200, MMD_AT_FLOW_NONE, &error));
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE);
  g_clear_error(&error);
  g_assert_true(mmd_at_channel_open(ch, name, 115200, MMD_AT_FLOW_RTSCTS, &error));
  g_assert_no_error(error);
  /* the slave side is raw now: no echo, no line discipline */
  fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    /* only root gets past TIOCEXCL */
    g_assert_cmpint(tcgetattr(fd, &tio), ==, 0);
    g_assert_false(tio.c_lflag & (ECHO | ICANON));
    g_assert_true(tio.c_cflag & CRTSCTS);
    close(fd);
  }

  f.ch = ch;
  f.peer = master;
  send_cmd(&f, "ATI", 1000, 0, NULL, &r);
  peer_expect(&f, "ATI\r");
  peer_send(&f, "ATI\r\r\nModem\r\n\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==, "Modem");
  result_clear(&r);
  mmd_at_channel_close(ch);
  g_assert_false(mmd_at_channel_is_open(ch));
  close(master);
}

/* A port that is no tty (an AT port of the wwan subsystem; a FIFO here): no
 * TIOCEXCL, no termios. It opens, and a second opener is kept off. */
static void
test_open_not_a_tty(void)
{
  g_autofree char *dir = g_dir_make_tmp("at-channel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "wwan0at0", NULL);
  g_autoptr(MmdAtChannel) first = mmd_at_channel_new("wwan0at0");
  g_autoptr(MmdAtChannel) second = mmd_at_channel_new("wwan0at0");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint(mkfifo(path, 0600), ==, 0);
  g_assert_true(mmd_at_channel_open(first, path, 115200, MMD_AT_FLOW_NONE, &error));
  g_assert_no_error(error);
  g_assert_true(mmd_at_channel_is_open(first));
  g_assert_false(mmd_at_channel_open(second, path, 115200, MMD_AT_FLOW_NONE, &error));
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED);
  g_assert_nonnull(strstr(error->message, "in use"));
  g_clear_error(&error);
  /* let go of: the next one gets it */
  mmd_at_channel_close(first);
  g_assert_true(mmd_at_channel_open(second, path, 0, MMD_AT_FLOW_NONE, &error));
  g_assert_no_error(error);
  mmd_at_channel_close(second);
  g_assert_cmpint(unlink(path), ==, 0);
  g_assert_cmpint(rmdir(dir), ==, 0);
}

static void
test_quote_mask(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *q = mmd_at_quote("internet.t-mobile", "apn", &error);
  g_autofree char *m1 = mmd_at_mask_secrets("AT+CPIN=\"1234\"");
  g_autofree char *m2 = mmd_at_mask_secrets("AT+CPIN=\"12345678\",\"4321\"");
  g_autofree char *m3 = mmd_at_mask_secrets("AT+CGAUTH=1,1,\"user\",\"secret\"");
  g_autofree char *m4 = mmd_at_mask_secrets("AT+CGDCONT=1,\"IP\",\"internet\"");
  g_autofree char *m5 = mmd_at_mask_secrets("AT+CUSD=1,\"**04*1234*5678*5678#\",15");
  g_autofree char *m6 = mmd_at_mask_secrets("ATD**04*1234*5678*5678#;");
  g_autofree char *m7 = mmd_at_mask_secrets("AT+VTS=\"4\"");
  g_autofree char *m8 = mmd_at_mask_secrets("ATD*99***1#");

  g_assert_cmpstr(q, ==, "\"internet.t-mobile\"");
  g_assert_null(mmd_at_quote("a\"b", "apn", NULL));
  g_assert_null(mmd_at_quote("a\rb", "apn", NULL));
  g_assert_null(mmd_at_quote("a\\b", "apn", NULL));
  g_assert_null(mmd_at_quote("a\x1b", "apn", NULL));
  g_assert_cmpstr(m1, ==, "AT+CPIN=\"****\"");
  g_assert_cmpstr(m2, ==, "AT+CPIN=\"****\",\"****\"");
  g_assert_null(strstr(m3, "secret"));
  g_assert_cmpstr(m4, ==, "AT+CGDCONT=1,\"IP\",\"internet\"");
  g_assert_cmpstr(m5, ==, "AT+CUSD=****,\"****\",****");
  g_assert_cmpstr(m6, ==, "ATD****;");
  g_assert_cmpstr(m7, ==, "AT+VTS=\"****\"");
  g_assert_cmpstr(m8, ==, "ATD*99***1#");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/at/channel/basic", Fixture, NULL, setup, test_basic, teardown);
  g_test_add("/at/channel/queue-timeout", Fixture, NULL, setup, test_queue_and_timeout, teardown);
  g_test_add("/at/channel/cancel", Fixture, NULL, setup, test_cancel, teardown);
  g_test_add("/at/channel/data-mode", Fixture, NULL, setup, test_data_mode, teardown);
  g_test_add("/at/channel/hangup", Fixture, NULL, setup, test_hangup, teardown);
  g_test_add("/at/channel/sms-prompt", Fixture, NULL, setup, test_sms_prompt, teardown);
  g_test_add("/at/channel/urc-with-body", Fixture, NULL, setup, test_urc_with_body, teardown);
  g_test_add_func("/at/channel/quote-mask", test_quote_mask);
  g_test_add_func("/at/channel/open-pty", test_open_pty);
  g_test_add_func("/at/channel/open-not-a-tty", test_open_not_a_tty);
  g_test_add("/at/channel/silent-modem", Fixture, NULL, setup, test_silent_modem, teardown);
  g_test_add("/at/channel/drop-in-callback", Fixture, NULL, setup, test_drop_in_callback, teardown);
  return g_test_run();
}
