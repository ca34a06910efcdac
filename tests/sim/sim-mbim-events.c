/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what an MBIM function reports by itself.
 *
 * Basic Connect Signal State (CID 11): the host sets an interval and an
 * RSSI threshold (in coded RSSI steps of 2 dB; 0 asks for the default,
 * 0xFFFFFFFF for none); the function notifies when the coded RSSI moved by
 * the threshold from what the host last heard.  The interval, the shortest
 * time between two notifications, is kept and reported but not enforced.
 *
 * MS Basic Connect Extensions (3d01dcc5-fef5-4d05-0d3a-bef7058e9aaf),
 * Location Info Status (CID 12): LAC, TAC and cell id, u32 each, queried or
 * notified when the modem changes cells (the service's table is in
 * sim-mbim-ex.c).
 *
 * MS Voice Extensions (8d8b9eba-37be-449b-8f1e-61cb034a702e), NITZ
 * (CID 10): year, month, day, hour, minute, second (UTC), time zone offset
 * and DST offset in minutes (0xFFFFFFFF unknown), data class; u32 each.
 */
#include <string.h>

#include "sim-mbim.h"

enum { CID_SIGNAL_STATE = 11, CID_LOCATION_INFO_STATUS = 12, CID_NITZ = 10 };

/* The Windows default: a notification for a change of 5 dB or more. */
#define DEFAULT_RSSI_THRESHOLD 3
#define NO_THRESHOLD 0xFFFFFFFFu
#define RSSI_UNKNOWN 99

static const guint8 uuid_ms_voice_extensions[16]
    = { 0x8d, 0x8b, 0x9e, 0xba, 0x37, 0xbe, 0x44, 0x9b,
        0x8f, 0x1e, 0x61, 0xcb, 0x03, 0x4a, 0x70, 0x2e };

/* ---- Signal State ---- */

static guint32
coded_rssi_now(SimMbim *m)
{
  int v = (sim_core_signal(m->core)->rssi + 113) / 2;

  if (sim_core_reg_state(m->core) != SIM_REG_REGISTERED)
    return RSSI_UNKNOWN;
  return CLAMP(v, 0, 31);
}

/* MBIM_SIGNAL_STATE_INFO: RSSI, error rate, interval, RSSI threshold, error
 * rate threshold; with extensions 2.0 the RSRP/SNR list of LTE and NR too */
static GByteArray *
enc_signal_state(SimMbim *m)
{
  gboolean v2 = m->mbimex >= MBIMEX_2_0;
  MbimBuf b;

  m->reported_rssi = coded_rssi_now(m);
  mbim_buf_init(&b, v2 ? 28 : 20);
  mbim_buf_u32(&b, m->reported_rssi);
  mbim_buf_u32(&b, 99);
  mbim_buf_u32(&b, m->rssi_interval);
  mbim_buf_u32(&b, m->rssi_threshold ? m->rssi_threshold : DEFAULT_RSSI_THRESHOLD);
  mbim_buf_u32(&b, m->error_rate_threshold);
  if (v2)
    mbim_ex_signal_append(m, &b);
  return mbim_buf_finish(&b);
}

/* set: MBIM_SET_SIGNAL_STATE, interval, RSSI threshold, error rate threshold */
guint32
mbim_signal_state(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type == 1) {
    guint32 interval, rssi, error_rate;

    if (!mbim_read_u32(r, 0, &interval) || !mbim_read_u32(r, 4, &rssi)
        || !mbim_read_u32(r, 8, &error_rate))
      return ST_INVALID_PARAMETERS;
    m->rssi_interval = interval;
    m->rssi_threshold = rssi;
    m->error_rate_threshold = error_rate;
  }
  *out = enc_signal_state(m);
  return ST_NONE;
}

void
mbim_signal_state_describe(const MbimReq *r, GString *s)
{
  guint32 interval, rssi, error_rate;

  if (r->type == 1 && mbim_read_u32(r, 0, &interval) && mbim_read_u32(r, 4, &rssi)
      && mbim_read_u32(r, 8, &error_rate))
    g_string_append_printf(s, " interval=%u rssi-threshold=%u error-rate-threshold=%u", interval,
                           rssi, error_rate);
}

