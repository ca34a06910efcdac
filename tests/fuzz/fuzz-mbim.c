/* libFuzzer target for what an MBIM function sends: framing, fragment
 * reassembly, and every information buffer decoder generated from
 * the JSON data of src/plugins/mbim (with its describe function, and a check that
 * what a decoder accepts survives encode -> decode -> encode unchanged).
 *
 * The first byte picks the path:
 *   0: a decoder (the second byte picks which) on the rest;
 *   1: the rest is one whole message: parse, describe, notification;
 *   2: the rest is a stream of transfers (the second byte sets the transfer
 *      size) fed to the reassembler, each message it completes as in 1.
 * Inputs up to the message cap (MBIM_MAX_MESSAGE_SIZE) plus those two bytes
 * are meaningful: run with -max_len=65540. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbim-generated.h"

static gboolean
wire_log_on(void)
{
  return TRUE;
}

static void
check_roundtrip(const MbimStructCodec *c, gpointer decoded)
{
  g_autoptr(GBytes) first = c->encode(decoded);
  g_autoptr(GError) error = NULL;
  gpointer again = c->decode(g_bytes_get_data(first, NULL), g_bytes_get_size(first), &error);
  g_autoptr(GBytes) second = NULL;

  /* What the encoder writes, the decoder must take back unchanged. */
  if (!again)
    g_error("%s: re-encoded buffer refused: %s", c->name, error->message);
  second = c->encode(again);
  if (!g_bytes_equal(first, second))
    g_error("%s: encode -> decode -> encode changed the buffer", c->name);
  mbim_decoded_free(again);
}

static void
fuzz_decoder(const guint8 *data, gsize size)
{
  const MbimStructCodec *c;
  gpointer decoded;
  g_autoptr(GString) description = g_string_new(NULL);

  if (size < 1)
    return;
  c = &mbim_struct_codecs[data[0] % mbim_n_struct_codecs];
  decoded = c->decode(data + 1, size - 1, NULL);
  c->describe(data + 1, size - 1, description);
  if (description->len > 16 * (size + 64))
    g_error("%s: description of %zu bytes for %zu bytes", c->name, description->len, size);
  if (!decoded)
    return;
  check_roundtrip(c, decoded);
  mbim_decoded_free(decoded);
}

static void
fuzz_message(GBytes *raw)
{
  g_autoptr(MbimMessage) m = mbim_message_parse(raw, NULL);
  g_autofree char *description = NULL;
  MbimNotification n;

  if (!m)
    return;
  description = mbim_message_describe(m);
  if (strlen(description) > MBIM_DESCRIPTION_MAX + 3)
    g_error("description over its cap: %zu bytes", strlen(description));
  if (m->type == MBIM_MESSAGE_TYPE_INDICATE_STATUS && mbim_notification_decode(m, &n, NULL))
    mbim_notification_clear(&n);
}

static void
fuzz_stream(const guint8 *data, gsize size)
{
  MbimReassembler *r;
  gsize pos = 1;

  if (size < 1)
    return;
  r = mbim_reassembler_new(MBIM_MIN_CONTROL_TRANSFER * (1 + data[0]));
  while (size - pos >= MBIM_HEADER_SIZE) {
    guint32 length = mbim_read_u32(data + pos + 4);
    gsize take = MAX(MBIM_HEADER_SIZE, MIN(length, size - pos));
    g_autoptr(GError) error = NULL;
    guint32 error_tid = 0;
    g_autoptr(GBytes) whole = mbim_reassembler_push(r, data + pos, take, &error_tid, &error);

    if (whole && g_bytes_get_size(whole) > MBIM_MAX_MESSAGE_SIZE)
      g_error("reassembled %zu bytes", g_bytes_get_size(whole));
    if (whole)
      fuzz_message(whole);
    pos += take;
  }
  mbim_reassembler_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static gboolean ready;

  if (!ready) {
    mbim_log_set_policy(wire_log_on, FALSE);
    ready = TRUE;
  }
  if (size < 1)
    return 0;
  switch (data[0] % 3) {
    case 0:
      fuzz_decoder(data + 1, size - 1);
      break;
    case 1: {
      g_autoptr(GBytes) raw = g_bytes_new(data + 1, size - 1);

      fuzz_message(raw);
      break;
    }
    default:
      fuzz_stream(data + 1, size - 1);
      break;
  }
  return 0;
}
