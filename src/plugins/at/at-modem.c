/* The AT plugin: a backend that drives a modem with 3GPP TS 27.007 commands
 * over one serial port, with PPP data (or a static-IP bearer on the modem's
 * net port when it has one and supports +CGACT/+CGCONTRDP). */
#include <math.h>
#include <string.h>

#include "at-channel.h"
#include "at-parse.h"
#include "mmd-errors.h"
#include "plugin-api.h"

#define DEFAULT_TIMEOUT_MS 3000
#define RADIO_TIMEOUT_MS 15000
#define NETWORK_TIMEOUT_MS 120000
#define DIAL_TIMEOUT_MS 60000
#define ESCAPE_GUARD_MS 1000
#define PPP_CID 1

#define MMD_TYPE_AT_MODEM (mmd_at_modem_get_type())
G_DECLARE_FINAL_TYPE(MmdAtModem, mmd_at_modem, MMD, AT_MODEM, MmdBackend)

enum { REG_CS, REG_PS, REG_EPS, REG_5GS, N_REG };

struct _MmdAtModem {
  MmdBackend parent;

  GPtrArray *ports; /* MmdPort */
  const MmdPort *primary;
  MmdAtChannel *ch;
  gboolean shut_down;

  /* learned at initialization */
  char *manufacturer, *model, *revision, *imei, *iccid, *imsi;
  char **numbers;
  guint mnc_length; /* from EF_AD; 0 = unknown */
  char *spn;        /* service provider name from EF_SPN */
  guint families;
  gboolean has_cgcontrdp;
  GArray *ws46; /* +WS46 values offered (int), NULL: modes not settable */
  int ws46_current;

  /* registration, per domain: 27.007 stat (-1: not reported) and AcT */
  int stat[N_REG];
  int act[N_REG];
  gboolean enabled;    /* radio on: registration is followed */
  gboolean urcs;       /* the modem reports registration changes itself */
  gboolean cops_busy;  /* operator query in flight */
  gboolean cops_again; /* registration changed during it */
  gboolean reported;   /* last report was "registered" */
  MmdModem3gppRegistrationState reported_state;
  char *op_code, *op_name;
  guint poll_id;

  /* the data session */
  MmdBearer *bearer;
  gboolean bearer_on_net;
  char *net_name;      /* the net port of the session being set up */
  gboolean hanging_up; /* our own disconnect: NO CARRIER is expected */
};

G_DEFINE_TYPE(MmdAtModem, mmd_at_modem, MMD_TYPE_BACKEND)

static MmdModem *
modem_of(MmdAtModem *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}

/* ------------------------------------------------------------------------- */
/* Command sequences: a list of commands run in order; each may have a handler
 * that reads the response (or the error, for optional commands) and may add
 * further steps. */

typedef struct _Seq Seq;
typedef gboolean (*StepHandler)(MmdAtModem *self, Seq *seq, const char *response,
                                const GError *cmd_error, GError **error);
typedef void (*SeqDone)(MmdAtModem *self, Seq *seq);

typedef struct {
  char *cmd; /* NULL: a pause of timeout_ms */
  guint timeout_ms;
  MmdAtCommandFlags flags;
  gboolean optional;
  StepHandler handler;
} Step;

struct _Seq {
  MmdAtModem *self;
  GTask *task;
  GQueue steps;
  SeqDone done;   /* NULL: the task returns TRUE */
  GError *result; /* an error to return at the end (steps still run) */
  gpointer data;
  GDestroyNotify data_free;
  guint counter;
};

static void seq_next(Seq *seq);

static void
step_free(Step *step)
{
  g_free(step->cmd);
  g_free(step);
}

static Seq *
seq_new(MmdAtModem *self, GCancellable *cancellable, GAsyncReadyCallback callback,
        gpointer user_data)
{
  Seq *seq = g_new0(Seq, 1);

  seq->self = self;
  seq->task = g_task_new(self, cancellable, callback, user_data);
  g_queue_init(&seq->steps);
  return seq;
}

static void
seq_free(Seq *seq)
{
  g_queue_clear_full(&seq->steps, (GDestroyNotify)step_free);
  if (seq->data_free)
    seq->data_free(seq->data);
  g_clear_error(&seq->result);
  g_object_unref(seq->task);
  g_free(seq);
}

static Step *
step_new(const char *cmd, guint timeout_ms, MmdAtCommandFlags flags, gboolean optional,
         StepHandler handler)
{
  Step *step = g_new0(Step, 1);

  step->cmd = g_strdup(cmd);
  step->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
  step->flags = flags;
  step->optional = optional;
  step->handler = handler;
  return step;
}

static void
seq_add(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags, gboolean optional,
        StepHandler handler)
{
  g_queue_push_tail(&seq->steps, step_new(cmd, timeout_ms, flags, optional, handler));
}

/* Inserts a step to run right after the current one. */
static void
seq_add_next(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags,
             gboolean optional, StepHandler handler)
{
  g_queue_push_head(&seq->steps, step_new(cmd, timeout_ms, flags, optional, handler));
}

static void
seq_add_call(Seq *seq, StepHandler handler)
{
  Step *step = g_new0(Step, 1);

  step->handler = handler;
  g_queue_push_tail(&seq->steps, step);
}

static void
seq_fail(Seq *seq, GError *error)
{
  g_task_return_error(seq->task, error);
  seq_free(seq);
}

static void
seq_finish(Seq *seq)
{
  if (seq->self->shut_down) {
    /* the modem is gone: nothing may reach the core any more */
    g_clear_error(&seq->result);
    seq->result = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away");
  }
  if (seq->result) {
    g_task_return_error(seq->task, g_steal_pointer(&seq->result));
    seq_free(seq);
  } else if (seq->done) {
    seq->done(seq->self, seq); /* returns the task */
    seq_free(seq);
  } else {
    g_task_return_boolean(seq->task, TRUE);
    seq_free(seq);
  }
}

