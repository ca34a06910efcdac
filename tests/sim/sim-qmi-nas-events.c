/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what QMI NAS reports by itself and how a client sets it up:
 * signal by thresholds (Config Signal Info, 0x0050 + Signal Info indication
 * 0x0051) or by deltas (Set Event Report / Event Report, 0x0002, older
 * firmware), the network's time (Get Network Time 0x007D, Network Time
 * indication 0x004C), and the cells around (Get Cell Location Info 0x0043).
 */
#include <string.h>

#include "sim-qmi.h"

enum {
  MSG_EVENT_REPORT = 0x0002,
  MSG_NETWORK_TIME = 0x004C,
  MSG_SIGNAL_INFO = 0x0051,
};

/* One measurement in the units thresholds use: RSSI, RSRQ and RSRP in
 * dB(m), SNR in 0.1 dB. */
static int
measure(const SimSignal *s, int which)
{
  switch (which) {
    case NAS_RSSI:
      return s->rssi;
    case NAS_RSRQ:
      return s->rsrq;
    case NAS_RSRP:
      return s->rsrp;
    default:
      return (int)(s->snr * 10 + (s->snr < 0 ? -0.5 : 0.5));
  }
}

/* ---- Config Signal Info ---- */

/* request TLV of each measurement's threshold list, and whether its
 * elements are 16-bit */
static const struct {
  guint8 tlv;
  gboolean wide;
  const char *name;
} threshold_tlvs[NAS_N_MEASURES] = {
  [NAS_RSSI] = { 0x10, FALSE, "rssi" },
  [NAS_RSRQ] = { 0x15, FALSE, "rsrq" },
  [NAS_RSRP] = { 0x16, TRUE, "rsrp" },
  [NAS_SNR] = { 0x13, TRUE, "lte-snr" },
};

/* A threshold list: count u8, then i8 or i16 values. */
static gboolean
read_thresholds(const QmiReq *r, int which, gint16 *values, guint8 *n)
{
  QmiCursor c;
  guint8 count;

  if (!qmi_cursor_init(&c, r, threshold_tlvs[which].tlv))
    return TRUE;
  count = qmi_cursor_u8(&c);
  if (count > NAS_MAX_THRESHOLDS)
    return FALSE;
  for (guint i = 0; i < count; i++)
    values[i] = threshold_tlvs[which].wide ? (gint16)qmi_cursor_u16(&c) : (gint8)qmi_cursor_u8(&c);
  *n = count;
  return c.ok;
}

guint16
qmi_nas_config_signal_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gint16 values[NAS_N_MEASURES][NAS_MAX_THRESHOLDS];
  guint8 n[NAS_N_MEASURES] = { 0 };

  if (sim_core_config(q->core)->qmi_legacy_signal)
    return ERR_INVALID_QMI_COMMAND;
  for (int i = 0; i < NAS_N_MEASURES; i++)
    if (!read_thresholds(r, i, values[i], &n[i]))
      return ERR_MALFORMED_MESSAGE;
  /* a measurement left out keeps its list */
  for (int i = 0; i < NAS_N_MEASURES; i++) {
    if (!qmi_cursor_init(&(QmiCursor){ 0 }, r, threshold_tlvs[i].tlv))
      continue;
    memcpy(r->client->thresholds[i], values[i], sizeof values[i]);
    r->client->n_thresholds[i] = n[i];
  }
  return ERR_NONE;
}

void
qmi_nas_describe_config_signal_info(const QmiReq *r, GString *s)
{
  for (int i = 0; i < NAS_N_MEASURES; i++) {
    gint16 values[NAS_MAX_THRESHOLDS];
    guint8 n = 0;

    if (!qmi_cursor_init(&(QmiCursor){ 0 }, r, threshold_tlvs[i].tlv)
        || !read_thresholds(r, i, values, &n))
      continue;
    g_string_append_printf(s, " %s=", threshold_tlvs[i].name);
    for (guint j = 0; j < n; j++)
      g_string_append_printf(s, "%s%d", j ? "," : "", values[j]);
  }
}

/* Whether going from a to b crosses one of the client's thresholds; a
 * client that set none hears of every change. */
static gboolean
crossed(const QmiClient *c, const SimSignal *a, const SimSignal *b)
{
  gboolean any_list = FALSE;

  for (int i = 0; i < NAS_N_MEASURES; i++) {
    int from = measure(a, i), to = measure(b, i);

    any_list |= c->n_thresholds[i] > 0;
    for (guint j = 0; j < c->n_thresholds[i]; j++)
      if ((from < c->thresholds[i][j]) != (to < c->thresholds[i][j]))
        return TRUE;
  }
  return !any_list && memcmp(a, b, sizeof *a) != 0;
}

/* ---- Set Event Report ---- */

/* request TLVs: {report u8, delta u8} per measurement (no RSRQ delta) */
static const guint8 delta_tlvs[NAS_N_MEASURES] = {
  [NAS_RSSI] = 0x13,
  [NAS_RSRP] = 0x1C,
  [NAS_SNR] = 0x1B,
};

