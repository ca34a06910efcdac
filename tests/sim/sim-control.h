/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the control socket (--control=PATH), through which a test script
 * makes the network do things: one command per line, one reply line each,
 * "ok[ <text>]" or "error: <reason>".
 *
 * Commands come from tables that the core, protocol modules and capability
 * code add (sim_control_add_commands()): a name, the arguments it takes (the
 * framework parses and range-checks them, and builds the usage that "help"
 * and errors show) and a handler.  Names are a stable interface for tests:
 * document new ones in tests/sim/README.md.
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

#define SIM_CONTROL_ERROR (sim_control_error_quark())
GQuark sim_control_error_quark(void);

typedef enum {
  SIM_CONTROL_ERROR_UNKNOWN_COMMAND,
  SIM_CONTROL_ERROR_BAD_ARGUMENTS,
  SIM_CONTROL_ERROR_NOT_POSSIBLE, /* in the current state of the world */
} SimControlError;

typedef enum {
  SIM_CONTROL_ARG_INT,    /* decimal integer within [min, max] */
  SIM_CONTROL_ARG_NUMBER, /* decimal number within [min, max] */
  SIM_CONTROL_ARG_CHOICE, /* one of choices */
  SIM_CONTROL_ARG_WORD,   /* any word */
  SIM_CONTROL_ARG_TEXT,   /* the rest of the line, blanks inside kept; last only */
} SimControlArgType;

typedef struct {
  const char *name; /* shown in usage and errors, e.g. "RSRP" */
  SimControlArgType type;
  double min, max;
  const char *const *choices; /* NULL-terminated */
} SimControlArg;

typedef union {
  gint64 integer;
  double number;
  guint choice;     /* index into choices */
  const char *word; /* WORD and TEXT; valid while the handler runs */
} SimControlValue;

/* Apply a command whose arguments are parsed; text for the "ok" line may go
 * to reply.  FALSE with error set (SIM_CONTROL_ERROR) refuses it. */
typedef gboolean (*SimControlHandler)(gpointer user_data, const SimControlValue *args,
                                      GString *reply, GError **error);

typedef struct {
  const char *name;
  const SimControlArg *args;
  guint n_args;
  SimControlHandler handler;
} SimControlCommand;

SimControl *sim_control_new(SimCore *core);
void sim_control_free(SimControl *control);

/* commands must outlive control; a name may be added only once */
void sim_control_add_commands(SimControl *control, const SimControlCommand *commands,
                              gsize n_commands, gpointer user_data);

/* Listen on a unix stream socket at path (a stale socket there is replaced). */
gboolean sim_control_listen(SimControl *control, const char *path, GError **error);
/* Stop listening, drop the clients and remove the socket. */
void sim_control_close(SimControl *control);

/* One command line, without its newline: the reply, without its newline. */
char *sim_control_execute(SimControl *control, const char *line);

G_END_DECLS
