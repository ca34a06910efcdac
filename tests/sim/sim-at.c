/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: 3GPP TS 27.007 AT commands, the command line.
 *
 * Command lines end with CR; several commands may share a line after one "AT"
 * prefix, separated by ';'.  Answers use verbose result codes: information
 * lines "\r\n<text>\r\n", then "\r\nOK\r\n" or an error ("ERROR", or
 * "+CME ERROR: <n>" / "+CME ERROR: <text>" after AT+CMEE=1 / 2).  Echo is on
 * until ATE0, as on real modems.  Extended commands ("+CFUN=1") are looked
 * up in the command tables of sim-at-*.c.
 *
 * Data: AT+CGDCONT / AT+CGAUTH define a context, AT+CGACT activates it and
 * AT+CGPADDR / AT+CGCONTRDP read the addresses.  Or PPP: ATD*99***<cid>#
 * (or ATD*99#) starts a session and answers CONNECT; the line is then in data
 * mode until "+++" (online command mode: ATO resumes, ATH hangs up), the peer
 * closes it (hang up) or the network drops the session (NO CARRIER).
 */
#include "sim-at.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* V.250 keeps the values of basic commands within 0-255 (S-parameters are the
 * largest); anything bigger is an error, not a wrapped-around number. */
#define MAX_BASIC_VALUE 255

/* ------------------------------------------------------------------------- */
/* output */

static void
at_send_str(SimAt *a, const char *s)
{
  sim_core_send(a->core, (const guint8 *)s, strlen(s));
}

void
at_info(AtReply *r, const char *fmt, ...)
{
  va_list ap;

  g_string_append(r->out, "\r\n");
  va_start(ap, fmt);
  g_string_append_vprintf(r->out, fmt, ap);
  va_end(ap);
  g_string_append(r->out, "\r\n");
}

AtResult
at_cme(AtReply *r, int code)
{
  r->cme = code;
  return R_CME;
}

AtResult
at_cms(AtReply *r, int code)
{
  r->cme = code;
  return R_CMS;
}

AtResult
at_prompt(SimAt *a, AtPromptHandler handler)
{
  a->prompt = handler;
  g_string_truncate(a->prompt_text, 0);
  return R_PROMPT;
}