static void
step_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Seq *seq = user_data;
  Step *step = g_queue_pop_head(&seq->steps);
  g_autoptr(GError) cmd_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(NULL, result, &cmd_error);

  if (seq->self->shut_down) {
    step_free(step);
    seq_fail(seq, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED, "The modem went away"));
    return;
  }
  /* cancelled, or the port is gone: no point in going on, optional or not */
  if (cmd_error
      && (g_error_matches(cmd_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || (cmd_error->domain == MMD_SERIAL_ERROR
              && cmd_error->code != MMD_SERIAL_ERROR_RESPONSE_TIMEOUT))) {
    step_free(step);
    seq_fail(seq, g_steal_pointer(&cmd_error));
    return;
  }
  if (cmd_error && !step->optional && !step->handler) {
    step_free(step);
    seq_fail(seq, g_steal_pointer(&cmd_error));
    return;
  }
  if (step->handler && !step->handler(seq->self, seq, response, cmd_error, &error)) {
    step_free(step);
    seq_fail(seq, error ? g_steal_pointer(&error)
                        : g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Command failed"));
    return;
  }
  step_free(step);
  seq_next(seq);
}

static gboolean
pause_done(gpointer user_data)
{
  Seq *seq = user_data;

  step_free(g_queue_pop_head(&seq->steps));
  seq_next(seq);
  return G_SOURCE_REMOVE;
}

static void
seq_next(Seq *seq)
{
  Step *step = g_queue_peek_head(&seq->steps);

  if (!step) {
    seq_finish(seq);
    return;
  }
  if (!seq->self->ch) {
    seq_fail(seq, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "The port is closed"));
    return;
  }
  if (!step->cmd && step->handler) {
    /* a local action between commands */
    g_autoptr(GError) error = NULL;

    g_queue_pop_head(&seq->steps);
    if (!step->handler(seq->self, seq, NULL, NULL, &error)) {
      step_free(step);
      seq_fail(seq, g_steal_pointer(&error));
      return;
    }
    step_free(step);
    seq_next(seq);
    return;
  }
  if (!step->cmd) {
    g_timeout_add(step->timeout_ms, pause_done, seq);
    return;
  }
  mmd_at_channel_command(seq->self->ch, step->cmd, step->timeout_ms, step->flags,
                         g_task_get_cancellable(seq->task), step_done, seq);
}

/* A handler that requires success (for steps whose failure must abort even
 * though a handler is set). */
static gboolean
require_ok(const GError *cmd_error, GError **error)
{
  if (cmd_error) {
    g_propagate_error(error, g_error_copy(cmd_error));
    return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Registration */

static const char *const reg_names[N_REG] = { "+CREG", "+CGREG", "+CEREG", "+C5GREG" };

static gboolean
stat_registered(int stat)
{
  return stat == 1 || stat == 5 || stat == 6 || stat == 7 || stat == 9 || stat == 10;
}

/* The best state over the domains: registered (5GS, EPS, PS, CS) before
 * searching, denied, idle. */
static void
combined_registration(MmdAtModem *self, MmdModem3gppRegistrationState *state, guint *act)
{
  static const int order[] = { REG_5GS, REG_EPS, REG_PS, REG_CS };
  static const int rank_stats[] = { 1, 5, 6, 7, 9, 10, 2, 3, 8, 11, 4, 0 };

  *state = MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE;
  *act = 0;
  for (gsize r = 0; r < G_N_ELEMENTS(rank_stats); r++) {
    for (gsize i = 0; i < G_N_ELEMENTS(order); i++) {
      if (self->stat[order[i]] == rank_stats[r]) {
        *state = mmd_at_registration_state(rank_stats[r]);
        *act = mmd_at_act_to_access_technology(self->act[order[i]]);
        if (*act == 0 && stat_registered(rank_stats[r]))
          *act = order[i] == REG_EPS   ? MMD_MODEM_ACCESS_TECHNOLOGY_LTE
                 : order[i] == REG_5GS ? MMD_MODEM_ACCESS_TECHNOLOGY_5GNR
                 : order[i] == REG_PS  ? MMD_MODEM_ACCESS_TECHNOLOGY_GPRS
                                       : MMD_MODEM_ACCESS_TECHNOLOGY_GSM;
        return;
      }
    }
  }
}

static void registration_changed(MmdAtModem *self);

static void
report_registration(MmdAtModem *self)
{
  MmdModem3gppRegistrationState state;
  guint act;

  if (self->shut_down)
    return;
  combined_registration(self, &state, &act);
  self->reported = stat_registered((int)state);
  self->reported_state = state;
  mmd_modem_set_registration(modem_of(self), state, self->op_code, self->op_name, act);
  mmd_modem_set_packet_service_state(
      modem_of(self), stat_registered(self->stat[REG_PS]) || stat_registered(self->stat[REG_EPS])
                              || stat_registered(self->stat[REG_5GS])
                          ? MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED
                          : MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED);
}

static gboolean
cops_code_done(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  int mode, format, act;
  g_autofree char *oper = NULL;

  if (!cmd_error && mmd_at_parse_cops_read(response, &mode, &format, &oper, &act, NULL)) {
    g_free(self->op_code);
    self->op_code = format == 2 ? g_steal_pointer(&oper) : NULL;
  }
  return TRUE;
}

static gboolean
cops_name_done(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  int mode, format, act;
  g_autofree char *oper = NULL;

  if (!cmd_error && mmd_at_parse_cops_read(response, &mode, &format, &oper, &act, NULL)) {
    g_free(self->op_name);
    self->op_name = format == 0 || format == 1 ? g_steal_pointer(&oper) : NULL;
  }
  return TRUE;
}

static void refresh_quality(MmdAtModem *self);

static void
cops_query_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(source);

  g_task_propagate_boolean(G_TASK(result), NULL);
  self->cops_busy = FALSE;
  if (self->shut_down)
    return;
  report_registration(self);
  if (self->reported)
    refresh_quality(self);
  if (self->cops_again) {
    /* asks again only if the operator may have changed */
    self->cops_again = FALSE;
    registration_changed(self);
  }
}

static void
registration_changed(MmdAtModem *self)
{
  MmdModem3gppRegistrationState state;
  guint act;
  Seq *seq;

  if (self->shut_down || !self->enabled)
    return;
  if (self->cops_busy) {
    self->cops_again = TRUE;
    return;
  }
  combined_registration(self, &state, &act);
  if (!stat_registered((int)state)) {
    g_clear_pointer(&self->op_code, g_free);
    g_clear_pointer(&self->op_name, g_free);
    report_registration(self);
    return;
  }
  if (self->reported && self->op_code && state == self->reported_state) {
    report_registration(self);
    return;
  }
  if (!self->ch || mmd_at_channel_in_data_mode(self->ch)) {
    report_registration(self);
    return;
  }
  /* registered: learn the operator first, so that it comes with the state */
  self->cops_busy = TRUE;
  seq = seq_new(self, NULL, cops_query_done, NULL);
  seq_add(seq, "AT+COPS=3,2", 0, 0, TRUE, NULL);
  seq_add(seq, "AT+COPS?", 0, 0, TRUE, cops_code_done);
  seq_add(seq, "AT+COPS=3,0", 0, 0, TRUE, NULL);
  seq_add(seq, "AT+COPS?", 0, 0, TRUE, cops_name_done);
  seq_next(seq);
}

static int
reg_domain(const char *line)
{
  for (int i = N_REG - 1; i >= 0; i--) {
    gsize n = strlen(reg_names[i]);
    if (g_ascii_strncasecmp(line, reg_names[i], n) == 0 && line[n] == ':')
      return i;
  }
  return -1;
}

static gboolean
update_domain(MmdAtModem *self, const char *line)
{
  MmdAtRegistration reg;
  g_autoptr(GError) error = NULL;
  int d = reg_domain(line);

  if (d < 0)
    return FALSE;
  if (!mmd_at_parse_registration(line, &reg, &error)) {
    g_debug("%s", error->message);
    return FALSE;
  }
  self->stat[d] = reg.stat;
  self->act[d] = reg.act;
  return TRUE;
}

static void
on_registration_urc(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;

  if (update_domain(self, line))
    registration_changed(self);
}

/* ------------------------------------------------------------------------- */
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

static void
on_no_carrier(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autoptr(GError) error
      = g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER, "NO CARRIER");

  mmd_at_channel_set_data_mode(ch, FALSE);
  if (self->bearer && !self->bearer_on_net && !self->hanging_up)
    drop_bearer(self, error);
}

