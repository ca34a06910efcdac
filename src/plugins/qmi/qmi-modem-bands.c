/* The QMI plugin: bands, E-UTRAN and NR (masks in qmi-band-mask.c).
 *
 * Supported bands come from DMS Get Band Capabilities, current ones from NAS
 * Get System Selection Preference, and SetCurrentBands is one NAS Set System
 * Selection Preference with the LTE mask (extended where the modem has it)
 * and the NR masks of SA and NSA alike. */
#include "qmi-modem.h"

#include "mmd-errors.h"

static void
report(MmdQmiBackend *self, const QmiBandMask *m, gboolean supported)
{
  g_autoptr(GArray) values = qmi_band_mask_to_values(m);
  MmdModem *modem = qmi_backend_modem(self);

  if (supported)
    mmd_modem_set_supported_bands(modem, (const guint *)values->data, values->len);
  else
    mmd_modem_set_current_bands(modem, (const guint *)values->data, values->len);
}

void
qmi_bands_report_supported(MmdQmiBackend *self, const QmiDmsGetBandCapabilitiesOutput *out)
{
  qmi_band_mask_from_capabilities(&self->supported_bands, out);
  if (!qmi_band_mask_is_empty(&self->supported_bands))
    report(self, &self->supported_bands, TRUE);
}

void
qmi_bands_report_current(MmdQmiBackend *self, const QmiNasGetSystemSelectionPreferenceOutput *out)
{
  QmiBandMask m;

  if (qmi_band_mask_from_preference(&m, out, &self->supported_bands, &self->extended_lte_bands))
    report(self, &m, FALSE);
}

static void
set_bands_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  const QmiBandMask *m = g_task_get_task_data(task);
  GError *error = NULL;

  if (!qmi_net_set_selection_preference_finish(self, res, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  report(self, m, FALSE);
  mmd_task_succeed(task);
}

void
qmi_backend_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task
      = qmi_backend_task(self, self->nas, "Setting bands", cancellable, callback, user_data);
  QmiNasSetSystemSelectionPreferenceInput in = {
    .has_change_duration = TRUE, .change_duration = 1, /* permanent */
  };
  GError *error = NULL;
  QmiBandMask *m;

  if (!task)
    return;
  m = g_new0(QmiBandMask, 1);
  g_task_set_task_data(task, m, g_free);
  if (!qmi_band_mask_from_values(m, &self->supported_bands, bands, n_bands, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  qmi_band_mask_to_request(m, &self->supported_bands, self->extended_lte_bands, &in);
  qmi_client_nas_set_system_selection_preference(self->nas, &in, QMI_TIMEOUT, cancellable,
                                                 set_bands_ready, task);
}
