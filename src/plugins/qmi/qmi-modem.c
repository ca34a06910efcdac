/* The QMI plugin: backend object, plugin entry points, initialization. */
#include "qmi-modem.h"

#include "mmd-errors.h"
#include "qmi-plugin.h"

G_DEFINE_TYPE(MmdQmiBackend, mmd_qmi_backend, MMD_TYPE_BACKEND)

MmdModem *
qmi_backend_modem(MmdQmiBackend *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}

GTask *
qmi_backend_task(MmdQmiBackend *self, QmiClient *needed, const char *what,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  if (!self->device || !qmi_device_is_open(self->device)) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                            "%s: the QMI port is not open", what);
    g_object_unref(task);
    return NULL;
  }
  if (!needed) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "%s: the modem lacks the QMI service for it", what);
    g_object_unref(task);
    return NULL;
  }
  return task;
}

/* ---- initialization ---------------------------------------------------- */

typedef enum {
  INIT_OPEN,
  INIT_ALLOC_DMS,
  INIT_ALLOC_NAS,
  INIT_ALLOC_WDS,
  INIT_ALLOC_WDS6,
  INIT_ALLOC_UIM,
  INIT_MANUFACTURER,
  INIT_MODEL,
  INIT_REVISION,
  INIT_HARDWARE_REVISION,
  INIT_IDS,
  INIT_CAPABILITIES,
  INIT_BANDS,
  INIT_OPERATING_MODE,
  INIT_MODES,
  INIT_SIM,
  INIT_ADOPT,
  INIT_DONE,
} InitStep;

typedef struct {
  InitStep step;
  char *manufacturer;
  char *model;
  char *revision;
  char *hardware_revision;
} InitContext;

static void
init_context_free(InitContext *ctx)
{
  g_free(ctx->manufacturer);
  g_free(ctx->model);
  g_free(ctx->revision);
  g_free(ctx->hardware_revision);
  g_free(ctx);
}

static void init_step(GTask *task);

static void
init_next(GTask *task)
{
  InitContext *ctx = g_task_get_task_data(task);
  ctx->step++;
  init_step(task);
}

static void
on_device_gone(QmiDevice *device, const char *why, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  MmdModem *modem = qmi_backend_modem(self);
  g_message("[%s] QMI port gone: %s", qmi_device_get_name(device), why);
  if (modem)
    mmd_modem_report_gone(modem, why);
}

static void
open_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  if (!qmi_device_open_finish(self->device, res, &error)) {
    g_prefix_error(&error, "Opening %s: ", self->control_path);
    mmd_task_fail(task, error);
    return;
  }
  init_next(task);
}

static void
alloc_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  InitContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiClient *client = qmi_device_allocate_client_finish(self->device, res, &error);

  switch (ctx->step) {
    case INIT_ALLOC_DMS:
      self->dms = client;
      break;
    case INIT_ALLOC_NAS:
      self->nas = client;
      break;
    case INIT_ALLOC_WDS:
      self->wds = client;
      break;
    case INIT_ALLOC_WDS6:
      self->wds6 = client;
      break;
    case INIT_ALLOC_UIM:
      self->uim = client;
      break;
    default:
      g_assert_not_reached();
  }
  if (!client) {
    if (ctx->step == INIT_ALLOC_DMS || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      mmd_task_fail(task, error);
      return;
    }
    g_message("[%s] %s", self->control_path, error->message);
    g_clear_error(&error);
  }
  init_next(task);
}

