/* SMS over 27.005 in PDU mode: loading what the storages hold (+CPMS,
 * +CMGL=4), new message indications (+CNMI: +CMTI/+CDSI name a stored
 * message or report, +CMT/+CDS carry one that is not stored), sending with
 * the "> " prompt (+CMGS), writing (+CMGW), sending from storage (+CMSS)
 * and deleting (+CMGD).
 *
 * Every operation on a storage is one command line that selects the
 * storage first ("AT+CPMS=\"SM\";+CMGR=3"): the channel runs one line at a
 * time, so no other operation can change the storage in between. State (the
 * channel whose URCs are followed, the storages) hangs on the backend
 * object ("at-sms"). */
#define G_LOG_DOMAIN "modemd-at"

#include "at-modem.h"
#include "at-parse-sms.h"

#define LIST_TIMEOUT_MS 30000
#define SEND_TIMEOUT_MS 60000

typedef struct {
  MmdAtChannel *watched; /* weak: compared only */
  MmdSmsStorage default_storage;
} AtSms;

static AtSms *
sms_of(MmdAtModem *self)
{
  AtSms *sms = g_object_get_data(G_OBJECT(self), "at-sms");

  if (!sms) {
    sms = g_new0(AtSms, 1);
    sms->default_storage = MMD_SMS_STORAGE_ME;
    g_object_set_data_full(G_OBJECT(self), "at-sms", sms, g_free);
  }
  return sms;
}

/* "SM", "ME", ... as +CPMS takes them. */
static char *
mem_name(MmdSmsStorage storage)
{
  return g_ascii_strup(mmd_sms_storage_to_string(storage), -1);
}

static gboolean
storage_is_memory(MmdSmsStorage storage)
{
  return storage == MMD_SMS_STORAGE_SM || storage == MMD_SMS_STORAGE_ME
         || storage == MMD_SMS_STORAGE_MT;
}

static MmdSmsRecordState
record_state_of(int stat)
{
  static const MmdSmsRecordState map[] = {
    MMD_SMS_RECORD_RECEIVED_UNREAD,
    MMD_SMS_RECORD_RECEIVED_READ,
    MMD_SMS_RECORD_STORED_UNSENT,
    MMD_SMS_RECORD_STORED_SENT,
  };

  return stat >= 0 && stat < (int)G_N_ELEMENTS(map) ? map[stat] : MMD_SMS_RECORD_RECEIVED_UNREAD;
}

static void
report(MmdAtModem *self, MmdSmsStorage storage, guint index, int stat, GBytes *pdu)
{
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);

  mmd_modem_sms_received(modem_of(self), storage, index, record_state_of(stat), data, len);
}

/* ---- indications ---- */

typedef struct {
  MmdSmsStorage storage;
  guint index;
} ReadJob;

static gboolean
h_indicated_read(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  ReadJob *job = seq->data;
  g_autoptr(MmdAtSmsEntry) entry = NULL;

  if (!at_require_ok(cmd_error, error) || !(entry = mmd_at_parse_cmgr(response, error)))
    return FALSE;
  report(self, job->storage, job->index, entry->stat, entry->pdu);
  return TRUE;
}

static void
indicated_read_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)
      && !g_error_matches(error, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED))
    g_message("A new message does not read: %s", error->message);
}

/* +CMTI / +CDSI: a message or report was stored at storage, index. */
static void
on_index_urc(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mem = NULL;
  g_autofree char *cmd = NULL;
  MmdSmsStorage storage;
  ReadJob *job;
  Seq *seq;
  guint index;

  if (!mmd_at_parse_sms_index_urc(line, &storage, &index, &error)) {
    g_message("%s", error->message);
    return;
  }
  if (!storage_is_memory(storage))
    storage = sms_of(self)->default_storage;
  mem = mem_name(storage);
  cmd = g_strdup_printf("AT+CPMS=\"%s\";+CMGR=%u", mem, index);
  seq = at_seq_new(self, NULL, indicated_read_done, NULL);
  job = g_new0(ReadJob, 1);
  job->storage = storage;
  job->index = index;
  seq->data = job;
  seq->data_free = g_free;
  at_seq_add(seq, cmd, LIST_TIMEOUT_MS, MMD_AT_COMMAND_PERSONAL, FALSE, h_indicated_read);
  at_seq_next(seq);
}

/* +CMT / +CDS: a message or report that was not stored. */
static void
on_pdu_urc(MmdAtChannel *ch, const char *text, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdu = mmd_at_parse_pdu_urc(text, &error);

  if (!pdu) {
    g_message("%s", error->message);
    return;
  }
  report(self, MMD_SMS_STORAGE_UNKNOWN, MMD_SMS_NO_INDEX, 0, pdu);
}

