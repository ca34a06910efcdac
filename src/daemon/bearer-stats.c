/* Bearer statistics (see bearer-stats.h). */
#include "bearer-stats.h"

#include <string.h>

struct _MmdBearerStats {
  guint attempts;
  guint failed_attempts;
  guint total_duration; /* seconds, past sessions */
  guint64 total_rx;
  guint64 total_tx;
  /* the current session */
  char *interface;
  gint64 started; /* monotonic us, 0: no session */
  guint64 start_date;
  guint64 rx_base, tx_base; /* counters when it started */
  guint64 rx, tx;
};

MmdBearerStats *
mmd_bearer_stats_new(void)
{
  return g_new0(MmdBearerStats, 1);
}

void
mmd_bearer_stats_free(MmdBearerStats *stats)
{
  if (!stats)
    return;
  g_free(stats->interface);
  g_free(stats);
}

void
mmd_bearer_stats_attempt(MmdBearerStats *stats)
{
  stats->attempts++;
}

void
mmd_bearer_stats_failed(MmdBearerStats *stats)
{
  stats->failed_attempts++;
}

/* A net device's counter, or 0 when it cannot be read. */
static guint64
read_counter(const char *interface, const char *name)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  guint64 value = 0;

  if (!interface || !*interface || strchr(interface, '/'))
    return 0;
  path = g_strdup_printf("/sys/class/net/%s/statistics/%s", interface, name);
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return 0;
  g_strstrip(text);
  if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL))
    return 0;
  return value;
}

void
mmd_bearer_stats_connected(MmdBearerStats *stats, const char *interface)
{
  g_free(stats->interface);
  stats->interface = g_strdup(interface);
  stats->started = g_get_monotonic_time();
  stats->start_date = g_get_real_time() / G_USEC_PER_SEC;
  stats->rx_base = read_counter(interface, "rx_bytes");
  stats->tx_base = read_counter(interface, "tx_bytes");
  stats->rx = stats->tx = 0;
}

static guint
session_duration(MmdBearerStats *stats)
{
  return stats->started ? (guint)((g_get_monotonic_time() - stats->started) / G_USEC_PER_SEC) : 0;
}

void
mmd_bearer_stats_update(MmdBearerStats *stats)
{
  guint64 rx, tx;

  if (!stats->started)
    return;
  rx = read_counter(stats->interface, "rx_bytes");
  tx = read_counter(stats->interface, "tx_bytes");
  /* A counter that went back (device re-created) restarts from there. */
  stats->rx = rx >= stats->rx_base ? rx - stats->rx_base : rx;
  stats->tx = tx >= stats->tx_base ? tx - stats->tx_base : tx;
}

void
mmd_bearer_stats_disconnected(MmdBearerStats *stats)
{
  if (!stats->started)
    return;
  mmd_bearer_stats_update(stats);
  stats->total_duration += session_duration(stats);
  stats->total_rx += stats->rx;
  stats->total_tx += stats->tx;
  stats->started = 0;
}

gboolean
mmd_bearer_stats_in_session(MmdBearerStats *stats)
{
  return stats->started != 0;
}

GVariant *
mmd_bearer_stats_to_variant(MmdBearerStats *stats)
{
  GVariantBuilder b;
  guint duration = session_duration(stats);

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&b, "{sv}", "attempts", g_variant_new_uint32(stats->attempts));
  g_variant_builder_add(&b, "{sv}", "failed-attempts",
                        g_variant_new_uint32(stats->failed_attempts));
  g_variant_builder_add(&b, "{sv}", "total-duration",
                        g_variant_new_uint32(stats->total_duration + duration));
  g_variant_builder_add(&b, "{sv}", "total-rx-bytes",
                        g_variant_new_uint64(stats->total_rx + stats->rx));
  g_variant_builder_add(&b, "{sv}", "total-tx-bytes",
                        g_variant_new_uint64(stats->total_tx + stats->tx));
  if (stats->started) {
    g_variant_builder_add(&b, "{sv}", "start-date", g_variant_new_uint64(stats->start_date));
    g_variant_builder_add(&b, "{sv}", "duration", g_variant_new_uint32(duration));
    g_variant_builder_add(&b, "{sv}", "rx-bytes", g_variant_new_uint64(stats->rx));
    g_variant_builder_add(&b, "{sv}", "tx-bytes", g_variant_new_uint64(stats->tx));
  }
  return g_variant_builder_end(&b);
}
