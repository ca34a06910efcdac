/* The QMI plugin: bands, E-UTRAN and NR.
 *
 * Supported bands come from DMS Get Band Capabilities (LTE as band numbers
 * in the extended TLV, else a 64-bit mask; NR as band numbers), current
 * ones from NAS Get System Selection Preference, and SetCurrentBands is one
 * NAS Set System Selection Preference with the LTE mask (extended where the
 * modem has it) and the NR masks of SA and NSA alike. Masks are
 * little-endian words, bit n-1 for band n. */
#include "qmi-modem.h"

#include <string.h>

#include "mmd-bands.h"
#include "mmd-errors.h"

static gboolean
mask_has(const guint64 *mask, guint words, guint band)
{
  return band >= 1 && band <= words * 64 && (mask[(band - 1) / 64] >> ((band - 1) % 64)) & 1;
}

static void
mask_add(guint64 *mask, guint words, guint band)
{
  if (band >= 1 && band <= words * 64)
    mask[(band - 1) / 64] |= G_GUINT64_CONSTANT(1) << ((band - 1) % 64);
}

static gboolean
mask_empty(const guint64 *mask, guint words)
{
  for (guint w = 0; w < words; w++)
    if (mask[w])
      return FALSE;
  return TRUE;
}

/* A fixed-size mask TLV (words of 8 bytes, little endian) into words. */
static void
mask_from_bytes(guint64 *mask, guint words, const guint8 *bytes)
{
  for (guint w = 0; w < words; w++) {
    mask[w] = 0;
    for (guint b = 0; b < 8; b++)
      mask[w] |= (guint64)bytes[w * 8 + b] << (8 * b);
  }
}

static void
mask_to_bytes(guint8 *bytes, const guint64 *mask, guint words)
{
  for (guint w = 0; w < words; w++)
    for (guint b = 0; b < 8; b++)
      bytes[w * 8 + b] = (mask[w] >> (8 * b)) & 0xff;
}

/* The bands of both masks as the reference's values, LTE first. */
static GArray *
band_values(const QmiBandMask *m)
{
  GArray *values = g_array_new(FALSE, FALSE, sizeof(guint));

  for (guint n = 1; n <= QMI_LTE_BAND_WORDS * 64; n++) {
    guint value = mask_has(m->lte, QMI_LTE_BAND_WORDS, n) ? mmd_band_from_eutran(n) : 0;
    if (value)
      g_array_append_val(values, value);
  }
  for (guint n = 1; n <= QMI_NR_BAND_WORDS * 64; n++) {
    guint value = mask_has(m->nr, QMI_NR_BAND_WORDS, n) ? mmd_band_from_ngran(n) : 0;
    if (value)
      g_array_append_val(values, value);
  }
  return values;
}

static void
report(MmdQmiBackend *self, const QmiBandMask *m, gboolean supported)
{
  g_autoptr(GArray) values = band_values(m);
  MmdModem *modem = qmi_backend_modem(self);

  if (supported)
    mmd_modem_set_supported_bands(modem, (const guint *)values->data, values->len);
  else
    mmd_modem_set_current_bands(modem, (const guint *)values->data, values->len);
}

void
qmi_bands_report_supported(MmdQmiBackend *self, const QmiDmsGetBandCapabilitiesOutput *out)
{
  QmiBandMask *m = &self->supported_bands;

  memset(m, 0, sizeof(*m));
  if (out->has_extended_lte_band_capability) {
    for (guint i = 0; i < out->n_extended_lte_band_capability; i++)
      mask_add(m->lte, QMI_LTE_BAND_WORDS, out->extended_lte_band_capability[i]);
  } else if (out->has_lte_band_capability) {
    m->lte[0] = out->lte_band_capability;
  }
  for (guint i = 0; out->has_nr5g_band_capability && i < out->n_nr5g_band_capability; i++)
    mask_add(m->nr, QMI_NR_BAND_WORDS, out->nr5g_band_capability[i]);
  if (!mask_empty(m->lte, QMI_LTE_BAND_WORDS) || !mask_empty(m->nr, QMI_NR_BAND_WORDS))
    report(self, m, TRUE);
}