/* The URCs of the channel in use (a reopened port is a new channel). */
void
at_sms_watch_urcs(MmdAtModem *self)
{
  AtSms *sms = sms_of(self);

  if (!self->ch || sms->watched == self->ch)
    return;
  sms->watched = self->ch;
  mmd_at_channel_add_urc_handler(self->ch, "+CMTI:", on_index_urc, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CDSI:", on_index_urc, self);
  mmd_at_channel_add_urc_handler_with_body(self->ch, "+CMT:", on_pdu_urc, self);
  mmd_at_channel_add_urc_handler_with_body(self->ch, "+CDS:", on_pdu_urc, self);
  mmd_at_channel_add_urc_handler_with_body(self->ch, "+CBM:", at_cbs_on_cbm, self);
}

/* ---- load ---- */

typedef struct {
  GPtrArray *records; /* MmdSmsRecord */
  GArray *storages;   /* MmdSmsStorage offered for reading */
  guint listing;      /* into storages */
} LoadJob;

static void
load_job_free(LoadJob *job)
{
  g_ptr_array_unref(job->records);
  g_array_unref(job->storages);
  g_free(job);
}

static gboolean
h_cmgl(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  LoadJob *job = seq->data;
  MmdSmsStorage storage = g_array_index(job->storages, MmdSmsStorage, job->listing++);
  g_autoptr(GPtrArray) entries = NULL;

  if (cmd_error) {
    g_message("Listing the messages in %s: %s", mmd_sms_storage_to_string(storage),
              cmd_error->message);
    return TRUE;
  }
  if (!(entries = mmd_at_parse_cmgl(response, error)))
    return FALSE;
  for (guint i = 0; i < entries->len; i++) {
    MmdAtSmsEntry *e = g_ptr_array_index(entries, i);
    gsize len;
    const guint8 *pdu = g_bytes_get_data(e->pdu, &len);

    g_ptr_array_add(job->records,
                    mmd_sms_record_new(storage, e->index, record_state_of(e->stat), pdu, len));
  }
  return TRUE;
}

/* Lists every storage, then makes the default one take new messages. */
static gboolean
h_list_storages(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                GError **error)
{
  LoadJob *job = seq->data;
  AtSms *sms = sms_of(self);
  g_autofree char *mem = NULL;
  g_autofree char *select = NULL;

  for (guint i = 0; i < job->storages->len; i++) {
    g_autofree char *name = mem_name(g_array_index(job->storages, MmdSmsStorage, i));
    g_autofree char *cmd = g_strdup_printf("AT+CPMS=\"%s\";+CMGL=4", name);

    at_seq_add(seq, cmd, LIST_TIMEOUT_MS, MMD_AT_COMMAND_PERSONAL, TRUE, h_cmgl);
  }
  mem = mem_name(sms->default_storage);
  select = g_strdup_printf("AT+CPMS=\"%s\",\"%s\",\"%s\"", mem, mem, mem);
  at_seq_add(seq, select, 0, 0, TRUE, NULL);
  return TRUE;
}

static gboolean
h_cpms_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  LoadJob *job = seq->data;
  g_autoptr(GArray) offered = cmd_error ? NULL : mmd_at_parse_cpms_test(response, NULL);
  AtSms *sms = sms_of(self);

  for (guint i = 0; offered && i < offered->len; i++) {
    MmdSmsStorage storage = g_array_index(offered, MmdSmsStorage, i);

    if (storage_is_memory(storage))
      g_array_append_val(job->storages, storage);
  }
  if (job->storages->len == 0) /* the modem does not say: it has one */
    g_array_append_val(job->storages, sms->default_storage);
  sms->default_storage = g_array_index(job->storages, MmdSmsStorage, 0);
  for (guint i = 0; i < job->storages->len; i++)
    if (g_array_index(job->storages, MmdSmsStorage, i) == MMD_SMS_STORAGE_ME)
      sms->default_storage = MMD_SMS_STORAGE_ME;
  mmd_modem_set_sms_storages(modem_of(self), (const MmdSmsStorage *)job->storages->data,
                             job->storages->len, sms->default_storage);
  return TRUE;
}

/* Indications as 27.005 3.4.1 says: +CMTI for stored messages, +CBM for
 * broadcast pages, +CDS for status reports; a modem that refuses those
 * gets the stored message indications alone. */
static gboolean
h_cnmi(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (cmd_error)
    at_seq_add_next(seq, "AT+CNMI=2,1,0,0,0", 0, 0, TRUE, NULL);
  return TRUE;
}

static void
load_done(MmdAtModem *self, Seq *seq)
{
  LoadJob *job = seq->data;

  g_task_return_pointer(seq->task, g_ptr_array_ref(job->records),
                        (GDestroyNotify)g_ptr_array_unref);
}

static void
sms_load(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);
  LoadJob *job = g_new0(LoadJob, 1);

  job->records = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_record_free);
  job->storages = g_array_new(FALSE, FALSE, sizeof(MmdSmsStorage));
  seq->data = job;
  seq->data_free = (GDestroyNotify)load_job_free;
  seq->done = load_done;
  at_sms_watch_urcs(self);
  at_seq_add(seq, "AT+CMGF=0", 0, 0, FALSE, NULL);
  at_seq_add(seq, "AT+CPMS=?", 0, 0, TRUE, h_cpms_test);
  at_seq_add(seq, "AT+CNMI=2,1,2,1,0", 0, 0, TRUE, h_cnmi);
  at_seq_add_call(seq, h_list_storages);
  at_seq_next(seq);
}