static void
on_cgev(MmdAtChannel *ch, const char *line, gpointer user_data)
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

/* ------------------------------------------------------------------------- */
/* Port */

static void
on_port_gone(MmdAtChannel *ch, const GError *error, gpointer user_data)
{
  MmdAtModem *self = user_data;

  if (self->shut_down)
    return;
  g_message("%s: %s", self->primary ? self->primary->name : "at", error->message);
  mmd_modem_report_gone(modem_of(self), error->message);
}

static gboolean
open_port(MmdAtModem *self, GError **error)
{
  if (self->ch && mmd_at_channel_is_open(self->ch))
    return TRUE;
  if (!self->primary || !self->primary->path) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "No AT port to open");
    return FALSE;
  }
  g_clear_pointer(&self->ch, mmd_at_channel_unref);
  self->ch = mmd_at_channel_new(self->primary->name);
  mmd_at_channel_set_log_personal(self->ch, mmd_log_personal_info());
  mmd_at_channel_set_gone_handler(self->ch, on_port_gone, self);
  for (int i = 0; i < N_REG; i++) {
    g_autofree char *prefix = g_strconcat(reg_names[i], ":", NULL);
    mmd_at_channel_add_urc_handler(self->ch, prefix, on_registration_urc, self);
  }
  mmd_at_channel_add_urc_handler(self->ch, "NO CARRIER", on_no_carrier, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CGEV:", on_cgev, self);
  return mmd_at_channel_open(self->ch, self->primary->path, 115200, MMD_AT_FLOW_NONE, error);
}

/* ------------------------------------------------------------------------- */
/* Initialization */

/* An identity answer into *field; on an error the other spelling alt is
 * tried once (answered by handler again), and the field is left alone. */
static gboolean
store_identity(Seq *seq, const char *response, const GError *cmd_error, char **field,
               char *(*parse)(const char *response, GError **error), const char *alt,
               StepHandler handler)
{
  if (cmd_error) {
    if (seq->counter++ == 0)
      seq_add_next(seq, alt, 0, 0, TRUE, handler);
    return TRUE;
  }
  g_free(*field);
  *field = parse(response, NULL);
  return TRUE;
}

static gboolean
h_manufacturer(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  return store_identity(seq, response, cmd_error, &self->manufacturer, mmd_at_parse_info, "AT+GMI",
                        h_manufacturer);
}

static gboolean
h_model(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  return store_identity(seq, response, cmd_error, &self->model, mmd_at_parse_info, "AT+GMM",
                        h_model);
}

static gboolean
h_revision(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  return store_identity(seq, response, cmd_error, &self->revision, mmd_at_parse_info, "AT+GMR",
                        h_revision);
}

static gboolean
h_imei(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  return store_identity(seq, response, cmd_error, &self->imei, mmd_at_parse_imei, "AT+GSN", h_imei);
}

static const char *const iccid_commands[] = { "AT+CCID", "AT+ICCID", "AT^ICCID", "AT+QCCID" };

static gboolean
h_iccid(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autofree char *iccid = cmd_error ? NULL : mmd_at_parse_iccid(response, NULL);

  if (!iccid) {
    /* try the next vendor's spelling */
    guint next = ++seq->counter;
    if (next < G_N_ELEMENTS(iccid_commands))
      seq_add_next(seq, iccid_commands[next], 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_iccid);
    return TRUE;
  }
  g_free(self->iccid);
  self->iccid = g_steal_pointer(&iccid);
  return TRUE;
}

static void
add_iccid_steps(Seq *seq)
{
  seq->counter = 0;
  seq_add(seq, iccid_commands[0], 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_iccid);
}

static gboolean
h_imsi(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!cmd_error) {
    g_free(self->imsi);
    self->imsi = mmd_at_parse_imsi(response, NULL);
  }
  return TRUE;
}

static gboolean
h_ef_ad(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GBytes) ad = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = ad ? g_bytes_get_data(ad, &len) : NULL;

  self->mnc_length = data ? mmd_sim_decode_mnc_length(data, len) : 0;
  return TRUE;
}

