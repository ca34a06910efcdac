/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI LOC, the GPS engine.  A client registers for events
 * (Register Events 0x0021: a mask, position reports 1 << 0, NMEA 1 << 2)
 * and starts a session (Start 0x0022, Stop 0x0023); while it runs, every
 * fix (control command "gps") goes out as a Position Report indication
 * (0x0024) and NMEA indications (0x0026, one sentence each).
 */
#include <string.h>

#include "sim-qmi.h"

enum {
  EVENT_POSITION_REPORT = 1 << 0,
  EVENT_NMEA = 1 << 2,
};
enum { MSG_POSITION_REPORT = 0x0024, MSG_NMEA = 0x0026 };
enum { SESSION_STATUS_SUCCESS = 0 };

static gboolean
get_u64(const QmiReq *r, guint8 type, guint64 *v)
{
  QmiCursor c;
  guint32 low, high;

  if (!qmi_cursor_init(&c, r, type))
    return FALSE;
  low = qmi_cursor_u32(&c);
  high = qmi_cursor_u32(&c);
  *v = (guint64)high << 32 | low;
  return c.ok;
}

static guint16
loc_register_events(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint64 mask;

  if (!get_u64(r, 0x01, &mask))
    return ERR_MISSING_ARGUMENT;
  r->client->loc_events = mask;
  return ERR_NONE;
}

static void
describe_register_events(const QmiReq *r, GString *s)
{
  guint64 mask;

  if (get_u64(r, 0x01, &mask))
    g_string_append_printf(s, " mask=0x%" G_GINT64_MODIFIER "x", mask);
}

static guint16
loc_start(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 session;

  if (!qmi_get_u8(r, 0x01, &session))
    return ERR_MISSING_ARGUMENT;
  r->client->loc_session = session;
  r->client->loc_started = TRUE;
  sim_core_log(q->core, "event: gps session %u started", session);
  return ERR_NONE;
}

static guint16
loc_stop(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 session;

  if (!qmi_get_u8(r, 0x01, &session))
    return ERR_MISSING_ARGUMENT;
  if (!r->client->loc_started || session != r->client->loc_session)
    return ERR_INVALID_ARGUMENT;
  r->client->loc_started = FALSE;
  sim_core_log(q->core, "event: gps session %u stopped", session);
  return ERR_NONE;
}

/* Position Report: session status u32, session id u8, latitude and
 * longitude (f64, degrees), altitude above sea level (f32, metres), UTC
 * timestamp (u64, milliseconds since 1970). */
static void
indicate_position(SimQmi *q, const QmiClient *c, const SimGpsFix *fix)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  gsize t;

  qmi_tlv_u32(b, 0x01, SESSION_STATUS_SUCCESS);
  qmi_tlv_u8(b, 0x02, c->loc_session);
  t = qmi_tlv_open(b, 0x10);
  qmi_put_f64(b, fix->latitude);
  qmi_tlv_close(b, t);
  t = qmi_tlv_open(b, 0x11);
  qmi_put_f64(b, fix->longitude);
  qmi_tlv_close(b, t);
  t = qmi_tlv_open(b, 0x1B);
  qmi_put_f32(b, (float)fix->altitude);
  qmi_tlv_close(b, t);
  t = qmi_tlv_open(b, 0x25);
  qmi_put_u64(b, (guint64)fix->utc * 1000);
  qmi_tlv_close(b, t);
  qmi_indicate(q, c, MSG_POSITION_REPORT, b);
}

static void
indicate_nmea(SimQmi *q, const QmiClient *c, const SimGpsFix *fix)
{
  g_autofree char *text = sim_gps_nmea(fix);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\r\n", -1);

  for (guint i = 0; lines[i]; i++) {
    g_autoptr(GByteArray) b = g_byte_array_new();

    if (!*lines[i])
      continue;
    qmi_tlv_str(b, 0x01, lines[i]);
    qmi_indicate(q, c, MSG_NMEA, b);
  }
}

static void
loc_notify(SimQmi *q, QmiClient *c, SimNotify what)
{
  const SimGpsFix *fix = sim_core_gps(q->core);

  if (what != SIM_NOTIFY_GPS || !c->loc_started || !fix->valid)
    return;
  if (c->loc_events & EVENT_POSITION_REPORT)
    indicate_position(q, c, fix);
  if (c->loc_events & EVENT_NMEA)
    indicate_nmea(q, c, fix);
}

static const QmiMsgDef loc_messages[] = {
  { 0x0021, "RegisterEvents", loc_register_events, describe_register_events },
  { 0x0022, "Start", loc_start, qmi_describe_u8_01 },
  { 0x0023, "Stop", loc_stop, qmi_describe_u8_01 },
};

const QmiService sim_qmi_service_loc = {
  .id = SVC_LOC,
  .name = "LOC",
  .major = 2,
  .minor = 0,
  .messages = loc_messages,
  .n_messages = G_N_ELEMENTS(loc_messages),
  .notify = loc_notify,
};
