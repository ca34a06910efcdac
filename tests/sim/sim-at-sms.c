/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: 3GPP TS 27.005 in PDU mode: message format, storages (+CPMS),
 * new message indications (+CNMI: +CMTI / +CMT, +CDSI / +CDS, +CBM), list,
 * read, send with the "> " prompt, write, send from storage, delete,
 * service centre, cell broadcast selection (+CSCB).  Failures are +CMS
 * ERROR codes (3.2.5).
 */
#include "sim-at.h"

#include "sim-sms-store.h"

#include <string.h>

/* 27.005 3.2.5 */
enum {
  CMS_ME_FAILURE = 300,
  CMS_NOT_ALLOWED = 302,
  CMS_NOT_SUPPORTED = 303,
  CMS_INVALID_PDU_PARAMETER = 304,
  CMS_INVALID_INDEX = 321,
  CMS_MEMORY_FULL = 322,
  CMS_SMSC_ADDRESS_UNKNOWN = 330,
  CMS_NETWORK_TIMEOUT = 332,
};

#define SMSC "+4917000000"
#define STAT_ALL 4

/* What the host set, for the one AT port. */
static struct {
  SimSmsMem mems[3]; /* +CPMS: read/delete, write/send, receive */
  int cnmi[5];       /* mode, mt, bm, ds, bfr */
  int pending_length;
  int pending_stat;
} sms = { { SIM_SMS_MEM_ME, SIM_SMS_MEM_ME, SIM_SMS_MEM_ME }, { 0, 0, 0, 0, 0 }, 0, 0 };

static SimSmsStore *
store_of(SimAt *a)
{
  return sim_core_sms(a->core);
}

static char *
hex_of(const guint8 *data, gsize len)
{
  char *hex = g_malloc(2 * len + 1);

  for (gsize i = 0; i < len; i++)
    g_snprintf(hex + 2 * i, 3, "%02X", data[i]);
  hex[2 * len] = '\0';
  return hex;
}

/* The PDU the host typed, checked against the length it announced (octets
 * after the SMSC field); NULL if it does not match. */
static GByteArray *
typed_pdu(const char *text, int length)
{
  gsize n = strlen(text);
  g_autoptr(GByteArray) pdu = g_byte_array_new();

  if (n == 0 || n % 2)
    return NULL;
  for (gsize i = 0; i < n; i += 2) {
    int high = g_ascii_xdigit_value(text[i]), low = g_ascii_xdigit_value(text[i + 1]);

    if (high < 0 || low < 0)
      return NULL;
    g_byte_array_append(pdu, (guint8[]){ (guint8)(high << 4 | low) }, 1);
  }
  if (sim_sms_tpdu_len(pdu->data, pdu->len) != length)
    return NULL;
  return g_steal_pointer(&pdu);
}

/* ---- format and service ---- */

static AtResult
cmgf_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int mode;

  /* text mode is not simulated */
  if (!at_arg_int(args, 0, &mode) || mode != 0)
    return at_cms(r, CMS_NOT_SUPPORTED);
  return R_OK;
}

static AtResult
cmgf_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMGF: 0");
  return R_OK;
}

static AtResult
cmgf_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CMGF: (0)");
  return R_OK;
}

static AtResult
csca_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CSCA: \"%s\",145", SMSC);
  return R_OK;
}

/* ---- storages ---- */

static void
cpms_usage(SimAt *a, AtReply *r, gboolean with_names)
{
  GString *line = g_string_new("+CPMS: ");

  for (guint i = 0; i < 3; i++) {
    SimSmsMem mem = sms.mems[i];

    if (with_names)
      g_string_append_printf(line, "\"%s\",", sim_sms_mem_name(mem));
    g_string_append_printf(line, "%u,%u%s", sim_sms_store_used(store_of(a), mem),
                           sim_sms_store_capacity(store_of(a), mem), i < 2 ? "," : "");
  }
  at_info(r, "%s", line->str);
  g_string_free(line, TRUE);
}

