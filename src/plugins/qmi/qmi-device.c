/* A QMI device: CTL, clients, transactions, indications. */
#include "qmi-device.h"

#include <string.h>

#include "mmd-command-timeout.h"
#include "mmd-errors.h"
#include "qmi-error.h"
#include "qmi-generated.h"

typedef struct {
  guint id;
  guint16 message_id;
  QmiIndicationFunc func;
  gpointer user_data;
} IndicationHandler;

struct _QmiClient {
  QmiDevice *device; /* weak: the device owns its clients */
  guint8 service;
  guint8 cid;
  gboolean released;
  gboolean keep_on_close;
  guint16 next_tid;
  GArray *handlers; /* IndicationHandler */
  guint next_handler_id;
};

typedef struct {
  QmiDevice *device;
  QmiClient *client;
  guint16 tid;
  guint16 message_id;
  GTask *task;
  GSource *timeout_source;
  GSource *cancel_source;
} Transaction;

struct _QmiDevice {
  GObject parent;
  QmiTransport *transport;
  gboolean open;
  QmiClient *ctl;
  GPtrArray *clients;      /* QmiClient, owned, including released ones */
  GList *transactions;     /* Transaction */
  GArray *versions;        /* QmiCtlServiceVersion */
  gboolean ready;          /* open completed */
  guint timeouts_in_a_row; /* without any message from the modem in between */
  guint dropped;           /* messages that answered nothing we asked */
};

/* This many timeouts in a row, with no usable message from the modem, and it
 * is considered gone. */
#define MAX_TIMEOUTS_IN_A_ROW 3
/* Dropped messages logged per device; a modem that keeps sending them gets
 * counted, not logged, past this. */
#define MAX_DROPS_LOGGED 10

static void on_transport_gone(const GError *error, gpointer user_data);

G_DEFINE_TYPE(QmiDevice, qmi_device, G_TYPE_OBJECT)

enum { SIGNAL_GONE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
client_free(QmiClient *client)
{
  g_array_unref(client->handlers);
  g_free(client);
}

static QmiClient *
client_new(QmiDevice *device, guint8 service, guint8 cid)
{
  QmiClient *client = g_new0(QmiClient, 1);
  client->device = device;
  client->service = service;
  client->cid = cid;
  client->handlers = g_array_new(FALSE, TRUE, sizeof(IndicationHandler));
  client->next_handler_id = 1;
  g_ptr_array_add(device->clients, client);
  return client;
}

/* ---- transactions ----------------------------------------------------- */

static void
transaction_detach(Transaction *tr)
{
  tr->device->transactions = g_list_remove(tr->device->transactions, tr);
  if (tr->timeout_source) {
    g_source_destroy(tr->timeout_source);
    g_source_unref(tr->timeout_source);
  }
  if (tr->cancel_source) {
    g_source_destroy(tr->cancel_source);
    g_source_unref(tr->cancel_source);
  }
  tr->timeout_source = tr->cancel_source = NULL;
}

static void
transaction_complete(Transaction *tr, QmiMessage *response, GError *error)
{
  transaction_detach(tr);
  GTask *task = tr->task;
  g_free(tr);
  if (response)
    g_task_return_pointer(task, qmi_message_ref(response), (GDestroyNotify)qmi_message_unref);
  else
    g_task_return_error(task, error);
  g_object_unref(task);
}

static gboolean
transaction_timed_out(gpointer user_data)
{
  Transaction *tr = user_data;
  QmiDevice *self = g_object_ref(tr->device);
  const QmiMessageInfo *info = qmi_message_info_lookup(tr->client->service, tr->message_id, FALSE);
  self->timeouts_in_a_row++;
  transaction_complete(
      tr, NULL,
      g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                  "%s: no response to %s %s (0x%04x)", qmi_device_get_name(tr->device),
                  qmi_service_get_name(tr->client->service),
                  info ? qmi_message_info_get_name(info) : "request", tr->message_id));
  if (self->ready && self->open && self->timeouts_in_a_row >= MAX_TIMEOUTS_IN_A_ROW) {
    g_autoptr(GError) error
        = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                      "%s: the modem stopped answering", qmi_device_get_name(self));
    qmi_transport_close(self->transport);
    on_transport_gone(error, self);
  }
  g_object_unref(self);
  return G_SOURCE_REMOVE;
}

