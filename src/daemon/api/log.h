/* Logging: GLib structured logging with a level that can change at runtime. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void mmd_log_init(gboolean debug, gboolean personal_info);
/* "ERR", "WARN", "INFO" or "DEBUG"; FALSE for anything else. */
gboolean mmd_log_set_level_from_string(const char *level);
gboolean mmd_log_debug_enabled(void);
/* Whether personal data (IMSI, ICCID, secrets) may be logged in full. */
gboolean mmd_log_personal_info(void);
/* IMSI/ICCID for logs: full with --log-personal-info, else the first 6 digits. */
char *mmd_log_mask_identifier(const char *value);

G_END_DECLS
