/* SMS over the MBIM SMS service: the messaging operations, and the
 * notifications of new messages (a store status naming the index of a new
 * stored message, or a read notification carrying messages the function did
 * not store).
 *
 * An MBIM function has one message store, shown as MT; its indexes start at
 * 1 (0 means "not stored"). PDUs carry their SMSC field first. */
#define G_LOG_DOMAIN "modemd-mbim"

#include "mbim-backend.h"

enum { FORMAT_PDU = 0 };
enum { FLAG_ALL = 0, FLAG_INDEX = 1 };
enum { STATUS_NEW = 0, STATUS_OLD = 1, STATUS_DRAFT = 2, STATUS_SENT = 3 };
enum { STORE_FLAG_FULL = 1, STORE_FLAG_NEW_MESSAGE = 2 };
#define SEND_TIMEOUT_S 60

/* ---- errors ---- */

/* The SMS statuses of MBIM 1.0 9.4.5 as the reference's Message errors;
 * the rest as every other MBIM status. */
static void
sms_fail(GTask *task, const GError *error)
{
  static const struct {
    guint32 status;
    MmdMessageError code;
  } map[] = {
    { 29, MMD_MESSAGE_ERROR_MEMORY_FAILURE },
    { 30, MMD_MESSAGE_ERROR_INVALID_INDEX },
    { 31, MMD_MESSAGE_ERROR_MEMORY_FULL },
    { 100, MMD_MESSAGE_ERROR_SMSC_ADDRESS_UNKNOWN },
    { 101, MMD_MESSAGE_ERROR_NETWORK_TIMEOUT },
    { 102, MMD_MESSAGE_ERROR_NOT_SUPPORTED },
    { 103, MMD_MESSAGE_ERROR_INVALID_PDU_PARAMETER },
    { 104, MMD_MESSAGE_ERROR_NOT_SUPPORTED },
  };

  for (gsize i = 0; error->domain == MBIM_STATUS_ERROR && i < G_N_ELEMENTS(map); i++) {
    if ((guint32)error->code == map[i].status) {
      mmd_task_fail(task, g_error_new(MMD_MESSAGE_ERROR, map[i].code, "%s", error->message));
      return;
    }
  }
  mbim_return_error(task, error);
}

static MmdSmsRecordState
record_state_of(guint32 status)
{
  switch (status) {
    case STATUS_OLD:
      return MMD_SMS_RECORD_RECEIVED_READ;
    case STATUS_DRAFT:
      return MMD_SMS_RECORD_STORED_UNSENT;
    case STATUS_SENT:
      return MMD_SMS_RECORD_STORED_SENT;
    default:
      return MMD_SMS_RECORD_RECEIVED_UNREAD;
  }
}

/* The records of a read answer or notification (GPtrArray of MmdSmsRecord). */
static GPtrArray *
records_of(const MbimSmsReadInfo *info)
{
  GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_record_free);

  if (info->format != FORMAT_PDU) {
    g_message("SMS read answer in format %u (not PDU) ignored", info->format);
    return records;
  }
  for (guint32 i = 0; i < info->n_sms_ref_list; i++) {
    const MbimSmsPduRecord *r = &info->sms_ref_list[i];

    g_ptr_array_add(records,
                    mmd_sms_record_new(
                        MMD_SMS_STORAGE_MT, r->message_index ? r->message_index : MMD_SMS_NO_INDEX,
                        record_state_of(r->message_status), r->pdu_data, r->n_pdu_data));
  }
  return records;
}

static void
report_records(MmdMbimBackend *self, GPtrArray *records)
{
  for (guint i = 0; i < records->len; i++) {
    MmdSmsRecord *record = g_ptr_array_index(records, i);
    gsize len;
    const guint8 *pdu = g_bytes_get_data(record->pdu, &len);

    mmd_modem_sms_received(modem_of(self), record->storage, record->index, record->state, pdu, len);
  }
}

/* ---- notifications ---- */

static void
indicated_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSmsReadInfo) info
      = mbim_command_sms_read_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!info) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message("A new message does not read: %s", error->message);
  } else if (modem_of(self)) {
    g_autoptr(GPtrArray) records = records_of(info);

    report_records(self, records);
  }
  g_object_unref(self);
}

static void
on_sms_notification(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  MmdMbimBackend *self = user_data;

  if (n->id == MBIM_NOTIFICATION_SMS_READ) {
    g_autoptr(GPtrArray) records = records_of(n->sms_read);

    report_records(self, records);
  } else if (n->id == MBIM_NOTIFICATION_SMS_MESSAGE_STORE_STATUS) {
    const MbimSmsStatusInfo *status = n->sms_message_store_status;
    MbimSmsReadReq req = { FORMAT_PDU, FLAG_INDEX, status->message_index };

    if (status->flag & STORE_FLAG_FULL)
      g_message("%s: the message store is full", mmd_modem_get_path(modem_of(self)));
    if ((status->flag & STORE_FLAG_NEW_MESSAGE) && status->message_index)
      mbim_command_sms_read_query(device, &req, CMD_TIMEOUT_S, NULL, indicated_read,
                                  g_object_ref(self));
  }
}

