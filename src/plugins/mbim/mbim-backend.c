/* The MBIM backend object: errors, lifetime, and the plugin entry that
 * provides its operations by capability. */
#include "mbim-backend.h"
#include "mbim-plugin.h"

G_DEFINE_TYPE(MmdMbimBackend, mmd_mbim_backend, MMD_TYPE_BACKEND)

/* Looked up at connect time: the net port may join the modem after it was
 * created (hotplug order). */
const char *
mbim_net_interface(MmdMbimBackend *self)
{
  const MmdPort *net = mmd_modem_find_port(modem_of(self), MMD_MODEM_PORT_TYPE_NET);

  return net && net->name ? net->name : self->net_name;
}

static GError *
to_mmd_error(const GError *e)
{
  static const struct {
    guint32 status;
    GQuark (*domain)(void);
    int code;
  } map[] = {
    { MBIM_STATUS_BUSY, mmd_core_error_quark, MMD_CORE_ERROR_RETRY },
    { MBIM_STATUS_SIM_NOT_INSERTED, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED },
    { MBIM_STATUS_BAD_SIM, mmd_mobile_equipment_error_quark, MMD_MOBILE_EQUIPMENT_ERROR_SIM_WRONG },
    { MBIM_STATUS_PIN_REQUIRED, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN },
    { MBIM_STATUS_NOT_REGISTERED, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
    { MBIM_STATUS_PROVIDERS_NOT_FOUND, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
    { MBIM_STATUS_NO_DEVICE_SUPPORT, mmd_core_error_quark, MMD_CORE_ERROR_UNSUPPORTED },
    { MBIM_STATUS_PROVIDER_NOT_VISIBLE, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_NOT_ALLOWED },
    { MBIM_STATUS_PACKET_SERVICE_DETACHED, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_GPRS_SERVICE_NOT_ALLOWED },
    { MBIM_STATUS_MAX_ACTIVATED_CONTEXTS, mmd_core_error_quark, MMD_CORE_ERROR_TOO_MANY },
    { MBIM_STATUS_INVALID_ACCESS_STRING, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_GPRS_SERVICE_OPTION_NOT_SUBSCRIBED },
    { MBIM_STATUS_INVALID_USER_NAME_PWD, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE },
    { MBIM_STATUS_RADIO_POWER_OFF, mmd_core_error_quark, MMD_CORE_ERROR_WRONG_STATE },
    { MBIM_STATUS_INVALID_PARAMETERS, mmd_core_error_quark, MMD_CORE_ERROR_INVALID_ARGS },
    { MBIM_STATUS_OPERATION_NOT_ALLOWED, mmd_mobile_equipment_error_quark,
      MMD_MOBILE_EQUIPMENT_ERROR_NOT_ALLOWED },
  };

  if (e->domain == MBIM_STATUS_ERROR) {
    for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
      if (map[i].status == (guint32)e->code)
        return g_error_new(map[i].domain(), map[i].code, "%s", e->message);
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "%s", e->message);
  }
  if (e->domain == MBIM_PROTOCOL_ERROR)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "MBIM: %s", e->message);
  return mmd_error_normalize(e);
}

void
mbim_return_error(GTask *task, const GError *e)
{
  mmd_task_fail(task, to_mmd_error(e));
}

/* Whether a command mbim_failed (then task has mbim_failed with its error). */
gboolean
mbim_failed(GTask *task, gconstpointer answer, const GError *error)
{
  if (!answer)
    mbim_return_error(task, error);
  return !answer;
}

/* The device that task's commands go to. */
MbimDevice *
mbim_device_of(GTask *task)
{
  return MMD_MBIM_BACKEND(g_task_get_source_object(task))->device;
}

static void
release_device(MmdMbimBackend *self)
{
  for (guint i = 0; i < MAX_SESSIONS; i++) {
    if (self->sessions[i])
      g_object_remove_weak_pointer(G_OBJECT(self->sessions[i]), (gpointer *)&self->sessions[i]);
    self->sessions[i] = NULL;
    g_clear_pointer(&self->links[i], g_free);
  }
  g_cancellable_cancel(self->cancellable);
#ifdef MMD_MBIM_WITH_QMI
  mbim_qmi_stop(self);
#endif
  if (!self->device)
    return;
  g_clear_signal_handler(&self->indication_id, self->device);
  g_clear_signal_handler(&self->gone_id, self->device);
  mbim_device_close(self->device);
  g_clear_object(&self->device);
}

