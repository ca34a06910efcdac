/* The radio: signal (+CSQ, +CESQ), access modes (+WS46) and power (+CFUN)
 * from their 27.007 responses. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* +CSQ: rssi 0-31 or 99, ber (rssi to 0-100 %: mmd_signal_percent_from_csq()). */
gboolean mmd_at_parse_csq(const char *response, int *rssi, int *ber, GError **error);

typedef struct {
  /* NAN when the modem does not know */
  double rssi; /* GSM, dBm (from rxlev) */
  double rscp; /* UMTS, dBm */
  double ecio; /* UMTS, dB */
  double rsrq; /* LTE, dB */
  double rsrp; /* LTE, dBm */
  double nr_rsrq;
  double nr_rsrp;
  double nr_snr;
} MmdAtSignal;
gboolean mmd_at_parse_cesq(const char *response, MmdAtSignal *sig, GError **error);

/* +WS46=?: the offered values (GArray of int), lists and ranges. */
GArray *mmd_at_parse_ws46_test(const char *response, GError **error);
/* +WS46?: the current value. */
gboolean mmd_at_parse_ws46_read(const char *response, int *value, GError **error);
/* +WS46 value <-> MmdModemMode mask (0 / -1 when unknown). */
guint mmd_at_ws46_to_modes(int value);
int mmd_at_modes_to_ws46(guint modes);

/* +CFUN?: fun. */
gboolean mmd_at_parse_cfun(const char *response, int *fun, GError **error);

G_END_DECLS
