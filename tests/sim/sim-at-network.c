/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: AT commands about the network (27.007 chapter 7 and 8):
 * signal, registration and its URCs, operator selection, radio access.
 */
#include "sim-at.h"

/* ---- signal ---- */

static int
coded_rssi(int dbm)
{
  int v = (dbm + 113) / 2;

  return CLAMP(v, 0, 31);
}

static AtResult
csq(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  gboolean reg = sim_core_reg_state(a->core) == SIM_REG_REGISTERED;

  at_info(r, "+CSQ: %d,99", reg ? coded_rssi(sim_core_signal(a->core)->rssi) : 99);
  return R_OK;
}

/* +CESQ: the LTE fields, RSRQ in 0.5 dB steps from -20 dB, RSRP in 1 dB steps from -141 dBm */
static AtResult
cesq(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const SimSignal *signal = sim_core_signal(a->core);
  int rsrq = CLAMP((signal->rsrq + 20) * 2, 0, 34);
  int rsrp = CLAMP(signal->rsrp + 141, 0, 97);

  if (sim_core_reg_state(a->core) == SIM_REG_REGISTERED)
    at_info(r, "+CESQ: 99,99,255,255,%d,%d", rsrq, rsrp);
  else
    at_info(r, "+CESQ: 99,99,255,255,255,255");
  return R_OK;
}

/* ---- +CREG, +CGREG, +CEREG ---- */

static int
creg_stat(SimAt *a)
{
  switch (sim_core_reg_state(a->core)) {
    case SIM_REG_IDLE:
      return 0;
    case SIM_REG_SEARCHING:
      return 2;
    case SIM_REG_REGISTERED:
      return sim_core_is_roaming(a->core) ? 5 : 1;
    case SIM_REG_DENIED:
      return 3;
  }
  return 4;
}

char *
at_registration_line(SimAt *a, const char *name, int n, gboolean with_n)
{
  GString *s = g_string_new(NULL);
  int stat = creg_stat(a);

  g_string_append_printf(s, "%s: ", name);
  if (with_n)
    g_string_append_printf(s, "%d,", n);
  g_string_append_printf(s, "%d", stat);
  if (n >= 2 && (stat == 1 || stat == 5))
    g_string_append_printf(s, ",\"%04X\",\"%08X\",7", sim_core_cell(a->core)->tac,
                           sim_core_cell(a->core)->ci);
  return g_string_free(s, FALSE);
}

/* the URC mode the command sets */
static int *
unsolicited_mode(SimAt *a, const AtCommandDef *def)
{
  if (!g_ascii_strcasecmp(def->name, "+CREG"))
    return &a->creg;
  if (!g_ascii_strcasecmp(def->name, "+CGREG"))
    return &a->cgreg;
  return &a->cereg;
}

static AtResult
creg_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int n;

  if (!at_arg_int(args, 0, &n) || n < 0 || n > 2)
    return at_cme(r, CME_NOT_SUPPORTED);
  *unsolicited_mode(a, def) = n;
  return R_OK;
}

static AtResult
creg_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  g_autofree char *l = at_registration_line(a, def->name, *unsolicited_mode(a, def), TRUE);

  at_info(r, "%s", l);
  return R_OK;
}

static AtResult
creg_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s: (0-2)", def->name);
  return R_OK;
}

/* ---- +COPS: operator selection ---- */

static const char *
operator_name(SimAt *a, const SimOperator *op)
{
  return a->cops_format == 2 ? op->mccmnc : op->name;
}

static AtResult
cops_format(SimAt *a, GPtrArray *args, AtReply *r)
{
  int f;

  if (!at_arg_int(args, 1, &f) || f < 0 || f > 2)
    return at_cme(r, CME_NOT_SUPPORTED);
  a->cops_format = f;
  return R_OK;
}

/* mode 0 automatic, 1 manual, 4 manual then automatic; 3 sets the format */
static AtResult
cops_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int mode, gate;

  if (!at_arg_int(args, 0, &mode))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (mode == 3)
    return cops_format(a, args, r);
  if ((gate = at_sim_gate(a)))
    return at_cme(r, gate);
  if (mode == 0) {
    sim_core_register(a->core, NULL);
    return R_OK;
  }
  if (mode != 1 && mode != 4)
    return at_cme(r, CME_NOT_SUPPORTED);
  if (!sim_core_register(a->core, at_arg(args, 2)))
    return at_cme(r, mode == 4 ? CME_NO_NETWORK : CME_NOT_FOUND);
  return R_OK;
}

static AtResult
cops_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const SimOperator *serving = sim_core_serving_operator(a->core);
  int mode = sim_core_manual_selection(a->core) ? 1 : 0;

  if (serving)
    at_info(r, "+COPS: %d,%d,\"%s\",7", mode, a->cops_format, operator_name(a, serving));
  else
    at_info(r, "+COPS: %d", mode);
  return R_OK;
}

/* the scan */
static AtResult
cops_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const SimOperator *serving = sim_core_serving_operator(a->core);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GString) s = g_string_new("+COPS: ");

  if (!sim_core_radio_on(a->core))
    return at_cme(r, CME_NO_NETWORK);
  ops = sim_core_visible_operators(a->core);
  for (guint i = 0; i < ops->len; i++) {
    const SimOperator *o = g_ptr_array_index(ops, i);

    g_string_append_printf(s, "(%d,\"%s\",\"%s\",\"%s\",7),", o == serving ? 2 : 1, o->name,
                           o->name, o->mccmnc);
  }
  g_string_append(s, ",(0,1,3),(0,1,2)");
  at_info(r, "%s", s->str);
  return R_OK;
}

/* ---- +WS46: radio access selection, stored only ---- */

static AtResult
ws46_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int v;

  if (!at_arg_int(args, 0, &v) || (v != 12 && v != 22 && (v < 25 || v > 31 || v == 26 || v == 27)))
    return R_ERROR;
  a->ws46 = v;
  return R_OK;
}

static AtResult
ws46_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+WS46: %d", a->ws46);
  return R_OK;
}

static AtResult
ws46_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+WS46: (12,22,25,28,29,30,31)");
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CSQ", AT_ANY_FORM(csq) },
  { "+CESQ", AT_ANY_FORM(cesq) },
  { "+CREG", .set = creg_set, .query = creg_query, .test = creg_test },
  { "+CGREG", .set = creg_set, .query = creg_query, .test = creg_test },
  { "+CEREG", .set = creg_set, .query = creg_query, .test = creg_test },
  { "+COPS", .set = cops_set, .query = cops_query, .test = cops_test },
  { "+WS46", .exec = at_ok, .set = ws46_set, .query = ws46_query, .test = ws46_test },
};

const AtCommandTable at_network_commands = { defs, G_N_ELEMENTS(defs) };
