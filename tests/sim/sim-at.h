/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the files of the AT module share.  sim-at.c reads command
 * lines, runs basic commands, dispatches extended ones to the command tables
 * and handles data mode and URCs; each group of extended commands is in a
 * file of its own: sim-at-device.c, sim-at-sim.c, sim-at-network.c,
 * sim-at-pdp.c (packet domain, with the PPP dial), sim-at-voice.c and
 * sim-at-ussd.c (calls, USSD), sim-at-sms.c (27.005 messages in PDU mode,
 * cell broadcast).
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

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

typedef struct _SimAt SimAt;
typedef struct _AtReply AtReply;
typedef enum { R_OK, R_ERROR, R_CME, R_CMS, R_CONNECT, R_NO_CARRIER, R_PROMPT } AtResult;
/* the text the host typed after the "> " prompt, up to Ctrl-Z */
typedef AtResult (*AtPromptHandler)(SimAt *a, const char *text, AtReply *r);
/* +CSCS */
typedef enum { CSCS_IRA, CSCS_GSM, CSCS_UCS2 } AtCharset;

typedef struct {
  gboolean defined;
  char *pdp_type; /* "IP", "IPV6", "IPV4V6" */
  char *apn;
  char *user;
  char *password;
  int auth;
} AtContext;

struct _SimAt {
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
  int data_cid;           /* context of the PPP call, 0: none */
  gboolean data_mode;     /* bytes from the host are PPP, not commands */
  int plus_count;         /* '+' seen in a row in data mode */
  int ws46;               /* radio access selection (+WS46) */
  AtPromptHandler prompt; /* after "> ": what the host types goes here */
  GString *prompt_text;
  AtCharset cscs;
  gboolean clip;   /* +CLIP after RING */
  gboolean crc;    /* +CRING: VOICE instead of RING */
  gboolean ccwa;   /* +CCWA URC */
  int cusd;        /* +CUSD URC presentation */
  int cmer_ind;    /* +CMER <ind>: 1 sends +CIEV for indicator changes */
  int signal_bars; /* the "signal" indicator last sent */
  int ctzr;        /* +CTZR: 0 off, 1 +CTZV, 2 +CTZE, 3 +CTZEU */
};

struct _AtReply {
  GString *out; /* information lines, already framed */
  int cme;      /* R_CME, and R_CMS: the code */
};

/* ---- extended command tables ---- */

typedef struct _AtCommandDef AtCommandDef;

/* args: the comma separated arguments of the set form (quotes and blanks
 * outside them removed); one empty argument for the other forms. */
typedef AtResult (*AtHandler)(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r);

/* A form left NULL answers "operation not supported". */
struct _AtCommandDef {
  const char *name; /* "+CFUN", matched whatever the case */
  AtHandler exec;   /* AT+CFUN */
  AtHandler set;    /* AT+CFUN=<args> */
  AtHandler query;  /* AT+CFUN? */
  AtHandler test;   /* AT+CFUN=? */
};

/* every form runs the same handler */
#define AT_ANY_FORM(handler) handler, handler, handler, handler

typedef struct {
  const AtCommandDef *defs;
  gsize n_defs;
} AtCommandTable;

extern const AtCommandTable at_device_commands;
extern const AtCommandTable at_sim_commands;
extern const AtCommandTable at_network_commands;
extern const AtCommandTable at_pdp_commands;
extern const AtCommandTable at_sms_commands;
extern const AtCommandTable at_voice_commands;
extern const AtCommandTable at_ussd_commands;
/* --vendor=quectel (sim-at-quectel.c) */
extern const AtCommandTable at_quectel_commands;
extern const AtCommandTable at_events_commands;

/* ---- sim-at.c: replies and arguments ---- */

/* one information line */
void at_info(AtReply *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* +CME ERROR: code (or ERROR, as AT+CMEE says) */
AtResult at_cme(AtReply *r, int code);
/* +CMS ERROR: code (27.005 3.2.5) */
AtResult at_cms(AtReply *r, int code);
/* "> ": the command goes on with what the host types up to Ctrl-Z (ESC
 * cancels it), handed to handler */
AtResult at_prompt(SimAt *a, AtPromptHandler handler);
/* an unsolicited result code (lines joined with "\r\n"), held while a
 * command is answered */
void at_urc(SimAt *a, const char *text);
/* OK, whatever the arguments */
AtResult at_ok(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r);
/* argument i, "" if absent */
const char *at_arg(GPtrArray *args, guint i);
/* argument i as a decimal int; FALSE if absent, not a number or out of range */
gboolean at_arg_int(GPtrArray *args, guint i, int *v);
/* Digits at *s as a number no larger than max; *s moves past all of them.
 * FALSE if there are none or the number is larger. */
gboolean at_parse_number(const char **s, guint max, guint *v);

/* The set form of the generic command called name (for a vendor's command
 * that extends one). */
AtResult at_run_generic_set(SimAt *a, const char *name, GPtrArray *args, AtReply *r);

/* ---- shared by the groups ---- */

/* sim-at-sim.c: the CME error for commands that need an unlocked SIM, 0 if it is */
int at_sim_gate(SimAt *a);
/* sim-at-network.c: "+CREG: [n,]stat[,...]" for a query or an URC */
char *at_registration_line(SimAt *a, const char *name, int n, gboolean with_n);
/* sim-at-pdp.c: ATD<number> */
AtResult at_dial(SimAt *a, const char *number);
/* sim-at-sms.c: a message, report or broadcast page for the host (URCs as
 * +CNMI says) */
void at_sms_notify(SimAt *a, gpointer event);
/* sim-at-voice.c: ATD<number>; ATA, ATH and the URCs of a call (a SimCall) */
AtResult at_voice_dial(SimAt *a, const char *dial_string);
AtResult at_voice_answer(SimAt *a);
void at_voice_hangup_all(SimAt *a);
void at_voice_notify(SimAt *a, gconstpointer call);
/* sim-at-ussd.c: the +CUSD URC of what the network starts (a SimUssdMessage) */
void at_ussd_notify(SimAt *a, gconstpointer msg);
/* sim-at-events.c: indicator (+CIEV) and time zone (+CTZE...) reports */
void at_events_notify(SimAt *a, SimNotify what);

G_END_DECLS
