/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what an AT modem reports by itself (27.007 chapter 8): its
 * indicators (+CIND, +CMER, the +CIEV URC: the "signal" indicator follows
 * the RSSI in five steps), the network's time zone (+CTZR, the +CTZV /
 * +CTZE / +CTZEU URCs) and its clock (+CCLK, set by NITZ).
 */
#include "sim-at.h"

/* indicators, in +CIND order (1-based in +CIEV) */
enum { IND_BATTCHG = 1, IND_SIGNAL = 2, IND_SERVICE = 3, IND_ROAM = 4 };

/* 0..5 from the RSSI: 0 below -105 dBm, then a step every 10 dB, 5 from -65 */
static int
signal_bars(SimAt *a)
{
  int rssi = sim_core_signal(a->core)->rssi;

  if (sim_core_reg_state(a->core) != SIM_REG_REGISTERED)
    return 0;
  return CLAMP((rssi + 115) / 10, 0, 5);
}

static AtResult
cind_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  gboolean reg = sim_core_reg_state(a->core) == SIM_REG_REGISTERED;

  at_info(r, "+CIND: 5,%d,%d,%d", signal_bars(a), reg, reg && sim_core_is_roaming(a->core));
  return R_OK;
}

static AtResult
cind_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CIND: (\"battchg\",(0-5)),(\"signal\",(0-5)),(\"service\",(0-1)),(\"roam\",(0-1))");
  return R_OK;
}

/* +CMER=<mode>[,<keyp>[,<disp>[,<ind>[,<bfr>]]]]: mode 0 stops the reports,
 * 1-3 send them; ind 0 none, 1 indicator changes as +CIEV */
static AtResult
cmer_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int mode, ind = 0;

  if (!at_arg_int(args, 0, &mode) || mode < 0 || mode > 3
      || (args->len > 3 && *at_arg(args, 3) && (!at_arg_int(args, 3, &ind) || ind < 0 || ind > 2)))
    return at_cme(r, CME_NOT_SUPPORTED);
  a->cmer_ind = mode ? ind : 0;
  a->signal_bars = signal_bars(a);
  return R_OK;
}

static AtResult
cmer_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMER: %d,0,0,%d,0", a->cmer_ind ? 3 : 0, a->cmer_ind);
  return R_OK;
}

static AtResult
cmer_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMER: (0,3),(0),(0),(0-1),(0)");
  return R_OK;
}

static AtResult
ctzr_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int n;

  if (!at_arg_int(args, 0, &n) || n < 0 || n > 3)
    return at_cme(r, CME_NOT_SUPPORTED);
  a->ctzr = n;
  return R_OK;
}

static AtResult
ctzr_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CTZR: %d", a->ctzr);
  return R_OK;
}

static AtResult
ctzr_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CTZR: (0-3)");
  return R_OK;
}

/* The network's time as the modem's clock shows it: local time with the
 * zone in quarter hours; before any NITZ, the clock runs from 2000-01-01 UTC
 * when the modem came up. */
static char *
clock_text(SimAt *a, const char *format)
{
  const SimNitz *nitz = sim_core_nitz(a->core);
  gint64 utc = sim_core_network_time(a->core);
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) t = NULL;
  int quarters = nitz->valid ? nitz->tz_quarters : 0;

  if (!nitz->valid)
    utc = 946684800 + g_get_monotonic_time() / G_USEC_PER_SEC;
  zone = g_time_zone_new_offset(quarters * 15 * 60);
  t = g_date_time_new_from_unix_utc(utc);
  g_autoptr(GDateTime) local = g_date_time_to_timezone(t, zone);
  return g_date_time_format(local, format);
}

static char *
tz_text(int quarters)
{
  return g_strdup_printf("%c%02d", quarters < 0 ? '-' : '+', ABS(quarters));
}

static AtResult
cclk_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  g_autofree char *when = clock_text(a, "%y/%m/%d,%H:%M:%S");
  g_autofree char *tz = tz_text(sim_core_nitz(a->core)->tz_quarters);

  at_info(r, "+CCLK: \"%s%s\"", when, tz);
  return R_OK;
}

/* +CTZV: <tz> | +CTZE: <tz>,<dst>,<time> | +CTZEU: <tz>,<dst>,<utime> */
static void
time_zone_urc(SimAt *a)
{
  const SimNitz *nitz = sim_core_nitz(a->core);
  g_autofree char *tz = tz_text(nitz->tz_quarters);
  g_autofree char *line = NULL;

  if (a->ctzr == 1) {
    line = g_strdup_printf("+CTZV: \"%s\"", tz);
  } else if (a->ctzr == 2) {
    g_autofree char *local = clock_text(a, "%Y/%m/%d,%H:%M:%S");

    line = g_strdup_printf("+CTZE: \"%s\",%d,\"%s\"", tz, nitz->dst_hours, local);
  } else if (a->ctzr == 3) {
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(sim_core_network_time(a->core));
    g_autofree char *utc = g_date_time_format(t, "%Y/%m/%d,%H:%M:%S");

    line = g_strdup_printf("+CTZEU: \"%s\",%d,\"%s\"", tz, nitz->dst_hours, utc);
  }
  if (line)
    at_urc(a, line);
}

void
at_events_notify(SimAt *a, SimNotify what)
{
  if (what == SIM_NOTIFY_NITZ) {
    time_zone_urc(a);
  } else if ((what == SIM_NOTIFY_SIGNAL || what == SIM_NOTIFY_REGISTRATION) && a->cmer_ind == 1
             && signal_bars(a) != a->signal_bars) {
    g_autofree char *line = NULL;

    a->signal_bars = signal_bars(a);
    line = g_strdup_printf("+CIEV: %d,%d", IND_SIGNAL, a->signal_bars);
    at_urc(a, line);
  }
}

static const AtCommandDef defs[] = {
  { "+CIND", .query = cind_query, .test = cind_test },
  { "+CMER", .set = cmer_set, .query = cmer_query, .test = cmer_test },
  { "+CTZR", .set = ctzr_set, .query = ctzr_query, .test = ctzr_test },
  { "+CCLK", .query = cclk_query },
};

const AtCommandTable at_events_commands = { defs, G_N_ELEMENTS(defs) };
