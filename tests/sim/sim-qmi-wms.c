/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI WMS, wireless messaging: the SMS storages (UIM = the SIM's
 * SM, NV = the modem's ME) with raw read, write, list, tags and delete;
 * raw send and send from storage; routes, which decide whether a message
 * from the network is stored (and announced by storage and index) or handed
 * to the host in the indication (transfer only: the host acks it; transfer
 * and ack: the modem does); status reports are stored or transferred as
 * "transfer status report" says; cell broadcast configuration and
 * activation, and the pages in the event report indication.
 */
#include "sim-qmi.h"

#include "sim-sms-store.h"

enum { STORAGE_UIM = 0, STORAGE_NV = 1 };
enum { TAG_MT_READ = 0, TAG_MT_NOT_READ = 1, TAG_MO_SENT = 2, TAG_MO_NOT_SENT = 3 };
enum { FORMAT_GSM_WCDMA_PP = 6, FORMAT_GSM_WCDMA_BROADCAST = 7 };
enum { MODE_GSM_WCDMA = 1 };
enum {
  ACTION_DISCARD = 0,
  ACTION_STORE_AND_NOTIFY = 1,
  ACTION_TRANSFER_ONLY = 2,
  ACTION_TRANSFER_AND_ACK = 3,
};
enum { ACK_SEND = 0, ACK_DONT_SEND = 1 };
/* QMI errors of the messaging service */
enum {
  ERR_INVALID_INDEX = 49,
  ERR_NO_ENTRY = 50,
  ERR_DEVICE_STORAGE_FULL = 51,
  ERR_WMS_MESSAGE_NOT_SENT = 55,
  ERR_WMS_ENCODING = 58,
  ERR_WMS_SMSC_ADDRESS = 73,
};

#define EVENT_REPORT 0x0001
#define MAX_ROUTES 16

/* What the host set, for the whole modem as on real ones. */
static struct {
  guint8 actions[SIM_SMS_N_CLASSES]; /* point-to-point, by class */
  gboolean transfer_reports;
  guint32 next_transaction;
} wms = { { ACTION_STORE_AND_NOTIFY, ACTION_STORE_AND_NOTIFY, ACTION_STORE_AND_NOTIFY,
            ACTION_STORE_AND_NOTIFY, ACTION_STORE_AND_NOTIFY },
          FALSE,
          1 };

static SimSmsStore *
store_of(SimQmi *q)
{
  return sim_core_sms(q->core);
}

static gboolean
mem_of_storage(guint8 storage, SimSmsMem *mem)
{
  if (storage > STORAGE_NV)
    return FALSE;
  *mem = storage == STORAGE_UIM ? SIM_SMS_MEM_SM : SIM_SMS_MEM_ME;
  return TRUE;
}

static guint8
storage_of_mem(SimSmsMem mem)
{
  return mem == SIM_SMS_MEM_SM ? STORAGE_UIM : STORAGE_NV;
}

static guint8
tag_of(SimSmsStat stat)
{
  static const guint8 map[] = { TAG_MT_NOT_READ, TAG_MT_READ, TAG_MO_NOT_SENT, TAG_MO_SENT };

  return map[stat];
}

static SimSmsStat
stat_of(guint8 tag)
{
  static const SimSmsStat map[]
      = { SIM_SMS_REC_READ, SIM_SMS_REC_UNREAD, SIM_SMS_STO_SENT, SIM_SMS_STO_UNSENT };

  return map[tag & 3];
}

/* n raw bytes from the cursor, or NULL when the TLV is shorter */
static const guint8 *
cursor_bytes(QmiCursor *c, gsize n)
{
  const guint8 *p = c->p;

  if (!c->ok || c->n < n) {
    c->ok = FALSE;
    return NULL;
  }
  c->p += n;
  c->n -= n;
  return p;
}

/* ---- event reports ---- */

static guint16
wms_reset(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  r->client->wms_event_report = FALSE;
  return ERR_NONE;
}

static guint16
wms_set_event_report(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 report;

  if (qmi_get_u8(r, 0x10, &report))
    r->client->wms_event_report = report != 0;
  return ERR_NONE;
}

static void
describe_event_report(const QmiReq *r, GString *s)
{
  guint8 report;

  if (qmi_get_u8(r, 0x10, &report))
    g_string_append_printf(s, " new-mt-message=%u", report);
}

/* ---- storage ---- */

static guint16
wms_raw_write(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 storage, format;
  guint16 len;
  const guint8 *pdu;
  SimSmsMem mem;
  guint index;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  storage = qmi_cursor_u8(&c);
  format = qmi_cursor_u8(&c);
  len = qmi_cursor_u16(&c);
  pdu = cursor_bytes(&c, len);
  if (!pdu || !mem_of_storage(storage, &mem) || format != FORMAT_GSM_WCDMA_PP)
    return ERR_MALFORMED_MESSAGE;
  if (!sim_sms_store_write(store_of(q), mem, SIM_SMS_STO_UNSENT, pdu, len, &index))
    return ERR_DEVICE_STORAGE_FULL;
  qmi_tlv_u32(out, 0x01, index);
  return ERR_NONE;
}

/* TLV 0x01 (storage, index) of Raw Read and Modify Tag */
static const SimSmsRecord *
addressed_record(SimQmi *q, const QmiReq *r, SimSmsMem *mem, guint32 *index, guint16 *err)
{
  QmiCursor c;
  const SimSmsRecord *record;

  *err = ERR_MISSING_ARGUMENT;
  if (!qmi_cursor_init(&c, r, 0x01))
    return NULL;
  *err = ERR_MALFORMED_MESSAGE;
  if (!mem_of_storage(qmi_cursor_u8(&c), mem))
    return NULL;
  *index = qmi_cursor_u32(&c);
  if (!c.ok)
    return NULL;
  record = sim_sms_store_get(store_of(q), *mem, *index);
  *err = record ? ERR_NONE : ERR_INVALID_INDEX;
  return record;
}

static guint16
wms_raw_read(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimSmsMem mem;
  guint32 index;
  guint16 err;
  const SimSmsRecord *record = addressed_record(q, r, &mem, &index, &err);
  gsize t;

  if (!record)
    return err;
  t = qmi_tlv_open(out, 0x01);
  qmi_put_u8(out, tag_of(record->stat));
  qmi_put_u8(out, FORMAT_GSM_WCDMA_PP);
  qmi_put_u16(out, record->pdu->len);
  qmi_put_bytes(out, record->pdu->data, record->pdu->len);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static guint16
wms_modify_tag(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimSmsMem mem;
  guint32 index;
  guint16 err;
  QmiCursor c;

  if (!addressed_record(q, r, &mem, &index, &err))
    return err;
  qmi_cursor_init(&c, r, 0x01);
  cursor_bytes(&c, 5);
  sim_sms_store_set_stat(store_of(q), mem, index, stat_of(qmi_cursor_u8(&c)));
  return c.ok ? ERR_NONE : ERR_MALFORMED_MESSAGE;
}

static void
describe_addressed(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x01)) {
    guint8 storage = qmi_cursor_u8(&c);
    guint32 index = qmi_cursor_u32(&c);

    if (c.ok)
      g_string_append_printf(s, " storage=%u index=%u", storage, index);
  }
}

