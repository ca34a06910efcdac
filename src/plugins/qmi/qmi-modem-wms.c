/* SMS over QMI WMS: the messaging operations and the event report
 * indications (messages stored at a storage index, or handed over whole
 * when the modem keeps them out of storage; cell broadcast pages go to
 * qmi-modem-cbs.c's room).
 *
 * Messaging and cell broadcast are provided only when the modem lists the
 * WMS service (qmi_wms_setup()); the client is still allocated on first use,
 * so initialization asks nothing of WMS. Its state hangs on the backend
 * object ("qmi-wms"). Storages map as
 * UIM -> SM and NV -> ME; raw data is the PDU with its SMSC field first. */
#define G_LOG_DOMAIN "modemd-qmi"

#include "qmi-modem.h"

#include "mmd-errors.h"

#define WMS_SEND_TIMEOUT 60

enum { STORAGE_UIM = 0, STORAGE_NV = 1 };
enum { TAG_MT_READ = 0, TAG_MT_NOT_READ = 1, TAG_MO_SENT = 2, TAG_MO_NOT_SENT = 3 };
enum { FORMAT_GSM_WCDMA_PP = 6, FORMAT_GSM_WCDMA_BROADCAST = 7 };
enum { MODE_GSM_WCDMA = 1 };
enum { ACTION_STORE_AND_NOTIFY = 1 };
enum { ACK_SEND = 0 };
enum { PROTOCOL_WCDMA = 1 };
#define MESSAGE_CLASS_NONE 4

typedef struct {
  QmiClient *client;
  GQueue waiters; /* GTask: wait for the allocation in flight */
  gboolean allocating;
  gboolean provided; /* the capabilities were given to the core */
} QmiWms;

static void
wms_free(QmiWms *wms)
{
  g_queue_clear_full(&wms->waiters, g_object_unref);
  g_free(wms);
}

static QmiWms *
wms_of(MmdQmiBackend *self)
{
  QmiWms *wms = g_object_get_data(G_OBJECT(self), "qmi-wms");

  if (!wms) {
    wms = g_new0(QmiWms, 1);
    g_queue_init(&wms->waiters);
    g_object_set_data_full(G_OBJECT(self), "qmi-wms", wms, (GDestroyNotify)wms_free);
  }
  return wms;
}

QmiClient *
qmi_wms_client(MmdQmiBackend *self)
{
  return wms_of(self)->client;
}

/* The client an operation's task runs on. */
static QmiClient *
client_of(GTask *task)
{
  return qmi_wms_client(g_task_get_source_object(task));
}

static gboolean
mmd_storage_of(guint8 storage, MmdSmsStorage *out)
{
  if (storage != STORAGE_UIM && storage != STORAGE_NV)
    return FALSE;
  *out = storage == STORAGE_UIM ? MMD_SMS_STORAGE_SM : MMD_SMS_STORAGE_ME;
  return TRUE;
}

static gboolean
qmi_storage_of(MmdSmsStorage storage, guint8 *out, GError **error)
{
  if (storage != MMD_SMS_STORAGE_SM && storage != MMD_SMS_STORAGE_ME) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                "QMI modems store messages in SM or ME, not %s",
                mmd_sms_storage_to_string(storage));
    return FALSE;
  }
  *out = storage == MMD_SMS_STORAGE_SM ? STORAGE_UIM : STORAGE_NV;
  return TRUE;
}

static MmdSmsRecordState
record_state_of(guint8 tag)
{
  switch (tag) {
    case TAG_MT_READ:
      return MMD_SMS_RECORD_RECEIVED_READ;
    case TAG_MO_SENT:
      return MMD_SMS_RECORD_STORED_SENT;
    case TAG_MO_NOT_SENT:
      return MMD_SMS_RECORD_STORED_UNSENT;
    default:
      return MMD_SMS_RECORD_RECEIVED_UNREAD;
  }
}

/* ---- reading one stored message ---- */

typedef struct {
  MmdSmsStorage storage;
  guint32 index;
} ReadRequest;

/* Result: pointer, an MmdSmsRecord. */
static void read_record(MmdQmiBackend *self, MmdSmsStorage storage, guint32 index,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);

