/* Building blocks of the 27.007 response parsers. */
#include "at-parse-common.h"

#include <string.h>

#include "mmd-errors.h"
#include "mmd-text.h"

gboolean
mmd_at_parse_fail(GError **error, const char *what, const char *input)
{
  g_autofree char *excerpt = mmd_text_sanitize(input, -1, MMD_AT_EXCERPT_MAX);

  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Could not parse %s response '%s'",
              what, excerpt);
  return FALSE;
}

static GPtrArray *
split_failed(GError **error, const char *why, const char *s)
{
  g_autofree char *excerpt = mmd_text_sanitize(s, -1, MMD_AT_EXCERPT_MAX);

  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "%s in '%s'", why, excerpt);
  return NULL;
}

GPtrArray *
mmd_at_split_fields(const char *s, GArray **quoted, GError **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) q = g_array_new(FALSE, FALSE, sizeof(gboolean));
  g_autoptr(GString) cur = g_string_new(NULL);
  gboolean in_quotes = FALSE, was_quoted = FALSE;
  int depth = 0;

  if (!s)
    s = "";
  for (const char *p = s;; p++) {
    char c = *p;

    if (c == '\0' || (c == ',' && !in_quotes && depth == 0)) {
      if (in_quotes || depth != 0)
        return split_failed(error, "Unterminated quote or parenthesis", s);
      if (!was_quoted)
        g_strstrip(cur->str);
      g_ptr_array_add(fields, g_strdup(cur->str));
      g_array_append_val(q, was_quoted);
      g_string_truncate(cur, 0);
      was_quoted = FALSE;
      if (c == '\0')
        break;
      continue;
    }
    if (c == '"' && depth == 0) {
      if (!in_quotes) {
        /* drop blanks before the opening quote */
        if (cur->len > 0 && g_strstrip(cur->str)[0] == '\0')
          g_string_truncate(cur, 0);
        if (cur->len > 0)
          return split_failed(error, "Stray quote", s);
        in_quotes = TRUE;
        was_quoted = TRUE;
      } else {
        in_quotes = FALSE;
        /* only blanks may follow the closing quote */
        while (p[1] == ' ' || p[1] == '\t')
          p++;
        if (p[1] != ',' && p[1] != '\0')
          return split_failed(error, "Garbage after quoted field", s);
      }
      continue;
    }
    if (!in_quotes) {
      if (c == '(')
        depth++;
      else if (c == ')' && --depth < 0)
        return split_failed(error, "Unbalanced ')'", s);
    }
    g_string_append_c(cur, c);
  }
  if (quoted)
    *quoted = g_steal_pointer(&q);
  return g_steal_pointer(&fields);
}

const char *
mmd_at_strip_prefix(const char *line, const char *const *prefixes)
{
  for (guint i = 0; prefixes[i]; i++) {
    gsize n = strlen(prefixes[i]);

    if (g_ascii_strncasecmp(line, prefixes[i], n) == 0) {
      const char *p = line + n;

      if (*p == ':')
        p++;
      else if (prefixes[i][n - 1] != ':')
        continue;
      while (*p == ' ' || *p == '\t')
        p++;
      return p;
    }
  }
  return NULL;
}

gboolean
mmd_at_parse_uint(const char *s, guint base, guint64 max, guint64 *out)
{
  guint64 v = 0;
  gboolean any = FALSE;

  if (!s)
    return FALSE;
  while (*s == ' ')
    s++;
  for (; *s && *s != ' '; s++) {
    int d = base == 16 ? g_ascii_xdigit_value(*s) : g_ascii_digit_value(*s);

    if (d < 0 || (guint64)d > max || v > (max - (guint64)d) / base)
      return FALSE;
    v = v * base + (guint64)d;
    any = TRUE;
  }
  while (*s == ' ')
    s++;
  if (!any || *s != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
mmd_at_field_int(GPtrArray *f, guint i, int *out)
{
  guint64 v;

  if (i >= f->len || !mmd_at_parse_uint(g_ptr_array_index(f, i), 10, G_MAXINT, &v))
    return FALSE;
  *out = (int)v;
  return TRUE;
}

const char *
mmd_at_field(GPtrArray *f, guint i)
{
  return i < f->len ? g_ptr_array_index(f, i) : NULL;
}

char **
mmd_at_response_lines(const char *response)
{
  g_auto(GStrv) raw = g_strsplit_set(response ? response : "", "\r\n", -1);
  GPtrArray *lines = g_ptr_array_new();

  for (guint i = 0; raw[i]; i++) {
    char *l = g_strstrip(raw[i]);
    if (*l)
      g_ptr_array_add(lines, g_strdup(l));
  }
  g_ptr_array_add(lines, NULL);
  return (char **)g_ptr_array_free(lines, FALSE);
}

GPtrArray *
mmd_at_first_fields(const char *response, const char *prefix)
{
  const char *const prefixes[] = { prefix, NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    if (v)
      return mmd_at_split_fields(v, NULL, NULL);
  }
  return NULL;
}

const char *
mmd_at_skip_any_prefix(const char *line)
{
  if (line[0] == '+' || line[0] == '^' || line[0] == '$' || line[0] == '#' || line[0] == '*') {
    const char *colon = strchr(line, ':');
    gsize i;

    for (i = 1; line + i < (colon ? colon : line); i++)
      if (!g_ascii_isalnum(line[i]) && line[i] != '_')
        return line;
    if (colon) {
      colon++;
      while (*colon == ' ' || *colon == '\t')
        colon++;
      return colon;
    }
  }
  return line;
}

char *
mmd_at_unquote(const char *s)
{
  gsize n;

  while (*s == ' ')
    s++;
  n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    n--;
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
    return g_strndup(s + 1, n - 2);
  return g_strndup(s, n);
}

char *
mmd_at_text(const char *s)
{
  return mmd_text_sanitize(s, -1, MMD_AT_TEXT_MAX);
}