/* ---- send and write: the PDU after the prompt ---- */

typedef struct {
  const char *prefix; /* of the answer line: "+CMGS:", "+CMGW:" */
  guint max;
} PduCommand;

static void
pdu_command_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdAtModem *self = g_task_get_source_object(task);
  const PduCommand *command = g_task_get_task_data(task);
  GError *error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(NULL, res, &error);
  guint value;

  if (!response || self->shut_down) {
    mmd_task_fail(
        task,
        error ? error : g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
    return;
  }
  if (!mmd_at_parse_sms_number(response, command->prefix, command->max, &value, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  g_task_return_int(task, value);
  g_object_unref(task);
}

static void
pdu_command(MmdAtModem *self, const char *cmd, GBytes *pdu, const PduCommand *command,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);
  g_autofree char *hex = g_malloc(2 * len + 1);

  g_task_set_task_data(task, (gpointer)command, NULL);
  if (!self->ch) {
    mmd_task_fail(task,
                  g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "The port is closed"));
    return;
  }
  for (gsize i = 0; i < len; i++)
    g_snprintf(hex + 2 * i, 3, "%02X", data[i]);
  hex[2 * len] = '\0';
  mmd_at_channel_command_with_pdu(self->ch, cmd, hex, SEND_TIMEOUT_MS, cancellable,
                                  pdu_command_done, task);
}

static void
sms_send(MmdBackend *backend, GBytes *pdu, guint tpdu_len, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  static const PduCommand cmgs = { "+CMGS:", 255 };
  g_autofree char *cmd = g_strdup_printf("AT+CMGS=%u", tpdu_len);

  pdu_command(MMD_AT_MODEM(backend), cmd, pdu, &cmgs, cancellable, callback, user_data);
}

static void
sms_store(MmdBackend *backend, GBytes *pdu, guint tpdu_len, MmdSmsStorage storage,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  static const PduCommand cmgw = { "+CMGW:", G_MAXINT };
  g_autofree char *mem = mem_name(storage);
  g_autofree char *cmd = g_strdup_printf("AT+CPMS=\"%s\",\"%s\";+CMGW=%u,2", mem, mem, tpdu_len);

  pdu_command(MMD_AT_MODEM(backend), cmd, pdu, &cmgw, cancellable, callback, user_data);
}

/* ---- send stored, delete, default storage ---- */

static gboolean
h_cmss(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  guint reference;

  if (!at_require_ok(cmd_error, error)
      || !mmd_at_parse_sms_number(response, "+CMSS:", 255, &reference, error))
    return FALSE;
  seq->data = GUINT_TO_POINTER(reference);
  return TRUE;
}

static void
cmss_done(MmdAtModem *self, Seq *seq)
{
  g_task_return_int(seq->task, GPOINTER_TO_UINT(seq->data));
}

static void
sms_send_stored(MmdBackend *backend, MmdSmsStorage storage, guint index, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);
  g_autofree char *mem = mem_name(storage);
  g_autofree char *cmd = g_strdup_printf("AT+CPMS=\"%s\",\"%s\";+CMSS=%u", mem, mem, index);

  seq->done = cmss_done;
  at_seq_add(seq, cmd, SEND_TIMEOUT_MS, 0, FALSE, h_cmss);
  at_seq_next(seq);
}

static void
sms_delete_stored(MmdBackend *backend, MmdSmsStorage storage, guint index,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = at_seq_new(MMD_AT_MODEM(backend), cancellable, callback, user_data);
  g_autofree char *mem = mem_name(storage);
  g_autofree char *cmd = g_strdup_printf("AT+CPMS=\"%s\";+CMGD=%u", mem, index);

  at_seq_add(seq, cmd, 0, 0, FALSE, NULL);
  at_seq_next(seq);
}

static void
sms_set_default_storage(MmdBackend *backend, MmdSmsStorage storage, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);
  g_autofree char *mem = mem_name(storage);
  g_autofree char *cmd = g_strdup_printf("AT+CPMS=\"%s\",\"%s\",\"%s\"", mem, mem, mem);

  sms_of(self)->default_storage = storage;
  at_seq_add(seq, cmd, 0, 0, FALSE, NULL);
  at_seq_next(seq);
}

void
at_sms_provide(MmdAtModem *self, MmdModem *modem)
{
  static const MmdMessagingOps messaging_ops = {
    .load = sms_load,
    .send = sms_send,
    .store = sms_store,
    .send_stored = sms_send_stored,
    .delete_stored = sms_delete_stored,
    .set_default_storage = sms_set_default_storage,
  };
  static const MmdCellBroadcastOps cell_broadcast_ops = {
    .set_channels = at_cbs_set_channels,
  };

  mmd_modem_provide_messaging(modem, &messaging_ops, MMD_BACKEND(self));
  mmd_modem_provide_cell_broadcast(modem, &cell_broadcast_ops, MMD_BACKEND(self));
}
