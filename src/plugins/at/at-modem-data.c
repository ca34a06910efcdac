/* Data sessions over AT: PPP dial on the tty, or a static-IP bearer on the
 * net port (+CGACT, +CGCONTRDP); network disconnects by URC. */
#include "at-modem.h"

#include <string.h>

/* Data session */

static void
drop_bearer(MmdAtModem *self, const GError *why)
{
  MmdBearer *bearer = g_steal_pointer(&self->bearer);

  if (!bearer)
    return;
  mmd_bearer_report_disconnected(bearer, why);
  g_object_unref(bearer);
}

void
at_on_no_carrier(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autoptr(GError) error
      = g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER, "NO CARRIER");

  mmd_at_channel_set_data_mode(ch, FALSE);
  if (self->bearer && !self->bearer_on_net && !self->hanging_up)
    drop_bearer(self, error);
}

void
at_on_cgev(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autofree char *up = g_ascii_strup(line, -1);

  if (self->bearer && self->bearer_on_net
      && (strstr(up, "NW DEACT") || strstr(up, "NW PDN DEACT") || strstr(up, "ME PDN DEACT")
          || strstr(up, "NW DETACH"))) {
    g_autoptr(GError) error = g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                                          "Deactivated by the network");
    drop_bearer(self, error);
  }
}

/* Connect / disconnect */

static const char *
pdp_type(guint ip_type)
{
  switch (ip_type) {
    case MMD_BEARER_IP_FAMILY_IPV6:
      return "IPV6";
    case MMD_BEARER_IP_FAMILY_IPV4V6:
      return "IPV4V6";
    default:
      return "IP";
  }
}

static gboolean
h_dialed(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdBearer *bearer = seq->data;
  MmdIpConfig ip4 = { .method = MMD_BEARER_IP_METHOD_PPP };

  if (!at_require_ok(cmd_error, error))
    return FALSE;
  if (!mmd_at_channel_in_data_mode(self->ch)) {
    g_set_error(error, MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                "The modem did not answer CONNECT");
    return FALSE;
  }
  g_clear_object(&self->bearer);
  self->bearer = g_object_ref(bearer);
  self->bearer_on_net = FALSE;
  /* pppd runs on the tty itself, as NetworkManager does it */
  mmd_bearer_set_connected(bearer, self->primary->name, &ip4, NULL);
  return TRUE;
}

static gboolean
h_contrdp(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdBearer *bearer = seq->data;
  g_autoptr(GPtrArray) infos = NULL;
  MmdIpConfig ip4 = { 0 }, ip6 = { 0 };
  gboolean have4 = FALSE, have6 = FALSE;

  if (!at_require_ok(cmd_error, error))
    return FALSE;
  infos = mmd_at_parse_cgcontrdp(response, error);
  if (!infos)
    return FALSE;
  for (guint i = 0; i < infos->len; i++) {
    MmdAtContextInfo *info = g_ptr_array_index(infos, i);
    MmdIpConfig *ip = info->ipv6 ? &ip6 : &ip4;

    if (info->cid != PPP_CID || (info->ipv6 ? have6 : have4))
      continue;
    ip->method = MMD_BEARER_IP_METHOD_STATIC;
    ip->address = info->address;
    ip->prefix = info->prefix;
    ip->gateway = info->gateway;
    ip->dns[0] = info->dns[0];
    ip->dns[1] = info->dns[1];
    ip->mtu = info->mtu;
    if (info->ipv6)
      have6 = TRUE;
    else
      have4 = TRUE;
  }
  if (!have4 && !have6) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                "The modem reported no address for context %d", PPP_CID);
    return FALSE;
  }
  g_clear_object(&self->bearer);
  self->bearer = g_object_ref(bearer);
  self->bearer_on_net = TRUE;
  mmd_bearer_set_connected(bearer, self->net_name, have4 ? &ip4 : NULL, have6 ? &ip6 : NULL);
  return TRUE;
}

