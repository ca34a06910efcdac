/* USSD over 27.007 +CUSD. AT+CUSD=1,"<str>",<dcs> is answered with OK; the
 * network's text comes in a +CUSD: <m>,"<str>",<dcs> URC (some modems put it
 * before the OK), in the character set +CSCS reports, or as hex of packed
 * septets on modems that want those: a modem that refuses the text form is
 * asked again in that form, once, and remembered. */
#include "at-modem.h"
#include "at-parse-voice.h"

/* The network may take its time; a session has no answer after this. */
#define USSD_ANSWER_TIMEOUT_S 60

enum {
  CUSD_NO_ACTION = 0,
  CUSD_ACTION_REQUIRED = 1,
  CUSD_TERMINATED = 2,
  CUSD_OTHER_CLIENT = 3,
  CUSD_NOT_SUPPORTED = 4,
  CUSD_TIMEOUT = 5,
};

typedef struct {
  MmdAtCharset charset;
  gboolean packed_hex;    /* the modem takes and gives packed septets as hex */
  MmdUssdPending pending; /* Initiate or Respond waiting for the network's text */
} AtUssd;

static void
at_ussd_free(AtUssd *ussd)
{
  mmd_ussd_pending_finish(
      &ussd->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
  g_free(ussd);
}

static AtUssd *
ussd_of(MmdAtModem *self)
{
  AtUssd *ussd = g_object_get_data(G_OBJECT(self), "at-ussd");

  if (!ussd) {
    ussd = g_new0(AtUssd, 1);
    g_object_set_data_full(G_OBJECT(self), "at-ussd", ussd, (GDestroyNotify)at_ussd_free);
  }
  return ussd;
}

/* ---- the pending exchange ------------------------------------------------ */

static GError *
cusd_error(int m)
{
  switch (m) {
    case CUSD_TERMINATED:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                         "The network ended the USSD session");
    case CUSD_OTHER_CLIENT:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                         "Another client of the modem answered the USSD session");
    case CUSD_NOT_SUPPORTED:
      return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                         "The network does not support this USSD request");
    default:
      return g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                         "The network did not answer the USSD request");
  }
}

/* A +CUSD: line: the answer of what is pending, else the network's own. */
static void
handle_cusd(MmdAtModem *self, const char *line)
{
  AtUssd *ussd = ussd_of(self);
  MmdModem *modem = modem_of(self);
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  g_autofree char *text = NULL;
  int m, dcs;

  if (!mmd_at_parse_cusd(line, &m, &str, &dcs, &error)
      || (str && !(text = mmd_at_ussd_decode(str, dcs, ussd->charset, ussd->packed_hex, &error)))) {
    g_debug("USSD: %s", error->message);
    return;
  }
  if (ussd->pending.task) {
    if (m == CUSD_NO_ACTION || m == CUSD_ACTION_REQUIRED)
      mmd_ussd_pending_finish(&ussd->pending, mmd_ussd_reply_new(text, m == CUSD_ACTION_REQUIRED),
                              NULL);
    else
      mmd_ussd_pending_finish(&ussd->pending, NULL, cusd_error(m));
  } else if (m == CUSD_NO_ACTION || m == CUSD_ACTION_REQUIRED) {
    mmd_modem_ussd_network(
        modem, m == CUSD_ACTION_REQUIRED ? MMD_USSD_NETWORK_REQUEST : MMD_USSD_NETWORK_NOTIFICATION,
        text);
  } else {
    mmd_modem_ussd_network(modem, MMD_USSD_NETWORK_END, NULL);
  }
}

static void
on_cusd(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  handle_cusd(user_data, line);
}

void
at_ussd_watch(MmdAtModem *self)
{
  mmd_at_channel_add_urc_handler(self->ch, "+CUSD:", on_cusd, self);
}

/* ---- set-up ------------------------------------------------------------ */

static gboolean
h_cscs(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdAtCharset charset;

  if (!cmd_error && mmd_at_parse_cscs(response, &charset, NULL))
    ussd_of(self)->charset = charset;
  return TRUE;
}

