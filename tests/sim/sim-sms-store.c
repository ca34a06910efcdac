/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the SMS storages, the host's routing and the record of sends
 * (see sim-sms-store.h).
 */
#include "sim-sms-store.h"

#include "sim-control.h"
#include "sim-core-private.h"
#include "sim-sms.h"

#include <string.h>

/* A SIM holds a few dozen messages, a modem a few hundred: enough for the
 * benchmark's 250 and for a test to fill the SIM quickly. */
static const guint capacity[SIM_SMS_N_MEMS] = { 30, 300 };
static const char *const mem_names[SIM_SMS_N_MEMS] = { "SM", "ME" };

typedef struct {
  guint8 reference;
  char *recipient;
  char *hex;
} SentRecord;

struct _SimSmsStore {
  SimCore *core;
  GPtrArray *mems[SIM_SMS_N_MEMS]; /* SimSmsRecord or NULL, one per index */
  SimSmsRoute routes[SIM_SMS_N_CLASSES];
  SimSmsRoute report_route;
  SimSmsMem receive_mem;
  GPtrArray *sent; /* SentRecord */
  guint8 next_reference;
  SimSmsFailure failure;
  SimCbsRange cbs[SIM_SMS_MAX_CBS_RANGES];
  guint n_cbs;
  gboolean cbs_active;
};

static void
record_free(SimSmsRecord *record)
{
  if (!record)
    return;
  g_byte_array_unref(record->pdu);
  g_free(record);
}

static void
sent_record_free(SentRecord *sent)
{
  g_free(sent->recipient);
  g_free(sent->hex);
  g_free(sent);
}

SimSmsStore *
sim_sms_store_new(SimCore *core)
{
  SimSmsStore *store = g_new0(SimSmsStore, 1);

  store->core = core;
  for (guint m = 0; m < SIM_SMS_N_MEMS; m++) {
    store->mems[m] = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
    g_ptr_array_set_size(store->mems[m], capacity[m]);
  }
  /* Until the host says otherwise, a modem keeps what arrives. */
  for (guint c = 0; c < SIM_SMS_N_CLASSES; c++)
    store->routes[c] = SIM_SMS_ROUTE_STORE;
  store->report_route = SIM_SMS_ROUTE_STORE;
  store->receive_mem = SIM_SMS_MEM_ME;
  store->sent = g_ptr_array_new_with_free_func((GDestroyNotify)sent_record_free);
  /* References of the network, not the host's TP-MR: the host must use what
   * the modem answers. */
  store->next_reference = 0x40;
  sim_sms_network_register(store, core);
  return store;
}

void
sim_sms_store_free(SimSmsStore *store)
{
  if (!store)
    return;
  for (guint m = 0; m < SIM_SMS_N_MEMS; m++)
    g_ptr_array_unref(store->mems[m]);
  g_ptr_array_unref(store->sent);
  g_free(store);
}

SimSmsStore *
sim_core_sms(SimCore *core)
{
  return core->sms;
}

const char *
sim_sms_mem_name(SimSmsMem mem)
{
  return mem < SIM_SMS_N_MEMS ? mem_names[mem] : "?";
}

gboolean
sim_sms_mem_from_name(const char *name, SimSmsMem *mem)
{
  for (guint m = 0; m < SIM_SMS_N_MEMS; m++) {
    if (g_ascii_strcasecmp(name, mem_names[m]) == 0) {
      *mem = m;
      return TRUE;
    }
  }
  return FALSE;
}

guint
sim_sms_store_capacity(SimSmsStore *store, SimSmsMem mem)
{
  return store->mems[mem]->len;
}

guint
sim_sms_store_used(SimSmsStore *store, SimSmsMem mem)
{
  guint used = 0;

  for (guint i = 0; i < store->mems[mem]->len; i++)
    used += g_ptr_array_index(store->mems[mem], i) != NULL;
  return used;
}

/* ---- storage ---- */

const SimSmsRecord *
sim_sms_store_get(SimSmsStore *store, SimSmsMem mem, guint index)
{
  if (mem >= SIM_SMS_N_MEMS || index >= store->mems[mem]->len)
    return NULL;
  return g_ptr_array_index(store->mems[mem], index);
}

