/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A QRTR bus on a unix SOCK_SEQPACKET socket: the router and its name
 * service, for tests on kernels without AF_QIPCRTR.  It plays what the
 * kernel's qrtr module does: endpoints (node, port), datagrams between them,
 * and a name service at (local node, 0xfffffffe) that registers servers at
 * the address of the endpoint announcing them, answers lookups (one
 * NEW_SERVER per match, then an all-zero one) and tells the lookups about
 * servers coming and going.  When an endpoint goes away its servers are
 * withdrawn (DEL_SERVER to the lookups) and every server is sent DEL_CLIENT
 * for it, and BYE when it was the last endpoint of a node other than the
 * local one, as the kernel's name service does.
 *
 * Record format (little endian): kind u32 | node u32 | port u32 | payload;
 * kinds BIND (1), BOUND (2), DATA (3) as described in
 * src/common/mmd-qrtr-socket.h.  Written independently of that file, on
 * purpose: the two check each other.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QrtrBusRouter QrtrBusRouter;

/* Listens at path (a stale socket there is replaced, another file is an
 * error).  Endpoints that bind to node 0 get local_node.  With verbose, every
 * bind, close and name-service request is logged on stderr ("qrtr-bus: ..."). */
QrtrBusRouter *qrtr_bus_router_new(const char *path, guint32 local_node, gboolean verbose,
                                   GError **error);
/* Closes every endpoint and removes the socket file. */
void qrtr_bus_router_free(QrtrBusRouter *router);

G_END_DECLS
