/* Discovery of QRTR modems (the modems of Qualcomm SoCs): a watch on the
 * QRTR name service, a discovery source like the udev monitor, without udev.
 *
 * A node that offers the QMI services a modem needs (DMS, NAS, WDS and UIM)
 * is a modem; it stops being one when one of them is withdrawn. The local
 * node is not looked at: a SoC's modem is a remote processor, and on the
 * local node any process may publish services (a fake modem would get the
 * PIN); declare it with --port=qrtr:NODE to use it anyway (tests, the VM). Nodes already
 * complete when the monitor starts are reported as soon as the name
 * service's list has arrived; a node that completes later is reported once
 * its services have been quiet for a moment, so that the rest of a booting
 * modem's services are registered too. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The MmdPort subsystem of a QRTR modem's port, and of the declaration of a
 * unix QRTR bus (--port=qrtr:unix:PATH). */
#define MMD_QRTR_PORT_SUBSYSTEM "qrtr"
#define MMD_QRTR_BUS_SUBSYSTEM "qrtr-bus"
/* The driver of the net device that carries a SoC modem's data (IPA). */
#define MMD_QRTR_DATA_DRIVER "ipa"

/* Takes the declaration of a unix QRTR bus (--port=qrtr:unix:PATH) out of
 * the groups of declared ports, puts the QRTR ports of the other groups on
 * that bus, and returns its path; NULL (the kernel's bus) without one. */
char *mmd_qrtr_take_bus_declaration(GPtrArray *groups);

typedef struct _MmdQrtrMonitor MmdQrtrMonitor;

/* node became a modem (present) or stopped being one. */
typedef void (*MmdQrtrModemFunc)(guint32 node, gboolean present, gpointer user_data);

/* Watches the kernel's QRTR (bus_path NULL) or the unix bus at bus_path.
 * G_IO_ERROR_NOT_SUPPORTED when the kernel has no QRTR. */
MmdQrtrMonitor *mmd_qrtr_monitor_new(const char *bus_path, MmdQrtrModemFunc func,
                                     gpointer user_data, GError **error);
void mmd_qrtr_monitor_free(MmdQrtrMonitor *self);

G_END_DECLS