gboolean
sim_sms_store_write(SimSmsStore *store, SimSmsMem mem, SimSmsStat stat, const guint8 *pdu,
                    gsize len, guint *index)
{
  GPtrArray *slots = store->mems[mem];

  for (guint i = 0; i < slots->len; i++) {
    SimSmsRecord *record;

    if (g_ptr_array_index(slots, i))
      continue;
    record = g_new0(SimSmsRecord, 1);
    record->stat = stat;
    record->pdu = g_byte_array_new();
    g_byte_array_append(record->pdu, pdu, (guint)len);
    slots->pdata[i] = record;
    *index = i;
    sim_core_log(store->core, "event: sms stored %s %u stat=%d", mem_names[mem], i, stat);
    return TRUE;
  }
  return FALSE;
}

gboolean
sim_sms_store_delete(SimSmsStore *store, SimSmsMem mem, guint index)
{
  GPtrArray *slots = store->mems[mem];

  if (index >= slots->len || !g_ptr_array_index(slots, index))
    return FALSE;
  record_free(g_ptr_array_index(slots, index));
  slots->pdata[index] = NULL;
  sim_core_log(store->core, "event: sms deleted %s %u", mem_names[mem], index);
  return TRUE;
}

void
sim_sms_store_set_stat(SimSmsStore *store, SimSmsMem mem, guint index, SimSmsStat stat)
{
  SimSmsRecord *record = (SimSmsRecord *)sim_sms_store_get(store, mem, index);

  if (record)
    record->stat = stat;
}

GArray *
sim_sms_store_indexes(SimSmsStore *store, SimSmsMem mem)
{
  GArray *indexes = g_array_new(FALSE, FALSE, sizeof(guint));

  for (guint i = 0; i < store->mems[mem]->len; i++)
    if (g_ptr_array_index(store->mems[mem], i))
      g_array_append_val(indexes, i);
  return indexes;
}

/* ---- routing ---- */

void
sim_sms_store_set_route(SimSmsStore *store, guint message_class, SimSmsRoute route)
{
  if (message_class < SIM_SMS_N_CLASSES)
    store->routes[message_class] = route;
}

SimSmsRoute
sim_sms_store_route(SimSmsStore *store, guint message_class)
{
  return store->routes[MIN(message_class, SIM_SMS_CLASS_NONE)];
}

void
sim_sms_store_set_report_route(SimSmsStore *store, SimSmsRoute route)
{
  store->report_route = route;
}

SimSmsRoute
sim_sms_store_report_route(SimSmsStore *store)
{
  return store->report_route;
}

void
sim_sms_store_set_receive_mem(SimSmsStore *store, SimSmsMem mem)
{
  store->receive_mem = mem;
}

SimSmsMem
sim_sms_store_receive_mem(SimSmsStore *store)
{
  return store->receive_mem;
}

gboolean
sim_sms_store_receive(SimSmsStore *store, const guint8 *pdu, gsize len, gboolean status_report,
                      guint message_class, GError **error)
{
  SimSmsRoute route
      = status_report ? store->report_route : sim_sms_store_route(store, message_class);
  SimSmsEvent event = {
    .status_report = status_report,
    .message_class = MIN(message_class, SIM_SMS_CLASS_NONE),
    .pdu = pdu,
    .len = len,
  };
  int tpdu_len = sim_sms_tpdu_len(pdu, len);

  event.tpdu_len = tpdu_len < 0 ? 0 : (guint)tpdu_len;
  if (route == SIM_SMS_ROUTE_TRANSFER) {
    event.kind = SIM_SMS_EVENT_TRANSFERRED;
    sim_core_log(store->core, "event: sms %s for the host only",
                 status_report ? "status report" : "message");
  } else {
    event.kind = SIM_SMS_EVENT_STORED;
    event.mem = store->receive_mem;
    if (!sim_sms_store_write(store, event.mem, SIM_SMS_REC_UNREAD, pdu, len, &event.index)) {
      g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "%s storage is full",
                  mem_names[event.mem]);
      return FALSE;
    }
  }
  sim_core_notify(store->core, SIM_NOTIFY_SMS, &event);
  return TRUE;
}

