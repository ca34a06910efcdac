/* modemctl: cell broadcast (--cell-broadcast-* with -m) and cell broadcast
 * messages (--cbm), with mmcli's options and the keys of its later versions
 * (modem.cell-broadcast.*, cbm.*). */
#include <stdlib.h>

#include "mmd-enums.h"
#include "modemctl.h"
#include "modemctl-parse.h"
#include "sms-properties.h"

#define CBM_PREFIX MMD_DBUS_PATH "/CBM"

static struct {
  gboolean status;
  gboolean list_cbm;
  char *delete_cbm;
  char *set_channels;
  char *cbm;
} opts;

static const GOptionEntry entries[]
    = { { "cell-broadcast-status", 0, 0, G_OPTION_ARG_NONE, &opts.status,
          "Show status of cell broadcast support", NULL },
        { "cell-broadcast-list-cbm", 0, 0, G_OPTION_ARG_NONE, &opts.list_cbm,
          "List cell broadcast messages available in a given modem", NULL },
        { "cell-broadcast-delete-cbm", 0, 0, G_OPTION_ARG_STRING, &opts.delete_cbm,
          "Delete a cell broadcast message from a given modem", "[PATH|INDEX]" },
        { "cell-broadcast-set-channels", 0, 0, G_OPTION_ARG_STRING, &opts.set_channels,
          "Receive cell broadcasts on these channels only (\"\" for none)",
          "[\"CHANNEL[-LAST],...\"]" },
        { "cbm", 0, 0, G_OPTION_ARG_STRING, &opts.cbm,
          "Specify a cell broadcast message by path or index", "[PATH|INDEX]" },
        { NULL } };

void
modemctl_cell_broadcast_add_group(GOptionContext *context)
{
  GOptionGroup *group = g_option_group_new(
      "cell-broadcast",
      "Cell broadcast options (with -m, or --cbm):", "Show cell broadcast options", NULL, NULL);

  g_option_group_add_entries(group, entries);
  g_option_context_add_group(context, group);
}

guint
modemctl_cell_broadcast_modem_actions(void)
{
  return (opts.status ? 1 : 0) + (opts.list_cbm ? 1 : 0) + (opts.delete_cbm ? 1 : 0)
         + (opts.set_channels ? 1 : 0);
}

gboolean
modemctl_cbm_selected(void)
{
  return opts.cbm != NULL;
}

int
modemctl_cell_broadcast_check(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) channels = NULL;

  if (opts.set_channels && !(channels = modemctl_build_cbs_channels(opts.set_channels, &error)))
    return ctx_fail("%s", error->message);
  return EXIT_SUCCESS;
}

/* ---- a message ---- */

int
modemctl_cbm_run(Ctx *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusCbm) cbm
      = ctx_find_proxy(ctx, opts.cbm, CBM_PREFIX, MDBUS_TYPE_CBM_PROXY, "org.example.Modem1.Cbm",
                       "cell broadcast message", &error);
  g_autoptr(Output) output = NULL;

  if (!cbm)
    return ctx_fail_error(error);
  output = output_new(ctx->output_type);
  output_add(output, "General", "path", "cbm.dbus-path",
             g_dbus_proxy_get_object_path(G_DBUS_PROXY(cbm)));
  output_add(output, "Content", "text", "cbm.content.text", mdbus_cbm_get_text(cbm));
  output_add(output, "Properties", "language", "cbm.properties.language",
             mdbus_cbm_get_language(cbm));
  output_add_printf(output, "Properties", "channel", "cbm.properties.channel", "%u",
                    mdbus_cbm_get_channel(cbm));
  output_add_printf(output, "Properties", "update", "cbm.properties.update", "%u",
                    mdbus_cbm_get_update(cbm));
  output_add_printf(output, "Properties", "message code", "cbm.properties.message-code", "%u",
                    mdbus_cbm_get_message_code(cbm));
  output_print(output);
  return EXIT_SUCCESS;
}

/* ---- the modem's cell broadcast ---- */

static int
status(Ctx *ctx, MdbusModemCellBroadcast *cbs)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  output_add_take(output, "Cell broadcast", "channels", "modem.cell-broadcast.channels",
                  modemctl_cbs_channels_to_string(mdbus_modem_cell_broadcast_get_channels(cbs)));
  output_print(output);
  return EXIT_SUCCESS;
}

static const char *
cbm_state_of(Ctx *ctx, const char *path)
{
  static const char *const states[] = { "unknown", "receiving", "received" };
  g_autoptr(MdbusCbm) cbm
      = ctx_find_proxy(ctx, path, CBM_PREFIX, MDBUS_TYPE_CBM_PROXY, "org.example.Modem1.Cbm",
                       "cell broadcast message", NULL);
  guint state = cbm ? mdbus_cbm_get_state(cbm) : 0;

  return states[state < G_N_ELEMENTS(states) ? state : 0];
}

static int
list_cbm(Ctx *ctx, MdbusModemCellBroadcast *cbs)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(Output) output = NULL;

  if (!mdbus_modem_cell_broadcast_call_list_sync(cbs, &paths, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    if (!paths[0])
      g_print("No cell broadcast messages were found\n");
    for (guint i = 0; paths[i]; i++)
      g_print("    %s (%s)\n", paths[i], cbm_state_of(ctx, paths[i]));
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add_listing(output, "modem.cell-broadcast.cbm", (const char *const *)paths);
  output_print(output);
  return EXIT_SUCCESS;
}

static int
delete_cbm(Ctx *ctx, MdbusModemCellBroadcast *cbs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean any;

  if (!modemctl_parse_selector(opts.delete_cbm, CBM_PREFIX, FALSE, &path, &any, &error))
    return ctx_fail("invalid cell broadcast message: %s", error->message);
  if (!mdbus_modem_cell_broadcast_call_delete_sync(cbs, path, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully deleted cell broadcast message from modem");
  return EXIT_SUCCESS;
}

static int
set_channels(Ctx *ctx, MdbusModemCellBroadcast *cbs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) channels = modemctl_build_cbs_channels(opts.set_channels, &error);

  if (!channels)
    return ctx_fail("%s", error->message);
  if (!mdbus_modem_cell_broadcast_call_set_channels_sync(cbs, channels, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully set cell broadcast channels in the modem");
  return EXIT_SUCCESS;
}

int
modemctl_cell_broadcast_run(Ctx *ctx, MdbusObject *modem)
{
  MdbusModemCellBroadcast *cbs = mdbus_object_peek_modem_cell_broadcast(modem);

  if (!cbs)
    return ctx_fail("modem has no cell broadcast capabilities");
  ctx_set_timeout(ctx, cbs, FALSE);
  if (opts.status)
    return status(ctx, cbs);
  if (opts.list_cbm)
    return list_cbm(ctx, cbs);
  if (opts.delete_cbm)
    return delete_cbm(ctx, cbs);
  return set_channels(ctx, cbs);
}