static void
string_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  InitContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  if (ctx->step == INIT_MANUFACTURER) {
    QmiDmsGetManufacturerOutput out;
    if (qmi_client_dms_get_manufacturer_finish(self->dms, res, &out, &error))
      ctx->manufacturer = g_strdup(out.manufacturer);
    qmi_output_base_clear(&out.base);
  } else if (ctx->step == INIT_MODEL) {
    QmiDmsGetModelOutput out;
    if (qmi_client_dms_get_model_finish(self->dms, res, &out, &error))
      ctx->model = g_strdup(out.model);
    qmi_output_base_clear(&out.base);
  } else if (ctx->step == INIT_REVISION) {
    QmiDmsGetRevisionOutput out;
    if (qmi_client_dms_get_revision_finish(self->dms, res, &out, &error))
      ctx->revision = g_strdup(out.revision);
    qmi_output_base_clear(&out.base);
  } else {
    /* Optional: older firmware refuses it, and the identity stands without. */
    QmiDmsGetHardwareRevisionOutput out;
    if (qmi_client_dms_get_hardware_revision_finish(self->dms, res, &out, &error))
      ctx->hardware_revision = g_strdup(out.revision);
    qmi_output_base_clear(&out.base);
    mmd_modem_set_identity(qmi_backend_modem(self), ctx->manufacturer, ctx->model, ctx->revision,
                           ctx->hardware_revision);
  }
  if (error)
    g_debug("[%s] %s", self->control_path, error->message);
  init_next(task);
}

static void
ids_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiDmsGetIdsOutput out;

  if (qmi_client_dms_get_ids_finish(self->dms, res, &out, &error)) {
    const char *id = out.imei;
    if (!id || !*id)
      id = out.meid;
    if ((!id || !*id) && out.esn && g_strcmp0(out.esn, "0") != 0)
      id = out.esn;
    if (id && *id)
      mmd_modem_set_equipment_identifier(qmi_backend_modem(self), id);
  } else {
    g_debug("[%s] %s", self->control_path, error->message);
  }
  qmi_output_base_clear(&out.base);
  init_next(task);
}

/* DMS radio interface values */
enum {
  DMS_RI_CDMA = 1,
  DMS_RI_EVDO = 2,
  DMS_RI_GSM = 4,
  DMS_RI_UMTS = 5,
  DMS_RI_LTE = 8,
  DMS_RI_TDS = 9,
  DMS_RI_5GNR = 10
};

static void
report_supported_modes(MmdQmiBackend *self)
{
  static const guint order[]
      = { MMD_MODEM_MODE_2G, MMD_MODEM_MODE_3G, MMD_MODEM_MODE_4G, MMD_MODEM_MODE_5G };
  guint present[4], n = 0;
  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    if (self->supported_modes & order[i])
      present[n++] = order[i];
  GArray *pairs = g_array_new(FALSE, FALSE, sizeof(guint[2]));
  for (guint subset = 1; subset < (1u << n); subset++) {
    guint mask = 0, count = 0;
    for (guint i = 0; i < n; i++)
      if (subset & (1u << i)) {
        mask |= present[i];
        count++;
      }
    guint pair[2] = { mask, MMD_MODEM_MODE_NONE };
    g_array_append_val(pairs, pair);
    for (guint i = 0; count > 1 && i < n; i++) {
      if (subset & (1u << i)) {
        guint p[2] = { mask, present[i] };
        g_array_append_val(pairs, p);
      }
    }
  }
  mmd_modem_set_supported_modes(qmi_backend_modem(self), (const guint(*)[2])pairs->data,
                                pairs->len);
  g_array_unref(pairs);
}

