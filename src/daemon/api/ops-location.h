/* The location capability: the serving cell (3GPP) and GPS. Conventions as
 * in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* Run the GPS engine for these sources (MmdModemLocationSource gps-raw,
   * gps-nmea, gps-unmanaged; 0 stops it) and report fixes with the setters
   * below. Result: boolean. */
  void (*setup_gps)(MmdBackend *self, guint gps_sources, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);
  /* "host:port" of the A-GPS SUPL server. Result: boolean. */
  void (*set_supl_server)(MmdBackend *self, const char *supl, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
} MmdLocationOps;

void mmd_modem_provide_location(MmdModem *modem, const MmdLocationOps *ops, MmdBackend *backend);

/* The sources the modem has (MmdModemLocationSource): 3gpp-lac-ci when the
 * backend reports its cell, GPS ones when it has the engine. */
void mmd_modem_set_location_capabilities(MmdModem *self, guint sources);
/* The serving cell; lac 0 when unknown (LTE/NR have tac instead). */
void mmd_modem_set_3gpp_location(MmdModem *self, const char *mcc, const char *mnc, guint lac,
                                 guint tac, guint cell_id);
/* One NMEA sentence ("$GPGGA,...") as the GPS gave it. */
void mmd_modem_report_gps_nmea(MmdModem *self, const char *sentence);
/* A fix: degrees, metres, and UTC time as "hhmmss.ss" or ISO 8601. */
void mmd_modem_report_gps_raw(MmdModem *self, double latitude, double longitude, double altitude,
                              const char *utc_time);

G_END_DECLS
