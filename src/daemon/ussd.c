/* The USSD room: one session at a time, started by a client (Initiate) or by
 * the network, answered with Respond, ended with Cancel or by the network. */
#define G_LOG_DOMAIN "modemd-ussd"

#include "ussd.h"

#include <string.h>

#include "auth.h"
#include "method.h"
#include "mmd-errors.h"
#include "mmd-text.h"
#include "modem-state.h"
#include "modemd-codec.h"
#include "providers.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemModem3gppUssd *iface;
} UssdRoom;

static const char room_key[] = "ussd";

#define FIND_OP(room, op) MMD_PROVIDER_FIND((room)->providers, MmdUssdOps, op)
#define OP(provider, op) MMD_PROVIDER_OP(provider, MmdUssdOps, op)

static UssdRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

/* A USSD string holds at most 182 characters; a modem's text is cut well
 * beyond that. */
#define MAX_USSD_TEXT 1024

/* Modem text for D-Bus: clean UTF-8 whose lines stay lines (menus are
 * written one choice a line), without any other control character. */
static char *
clean_text(const char *text)
{
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  g_autofree char *joined = NULL;

  for (char **line = lines; *line; line++) {
    gsize len = strlen(*line);
    char *clean;

    if (len && (*line)[len - 1] == '\r')
      (*line)[--len] = '\0';
    clean = mmd_text_sanitize(*line, (gssize)len, MAX_USSD_TEXT);
    g_free(*line);
    *line = clean;
  }
  joined = g_strjoinv("\n", lines);
  if (strlen(joined) > MAX_USSD_TEXT)
    *g_utf8_find_prev_char(joined, joined + MAX_USSD_TEXT + 1) = '\0';
  return g_steal_pointer(&joined);
}

MmdUssdReply *
mmd_ussd_reply_new(const char *text, gboolean needs_response)
{
  MmdUssdReply *reply = g_new0(MmdUssdReply, 1);

  reply->text = clean_text(text);
  reply->needs_response = needs_response;
  return reply;
}

void
mmd_ussd_reply_free(MmdUssdReply *reply)
{
  if (!reply)
    return;
  g_free(reply->text);
  g_free(reply);
}

static void
set_state(UssdRoom *room, MmdModem3gppUssdSessionState state)
{
  mdbus_modem_modem3gpp_ussd_set_state(room->iface, state);
}

/* What may reach the modem: text that USSD can carry (the codec's limits),
 * without the characters that would end an AT string. */
static GError *
check_text(const char *text)
{
  g_autoptr(GError) codec_error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  guint8 dcs;

  for (const char *c = text; *c; c++)
    if ((guchar)*c < 0x20 || *c == '"' || *c == '\\')
      return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                                 "USSD text may not hold control characters, quotes or "
                                 "backslashes");
  encoded = mmd_ussd_encode(text, &dcs, &codec_error);
  if (!encoded)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Cannot send this USSD: %s",
                       codec_error->message);
  return NULL;
}

static void
replied(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  UssdRoom *room = mmd_call_get_data(call);
  GError *error = NULL;
  MmdUssdReply *reply = g_task_propagate_pointer(G_TASK(result), &error);

  if (!reply) {
    set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
    mmd_call_return_error(call, error);
    return;
  }
  if (reply->needs_response) {
    mdbus_modem_modem3gpp_ussd_set_network_request(room->iface, reply->text);
    set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE);
  } else {
    set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
  }
  mmd_call_return(call, g_variant_new("(s)", reply->text));
  mmd_ussd_reply_free(reply);
}

