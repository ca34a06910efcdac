/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: what the network sends to the modem's SMS side, scripted with
 * control commands (tests/sim/README.md): messages split into parts as an
 * SMSC would, raw PDUs, status reports on what the host sent, and cell
 * broadcast pages; plus what a test asks of the storages and the sends.
 */
#include "sim-sms-store.h"

#include "sim-control.h"
#include "sim-sms.h"

#include <string.h>

#define SMSC "+4917000000"
#define MAX_PARTS 255

typedef struct {
  SimSmsStore *store;
  SimCore *core;
  guint8 next_concat_reference;
  guint16 next_message_code;
} SmsNetwork;

static SmsNetwork network;

static gboolean
bad_arguments(GError **error, const char *message)
{
  g_set_error_literal(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS, message);
  return FALSE;
}

/* The service centre's clock: now, in UTC. */
static SimSmsTime
network_now(void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  SimSmsTime t = {
    .year = g_date_time_get_year(now),
    .month = g_date_time_get_month(now),
    .day = g_date_time_get_day_of_month(now),
    .hour = g_date_time_get_hour(now),
    .minute = g_date_time_get_minute(now),
    .second = g_date_time_get_second(now),
    .offset_minutes = 0,
  };
  return t;
}

static void
append_time(GString *reply, const SimSmsTime *t)
{
  g_string_append_printf(reply, "scts=%04d-%02d-%02dT%02d:%02d:%02d+00:00", t->year, t->month,
                         t->day, t->hour, t->minute, t->second);
}

/* ---- messages ---- */

/* "3,1,2": which parts to deliver, in that order (each 1..total, once). */
static GArray *
parse_order(const char *order, guint total, GError **error)
{
  g_auto(GStrv) items = g_strsplit(order, ",", -1);
  g_autoptr(GArray) parts = g_array_new(FALSE, FALSE, sizeof(guint));
  g_autofree gboolean *seen = g_new0(gboolean, total + 1);

  for (char **item = items; *item; item++) {
    guint64 n;

    if (!g_ascii_string_to_unsigned(*item, 10, 1, total, &n, NULL) || seen[n]) {
      g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                  "ORDER must list parts from 1 to %u, each once", total);
      return NULL;
    }
    seen[n] = TRUE;
    g_array_append_val(parts, (guint){ (guint)n });
  }
  return g_steal_pointer(&parts);
}

