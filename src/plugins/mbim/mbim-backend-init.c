/* Initialization of an MBIM modem and what it reports: device caps, subscriber
 * ready state, identity, modes. */
#include "mbim-backend.h"

static guint
data_class_to_access_tech(guint32 dc)
{
  guint t = 0;

  if (dc & (DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA))
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_5GNR;
  if (dc & (DATA_CLASS_LTE | DATA_CLASS_5G_NSA))
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_LTE;
  if ((dc & (DATA_CLASS_HSDPA | DATA_CLASS_HSUPA)) == (DATA_CLASS_HSDPA | DATA_CLASS_HSUPA))
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_HSPA;
  else if (dc & DATA_CLASS_HSDPA)
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_HSDPA;
  else if (dc & DATA_CLASS_HSUPA)
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_HSUPA;
  else if (dc & DATA_CLASS_UMTS)
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_UMTS;
  if (!t && (dc & DATA_CLASS_EDGE))
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_EDGE;
  if (!t && (dc & DATA_CLASS_GPRS))
    t |= MMD_MODEM_ACCESS_TECHNOLOGY_GPRS;
  return t;
}

void
mbim_report_registration(MmdMbimBackend *self, const MbimRegistrationStateInfo *f,
                         const guint8 *buf, gsize len)
{
  static const MmdModem3gppRegistrationState states[] = {
    MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN,   /* unknown */
    MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE,      /* deregistered */
    MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING, /* searching */
    MMD_MODEM_3GPP_REGISTRATION_STATE_HOME,      /* home */
    MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING,   /* roaming */
    MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING,   /* partner */
    MMD_MODEM_3GPP_REGISTRATION_STATE_DENIED,    /* denied */
  };
  guint32 rs = f->register_state;
  MmdModem3gppRegistrationState st
      = rs < G_N_ELEMENTS(states) ? states[rs] : MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN;

  mbim_modes_report_current(self, mbim_ex_preferred_data_classes(self, buf, len));
  if (!self->radio_on)
    return;
  self->access_tech = data_class_to_access_tech(f->available_data_classes);
  mmd_modem_set_registration(modem_of(self), st, f->provider_id, f->provider_name,
                             self->access_tech);
  mbim_location_registration(self, f);
}

void
mbim_report_signal(MmdMbimBackend *self, const MbimSignalStateInfo *f)
{
  guint32 rssi = f->rssi;
  const char *tech = "gsm";
  GVariantDict d;

  mmd_modem_set_signal_quality(modem_of(self), mmd_signal_percent_from_csq((int)MIN(rssi, 99u)));
  if (rssi > 31)
    return;
  if (self->access_tech & MMD_MODEM_ACCESS_TECHNOLOGY_5GNR)
    tech = "nr5g";
  else if (self->access_tech & MMD_MODEM_ACCESS_TECHNOLOGY_LTE)
    tech = "lte";
  else if (self->access_tech >= MMD_MODEM_ACCESS_TECHNOLOGY_UMTS)
    tech = "umts";
  g_variant_dict_init(&d, NULL);
  g_variant_dict_insert(&d, "rssi", "d", -113.0 + 2.0 * rssi);
  mmd_modem_set_signal_values(modem_of(self), tech, g_variant_dict_end(&d));
}

void
mbim_report_sim(MmdMbimBackend *self, const MbimSubscriberReadyInfo *f)
{
  if (f->ready_state == READY_SIM_NOT_INSERTED) {
    mmd_modem_set_sim_missing(modem_of(self));
    return;
  }
  if (*f->sim_icc_id || *f->subscriber_id) {
    g_free(self->iccid);
    g_free(self->imsi);
    self->iccid = g_strdup(f->sim_icc_id);
    self->imsi = g_strdup(f->subscriber_id);
    mmd_modem_set_sim(modem_of(self), self->iccid, self->imsi, NULL, NULL);
  }
}

