/* libFuzzer target: cell broadcast pages, their assembly, and USSD strings.
 *
 * The whole input is decoded as one CBS page and, with its first octet taken
 * as the DCS, as a USSD string; then it is read as records (one length octet,
 * then that many octets) decoded as pages into one assembly. Aborts when a
 * decoded string is not valid UTF-8 or USSD text does not survive a round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modemd-codec.h"

static void
require_utf8(const char *text)
{
  if (text && !g_utf8_validate(text, -1, NULL))
    abort();
}

static MmdCbsPage *
decode_page(const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  MmdCbsPage *page = mmd_cbs_page_decode(data, size, &error);

  if (!page) {
    if (!error || error->domain != MMD_CODEC_ERROR)
      abort();
    return NULL;
  }
  if (page->page < 1 || page->page > page->pages)
    abort();
  require_utf8(page->text);
  require_utf8(page->language);
  return page;
}

/* What the USSD decoder produced must encode and decode back to itself; a text
 * ending in CR may come back with a second one (23.038's CR rule). */
static void
ussd_round_trip(const char *text)
{
  guint8 dcs;
  g_autoptr(GBytes) encoded = mmd_ussd_encode(text, &dcs, NULL);
  g_autofree char *back = NULL;

  if (!encoded || g_str_has_suffix(text, "\r"))
    return;
  back = mmd_ussd_decode(g_bytes_get_data(encoded, NULL), g_bytes_get_size(encoded), dcs, NULL);
  if (!back || strcmp(back, text) != 0)
    abort();
}

static void
decode_ussd(const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (size == 0)
    return;
  text = mmd_ussd_decode(data + 1, size - 1, data[0], &error);
  if (!text) {
    if (!error || error->domain != MMD_CODEC_ERROR)
      abort();
    return;
  }
  require_utf8(text);
  ussd_round_trip(text);
}

static void
decode_records(const uint8_t *data, size_t size)
{
  g_autoptr(MmdCbsAssembly) assembly = mmd_cbs_assembly_new();
  g_autoptr(GPtrArray) rest = NULL;
  gint64 now = 0;

  while (size > 0) {
    size_t len = MIN((size_t)data[0], size - 1);
    g_autoptr(MmdCbsPage) page = decode_page(data + 1, len);

    if (page) {
      g_autoptr(MmdCbsMessage) message = mmd_cbs_assembly_add(assembly, page, now);

      if (message)
        require_utf8(message->text);
    }
    data += 1 + len;
    size -= 1 + len;
    now++;
  }
  rest = mmd_cbs_assembly_flush(assembly, now, 0);
  for (guint i = 0; i < rest->len; i++)
    require_utf8(((MmdCbsMessage *)rest->pdata[i])->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(MmdCbsPage) page = decode_page(data, size);

  if (page)
    require_utf8(page->text);
  decode_ussd(data, size);
  decode_records(data, size);
  return 0;
}
