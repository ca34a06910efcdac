/* Parsers for 3GPP TS 27.007 responses, in the spellings real modems use.
 *
 * Inputs are the intermediate lines of one command's response, joined with
 * "\n" (as the AT channel returns them), or one URC line. Every parser
 * tolerates missing prefixes, quotes or spaces where modems are known to
 * omit them, and fails with an error (never reads out of bounds) on anything
 * it does not understand. No D-Bus, no daemon headers. */
#pragma once

#include <glib.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

/* Fields of a comma-separated list: quotes removed, spaces around fields
 * trimmed, commas inside quotes or parentheses kept. NULL with an error on an
 * unterminated quote or unbalanced parentheses. quoted (may be NULL) gets one
 * gboolean per field telling whether it was quoted. */
GPtrArray *mmd_at_split_fields(const char *s, GArray **quoted, GError **error);

/* The text after "PREFIX:" (spaces skipped) if line starts with one of the
 * prefixes (case-insensitive), else NULL. prefixes is NULL-terminated. */
const char *mmd_at_strip_prefix(const char *line, const char *const *prefixes);

/* +CGMI/+GMI, +CGMM/+GMM, +CGMR/+GMR: the first non-empty line, prefix and
 * quotes removed. */
char *mmd_at_parse_info(const char *response, GError **error);
/* +CGSN/+GSN: 14-17 digits (IMEI or IMEISV). */
char *mmd_at_parse_imei(const char *response, GError **error);
/* +CIMI: 6-15 digits. */
char *mmd_at_parse_imsi(const char *response, GError **error);
/* +CCID, +ICCID, ^ICCID, +QCCID: 18-22 digits; trailing F padding dropped and
 * nibble-swapped forms (starting "98") repaired. */
char *mmd_at_parse_iccid(const char *response, GError **error);

/* +CPIN?: READY -> NONE, SIM PIN, SIM PUK, SIM PIN2, SIM PUK2; other PH- locks
 * are reported as UNKNOWN. */
gboolean mmd_at_parse_cpin(const char *response, MmdModemLock *lock, GError **error);

typedef struct {
  int pin; /* -1: unknown */
  int puk;
  int pin2;
  int puk2;
} MmdAtRetries;

/* +CPINR (27.007), +QPINC (Quectel), +CPINC (Sierra), ^CPIN (Huawei). At
 * least one count must be found. */
gboolean mmd_at_parse_pin_retries(const char *response, MmdAtRetries *retries, GError **error);
/* +CLCK: <status>[,<class>] (first line). */
gboolean mmd_at_parse_clck(const char *response, gboolean *enabled, GError **error);

typedef struct {
  int n;      /* -1 if absent (URC) */
  int stat;   /* 27.007 <stat>, equal to MmdModem3gppRegistrationState */
  gulong lac; /* lac/tac, 0 if absent */
  gulong ci;
  int act; /* 27.007 <AcT>, -1 if absent */
} MmdAtRegistration;

/* +CREG/+CGREG/+CEREG/+C5GREG, as a response to the read command
 * (n,stat[,...]) or as a URC (stat[,lac,ci[,act...]]). */
gboolean mmd_at_parse_registration(const char *line, MmdAtRegistration *reg, GError **error);
MmdModem3gppRegistrationState mmd_at_registration_state(int stat);
/* 27.007 <AcT> -> MmdModemAccessTechnology mask (0 for unknown). */
guint mmd_at_act_to_access_technology(int act);

/* +COPS?: mode, format (-1 if absent), operator (NULL if absent), act (-1). */
gboolean mmd_at_parse_cops_read(const char *response, int *mode, int *format, char **oper, int *act,
                                GError **error);

typedef struct {
  guint status; /* MmdModem3gppNetworkAvailability */
  char *long_name;
  char *short_name;
  char *code;
  int act; /* -1 if absent */
} MmdAtOperator;
void mmd_at_operator_free(MmdAtOperator *op);
/* +COPS=?: a GPtrArray of MmdAtOperator (owns them); trailing groups of
 * supported modes/formats are skipped. */