void
at_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  const MmdBearerSettings *s = mmd_bearer_get_settings(bearer);
  GError *error = NULL;
  g_autofree char *apn = mmd_at_quote(s->apn ? s->apn : "", "apn", &error);
  g_autofree char *cmd = NULL;
  const MmdPort *net;
  Seq *seq;

  if (!apn) {
    at_fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  if (self->bearer) {
    at_fail_now(
        self, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY, "A data session is already up"),
        cancellable, callback, user_data);
    return;
  }
  self->hanging_up = FALSE;
  seq = at_seq_new(self, cancellable, callback, user_data);
  seq->data = g_object_ref(bearer);
  seq->data_free = g_object_unref;
  cmd = g_strdup_printf("AT+CGDCONT=%d,\"%s\",%s", PPP_CID, pdp_type(s->ip_type), apn);
  at_seq_add(seq, cmd, 0, 0, FALSE, NULL);
  if (s->user && *s->user) {
    g_autofree char *user = mmd_at_quote(s->user, "user", &error);
    g_autofree char *pass
        = user ? mmd_at_quote(s->password ? s->password : "", "password", &error) : NULL;
    guint auth = (s->allowed_auth & MMD_BEARER_ALLOWED_AUTH_CHAP) ? 2 : 1;

    if (!pass) {
      at_seq_fail(seq, error);
      return;
    }
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGAUTH=%d,%u,%s,%s", PPP_CID, auth, user, pass);
    at_seq_add(seq, cmd, 0, MMD_AT_COMMAND_SECRET, TRUE, NULL);
  }
  net = mmd_modem_find_port(modem_of(self), MMD_MODEM_PORT_TYPE_NET);
  g_free(self->net_name);
  self->net_name = net ? g_strdup(net->name) : NULL;
  if (self->net_name && self->has_cgcontrdp) {
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGACT=1,%d", PPP_CID);
    at_seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, NULL);
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGCONTRDP=%d", PPP_CID);
    at_seq_add(seq, cmd, 0, 0, FALSE, h_contrdp);
  } else {
    g_free(cmd);
    cmd = g_strdup_printf("ATD*99***%d#", PPP_CID);
    at_seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, h_dialed);
  }
  at_seq_next(seq);
}

static gboolean
h_escaped(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  /* OK: back in command mode; NO CARRIER: the call is gone anyway */
  if (cmd_error
      && !g_error_matches(cmd_error, MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER))
    g_message("%s: no answer to the escape sequence: %s", self->primary->name, cmd_error->message);
  mmd_at_channel_set_data_mode(self->ch, FALSE);
  return TRUE;
}

/* Hang up by dropping DTR (modems set to AT&D2); ptys and ports without
 * modem control lines skip this and escape with "+++". */
static gboolean
h_dtr_raise(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  mmd_at_channel_set_dtr(self->ch, TRUE, NULL);
  return TRUE;
}

static gboolean
h_escape_if_needed(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                   GError **error)
{
  if (mmd_at_channel_in_data_mode(self->ch)) {
    /* escape to command mode: guard time, "+++", guard time (the modem's);
     * pushed in reverse, each to run next */
    at_seq_add_next(seq, "+++", 3 * ESCAPE_GUARD_MS,
                    MMD_AT_COMMAND_RAW | MMD_AT_COMMAND_IN_DATA_MODE, TRUE, h_escaped);
    {
      Step *pause = g_new0(Step, 1);
      pause->timeout_ms = ESCAPE_GUARD_MS;
      g_queue_push_head(&seq->steps, pause);
    }
  }
  return TRUE;
}

static gboolean
h_dtr_drop(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  g_autoptr(GError) dtr_error = NULL;

  if (!mmd_at_channel_set_dtr(self->ch, FALSE, &dtr_error)) {
    g_debug("%s: no DTR hang-up: %s", self->primary->name, dtr_error->message);
    return TRUE;
  }
  /* pause, raise DTR again; h_escape_if_needed follows */
  {
    Step *raise = g_new0(Step, 1);
    Step *pause = g_new0(Step, 1);

    raise->handler = h_dtr_raise;
    pause->timeout_ms = 500;
    g_queue_push_head(&seq->steps, raise);
    g_queue_push_head(&seq->steps, pause);
  }
  return TRUE;
}

static void
disconnect_done(MmdAtModem *self, Seq *seq)
{
  self->hanging_up = FALSE;
  if (self->bearer == seq->data)
    g_clear_object(&self->bearer);
  g_task_return_boolean(seq->task, TRUE);
}

void
at_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  seq->data = g_object_ref(bearer);
  seq->data_free = g_object_unref;
  seq->done = disconnect_done;
  if (self->bearer != bearer) {
    at_seq_finish(seq);
    return;
  }
  if (self->bearer_on_net) {
    g_autofree char *cmd = g_strdup_printf("AT+CGACT=0,%d", PPP_CID);
    at_seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, NULL);
  } else {
    self->hanging_up = TRUE;
    if (self->ch && mmd_at_channel_in_data_mode(self->ch)) {
      at_seq_add_call(seq, h_dtr_drop);
      at_seq_add_call(seq, h_escape_if_needed);
    }
    at_seq_add(seq, "ATH", 10000, 0, TRUE, NULL);
  }
  at_seq_next(seq);
}
