/* +CME ERROR and +CMS ERROR lines as GErrors. */
#include "at-parse-error.h"

#include "at-parse-common.h"
#include "mmd-errors.h"
#include "mmd-text.h"

/* The longest modem text an error message repeats, in bytes. */
#define ERROR_TEXT_MAX 80

/* 27.007 section 9.2 verbose texts */
static const struct {
  int code;
  const char *text;
} cme_texts[] = {
  { 0, "phone failure" },
  { 1, "no connection to phone" },
  { 2, "phone-adaptor link reserved" },
  { 3, "operation not allowed" },
  { 4, "operation not supported" },
  { 5, "PH-SIM PIN required" },
  { 6, "PH-FSIM PIN required" },
  { 7, "PH-FSIM PUK required" },
  { 10, "SIM not inserted" },
  { 11, "SIM PIN required" },
  { 12, "SIM PUK required" },
  { 13, "SIM failure" },
  { 14, "SIM busy" },
  { 15, "SIM wrong" },
  { 16, "incorrect password" },
  { 17, "SIM PIN2 required" },
  { 18, "SIM PUK2 required" },
  { 20, "memory full" },
  { 21, "invalid index" },
  { 22, "not found" },
  { 23, "memory failure" },
  { 24, "text string too long" },
  { 25, "invalid characters in text string" },
  { 26, "dial string too long" },
  { 27, "invalid characters in dial string" },
  { 30, "no network service" },
  { 31, "network timeout" },
  { 32, "network not allowed - emergency calls only" },
  { 40, "network personalization PIN required" },
  { 41, "network personalization PUK required" },
  { 42, "network subset personalization PIN required" },
  { 43, "network subset personalization PUK required" },
  { 44, "service provider personalization PIN required" },
  { 45, "service provider personalization PUK required" },
  { 46, "corporate personalization PIN required" },
  { 47, "corporate personalization PUK required" },
  { 100, "unknown" },
  { 103, "Illegal MS" },
  { 106, "Illegal ME" },
  { 107, "GPRS services not allowed" },
  { 111, "PLMN not allowed" },
  { 112, "Location area not allowed" },
  { 113, "Roaming not allowed in this location area" },
  { 132, "service option not supported" },
  { 133, "requested service option not subscribed" },
  { 134, "service option temporarily out of order" },
  { 148, "unspecified GPRS error" },
  { 149, "PDP authentication failure" },
  { 150, "invalid mobile class" },
};

/* Extra spellings seen in the wild */
static const struct {
  int code;
  const char *text;
} cme_aliases[] = {
  { 10, "SIM not present" },     { 16, "Incorrect PIN" }, { 16, "wrong password" },
  { 32, "network not allowed" }, { 30, "no network" },    { 3, "not allowed" },
  { 4, "not supported" },
};

static gboolean
text_matches(const char *a, const char *b)
{
  /* case-insensitive, treating '-', '_' and ' ' alike */
  for (;; a++, b++) {
    char x = g_ascii_tolower(*a), y = g_ascii_tolower(*b);

    if (x == '-' || x == '_')
      x = ' ';
    if (y == '-' || y == '_')
      y = ' ';
    if (x != y)
      return FALSE;
    if (!x)
      return TRUE;
  }
}

/* MobileEquipment.Unknown quoting what the modem said, as clean text. */
static GError *
unknown_error(const char *what, const char *text)
{
  g_autofree char *clean = mmd_text_sanitize(text, -1, ERROR_TEXT_MAX);

  return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN, "%s: %s", what,
                     clean);
}

GError *
mmd_at_parse_cme_error(const char *line)
{
  static const char *const prefixes[] = { "+CME ERROR:", NULL };
  const char *v = line ? mmd_at_strip_prefix(line, prefixes) : NULL;
  g_autofree char *text = NULL;
  guint64 n;
  int code = -1;

  if (!v)
    return NULL;
  text = mmd_at_unquote(v);
  if (mmd_at_parse_uint(text, 10, 100000, &n)) {
    for (gsize i = 0; i < G_N_ELEMENTS(cme_texts); i++)
      if (cme_texts[i].code == (int)n) {
        code = (int)n;
        break;
      }
    if (code < 0)
      return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN,
                         "+CME ERROR: %" G_GUINT64_FORMAT, n);
  } else {
    for (gsize i = 0; i < G_N_ELEMENTS(cme_texts) && code < 0; i++)
      if (text_matches(text, cme_texts[i].text))
        code = cme_texts[i].code;
    for (gsize i = 0; i < G_N_ELEMENTS(cme_aliases) && code < 0; i++)
      if (text_matches(text, cme_aliases[i].text))
        code = cme_aliases[i].code;
    if (code < 0)
      return unknown_error("+CME ERROR", text);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(cme_texts); i++)
    if (cme_texts[i].code == code)
      return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, code, "%s", cme_texts[i].text);
  return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN, "unknown");
}

GError *
mmd_at_parse_cms_error(const char *line)
{
  static const char *const prefixes[] = { "+CMS ERROR:", NULL };
  /* 27.005 3.2.5 codes the Message domain names by the same value; the
   * others are network (RP) causes or vendor codes */
  static const int named[] = { 300, 301, 302, 303, 304, 305, 310, 311, 312, 313, 314,
                               315, 316, 317, 318, 320, 321, 322, 330, 331, 332, 340 };
  const char *v = line ? mmd_at_strip_prefix(line, prefixes) : NULL;
  g_autofree char *clean = NULL;
  guint64 code;

  if (!v)
    return NULL;
  if (mmd_at_parse_uint(v, 10, 999, &code)) {
    for (gsize i = 0; i < G_N_ELEMENTS(named); i++)
      if ((int)code == named[i])
        return g_error_new(MMD_MESSAGE_ERROR, (int)code, "+CMS ERROR: %d", (int)code);
    return g_error_new(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_UNKNOWN, "+CMS ERROR: %d", (int)code);
  }
  clean = mmd_text_sanitize(v, -1, ERROR_TEXT_MAX);
  return g_error_new(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_UNKNOWN, "+CMS ERROR: %s", clean);
}