AtResult
at_ok(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  return R_OK;
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
/* arguments: comma separated, strings in double quotes */

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

const char *
at_arg(GPtrArray *args, guint i)
{
  return i < args->len ? g_ptr_array_index(args, i) : "";
}

gboolean
at_arg_int(GPtrArray *args, guint i, int *v)
{
  const char *s = at_arg(args, i);
  char *end;
  long n;

  if (!*s)
    return FALSE;
  errno = 0;
  n = strtol(s, &end, 10);
  if (*end || errno == ERANGE || n < INT_MIN || n > INT_MAX)
    return FALSE;
  *v = (int)n;
  return TRUE;
}

gboolean
at_parse_number(const char **s, guint max, guint *v)
{
  const char *p = *s;
  gboolean fits = TRUE;
  guint n = 0;

  if (!g_ascii_isdigit(*p))
    return FALSE;
  for (; g_ascii_isdigit(*p); p++) {
    guint digit = *p - '0';

    if (digit > max || n > (max - digit) / 10)
      fits = FALSE;
    else if (fits)
      n = n * 10 + digit;
  }
  *s = p;
  *v = n;
  return fits;
}

/* ------------------------------------------------------------------------- */
/* extended commands */

static const AtCommandTable *const tables[] = {
  &at_device_commands, &at_sim_commands,  &at_network_commands, &at_pdp_commands,
  &at_voice_commands,  &at_ussd_commands, &at_sms_commands,     &at_events_commands,
};

static const AtCommandDef *
find_in(const AtCommandTable *table, const char *name)
{
  for (gsize i = 0; table && i < table->n_defs; i++)
    if (!g_ascii_strcasecmp(table->defs[i].name, name))
      return &table->defs[i];
  return NULL;
}

static const AtCommandDef *
find_command(const char *name)
{
  const AtCommandDef *def = NULL;

  for (gsize t = 0; t < G_N_ELEMENTS(tables) && !def; t++)
    def = find_in(tables[t], name);
  return def;
}

/* The vendor's commands (--vendor), which come first where they overlap. */
static const AtCommandTable *
vendor_table(SimAt *a)
{
  return g_strcmp0(sim_core_config(a->core)->vendor, "quectel") == 0 ? &at_quectel_commands : NULL;
}

static AtHandler
handler_of(const AtCommandDef *def, const char *rest)
{
  if (!def)
    return NULL;
  if (rest[0] == '?')
    return def->query;
  if (rest[0] == '=' && rest[1] == '?')
    return def->test;
  if (rest[0] == '=')
    return def->set;
  return def->exec;
}

AtResult
at_run_generic_set(SimAt *a, const char *name, GPtrArray *args, AtReply *r)
{
  const AtCommandDef *def = find_command(name);

  if (!def || !def->set)
    return at_cme(r, CME_NOT_SUPPORTED);
  return def->set(a, def, args, r);
}

/* One extended command "+NAME[?|=?|=args]". */
static AtResult
run_ext(SimAt *a, const char *cmd, AtReply *r)
{
  gsize n = strcspn(cmd, "=?");
  g_autofree char *name = g_strndup(cmd, n);
  const char *rest = cmd + n;
  const AtCommandDef *def = find_in(vendor_table(a), name);
  g_autoptr(GPtrArray) args = NULL;
  AtHandler handler = handler_of(def, rest);

  /* a form the vendor leaves out is the generic command's */
  if (!handler) {
    def = find_command(name);
    handler = handler_of(def, rest);
  }
  if (!def)
    return R_ERROR;
  if (!handler)
    return at_cme(r, CME_NOT_SUPPORTED);
  args = split_args(rest[0] == '=' && rest[1] != '?' ? rest + 1 : "");
  return handler(a, def, args, r);
}

/* ------------------------------------------------------------------------- */
/* basic commands and the command line */

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

/* one basic command with its value */
static AtResult
run_basic_one(SimAt *a, char c, guint v, AtReply *r)
{
  const SimConfig *cfg = sim_core_config(a->core);

  switch (c) {
    case 'E':
      a->echo = v != 0;
      return R_OK;
    case 'Z':
      a->echo = TRUE;
      a->cmee = 0;
      return R_OK;
    case 'H':
      hang_up(a);
      at_voice_hangup_all(a);
      return R_OK;
    case 'A':
      return at_voice_answer(a);
    case 'I':
      at_info(r, "%s\r\n%s\r\nRevision: %s", cfg->manufacturer, cfg->model, cfg->revision);
      return R_OK;
    case 'V':
    case 'Q':
    case 'X':
    case 'L':
    case 'M':
      return R_OK;
    default:
      return R_ERROR;
  }
}

/* Basic commands, e.g. "E0V1", "Z", "I", "&F", "D*99#". */
static AtResult
run_basic(SimAt *a, const char *s, AtReply *r)
{
  while (*s) {
    char c = g_ascii_toupper(*s++);
    guint v = 0;
    AtResult res;

    if (c == '&') {
      if (!*s)
        return R_ERROR;
      s++;
      while (g_ascii_isdigit(*s))
        s++;
      continue;
    }
    if (c == 'D')
      return at_dial(a, s); /* the rest of the line is the number */
    if (c == 'O')
      return a->data_cid ? R_CONNECT : R_NO_CARRIER;
    if (c == 'S') {
      while (*s && *s != ';')
        s++;
      continue;
    }
    if (g_ascii_isdigit(*s) && !at_parse_number(&s, MAX_BASIC_VALUE, &v))
      return R_ERROR;
    res = run_basic_one(a, c, v, r);
    if (res != R_OK)
      return res;
  }
  return R_OK;
}

/* A dial command keeps its ';' (voice call). */
static gboolean
is_dial(const char *start)
{
  start += strspn(start, " ");
  return g_ascii_toupper(*start) == 'D';
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
        g_ptr_array_add(cmds, g_strndup(start, s - start + (*s == ';' && is_dial(start))));
      if (!*s)
        break;
      start = s + 1;
    }
  }
  return cmds;
}

/* the commands after "AT", until one fails */
static AtResult
run_commands(SimAt *a, const char *line, AtReply *r)
{
  g_autoptr(GPtrArray) cmds = split_commands(line);
  AtResult res = R_OK;

  for (guint i = 0; i < cmds->len && res == R_OK; i++) {
    const char *c = g_ptr_array_index(cmds, i);

    while (*c == ' ')
      c++;
    if (*c == '+' || *c == '^' || *c == '$' || *c == '%')
      res = run_ext(a, c, r);
    else
      res = run_basic(a, c, r);
  }
  return res;
}

static void
append_final_result(SimAt *a, AtResult res, AtReply *r)
{
  if (res == R_OK) {
    g_string_append(r->out, "\r\nOK\r\n");
  } else if (res == R_CONNECT) {
    g_string_append(r->out, "\r\nCONNECT 150000000\r\n");
    a->data_mode = TRUE;
    a->plus_count = 0;
    sim_core_log(a->core, "at: data mode (cid %d)", a->data_cid);
  } else if (res == R_NO_CARRIER) {
    g_string_append(r->out, "\r\nNO CARRIER\r\n");
  } else if (res == R_CME && a->cmee == 1) {
    g_string_append_printf(r->out, "\r\n+CME ERROR: %d\r\n", r->cme);
  } else if (res == R_CME && a->cmee == 2) {
    g_string_append_printf(r->out, "\r\n+CME ERROR: %s\r\n", cme_text(r->cme));
  } else if (res == R_CMS) {
    g_string_append_printf(r->out, "\r\n+CMS ERROR: %d\r\n", r->cme);
  } else {
    g_string_append(r->out, "\r\nERROR\r\n");
  }
  if (res == R_CMS)
    sim_core_log(a->core, "at: -> +CMS ERROR: %d", r->cme);
  else if (res != R_OK && res != R_CONNECT)
    sim_core_log(a->core, "at: -> error%s%s", res == R_CME ? " " : "",
                 res == R_CME ? cme_text(r->cme) : "");
}

