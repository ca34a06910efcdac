/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: AT commands about the SIM card (27.007 chapter 7 and 8): PIN
 * and PUK, the facility lock, identities, restricted SIM access.
 */
#include "sim-at.h"

int
at_sim_gate(SimAt *a)
{
  switch (sim_core_card_state(a->core)) {
    case SIM_CARD_ABSENT:
      return CME_SIM_NOT_INSERTED;
    case SIM_CARD_PIN_REQUIRED:
      return CME_SIM_PIN_REQUIRED;
    case SIM_CARD_PUK_REQUIRED:
      return CME_SIM_PUK_REQUIRED;
    case SIM_CARD_BLOCKED:
      return CME_SIM_FAILURE;
    default:
      return 0;
  }
}

static int
pin_cme(SimPinResult r)
{
  switch (r) {
    case SIM_PIN_OK:
      return 0;
    case SIM_PIN_INCORRECT:
      return CME_INCORRECT_PASSWORD;
    case SIM_PIN_BLOCKED:
      return CME_SIM_PUK_REQUIRED;
    case SIM_PIN_NO_SIM:
      return CME_SIM_NOT_INSERTED;
    case SIM_PIN_BAD_ARGS:
      return CME_INVALID_CHARS;
  }
  return CME_UNKNOWN;
}

static AtResult
pin_result(AtReply *r, SimPinResult res)
{
  int code = pin_cme(res);

  return code ? at_cme(r, code) : R_OK;
}

/* ---- +CPIN: enter PIN (or PUK and a new PIN) ---- */

static AtResult
cpin_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  if (sim_core_card_state(a->core) != SIM_CARD_PUK_REQUIRED)
    return pin_result(r, sim_core_verify_pin(a->core, at_arg(args, 0)));
  if (args->len < 2)
    return at_cme(r, CME_SIM_PUK_REQUIRED);
  return pin_result(r, sim_core_unblock_pin(a->core, at_arg(args, 0), at_arg(args, 1)));
}

static AtResult
cpin_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  switch (sim_core_card_state(a->core)) {
    case SIM_CARD_ABSENT:
      return at_cme(r, CME_SIM_NOT_INSERTED);
    case SIM_CARD_BLOCKED:
      return at_cme(r, CME_SIM_FAILURE);
    case SIM_CARD_PIN_REQUIRED:
      at_info(r, "+CPIN: SIM PIN");
      break;
    case SIM_CARD_PUK_REQUIRED:
      at_info(r, "+CPIN: SIM PUK");
      break;
    default:
      at_info(r, "+CPIN: READY");
      break;
  }
  return R_OK;
}

/* ---- +CPINR: retries left, for one code ("SIM PIN", "SIM PUK") or all ---- */

static AtResult
cpinr(SimAt *a, const char *which, AtReply *r)
{
  const SimConfig *cfg = sim_core_config(a->core);

  if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
    return at_cme(r, CME_SIM_NOT_INSERTED);
  if (!*which || g_str_has_prefix(which, "SIM PIN"))
    at_info(r, "+CPINR: SIM PIN,%d,%d", sim_core_pin_retries(a->core), cfg->pin_retries);
  if (!*which || g_str_has_prefix(which, "SIM PUK"))
    at_info(r, "+CPINR: SIM PUK,%d,%d", sim_core_puk_retries(a->core), cfg->puk_retries);
  return R_OK;
}

static AtResult
cpinr_all(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return cpinr(a, "", r);
}

static AtResult
cpinr_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return cpinr(a, at_arg(args, 0), r);
}

/* ---- +CLCK="SC": the PIN check on or off (mode 0/1), or its state (2) ---- */

