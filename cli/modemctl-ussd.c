/* modemctl: USSD, mmcli's --3gpp-ussd-* options (with -m). */
#include <stdlib.h>

#include "mmd-enums.h"
#include "modemctl.h"

static struct {
  gboolean status;
  char *initiate;
  char *respond;
  gboolean cancel;
} opts;

static const GOptionEntry ussd_entries[]
    = { { "3gpp-ussd-status", 0, 0, G_OPTION_ARG_NONE, &opts.status,
          "Show the status of USSD support", NULL },
        { "3gpp-ussd-initiate", 0, 0, G_OPTION_ARG_STRING, &opts.initiate,
          "Request a USSD session to start", "[COMMAND]" },
        { "3gpp-ussd-respond", 0, 0, G_OPTION_ARG_STRING, &opts.respond,
          "Respond to the network's USSD request", "[RESPONSE]" },
        { "3gpp-ussd-cancel", 0, 0, G_OPTION_ARG_NONE, &opts.cancel, "Cancel the USSD session",
          NULL },
        { NULL } };

void
modemctl_ussd_add_group(GOptionContext *context)
{
  GOptionGroup *group = g_option_group_new(
      "ussd", "3GPP USSD options (with -m):", "Show 3GPP USSD options", NULL, NULL);

  g_option_group_add_entries(group, ussd_entries);
  g_option_context_add_group(context, group);
}

guint
modemctl_ussd_count_actions(void)
{
  return (opts.status != FALSE) + (opts.initiate != NULL) + (opts.respond != NULL)
         + (opts.cancel != FALSE);
}

static const char *
text_or_unknown(const char *text)
{
  return text && *text ? text : NULL;
}

static int
show_status(Ctx *ctx, MdbusObject *modem, MdbusModemModem3gppUssd *ussd)
{
  g_autoptr(Output) output = output_new(ctx->output_type);
  MmdModem3gppUssdSessionState state = mdbus_modem_modem3gpp_ussd_get_state(ussd);

  output_add(output, "General", "path", "modem.dbus-path",
             g_dbus_object_get_object_path(G_DBUS_OBJECT(modem)));
  output_add(output, "3GPP USSD", "status", "modem.3gpp.ussd.status",
             state == MMD_MODEM_3GPP_USSD_SESSION_STATE_UNKNOWN
                 ? NULL
                 : mmd_modem_3gpp_ussd_session_state_to_string(state));
  output_add(output, "3GPP USSD", "network request", "modem.3gpp.ussd.network-request",
             text_or_unknown(mdbus_modem_modem3gpp_ussd_get_network_request(ussd)));
  output_add(output, "3GPP USSD", "network notification", "modem.3gpp.ussd.network-notification",
             text_or_unknown(mdbus_modem_modem3gpp_ussd_get_network_notification(ussd)));
  output_print(output);
  return EXIT_SUCCESS;
}

/* The network's reply: in words for people, as a key for scripts (mmcli
 * has none for it). */
static void
print_reply(Ctx *ctx, const char *what, const char *reply)
{
  g_autoptr(Output) output = NULL;

  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("%s; new reply from network: '%s'\n", what, reply);
    return;
  }
  output = output_new(ctx->output_type);
  output_add(output, NULL, NULL, "modem.3gpp.ussd.reply", reply);
  output_print(output);
}

int
modemctl_ussd_run(Ctx *ctx, MdbusObject *modem)
{
  MdbusModemModem3gppUssd *ussd = mdbus_object_peek_modem_modem3gpp_ussd(modem);
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;

  if (!ussd)
    return ctx_fail("the modem has no USSD support");
  /* the network may take its time to answer */
  ctx_set_timeout(ctx, ussd, TRUE);
  if (opts.status)
    return show_status(ctx, modem, ussd);
  if (opts.cancel) {
    if (!mdbus_modem_modem3gpp_ussd_call_cancel_sync(ussd, NULL, &error))
      return ctx_fail_error(error);
    ctx_success(ctx, "successfully cancelled USSD session");
    return EXIT_SUCCESS;
  }
  if (opts.initiate) {
    if (!mdbus_modem_modem3gpp_ussd_call_initiate_sync(ussd, opts.initiate, &reply, NULL, &error))
      return ctx_fail_error(error);
    print_reply(ctx, "USSD session initiated", reply);
    return EXIT_SUCCESS;
  }
  if (!mdbus_modem_modem3gpp_ussd_call_respond_sync(ussd, opts.respond, &reply, NULL, &error))
    return ctx_fail_error(error);
  print_reply(ctx, "response successfully sent in USSD session", reply);
  return EXIT_SUCCESS;
}
