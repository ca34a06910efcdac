/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the files of the QMI module share.  The framing and the
 * dispatch are in sim-qmi.c, the TLV encoder and decoder in sim-qmi-tlv.c,
 * and each service in a file of its own (sim-qmi-ctl.c, -dms, -nas, -wds,
 * -uim, -wda, -wms) with its message table.
 *
 * Frame: 0x01 | len u16 (everything after the 0x01) | flags u8 (0x00 host, 0x80 modem) |
 *        service u8 | client id u8 | SDU
 * CTL SDU:     flags u8 (0 req, 1 resp, 2 ind) | tid u8  | msg u16 | tlv-len u16 | TLVs
 * service SDU: flags u8 (0 req, 2 resp, 4 ind) | tid u16 | msg u16 | tlv-len u16 | TLVs
 * TLV: type u8 | len u16 | value.  All integers little endian.
 *
 * The TLV encoder/decoder here is deliberately minimal and independent of the
 * daemon's codec so that the two can check each other.
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

enum {
  SVC_CTL = 0x00,
  SVC_WDS = 0x01,
  SVC_DMS = 0x02,
  SVC_NAS = 0x03,
  SVC_WMS = 0x05,
  SVC_VOICE = 0x09,
  SVC_UIM = 0x0B,
  SVC_LOC = 0x10,
  SVC_WDA = 0x1A,
};

enum {
  ERR_NONE = 0,
  ERR_MALFORMED_MESSAGE = 1,
  ERR_INTERNAL = 3,
  ERR_CLIENT_IDS_EXHAUSTED = 5,
  ERR_INVALID_CLIENT_ID = 7,
  ERR_INVALID_HANDLE = 9,
  ERR_INVALID_PIN_ID = 11,
  ERR_INCORRECT_PIN = 12,
  ERR_NO_NETWORK_FOUND = 13,
  ERR_CALL_FAILED = 14,
  ERR_OUT_OF_CALL = 15,
  ERR_MISSING_ARGUMENT = 17,
  ERR_INVALID_ID = 41,
  ERR_NO_EFFECT = 26,
  ERR_INVALID_SERVICE_TYPE = 31,
  ERR_PIN_BLOCKED = 35,
  ERR_PIN_ALWAYS_BLOCKED = 36,
  ERR_UIM_UNINITIALIZED = 37,
  ERR_INVALID_ARGUMENT = 48,
  ERR_DEVICE_NOT_READY = 52,
  ERR_INVALID_QMI_COMMAND = 71,
  ERR_INFORMATION_UNAVAILABLE = 74,
  ERR_SIM_FILE_NOT_FOUND = 80,
  ERR_ACCESS_DENIED = 82,
  ERR_NOT_SUPPORTED = 94,
  ERR_NO_SIM = 102,
};

/* NAS radio interface / data capability codes */
#define RADIO_LTE 8
#define RADIO_5GNR 12
#define DATA_CAP_LTE 11

/* Config Signal Info thresholds of a NAS client, per measurement */
enum { NAS_RSSI, NAS_RSRQ, NAS_RSRP, NAS_SNR, NAS_N_MEASURES };
#define NAS_MAX_THRESHOLDS 32

typedef struct {
  guint8 service;
  guint8 cid;
  /* NAS */
  gboolean ind_serving_system;
  gboolean ind_system_info;
  gboolean ind_signal_info;
  gboolean ind_network_time;
  /* Signal Info indications when a value crosses one of these (RSSI, RSRQ
   * and RSRP in dB(m), SNR in 0.1 dB); none configured: on every change */
  gint16 thresholds[NAS_N_MEASURES][NAS_MAX_THRESHOLDS];
  guint8 n_thresholds[NAS_N_MEASURES];
  /* Event Report: a report when a value moved this far (dB, SNR 0.1 dB); 0 off */
  guint8 report_delta[NAS_N_MEASURES];
  SimSignal reported;       /* what the last report or query told this client */
  gboolean reported_signal; /* ... and whether there was any (registered) */
  /* LOC */
  guint64 loc_events; /* Register Events mask */
  gboolean loc_started;
  guint8 loc_session;
  /* UIM */
  guint32 uim_events;
  /* WDS */
  guint8 ip_family;
  /* WMS */
  gboolean wms_event_report;
  /* VOICE */
  gboolean voice_call_events;
  gboolean voice_dtmf_events;
  gboolean voice_ussd_events;
  guint8 mux_id; /* QMAP mux id its sessions use (Bind Mux Data Port), 0 = none */
} QmiClient;

typedef struct _SimQmi SimQmi;

/* Where replies and indications go when not over QMUX (sim-qrtr.c): the SDU
 * of a message for client cid of service. */
