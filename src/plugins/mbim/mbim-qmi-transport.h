/* QMI carried in MBIM: a QMI transport (qmi-transport.h) over the MBIM
 * device's QMI service. Each QMUX message goes out as the information buffer
 * of a MSG command (set); the command's answer is the QMUX response, and QMI
 * indications come as indications of that CID, which the owner of the MBIM
 * device hands over with mbim_qmi_transport_indication(). No D-Bus here. */
#pragma once

#include "mbim-device.h"
#include "qmi-transport.h"

G_BEGIN_DECLS

extern const guint8 mbim_uuid_qmi_service[16];
#define MBIM_CID_QMI_MSG 1

/* The transport keeps a reference on device. */
QmiTransport *mbim_qmi_transport_new(MbimDevice *device);
/* An indication of the QMI service's MSG CID: its QMUX message. */
void mbim_qmi_transport_indication(QmiTransport *transport, const guint8 *buf, gsize len);

G_END_DECLS