static void
raw_read_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ReadRequest *request = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWmsRawReadOutput out;

  if (!qmi_client_wms_raw_read_finish(client_of(task), res, &out, &error)) {
    mmd_task_fail(task, error);
  } else if (!out.has_raw_message_data || out.raw_message_data.format != FORMAT_GSM_WCDMA_PP) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                                    "WMS Raw Read of %u: no GSM/WCDMA message", request->index));
  } else {
    g_task_return_pointer(task,
                          mmd_sms_record_new(request->storage, request->index,
                                             record_state_of(out.raw_message_data.message_tag),
                                             out.raw_message_data.raw_data,
                                             out.raw_message_data.n_raw_data),
                          (GDestroyNotify)mmd_sms_record_free);
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
read_record(MmdQmiBackend *self, MmdSmsStorage storage, guint32 index, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  ReadRequest *request = g_new0(ReadRequest, 1);
  QmiWmsRawReadInput in = {
    .has_message_memory_storage_id = TRUE,
    .has_message_mode = TRUE,
    .message_mode = MODE_GSM_WCDMA,
  };
  GError *error = NULL;

  request->storage = storage;
  request->index = index;
  g_task_set_task_data(task, request, g_free);
  if (!qmi_storage_of(storage, &in.message_memory_storage_id.storage_type, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  in.message_memory_storage_id.memory_index = index;
  qmi_client_wms_raw_read(qmi_wms_client(self), &in, QMI_TIMEOUT, cancellable, raw_read_done, task);
}

/* ---- the client ---- */

static void on_event_report(QmiClient *client, QmiMessage *message, gpointer user_data);

static void
allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  QmiWms *wms = wms_of(self);
  GError *error = NULL;
  QmiClient *client = qmi_device_allocate_client_finish(QMI_DEVICE(source), res, &error);
  GTask *task;

  wms->allocating = FALSE;
  wms->client = client;
  if (client)
    qmi_client_add_indication_handler(client, QMI_WMS_IND_EVENT_REPORT, on_event_report, self);
  else
    g_message("[%s] no WMS client: %s", self->control_path, error->message);
  while ((task = g_queue_pop_head(&wms->waiters))) {
    if (client)
      mmd_task_succeed(task);
    else
      mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                      "The modem has no messaging service: %s", error->message));
  }
  g_clear_error(&error);
  g_object_unref(self);
}

static void
client_ensure(MmdQmiBackend *self, GTask *task)
{
  QmiWms *wms = wms_of(self);

  if (wms->client) {
    mmd_task_succeed(task);
    return;
  }
  g_queue_push_tail(&wms->waiters, task);
  if (wms->allocating)
    return;
  wms->allocating = TRUE;
  /* not the caller's cancellable: other callers may wait for the same client */
  qmi_device_allocate_client(self->device, QMI_SERVICE_WMS, QMI_TIMEOUT, self->cancellable,
                             allocated, g_object_ref(self));
}

/* A task for an operation; NULL (with the callback answered) when the QMI
 * port is closed. The client may still have to be allocated (with_client). */
GTask *
qmi_wms_task(MmdBackend *backend, const char *what, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);

  if (!self->device || !qmi_device_is_open(self->device)) {
    mmd_task_fail(task, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                                    "%s: the QMI port is not open", what));
    return NULL;
  }
  return task;
}

static void
client_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  QmiWmsStep step = g_object_get_data(G_OBJECT(task), "wms-step");
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  step(task);
}

/* Runs step(task) once the client is there. */
void
qmi_wms_with_client(GTask *task, QmiWmsStep step)
{
  MmdQmiBackend *self = g_task_get_source_object(task);

  g_object_set_data(G_OBJECT(task), "wms-step", step);
  client_ensure(self, g_task_new(self, g_task_get_cancellable(task), client_ready, task));
}

/* ---- load: routes, event reports, every stored message ---- */

typedef struct {
  GPtrArray *records; /* MmdSmsRecord */
  guint storage_at;   /* into load_storages */
  GArray *indexes;    /* guint32, of the storage being read */
  guint next;
} LoadJob;

static const MmdSmsStorage load_storages[] = { MMD_SMS_STORAGE_SM, MMD_SMS_STORAGE_ME };

