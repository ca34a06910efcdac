/* The AT backend object: its port, lifetime, raw commands, reset, and the
 * plugin entry that provides its operations by capability. */
#include "at-modem.h"

G_DEFINE_TYPE(MmdAtModem, mmd_at_modem, MMD_TYPE_BACKEND)

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

gboolean
at_open_port(MmdAtModem *self, GError **error)
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
    g_autofree char *prefix = g_strconcat(at_reg_names[i], ":", NULL);
    mmd_at_channel_add_urc_handler(self->ch, prefix, at_on_registration_urc, self);
  }
  /* before the data session's NO CARRIER: it tells that one too */
  at_voice_watch(self);
  mmd_at_channel_add_urc_handler(self->ch, "NO CARRIER", at_on_no_carrier, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CGEV:", at_on_cgev, self);
  mmd_at_channel_add_urc_handler(self->ch, "+CIEV:", at_on_ciev, self);
  at_time_add_urc_handlers(self);
  return mmd_at_channel_open(self->ch, self->primary->path, 115200, MMD_AT_FLOW_NONE, error);
}

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
  if (!at_require_ok(cmd_error, error))
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
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  seq->done = command_done;
  at_seq_add(seq, cmd, (timeout_s ? timeout_s : 5) * 1000, MMD_AT_COMMAND_SECRET, FALSE, h_command);
  at_seq_next(seq);
}

static void
at_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  at_seq_add(seq, "AT+CFUN=1,1", RADIO_TIMEOUT_MS, 0, FALSE, NULL);
  at_seq_next(seq);
}

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

gboolean
at_supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_AT;
}

MmdBackend *
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
  static const MmdSignalOps signal_ops = {
    .refresh = at_refresh_signal,
    .setup_events = at_setup_signal_events,
  };
  static const MmdLocationOps location_ops = { 0 };
  static const MmdTimeOps time_ops = { .get_network_time = at_get_network_time };
  static const MmdBearerOps bearer_ops = { .connect = at_connect, .disconnect = at_disconnect };
  MmdAtModem *self = g_object_new(MMD_TYPE_AT_MODEM, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  mmd_modem_provide_modem(modem, &modem_ops, backend);
  mmd_modem_provide_sim(modem, &sim_ops, backend);
  mmd_modem_provide_network(modem, &network_ops, backend);
  mmd_modem_provide_signal(modem, &signal_ops, backend);
  mmd_modem_provide_location(modem, &location_ops, backend);
  mmd_modem_provide_time(modem, &time_ops, backend);
  mmd_modem_provide_bearers(modem, &bearer_ops, backend);
  at_sms_provide(self, modem);
  mmd_modem_provide_voice(modem, &at_voice_ops, backend);
  mmd_modem_provide_ussd(modem, &at_ussd_ops, backend);

  for (guint i = 0; i < ports->len; i++) {
    MmdPort *port = mmd_port_copy(g_ptr_array_index(ports, i));

    g_ptr_array_add(self->ports, port);
    if (port->type == MMD_MODEM_PORT_TYPE_AT && !self->primary)
      self->primary = port;
  }
  return backend;
}
