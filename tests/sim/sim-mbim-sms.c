/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the MBIM SMS service (MBIM 1.0 10.5.x): configuration, read
 * (all, new, old, sent, drafts, or one index), send, delete, and the message
 * store status.  An MBIM function has one message store: here the modem's
 * (ME) storage, with MBIM's 1-based indexes (index i is the store's i - 1).
 * A stored message is announced with a store status notification; a message
 * the host's routing keeps out of storage (class 0) comes as a read
 * notification with index 0.
 */
#include "sim-mbim.h"

#include "sim-sms-store.h"

const guint8 mbim_uuid_sms[16] = { 0x53, 0x3f, 0xbe, 0xeb, 0x14, 0xfe, 0x44, 0x67,
                                   0x9f, 0x90, 0x33, 0xa2, 0x23, 0xe5, 0x6c, 0x3f };

enum {
  CID_SMS_CONFIGURATION = 1,
  CID_SMS_READ = 2,
  CID_SMS_SEND = 3,
  CID_SMS_DELETE = 4,
  CID_SMS_MESSAGE_STORE_STATUS = 5,
};

enum { FORMAT_PDU = 0 };
enum { FLAG_ALL = 0, FLAG_INDEX = 1, FLAG_NEW = 2, FLAG_OLD = 3, FLAG_SENT = 4, FLAG_DRAFT = 5 };
enum { STATUS_NEW = 0, STATUS_OLD = 1, STATUS_DRAFT = 2, STATUS_SENT = 3 };
enum { STORE_FLAG_NONE = 0, STORE_FLAG_FULL = 1, STORE_FLAG_NEW_MESSAGE = 2 };
enum {
  ST_MEMORY_FAILURE = 29,
  ST_INVALID_MEMORY_INDEX = 30,
  ST_MEMORY_FULL = 31,
  ST_SMS_UNKNOWN_SMSC_ADDRESS = 100,
  ST_SMS_NETWORK_TIMEOUT = 101,
  ST_SMS_FORMAT_NOT_SUPPORTED = 104,
};

#define SMSC "+4917000000"

static SimSmsStore *
store_of(SimMbim *m)
{
  return sim_core_sms(m->core);
}

static SimSmsMem
mem_of(SimMbim *m)
{
  return sim_sms_store_receive_mem(store_of(m));
}

static guint32
status_of(SimSmsStat stat)
{
  static const guint32 map[] = { STATUS_NEW, STATUS_OLD, STATUS_DRAFT, STATUS_SENT };

  return map[stat];
}

/* ---- configuration ---- */

