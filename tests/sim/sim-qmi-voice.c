/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI VOICE, calls: dial, answer, end, the call list and its All
 * Call Status indication, Manage Calls, continuous DTMF, call waiting.  The
 * service's USSD messages are in sim-qmi-ussd.c.
 */
#include "sim-qmi.h"
#include "sim-voice.h"

/* QMI call states */
enum {
  CALL_ORIGINATION = 0x01,
  CALL_INCOMING = 0x02,
  CALL_CONVERSATION = 0x03,
  CALL_ALERTING = 0x05,
  CALL_HOLD = 0x06,
  CALL_WAITING = 0x07,
  CALL_END = 0x09,
};

/* QMI call end reasons */
enum {
  END_CLIENT_END = 29,
  END_INCOMING_REJECTED = 102,
  END_NORMAL_CALL_CLEARING = 145,
};

/* Manage Calls service types */
enum {
  MANAGE_RELEASE_HELD_OR_WAITING = 0x01,
  MANAGE_RELEASE_ACTIVE_ACCEPT_HELD_OR_WAITING = 0x02,
  MANAGE_HOLD_ACTIVE_ACCEPT_WAITING_OR_HELD = 0x03,
  MANAGE_HOLD_ALL_EXCEPT_SPECIFIED_CALL = 0x04,
  MANAGE_MAKE_CONFERENCE_CALL = 0x05,
  MANAGE_EXPLICIT_CALL_TRANSFER = 0x06,
  MANAGE_END_ALL_CALLS = 0x08,
  MANAGE_RELEASE_SPECIFIED_CALL = 0x09,
};

#define SS_REASON_CALL_WAITING 0x0F
#define SERVICE_CLASS_VOICE 0x01
#define CALL_MODE_LTE 0x04

static guint8
qmi_call_state(SimCallState state)
{
  static const guint8 states[] = { CALL_ORIGINATION,  CALL_ALERTING, CALL_INCOMING, CALL_WAITING,
                                   CALL_CONVERSATION, CALL_HOLD,     CALL_END };

  return states[state];
}

static guint16
end_reason(SimCallEnd end)
{
  switch (end) {
    case SIM_CALL_END_LOCAL:
      return END_CLIENT_END;
    case SIM_CALL_END_REJECTED:
      return END_INCOMING_REJECTED;
    default:
      return END_NORMAL_CALL_CLEARING;
  }
}

/* The call list as Get All Call Info (info_tlv 0x10, numbers 0x11) and the
 * All Call Status indication (0x01, 0x10, end reasons 0x14) carry it. */
static void
encode_calls(SimQmi *q, GByteArray *b, guint8 info_tlv, guint8 number_tlv, gboolean end_reasons)
{
  GPtrArray *calls = sim_voice_calls(q->core);
  guint ended = 0;
  gsize t;

  t = qmi_tlv_open(b, info_tlv);
  qmi_put_u8(b, calls->len);
  for (guint i = 0; i < calls->len; i++) {
    const SimCall *call = g_ptr_array_index(calls, i);

    qmi_put_u8(b, call->id);
    qmi_put_u8(b, qmi_call_state(call->state));
    qmi_put_u8(b, 0x00); /* voice */
    qmi_put_u8(b, call->incoming ? 0x02 : 0x01);
    qmi_put_u8(b, CALL_MODE_LTE);
    qmi_put_u8(b, call->multiparty);
    qmi_put_u8(b, 0x00); /* ALS line 1 */
    ended += call->state == SIM_CALL_ENDED;
  }
  qmi_tlv_close(b, t);
  t = qmi_tlv_open(b, number_tlv);
  qmi_put_u8(b, calls->len);
  for (guint i = 0; i < calls->len; i++) {
    const SimCall *call = g_ptr_array_index(calls, i);

    qmi_put_u8(b, call->id);
    qmi_put_u8(b, *call->number ? 0x00 : 0x01); /* presentation allowed / restricted */
    qmi_put_str8(b, call->number);
  }
  qmi_tlv_close(b, t);
  if (!end_reasons || !ended)
    return;
  t = qmi_tlv_open(b, 0x14);
  qmi_put_u8(b, ended);
  for (guint i = 0; i < calls->len; i++) {
    const SimCall *call = g_ptr_array_index(calls, i);

    if (call->state != SIM_CALL_ENDED)
      continue;
    qmi_put_u8(b, call->id);
    qmi_put_u16(b, end_reason(call->end));
  }
  qmi_tlv_close(b, t);
}

static guint16
voice_indication_register(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 v;

  if (qmi_get_u8(r, 0x10, &v))
    r->client->voice_dtmf_events = v;
  if (qmi_get_u8(r, 0x13, &v))
    r->client->voice_call_events = v;
  if (qmi_get_u8(r, 0x16, &v))
    r->client->voice_ussd_events = v;
  return ERR_NONE;
}

