/* The test's side of an AT channel: a scripted modem on a socketpair, and
 * commands whose results are collected. Shared by the channel tests. */
#pragma once

#include "at-channel.h"

typedef struct {
  MmdAtChannel *ch;
  int peer;
  GMainLoop *loop;
  GPtrArray *urcs;
  gboolean gone;
  GError *gone_error;
} Fixture;

typedef struct {
  char *response;
  GError *error;
  gboolean done;
} Result;

/* A channel on one end of a socketpair, with URC handlers for +CREG:, RING
 * and NO CARRIER that collect into urcs, and a gone handler. */
void setup(Fixture *f, gconstpointer data);
void teardown(Fixture *f, gconstpointer data);

void send_cmd(Fixture *f, const char *cmd, guint timeout, MmdAtCommandFlags flags,
              GCancellable *cancellable, Result *r);
/* A command whose PDU goes out after the "> " prompt. */
void send_cmd_with_pdu(Fixture *f, const char *cmd, const char *pdu_hex, guint timeout, Result *r);
/* Also collect URCs with prefix whose body is the next line, into urcs. */
void collect_urcs_with_body(Fixture *f, const char *prefix);
/* Reads what the channel wrote until it contains expect. */
void peer_expect(Fixture *f, const char *expect);
/* Writes len bytes as the modem, letting the channel read meanwhile, so that
 * more than a socket buffer can go out. */
void peer_send_len(Fixture *f, const char *data, gsize len);
void peer_send(Fixture *f, const char *text);
/* Runs the main loop until the command completed. */
void wait_done(Result *r);
void result_clear(Result *r);
