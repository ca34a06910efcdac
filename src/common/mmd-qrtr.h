/* QRTR, the IPC router through which the applications processor of a
 * Qualcomm SoC reaches its modem: addresses, the control packets of the
 * router's name service, and the strings that name a modem on a QRTR bus.
 * Pure byte handling; the sockets are in mmd-qrtr-socket.h.
 *
 * A QRTR endpoint is (node, port). Servers announce their services (QMI
 * service id, "instance": version in the low byte, instance above it) to the
 * name service at (local node, MMD_QRTR_PORT_CTRL); a client that sends
 * NEW_LOOKUP there gets one NEW_SERVER per matching service, an all-zero
 * NEW_SERVER that ends the list, and from then on NEW_SERVER/DEL_SERVER as
 * services come and go. Data packets carry whatever the endpoints speak. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_QRTR_PORT_CTRL 0xfffffffeu
#define MMD_QRTR_NODE_BCAST 0xffffffffu
/* Largest datagram we accept or send: a QMI message, whose length field is
 * 16 bits, with room to spare. */
#define MMD_QRTR_MAX_DATAGRAM 65536

/* Control packet commands (the kernel's uapi <linux/qrtr.h> values). */
typedef enum {
  MMD_QRTR_CMD_DATA = 1,
  MMD_QRTR_CMD_HELLO = 2,
  MMD_QRTR_CMD_BYE = 3,
  MMD_QRTR_CMD_NEW_SERVER = 4,
  MMD_QRTR_CMD_DEL_SERVER = 5,
  MMD_QRTR_CMD_DEL_CLIENT = 6,
  MMD_QRTR_CMD_RESUME_TX = 7,
  MMD_QRTR_CMD_EXIT = 8,
  MMD_QRTR_CMD_PING = 9,
  MMD_QRTR_CMD_NEW_LOOKUP = 10,
  MMD_QRTR_CMD_DEL_LOOKUP = 11,
} MmdQrtrCommand;

typedef struct {
  guint32 node;
  guint32 port;
} MmdQrtrAddress;

/* A control packet, decoded. Server commands (NEW/DEL_SERVER, NEW/DEL_LOOKUP)
 * use service, instance, node and port; client commands (DEL_CLIENT, BYE,
 * RESUME_TX) node and port; the rest are 0. */
typedef struct {
  guint32 cmd;
  guint32 service;
  guint32 instance;
  guint32 node;
  guint32 port;
} MmdQrtrControl;

/* On the wire: cmd and four words, all little endian. Client commands fill
 * only the first two words after cmd. */
#define MMD_QRTR_CONTROL_LEN 20

void mmd_qrtr_control_encode(const MmdQrtrControl *packet, guint8 out[MMD_QRTR_CONTROL_LEN]);
/* FALSE when len is too short for the command's fields. Unknown commands
 * decode (cmd set, the rest 0) for the caller to ignore. */
gboolean mmd_qrtr_control_decode(const guint8 *data, gsize len, MmdQrtrControl *out);
/* The all-zero NEW_SERVER that ends a lookup's list. */
gboolean mmd_qrtr_control_is_end_of_list(const MmdQrtrControl *packet);
const char *mmd_qrtr_command_name(guint32 cmd);

/* The QMI service version carried in a server's instance field. */
guint8 mmd_qrtr_instance_version(guint32 instance);

/* Where a modem is: "qrtr://NODE" on the kernel's QRTR (AF_QIPCRTR), or
 * "qrtr://NODE@PATH" on the unix bus whose socket is at PATH (see
 * mmd-qrtr-socket.h). */
char *mmd_qrtr_endpoint_format(const char *bus_path, guint32 node);
/* FALSE with error unless endpoint is one of the above; bus_path is set to
 * NULL for the kernel. */
gboolean mmd_qrtr_endpoint_parse(const char *endpoint, char **bus_path, guint32 *node,
                                 GError **error);
/* The name the core and the D-Bus objects give a QRTR modem's port: "qrtrN". */
char *mmd_qrtr_port_name(guint32 node);

G_END_DECLS
