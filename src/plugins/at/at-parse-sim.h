/* The SIM's lock state, retry counters, facility locks and files, from their
 * 27.007 (and vendor) responses. */
#pragma once

#include <glib.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

/* +CPIN?: READY -> NONE, SIM PIN, SIM PUK, SIM PIN2, SIM PUK2; other PH- locks
 * are reported as UNKNOWN. */
gboolean mmd_at_parse_cpin(const char *response, MmdModemLock *lock, GError **error);

typedef struct {
  int pin; /* -1: unknown */
  int puk;
  int pin2;
  int puk2;
} MmdAtRetries;

/* +CPINR (27.007), +QPINC (Quectel), +CPINC (Sierra), ^CPIN (Huawei). At
 * least one count must be found. */
gboolean mmd_at_parse_pin_retries(const char *response, MmdAtRetries *retries, GError **error);
/* +CLCK: <status>[,<class>] (first line). */
gboolean mmd_at_parse_clck(const char *response, gboolean *enabled, GError **error);
/* +CRSM: the file contents of a successful READ BINARY (status 0x90/0x91),
 * as bytes; an error for any other status or bad hex. */
GBytes *mmd_at_parse_crsm(const char *response, GError **error);

G_END_DECLS
