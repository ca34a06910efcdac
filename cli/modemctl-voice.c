/* modemctl: voice calls, mmcli's --voice-* options (with -m) and the call
 * options (with -o): a call's details, Start, Accept, Hangup, SendDtmf, ... */
#include <stdlib.h>
#include <string.h>

#include "mmd-enums.h"
#include "modemctl.h"
#include "modemctl-parse.h"

/* What DTMF the API takes: at most 32 of 0-9, A-D, * and #. */
#define MAX_DTMF 32

static struct {
  char *call;
  /* with -m */
  gboolean status;
  gboolean list_calls;
  char *create_call;
  char *delete_call;
  gboolean hold_and_accept;
  gboolean hangup_and_accept;
  gboolean hangup_all;
  gboolean transfer;
  gboolean enable_call_waiting;
  gboolean disable_call_waiting;
  gboolean query_call_waiting;
  /* with -o */
  gboolean start;
  gboolean accept;
  char *deflect;
  gboolean join_multiparty;
  gboolean leave_multiparty;
  gboolean hangup;
  char *send_dtmf;
} opts;

static const GOptionEntry voice_entries[]
    = { { "voice-status", 0, 0, G_OPTION_ARG_NONE, &opts.status, "Show status of voice support",
          NULL },
        { "voice-list-calls", 0, 0, G_OPTION_ARG_NONE, &opts.list_calls,
          "List calls available in a given modem", NULL },
        { "voice-create-call", 0, 0, G_OPTION_ARG_STRING, &opts.create_call,
          "Create a new call in a given modem", "[\"number=...\"]" },
        { "voice-delete-call", 0, 0, G_OPTION_ARG_STRING, &opts.delete_call,
          "Delete a call from a given modem", "[PATH|INDEX]" },
        { "voice-hold-and-accept", 0, 0, G_OPTION_ARG_NONE, &opts.hold_and_accept,
          "Hold the active calls and accept the next waiting or held call", NULL },
        { "voice-hangup-and-accept", 0, 0, G_OPTION_ARG_NONE, &opts.hangup_and_accept,
          "Hang up the active calls and accept the next waiting or held call", NULL },
        { "voice-hangup-all", 0, 0, G_OPTION_ARG_NONE, &opts.hangup_all,
          "Hang up all ongoing (active, waiting, held) calls", NULL },
        { "voice-transfer", 0, 0, G_OPTION_ARG_NONE, &opts.transfer,
          "Join the active and held calls and leave them", NULL },
        { "voice-enable-call-waiting", 0, 0, G_OPTION_ARG_NONE, &opts.enable_call_waiting,
          "Enable the call waiting network service", NULL },
        { "voice-disable-call-waiting", 0, 0, G_OPTION_ARG_NONE, &opts.disable_call_waiting,
          "Disable the call waiting network service", NULL },
        { "voice-query-call-waiting", 0, 0, G_OPTION_ARG_NONE, &opts.query_call_waiting,
          "Query the status of the call waiting network service", NULL },
        { NULL } };

static const GOptionEntry call_entries[] = {
  { "call", 'o', 0, G_OPTION_ARG_STRING, &opts.call, "Specify call by path or index",
    "[PATH|INDEX]" },
  { "start", 0, 0, G_OPTION_ARG_NONE, &opts.start, "Start the call", NULL },
  { "accept", 0, 0, G_OPTION_ARG_NONE, &opts.accept, "Accept the incoming call", NULL },
  { "deflect", 0, 0, G_OPTION_ARG_STRING, &opts.deflect, "Deflect the incoming call", "[NUMBER]" },
  { "join-multiparty", 0, 0, G_OPTION_ARG_NONE, &opts.join_multiparty, "Join multiparty call",
    NULL },
  { "leave-multiparty", 0, 0, G_OPTION_ARG_NONE, &opts.leave_multiparty, "Leave multiparty call",
    NULL },
  { "hangup", 0, 0, G_OPTION_ARG_NONE, &opts.hangup, "Hang up the call", NULL },
  { "send-dtmf", 0, 0, G_OPTION_ARG_STRING, &opts.send_dtmf, "Send DTMF tones", "[0-9A-D*#]" },
  { NULL }
};

