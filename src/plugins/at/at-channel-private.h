/* The inside of the AT channel, shared by its two files: at-channel.c (the
 * port, the command queue, output) and at-channel-input.c (what the modem
 * sends: lines, their limits, and where each goes). Not for other users. */
#pragma once

#include "at-channel.h"

typedef struct {
  char *command; /* as sent, without CR */
  char *match;   /* upper-case command name after AT ("+CREG"), for response lines */
  MmdAtCommandFlags flags;
  guint timeout_ms;
  GTask *task; /* NULL once abandoned (cancelled while in flight) */
  GString *lines;
  gboolean overflowed; /* lines beyond MMD_AT_MAX_RESPONSE were dropped */
  gulong cancel_id;
  char *payload; /* hex PDU for the "> " prompt; NULL for other commands */
  gboolean payload_sent;
} Command;

typedef struct {
  guint id;
  char *prefix;
  MmdAtUrcFunc func;
  gpointer user_data;
  gboolean with_body;
} Urc;

struct _MmdAtChannel {
  gint ref;
  char *name;
  int fd;
  guint read_watch;
  guint write_watch;
  GByteArray *outbuf;
  GString *inbuf;
  gboolean discarding; /* line too long: skip to its end */
  gsize discarded;     /* bytes of it skipped so far */
  guint garbage;       /* unusable lines in a row */

  GQueue queue;     /* Command*, waiting */
  Command *current; /* in flight */
  guint timeout_id;
  guint idle_id;

  GArray *urcs; /* Urc */
  guint next_urc_id;
  char *urc_header; /* a URC waiting for its body line */
  guint urc_body_id;

  gboolean data_mode;
  gboolean personal;
  guint timeouts; /* in a row */

  MmdAtGoneFunc gone_func;
  gpointer gone_data;
};

/* Logs a line of the wire, secrets masked (and personal data unless allowed). */
void at_channel_log_wire(MmdAtChannel *self, const char *dir, const char *text,
                         MmdAtCommandFlags flags);
/* Completes the command's task (if any) with error or its lines, and frees it. */
void at_channel_command_complete(Command *cmd, GError *error);
/* Sends the next queued command once the main loop is idle. */
void at_channel_schedule_next(MmdAtChannel *self);
/* Closes the port, fails every command with error (taken) and calls the gone handler. */
void at_channel_fail(MmdAtChannel *self, GError *error);
/* The SMS prompt "> " came: sends the PDU of the command in flight and Ctrl-Z. */
void at_channel_on_prompt(MmdAtChannel *self);
/* Bytes read from the port. */
void at_channel_process_input(MmdAtChannel *self, const char *data, gsize len);
