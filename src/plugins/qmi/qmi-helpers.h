/* Small pure helpers of the QMI plugin (SIM files, operator codes, signal). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* EF_ICCID (swapped BCD, F padding) to text; NULL if empty. */
char *qmi_sim_decode_iccid(const guint8 *data, gsize len);
/* EF_IMSI (length byte, parity nibble, swapped BCD) to digits; NULL if invalid. */
char *qmi_sim_decode_imsi(const guint8 *data, gsize len);
/* The MNC length (2 or 3) from EF_AD; 0 when it does not say. */
guint qmi_sim_decode_mnc_length(const guint8 *data, gsize len);
/* The service provider name from EF_SPN (GSM default alphabet or UCS-2); NULL if empty. */
char *qmi_sim_decode_spn(const guint8 *data, gsize len);
/* "00101" from MCC 1, MNC 1 (3-digit MNC when pcs_digit or mnc > 99). */
char *qmi_net_build_operator_code(guint16 mcc, guint16 mnc, gboolean pcs_digit);

G_END_DECLS
