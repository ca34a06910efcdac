#include "part-collector.h"

#define MAX_COMPLETED (4 * MMD_PART_COLLECTOR_MAX_SETS)

struct _MmdPartCollector {
  GDestroyNotify free_part;
  /* key -> MmdPartSet, incomplete. */
  GHashTable *sets;
  /* key -> completion time (gint64 *), to drop late duplicates. */
  GHashTable *completed;
  /* MmdPartSet set aside when the collector was full. */
  GPtrArray *evicted;
};

typedef struct {
  MmdPartSet set;
  GDestroyNotify free_part;
} OwnedSet;

static MmdPartSet *
part_set_new(const char *key, guint total, GDestroyNotify free_part)
{
  OwnedSet *owned = g_new0(OwnedSet, 1);

  owned->set.key = g_strdup(key);
  owned->set.total = total;
  owned->set.parts = g_new0(gpointer, total);
  owned->free_part = free_part;
  return &owned->set;
}

void
mmd_part_set_free(MmdPartSet *set)
{
  OwnedSet *owned = (OwnedSet *)set;

  if (!set)
    return;
  for (guint i = 0; i < set->total; i++) {
    if (set->parts[i])
      owned->free_part(set->parts[i]);
  }
  g_free(set->parts);
  g_free(set->key);
  g_free(owned);
}

MmdPartCollector *
mmd_part_collector_new(GDestroyNotify free_part)
{
  MmdPartCollector *collector = g_new0(MmdPartCollector, 1);

  collector->free_part = free_part;
  collector->sets
      = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)mmd_part_set_free);
  collector->completed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  collector->evicted = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_part_set_free);
  return collector;
}

void
mmd_part_collector_free(MmdPartCollector *collector)
{
  if (!collector)
    return;
  g_hash_table_destroy(collector->sets);
  g_hash_table_destroy(collector->completed);
  g_ptr_array_unref(collector->evicted);
  g_free(collector);
}

static void
evict_longest_idle(MmdPartCollector *collector)
{
  GHashTableIter iter;
  MmdPartSet *set, *oldest = NULL;

  g_hash_table_iter_init(&iter, collector->sets);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&set)) {
    if (!oldest || set->last_seen < oldest->last_seen)
      oldest = set;
  }
  if (oldest) {
    g_hash_table_steal(collector->sets, oldest->key);
    g_ptr_array_add(collector->evicted, oldest);
  }
}

/* The set for @key, made if new. */
static MmdPartSet *
lookup_or_create(MmdPartCollector *collector, const char *key, guint total)
{
  MmdPartSet *set = g_hash_table_lookup(collector->sets, key);

  if (set)
    return set;
  if (g_hash_table_size(collector->sets) >= MMD_PART_COLLECTOR_MAX_SETS)
    evict_longest_idle(collector);
  set = part_set_new(key, total, collector->free_part);
  g_hash_table_insert(collector->sets, set->key, set);
  return set;
}

/* Keeps at most MAX_COMPLETED keys even if the caller never flushes. */
static void
remember_completed(MmdPartCollector *collector, const char *key, gint64 now)
{
  gint64 *completed_at = g_new(gint64, 1);

  if (g_hash_table_size(collector->completed) >= MAX_COMPLETED) {
    GHashTableIter iter;
    gpointer candidate, oldest = NULL;
    gint64 *when, oldest_when = G_MAXINT64;

    g_hash_table_iter_init(&iter, collector->completed);
    while (g_hash_table_iter_next(&iter, &candidate, (gpointer *)&when)) {
      if (*when < oldest_when) {
        oldest = candidate;
        oldest_when = *when;
      }
    }
    g_hash_table_remove(collector->completed, oldest);
  }
  *completed_at = now;
  g_hash_table_insert(collector->completed, g_strdup(key), completed_at);
}

MmdPartResult
mmd_part_collector_add(MmdPartCollector *collector, const char *key, guint total, guint sequence,
                       gpointer part, gint64 now, MmdPartSet **complete)
{
  MmdPartSet *set;

  *complete = NULL;
  g_return_val_if_fail(sequence >= 1 && sequence <= total, MMD_PART_DUPLICATE);
  set = g_hash_table_contains(collector->completed, key) ? NULL
                                                         : lookup_or_create(collector, key, total);
  if (!set || set->parts[sequence - 1]) {
    collector->free_part(part);
    return MMD_PART_DUPLICATE;
  }
  set->parts[sequence - 1] = part;
  set->received++;
  set->last_seen = now;
  if (set->received < set->total)
    return MMD_PART_ADDED;

  g_hash_table_steal(collector->sets, set->key);
  remember_completed(collector, key, now);
  *complete = set;
  return MMD_PART_COMPLETED;
}

GPtrArray *
mmd_part_collector_take_expired(MmdPartCollector *collector, gint64 now, guint timeout)
{
  GPtrArray *expired = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_part_set_free);
  GHashTableIter iter;
  MmdPartSet *set;
  gint64 *completed_at;

  g_ptr_array_extend_and_steal(expired, g_steal_pointer(&collector->evicted));
  collector->evicted = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_part_set_free);

  g_hash_table_iter_init(&iter, collector->sets);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&set)) {
    if (now - set->last_seen >= (gint64)timeout) {
      g_hash_table_iter_steal(&iter);
      g_ptr_array_add(expired, set);
    }
  }
  g_hash_table_iter_init(&iter, collector->completed);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&completed_at)) {
    if (now - *completed_at >= (gint64)timeout)
      g_hash_table_iter_remove(&iter);
  }
  return expired;
}

guint
mmd_part_collector_pending(MmdPartCollector *collector)
{
  return g_hash_table_size(collector->sets);
}
