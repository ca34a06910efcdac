/* Messages from clients: Create checks everything (a message that cannot be
 * encoded is refused there, not at Send), Send and Store encode it with the
 * codec into as many parts as it needs, Delete takes it off the modem. */
#define G_LOG_DOMAIN "modemd-messaging"

#include "messaging-private.h"

#include "auth.h"
#include "mmd-errors.h"
#include "mmd-validate.h"

/* Create */

typedef struct {
  char *number;
  char *text;
  GBytes *data;
  char *smsc;
  guint validity_minutes;
  int message_class;
  gboolean report;
} CreateRequest;

static void
create_request_clear(CreateRequest *req)
{
  g_free(req->number);
  g_free(req->text);
  g_clear_pointer(&req->data, g_bytes_unref);
  g_free(req->smsc);
}

static gboolean G_GNUC_PRINTF(2, 3) invalid(GError **error, const char *format, ...)
{
  va_list args;

  va_start(args, format);
  g_propagate_error(error,
                    g_error_new_valist(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, format, args));
  va_end(args);
  return FALSE;
}

static gboolean
take_string(GVariant *value, const char *key, char **out, GError **error)
{
  if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    return invalid(error, "SMS property '%s' must be a string", key);
  g_free(*out);
  *out = g_variant_dup_string(value, NULL);
  return TRUE;
}

static gboolean
take_validity(GVariant *value, CreateRequest *req, GError **error)
{
  g_autoptr(GVariant) inner = NULL;
  guint32 type;

  if (!g_variant_is_of_type(value, G_VARIANT_TYPE("(uv)")))
    return invalid(error, "SMS property '%s' must be (uv)", "validity");
  g_variant_get(value, "(uv)", &type, &inner);
  if (type != MMD_SMS_VALIDITY_TYPE_RELATIVE || !g_variant_is_of_type(inner, G_VARIANT_TYPE_UINT32))
    return invalid(error, "SMS property '%s' must be relative, in minutes (u)", "validity");
  req->validity_minutes = g_variant_get_uint32(inner);
  return TRUE;
}

static gboolean
parse_key(CreateRequest *req, const char *key, GVariant *value, GError **error)
{
  if (g_str_equal(key, "number"))
    return take_string(value, key, &req->number, error);
  if (g_str_equal(key, "text"))
    return take_string(value, key, &req->text, error);
  if (g_str_equal(key, "smsc"))
    return take_string(value, key, &req->smsc, error);
  if (g_str_equal(key, "data")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BYTESTRING))
      return invalid(error, "SMS property '%s' must be bytes (ay)", key);
    g_clear_pointer(&req->data, g_bytes_unref);
    req->data = g_variant_get_data_as_bytes(value);
    return TRUE;
  }
  if (g_str_equal(key, "validity"))
    return take_validity(value, req, error);
  if (g_str_equal(key, "class")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_INT32) || g_variant_get_int32(value) < -1
        || g_variant_get_int32(value) > 3)
      return invalid(error, "SMS property '%s' must be -1 or 0 to 3 (i)", key);
    req->message_class = g_variant_get_int32(value);
    return TRUE;
  }
  if (g_str_equal(key, "delivery-report-request")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN))
      return invalid(error, "SMS property '%s' must be a boolean", key);
    req->report = g_variant_get_boolean(value);
    return TRUE;
  }
  return invalid(error, "Unknown SMS property '%s'", key);
}

static MmdSmsSubmit
submit_of(const CreateRequest *req)
{
  MmdSmsSubmit submit = {
    .number = req->number,
    .smsc = req->smsc && *req->smsc ? req->smsc : NULL,
    .text = req->data ? NULL : req->text,
    .data = req->data,
    .validity_minutes = req->validity_minutes,
    .message_class = req->message_class,
    .request_status_report = req->report,
  };
  return submit;
}

/* Everything a message needs before it is created: the codec refuses what it
 * could not encode (bad number, more than 255 parts, ...), so Send cannot. */
static gboolean
parse_create(GVariant *dict, CreateRequest *req, GError **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GError) codec_error = NULL;
  MmdSmsSubmit submit;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  req->message_class = -1;
  g_variant_iter_init(&iter, dict);
  while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
    gboolean ok = parse_key(req, key, value, error);
    g_variant_unref(value);
    if (!ok)
      return FALSE;
  }
  if (!req->number || !*req->number)
    return invalid(error, "An SMS needs a '%s'", "number");
  if (!req->text && !req->data)
    return invalid(error, "An SMS needs '%s' or 'data'", "text");
  if (req->text && req->data)
    return invalid(error, "An SMS has '%s' or 'data', not both", "text");
  submit = submit_of(req);
  parts = mmd_sms_submit_encode(&submit, &codec_error);
  if (!parts) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Cannot send this SMS: %s",
                codec_error->message);
    return FALSE;
  }
  return TRUE;
}

