/* The network time capability (NITZ). Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* The network's time as the modem knows it now. Result: pointer, a newly
   * allocated ISO 8601 string with its UTC offset. Optional: without it,
   * GetNetworkTime answers the last time reported. */
  void (*get_network_time)(MmdBackend *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
} MmdTimeOps;

void mmd_modem_provide_time(MmdModem *modem, const MmdTimeOps *ops, MmdBackend *backend);

/* What the network says of its time zone; a field it did not give is
 * MMD_TIMEZONE_UNKNOWN. */
#define MMD_TIMEZONE_UNKNOWN G_MININT
typedef struct {
  int offset_minutes; /* from UTC, daylight saving included */
  int dst_minutes;
  int leap_seconds;
} MmdTimezone;

/* The network sent its time (ISO 8601 with UTC offset) and time zone. */
void mmd_modem_report_network_time(MmdModem *self, const char *iso8601, const MmdTimezone *zone);

G_END_DECLS
