/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the files of the MBIM module share.  sim-mbim.c has the
 * message framing, the dispatch and the information buffer encoder and
 * decoder; sim-mbim-basic-connect.c the Basic Connect service's CIDs,
 * sim-mbim-sms.c the SMS service's.
 *
 * Message header: type u32 | length u32 | transaction id u32, little endian.
 * Commands and their answers carry a fragment header (total u32, current u32),
 * the service UUID (16 bytes as written), the CID u32, then for a command the
 * command type (0 query, 1 set) and for an answer the status, followed by the
 * information buffer length and the buffer.
 *
 * Inside information buffers, variable-size fields (UTF-16LE strings, arrays,
 * nested structures) live after the fixed part and are referenced by an
 * offset (from the start of the enclosing structure) and, for most, a size.
 * This encoder is our own and independent of the daemon's.
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

/* status codes */
enum {
  ST_NONE = 0,
  ST_BUSY = 1,
  ST_FAILURE = 2,
  ST_SIM_NOT_INSERTED = 3,
  ST_BAD_SIM = 4,
  ST_PIN_REQUIRED = 5,
  ST_PIN_DISABLED = 6,
  ST_NOT_REGISTERED = 7,
  ST_PROVIDERS_NOT_FOUND = 8,
  ST_NO_DEVICE_SUPPORT = 9,
  ST_PROVIDER_NOT_VISIBLE = 10,
  ST_PACKET_SERVICE_DETACHED = 12,
  ST_MAX_ACTIVATED_CONTEXTS = 13,
  ST_NOT_INITIALIZED = 14,
  ST_CONTEXT_NOT_ACTIVATED = 16,
  ST_RADIO_POWER_OFF = 20,
  ST_INVALID_PARAMETERS = 21,
  ST_OPERATION_NOT_ALLOWED = 28,
  ST_CONTEXT_NOT_SUPPORTED = 38,
};

extern const guint8 mbim_uuid_basic_connect[16];
extern const guint8 mbim_uuid_ms_basic_connect_extensions[16];
extern const guint8 mbim_uuid_qmi[16];

/* Data classes */
#define DATA_CLASS_LTE 0x20
#define DATA_CLASS_5G_NSA 0x40
#define DATA_CLASS_5G_SA 0x80

#define MBIMEX_2_0 0x0200
extern const guint8 mbim_uuid_sms[16];

typedef struct {
  SimCore *core;
  GByteArray *in;
  gboolean opened;
  gboolean ps_detached; /* host asked for packet service detach */
  guint16 mbimex;       /* extensions version agreed with the host (BCD), 0: none */
  gpointer qmi;         /* QMI carried in MBIM: its module (sim-mbim-qmi.c) */
  guint32 max_transfer; /* the host's MaxControlTransfer (OPEN) */
  /* Signal State as the host set it (sim-mbim-events.c) */
  guint32 rssi_interval;
  guint32 rssi_threshold; /* coded RSSI steps; 0 default, 0xFFFFFFFF none */
  guint32 error_rate_threshold;
  guint32 reported_rssi; /* coded RSSI the host last heard of */
} SimMbim;

typedef struct {
  guint32 tid;
  guint32 cid;
  guint32 type; /* 0 query, 1 set */
  const guint8 *buf;
  gsize len;
} MbimReq;

/* Information buffer encoder: the fixed part is written in order, variable
 * fields go to the variable part and are referenced by offset (+ size). */
typedef struct {
  GByteArray *fixed;
  GByteArray *var;
  gsize fixed_size;
} MbimBuf;

/* ---- services ---- */

/* ST_NONE with the information buffer in *out, or an error status */
typedef guint32 (*MbimHandler)(SimMbim *m, const MbimReq *r, GByteArray **out);

typedef struct {
  guint32 cid;
  const char *name;
  MbimHandler handler; /* NULL: known but not supported */
} MbimCmd;

/* A service of the function: its CIDs. */
typedef struct {
  const guint8 *uuid;
  const char *name; /* in the log: "rx mbim <name> <Command>" */
  const MbimCmd *(*lookup)(guint32 cid);
  void (*describe)(const MbimReq *r, GString *s);
} MbimService;