static guint16
wms_delete(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 storage, tag;
  guint32 index;
  gboolean by_tag;
  g_autoptr(GArray) indexes = NULL;
  SimSmsMem mem;

  if (!qmi_get_u8(r, 0x01, &storage))
    return ERR_MISSING_ARGUMENT;
  if (!mem_of_storage(storage, &mem))
    return ERR_MALFORMED_MESSAGE;
  if (qmi_get_u32(r, 0x10, &index))
    return sim_sms_store_delete(store_of(q), mem, index) ? ERR_NONE : ERR_INVALID_INDEX;
  by_tag = qmi_get_u8(r, 0x11, &tag);
  indexes = sim_sms_store_indexes(store_of(q), mem);
  for (guint i = 0; i < indexes->len; i++) {
    guint at = g_array_index(indexes, guint, i);

    if (!by_tag || tag_of(sim_sms_store_get(store_of(q), mem, at)->stat) == tag)
      sim_sms_store_delete(store_of(q), mem, at);
  }
  return ERR_NONE;
}

static void
describe_delete(const QmiReq *r, GString *s)
{
  guint8 storage;
  guint32 index;

  if (qmi_get_u8(r, 0x01, &storage))
    g_string_append_printf(s, " storage=%u", storage);
  if (qmi_get_u32(r, 0x10, &index))
    g_string_append_printf(s, " index=%u", index);
}