static gboolean
h_ef_spn(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GBytes) spn = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = spn ? g_bytes_get_data(spn, &len) : NULL;

  g_free(self->spn);
  self->spn = data ? mmd_sim_decode_spn(data, len) : NULL;
  return TRUE;
}

/* The IMSI, and the SIM files that say which operator issued it. */
static void
add_imsi_steps(Seq *seq)
{
  seq_add(seq, "AT+CIMI", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_imsi);
  /* READ BINARY of EF_AD (MNC length) and EF_SPN */
  seq_add(seq, "AT+CRSM=176,28589,0,0,4", 0, 0, TRUE, h_ef_ad);
  seq_add(seq, "AT+CRSM=176,28486,0,0,17", 0, 0, TRUE, h_ef_spn);
}

static gboolean
h_cnum(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!cmd_error) {
    g_strfreev(self->numbers);
    self->numbers = mmd_at_parse_cnum(response, NULL);
  }
  return TRUE;
}

static gboolean
h_retries(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdAtRetries r;

  if (cmd_error || !mmd_at_parse_pin_retries(response, &r, NULL))
    return TRUE;
  if (r.pin >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PIN, (guint)r.pin);
  if (r.puk >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PUK, (guint)r.puk);
  if (r.pin2 >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PIN2, (guint)r.pin2);
  if (r.puk2 >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PUK2, (guint)r.puk2);
  return TRUE;
}

static void
publish_sim(MmdAtModem *self)
{
  g_autofree char *operator_id = NULL;

  if (!self->iccid && !self->imsi)
    return;
  /* MCC and MNC are the IMSI's first digits; EF_AD says how many the MNC has */
  if (self->imsi && self->mnc_length && strlen(self->imsi) >= 3 + self->mnc_length)
    operator_id = g_strndup(self->imsi, 3 + self->mnc_length);
  mmd_modem_set_sim(modem_of(self), self->iccid, self->imsi, operator_id, self->spn);
}

static gboolean
h_cpin(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdModemLock lock = MMD_MODEM_LOCK_UNKNOWN;

  if (cmd_error) {
    if (g_error_matches(cmd_error, MMD_MOBILE_EQUIPMENT_ERROR,
                        MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED)) {
      seq->data = GINT_TO_POINTER(1); /* no SIM */
      return TRUE;
    }
    /* SIM busy, failure: report what we can */
    mmd_modem_set_unlock_required(modem_of(self), MMD_MODEM_LOCK_UNKNOWN);
    return TRUE;
  }
  if (!mmd_at_parse_cpin(response, &lock, error))
    return FALSE;
  mmd_modem_set_unlock_required(modem_of(self), lock);
  seq_add(seq, "AT+CPINR", 0, 0, TRUE, h_retries);
  add_iccid_steps(seq);
  if (lock == MMD_MODEM_LOCK_NONE) {
    add_imsi_steps(seq);
    seq_add(seq, "AT+CNUM", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_cnum);
  }
  return TRUE;
}

static gboolean
h_cfun(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  int fun;

  if (!cmd_error && mmd_at_parse_cfun(response, &fun, NULL))
    mmd_modem_set_power_state(modem_of(self),
                              fun == 1 ? MMD_MODEM_POWER_STATE_ON : MMD_MODEM_POWER_STATE_LOW);
  return TRUE;
}

static gboolean
h_cgdcont_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  guint max_cid, families;

  if (!cmd_error && mmd_at_parse_cgdcont_test(response, &max_cid, &families, NULL))
    self->families = families;
  return TRUE;
}

static gboolean
h_cgcontrdp_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  self->has_cgcontrdp = cmd_error == NULL;
  return TRUE;
}

static gboolean
h_cgact_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  if (!cmd_error)
    seq_add_next(seq, "AT+CGCONTRDP=?", 0, 0, TRUE, h_cgcontrdp_test);
  return TRUE;
}

static gboolean
h_ws46_read_step(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  int v;

  if (!cmd_error && mmd_at_parse_ws46_read(response, &v, NULL))
    self->ws46_current = v;
  return TRUE;
}

static gboolean
h_ws46_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  g_autoptr(GArray) values = cmd_error ? NULL : mmd_at_parse_ws46_test(response, NULL);

  g_clear_pointer(&self->ws46, g_array_unref);
  if (!values)
    return TRUE;
  self->ws46 = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < values->len; i++)
    if (mmd_at_ws46_to_modes(g_array_index(values, int, i)))
      g_array_append_val(self->ws46, g_array_index(values, int, i));
  if (self->ws46->len == 0)
    g_clear_pointer(&self->ws46, g_array_unref);
  else
    seq_add_next(seq, "AT+WS46?", 0, 0, TRUE, h_ws46_read_step);
  return TRUE;
}

static void
publish_modes(MmdAtModem *self)
{
  MmdModem *modem = modem_of(self);
  static const guint fallback[][2] = {
    { MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE },
  };
  guint(*pairs)[2] = NULL;
  guint current;

  if (!self->ws46) {
    mmd_modem_set_supported_modes(modem, fallback, G_N_ELEMENTS(fallback));
    mmd_modem_set_current_modes(modem, fallback[0][0], fallback[0][1]);
    return;
  }
  pairs = g_malloc0_n(self->ws46->len, sizeof *pairs);
  for (guint i = 0; i < self->ws46->len; i++)
    pairs[i][0] = mmd_at_ws46_to_modes(g_array_index(self->ws46, int, i));
  mmd_modem_set_supported_modes(modem, (const guint(*)[2])pairs, self->ws46->len);
  g_free(pairs);
  current = mmd_at_ws46_to_modes(self->ws46_current);
  if (current)
    mmd_modem_set_current_modes(modem, current, MMD_MODEM_MODE_NONE);
}

static void
initialize_done(MmdAtModem *self, Seq *seq)
{
  MmdModem *modem = modem_of(self);

  mmd_modem_set_identity(modem, self->manufacturer ? self->manufacturer : "",
                         self->model ? self->model : "", self->revision ? self->revision : "",
                         NULL);
  if (self->imei)
    mmd_modem_set_equipment_identifier(modem, self->imei);
  mmd_modem_set_capabilities(modem, MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE,
                             MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE);
  mmd_modem_set_max_bearers(modem, 1, 1);
  publish_modes(self);
  mmd_modem_set_supported_ip_families(modem,
                                      self->families ? self->families : MMD_BEARER_IP_FAMILY_IPV4);
  if (self->numbers)
    mmd_modem_set_own_numbers(modem, (const char *const *)self->numbers);
  if (seq->data) {
    mmd_modem_set_sim_missing(modem);
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING);
  } else {
    publish_sim(self);
  }
  g_task_return_boolean(seq->task, TRUE);
}

