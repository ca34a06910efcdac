/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the network and the sky do besides registration — signal
 * changes, the serving cell, GPS fixes and the network's time (NITZ) — and
 * the control commands that script them (tests/sim/README.md).  Protocol
 * modules hear of each change through their notify function and send the
 * indications their host subscribed to.
 */
#include <string.h>

#include "sim-core-private.h"

/* The serving cell before any "cell" command: an LTE cell of the home operator. */
#define DEFAULT_TAC 0x1234
#define DEFAULT_CI 0x01A2B3C4
#define DEFAULT_PCI 101
#define DEFAULT_EARFCN 1300

/* ---- signal ---- */

/* RSSI is the power over the whole carrier, RSRP that of one reference
 * signal: on one carrier they move together, so RSSI keeps the distance to
 * RSRP it had at start (what --rssi and --rsrp set), within what +CSQ and
 * MBIM can code. */
void
sim_core_set_signal(SimCore *core, int rsrp, int rsrq, double snr)
{
  const SimConfig *config = core->config;

  core->signal.rssi = CLAMP(config->rssi + (rsrp - config->rsrp), -113, -51);
  core->signal.rsrp = rsrp;
  core->signal.rsrq = rsrq;
  core->signal.snr = snr;
  sim_core_log(core, "event: signal rsrp=%d rsrq=%d snr=%.1f", rsrp, rsrq, snr);
  sim_core_notify(core, SIM_NOTIFY_SIGNAL, NULL);
}

/* ---- serving cell ---- */

const SimCell *
sim_core_cell(SimCore *core)
{
  return &core->cell;
}

static gboolean
digits(const char *s, gsize min, gsize max)
{
  gsize n = strlen(s);

  return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static const SimControlArg cell_args[] = {
  { "MCC", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "MNC", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "TAC", SIM_CONTROL_ARG_INT, 0, 0xFFFF, NULL },
  { "CI", SIM_CONTROL_ARG_INT, 0, 0xFFFFFFF, NULL },
};

static gboolean
set_cell(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimCore *core = user_data;

  if (!digits(args[0].word, 3, 3) || !digits(args[1].word, 2, 3)) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "MCC is 3 digits, MNC 2 or 3");
    return FALSE;
  }
  g_strlcpy(core->cell.mcc, args[0].word, sizeof core->cell.mcc);
  g_strlcpy(core->cell.mnc, args[1].word, sizeof core->cell.mnc);
  core->cell.tac = args[2].integer;
  core->cell.ci = args[3].integer;
  /* another cell is another physical cell too */
  core->cell.pci = (core->cell.ci % 503);
  sim_core_log(core, "event: cell %s%s tac=0x%04X ci=0x%07X", core->cell.mcc, core->cell.mnc,
               core->cell.tac, core->cell.ci);
  sim_core_notify(core, SIM_NOTIFY_CELL, NULL);
  return TRUE;
}

/* ---- GPS ---- */

const SimGpsFix *
sim_core_gps(SimCore *core)
{
  return &core->gps;
}

/* NMEA 0183: "$" body "*" XOR of the body's bytes in hex */
static void
append_sentence(GString *out, const char *body)
{
  guint8 sum = 0;

  for (const char *c = body; *c; c++)
    sum ^= (guint8)*c;
  g_string_append_printf(out, "$%s*%02X\r\n", body, sum);
}

/* degrees as NMEA's (d)ddmm.mmmm and hemisphere */
static char *
nmea_angle(double degrees, gboolean latitude)
{
  double a = degrees < 0 ? -degrees : degrees;
  int whole = (int)a;
  double minutes = (a - whole) * 60.0;
  char hemisphere = latitude ? (degrees < 0 ? 'S' : 'N') : (degrees < 0 ? 'W' : 'E');

  return g_strdup_printf(latitude ? "%02d%07.4f,%c" : "%03d%07.4f,%c", whole, minutes, hemisphere);
}

char *
sim_gps_nmea(const SimGpsFix *fix)
{
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *lat = NULL, *lon = NULL, *hms = NULL, *dmy = NULL, *gga = NULL, *rmc = NULL;
  GString *out;

  if (!fix->valid)
    return NULL;
  t = g_date_time_new_from_unix_utc(fix->utc);
  lat = nmea_angle(fix->latitude, TRUE);
  lon = nmea_angle(fix->longitude, FALSE);
  hms = g_date_time_format(t, "%H%M%S.00");
  dmy = g_date_time_format(t, "%d%m%y");
  gga = g_strdup_printf("GPGGA,%s,%s,%s,1,08,0.9,%.1f,M,0.0,M,,", hms, lat, lon, fix->altitude);
  rmc = g_strdup_printf("GPRMC,%s,A,%s,%s,0.0,0.0,%s,,,A", hms, lat, lon, dmy);
  out = g_string_new(NULL);
  append_sentence(out, gga);
  append_sentence(out, rmc);
  return g_string_free(out, FALSE);
}