static guint16
wms_list_messages(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 storage, tag;
  gboolean by_tag = qmi_get_u8(r, 0x11, &tag);
  g_autoptr(GArray) indexes = NULL;
  g_autoptr(GByteArray) list = g_byte_array_new();
  guint32 n = 0;
  SimSmsMem mem;

  if (!qmi_get_u8(r, 0x01, &storage))
    return ERR_MISSING_ARGUMENT;
  if (!mem_of_storage(storage, &mem))
    return ERR_MALFORMED_MESSAGE;
  indexes = sim_sms_store_indexes(store_of(q), mem);
  for (guint i = 0; i < indexes->len; i++) {
    guint at = g_array_index(indexes, guint, i);
    guint8 record_tag = tag_of(sim_sms_store_get(store_of(q), mem, at)->stat);

    if (by_tag && record_tag != tag)
      continue;
    qmi_put_u32(list, at);
    qmi_put_u8(list, record_tag);
    n++;
  }
  gsize t = qmi_tlv_open(out, 0x01);
  qmi_put_u32(out, n);
  qmi_put_bytes(out, list->data, list->len);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_list(const QmiReq *r, GString *s)
{
  guint8 v;

  if (qmi_get_u8(r, 0x01, &v))
    g_string_append_printf(s, " storage=%u", v);
  if (qmi_get_u8(r, 0x11, &v))
    g_string_append_printf(s, " tag=%u", v);
}

/* ---- sending ---- */

static guint16
send_failure(SimQmi *q)
{
  return sim_sms_store_failure(store_of(q)) == SIM_SMS_FAIL_SMSC_UNKNOWN ? ERR_WMS_SMSC_ADDRESS
                                                                         : ERR_WMS_MESSAGE_NOT_SENT;
}

static guint16
send_pdu(SimQmi *q, const guint8 *pdu, gsize len, guint8 id_tlv, GByteArray *out)
{
  guint8 reference;

  switch (sim_sms_store_send(store_of(q), pdu, len, &reference)) {
    case SIM_SMS_SEND_BAD_PDU:
      return ERR_WMS_ENCODING;
    case SIM_SMS_SEND_FAILED:
      return send_failure(q);
    case SIM_SMS_SEND_OK:
      break;
  }
  qmi_tlv_u16(out, id_tlv, reference);
  return ERR_NONE;
}

static guint16
wms_raw_send(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 format;
  guint16 len;
  const guint8 *pdu;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  format = qmi_cursor_u8(&c);
  len = qmi_cursor_u16(&c);
  pdu = cursor_bytes(&c, len);
  if (!pdu || format != FORMAT_GSM_WCDMA_PP)
    return ERR_MALFORMED_MESSAGE;
  return send_pdu(q, pdu, len, 0x01, out);
}

static void
describe_raw(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x01))
    g_string_append_printf(s, " bytes=%zu", c.n);
}

static guint16
wms_send_from_storage(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimSmsMem mem;
  guint32 index;
  guint16 err;
  const SimSmsRecord *record = addressed_record(q, r, &mem, &index, &err);

  if (!record)
    return err;
  err = send_pdu(q, record->pdu->data, record->pdu->len, 0x10, out);
  if (err == ERR_NONE)
    sim_sms_store_set_stat(store_of(q), mem, index, SIM_SMS_STO_SENT);
  return err;
}

static guint16
wms_send_ack(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint32 transaction;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  transaction = qmi_cursor_u32(&c);
  if (!c.ok)
    return ERR_MALFORMED_MESSAGE;
  sim_core_log(q->core, "event: sms transaction %u acked", transaction);
  return ERR_NONE;
}

/* ---- routes ---- */

