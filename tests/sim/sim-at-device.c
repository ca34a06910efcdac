/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: AT commands about the device itself (27.007 chapter 5 and 8):
 * identity, error reporting, character set, functionality level.
 */
#include "sim-at.h"

static AtResult
manufacturer(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s", sim_core_config(a->core)->manufacturer);
  return R_OK;
}

static AtResult
model(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s", sim_core_config(a->core)->model);
  return R_OK;
}

static AtResult
revision(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s", sim_core_config(a->core)->revision);
  return R_OK;
}

static AtResult
serial_number(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s", sim_core_config(a->core)->imei);
  return R_OK;
}

static AtResult
capabilities(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+GCAP: +CGSM,+DS,+ES");
  return R_OK;
}

/* ---- +CMEE: error reporting ---- */

static AtResult
cmee_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int n;

  if (!at_arg_int(args, 0, &n) || n < 0 || n > 2)
    return at_cme(r, CME_NOT_SUPPORTED);
  a->cmee = n;
  return R_OK;
}

static AtResult
cmee_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMEE: %d", a->cmee);
  return R_OK;
}

static AtResult
cmee_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMEE: (0-2)");
  return R_OK;
}

/* ---- +CSCS: character set (IRA and GSM plain ASCII here; UCS2 as hex, for USSD) ---- */

static const char *const charsets[] = { "IRA", "GSM", "UCS2" }; /* AtCharset order */

static AtResult
cscs_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  for (gsize i = 0; i < G_N_ELEMENTS(charsets); i++) {
    if (!g_ascii_strcasecmp(at_arg(args, 0), charsets[i])) {
      a->cscs = (AtCharset)i;
      return R_OK;
    }
  }
  return at_cme(r, CME_NOT_SUPPORTED);
}

static AtResult
cscs_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CSCS: \"%s\"", charsets[a->cscs]);
  return R_OK;
}

static AtResult
cscs_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CSCS: (\"IRA\",\"GSM\",\"UCS2\")");
  return R_OK;
}

/* ---- +CFUN: radio on (1) or off (0, 4) ---- */

static AtResult
cfun_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int n;

  if (!at_arg_int(args, 0, &n))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (n == 1)
    sim_core_set_radio(a->core, TRUE);
  else if (n == 0 || n == 4)
    sim_core_set_radio(a->core, FALSE);
  else
    return at_cme(r, CME_NOT_SUPPORTED);
  return R_OK;
}

static AtResult
cfun_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CFUN: %d", sim_core_radio_on(a->core) ? 1 : 4);
  return R_OK;
}

static AtResult
cfun_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CFUN: (0,1,4),(0-1)");
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CGMI", AT_ANY_FORM(manufacturer) },
  { "+GMI", AT_ANY_FORM(manufacturer) },
  { "+CGMM", AT_ANY_FORM(model) },
  { "+GMM", AT_ANY_FORM(model) },
  { "+CGMR", AT_ANY_FORM(revision) },
  { "+GMR", AT_ANY_FORM(revision) },
  { "+CGSN", AT_ANY_FORM(serial_number) },
  { "+GSN", AT_ANY_FORM(serial_number) },
  { "+GCAP", AT_ANY_FORM(capabilities) },
  { "+CMEE", .set = cmee_set, .query = cmee_query, .test = cmee_test },
  { "+CSCS", .set = cscs_set, .query = cscs_query, .test = cscs_test },
  { "+CFUN", .set = cfun_set, .query = cfun_query, .test = cfun_test },
};

const AtCommandTable at_device_commands = { defs, G_N_ELEMENTS(defs) };