static const SimControlArg gps_args[] = {
  { "LAT", SIM_CONTROL_ARG_NUMBER, -90, 90, NULL },
  { "LON", SIM_CONTROL_ARG_NUMBER, -180, 180, NULL },
  { "ALT", SIM_CONTROL_ARG_NUMBER, -1000, 100000, NULL },
};

static gboolean
set_gps(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimCore *core = user_data;

  core->gps.valid = TRUE;
  core->gps.latitude = args[0].number;
  core->gps.longitude = args[1].number;
  core->gps.altitude = args[2].number;
  core->gps.utc = g_get_real_time() / G_USEC_PER_SEC;
  sim_core_log(core, "event: gps lat=%.6f lon=%.6f alt=%.1f", core->gps.latitude,
               core->gps.longitude, core->gps.altitude);
  sim_core_notify(core, SIM_NOTIFY_GPS, NULL);
  return TRUE;
}

/* ---- NITZ ---- */

const SimNitz *
sim_core_nitz(SimCore *core)
{
  return &core->nitz;
}

gint64
sim_core_network_time(SimCore *core)
{
  if (!core->nitz.valid)
    return 0;
  return core->nitz_utc + (g_get_monotonic_time() - core->nitz_monotonic) / G_USEC_PER_SEC;
}

static const char *const dst_words[] = { "dst=0", "dst=1", "dst=2", NULL };

static const SimControlArg nitz_args[] = {
  { "TIME", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "DST", SIM_CONTROL_ARG_CHOICE, 0, 0, dst_words },
};

/* TIME is the local time with its offset from UTC, as 3GPP NITZ carries it:
 * 2026-11-30T12:00:00+01 (the offset in whole quarter hours, DST included). */
static gboolean
set_nitz(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimCore *core = user_data;
  g_autoptr(GDateTime) t = NULL;
  gint64 offset_s;

  /* an offset after the date part: a time without one would be local to the simulator */
  if (strlen(args[0].word) <= 10 || !strpbrk(args[0].word + 10, "Z+-")
      || !(t = g_date_time_new_from_iso8601(args[0].word, NULL))) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "TIME is ISO 8601 with its UTC offset, e.g. 2026-11-30T12:00:00+01");
    return FALSE;
  }
  offset_s = g_date_time_get_utc_offset(t) / G_USEC_PER_SEC;
  if (offset_s % (15 * 60) || offset_s < -12 * 3600 || offset_s > 14 * 3600) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "the UTC offset is whole quarter hours from -12:00 to +14:00");
    return FALSE;
  }
  core->nitz.valid = TRUE;
  core->nitz.tz_quarters = (int)(offset_s / (15 * 60));
  core->nitz.dst_hours = (int)args[1].choice;
  core->nitz_utc = g_date_time_to_unix(t);
  core->nitz_monotonic = g_get_monotonic_time();
  sim_core_log(core, "event: nitz utc=%" G_GINT64_FORMAT " tz=%d dst=%d", core->nitz_utc,
               core->nitz.tz_quarters, core->nitz.dst_hours);
  sim_core_notify(core, SIM_NOTIFY_NITZ, NULL);
  return TRUE;
}

static const SimControlCommand event_commands[] = {
  { "cell", cell_args, G_N_ELEMENTS(cell_args), set_cell },
  { "gps", gps_args, G_N_ELEMENTS(gps_args), set_gps },
  { "nitz", nitz_args, G_N_ELEMENTS(nitz_args), set_nitz },
};

void
sim_core_events_init(SimCore *core)
{
  const char *home = core->config->home.mccmnc;

  g_strlcpy(core->cell.mcc, home, sizeof core->cell.mcc);
  g_strlcpy(core->cell.mnc, home + MIN(strlen(home), 3), sizeof core->cell.mnc);
  core->cell.tac = DEFAULT_TAC;
  core->cell.ci = DEFAULT_CI;
  core->cell.pci = DEFAULT_PCI;
  core->cell.earfcn = DEFAULT_EARFCN;
  sim_control_add_commands(core->control, event_commands, G_N_ELEMENTS(event_commands), core);
}