static void
describe_voice_indication_register(const QmiReq *r, GString *s)
{
  static const struct {
    guint8 tlv;
    const char *name;
  } events[] = { { 0x10, "dtmf" }, { 0x13, "call-notifications" }, { 0x16, "ussd" } };
  guint8 v;

  for (gsize i = 0; i < G_N_ELEMENTS(events); i++)
    if (qmi_get_u8(r, events[i].tlv, &v))
      g_string_append_printf(s, " %s=%u", events[i].name, v);
}

/* A failure of the world: the cause in the log, a QMI error to the host. */
static guint16
refused(SimQmi *q, const char *what, const char *why, guint16 error)
{
  sim_core_log(q->core, "qmi: %s refused: %s", what, why);
  return error;
}

static guint16
voice_dial_call(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *number = qmi_get_str(r, 0x01);
  const char *why = NULL;
  SimCall *call;

  if (!number)
    return ERR_MISSING_ARGUMENT;
  if (!(call = sim_voice_dial(q->core, number, &why)))
    return refused(q, "dial", why,
                   g_str_equal(why, "no network") ? ERR_NO_NETWORK_FOUND : ERR_INVALID_ARGUMENT);
  qmi_tlv_u8(out, 0x10, call->id);
  return ERR_NONE;
}

static void
describe_dial_call(const QmiReq *r, GString *s)
{
  g_autofree char *number = qmi_get_str(r, 0x01);

  g_string_append_printf(s, " number=%s", number ? number : "?");
}

typedef gboolean (*CallAction)(SimCore *core, guint id, const char **why);

static guint16
act_on_call(SimQmi *q, const QmiReq *r, GByteArray *out, CallAction action, const char *what)
{
  const char *why = NULL;
  guint8 id;

  if (!qmi_get_u8(r, 0x01, &id))
    return ERR_MISSING_ARGUMENT;
  if (!action(q->core, id, &why))
    return refused(q, what, why, ERR_INVALID_ID);
  qmi_tlv_u8(out, 0x10, id);
  return ERR_NONE;
}

static guint16
voice_end_call(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return act_on_call(q, r, out, sim_voice_hangup, "end call");
}

static guint16
voice_answer_call(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return act_on_call(q, r, out, sim_voice_answer, "answer call");
}

static guint16
voice_get_all_call_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_calls(q, out, 0x10, 0x11, FALSE);
  return ERR_NONE;
}

