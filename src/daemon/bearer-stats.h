/* A bearer's Stats: attempts, connection time and traffic, kept the way the
 * reference reports them (start-date, duration, rx/tx-bytes of the current
 * session; attempts, failed-attempts, total-duration, total rx/tx bytes). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MmdBearerStats MmdBearerStats;

MmdBearerStats *mmd_bearer_stats_new(void);
void mmd_bearer_stats_free(MmdBearerStats *stats);
void mmd_bearer_stats_attempt(MmdBearerStats *stats);
void mmd_bearer_stats_failed(MmdBearerStats *stats);
/* A session started on interface (NULL: no net device, no traffic counts). */
void mmd_bearer_stats_connected(MmdBearerStats *stats, const char *interface);
/* Reads the traffic so far (net device counters) into the session. */
void mmd_bearer_stats_update(MmdBearerStats *stats);
void mmd_bearer_stats_disconnected(MmdBearerStats *stats);
gboolean mmd_bearer_stats_in_session(MmdBearerStats *stats);
/* The Stats a{sv}. */
GVariant *mmd_bearer_stats_to_variant(MmdBearerStats *stats);

G_END_DECLS