static void
at_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);
  GError *error = NULL;

  if (!open_port(self, &error)) {
    seq_fail(seq, error);
    return;
  }
  seq->done = initialize_done;
  /* the first command may meet line noise or a modem still booting */
  seq_add(seq, "AT", 1000, 0, TRUE, NULL);
  seq_add(seq, "ATE0", 0, 0, TRUE, NULL);
  seq_add(seq, "AT+CMEE=1", 0, 0, TRUE, NULL);
  seq_add(seq, "AT+CGMI", 0, 0, TRUE, h_manufacturer);
  seq_add(seq, "AT+CGMM", 0, 0, TRUE, h_model);
  seq_add(seq, "AT+CGMR", 0, 0, TRUE, h_revision);
  seq_add(seq, "AT+CGSN", 0, 0, TRUE, h_imei);
  seq_add(seq, "AT+CFUN?", 0, 0, TRUE, h_cfun);
  seq_add(seq, "AT+CGDCONT=?", 0, 0, TRUE, h_cgdcont_test);
  seq_add(seq, "AT+WS46=?", 0, 0, TRUE, h_ws46_test);
  /* for a net port, now or later (it may be announced after the modem) */
  seq_add(seq, "AT+CGACT?", 0, 0, TRUE, h_cgact_test);
  seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_cpin);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* SIM */

static gboolean
h_cpin_after_failure(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                     GError **error)
{
  MmdModemLock lock;

  if (!cmd_error && mmd_at_parse_cpin(response, &lock, NULL) && lock != MMD_MODEM_LOCK_UNKNOWN)
    mmd_modem_set_unlock_required(modem_of(self), lock);
  return TRUE;
}

static gboolean
h_wait_ready(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  MmdModemLock lock = MMD_MODEM_LOCK_UNKNOWN;

  if ((cmd_error || !mmd_at_parse_cpin(response, &lock, NULL) || lock != MMD_MODEM_LOCK_NONE)
      && seq->counter++ < 20) {
    /* the SIM takes a moment after the code: ask again shortly */
    seq_add_next(seq, "AT+CPIN?", 0, 0, TRUE, h_wait_ready);
    {
      Step *pause = g_new0(Step, 1);
      pause->timeout_ms = 250;
      g_queue_push_nth(&seq->steps, pause, 1);
    }
    return TRUE;
  }
  add_iccid_steps(seq);
  add_imsi_steps(seq);
  return TRUE;
}

static gboolean
h_code_sent(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  if (cmd_error) {
    /* keep the error for the end; learn the new retries and lock first */
    seq->result = g_error_copy(cmd_error);
    seq_add(seq, "AT+CPINR", 0, 0, TRUE, h_retries);
    seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_cpin_after_failure);
    return TRUE;
  }
  seq->counter = 0;
  seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_wait_ready);
  return TRUE;
}

static void
unlock_done(MmdAtModem *self, Seq *seq)
{
  publish_sim(self);
  g_task_return_boolean(seq->task, TRUE);
}

static void
send_code(MmdAtModem *self, const char *cmd, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq->done = unlock_done;
  seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_code_sent);
  seq_next(seq);
}

static void
fail_now(MmdAtModem *self, GError *error, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);

  g_task_return_error(task, error);
  g_object_unref(task);
}

static void
at_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q = mmd_at_quote(pin, "pin", &error);
  g_autofree char *cmd = NULL;

  if (!q) {
    fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPIN=%s", q);
  send_code(self, cmd, cancellable, callback, user_data);
}

static void
at_send_puk(MmdBackend *backend, const char *puk, const char *new_pin, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q1 = mmd_at_quote(puk, "puk", &error);
  g_autofree char *q2 = q1 ? mmd_at_quote(new_pin, "pin", &error) : NULL;
  g_autofree char *cmd = NULL;

  if (!q2) {
    fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPIN=%s,%s", q1, q2);
  send_code(self, cmd, cancellable, callback, user_data);
}

static gboolean
h_pin_change(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  if (cmd_error) {
    seq->result = g_error_copy(cmd_error);
    seq_add(seq, "AT+CPINR", 0, 0, TRUE, h_retries);
  }
  return TRUE;
}

static void
at_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q = mmd_at_quote(pin, "pin", &error);
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (!q) {
    fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CLCK=\"SC\",%d,%s", enabled ? 1 : 0, q);
  seq = seq_new(self, cancellable, callback, user_data);
  seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_pin_change);
  seq_next(seq);
}

static void
at_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  GError *error = NULL;
  g_autofree char *q1 = mmd_at_quote(old_pin, "pin", &error);
  g_autofree char *q2 = q1 ? mmd_at_quote(new_pin, "pin", &error) : NULL;
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (!q2) {
    fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  cmd = g_strdup_printf("AT+CPWD=\"SC\",%s,%s", q1, q2);
  seq = seq_new(self, cancellable, callback, user_data);
  seq_add(seq, cmd, 20000, MMD_AT_COMMAND_SECRET, TRUE, h_pin_change);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Radio */

static gboolean
h_cfun_set(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  return require_ok(cmd_error, error);
}

static gboolean
h_reg_enable(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  if (!cmd_error)
    self->urcs = TRUE;
  return TRUE;
}

static gboolean
h_creg_enable(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  /* some modems only know n=1 */
  if (cmd_error)
    seq_add_next(seq, "AT+CREG=1", 0, 0, TRUE, h_reg_enable);
  else
    self->urcs = TRUE;
  return TRUE;
}

static gboolean
h_reg_read(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  if (!cmd_error && response)
    update_domain(self, response);
  return TRUE;
}

static void poll_registration(MmdAtModem *self);

static void
radio_on_done(MmdAtModem *self, Seq *seq)
{
  registration_changed(self);
  if (!self->urcs)
    poll_registration(self);
  g_task_return_boolean(seq->task, TRUE);
}

static void
poll_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_task_propagate_boolean(G_TASK(result), NULL);
}