static gboolean
transaction_cancelled(GCancellable *cancellable, gpointer user_data)
{
  Transaction *tr = user_data;
  transaction_complete(tr, NULL,
                       g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "Request cancelled"));
  return G_SOURCE_REMOVE;
}

static void
fail_all_transactions(QmiDevice *self, const char *why)
{
  while (self->transactions) {
    Transaction *tr = self->transactions->data;
    transaction_complete(tr, NULL,
                         g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s",
                                     qmi_device_get_name(self), why));
  }
}

static void
log_message(QmiDevice *self, const char *dir, QmiMessage *msg)
{
  g_autofree char *desc = qmi_message_describe(msg);
  g_debug("[%s] %s %s", qmi_device_get_name(self), dir, desc);
}

void
qmi_client_send(QmiClient *client, guint16 message_id, GByteArray *tlvs, guint timeout_s,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  QmiDevice *self = client->device;
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  g_task_set_source_tag(task, qmi_client_send);
  GError *error = NULL;

  if (!self->open || client->released) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s",
                            qmi_device_get_name(self),
                            client->released ? "client released" : "device not open");
    g_object_unref(task);
    return;
  }
  if (g_task_return_error_if_cancelled(task)) {
    g_object_unref(task);
    return;
  }

  /* next transaction id, never 0, unique among pending ones of this client */
  guint16 max = client->service == QMI_SERVICE_CTL ? 0xFF : 0xFFFF;
  client->next_tid = client->next_tid >= max ? 1 : client->next_tid + 1;
  guint16 tid = client->next_tid;

  g_autoptr(QmiMessage) msg
      = qmi_message_new(client->service, client->cid, QMI_MESSAGE_KIND_REQUEST, tid, message_id,
                        tlvs ? tlvs->data : NULL, tlvs ? tlvs->len : 0);
  log_message(self, ">>", msg);
  if (!qmi_transport_send(self->transport, msg, &error)) {
    g_task_return_error(task, error);
    g_object_unref(task);
    return;
  }

  Transaction *tr = g_new0(Transaction, 1);
  tr->device = self;
  tr->client = client;
  tr->tid = tid;
  tr->message_id = message_id;
  tr->task = task;
  tr->timeout_source = g_timeout_source_new(mmd_command_timeout_ms(MAX(timeout_s, 1) * 1000));
  g_source_set_callback(tr->timeout_source, transaction_timed_out, tr, NULL);
  g_source_attach(tr->timeout_source, g_main_context_get_thread_default());
  if (cancellable) {
    tr->cancel_source = g_cancellable_source_new(cancellable);
    g_source_set_callback(tr->cancel_source, G_SOURCE_FUNC(transaction_cancelled), tr, NULL);
    g_source_attach(tr->cancel_source, g_main_context_get_thread_default());
  }
  self->transactions = g_list_append(self->transactions, tr);
}

QmiMessage *
qmi_client_send_finish(QmiClient *client, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer(G_TASK(res), error);
}

/* ---- incoming --------------------------------------------------------- */

static void
dispatch_indication(QmiDevice *self, QmiMessage *msg)
{
  guint8 service = qmi_message_get_service(msg);
  guint8 cid = qmi_message_get_client_id(msg);
  guint16 id = qmi_message_get_message_id(msg);

  /* handlers may add/remove handlers or release clients: iterate over a copy */
  GArray *calls = g_array_new(FALSE, FALSE, sizeof(IndicationHandler));
  GPtrArray *targets = g_ptr_array_new();
  for (guint i = 0; i < self->clients->len; i++) {
    QmiClient *c = g_ptr_array_index(self->clients, i);
    if (c->released || c->service != service || (cid != 0xFF && c->cid != cid))
      continue;
    for (guint j = 0; j < c->handlers->len; j++) {
      IndicationHandler *h = &g_array_index(c->handlers, IndicationHandler, j);
      if (h->message_id == 0xFFFF || h->message_id == id) {
        g_array_append_val(calls, *h);
        g_ptr_array_add(targets, c);
      }
    }
  }
  for (guint i = 0; i < calls->len; i++) {
    IndicationHandler *h = &g_array_index(calls, IndicationHandler, i);
    QmiClient *c = g_ptr_array_index(targets, i);
    gboolean still_there = FALSE;
    for (guint j = 0; !c->released && j < c->handlers->len; j++)
      still_there |= g_array_index(c->handlers, IndicationHandler, j).id == h->id;
    if (still_there)
      h->func(c, msg, h->user_data);
  }
  g_array_unref(calls);
  g_ptr_array_unref(targets);
}

