/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: AT commands of the packet domain (27.007 chapter 10): contexts
 * (+CGDCONT, +CGAUTH), their activation (+CGACT) and addresses (+CGPADDR,
 * +CGCONTRDP), attach and event reporting, and the PPP dial ATD*99.
 */
#include "sim-at.h"

#include <arpa/inet.h>
#include <string.h>

static SimIpFamily
pdp_family(const char *pdp_type)
{
  if (!strcmp(pdp_type, "IPV6"))
    return SIM_FAMILY_IPV6;
  if (!strcmp(pdp_type, "IPV4V6"))
    return SIM_FAMILY_IPV4V6;
  return SIM_FAMILY_IPV4;
}

/* ATD*99***<cid># / ATD*99#: a PPP call on a context (the first if none is
 * named, even an undefined one). */
AtResult
at_dial(SimAt *a, const char *number)
{
  const char *why = NULL;
  const AtContext *ctx;
  guint cid = 1;

  if (strchr(number, ';'))
    return at_voice_dial(a, number);
  if (g_str_has_prefix(number, "*99***")) {
    number += 6;
    if (!at_parse_number(&number, MAX_CID, &cid))
      return R_ERROR;
  } else if (!g_str_has_prefix(number, "*99")) {
    return R_NO_CARRIER; /* CSD calls are not simulated */
  }
  if (cid < 1 || a->data_cid)
    return R_ERROR;
  ctx = &a->ctx[cid];
  if (at_sim_gate(a)
      || !sim_core_session_start(a->core, cid, ctx->defined ? ctx->apn : "", ctx->user,
                                 pdp_family(ctx->defined ? ctx->pdp_type : "IP"), &why)) {
    sim_core_log(a->core, "at: dial refused: %s", why ? why : "sim");
    return R_NO_CARRIER;
  }
  a->data_cid = cid;
  return R_CONNECT;
}

/* ---- +CGATT: attached while registered ---- */

static AtResult
cgatt_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CGATT: %d", sim_core_reg_state(a->core) == SIM_REG_REGISTERED ? 1 : 0);
  return R_OK;
}

/* ---- +CGEREP: +CGEV URCs on or off ---- */

static AtResult
cgerep_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int mode;

  if (at_arg_int(args, 0, &mode))
    a->cgerep = mode != 0;
  return R_OK;
}

static AtResult
cgerep_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CGEREP: %d,0", a->cgerep ? 2 : 0);
  return R_OK;
}

/* ---- +CGDCONT=cid[,type,apn]: define a context (undefine with cid alone) ---- */

static AtResult
cgdcont_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const char *type = at_arg(args, 1);
  AtContext *ctx;
  int cid;

  if (!at_arg_int(args, 0, &cid) || cid < 1 || cid > MAX_CID)
    return at_cme(r, CME_NOT_SUPPORTED);
  ctx = &a->ctx[cid];
  if (args->len == 1) {
    ctx->defined = FALSE;
    return R_OK;
  }
  if (g_ascii_strcasecmp(type, "IP") && g_ascii_strcasecmp(type, "IPV6")
      && g_ascii_strcasecmp(type, "IPV4V6"))
    return at_cme(r, CME_NOT_SUPPORTED);
  ctx->defined = TRUE;
  g_free(ctx->pdp_type);
  ctx->pdp_type = g_ascii_strup(type, -1);
  g_free(ctx->apn);
  ctx->apn = g_strdup(at_arg(args, 2));
  return R_OK;
}

static AtResult
cgdcont_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  for (int i = 1; i <= MAX_CID; i++)
    if (a->ctx[i].defined)
      at_info(r, "+CGDCONT: %d,\"%s\",\"%s\",\"\",0,0", i, a->ctx[i].pdp_type, a->ctx[i].apn);
  return R_OK;
}