static guint32
h_configuration(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint32 format;
  MbimBuf b;

  if (r->type == 1 && (!mbim_read_u32(r, 0, &format) || format != FORMAT_PDU))
    return ST_SMS_FORMAT_NOT_SUPPORTED;
  mbim_buf_init(&b, 24);
  mbim_buf_u32(&b, 1); /* storage initialized */
  mbim_buf_u32(&b, FORMAT_PDU);
  mbim_buf_u32(&b, sim_sms_store_capacity(store_of(m), mem_of(m)));
  mbim_buf_u32(&b, 0); /* CDMA short message size */
  mbim_buf_str(&b, SMSC);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

/* ---- read ---- */

/* One MBIM_SMS_PDU_RECORD: index, status, and the PDU by offset/size. */
static GByteArray *
pdu_record(guint32 index, guint32 status, const guint8 *pdu, gsize len)
{
  MbimBuf b;

  mbim_buf_init(&b, 16);
  mbim_buf_u32(&b, index);
  mbim_buf_u32(&b, status);
  mbim_buf_ref(&b, pdu, len);
  return mbim_buf_finish(&b);
}

/* MBIM_SMS_READ_INFO with the records (GByteArray each). */
static GByteArray *
read_info(GPtrArray *records)
{
  MbimBuf b;

  mbim_buf_init(&b, 8 + 8 * records->len);
  mbim_buf_u32(&b, FORMAT_PDU);
  mbim_buf_u32(&b, records->len);
  for (guint i = 0; i < records->len; i++) {
    GByteArray *record = g_ptr_array_index(records, i);

    mbim_buf_ref(&b, record->data, record->len);
  }
  return mbim_buf_finish(&b);
}

static gboolean
flag_matches(guint32 flag, SimSmsStat stat)
{
  switch (flag) {
    case FLAG_NEW:
      return stat == SIM_SMS_REC_UNREAD;
    case FLAG_OLD:
      return stat == SIM_SMS_REC_READ;
    case FLAG_SENT:
      return stat == SIM_SMS_STO_SENT;
    case FLAG_DRAFT:
      return stat == SIM_SMS_STO_UNSENT;
    default:
      return TRUE;
  }
}

static void
add_record(SimMbim *m, GPtrArray *records, guint index)
{
  const SimSmsRecord *record = sim_sms_store_get(store_of(m), mem_of(m), index);

  g_ptr_array_add(
      records, pdu_record(index + 1, status_of(record->stat), record->pdu->data, record->pdu->len));
  /* a message the host has read is no longer new */
  if (record->stat == SIM_SMS_REC_UNREAD)
    sim_sms_store_set_stat(store_of(m), mem_of(m), index, SIM_SMS_REC_READ);
}

static guint32
h_read(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
  guint32 format, flag, index;

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  if (!mbim_read_u32(r, 0, &format) || !mbim_read_u32(r, 4, &flag) || !mbim_read_u32(r, 8, &index)
      || flag > FLAG_DRAFT)
    return ST_INVALID_PARAMETERS;
  if (format != FORMAT_PDU)
    return ST_SMS_FORMAT_NOT_SUPPORTED;
  if (flag == FLAG_INDEX) {
    if (index == 0 || !sim_sms_store_get(store_of(m), mem_of(m), index - 1))
      return ST_INVALID_MEMORY_INDEX;
    add_record(m, records, index - 1);
  } else {
    g_autoptr(GArray) indexes = sim_sms_store_indexes(store_of(m), mem_of(m));

    for (guint i = 0; i < indexes->len; i++) {
      guint at = g_array_index(indexes, guint, i);

      if (flag_matches(flag, sim_sms_store_get(store_of(m), mem_of(m), at)->stat))
        add_record(m, records, at);
    }
  }
  *out = read_info(records);
  return ST_NONE;
}

/* ---- send ---- */

/* The PDU of MBIM_SET_SMS_SEND: DataBuffer (offset/size at 4) holds an
 * MBIM_SMS_SEND_PDU whose PduData offset is from its own start. */
static gboolean
send_pdu(const MbimReq *r, const guint8 **pdu, guint32 *len)
{
  guint32 at, size, pdu_at, pdu_len;
  MbimReq inner;

  if (!mbim_read_u32(r, 4, &at) || !mbim_read_u32(r, 8, &size) || at > r->len || size > r->len - at)
    return FALSE;
  inner = (MbimReq){ .buf = r->buf + at, .len = size };
  if (!mbim_read_u32(&inner, 0, &pdu_at) || !mbim_read_u32(&inner, 4, &pdu_len)
      || pdu_at > inner.len || pdu_len > inner.len - pdu_at)
    return FALSE;
  *pdu = inner.buf + pdu_at;
  *len = pdu_len;
  return TRUE;
}

static guint32
h_send(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  const guint8 *pdu;
  guint32 format, len;
  guint8 reference;
  MbimBuf b;

  if (r->type != 1)
    return ST_NO_DEVICE_SUPPORT;
  if (!mbim_read_u32(r, 0, &format) || !send_pdu(r, &pdu, &len))
    return ST_INVALID_PARAMETERS;
  if (format != FORMAT_PDU)
    return ST_SMS_FORMAT_NOT_SUPPORTED;
  switch (sim_sms_store_send(store_of(m), pdu, len, &reference)) {
    case SIM_SMS_SEND_BAD_PDU:
      return ST_INVALID_PARAMETERS;
    case SIM_SMS_SEND_FAILED:
      return sim_sms_store_failure(store_of(m)) == SIM_SMS_FAIL_SMSC_UNKNOWN
                 ? ST_SMS_UNKNOWN_SMSC_ADDRESS
                 : ST_SMS_NETWORK_TIMEOUT;
    case SIM_SMS_SEND_OK:
      break;
  }
  mbim_buf_init(&b, 4);
  mbim_buf_u32(&b, reference);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

/* ---- delete ---- */

static guint32
h_delete(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  g_autoptr(GArray) indexes = NULL;
  guint32 flag, index;

  if (r->type != 1)
    return ST_NO_DEVICE_SUPPORT;
  if (!mbim_read_u32(r, 0, &flag) || !mbim_read_u32(r, 4, &index) || flag > FLAG_DRAFT)
    return ST_INVALID_PARAMETERS;
  *out = g_byte_array_new();
  if (flag == FLAG_INDEX)
    return index && sim_sms_store_delete(store_of(m), mem_of(m), index - 1)
               ? ST_NONE
               : ST_INVALID_MEMORY_INDEX;
  indexes = sim_sms_store_indexes(store_of(m), mem_of(m));
  for (guint i = 0; i < indexes->len; i++) {
    guint at = g_array_index(indexes, guint, i);

    if (flag_matches(flag, sim_sms_store_get(store_of(m), mem_of(m), at)->stat))
      sim_sms_store_delete(store_of(m), mem_of(m), at);
  }
  return ST_NONE;
}

/* ---- store status ---- */

static GByteArray *
store_status(guint32 flag, guint32 index)
{
  MbimBuf b;

  mbim_buf_init(&b, 8);
  mbim_buf_u32(&b, flag);
  mbim_buf_u32(&b, index);
  return mbim_buf_finish(&b);
}

static guint32
h_store_status(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  SimSmsStore *store = store_of(m);
  gboolean full = sim_sms_store_used(store, mem_of(m)) == sim_sms_store_capacity(store, mem_of(m));

  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  *out = store_status(full ? STORE_FLAG_FULL : STORE_FLAG_NONE, 0);
  return ST_NONE;
}

static const MbimCmd commands[] = {
  { CID_SMS_CONFIGURATION, "Configuration", h_configuration },
  { CID_SMS_READ, "Read", h_read },
  { CID_SMS_SEND, "Send", h_send },
  { CID_SMS_DELETE, "Delete", h_delete },
  { CID_SMS_MESSAGE_STORE_STATUS, "MessageStoreStatus", h_store_status },
};

static const MbimCmd *
lookup(guint32 cid)
{
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (commands[i].cid == cid)
      return &commands[i];
  return NULL;
}

static void
describe(const MbimReq *r, GString *s)
{
  /* READ: format, flag, index; DELETE: flag, index */
  gsize at = r->cid == CID_SMS_READ ? 4 : 0;
  guint32 flag, index;

  if ((r->cid == CID_SMS_READ || r->cid == CID_SMS_DELETE) && mbim_read_u32(r, at, &flag)
      && mbim_read_u32(r, at + 4, &index))
    g_string_append_printf(s, " flag=%u index=%u", flag, index);
}

const MbimService mbim_service_sms = { mbim_uuid_sms, "Sms", lookup, describe };

void
mbim_sms_notify(SimMbim *m, gconstpointer data)
{
  const SimSmsEvent *event = data;
  g_autoptr(GByteArray) info = NULL;

  /* MBIM has no cell broadcast */
  if (event->kind == SIM_SMS_EVENT_CBS_PAGE)
    return;
  if (event->kind == SIM_SMS_EVENT_STORED) {
    info = store_status(STORE_FLAG_NEW_MESSAGE, event->index + 1);
    mbim_send_service_indication(m, mbim_uuid_sms, CID_SMS_MESSAGE_STORE_STATUS, info);
  } else {
    g_autoptr(GPtrArray) records
        = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);

    g_ptr_array_add(records, pdu_record(0, STATUS_NEW, event->pdu, event->len));
    info = read_info(records);
    mbim_send_service_indication(m, mbim_uuid_sms, CID_SMS_READ, info);
  }
}
