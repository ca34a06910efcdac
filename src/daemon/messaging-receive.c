/* Messages from the modem: decoded, assembled from their parts (in any
 * order; what is still missing after the part timeout is shown marked, never
 * dropped), status reports matched to the message they report on. */
#define G_LOG_DOMAIN "modemd-messaging"

#include "messaging-private.h"

#include <string.h>

/* What the room knows of a message being assembled, besides its parts. */
typedef struct {
  GArray *locations; /* MmdSmsLocation */
  gboolean new_arrival;
  MmdSmsRecordState state;
  gint64 last_seen;
} PendingInfo;

static void
pending_info_free(PendingInfo *info)
{
  g_array_unref(info->locations);
  g_free(info);
}

static gint64
now_s(void)
{
  return g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* The codec keeps parts by type, address, reference and total: so do we. */
static char *
assembly_key(MmdTpduType type, const char *address, guint reference, guint total)
{
  return g_strdup_printf("%d|%s|%u|%u", (int)type, address ? address : "", reference, total);
}

static PendingInfo *
pending_info(MessagingRoom *room, const char *key)
{
  PendingInfo *info = g_hash_table_lookup(room->part_locations, key);

  if (!info) {
    info = g_new0(PendingInfo, 1);
    info->locations = g_array_new(FALSE, FALSE, sizeof(MmdSmsLocation));
    g_hash_table_insert(room->part_locations, g_strdup(key), info);
  }
  return info;
}

static GVariant *
bytes_variant(GBytes *bytes)
{
  gsize len = 0;
  gconstpointer data = bytes ? g_bytes_get_data(bytes, &len) : NULL;

  return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}

static MmdSmsState
sms_state(MmdTpduType type, MmdSmsRecordState state)
{
  if (type != MMD_SMS_PDU_SUBMIT)
    return MMD_SMS_STATE_RECEIVED;
  return state == MMD_SMS_RECORD_STORED_SENT ? MMD_SMS_STATE_SENT : MMD_SMS_STATE_STORED;
}

static void
set_properties(MdbusSms *iface, const MmdSmsMessage *message, MmdSmsRecordState state)
{
  gboolean submit = message->type == MMD_SMS_PDU_SUBMIT;

  mdbus_sms_set_pdu_type(iface, submit ? MMD_SMS_PDU_TYPE_SUBMIT : MMD_SMS_PDU_TYPE_DELIVER);
  mdbus_sms_set_state(iface, sms_state(message->type, state));
  mdbus_sms_set_number(iface, message->address ? message->address : "");
  mdbus_sms_set_text(iface, message->text ? message->text : "");
  mdbus_sms_set_data(iface, bytes_variant(message->data));
  mdbus_sms_set_smsc(iface, message->smsc ? message->smsc : "");
  mdbus_sms_set_timestamp(iface, message->timestamp ? message->timestamp : "");
  mdbus_sms_set_class(iface, message->dcs.message_class);
}

static void
publish(MessagingRoom *room, MmdSmsMessage *message)
{
  g_autofree char *key
      = assembly_key(message->type, message->address, message->reference, message->total_parts);
  PendingInfo *info = g_hash_table_lookup(room->part_locations, key);
  MmdSms *sms = messaging_add_message(room);
  MmdSmsRecordState state = info ? info->state : MMD_SMS_RECORD_RECEIVED_UNREAD;
  gboolean new_arrival = info ? info->new_arrival : TRUE;

  set_properties(mmd_sms_get_iface(sms), message, state);
  for (guint i = 0; info && i < info->locations->len; i++) {
    MmdSmsLocation *l = &g_array_index(info->locations, MmdSmsLocation, i);
    mmd_sms_add_location(sms, l->storage, l->index);
  }
  g_hash_table_remove(room->part_locations, key);
  if (message->missing_parts && message->missing_parts->len)
    g_message("%s: message from %s shown with %u of %u part(s) missing",
              mmd_modem_get_path(room->modem), message->address, message->missing_parts->len,
              message->total_parts);
  messaging_announce(room, sms, new_arrival && message->type == MMD_SMS_PDU_DELIVER);
}

static gboolean flush_expired(gpointer user_data);

/* Only while parts wait: an idle modem has no timer. */
static void
arm_flush(MessagingRoom *room)
{
  if (room->flush_id
      || (mmd_sms_assembly_pending(room->assembly) == 0
          && g_hash_table_size(room->part_locations) == 0))
    return;
  room->flush_id = g_timeout_add_seconds(messaging_part_timeout(), flush_expired, room);
}

/* What is left of parts the codec dropped as repeats of a finished message. */
static void
forget_stale(MessagingRoom *room)
{
  GHashTableIter iter;
  gpointer value;
  gint64 limit = now_s() - 2 * (gint64)messaging_part_timeout();

  g_hash_table_iter_init(&iter, room->part_locations);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (((PendingInfo *)value)->last_seen < limit)
      g_hash_table_iter_remove(&iter);
}

static gboolean
flush_expired(gpointer user_data)
{
  MessagingRoom *room = user_data;
  g_autoptr(GPtrArray) expired
      = mmd_sms_assembly_flush(room->assembly, now_s(), messaging_part_timeout());

  room->flush_id = 0;
  for (guint i = 0; i < expired->len; i++) {
    MmdSmsMessage *message = g_ptr_array_index(expired, i);
    publish(room, message);
  }
  forget_stale(room);
  arm_flush(room);
  return G_SOURCE_REMOVE;
}

/* Status reports */

static GString *
digits_of(const char *number)
{
  GString *digits = g_string_new(NULL);

  for (const char *c = number ? number : ""; *c; c++)
    if (g_ascii_isdigit(*c))
      g_string_append_c(digits, *c);
  return digits;
}

/* "+49171..." and "0171..." name the same recipient: compare the last
 * digits, which national and international forms share. */
static gboolean
same_number(const char *a, const char *b)
{
  g_autoptr(GString) da = digits_of(a);
  g_autoptr(GString) db = digits_of(b);
  gsize n = MIN(MIN(da->len, db->len), 9);

  if (n < 6)
    return g_strcmp0(a, b) == 0;
  return strcmp(da->str + da->len - n, db->str + db->len - n) == 0;
}

static MmdSms *
find_reported(MessagingRoom *room, const MmdSmsPdu *report)
{
  for (guint i = room->messages->len; i-- > 0;) {
    MmdSms *sms = g_ptr_array_index(room->messages, i);
    MdbusSms *iface = mmd_sms_get_iface(sms);
    GArray *refs = mmd_sms_get_references(sms);

    if (mdbus_sms_get_pdu_type(iface) != MMD_SMS_PDU_TYPE_SUBMIT
        || !same_number(mdbus_sms_get_number(iface), report->address))
      continue;
    for (guint r = 0; r < refs->len; r++)
      if (g_array_index(refs, guint8, r) == report->message_reference)
        return sms;
  }
  return NULL;
}

static void
take_status_report(MessagingRoom *room, const MmdSmsPdu *report, MmdSmsStorage storage, guint index)
{
  MmdSms *sms = find_reported(room, report);
  MdbusSms *iface;

  if (!sms) {
    /* A report on a message we did not send (or sent before a restart). */
    sms = messaging_add_message(room);
    iface = mmd_sms_get_iface(sms);
    mdbus_sms_set_pdu_type(iface, MMD_SMS_PDU_TYPE_STATUS_REPORT);
    mdbus_sms_set_state(iface, MMD_SMS_STATE_RECEIVED);
    mdbus_sms_set_number(iface, report->address ? report->address : "");
    mdbus_sms_set_smsc(iface, report->smsc ? report->smsc : "");
    mdbus_sms_set_message_reference(iface, report->message_reference);
    mdbus_sms_set_timestamp(iface, report->timestamp ? report->timestamp : "");
    mmd_sms_add_location(sms, storage, index);
  } else {
    iface = mmd_sms_get_iface(sms);
  }
  mdbus_sms_set_delivery_state(iface, mmd_sms_status_delivery_state(report->status));
  mdbus_sms_set_discharge_timestamp(iface, report->discharge_time ? report->discharge_time : "");
  g_message("%s: status report for message reference %u: 0x%02x", mmd_modem_get_path(room->modem),
            report->message_reference, report->status);
  if (mdbus_sms_get_pdu_type(iface) == MMD_SMS_PDU_TYPE_STATUS_REPORT)
    messaging_announce(room, sms, TRUE);
}

static gboolean
locations_hold(GArray *locations, MmdSmsStorage storage, guint index)
{
  for (guint i = 0; i < locations->len; i++) {
    MmdSmsLocation *l = &g_array_index(locations, MmdSmsLocation, i);

    if (l->storage == storage && l->index == index)
      return TRUE;
  }
  return FALSE;
}

/* Whether a stored part is already a message or waits for its siblings. */
static gboolean
location_known(MessagingRoom *room, MmdSmsStorage storage, guint index)
{
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < room->messages->len; i++)
    if (locations_hold(mmd_sms_get_locations(g_ptr_array_index(room->messages, i)), storage, index))
      return TRUE;
  g_hash_table_iter_init(&iter, room->part_locations);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (locations_hold(((PendingInfo *)value)->locations, storage, index))
      return TRUE;
  return FALSE;
}