typedef void (*QmiOutputFunc)(SimQmi *q, guint8 service, guint8 cid, const guint8 *sdu, gsize len,
                              gpointer user_data);

struct _SimQmi {
  SimCore *core;
  QmiOutputFunc output; /* NULL: QMUX frames on the link */
  gpointer output_data;
  GByteArray *in;
  GHashTable *clients; /* service<<8|cid -> QmiClient */
  guint16 ind_tid;
  guint8 operating_mode;
  guint16 link_protocol;
  /* WDA data format */
  guint32 wda_link_layer; /* 1 802.3, 2 raw IP */
  guint32 wda_ul_aggregation;
  guint32 wda_dl_aggregation;
  guint32 wda_dl_max_datagrams;
  guint32 wda_dl_max_size;
};

typedef struct {
  guint8 service;
  guint8 cid;
  guint16 tid;
  guint16 msg;
  const guint8 *tlv;
  gsize tlv_len;
  QmiClient *client;
} QmiReq;

#define KEY(svc, cid) GUINT_TO_POINTER(((guint)(svc) << 8) | (cid))

/* ---- services and their messages ---- */

typedef guint16 (*QmiHandler)(SimQmi *q, const QmiReq *r, GByteArray *out);
/* appends " field=value" pairs of a request to its log line */
typedef void (*QmiDescribe)(const QmiReq *r, GString *s);

typedef struct {
  guint16 msg;
  const char *name;
  QmiHandler handler;
  QmiDescribe describe;
} QmiMsgDef;

typedef struct {
  guint8 id;
  const char *name;
  guint16 major, minor; /* version, as CTL Get Version Info reports it */
  const QmiMsgDef *messages;
  gsize n_messages;
  /* The world changed: indications to client c (of this service), if it
   * asked for them. */
  void (*notify)(SimQmi *q, QmiClient *c, SimNotify what);
} QmiService;

extern const QmiService sim_qmi_service_ctl;
extern const QmiService sim_qmi_service_wds;
extern const QmiService sim_qmi_service_dms;
extern const QmiService sim_qmi_service_nas;
extern const QmiService sim_qmi_service_uim;
extern const QmiService sim_qmi_service_wda;
extern const QmiService sim_qmi_service_wms;
extern const QmiService sim_qmi_service_voice;
extern const QmiService sim_qmi_service_loc;

/* sim-qmi.c */
const QmiService *qmi_service_lookup(guint8 id);
/* All services, in the order CTL Get Version Info lists them. */
const QmiService *const *qmi_services(gsize *n);
const char *qmi_service_name(guint8 id);
/* Whether this modem has the service (--qmi-without takes some away). */
gboolean qmi_service_present(SimQmi *q, guint8 id);
void qmi_indicate(SimQmi *q, const QmiClient *c, guint16 msg, GByteArray *tlvs);
/* Logs a request, runs its handler and replies (fault injection permitting). */
void qmi_handle_request(SimQmi *q, QmiReq *r);
/* A new client of service with the lowest free client id; NULL when all are taken. */
QmiClient *qmi_client_add(SimQmi *q, guint8 service);
/* Forgets a client; its data sessions end (as when the host releases it). */
void qmi_client_release(SimQmi *q, QmiClient *c);

