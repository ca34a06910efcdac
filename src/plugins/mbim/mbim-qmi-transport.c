/* QMI carried in MBIM (see mbim-qmi-transport.h). */
#include "mbim-qmi-transport.h"

#include "mmd-errors.h"

#define MSG_TIMEOUT_S 20

const guint8 mbim_uuid_qmi_service[16] = { 0xd1, 0xa3, 0x0b, 0xc2, 0xf9, 0x7a, 0x6e, 0x43,
                                           0xbf, 0x65, 0xc7, 0xe2, 0x4f, 0xb0, 0xf0, 0xd3 };

typedef struct {
  QmiTransport parent;
  MbimDevice *device;
  GCancellable *cancellable; /* requests in flight; cancelled on close */
  gboolean open;
} MbimQmiTransport;

/* A message from the function: to the QMI device above, if still open. */
static void
deliver(MbimQmiTransport *self, const guint8 *buf, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmiMessage) msg = NULL;

  if (!self->open)
    return;
  msg = qmi_message_new_from_frame(buf, len, &error);
  if (!msg) {
    g_debug("[%s] QMI in MBIM: dropped: %s", self->parent.name, error->message);
    return;
  }
  if (self->parent.on_message)
    self->parent.on_message(msg, self->parent.user_data);
}

void
mbim_qmi_transport_indication(QmiTransport *transport, const guint8 *buf, gsize len)
{
  deliver((MbimQmiTransport *)transport, buf, len);
}

static void
answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MbimQmiTransport *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) buf = mbim_device_command_finish(MBIM_DEVICE(source), res, NULL, &error);
  gsize len = 0;
  const guint8 *data = buf ? g_bytes_get_data(buf, &len) : NULL;

  /* cancelled: the transport is closed, maybe gone; nothing is touched */
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (data)
    deliver(self, data, len);
  else
    g_debug("[%s] QMI in MBIM: %s", self->parent.name, error->message);
}

static gboolean
t_open(QmiTransport *transport, GError **error)
{
  MbimQmiTransport *self = (MbimQmiTransport *)transport;

  g_clear_object(&self->cancellable);
  self->cancellable = g_cancellable_new();
  self->open = TRUE;
  return TRUE;
}

static gboolean
t_send(QmiTransport *transport, QmiMessage *message, GError **error)
{
  MbimQmiTransport *self = (MbimQmiTransport *)transport;
  gsize len = 0;
  const guint8 *raw = qmi_message_get_raw(message, &len);
  g_autoptr(GBytes) buf = NULL;

  if (!self->open) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: not open",
                transport->name);
    return FALSE;
  }
  buf = g_bytes_new(raw, len);
  mbim_device_command(self->device, mbim_uuid_qmi_service, MBIM_CID_QMI_MSG, MBIM_COMMAND_TYPE_SET,
                      buf, MSG_TIMEOUT_S, self->cancellable, answered, self);
  return TRUE;
}

static void
t_close(QmiTransport *transport)
{
  MbimQmiTransport *self = (MbimQmiTransport *)transport;

  self->open = FALSE;
  if (self->cancellable)
    g_cancellable_cancel(self->cancellable);
}

static void
t_free(QmiTransport *transport)
{
  MbimQmiTransport *self = (MbimQmiTransport *)transport;

  g_clear_object(&self->cancellable);
  g_clear_object(&self->device);
  g_free(self);
}

static const QmiTransportClass mbim_qmi_class = {
  .kind = "qmi-in-mbim",
  .open = t_open,
  .send = t_send,
  .close = t_close,
  .free = t_free,
};

QmiTransport *
mbim_qmi_transport_new(MbimDevice *device)
{
  MbimQmiTransport *self = g_new0(MbimQmiTransport, 1);

  self->parent.klass = &mbim_qmi_class;
  self->parent.name = g_strdup_printf("%s:qmi", mbim_device_get_path(device));
  self->device = g_object_ref(device);
  return &self->parent;
}