guint16
qmi_nas_set_event_report(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  for (int i = 0; i < NAS_N_MEASURES; i++) {
    QmiCursor c;
    guint8 report, delta;

    if (!delta_tlvs[i] || !qmi_cursor_init(&c, r, delta_tlvs[i]))
      continue;
    report = qmi_cursor_u8(&c);
    delta = qmi_cursor_u8(&c);
    if (!c.ok)
      return ERR_MALFORMED_MESSAGE;
    r->client->report_delta[i] = report ? MAX(delta, 1) : 0;
  }
  r->client->reported = *sim_core_signal(q->core);
  r->client->reported_signal = sim_core_reg_state(q->core) == SIM_REG_REGISTERED;
  return ERR_NONE;
}

void
qmi_nas_describe_event_report(const QmiReq *r, GString *s)
{
  static const char *const names[NAS_N_MEASURES] = { "rssi", NULL, "lte-rsrp", "lte-snr" };

  for (int i = 0; i < NAS_N_MEASURES; i++) {
    QmiCursor c;

    if (delta_tlvs[i] && qmi_cursor_init(&c, r, delta_tlvs[i])) {
      guint8 report = qmi_cursor_u8(&c);
      guint8 delta = qmi_cursor_u8(&c);

      g_string_append_printf(s, " %s=%s/%u", names[i], report ? "on" : "off", delta);
    }
  }
}

static gboolean
moved(const QmiClient *c, const SimSignal *a, const SimSignal *b)
{
  for (int i = 0; i < NAS_N_MEASURES; i++)
    if (c->report_delta[i] && ABS(measure(a, i) - measure(b, i)) >= c->report_delta[i])
      return TRUE;
  return FALSE;
}

/* Event Report indication: RSSI as a positive number of -dBm, RSRQ, LTE SNR
 * (0.1 dB) and RSRP, each for LTE. */
static void
indicate_event_report(SimQmi *q, const QmiClient *c)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  const SimSignal *sig = sim_core_signal(q->core);
  gsize t;

  t = qmi_tlv_open(b, 0x13);
  qmi_put_u8(b, (guint8)(-sig->rssi));
  qmi_put_u8(b, RADIO_LTE);
  qmi_tlv_close(b, t);
  t = qmi_tlv_open(b, 0x18);
  qmi_put_u8(b, (guint8)(gint8)sig->rsrq);
  qmi_put_u8(b, RADIO_LTE);
  qmi_tlv_close(b, t);
  qmi_tlv_u16(b, 0x19, (guint16)(gint16)measure(sig, NAS_SNR));
  qmi_tlv_u16(b, 0x1A, (guint16)(gint16)sig->rsrp);
  qmi_indicate(q, c, MSG_EVENT_REPORT, b);
}

/* A signal appearing (registration) or going (no service) is a change
 * every subscriber hears of; while registered, thresholds and deltas decide. */
static void
signal_changed(SimQmi *q, QmiClient *c)
{
  const SimSignal *now = sim_core_signal(q->core);
  gboolean have = sim_core_reg_state(q->core) == SIM_REG_REGISTERED;
  gboolean appeared = have != c->reported_signal;
  gboolean info = c->ind_signal_info && (appeared || (have && crossed(c, &c->reported, now)));
  gboolean report = have && (appeared || moved(c, &c->reported, now));

  if (info) {
    g_autoptr(GByteArray) b = g_byte_array_new();

    qmi_nas_encode_signal_info(q, b); /* no TLVs: no signal */
    qmi_indicate(q, c, MSG_SIGNAL_INFO, b);
  }
  if (report && c->report_delta[NAS_RSSI] + c->report_delta[NAS_RSRP] + c->report_delta[NAS_SNR])
    indicate_event_report(q, c);
  if (info || report || appeared) {
    c->reported = *now;
    c->reported_signal = have;
  }
}

/* ---- network time ---- */

/* Universal time: year u16, month, day, hour, minute, second, day of week
 * (0 Monday) u8 */
static void
put_universal_time(GByteArray *b, gint64 utc)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(utc);

  qmi_put_u16(b, g_date_time_get_year(t));
  qmi_put_u8(b, g_date_time_get_month(t));
  qmi_put_u8(b, g_date_time_get_day_of_month(t));
  qmi_put_u8(b, g_date_time_get_hour(t));
  qmi_put_u8(b, g_date_time_get_minute(t));
  qmi_put_u8(b, g_date_time_get_second(t));
  qmi_put_u8(b, g_date_time_get_day_of_week(t) - 1);
}

/* Response TLV 0x11 (3GPP time): universal time, time zone (i8, quarter
 * hours), DST adjustment (hours), radio interface. */