static AtResult
cpms_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  SimSmsMem mems[3];

  for (guint i = 0; i < 3; i++) {
    if (i >= args->len || !*at_arg(args, i))
      mems[i] = sms.mems[i];
    else if (!sim_sms_mem_from_name(at_arg(args, i), &mems[i]))
      return at_cms(r, CMS_NOT_SUPPORTED);
  }
  memcpy(sms.mems, mems, sizeof mems);
  sim_sms_store_set_receive_mem(store_of(a), sms.mems[2]);
  cpms_usage(a, r, FALSE);
  return R_OK;
}

static AtResult
cpms_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  cpms_usage(a, r, TRUE);
  return R_OK;
}

static AtResult
cpms_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")");
  return R_OK;
}

/* ---- new message indications ---- */

/* How +CNMI's mt and ds route what arrives (27.005 3.4.1). */
static void
apply_cnmi(SimAt *a)
{
  SimSmsStore *store = store_of(a);

  for (guint klass = 0; klass < SIM_SMS_N_CLASSES; klass++) {
    gboolean transfer = (sms.cnmi[1] == 2 && klass != 2) || (sms.cnmi[1] == 3 && klass == 3);

    sim_sms_store_set_route(store, klass, transfer ? SIM_SMS_ROUTE_TRANSFER : SIM_SMS_ROUTE_STORE);
  }
  sim_sms_store_set_report_route(store,
                                 sms.cnmi[3] == 1 ? SIM_SMS_ROUTE_TRANSFER : SIM_SMS_ROUTE_STORE);
}

static AtResult
cnmi_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  static const int max[5] = { 2, 3, 3, 2, 1 };
  int values[5];

  memcpy(values, sms.cnmi, sizeof values);
  for (guint i = 0; i < 5 && i < args->len; i++) {
    if (*at_arg(args, i)
        && (!at_arg_int(args, i, &values[i]) || values[i] < 0 || values[i] > max[i]))
      return at_cms(r, CMS_NOT_SUPPORTED);
  }
  memcpy(sms.cnmi, values, sizeof values);
  apply_cnmi(a);
  return R_OK;
}

static AtResult
cnmi_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CNMI: %d,%d,%d,%d,%d", sms.cnmi[0], sms.cnmi[1], sms.cnmi[2], sms.cnmi[3],
          sms.cnmi[4]);
  return R_OK;
}

static AtResult
cnmi_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)");
  return R_OK;
}

/* ---- list, read, delete ---- */

static void
record_lines(AtReply *r, const char *prefix, const char *index, const SimSmsRecord *record)
{
  g_autofree char *hex = hex_of(record->pdu->data, record->pdu->len);

  at_info(r, "%s: %s%d,,%d\r\n%s", prefix, index, record->stat,
          sim_sms_tpdu_len(record->pdu->data, record->pdu->len), hex);
}

static AtResult
cmgl(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  g_autoptr(GArray) indexes = sim_sms_store_indexes(store_of(a), sms.mems[0]);
  int stat = 0; /* "received unread" by default */

  if (*at_arg(args, 0) && (!at_arg_int(args, 0, &stat) || stat < 0 || stat > STAT_ALL))
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  for (guint i = 0; i < indexes->len; i++) {
    guint index = g_array_index(indexes, guint, i);
    const SimSmsRecord *record = sim_sms_store_get(store_of(a), sms.mems[0], index);
    g_autofree char *at = g_strdup_printf("%u,", index);

    if (stat != STAT_ALL && (int)record->stat != stat)
      continue;
    record_lines(r, "+CMGL", at, record);
    if (record->stat == SIM_SMS_REC_UNREAD)
      sim_sms_store_set_stat(store_of(a), sms.mems[0], index, SIM_SMS_REC_READ);
  }
  return R_OK;
}

static AtResult
cmgr(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const SimSmsRecord *record;
  int index;

  if (!at_arg_int(args, 0, &index) || index < 0
      || !(record = sim_sms_store_get(store_of(a), sms.mems[0], (guint)index)))
    return at_cms(r, CMS_INVALID_INDEX);
  record_lines(r, "+CMGR", "", record);
  if (record->stat == SIM_SMS_REC_UNREAD)
    sim_sms_store_set_stat(store_of(a), sms.mems[0], (guint)index, SIM_SMS_REC_READ);
  return R_OK;
}

