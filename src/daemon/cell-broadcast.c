/* The cell broadcast room: pages decoded and assembled into Cbm objects,
 * channels chosen by clients. */
#define G_LOG_DOMAIN "modemd-cbs"

#include "cell-broadcast.h"

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "modemd-codec.h"
#include "providers.h"

/* Channel ranges a client may set; more is a mistake, not a wish. */
#define MAX_RANGES 64
/* Messages kept; the oldest goes first. */
#define MAX_MESSAGES 128

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemCellBroadcast *iface;
  GPtrArray *messages; /* MdbusObjectSkeleton */
  MmdCbsAssembly *assembly;
  guint flush_id;
} CbsRoom;

static const char room_key[] = "cell-broadcast";
static guint page_timeout = MMD_CELL_BROADCAST_PAGE_TIMEOUT_S;

void
mmd_cell_broadcast_set_page_timeout(guint seconds)
{
  page_timeout = MAX(seconds, 1);
}

static CbsRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static const char *
object_path(MdbusObjectSkeleton *object)
{
  return g_dbus_object_get_object_path(G_DBUS_OBJECT(object));
}

static void
publish(CbsRoom *room)
{
  g_autofree const char **paths = g_new0(const char *, room->messages->len + 1);

  for (guint i = 0; i < room->messages->len; i++)
    paths[i] = object_path(g_ptr_array_index(room->messages, i));
  mdbus_modem_cell_broadcast_set_cell_broadcasts(room->iface, paths);
}

static void
remove_message(CbsRoom *room, guint index)
{
  MdbusObjectSkeleton *object = g_ptr_array_index(room->messages, index);
  g_autofree char *path = g_strdup(object_path(object));

  mmd_exporter_unexport(mmd_modem_get_exporter(room->modem), path);
  g_ptr_array_remove_index(room->messages, index);
  publish(room);
  mdbus_modem_cell_broadcast_emit_deleted(room->iface, path);
}

static void
add_message(CbsRoom *room, const MmdCbsMessage *message)
{
  const MmdExporter *exporter = mmd_modem_get_exporter(room->modem);
  g_autofree char *path = mmd_exporter_new_path(exporter, "CBM");
  MdbusObjectSkeleton *object = mdbus_object_skeleton_new(path);
  g_autoptr(MdbusCbm) cbm = mdbus_cbm_skeleton_new();

  if (room->messages->len >= MAX_MESSAGES)
    remove_message(room, 0);
  mdbus_cbm_set_state(cbm, MMD_CBM_STATE_RECEIVED);
  mdbus_cbm_set_text(cbm, message->text ? message->text : "");
  mdbus_cbm_set_channel(cbm, message->message_id);
  mdbus_cbm_set_message_code(cbm, message->message_code);
  mdbus_cbm_set_update(cbm, message->update_number);
  mdbus_cbm_set_language(cbm, message->language);
  mdbus_object_skeleton_set_cbm(object, cbm);
  g_ptr_array_add(room->messages, object);
  mmd_exporter_export_object(exporter, G_DBUS_OBJECT_SKELETON(object));
  publish(room);
  g_message("%s: cell broadcast on channel %u (%u page(s))", mmd_modem_get_path(room->modem),
            message->message_id, message->total_pages);
  mdbus_modem_cell_broadcast_emit_added(room->iface, path);
}

static gboolean flush_expired(gpointer user_data);

/* A timer only while pages wait: an idle modem has none. */
static void
arm_flush(CbsRoom *room)
{
  if (!room->flush_id && mmd_cbs_assembly_pending(room->assembly))
    room->flush_id = g_timeout_add_seconds(page_timeout, flush_expired, room);
}

static gboolean
flush_expired(gpointer user_data)
{
  CbsRoom *room = user_data;
  g_autoptr(GPtrArray) expired = mmd_cbs_assembly_flush(
      room->assembly, g_get_monotonic_time() / G_USEC_PER_SEC, page_timeout);

  room->flush_id = 0;
  for (guint i = 0; i < expired->len; i++)
    add_message(room, g_ptr_array_index(expired, i));
  arm_flush(room);
  return G_SOURCE_REMOVE;
}

/* Methods */

static void
list_run(MmdCall *call)
{
  CbsRoom *room = mmd_call_get_data(call);

  mmd_call_return(
      call, g_variant_new("(^ao)", mdbus_modem_cell_broadcast_get_cell_broadcasts(room->iface)));
}

