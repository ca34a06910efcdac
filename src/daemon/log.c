#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static GLogLevelFlags max_level = G_LOG_LEVEL_MESSAGE;
static gboolean personal_info;

static int
level_rank(GLogLevelFlags level)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return 0;
  if (level & G_LOG_LEVEL_WARNING)
    return 1;
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return 2;
  return 3;
}

static const char *
level_name(GLogLevelFlags level)
{
  static const char *names[] = { "error", "warn", "info", "debug" };
  return names[level_rank(level)];
}

static GLogWriterOutput
writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL;
  const char *message = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  if (level_rank(level) > level_rank(max_level))
    return G_LOG_WRITER_HANDLED;
  for (gsize i = 0; i < n_fields; i++) {
    if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (strcmp(fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  }
  now = g_date_time_new_now_local();
  stamp = g_date_time_format(now, "%H:%M:%S.%f");
  stamp[12] = '\0'; /* milliseconds are enough */
  fprintf(stderr, "%s %-5s [%s] %s\n", stamp, level_name(level), domain ? domain : "modemd",
          message ? message : "");
  fflush(stderr);
  return G_LOG_WRITER_HANDLED;
}

void
mmd_log_init(gboolean debug, gboolean log_personal_info)
{
  max_level = debug ? G_LOG_LEVEL_DEBUG : G_LOG_LEVEL_MESSAGE;
  personal_info = log_personal_info;
  g_log_set_writer_func(writer, NULL, NULL);
}

gboolean
mmd_log_set_level_from_string(const char *level)
{
  static const struct {
    const char *name;
    GLogLevelFlags level;
  } levels[] = {
    { "ERR", G_LOG_LEVEL_CRITICAL },
    { "WARN", G_LOG_LEVEL_WARNING },
    { "INFO", G_LOG_LEVEL_MESSAGE },
    { "DEBUG", G_LOG_LEVEL_DEBUG },
  };

  for (guint i = 0; level && i < G_N_ELEMENTS(levels); i++) {
    if (g_ascii_strcasecmp(level, levels[i].name) == 0) {
      max_level = levels[i].level;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean
mmd_log_debug_enabled(void)
{
  return level_rank(max_level) >= 3;
}

gboolean
mmd_log_personal_info(void)
{
  return personal_info;
}

char *
mmd_log_mask_identifier(const char *value)
{
  gsize len = value ? strlen(value) : 0;

  if (personal_info || len <= 6)
    return g_strdup(value ? value : "");
  return g_strdup_printf("%.6s%.*s", value, (int)(len - 6), "**************************");
}