static void
mbim_shutdown(MmdBackend *backend)
{
  mbim_mux_end_sessions(MMD_MBIM_BACKEND(backend));
  /* The daemon stopping is no reason to drop the user's data session. */
  mbim_adopt_save_session(MMD_MBIM_BACKEND(backend));
  release_device(MMD_MBIM_BACKEND(backend));
}

static void
mmd_mbim_backend_finalize(GObject *object)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(object);

  release_device(self);
  g_clear_object(&self->cancellable);
  g_free(self->control_path);
  g_free(self->iccid);
  g_free(self->imsi);
  g_free(self->net_name);
  g_free(self->serving_plmn);
  G_OBJECT_CLASS(mmd_mbim_backend_parent_class)->finalize(object);
}

static void
mmd_mbim_backend_class_init(MmdMbimBackendClass *klass)
{
  MmdBackendClass *bc = MMD_BACKEND_CLASS(klass);

  G_OBJECT_CLASS(klass)->finalize = mmd_mbim_backend_finalize;
  bc->initialize = mbim_initialize;
  bc->shutdown = mbim_shutdown;
}

static const MmdModemOps mbim_modem_ops = {
  .set_radio = mbim_set_radio,
};

static const MmdSimOps mbim_sim_ops = {
  .send_pin = mbim_send_pin,
  .send_puk = mbim_send_puk,
  .enable_pin = mbim_enable_pin,
  .change_pin = mbim_change_pin,
};

static const MmdNetworkOps mbim_network_ops = {
  .register_network = mbim_register_network,
  .scan = mbim_scan,
  .set_current_modes = mbim_set_current_modes,
#ifdef MMD_MBIM_WITH_QMI
  .set_current_bands = mbim_set_current_bands,
#endif
};

static const MmdSignalOps mbim_signal_ops = {
  .refresh = mbim_refresh_signal,
  .setup_events = mbim_setup_signal_events,
};

static const MmdLocationOps mbim_location_ops = { 0 };

static const MmdTimeOps mbim_time_ops = {
  .get_network_time = mbim_get_network_time,
};

static const MmdBearerOps mbim_bearer_ops = {
  .connect = mbim_connect,
  .disconnect = mbim_disconnect,
};

static void
mmd_mbim_backend_init(MmdMbimBackend *self)
{
  self->cancellable = g_cancellable_new();
}

static gboolean
mbim_supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_MBIM;
}

MmdBackend *
mmd_mbim_backend_new(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  MmdMbimBackend *self = g_object_new(MMD_TYPE_MBIM_BACKEND, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  mmd_modem_provide_modem(modem, &mbim_modem_ops, backend);
  mmd_modem_provide_sim(modem, &mbim_sim_ops, backend);
  mmd_modem_provide_network(modem, &mbim_network_ops, backend);
  mmd_modem_provide_signal(modem, &mbim_signal_ops, backend);
  mmd_modem_provide_location(modem, &mbim_location_ops, backend);
  mmd_modem_provide_time(modem, &mbim_time_ops, backend);
  mmd_modem_provide_bearers(modem, &mbim_bearer_ops, backend);
  mmd_modem_provide_messaging(modem, &mbim_messaging_ops, backend);
  /* USSD only: MBIM has no voice calls */
  mmd_modem_provide_ussd(modem, &mbim_ussd_ops, backend);
  mbim_log_set_policy(mmd_log_debug_enabled, mmd_log_personal_info());

  for (guint i = 0; i < ports->len; i++) {
    const MmdPort *p = ports->pdata[i];

    if (p->type == MMD_MODEM_PORT_TYPE_MBIM && !self->control_path)
      self->control_path = g_strdup(p->path ? p->path : p->name);
    else if (p->type == MMD_MODEM_PORT_TYPE_NET && !self->net_name)
      self->net_name = g_strdup(p->name);
  }
  if (!self->net_name)
    self->net_name = g_strdup("wwan0");
  return backend;
}

const MmdPlugin mmd_plugin_mbim = {
  .name = "mbim",
  .priority = 200,
  .supports_port = mbim_supports_port,
  .create = mmd_mbim_backend_new,
};