/* sim-qmi-nr5g.c: the radio access (sim-radio.h) as QMI tells it */
guint16 qmi_dms_get_band_capabilities(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_nas_put_preferences(SimQmi *q, GByteArray *out);
guint16 qmi_nas_take_preferences(SimQmi *q, const QmiReq *r);
void qmi_nas_describe_preferences(const QmiReq *r, GString *s);
guint8 qmi_nas_serving_radio(SimQmi *q);
void qmi_nas_put_system_info_5g(SimQmi *q, GByteArray *b);
void qmi_nas_put_signal_5g(SimQmi *q, GByteArray *out);

/* sim-qmi-nas.c: the signal as Get Signal Info and the Signal Info indication carry it */
void qmi_nas_encode_signal_info(SimQmi *q, GByteArray *out);

/* sim-qmi-nas-events.c: what NAS reports by itself (signal by thresholds and
 * deltas, network time) and the messages that set it up, plus cell info */
guint16 qmi_nas_set_event_report(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_nas_describe_event_report(const QmiReq *r, GString *s);
guint16 qmi_nas_get_cell_location_info(SimQmi *q, const QmiReq *r, GByteArray *out);
guint16 qmi_nas_config_signal_info(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_nas_describe_config_signal_info(const QmiReq *r, GString *s);
guint16 qmi_nas_get_network_time(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_nas_events_notify(SimQmi *q, QmiClient *c, SimNotify what);

/* sim-qmi-wms.c: a message, report or broadcast page for the host (event
 * report indications to the clients that asked). */
struct _SimSmsEvent;
void qmi_wms_event(SimQmi *q, const struct _SimSmsEvent *event);

/* sim-qmi-wds.c: the network ended a session (indication to its owner). */
void qmi_wds_session_dropped(SimQmi *q, const SimSession *s);

/* sim-qmi-ussd.c: the USSD messages of VOICE, and what the network starts
 * (data: a SimUssdMessage). */
guint16 qmi_ussd_originate(SimQmi *q, const QmiReq *r, GByteArray *out);
guint16 qmi_ussd_originate_no_wait(SimQmi *q, const QmiReq *r, GByteArray *out);
guint16 qmi_ussd_answer(SimQmi *q, const QmiReq *r, GByteArray *out);
guint16 qmi_ussd_cancel(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_ussd_describe(const QmiReq *r, GString *s);
void qmi_ussd_network_event(SimQmi *q, gconstpointer msg);
/* WDA data aggregation protocols from QMAP (5) to QMAPv5 (9). */
#define SIM_QMI_AGGREGATION_QMAP 5
#define SIM_QMI_AGGREGATION_QMAPV5 9

/* sim-qmi-wds-mux.c: WDS Bind Mux Data Port; a bound client's sessions run
 * on the link of its mux id, with addresses of their own. */
guint16 qmi_wds_bind_mux_data_port(SimQmi *q, const QmiReq *r, GByteArray *out);
void qmi_wds_describe_bind_mux_data_port(const QmiReq *r, GString *s);
/* FALSE (logged) when the client is bound to a mux id but QMAP is off
 * (WDA was set back to plain raw IP after the binding). */
gboolean qmi_wds_link_ready(SimQmi *q, const QmiReq *r);

/* sim-qmi-uim.c: PIN operations, shared with DMS's legacy ones whose PIN
 * information is in another TLV. */
typedef enum { PIN_VERIFY, PIN_UNBLOCK, PIN_CHANGE, PIN_PROTECT } PinOp;
guint16 qmi_uim_pin_op(SimQmi *q, const QmiReq *r, GByteArray *out, PinOp op, guint8 info_tlv);
void qmi_uim_describe_pin(const QmiReq *r, GString *s, PinOp op, guint8 info_tlv);

/* ---- sim-qmi-tlv.c: encoder ---- */

void qmi_put_u8(GByteArray *b, guint8 v);
void qmi_put_u16(GByteArray *b, guint16 v);
void qmi_put_u32(GByteArray *b, guint32 v);
void qmi_put_bytes(GByteArray *b, const void *p, gsize n);
/* string with a one-byte length prefix (inside structures) */
void qmi_put_str8(GByteArray *b, const char *s);
/* a TLV whose length is filled in by qmi_tlv_close() */
gsize qmi_tlv_open(GByteArray *b, guint8 type);
void qmi_tlv_close(GByteArray *b, gsize pos);
void qmi_tlv_u8(GByteArray *b, guint8 type, guint8 v);
void qmi_tlv_u16(GByteArray *b, guint8 type, guint16 v);
void qmi_tlv_u32(GByteArray *b, guint8 type, guint32 v);
/* a whole-TLV string has no length prefix */
void qmi_tlv_str(GByteArray *b, guint8 type, const char *s);
void qmi_tlv_raw(GByteArray *b, guint8 type, const void *p, gsize n);
void qmi_put_u64(GByteArray *b, guint64 v);
/* IEEE 754 binary32 / binary64, little endian like every QMI number */
void qmi_put_f32(GByteArray *b, float v);
void qmi_put_f64(GByteArray *b, double v);

/* ---- sim-qmi-tlv.c: decoder ---- */

/* Reads a TLV's value; once a read runs past its end, ok is FALSE and every
 * further read returns 0. */
typedef struct {
  const guint8 *p;
  gsize n;
  gboolean ok;
} QmiCursor;

gboolean qmi_cursor_init(QmiCursor *c, const QmiReq *r, guint8 type);
guint8 qmi_cursor_u8(QmiCursor *c);
guint16 qmi_cursor_u16(QmiCursor *c);
guint32 qmi_cursor_u32(QmiCursor *c);
/* one-byte length prefixed string; NULL if truncated */
char *qmi_cursor_str8(QmiCursor *c);
/* a TLV holding a single integer */
gboolean qmi_get_u8(const QmiReq *r, guint8 type, guint8 *v);
gboolean qmi_get_u16(const QmiReq *r, guint8 type, guint16 *v);
gboolean qmi_get_u32(const QmiReq *r, guint8 type, guint32 *v);
/* whole-TLV string, NULL if absent */
char *qmi_get_str(const QmiReq *r, guint8 type);
/* describes TLV 0x01 holding one u8 as " value=N" */
void qmi_describe_u8_01(const QmiReq *r, GString *s);

G_END_DECLS
