/* A QRTR socket: one endpoint (node, port) on a QRTR bus, sending and
 * receiving datagrams, driven by the GLib main loop.
 *
 * Two buses carry the same addressing and control packets (mmd-qrtr.h):
 *
 * - the kernel's: socket(AF_QIPCRTR, SOCK_DGRAM), on SoCs whose modem is a
 *   remote processor (and in the test VM);
 * - a unix bus, for tests on kernels without QRTR: a router listening on a
 *   SOCK_SEQPACKET socket at a path (tests/sim/qrtr-bus). Each connection is
 *   one endpoint. Every record starts with three little-endian u32,
 *   kind | node | port, then the payload:
 *     BIND  (1, client -> bus, first record, no payload): bind me to (node,
 *           port); node 0 is the bus's own node, port 0 any free port;
 *     BOUND (2, bus -> client, no payload): the address bound; on refusal the
 *           bus closes the connection instead;
 *     DATA  (3): client -> bus: a datagram for (node, port); bus -> client: a
 *           datagram from (node, port). Control packets are DATA to and from
 *           port MMD_QRTR_PORT_CTRL, as on the kernel's bus.
 *   The bus runs the name service at (its node, MMD_QRTR_PORT_CTRL); DATA to
 *   port MMD_QRTR_PORT_CTRL of any node reaches it. A client may send before
 *   BOUND has arrived (the bus reads in order); BOUND is the first record it
 *   gets, so every datagram it receives comes after its address is known.
 *
 * Datagrams arrive from anyone on the bus: receivers check the sender's
 * address. */
#pragma once

#include <gio/gio.h>

#include "mmd-qrtr.h"

G_BEGIN_DECLS

enum {
  MMD_QRTR_BUS_BIND = 1,
  MMD_QRTR_BUS_BOUND = 2,
  MMD_QRTR_BUS_DATA = 3,
};
#define MMD_QRTR_BUS_HEADER_LEN 12

typedef struct _MmdQrtrSocket MmdQrtrSocket;

/* A datagram; data is only valid during the call. */
typedef void (*MmdQrtrReceiveFunc)(MmdQrtrSocket *socket, const MmdQrtrAddress *from,
                                   const guint8 *data, gsize len, gpointer user_data);
/* The bus went away (unix bus closed) or the socket failed; nothing more
 * arrives. The socket stays valid until closed. */
typedef void (*MmdQrtrClosedFunc)(MmdQrtrSocket *socket, const GError *error, gpointer user_data);

/* A socket on the kernel's bus (bus_path NULL) or on the unix bus at
 * bus_path. Errors: G_IO_ERROR_NOT_SUPPORTED when the kernel has no QRTR,
 * else the errno's G_IO_ERROR. */
MmdQrtrSocket *mmd_qrtr_socket_open(const char *bus_path, GError **error);
/* Closes and frees; NULL is ignored. */
void mmd_qrtr_socket_close(MmdQrtrSocket *self);

/* This endpoint's address: on the kernel's bus port 0 until the first send
 * binds it; on a unix bus (0, 0) until BOUND is read with the first
 * datagrams. */
const MmdQrtrAddress *mmd_qrtr_socket_get_address(MmdQrtrSocket *self);
/* Where the name service listens: (this node, MMD_QRTR_PORT_CTRL). */
MmdQrtrAddress mmd_qrtr_socket_get_name_service(MmdQrtrSocket *self);

/* Starts delivering datagrams; on_closed may be NULL. */
void mmd_qrtr_socket_watch(MmdQrtrSocket *self, MmdQrtrReceiveFunc on_receive,
                           MmdQrtrClosedFunc on_closed, gpointer user_data);

gboolean mmd_qrtr_socket_send(MmdQrtrSocket *self, const MmdQrtrAddress *to, const guint8 *data,
                              gsize len, GError **error);
/* A control packet to the name service. */
gboolean mmd_qrtr_socket_send_control(MmdQrtrSocket *self, const MmdQrtrControl *packet,
                                      GError **error);
/* NEW_LOOKUP for a service (0: every service) of any instance. */
gboolean mmd_qrtr_socket_lookup(MmdQrtrSocket *self, guint32 service, GError **error);

G_END_DECLS