static gboolean
chld_of(guint8 type, SimChld *op)
{
  static const struct {
    guint8 type;
    SimChld op;
  } map[] = {
    { MANAGE_RELEASE_HELD_OR_WAITING, SIM_CHLD_RELEASE_HELD_OR_WAITING },
    { MANAGE_RELEASE_ACTIVE_ACCEPT_HELD_OR_WAITING, SIM_CHLD_RELEASE_ACTIVE_ACCEPT_OTHER },
    { MANAGE_HOLD_ACTIVE_ACCEPT_WAITING_OR_HELD, SIM_CHLD_HOLD_ACTIVE_ACCEPT_OTHER },
    { MANAGE_HOLD_ALL_EXCEPT_SPECIFIED_CALL, SIM_CHLD_HOLD_ALL_EXCEPT },
    { MANAGE_MAKE_CONFERENCE_CALL, SIM_CHLD_JOIN },
    { MANAGE_EXPLICIT_CALL_TRANSFER, SIM_CHLD_TRANSFER },
    { MANAGE_END_ALL_CALLS, SIM_CHLD_RELEASE_ALL },
    { MANAGE_RELEASE_SPECIFIED_CALL, SIM_CHLD_RELEASE_ONE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(map); i++) {
    if (map[i].type == type) {
      *op = map[i].op;
      return TRUE;
    }
  }
  return FALSE;
}

static guint16
voice_manage_calls(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const char *why = NULL;
  guint8 type, id = 0;
  SimChld op;

  if (!qmi_get_u8(r, 0x01, &type))
    return ERR_MISSING_ARGUMENT;
  if (!chld_of(type, &op))
    return ERR_NOT_SUPPORTED;
  if ((op == SIM_CHLD_RELEASE_ONE || op == SIM_CHLD_HOLD_ALL_EXCEPT) && !qmi_get_u8(r, 0x10, &id))
    return ERR_MISSING_ARGUMENT;
  if (!sim_voice_chld(q->core, op, id, &why))
    return refused(q, "manage calls", why, ERR_INVALID_ARGUMENT);
  return ERR_NONE;
}

static void
describe_manage_calls(const QmiReq *r, GString *s)
{
  guint8 v;

  if (qmi_get_u8(r, 0x01, &v))
    g_string_append_printf(s, " type=%u", v);
  if (qmi_get_u8(r, 0x10, &v))
    g_string_append_printf(s, " call=%u", v);
}

static guint16
voice_start_dtmf(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const char *why = NULL;
  QmiCursor c;
  guint8 id, digit;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  id = qmi_cursor_u8(&c);
  digit = qmi_cursor_u8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (!sim_voice_dtmf(q->core, id, (char)digit, &why))
    return refused(q, "DTMF", why, ERR_INVALID_ARGUMENT);
  qmi_tlv_u8(out, 0x10, id);
  return ERR_NONE;
}

static void
describe_start_dtmf(const QmiReq *r, GString *s)
{
  QmiCursor c;
  guint8 id, digit;

  if (!qmi_cursor_init(&c, r, 0x01))
    return;
  id = qmi_cursor_u8(&c);
  digit = qmi_cursor_u8(&c);
  if (c.ok && g_ascii_isprint(digit))
    g_string_append_printf(s, " call=%u digit=%c", id, digit);
}

static guint16
voice_stop_dtmf(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 id;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  id = qmi_cursor_u8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (!sim_voice_call(q->core, id))
    return ERR_INVALID_ID;
  qmi_tlv_u8(out, 0x10, id);
  return ERR_NONE;
}

static guint16
voice_set_supplementary_service(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 action, reason;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  action = qmi_cursor_u8(&c);
  reason = qmi_cursor_u8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (reason != SS_REASON_CALL_WAITING || (action != 1 && action != 2))
    return ERR_NOT_SUPPORTED;
  sim_voice_set_waiting_enabled(q->core, action == 1);
  return ERR_NONE;
}

static void
describe_supplementary_service(const QmiReq *r, GString *s)
{
  QmiCursor c;
  guint8 action, reason;

  if (!qmi_cursor_init(&c, r, 0x01))
    return;
  action = qmi_cursor_u8(&c);
  reason = qmi_cursor_u8(&c);
  if (c.ok)
    g_string_append_printf(s, " action=%u reason=%u", action, reason);
}

static guint16
voice_get_call_waiting(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_u8(out, 0x10, sim_voice_waiting_enabled(q->core) ? SERVICE_CLASS_VOICE : 0);
  return ERR_NONE;
}

static void
voice_notify(SimQmi *q, QmiClient *c, SimNotify what)
{
  g_autoptr(GByteArray) b = NULL;

  if (what != SIM_NOTIFY_CALL || !c->voice_call_events)
    return;
  b = g_byte_array_new();
  encode_calls(q, b, 0x01, 0x10, TRUE);
  qmi_indicate(q, c, 0x002E, b);
}

static guint16 voice_get_supported_messages(SimQmi *q, const QmiReq *r, GByteArray *out);

static const QmiMsgDef voice_messages[] = {
  { 0x0003, "IndicationRegister", voice_indication_register, describe_voice_indication_register },
  { 0x001E, "GetSupportedMessages", voice_get_supported_messages, NULL },
  { 0x0020, "DialCall", voice_dial_call, describe_dial_call },
  { 0x0021, "EndCall", voice_end_call, qmi_describe_u8_01 },
  { 0x0022, "AnswerCall", voice_answer_call, qmi_describe_u8_01 },
  { 0x0029, "StartContinuousDTMF", voice_start_dtmf, describe_start_dtmf },
  { 0x002A, "StopContinuousDTMF", voice_stop_dtmf, NULL },
  { 0x002F, "GetAllCallInfo", voice_get_all_call_info, NULL },
  { 0x0031, "ManageCalls", voice_manage_calls, describe_manage_calls },
  { 0x0033, "SetSupplementaryService", voice_set_supplementary_service,
    describe_supplementary_service },
  { 0x0034, "GetCallWaiting", voice_get_call_waiting, NULL },
  { 0x003A, "OriginateUSSD", qmi_ussd_originate, qmi_ussd_describe },
  { 0x003B, "AnswerUSSD", qmi_ussd_answer, qmi_ussd_describe },
  { 0x003C, "CancelUSSD", qmi_ussd_cancel, NULL },
  { 0x0043, "OriginateUSSDNoWait", qmi_ussd_originate_no_wait, qmi_ussd_describe },
};

/* A bit a message id (bit n of byte n / 8), the ones above. */
static guint16
voice_get_supported_messages(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 bits[0x44 / 8 + 1] = { 0 };
  gsize t;

  for (gsize i = 0; i < G_N_ELEMENTS(voice_messages); i++)
    bits[voice_messages[i].msg / 8] |= 1u << (voice_messages[i].msg % 8);
  t = qmi_tlv_open(out, 0x10);
  qmi_put_u16(out, sizeof(bits));
  qmi_put_bytes(out, bits, sizeof(bits));
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

const QmiService sim_qmi_service_voice = {
  .id = SVC_VOICE,
  .name = "VOICE",
  .major = 2,
  .minor = 1,
  .messages = voice_messages,
  .n_messages = G_N_ELEMENTS(voice_messages),
  .notify = voice_notify,
};