void
messaging_take_record(MessagingRoom *room, MmdSmsStorage storage, guint index,
                      MmdSmsRecordState state, GBytes *pdu, gboolean new_arrival)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdSmsPdu) decoded = NULL;
  g_autoptr(MmdSmsMessage) message = NULL;
  g_autofree char *key = NULL;
  PendingInfo *info;
  gsize len;
  const guint8 *bytes = g_bytes_get_data(pdu, &len);

  /* A modem reports a message that arrives while the stored ones are read
   * both ways (indication and listing); one object is enough. */
  if (index != MMD_SMS_NO_INDEX && location_known(room, storage, index)) {
    g_debug("%s: %s index %u is known already", mmd_modem_get_path(room->modem),
            mmd_sms_storage_to_string(storage), index);
    return;
  }
  decoded = mmd_sms_pdu_decode(bytes, len, MMD_SMS_PDU_WITH_SMSC, &error);
  if (!decoded) {
    g_message("%s: dropping an SMS PDU of %zu bytes (storage %s, index %d): %s",
              mmd_modem_get_path(room->modem), len, mmd_sms_storage_to_string(storage),
              index == MMD_SMS_NO_INDEX ? -1 : (int)index, error->message);
    return;
  }
  if (decoded->type == MMD_SMS_PDU_STATUS_REPORT) {
    take_status_report(room, decoded, storage, index);
    return;
  }
  key = assembly_key(decoded->type, decoded->address,
                     decoded->concat.present ? decoded->concat.reference : 0,
                     decoded->concat.present ? decoded->concat.total : 1);
  info = pending_info(room, key);
  info->state = state;
  info->new_arrival |= new_arrival;
  info->last_seen = now_s();
  if (index != MMD_SMS_NO_INDEX) {
    MmdSmsLocation location = { storage, index };
    g_array_append_val(info->locations, location);
  }
  message = mmd_sms_assembly_add(room->assembly, decoded, now_s());
  if (message)
    publish(room, message);
  else if (!decoded->concat.present)
    g_hash_table_remove(room->part_locations, key); /* a repeat, dropped */
  arm_flush(room);
}

void
messaging_receive_clear(MessagingRoom *room)
{
  g_clear_handle_id(&room->flush_id, g_source_remove);
}

GHashTable *
messaging_pending_table_new(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pending_info_free);
}
