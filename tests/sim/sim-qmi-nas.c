/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI NAS, network access: registration, operators, signal.
 */
#include "sim-qmi.h"

static guint8
nas_reg_state(SimRegState s)
{
  switch (s) {
    case SIM_REG_IDLE:
      return 0;
    case SIM_REG_REGISTERED:
      return 1;
    case SIM_REG_SEARCHING:
      return 2;
    case SIM_REG_DENIED:
      return 3;
  }
  return 4;
}

/* Serving System (response and indication differ in some TLV ids) */
static void
encode_serving_system(SimQmi *q, GByteArray *b, gboolean indication)
{
  SimCore *core = q->core;
  SimRegState reg = sim_core_reg_state(core);
  const SimOperator *op = sim_core_serving_operator(core);
  gsize t;

  t = qmi_tlv_open(b, 0x01);
  qmi_put_u8(b, nas_reg_state(reg));
  qmi_put_u8(b, op ? 1 : 2); /* CS attach: attached / detached */
  qmi_put_u8(b, op ? 1 : 2); /* PS attach */
  qmi_put_u8(b, op ? 2 : 0); /* selected network: 3GPP / unknown */
  if (op) {
    qmi_put_u8(b, 1);
    qmi_put_u8(b, qmi_nas_serving_radio(q));
  } else {
    qmi_put_u8(b, 0);
  }
  qmi_tlv_close(b, t);
  if (!op)
    return;

  qmi_tlv_u8(b, 0x10, sim_core_is_roaming(core) ? 0 : 1); /* roaming indicator: 0 on, 1 off */
  t = qmi_tlv_open(b, 0x11);
  qmi_put_u8(b, 1);
  qmi_put_u8(b, DATA_CAP_LTE);
  qmi_tlv_close(b, t);
  {
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    t = qmi_tlv_open(b, 0x12);
    qmi_put_u16(b, mcc);
    qmi_put_u16(b, mnc);
    qmi_put_str8(b, op->name);
    qmi_tlv_close(b, t);

    qmi_tlv_u32(b, indication ? 0x1E : 0x1D, sim_core_cell(core)->ci);
    qmi_tlv_u16(b, indication ? 0x25 : 0x24, sim_core_cell(core)->tac); /* LTE TAC */
    t = qmi_tlv_open(b, indication ? 0x29 : 0x27);                      /* MNC PCS digit */
    qmi_put_u16(b, mcc);
    qmi_put_u16(b, mnc);
    qmi_put_u8(b, three);
    qmi_tlv_close(b, t);
  }
}

/* Get System Info response / System Info indication (same TLV ids) */
static void
encode_system_info(SimQmi *q, GByteArray *b)
{
  SimCore *core = q->core;
  const SimOperator *op = sim_core_serving_operator(core);
  const SimCell *cell = sim_core_cell(core);
  gsize t;
  /* available / none; a modem on 5G SA has no LTE service */
  guint8 status = op && qmi_nas_serving_radio(q) == RADIO_LTE ? 2 : 0;

  t = qmi_tlv_open(b, 0x14); /* LTE service status */
  qmi_put_u8(b, status);
  qmi_put_u8(b, status);
  qmi_put_u8(b, status ? 1 : 0); /* preferred data path */
  qmi_tlv_close(b, t);
  if (!op)
    return;
  qmi_nas_put_system_info_5g(q, b);
  if (!status)
    return;

  t = qmi_tlv_open(b, 0x19); /* LTE system info v2 */
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 3); /* domain CS+PS */
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 3); /* service capability CS+PS */
  qmi_put_u8(b, 1);
  qmi_put_u8(b, sim_core_is_roaming(core) ? 1 : 0);
  qmi_put_u8(b, 1);
  qmi_put_u8(b, 0); /* not forbidden */
  qmi_put_u8(b, 0);
  qmi_put_u16(b, 0); /* LAC invalid */
  qmi_put_u8(b, 1);
  qmi_put_u32(b, cell->ci);
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0); /* no reject info */
  qmi_put_u8(b, 1);
  {
    /* the network id of the cell: 3 ASCII digits each, 0xFF pads a 2-digit MNC */
    char mnc[3];

    memset(mnc, 0xff, 3);
    memcpy(mnc, cell->mnc, strlen(cell->mnc));
    qmi_put_bytes(b, cell->mcc, 3);
    qmi_put_bytes(b, mnc, 3);
  }
  qmi_put_u8(b, 1);
  qmi_put_u16(b, cell->tac);
  qmi_tlv_close(b, t);
}

