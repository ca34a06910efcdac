/* modemctl: messaging (--messaging-* with -m) and SMS objects (-s), with
 * mmcli's options, keys and values. */
#include <stdlib.h>

#include "mmd-enums.h"
#include "modemctl.h"
#include "modemctl-parse.h"
#include "sms-properties.h"

#define SMS_PREFIX MMD_DBUS_PATH "/SMS"

static struct {
  gboolean messaging_status;
  gboolean list_sms;
  char *create_sms;
  char *create_sms_with_data;
  char *delete_sms;
  char *sms;
  gboolean send;
  gboolean store;
  char *store_in_storage;
  char *create_file_with_data;
} opts;

static const GOptionEntry messaging_entries[]
    = { { "messaging-status", 0, 0, G_OPTION_ARG_NONE, &opts.messaging_status,
          "Show status of messaging support", NULL },
        { "messaging-list-sms", 0, 0, G_OPTION_ARG_NONE, &opts.list_sms,
          "List SMS messages available in a given modem", NULL },
        { "messaging-create-sms", 0, 0, G_OPTION_ARG_STRING, &opts.create_sms,
          "Create a new SMS in a given modem (see below)", "[\"k=v,...\"]" },
        { "messaging-create-sms-with-data", 0, 0, G_OPTION_ARG_FILENAME, &opts.create_sms_with_data,
          "Pass the given file as data contents when creating a new SMS", "[FILE PATH]" },
        { "messaging-delete-sms", 0, 0, G_OPTION_ARG_STRING, &opts.delete_sms,
          "Delete a SMS from a given modem", "[PATH|INDEX]" },
        { NULL } };

static const GOptionEntry sms_entries[]
    = { { "sms", 's', 0, G_OPTION_ARG_STRING, &opts.sms, "Specify SMS by path or index",
          "[PATH|INDEX]" },
        { "send", 0, 0, G_OPTION_ARG_NONE, &opts.send, "Send SMS", NULL },
        { "store", 0, 0, G_OPTION_ARG_NONE, &opts.store,
          "Store the SMS in the device, at the default "
          "storage",
          NULL },
        { "store-in-storage", 0, 0, G_OPTION_ARG_STRING, &opts.store_in_storage,
          "Store the SMS in the device, at the specified storage", "[STORAGE]" },
        { "create-file-with-data", 0, 0, G_OPTION_ARG_FILENAME, &opts.create_file_with_data,
          "Create a file with the data contents of the SMS", "[FILE PATH]" },
        { NULL } };

void
modemctl_messaging_add_groups(GOptionContext *context)
{
  static const struct {
    const char *name, *description, *help;
    const GOptionEntry *entries;
  } groups[] = {
    { "messaging", "Messaging options (with -m):", "Show messaging options", messaging_entries },
    { "sms", "SMS options:", "Show SMS options", sms_entries },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(groups); i++) {
    GOptionGroup *group
        = g_option_group_new(groups[i].name, groups[i].description, groups[i].help, NULL, NULL);

    g_option_group_add_entries(group, groups[i].entries);
    g_option_context_add_group(context, group);
  }
}

guint
modemctl_messaging_modem_actions(void)
{
  return (opts.messaging_status ? 1 : 0) + (opts.list_sms ? 1 : 0) + (opts.create_sms ? 1 : 0)
         + (opts.delete_sms ? 1 : 0);
}

static guint
sms_actions(void)
{
  return (opts.send ? 1 : 0) + (opts.store ? 1 : 0) + (opts.store_in_storage ? 1 : 0)
         + (opts.create_file_with_data ? 1 : 0);
}

guint
modemctl_sms_actions(void)
{
  return sms_actions();
}

gboolean
modemctl_sms_selected(void)
{
  return opts.sms != NULL;
}

/* What can be checked before any D-Bus traffic. */
int
modemctl_messaging_check(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;
  MmdSmsStorage storage;

  if (opts.create_sms_with_data && !opts.create_sms)
    return ctx_fail("--messaging-create-sms-with-data needs --messaging-create-sms");
  if (opts.create_sms && !(v = modemctl_build_sms_properties(opts.create_sms, NULL, &error)))
    return ctx_fail("invalid SMS properties: %s", error->message);
  if (opts.store_in_storage && !mmd_sms_storage_from_string(opts.store_in_storage, &storage))
    return ctx_fail("invalid storage '%s' (expected sm, me, mt, sr, bm or ta)",
                    opts.store_in_storage);
  if (sms_actions() && !opts.sms)
    return ctx_fail("this action needs an SMS (use -s)");
  return EXIT_SUCCESS;
}

/* ---- SMS objects ---- */

