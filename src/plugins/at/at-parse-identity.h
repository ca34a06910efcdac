/* Who the modem and its SIM are: manufacturer, model, revision, IMEI, IMSI,
 * ICCID and own numbers, from their 27.007 (and vendor) responses. Every
 * string returned is clean text (at-parse-common.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* +CGMI/+GMI, +CGMM/+GMM, +CGMR/+GMR: the first non-empty line, prefix and
 * quotes removed. */
char *mmd_at_parse_info(const char *response, GError **error);
/* +CGSN/+GSN: 14-17 digits (IMEI or IMEISV). */
char *mmd_at_parse_imei(const char *response, GError **error);
/* +CIMI: 6-15 digits. */
char *mmd_at_parse_imsi(const char *response, GError **error);
/* +CCID, +ICCID, ^ICCID, +QCCID: 18-22 digits; trailing F padding dropped and
 * nibble-swapped forms (starting "98") repaired. */
char *mmd_at_parse_iccid(const char *response, GError **error);
/* +CNUM: own numbers, NULL-terminated (possibly empty). */
char **mmd_at_parse_cnum(const char *response, GError **error);

G_END_DECLS