void
modemctl_voice_add_groups(GOptionContext *context)
{
  GOptionGroup *group
      = g_option_group_new("voice", "Voice options (with -m):", "Show voice options", NULL, NULL);

  g_option_group_add_entries(group, voice_entries);
  g_option_context_add_group(context, group);
  group = g_option_group_new("call", "Call options (with -o):", "Show call options", NULL, NULL);
  g_option_group_add_entries(group, call_entries);
  g_option_context_add_group(context, group);
}

static guint
count(const gboolean *flags, gsize n)
{
  guint set = 0;

  for (gsize i = 0; i < n; i++)
    set += flags[i] != FALSE;
  return set;
}

guint
modemctl_voice_count_actions(void)
{
  const gboolean flags[] = {
    opts.status,
    opts.list_calls,
    opts.create_call != NULL,
    opts.delete_call != NULL,
    opts.hold_and_accept,
    opts.hangup_and_accept,
    opts.hangup_all,
    opts.transfer,
    opts.enable_call_waiting,
    opts.disable_call_waiting,
    opts.query_call_waiting,
  };

  return count(flags, G_N_ELEMENTS(flags));
}

guint
modemctl_call_count_actions(void)
{
  const gboolean flags[] = {
    opts.start,
    opts.accept,
    opts.deflect != NULL,
    opts.join_multiparty,
    opts.leave_multiparty,
    opts.hangup,
    opts.send_dtmf != NULL,
  };

  return count(flags, G_N_ELEMENTS(flags));
}

const char *
modemctl_call_selector(void)
{
  return opts.call;
}

/* "number=..." and nothing else, as the API wants it. */
static GVariant *
call_properties(const char *str, GError **error)
{
  g_auto(GStrv) pairs = NULL;
  const char *number = NULL;

  if (!modemctl_parse_key_values(str, &pairs, error))
    return NULL;
  for (guint i = 0; pairs[i]; i += 2) {
    if (!g_str_equal(pairs[i], "number")) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                  "unknown key '%s' (only 'number' is)", pairs[i]);
      return NULL;
    }
    number = pairs[i + 1];
  }
  if (!number || !*number) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'number' is missing");
    return NULL;
  }
  return g_variant_ref_sink(g_variant_new_parsed("{'number': <%s>}", number));
}

static gboolean
valid_dtmf(const char *dtmf)
{
  gsize len = strlen(dtmf);

  return len > 0 && len <= MAX_DTMF && strspn(dtmf, "0123456789ABCD*#") == len;
}

int
modemctl_voice_check_arguments(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autofree char *path = NULL;
  gboolean any;

  if (opts.create_call && !(properties = call_properties(opts.create_call, &error)))
    return ctx_fail("invalid call properties: %s", error->message);
  if (opts.send_dtmf && !valid_dtmf(opts.send_dtmf))
    return ctx_fail("invalid DTMF '%s' (1 to %d of 0-9, A-D, * and #)", opts.send_dtmf, MAX_DTMF);
  if (opts.delete_call
      && !modemctl_parse_selector(opts.delete_call, MMD_DBUS_CALL_PREFIX, FALSE, &path, &any,
                                  &error))
    return ctx_fail("invalid call: %s", error->message);
  g_clear_pointer(&path, g_free);
  if (opts.call
      && !modemctl_parse_selector(opts.call, MMD_DBUS_CALL_PREFIX, FALSE, &path, &any, &error))
    return ctx_fail("invalid call: %s", error->message);
  if (modemctl_call_count_actions() && !opts.call)
    return ctx_fail("this action needs a call (use -o)");
  return EXIT_SUCCESS;
}

/* ---- -o: one call ---------------------------------------------------------- */

static const char *
state_or_unknown(MmdCallState state)
{
  return state == MMD_CALL_STATE_UNKNOWN ? NULL : mmd_call_state_to_string(state);
}

static const char *
reason_or_unknown(MmdCallStateReason reason)
{
  return reason == MMD_CALL_STATE_REASON_UNKNOWN ? NULL : mmd_call_state_reason_to_string(reason);
}