static AtResult
cgdcont_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CGDCONT: (1-%d),\"IP\",,,(0),(0)", MAX_CID);
  at_info(r, "+CGDCONT: (1-%d),\"IPV6\",,,(0),(0)", MAX_CID);
  at_info(r, "+CGDCONT: (1-%d),\"IPV4V6\",,,(0),(0)", MAX_CID);
  return R_OK;
}

/* ---- +CGAUTH=cid,auth,user,password ---- */

static AtResult
cgauth_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  AtContext *ctx;
  int cid;

  if (!at_arg_int(args, 0, &cid) || cid < 1 || cid > MAX_CID)
    return at_cme(r, CME_NOT_SUPPORTED);
  ctx = &a->ctx[cid];
  at_arg_int(args, 1, &ctx->auth);
  g_free(ctx->user);
  ctx->user = g_strdup(at_arg(args, 2));
  g_free(ctx->password);
  ctx->password = g_strdup(at_arg(args, 3));
  return R_OK;
}

/* ---- +CGACT=state,cid ---- */

static AtResult
activate(SimAt *a, int cid, AtReply *r)
{
  const AtContext *ctx = &a->ctx[cid];
  const char *why = NULL;
  int gate;

  if (!ctx->defined)
    return at_cme(r, CME_NOT_FOUND);
  if (sim_core_session_by_owner(a->core, cid))
    return R_OK;
  if ((gate = at_sim_gate(a)))
    return at_cme(r, gate);
  if (!sim_core_session_start(a->core, cid, ctx->apn, ctx->user, pdp_family(ctx->pdp_type), &why)) {
    sim_core_log(a->core, "at: activation refused: %s", why);
    return at_cme(r, g_str_equal(why, "no-service") ? CME_NO_NETWORK : CME_UNKNOWN);
  }
  return R_OK;
}

static AtResult
cgact_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int state, cid;
  SimSession *s;

  if (!at_arg_int(args, 0, &state) || !at_arg_int(args, 1, &cid) || cid < 1 || cid > MAX_CID)
    return at_cme(r, CME_NOT_SUPPORTED);
  if (state != 0)
    return activate(a, cid, r);
  s = sim_core_session_by_owner(a->core, cid);
  if (s)
    sim_core_session_stop(a->core, s);
  return R_OK;
}

static AtResult
cgact_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  for (int i = 1; i <= MAX_CID; i++)
    if (a->ctx[i].defined)
      at_info(r, "+CGACT: %d,%d", i, sim_core_session_by_owner(a->core, i) ? 1 : 0);
  return R_OK;
}

static AtResult
cgact_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CGACT: (0,1)");
  return R_OK;
}

/* ---- +CGPADDR, +CGCONTRDP: addresses of the contexts ---- */

/* The configured addresses, as text. */
typedef struct {
  char ip4[INET_ADDRSTRLEN], gw4[INET_ADDRSTRLEN];
  char dns4[INET_ADDRSTRLEN], dns4b[INET_ADDRSTRLEN];
  char ip6[INET6_ADDRSTRLEN], gw6[INET6_ADDRSTRLEN], dns6[INET6_ADDRSTRLEN];
} Addresses;

static void
addresses_init(const SimConfig *cfg, Addresses *t)
{
  memset(t, 0, sizeof *t);
  inet_ntop(AF_INET, cfg->ip4, t->ip4, sizeof t->ip4);
  inet_ntop(AF_INET, cfg->gw4, t->gw4, sizeof t->gw4);
  inet_ntop(AF_INET6, cfg->ip6, t->ip6, sizeof t->ip6);
  inet_ntop(AF_INET6, cfg->gw6, t->gw6, sizeof t->gw6);
  if (cfg->dns4->len > 0)
    inet_ntop(AF_INET, &g_array_index(cfg->dns4, guint8, 0), t->dns4, sizeof t->dns4);
  if (cfg->dns4->len > 1)
    inet_ntop(AF_INET, &g_array_index(cfg->dns4, guint8, 4), t->dns4b, sizeof t->dns4b);
  if (cfg->dns6->len > 0)
    inet_ntop(AF_INET6, &g_array_index(cfg->dns6, guint8, 0), t->dns6, sizeof t->dns6);
}

