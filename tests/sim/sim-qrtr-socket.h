/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: one QRTR endpoint, on the kernel's bus (AF_QIPCRTR) or on a
 * unix bus (tests/sim/qrtr-bus, record format in qrtr-bus-router.h).  The
 * simulator's own small implementation, independent of the daemon's
 * src/common/mmd-qrtr-socket.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIM_QRTR_PORT_CTRL 0xfffffffeu
#define SIM_QRTR_LINK_KERNEL "kernel"

typedef struct {
  int fd;
  gboolean kernel;
  guint32 node; /* this endpoint's address */
  guint32 port;
} SimQrtrSocket;

/* link: SIM_QRTR_LINK_KERNEL or the path of a unix bus.  node: the node to
 * bind to on a unix bus (0: the bus's own); the kernel puts every local
 * socket on its local node.  Non-blocking once open. */
gboolean sim_qrtr_socket_open(SimQrtrSocket *s, const char *link, guint32 node, GError **error);
void sim_qrtr_socket_close(SimQrtrSocket *s);
gboolean sim_qrtr_socket_send(SimQrtrSocket *s, guint32 node, guint32 port, const guint8 *data,
                              gsize len);
/* One datagram into buf: its length, 0 when none is waiting (and for records
 * that carry none), -1 when the socket is done (bus gone, error). */
gssize sim_qrtr_socket_recv(SimQrtrSocket *s, guint8 *buf, gsize size, guint32 *node,
                            guint32 *port);

G_END_DECLS