static char *
hex_of(GVariant *data)
{
  gsize len = 0;
  const guint8 *bytes = data ? g_variant_get_fixed_array(data, &len, 1) : NULL;
  GString *hex = g_string_new(NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf(hex, "%02X", bytes[i]);
  return g_string_free(hex, FALSE);
}

/* The fields mmcli shows, with its rules for when each means something. */
static void
add_sms_fields(Output *output, MdbusSms *sms)
{
  guint pdu_type = mdbus_sms_get_pdu_type(sms);
  guint32 validity_type = 0;
  g_autoptr(GVariant) validity = NULL;
  int message_class = mdbus_sms_get_class(sms);
  guint reference = mdbus_sms_get_message_reference(sms);
  guint delivery = mdbus_sms_get_delivery_state(sms);

  g_variant_get(mdbus_sms_get_validity(sms), "(uv)", &validity_type, &validity);
  output_add(output, "General", "path", "sms.dbus-path",
             g_dbus_proxy_get_object_path(G_DBUS_PROXY(sms)));
  output_add(output, "Content", "number", "sms.content.number", mdbus_sms_get_number(sms));
  output_add(output, "Content", "text", "sms.content.text", mdbus_sms_get_text(sms));
  output_add_take(output, "Content", "data", "sms.content.data", hex_of(mdbus_sms_get_data(sms)));
  output_add(output, "Properties", "pdu type", "sms.properties.pdu-type",
             mmd_sms_pdu_type_to_string(pdu_type));
  output_add(output, "Properties", "state", "sms.properties.state",
             mmd_sms_state_to_string(mdbus_sms_get_state(sms)));
  output_add_take(output, "Properties", "validity", "sms.properties.validity",
                  validity_type == MMD_SMS_VALIDITY_TYPE_RELATIVE
                          && g_variant_is_of_type(validity, G_VARIANT_TYPE_UINT32)
                      ? g_strdup_printf("%u", g_variant_get_uint32(validity))
                      : NULL);
  output_add(output, "Properties", "storage", "sms.properties.storage",
             mmd_sms_storage_to_string(mdbus_sms_get_storage(sms)));
  output_add(output, "Properties", "smsc", "sms.properties.smsc", mdbus_sms_get_smsc(sms));
  output_add_take(output, "Properties", "class", "sms.properties.class",
                  message_class >= 0 ? g_strdup_printf("%d", message_class) : NULL);
  /* teleservice id and service category are 3GPP2's: unknown here */
  output_add(output, "Properties", "teleservice id", "sms.properties.teleservice-id", NULL);
  output_add(output, "Properties", "service category", "sms.properties.service-category", NULL);
  output_add(output, "Properties", "delivery report", "sms.properties.delivery-report",
             pdu_type == MMD_SMS_PDU_TYPE_SUBMIT
                 ? (mdbus_sms_get_delivery_report_request(sms) ? "requested" : "not requested")
                 : NULL);
  output_add_take(output, "Properties", "message reference", "sms.properties.message-reference",
                  reference ? g_strdup_printf("%u", reference) : NULL);
  output_add(output, "Properties", "timestamp", "sms.properties.timestamp",
             mdbus_sms_get_timestamp(sms));
  output_add(output, "Properties", "delivery state", "sms.properties.delivery-state",
             modemctl_sms_delivery_state_to_string(delivery));
  output_add(output, "Properties", "discharge timestamp", "sms.properties.discharge-timestamp",
             mdbus_sms_get_discharge_timestamp(sms));
}

static int
write_data(MdbusSms *sms, const char *file)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array(mdbus_sms_get_data(sms), &len, 1);

  if (!len)
    return ctx_fail("couldn't create file: SMS has no data");
  if (!g_file_set_contents(file, (const char *)data, (gssize)len, &error))
    return ctx_fail("cannot write to file '%s': %s", file, error->message);
  return EXIT_SUCCESS;
}

static int
sms_show_or_act(Ctx *ctx, MdbusSms *sms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Output) output = NULL;
  MmdSmsStorage storage = MMD_SMS_STORAGE_UNKNOWN;

  ctx_set_timeout(ctx, sms, TRUE);
  if (opts.send) {
    if (!mdbus_sms_call_send_sync(sms, NULL, &error))
      return ctx_fail_error(error);
    ctx_success(ctx, "successfully sent the SMS");
    return EXIT_SUCCESS;
  }
  if (opts.store || opts.store_in_storage) {
    if (opts.store_in_storage)
      mmd_sms_storage_from_string(opts.store_in_storage, &storage);
    if (!mdbus_sms_call_store_sync(sms, storage, NULL, &error))
      return ctx_fail_error(error);
    ctx_success(ctx, "successfully stored the SMS");
    return EXIT_SUCCESS;
  }
  if (opts.create_file_with_data)
    return write_data(sms, opts.create_file_with_data);
  output = output_new(ctx->output_type);
  add_sms_fields(output, sms);
  output_print(output);
  return EXIT_SUCCESS;
}