/* +CGPADDR: every defined context, with the addresses of an active one */
static void
pdp_address(SimAt *a, int cid, const Addresses *t, AtReply *r)
{
  SimSession *s = sim_core_session_by_owner(a->core, cid);

  if (!a->ctx[cid].defined)
    return;
  if (!s)
    at_info(r, "+CGPADDR: %d", cid);
  else if (s->family == SIM_FAMILY_IPV4)
    at_info(r, "+CGPADDR: %d,\"%s\"", cid, t->ip4);
  else if (s->family == SIM_FAMILY_IPV6)
    at_info(r, "+CGPADDR: %d,\"%s\"", cid, t->ip6);
  else
    at_info(r, "+CGPADDR: %d,\"%s\",\"%s\"", cid, t->ip4, t->ip6);
}

/* +CGCONTRDP: one line per address family of an active context */
static void
dynamic_parameters(SimAt *a, int cid, const Addresses *t, AtReply *r)
{
  const SimConfig *cfg = sim_core_config(a->core);
  SimSession *s = sim_core_session_by_owner(a->core, cid);

  if (!s)
    return;
  if (s->family != SIM_FAMILY_IPV6) {
    guint32 mask = cfg->ip4_prefix ? 0xFFFFFFFFu << (32 - cfg->ip4_prefix) : 0;

    at_info(r, "+CGCONTRDP: %d,5,\"%s\",\"%s.%u.%u.%u.%u\",\"%s\",\"%s\",\"%s\",,,0,0,%d", cid,
            s->apn, t->ip4, mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff,
            t->gw4, t->dns4, t->dns4b, cfg->mtu);
  }
  if (s->family != SIM_FAMILY_IPV4)
    at_info(r, "+CGCONTRDP: %d,5,\"%s\",\"%s/%d\",\"%s\",\"%s\",\"\",,,0,0,%d", cid, s->apn, t->ip6,
            cfg->ip6_prefix, t->gw6, t->dns6, cfg->mtu);
}

/* every context, or only the one numbered *only */
static AtResult
list_contexts(SimAt *a, const AtCommandDef *def, const int *only, AtReply *r)
{
  gboolean rdp = !g_ascii_strcasecmp(def->name, "+CGCONTRDP");
  Addresses t;

  addresses_init(sim_core_config(a->core), &t);
  for (int i = 1; i <= MAX_CID; i++) {
    if (only && i != *only)
      continue;
    if (rdp)
      dynamic_parameters(a, i, &t, r);
    else
      pdp_address(a, i, &t, r);
  }
  return R_OK;
}

static AtResult
addresses_all(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return list_contexts(a, def, NULL, r);
}

/* a cid that is not a number lists them all */
static AtResult
addresses_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int cid;

  return list_contexts(a, def, at_arg_int(args, 0, &cid) ? &cid : NULL, r);
}

static const AtCommandDef defs[] = {
  { "+CGATT", .exec = at_ok, .set = at_ok, .query = cgatt_query, .test = at_ok },
  { "+CGEREP", .exec = at_ok, .set = cgerep_set, .query = cgerep_query, .test = at_ok },
  { "+CGDCONT", .set = cgdcont_set, .query = cgdcont_query, .test = cgdcont_test },
  { "+CGAUTH", .set = cgauth_set },
  { "+CGACT", .set = cgact_set, .query = cgact_query, .test = cgact_test },
  { "+CGPADDR", .exec = addresses_all, .set = addresses_set, .query = addresses_all,
    .test = addresses_all },
  { "+CGCONTRDP", .exec = addresses_all, .set = addresses_set, .query = addresses_all,
    .test = addresses_all },
};

const AtCommandTable at_pdp_commands = { defs, G_N_ELEMENTS(defs) };