static void
set_submit_properties(MdbusSms *iface, const CreateRequest *req)
{
  gsize len = 0;
  gconstpointer data = req->data ? g_bytes_get_data(req->data, &len) : NULL;

  mdbus_sms_set_pdu_type(iface, MMD_SMS_PDU_TYPE_SUBMIT);
  mdbus_sms_set_state(iface, MMD_SMS_STATE_UNKNOWN);
  mdbus_sms_set_number(iface, req->number);
  mdbus_sms_set_text(iface, req->text ? req->text : "");
  mdbus_sms_set_data(iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1));
  mdbus_sms_set_smsc(iface, req->smsc ? req->smsc : "");
  mdbus_sms_set_class(iface, req->message_class);
  mdbus_sms_set_delivery_report_request(iface, req->report);
  if (req->validity_minutes)
    mdbus_sms_set_validity(iface, g_variant_new("(uv)", MMD_SMS_VALIDITY_TYPE_RELATIVE,
                                                g_variant_new_uint32(req->validity_minutes)));
}

void
messaging_create_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);
  g_autoptr(GVariant) dict = NULL;
  CreateRequest req = { 0 };
  GError *error = NULL;
  MmdSms *sms;

  g_variant_get(mmd_call_get_parameters(call), "(@a{sv})", &dict);
  if (!parse_create(dict, &req, &error)) {
    create_request_clear(&req);
    mmd_call_return_error(call, error);
    return;
  }
  sms = messaging_add_message(room);
  set_submit_properties(mmd_sms_get_iface(sms), &req);
  create_request_clear(&req);
  messaging_announce(room, sms, FALSE);
  mmd_call_return(call, g_variant_new("(o)", mmd_sms_get_path(sms)));
}

/* Send and Store: one part after the other */

typedef struct {
  MessagingRoom *room;
  MmdSms *sms;
  GPtrArray *parts; /* MmdSmsSubmitPart, or NULL to send what is stored */
  guint next;
  MmdSmsStorage storage; /* Store */
  gboolean store;
} PartsJob;

static void
parts_job_free(PartsJob *job)
{
  g_clear_pointer(&job->parts, g_ptr_array_unref);
  g_object_unref(job->sms);
  g_free(job);
}

/* The message as the codec encodes it now, from its properties. */
static GPtrArray *
encode_sms(MessagingRoom *room, MmdSms *sms, GError **error)
{
  MdbusSms *iface = mmd_sms_get_iface(sms);
  GVariant *data_v = mdbus_sms_get_data(iface);
  g_autoptr(GBytes) data = g_variant_get_size(data_v) ? g_variant_get_data_as_bytes(data_v) : NULL;
  guint32 validity_type, minutes = 0;
  g_autoptr(GVariant) validity_value = NULL;
  MmdSmsSubmit submit = {
    .number = mdbus_sms_get_number(iface),
    .smsc = *mdbus_sms_get_smsc(iface) ? mdbus_sms_get_smsc(iface) : NULL,
    .text = data ? NULL : mdbus_sms_get_text(iface),
    .data = data,
    .message_class = mdbus_sms_get_class(iface),
    .request_status_report = mdbus_sms_get_delivery_report_request(iface),
    .message_reference = room->next_reference,
    .concat_reference = room->next_concat_reference++,
  };

  g_variant_get(mdbus_sms_get_validity(iface), "(uv)", &validity_type, &validity_value);
  if (validity_type == MMD_SMS_VALIDITY_TYPE_RELATIVE
      && g_variant_is_of_type(validity_value, G_VARIANT_TYPE_UINT32))
    minutes = g_variant_get_uint32(validity_value);
  submit.validity_minutes = minutes;
  return mmd_sms_submit_encode(&submit, error);
}

static void parts_next(GTask *task);

static void
part_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PartsJob *job = g_task_get_task_data(task);
  GError *error = NULL;
  gssize value = g_task_propagate_int(G_TASK(result), &error);

  if (error) {
    g_task_return_error(task, error);
    g_object_unref(task);
    return;
  }
  if (job->store) {
    mmd_sms_add_location(job->sms, job->storage, (guint)value);
  } else {
    guint8 reference = (guint8)value;
    g_array_append_val(mmd_sms_get_references(job->sms), reference);
  }
  job->next++;
  parts_next(task);
}

