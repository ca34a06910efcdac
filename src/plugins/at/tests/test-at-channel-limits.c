/* The AT channel against a broken or hostile modem: lines over the cap,
 * responses over the cap, bytes that are not text, endless garbage. Each
 * test asserts the bound, not only the absence of a crash. */
#include <string.h>

#include "at-channel.h"
#include "channel-peer.h"
#include "mmd-errors.h"
#include "mmd-text.h"

/* n bytes of c, then CR LF. */
static char *
long_line(char c, gsize n)
{
  char *s = g_malloc(n + 3);

  memset(s, c, n);
  memcpy(s + n, "\r\n", 3);
  return s;
}

static void
test_line_over_cap_dropped(Fixture *f, gconstpointer data)
{
  g_autofree char *too_long = long_line('A', MMD_AT_MAX_LINE + 1);
  g_autofree char *just_fits = long_line('B', MMD_AT_MAX_LINE);
  Result r;

  send_cmd(f, "AT+CGMR", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CGMR\r");
  peer_send(f, too_long);
  peer_send(f, just_fits);
  peer_send(f, "\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  /* the line over the cap is gone entirely, not cut; the one at the cap is kept */
  g_assert_cmpuint(strlen(r.response), ==, MMD_AT_MAX_LINE);
  g_assert_cmpint(r.response[0], ==, 'B');
  g_assert_false(f->gone);
  result_clear(&r);
}

static void
test_response_over_cap_fails(Fixture *f, gconstpointer data)
{
  g_autofree char *line = long_line('C', 1000);
  gsize lines_to_cap = MMD_AT_MAX_RESPONSE / 1001 + 1;
  Result r;

  send_cmd(f, "AT+CMGL=4", 5000, 0, NULL, &r);
  peer_expect(f, "AT+CMGL=4\r");
  /* the cap, then a few lines over it: fewer than the garbage limit */
  for (gsize i = 0; i < lines_to_cap + MMD_AT_MAX_GARBAGE / 2; i++)
    peer_send(f, line);
  peer_send(f, "OK\r\n");
  wait_done(&r);
  g_assert_error(r.error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED);
  g_assert_nonnull(strstr(r.error->message, "+CMGL"));
  g_assert_false(f->gone);
  result_clear(&r);

  /* the channel goes on with the next command */
  send_cmd(f, "AT", 1000, 0, NULL, &r);
  peer_expect(f, "AT\r");
  peer_send(f, "\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  result_clear(&r);
}

static void
test_endless_response_drops_modem(Fixture *f, gconstpointer data)
{
  g_autofree char *line = long_line('D', 1000);
  Result r;
  gsize sent = 0;

  send_cmd(f, "AT+COPS=?", 60000, 0, NULL, &r);
  peer_expect(f, "AT+COPS=?\r");
  /* lines and never a final result: the channel lets go after the cap plus
   * MMD_AT_MAX_GARBAGE lines, long before the command's timeout */
  while (!f->gone) {
    peer_send(f, line);
    sent += strlen(line);
    while (g_main_context_iteration(NULL, FALSE))
      ;
    g_assert_cmpuint(sent, <, 2 * MMD_AT_MAX_RESPONSE);
  }
  wait_done(&r);
  g_assert_error(r.error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_UNKNOWN);
  g_assert_error(f->gone_error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_UNKNOWN);
  g_assert_false(mmd_at_channel_is_open(f->ch));
  g_assert_cmpuint(sent, >=, MMD_AT_MAX_RESPONSE);
  result_clear(&r);
}

static void
test_endless_line_drops_modem(Fixture *f, gconstpointer data)
{
  char chunk[1024];
  gsize sent = 0;

  /* no line end ever, and no command waiting */
  memset(chunk, 'x', sizeof chunk);
  while (!f->gone) {
    peer_send_len(f, chunk, sizeof chunk);
    sent += sizeof chunk;
    while (g_main_context_iteration(NULL, FALSE))
      ;
    g_assert_cmpuint(sent, <, (MMD_AT_MAX_GARBAGE + 4) * (gsize)MMD_AT_MAX_LINE);
  }
  g_assert_cmpuint(sent, >=, MMD_AT_MAX_GARBAGE * (gsize)MMD_AT_MAX_LINE);
}

static void
test_binary_garbage_drops_modem(Fixture *f, gconstpointer data)
{
  guint lines = 0;

  /* bytes that are not text, in lines, unsolicited */
  while (!f->gone) {
    peer_send(f, "\xFF\xFE\x01\x80junk\x1B[2J\r\n");
    lines++;
    while (g_main_context_iteration(NULL, FALSE))
      ;
    g_assert_cmpuint(lines, <=, MMD_AT_MAX_GARBAGE);
  }
  g_assert_cmpuint(lines, ==, MMD_AT_MAX_GARBAGE);
  g_assert_false(mmd_at_channel_is_open(f->ch));
}

static void
test_usable_line_resets_garbage(Fixture *f, gconstpointer data)
{
  /* a modem that sends one Latin-1 name per answer is not garbage */
  for (guint round = 0; round < 3; round++) {
    Result r;

    send_cmd(f, "AT+COPS?", 1000, 0, NULL, &r);
    peer_expect(f, "AT+COPS?\r");
    for (guint i = 0; i + 1 < MMD_AT_MAX_GARBAGE; i++)
      peer_send(f, "+COPS: 0,0,\"Telef\xF3nica\",7\r\n");
    peer_send(f, "OK\r\n");
    wait_done(&r);
    g_assert_no_error(r.error);
    result_clear(&r);
  }
  g_assert_false(f->gone);
}

static void
test_text_is_clean(Fixture *f, gconstpointer data)
{
  Result r;

  /* invalid UTF-8 and a terminal escape in a response and a URC */
  send_cmd(f, "AT+COPS?", 1000, 0, NULL, &r);
  peer_expect(f, "AT+COPS?\r");
  peer_send(f, "\r\n+COPS: 0,0,\"Telef\xF3nica\x1B[31m\",7\r\n+CREG: 1,\"\xFF\"\r\nOK\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  g_assert_cmpstr(r.response, ==,
                  "+COPS: 0,0,\"Telef" MMD_TEXT_REPLACEMENT "nica" MMD_TEXT_REPLACEMENT "[31m\",7");
  g_assert_cmpuint(f->urcs->len, ==, 1);
  g_assert_true(g_utf8_validate(g_ptr_array_index(f->urcs, 0), -1, NULL));
  result_clear(&r);

  /* a +CME ERROR text becomes a GError message: valid UTF-8, bounded */
  send_cmd(f, "AT+CGATT=1", 1000, 0, NULL, &r);
  peer_expect(f, "AT+CGATT=1\r");
  peer_send(f, "\r\n+CME ERROR: \xC3\x28 bad \xE2\x82\r\n");
  wait_done(&r);
  g_assert_error(r.error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN);
  g_assert_true(g_utf8_validate(r.error->message, -1, NULL));
  result_clear(&r);
}

static void
test_data_mode_is_not_garbage(Fixture *f, gconstpointer data)
{
  Result r;

  send_cmd(f, "ATD*99#", 1000, 0, NULL, &r);
  peer_expect(f, "ATD*99#\r");
  peer_send(f, "\r\nCONNECT\r\n");
  wait_done(&r);
  g_assert_no_error(r.error);
  result_clear(&r);
  /* PPP frames are binary: they must not make the channel give up */
  for (guint i = 0; i < 4 * MMD_AT_MAX_GARBAGE; i++)
    peer_send_len(f, "\x7E\xFF\x03\xC0\x21\x01\x7E\r\n", 9);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  g_assert_false(f->gone);
  g_assert_true(mmd_at_channel_is_open(f->ch));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/at/channel-limits/line-over-cap", Fixture, NULL, setup, test_line_over_cap_dropped,
             teardown);
  g_test_add("/at/channel-limits/response-over-cap", Fixture, NULL, setup,
             test_response_over_cap_fails, teardown);
  g_test_add("/at/channel-limits/endless-response", Fixture, NULL, setup,
             test_endless_response_drops_modem, teardown);
  g_test_add("/at/channel-limits/endless-line", Fixture, NULL, setup, test_endless_line_drops_modem,
             teardown);
  g_test_add("/at/channel-limits/binary-garbage", Fixture, NULL, setup,
             test_binary_garbage_drops_modem, teardown);
  g_test_add("/at/channel-limits/usable-line-resets", Fixture, NULL, setup,
             test_usable_line_resets_garbage, teardown);
  g_test_add("/at/channel-limits/clean-text", Fixture, NULL, setup, test_text_is_clean, teardown);
  g_test_add("/at/channel-limits/data-mode", Fixture, NULL, setup, test_data_mode_is_not_garbage,
             teardown);
  return g_test_run();
}