static guint16
wms_set_routes(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint16 n;
  guint8 transfer;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  n = qmi_cursor_u16(&c);
  if (!c.ok || n > MAX_ROUTES || c.n < 4u * n)
    return ERR_MALFORMED_MESSAGE;
  for (guint i = 0; i < n; i++) {
    guint8 type = qmi_cursor_u8(&c), klass = qmi_cursor_u8(&c);
    guint8 storage = qmi_cursor_u8(&c), action = qmi_cursor_u8(&c);
    SimSmsMem mem;

    if (type != 0 || klass >= SIM_SMS_N_CLASSES || action > ACTION_TRANSFER_AND_ACK)
      continue; /* broadcast or CDMA routes: nothing to keep */
    wms.actions[klass] = action;
    sim_sms_store_set_route(store_of(q), klass,
                            action == ACTION_STORE_AND_NOTIFY ? SIM_SMS_ROUTE_STORE
                                                              : SIM_SMS_ROUTE_TRANSFER);
    if (action == ACTION_STORE_AND_NOTIFY && mem_of_storage(storage, &mem))
      sim_sms_store_set_receive_mem(store_of(q), mem);
  }
  if (qmi_get_u8(r, 0x10, &transfer)) {
    wms.transfer_reports = transfer == 1;
    sim_sms_store_set_report_route(store_of(q),
                                   transfer == 1 ? SIM_SMS_ROUTE_TRANSFER : SIM_SMS_ROUTE_STORE);
  }
  return ERR_NONE;
}

static guint16
wms_get_routes(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  gsize t = qmi_tlv_open(out, 0x01);
  guint8 storage = storage_of_mem(sim_sms_store_receive_mem(store_of(q)));

  qmi_put_u16(out, SIM_SMS_N_CLASSES);
  for (guint8 klass = 0; klass < SIM_SMS_N_CLASSES; klass++) {
    qmi_put_u8(out, 0);
    qmi_put_u8(out, klass);
    qmi_put_u8(out, wms.actions[klass] == ACTION_STORE_AND_NOTIFY ? storage : 0xFF);
    qmi_put_u8(out, wms.actions[klass]);
  }
  qmi_tlv_close(out, t);
  qmi_tlv_u8(out, 0x10, wms.transfer_reports ? 1 : 0);
  return ERR_NONE;
}

/* ---- cell broadcast ---- */

static guint16
wms_set_broadcast_activation(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  QmiCursor c;
  guint8 mode, activate;

  if (!qmi_cursor_init(&c, r, 0x01))
    return ERR_MISSING_ARGUMENT;
  mode = qmi_cursor_u8(&c);
  activate = qmi_cursor_u8(&c);
  if (!c.ok || mode != MODE_GSM_WCDMA)
    return ERR_MALFORMED_MESSAGE;
  sim_sms_store_set_cbs_active(store_of(q), activate != 0);
  return ERR_NONE;
}

static guint16
wms_set_broadcast_config(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  SimCbsRange ranges[SIM_SMS_MAX_CBS_RANGES];
  guint n_selected = 0;
  QmiCursor c;
  guint16 n;

  if (!qmi_cursor_init(&c, r, 0x10))
    return ERR_MISSING_ARGUMENT;
  n = qmi_cursor_u16(&c);
  if (!c.ok || n > SIM_SMS_MAX_CBS_RANGES || c.n < 5u * n)
    return ERR_MALFORMED_MESSAGE;
  for (guint i = 0; i < n; i++) {
    guint16 first = qmi_cursor_u16(&c), last = qmi_cursor_u16(&c);

    if (qmi_cursor_u8(&c) && first <= last)
      ranges[n_selected++] = (SimCbsRange){ first, last };
  }
  sim_sms_store_set_cbs_channels(store_of(q), ranges, n_selected);
  return ERR_NONE;
}

