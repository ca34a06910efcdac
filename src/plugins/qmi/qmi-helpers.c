/* Small pure helpers of the QMI plugin (operator codes). */
#include "qmi-helpers.h"

char *
qmi_net_build_operator_code(guint16 mcc, guint16 mnc, gboolean pcs_digit)
{
  if (mcc == 0 || mcc > 999 || mnc > 999)
    return NULL;
  return pcs_digit || mnc > 99 ? g_strdup_printf("%03u%03u", mcc, mnc)
                               : g_strdup_printf("%03u%02u", mcc, mnc);
}