/* A message that answers nothing we asked, logged up to MAX_DROPS_LOGGED: at
 * debug level when it is ordinary (the late answer to a request that timed
 * out or was cancelled), as a message when the modem is at fault. */
static void
drop_message(QmiDevice *self, QmiMessage *msg, const char *why, gboolean modem_at_fault)
{
  if (++self->dropped > MAX_DROPS_LOGGED)
    return;
  g_log(G_LOG_DOMAIN, modem_at_fault ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_DEBUG,
        "[%s] dropped %s 0x%04x cid %u tid %u: %s%s", qmi_device_get_name(self),
        qmi_service_get_name(qmi_message_get_service(msg)), qmi_message_get_message_id(msg),
        qmi_message_get_client_id(msg), qmi_message_get_transaction_id(msg), why,
        self->dropped == MAX_DROPS_LOGGED ? " (further drops are not logged)" : "");
}

/* The pending request this response answers: same service, client,
 * transaction and message id. */
static Transaction *
find_transaction(QmiDevice *self, QmiMessage *msg)
{
  guint8 service = qmi_message_get_service(msg);
  guint8 cid = qmi_message_get_client_id(msg);
  guint16 tid = qmi_message_get_transaction_id(msg);

  for (GList *l = self->transactions; l; l = l->next) {
    Transaction *tr = l->data;
    if (tr->client->service == service && tr->client->cid == cid && tr->tid == tid)
      return tr;
  }
  return NULL;
}

static void
handle_response(QmiDevice *self, QmiMessage *msg)
{
  Transaction *tr = find_transaction(self, msg);

  if (!tr) {
    drop_message(self, msg, "no pending request", FALSE);
    return;
  }
  /* a response to another request must not reach this request's parser:
   * the request stays pending (and times out if nothing better comes) */
  if (qmi_message_get_message_id(msg) != tr->message_id) {
    drop_message(self, msg, "message id differs from the request's", TRUE);
    return;
  }
  self->timeouts_in_a_row = 0;
  transaction_complete(tr, msg, NULL);
}

static void
on_transport_message(QmiMessage *msg, gpointer user_data)
{
  QmiDevice *self = user_data;
  log_message(self, "<<", msg);
  g_object_ref(self);
  switch (qmi_message_get_kind(msg)) {
    case QMI_MESSAGE_KIND_INDICATION:
      self->timeouts_in_a_row = 0;
      dispatch_indication(self, msg);
      break;
    case QMI_MESSAGE_KIND_RESPONSE:
      handle_response(self, msg);
      break;
    case QMI_MESSAGE_KIND_REQUEST:
    default:
      drop_message(self, msg, "a request from the modem", TRUE);
      break;
  }
  g_object_unref(self);
}

static void
on_transport_gone(const GError *error, gpointer user_data)
{
  QmiDevice *self = user_data;
  g_debug("[%s] gone: %s", qmi_device_get_name(self), error->message);
  g_object_ref(self);
  gboolean was_open = self->open;
  self->open = FALSE;
  self->ready = FALSE;
  for (guint i = 0; i < self->clients->len; i++)
    ((QmiClient *)g_ptr_array_index(self->clients, i))->released = TRUE;
  self->ctl->released = FALSE;
  fail_all_transactions(self, error->message);
  if (was_open)
    g_signal_emit(self, signals[SIGNAL_GONE], 0, error->message);
  g_object_unref(self);
}

