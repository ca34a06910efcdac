/* Parsers of the 27.007 voice call and USSD answers and URCs: +CLCC, +CLIP,
 * +CCWA, +CUSD, +CSCS, and the USSD strings in the character set the modem
 * uses. A modem is untrusted input: every field is checked and bounded, every
 * text returned is valid UTF-8. No D-Bus, no daemon headers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* More calls than 27.007 modems keep (7): a bound on what we take. */
#define MMD_AT_MAX_CALLS 16
/* Longest dial string taken from a modem. */
#define MMD_AT_MAX_NUMBER 40

/* +CLCC <stat> */
typedef enum {
  MMD_AT_CALL_ACTIVE = 0,
  MMD_AT_CALL_HELD = 1,
  MMD_AT_CALL_DIALING = 2,
  MMD_AT_CALL_ALERTING = 3,
  MMD_AT_CALL_INCOMING = 4,
  MMD_AT_CALL_WAITING = 5,
} MmdAtCallStat;

typedef struct {
  guint id;            /* 1..99 */
  gboolean incoming;   /* <dir> 1 */
  MmdAtCallStat stat;  /* */
  guint mode;          /* 0 voice, 1 data, 2 fax, ... */
  gboolean multiparty; /* <mpty> 1 */
  char *number;        /* dial string or NULL (withheld, or not one) */
} MmdAtCall;

void mmd_at_call_free(MmdAtCall *call);
/* +CLCC (a response or URC lines): a GPtrArray of MmdAtCall, voice calls
 * only; an empty response is an empty array. Lines that do not parse are
 * skipped; more than MMD_AT_MAX_CALLS is an error. */
GPtrArray *mmd_at_parse_clcc(const char *response, GError **error);

/* The number of a +CLIP or +CCWA URC: a dial string, or NULL when withheld or
 * not one (nothing else of a modem's text becomes a Number). */
gboolean mmd_at_parse_caller(const char *line, char **number, GError **error);

/* AT+CCWA=1,2: whether call waiting is on for voice (class 1). */
gboolean mmd_at_parse_ccwa_status(const char *response, gboolean *enabled, GError **error);

/* +CSCS */
typedef enum {
  MMD_AT_CHARSET_IRA,
  MMD_AT_CHARSET_GSM,
  MMD_AT_CHARSET_UCS2,
  MMD_AT_CHARSET_OTHER,
} MmdAtCharset;

gboolean mmd_at_parse_cscs(const char *response, MmdAtCharset *charset, GError **error);

/* +CUSD: <m>[,<str>[,<dcs>]]; str NULL when absent, dcs 15 when absent. */
gboolean mmd_at_parse_cusd(const char *line, int *m, char **str, int *dcs, GError **error);

/* A +CUSD string to UTF-8. dcs says the alphabet (23.038 CBS coding): UCS-2
 * and 8-bit strings are hex; GSM 7-bit ones are text in the +CSCS set (UCS2:
 * hex of big endian units), or hex of packed septets on modems that send
 * those (packed_hex, or a long string of hex digits that unpacks to text). */
char *mmd_at_ussd_decode(const char *str, int dcs, MmdAtCharset charset, gboolean packed_hex,
                         GError **error);
/* UTF-8 to the <str> of AT+CUSD and its <dcs>: in the +CSCS set, or hex of
 * packed septets (UCS-2 hex with dcs 72 for text outside the default
 * alphabet). Core.Unsupported when an IRA or GSM modem cannot carry it. */
char *mmd_at_ussd_encode(const char *utf8, MmdAtCharset charset, gboolean packed_hex, int *dcs,
                         GError **error);

G_END_DECLS