static void
add_reg_reads(Seq *seq)
{
  seq_add(seq, "AT+CREG?", 0, 0, TRUE, h_reg_read);
  seq_add(seq, "AT+CGREG?", 0, 0, TRUE, h_reg_read);
  seq_add(seq, "AT+CEREG?", 0, 0, TRUE, h_reg_read);
}

static void
poll_reads_done(MmdAtModem *self, Seq *seq)
{
  registration_changed(self);
  g_task_return_boolean(seq->task, TRUE);
}

static gboolean
on_poll(gpointer user_data)
{
  MmdAtModem *self = user_data;
  Seq *seq;

  if (!self->ch || mmd_at_channel_in_data_mode(self->ch))
    return G_SOURCE_CONTINUE;
  seq = seq_new(self, NULL, poll_done, NULL);
  seq->done = poll_reads_done;
  add_reg_reads(seq);
  seq_next(seq);
  return G_SOURCE_CONTINUE;
}

/* Only for modems without registration URCs. */
static void
poll_registration(MmdAtModem *self)
{
  if (!self->poll_id)
    self->poll_id = g_timeout_add_seconds(10, on_poll, self);
}

static void
radio_off_done(MmdAtModem *self, Seq *seq)
{
  self->enabled = FALSE;
  for (int i = 0; i < N_REG; i++) {
    self->stat[i] = -1;
    self->act[i] = -1;
  }
  g_clear_handle_id(&self->poll_id, g_source_remove);
  g_clear_pointer(&self->op_code, g_free);
  g_clear_pointer(&self->op_name, g_free);
  self->reported = FALSE;
  g_task_return_boolean(seq->task, TRUE);
}

static void
at_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  if (on) {
    seq->done = radio_on_done;
    self->enabled = TRUE;
    self->urcs = FALSE;
    seq_add(seq, "AT+CREG=2", 0, 0, TRUE, h_creg_enable);
    seq_add(seq, "AT+CGREG=2", 0, 0, TRUE, h_reg_enable);
    seq_add(seq, "AT+CEREG=2", 0, 0, TRUE, h_reg_enable);
    seq_add(seq, "AT+C5GREG=2", 0, 0, TRUE, NULL);
    seq_add(seq, "AT+CGEREP=2,1", 0, 0, TRUE, NULL);
    seq_add(seq, "AT+CFUN=1", RADIO_TIMEOUT_MS, 0, FALSE, h_cfun_set);
    add_reg_reads(seq);
  } else {
    seq->done = radio_off_done;
    seq_add(seq, "AT+CFUN=4", RADIO_TIMEOUT_MS, 0, FALSE, h_cfun_set);
  }
  seq_next(seq);
}

static void
at_set_power_state(MmdBackend *backend, MmdModemPowerState state, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq_add(seq, state == MMD_MODEM_POWER_STATE_ON ? "AT+CFUN=1" : "AT+CFUN=4", RADIO_TIMEOUT_MS, 0,
          FALSE, NULL);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Modes (+WS46) */

static void
modes_done(MmdAtModem *self, Seq *seq)
{
  self->ws46_current = GPOINTER_TO_INT(seq->data);
  seq->data = NULL;
  publish_modes(self);
  g_task_return_boolean(seq->task, TRUE);
}

static void
at_set_current_modes(MmdBackend *backend, guint allowed, guint preferred, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  int value = mmd_at_modes_to_ws46(allowed);
  gboolean offered = FALSE;
  g_autofree char *cmd = NULL;
  Seq *seq;

  for (guint i = 0; self->ws46 && i < self->ws46->len; i++)
    offered = offered || g_array_index(self->ws46, int, i) == value;
  if (!offered || preferred != MMD_MODEM_MODE_NONE) {
    fail_now(self,
             g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                         "The modem does not offer these modes (+WS46)%s",
                         preferred != MMD_MODEM_MODE_NONE ? " with a preferred mode" : ""),
             cancellable, callback, user_data);
    return;
  }
  seq = seq_new(self, cancellable, callback, user_data);
  seq->done = modes_done;
  seq->data = GINT_TO_POINTER(value);
  cmd = g_strdup_printf("AT+WS46=%d", value);
  seq_add(seq, cmd, RADIO_TIMEOUT_MS, 0, FALSE, NULL);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Network */

static void
at_register_network(MmdBackend *backend, const char *operator_id, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  g_autofree char *cmd = NULL;
  Seq *seq;

  if (operator_id && *operator_id) {
    GError *error = NULL;
    g_autofree char *q = mmd_at_quote(operator_id, "operator-id", &error);

    if (!q) {
      fail_now(self, error, cancellable, callback, user_data);
      return;
    }
    cmd = g_strdup_printf("AT+COPS=1,2,%s", q);
  } else {
    cmd = g_strdup("AT+COPS=0");
  }
  seq = seq_new(self, cancellable, callback, user_data);
  seq_add(seq, cmd, NETWORK_TIMEOUT_MS, 0, FALSE, NULL);
  seq_next(seq);
}

static gboolean
h_scan(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  GVariantBuilder b;

  if (!require_ok(cmd_error, error))
    return FALSE;
  ops = mmd_at_parse_cops_test(response, error);
  if (!ops)
    return FALSE;
  g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
  for (guint i = 0; i < ops->len; i++) {
    MmdAtOperator *op = g_ptr_array_index(ops, i);

    mmd_scan_result_add(&b, op->status, op->long_name, op->short_name, op->code,
                        mmd_at_act_to_access_technology(op->act));
  }
  seq->data = g_variant_ref_sink(g_variant_builder_end(&b));
  seq->data_free = (GDestroyNotify)g_variant_unref;
  return TRUE;
}

static void
scan_done(MmdAtModem *self, Seq *seq)
{
  g_task_return_pointer(seq->task, g_steal_pointer(&seq->data), (GDestroyNotify)g_variant_unref);
  seq->data_free = NULL;
}

static void
at_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
        gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq->done = scan_done;
  seq_add(seq, "AT+COPS=?", NETWORK_TIMEOUT_MS, 0, FALSE, h_scan);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Signal */

static gboolean
h_csq(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  int rssi, ber;

  if (!require_ok(cmd_error, error) || !mmd_at_parse_csq(response, &rssi, &ber, error))
    return FALSE;
  mmd_modem_set_signal_quality(modem_of(self), mmd_signal_percent_from_csq(rssi));
  if (rssi != 99) {
    GVariantDict d;
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "rssi", "d", -113.0 + 2 * rssi);
    seq->data = g_variant_ref_sink(g_variant_dict_end(&d));
    seq->data_free = (GDestroyNotify)g_variant_unref;
  }
  return TRUE;
}