/* ---- open ------------------------------------------------------------- */

typedef struct {
  guint timeout_s;
  guint sync_attempts;
  gboolean keep_clients;
} OpenContext;

static void open_send_sync(GTask *task);

static void
open_version_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QmiDevice *self = QMI_DEVICE(source);
  QmiCtlGetVersionInfoOutput out;
  GError *error = NULL;

  if (!qmi_client_ctl_get_version_info_finish(self->ctl, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    g_prefix_error(&error, "QMI version info: ");
    qmi_device_close(self);
    g_task_return_error(task, error);
    return;
  }
  g_array_set_size(self->versions, 0);
  if (out.has_service_list)
    g_array_append_vals(self->versions, out.service_list, out.n_service_list);
  qmi_output_base_clear(&out.base);
  self->ready = TRUE;
  g_task_return_boolean(task, TRUE);
}

static void
open_sync_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QmiDevice *self = QMI_DEVICE(source);
  OpenContext *ctx = g_task_get_task_data(task);
  QmiCtlSyncOutput out;
  g_autoptr(GError) error = NULL;

  qmi_client_ctl_sync_finish(self->ctl, res, &out, &error);
  qmi_output_base_clear(&out.base);
  if (error && g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
      && ctx->sync_attempts < 3) {
    open_send_sync(g_steal_pointer(&task));
    return;
  }
  if (error && !out.base.has_result) {
    /* no response at all: not a QMI port, or dead */
    qmi_device_close(self);
    g_task_return_error(task, g_steal_pointer(&error));
    return;
  }
  /* A failure result still proves a QMI modem is listening. */
  qmi_client_ctl_get_version_info(self->ctl, ctx->timeout_s, g_task_get_cancellable(task),
                                  open_version_ready, g_object_ref(task));
}

/* Without CTL (QRTR) the device is ready once the transport knows the
 * modem's services. */
static void
open_discover_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QmiDevice *self = g_task_get_source_object(task);
  GError *error = NULL;

  if (!qmi_transport_discover_finish(self->transport, res, &error)) {
    qmi_device_close(self);
    g_task_return_error(task, error);
    return;
  }
  self->ready = TRUE;
  g_task_return_boolean(task, TRUE);
}

static void
open_send_sync(GTask *task)
{
  QmiDevice *self = g_task_get_source_object(task);
  OpenContext *ctx = g_task_get_task_data(task);
  ctx->sync_attempts++;
  guint per_try = MAX(ctx->timeout_s / 3, 1);
  qmi_client_ctl_sync(self->ctl, per_try, g_task_get_cancellable(task), open_sync_ready, task);
}

static void
open_with(QmiDevice *self, gboolean keep_clients, guint timeout_s, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  GError *error = NULL;
  OpenContext *ctx = g_new0(OpenContext, 1);
  ctx->timeout_s = MAX(timeout_s, 1);
  ctx->keep_clients = keep_clients;
  g_task_set_task_data(task, ctx, g_free);

  if (!self->open) {
    if (!qmi_transport_open(self->transport, &error)) {
      g_task_return_error(task, error);
      g_object_unref(task);
      return;
    }
    self->open = TRUE;
    self->ctl->released = FALSE;
  }
  if (!qmi_transport_has_ctl(self->transport)) {
    qmi_transport_discover(self->transport, ctx->timeout_s, cancellable, open_discover_ready, task);
    return;
  }
  if (keep_clients)
    qmi_client_ctl_get_version_info(self->ctl, ctx->timeout_s, cancellable, open_version_ready,
                                    task);
  else
    open_send_sync(task);
}

void
qmi_device_open(QmiDevice *self, guint timeout_s, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  open_with(self, FALSE, timeout_s, cancellable, callback, user_data);
}

void
qmi_device_open_keeping_clients(QmiDevice *self, guint timeout_s, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  open_with(self, TRUE, timeout_s, cancellable, callback, user_data);
}

gboolean
qmi_device_open_finish(QmiDevice *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean(G_TASK(res), error);
}

