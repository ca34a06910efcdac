/* The user data header (3GPP TS 23.040 9.2.3.24): what the codec reads from it is
 * concatenation (IEI 0x00, 8-bit reference, and IEI 0x08, 16-bit reference);
 * every other element is stepped over by its length. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_SMS_UDH_IEI_CONCAT_8BIT 0x00
#define MMD_SMS_UDH_IEI_CONCAT_16BIT 0x08
/* UDHL + one 8-bit concatenation element. */
#define MMD_SMS_UDH_CONCAT_8BIT_LEN 6

typedef struct {
  /* FALSE for a message in one part. */
  gboolean present;
  guint16 reference;
  /* 1..255, and 1 <= sequence <= total when present. */
  guint8 total;
  guint8 sequence;
} MmdSmsConcat;

/* Reads the header elements in @header (the @len octets after UDHL). A
 * concatenation element with a zero count or a sequence past the total is
 * ignored, as 23.040 says; when several appear, the last one counts. MALFORMED
 * when an element runs past the header. */
gboolean mmd_sms_udh_parse(const guint8 *header, gsize len, MmdSmsConcat *concat, GError **error);

/* Appends a UDH holding one 8-bit concatenation element (6 octets). */
void mmd_sms_udh_append_concat(GByteArray *out, guint8 reference, guint8 total, guint8 sequence);

G_END_DECLS
