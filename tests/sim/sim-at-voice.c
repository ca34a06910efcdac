/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: 27.007 voice calls: ATD<number>; ATA, ATH, +CHUP, +CLCC, +CLIP,
 * +CRC, +CCWA, +CHLD, +VTS, and the URCs of calls: RING (or +CRING: VOICE
 * with +CRC=1) and +CLIP for an incoming call, +CCWA for a waiting one, and
 * NO CARRIER when the other party hangs up.  Like most modems it sends
 * nothing when an outgoing call is answered: hosts poll +CLCC.
 */
#include "sim-at.h"
#include "sim-voice.h"

#include <string.h>

static int
number_type(const char *number)
{
  return number[0] == '+' ? 145 : 129;
}

AtResult
at_voice_dial(SimAt *a, const char *dial_string)
{
  g_autofree char *number = g_strndup(dial_string, strcspn(dial_string, ";"));
  const char *why = NULL;
  int cme;

  if ((cme = at_sim_gate(a)))
    return cme == CME_SIM_NOT_INSERTED ? R_NO_CARRIER : R_ERROR;
  if (!sim_voice_dial(a->core, number, &why)) {
    sim_core_log(a->core, "at: dial refused: %s", why);
    return g_str_equal(why, "no network") ? R_NO_CARRIER : R_ERROR;
  }
  return R_OK;
}

/* ATA: the ringing call (a waiting one is taken with +CHLD=2). */
AtResult
at_voice_answer(SimAt *a)
{
  GPtrArray *calls = sim_voice_calls(a->core);
  const char *why = NULL;

  for (guint i = 0; i < calls->len; i++) {
    SimCall *call = g_ptr_array_index(calls, i);

    if (call->state == SIM_CALL_INCOMING)
      return sim_voice_answer(a->core, call->id, &why) ? R_OK : R_ERROR;
  }
  return R_NO_CARRIER;
}

/* ATH, +CHUP: every call; a ringing one is thereby rejected. */
void
at_voice_hangup_all(SimAt *a)
{
  GPtrArray *calls = sim_voice_calls(a->core);
  const char *why = NULL;

  while (calls->len)
    sim_voice_hangup(a->core, ((SimCall *)g_ptr_array_index(calls, 0))->id, &why);
}

static AtResult
chup(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_voice_hangup_all(a);
  return R_OK;
}

/* +CLCC <stat>: active, held, dialing, alerting, incoming, waiting */
static int
clcc_stat(SimCallState state)
{
  static const int stats[] = { 2, 3, 4, 5, 0, 1, 0 };

  return stats[state];
}

static AtResult
clcc(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  GPtrArray *calls = sim_voice_calls(a->core);

  for (guint i = 0; i < calls->len; i++) {
    const SimCall *call = g_ptr_array_index(calls, i);

    if (*call->number)
      at_info(r, "+CLCC: %u,%d,%d,0,%d,\"%s\",%d", call->id, call->incoming, clcc_stat(call->state),
              call->multiparty, call->number, number_type(call->number));
    else
      at_info(r, "+CLCC: %u,%d,%d,0,%d", call->id, call->incoming, clcc_stat(call->state),
              call->multiparty);
  }
  return R_OK;
}

static AtResult
flag_set(SimAt *a, GPtrArray *args, gboolean *flag)
{
  int n;

  if (!at_arg_int(args, 0, &n) || n < 0 || n > 1)
    return R_ERROR;
  *flag = n;
  return R_OK;
}

static AtResult
clip_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return flag_set(a, args, &a->clip);
}

static AtResult
clip_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CLIP: %d,1", a->clip);
  return R_OK;
}

static AtResult
crc_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return flag_set(a, args, &a->crc);
}

static AtResult
crc_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CRC: %d", a->crc);
  return R_OK;
}

static AtResult
binary_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%s: (0,1)", def->name);
  return R_OK;
}

