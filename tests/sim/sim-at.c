/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: 3GPP TS 27.007 AT commands.
 *
 * Command lines end with CR; several commands may share a line after one "AT"
 * prefix, separated by ';'.  Answers use verbose result codes: information
 * lines "\r\n<text>\r\n", then "\r\nOK\r\n" or an error ("ERROR", or
 * "+CME ERROR: <n>" / "+CME ERROR: <text>" after AT+CMEE=1 / 2).  Echo is on
 * until ATE0, as on real modems.
 *
 * Data: AT+CGDCONT / AT+CGAUTH define a context, AT+CGACT activates it and
 * AT+CGPADDR / AT+CGCONTRDP read the addresses.  Or PPP: ATD*99***<cid>#
 * (or ATD*99#) starts a session and answers CONNECT; the line is then in data
 * mode until "+++" (online command mode: ATO resumes, ATH hangs up), the peer
 * closes it (hang up) or the network drops the session (NO CARRIER).
 */
#include "sim-core.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CME error codes */
enum {
  CME_NOT_ALLOWED = 3,
  CME_NOT_SUPPORTED = 4,
  CME_SIM_NOT_INSERTED = 10,
  CME_SIM_PIN_REQUIRED = 11,
  CME_SIM_PUK_REQUIRED = 12,
  CME_SIM_FAILURE = 13,
  CME_INCORRECT_PASSWORD = 16,
  CME_NOT_FOUND = 22,
  CME_INVALID_CHARS = 25,
  CME_NO_NETWORK = 30,
  CME_UNKNOWN = 100,
};

#define MAX_CID 8

typedef struct {
  gboolean defined;
  char *pdp_type; /* "IP", "IPV6", "IPV4V6" */
  char *apn;
  char *user;
  char *password;
  int auth;
} AtContext;

typedef struct {
  SimCore *core;
  GString *line;
  gboolean echo;
  int cmee;
  int creg, cgreg, cereg; /* unsolicited registration mode 0/1/2 */
  gboolean cgerep;
  int cops_format;     /* 0 long, 1 short, 2 numeric */
  gboolean in_command; /* URCs wait until the final result is out */
  GString *pending_urcs;
  AtContext ctx[MAX_CID + 1];
  int data_cid;       /* context of the PPP call, 0: none */
  gboolean data_mode; /* bytes from the host are PPP, not commands */
  int plus_count;     /* '+' seen in a row in data mode */
  int ws46;           /* radio access selection (+WS46) */
} SimAt;

/* result of one command */
typedef enum { R_OK, R_ERROR, R_CME, R_CONNECT, R_NO_CARRIER } AtResult;

typedef struct {
  GString *out; /* information lines, already framed */
  int cme;
} AtReply;

/* ------------------------------------------------------------------------- */
/* output */

static void
at_send_str(SimAt *a, const char *s)
{
  sim_core_send(a->core, (const guint8 *)s, strlen(s));
}

static void G_GNUC_PRINTF(2, 3) info(AtReply *r, const char *fmt, ...)
{
  va_list ap;

  g_string_append(r->out, "\r\n");
  va_start(ap, fmt);
  g_string_append_vprintf(r->out, fmt, ap);
  va_end(ap);
  g_string_append(r->out, "\r\n");
}

static AtResult
cme(AtReply *r, int code)
{
  r->cme = code;
  return R_CME;
}

static const char *
cme_text(int code)
{
  switch (code) {
    case CME_NOT_ALLOWED:
      return "operation not allowed";
    case CME_NOT_SUPPORTED:
      return "operation not supported";
    case CME_SIM_NOT_INSERTED:
      return "SIM not inserted";
    case CME_SIM_PIN_REQUIRED:
      return "SIM PIN required";
    case CME_SIM_PUK_REQUIRED:
      return "SIM PUK required";
    case CME_SIM_FAILURE:
      return "SIM failure";
    case CME_INCORRECT_PASSWORD:
      return "incorrect password";
    case CME_NOT_FOUND:
      return "not found";
    case CME_INVALID_CHARS:
      return "invalid characters in text string";
    case CME_NO_NETWORK:
      return "no network service";
  }
  return "unknown";
}

/* ------------------------------------------------------------------------- */
/* argument parsing: comma separated, strings in double quotes */

static GPtrArray *
split_args(const char *s)
{
  GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
  GString *cur = g_string_new(NULL);
  gboolean quoted = FALSE;

  for (; *s; s++) {
    if (*s == '"') {
      quoted = !quoted;
      continue;
    }
    if (*s == ',' && !quoted) {
      g_ptr_array_add(args, g_string_free(cur, FALSE));
      cur = g_string_new(NULL);
      continue;
    }
    if (!quoted && *s == ' ')
      continue;
    g_string_append_c(cur, *s);
  }
  g_ptr_array_add(args, g_string_free(cur, FALSE));
  return args;
}

static const char *
arg(GPtrArray *args, guint i)
{
  return i < args->len ? g_ptr_array_index(args, i) : "";
}

static gboolean
arg_int(GPtrArray *args, guint i, int *v)
{
  const char *s = arg(args, i);
  char *end;
  long n;

  if (!*s)
    return FALSE;
  n = strtol(s, &end, 10);
  if (*end)
    return FALSE;
  *v = (int)n;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* state helpers */

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

/* "+CEREG: [n,]stat[,"tac","ci",7]" */
static char *
reg_line(SimAt *a, const char *name, int n, gboolean with_n)
{
  GString *s = g_string_new(NULL);
  int stat = creg_stat(a);

  g_string_append_printf(s, "%s: ", name);
  if (with_n)
    g_string_append_printf(s, "%d,", n);
  g_string_append_printf(s, "%d", stat);
  if (n >= 2 && (stat == 1 || stat == 5))
    g_string_append_printf(s, ",\"1234\",\"01A2B3C4\",7");
  return g_string_free(s, FALSE);
}

static int
coded_rssi(int dbm)
{
  int v = (dbm + 113) / 2;

  return CLAMP(v, 0, 31);
}

static int
sim_gate(SimAt *a)
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

static const char *
op_name(SimAt *a, const SimOperator *op)
{
  return a->cops_format == 2 ? op->mccmnc : op->name;
}

static void
fmt_ip4(const guint8 *b, char *buf)
{
  inet_ntop(AF_INET, b, buf, INET_ADDRSTRLEN);
}

static void
fmt_ip6(const guint8 *b, char *buf)
{
  inet_ntop(AF_INET6, b, buf, INET6_ADDRSTRLEN);
}

/* ------------------------------------------------------------------------- */
/* extended commands */

/* name: "+CPIN"; op: '?' query, '=' set (args), 't' test (=?), 'x' execute */
static AtResult
ext_command(SimAt *a, const char *name, char op, const char *params, AtReply *r)
{
  const SimConfig *cfg = sim_core_config(a->core);
  g_autoptr(GPtrArray) args = split_args(params ? params : "");
  int n, gate;

  if (!g_ascii_strcasecmp(name, "+CGMI") || !g_ascii_strcasecmp(name, "+GMI")) {
    info(r, "%s", cfg->manufacturer);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGMM") || !g_ascii_strcasecmp(name, "+GMM")) {
    info(r, "%s", cfg->model);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGMR") || !g_ascii_strcasecmp(name, "+GMR")) {
    info(r, "%s", cfg->revision);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGSN") || !g_ascii_strcasecmp(name, "+GSN")) {
    info(r, "%s", cfg->imei);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+GCAP")) {
    info(r, "+GCAP: +CGSM,+DS,+ES");
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CMEE")) {
    if (op == '?') {
      info(r, "+CMEE: %d", a->cmee);
      return R_OK;
    }
    if (op == 't') {
      info(r, "+CMEE: (0-2)");
      return R_OK;
    }
    if (!arg_int(args, 0, &n) || n < 0 || n > 2)
      return cme(r, CME_NOT_SUPPORTED);
    a->cmee = n;
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CSCS")) {
    if (op == '?')
      info(r, "+CSCS: \"IRA\"");
    else if (op == 't')
      info(r, "+CSCS: (\"IRA\",\"GSM\")");
    else if (g_ascii_strcasecmp(arg(args, 0), "IRA") && g_ascii_strcasecmp(arg(args, 0), "GSM"))
      return cme(r, CME_NOT_SUPPORTED);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CFUN")) {
    if (op == '?') {
      info(r, "+CFUN: %d", sim_core_radio_on(a->core) ? 1 : 4);
      return R_OK;
    }
    if (op == 't') {
      info(r, "+CFUN: (0,1,4),(0-1)");
      return R_OK;
    }
    if (!arg_int(args, 0, &n))
      return cme(r, CME_NOT_SUPPORTED);
    if (n == 1)
      sim_core_set_radio(a->core, TRUE);
    else if (n == 0 || n == 4)
      sim_core_set_radio(a->core, FALSE);
    else
      return cme(r, CME_NOT_SUPPORTED);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CPIN")) {
    if (op == '?') {
      switch (sim_core_card_state(a->core)) {
        case SIM_CARD_ABSENT:
          return cme(r, CME_SIM_NOT_INSERTED);
        case SIM_CARD_BLOCKED:
          return cme(r, CME_SIM_FAILURE);
        case SIM_CARD_PIN_REQUIRED:
          info(r, "+CPIN: SIM PIN");
          break;
        case SIM_CARD_PUK_REQUIRED:
          info(r, "+CPIN: SIM PUK");
          break;
        default:
          info(r, "+CPIN: READY");
          break;
      }
      return R_OK;
    }
    if (op != '=')
      return op == 't' ? R_OK : cme(r, CME_NOT_SUPPORTED);
    if (sim_core_card_state(a->core) == SIM_CARD_PUK_REQUIRED) {
      if (args->len < 2)
        return cme(r, CME_SIM_PUK_REQUIRED);
      n = pin_cme(sim_core_unblock_pin(a->core, arg(args, 0), arg(args, 1)));
    } else {
      n = pin_cme(sim_core_verify_pin(a->core, arg(args, 0)));
    }
    return n ? cme(r, n) : R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CPINR")) {
    const char *which = op == '=' ? arg(args, 0) : "";

    if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
      return cme(r, CME_SIM_NOT_INSERTED);
    if (!*which || g_str_has_prefix(which, "SIM PIN"))
      info(r, "+CPINR: SIM PIN,%d,%d", sim_core_pin_retries(a->core), cfg->pin_retries);
    if (!*which || g_str_has_prefix(which, "SIM PUK"))
      info(r, "+CPINR: SIM PUK,%d,%d", sim_core_puk_retries(a->core), cfg->puk_retries);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CLCK")) {
    if (op == 't') {
      info(r, "+CLCK: (\"SC\")");
      return R_OK;
    }
    if (op != '=' || g_ascii_strcasecmp(arg(args, 0), "SC") || !arg_int(args, 1, &n))
      return cme(r, CME_NOT_SUPPORTED);
    if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
      return cme(r, CME_SIM_NOT_INSERTED);
    if (n == 2) {
      info(r, "+CLCK: %d", sim_core_pin_enabled(a->core) ? 1 : 0);
      return R_OK;
    }
    if (n != 0 && n != 1)
      return cme(r, CME_NOT_SUPPORTED);
    n = pin_cme(sim_core_set_pin_enabled(a->core, n == 1, arg(args, 2)));
    return n ? cme(r, n) : R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CPWD")) {
    if (op != '=' || g_ascii_strcasecmp(arg(args, 0), "SC"))
      return cme(r, CME_NOT_SUPPORTED);
    n = pin_cme(sim_core_change_pin(a->core, arg(args, 1), arg(args, 2)));
    return n ? cme(r, n) : R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CIMI")) {
    if ((gate = sim_gate(a)))
      return cme(r, gate);
    info(r, "%s", cfg->imsi);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CCID") || !g_ascii_strcasecmp(name, "+ICCID")) {
    if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
      return cme(r, CME_SIM_NOT_INSERTED);
    {
      g_autofree char *up = g_ascii_strup(name, -1);

      info(r, "%s: %s", up, cfg->iccid);
    }
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CRSM")) {
    int command, file;
    guint16 offset = 0, length = 0;
    SimEfResult res = SIM_EF_OK;
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(GString) hex = g_string_new(NULL);
    int p1 = 0, p2 = 0, p3 = 0;

    if (op != '=' || !arg_int(args, 0, &command) || !arg_int(args, 1, &file))
      return cme(r, CME_NOT_SUPPORTED);
    if (sim_core_card_state(a->core) == SIM_CARD_ABSENT)
      return cme(r, CME_SIM_NOT_INSERTED);
    if (command != 176) { /* READ BINARY only */
      info(r, "+CRSM: 109,0,\"\"");
      return R_OK;
    }
    arg_int(args, 2, &p1);
    arg_int(args, 3, &p2);
    arg_int(args, 4, &p3);
    offset = (p1 << 8) | p2;
    length = p3;
    data = sim_core_read_ef(a->core, file, &res);
    if (!data) {
      /* 6A82 file not found / 6982 security status not satisfied */
      info(r, "+CRSM: %d,130,\"\"", res == SIM_EF_NOT_FOUND ? 106 : 105);
      return R_OK;
    }
    if (offset > data->len)
      offset = data->len;
    if (length == 0 || offset + length > data->len)
      length = data->len - offset;
    for (guint i = 0; i < length; i++)
      g_string_append_printf(hex, "%02X", data->data[offset + i]);
    info(r, "+CRSM: 144,0,\"%s\"", hex->str);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CNUM"))
    return R_OK;
  if (!g_ascii_strcasecmp(name, "+CSQ")) {
    gboolean reg = sim_core_reg_state(a->core) == SIM_REG_REGISTERED;

    info(r, "+CSQ: %d,99", reg ? coded_rssi(cfg->rssi) : 99);
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CESQ")) {
    gboolean reg = sim_core_reg_state(a->core) == SIM_REG_REGISTERED;
    int rsrq = CLAMP((cfg->rsrq + 20) * 2, 0, 34);
    int rsrp = CLAMP(cfg->rsrp + 141, 0, 97);

    if (reg)
      info(r, "+CESQ: 99,99,255,255,%d,%d", rsrq, rsrp);
    else
      info(r, "+CESQ: 99,99,255,255,255,255");
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CREG") || !g_ascii_strcasecmp(name, "+CGREG")
      || !g_ascii_strcasecmp(name, "+CEREG")) {
    int *mode = !g_ascii_strcasecmp(name, "+CREG")    ? &a->creg
                : !g_ascii_strcasecmp(name, "+CGREG") ? &a->cgreg
                                                      : &a->cereg;
    g_autofree char *up = g_ascii_strup(name, -1);

    if (op == '?') {
      g_autofree char *l = reg_line(a, up, *mode, TRUE);

      info(r, "%s", l);
      return R_OK;
    }
    if (op == 't') {
      info(r, "%s: (0-2)", up);
      return R_OK;
    }
    if (!arg_int(args, 0, &n) || n < 0 || n > 2)
      return cme(r, CME_NOT_SUPPORTED);
    *mode = n;
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+COPS")) {
    const SimOperator *serving = sim_core_serving_operator(a->core);

    if (op == '?') {
      int mode = sim_core_manual_selection(a->core) ? 1 : 0;

      if (serving)
        info(r, "+COPS: %d,%d,\"%s\",7", mode, a->cops_format, op_name(a, serving));
      else
        info(r, "+COPS: %d", mode);
      return R_OK;
    }
    if (op == 't') {
      g_autoptr(GPtrArray) ops = NULL;
      g_autoptr(GString) s = g_string_new("+COPS: ");

      if (!sim_core_radio_on(a->core))
        return cme(r, CME_NO_NETWORK);
      ops = sim_core_visible_operators(a->core);
      for (guint i = 0; i < ops->len; i++) {
        const SimOperator *o = g_ptr_array_index(ops, i);

        g_string_append_printf(s, "(%d,\"%s\",\"%s\",\"%s\",7),", o == serving ? 2 : 1, o->name,
                               o->name, o->mccmnc);
      }
      g_string_append(s, ",(0,1,3),(0,1,2)");
      info(r, "%s", s->str);
      return R_OK;
    }
    if (!arg_int(args, 0, &n))
      return cme(r, CME_NOT_SUPPORTED);
    if (n == 3) {
      int f;

      if (!arg_int(args, 1, &f) || f < 0 || f > 2)
        return cme(r, CME_NOT_SUPPORTED);
      a->cops_format = f;
      return R_OK;
    }
    if ((gate = sim_gate(a)))
      return cme(r, gate);
    if (n == 0) {
      sim_core_register(a->core, NULL);
      return R_OK;
    }
    if (n == 1 || n == 4) {
      if (!sim_core_register(a->core, arg(args, 2)))
        return cme(r, n == 4 ? CME_NO_NETWORK : CME_NOT_FOUND);
      return R_OK;
    }
    return cme(r, CME_NOT_SUPPORTED);
  }
  if (!g_ascii_strcasecmp(name, "+CGATT")) {
    if (op == '?') {
      info(r, "+CGATT: %d", sim_core_reg_state(a->core) == SIM_REG_REGISTERED ? 1 : 0);
      return R_OK;
    }
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGEREP")) {
    if (op == '?') {
      info(r, "+CGEREP: %d,0", a->cgerep ? 2 : 0);
      return R_OK;
    }
    if (op == '=' && arg_int(args, 0, &n))
      a->cgerep = n != 0;
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGDCONT")) {
    int cid;

    if (op == '?') {
      for (int i = 1; i <= MAX_CID; i++)
        if (a->ctx[i].defined)
          info(r, "+CGDCONT: %d,\"%s\",\"%s\",\"\",0,0", i, a->ctx[i].pdp_type, a->ctx[i].apn);
      return R_OK;
    }
    if (op == 't') {
      info(r, "+CGDCONT: (1-%d),\"IP\",,,(0),(0)", MAX_CID);
      info(r, "+CGDCONT: (1-%d),\"IPV6\",,,(0),(0)", MAX_CID);
      info(r, "+CGDCONT: (1-%d),\"IPV4V6\",,,(0),(0)", MAX_CID);
      return R_OK;
    }
    if (!arg_int(args, 0, &cid) || cid < 1 || cid > MAX_CID)
      return cme(r, CME_NOT_SUPPORTED);
    if (args->len == 1) {
      a->ctx[cid].defined = FALSE;
      return R_OK;
    }
    if (g_ascii_strcasecmp(arg(args, 1), "IP") && g_ascii_strcasecmp(arg(args, 1), "IPV6")
        && g_ascii_strcasecmp(arg(args, 1), "IPV4V6"))
      return cme(r, CME_NOT_SUPPORTED);
    a->ctx[cid].defined = TRUE;
    g_free(a->ctx[cid].pdp_type);
    a->ctx[cid].pdp_type = g_ascii_strup(arg(args, 1), -1);
    g_free(a->ctx[cid].apn);
    a->ctx[cid].apn = g_strdup(arg(args, 2));
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGAUTH")) {
    int cid;

    if (op != '=' || !arg_int(args, 0, &cid) || cid < 1 || cid > MAX_CID)
      return cme(r, CME_NOT_SUPPORTED);
    arg_int(args, 1, &a->ctx[cid].auth);
    g_free(a->ctx[cid].user);
    a->ctx[cid].user = g_strdup(arg(args, 2));
    g_free(a->ctx[cid].password);
    a->ctx[cid].password = g_strdup(arg(args, 3));
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGACT")) {
    int state, cid;

    if (op == '?') {
      for (int i = 1; i <= MAX_CID; i++)
        if (a->ctx[i].defined)
          info(r, "+CGACT: %d,%d", i, sim_core_session_by_owner(a->core, i) ? 1 : 0);
      return R_OK;
    }
    if (op == 't') {
      info(r, "+CGACT: (0,1)");
      return R_OK;
    }
    if (op != '=' || !arg_int(args, 0, &state) || !arg_int(args, 1, &cid) || cid < 1
        || cid > MAX_CID)
      return cme(r, CME_NOT_SUPPORTED);
    if (state == 0) {
      SimSession *s = sim_core_session_by_owner(a->core, cid);

      if (s)
        sim_core_session_stop(a->core, s);
      return R_OK;
    }
    if (!a->ctx[cid].defined)
      return cme(r, CME_NOT_FOUND);
    if (sim_core_session_by_owner(a->core, cid))
      return R_OK;
    {
      const char *why = NULL;
      const char *t = a->ctx[cid].pdp_type;
      SimIpFamily fam = !strcmp(t, "IPV6")     ? SIM_FAMILY_IPV6
                        : !strcmp(t, "IPV4V6") ? SIM_FAMILY_IPV4V6
                                               : SIM_FAMILY_IPV4;

      if ((gate = sim_gate(a)))
        return cme(r, gate);
      if (!sim_core_session_start(a->core, cid, a->ctx[cid].apn, a->ctx[cid].user, fam, &why)) {
        sim_core_log(a->core, "at: activation refused: %s", why);
        return cme(r, g_str_equal(why, "no-service") ? CME_NO_NETWORK : CME_UNKNOWN);
      }
    }
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+CGPADDR") || !g_ascii_strcasecmp(name, "+CGCONTRDP")) {
    gboolean rdp = !g_ascii_strcasecmp(name, "+CGCONTRDP");

    for (int i = 1; i <= MAX_CID; i++) {
      SimSession *s;
      char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN], g4[INET_ADDRSTRLEN], g6[INET6_ADDRSTRLEN];
      char d4[INET_ADDRSTRLEN] = "", d6[INET6_ADDRSTRLEN] = "", d4b[INET_ADDRSTRLEN] = "";

      if (op == '=' && arg_int(args, 0, &n) && n != i)
        continue;
      s = sim_core_session_by_owner(a->core, i);
      if (!rdp && !a->ctx[i].defined)
        continue;
      fmt_ip4(cfg->ip4, a4);
      fmt_ip6(cfg->ip6, a6);
      fmt_ip4(cfg->gw4, g4);
      fmt_ip6(cfg->gw6, g6);
      if (cfg->dns4->len > 0)
        fmt_ip4(&g_array_index(cfg->dns4, guint8, 0), d4);
      if (cfg->dns4->len > 1)
        fmt_ip4(&g_array_index(cfg->dns4, guint8, 4), d4b);
      if (cfg->dns6->len > 0)
        fmt_ip6(&g_array_index(cfg->dns6, guint8, 0), d6);
      if (!rdp) {
        if (!s)
          info(r, "+CGPADDR: %d", i);
        else if (s->family == SIM_FAMILY_IPV4)
          info(r, "+CGPADDR: %d,\"%s\"", i, a4);
        else if (s->family == SIM_FAMILY_IPV6)
          info(r, "+CGPADDR: %d,\"%s\"", i, a6);
        else
          info(r, "+CGPADDR: %d,\"%s\",\"%s\"", i, a4, a6);
        continue;
      }
      if (!s)
        continue;
      if (s->family != SIM_FAMILY_IPV6) {
        guint32 mask = cfg->ip4_prefix ? 0xFFFFFFFFu << (32 - cfg->ip4_prefix) : 0;

        info(r, "+CGCONTRDP: %d,5,\"%s\",\"%s.%u.%u.%u.%u\",\"%s\",\"%s\",\"%s\",,,0,0,%d", i,
             s->apn, a4, mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff, g4, d4,
             d4b, cfg->mtu);
      }
      if (s->family != SIM_FAMILY_IPV4)
        info(r, "+CGCONTRDP: %d,5,\"%s\",\"%s/%d\",\"%s\",\"%s\",\"\",,,0,0,%d", i, s->apn, a6,
             cfg->ip6_prefix, g6, d6, cfg->mtu);
    }
    return R_OK;
  }
  if (!g_ascii_strcasecmp(name, "+WS46")) {
    if (op == '?') {
      info(r, "+WS46: %d", a->ws46);
    } else if (op == 't') {
      info(r, "+WS46: (12,22,25,28,29,30,31)");
    } else if (op == '=') {
      int v = atoi(params);

      if (v != 12 && v != 22 && (v < 25 || v > 31 || v == 26 || v == 27))
        return R_ERROR;
      a->ws46 = v;
    }
    return R_OK;
  }
  return R_ERROR;
}

/* ------------------------------------------------------------------------- */
/* command line */

/* One extended command "+NAME[?|=?|=args]". */
static AtResult
run_ext(SimAt *a, const char *cmd, AtReply *r)
{
  gsize n = strcspn(cmd, "=?");
  g_autofree char *name = g_strndup(cmd, n);
  const char *rest = cmd + n;

  if (rest[0] == '?')
    return ext_command(a, name, '?', NULL, r);
  if (rest[0] == '=' && rest[1] == '?')
    return ext_command(a, name, 't', NULL, r);
  if (rest[0] == '=')
    return ext_command(a, name, '=', rest + 1, r);
  return ext_command(a, name, 'x', NULL, r);
}

/* ATD*99***<cid># / ATD*99#: a PPP call on a context. */
static AtResult
dial(SimAt *a, const char *number)
{
  const char *why = NULL;
  const char *t;
  int cid = 1;
  SimIpFamily fam;

  if (g_str_has_prefix(number, "*99***"))
    cid = atoi(number + 6);
  else if (!g_str_has_prefix(number, "*99"))
    return R_NO_CARRIER; /* voice and CSD calls are not simulated */
  if (cid < 1 || cid > MAX_CID || a->data_cid)
    return R_ERROR;
  t = a->ctx[cid].defined ? a->ctx[cid].pdp_type : "IP";
  fam = !strcmp(t, "IPV6")     ? SIM_FAMILY_IPV6
        : !strcmp(t, "IPV4V6") ? SIM_FAMILY_IPV4V6
                               : SIM_FAMILY_IPV4;
  if (sim_gate(a)
      || !sim_core_session_start(a->core, cid, a->ctx[cid].defined ? a->ctx[cid].apn : "",
                                 a->ctx[cid].user, fam, &why)) {
    sim_core_log(a->core, "at: dial refused: %s", why ? why : "sim");
    return R_NO_CARRIER;
  }
  a->data_cid = cid;
  return R_CONNECT;
}

static void
leave_data_mode(SimAt *a)
{
  if (a->data_mode)
    sim_core_log(a->core, "at: command mode");
  a->data_mode = FALSE;
  a->plus_count = 0;
}

/* ATH, or the host closed the line (DTR drop) */
static void
hang_up(SimAt *a)
{
  if (a->data_cid)
    sim_core_session_stop_owner(a->core, a->data_cid);
  a->data_cid = 0;
  leave_data_mode(a);
}

/* Basic commands, e.g. "E0V1", "Z", "I", "&F", "D*99#". */
static AtResult
run_basic(SimAt *a, const char *s, AtReply *r)
{
  const SimConfig *cfg = sim_core_config(a->core);

  while (*s) {
    char c = g_ascii_toupper(*s++);
    int v = 0;

    if (c == '&') {
      if (!*s)
        return R_ERROR;
      s++;
      while (g_ascii_isdigit(*s))
        s++;
      continue;
    }
    if (c == 'D')
      return dial(a, s); /* the rest of the line is the number */
    if (c == 'O')
      return a->data_cid ? R_CONNECT : R_NO_CARRIER;
    if (c == 'S') {
      while (*s && *s != ';')
        s++;
      continue;
    }
    while (g_ascii_isdigit(*s))
      v = v * 10 + (*s++ - '0');
    switch (c) {
      case 'E':
        a->echo = v != 0;
        break;
      case 'Z':
        a->echo = TRUE;
        a->cmee = 0;
        break;
      case 'H':
        hang_up(a);
        break;
      case 'I':
        info(r, "%s\r\n%s\r\nRevision: %s", cfg->manufacturer, cfg->model, cfg->revision);
        break;
      case 'V':
      case 'Q':
      case 'X':
      case 'L':
      case 'M':
        break;
      default:
        return R_ERROR;
    }
  }
  return R_OK;
}

/* split on ';' outside quotes */
static GPtrArray *
split_commands(const char *s)
{
  GPtrArray *cmds = g_ptr_array_new_with_free_func(g_free);
  const char *start = s;
  gboolean quoted = FALSE;

  for (;; s++) {
    if (*s == '"')
      quoted = !quoted;
    if ((*s == ';' && !quoted) || !*s) {
      if (s > start)
        g_ptr_array_add(cmds, g_strndup(start, s - start));
      if (!*s)
        break;
      start = s + 1;
    }
  }
  return cmds;
}

static void
handle_line(SimAt *a, const char *line)
{
  g_autoptr(GPtrArray) cmds = NULL;
  AtReply r = { g_string_new(NULL), 0 };
  AtResult res = R_OK;

  sim_core_log(a->core, "rx at %s", line);
  if (!sim_core_request_begin(a->core)) {
    g_string_free(r.out, TRUE);
    return;
  }
  a->in_command = TRUE;
  if (a->echo) {
    g_autofree char *e = g_strdup_printf("%s\r", line);

    at_send_str(a, e);
  }
  if (g_ascii_strncasecmp(line, "AT", 2)) {
    at_send_str(a, "\r\nERROR\r\n");
    g_string_free(r.out, TRUE);
    a->in_command = FALSE;
    return;
  }
  cmds = split_commands(line + 2);
  for (guint i = 0; i < cmds->len && res == R_OK; i++) {
    const char *c = g_ptr_array_index(cmds, i);

    while (*c == ' ')
      c++;
    if (*c == '+' || *c == '^' || *c == '$' || *c == '%')
      res = run_ext(a, c, &r);
    else
      res = run_basic(a, c, &r);
  }
  if (res == R_OK) {
    g_string_append(r.out, "\r\nOK\r\n");
  } else if (res == R_CONNECT) {
    g_string_append(r.out, "\r\nCONNECT 150000000\r\n");
    a->data_mode = TRUE;
    a->plus_count = 0;
    sim_core_log(a->core, "at: data mode (cid %d)", a->data_cid);
  } else if (res == R_NO_CARRIER) {
    g_string_append(r.out, "\r\nNO CARRIER\r\n");
  } else if (res == R_CME && a->cmee == 1) {
    g_string_append_printf(r.out, "\r\n+CME ERROR: %d\r\n", r.cme);
  } else if (res == R_CME && a->cmee == 2) {
    g_string_append_printf(r.out, "\r\n+CME ERROR: %s\r\n", cme_text(r.cme));
  } else {
    g_string_append(r.out, "\r\nERROR\r\n");
  }
  if (res != R_OK && res != R_CONNECT)
    sim_core_log(a->core, "at: -> error%s%s", res == R_CME ? " " : "",
                 res == R_CME ? cme_text(r.cme) : "");
  at_send_str(a, r.out->str);
  g_string_free(r.out, TRUE);
  a->in_command = FALSE;
  if (a->pending_urcs->len > 0) {
    at_send_str(a, a->pending_urcs->str);
    g_string_truncate(a->pending_urcs, 0);
  }
}

static void
at_feed(gpointer self, const guint8 *data, gsize len)
{
  SimAt *a = self;

  for (gsize i = 0; i < len; i++) {
    char c = data[i];

    if (a->data_mode) {
      /* PPP frames; "+++" escapes to online command mode */
      a->plus_count = c == '+' ? a->plus_count + 1 : 0;
      if (a->plus_count == 3) {
        sim_core_log(a->core, "rx at +++");
        leave_data_mode(a);
        at_send_str(a, "\r\nOK\r\n");
      }
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (a->line->len > 0) {
        g_autofree char *l = g_strdup(a->line->str);

        g_string_truncate(a->line, 0);
        handle_line(a, l);
      }
      continue;
    }
    if (c == '\b' || c == 0x7f) {
      if (a->line->len > 0)
        g_string_truncate(a->line, a->line->len - 1);
      continue;
    }
    if ((guchar)c < 0x20 || a->line->len > 1024)
      continue;
    g_string_append_c(a->line, c);
  }
}

static void
at_link_reset(gpointer self)
{
  SimAt *a = self;

  g_string_truncate(a->line, 0);
  if (a->data_cid)
    hang_up(a);
}

static void
urc(SimAt *a, const char *text)
{
  g_autofree char *s = g_strdup_printf("\r\n%s\r\n", text);

  if (a->in_command)
    g_string_append(a->pending_urcs, s);
  else
    at_send_str(a, s);
}

static void
at_notify(gpointer self, SimNotify what, gpointer data)
{
  SimAt *a = self;

  if (what == SIM_NOTIFY_SESSION_DROPPED && a->data_cid
      && ((SimSession *)data)->owner == (guint)a->data_cid) {
    /* the PPP call ends: NO CARRIER on the data line */
    a->data_cid = 0;
    leave_data_mode(a);
    urc(a, "NO CARRIER");
    return;
  }
  if (a->data_mode)
    return; /* URCs are not mixed into PPP frames */
  if (what == SIM_NOTIFY_REGISTRATION) {
    if (a->creg) {
      g_autofree char *l = reg_line(a, "+CREG", a->creg, FALSE);

      urc(a, l);
    }
    if (a->cgreg) {
      g_autofree char *l = reg_line(a, "+CGREG", a->cgreg, FALSE);

      urc(a, l);
    }
    if (a->cereg) {
      g_autofree char *l = reg_line(a, "+CEREG", a->cereg, FALSE);

      urc(a, l);
    }
  } else if (what == SIM_NOTIFY_SESSION_DROPPED && a->cgerep) {
    SimSession *s = data;
    g_autofree char *l = g_strdup_printf("+CGEV: NW PDN DEACT %u", s->owner);

    urc(a, l);
  }
}

static gpointer
at_create(SimCore *core)
{
  SimAt *a = g_new0(SimAt, 1);

  a->core = core;
  a->line = g_string_new(NULL);
  a->pending_urcs = g_string_new(NULL);
  a->echo = TRUE;
  a->ws46 = 28;
  return a;
}

static void
at_free(gpointer self)
{
  SimAt *a = self;

  for (int i = 0; i <= MAX_CID; i++) {
    g_free(a->ctx[i].pdp_type);
    g_free(a->ctx[i].apn);
    g_free(a->ctx[i].user);
    g_free(a->ctx[i].password);
  }
  g_string_free(a->line, TRUE);
  g_string_free(a->pending_urcs, TRUE);
  g_free(a);
}

const SimProtocol sim_protocol_at = {
  .name = "at",
  .create = at_create,
  .free = at_free,
  .feed = at_feed,
  .link_reset = at_link_reset,
  .notify = at_notify,
};
