/* Addresses in SMS PDUs: the TP address fields of 3GPP TS 23.040 9.1.2.5
 * (originator, destination, recipient) and the SMSC address that AT +CMGR and raw
 * QMI reads put in front of the TPDU (the RP address of TS 24.011 8.2.5.1). */
#pragma once

#include <glib.h>

#include "byte-reader.h"

G_BEGIN_DECLS

/* Longest address, in digits, that both forms carry (10 octets of semi-octets). */
#define MMD_SMS_ADDRESS_MAX_DIGITS 20

/* A TP address: "+" then digits for international numbers, digits (and * # a b c)
 * otherwise, the text of an alphanumeric address (GSM 7-bit), "" when empty.
 * Always valid UTF-8. */
char *mmd_sms_address_read(MmdByteReader *reader, GError **error);

/* The SMSC field; *smsc is NULL when its length octet is 0 ("none"). */
gboolean mmd_sms_smsc_read(MmdByteReader *reader, char **smsc, GError **error);

/* Whether @number is one the encoder sends: an optional "+" and 1..20 digits. */
gboolean mmd_sms_number_is_valid(const char *number);

/* Appends @number as a TP address; INVALID_ARGUMENT unless it is valid. */
gboolean mmd_sms_address_append(GByteArray *out, const char *number, GError **error);

/* Appends the SMSC field: 0x00 (the modem's default SMSC) for NULL. */
gboolean mmd_sms_smsc_append(GByteArray *out, const char *smsc, GError **error);

G_END_DECLS