/* +CCWA=<n>[,<mode>[,<class>]]: n the URC; mode 0 off, 1 on, 2 query. */
static AtResult
ccwa_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int n, mode = -1;

  if (*at_arg(args, 0) && (!at_arg_int(args, 0, &n) || n < 0 || n > 1))
    return R_ERROR;
  if (*at_arg(args, 0))
    a->ccwa = n;
  if (*at_arg(args, 1) && (!at_arg_int(args, 1, &mode) || mode < 0 || mode > 2))
    return R_ERROR;
  if (mode == 0 || mode == 1) {
    if (at_sim_gate(a) || sim_core_reg_state(a->core) != SIM_REG_REGISTERED)
      return at_cme(r, CME_NO_NETWORK);
    sim_voice_set_waiting_enabled(a->core, mode == 1);
  } else if (mode == 2) {
    at_info(r, "+CCWA: %d,1", sim_voice_waiting_enabled(a->core));
  }
  return R_OK;
}

static AtResult
ccwa_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CCWA: %d", a->ccwa);
  return R_OK;
}

/* +CHLD=<n>[X] */
static AtResult
chld_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  static const SimChld plain[]
      = { SIM_CHLD_RELEASE_HELD_OR_WAITING, SIM_CHLD_RELEASE_ACTIVE_ACCEPT_OTHER,
          SIM_CHLD_HOLD_ACTIVE_ACCEPT_OTHER, SIM_CHLD_JOIN, SIM_CHLD_TRANSFER };
  const char *s = at_arg(args, 0);
  const char *why = NULL;
  guint op, id = 0;

  if (!at_parse_number(&s, 49, &op) || *s)
    return R_ERROR;
  if (op >= 10) {
    id = op % 10;
    op /= 10;
    if ((op != 1 && op != 2) || id == 0)
      return R_ERROR;
  } else if (op >= G_N_ELEMENTS(plain)) {
    return R_ERROR;
  }
  if (!sim_voice_chld(a->core,
                      id ? (op == 1 ? SIM_CHLD_RELEASE_ONE : SIM_CHLD_HOLD_ALL_EXCEPT) : plain[op],
                      id, &why)) {
    sim_core_log(a->core, "at: +CHLD refused: %s", why);
    return at_cme(r, CME_NOT_ALLOWED);
  }
  return R_OK;
}

static AtResult
chld_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CHLD: (0,1,1x,2,2x,3,4)");
  return R_OK;
}

/* +VTS=<tones>: to the active call */
static AtResult
vts_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  GPtrArray *calls = sim_voice_calls(a->core);
  const char *tones = at_arg(args, 0);
  const char *why = NULL;
  guint id = 0;

  for (guint i = 0; i < calls->len && !id; i++)
    if (((SimCall *)g_ptr_array_index(calls, i))->state == SIM_CALL_ACTIVE)
      id = ((SimCall *)g_ptr_array_index(calls, i))->id;
  if (!*tones || !id)
    return at_cme(r, CME_NOT_ALLOWED);
  for (const char *t = tones; *t; t++)
    if (!sim_voice_dtmf(a->core, id, *t, &why))
      return at_cme(r, CME_NOT_ALLOWED);
  return R_OK;
}

static AtResult
vts_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+VTS: (0-9,#,*,A-D),(0-255)");
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CHUP", .exec = chup, .test = at_ok },
  { "+CLCC", .exec = clcc, .test = at_ok },
  { "+CLIP", .set = clip_set, .query = clip_query, .test = binary_test },
  { "+CRC", .set = crc_set, .query = crc_query, .test = binary_test },
  { "+CCWA", .set = ccwa_set, .query = ccwa_query, .test = binary_test },
  { "+CHLD", .set = chld_set, .test = chld_test },
  { "+VTS", .set = vts_set, .test = vts_test },
};

const AtCommandTable at_voice_commands = { defs, G_N_ELEMENTS(defs) };

/* The URCs of a call that changed. */
void
at_voice_notify(SimAt *a, gconstpointer data)
{
  const SimCall *call = data;
  g_autofree char *line = NULL;

  if (call->state == SIM_CALL_INCOMING) {
    at_urc(a, a->crc ? "+CRING: VOICE" : "RING");
    if (a->clip) {
      line = g_strdup_printf("+CLIP: \"%s\",%d", call->number, number_type(call->number));
      at_urc(a, line);
    }
  } else if (call->state == SIM_CALL_WAITING && a->ccwa) {
    line = g_strdup_printf("+CCWA: \"%s\",%d,1", call->number, number_type(call->number));
    at_urc(a, line);
  } else if (call->state == SIM_CALL_ENDED && call->end == SIM_CALL_END_REMOTE) {
    at_urc(a, "NO CARRIER");
  }
}
