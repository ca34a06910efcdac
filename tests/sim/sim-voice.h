/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: voice calls as the network sees them, protocol independent.
 *
 * Calls are numbered 1..7 as 27.007 +CLCC numbers them (the lowest free id).
 * An outgoing call is dialing, then the remote phone rings (alerting) until
 * the control socket says the remote party answered (call-remote-answer) or
 * hung up (call-remote-hangup).  Incoming calls come from the control socket
 * (call-incoming, call-waiting).  Every change is told to the protocol module
 * (SIM_NOTIFY_CALL with the call); an ended call is told once more, in state
 * SIM_CALL_ENDED, and is gone afterwards.  DTMF tones sent during a call are
 * logged with what the far end heard so far ("heard: 123#").
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

#define SIM_MAX_CALLS 7

typedef enum {
  SIM_CALL_DIALING,
  SIM_CALL_ALERTING, /* outgoing: the remote phone rings */
  SIM_CALL_INCOMING, /* ringing here */
  SIM_CALL_WAITING,  /* incoming while another call is up */
  SIM_CALL_ACTIVE,
  SIM_CALL_HELD,
  SIM_CALL_ENDED,
} SimCallState;

/* Why a call ended. */
typedef enum {
  SIM_CALL_END_NONE,
  SIM_CALL_END_LOCAL,       /* the host hung up */
  SIM_CALL_END_REJECTED,    /* the host refused an incoming call */
  SIM_CALL_END_REMOTE,      /* the other party hung up */
  SIM_CALL_END_TRANSFERRED, /* explicit call transfer */
} SimCallEnd;

typedef struct {
  guint id;
  SimCallState state;
  gboolean incoming;
  char *number; /* "" when withheld */
  gboolean multiparty;
  SimCallEnd end;
  GString *heard; /* DTMF tones the far end heard */
} SimCall;

/* What 27.007 +CHLD and QMI Manage Calls do to the calls. */
typedef enum {
  SIM_CHLD_RELEASE_HELD_OR_WAITING,     /* 0 */
  SIM_CHLD_RELEASE_ACTIVE_ACCEPT_OTHER, /* 1 */
  SIM_CHLD_RELEASE_ONE,                 /* 1X */
  SIM_CHLD_HOLD_ACTIVE_ACCEPT_OTHER,    /* 2 */
  SIM_CHLD_HOLD_ALL_EXCEPT,             /* 2X */
  SIM_CHLD_JOIN,                        /* 3 */
  SIM_CHLD_TRANSFER,                    /* 4 */
  SIM_CHLD_RELEASE_ALL,                 /* every call */
} SimChld;

typedef struct _SimVoice SimVoice;

SimVoice *sim_voice_new(SimCore *core);
void sim_voice_free(SimVoice *voice);

/* The live calls, by id (SimCall*, owned by the world). */
GPtrArray *sim_voice_calls(SimCore *core);
SimCall *sim_voice_call(SimCore *core, guint id);
const char *sim_voice_state_name(SimCallState state);

/* The host's side.  On refusal *why says what is wrong. */
SimCall *sim_voice_dial(SimCore *core, const char *number, const char **why);
gboolean sim_voice_answer(SimCore *core, guint id, const char **why);
gboolean sim_voice_hangup(SimCore *core, guint id, const char **why);
/* id: the call of RELEASE_ONE and HOLD_ALL_EXCEPT, else ignored. */
gboolean sim_voice_chld(SimCore *core, SimChld op, guint id, const char **why);
gboolean sim_voice_dtmf(SimCore *core, guint id, char tone, const char **why);

/* Call waiting, the network's supplementary service (on at start). */
gboolean sim_voice_waiting_enabled(SimCore *core);
void sim_voice_set_waiting_enabled(SimCore *core, gboolean enabled);

G_END_DECLS
