/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI UIM, the SIM card: card status, PIN operations, files.
 */
#include "sim-qmi.h"

static void
encode_retries(SimQmi *q, GByteArray *b, guint8 type)
{
  gsize t = qmi_tlv_open(b, type);

  qmi_put_u8(b, sim_core_pin_retries(q->core));
  qmi_put_u8(b, sim_core_puk_retries(q->core));
  qmi_tlv_close(b, t);
}

static const guint8 usim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0x89, 0x06, 0x19, 0x00, 0x00 };

/* slot state: card absent, error "no ATR received", no applications */
static void
encode_absent_slot(GByteArray *b)
{
  static const guint8 slot[] = { 0, 0, 0, 0, 3, 0 };

  qmi_put_bytes(b, slot, sizeof slot);
}

/* application state and PIN1 state of the USIM for a card state */
static void
usim_states(SimQmi *q, SimCardState card, guint8 *app_state, guint8 *pin1_state)
{
  switch (card) {
    case SIM_CARD_PIN_REQUIRED:
      *app_state = 2;
      *pin1_state = 1;
      break;
    case SIM_CARD_PUK_REQUIRED:
      *app_state = 3;
      *pin1_state = 4;
      break;
    case SIM_CARD_BLOCKED:
      *app_state = 5;
      *pin1_state = 5;
      break;
    default:
      *app_state = 7;
      *pin1_state = sim_core_pin_enabled(q->core) ? 2 : 3;
      break;
  }
}

/* a present card with its one USIM application */
static void
encode_present_slot(SimQmi *q, GByteArray *b, SimCardState card)
{
  guint8 app_state, pin1_state;

  usim_states(q, card, &app_state, &pin1_state);
  qmi_put_u8(b, 1); /* present */
  qmi_put_u8(b, 0); /* UPIN not initialized */
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0); /* error code */
  qmi_put_u8(b, 1); /* one application */
  qmi_put_u8(b, 2); /* USIM */
  qmi_put_u8(b, app_state);
  qmi_put_u8(b, 2); /* personalization: ready */
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0);
  qmi_put_u8(b, 0);
  qmi_put_u8(b, sizeof usim_aid);
  qmi_put_bytes(b, usim_aid, sizeof usim_aid);
  qmi_put_u8(b, 0); /* UPIN does not replace PIN1 */
  qmi_put_u8(b, pin1_state);
  qmi_put_u8(b, sim_core_pin_retries(q->core));
  qmi_put_u8(b, sim_core_puk_retries(q->core));
  qmi_put_u8(b, 2); /* PIN2 enabled, verified */
  qmi_put_u8(b, 3);
  qmi_put_u8(b, 10);
}

static void
encode_card_status(SimQmi *q, GByteArray *b)
{
  SimCardState card = sim_core_card_state(q->core);
  gsize t = qmi_tlv_open(b, 0x10);

  qmi_put_u16(b, card == SIM_CARD_ABSENT ? 0xFFFF : 0x0000); /* GW primary: card 0 app 0 */
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u16(b, 0xFFFF);
  qmi_put_u8(b, 1); /* one slot */
  if (card == SIM_CARD_ABSENT)
    encode_absent_slot(b);
  else
    encode_present_slot(q, b, card);
  qmi_tlv_close(b, t);
}

static guint16
pin_error(SimPinResult r)
{
  switch (r) {
    case SIM_PIN_OK:
      return ERR_NONE;
    case SIM_PIN_INCORRECT:
      return ERR_INCORRECT_PIN;
    case SIM_PIN_BLOCKED:
      return ERR_PIN_BLOCKED;
    case SIM_PIN_NO_SIM:
      return ERR_NO_SIM;
    case SIM_PIN_BAD_ARGS:
      return ERR_INVALID_ARGUMENT;
  }
  return ERR_INTERNAL;
}

static guint16
uim_read_transparent(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint16 id, offset = 0, length = 0, err = ERR_NONE;
  SimEfResult efr = SIM_EF_OK;
  g_autoptr(GByteArray) data = NULL;
  gsize t;

  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_NO_SIM;
  if (!qmi_cursor_init(&c, r, 0x02))
    return ERR_MISSING_ARGUMENT;
  id = qmi_cursor_u16(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (qmi_cursor_init(&c, r, 0x03)) {
    offset = qmi_cursor_u16(&c);
    length = qmi_cursor_u16(&c);
  }
  data = sim_core_read_ef(q->core, id, &efr);
  if (!data) {
    err = efr == SIM_EF_NOT_FOUND ? ERR_SIM_FILE_NOT_FOUND : ERR_ACCESS_DENIED;
    t = qmi_tlv_open(out, 0x10);
    qmi_put_u8(out, err == ERR_SIM_FILE_NOT_FOUND ? 0x6A : 0x69);
    qmi_put_u8(out, err == ERR_SIM_FILE_NOT_FOUND ? 0x82 : 0x82);
    qmi_tlv_close(out, t);
    return err;
  }
  if (offset > data->len)
    offset = data->len;
  if (length == 0 || offset + length > data->len)
    length = data->len - offset;
  t = qmi_tlv_open(out, 0x10);
  qmi_put_u8(out, 0x90);
  qmi_put_u8(out, 0x00);
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x11);
  qmi_put_u16(out, length);
  qmi_put_bytes(out, data->data + offset, length);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_uim_read(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x02))
    g_string_append_printf(s, " file=0x%04x", qmi_cursor_u16(&c));
}