static void
signal_changed(SimMbim *m)
{
  guint32 threshold = m->rssi_threshold ? m->rssi_threshold : DEFAULT_RSSI_THRESHOLD;
  guint32 now = coded_rssi_now(m);
  g_autoptr(GByteArray) info = NULL;

  /* a signal appearing or going is always worth a notification */
  if (threshold == NO_THRESHOLD || now == m->reported_rssi
      || (now != RSSI_UNKNOWN && m->reported_rssi != RSSI_UNKNOWN
          && (guint32)ABS((int)now - (int)m->reported_rssi) < threshold))
    return;
  info = enc_signal_state(m);
  mbim_send_indication(m, CID_SIGNAL_STATE, info);
}

/* ---- Location Info Status ---- */

static GByteArray *
enc_location_info(SimMbim *m)
{
  const SimCell *cell = sim_core_cell(m->core);
  MbimBuf b;

  mbim_buf_init(&b, 12);
  mbim_buf_u32(&b, 0); /* an LTE cell has no LAC */
  mbim_buf_u32(&b, cell->tac);
  mbim_buf_u32(&b, cell->ci);
  return mbim_buf_finish(&b);
}

guint32
mbim_location_info_status(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (sim_core_reg_state(m->core) != SIM_REG_REGISTERED)
    return ST_NOT_REGISTERED;
  *out = enc_location_info(m);
  return ST_NONE;
}

/* ---- NITZ ---- */

static GByteArray *
enc_nitz(SimMbim *m)
{
  const SimNitz *nitz = sim_core_nitz(m->core);
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(sim_core_network_time(m->core));
  MbimBuf b;

  mbim_buf_init(&b, 36);
  mbim_buf_u32(&b, g_date_time_get_year(t));
  mbim_buf_u32(&b, g_date_time_get_month(t));
  mbim_buf_u32(&b, g_date_time_get_day_of_month(t));
  mbim_buf_u32(&b, g_date_time_get_hour(t));
  mbim_buf_u32(&b, g_date_time_get_minute(t));
  mbim_buf_u32(&b, g_date_time_get_second(t));
  mbim_buf_u32(&b, (guint32)(nitz->tz_quarters * 15));
  mbim_buf_u32(&b, (guint32)(nitz->dst_hours * 60));
  mbim_buf_u32(&b, DATA_CLASS_LTE);
  return mbim_buf_finish(&b);
}

static guint32
h_nitz(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!sim_core_nitz(m->core)->valid)
    return ST_FAILURE;
  *out = enc_nitz(m);
  return ST_NONE;
}

/* ---- the services ---- */

static const MbimCmd ms_voice_extensions[] = {
  { CID_NITZ, "Nitz", h_nitz },
};

static const MbimCmd *
lookup_in(const MbimCmd *cmds, gsize n_cmds, guint32 cid)
{
  for (gsize i = 0; i < n_cmds; i++)
    if (cmds[i].cid == cid)
      return &cmds[i];
  return NULL;
}

static const MbimCmd *
lookup_voice_extensions(guint32 cid)
{
  return lookup_in(ms_voice_extensions, G_N_ELEMENTS(ms_voice_extensions), cid);
}

/* Their queries carry nothing worth logging. */
static void
describe_nothing(const MbimReq *r, GString *s)
{
}

const MbimService mbim_service_ms_voice_extensions = {
  uuid_ms_voice_extensions,
  "MsVoiceExtensions",
  lookup_voice_extensions,
  describe_nothing,
};

void
mbim_events_notify(SimMbim *m, SimNotify what)
{
  g_autoptr(GByteArray) info = NULL;

  if (what == SIM_NOTIFY_SIGNAL || what == SIM_NOTIFY_REGISTRATION) {
    signal_changed(m);
  } else if (what == SIM_NOTIFY_CELL && sim_core_reg_state(m->core) == SIM_REG_REGISTERED) {
    info = enc_location_info(m);
    mbim_send_service_indication(m, mbim_uuid_ms_basic_connect_extensions, CID_LOCATION_INFO_STATUS,
                                 info);
  } else if (what == SIM_NOTIFY_NITZ) {
    info = enc_nitz(m);
    mbim_send_service_indication(m, uuid_ms_voice_extensions, CID_NITZ, info);
  }
}