static void
capabilities_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiDmsGetCapabilitiesOutput out;
  guint caps = 0, modes = 0;

  if (qmi_client_dms_get_capabilities_finish(self->dms, res, &out, &error) && out.has_info) {
    for (guint i = 0; i < out.info.n_radio_interfaces; i++) {
      switch (out.info.radio_interfaces[i]) {
        case DMS_RI_CDMA:
        case DMS_RI_EVDO:
          caps |= MMD_MODEM_CAPABILITY_CDMA_EVDO;
          break;
        case DMS_RI_GSM:
          caps |= MMD_MODEM_CAPABILITY_GSM_UMTS;
          modes |= MMD_MODEM_MODE_2G;
          break;
        case DMS_RI_UMTS:
          caps |= MMD_MODEM_CAPABILITY_GSM_UMTS;
          modes |= MMD_MODEM_MODE_3G;
          break;
        case DMS_RI_TDS:
          caps |= MMD_MODEM_CAPABILITY_TDS;
          modes |= MMD_MODEM_MODE_3G;
          break;
        case DMS_RI_LTE:
          caps |= MMD_MODEM_CAPABILITY_LTE;
          modes |= MMD_MODEM_MODE_4G;
          break;
        case DMS_RI_5GNR:
          caps |= MMD_MODEM_CAPABILITY_5GNR;
          modes |= MMD_MODEM_MODE_5G;
          break;
        default:
          break;
      }
    }
  } else if (error) {
    g_debug("[%s] %s", self->control_path, error->message);
  }
  qmi_output_base_clear(&out.base);
  if (!caps) {
    /* nothing reported: assume a 3GPP LTE modem */
    caps = MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE;
    modes = MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G;
  }
  MmdModem *modem = qmi_backend_modem(self);
  self->supported_modes = modes;
  mmd_modem_set_capabilities(modem, caps, caps);
  qmi_multiplex_report_limits(self);
  mmd_modem_set_supported_ip_families(modem, MMD_BEARER_IP_FAMILY_IPV4 | MMD_BEARER_IP_FAMILY_IPV6
                                                 | MMD_BEARER_IP_FAMILY_IPV4V6);
  report_supported_modes(self);
  mmd_modem_set_current_modes(modem, modes, MMD_MODEM_MODE_NONE);
  init_next(task);
}

static void
bands_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiDmsGetBandCapabilitiesOutput out;

  if (qmi_client_dms_get_band_capabilities_finish(self->dms, res, &out, &error))
    qmi_bands_report_supported(self, &out);
  else
    g_debug("[%s] %s", self->control_path, error->message);
  qmi_output_base_clear(&out.base);
  init_next(task);
}

static void
operating_mode_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiDmsGetOperatingModeOutput out;

  if (qmi_client_dms_get_operating_mode_finish(self->dms, res, &out, &error) && out.has_mode) {
    self->online = out.mode == 0;
    mmd_modem_set_power_state(qmi_backend_modem(self),
                              self->online ? MMD_MODEM_POWER_STATE_ON : MMD_MODEM_POWER_STATE_LOW);
  }
  qmi_output_base_clear(&out.base);
  init_next(task);
}

static void
sub_step_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  init_next(task);
}