static void
load_job_free(LoadJob *job)
{
  g_ptr_array_unref(job->records);
  g_clear_pointer(&job->indexes, g_array_unref);
  g_free(job);
}

static void load_next_storage(GTask *task);

static void load_next_record(GTask *task);

static void
record_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  LoadJob *job = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  MmdSmsRecord *record = g_task_propagate_pointer(G_TASK(res), &error);

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    mmd_task_fail(task, g_steal_pointer(&error));
    return;
  }
  if (record)
    g_ptr_array_add(job->records, record);
  else
    g_message("Skipping a stored message that does not read: %s", error->message);
  load_next_record(task);
}

static void
load_next_record(GTask *task)
{
  LoadJob *job = g_task_get_task_data(task);

  if (job->next >= job->indexes->len) {
    job->storage_at++;
    load_next_storage(task);
    return;
  }
  read_record(g_task_get_source_object(task), load_storages[job->storage_at],
              g_array_index(job->indexes, guint32, job->next++), g_task_get_cancellable(task),
              record_read, task);
}

static void
listed(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  LoadJob *job = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWmsListMessagesOutput out;

  g_clear_pointer(&job->indexes, g_array_unref);
  job->indexes = g_array_new(FALSE, FALSE, sizeof(guint32));
  job->next = 0;
  if (qmi_client_wms_list_messages_finish(client_of(task), res, &out, &error)) {
    for (guint i = 0; i < out.n_message_list; i++)
      g_array_append_val(job->indexes, out.message_list[i].memory_index);
  } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, g_steal_pointer(&error));
    return;
  } else {
    /* a modem without SIM storage (or an empty one that says so) */
    g_debug("WMS List Messages of %s: %s",
            mmd_sms_storage_to_string(load_storages[job->storage_at]), error->message);
  }
  qmi_output_base_clear(&out.base);
  load_next_record(task);
}

static void
load_next_storage(GTask *task)
{
  LoadJob *job = g_task_get_task_data(task);
  QmiWmsListMessagesInput in = {
    .has_storage_type = TRUE,
    .has_message_mode = TRUE,
    .message_mode = MODE_GSM_WCDMA,
  };

  if (job->storage_at >= G_N_ELEMENTS(load_storages)) {
    g_task_return_pointer(task, g_ptr_array_ref(job->records), (GDestroyNotify)g_ptr_array_unref);
    g_object_unref(task);
    return;
  }
  qmi_storage_of(load_storages[job->storage_at], &in.storage_type, NULL);
  qmi_client_wms_list_messages(qmi_wms_client(g_task_get_source_object(task)), &in, QMI_TIMEOUT,
                               g_task_get_cancellable(task), listed, task);
}

/* Sets routes that store every class in storage and notify, and status
 * reports handed over whole. */
static void
set_routes(MmdQmiBackend *self, guint8 storage, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  QmiWmsRoute routes[MESSAGE_CLASS_NONE + 1];
  QmiWmsSetRoutesInput in = {
    .has_route_list = TRUE,
    .n_route_list = G_N_ELEMENTS(routes),
    .route_list = routes,
    .has_transfer_status_report = TRUE,
    .transfer_status_report = 1,
  };

  for (guint8 klass = 0; klass <= MESSAGE_CLASS_NONE; klass++)
    routes[klass] = (QmiWmsRoute){ 0, klass, storage, ACTION_STORE_AND_NOTIFY };
  qmi_client_wms_set_routes(qmi_wms_client(self), &in, QMI_TIMEOUT, cancellable, callback,
                            user_data);
}

static void
routes_set(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  static const MmdSmsStorage storages[] = { MMD_SMS_STORAGE_SM, MMD_SMS_STORAGE_ME };
  g_autoptr(GError) error = NULL;
  QmiWmsSetRoutesOutput out;

  /* without routes the modem keeps its own: loading still makes sense */
  if (!qmi_client_wms_set_routes_finish(client_of(task), res, &out, &error))
    g_message("[%s] WMS Set Routes: %s", self->control_path, error->message);
  qmi_output_base_clear(&out.base);
  mmd_modem_set_sms_storages(qmi_backend_modem(self), storages, G_N_ELEMENTS(storages),
                             MMD_SMS_STORAGE_ME);
  load_next_storage(task);
}

