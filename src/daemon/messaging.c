/* The messaging room: the Messaging interface, its list of messages, and
 * loading what the modem stores once it is enabled. Receiving is in
 * messaging-receive.c, creating and sending in messaging-send.c. */
#define G_LOG_DOMAIN "modemd-messaging"

#include "messaging-private.h"

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "modem-state.h"

static const char room_key[] = "messaging";
static guint part_timeout = MMD_MESSAGING_DEFAULT_PART_TIMEOUT_S;

void
mmd_messaging_set_part_timeout(guint seconds)
{
  part_timeout = MAX(seconds, 1);
}

guint
messaging_part_timeout(void)
{
  return part_timeout;
}

static MessagingRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

MmdSmsRecord *
mmd_sms_record_new(MmdSmsStorage storage, guint index, MmdSmsRecordState state, const guint8 *pdu,
                   gsize len)
{
  MmdSmsRecord *record = g_new0(MmdSmsRecord, 1);

  record->storage = storage;
  record->index = index;
  record->state = state;
  record->pdu = g_bytes_new(pdu, len);
  return record;
}

void
mmd_sms_record_free(MmdSmsRecord *record)
{
  if (!record)
    return;
  g_bytes_unref(record->pdu);
  g_free(record);
}

/* The list */

static void
publish_messages(MessagingRoom *room)
{
  g_autofree const char **paths = g_new0(const char *, room->messages->len + 1);

  for (guint i = 0; i < room->messages->len; i++)
    paths[i] = mmd_sms_get_path(g_ptr_array_index(room->messages, i));
  mdbus_modem_messaging_set_messages(room->iface, paths);
}

MmdSms *
messaging_add_message(MessagingRoom *room)
{
  const MmdExporter *exporter = mmd_modem_get_exporter(room->modem);
  g_autofree char *path = mmd_exporter_new_path(exporter, "SMS");
  MmdSms *sms = mmd_sms_new(room->modem, path);

  g_ptr_array_add(room->messages, sms);
  messaging_bind_sms(room, sms);
  return sms;
}

/* Exported once its properties are set, so that clients see it whole. */
void
messaging_announce(MessagingRoom *room, MmdSms *sms, gboolean received)
{
  mmd_exporter_export_object(mmd_modem_get_exporter(room->modem),
                             G_DBUS_OBJECT_SKELETON(mmd_sms_get_object(sms)));
  publish_messages(room);
  mdbus_modem_messaging_emit_added(room->iface, mmd_sms_get_path(sms), received);
}

void
messaging_remove_message(MessagingRoom *room, MmdSms *sms)
{
  g_autofree char *path = g_strdup(mmd_sms_get_path(sms));

  mmd_exporter_unexport(mmd_modem_get_exporter(room->modem), path);
  mmd_sms_detach(sms);
  g_ptr_array_remove(room->messages, sms);
  publish_messages(room);
  mdbus_modem_messaging_emit_deleted(room->iface, path);
}

/* Loading what the modem stores */

static void
loaded(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdModem *modem = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_task_propagate_pointer(G_TASK(result), &error);
  MessagingRoom *room = mmd_modem_is_gone(modem) ? NULL : room_of(modem);

  if (!records) {
    if (room)
      g_message("%s: cannot read stored messages: %s", mmd_modem_get_path(modem), error->message);
    g_object_unref(modem);
    return;
  }
  for (guint i = 0; room && i < records->len; i++) {
    MmdSmsRecord *record = g_ptr_array_index(records, i);
    messaging_take_record(room, record->storage, record->index, record->state, record->pdu, FALSE);
  }
  if (room)
    g_message("%s: %u stored message part(s) read", mmd_modem_get_path(modem), records->len);
  g_object_unref(modem);
}

static void
state_changed(MmdModem *modem, int old_state, int new_state, MessagingRoom *room)
{
  const MmdProvider *p = MESSAGING_FIND_OP(room, load);

  /* Once per modem: later messages arrive by indication. */
  if (room->loaded || !p || !mmd_modem_state_is_enabled(new_state))
    return;
  room->loaded = TRUE;
  MESSAGING_OP(p, load)(p->backend, mmd_modem_get_cancellable(modem), loaded, g_object_ref(modem));
}

/* Methods */

