/* Small pure helpers of the QMI plugin (operator codes). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "00101" from MCC 1, MNC 1 (3-digit MNC when pcs_digit or mnc > 99). */
char *qmi_net_build_operator_code(guint16 mcc, guint16 mnc, gboolean pcs_digit);

G_END_DECLS