static void
add_audio_format(Output *output, GVariant *format)
{
  const char *encoding = NULL, *resolution = NULL;
  guint32 rate = 0;

  if (format && g_variant_is_of_type(format, G_VARIANT_TYPE_VARDICT)) {
    g_variant_lookup(format, "encoding", "&s", &encoding);
    g_variant_lookup(format, "resolution", "&s", &resolution);
    g_variant_lookup(format, "rate", "u", &rate);
  }
  output_add(output, "Audio format", "encoding", "call.audio-format.encoding", encoding);
  output_add(output, "Audio format", "resolution", "call.audio-format.resolution", resolution);
  /* mmcli prints the rate even when the modem did not say it */
  output_add_printf(output, "Audio format", "rate", "call.audio-format.rate", "%u", rate);
}

static int
call_show(Ctx *ctx, MdbusCall *call)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  output_add(output, "General", "path", "call.dbus-path",
             g_dbus_proxy_get_object_path(G_DBUS_PROXY(call)));
  output_add(output, "Properties", "number", "call.properties.number", mdbus_call_get_number(call));
  output_add(output, "Properties", "direction", "call.properties.direction",
             mmd_call_direction_to_string(mdbus_call_get_direction(call)));
  output_add(output, "Properties", "multiparty", "call.properties.multiparty",
             mdbus_call_get_multiparty(call) ? "yes" : "no");
  output_add(output, "Properties", "state", "call.properties.state",
             state_or_unknown(mdbus_call_get_state(call)));
  output_add(output, "Properties", "state reason", "call.properties.state-reason",
             reason_or_unknown(mdbus_call_get_state_reason(call)));
  output_add(output, "Properties", "audio port", "call.properties.audio-port",
             mdbus_call_get_audio_port(call));
  add_audio_format(output, mdbus_call_get_audio_format(call));
  output_print(output);
  return EXIT_SUCCESS;
}

static int
call_act(Ctx *ctx, MdbusCall *call)
{
  g_autoptr(GError) error = NULL;
  const char *message;
  gboolean ok;

  ctx_set_timeout(ctx, call, FALSE);
  if (opts.start) {
    ok = mdbus_call_call_start_sync(call, NULL, &error);
    message = "successfully started the call";
  } else if (opts.accept) {
    ok = mdbus_call_call_accept_sync(call, NULL, &error);
    message = "successfully accepted the call";
  } else if (opts.deflect) {
    ok = mdbus_call_call_deflect_sync(call, opts.deflect, NULL, &error);
    message = "successfully deflected the call";
  } else if (opts.join_multiparty) {
    ok = mdbus_call_call_join_multiparty_sync(call, NULL, &error);
    message = "successfully joined the multiparty call";
  } else if (opts.leave_multiparty) {
    ok = mdbus_call_call_leave_multiparty_sync(call, NULL, &error);
    message = "successfully left the multiparty call";
  } else if (opts.hangup) {
    ok = mdbus_call_call_hangup_sync(call, NULL, &error);
    message = "successfully hung up the call";
  } else {
    ok = mdbus_call_call_send_dtmf_sync(call, opts.send_dtmf, NULL, &error);
    message = "successfully sent DTMF";
  }
  if (!ok)
    return ctx_fail_error(error);
  ctx_success(ctx, "%s", message);
  return EXIT_SUCCESS;
}

int
modemctl_call_run(Ctx *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(MdbusCall) call = NULL;
  gboolean any;

  modemctl_parse_selector(opts.call, MMD_DBUS_CALL_PREFIX, FALSE, &path, &any, NULL);
  if (!(call = ctx_find_call(ctx, path, &error)))
    return ctx_fail_error(error);
  return modemctl_call_count_actions() ? call_act(ctx, call) : call_show(ctx, call);
}

/* ---- -m: the modem's calls ------------------------------------------------- */