static void
delete_run(MmdCall *call)
{
  CbsRoom *room = mmd_call_get_data(call);
  const char *path;

  g_variant_get(mmd_call_get_parameters(call), "(&o)", &path);
  for (guint i = 0; i < room->messages->len; i++) {
    if (g_strcmp0(object_path(g_ptr_array_index(room->messages, i)), path) == 0) {
      remove_message(room, i);
      mmd_call_return(call, NULL);
      return;
    }
  }
  mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                            "No cell broadcast %s on this modem", path);
}

static void
channels_set(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  CbsRoom *room = mmd_call_get_data(call);
  g_autoptr(GVariant) channels = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  g_variant_get(mmd_call_get_parameters(call), "(@a(uu))", &channels);
  mdbus_modem_cell_broadcast_set_channels(room->iface, channels);
  mmd_call_return(call, NULL);
}

static void
set_channels_run(MmdCall *call)
{
  CbsRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = MMD_PROVIDER_FIND(room->providers, MmdCellBroadcastOps, set_channels);
  g_autoptr(GVariant) channels = NULL;
  g_autofree MmdCbsChannelRange *ranges = NULL;
  gsize n;
  GVariantIter iter;
  guint32 first, last;

  g_variant_get(mmd_call_get_parameters(call), "(@a(uu))", &channels);
  n = g_variant_n_children(channels);
  if (n > MAX_RANGES) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "At most %u channel ranges", MAX_RANGES);
    return;
  }
  ranges = g_new0(MmdCbsChannelRange, n + 1);
  g_variant_iter_init(&iter, channels);
  for (gsize i = 0; g_variant_iter_next(&iter, "(uu)", &first, &last); i++) {
    if (first > last || last > G_MAXUINT16) {
      mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                "Channel range %u-%u is not within 0-65535 in order", first, last);
      return;
    }
    ranges[i].first = first;
    ranges[i].last = last;
  }
  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "Choosing channels is not supported by this modem");
    return;
  }
  MMD_PROVIDER_OP(p, MmdCellBroadcastOps, set_channels)
  (p->backend, ranges, n, mmd_modem_get_cancellable(room->modem), channels_set, call);
}

static const MmdMethod cbs_methods[] = {
  { "List", NULL, list_run },
  { "Delete", MMD_AUTH_MESSAGING, delete_run },
  { "SetChannels", MMD_AUTH_MESSAGING, set_channels_run },
};

/* The room */

static void
going_away(MmdModem *modem, CbsRoom *room)
{
  g_clear_handle_id(&room->flush_id, g_source_remove);
  for (guint i = 0; i < room->messages->len; i++)
    mmd_exporter_unexport(mmd_modem_get_exporter(modem),
                          object_path(g_ptr_array_index(room->messages, i)));
}

static void
room_free(CbsRoom *room)
{
  g_clear_handle_id(&room->flush_id, g_source_remove);
  g_ptr_array_unref(room->messages);
  mmd_cbs_assembly_free(room->assembly);
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static CbsRoom *
ensure_room(MmdModem *modem)
{
  CbsRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(CbsRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->messages = g_ptr_array_new_with_free_func(g_object_unref);
  room->assembly = mmd_cbs_assembly_new();
  room->iface = mdbus_modem_cell_broadcast_skeleton_new();
  mdbus_modem_cell_broadcast_set_cell_broadcasts(room->iface, (const char *const[]){ NULL });
  mdbus_modem_cell_broadcast_set_channels(room->iface,
                                          g_variant_new_array(G_VARIANT_TYPE("(uu)"), NULL, 0));
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, cbs_methods, modem, room);
  g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  mdbus_object_skeleton_set_modem_cell_broadcast(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_cell_broadcast(MmdModem *modem, const MmdCellBroadcastOps *ops,
                                 MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

void
mmd_modem_cbs_received(MmdModem *modem, const guint8 *bytes, gsize len)
{
  CbsRoom *room = room_of(modem);
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdCbsPage) page = NULL;
  g_autoptr(MmdCbsMessage) message = NULL;

  if (!room)
    return;
  page = mmd_cbs_page_decode(bytes, len, &error);
  if (!page) {
    g_message("%s: dropping a cell broadcast page of %zu bytes: %s", mmd_modem_get_path(modem), len,
              error->message);
    return;
  }
  message = mmd_cbs_assembly_add(room->assembly, page, g_get_monotonic_time() / G_USEC_PER_SEC);
  if (message)
    add_message(room, message);
  arm_flush(room);
}
