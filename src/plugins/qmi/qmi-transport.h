/* How QMI messages reach a modem. A transport carries whole messages: the
 * char-device one (cdc-wdm, wwan qmi ports, pseudo-terminals in tests) frames
 * them with QMUX; the QRTR one (SoC modems) sends each client's messages from
 * a socket of its own to the service's node and port, without QMUX. A QRTR
 * modem has no CTL service: the transport knows the services (from the
 * name service) and gives out client ids itself. */
#pragma once

#include <gio/gio.h>

#include "qmi-message.h"

G_BEGIN_DECLS

typedef struct _QmiTransport QmiTransport;

/* A received message; the callee takes no ownership. */
typedef void (*QmiTransportMessageFunc)(QmiMessage *message, gpointer user_data);
/* The transport is gone for good (hang-up, EIO, ENODEV). */
typedef void (*QmiTransportGoneFunc)(const GError *error, gpointer user_data);

/* What a transport without CTL does instead (NULL in QMUX transports). */
typedef struct {
  /* Completes (boolean) once the modem's services are known. */
  void (*discover)(QmiTransport *self, guint timeout_s, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*get_service_version)(QmiTransport *self, guint8 service, guint16 *major,
                                  guint16 *minor);
  /* A client of a service the modem offers, with a client id of its own. */
  gboolean (*open_client)(QmiTransport *self, guint8 service, guint8 *out_cid, GError **error);
  void (*close_client)(QmiTransport *self, guint8 service, guint8 cid);
} QmiTransportServices;

typedef struct {
  const char *kind;
  gboolean (*open)(QmiTransport *self, GError **error);
  /* Queues the message; never blocks. */
  gboolean (*send)(QmiTransport *self, QmiMessage *message, GError **error);
  void (*close)(QmiTransport *self);
  void (*free)(QmiTransport *self);
  const QmiTransportServices *services;
} QmiTransportClass;

struct _QmiTransport {
  const QmiTransportClass *klass;
  char *name; /* for logs, e.g. "cdc-wdm0" */
  QmiTransportMessageFunc on_message;
  QmiTransportGoneFunc on_gone;
  gpointer user_data;
};

/* Transport over a character device or a pseudo-terminal. */
QmiTransport *qmi_transport_chardev_new(const char *path);
/* Transport to the QMI services of a QRTR node; endpoint as in mmd-qrtr.h
 * ("qrtr://NODE" or "qrtr://NODE@BUS"). NULL with error if it is not one. */
QmiTransport *qmi_transport_qrtr_new(const char *endpoint, GError **error);
/* The transport for a port path: QRTR for a QRTR endpoint, else the char device. */
QmiTransport *qmi_transport_new_for_path(const char *path);

void qmi_transport_set_handlers(QmiTransport *self, QmiTransportMessageFunc on_message,
                                QmiTransportGoneFunc on_gone, gpointer user_data);
gboolean qmi_transport_open(QmiTransport *self, GError **error);
gboolean qmi_transport_send(QmiTransport *self, QmiMessage *message, GError **error);
void qmi_transport_close(QmiTransport *self);
void qmi_transport_free(QmiTransport *self);

/* Whether the modem has a CTL service behind this transport (QMUX). */
gboolean qmi_transport_has_ctl(QmiTransport *self);
/* Transports without CTL only (see QmiTransportServices). */
void qmi_transport_discover(QmiTransport *self, guint timeout_s, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean qmi_transport_discover_finish(QmiTransport *self, GAsyncResult *res, GError **error);
gboolean qmi_transport_get_service_version(QmiTransport *self, guint8 service, guint16 *major,
                                           guint16 *minor);
gboolean qmi_transport_open_client(QmiTransport *self, guint8 service, guint8 *out_cid,
                                   GError **error);
void qmi_transport_close_client(QmiTransport *self, guint8 service, guint8 cid);

G_END_DECLS