static void
init_step(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  InitContext *ctx = g_task_get_task_data(task);
  GCancellable *c = g_task_get_cancellable(task);

  if (g_task_return_error_if_cancelled(task)) {
    g_object_unref(task);
    return;
  }
  switch (ctx->step) {
    case INIT_OPEN:
      /* CTL Sync would end a session the previous run left up */
      if (self->saved)
        qmi_device_open_keeping_clients(self->device, QMI_TIMEOUT_OPEN, c, open_ready, task);
      else
        qmi_device_open(self->device, QMI_TIMEOUT_OPEN, c, open_ready, task);
      return;
    case INIT_ALLOC_DMS:
      qmi_device_allocate_client(self->device, QMI_SERVICE_DMS, QMI_TIMEOUT, c, alloc_ready, task);
      return;
    case INIT_ALLOC_NAS:
      qmi_device_allocate_client(self->device, QMI_SERVICE_NAS, QMI_TIMEOUT, c, alloc_ready, task);
      return;
    case INIT_ALLOC_WDS:
      qmi_device_allocate_client(self->device, QMI_SERVICE_WDS, QMI_TIMEOUT, c, alloc_ready, task);
      return;
    case INIT_ALLOC_WDS6:
      if (!self->wds) {
        init_next(task);
        return;
      }
      qmi_device_allocate_client(self->device, QMI_SERVICE_WDS, QMI_TIMEOUT, c, alloc_ready, task);
      return;
    case INIT_ALLOC_UIM:
      qmi_device_allocate_client(self->device, QMI_SERVICE_UIM, QMI_TIMEOUT, c, alloc_ready, task);
      return;
    case INIT_MANUFACTURER:
      qmi_client_dms_get_manufacturer(self->dms, QMI_TIMEOUT, c, string_ready, task);
      return;
    case INIT_MODEL:
      qmi_client_dms_get_model(self->dms, QMI_TIMEOUT, c, string_ready, task);
      return;
    case INIT_REVISION:
      qmi_client_dms_get_revision(self->dms, QMI_TIMEOUT, c, string_ready, task);
      return;
    case INIT_HARDWARE_REVISION:
      qmi_client_dms_get_hardware_revision(self->dms, QMI_TIMEOUT, c, string_ready, task);
      return;
    case INIT_IDS:
      qmi_client_dms_get_ids(self->dms, QMI_TIMEOUT, c, ids_ready, task);
      return;
    case INIT_CAPABILITIES:
      qmi_client_dms_get_capabilities(self->dms, QMI_TIMEOUT, c, capabilities_ready, task);
      return;
    case INIT_BANDS:
      qmi_client_dms_get_band_capabilities(self->dms, QMI_TIMEOUT, c, bands_ready, task);
      return;
    case INIT_OPERATING_MODE:
      qmi_client_dms_get_operating_mode(self->dms, QMI_TIMEOUT, c, operating_mode_ready, task);
      return;
    case INIT_MODES:
      qmi_net_setup(self);
      qmi_data_setup(self);
      qmi_voice_setup(self);
      qmi_wms_setup(self);
      qmi_location_setup(self);
      qmi_gps_setup(self);
      qmi_time_setup(self);
      qmi_net_load_modes(self, g_task_new(self, c, sub_step_ready, task));
      return;
    case INIT_SIM:
      qmi_sim_load(self, g_task_new(self, c, sub_step_ready, task));
      return;
    case INIT_ADOPT:
      qmi_adopt_session(self, g_task_new(self, c, sub_step_ready, task));
      return;
    case INIT_DONE:
    default:
      qmi_voice_when_set_up(self, task);
      return;
  }
}

static void
qmi_backend_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  g_task_set_task_data(task, g_new0(InitContext, 1), (GDestroyNotify)init_context_free);
  if (!self->control_path) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "No QMI port");
    g_object_unref(task);
    return;
  }
  if (!self->device) {
    self->saved = mmd_runtime_state_load("qmi", self->control_path);
    self->device = qmi_device_new_for_path(self->control_path);
    self->gone_id = g_signal_connect(self->device, "gone", G_CALLBACK(on_device_gone), self);
  }
  init_step(task);
}

/* ---- lifetime ---------------------------------------------------------- */

static void
qmi_backend_shutdown(MmdBackend *backend)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  g_cancellable_cancel(self->cancellable);
  /* The daemon stopping is no reason to drop the user's data session. */
  qmi_adopt_save_session(self);
  qmi_multiplex_end_sessions(self);
  qmi_voice_shutdown(self);
  if (self->device) {
    g_clear_signal_handler(&self->gone_id, self->device);
    qmi_device_close(self->device);
  }
  self->dms = self->nas = self->wds = self->wds6 = self->uim = self->wda = self->loc = NULL;
}

static void
mmd_qmi_backend_dispose(GObject *object)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(object);
  qmi_backend_shutdown(MMD_BACKEND(self));
  g_clear_object(&self->device);
  if (self->bearer)
    g_object_remove_weak_pointer(G_OBJECT(self->bearer), (gpointer *)&self->bearer);
  self->bearer = NULL;
  G_OBJECT_CLASS(mmd_qmi_backend_parent_class)->dispose(object);
}

