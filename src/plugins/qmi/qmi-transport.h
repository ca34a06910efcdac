/* How QMI messages reach a modem. A transport carries whole messages: the
 * char-device one (cdc-wdm, wwan qmi ports, pseudo-terminals in tests) frames
 * them with QMUX; a QRTR one would map services to nodes and ports instead. */
#pragma once

#include <glib.h>

#include "qmi-message.h"

G_BEGIN_DECLS

typedef struct _QmiTransport QmiTransport;

/* A received message; the callee takes no ownership. */
typedef void (*QmiTransportMessageFunc)(QmiMessage *message, gpointer user_data);
/* The transport is gone for good (hang-up, EIO, ENODEV). */
typedef void (*QmiTransportGoneFunc)(const GError *error, gpointer user_data);

typedef struct {
  const char *kind;
  gboolean (*open)(QmiTransport *self, GError **error);
  /* Queues the message; never blocks. */
  gboolean (*send)(QmiTransport *self, QmiMessage *message, GError **error);
  void (*close)(QmiTransport *self);
  void (*free)(QmiTransport *self);
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

void qmi_transport_set_handlers(QmiTransport *self, QmiTransportMessageFunc on_message,
                                QmiTransportGoneFunc on_gone, gpointer user_data);
gboolean qmi_transport_open(QmiTransport *self, GError **error);
gboolean qmi_transport_send(QmiTransport *self, QmiMessage *message, GError **error);
void qmi_transport_close(QmiTransport *self);
void qmi_transport_free(QmiTransport *self);

G_END_DECLS