/* ---- the Basic Connect service (sim-mbim-basic-connect.c) ---- */

const MbimCmd *mbim_basic_connect_lookup(guint32 cid);
/* appends " field=value" pairs of a request to its log line */
void mbim_basic_connect_describe(const MbimReq *r, GString *s);
/* the world changed: indications, while the function is open */
void mbim_basic_connect_notify(SimMbim *m, SimNotify what, gpointer data);

/* ---- sim-mbim-ex.c: MBIM extensions 2.0 (MS Basic Connect Extensions) ---- */

extern const MbimService mbim_service_ms_basic_connect_extensions;
/* Device Caps, with the executor index of 2.0 when v2 */
GByteArray *mbim_enc_device_caps(SimMbim *m, gboolean v2);
/* Data classes: the modem's, the ones the network serves it with now, the
 * ones its modes allow. */
guint32 mbim_data_classes(SimMbim *m);
guint32 mbim_available_data_classes(SimMbim *m);
guint32 mbim_preferred_data_classes(SimMbim *m);
/* Register State set with data classes: the modes to use; FALSE for classes
 * the modem does not have. */
gboolean mbim_set_data_classes(SimMbim *m, guint32 data_classes);
/* What 2.0 appends to Signal State: the RSRP/SNR list of LTE and NR. */
void mbim_ex_signal_append(SimMbim *m, MbimBuf *b);

/* ---- sim-mbim-qmi.c: QMI carried in MBIM ---- */

extern const MbimService mbim_service_qmi;
void mbim_qmi_free(SimMbim *m);
void mbim_qmi_notify(SimMbim *m, SimNotify what, gpointer data);

/* ---- the USSD service (sim-mbim-ussd.c); data: a SimUssdMessage ---- */

extern const MbimService mbim_service_ussd;
void mbim_ussd_notify(SimMbim *m, gconstpointer msg);
/* ---- sim-mbim-events.c: signal thresholds, and what the services beyond
 * Basic Connect report: MS Basic Connect Extensions' Location Info Status
 * (in sim-mbim-ex.c's table) and MS Voice Extensions (NITZ) ---- */

extern const MbimService mbim_service_ms_voice_extensions;
guint32 mbim_location_info_status(SimMbim *m, const MbimReq *r, GByteArray **out);
/* Basic Connect Signal State: query, or set with the host's interval and thresholds */
guint32 mbim_signal_state(SimMbim *m, const MbimReq *r, GByteArray **out);
void mbim_signal_state_describe(const MbimReq *r, GString *s);
void mbim_events_notify(SimMbim *m, SimNotify what);

/* ---- the SMS service (sim-mbim-sms.c); data: a SimSmsEvent ---- */

extern const MbimService mbim_service_sms;
void mbim_sms_notify(SimMbim *m, gconstpointer event);

/* ---- sim-mbim.c ---- */

/* A Basic Connect indication; mbim_send_service_indication for others. */
void mbim_send_indication(SimMbim *m, guint32 cid, GByteArray *info);
void mbim_send_service_indication(SimMbim *m, const guint8 *uuid, guint32 cid, GByteArray *info);

void mbim_put_u32(GByteArray *a, guint32 v);
void mbim_buf_init(MbimBuf *b, gsize fixed_size);
void mbim_buf_u32(MbimBuf *b, guint32 v);
void mbim_buf_u64(MbimBuf *b, guint64 v);
void mbim_buf_bytes(MbimBuf *b, const void *p, gsize n);
/* offset + size reference */
void mbim_buf_ref(MbimBuf *b, const void *p, gsize n);
/* offset-only reference */
void mbim_buf_off(MbimBuf *b, const void *p, gsize n);
/* UTF-16LE string, offset + size */
void mbim_buf_str(MbimBuf *b, const char *s);
/* fixed + variable part; frees b's parts */
GByteArray *mbim_buf_finish(MbimBuf *b);

/* decoder: FALSE / NULL when the buffer is too short */
gboolean mbim_read_u32(const MbimReq *r, gsize off, guint32 *v);
/* string referenced by the offset/size pair at off; "" when empty, NULL when broken */
char *mbim_read_str(const MbimReq *r, gsize off);

G_END_DECLS
