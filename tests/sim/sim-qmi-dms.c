/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI DMS, device management: identity, operating mode, and the legacy UIM
 * operations of DMS.
 */
#include "sim-qmi.h"
#include "sim-radio.h"

static guint16
dms_get_capabilities(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gsize t = qmi_tlv_open(out, 0x01);

  qmi_put_u32(out, 50000000);  /* max tx */
  qmi_put_u32(out, 150000000); /* max rx */
  qmi_put_u8(out, 4);          /* data service: simultaneous CS and PS */
  qmi_put_u8(out, 2);          /* SIM supported */
  qmi_put_u8(out, sim_radio_has_5g(q->core) ? 4 : 3);
  qmi_put_u8(out, 4); /* GSM */
  qmi_put_u8(out, 5); /* UMTS */
  qmi_put_u8(out, RADIO_LTE);
  if (sim_radio_has_5g(q->core))
    qmi_put_u8(out, 10); /* 5G NR, in DMS's numbering */
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
dms_get_manufacturer(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_str(out, 0x01, sim_core_config(q->core)->manufacturer);
  return ERR_NONE;
}

static guint16
dms_get_model(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_str(out, 0x01, sim_core_config(q->core)->model);
  return ERR_NONE;
}

static guint16
dms_get_revision(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_str(out, 0x01, sim_core_config(q->core)->revision);
  return ERR_NONE;
}

static guint16
dms_get_ids(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_str(out, 0x10, "0");
  qmi_tlv_str(out, 0x11, sim_core_config(q->core)->imei);
  return ERR_NONE;
}

static guint16
dms_get_msisdn(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return ERR_NOT_SUPPORTED;
}

static guint16
dms_get_operating_mode(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_u8(out, 0x01, q->operating_mode);
  qmi_tlv_u8(out, 0x11, 0);
  return ERR_NONE;
}

static guint16
dms_set_operating_mode(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 mode;

  if (!qmi_get_u8(r, 0x01, &mode))
    return ERR_MISSING_ARGUMENT;
  switch (mode) {
    case 0: /* online */
      q->operating_mode = 0;
      sim_core_set_radio(q->core, TRUE);
      break;
    case 1: /* low power */
    case 3: /* offline */
    case 6: /* persistent low power */
    case 7: /* mode-only low power */
      q->operating_mode = mode;
      sim_core_set_radio(q->core, FALSE);
      break;
    case 4: /* reset: pretend to reboot straight back online */
      q->operating_mode = 0;
      sim_core_set_radio(q->core, FALSE);
      sim_core_set_radio(q->core, TRUE);
      break;
    default:
      return ERR_INVALID_ARGUMENT;
  }
  return ERR_NONE;
}

static guint16
dms_get_hardware_revision(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  qmi_tlv_str(out, 0x01, "SIM-HW-1");
  return ERR_NONE;
}

static guint16
dms_uim_get_iccid(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_UIM_UNINITIALIZED;
  qmi_tlv_str(out, 0x01, sim_core_config(q->core)->iccid);
  return ERR_NONE;
}

static guint16
dms_uim_get_imsi(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  if (sim_core_card_state(q->core) == SIM_CARD_ABSENT)
    return ERR_UIM_UNINITIALIZED;
  if (!sim_core_sim_readable(q->core))
    return ERR_DEVICE_NOT_READY;
  qmi_tlv_str(out, 0x01, sim_core_config(q->core)->imsi);
  return ERR_NONE;
}

static guint16
dms_uim_get_pin_status(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimCore *core = q->core;
  guint8 st;
  gsize t;

  switch (sim_core_card_state(core)) {
    case SIM_CARD_ABSENT:
      return ERR_UIM_UNINITIALIZED;
    case SIM_CARD_PIN_REQUIRED:
      st = 1;
      break;
    case SIM_CARD_PUK_REQUIRED:
      st = 4;
      break;
    case SIM_CARD_BLOCKED:
      st = 5;
      break;
    default:
      st = sim_core_pin_enabled(core) ? 2 : 3;
      break;
  }
  t = qmi_tlv_open(out, 0x11);
  qmi_put_u8(out, st);
  qmi_put_u8(out, sim_core_pin_retries(core));
  qmi_put_u8(out, sim_core_puk_retries(core));
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x12);
  qmi_put_u8(out, 2);
  qmi_put_u8(out, 3);
  qmi_put_u8(out, 10);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
dms_uim_get_state(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimCardState card = sim_core_card_state(q->core);

  qmi_tlv_u8(out, 0x01, card == SIM_CARD_ABSENT ? 2 : card == SIM_CARD_BLOCKED ? 1 : 0);
  return ERR_NONE;
}

/* DMS legacy PIN operations: same logic, info in TLV 0x01 */
static guint16
dms_uim_verify_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_VERIFY, 0x01);
}

static guint16
dms_uim_unblock_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_UNBLOCK, 0x01);
}

static guint16
dms_uim_change_pin(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_CHANGE, 0x01);
}

static guint16
dms_uim_set_pin_protection(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  return qmi_uim_pin_op(q, r, out, PIN_PROTECT, 0x01);
}

static void
describe_dms_verify(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_VERIFY, 0x01);
}

static void
describe_dms_unblock(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_UNBLOCK, 0x01);
}

static void
describe_dms_change(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_CHANGE, 0x01);
}

static void
describe_dms_protect(const QmiReq *r, GString *s)
{
  qmi_uim_describe_pin(r, s, PIN_PROTECT, 0x01);
}

static const QmiMsgDef dms_messages[] = {
  { 0x0020, "GetCapabilities", dms_get_capabilities, NULL },
  { 0x0045, "GetBandCapabilities", qmi_dms_get_band_capabilities, NULL },
  { 0x0021, "GetManufacturer", dms_get_manufacturer, NULL },
  { 0x0022, "GetModel", dms_get_model, NULL },
  { 0x0023, "GetRevision", dms_get_revision, NULL },
  { 0x0024, "GetMSISDN", dms_get_msisdn, NULL },
  { 0x0025, "GetIDs", dms_get_ids, NULL },
  { 0x0027, "UIMSetPINProtection", dms_uim_set_pin_protection, describe_dms_protect },
  { 0x0028, "UIMVerifyPIN", dms_uim_verify_pin, describe_dms_verify },
  { 0x0029, "UIMUnblockPIN", dms_uim_unblock_pin, describe_dms_unblock },
  { 0x002A, "UIMChangePIN", dms_uim_change_pin, describe_dms_change },
  { 0x002B, "UIMGetPINStatus", dms_uim_get_pin_status, NULL },
  { 0x002C, "GetHardwareRevision", dms_get_hardware_revision, NULL },
  { 0x002D, "GetOperatingMode", dms_get_operating_mode, NULL },
  { 0x002E, "SetOperatingMode", dms_set_operating_mode, qmi_describe_u8_01 },
  { 0x003C, "UIMGetICCID", dms_uim_get_iccid, NULL },
  { 0x0043, "UIMGetIMSI", dms_uim_get_imsi, NULL },
  { 0x0044, "UIMGetState", dms_uim_get_state, NULL },
};

const QmiService sim_qmi_service_dms = {
  .id = SVC_DMS,
  .name = "DMS",
  .major = 1,
  .minor = 14,
  .messages = dms_messages,
  .n_messages = G_N_ELEMENTS(dms_messages),
  .notify = NULL,
};