int
modemctl_sms_run(Ctx *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusSms) sms = ctx_find_proxy(ctx, opts.sms, SMS_PREFIX, MDBUS_TYPE_SMS_PROXY,
                                           "org.example.Modem1.Sms", "SMS", &error);

  if (!sms)
    return ctx_fail_error(error);
  return sms_show_or_act(ctx, sms);
}

/* ---- the modem's messaging ---- */

static int
messaging_status(Ctx *ctx, MdbusModemMessaging *messaging)
{
  g_autoptr(Output) output = output_new(ctx->output_type);
  GVariant *supported = mdbus_modem_messaging_get_supported_storages(messaging);
  g_autoptr(GString) names = g_string_new(NULL);
  gsize n = 0;
  const guint32 *storages
      = supported ? g_variant_get_fixed_array(supported, &n, sizeof(guint32)) : NULL;

  for (gsize i = 0; i < n; i++)
    g_string_append_printf(names, "%s%s", i ? ", " : "", mmd_sms_storage_to_string(storages[i]));
  output_add(output, "Messaging", "supported storages", "modem.messaging.supported-storages",
             names->str);
  output_add(output, "Messaging", "default storages", "modem.messaging.default-storages",
             mmd_sms_storage_to_string(mdbus_modem_messaging_get_default_storage(messaging)));
  output_print(output);
  return EXIT_SUCCESS;
}

static const char *
sms_state_of(Ctx *ctx, const char *path)
{
  g_autoptr(MdbusSms) sms = ctx_find_proxy(ctx, path, SMS_PREFIX, MDBUS_TYPE_SMS_PROXY,
                                           "org.example.Modem1.Sms", "SMS", NULL);

  return sms ? mmd_sms_state_to_string(mdbus_sms_get_state(sms)) : "unknown";
}

static int
list_sms(Ctx *ctx, MdbusModemMessaging *messaging)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(Output) output = NULL;

  if (!mdbus_modem_messaging_call_list_sync(messaging, &paths, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    if (!paths[0])
      g_print("No sms messages were found\n");
    for (guint i = 0; paths[i]; i++)
      g_print("    %s (%s)\n", paths[i], sms_state_of(ctx, paths[i]));
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add_listing(output, "modem.messaging.sms", (const char *const *)paths);
  output_print(output);
  return EXIT_SUCCESS;
}

static GBytes *
read_data(const char *file, GError **error)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents(file, &contents, &len, error))
    return NULL;
  return g_bytes_new_take(contents, len);
}

static int
create_sms(Ctx *ctx, MdbusModemMessaging *messaging)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Output) output = NULL;

  if (opts.create_sms_with_data && !(data = read_data(opts.create_sms_with_data, &error)))
    return ctx_fail("cannot read '%s': %s", opts.create_sms_with_data, error->message);
  if (!(properties = modemctl_build_sms_properties(opts.create_sms, data, &error)))
    return ctx_fail("invalid SMS properties: %s", error->message);
  if (!mdbus_modem_messaging_call_create_sync(messaging, properties, &path, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("Successfully created new SMS: %s\n", path);
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add(output, NULL, NULL, "sms.dbus-path", path);
  output_print(output);
  return EXIT_SUCCESS;
}

static int
delete_sms(Ctx *ctx, MdbusModemMessaging *messaging)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean any;

  if (!modemctl_parse_selector(opts.delete_sms, SMS_PREFIX, FALSE, &path, &any, &error))
    return ctx_fail("invalid SMS: %s", error->message);
  if (!mdbus_modem_messaging_call_delete_sync(messaging, path, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully deleted SMS from modem");
  return EXIT_SUCCESS;
}

int
modemctl_messaging_run(Ctx *ctx, MdbusObject *modem)
{
  MdbusModemMessaging *messaging = mdbus_object_peek_modem_messaging(modem);

  if (!messaging)
    return ctx_fail("modem has no messaging capabilities");
  ctx_set_timeout(ctx, messaging, FALSE);
  if (opts.messaging_status)
    return messaging_status(ctx, messaging);
  if (opts.list_sms)
    return list_sms(ctx, messaging);
  if (opts.create_sms)
    return create_sms(ctx, messaging);
  return delete_sms(ctx, messaging);
}
