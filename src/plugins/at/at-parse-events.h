/* Parsers of what a modem reports by itself (3GPP TS 27.007 chapter 8):
 * indicators (+CIND, +CIEV), the network's time zone (+CTZV, +CTZE,
 * +CTZEU) and the clock (+CCLK). Same conventions as at-parse.h: the input
 * is a response or one URC line; anything not understood fails with an
 * error. No D-Bus, no daemon headers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* +CIND=?: ("name",(0-5)),...: the 1-based index of the indicator called
 * name (case-insensitive) and the highest value it takes. */
gboolean mmd_at_parse_cind_test(const char *response, const char *name, guint *index, guint *max,
                                GError **error);

/* +CREG=?: (0-2): the highest URC mode; 2 and up report the cell */
gboolean mmd_at_parse_creg_test(const char *response, guint *max_mode, GError **error);

/* +CIEV: <ind>,<value> */
gboolean mmd_at_parse_ciev(const char *line, guint *index, guint *value, GError **error);

/* What the network said of its time. */
typedef struct {
  gboolean has_zone;
  int zone_quarters; /* offset from UTC in quarter hours, daylight saving included */
  int dst_hours;     /* daylight saving adjustment, -1 when not given */
  GDateTime *time;   /* the network's time (in its zone when known), NULL when not given */
} MmdAtNetworkTime;

void mmd_at_network_time_clear(MmdAtNetworkTime *t);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MmdAtNetworkTime, mmd_at_network_time_clear)

/* +CTZV: <tz> | +CTZE: <tz>,<dst>[,<time>] | +CTZEU: <tz>,<dst>[,<utime>]:
 * tz in quarter hours ("+04", "-08"), time "yyyy/MM/dd,hh:mm:ss" (local for
 * +CTZE, UTC for +CTZEU; some modems write a 2-digit year). */
gboolean mmd_at_parse_time_zone_report(const char *line, MmdAtNetworkTime *t, GError **error);

/* +CCLK: "yy/MM/dd,hh:mm:ss[±zz]": local time, zone in quarter hours. */
gboolean mmd_at_parse_cclk(const char *response, MmdAtNetworkTime *t, GError **error);

/* ISO 8601 with the UTC offset ("2026-11-30T12:00:00+01:00") of a time with
 * a zone; NULL without a time. */
char *mmd_at_network_time_to_iso8601(const MmdAtNetworkTime *t);

G_END_DECLS
