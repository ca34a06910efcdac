/* QMI carried in MBIM, for what MBIM cannot do on Qualcomm-based modems:
 * the bands. MBIM names no band at all; over the function's QMI service the
 * QMI codec reads them (DMS Get Band Capabilities, NAS Get System Selection
 * Preference) and sets them (NAS Set System Selection Preference), as the
 * QMI plugin does. A function without the service answers the first QMI
 * message with NoDeviceSupport and the modem has no bands, as before. */
#include "mbim-backend.h"

#include <string.h>

#include "mbim-qmi-transport.h"
#include "qmi-band-mask.h"
#include "qmi-device.h"

#define QMI_TIMEOUT_S 10

struct _MbimQmi {
  QmiDevice *device;
  QmiTransport *transport; /* the device's */
  QmiClient *dms, *nas;
  QmiBandMask supported;
  gboolean extended_lte;
};

static MbimQmi *
qmi_of(MmdMbimBackend *self)
{
  return self->qmi;
}

static void
report_bands(MmdMbimBackend *self, const QmiBandMask *m, gboolean supported)
{
  g_autoptr(GArray) values = qmi_band_mask_to_values(m);

  if (supported)
    mmd_modem_set_supported_bands(modem_of(self), (const guint *)values->data, values->len);
  else
    mmd_modem_set_current_bands(modem_of(self), (const guint *)values->data, values->len);
}

static void
preference_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  MbimQmi *q = qmi_of(self);
  g_autoptr(GError) error = NULL;
  /* cleared below even when QMI in MBIM stopped meanwhile and nothing filled it */
  QmiNasGetSystemSelectionPreferenceOutput out = { 0 };
  QmiBandMask current;

  if (q && qmi_client_nas_get_system_selection_preference_finish(q->nas, res, &out, &error)
      && qmi_band_mask_from_preference(&current, &out, &q->supported, &q->extended_lte))
    report_bands(self, &current, FALSE);
  qmi_output_base_clear(&out.base);
  g_object_unref(self);
}

static void
capabilities_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  MbimQmi *q = qmi_of(self);
  g_autoptr(GError) error = NULL;
  QmiDmsGetBandCapabilitiesOutput out = { 0 }; /* as above */

  if (q && qmi_client_dms_get_band_capabilities_finish(q->dms, res, &out, &error)) {
    qmi_band_mask_from_capabilities(&q->supported, &out);
    if (!qmi_band_mask_is_empty(&q->supported)) {
      report_bands(self, &q->supported, TRUE);
      qmi_client_nas_get_system_selection_preference(q->nas, QMI_TIMEOUT_S, self->cancellable,
                                                     preference_ready, g_object_ref(self));
    }
  } else if (error) {
    g_debug("[%s] QMI in MBIM: band capabilities: %s", self->control_path, error->message);
  }
  qmi_output_base_clear(&out.base);
  g_object_unref(self);
}

static void
nas_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  MbimQmi *q = qmi_of(self);
  g_autoptr(GError) error = NULL;

  if (q)
    q->nas = qmi_device_allocate_client_finish(q->device, res, &error);
  if (q && q->nas && q->dms)
    qmi_client_dms_get_band_capabilities(q->dms, QMI_TIMEOUT_S, self->cancellable,
                                         capabilities_ready, g_object_ref(self));
  else if (error)
    g_debug("[%s] QMI in MBIM: no NAS: %s", self->control_path, error->message);
  g_object_unref(self);
}

static void
dms_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  MbimQmi *q = qmi_of(self);
  g_autoptr(GError) error = NULL;

  if (q)
    q->dms = qmi_device_allocate_client_finish(q->device, res, &error);
  if (q && q->dms)
    qmi_device_allocate_client(q->device, QMI_SERVICE_NAS, QMI_TIMEOUT_S, self->cancellable,
                               nas_allocated, g_object_ref(self));
  else if (error)
    g_debug("[%s] QMI in MBIM: no DMS: %s", self->control_path, error->message);
  g_object_unref(self);
}

static void
opened(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  MbimQmi *q = qmi_of(self);
  g_autoptr(GError) error = NULL;

  if (q && qmi_device_open_finish(q->device, res, &error)) {
    g_message("[%s] QMI carried in MBIM: bands through it", self->control_path);
    qmi_device_allocate_client(q->device, QMI_SERVICE_DMS, QMI_TIMEOUT_S, self->cancellable,
                               dms_allocated, g_object_ref(self));
  } else if (error) {
    g_message("[%s] no QMI carried in MBIM: %s", self->control_path, error->message);
  }
  g_object_unref(self);
}

void
mbim_qmi_start(MmdMbimBackend *self)
{
  MbimQmi *q;

  if (self->qmi)
    return;
  q = g_new0(MbimQmi, 1);
  q->transport = mbim_qmi_transport_new(self->device);
  q->device = qmi_device_new(q->transport);
  self->qmi = q;
  qmi_device_open(q->device, QMI_TIMEOUT_S, self->cancellable, opened, g_object_ref(self));
}

void
mbim_qmi_indication(MmdMbimBackend *self, const MbimNotification *n)
{
  MbimQmi *q = qmi_of(self);

  if (q && n->service && n->cid == MBIM_CID_QMI_MSG
      && memcmp(n->service, mbim_uuid_qmi_service, 16) == 0)
    mbim_qmi_transport_indication(q->transport, n->buf, n->len);
}

void
mbim_qmi_stop(MmdMbimBackend *self)
{
  MbimQmi *q = qmi_of(self);

  if (!q)
    return;
  self->qmi = NULL;
  qmi_device_close(q->device);
  g_object_unref(q->device);
  g_free(q);
}

static void
set_bands_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  MbimQmi *q = qmi_of(self);
  GError *error = NULL;
  QmiNasSetSystemSelectionPreferenceOutput out;
  gboolean ok
      = q && qmi_client_nas_set_system_selection_preference_finish(q->nas, res, &out, &error);

  if (q)
    qmi_output_base_clear(&out.base);
  if (!ok) {
    mmd_task_fail(
        task, error ? error
                    : g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "QMI in MBIM went away"));
    return;
  }
  report_bands(self, g_task_get_task_data(task), FALSE);
  mmd_task_succeed(task);
}

void
mbim_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  MbimQmi *q = qmi_of(self);
  QmiNasSetSystemSelectionPreferenceInput in = {
    .has_change_duration = TRUE, .change_duration = 1, /* permanent */
  };
  QmiBandMask *m = g_new0(QmiBandMask, 1);
  GError *error = NULL;

  g_task_set_task_data(task, m, g_free);
  if (!q || !q->nas) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                    "Setting bands needs QMI carried in MBIM, which this "
                                    "modem lacks"));
    return;
  }
  if (!qmi_band_mask_from_values(m, &q->supported, bands, n_bands, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  qmi_band_mask_to_request(m, &q->supported, q->extended_lte, &in);
  qmi_client_nas_set_system_selection_preference(q->nas, &in, QMI_TIMEOUT_S, cancellable,
                                                 set_bands_ready, task);
}