GPtrArray *mmd_at_parse_cops_test(const char *response, GError **error);
/* A name as modems send it: UCS2 hex ("00540065") decoded, else copied. */
char *mmd_at_decode_name(const char *name);

/* +CSQ: rssi 0-31 or 99, ber (rssi to 0-100 %: mmd_signal_percent_from_csq()). */
gboolean mmd_at_parse_csq(const char *response, int *rssi, int *ber, GError **error);

typedef struct {
  /* NAN when the modem does not know */
  double rssi; /* GSM, dBm (from rxlev) */
  double rscp; /* UMTS, dBm */
  double ecio; /* UMTS, dB */
  double rsrq; /* LTE, dB */
  double rsrp; /* LTE, dBm */
  double nr_rsrq;
  double nr_rsrp;
  double nr_snr;
} MmdAtSignal;
gboolean mmd_at_parse_cesq(const char *response, MmdAtSignal *sig, GError **error);

typedef struct {
  guint cid;
  char *pdp_type;
  char *apn;
} MmdAtPdpContext;
void mmd_at_pdp_context_free(MmdAtPdpContext *ctx);
/* +CGDCONT?: GPtrArray of MmdAtPdpContext. */
GPtrArray *mmd_at_parse_cgdcont_read(const char *response, GError **error);
/* +CGDCONT=?: highest cid and supported families (MmdBearerIpFamily mask). */
gboolean mmd_at_parse_cgdcont_test(const char *response, guint *max_cid, guint *families,
                                   GError **error);
/* +CGACT?: GArray of guint pairs (cid, state) flattened. */
GArray *mmd_at_parse_cgact_read(const char *response, GError **error);
/* +CGPADDR[=cid]: addresses of cid (IPv4 and/or IPv6 text, NULL if absent). */
gboolean mmd_at_parse_cgpaddr(const char *response, guint cid, char **ip4, char **ip6,
                              GError **error);

typedef struct {
  guint cid;
  char *apn;
  char *address; /* text form */
  guint prefix;
  char *gateway;
  char *dns[2];
  guint mtu;
  gboolean ipv6;
} MmdAtContextInfo;
void mmd_at_context_info_free(MmdAtContextInfo *info);
/* +CGCONTRDP: GPtrArray of MmdAtContextInfo (IPv4 and IPv6 lines). */
GPtrArray *mmd_at_parse_cgcontrdp(const char *response, GError **error);

/* +CFUN?: fun. */
gboolean mmd_at_parse_cfun(const char *response, int *fun, GError **error);
/* +CRSM: the file contents of a successful READ BINARY (status 0x90/0x91),
 * as bytes; an error for any other status or bad hex. */
GBytes *mmd_at_parse_crsm(const char *response, GError **error);
/* +CNUM: own numbers, NULL-terminated (possibly empty). */
char **mmd_at_parse_cnum(const char *response, GError **error);

/* +WS46=?: the offered values (GArray of int), lists and ranges. */
GArray *mmd_at_parse_ws46_test(const char *response, GError **error);
/* +WS46?: the current value. */
gboolean mmd_at_parse_ws46_read(const char *response, int *value, GError **error);
/* +WS46 value <-> MmdModemMode mask (0 / -1 when unknown). */
guint mmd_at_ws46_to_modes(int value);
int mmd_at_modes_to_ws46(guint modes);

/* "+CME ERROR: <n|text>" -> GError in MMD_MOBILE_EQUIPMENT_ERROR, or NULL if
 * the line is not one. Unknown codes or texts give MobileEquipment.Unknown. */
GError *mmd_at_parse_cme_error(const char *line);
/* "+CMS ERROR: <n>" is in at-parse-sms.h. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtContextInfo, mmd_at_context_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtOperator, mmd_at_operator_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtPdpContext, mmd_at_pdp_context_free)

G_END_DECLS