static AtResult
clck_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int mode;

  if (g_ascii_strcasecmp(at_arg(args, 0), "SC") || !at_arg_int(args, 1, &mode))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
    return at_cme(r, CME_SIM_NOT_INSERTED);
  if (mode == 2) {
    at_info(r, "+CLCK: %d", sim_core_pin_enabled(a->core) ? 1 : 0);
    return R_OK;
  }
  if (mode != 0 && mode != 1)
    return at_cme(r, CME_NOT_SUPPORTED);
  return pin_result(r, sim_core_set_pin_enabled(a->core, mode == 1, at_arg(args, 2)));
}

static AtResult
clck_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CLCK: (\"SC\")");
  return R_OK;
}

/* ---- +CPWD="SC",old,new: change the PIN ---- */

static AtResult
cpwd_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  if (g_ascii_strcasecmp(at_arg(args, 0), "SC"))
    return at_cme(r, CME_NOT_SUPPORTED);
  return pin_result(r, sim_core_change_pin(a->core, at_arg(args, 1), at_arg(args, 2)));
}

/* ---- identities ---- */

static AtResult
imsi(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int gate = at_sim_gate(a);

  if (gate)
    return at_cme(r, gate);
  at_info(r, "%s", sim_core_config(a->core)->imsi);
  return R_OK;
}

/* +CCID and +ICCID answer under their own name */
static AtResult
iccid(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
    return at_cme(r, CME_SIM_NOT_INSERTED);
  at_info(r, "%s: %s", def->name, sim_core_config(a->core)->iccid);
  return R_OK;
}

/* ---- +CRSM=command,file[,P1,P2,P3]: READ BINARY (176) only ---- */

/* P1..P3 are bytes; absent counts as 0 */
static gboolean
arg_byte(GPtrArray *args, guint i, int *v)
{
  *v = 0;
  return !*at_arg(args, i) || (at_arg_int(args, i, v) && *v >= 0 && *v <= 255);
}

static void
read_binary(const GByteArray *data, int p1, int p2, int p3, AtReply *r)
{
  g_autoptr(GString) hex = g_string_new(NULL);
  guint16 offset = (p1 << 8) | p2;
  guint16 length = p3;

  if (offset > data->len)
    offset = data->len;
  if (length == 0 || offset + length > data->len)
    length = data->len - offset;
  for (guint i = 0; i < length; i++)
    g_string_append_printf(hex, "%02X", data->data[offset + i]);
  at_info(r, "+CRSM: 144,0,\"%s\"", hex->str);
}

static AtResult
crsm_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int command, file, p1, p2, p3;
  SimEfResult res = SIM_EF_OK;
  g_autoptr(GByteArray) data = NULL;

  if (!at_arg_int(args, 0, &command) || !at_arg_int(args, 1, &file) || file < 0 || file > 0xFFFF
      || !arg_byte(args, 2, &p1) || !arg_byte(args, 3, &p2) || !arg_byte(args, 4, &p3))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
    return at_cme(r, CME_SIM_NOT_INSERTED);
  if (command != 176) {
    at_info(r, "+CRSM: 109,0,\"\"");
    return R_OK;
  }
  data = sim_core_read_ef(a->core, file, &res);
  if (!data) {
    /* 6A82 file not found / 6982 security status not satisfied */
    at_info(r, "+CRSM: %d,130,\"\"", res == SIM_EF_NOT_FOUND ? 106 : 105);
    return R_OK;
  }
  read_binary(data, p1, p2, p3, r);
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CPIN", .set = cpin_set, .query = cpin_query, .test = at_ok },
  { "+CPINR", .exec = cpinr_all, .set = cpinr_set, .query = cpinr_all, .test = cpinr_all },
  { "+CLCK", .set = clck_set, .test = clck_test },
  { "+CPWD", .set = cpwd_set },
  { "+CIMI", AT_ANY_FORM(imsi) },
  { "+CCID", AT_ANY_FORM(iccid) },
  { "+ICCID", AT_ANY_FORM(iccid) },
  { "+CRSM", .set = crsm_set },
  { "+CNUM", AT_ANY_FORM(at_ok) }, /* no own number stored */
};

const AtCommandTable at_sim_commands = { defs, G_N_ELEMENTS(defs) };
