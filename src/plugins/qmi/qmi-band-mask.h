/* Bands as QMI carries them, E-UTRAN and NR, and the reference's band values.
 *
 * DMS Get Band Capabilities names LTE bands by number (extended TLV) or in a
 * 64-bit mask, NR bands by number; NAS System Selection Preference carries
 * masks: the legacy LTE one (bands 1-64), the extended one (4 words), and one
 * for NR5G SA and one for NSA (8 words each), little-endian words with bit
 * n-1 for band n. Shared by the QMI plugin and QMI carried in MBIM. No D-Bus
 * here. */
#pragma once

#include <glib.h>

#include "qmi-generated.h"

G_BEGIN_DECLS

#define QMI_LTE_BAND_WORDS 4
#define QMI_NR_BAND_WORDS 8

typedef struct {
  guint64 lte[QMI_LTE_BAND_WORDS]; /* E-UTRAN 1-256 */
  guint64 nr[QMI_NR_BAND_WORDS];   /* NR 1-512 */
} QmiBandMask;

gboolean qmi_band_mask_is_empty(const QmiBandMask *m);
/* What the modem can do. */
void qmi_band_mask_from_capabilities(QmiBandMask *m, const QmiDmsGetBandCapabilitiesOutput *out);
/* What it is set to, within what it can do; FALSE (m empty) when the answer
 * has no band preference. *extended_lte: the modem takes the extended mask. */
gboolean qmi_band_mask_from_preference(QmiBandMask *m,
                                       const QmiNasGetSystemSelectionPreferenceOutput *out,
                                       const QmiBandMask *supported, gboolean *extended_lte);
/* The reference's values (MmdModemBand) of the bands in m, LTE first. */
GArray *qmi_band_mask_to_values(const QmiBandMask *m);
/* The bands of a SetCurrentBands request (MMD_MODEM_BAND_ANY: all the modem
 * can do); Core.Unsupported naming the first band the modem lacks. */
gboolean qmi_band_mask_from_values(QmiBandMask *m, const QmiBandMask *supported, const guint *bands,
                                   gsize n_bands, GError **error);
/* The request's band TLVs: the legacy LTE mask always, the extended one where
 * the modem takes it, NR (SA and NSA alike) where it has NR bands. */
void qmi_band_mask_to_request(const QmiBandMask *m, const QmiBandMask *supported,
                              gboolean extended_lte, QmiNasSetSystemSelectionPreferenceInput *in);

G_END_DECLS