static void
list_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);

  mmd_call_return(call, g_variant_new("(^ao)", mdbus_modem_messaging_get_messages(room->iface)));
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
default_storage_set(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  MessagingRoom *room = mmd_call_get_data(call);
  GError *error = NULL;
  guint32 storage;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  g_variant_get(mmd_call_get_parameters(call), "(u)", &storage);
  mdbus_modem_messaging_set_default_storage(room->iface, storage);
  mmd_call_return(call, NULL);
}

static void
set_default_storage_run(MmdCall *call)
{
  MessagingRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = MESSAGING_FIND_OP(room, set_default_storage);
  guint32 storage;

  g_variant_get(mmd_call_get_parameters(call), "(u)", &storage);
  if (!storage_supported(room, storage)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Storage %u is not in SupportedStorages", storage);
    return;
  }
  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Changing the storage is not supported by this modem");
    return;
  }
  MESSAGING_OP(p, set_default_storage)
  (p->backend, storage, mmd_modem_get_cancellable(room->modem), default_storage_set, call);
}

static const MmdMethod messaging_methods[] = {
  { "List", NULL, list_run },
  { "Delete", MMD_AUTH_MESSAGING, messaging_delete_run },
  { "Create", MMD_AUTH_MESSAGING, messaging_create_run },
  { "SetDefaultStorage", MMD_AUTH_MESSAGING, set_default_storage_run },
};

/* The room */

static void
going_away(MmdModem *modem, MessagingRoom *room)
{
  for (guint i = 0; i < room->messages->len; i++) {
    MmdSms *sms = g_ptr_array_index(room->messages, i);
    mmd_exporter_unexport(mmd_modem_get_exporter(modem), mmd_sms_get_path(sms));
    mmd_sms_detach(sms);
  }
  messaging_receive_clear(room);
}

static void
room_free(MessagingRoom *room)
{
  messaging_receive_clear(room);
  for (guint i = 0; i < room->messages->len; i++)
    mmd_sms_detach(g_ptr_array_index(room->messages, i));
  g_ptr_array_unref(room->messages);
  g_hash_table_unref(room->part_locations);
  mmd_sms_assembly_free(room->assembly);
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static MessagingRoom *
ensure_room(MmdModem *modem)
{
  MessagingRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(MessagingRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->messages = g_ptr_array_new_with_free_func(g_object_unref);
  room->assembly = mmd_sms_assembly_new();
  room->part_locations = messaging_pending_table_new();
  room->next_concat_reference = g_random_int_range(0, 256);
  room->iface = mdbus_modem_messaging_skeleton_new();
  mdbus_modem_messaging_set_messages(room->iface, (const char *const[]){ NULL });
  mdbus_modem_messaging_set_supported_storages(
      room->iface, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, NULL, 0, sizeof(guint32)));
  mdbus_modem_messaging_set_default_storage(room->iface, MMD_SMS_STORAGE_UNKNOWN);
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, messaging_methods, modem, room);
  g_signal_connect(modem, "state-changed", G_CALLBACK(state_changed), room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  mdbus_object_skeleton_set_modem_messaging(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_messaging(MmdModem *modem, const MmdMessagingOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

/* Setters (ops-messaging.h) */

void
mmd_modem_set_sms_storages(MmdModem *modem, const MmdSmsStorage *storages, gsize n_storages,
                           MmdSmsStorage default_storage)
{
  MessagingRoom *room = room_of(modem);
  g_autofree guint32 *values = g_new0(guint32, n_storages + 1);

  if (!room)
    return;
  for (gsize i = 0; i < n_storages; i++)
    values[i] = storages[i];
  mdbus_modem_messaging_set_supported_storages(
      room->iface,
      g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, values, n_storages, sizeof(guint32)));
  mdbus_modem_messaging_set_default_storage(room->iface, default_storage);
}

void
mmd_modem_sms_received(MmdModem *modem, MmdSmsStorage storage, guint index, MmdSmsRecordState state,
                       const guint8 *pdu, gsize len)
{
  MessagingRoom *room = room_of(modem);
  g_autoptr(GBytes) bytes = NULL;

  if (!room)
    return;
  bytes = g_bytes_new(pdu, len);
  messaging_take_record(room, storage, index, state, bytes, TRUE);
}
