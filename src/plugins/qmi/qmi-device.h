/* A QMI device: one control port, its CTL service, the clients allocated on
 * it, and the matching of requests to responses. No D-Bus here. */
#pragma once

#include <gio/gio.h>

#include "qmi-message.h"
#include "qmi-transport.h"

G_BEGIN_DECLS

#define QMI_TYPE_DEVICE (qmi_device_get_type())
G_DECLARE_FINAL_TYPE(QmiDevice, qmi_device, QMI, DEVICE, GObject)

/* A client of one service on the device. Owned by the device: valid until the
 * device is finalized; after release or close its requests fail. */
typedef struct _QmiClient QmiClient;

typedef void (*QmiIndicationFunc)(QmiClient *client, QmiMessage *message, gpointer user_data);

/* Takes ownership of transport. */
QmiDevice *qmi_device_new(QmiTransport *transport);
/* A char device or pty, or a QRTR endpoint ("qrtr://NODE[@BUS]"). */
QmiDevice *qmi_device_new_for_path(const char *path);
const char *qmi_device_get_name(QmiDevice *self);

/* Opens the transport, then CTL Sync and Get Version Info; over a transport
 * without CTL (QRTR), waits until it knows the modem's services instead.
 * Emits "gone" (with a reason string) when the port hangs up or fails later. */
void qmi_device_open(QmiDevice *self, guint timeout_s, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
gboolean qmi_device_open_finish(QmiDevice *self, GAsyncResult *res, GError **error);
/* The same without CTL Sync, which would release every client on the modem
 * and with them a data session a previous run of the daemon left up. */
void qmi_device_open_keeping_clients(QmiDevice *self, guint timeout_s, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
/* Releases all clients (best effort) and closes the transport; pending
 * requests fail. Idempotent. */
void qmi_device_close(QmiDevice *self);
gboolean qmi_device_is_open(QmiDevice *self);

/* Service versions learned on open; FALSE for a service the modem lacks. */
gboolean qmi_device_get_service_version(QmiDevice *self, guint8 service, guint16 *major,
                                        guint16 *minor);

void qmi_device_allocate_client(QmiDevice *self, guint8 service, guint timeout_s,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
QmiClient *qmi_device_allocate_client_finish(QmiDevice *self, GAsyncResult *res, GError **error);
/* A client a previous run allocated and left allocated (its id saved across
 * the restart); its requests fail with the modem's error if it is gone. */
QmiClient *qmi_device_adopt_client(QmiDevice *self, guint8 service, guint8 cid);
/* Sends Release CID without waiting; the client is dead afterwards. */
void qmi_device_release_client(QmiDevice *self, QmiClient *client);
/* Leave the client allocated when the device closes: on the modem, releasing
 * the WDS client that started a data session ends the session. */
void qmi_client_keep_on_close(QmiClient *client);
QmiClient *qmi_device_get_ctl(QmiDevice *self);

QmiDevice *qmi_client_get_device(QmiClient *client);
guint8 qmi_client_get_service(QmiClient *client);
guint8 qmi_client_get_cid(QmiClient *client);

/* Sends a request (tlvs may be NULL; not consumed). Completes with the
 * response message, whatever its result TLV says; errors: timeout
 * (MMD_SERIAL_ERROR_RESPONSE_TIMEOUT), cancellation (G_IO_ERROR_CANCELLED),
 * closed device (MMD_SERIAL_ERROR_NOT_OPEN), write failure. */
void qmi_client_send(QmiClient *client, guint16 message_id, GByteArray *tlvs, guint timeout_s,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
QmiMessage *qmi_client_send_finish(QmiClient *client, GAsyncResult *res, GError **error);

/* Indications for this client (or broadcast to its service). message_id
 * 0xFFFF matches all. Returns an id for removal. */
guint qmi_client_add_indication_handler(QmiClient *client, guint16 message_id,
                                        QmiIndicationFunc func, gpointer user_data);
void qmi_client_remove_indication_handler(QmiClient *client, guint id);

G_END_DECLS
