/* 3GPP band numbers and the reference's band values. */
#include "mmd-bands.h"

#include "mmd-enums.h"

/* The reference numbers E-UTRAN bands 1-71 in a row, then has 85 only. */
static gboolean
eutran_known(guint n)
{
  return (n >= 1 && n <= 71) || n == MMD_EUTRAN_BAND_MAX;
}

guint
mmd_band_from_eutran(guint n)
{
  return eutran_known(n) ? MMD_MODEM_BAND_EUTRAN_1 + n - 1 : MMD_MODEM_BAND_UNKNOWN;
}

guint
mmd_band_from_ngran(guint n)
{
  return n >= 1 && n <= MMD_NGRAN_BAND_MAX ? MMD_MODEM_BAND_NGRAN_1 + n - 1
                                           : MMD_MODEM_BAND_UNKNOWN;
}

gboolean
mmd_band_to_eutran(guint band, guint *n)
{
  if (band < MMD_MODEM_BAND_EUTRAN_1 || !eutran_known(band - MMD_MODEM_BAND_EUTRAN_1 + 1))
    return FALSE;
  *n = band - MMD_MODEM_BAND_EUTRAN_1 + 1;
  return TRUE;
}

gboolean
mmd_band_to_ngran(guint band, guint *n)
{
  if (band < MMD_MODEM_BAND_NGRAN_1 || band > MMD_MODEM_BAND_NGRAN_261)
    return FALSE;
  *n = band - MMD_MODEM_BAND_NGRAN_1 + 1;
  return TRUE;
}