void
sim_sms_store_broadcast(SimSmsStore *store, const guint8 *page, gsize len)
{
  SimSmsEvent event = {
    .kind = SIM_SMS_EVENT_CBS_PAGE,
    .message_class = SIM_SMS_CLASS_NONE,
    .pdu = page,
    .len = len,
    .tpdu_len = len,
  };

  sim_core_notify(store->core, SIM_NOTIFY_SMS, &event);
}

/* ---- sending ---- */

int
sim_sms_tpdu_len(const guint8 *pdu, gsize len)
{
  if (len == 0 || (gsize)pdu[0] + 1 > len)
    return -1;
  return (int)(len - 1 - pdu[0]);
}

SimSmsSendResult
sim_sms_store_send(SimSmsStore *store, const guint8 *pdu, gsize len, guint8 *reference)
{
  SimSmsSubmit submit;
  SentRecord *sent;

  if (!sim_sms_decode_submit(pdu, len, TRUE, &submit)) {
    sim_core_log(store->core, "event: sms send refused: not an SMS-SUBMIT");
    return SIM_SMS_SEND_BAD_PDU;
  }
  if (store->failure != SIM_SMS_FAIL_NONE) {
    sim_core_log(store->core, "event: sms send to %s failed as scripted", submit.destination);
    sim_sms_submit_clear(&submit);
    return SIM_SMS_SEND_FAILED;
  }
  sent = g_new0(SentRecord, 1);
  sent->reference = store->next_reference++;
  sent->recipient = g_strdup(submit.destination);
  sent->hex = g_malloc(2 * len + 1);
  for (gsize i = 0; i < len; i++)
    g_snprintf(sent->hex + 2 * i, 3, "%02X", pdu[i]);
  g_ptr_array_add(store->sent, sent);
  sim_core_log(
      store->core, "event: sms sent ref=%u to=%s part=%u/%u srr=%d pdu=%s", sent->reference,
      submit.destination, submit.concatenated ? submit.concat_sequence : 1,
      submit.concatenated ? submit.concat_total : 1, submit.status_report_request, sent->hex);
  *reference = sent->reference;
  sim_sms_submit_clear(&submit);
  return SIM_SMS_SEND_OK;
}

SimSmsFailure
sim_sms_store_failure(SimSmsStore *store)
{
  return store->failure;
}

void
sim_sms_store_set_failure(SimSmsStore *store, SimSmsFailure failure)
{
  store->failure = failure;
}

const char *
sim_sms_store_sent_recipient(SimSmsStore *store, guint8 reference)
{
  for (guint i = store->sent->len; i-- > 0;) {
    SentRecord *sent = g_ptr_array_index(store->sent, i);

    if (sent->reference == reference)
      return sent->recipient;
  }
  return NULL;
}

char *
sim_sms_store_describe_sent(SimSmsStore *store)
{
  GString *out = g_string_new(NULL);

  for (guint i = 0; i < store->sent->len; i++) {
    SentRecord *sent = g_ptr_array_index(store->sent, i);

    g_string_append_printf(out, "%s%u:%s", i ? " " : "", sent->reference, sent->hex);
  }
  return g_string_free(out, FALSE);
}

/* ---- cell broadcast ---- */

void
sim_sms_store_set_cbs_channels(SimSmsStore *store, const SimCbsRange *ranges, guint n)
{
  store->n_cbs = MIN(n, SIM_SMS_MAX_CBS_RANGES);
  if (store->n_cbs)
    memcpy(store->cbs, ranges, store->n_cbs * sizeof(*ranges));
  sim_core_log(store->core, "event: cbs channels set (%u range(s))", store->n_cbs);
}

const SimCbsRange *
sim_sms_store_cbs_channels(SimSmsStore *store, guint *n)
{
  *n = store->n_cbs;
  return store->cbs;
}

void
sim_sms_store_set_cbs_active(SimSmsStore *store, gboolean active)
{
  store->cbs_active = active;
  sim_core_log(store->core, "event: cbs %s", active ? "on" : "off");
}

gboolean
sim_sms_store_cbs_active(SimSmsStore *store)
{
  return store->cbs_active;
}

gboolean
sim_sms_store_cbs_accepts(SimSmsStore *store, guint16 channel)
{
  if (!store->cbs_active)
    return FALSE;
  for (guint i = 0; i < store->n_cbs; i++)
    if (channel >= store->cbs[i].first && channel <= store->cbs[i].last)
      return TRUE;
  return FALSE;
}
