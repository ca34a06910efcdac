/* What a plugin keeps across restarts of the daemon: a small key file per
 * port (say, the QMI client ids and handles of a data session left up on
 * stop), so that the next run can take the session over instead of lying
 * about it or tearing it down. The files live in the runtime directory
 * ($MODEMD_RUNTIME_DIR, else the build's), which a reboot empties; they are
 * readable by root only and must never hold a secret. */
#pragma once

#include "ops-bearer.h"

G_BEGIN_DECLS

/* The state saved for (plugin, port), or NULL when there is none or it cannot
 * be read (logged). */
GKeyFile *mmd_runtime_state_load(const char *plugin, const char *port);
/* Saves (replaces) it; FALSE with a log message on failure. */
gboolean mmd_runtime_state_save(const char *plugin, const char *port, GKeyFile *state);
void mmd_runtime_state_remove(const char *plugin, const char *port);

/* A bearer's settings (without the password) and interface, in the "bearer"
 * group; and back, into a zeroed settings (strings to free with
 * mmd_runtime_state_clear_bearer) and *interface (NULL when absent). */
void mmd_runtime_state_set_bearer(GKeyFile *state, const MmdBearerSettings *settings,
                                  const char *interface);
void mmd_runtime_state_get_bearer(GKeyFile *state, MmdBearerSettings *settings, char **interface);
void mmd_runtime_state_clear_bearer(MmdBearerSettings *settings);
/* A saved number in 1..max, else 0 (absent or out of range). */
guint64 mmd_runtime_state_get_number(GKeyFile *state, const char *group, const char *key,
                                     guint64 max);

G_END_DECLS