/* Best effort: the SIM's operator (home provider), then the task succeeds. */
static void
home_provider_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimProvider) p
      = mbim_command_home_provider_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  if (p && *p->provider_id)
    mmd_modem_set_sim(modem_of(self), self->iccid, self->imsi, p->provider_id, p->provider_name);
  mmd_task_succeed(task);
}

void
mbim_query_home_provider(GTask *task)
{
  mbim_command_home_provider_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                   g_task_get_cancellable(task), home_provider_done, task);
}

void
mbim_report_packet_service(MmdMbimBackend *self, const MbimPacketServiceInfo *f)
{
  guint32 ps = f->packet_service_state;

  mmd_modem_set_packet_service_state(modem_of(self),
                                     ps == 2   ? MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED
                                     : ps == 4 ? MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED
                                               : MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN);
}

static void
on_indication(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  MmdMbimBackend *self = user_data;

  switch (n->id) {
    case MBIM_NOTIFICATION_REGISTER_STATE:
      mbim_report_registration(self, n->register_state, n->buf, n->len);
      break;
    case MBIM_NOTIFICATION_SIGNAL_STATE:
      if (self->radio_on) {
        mbim_report_signal(self, n->signal_state);
        mbim_ex_report_signal(self, n->buf, n->len);
      }
      break;
    case MBIM_NOTIFICATION_SUBSCRIBER_READY_STATUS:
      if (n->subscriber_ready_status->ready_state == READY_INITIALIZED)
        mbim_report_sim(self, n->subscriber_ready_status);
      break;
    case MBIM_NOTIFICATION_PACKET_SERVICE:
      mbim_report_packet_service(self, n->packet_service);
      break;
    case MBIM_NOTIFICATION_CONNECT: {
      guint32 sid = n->connect->session_id;

      if (sid < MAX_SESSIONS && self->sessions[sid]
          && n->connect->activation_state == ACTIVATION_DEACTIVATED) {
        MmdBearer *bearer = self->sessions[sid];
        g_autoptr(GError) e = g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                                          "The network deactivated session %u", sid);

        g_object_remove_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->sessions[sid]);
        self->sessions[sid] = NULL;
        mbim_mux_remove_link(self->links[sid]);
        g_clear_pointer(&self->links[sid], g_free);
        mmd_bearer_report_disconnected(bearer, e);
      }
      break;
    }
    case MBIM_NOTIFICATION_USSD_USSD:
      mbim_ussd_notification(self, n->ussd_ussd);
      break;
    default:
#ifdef MMD_MBIM_WITH_QMI
      mbim_qmi_indication(self, n);
#endif
      break;
  }
}

static void
on_gone(MbimDevice *device, const char *why, gpointer user_data)
{
  MmdMbimBackend *self = user_data;

  mmd_modem_report_gone(modem_of(self), why);
}

static void
init_pin_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimPinInfo) f = mbim_command_pin_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  MmdModemLock lock = MMD_MODEM_LOCK_NONE;

  if (mbim_failed(task, f, error))
    return;
  if (f->pin_state == PIN_STATE_LOCKED) {
    switch (f->pin_type) {
      case PIN_TYPE_PIN1:
        lock = MMD_MODEM_LOCK_SIM_PIN;
        break;
      case PIN_TYPE_PUK1:
        lock = MMD_MODEM_LOCK_SIM_PUK;
        break;
      default:
        lock = MMD_MODEM_LOCK_UNKNOWN;
        break;
    }
  }
  mmd_modem_set_unlock_required(modem_of(self), lock);
  if (lock == MMD_MODEM_LOCK_SIM_PIN || lock == MMD_MODEM_LOCK_SIM_PUK) {
    mmd_modem_set_unlock_retries(modem_of(self), lock, f->remaining_attempts);
    mmd_task_succeed(task);
    return;
  }
  mbim_query_home_provider(task);
}

