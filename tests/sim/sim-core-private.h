/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the files of the core share among themselves and protocol
 * modules never see.  The core is split by concept: the world and the
 * lifetime (sim-core.c), the SIM card (sim-card.c), the link to the peer
 * (sim-link.c), the faults injected on it (sim-fault.c) and the control
 * commands that script the network (sim-core-commands.c).
 */
#pragma once

#include "sim-control.h"
#include "sim-core.h"
#include "sim-sms-store.h"

G_BEGIN_DECLS

typedef struct _SimFaults SimFaults;

struct _SimCore {
  SimConfig *config;
  const SimProtocol *proto;
  gpointer proto_self;
  GMainLoop *loop;
  int exit_code;
  SimControl *control;

  /* link */
  int io_fd;    /* pty master or inherited fd */
  int slave_fd; /* held open so the master never sees HUP (pty mode) */
  char *slave_name;
  guint read_watch;
  guint retry_timer;
  gboolean link_open; /* peer seen (fd mode) */
  int inotify_fd;     /* pty mode: sees the peer open and close the slave */
  guint inotify_watch;
  int peers; /* pty mode: slave opens by others, -1 if unknown */
  GByteArray *outbuf;
  guint write_watch;
  SimSink sink; /* where output goes instead of the link, if set */

  /* faults */
  SimFaults *faults;
  gboolean dead;  /* hung up, waiting for the main loop to end */
  gboolean muted; /* nothing goes out (a fault) */

  /* SIM */
  SimCardState card;
  gboolean pin_enabled;
  char *pin;
  char *puk;
  int pin_retries;
  int puk_retries;

  /* radio / network */
  gboolean radio;
  SimRegState reg;
  const SimOperator *target;        /* operator being searched / registered on */
  const SimOperator *auto_operator; /* what automatic selection registers on */
  gboolean manual;
  guint reg_timer;
  /* What the network grants a modem that may register: REGISTERED normally;
   * SEARCHING, DENIED or IDLE while a control command says so. */
  SimRegState network_verdict;
  SimSignal signal;
  SimCell cell;
  SimGpsFix gps;
  SimNitz nitz;
  gint64 nitz_utc;       /* unix seconds the network sent */
  gint64 nitz_monotonic; /* when it came, g_get_monotonic_time() */

  guint signal_watch[3];

  /* a second port (sim-port.c), or NULL */
  struct _SimPort *second_port;

  /* radio access: technology, modes, bands (sim-radio.c) */
  struct _SimRadio *radio_access;

  /* sessions */
  GPtrArray *sessions;
  guint32 next_handle;

  struct _SimVoice *voice; /* calls (sim-voice.c) */
  struct _SimUssd *ussd;   /* USSD (sim-ussd.c) */
  SimSmsStore *sms;
};

/* sim-core.c */
void sim_core_quit(SimCore *core, int code);
void sim_core_notify(SimCore *core, SimNotify what, gpointer data);
/* Re-evaluate registration after a radio, SIM or selection change. */
void sim_core_registration_update(SimCore *core);

/* sim-card.c */
void sim_card_init(SimCore *core);

/* sim-link.c */
gboolean sim_link_setup_pty(SimCore *core, GError **error);
void sim_link_setup_fd(SimCore *core);
void sim_link_arm_read(SimCore *core);
/* Close the link as an unplugged device would (peers read EIO/HUP), then end
 * the main loop with exit code 0; why goes to the log. */
void sim_link_hangup(SimCore *core, const char *why);
/* Remove the --link symlink if it still points at our pty. */
void sim_link_remove(SimCore *core);
void sim_link_close(SimCore *core);

/* sim-fault.c: the fault state and its control commands */
SimFaults *sim_fault_new(SimCore *core);
void sim_fault_free(SimFaults *faults);
/* The request now being handled, as logged after "rx ": what on-request
 * triggers match. */
void sim_fault_note_request(SimFaults *faults, const char *request);

/* sim-core-commands.c */
void sim_core_commands_register(SimCore *core);

/* sim-core-events.c: the serving cell, GPS and NITZ, and their commands */
void sim_core_events_init(SimCore *core);

G_END_DECLS