static void
events_on(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiWmsSetEventReportOutput out;

  if (!qmi_client_wms_set_event_report_finish(client_of(task), res, &out, &error))
    g_message("[%s] WMS Set Event Report: %s", self->control_path, error->message);
  qmi_output_base_clear(&out.base);
  set_routes(self, STORAGE_NV, g_task_get_cancellable(task), routes_set, task);
}

/* New messages are announced from now on: switched on before the listing,
 * so that one arriving meanwhile is not missed (the room takes a message at
 * an index it knows only once). */
void
qmi_wms_enable_events(MmdQmiBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  QmiWmsSetEventReportInput in
      = { .has_new_mt_message_indicator = TRUE, .new_mt_message_indicator = 1 };

  qmi_client_wms_set_event_report(qmi_wms_client(self), &in, QMI_TIMEOUT, cancellable, callback,
                                  user_data);
}

static void
load_start(GTask *task)
{
  qmi_wms_enable_events(g_task_get_source_object(task), g_task_get_cancellable(task), events_on,
                        task);
}

static void
wms_load(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = qmi_wms_task(backend, "Reading messages", cancellable, callback, user_data);
  LoadJob *job;

  if (!task)
    return;
  job = g_new0(LoadJob, 1);
  job->records = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_record_free);
  g_task_set_task_data(task, job, (GDestroyNotify)load_job_free);
  qmi_wms_with_client(task, load_start);
}

/* ---- send, store, send stored, delete, default storage ---- */

typedef struct {
  GBytes *pdu;
  guint8 storage;
  guint32 index;
} WmsRequest;

static void
wms_request_free(WmsRequest *request)
{
  g_clear_pointer(&request->pdu, g_bytes_unref);
  g_free(request);
}

static WmsRequest *
request_of(GTask *task)
{
  return g_task_get_task_data(task);
}

static GTask *
request_task(MmdBackend *backend, const char *what, GBytes *pdu, MmdSmsStorage storage, guint index,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = qmi_wms_task(backend, what, cancellable, callback, user_data);
  WmsRequest *request;
  GError *error = NULL;

  if (!task)
    return NULL;
  request = g_new0(WmsRequest, 1);
  request->pdu = pdu ? g_bytes_ref(pdu) : NULL;
  request->index = index;
  g_task_set_task_data(task, request, (GDestroyNotify)wms_request_free);
  if (storage != MMD_SMS_STORAGE_UNKNOWN && !qmi_storage_of(storage, &request->storage, &error)) {
    mmd_task_fail(task, error);
    return NULL;
  }
  return task;
}