static guint
job_total(PartsJob *job)
{
  return job->parts ? job->parts->len : mmd_sms_get_locations(job->sms)->len;
}

static void
parts_next(GTask *task)
{
  PartsJob *job = g_task_get_task_data(task);
  GCancellable *cancellable = mmd_modem_get_cancellable(job->room->modem);
  const MmdProvider *p;

  if (job->next >= job_total(job)) {
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
    return;
  }
  if (job->store) {
    MmdSmsSubmitPart *part = g_ptr_array_index(job->parts, job->next);
    p = MESSAGING_FIND_OP(job->room, store);
    MESSAGING_OP(p, store)
    (p->backend, part->pdu, part->tpdu_len, job->storage, cancellable, part_done, task);
  } else if (job->parts) {
    MmdSmsSubmitPart *part = g_ptr_array_index(job->parts, job->next);
    p = MESSAGING_FIND_OP(job->room, send);
    MESSAGING_OP(p, send)(p->backend, part->pdu, part->tpdu_len, cancellable, part_done, task);
  } else {
    MmdSmsLocation *l = &g_array_index(mmd_sms_get_locations(job->sms), MmdSmsLocation, job->next);
    p = MESSAGING_FIND_OP(job->room, send_stored);
    MESSAGING_OP(p, send_stored)(p->backend, l->storage, l->index, cancellable, part_done, task);
  }
}

static GError *
check_send(MessagingRoom *room, MmdSms *sms, gboolean store)
{
  MdbusSms *iface = mmd_sms_get_iface(sms);
  gboolean stored = mmd_sms_get_locations(sms)->len > 0;

  if (mdbus_sms_get_pdu_type(iface) != MMD_SMS_PDU_TYPE_SUBMIT)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                       "Only a message created to be sent can be %s", store ? "stored" : "sent");
  if (mdbus_sms_get_state(iface) == MMD_SMS_STATE_SENDING)
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                               "The message is being sent");
  if (store && stored)
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                               "The message is stored already");
  if (store    ? !MESSAGING_FIND_OP(room, store)
      : stored ? !MESSAGING_FIND_OP(room, send_stored)
               : !MESSAGING_FIND_OP(room, send))
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                       "%s messages is not supported by this modem", store ? "Storing" : "Sending");
  if (!store && mmd_modem_get_state(room->modem) < MMD_MODEM_STATE_REGISTERED)
    return mmd_modem_wrong_state_error(room->modem, "send a message");
  return NULL;
}

static MmdSms *
call_sms(MmdCall *call)
{
  MmdSms *sms = MMD_SMS(mmd_call_get_target(call));
  MmdModem *modem = mmd_sms_get_modem(sms);

  if (!modem || mmd_modem_is_gone(modem)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                              "The modem of this message is gone");
    return NULL;
  }
  return sms;
}

static void
sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  PartsJob *job = g_task_get_task_data(G_TASK(result));
  MdbusSms *iface = mmd_sms_get_iface(job->sms);
  GArray *references = mmd_sms_get_references(job->sms);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    g_message("%s: sending failed after %u of %u part(s): %s", mmd_sms_get_path(job->sms),
              job->next, job_total(job), error->message);
    mdbus_sms_set_state(iface, mmd_sms_get_locations(job->sms)->len ? MMD_SMS_STATE_STORED
                                                                    : MMD_SMS_STATE_UNKNOWN);
    mmd_call_return_error(call, error);
    return;
  }
  if (references->len)
    mdbus_sms_set_message_reference(iface, g_array_index(references, guint8, 0));
  mdbus_sms_set_state(iface, MMD_SMS_STATE_SENT);
  g_message("%s: sent in %u part(s)", mmd_sms_get_path(job->sms), job_total(job));
  mmd_call_return(call, NULL);
}

static void
stored(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  PartsJob *job = g_task_get_task_data(G_TASK(result));
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  mdbus_sms_set_state(mmd_sms_get_iface(job->sms), MMD_SMS_STATE_STORED);
  mmd_call_return(call, NULL);
}

static void
run_parts(MessagingRoom *room, MmdSms *sms, GPtrArray *parts, gboolean store, MmdSmsStorage storage,
          MmdCall *call)
{
  GTask *task = g_task_new(room->modem, NULL, store ? stored : sent, call);
  PartsJob *job = g_new0(PartsJob, 1);

  job->room = room;
  job->sms = g_object_ref(sms);
  job->parts = parts;
  job->store = store;
  job->storage = storage;
  g_task_set_task_data(task, job, (GDestroyNotify)parts_job_free);
  if (!store) {
    g_array_set_size(mmd_sms_get_references(sms), 0);
    mdbus_sms_set_state(mmd_sms_get_iface(sms), MMD_SMS_STATE_SENDING);
    room->next_reference += parts ? parts->len : mmd_sms_get_locations(sms)->len;
  }
  parts_next(task);
}

