/* Cell broadcast pages in the GSM format of 3GPP TS 23.041 9.4.1.2: a 6-octet
 * header (serial number, message identifier, DCS, page parameter) and 82 octets
 * of content (93 GSM 7-bit characters or 41 UCS-2 ones, padded with CR). */
#pragma once

#include <glib.h>

#include "dcs.h"

G_BEGIN_DECLS

#define MMD_CBS_HEADER_LEN 6
#define MMD_CBS_CONTENT_LEN 82
#define MMD_CBS_PAGE_LEN (MMD_CBS_HEADER_LEN + MMD_CBS_CONTENT_LEN)

/* The geographical scope, bits 15..14 of the serial number. */
typedef enum {
  MMD_CBS_SCOPE_CELL_IMMEDIATE = 0,
  MMD_CBS_SCOPE_PLMN = 1,
  MMD_CBS_SCOPE_LOCATION_AREA = 2,
  MMD_CBS_SCOPE_CELL = 3,
} MmdCbsScope;

typedef struct {
  guint16 serial;
  MmdCbsScope scope;
  /* 10 bits: which message of the channel. */
  guint16 message_code;
  /* 4 bits: a new value means changed content. */
  guint8 update_number;
  /* The channel (message identifier). */
  guint16 message_id;
  guint8 dcs_octet;
  MmdDcs dcs;
  /* 1-based; a page parameter with a zero field reads as 1 of 1 (23.041). */
  guint8 page;
  guint8 pages;
  /* ISO 639 code from the DCS or from the start of the text; "" if none. */
  char language[3];
  /* GSM 7-bit and UCS-2 content without its padding, valid UTF-8; NULL for 8-bit. */
  char *text;
  /* 8-bit content as received; NULL for text. */
  GBytes *data;
} MmdCbsPage;

/* Decodes one page of up to 88 octets (content shorter than 82 octets is taken
 * as it is). TRUNCATED without a whole header, MALFORMED for a longer input or
 * a page number past the page count, UNSUPPORTED for compressed content. */
MmdCbsPage *mmd_cbs_page_decode(const guint8 *bytes, gsize len, GError **error);

void mmd_cbs_page_free(MmdCbsPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdCbsPage, mmd_cbs_page_free)

G_END_DECLS
