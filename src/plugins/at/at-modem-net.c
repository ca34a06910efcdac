/* Registration, radio, modes (+WS46) and network selection over AT: URC
 * driven (+CREG/+CGREG/+CEREG/+C5GREG), polled only without URCs. */
#include "at-modem.h"

#include <string.h>

/* Registration */

const char *const at_reg_names[N_REG] = { "+CREG", "+CGREG", "+CEREG", "+C5GREG" };

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
  at_location_report(self);
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
    at_refresh_quality(self);
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
  seq = at_seq_new(self, NULL, cops_query_done, NULL);
  at_seq_add(seq, "AT+COPS=3,2", 0, 0, TRUE, NULL);
  at_seq_add(seq, "AT+COPS?", 0, 0, TRUE, cops_code_done);
  at_seq_add(seq, "AT+COPS=3,0", 0, 0, TRUE, NULL);
  at_seq_add(seq, "AT+COPS?", 0, 0, TRUE, cops_name_done);
  at_seq_next(seq);
}

static int
reg_domain(const char *line)
{
  for (int i = N_REG - 1; i >= 0; i--) {
    gsize n = strlen(at_reg_names[i]);
    if (g_ascii_strncasecmp(line, at_reg_names[i], n) == 0 && line[n] == ':')
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
  at_location_update(self, d, &reg);
  return TRUE;
}

void
at_on_registration_urc(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;

  if (update_domain(self, line))
    registration_changed(self);
}

/* Radio */

static gboolean
h_cfun_set(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  return at_require_ok(cmd_error, error);
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
    at_seq_add_next(seq, "AT+CREG=1", 0, 0, TRUE, h_reg_enable);
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
  at_seq_add(seq, "AT+CREG?", 0, 0, TRUE, h_reg_read);
  at_seq_add(seq, "AT+CGREG?", 0, 0, TRUE, h_reg_read);
  at_seq_add(seq, "AT+CEREG?", 0, 0, TRUE, h_reg_read);
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
  seq = at_seq_new(self, NULL, poll_done, NULL);
  seq->done = poll_reads_done;
  add_reg_reads(seq);
  at_seq_next(seq);
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

void
at_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  if (on) {
    seq->done = radio_on_done;
    self->enabled = TRUE;
    self->urcs = FALSE;
    at_seq_add(seq, "AT+CREG=2", 0, 0, TRUE, h_creg_enable);
    at_seq_add(seq, "AT+CGREG=2", 0, 0, TRUE, h_reg_enable);
    at_seq_add(seq, "AT+CEREG=2", 0, 0, TRUE, h_reg_enable);
    at_seq_add(seq, "AT+C5GREG=2", 0, 0, TRUE, NULL);
    at_seq_add(seq, "AT+CGEREP=2,1", 0, 0, TRUE, NULL);
    at_seq_add(seq, "AT+CFUN=1", RADIO_TIMEOUT_MS, 0, FALSE, h_cfun_set);
    add_reg_reads(seq);
  } else {
    seq->done = radio_off_done;
    at_seq_add(seq, "AT+CFUN=4", RADIO_TIMEOUT_MS, 0, FALSE, h_cfun_set);
  }
  at_seq_next(seq);
}

void
at_set_power_state(MmdBackend *backend, MmdModemPowerState state, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  at_seq_add(seq, state == MMD_MODEM_POWER_STATE_ON ? "AT+CFUN=1" : "AT+CFUN=4", RADIO_TIMEOUT_MS,
             0, FALSE, NULL);
  at_seq_next(seq);
}

/* Modes (+WS46) */

static void
modes_done(MmdAtModem *self, Seq *seq)
{
  self->ws46_current = GPOINTER_TO_INT(seq->data);
  seq->data = NULL;
  at_publish_modes(self);
  g_task_return_boolean(seq->task, TRUE);
}

void
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
    at_fail_now(self,
                g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "The modem does not offer these modes (+WS46)%s",
                            preferred != MMD_MODEM_MODE_NONE ? " with a preferred mode" : ""),
                cancellable, callback, user_data);
    return;
  }
  seq = at_seq_new(self, cancellable, callback, user_data);
  seq->done = modes_done;
  seq->data = GINT_TO_POINTER(value);
  cmd = g_strdup_printf("AT+WS46=%d", value);
  at_seq_add(seq, cmd, RADIO_TIMEOUT_MS, 0, FALSE, NULL);
  at_seq_next(seq);
}

/* Network */

void
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
      at_fail_now(self, error, cancellable, callback, user_data);
      return;
    }
    cmd = g_strdup_printf("AT+COPS=1,2,%s", q);
  } else {
    cmd = g_strdup("AT+COPS=0");
  }
  seq = at_seq_new(self, cancellable, callback, user_data);
  at_seq_add(seq, cmd, NETWORK_TIMEOUT_MS, 0, FALSE, NULL);
  at_seq_next(seq);
}

static gboolean
h_scan(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  GVariantBuilder b;

  if (!at_require_ok(cmd_error, error))
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

void
at_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
        gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  seq->done = scan_done;
  at_seq_add(seq, "AT+COPS=?", NETWORK_TIMEOUT_MS, 0, FALSE, h_scan);
  at_seq_next(seq);
}