gboolean
qmi_device_is_open(QmiDevice *self)
{
  return self->open;
}

gboolean
qmi_device_get_service_version(QmiDevice *self, guint8 service, guint16 *major, guint16 *minor)
{
  if (!qmi_transport_has_ctl(self->transport))
    return qmi_transport_get_service_version(self->transport, service, major, minor);
  for (guint i = 0; i < self->versions->len; i++) {
    QmiCtlServiceVersion *v = &g_array_index(self->versions, QmiCtlServiceVersion, i);
    if (v->service == service) {
      if (major)
        *major = v->major;
      if (minor)
        *minor = v->minor;
      return TRUE;
    }
  }
  return FALSE;
}

/* ---- clients ---------------------------------------------------------- */

static void
allocate_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  QmiDevice *self = QMI_DEVICE(source);
  guint8 service = GPOINTER_TO_UINT(g_task_get_task_data(task));
  QmiCtlAllocateCidOutput out;
  GError *error = NULL;

  if (!qmi_client_ctl_allocate_cid_finish(self->ctl, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    g_prefix_error(&error, "Allocating a %s client: ", qmi_service_get_name(service));
    g_task_return_error(task, error);
    return;
  }
  qmi_output_base_clear(&out.base);
  if (!out.has_allocation_info || out.allocation_info.service != service) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                            "Allocating a %s client: invalid answer",
                            qmi_service_get_name(service));
    return;
  }
  QmiClient *client = client_new(self, service, out.allocation_info.cid);
  g_debug("[%s] allocated %s client %u", qmi_device_get_name(self), qmi_service_get_name(service),
          client->cid);
  g_task_return_pointer(task, client, NULL);
}

/* Client ids are the transport's to give out when there is no CTL. */
static void
allocate_without_ctl(QmiDevice *self, guint8 service, GTask *task)
{
  GError *error = NULL;
  guint8 cid;

  if (!self->open) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: not open",
                            qmi_device_get_name(self));
  } else if (!qmi_transport_open_client(self->transport, service, &cid, &error)) {
    g_prefix_error(&error, "Allocating a %s client: ", qmi_service_get_name(service));
    g_task_return_error(task, error);
  } else {
    QmiClient *client = client_new(self, service, cid);
    g_debug("[%s] opened %s client %u", qmi_device_get_name(self), qmi_service_get_name(service),
            cid);
    g_task_return_pointer(task, client, NULL);
  }
  g_object_unref(task);
}

void
qmi_device_allocate_client(QmiDevice *self, guint8 service, guint timeout_s,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  g_task_set_task_data(task, GUINT_TO_POINTER((guint)service), NULL);
  if (!qmi_transport_has_ctl(self->transport)) {
    allocate_without_ctl(self, service, task);
    return;
  }
  QmiCtlAllocateCidInput in = { .has_service = TRUE, .service = service };
  qmi_client_ctl_allocate_cid(self->ctl, &in, timeout_s, cancellable, allocate_ready, task);
}

QmiClient *
qmi_device_adopt_client(QmiDevice *self, guint8 service, guint8 cid)
{
  g_return_val_if_fail(service != QMI_SERVICE_CTL && cid != 0 && cid != 0xFF, NULL);
  g_debug("[%s] adopting %s client %u", qmi_device_get_name(self), qmi_service_get_name(service),
          cid);
  return client_new(self, service, cid);
}

QmiClient *
qmi_device_allocate_client_finish(QmiDevice *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer(G_TASK(res), error);
}

static void
release_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  QmiDevice *self = QMI_DEVICE(source);
  QmiCtlReleaseCidOutput out;
  g_autoptr(GError) error = NULL;
  if (!qmi_client_ctl_release_cid_finish(self->ctl, res, &out, &error))
    g_debug("[%s] releasing a client: %s", qmi_device_get_name(self), error->message);
  qmi_output_base_clear(&out.base);
}

void
qmi_client_keep_on_close(QmiClient *client)
{
  client->keep_on_close = TRUE;
}

