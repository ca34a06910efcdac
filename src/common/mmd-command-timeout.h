/* How long the daemon waits for one answer of a modem.
 *
 * Every protocol layer (QMI transactions, MBIM commands, AT commands) has its
 * own bound for each request, from 3 s (an AT query) to 180 s (a network
 * scan). The daemon's --command-timeout caps them all: on a link where a
 * silent modem must be noticed quickly (tests of faults, a bench), every
 * request fails after at most that long. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest --command-timeout takes, in seconds: a cap above every bound. */
#define MMD_COMMAND_TIMEOUT_MAX_S 600

/* The bound to use for a request whose own bound is timeout_ms. */
guint mmd_command_timeout_ms(guint timeout_ms);

/* Caps every bound at cap_ms from now on; 0 removes the cap. */
void mmd_command_timeout_set_cap(guint cap_ms);

G_END_DECLS
