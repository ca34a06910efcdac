/* Decoders of SIM elementary files, for plugins. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_SIM_EF_AD 0x6FAD
#define MMD_SIM_EF_SPN 0x6F46
/* Emergency call codes: transparent, 3 bytes a code, on a 2G SIM (51.011
 * 10.3.27); linear fixed, one code and its alpha id and category a record,
 * on a USIM (31.102 4.2.21). Read access is always granted. */
#define MMD_SIM_EF_ECC 0x6FB7
#define MMD_SIM_ECC_CODE_LEN 3

/* EF_ICCID (swapped BCD, F padding) to text; NULL if empty. */
char *mmd_sim_decode_iccid(const guint8 *data, gsize len);
/* EF_IMSI (length byte, parity nibble, swapped BCD) to digits; NULL if invalid. */
char *mmd_sim_decode_imsi(const guint8 *data, gsize len);
/* The MNC length (2 or 3) from EF_AD; 0 when it does not say. */
guint mmd_sim_decode_mnc_length(const guint8 *data, gsize len);
/* The service provider name from EF_SPN (GSM default alphabet or UCS-2); NULL if empty. */
char *mmd_sim_decode_spn(const guint8 *data, gsize len);
/* One emergency call code (the first 3 bytes of data: swapped BCD, F padded)
 * to digits; NULL when the entry is empty or not BCD. */
char *mmd_sim_decode_ecc_code(const guint8 *data, gsize len);

G_END_DECLS
