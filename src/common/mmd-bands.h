/* 3GPP band numbers (E-UTRAN band 7, NR band n78) and the reference's band
 * values (MmdModemBand): E-UTRAN n is EUTRAN_1 + n - 1 for bands 1-71 and
 * 85, NR n is NGRAN_1 + n - 1 for bands 1-261. Plugins use them to report
 * what a modem says and to turn SetCurrentBands back into band numbers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_EUTRAN_BAND_MAX 85
#define MMD_NGRAN_BAND_MAX 261

/* The value of a band number; MMD_MODEM_BAND_UNKNOWN (0) when the reference
 * has none. */
guint mmd_band_from_eutran(guint n);
guint mmd_band_from_ngran(guint n);
/* The band number of a value; FALSE when it is not of that kind. */
gboolean mmd_band_to_eutran(guint band, guint *n);
gboolean mmd_band_to_ngran(guint band, guint *n);

G_END_DECLS
