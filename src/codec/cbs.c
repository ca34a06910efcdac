#include "cbs.h"

#include "codec-error.h"
#include "gsm7.h"
#include "sms-user-data.h"
#include "ucs2.h"

/* A language written with the first two characters of the text (23.038 5,
 * groups 0001 0000/0001): kept only if both are ASCII letters. */
static void
set_language_from_septets(MmdCbsPage *page, const guint8 *septets, gsize n)
{
  for (gsize i = 0; i < 2; i++) {
    if (i >= n || !g_ascii_isalpha(septets[i]))
      return;
  }
  page->language[0] = g_ascii_tolower(septets[0]);
  page->language[1] = g_ascii_tolower(septets[1]);
  page->language[2] = '\0';
}

static char *
decode_gsm7_text(MmdCbsPage *page, GBytes *units)
{
  gsize n;
  const guint8 *septets = g_bytes_get_data(units, &n);

  if (page->dcs.language_in_text) {
    gsize skip = MIN(n, 2);

    set_language_from_septets(page, septets, n);
    /* The language is followed by a CR before the text. */
    if (n > 2 && septets[2] == MMD_GSM7_CR)
      skip = 3;
    septets += skip;
    n -= skip;
  }
  /* 23.041 pads the page with CR. */
  while (n > 0 && septets[n - 1] == MMD_GSM7_CR)
    n--;
  return mmd_gsm7_to_utf8(septets, n);
}

static gboolean
is_ucs2_padding(const guint8 *unit)
{
  guint16 value = (guint16)(unit[0] << 8 | unit[1]);

  /* CR as a UCS-2 character, CR octets (U+0D0D is unassigned) or NUL fill. */
  return value == 0x000D || value == 0x0D0D || value == 0x0000;
}

static char *
decode_ucs2_text(MmdCbsPage *page, GBytes *units)
{
  gsize n;
  const guint8 *bytes = g_bytes_get_data(units, &n);

  if (page->dcs.language_in_text && n >= 2) {
    /* Two GSM 7-bit characters packed in two octets, then UCS-2. */
    g_autofree guint8 *language = mmd_gsm7_unpack(bytes, 2, 0, 2, NULL);

    set_language_from_septets(page, language, 2);
    bytes += 2;
    n -= 2;
  }
  if (n % 2 && bytes[n - 1] == MMD_GSM7_CR)
    n--;
  while (n >= 2 && is_ucs2_padding(bytes + n - 2))
    n -= 2;
  return mmd_ucs2_to_utf8(bytes, n);
}

static void
decode_header(const guint8 *bytes, MmdCbsPage *page)
{
  page->serial = (guint16)(bytes[0] << 8 | bytes[1]);
  page->scope = (MmdCbsScope)(page->serial >> 14);
  page->message_code = (page->serial >> 4) & 0x3FF;
  page->update_number = page->serial & 0x0F;
  page->message_id = (guint16)(bytes[2] << 8 | bytes[3]);
  page->dcs_octet = bytes[4];
  mmd_dcs_decode_cbs(page->dcs_octet, &page->dcs);
  g_strlcpy(page->language, page->dcs.language, sizeof(page->language));
  page->page = bytes[5] >> 4;
  page->pages = bytes[5] & 0x0F;
  if (page->page == 0 || page->pages == 0)
    page->page = page->pages = 1;
}

static gboolean
check_page(const guint8 *bytes, gsize len, GError **error)
{
  if (len < MMD_CBS_HEADER_LEN) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED,
                "CBS page of %" G_GSIZE_FORMAT " octets has no whole header", len);
    return FALSE;
  }
  if (len > MMD_CBS_PAGE_LEN) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED,
                "CBS page of %" G_GSIZE_FORMAT " octets (at most %u)", len, MMD_CBS_PAGE_LEN);
    return FALSE;
  }
  if ((bytes[5] >> 4) > (bytes[5] & 0x0F) && (bytes[5] & 0x0F) != 0) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED, "CBS page %u of %u",
                bytes[5] >> 4, bytes[5] & 0x0F);
    return FALSE;
  }
  return TRUE;
}

static gboolean
decode_content(MmdCbsPage *page, const guint8 *content, gsize len, GError **error)
{
  MmdSmsUserData ud;
  guint udl
      = page->dcs.alphabet == MMD_ALPHABET_GSM7 ? (guint)mmd_gsm7_septets_in(len, 0) : (guint)len;
  gboolean ok;

  if (page->dcs.compressed) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED,
                "compressed CBS content (DCS 0x%02x) is not supported", page->dcs_octet);
    return FALSE;
  }
  ok = mmd_sms_user_data_decode(content, len, udl, page->dcs.alphabet, page->dcs.has_udh, &ud,
                                error);
  if (ok && page->dcs.alphabet == MMD_ALPHABET_8BIT)
    page->data = g_bytes_ref(ud.data);
  else if (ok && page->dcs.alphabet == MMD_ALPHABET_GSM7)
    page->text = decode_gsm7_text(page, ud.units);
  else if (ok)
    page->text = decode_ucs2_text(page, ud.units);
  mmd_sms_user_data_clear(&ud);
  return ok;
}

MmdCbsPage *
mmd_cbs_page_decode(const guint8 *bytes, gsize len, GError **error)
{
  g_autoptr(MmdCbsPage) page = NULL;

  if (!check_page(bytes, len, error))
    return NULL;
  page = g_new0(MmdCbsPage, 1);
  decode_header(bytes, page);
  if (!decode_content(page, bytes + MMD_CBS_HEADER_LEN, len - MMD_CBS_HEADER_LEN, error))
    return NULL;
  return g_steal_pointer(&page);
}

void
mmd_cbs_page_free(MmdCbsPage *page)
{
  if (!page)
    return;
  g_free(page->text);
  if (page->data)
    g_bytes_unref(page->data);
  g_free(page);
}
