/* Collects the parts of multi-part messages (concatenated SMS, CBS pages) until
 * each message is whole. A pure data structure: no timers, the caller passes
 * "now" in monotonic seconds and asks for what has waited too long.
 *
 * Parts are owned opaque pointers, stored by their 1-based sequence under a
 * key that names the message. Duplicates are dropped, also for a while after
 * their message completed (until it is as old as the caller's timeout), so a
 * repeated part cannot start a stale copy. Memory is bounded: past
 * MMD_PART_COLLECTOR_MAX_SETS incomplete messages, the one idle the longest is
 * set aside and handed out by the next mmd_part_collector_take_expired(). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_PART_COLLECTOR_MAX_SETS 64

typedef struct _MmdPartCollector MmdPartCollector;

typedef struct {
  char *key;
  guint total;
  /* total entries, [sequence - 1]; NULL where a part is missing. */
  gpointer *parts;
  guint received;
  gint64 last_seen;
} MmdPartSet;

typedef enum {
  MMD_PART_ADDED,
  MMD_PART_DUPLICATE,
  MMD_PART_COMPLETED,
} MmdPartResult;

MmdPartCollector *mmd_part_collector_new(GDestroyNotify free_part);
void mmd_part_collector_free(MmdPartCollector *collector);

/* Takes @part (sequence 1..@total, which the caller checked). On COMPLETED,
 * *complete is the whole set, no longer in the collector. On DUPLICATE the
 * part has been freed. */
MmdPartResult mmd_part_collector_add(MmdPartCollector *collector, const char *key, guint total,
                                     guint sequence, gpointer part, gint64 now,
                                     MmdPartSet **complete);

/* Removes and returns (MmdPartSet, free with mmd_part_set_free) the incomplete
 * sets that saw no part for @timeout seconds, and those set aside for room. */
GPtrArray *mmd_part_collector_take_expired(MmdPartCollector *collector, gint64 now, guint timeout);

/* Incomplete sets held. */
guint mmd_part_collector_pending(MmdPartCollector *collector);

void mmd_part_set_free(MmdPartSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdPartCollector, mmd_part_collector_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdPartSet, mmd_part_set_free)

G_END_DECLS