static guint16
nas_register_indications(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 v;

  if (qmi_get_u8(r, 0x13, &v))
    r->client->ind_serving_system = v;
  if (qmi_get_u8(r, 0x18, &v))
    r->client->ind_system_info = v;
  if (qmi_get_u8(r, 0x19, &v))
    r->client->ind_signal_info = v;
  if (qmi_get_u8(r, 0x17, &v))
    r->client->ind_network_time = v;
  return ERR_NONE;
}

static void
describe_nas_register_indications(const QmiReq *r, GString *s)
{
  guint8 v;

  if (qmi_get_u8(r, 0x13, &v))
    g_string_append_printf(s, " serving-system=%u", v);
  if (qmi_get_u8(r, 0x18, &v))
    g_string_append_printf(s, " system-info=%u", v);
  if (qmi_get_u8(r, 0x19, &v))
    g_string_append_printf(s, " signal-info=%u", v);
  if (qmi_get_u8(r, 0x17, &v))
    g_string_append_printf(s, " network-time=%u", v);
}

static guint16
nas_get_signal_strength(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimSignal *sig = sim_core_signal(q->core);
  gsize t;

  if (sim_core_reg_state(q->core) != SIM_REG_REGISTERED)
    return ERR_NO_NETWORK_FOUND;
  t = qmi_tlv_open(out, 0x01);
  qmi_put_u8(out, (guint8)(gint8)sig->rssi);
  qmi_put_u8(out, RADIO_LTE);
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x11); /* RSSI list, positive dBm */
  qmi_put_u16(out, 1);
  qmi_put_u8(out, (guint8)(-sig->rssi));
  qmi_put_u8(out, RADIO_LTE);
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x16);
  qmi_put_u8(out, (guint8)(gint8)sig->rsrq);
  qmi_put_u8(out, RADIO_LTE);
  qmi_tlv_close(out, t);
  qmi_tlv_u16(out, 0x17, (guint16)(gint16)(sig->snr * 10));
  qmi_tlv_u16(out, 0x18, (guint16)(gint16)sig->rsrp);
  return ERR_NONE;
}

void
qmi_nas_encode_signal_info(SimQmi *q, GByteArray *out)
{
  const SimSignal *sig = sim_core_signal(q->core);
  gsize t;

  if (sim_core_reg_state(q->core) != SIM_REG_REGISTERED)
    return; /* no TLVs: no signal */
  if (qmi_nas_serving_radio(q) == RADIO_LTE) {
    t = qmi_tlv_open(out, 0x14);
    qmi_put_u8(out, (guint8)(gint8)sig->rssi);
    qmi_put_u8(out, (guint8)(gint8)sig->rsrq);
    qmi_put_u16(out, (guint16)(gint16)sig->rsrp);
    qmi_put_u16(out, (guint16)(gint16)(sig->snr * 10));
    qmi_tlv_close(out, t);
  }
  qmi_nas_put_signal_5g(q, out);
}

static guint16
nas_get_signal_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  if (sim_core_config(q->core)->qmi_legacy_signal)
    return ERR_INVALID_QMI_COMMAND;
  qmi_nas_encode_signal_info(q, out);
  r->client->reported = *sim_core_signal(q->core);
  r->client->reported_signal = sim_core_reg_state(q->core) == SIM_REG_REGISTERED;
  return ERR_NONE;
}

static guint16
nas_network_scan(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autoptr(GPtrArray) ops = NULL;
  const SimOperator *serving;
  gsize t;

  if (!sim_core_radio_on(q->core))
    return ERR_DEVICE_NOT_READY;
  ops = sim_core_visible_operators(q->core);
  serving = sim_core_serving_operator(q->core);

  t = qmi_tlv_open(out, 0x10);
  qmi_put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;
    guint8 status = 0x20; /* not forbidden */

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    status |= op == serving ? 0x01 : 0x02; /* current serving / available */
    status |= i == 0 ? 0x04 : 0x08;        /* home / roaming */
    qmi_put_u16(out, mcc);
    qmi_put_u16(out, mnc);
    qmi_put_u8(out, status);
    qmi_put_str8(out, op->name);
  }
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x11);
  qmi_put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    qmi_put_u16(out, mcc);
    qmi_put_u16(out, mnc);
    qmi_put_u8(out, RADIO_LTE);
  }
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x12);
  qmi_put_u16(out, ops->len);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 mcc, mnc;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &mcc, &mnc, &three);
    qmi_put_u16(out, mcc);
    qmi_put_u16(out, mnc);
    qmi_put_u8(out, three);
  }
  qmi_tlv_close(out, t);
  qmi_tlv_u32(out, 0x13, 0); /* scan result: success */
  return ERR_NONE;
}