static gboolean
receive_all(GPtrArray *pdus, GArray *order, GError **error)
{
  for (guint i = 0; i < order->len; i++) {
    GByteArray *pdu = g_ptr_array_index(pdus, g_array_index(order, guint, i) - 1);

    if (!sim_sms_store_receive(network.store, pdu->data, pdu->len, FALSE, SIM_SMS_CLASS_NONE,
                               error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
deliver(const char *order_text, const char *number, const char *text, GString *reply,
        GError **error)
{
  SimSmsDeliver d = {
    .smsc = SMSC,
    .originator = number,
    .text = text,
    .timestamp = network_now(),
    .reference = network.next_concat_reference++,
  };
  g_autoptr(GPtrArray) pdus = sim_sms_encode_deliver(&d);
  g_autoptr(GArray) order = NULL;

  if (!pdus)
    return bad_arguments(error, "NUMBER must be an optional + and up to 20 digits, and TEXT "
                                "must fit in 255 parts");
  if (order_text)
    order = parse_order(order_text, pdus->len, error);
  else
    order = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 1; !order_text && i <= pdus->len; i++)
    g_array_append_val(order, i);
  if (!order || !receive_all(pdus, order, error))
    return FALSE;
  g_string_append_printf(reply, "parts=%u ", pdus->len);
  append_time(reply, &d.timestamp);
  return TRUE;
}

static const SimControlArg deliver_args[] = {
  { "NUMBER", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "TEXT", SIM_CONTROL_ARG_TEXT, 0, 0, NULL },
};

static gboolean
sms_deliver(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  return deliver(NULL, args[0].word, args[1].word, reply, error);
}

static const SimControlArg deliver_parts_args[] = {
  { "ORDER", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "NUMBER", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
  { "TEXT", SIM_CONTROL_ARG_TEXT, 0, 0, NULL },
};

static gboolean
sms_deliver_parts(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  return deliver(args[0].word, args[1].word, args[2].word, reply, error);
}

/* The class of an SMS-DELIVER's data coding scheme (23.038 4), or
 * SIM_SMS_CLASS_NONE; anything else than a DELIVER has none. */
static guint
deliver_class(const guint8 *pdu, gsize len)
{
  gsize at = (gsize)pdu[0] + 1; /* first octet of the TPDU */
  guint8 dcs;

  if (at + 2 > len || (pdu[at] & 0x03) != 0)
    return SIM_SMS_CLASS_NONE;
  at += 3 + (pdu[at + 1] + 1) / 2; /* first octet, address length and type, digits */
  if (at + 2 > len)
    return SIM_SMS_CLASS_NONE;
  dcs = pdu[at + 1];
  if ((dcs & 0xC0) == 0x00 && (dcs & 0x10))
    return dcs & 0x03;
  if ((dcs & 0xF0) == 0xF0)
    return dcs & 0x03;
  return SIM_SMS_CLASS_NONE;
}

static const SimControlArg pdu_args[] = {
  { "HEX", SIM_CONTROL_ARG_WORD, 0, 0, NULL },
};

static gboolean
sms_deliver_pdu(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  const char *hex = args[0].word;
  gsize n = strlen(hex) / 2;
  g_autofree guint8 *pdu = g_malloc0(n + 1);
  int tpdu_len;

  for (gsize i = 0; i < n; i++) {
    int high = g_ascii_xdigit_value(hex[2 * i]), low = g_ascii_xdigit_value(hex[2 * i + 1]);

    if (high < 0 || low < 0)
      n = 0;
    else
      pdu[i] = (guint8)(high << 4 | low);
  }
  tpdu_len = sim_sms_tpdu_len(pdu, n);
  if (strlen(hex) % 2 || n == 0 || tpdu_len < 1)
    return bad_arguments(error, "HEX must be a PDU in hex digits, SMSC field first");
  return sim_sms_store_receive(network.store, pdu, n, (pdu[pdu[0] + 1] & 0x03) == 0x02,
                               deliver_class(pdu, n), error);
}

/* ---- status reports ---- */

static const char *const outcomes[] = { "delivered", "failed", NULL };

static const SimControlArg report_args[] = {
  { "REFERENCE", SIM_CONTROL_ARG_INT, 0, 255, NULL },
  { "OUTCOME", SIM_CONTROL_ARG_CHOICE, 0, 0, outcomes },
};

static gboolean
sms_status_report(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  guint8 reference = (guint8)args[0].integer;
  const char *recipient = sim_sms_store_sent_recipient(network.store, reference);
  /* 23.040 9.2.3.15: 0x00 received by the SME; 0x41 a permanent error
   * (incompatible destination). */
  guint8 status = args[1].choice == 0 ? 0x00 : 0x41;
  SimSmsTime now = network_now();
  g_autoptr(GByteArray) pdu = NULL;

  if (!recipient) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE,
                "no message was sent with reference %u", reference);
    return FALSE;
  }
  pdu = sim_sms_encode_status_report(SMSC, reference, recipient, status, &now, &now);
  if (!sim_sms_store_receive(network.store, pdu->data, pdu->len, TRUE, SIM_SMS_CLASS_NONE, error))
    return FALSE;
  append_time(reply, &now);
  return TRUE;
}

/* ---- what a test asks ---- */

static const char *const failures[] = { "none", "network-timeout", "smsc-unknown", NULL };

static const SimControlArg fail_args[] = {
  { "REASON", SIM_CONTROL_ARG_CHOICE, 0, 0, failures },
};

static gboolean
sms_fail(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  G_STATIC_ASSERT(SIM_SMS_FAIL_SMSC_UNKNOWN == 2);
  sim_sms_store_set_failure(network.store, (SimSmsFailure)args[0].choice);
  return TRUE;
}

static gboolean
sms_sent(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  g_autofree char *sent = sim_sms_store_describe_sent(network.store);

  g_string_append(reply, sent);
  return TRUE;
}

static const char *const mems[] = { "SM", "ME", NULL };

static const SimControlArg list_args[] = {
  { "MEM", SIM_CONTROL_ARG_CHOICE, 0, 0, mems },
};

static gboolean
sms_list(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimSmsMem mem = (SimSmsMem)args[0].choice;
  g_autoptr(GArray) indexes = sim_sms_store_indexes(network.store, mem);

  for (guint i = 0; i < indexes->len; i++) {
    guint index = g_array_index(indexes, guint, i);
    const SimSmsRecord *record = sim_sms_store_get(network.store, mem, index);

    g_string_append_printf(reply, "%s%u:%d:", i ? " " : "", index, record->stat);
    for (guint b = 0; b < record->pdu->len; b++)
      g_string_append_printf(reply, "%02X", record->pdu->data[b]);
  }
  return TRUE;
}

/* ---- cell broadcast ---- */

static const SimControlArg cbm_args[] = {
  { "CHANNEL", SIM_CONTROL_ARG_INT, 0, 65535, NULL },
  { "TEXT", SIM_CONTROL_ARG_TEXT, 0, 0, NULL },
};

static gboolean
cbm(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  guint16 channel = (guint16)args[0].integer;
  /* serial number: geographical scope 0, a new message code each time, update 0 */
  guint16 serial = (guint16)((network.next_message_code++ & 0x3FF) << 4);
  g_autoptr(GPtrArray) pages = sim_sms_encode_cbs(channel, serial, args[1].word);

  if (!pages)
    return bad_arguments(error, "TEXT must fit in 15 pages");
  if (!sim_sms_store_cbs_accepts(network.store, channel)) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE,
                "the host does not receive channel %u", channel);
    return FALSE;
  }
  for (guint i = 0; i < pages->len; i++) {
    GByteArray *page = g_ptr_array_index(pages, i);

    sim_sms_store_broadcast(network.store, page->data, page->len);
  }
  g_string_append_printf(reply, "pages=%u", pages->len);
  return TRUE;
}

static const SimControlCommand sms_commands[] = {
  { "sms-deliver", deliver_args, G_N_ELEMENTS(deliver_args), sms_deliver },
  { "sms-deliver-parts", deliver_parts_args, G_N_ELEMENTS(deliver_parts_args), sms_deliver_parts },
  { "sms-deliver-pdu", pdu_args, G_N_ELEMENTS(pdu_args), sms_deliver_pdu },
  { "sms-status-report", report_args, G_N_ELEMENTS(report_args), sms_status_report },
  { "sms-fail", fail_args, G_N_ELEMENTS(fail_args), sms_fail },
  { "sms-sent", NULL, 0, sms_sent },
  { "sms-list", list_args, G_N_ELEMENTS(list_args), sms_list },
  { "cbm", cbm_args, G_N_ELEMENTS(cbm_args), cbm },
};

void
sim_sms_network_register(SimSmsStore *store, SimCore *core)
{
  network.store = store;
  network.core = core;
  network.next_concat_reference = 0x21;
  network.next_message_code = 1;
  sim_control_add_commands(sim_core_control(core), sms_commands, G_N_ELEMENTS(sms_commands),
                           &network);
}
