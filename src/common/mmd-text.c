/* Text from modems made valid UTF-8 without control characters. */
#include "mmd-text.h"

#include <string.h>

static gboolean
is_control(gunichar c)
{
  return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
}

/* The length in bytes of the clean character at p, or 0 when p starts an
 * invalid sequence or a control character. */
static gsize
clean_char_len(const char *p, gsize avail)
{
  gunichar c = g_utf8_get_char_validated(p, (gssize)avail);

  if (c == (gunichar)-1 || c == (gunichar)-2 || is_control(c))
    return 0;
  return (gsize)(g_utf8_next_char(p) - p);
}

char *
mmd_text_sanitize(const char *text, gssize len, gsize max_bytes)
{
  const gsize replacement_len = strlen(MMD_TEXT_REPLACEMENT);
  gsize n = text ? (len < 0 ? strlen(text) : (gsize)len) : 0;
  GString *out = g_string_sized_new(MIN(n, max_bytes) + 1);
  gboolean in_bad_run = FALSE;

  for (gsize i = 0; i < n;) {
    gsize clen = clean_char_len(text + i, n - i);

    if (clen == 0) {
      i++;
      if (in_bad_run)
        continue;
      if (out->len + replacement_len > max_bytes)
        break;
      g_string_append(out, MMD_TEXT_REPLACEMENT);
      in_bad_run = TRUE;
      continue;
    }
    if (out->len + clen > max_bytes)
      break;
    g_string_append_len(out, text + i, (gssize)clen);
    i += clen;
    in_bad_run = FALSE;
  }
  return g_string_free(out, FALSE);
}

gboolean
mmd_text_is_clean(const char *text, gssize len)
{
  gsize n = text ? (len < 0 ? strlen(text) : (gsize)len) : 0;

  for (gsize i = 0; i < n;) {
    gsize clen = clean_char_len(text + i, n - i);

    if (clen == 0)
      return FALSE;
    i += clen;
  }
  return TRUE;
}