/* Follows the notifications of the device in use (once per device). */
static void
watch_notifications(MmdMbimBackend *self)
{
  if (g_object_get_data(G_OBJECT(self), "mbim-sms-watch") == self->device)
    return;
  g_object_set_data(G_OBJECT(self), "mbim-sms-watch", self->device);
  g_signal_connect_object(self->device, "indication", G_CALLBACK(on_sms_notification), self, 0);
}

/* ---- load ---- */

static void
read_all(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimSmsReadInfo) info
      = mbim_command_sms_read_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!info) {
    sms_fail(task, error);
    g_error_free(error);
    return;
  }
  g_task_return_pointer(task, records_of(info), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref(task);
}

static void
read_stored(GTask *task)
{
  MbimSmsReadReq req = { FORMAT_PDU, FLAG_ALL, 0 };

  mbim_command_sms_read_query(mbim_device_of(task), &req, CMD_TIMEOUT_S,
                              g_task_get_cancellable(task), read_all, task);
}

static void
configured(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSmsConfigurationInfo) info
      = mbim_command_sms_configuration_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!info)
    g_message("SMS configuration to PDU format: %s", error->message);
  read_stored(task);
}

static void
configuration_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  static const MmdSmsStorage storages[] = { MMD_SMS_STORAGE_MT };
  GError *error = NULL;
  g_autoptr(MbimSmsConfigurationInfo) info
      = mbim_command_sms_configuration_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!info) {
    sms_fail(task, error);
    g_error_free(error);
    return;
  }
  mmd_modem_set_sms_storages(modem_of(self), storages, G_N_ELEMENTS(storages), MMD_SMS_STORAGE_MT);
  if (info->format != FORMAT_PDU) {
    MbimSetSmsConfiguration set = { FORMAT_PDU, info->sc_address };

    mbim_command_sms_configuration_set(MBIM_DEVICE(source), &set, CMD_TIMEOUT_S,
                                       g_task_get_cancellable(task), configured, task);
    return;
  }
  read_stored(task);
}

static GTask *
sms_task(MmdBackend *backend, const char *what, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);

  if (!self->device) {
    mmd_task_fail(task, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                                    "%s: the MBIM port is not open", what));
    return NULL;
  }
  return task;
}

static void
sms_load(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = sms_task(backend, "Reading messages", cancellable, callback, user_data);

  if (!task)
    return;
  watch_notifications(MMD_MBIM_BACKEND(backend));
  mbim_command_sms_configuration_query(mbim_device_of(task), CMD_TIMEOUT_S, cancellable,
                                       configuration_read, task);
}

/* ---- send, delete ---- */

static void
sent(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimSmsSendInfo) info
      = mbim_command_sms_send_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!info) {
    sms_fail(task, error);
    g_error_free(error);
    return;
  }
  /* TP-MR is one octet */
  g_task_return_int(task, info->message_reference & 0xFF);
  g_object_unref(task);
}

static void
sms_send(MmdBackend *backend, GBytes *pdu, guint tpdu_len, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = sms_task(backend, "Sending a message", cancellable, callback, user_data);
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);
  MbimSmsSendPdu send_pdu = { (guint32)len, data };
  g_autoptr(GBytes) buffer = NULL;
  MbimSetSmsSend set = { FORMAT_PDU, 0, NULL };

  if (!task)
    return;
  buffer = mbim_sms_send_pdu_encode(&send_pdu);
  set.data_buffer = g_bytes_get_data(buffer, &len);
  set.n_data_buffer = (guint32)len;
  mbim_command_sms_send_set(mbim_device_of(task), &set, SEND_TIMEOUT_S, cancellable, sent, task);
}

static void
deleted(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (mbim_command_sms_delete_set_finish(MBIM_DEVICE(source), res, &error)) {
    mmd_task_succeed(task);
    return;
  }
  sms_fail(task, error);
  g_error_free(error);
}

static void
sms_delete_stored(MmdBackend *backend, MmdSmsStorage storage, guint index,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = sms_task(backend, "Deleting a message", cancellable, callback, user_data);
  MbimSetSmsDelete set = { FLAG_INDEX, index };

  if (!task)
    return;
  if (storage != MMD_SMS_STORAGE_MT || index == 0 || index == MMD_SMS_NO_INDEX) {
    mmd_task_fail(task,
                  g_error_new(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_INVALID_INDEX,
                              "No message at %s %u", mmd_sms_storage_to_string(storage), index));
    return;
  }
  mbim_command_sms_delete_set(mbim_device_of(task), &set, CMD_TIMEOUT_S, cancellable, deleted,
                              task);
}

const MmdMessagingOps mbim_messaging_ops = {
  .load = sms_load,
  .send = sms_send,
  .delete_stored = sms_delete_stored,
};