static void
sent(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsRawSendOutput out;

  if (!qmi_client_wms_raw_send_finish(client_of(task), res, &out, &error)) {
    if (out.has_gsm_wcdma_cause_info)
      g_prefix_error(&error, "RP cause %u, TP cause %u: ", out.gsm_wcdma_cause_info.rp_cause,
                     out.gsm_wcdma_cause_info.tp_cause);
    mmd_task_fail(task, error);
  } else {
    /* TP-MR is one octet; the message id is the modem's */
    g_task_return_int(task, out.message_id & 0xFF);
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
send_start(GTask *task)
{
  gsize len;
  const guint8 *data = g_bytes_get_data(request_of(task)->pdu, &len);
  QmiWmsRawSendInput in = { .has_raw_message_data = TRUE };

  in.raw_message_data.format = FORMAT_GSM_WCDMA_PP;
  in.raw_message_data.n_raw_data = (guint)len;
  in.raw_message_data.raw_data = data;
  qmi_client_wms_raw_send(qmi_wms_client(g_task_get_source_object(task)), &in, WMS_SEND_TIMEOUT,
                          g_task_get_cancellable(task), sent, task);
}

static void
wms_send(MmdBackend *backend, GBytes *pdu, guint tpdu_len, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = request_task(backend, "Sending a message", pdu, MMD_SMS_STORAGE_UNKNOWN, 0,
                             cancellable, callback, user_data);

  if (task)
    qmi_wms_with_client(task, send_start);
}

static void
written(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsRawWriteOutput out;

  if (!qmi_client_wms_raw_write_finish(client_of(task), res, &out, &error)) {
    mmd_task_fail(task, error);
  } else if (!out.has_memory_index || out.memory_index > G_MAXINT) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                                    "WMS Raw Write answered no usable index"));
  } else {
    g_task_return_int(task, out.memory_index);
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
store_start(GTask *task)
{
  WmsRequest *request = request_of(task);
  gsize len;
  const guint8 *data = g_bytes_get_data(request->pdu, &len);
  QmiWmsRawWriteInput in = { .has_raw_message_data = TRUE };

  in.raw_message_data.storage_type = request->storage;
  in.raw_message_data.format = FORMAT_GSM_WCDMA_PP;
  in.raw_message_data.n_raw_data = (guint)len;
  in.raw_message_data.raw_data = data;
  qmi_client_wms_raw_write(qmi_wms_client(g_task_get_source_object(task)), &in, QMI_TIMEOUT,
                           g_task_get_cancellable(task), written, task);
}

static void
wms_store(MmdBackend *backend, GBytes *pdu, guint tpdu_len, MmdSmsStorage storage,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = request_task(backend, "Storing a message", pdu, storage, 0, cancellable, callback,
                             user_data);

  if (task)
    qmi_wms_with_client(task, store_start);
}

static void
sent_stored(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsSendFromMemoryStorageOutput out;

  if (!qmi_client_wms_send_from_memory_storage_finish(client_of(task), res, &out, &error)) {
    mmd_task_fail(task, error);
  } else {
    g_task_return_int(task, out.message_id & 0xFF);
    g_object_unref(task);
  }
  qmi_output_base_clear(&out.base);
}

static void
send_stored_start(GTask *task)
{
  WmsRequest *request = request_of(task);
  QmiWmsSendFromMemoryStorageInput in = { .has_information = TRUE };

  in.information.storage_type = request->storage;
  in.information.memory_index = request->index;
  in.information.message_mode = MODE_GSM_WCDMA;
  qmi_client_wms_send_from_memory_storage(qmi_wms_client(g_task_get_source_object(task)), &in,
                                          WMS_SEND_TIMEOUT, g_task_get_cancellable(task),
                                          sent_stored, task);
}

static void
wms_send_stored(MmdBackend *backend, MmdSmsStorage storage, guint index, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = request_task(backend, "Sending a stored message", NULL, storage, index, cancellable,
                             callback, user_data);

  if (task)
    qmi_wms_with_client(task, send_stored_start);
}

static void
deleted(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsDeleteOutput out;

  if (qmi_client_wms_delete_finish(client_of(task), res, &out, &error))
    mmd_task_succeed(task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static void
delete_start(GTask *task)
{
  WmsRequest *request = request_of(task);
  QmiWmsDeleteInput in = {
    .has_memory_storage = TRUE,
    .memory_storage = request->storage,
    .has_memory_index = TRUE,
    .memory_index = request->index,
    .has_message_mode = TRUE,
    .message_mode = MODE_GSM_WCDMA,
  };

  qmi_client_wms_delete(qmi_wms_client(g_task_get_source_object(task)), &in, QMI_TIMEOUT,
                        g_task_get_cancellable(task), deleted, task);
}

static void
wms_delete_stored(MmdBackend *backend, MmdSmsStorage storage, guint index,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = request_task(backend, "Deleting a message", NULL, storage, index, cancellable,
                             callback, user_data);

  if (task)
    qmi_wms_with_client(task, delete_start);
}

static void
default_storage_set(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsSetRoutesOutput out;

  if (qmi_client_wms_set_routes_finish(client_of(task), res, &out, &error))
    mmd_task_succeed(task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static void
default_storage_start(GTask *task)
{
  set_routes(g_task_get_source_object(task), request_of(task)->storage,
             g_task_get_cancellable(task), default_storage_set, task);
}

static void
wms_set_default_storage(MmdBackend *backend, MmdSmsStorage storage, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = request_task(backend, "Setting the message storage", NULL, storage, 0, cancellable,
                             callback, user_data);

  if (task)
    qmi_wms_with_client(task, default_storage_start);
}

/* ---- event reports ---- */

static void
indicated_record_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(source);
  g_autoptr(GError) error = NULL;
  MmdSmsRecord *record = g_task_propagate_pointer(G_TASK(res), &error);
  MmdModem *modem = qmi_backend_modem(self);
  gsize len;
  const guint8 *pdu;

  if (!record) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message("[%s] a new message does not read: %s", self->control_path, error->message);
    return;
  }
  pdu = g_bytes_get_data(record->pdu, &len);
  if (modem)
    mmd_modem_sms_received(modem, record->storage, record->index, record->state, pdu, len);
  mmd_sms_record_free(record);
}

static void
acked(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  g_autoptr(GError) error = NULL;
  QmiWmsSendAckOutput out;

  if (!qmi_client_wms_send_ack_finish(qmi_wms_client(self), res, &out, &error)
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message("WMS Send Ack: %s", error->message);
  qmi_output_base_clear(&out.base);
  g_object_unref(self);
}

/* A message or page handed over whole: the core takes it; the modem waits
 * for our ack when it says so. */
static void
take_transferred(MmdQmiBackend *self, const QmiWmsEventReportIndication *ind)
{
  MmdModem *modem = qmi_backend_modem(self);
  guint8 format = ind->transfer_route_mt_message.format;

  if (ind->transfer_route_mt_message.ack_indicator == ACK_SEND) {
    QmiWmsSendAckInput in = { .has_information = TRUE };

    in.information.transaction_id = ind->transfer_route_mt_message.transaction_id;
    in.information.message_protocol = PROTOCOL_WCDMA;
    in.information.success = 1;
    qmi_client_wms_send_ack(qmi_wms_client(self), &in, QMI_TIMEOUT, self->cancellable, acked,
                            g_object_ref(self));
  }
  if (!modem)
    return;
  if (format == FORMAT_GSM_WCDMA_PP)
    mmd_modem_sms_received(modem, MMD_SMS_STORAGE_UNKNOWN, MMD_SMS_NO_INDEX,
                           MMD_SMS_RECORD_RECEIVED_UNREAD, ind->transfer_route_mt_message.raw_data,
                           ind->transfer_route_mt_message.n_raw_data);
  else if (format == FORMAT_GSM_WCDMA_BROADCAST)
    mmd_modem_cbs_received(modem, ind->transfer_route_mt_message.raw_data,
                           ind->transfer_route_mt_message.n_raw_data);
  else
    g_debug("[%s] WMS event report of format %u ignored", self->control_path, format);
}

static void
on_event_report(QmiClient *client, QmiMessage *message, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  QmiWmsEventReportIndication ind;
  MmdSmsStorage storage;

  if (!qmi_wms_event_report_indication_parse(message, &ind, NULL)) {
    qmi_output_base_clear(&ind.base);
    return;
  }
  if (ind.has_mt_message && mmd_storage_of(ind.mt_message.storage_type, &storage))
    read_record(self, storage, ind.mt_message.memory_index, self->cancellable,
                indicated_record_read, NULL);
  else if (ind.has_mt_message)
    g_message("[%s] a new message in unknown storage %u", self->control_path,
              ind.mt_message.storage_type);
  if (ind.has_transfer_route_mt_message)
    take_transferred(self, &ind);
  qmi_output_base_clear(&ind.base);
}

/* ---- the capability ---- */

static const MmdMessagingOps qmi_messaging_ops = {
  .load = wms_load,
  .send = wms_send,
  .store = wms_store,
  .send_stored = wms_send_stored,
  .delete_stored = wms_delete_stored,
  .set_default_storage = wms_set_default_storage,
};

/* Messaging and cell broadcast both live in the WMS service, which some
 * data-only modules lack: the capabilities are provided only when the modem
 * lists it (once, however often the modem is initialized). */
void
qmi_wms_setup(MmdQmiBackend *self)
{
  QmiWms *wms = wms_of(self);

  if (wms->provided)
    return;
  if (!qmi_device_get_service_version(self->device, QMI_SERVICE_WMS, NULL, NULL)) {
    g_debug("[%s] no WMS service: no messaging, no cell broadcast", self->control_path);
    return;
  }
  wms->provided = TRUE;
  mmd_modem_provide_messaging(qmi_backend_modem(self), &qmi_messaging_ops, MMD_BACKEND(self));
  mmd_modem_provide_cell_broadcast(qmi_backend_modem(self), &qmi_cell_broadcast_ops,
                                   MMD_BACKEND(self));
}
