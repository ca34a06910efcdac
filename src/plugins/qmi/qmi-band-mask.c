/* Bands as QMI carries them (see qmi-band-mask.h). */
#include "qmi-band-mask.h"

#include <string.h>

#include "mmd-bands.h"
#include "mmd-enums.h"
#include "mmd-errors.h"

static gboolean
has(const guint64 *mask, guint words, guint band)
{
  return band >= 1 && band <= words * 64 && (mask[(band - 1) / 64] >> ((band - 1) % 64)) & 1;
}

static void
add(guint64 *mask, guint words, guint band)
{
  if (band >= 1 && band <= words * 64)
    mask[(band - 1) / 64] |= G_GUINT64_CONSTANT(1) << ((band - 1) % 64);
}

static gboolean
empty(const guint64 *mask, guint words)
{
  for (guint w = 0; w < words; w++)
    if (mask[w])
      return FALSE;
  return TRUE;
}

static void
from_bytes(guint64 *mask, guint words, const guint8 *bytes)
{
  for (guint w = 0; w < words; w++) {
    mask[w] = 0;
    for (guint b = 0; b < 8; b++)
      mask[w] |= (guint64)bytes[w * 8 + b] << (8 * b);
  }
}

static void
to_bytes(guint8 *bytes, const guint64 *mask, guint words)
{
  for (guint w = 0; w < words; w++)
    for (guint b = 0; b < 8; b++)
      bytes[w * 8 + b] = (mask[w] >> (8 * b)) & 0xff;
}

gboolean
qmi_band_mask_is_empty(const QmiBandMask *m)
{
  return empty(m->lte, QMI_LTE_BAND_WORDS) && empty(m->nr, QMI_NR_BAND_WORDS);
}

void
qmi_band_mask_from_capabilities(QmiBandMask *m, const QmiDmsGetBandCapabilitiesOutput *out)
{
  memset(m, 0, sizeof(*m));
  if (out->has_extended_lte_band_capability) {
    for (guint i = 0; i < out->n_extended_lte_band_capability; i++)
      add(m->lte, QMI_LTE_BAND_WORDS, out->extended_lte_band_capability[i]);
  } else if (out->has_lte_band_capability) {
    m->lte[0] = out->lte_band_capability;
  }
  for (guint i = 0; out->has_nr5g_band_capability && i < out->n_nr5g_band_capability; i++)
    add(m->nr, QMI_NR_BAND_WORDS, out->nr5g_band_capability[i]);
}

gboolean
qmi_band_mask_from_preference(QmiBandMask *m, const QmiNasGetSystemSelectionPreferenceOutput *out,
                              const QmiBandMask *supported, gboolean *extended_lte)
{
  guint64 nsa[QMI_NR_BAND_WORDS];

  memset(m, 0, sizeof(*m));
  *extended_lte = out->has_extended_lte_band_preference;
  if (out->has_extended_lte_band_preference)
    from_bytes(m->lte, QMI_LTE_BAND_WORDS, out->extended_lte_band_preference);
  else if (out->has_lte_band_preference)
    m->lte[0] = out->lte_band_preference;
  else
    return FALSE;
  if (out->has_nr5g_sa_band_preference)
    from_bytes(m->nr, QMI_NR_BAND_WORDS, out->nr5g_sa_band_preference);
  if (out->has_nr5g_nsa_band_preference) {
    from_bytes(nsa, QMI_NR_BAND_WORDS, out->nr5g_nsa_band_preference);
    for (guint w = 0; w < QMI_NR_BAND_WORDS; w++)
      m->nr[w] |= nsa[w];
  }
  /* what the modem cannot do is not current, whatever its preference says */
  for (guint w = 0; w < QMI_LTE_BAND_WORDS; w++)
    m->lte[w] &= supported->lte[w];
  for (guint w = 0; w < QMI_NR_BAND_WORDS; w++)
    m->nr[w] &= supported->nr[w];
  return TRUE;
}

GArray *
qmi_band_mask_to_values(const QmiBandMask *m)
{
  GArray *values = g_array_new(FALSE, FALSE, sizeof(guint));

  for (guint n = 1; n <= QMI_LTE_BAND_WORDS * 64; n++) {
    guint value = has(m->lte, QMI_LTE_BAND_WORDS, n) ? mmd_band_from_eutran(n) : 0;

    if (value)
      g_array_append_val(values, value);
  }
  for (guint n = 1; n <= QMI_NR_BAND_WORDS * 64; n++) {
    guint value = has(m->nr, QMI_NR_BAND_WORDS, n) ? mmd_band_from_ngran(n) : 0;

    if (value)
      g_array_append_val(values, value);
  }
  return values;
}

gboolean
qmi_band_mask_from_values(QmiBandMask *m, const QmiBandMask *supported, const guint *bands,
                          gsize n_bands, GError **error)
{
  memset(m, 0, sizeof(*m));
  for (gsize i = 0; i < n_bands; i++) {
    guint n = 0;

    if (bands[i] == MMD_MODEM_BAND_ANY)
      *m = *supported;
    else if (mmd_band_to_eutran(bands[i], &n) && has(supported->lte, QMI_LTE_BAND_WORDS, n))
      add(m->lte, QMI_LTE_BAND_WORDS, n);
    else if (mmd_band_to_ngran(bands[i], &n) && has(supported->nr, QMI_NR_BAND_WORDS, n))
      add(m->nr, QMI_NR_BAND_WORDS, n);
    else {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                  "Band %u is not supported by this modem", bands[i]);
      return FALSE;
    }
  }
  if (qmi_band_mask_is_empty(m)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "No bands given");
    return FALSE;
  }
  return TRUE;
}

void
qmi_band_mask_to_request(const QmiBandMask *m, const QmiBandMask *supported, gboolean extended_lte,
                         QmiNasSetSystemSelectionPreferenceInput *in)
{
  in->has_lte_band_preference = TRUE;
  in->lte_band_preference = m->lte[0];
  in->has_extended_lte_band_preference = extended_lte;
  to_bytes(in->extended_lte_band_preference, m->lte, QMI_LTE_BAND_WORDS);
  /* SA and NSA alike: the user chose bands, not how the network uses them */
  in->has_nr5g_sa_band_preference = in->has_nr5g_nsa_band_preference
      = !empty(supported->nr, QMI_NR_BAND_WORDS);
  to_bytes(in->nr5g_sa_band_preference, m->nr, QMI_NR_BAND_WORDS);
  to_bytes(in->nr5g_nsa_band_preference, m->nr, QMI_NR_BAND_WORDS);
}