static AtResult
cmgd(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int index, flag = 0;

  if (!at_arg_int(args, 0, &index) || index < 0)
    return at_cms(r, CMS_INVALID_INDEX);
  if (args->len > 1 && (!at_arg_int(args, 1, &flag) || flag < 0 || flag > 4))
    return at_cms(r, CMS_NOT_SUPPORTED);
  if (flag == 4) {
    g_autoptr(GArray) indexes = sim_sms_store_indexes(store_of(a), sms.mems[0]);

    for (guint i = 0; i < indexes->len; i++)
      sim_sms_store_delete(store_of(a), sms.mems[0], g_array_index(indexes, guint, i));
    return R_OK;
  }
  if (!sim_sms_store_delete(store_of(a), sms.mems[0], (guint)index))
    return at_cms(r, CMS_INVALID_INDEX);
  return R_OK;
}

/* ---- send and write ---- */

static AtResult
send_result(SimAt *a, const guint8 *pdu, gsize len, const char *prefix, AtReply *r)
{
  guint8 reference;

  switch (sim_sms_store_send(store_of(a), pdu, len, &reference)) {
    case SIM_SMS_SEND_BAD_PDU:
      return at_cms(r, CMS_INVALID_PDU_PARAMETER);
    case SIM_SMS_SEND_FAILED:
      return at_cms(r, sim_sms_store_failure(store_of(a)) == SIM_SMS_FAIL_SMSC_UNKNOWN
                           ? CMS_SMSC_ADDRESS_UNKNOWN
                           : CMS_NETWORK_TIMEOUT);
    case SIM_SMS_SEND_OK:
      break;
  }
  at_info(r, "%s: %u", prefix, reference);
  return R_OK;
}

static AtResult
cmgs_pdu(SimAt *a, const char *text, AtReply *r)
{
  g_autoptr(GByteArray) pdu = typed_pdu(text, sms.pending_length);

  if (!pdu)
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  return send_result(a, pdu->data, pdu->len, "+CMGS", r);
}

static AtResult
cmgs(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  if (!at_arg_int(args, 0, &sms.pending_length) || sms.pending_length < 1
      || sms.pending_length > 164)
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  return at_prompt(a, cmgs_pdu);
}

static AtResult
cmgw_pdu(SimAt *a, const char *text, AtReply *r)
{
  g_autoptr(GByteArray) pdu = typed_pdu(text, sms.pending_length);
  guint index;

  if (!pdu)
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  if (!sim_sms_store_write(store_of(a), sms.mems[1], (SimSmsStat)sms.pending_stat, pdu->data,
                           pdu->len, &index))
    return at_cms(r, CMS_MEMORY_FULL);
  at_info(r, "+CMGW: %u", index);
  return R_OK;
}

static AtResult
cmgw(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  sms.pending_stat = SIM_SMS_STO_UNSENT;
  if (!at_arg_int(args, 0, &sms.pending_length) || sms.pending_length < 1
      || sms.pending_length > 164)
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  if (args->len > 1
      && (!at_arg_int(args, 1, &sms.pending_stat) || sms.pending_stat < 0 || sms.pending_stat > 3))
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  return at_prompt(a, cmgw_pdu);
}

static AtResult
cmss(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const SimSmsRecord *record;
  AtResult result;
  int index;

  if (!at_arg_int(args, 0, &index) || index < 0
      || !(record = sim_sms_store_get(store_of(a), sms.mems[1], (guint)index)))
    return at_cms(r, CMS_INVALID_INDEX);
  result = send_result(a, record->pdu->data, record->pdu->len, "+CMSS", r);
  if (result == R_OK)
    sim_sms_store_set_stat(store_of(a), sms.mems[1], (guint)index, SIM_SMS_STO_SENT);
  return result;
}

/* ---- cell broadcast ---- */

