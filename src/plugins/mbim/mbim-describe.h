/* The wire log: one-line descriptions of MBIM messages for --debug, with
 * secrets masked and personal identifiers shortened, and the policy that says
 * whether to build them at all. No D-Bus here. */
#pragma once

#include <glib.h>

#include "mbim-buffer.h"
#include "mbim-message.h"

G_BEGIN_DECLS

/* A description is cut here: a log line, not a dump. */
#define MBIM_DESCRIPTION_MAX 4096

typedef gboolean (*MbimLogCheck)(void);

/* debug_enabled tells, each time, whether the wire log is wanted (the
 * daemon's log level can change at runtime); without it there is no wire
 * log. personal_info: identifiers may be logged in full. */
void mbim_log_set_policy(MbimLogCheck debug_enabled, gboolean personal_info);
/* Whether describing messages is worth its cost now. */
gboolean mbim_log_wire_enabled(void);

/* A readable, single-line description of a whole message, decoding its
 * buffer when the CID is known. */
char *mbim_message_describe(const MbimMessage *msg);

/* ---- used by the generated describe functions ---- */

typedef enum {
  MBIM_PRIVACY_NONE,
  MBIM_PRIVACY_PERSONAL, /* IMSI, ICCID, numbers: first 6 characters unless allowed */
  MBIM_PRIVACY_SECRET,   /* PINs, passwords: never shown */
} MbimPrivacy;

/* "{Name: " for the first field, ", Name: " for the others. */
void mbim_describe_field(GString *s, gboolean first, const char *name);
/* Quoted, with control characters and quotes escaped. */
void mbim_describe_string(GString *s, const char *text, MbimPrivacy privacy);
void mbim_describe_bytes(GString *s, const guint8 *data, gsize n, MbimPrivacy privacy);
void mbim_describe_uuid(GString *s, const guint8 *uuid);
/* A textual address; "none" when addr is NULL. */
void mbim_describe_ip(GString *s, const guint8 *addr, gsize n);
/* Why a buffer could not be described (the error names a field and a
 * problem, never the modem's data). */
void mbim_describe_failure(GString *s, const GError *error);

G_END_DECLS