static const SimOperator *
find_operator(SimQmi *q, guint16 mcc, guint16 mnc)
{
  g_autoptr(GPtrArray) ops = sim_core_visible_operators(q->core);

  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *op = g_ptr_array_index(ops, i);
    guint16 a, b;
    gboolean three;

    sim_split_mccmnc(op->mccmnc, &a, &b, &three);
    if (a == mcc && b == mnc)
      return op;
  }
  return NULL;
}

static guint16
nas_initiate_network_register(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 action;

  if (!qmi_get_u8(r, 0x01, &action))
    return ERR_MISSING_ARGUMENT;
  if (action == 1) {
    sim_core_register(q->core, NULL);
  } else if (action == 2) {
    QmiCursor c;
    guint16 mcc, mnc;
    const SimOperator *op;

    if (!qmi_cursor_init(&c, r, 0x10))
      return ERR_MISSING_ARGUMENT;
    mcc = qmi_cursor_u16(&c);
    mnc = qmi_cursor_u16(&c);
    if (!c.ok)
      return ERR_MALFORMED_MESSAGE;
    op = find_operator(q, mcc, mnc);
    if (!op)
      return ERR_NO_NETWORK_FOUND;
    sim_core_register(q->core, op->mccmnc);
  } else {
    return ERR_INVALID_ARGUMENT;
  }
  return ERR_NONE;
}

static void
describe_nas_register(const QmiReq *r, GString *s)
{
  guint8 action;
  QmiCursor c;

  if (qmi_get_u8(r, 0x01, &action))
    g_string_append_printf(s, " action=%s", action == 1 ? "automatic" : "manual");
  if (qmi_cursor_init(&c, r, 0x10)) {
    guint16 mcc = qmi_cursor_u16(&c);
    guint16 mnc = qmi_cursor_u16(&c);

    g_string_append_printf(s, " mcc=%03u mnc=%02u", mcc, mnc);
  }
}

/* NAS Get PLMN Name (0x0044): the network name of a PLMN, as ModemManager asks
 * for the operator it is registered on.  Request TLV 0x01: MCC, MNC (u16 each).
 * Response TLV 0x10 (3GPP EONS PLMN Name): service provider name (encoding,
 * u8-length-prefixed bytes), then the short and the long name, each as
 * encoding, country initials, spare bits, u8-length-prefixed bytes.  Encodings
 * (network description encoding): 0 unspecified, 1 ASCII 7-bit, 4 UCS-2 (LE),
 * 9 GSM.  A plain ASCII name goes out as ASCII, anything else as UCS-2LE. */
static void
put_plmn_name(GByteArray *b, const char *name)
{
  gboolean ascii = TRUE;

  name = name ? name : "";
  for (const char *p = name; *p; p++)
    if ((guchar)*p >= 0x80)
      ascii = FALSE;
  qmi_put_u8(b, ascii ? 0x01 : 0x04); /* encoding */
  qmi_put_u8(b, 0x00);                /* country initials: do not add */
  qmi_put_u8(b, 0x00);                /* spare bits: unknown */
  if (ascii) {
    qmi_put_str8(b, name);
  } else {
    glong n = 0;
    g_autofree gunichar2 *u = g_utf8_to_utf16(name, -1, NULL, &n, NULL);

    n = u ? MIN(n, 127) : 0;
    qmi_put_u8(b, n * 2);
    for (glong i = 0; i < n; i++)
      qmi_put_u16(b, u[i]);
  }
}

static guint16
nas_get_plmn_name(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimOperator *op;
  guint16 mcc, mnc;
  gsize t;
  QmiCursor c;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  mcc = qmi_cursor_u16(&c);
  mnc = qmi_cursor_u16(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  op = find_operator(q, mcc, mnc);
  if (!op)
    return ERR_INFORMATION_UNAVAILABLE;
  t = qmi_tlv_open(out, 0x10);
  qmi_put_u8(out, 0x00); /* service provider name: encoding, empty */
  qmi_put_u8(out, 0);
  put_plmn_name(out, op->name); /* short name */
  put_plmn_name(out, op->name); /* long name */
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_nas_plmn(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x01)) {
    guint16 mcc = qmi_cursor_u16(&c);
    guint16 mnc = qmi_cursor_u16(&c);

    if (c.ok)
      g_string_append_printf(s, " mcc=%03u mnc=%02u", mcc, mnc);
  }
}

static guint16
nas_get_serving_system(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_serving_system(q, out, FALSE);
  return ERR_NONE;
}