static guint16
uim_get_card_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  encode_card_status(q, out);
  return ERR_NONE;
}

static guint16
uim_register_events(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint32 mask;

  if (!qmi_get_u32(r, 0x01, &mask))
    return ERR_MISSING_ARGUMENT;
  r->client->uim_events = mask & 0x1; /* only card status supported */
  qmi_tlv_u32(out, 0x10, r->client->uim_events);
  return ERR_NONE;
}

guint16
qmi_uim_pin_op(SimQmi *q, const QmiReq *r, GByteArray *out, PinOp op, guint8 info_tlv)
{
  QmiCursor c;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint8 id, enable = 0;
  SimPinResult res;
  guint16 err;

  if (!qmi_cursor_init(&c, r, info_tlv))
    return ERR_MISSING_ARGUMENT;
  id = qmi_cursor_u8(&c);
  if (op == PIN_PROTECT)
    enable = qmi_cursor_u8(&c);
  a = qmi_cursor_str8(&c);
  if (op == PIN_UNBLOCK || op == PIN_CHANGE)
    b = qmi_cursor_str8(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  if (id != 1) /* only PIN1 is modelled */
    return ERR_INVALID_PIN_ID;
  switch (op) {
    case PIN_VERIFY:
      res = sim_core_verify_pin(q->core, a);
      break;
    case PIN_UNBLOCK:
      res = sim_core_unblock_pin(q->core, a, b);
      break;
    case PIN_CHANGE:
      res = sim_core_change_pin(q->core, a, b);
      break;
    default:
      res = sim_core_set_pin_enabled(q->core, enable, a);
      break;
  }
  err = pin_error(res);
  if (op == PIN_UNBLOCK && res == SIM_PIN_BLOCKED)
    err = ERR_PIN_ALWAYS_BLOCKED;
  if (res != SIM_PIN_NO_SIM)
    encode_retries(q, out, 0x10);
  return err;
}

static guint16
uim_verify_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_VERIFY, 0x02);
}

static guint16
uim_unblock_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_UNBLOCK, 0x02);
}

static guint16
uim_change_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_CHANGE, 0x02);
}

static guint16
uim_set_pin_protection(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_PROTECT, 0x02);
}

void
qmi_uim_describe_pin(const QmiReq *r, GString *s, PinOp op, guint8 info_tlv)
{
  QmiCursor c;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint8 id, enable = 0;

  if (!qmi_cursor_init(&c, r, info_tlv))
    return;
  id = qmi_cursor_u8(&c);
  if (op == PIN_PROTECT)
    enable = qmi_cursor_u8(&c);
  a = qmi_cursor_str8(&c);
  if (op == PIN_UNBLOCK || op == PIN_CHANGE)
    b = qmi_cursor_str8(&c);
  g_string_append_printf(s, " pin-id=%u", id);
  if (op == PIN_PROTECT)
    g_string_append_printf(s, " enable=%u", enable);
  switch (op) {
    case PIN_UNBLOCK:
      g_string_append_printf(s, " puk=%s new-pin=%s", a ? a : "?", b ? b : "?");
      break;
    case PIN_CHANGE:
      g_string_append_printf(s, " old-pin=%s new-pin=%s", a ? a : "?", b ? b : "?");
      break;
    default:
      g_string_append_printf(s, " pin=%s", a ? a : "?");
      break;
  }
}

static void
describe_uim_verify(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_VERIFY, 0x02);
}

static void
describe_uim_unblock(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_UNBLOCK, 0x02);
}

static void
describe_uim_change(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_CHANGE, 0x02);
}

static void
describe_uim_protect(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_PROTECT, 0x02);
}

/* card status indication, to clients that registered for it */
static void
uim_notify(SimQmi *q, QmiClient *c, SimNotify what)
{
  g_autoptr(GByteArray) b = NULL;

  if (what != SIM_NOTIFY_CARD || !(c->uim_events & 1))
    return;
  b = g_byte_array_new();
  encode_card_status(q, b);
  qmi_indicate(q, c, 0x0032, b);
}

static const QmiMsgDef uim_messages[] = {
  { 0x0020, "ReadTransparent", uim_read_transparent, describe_uim_read },
  { 0x0025, "SetPINProtection", uim_set_pin_protection, describe_uim_protect },
  { 0x0026, "VerifyPIN", uim_verify_pin, describe_uim_verify },
  { 0x0027, "UnblockPIN", uim_unblock_pin, describe_uim_unblock },
  { 0x0028, "ChangePIN", uim_change_pin, describe_uim_change },
  { 0x002E, "RegisterEvents", uim_register_events, NULL },
  { 0x002F, "GetCardStatus", uim_get_card_status, NULL },
};

const QmiService sim_qmi_service_uim = {
  .id = SVC_UIM,
  .name = "UIM",
  .major = 1,
  .minor = 46,
  .messages = uim_messages,
  .n_messages = G_N_ELEMENTS(uim_messages),
  .notify = uim_notify,
};