static GVariant *
values(const char *k1, double v1, const char *k2, double v2)
{
  GVariantDict d;
  gboolean any = FALSE;

  g_variant_dict_init(&d, NULL);
  if (k1 && !isnan(v1)) {
    g_variant_dict_insert(&d, k1, "d", v1);
    any = TRUE;
  }
  if (k2 && !isnan(v2)) {
    g_variant_dict_insert(&d, k2, "d", v2);
    any = TRUE;
  }
  if (!any) {
    g_variant_dict_clear(&d);
    return NULL;
  }
  return g_variant_dict_end(&d);
}

static gboolean
h_cesq(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdModem *modem = modem_of(self);
  MmdAtSignal s;

  if (cmd_error || !mmd_at_parse_cesq(response, &s, NULL)) {
    /* +CSQ is all we have: the GSM value */
    if (seq->data)
      mmd_modem_set_signal_values(modem, "gsm", g_variant_ref(seq->data));
    return TRUE;
  }
  mmd_modem_set_signal_values(modem, "gsm", values("rssi", s.rssi, NULL, NAN));
  mmd_modem_set_signal_values(modem, "umts", values("rscp", s.rscp, "ecio", s.ecio));
  mmd_modem_set_signal_values(modem, "lte", values("rsrp", s.rsrp, "rsrq", s.rsrq));
  mmd_modem_set_signal_values(modem, "nr5g", values("rsrp", s.nr_rsrp, "rsrq", s.nr_rsrq));
  return TRUE;
}

static void
quality_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_task_propagate_boolean(G_TASK(result), NULL);
}

/* Registered: the signal is known now (modems answer 99 while searching). */
static void
refresh_quality(MmdAtModem *self)
{
  Seq *seq;

  if (!self->ch || mmd_at_channel_in_data_mode(self->ch))
    return;
  seq = seq_new(self, NULL, quality_done, NULL);
  seq_add(seq, "AT+CSQ", 0, 0, FALSE, h_csq);
  seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  seq_next(seq);
}

static void
at_refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  /* a single port in data mode cannot be asked: keep the last values */
  if (self->ch && mmd_at_channel_in_data_mode(self->ch)) {
    seq_finish(seq);
    return;
  }
  seq_add(seq, "AT+CSQ", 0, 0, FALSE, h_csq);
  seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
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

  if (!require_ok(cmd_error, error))
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

  if (!require_ok(cmd_error, error))
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

static void
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
    fail_now(self, error, cancellable, callback, user_data);
    return;
  }
  if (self->bearer) {
    fail_now(self,
             g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY, "A data session is already up"),
             cancellable, callback, user_data);
    return;
  }
  self->hanging_up = FALSE;
  seq = seq_new(self, cancellable, callback, user_data);
  seq->data = g_object_ref(bearer);
  seq->data_free = g_object_unref;
  cmd = g_strdup_printf("AT+CGDCONT=%d,\"%s\",%s", PPP_CID, pdp_type(s->ip_type), apn);
  seq_add(seq, cmd, 0, 0, FALSE, NULL);
  if (s->user && *s->user) {
    g_autofree char *user = mmd_at_quote(s->user, "user", &error);
    g_autofree char *pass
        = user ? mmd_at_quote(s->password ? s->password : "", "password", &error) : NULL;
    guint auth = (s->allowed_auth & MMD_BEARER_ALLOWED_AUTH_CHAP) ? 2 : 1;

    if (!pass) {
      seq_fail(seq, error);
      return;
    }
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGAUTH=%d,%u,%s,%s", PPP_CID, auth, user, pass);
    seq_add(seq, cmd, 0, MMD_AT_COMMAND_SECRET, TRUE, NULL);
  }
  net = mmd_modem_find_port(modem_of(self), MMD_MODEM_PORT_TYPE_NET);
  g_free(self->net_name);
  self->net_name = net ? g_strdup(net->name) : NULL;
  if (self->net_name && self->has_cgcontrdp) {
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGACT=1,%d", PPP_CID);
    seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, NULL);
    g_free(cmd);
    cmd = g_strdup_printf("AT+CGCONTRDP=%d", PPP_CID);
    seq_add(seq, cmd, 0, 0, FALSE, h_contrdp);
  } else {
    g_free(cmd);
    cmd = g_strdup_printf("ATD*99***%d#", PPP_CID);
    seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, h_dialed);
  }
  seq_next(seq);
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
    seq_add_next(seq, "+++", 3 * ESCAPE_GUARD_MS, MMD_AT_COMMAND_RAW | MMD_AT_COMMAND_IN_DATA_MODE,
                 TRUE, h_escaped);
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

static void
at_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq->data = g_object_ref(bearer);
  seq->data_free = g_object_unref;
  seq->done = disconnect_done;
  if (self->bearer != bearer) {
    seq_finish(seq);
    return;
  }
  if (self->bearer_on_net) {
    g_autofree char *cmd = g_strdup_printf("AT+CGACT=0,%d", PPP_CID);
    seq_add(seq, cmd, DIAL_TIMEOUT_MS, 0, FALSE, NULL);
  } else {
    self->hanging_up = TRUE;
    if (self->ch && mmd_at_channel_in_data_mode(self->ch)) {
      seq_add_call(seq, h_dtr_drop);
      seq_add_call(seq, h_escape_if_needed);
    }
    seq_add(seq, "ATH", 10000, 0, TRUE, NULL);
  }
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Raw command */

static void
command_done(MmdAtModem *self, Seq *seq)
{
  g_task_return_pointer(seq->task, g_steal_pointer(&seq->data), g_free);
  seq->data_free = NULL;
}