static guint16
wms_get_broadcast_config(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint n;
  const SimCbsRange *ranges = sim_sms_store_cbs_channels(store_of(q), &n);
  gsize t = qmi_tlv_open(out, 0x10);

  qmi_put_u8(out, sim_sms_store_cbs_active(store_of(q)) ? 1 : 0);
  qmi_put_u16(out, n);
  for (guint i = 0; i < n; i++) {
    qmi_put_u16(out, ranges[i].first);
    qmi_put_u16(out, ranges[i].last);
    qmi_put_u8(out, 1);
  }
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

static void
describe_broadcast_config(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (!qmi_cursor_init(&c, r, 0x10))
    return;
  for (guint16 n = qmi_cursor_u16(&c); c.ok && n > 0; n--) {
    guint16 first = qmi_cursor_u16(&c), last = qmi_cursor_u16(&c);
    guint8 selected = qmi_cursor_u8(&c);

    if (c.ok)
      g_string_append_printf(s, " %u-%u%s", first, last, selected ? "" : "(off)");
  }
}

/* ---- Get Supported Messages: one bit per message id ---- */

static guint16 wms_get_supported(SimQmi *q, const QmiReq *r, GByteArray *out);

static const QmiMsgDef wms_messages[] = {
  { 0x0000, "Reset", wms_reset, NULL },
  { 0x0001, "SetEventReport", wms_set_event_report, describe_event_report },
  { 0x001E, "GetSupportedMessages", wms_get_supported, NULL },
  { 0x0020, "RawSend", wms_raw_send, describe_raw },
  { 0x0021, "RawWrite", wms_raw_write, describe_raw },
  { 0x0022, "RawRead", wms_raw_read, describe_addressed },
  { 0x0023, "ModifyTag", wms_modify_tag, describe_addressed },
  { 0x0024, "Delete", wms_delete, describe_delete },
  { 0x0031, "ListMessages", wms_list_messages, describe_list },
  { 0x0032, "SetRoutes", wms_set_routes, NULL },
  { 0x0033, "GetRoutes", wms_get_routes, NULL },
  { 0x0037, "SendAck", wms_send_ack, NULL },
  { 0x003C, "SetBroadcastActivation", wms_set_broadcast_activation, NULL },
  { 0x003D, "SetBroadcastConfig", wms_set_broadcast_config, describe_broadcast_config },
  { 0x003E, "GetBroadcastConfig", wms_get_broadcast_config, NULL },
  { 0x0042, "SendFromMemoryStorage", wms_send_from_storage, describe_addressed },
};

static guint16
wms_get_supported(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  guint8 bits[9] = { 0 };
  gsize t = qmi_tlv_open(out, 0x10);

  for (gsize i = 0; i < G_N_ELEMENTS(wms_messages); i++)
    bits[wms_messages[i].msg / 8] |= (guint8)(1u << (wms_messages[i].msg % 8));
  qmi_put_u16(out, sizeof bits);
  qmi_put_bytes(out, bits, sizeof bits);
  qmi_tlv_close(out, t);
  return ERR_NONE;
}

/* ---- indications ---- */

static GByteArray *
event_report(const SimSmsEvent *event)
{
  GByteArray *tlvs = g_byte_array_new();

  if (event->kind == SIM_SMS_EVENT_STORED) {
    gsize t = qmi_tlv_open(tlvs, 0x10);

    qmi_put_u8(tlvs, storage_of_mem(event->mem));
    qmi_put_u32(tlvs, event->index);
    qmi_tlv_close(tlvs, t);
  } else {
    gboolean broadcast = event->kind == SIM_SMS_EVENT_CBS_PAGE;
    /* the host acks what it must (transfer only), never broadcasts */
    gboolean ack
        = !broadcast
          && (event->status_report || wms.actions[event->message_class] == ACTION_TRANSFER_ONLY);
    gsize t = qmi_tlv_open(tlvs, 0x11);

    qmi_put_u8(tlvs, ack ? ACK_SEND : ACK_DONT_SEND);
    qmi_put_u32(tlvs, wms.next_transaction++);
    qmi_put_u8(tlvs, broadcast ? FORMAT_GSM_WCDMA_BROADCAST : FORMAT_GSM_WCDMA_PP);
    qmi_put_u16(tlvs, event->len);
    qmi_put_bytes(tlvs, event->pdu, event->len);
    qmi_tlv_close(tlvs, t);
  }
  qmi_tlv_u8(tlvs, 0x12, MODE_GSM_WCDMA);
  return tlvs;
}

void
qmi_wms_event(SimQmi *q, const SimSmsEvent *event)
{
  g_autoptr(GByteArray) tlvs = event_report(event);
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init(&it, q->clients);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    QmiClient *c = value;

    if (c->service == SVC_WMS && c->wms_event_report)
      qmi_indicate(q, c, EVENT_REPORT, tlvs);
  }
}

const QmiService sim_qmi_service_wms = {
  .id = SVC_WMS,
  .name = "WMS",
  .major = 1,
  .minor = 10,
  .messages = wms_messages,
  .n_messages = G_N_ELEMENTS(wms_messages),
  .notify = NULL,
};