guint16
qmi_nas_get_network_time(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimNitz *nitz = sim_core_nitz(q->core);
  gsize t;

  if (!nitz->valid)
    return ERR_INFORMATION_UNAVAILABLE;
  t = qmi_tlv_open(out, 0x11);
  put_universal_time(out, sim_core_network_time(q->core));
  qmi_put_u8(out, (guint8)(gint8)nitz->tz_quarters);
  qmi_put_u8(out, nitz->dst_hours);
  qmi_put_u8(out, RADIO_LTE);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
indicate_network_time(SimQmi *q, const QmiClient *c)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  const SimNitz *nitz = sim_core_nitz(q->core);
  gsize t = qmi_tlv_open(b, 0x01);

  put_universal_time(b, sim_core_network_time(q->core));
  qmi_tlv_close(b, t);
  qmi_tlv_u8(b, 0x10, (guint8)(gint8)nitz->tz_quarters);
  qmi_tlv_u8(b, 0x11, nitz->dst_hours);
  qmi_tlv_u8(b, 0x12, RADIO_LTE);
  qmi_indicate(q, c, MSG_NETWORK_TIME, b);
}

/* ---- cell location info ---- */

/* 3GPP TS 24.008 PLMN identity: BCD digits, MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1,
 * 0xF for the third digit of a 2-digit MNC */
static void
put_plmn_bcd(GByteArray *b, const SimCell *cell)
{
  const char *mcc = cell->mcc, *mnc = cell->mnc;
  guint8 mnc3 = strlen(mnc) == 3 ? mnc[2] - '0' : 0xF;

  qmi_put_u8(b, (guint8)((mcc[1] - '0') << 4 | (mcc[0] - '0')));
  qmi_put_u8(b, (guint8)(mnc3 << 4 | (mcc[2] - '0')));
  qmi_put_u8(b, (guint8)((mnc[1] - '0') << 4 | (mnc[0] - '0')));
}

/* one measured LTE cell: PCI, then RSRQ, RSRP, RSSI in 0.1 dB(m), RX level */
static void
put_lte_cell(GByteArray *b, guint16 pci, const SimSignal *sig, int weaker_db)
{
  qmi_put_u16(b, pci);
  qmi_put_u16(b, (guint16)(gint16)((sig->rsrq - weaker_db / 2) * 10));
  qmi_put_u16(b, (guint16)(gint16)((sig->rsrp - weaker_db) * 10));
  qmi_put_u16(b, (guint16)(gint16)((sig->rssi - weaker_db) * 10));
  qmi_put_u16(b, (guint16)(gint16)(sig->rsrp - weaker_db + 140));
}

/* TLV 0x13 (intrafrequency LTE info v2): the serving cell and two
 * neighbours on its carrier; 0x14 (interfrequency): one cell on another
 * carrier; 0x1E: timing advance. */
guint16
qmi_nas_get_cell_location_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimCell *cell = sim_core_cell(q->core);
  const SimSignal *sig = sim_core_signal(q->core);
  gsize t;

  if (sim_core_reg_state(q->core) != SIM_REG_REGISTERED)
    return ERR_NONE; /* no cell: no TLVs */
  t = qmi_tlv_open(out, 0x13);
  qmi_put_u8(out, 0); /* connected, not idle */
  put_plmn_bcd(out, cell);
  qmi_put_u16(out, cell->tac);
  qmi_put_u32(out, cell->ci);
  qmi_put_u16(out, cell->earfcn);
  qmi_put_u16(out, cell->pci);
  qmi_put_u8(out, 5);  /* cell reselection priority */
  qmi_put_u8(out, 8);  /* s-non-intra-search */
  qmi_put_u8(out, 4);  /* serving cell low threshold */
  qmi_put_u8(out, 20); /* s-intra-search */
  qmi_put_u8(out, 3);
  put_lte_cell(out, cell->pci, sig, 0);
  put_lte_cell(out, cell->pci + 1, sig, 8);
  put_lte_cell(out, cell->pci + 2, sig, 14);
  qmi_tlv_close(out, t);

  t = qmi_tlv_open(out, 0x14);
  qmi_put_u8(out, 0);
  qmi_put_u8(out, 1); /* one other carrier */
  qmi_put_u16(out, cell->earfcn + 5000);
  qmi_put_u8(out, 2);
  qmi_put_u8(out, 10);
  qmi_put_u8(out, 3);
  qmi_put_u8(out, 1);
  put_lte_cell(out, 7, sig, 20);
  qmi_tlv_close(out, t);
  qmi_tlv_u32(out, 0x1E, 3);
  return ERR_NONE;
}

/* ---- the world changed ---- */

void
qmi_nas_events_notify(SimQmi *q, QmiClient *c, SimNotify what)
{
  if (what == SIM_NOTIFY_SIGNAL || what == SIM_NOTIFY_REGISTRATION)
    signal_changed(q, c);
  else if (what == SIM_NOTIFY_NITZ && c->ind_network_time)
    indicate_network_time(q, c);
}