/* the URCs held back while the command was answered */
static void
flush_urcs(SimAt *a)
{
  a->in_command = FALSE;
  if (a->pending_urcs->len > 0) {
    at_send_str(a, a->pending_urcs->str);
    g_string_truncate(a->pending_urcs, 0);
  }
}

static void
handle_line(SimAt *a, const char *line)
{
  g_autoptr(GString) out = g_string_new(NULL);
  AtReply r = { out, 0 };
  AtResult res;

  sim_core_log(a->core, "rx at %s", line);
  if (!sim_core_request_begin(a->core))
    return;
  a->in_command = TRUE;
  if (a->echo) {
    g_autofree char *e = g_strdup_printf("%s\r", line);

    at_send_str(a, e);
  }
  if (g_ascii_strncasecmp(line, "AT", 2)) {
    at_send_str(a, "\r\nERROR\r\n");
    a->in_command = FALSE;
    return;
  }
  res = run_commands(a, line + 2, &r);
  if (res == R_PROMPT) {
    /* URCs wait until the PDU is in and answered */
    g_string_append(out, "\r\n> ");
    at_send_str(a, out->str);
    return;
  }
  append_final_result(a, res, &r);
  at_send_str(a, out->str);
  flush_urcs(a);
}

/* One character after the "> " prompt: hex digits pile up, Ctrl-Z ends the
 * PDU, ESC cancels. */
static void
prompt_feed(SimAt *a, char c)
{
  g_autoptr(GString) out = NULL;
  AtReply r;
  AtPromptHandler handler = a->prompt;

  if (a->echo)
    at_send_str(a, (char[]){ c, 0 });
  if (c != 0x1A && c != 0x1B) {
    if (a->prompt_text->len < 1024 && c != '\r' && c != '\n')
      g_string_append_c(a->prompt_text, c);
    return;
  }
  a->prompt = NULL;
  out = g_string_new(NULL);
  r = (AtReply){ out, 0 };
  sim_core_log(a->core, "rx at pdu %s%s", a->prompt_text->str, c == 0x1B ? " (cancelled)" : "");
  append_final_result(a, c == 0x1B ? R_OK : handler(a, a->prompt_text->str, &r), &r);
  at_send_str(a, out->str);
  flush_urcs(a);
}

/* ------------------------------------------------------------------------- */
/* the protocol module */

static void
at_feed(gpointer self, const guint8 *data, gsize len)
{
  SimAt *a = self;

  for (gsize i = 0; i < len; i++) {
    char c = data[i];

    if (a->prompt) {
      prompt_feed(a, c);
      continue;
    }
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
  if (a->prompt) {
    a->prompt = NULL;
    flush_urcs(a);
  }
  if (a->data_cid)
    hang_up(a);
}

void
at_urc(SimAt *a, const char *text)
{
  g_autofree char *s = g_strdup_printf("\r\n%s\r\n", text);

  if (a->in_command)
    g_string_append(a->pending_urcs, s);
  else
    at_send_str(a, s);
}

static void
registration_urcs(SimAt *a)
{
  static const struct {
    const char *name;
    gsize mode;
  } urcs[] = {
    { "+CREG", G_STRUCT_OFFSET(SimAt, creg) },
    { "+CGREG", G_STRUCT_OFFSET(SimAt, cgreg) },
    { "+CEREG", G_STRUCT_OFFSET(SimAt, cereg) },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(urcs); i++) {
    int mode = G_STRUCT_MEMBER(int, a, urcs[i].mode);
    g_autofree char *l = NULL;

    if (!mode)
      continue;
    l = at_registration_line(a, urcs[i].name, mode, FALSE);
    at_urc(a, l);
  }
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
    at_urc(a, "NO CARRIER");
    return;
  }
  if (a->data_mode)
    return; /* URCs are not mixed into PPP frames */
  if (what == SIM_NOTIFY_SMS) {
    at_sms_notify(a, data);
  } else if (what == SIM_NOTIFY_CALL) {
    at_voice_notify(a, data);
  } else if (what == SIM_NOTIFY_USSD) {
    at_ussd_notify(a, data);
  } else if (what == SIM_NOTIFY_REGISTRATION || what == SIM_NOTIFY_CELL) {
    registration_urcs(a);
    if (what == SIM_NOTIFY_REGISTRATION) /* the signal comes and goes with it */
      at_events_notify(a, what);
  } else if (what == SIM_NOTIFY_SIGNAL || what == SIM_NOTIFY_NITZ) {
    at_events_notify(a, what);
  } else if (what == SIM_NOTIFY_SESSION_DROPPED && a->cgerep) {
    g_autofree char *l = g_strdup_printf("+CGEV: NW PDN DEACT %u", ((SimSession *)data)->owner);

    at_urc(a, l);
  }
}

static gpointer
at_create(SimCore *core)
{
  SimAt *a = g_new0(SimAt, 1);

  a->core = core;
  a->line = g_string_new(NULL);
  a->pending_urcs = g_string_new(NULL);
  a->prompt_text = g_string_new(NULL);
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
  g_string_free(a->prompt_text, TRUE);
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
