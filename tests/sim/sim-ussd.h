/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: USSD as the network answers it, protocol independent.
 *
 * One session at a time.  The network's service codes:
 *   *100#  a notification, "Balance: 5.00 EUR"
 *   *101#  a notification that needs UCS-2, "Баланс: 5.00 EUR"
 *   *111#  a menu that waits for a response ("1" balance, "2" data; anything
 *          else asks again)
 *   other  a notification, "Unknown service code"
 * The control socket makes the network start a session (ussd-network: a
 * request that waits for a response), send a notification (ussd-notify) or
 * end the session (ussd-release); each is told to the protocol module as
 * SIM_NOTIFY_USSD with a SimUssdMessage.
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

typedef enum {
  SIM_USSD_NOTIFY,  /* no response expected; the session is over */
  SIM_USSD_REQUEST, /* the network waits for a response */
  SIM_USSD_RELEASE, /* the network ended the session */
} SimUssdKind;

typedef struct {
  SimUssdKind kind;
  const char *text; /* UTF-8; "" for a release */
} SimUssdMessage;

typedef struct _SimUssd SimUssd;

SimUssd *sim_ussd_new(SimCore *core);
void sim_ussd_free(SimUssd *ussd);

/* The host starts a session (initiate) or answers a request (respond); the
 * network's answer goes to *answer (text valid until the next call).  FALSE
 * with *why when the network cannot take it. */
gboolean sim_ussd_initiate(SimCore *core, const char *text, SimUssdMessage *answer,
                           const char **why);
gboolean sim_ussd_respond(SimCore *core, const char *text, SimUssdMessage *answer,
                          const char **why);
/* The host ends the session (nothing happens without one). */
void sim_ussd_cancel(SimCore *core);
/* A request waits for the host's response. */
gboolean sim_ussd_waiting(SimCore *core);

/* Whether UTF-8 text fits the GSM 7-bit default alphabet (basic table). */
gboolean sim_ussd_is_gsm7(const char *text);
/* GSM 7-bit packing of text in the default alphabet (its ASCII subset is
 * enough for the network's texts and the host's codes); NULL if it does not
 * fit. */
GByteArray *sim_ussd_pack_gsm7(const char *text);
/* The reverse; NULL for septets outside the ASCII subset. */
char *sim_ussd_unpack_gsm7(const guint8 *data, gsize len);
/* UTF-8 to UCS-2 big endian and back (BMP only). */
GByteArray *sim_ussd_to_ucs2(const char *text);
char *sim_ussd_from_ucs2(const guint8 *data, gsize len);

G_END_DECLS