static gboolean
h_command(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!require_ok(cmd_error, error))
    return FALSE;
  seq->data = g_strdup(response ? response : "");
  seq->data_free = g_free;
  return TRUE;
}

static void
at_command(MmdBackend *backend, const char *cmd, guint timeout_s, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq->done = command_done;
  seq_add(seq, cmd, (timeout_s ? timeout_s : 5) * 1000, MMD_AT_COMMAND_SECRET, FALSE, h_command);
  seq_next(seq);
}

static void
at_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = seq_new(self, cancellable, callback, user_data);

  seq_add(seq, "AT+CFUN=1,1", RADIO_TIMEOUT_MS, 0, FALSE, NULL);
  seq_next(seq);
}

/* ------------------------------------------------------------------------- */
/* Lifetime */

static void
at_shutdown(MmdBackend *backend)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);

  self->shut_down = TRUE;
  g_clear_handle_id(&self->poll_id, g_source_remove);
  if (self->ch)
    mmd_at_channel_close(self->ch);
  g_clear_object(&self->bearer);
}

static void
mmd_at_modem_finalize(GObject *object)
{
  MmdAtModem *self = MMD_AT_MODEM(object);

  self->shut_down = TRUE;
  g_clear_handle_id(&self->poll_id, g_source_remove);
  g_clear_pointer(&self->ch, mmd_at_channel_unref);
  g_clear_object(&self->bearer);
  g_ptr_array_unref(self->ports);
  g_free(self->manufacturer);
  g_free(self->model);
  g_free(self->revision);
  g_free(self->imei);
  g_free(self->iccid);
  g_free(self->imsi);
  g_free(self->spn);
  g_strfreev(self->numbers);
  g_free(self->op_code);
  g_free(self->op_name);
  g_clear_pointer(&self->ws46, g_array_unref);
  g_free(self->net_name);
  G_OBJECT_CLASS(mmd_at_modem_parent_class)->finalize(object);
}

static void
mmd_at_modem_class_init(MmdAtModemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  MmdBackendClass *backend_class = MMD_BACKEND_CLASS(klass);

  object_class->finalize = mmd_at_modem_finalize;
  backend_class->initialize = at_initialize;
  backend_class->shutdown = at_shutdown;
}

static void
mmd_at_modem_init(MmdAtModem *self)
{
  self->ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  for (int i = 0; i < N_REG; i++) {
    self->stat[i] = -1;
    self->act[i] = -1;
  }
}

static gboolean
at_supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_AT;
}

static MmdBackend *
at_create_backend(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  static const MmdModemOps modem_ops = {
    .set_radio = at_set_radio,
    .set_power_state = at_set_power_state,
    .reset = at_reset,
    .command = at_command,
  };
  static const MmdSimOps sim_ops = {
    .send_pin = at_send_pin,
    .send_puk = at_send_puk,
    .enable_pin = at_enable_pin,
    .change_pin = at_change_pin,
  };
  static const MmdNetworkOps network_ops = {
    .register_network = at_register_network,
    .scan = at_scan,
    .set_current_modes = at_set_current_modes,
  };
  static const MmdSignalOps signal_ops = { .refresh = at_refresh_signal };
  static const MmdBearerOps bearer_ops = { .connect = at_connect, .disconnect = at_disconnect };
  MmdAtModem *self = g_object_new(MMD_TYPE_AT_MODEM, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  mmd_modem_provide_modem(modem, &modem_ops, backend);
  mmd_modem_provide_sim(modem, &sim_ops, backend);
  mmd_modem_provide_network(modem, &network_ops, backend);
  mmd_modem_provide_signal(modem, &signal_ops, backend);
  mmd_modem_provide_bearers(modem, &bearer_ops, backend);

  for (guint i = 0; i < ports->len; i++) {
    MmdPort *port = mmd_port_copy(g_ptr_array_index(ports, i));

    g_ptr_array_add(self->ports, port);
    if (port->type == MMD_MODEM_PORT_TYPE_AT && !self->primary)
      self->primary = port;
  }
  return backend;
}

/* ------------------------------------------------------------------------- */
/* Probing a tty: does it answer "AT" with OK? */

#define PROBE_TRIES 3
#define PROBE_TIMEOUT_MS 800

typedef struct {
  MmdAtChannel *ch;
  guint tries;
} Probe;

static void
probe_free(Probe *p)
{
  if (p->ch) {
    mmd_at_channel_close(p->ch);
    mmd_at_channel_unref(p->ch);
  }
  g_free(p);
}

static void probe_send(GTask *task);

static void
probe_answered(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  g_free(mmd_at_channel_command_finish(p->ch, result, &error));

  if (!error) {
    g_task_return_boolean(task, TRUE);
  } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
             || !mmd_at_channel_is_open(p->ch)) {
    g_task_return_error(task, g_steal_pointer(&error));
  } else if (g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
             && ++p->tries < PROBE_TRIES) {
    probe_send(task);
    return;
  } else if (error->domain == MMD_MOBILE_EQUIPMENT_ERROR) {
    /* ERROR to a bare AT is still an AT port */
    g_task_return_boolean(task, TRUE);
  } else {
    g_task_return_boolean(task, FALSE);
  }
  g_object_unref(task);
}

static void
probe_send(GTask *task)
{
  Probe *p = g_task_get_task_data(task);

  mmd_at_channel_command(p->ch, "AT", PROBE_TIMEOUT_MS, 0, g_task_get_cancellable(task),
                         probe_answered, task);
}

static void
at_probe(const MmdPort *port, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);
  Probe *p = g_new0(Probe, 1);
  GError *error = NULL;

  g_task_set_task_data(task, p, (GDestroyNotify)probe_free);
  p->ch = mmd_at_channel_new(port->name);
  if (!port->path || !mmd_at_channel_open(p->ch, port->path, 115200, MMD_AT_FLOW_NONE, &error)) {
    if (!error)
      error = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED, "No device node");
    g_task_return_error(task, error);
    g_object_unref(task);
    return;
  }
  probe_send(task);
}

extern const MmdPlugin mmd_plugin_at;
const MmdPlugin mmd_plugin_at = {
  .name = "at",
  .priority = 300,
  .supports_port = at_supports_port,
  .create = at_create_backend,
  .probe = at_probe,
};
