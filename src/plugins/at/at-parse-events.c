/* Parsers of indicator and time zone reports (see at-parse-events.h). */
#include "at-parse-events.h"

#include <string.h>

#include "at-parse.h"
#include "mmd-errors.h"

/* 3GPP TS 24.008 10.5.3.8: the zone, in quarter hours, lies within these */
#define MIN_ZONE_QUARTERS (-48)
#define MAX_ZONE_QUARTERS 56
#define MAX_DST_HOURS 2
/* No modem has more indicators than this, nor values past it */
#define MAX_INDICATOR 32
#define MAX_INDICATOR_VALUE 255

/* A decimal number of at most max, nothing else. */
static gboolean
parse_bounded(const char *s, guint64 max, guint *out)
{
  guint64 v;

  if (!s || !g_ascii_isdigit(*s) || !g_ascii_string_to_unsigned(s, 10, 0, max, &v, NULL))
    return FALSE;
  *out = (guint)v;
  return TRUE;
}

/* The first line with one of the prefixes, its text after the prefix. */
static char *
prefixed_line(const char *response, const char *const *prefixes)
{
  g_auto(GStrv) lines = g_strsplit_set(response ? response : "", "\r\n", -1);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(g_strstrip(lines[i]), prefixes);

    if (v)
      return g_strdup(v);
  }
  return NULL;
}

/* ---- indicators ---------------------------------------------------------- */

/* "(0-5)" or "(0,1,2)": the highest number in it. */
static gboolean
range_max(const char *range, guint *max)
{
  gboolean any = FALSE;

  *max = 0;
  for (const char *p = range; *p; p++) {
    guint v;
    gsize n = strspn(p, "0123456789");
    g_autofree char *digits = NULL;

    if (n == 0)
      continue;
    digits = g_strndup(p, n);
    if (!parse_bounded(digits, MAX_INDICATOR_VALUE, &v))
      return FALSE;
    *max = MAX(*max, v);
    any = TRUE;
    p += n - 1;
  }
  return any;
}

/* One ("name",(range)) entry: its name and highest value. */
static gboolean
indicator_entry(const char *entry, char **name, guint *max)
{
  gsize n = strlen(entry);
  g_autofree char *inner = NULL;
  g_autoptr(GPtrArray) f = NULL;

  if (n < 2 || entry[0] != '(' || entry[n - 1] != ')')
    return FALSE;
  inner = g_strndup(entry + 1, n - 2);
  f = mmd_at_split_fields(inner, NULL, NULL);
  if (!f || f->len != 2 || !range_max(g_ptr_array_index(f, 1), max))
    return FALSE;
  *name = g_strdup(g_ptr_array_index(f, 0));
  return TRUE;
}

gboolean
mmd_at_parse_cind_test(const char *response, const char *name, guint *index, guint *max,
                       GError **error)
{
  static const char *const prefixes[] = { "+CIND:", NULL };
  g_autofree char *v = prefixed_line(response, prefixes);
  g_autoptr(GPtrArray) entries = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

  if (!entries || entries->len > MAX_INDICATOR)
    return mmd_at_parse_fail(error, "+CIND=?", response);
  for (guint i = 0; i < entries->len; i++) {
    g_autofree char *entry_name = NULL;
    guint entry_max;

    if (!indicator_entry(g_ptr_array_index(entries, i), &entry_name, &entry_max))
      return mmd_at_parse_fail(error, "+CIND=?", response);
    if (g_ascii_strcasecmp(entry_name, name) == 0) {
      *index = i + 1;
      *max = entry_max;
      return TRUE;
    }
  }
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED, "No \"%s\" indicator", name);
  return FALSE;
}

gboolean
mmd_at_parse_creg_test(const char *response, guint *max_mode, GError **error)
{
  static const char *const prefixes[] = { "+CREG:", NULL };
  g_autofree char *v = prefixed_line(response, prefixes);

  if (!v || !range_max(v, max_mode))
    return mmd_at_parse_fail(error, "+CREG=?", response);
  return TRUE;
}