void
at_ussd_add_setup_steps(Seq *seq)
{
  at_seq_add(seq, "AT+CSCS?", 0, 0, TRUE, h_cscs);
  /* network-initiated USSD as +CUSD URCs */
  at_seq_add(seq, "AT+CUSD=1", 0, 0, TRUE, NULL);
}

/* ---- operations ---------------------------------------------------------- */

static char *
cusd_command(AtUssd *ussd, const char *text, gboolean packed_hex, GError **error)
{
  g_autofree char *str = NULL;
  int dcs;

  if (!(str = mmd_at_ussd_encode(text, ussd->charset, packed_hex, &dcs, error)))
    return NULL;
  return g_strdup_printf("AT+CUSD=1,\"%s\",%d", str, dcs);
}

/* The answer may come before the OK, as an intermediate line. */
static void
answer_in_response(MmdAtModem *self, const char *response)
{
  g_auto(GStrv) lines = g_strsplit(response ? response : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix(g_strstrip(lines[i]), "+CUSD:"))
      handle_cusd(self, lines[i]);
}

static gboolean
h_sent(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  AtUssd *ussd = ussd_of(self);
  const char *text = seq->data;
  g_autofree char *packed = NULL;

  if (!cmd_error) {
    answer_in_response(self, response);
    return TRUE;
  }
  /* a modem that wants packed septets refuses text: ask once more */
  if (!ussd->packed_hex && ussd->charset != MMD_AT_CHARSET_UCS2
      && cmd_error->domain == MMD_MOBILE_EQUIPMENT_ERROR
      && (packed = cusd_command(ussd, text, TRUE, NULL))) {
    ussd->packed_hex = TRUE;
    at_seq_add_next(seq, packed, 0, MMD_AT_COMMAND_SECRET, FALSE, h_sent);
    return TRUE;
  }
  return at_require_ok(cmd_error, error);
}

static void
sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdAtModem *self = g_task_get_source_object(task);
  AtUssd *ussd = ussd_of(self);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error) && ussd->pending.task == task)
    mmd_ussd_pending_finish(&ussd->pending, NULL, error);
  else
    g_clear_error(&error);
}

/* Initiate and Respond are the same command; what +CUSD then says answers. */
static void
exchange(MmdBackend *backend, const char *text, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  AtUssd *ussd = ussd_of(self);
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  GError *error = NULL;
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (ussd->pending.task) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_IN_PROGRESS,
                                    "A USSD request is waiting for the network"));
    return;
  }
  if (!(cmd = cusd_command(ussd, text, ussd->packed_hex, &error))) {
    mmd_task_fail(task, error);
    return;
  }
  mmd_ussd_pending_wait(&ussd->pending, task, USSD_ANSWER_TIMEOUT_S);
  seq = at_seq_new(self, cancellable, sent, g_object_ref(task));
  seq->data = g_strdup(text);
  seq->data_free = g_free;
  /* the string may carry a supplementary service code with a PIN */
  at_seq_add(seq, cmd, 0, MMD_AT_COMMAND_SECRET, FALSE, h_sent);
  at_seq_next(seq);
}

static void
at_ussd_initiate(MmdBackend *backend, const char *command, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  exchange(backend, command, cancellable, callback, user_data);
}

static void
at_ussd_respond(MmdBackend *backend, const char *response, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  exchange(backend, response, cancellable, callback, user_data);
}

static void
at_ussd_cancel(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  mmd_ussd_pending_finish(
      &ussd_of(self)->pending, NULL,
      g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED, "USSD session cancelled"));
  at_seq_add(seq, "AT+CUSD=2", 0, 0, FALSE, NULL);
  at_seq_next(seq);
}

const MmdUssdOps at_ussd_ops = {
  .initiate = at_ussd_initiate,
  .respond = at_ussd_respond,
  .cancel = at_ussd_cancel,
};