static void
init_ready_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSubscriberReadyInfo) f
      = mbim_command_subscriber_ready_status_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!f && g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_SIM_NOT_INSERTED)) {
    mmd_modem_set_sim_missing(modem_of(self));
    mmd_modem_report_failed(modem_of(self), MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING);
    mmd_task_succeed(task);
    return;
  }
  if (mbim_failed(task, f, error))
    return;
  switch (f->ready_state) {
    case READY_SIM_NOT_INSERTED:
      mmd_modem_set_sim_missing(modem_of(self));
      mmd_modem_report_failed(modem_of(self), MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING);
      break;
    case READY_BAD_SIM:
    case READY_FAILURE:
      mmd_modem_report_failed(modem_of(self), MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR);
      break;
    default:
      mbim_report_sim(self, f);
      /* The PIN state tells a locked SIM apart and gives the retries. */
      mbim_command_pin_query(mbim_device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                             init_pin_done, task);
      return;
  }
  mmd_task_succeed(task);
}

void
mbim_report_device_caps(MmdMbimBackend *self, const MbimDeviceCapsInfo *f)
{
  MmdModem *modem = modem_of(self);
  guint32 dc = f->data_class;
  guint caps = 0;

  if (f->cellular_class & 0x1)
    caps |= MMD_MODEM_CAPABILITY_GSM_UMTS;
  if (dc & (DATA_CLASS_LTE | DATA_CLASS_5G_NSA))
    caps |= MMD_MODEM_CAPABILITY_LTE;
  if (dc & (DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA))
    caps |= MMD_MODEM_CAPABILITY_5GNR;
  mmd_modem_set_capabilities(modem, caps, caps);
  mbim_modes_report_supported(self, dc);
  mmd_modem_set_identity(modem, NULL, f->hardware_info, f->firmware_info, f->hardware_info);
  mmd_modem_set_equipment_identifier(modem, f->device_id);
  mbim_mux_report_limits(self, f->max_sessions);
  mmd_modem_set_supported_ip_families(modem, MMD_BEARER_IP_FAMILY_IPV4 | MMD_BEARER_IP_FAMILY_IPV6
                                                 | MMD_BEARER_IP_FAMILY_IPV4V6);
}

static void
query_subscriber(GTask *task)
{
#ifdef MMD_MBIM_WITH_QMI
  /* in the background: the bands come when QMI in MBIM has answered */
  mbim_qmi_start(MMD_MBIM_BACKEND(g_task_get_source_object(task)));
#endif
  mbim_command_subscriber_ready_status_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                             g_task_get_cancellable(task), init_ready_done, task);
}

static void
init_caps_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimDeviceCapsInfo) f
      = mbim_command_device_caps_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  mbim_report_device_caps(self, f);
  query_subscriber(task);
}

static void
init_caps_v2_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  query_subscriber(task);
}

static void
init_version_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  if (mbim_ex_v2(self))
    mbim_ex_query_device_caps(
        self, g_task_new(self, g_task_get_cancellable(task), init_caps_v2_done, task));
  else
    mbim_command_device_caps_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                   g_task_get_cancellable(task), init_caps_done, task);
}

static void
init_open_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!mbim_device_open_finish(MBIM_DEVICE(source), res, &error)) {
    mbim_return_error(task, error);
    return;
  }
  mbim_ex_negotiate(MMD_MBIM_BACKEND(g_task_get_source_object(task)),
                    g_task_new(g_task_get_source_object(task), g_task_get_cancellable(task),
                               init_version_done, task));
}

/* The modem is known: a session left up by the previous run comes last. */
static void
init_steps_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  mbim_adopt_session(MMD_MBIM_BACKEND(source), task);
}

void
mbim_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, init_steps_done,
                           g_task_new(self, cancellable, callback, user_data));

  if (!self->device) {
    self->device = mbim_device_new(self->control_path);
    self->indication_id
        = g_signal_connect(self->device, "indication", G_CALLBACK(on_indication), self);
    self->gone_id = g_signal_connect(self->device, "gone", G_CALLBACK(on_gone), self);
    mbim_location_attach(self);
    mbim_time_attach(self);
  }
  mbim_device_open(self->device, OPEN_TIMEOUT_S, cancellable, init_open_done, task);
}