static int
list_calls(Ctx *ctx, MdbusModemVoice *voice)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) calls = NULL;
  g_autoptr(Output) output = NULL;

  if (!mdbus_modem_voice_call_list_calls_sync(voice, &calls, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    if (!calls[0])
      g_print("No calls were found\n");
    for (char **c = calls; *c; c++) {
      g_autoptr(MdbusCall) call = ctx_find_call(ctx, *c, NULL);

      g_print("    %s %s (%s)\n", *c,
              call ? mmd_call_direction_to_string(mdbus_call_get_direction(call)) : "unknown",
              call ? mmd_call_state_to_string(mdbus_call_get_state(call)) : "unknown");
    }
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add_items(output, NULL, NULL, "modem.voice.call", (const char *const *)calls);
  output_print(output);
  return EXIT_SUCCESS;
}

static int
create_call(Ctx *ctx, MdbusModemVoice *voice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = call_properties(opts.create_call, &error);
  g_autofree char *path = NULL;
  g_autoptr(Output) output = NULL;

  if (!properties)
    return ctx_fail("invalid call properties: %s", error->message);
  if (!mdbus_modem_voice_call_create_call_sync(voice, properties, &path, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("successfully created new call: %s\n", path);
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add(output, NULL, NULL, "call.dbus-path", path);
  output_print(output);
  return EXIT_SUCCESS;
}

static int
show_status(Ctx *ctx, MdbusModemVoice *voice)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  output_add(output, "Voice", "emergency only", "modem.voice.emergency-only",
             mdbus_modem_voice_get_emergency_only(voice) ? "yes" : "no");
  output_print(output);
  return EXIT_SUCCESS;
}

static int
query_call_waiting(Ctx *ctx, MdbusModemVoice *voice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Output) output = NULL;
  gboolean enabled;

  if (!mdbus_modem_voice_call_call_waiting_query_sync(voice, &enabled, NULL, &error))
    return ctx_fail_error(error);
  if (ctx->output_type == OUTPUT_HUMAN) {
    g_print("call waiting service is %s\n", enabled ? "enabled" : "disabled");
    return EXIT_SUCCESS;
  }
  output = output_new(ctx->output_type);
  output_add(output, NULL, NULL, "modem.voice.call-waiting", enabled ? "enabled" : "disabled");
  output_print(output);
  return EXIT_SUCCESS;
}

/* The actions that only succeed or fail. */
static int
voice_act(Ctx *ctx, MdbusModemVoice *voice)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *message;
  gboolean any, ok;

  if (opts.delete_call) {
    modemctl_parse_selector(opts.delete_call, MMD_DBUS_CALL_PREFIX, FALSE, &path, &any, NULL);
    ok = mdbus_modem_voice_call_delete_call_sync(voice, path, NULL, &error);
    message = "successfully deleted call from modem";
  } else if (opts.hold_and_accept) {
    ok = mdbus_modem_voice_call_hold_and_accept_sync(voice, NULL, &error);
    message = "successfully held the active calls and accepted the next one";
  } else if (opts.hangup_and_accept) {
    ok = mdbus_modem_voice_call_hangup_and_accept_sync(voice, NULL, &error);
    message = "successfully hung up the active calls and accepted the next one";
  } else if (opts.hangup_all) {
    ok = mdbus_modem_voice_call_hangup_all_sync(voice, NULL, &error);
    message = "successfully hung up all calls";
  } else if (opts.transfer) {
    ok = mdbus_modem_voice_call_transfer_sync(voice, NULL, &error);
    message = "successfully transferred the calls";
  } else {
    ok = mdbus_modem_voice_call_call_waiting_setup_sync(voice, opts.enable_call_waiting, NULL,
                                                        &error);
    message = opts.enable_call_waiting ? "successfully enabled call waiting"
                                       : "successfully disabled call waiting";
  }
  if (!ok)
    return ctx_fail_error(error);
  ctx_success(ctx, "%s", message);
  return EXIT_SUCCESS;
}

int
modemctl_voice_run(Ctx *ctx, MdbusObject *modem)
{
  MdbusModemVoice *voice = mdbus_object_peek_modem_voice(modem);

  if (!voice)
    return ctx_fail("the modem has no voice support");
  ctx_set_timeout(ctx, voice, FALSE);
  if (opts.status)
    return show_status(ctx, voice);
  if (opts.list_calls)
    return list_calls(ctx, voice);
  if (opts.create_call)
    return create_call(ctx, voice);
  if (opts.query_call_waiting)
    return query_call_waiting(ctx, voice);
  return voice_act(ctx, voice);
}