gboolean
mmd_at_parse_ciev(const char *line, guint *index, guint *value, GError **error)
{
  static const char *const prefixes[] = { "+CIEV:", NULL };
  g_autofree char *v = prefixed_line(line, prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

  if (!f || f->len != 2 || !parse_bounded(g_ptr_array_index(f, 0), MAX_INDICATOR, index)
      || *index == 0 || !parse_bounded(g_ptr_array_index(f, 1), MAX_INDICATOR_VALUE, value))
    return mmd_at_parse_fail(error, "+CIEV", line);
  return TRUE;
}

/* ---- time ---------------------------------------------------------------- */

void
mmd_at_network_time_clear(MmdAtNetworkTime *t)
{
  g_clear_pointer(&t->time, g_date_time_unref);
  memset(t, 0, sizeof *t);
}

/* "+04", "-08", "4": quarter hours from UTC */
static gboolean
parse_zone(const char *s, int *quarters)
{
  gboolean negative = *s == '-';
  guint v;

  if (*s == '+' || *s == '-')
    s++;
  if (strlen(s) > 2 || !parse_bounded(s, MAX_ZONE_QUARTERS, &v))
    return FALSE;
  *quarters = negative ? -(int)v : (int)v;
  return *quarters >= MIN_ZONE_QUARTERS;
}

/* "yyyy/MM/dd,hh:mm:ss" (or a 2-digit year): the date and time parts. */
static gboolean
parse_date_time(const char *s, int part[6])
{
  g_auto(GStrv) halves = g_strsplit(s, ",", -1);
  g_auto(GStrv) date = NULL;
  g_auto(GStrv) time = NULL;
  static const guint max[6] = { 9999, 12, 31, 23, 59, 59 };

  if (g_strv_length(halves) != 2)
    return FALSE;
  date = g_strsplit(halves[0], "/", -1);
  time = g_strsplit(halves[1], ":", -1);
  if (g_strv_length(date) != 3 || g_strv_length(time) != 3)
    return FALSE;
  for (int i = 0; i < 6; i++) {
    guint v;
    const char *text = i < 3 ? date[i] : time[i - 3];

    if (strlen(text) > 4 || !parse_bounded(text, max[i], &v))
      return FALSE;
    part[i] = (int)v;
  }
  if (strlen(date[0]) <= 2)
    part[0] += 2000;
  return TRUE;
}

/* The time as the zone of t says, from parts in that zone (or in UTC). */
static gboolean
set_time(MmdAtNetworkTime *t, const int part[6], gboolean utc)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset(t->has_zone ? t->zone_quarters * 15 * 60 : 0);
  g_autoptr(GDateTime) at = NULL;

  if (utc) {
    g_autoptr(GDateTime) u
        = g_date_time_new_utc(part[0], part[1], part[2], part[3], part[4], part[5]);

    at = u ? g_date_time_to_timezone(u, zone) : NULL;
  } else {
    at = g_date_time_new(zone, part[0], part[1], part[2], part[3], part[4], part[5]);
  }
  if (!at)
    return FALSE;
  t->time = g_steal_pointer(&at);
  return TRUE;
}

gboolean
mmd_at_parse_time_zone_report(const char *line, MmdAtNetworkTime *t, GError **error)
{
  static const char *const prefixes[] = { "+CTZEU:", "+CTZE:", "+CTZV:", NULL };
  g_autofree char *v = prefixed_line(line, prefixes);
  g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
  const char *start = line ? line + strspn(line, " \r\n") : "";
  gboolean utc = g_ascii_strncasecmp(start, "+CTZEU:", 7) == 0;
  int part[6];
  guint dst;

  memset(t, 0, sizeof *t);
  t->dst_hours = -1;
  if (!f || f->len < 1 || f->len > 3 || !parse_zone(g_ptr_array_index(f, 0), &t->zone_quarters))
    return mmd_at_parse_fail(error, "time zone report", line);
  t->has_zone = TRUE;
  if (f->len >= 2 && *(char *)g_ptr_array_index(f, 1)) {
    if (!parse_bounded(g_ptr_array_index(f, 1), MAX_DST_HOURS, &dst))
      return mmd_at_parse_fail(error, "time zone report", line);
    t->dst_hours = (int)dst;
  }
  if (f->len == 3 && *(char *)g_ptr_array_index(f, 2)
      && (!parse_date_time(g_ptr_array_index(f, 2), part) || !set_time(t, part, utc)))
    return mmd_at_parse_fail(error, "time zone report", line);
  return TRUE;
}

/* The one value of a response, its quotes removed: "a,b" or a,b */
static char *
unquoted(char *v)
{
  gsize n;

  g_strstrip(v);
  n = strlen(v);
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
    v[n - 1] = '\0';
    memmove(v, v + 1, n - 1);
  }
  return strchr(v, '"') ? NULL : v;
}

gboolean
mmd_at_parse_cclk(const char *response, MmdAtNetworkTime *t, GError **error)
{
  static const char *const prefixes[] = { "+CCLK:", NULL };
  g_autofree char *v = prefixed_line(response, prefixes);
  const char *seconds;
  char *text, *zone;
  int part[6];

  memset(t, 0, sizeof *t);
  t->dst_hours = -1;
  if (!v || !(text = unquoted(v)) || !(seconds = strrchr(text, ':')))
    return mmd_at_parse_fail(error, "+CCLK", response);
  /* the zone follows the seconds: hh:mm:ss±zz */
  zone = strpbrk(seconds, "+-");
  if (zone) {
    if (!parse_zone(zone, &t->zone_quarters))
      return mmd_at_parse_fail(error, "+CCLK", response);
    t->has_zone = TRUE;
    *zone = '\0';
  }
  if (!parse_date_time(text, part) || !set_time(t, part, FALSE))
    return mmd_at_parse_fail(error, "+CCLK", response);
  return TRUE;
}

char *
mmd_at_network_time_to_iso8601(const MmdAtNetworkTime *t)
{
  return t->time ? g_date_time_format(t->time, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}