void
qmi_device_release_client(QmiDevice *self, QmiClient *client)
{
  if (client->released || client == self->ctl)
    return;
  client->released = TRUE;
  g_array_set_size(client->handlers, 0);
  /* fail this client's pending requests */
  for (GList *l = self->transactions; l;) {
    Transaction *tr = l->data;
    l = l->next;
    if (tr->client == client)
      transaction_complete(
          tr, NULL, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "client released"));
  }
  if (!qmi_transport_has_ctl(self->transport)) {
    qmi_transport_close_client(self->transport, client->service, client->cid);
    return;
  }
  if (!self->open)
    return;
  QmiCtlReleaseCidInput in = {
    .has_release_info = TRUE,
    .release_info = { .service = client->service, .cid = client->cid },
  };
  qmi_client_ctl_release_cid(self->ctl, &in, 5, NULL, release_ready, NULL);
}

QmiClient *
qmi_device_get_ctl(QmiDevice *self)
{
  return self->ctl;
}

QmiDevice *
qmi_client_get_device(QmiClient *client)
{
  return client->device;
}

guint8
qmi_client_get_service(QmiClient *client)
{
  return client->service;
}

guint8
qmi_client_get_cid(QmiClient *client)
{
  return client->cid;
}

guint
qmi_client_add_indication_handler(QmiClient *client, guint16 message_id, QmiIndicationFunc func,
                                  gpointer user_data)
{
  IndicationHandler h = {
    .id = client->next_handler_id++,
    .message_id = message_id,
    .func = func,
    .user_data = user_data,
  };
  g_array_append_val(client->handlers, h);
  return h.id;
}

void
qmi_client_remove_indication_handler(QmiClient *client, guint id)
{
  for (guint i = 0; i < client->handlers->len; i++) {
    if (g_array_index(client->handlers, IndicationHandler, i).id == id) {
      g_array_remove_index(client->handlers, i);
      return;
    }
  }
}

/* ---- close and lifetime ----------------------------------------------- */

void
qmi_device_close(QmiDevice *self)
{
  if (!self->open)
    return;
  for (guint i = 0; i < self->clients->len; i++) {
    QmiClient *client = g_ptr_array_index(self->clients, i);
    if (!client->keep_on_close)
      qmi_device_release_client(self, client);
  }
  /* the releases are queued; closing the transport flushes them best-effort */
  self->open = FALSE;
  self->ready = FALSE;
  fail_all_transactions(self, "device closed");
  qmi_transport_close(self->transport);
}

const char *
qmi_device_get_name(QmiDevice *self)
{
  return self->transport->name;
}

QmiDevice *
qmi_device_new(QmiTransport *transport)
{
  QmiDevice *self = g_object_new(QMI_TYPE_DEVICE, NULL);
  self->transport = transport;
  qmi_transport_set_handlers(transport, on_transport_message, on_transport_gone, self);
  return self;
}

QmiDevice *
qmi_device_new_for_path(const char *path)
{
  return qmi_device_new(qmi_transport_new_for_path(path));
}

static void
qmi_device_dispose(GObject *object)
{
  QmiDevice *self = QMI_DEVICE(object);
  if (self->transport)
    qmi_device_close(self);
  G_OBJECT_CLASS(qmi_device_parent_class)->dispose(object);
}

static void
qmi_device_finalize(GObject *object)
{
  QmiDevice *self = QMI_DEVICE(object);
  qmi_transport_free(self->transport);
  g_ptr_array_unref(self->clients);
  g_array_unref(self->versions);
  G_OBJECT_CLASS(qmi_device_parent_class)->finalize(object);
}

static void
qmi_device_init(QmiDevice *self)
{
  self->clients = g_ptr_array_new_with_free_func((GDestroyNotify)client_free);
  self->versions = g_array_new(FALSE, TRUE, sizeof(QmiCtlServiceVersion));
  self->ctl = client_new(self, QMI_SERVICE_CTL, 0);
}

static void
qmi_device_class_init(QmiDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  object_class->dispose = qmi_device_dispose;
  object_class->finalize = qmi_device_finalize;
  signals[SIGNAL_GONE] = g_signal_new("gone", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}