void
qmi_bands_report_current(MmdQmiBackend *self, const QmiNasGetSystemSelectionPreferenceOutput *out)
{
  const QmiBandMask *supported = &self->supported_bands;
  QmiBandMask m = { 0 };
  guint64 nsa[QMI_NR_BAND_WORDS];

  self->extended_lte_bands = out->has_extended_lte_band_preference;
  if (out->has_extended_lte_band_preference)
    mask_from_bytes(m.lte, QMI_LTE_BAND_WORDS, out->extended_lte_band_preference);
  else if (out->has_lte_band_preference)
    m.lte[0] = out->lte_band_preference;
  else
    return;
  if (out->has_nr5g_sa_band_preference)
    mask_from_bytes(m.nr, QMI_NR_BAND_WORDS, out->nr5g_sa_band_preference);
  if (out->has_nr5g_nsa_band_preference) {
    mask_from_bytes(nsa, QMI_NR_BAND_WORDS, out->nr5g_nsa_band_preference);
    for (guint w = 0; w < QMI_NR_BAND_WORDS; w++)
      m.nr[w] |= nsa[w];
  }
  /* what the modem cannot do is not current, whatever its preference says */
  for (guint w = 0; w < QMI_LTE_BAND_WORDS; w++)
    m.lte[w] &= supported->lte[w];
  for (guint w = 0; w < QMI_NR_BAND_WORDS; w++)
    m.nr[w] &= supported->nr[w];
  report(self, &m, FALSE);
}

/* The requested values as masks, or an error naming the first band the modem
 * does not have. */
static gboolean
masks_from_values(MmdQmiBackend *self, const guint *bands, gsize n_bands, QmiBandMask *m,
                  GError **error)
{
  const QmiBandMask *supported = &self->supported_bands;

  memset(m, 0, sizeof(*m));
  for (gsize i = 0; i < n_bands; i++) {
    guint n = 0;

    if (bands[i] == MMD_MODEM_BAND_ANY) {
      *m = *supported;
    } else if (mmd_band_to_eutran(bands[i], &n)
               && mask_has(supported->lte, QMI_LTE_BAND_WORDS, n)) {
      mask_add(m->lte, QMI_LTE_BAND_WORDS, n);
    } else if (mmd_band_to_ngran(bands[i], &n) && mask_has(supported->nr, QMI_NR_BAND_WORDS, n)) {
      mask_add(m->nr, QMI_NR_BAND_WORDS, n);
    } else {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                  "Band %u is not supported by this modem", bands[i]);
      return FALSE;
    }
  }
  if (mask_empty(m->lte, QMI_LTE_BAND_WORDS) && mask_empty(m->nr, QMI_NR_BAND_WORDS)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "No bands given");
    return FALSE;
  }
  return TRUE;
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
  if (!masks_from_values(self, bands, n_bands, m, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  in.has_lte_band_preference = TRUE;
  in.lte_band_preference = m->lte[0];
  in.has_extended_lte_band_preference = self->extended_lte_bands;
  mask_to_bytes(in.extended_lte_band_preference, m->lte, QMI_LTE_BAND_WORDS);
  /* SA and NSA alike: the user chose bands, not how the network uses them */
  in.has_nr5g_sa_band_preference = in.has_nr5g_nsa_band_preference
      = !mask_empty(self->supported_bands.nr, QMI_NR_BAND_WORDS);
  mask_to_bytes(in.nr5g_sa_band_preference, m->nr, QMI_NR_BAND_WORDS);
  mask_to_bytes(in.nr5g_nsa_band_preference, m->nr, QMI_NR_BAND_WORDS);
  qmi_client_nas_set_system_selection_preference(self->nas, &in, QMI_TIMEOUT, cancellable,
                                                 set_bands_ready, task);
}