static void
send_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);
  MmdSms *sms = call_sms(call);
  GPtrArray *parts = NULL;
  GError *error;

  if (!sms)
    return;
  if ((error = check_send(room, sms, FALSE))) {
    mmd_call_return_error(call, error);
    return;
  }
  if (mmd_sms_get_locations(sms)->len == 0 && !(parts = encode_sms(room, sms, &error))) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Cannot send this SMS: %s", error->message);
    g_error_free(error);
    return;
  }
  run_parts(room, sms, parts, FALSE, MMD_SMS_STORAGE_UNKNOWN, call);
}

static gboolean
storage_supported(MessagingRoom *room, guint storage)
{
  gsize n = 0;
  const guint32 *storages = g_variant_get_fixed_array(
      mdbus_modem_messaging_get_supported_storages(room->iface), &n, sizeof(guint32));

  for (gsize i = 0; i < n; i++)
    if (storages[i] == storage)
      return TRUE;
  return FALSE;
}

static void
store_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);
  MmdSms *sms = call_sms(call);
  GPtrArray *parts;
  GError *error;
  guint32 storage;

  if (!sms)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(u)", &storage);
  if (storage == MMD_SMS_STORAGE_UNKNOWN)
    storage = mdbus_modem_messaging_get_default_storage(room->iface);
  if (!storage_supported(room, storage)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Storage %u is not in SupportedStorages", storage);
    return;
  }
  if ((error = check_send(room, sms, TRUE))) {
    mmd_call_return_error(call, error);
    return;
  }
  if (!(parts = encode_sms(room, sms, &error))) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Cannot store this SMS: %s", error->message);
    g_error_free(error);
    return;
  }
  run_parts(room, sms, parts, TRUE, storage, call);
}

static const MmdMethod sms_methods[] = {
  { "Send", MMD_AUTH_MESSAGING, send_run },
  { "Store", MMD_AUTH_MESSAGING, store_run },
};

void
messaging_bind_sms(MessagingRoom *room, MmdSms *sms)
{
  MMD_METHODS_BIND(mmd_sms_get_iface(sms), sms_methods, sms, room);
}

/* Delete: every stored part, then the object */

typedef struct {
  MmdCall *call;
  MessagingRoom *room;
  MmdSms *sms;
  guint next;
} DeleteJob;

static void delete_next(DeleteJob *job);

static void
part_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
  DeleteJob *job = user_data;
  g_autoptr(GError) error = NULL;

  /* A part the modem no longer has is as good as deleted. */
  if (!g_task_propagate_boolean(G_TASK(result), &error))
    g_message("%s: deleting part %u: %s", mmd_sms_get_path(job->sms), job->next + 1,
              error->message);
  job->next++;
  delete_next(job);
}

static void
delete_next(DeleteJob *job)
{
  GArray *locations = mmd_sms_get_locations(job->sms);
  const MmdProvider *p = MESSAGING_FIND_OP(job->room, delete_stored);
  MmdModem *modem = mmd_sms_get_modem(job->sms);

  if (job->next < locations->len && p && modem && !mmd_modem_is_gone(modem)) {
    MmdSmsLocation *l = &g_array_index(locations, MmdSmsLocation, job->next);
    MESSAGING_OP(p, delete_stored)
    (p->backend, l->storage, l->index, mmd_modem_get_cancellable(modem), part_deleted, job);
    return;
  }
  if (modem && !mmd_modem_is_gone(modem))
    messaging_remove_message(job->room, job->sms);
  mmd_call_return(job->call, NULL);
  g_object_unref(job->sms);
  g_free(job);
}

void
messaging_delete_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);
  DeleteJob *job;
  const char *path;
  MmdSms *sms = NULL;

  g_variant_get(mmd_call_get_parameters(call), "(&o)", &path);
  for (guint i = 0; i < room->messages->len && !sms; i++)
    if (g_strcmp0(mmd_sms_get_path(g_ptr_array_index(room->messages, i)), path) == 0)
      sms = g_ptr_array_index(room->messages, i);
  if (!sms) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                              "No message %s on this modem", path);
    return;
  }
  if (mmd_sms_get_locations(sms)->len && !MESSAGING_FIND_OP(room, delete_stored)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Deleting stored messages is not supported by this modem");
    return;
  }
  job = g_new0(DeleteJob, 1);
  job->call = call;
  job->room = room;
  job->sms = g_object_ref(sms);
  delete_next(job);
}