static void
mmd_qmi_backend_finalize(GObject *object)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(object);
  g_free(self->control_path);
  g_free(self->net_iface);
  g_free(self->iccid);
  g_free(self->imsi);
  qmi_nr5g_clear(self);
  g_ptr_array_unref(self->multiplex_sessions);
  g_clear_pointer(&self->saved, g_key_file_unref);
  g_free(self->network_time);
  g_object_unref(self->cancellable);
  G_OBJECT_CLASS(mmd_qmi_backend_parent_class)->finalize(object);
}

static void
mmd_qmi_backend_init(MmdQmiBackend *self)
{
  self->cancellable = g_cancellable_new();
  self->multiplex_sessions = g_ptr_array_new();
}

static void
mmd_qmi_backend_class_init(MmdQmiBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  MmdBackendClass *backend_class = MMD_BACKEND_CLASS(klass);

  object_class->dispose = mmd_qmi_backend_dispose;
  object_class->finalize = mmd_qmi_backend_finalize;
  backend_class->initialize = qmi_backend_initialize;
  backend_class->shutdown = qmi_backend_shutdown;
}

/* ---- operations, by capability ---------------------------------------- */

static const MmdModemOps qmi_modem_ops = {
  .set_radio = qmi_backend_set_radio,
  .set_power_state = qmi_backend_set_power_state,
  .reset = qmi_backend_reset,
};

static const MmdSimOps qmi_sim_ops = {
  .send_pin = qmi_backend_send_pin,
  .send_puk = qmi_backend_send_puk,
  .enable_pin = qmi_backend_enable_pin,
  .change_pin = qmi_backend_change_pin,
};

static const MmdNetworkOps qmi_network_ops = {
  .register_network = qmi_backend_register_network,
  .scan = qmi_backend_scan,
  .set_current_modes = qmi_backend_set_current_modes,
  .set_current_bands = qmi_backend_set_current_bands,
  .get_cell_info = qmi_backend_get_cell_info,
};

static const MmdSignalOps qmi_signal_ops = {
  .refresh = qmi_backend_refresh_signal,
  .setup_events = qmi_backend_setup_signal_events,
};

static const MmdLocationOps qmi_location_ops = {
  .setup_gps = qmi_backend_setup_gps,
};

static const MmdTimeOps qmi_time_ops = {
  .get_network_time = qmi_backend_get_network_time,
};

static const MmdBearerOps qmi_bearer_ops = {
  .connect = qmi_backend_connect,
  .disconnect = qmi_backend_disconnect,
};

/* ---- plugin ------------------------------------------------------------ */

static gboolean
supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_QMI;
}

MmdBackend *
mmd_qmi_backend_new(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  MmdQmiBackend *self = g_object_new(MMD_TYPE_QMI_BACKEND, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  mmd_modem_provide_modem(modem, &qmi_modem_ops, backend);
  mmd_modem_provide_sim(modem, &qmi_sim_ops, backend);
  mmd_modem_provide_network(modem, &qmi_network_ops, backend);
  mmd_modem_provide_signal(modem, &qmi_signal_ops, backend);
  mmd_modem_provide_location(modem, &qmi_location_ops, backend);
  mmd_modem_provide_time(modem, &qmi_time_ops, backend);
  mmd_modem_provide_bearers(modem, &qmi_bearer_ops, backend);
  for (guint i = 0; ports && i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);
    if (port->type == MMD_MODEM_PORT_TYPE_QMI && port->path && !self->control_path)
      self->control_path = g_strdup(port->path);
    else if (port->type == MMD_MODEM_PORT_TYPE_NET && port->name && !self->net_iface)
      self->net_iface = g_strdup(port->name);
  }
  /* a USB modem's usual net port; a QRTR modem has its IPA device or none */
  if (!self->net_iface && self->control_path && !g_str_has_prefix(self->control_path, "qrtr://"))
    self->net_iface = g_strdup("wwan0");
  return backend;
}

const MmdPlugin mmd_plugin_qmi = {
  .name = "qmi",
  .priority = 100,
  .supports_port = supports_port,
  .create = mmd_qmi_backend_new,
};