static guint16
nas_get_home_network(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const SimOperator *home = &sim_core_config(q->core)->home;
  guint16 mcc, mnc;
  gboolean three;
  gsize t;

  if (!sim_core_sim_readable(q->core))
    return ERR_DEVICE_NOT_READY;
  sim_split_mccmnc(home->mccmnc, &mcc, &mnc, &three);
  t = qmi_tlv_open(out, 0x01);
  qmi_put_u16(out, mcc);
  qmi_put_u16(out, mnc);
  qmi_put_str8(out, home->name);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
nas_get_system_info(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_system_info(q, out);
  return ERR_NONE;
}

static guint16
nas_get_system_selection_preference(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_u8(out, 0x10, 0);
  qmi_nas_put_preferences(q, out);
  qmi_tlv_u16(out, 0x14, 0xFF); /* roaming: any */
  qmi_tlv_u8(out, 0x16, sim_core_manual_selection(q->core) ? 1 : 0);
  qmi_tlv_u32(out, 0x18, 2); /* service domain: CS+PS */
  return ERR_NONE;
}

static guint16
nas_set_system_selection_preference(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint16 err = qmi_nas_take_preferences(q, r);
  QmiCursor c;

  if (err != ERR_NONE)
    return err;
  if (qmi_cursor_init(&c, r, 0x16)) {
    guint8 sel = qmi_cursor_u8(&c);
    guint16 mcc = qmi_cursor_u16(&c);
    guint16 mnc = qmi_cursor_u16(&c);

    if (!c.ok)
      return ERR_MALFORMED_MESSAGE;
    if (sel == 0) {
      sim_core_register(q->core, NULL);
    } else {
      const SimOperator *op = find_operator(q, mcc, mnc);

      if (!op)
        return ERR_NO_NETWORK_FOUND;
      sim_core_register(q->core, op->mccmnc);
    }
  }
  return ERR_NONE;
}

static void
describe_nas_ssp(const QmiReq *r, GString *s)
{
  guint16 mode;
  QmiCursor c;

  if (qmi_get_u16(r, 0x11, &mode))
    g_string_append_printf(s, " mode-preference=0x%04x", mode);
  qmi_nas_describe_preferences(r, s);
  if (qmi_cursor_init(&c, r, 0x16))
    g_string_append_printf(s, " network-selection=%s",
                           qmi_cursor_u8(&c) == 0 ? "automatic" : "manual");
}

/* serving system and system info indications, to clients that asked */
static void
nas_notify(SimQmi *q, QmiClient *c, SimNotify what)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  qmi_nas_events_notify(q, c, what);
  /* another cell: the serving system and system info name it */
  if (what != SIM_NOTIFY_REGISTRATION
      && !(what == SIM_NOTIFY_CELL && sim_core_reg_state(q->core) == SIM_REG_REGISTERED))
    return;
  if (c->ind_serving_system) {
    g_byte_array_set_size(b, 0);
    encode_serving_system(q, b, TRUE);
    qmi_indicate(q, c, 0x0024, b);
  }
  if (c->ind_system_info) {
    g_byte_array_set_size(b, 0);
    encode_system_info(q, b);
    qmi_indicate(q, c, 0x004E, b);
  }
}

static const QmiMsgDef nas_messages[] = {
  { 0x0002, "SetEventReport", qmi_nas_set_event_report, qmi_nas_describe_event_report },
  { 0x0003, "RegisterIndications", nas_register_indications, describe_nas_register_indications },
  { 0x0020, "GetSignalStrength", nas_get_signal_strength, NULL },
  { 0x0021, "NetworkScan", nas_network_scan, NULL },
  { 0x0022, "InitiateNetworkRegister", nas_initiate_network_register, describe_nas_register },
  { 0x0024, "GetServingSystem", nas_get_serving_system, NULL },
  { 0x0025, "GetHomeNetwork", nas_get_home_network, NULL },
  { 0x0033, "SetSystemSelectionPreference", nas_set_system_selection_preference, describe_nas_ssp },
  { 0x0034, "GetSystemSelectionPreference", nas_get_system_selection_preference, NULL },
  { 0x0043, "GetCellLocationInfo", qmi_nas_get_cell_location_info, NULL },
  { 0x0044, "GetPLMNName", nas_get_plmn_name, describe_nas_plmn },
  { 0x004D, "GetSystemInfo", nas_get_system_info, NULL },
  { 0x004F, "GetSignalInfo", nas_get_signal_info, NULL },
  { 0x0050, "ConfigSignalInfo", qmi_nas_config_signal_info, qmi_nas_describe_config_signal_info },
  { 0x007D, "GetNetworkTime", qmi_nas_get_network_time, NULL },
};

const QmiService sim_qmi_service_nas = {
  .id = SVC_NAS,
  .name = "NAS",
  .major = 1,
  .minor = 25,
  .messages = nas_messages,
  .n_messages = G_N_ELEMENTS(nas_messages),
  .notify = nas_notify,
};
