/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: a second port of the modem, speaking AT (see sim-port.c).
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

typedef struct _SimPort SimPort;

/* On a new pty behind the symlink link, or on the inherited descriptor fd
 * (link NULL). */
SimPort *sim_port_new(SimCore *core, const char *link, int fd, GError **error);
/* The world changed: the AT module's URCs, on this port. */
void sim_port_notify(SimPort *port, SimNotify what, gpointer data);
/* Removes the symlink if it still points at the port's pty. */
void sim_port_free(SimPort *port);

G_END_DECLS
