/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the modem's SMS side, shared by the protocols.  Two message
 * storages (SM, the SIM, and ME, the modem) hold PDUs with their 27.005
 * status; sends are recorded; what the network delivers (messages, status
 * reports, cell broadcast pages) is stored or handed to the host as the
 * host's routing says, and every protocol module hears of it through
 * sim_core_notify(SIM_NOTIFY_SMS, SimSmsEvent *).
 *
 * The network side is scripted through the control commands of
 * sim-sms-network.c.  PDUs are kept with their SMSC field first, the way
 * AT +CMGR, QMI raw reads and MBIM give them.
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

typedef struct _SimSmsStore SimSmsStore;

typedef enum {
  SIM_SMS_MEM_SM,
  SIM_SMS_MEM_ME,
  SIM_SMS_N_MEMS,
} SimSmsMem;

/* 27.005 <stat> */
typedef enum {
  SIM_SMS_REC_UNREAD = 0,
  SIM_SMS_REC_READ = 1,
  SIM_SMS_STO_UNSENT = 2,
  SIM_SMS_STO_SENT = 3,
} SimSmsStat;

typedef struct {
  SimSmsStat stat;
  GByteArray *pdu; /* SMSC field, then the TPDU */
} SimSmsRecord;

/* What the modem does with a message or status report from the network. */
typedef enum {
  SIM_SMS_ROUTE_STORE,    /* into the receive storage; the host hears the index */
  SIM_SMS_ROUTE_TRANSFER, /* to the host only; nothing is stored */
} SimSmsRoute;

/* Classes 0-3, and messages without a class. */
#define SIM_SMS_N_CLASSES 5
#define SIM_SMS_CLASS_NONE 4

typedef enum {
  SIM_SMS_EVENT_STORED,      /* mem + index: a message or report was stored */
  SIM_SMS_EVENT_TRANSFERRED, /* pdu: a message or report for the host only */
  SIM_SMS_EVENT_CBS_PAGE,    /* pdu: one 88-octet cell broadcast page */
} SimSmsEventKind;

typedef struct _SimSmsEvent {
  SimSmsEventKind kind;
  gboolean status_report;
  guint message_class; /* 0-3, SIM_SMS_CLASS_NONE */
  SimSmsMem mem;
  guint index;
  const guint8 *pdu;
  gsize len;
  guint tpdu_len; /* octets after the SMSC field */
} SimSmsEvent;

/* Why sends fail while a test says so (control command sms-fail). */
typedef enum {
  SIM_SMS_FAIL_NONE,
  SIM_SMS_FAIL_NETWORK_TIMEOUT,
  SIM_SMS_FAIL_SMSC_UNKNOWN,
} SimSmsFailure;

#define SIM_SMS_MAX_CBS_RANGES 64

typedef struct {
  guint16 first, last;
} SimCbsRange;

SimSmsStore *sim_sms_store_new(SimCore *core);
void sim_sms_store_free(SimSmsStore *store);
SimSmsStore *sim_core_sms(SimCore *core);

const char *sim_sms_mem_name(SimSmsMem mem);
gboolean sim_sms_mem_from_name(const char *name, SimSmsMem *mem);
guint sim_sms_store_capacity(SimSmsStore *store, SimSmsMem mem);
guint sim_sms_store_used(SimSmsStore *store, SimSmsMem mem);

/* Storage: indexes run from 0 to capacity - 1.  NULL for an empty index. */
const SimSmsRecord *sim_sms_store_get(SimSmsStore *store, SimSmsMem mem, guint index);
/* Writes into the first free index; FALSE when the storage is full. */
gboolean sim_sms_store_write(SimSmsStore *store, SimSmsMem mem, SimSmsStat stat, const guint8 *pdu,
                             gsize len, guint *index);
gboolean sim_sms_store_delete(SimSmsStore *store, SimSmsMem mem, guint index);
void sim_sms_store_set_stat(SimSmsStore *store, SimSmsMem mem, guint index, SimSmsStat stat);
/* The used indexes of mem, in order (GArray of guint). */
GArray *sim_sms_store_indexes(SimSmsStore *store, SimSmsMem mem);

/* The host's routing. */
void sim_sms_store_set_route(SimSmsStore *store, guint message_class, SimSmsRoute route);
SimSmsRoute sim_sms_store_route(SimSmsStore *store, guint message_class);
void sim_sms_store_set_report_route(SimSmsStore *store, SimSmsRoute route);
SimSmsRoute sim_sms_store_report_route(SimSmsStore *store);
/* Where routed messages are stored (AT +CPMS <mem3>, QMI route storage). */
void sim_sms_store_set_receive_mem(SimSmsStore *store, SimSmsMem mem);
SimSmsMem sim_sms_store_receive_mem(SimSmsStore *store);

/* A send from the host: an SMS-SUBMIT with its SMSC field.  Records it and
 * answers the message reference the network gave (TRUE), or why it failed:
 * not an SMS-SUBMIT (PDU), or the failure a test set (sms-fail). */
typedef enum {
  SIM_SMS_SEND_OK,
  SIM_SMS_SEND_BAD_PDU,
  SIM_SMS_SEND_FAILED,
} SimSmsSendResult;
SimSmsSendResult sim_sms_store_send(SimSmsStore *store, const guint8 *pdu, gsize len,
                                    guint8 *reference);
SimSmsFailure sim_sms_store_failure(SimSmsStore *store);
void sim_sms_store_set_failure(SimSmsStore *store, SimSmsFailure failure);
/* The octets after the SMSC field of pdu, or -1 if its SMSC field does not fit. */
int sim_sms_tpdu_len(const guint8 *pdu, gsize len);

/* Cell broadcast: the channels the host selected and whether reception is on. */
void sim_sms_store_set_cbs_channels(SimSmsStore *store, const SimCbsRange *ranges, guint n);
const SimCbsRange *sim_sms_store_cbs_channels(SimSmsStore *store, guint *n);
void sim_sms_store_set_cbs_active(SimSmsStore *store, gboolean active);
gboolean sim_sms_store_cbs_active(SimSmsStore *store);
gboolean sim_sms_store_cbs_accepts(SimSmsStore *store, guint16 channel);

/* ---- sim-sms-network.c: what the network sends, and the control commands ---- */

void sim_sms_network_register(SimSmsStore *store, SimCore *core);

/* ---- for sim-sms-network.c ---- */

/* Routes one PDU from the network (stored or transferred, then announced);
 * FALSE with error when the storage it must go to is full. */
gboolean sim_sms_store_receive(SimSmsStore *store, const guint8 *pdu, gsize len,
                               gboolean status_report, guint message_class, GError **error);
void sim_sms_store_broadcast(SimSmsStore *store, const guint8 *page, gsize len);
/* The recipient of the last message sent with reference, or NULL. */
const char *sim_sms_store_sent_recipient(SimSmsStore *store, guint8 reference);
/* The sends so far, "REF:HEX" each, blank separated. */
char *sim_sms_store_describe_sent(SimSmsStore *store);

G_END_DECLS
