/* Quectel's AT commands for modes and bands (see quectel-at.h). */
#include "quectel-at.h"

#include "mmd-text.h"

#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  guint mode;
} mode_names[] = {
  { "WCDMA", QUECTEL_MODE_3G },
  { "LTE", QUECTEL_MODE_4G },
  { "NR5G", QUECTEL_MODE_5G },
};

char *
quectel_prefcfg_value(const char *response, const char *setting)
{
  g_autofree char *prefix = g_strdup_printf("+QNWPREFCFG: \"%s\",", setting);
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);

  for (char **l = lines; *l; l++) {
    const char *line = g_strstrip(*l);

    /* a value is ASCII: anything else is not kept, so never logged */
    if (g_str_has_prefix(line, prefix))
      return mmd_text_is_clean(line + strlen(prefix), -1) ? g_strdup(line + strlen(prefix)) : NULL;
  }
  return NULL;
}

static guint
mode_of(const char *word)
{
  for (gsize i = 0; i < G_N_ELEMENTS(mode_names); i++)
    if (!g_ascii_strcasecmp(word, mode_names[i].name))
      return mode_names[i].mode;
  return 0;
}

gboolean
quectel_parse_modes(const char *value, guint *modes, guint *first)
{
  g_auto(GStrv) words = NULL;

  *modes = *first = 0;
  if (!value || !*value)
    return FALSE;
  if (!g_ascii_strcasecmp(value, "AUTO")) {
    *modes = QUECTEL_MODES_ALL;
    return TRUE;
  }
  words = g_strsplit(value, ":", G_N_ELEMENTS(mode_names) + 1);
  if (g_strv_length(words) > G_N_ELEMENTS(mode_names))
    return FALSE;
  for (char **w = words; *w; w++) {
    guint mode = mode_of(*w);

    if (!mode)
      return FALSE;
    if (!*first)
      *first = mode;
    *modes |= mode;
  }
  return TRUE;
}

static int
compare_band(gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;

  return x < y ? -1 : x > y;
}

GArray *
quectel_parse_bands(const char *value)
{
  g_autoptr(GArray) bands = g_array_new(FALSE, FALSE, sizeof(guint));
  g_auto(GStrv) words = NULL;

  if (!value)
    return NULL;
  if (!*value || g_str_equal(value, "0"))
    return g_steal_pointer(&bands);
  words = g_strsplit(value, ":", QUECTEL_MAX_BANDS + 1);
  if (g_strv_length(words) > QUECTEL_MAX_BANDS)
    return NULL;
  for (char **w = words; *w; w++) {
    guint64 band;

    if (!g_ascii_string_to_unsigned(*w, 10, 1, QUECTEL_MAX_BAND, &band, NULL))
      return NULL;
    g_array_append_vals(bands, &(guint){ band }, 1);
  }
  g_array_sort(bands, compare_band);
  return g_steal_pointer(&bands);
}

static char *
join_modes(guint modes, gboolean newest_first)
{
  GString *s = g_string_new(NULL);

  for (gsize k = 0; k < G_N_ELEMENTS(mode_names); k++) {
    gsize i = newest_first ? G_N_ELEMENTS(mode_names) - 1 - k : k;

    if (modes & mode_names[i].mode)
      g_string_append_printf(s, "%s%s", s->len ? ":" : "", mode_names[i].name);
  }
  return g_string_free(s, FALSE);
}

char *
quectel_modes_arg(guint modes)
{
  return join_modes(modes, FALSE);
}

char *
quectel_acq_order_arg(guint allowed, guint preferred)
{
  g_autofree char *lead = join_modes(preferred & allowed, TRUE);
  g_autofree char *rest = join_modes(allowed & ~preferred, TRUE);

  if (!*lead)
    return g_steal_pointer(&rest);
  return *rest ? g_strdup_printf("%s:%s", lead, rest) : g_steal_pointer(&lead);
}

char *
quectel_bands_arg(const guint *bands, gsize n_bands)
{
  GString *s = g_string_new(NULL);

  for (gsize i = 0; i < n_bands; i++)
    g_string_append_printf(s, "%s%u", i ? ":" : "", bands[i]);
  return g_string_free(s, FALSE);
}