/* "0-5,50,4370-4383": ranges of message identifiers; FALSE when malformed */
static gboolean
parse_mids(const char *mids, SimCbsRange *ranges, guint *n)
{
  g_auto(GStrv) items = g_strsplit(mids, ",", -1);

  *n = 0;
  for (char **item = items; *item && **item; item++) {
    g_auto(GStrv) ends = g_strsplit(*item, "-", 2);
    guint64 first, last;

    if (*n == SIM_SMS_MAX_CBS_RANGES
        || !g_ascii_string_to_unsigned(ends[0], 10, 0, 65535, &first, NULL)
        || !g_ascii_string_to_unsigned(ends[1] ? ends[1] : ends[0], 10, first, 65535, &last, NULL))
      return FALSE;
    ranges[(*n)++] = (SimCbsRange){ (guint16)first, (guint16)last };
  }
  return TRUE;
}

static AtResult
cscb_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  SimCbsRange ranges[SIM_SMS_MAX_CBS_RANGES];
  guint n;
  int mode;

  /* mode 1 ("not accepted") with a list is not simulated */
  if (!at_arg_int(args, 0, &mode) || mode < 0 || mode > 1 || (mode == 1 && *at_arg(args, 1)))
    return at_cms(r, CMS_NOT_SUPPORTED);
  if (!parse_mids(mode == 0 ? at_arg(args, 1) : "", ranges, &n))
    return at_cms(r, CMS_INVALID_PDU_PARAMETER);
  sim_sms_store_set_cbs_channels(store_of(a), ranges, n);
  sim_sms_store_set_cbs_active(store_of(a), n > 0);
  return R_OK;
}

static AtResult
cscb_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  guint n;
  const SimCbsRange *ranges = sim_sms_store_cbs_channels(store_of(a), &n);
  g_autoptr(GString) mids = g_string_new(NULL);

  for (guint i = 0; i < n; i++) {
    g_string_append_printf(mids, "%s%u", i ? "," : "", ranges[i].first);
    if (ranges[i].last != ranges[i].first)
      g_string_append_printf(mids, "-%u", ranges[i].last);
  }
  at_info(r, "+CSCB: 0,\"%s\",\"\"", mids->str);
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CMGF", NULL, cmgf_set, cmgf_query, cmgf_test },
  { "+CSMS", NULL, at_ok, NULL, NULL },
  { "+CSCA", NULL, at_ok, csca_query, NULL },
  { "+CPMS", NULL, cpms_set, cpms_query, cpms_test },
  { "+CNMI", NULL, cnmi_set, cnmi_query, cnmi_test },
  { "+CNMA", at_ok, at_ok, NULL, NULL },
  { "+CMGL", cmgl, cmgl, NULL, NULL },
  { "+CMGR", NULL, cmgr, NULL, NULL },
  { "+CMGD", NULL, cmgd, NULL, NULL },
  { "+CMGS", NULL, cmgs, NULL, NULL },
  { "+CMGW", NULL, cmgw, NULL, NULL },
  { "+CMSS", NULL, cmss, NULL, NULL },
  { "+CSCB", NULL, cscb_set, cscb_query, NULL },
};

const AtCommandTable at_sms_commands = { defs, G_N_ELEMENTS(defs) };

/* ---- what arrives ---- */

void
at_sms_notify(SimAt *a, gpointer data)
{
  const SimSmsEvent *event = data;
  g_autofree char *line = NULL;
  g_autofree char *hex = event->pdu ? hex_of(event->pdu, event->len) : NULL;

  switch (event->kind) {
    case SIM_SMS_EVENT_STORED:
      if (event->status_report ? sms.cnmi[3] != 2 : sms.cnmi[1] == 0)
        return;
      line = g_strdup_printf("%s: \"%s\",%u", event->status_report ? "+CDSI" : "+CMTI",
                             sim_sms_mem_name(event->mem), event->index);
      break;
    case SIM_SMS_EVENT_TRANSFERRED:
      line = event->status_report ? g_strdup_printf("+CDS: %u\r\n%s", event->tpdu_len, hex)
                                  : g_strdup_printf("+CMT: ,%u\r\n%s", event->tpdu_len, hex);
      break;
    case SIM_SMS_EVENT_CBS_PAGE:
      if (sms.cnmi[2] != 2)
        return;
      line = g_strdup_printf("+CBM: %zu\r\n%s", event->len, hex);
      break;
  }
  at_urc(a, line);
}
