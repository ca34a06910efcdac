/* Probing: what does each port of a device speak?
 *
 * QMI and MBIM are known without opening anything, from the driver
 * (qmi_wwan, cdc_mbim), the wwan port's type attribute or a udev hint. A tty
 * is opened only when its device is a modem candidate (mmd_device_is_candidate)
 * and it is not a plain serial adapter; then the first plugin with a probe
 * function (AT) asks it, with a short timeout and few retries. Probes of all
 * ports run in parallel; nothing waits for a fixed time. */
#pragma once

#include "device.h"

G_BEGIN_DECLS

/* Sets the port's type and state from what is known without I/O:
 * READY (QMI, MBIM, AT by hint or wwan type, NET), WAITING (a tty that may be
 * probed) or IGNORED. */
void mmd_probe_classify(MmdDevicePort *port);

/* Whether some plugin can probe tty ports. */
gboolean mmd_probe_available(void);

/* Probes a WAITING tty port; port->state is PROBING until callback runs with
 * the port READY (type AT) or IGNORED. The callback is not called if the
 * port is freed (its probe is cancelled). */
typedef void (*MmdProbeDoneFunc)(MmdDevicePort *port, gpointer user_data);
void mmd_probe_port(MmdDevicePort *port, MmdProbeDoneFunc done, gpointer user_data);

G_END_DECLS

G_BEGIN_DECLS
/* Stops a probe in flight (device inhibited): the port is WAITING again and
 * its callback is not called. */
void mmd_probe_cancel(MmdDevicePort *port);
G_END_DECLS