static void
exchange(MmdCall *call, gboolean respond)
{
  UssdRoom *room = mmd_call_get_data(call);
  MmdModem3gppUssdSessionState state = mdbus_modem_modem3gpp_ussd_get_state(room->iface);
  MmdModem3gppUssdSessionState wanted = respond ? MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE
                                                : MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE;
  const MmdProvider *p = respond ? FIND_OP(room, respond) : FIND_OP(room, initiate);
  GError *error;
  const char *text;

  g_variant_get(mmd_call_get_parameters(call), "(&s)", &text);
  if ((error = check_text(text))) {
    mmd_call_return_error(call, error);
    return;
  }
  if (state != wanted) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                              "Cannot %s: the USSD session is %s", respond ? "respond" : "initiate",
                              mmd_modem_3gpp_ussd_session_state_to_string(state));
    return;
  }
  if (!p) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "USSD is not supported by this modem");
    return;
  }
  if (!mmd_modem_state_is_enabled(mmd_modem_get_state(room->modem))) {
    mmd_call_return_error(call, mmd_modem_wrong_state_error(room->modem, "use USSD"));
    return;
  }
  set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_ACTIVE);
  (respond ? OP(p, respond) : OP(p, initiate))(
      p->backend, text, mmd_modem_get_cancellable(room->modem), replied, call);
}

static void
initiate_run(MmdCall *call)
{
  exchange(call, FALSE);
}

static void
respond_run(MmdCall *call)
{
  exchange(call, TRUE);
}

static void
cancelled(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdCall *call = user_data;
  UssdRoom *room = mmd_call_get_data(call);
  GError *error = NULL;

  /* Whatever the modem says, the session is over for the client. */
  set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
  if (!g_task_propagate_boolean(G_TASK(result), &error))
    mmd_call_return_error(call, error);
  else
    mmd_call_return(call, NULL);
}

static void
cancel_run(MmdCall *call)
{
  UssdRoom *room = mmd_call_get_data(call);
  const MmdProvider *p = FIND_OP(room, cancel);

  if (mdbus_modem_modem3gpp_ussd_get_state(room->iface) == MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE) {
    mmd_call_return(call, NULL);
    return;
  }
  if (!p) {
    set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
    mmd_call_return(call, NULL);
    return;
  }
  OP(p, cancel)(p->backend, mmd_modem_get_cancellable(room->modem), cancelled, call);
}

static const MmdMethod ussd_methods[] = {
  { "Initiate", MMD_AUTH_USSD, initiate_run },
  { "Respond", MMD_AUTH_USSD, respond_run },
  { "Cancel", MMD_AUTH_USSD, cancel_run },
};

static void
room_free(UssdRoom *room)
{
  mmd_providers_free(room->providers);
  g_clear_object(&room->iface);
  g_free(room);
}

static UssdRoom *
ensure_room(MmdModem *modem)
{
  UssdRoom *room = room_of(modem);

  if (room)
    return room;
  room = g_new0(UssdRoom, 1);
  room->modem = modem;
  room->providers = mmd_providers_new();
  room->iface = mdbus_modem_modem3gpp_ussd_skeleton_new();
  mdbus_modem_modem3gpp_ussd_set_state(room->iface, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
  mdbus_modem_modem3gpp_ussd_set_network_notification(room->iface, "");
  mdbus_modem_modem3gpp_ussd_set_network_request(room->iface, "");
  mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
  MMD_METHODS_BIND(room->iface, ussd_methods, modem, room);
  mdbus_object_skeleton_set_modem_modem3gpp_ussd(mmd_modem_get_object(modem), room->iface);
  return room;
}

void
mmd_modem_provide_ussd(MmdModem *modem, const MmdUssdOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

void
mmd_modem_ussd_network(MmdModem *modem, MmdUssdNetworkKind kind, const char *text)
{
  UssdRoom *room = room_of(modem);
  g_autofree char *valid = clean_text(text);

  if (!room)
    return;
  switch (kind) {
    case MMD_USSD_NETWORK_NOTIFICATION:
      mdbus_modem_modem3gpp_ussd_set_network_notification(room->iface, valid);
      break;
    case MMD_USSD_NETWORK_REQUEST:
      mdbus_modem_modem3gpp_ussd_set_network_request(room->iface, valid);
      set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE);
      break;
    case MMD_USSD_NETWORK_END:
      set_state(room, MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
      break;
  }
}
