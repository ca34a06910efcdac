/* The MBIM plugin: a backend that drives a modem over its MBIM control port
 * with BASIC_CONNECT, and reports what it learns through the core setters. */
#include <string.h>

#include "mbim-device.h"
#include "mbim-generated.h"
#include "mmd-errors.h"
#include "plugin-api.h"

#define OPEN_TIMEOUT_S 5
#define CMD_TIMEOUT_S 10
#define SCAN_TIMEOUT_S 120
#define CONNECT_TIMEOUT_S 60

/* MBIM values used here (BASIC_CONNECT) */
enum {
  READY_NOT_INITIALIZED = 0,
  READY_INITIALIZED = 1,
  READY_SIM_NOT_INSERTED = 2,
  READY_BAD_SIM = 3,
  READY_FAILURE = 4,
  READY_NOT_ACTIVATED = 5,
  READY_DEVICE_LOCKED = 6
};
enum { PIN_TYPE_NONE = 0, PIN_TYPE_PIN1 = 2, PIN_TYPE_PUK1 = 11 };
enum { PIN_OP_ENTER = 0, PIN_OP_ENABLE = 1, PIN_OP_DISABLE = 2, PIN_OP_CHANGE = 3 };
enum { PIN_STATE_UNLOCKED = 0, PIN_STATE_LOCKED = 1 };
enum { ACTIVATION_ACTIVATED = 1, ACTIVATION_DEACTIVATED = 3 };
enum { PROVIDER_STATE_FORBIDDEN = 0x2, PROVIDER_STATE_REGISTERED = 0x10 };
enum {
  DATA_CLASS_GPRS = 0x1,
  DATA_CLASS_EDGE = 0x2,
  DATA_CLASS_UMTS = 0x4,
  DATA_CLASS_HSDPA = 0x8,
  DATA_CLASS_HSUPA = 0x10,
  DATA_CLASS_LTE = 0x20,
  DATA_CLASS_5G_NSA = 0x40,
  DATA_CLASS_5G_SA = 0x80
};
/* Session ids map to net devices; 0 is the main one. */
#define MAX_SESSIONS 1

#define MMD_TYPE_MBIM_BACKEND (mmd_mbim_backend_get_type())
G_DECLARE_FINAL_TYPE(MmdMbimBackend, mmd_mbim_backend, MMD, MBIM_BACKEND, MmdBackend)

struct _MmdMbimBackend {
  MmdBackend parent;
  char *control_path;
  char *net_name;
  MbimDevice *device;
  gulong indication_id;
  gulong gone_id;
  gboolean radio_on;
  guint access_tech;
  char *iccid;
  char *imsi;
  MmdBearer *sessions[MAX_SESSIONS]; /* weak */
};

G_DEFINE_TYPE(MmdMbimBackend, mmd_mbim_backend, MMD_TYPE_BACKEND)

static MmdModem *
modem_of(MmdMbimBackend *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}

/* Looked up at connect time: the net port may join the modem after it was
 * created (hotplug order). */
static const char *
net_interface(MmdMbimBackend *self)
{
  const MmdPort *net = mmd_modem_find_port(modem_of(self), MMD_MODEM_PORT_TYPE_NET);

  return net && net->name ? net->name : self->net_name;
}

/* ---- errors ---- */

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

static void
return_error(GTask *task, const GError *e)
{
  mmd_task_fail(task, to_mmd_error(e));
}

/* Whether a command failed (then task has failed with its error). */
static gboolean
failed(GTask *task, gconstpointer answer, const GError *error)
{
  if (!answer)
    return_error(task, error);
  return !answer;
}

/* The device that task's commands go to. */
static MbimDevice *
device_of(GTask *task)
{
  return MMD_MBIM_BACKEND(g_task_get_source_object(task))->device;
}

/* ---- reports ---- */

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

static void
report_registration(MmdMbimBackend *self, const MbimRegistrationStateInfo *f)
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

  if (!self->radio_on)
    return;
  self->access_tech = data_class_to_access_tech(f->available_data_classes);
  mmd_modem_set_registration(modem_of(self), st, f->provider_id, f->provider_name,
                             self->access_tech);
}

static void
report_signal(MmdMbimBackend *self, const MbimSignalStateInfo *f)
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

static void
report_sim(MmdMbimBackend *self, const MbimSubscriberReadyInfo *f)
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

static void
query_home_provider(GTask *task)
{
  mbim_command_home_provider_query(device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                   home_provider_done, task);
}

static void
on_indication(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  MmdMbimBackend *self = user_data;

  switch (n->id) {
    case MBIM_NOTIFICATION_REGISTER_STATE:
      report_registration(self, n->register_state);
      break;
    case MBIM_NOTIFICATION_SIGNAL_STATE:
      if (self->radio_on)
        report_signal(self, n->signal_state);
      break;
    case MBIM_NOTIFICATION_SUBSCRIBER_READY_STATUS:
      if (n->subscriber_ready_status->ready_state == READY_INITIALIZED)
        report_sim(self, n->subscriber_ready_status);
      break;
    case MBIM_NOTIFICATION_PACKET_SERVICE: {
      guint32 ps = n->packet_service->packet_service_state;

      mmd_modem_set_packet_service_state(modem_of(self),
                                         ps == 2   ? MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED
                                         : ps == 4 ? MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED
                                                   : MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN);
      break;
    }
    case MBIM_NOTIFICATION_CONNECT: {
      guint32 sid = n->connect->session_id;

      if (sid < MAX_SESSIONS && self->sessions[sid]
          && n->connect->activation_state == ACTIVATION_DEACTIVATED) {
        MmdBearer *bearer = self->sessions[sid];
        g_autoptr(GError) e = g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                                          "The network deactivated session %u", sid);

        g_object_remove_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->sessions[sid]);
        self->sessions[sid] = NULL;
        mmd_bearer_report_disconnected(bearer, e);
      }
      break;
    }
    default:
      break;
  }
}

static void
on_gone(MbimDevice *device, const char *why, gpointer user_data)
{
  MmdMbimBackend *self = user_data;

  mmd_modem_report_gone(modem_of(self), why);
}

/* ---- initialize ---- */

static void
init_pin_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimPinInfo) f = mbim_command_pin_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  MmdModemLock lock = MMD_MODEM_LOCK_NONE;

  if (failed(task, f, error))
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
  query_home_provider(task);
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
  if (failed(task, f, error))
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
      report_sim(self, f);
      /* The PIN state tells a locked SIM apart and gives the retries. */
      mbim_command_pin_query(device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                             init_pin_done, task);
      return;
  }
  mmd_task_succeed(task);
}

/* One combination, as the reference reports an MBIM modem: MBIM 1.0 can
 * neither restrict nor prefer modes, so the data classes are all there is. */
static void
report_modes(MmdModem *modem, guint32 dc)
{
  guint modes[1][2] = { { MMD_MODEM_MODE_NONE, MMD_MODEM_MODE_NONE } };

  if (dc & (DATA_CLASS_GPRS | DATA_CLASS_EDGE))
    modes[0][0] |= MMD_MODEM_MODE_2G;
  if (dc & (DATA_CLASS_UMTS | DATA_CLASS_HSDPA | DATA_CLASS_HSUPA))
    modes[0][0] |= MMD_MODEM_MODE_3G;
  if (dc & DATA_CLASS_LTE)
    modes[0][0] |= MMD_MODEM_MODE_4G;
  if (dc & (DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA))
    modes[0][0] |= MMD_MODEM_MODE_5G;
  mmd_modem_set_supported_modes(modem, (const guint(*)[2])modes, 1);
  mmd_modem_set_current_modes(modem, modes[0][0], MMD_MODEM_MODE_NONE);
}

static void
init_caps_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  MmdModem *modem = modem_of(self);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimDeviceCapsInfo) f
      = mbim_command_device_caps_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  guint32 dc, sessions;
  guint caps = 0;

  if (failed(task, f, error))
    return;
  dc = f->data_class;
  if (f->cellular_class & 0x1)
    caps |= MMD_MODEM_CAPABILITY_GSM_UMTS;
  if (dc & (DATA_CLASS_LTE | DATA_CLASS_5G_NSA))
    caps |= MMD_MODEM_CAPABILITY_LTE;
  if (dc & (DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA))
    caps |= MMD_MODEM_CAPABILITY_5GNR;
  mmd_modem_set_capabilities(modem, caps, caps);
  report_modes(modem, dc);
  mmd_modem_set_identity(modem, NULL, f->hardware_info, f->firmware_info, f->hardware_info);
  mmd_modem_set_equipment_identifier(modem, f->device_id);
  sessions = MAX(1u, MIN(f->max_sessions, (guint32)MAX_SESSIONS));
  mmd_modem_set_max_bearers(modem, sessions, sessions);
  mmd_modem_set_supported_ip_families(modem, MMD_BEARER_IP_FAMILY_IPV4 | MMD_BEARER_IP_FAMILY_IPV6
                                                 | MMD_BEARER_IP_FAMILY_IPV4V6);
  mbim_command_subscriber_ready_status_query(device_of(task), CMD_TIMEOUT_S,
                                             g_task_get_cancellable(task), init_ready_done, task);
}

static void
init_open_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!mbim_device_open_finish(MBIM_DEVICE(source), res, &error)) {
    return_error(task, error);
    return;
  }
  mbim_command_device_caps_query(device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                 init_caps_done, task);
}

static void
mbim_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);

  if (!self->device) {
    self->device = mbim_device_new(self->control_path);
    self->indication_id
        = g_signal_connect(self->device, "indication", G_CALLBACK(on_indication), self);
    self->gone_id = g_signal_connect(self->device, "gone", G_CALLBACK(on_gone), self);
  }
  mbim_device_open(self->device, OPEN_TIMEOUT_S, cancellable, init_open_done, task);
}

/* ---- PIN / PUK ---- */

/* A wrong code: record the retries left (and a PUK lock once the PIN is
 * blocked) from the PIN state f, then fail. */
static void
fail_incorrect_pin(GTask *task, const MbimPinInfo *f)
{
  MmdMbimBackend *self = g_task_get_source_object(task);

  if (f && f->pin_state == PIN_STATE_LOCKED) {
    MmdModemLock lock
        = f->pin_type == PIN_TYPE_PUK1 ? MMD_MODEM_LOCK_SIM_PUK : MMD_MODEM_LOCK_SIM_PIN;

    mmd_modem_set_unlock_retries(modem_of(self), lock, f->remaining_attempts);
    if (lock == MMD_MODEM_LOCK_SIM_PUK)
      mmd_modem_set_unlock_required(modem_of(self), lock);
  }
  g_task_return_new_error(task, MMD_MOBILE_EQUIPMENT_ERROR,
                          MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD, "Incorrect password");
  g_object_unref(task);
}

static void
pin_state_after_failure_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MbimPinInfo) f = mbim_command_pin_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  fail_incorrect_pin(user_data, f);
}

static void
unlocked_ready_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimSubscriberReadyInfo) f
      = mbim_command_subscriber_ready_status_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  if (f)
    report_sim(self, f);
  query_home_provider(task);
}

/* A PIN command failed: a wrong code is a generic failure whose buffer holds
 * the PIN state (retries, PUK needed). */
static void
pin_command_failed(GTask *task, GError *error, const MbimPinInfo *err_fields)
{
  if (g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_FAILURE)
      || g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_PIN_REQUIRED)) {
    if (err_fields && err_fields->pin_type != PIN_TYPE_NONE)
      fail_incorrect_pin(task, err_fields);
    else
      mbim_command_pin_query(device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                             pin_state_after_failure_done, task);
  } else {
    return_error(task, error);
  }
  g_error_free(error);
}

static void
pin_set_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimPinInfo) err_fields = NULL;
  g_autoptr(MbimPinInfo) f
      = mbim_command_pin_set_finish(MBIM_DEVICE(source), res, &err_fields, &error);

  if (!f) {
    pin_command_failed(task, error, err_fields);
    return;
  }
  /* Unlocked: the IMSI is readable now. */
  mbim_command_subscriber_ready_status_query(
      device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task), unlocked_ready_done, task);
}

/* Change or enable/disable the PIN: nothing to read afterwards. */
static void
pin_op_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(MbimPinInfo) err_fields = NULL;
  g_autoptr(MbimPinInfo) f
      = mbim_command_pin_set_finish(MBIM_DEVICE(source), res, &err_fields, &error);

  if (!f) {
    pin_command_failed(task, error, err_fields);
    return;
  }
  mmd_task_succeed(task);
}

/* Runs a PIN operation for task, continuing in next. */
static void
set_pin(GTask *task, guint32 type, guint32 operation, const char *pin, const char *new_pin,
        GAsyncReadyCallback next)
{
  const MbimSetPin in
      = { .pin_type = type, .pin_operation = operation, .pin = pin, .new_pin = new_pin };

  mbim_command_pin_set(device_of(task), &in, CMD_TIMEOUT_S, g_task_get_cancellable(task), next,
                       task);
}

static void
mbim_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, PIN_OP_ENTER, pin, NULL, pin_set_done);
}

static void
mbim_send_puk(MmdBackend *backend, const char *puk, const char *new_pin, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PUK1, PIN_OP_ENTER, puk, new_pin, pin_set_done);
}

static void
mbim_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, enabled ? PIN_OP_ENABLE : PIN_OP_DISABLE, pin, NULL, pin_op_done);
}

static void
mbim_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  set_pin(task, PIN_TYPE_PIN1, PIN_OP_CHANGE, old_pin, new_pin, pin_op_done);
}

/* ---- radio and registration ---- */

static void
radio_register_state_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  /* From here on, registration follows the REGISTER_STATE indications. */
  if (f)
    report_registration(self, f);
  mmd_task_succeed(task);
}

static void
radio_set_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  gboolean on = GPOINTER_TO_INT(g_task_get_task_data(task));
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRadioStateInfo) f
      = mbim_command_radio_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (failed(task, f, error))
    return;
  self->radio_on = on;
  if (!on) {
    mmd_modem_set_power_state(modem_of(self), MMD_MODEM_POWER_STATE_LOW);
    mmd_task_succeed(task);
    return;
  }
  mmd_modem_set_power_state(modem_of(self), MMD_MODEM_POWER_STATE_ON);
  mbim_command_register_state_query(device_of(task), CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                    radio_register_state_done, task);
}

static void
mbim_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  const MbimSetRadioState in = { .radio_state = on ? 1 : 0 };

  g_task_set_task_data(task, GINT_TO_POINTER(on), NULL);
  mbim_command_radio_state_set(device_of(task), &in, CMD_TIMEOUT_S, cancellable, radio_set_done,
                               task);
}

static void
register_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (failed(task, f, error))
    return;
  report_registration(self, f);
  mmd_task_succeed(task);
}

static void
mbim_register_network(MmdBackend *backend, const char *operator_id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  gboolean automatic = !operator_id || !*operator_id;
  const MbimSetRegistrationState in
      = { .provider_id = automatic ? "" : operator_id, .register_action = automatic ? 0 : 1 };

  mbim_command_register_state_set(device_of(task), &in, SCAN_TIMEOUT_S, cancellable, register_done,
                                  task);
}

static void
scan_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimProviders) f
      = mbim_command_visible_providers_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  GVariantBuilder b;

  if (failed(task, f, error))
    return;
  g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
  for (guint32 i = 0; i < f->n_providers; i++) {
    const MbimProvider *p = &f->providers[i];
    MmdModem3gppNetworkAvailability avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_AVAILABLE;

    if (p->provider_state & PROVIDER_STATE_REGISTERED)
      avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT;
    else if (p->provider_state & PROVIDER_STATE_FORBIDDEN)
      avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN;
    /* A visible provider names only its cellular class, not the technology. */
    mmd_scan_result_add(&b, avail, p->provider_name, p->provider_name, p->provider_id,
                        MMD_MODEM_ACCESS_TECHNOLOGY_UNKNOWN);
  }
  g_task_return_pointer(task, g_variant_ref_sink(g_variant_builder_end(&b)),
                        (GDestroyNotify)g_variant_unref);
  g_object_unref(task);
}

static void
mbim_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  const MbimVisibleProvidersReq in = { .action = 0 };

  mbim_command_visible_providers_query(device_of(task), &in, SCAN_TIMEOUT_S, cancellable, scan_done,
                                       task);
}

static void
signal_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSignalStateInfo) f
      = mbim_command_signal_state_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (failed(task, f, error))
    return;
  report_signal(self, f);
  mmd_task_succeed(task);
}

static void
mbim_refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  mbim_command_signal_state_query(device_of(task), CMD_TIMEOUT_S, cancellable, signal_done, task);
}

/* ---- data sessions ---- */

typedef struct {
  MmdBearer *bearer;
  guint32 session;
} ConnectCtx;

static void
connect_ctx_free(ConnectCtx *ctx)
{
  g_clear_object(&ctx->bearer);
  g_free(ctx);
}

/* The text of an address of n bytes, kept in texts (NULL for none). */
static const char *
address_text(GPtrArray *texts, const guint8 *addr, gsize n)
{
  if (!addr)
    return NULL;
  g_ptr_array_add(texts, mbim_ip_to_string(addr, n));
  return g_ptr_array_index(texts, texts->len - 1);
}

/* Static settings of one family: addresses of n bytes, n_dns packed DNS servers. */
static void
fill_ip(MmdIpConfig *ip, GPtrArray *texts, gsize n, const guint8 *address, guint32 prefix,
        const guint8 *gateway, const guint8 *dns, guint32 n_dns, guint32 mtu)
{
  memset(ip, 0, sizeof *ip);
  ip->method = MMD_BEARER_IP_METHOD_STATIC;
  ip->address = address_text(texts, address, n);
  ip->prefix = prefix;
  ip->gateway = address_text(texts, gateway, n);
  for (guint32 i = 0; i < n_dns && i < G_N_ELEMENTS(ip->dns); i++)
    ip->dns[i] = address_text(texts, dns + i * n, n);
  ip->mtu = mtu;
}

static void
ip_config_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimIpConfigurationInfo) f
      = mbim_command_ip_configuration_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
  MmdIpConfig ip4, ip6;
  gboolean have4, have6;

  if (failed(task, f, error))
    return;
  have4 = f->n_ipv4_address > 0;
  have6 = f->n_ipv6_address > 0;
  if (have4)
    fill_ip(
        &ip4, texts, 4, f->ipv4_address[0].ipv4_address.addr,
        f->ipv4_address[0].on_link_prefix_length, f->ipv4_gateway ? f->ipv4_gateway->addr : NULL,
        f->ipv4_dns_server ? f->ipv4_dns_server->addr : NULL, f->n_ipv4_dns_server, f->ipv4_mtu);
  if (have6)
    fill_ip(
        &ip6, texts, 16, f->ipv6_address[0].ipv6_address.addr,
        f->ipv6_address[0].on_link_prefix_length, f->ipv6_gateway ? f->ipv6_gateway->addr : NULL,
        f->ipv6_dns_server ? f->ipv6_dns_server->addr : NULL, f->n_ipv6_dns_server, f->ipv6_mtu);
  if (!have4 && !have6) {
    /* No static settings: the host runs DHCP on the interface. */
    memset(&ip4, 0, sizeof ip4);
    ip4.method = MMD_BEARER_IP_METHOD_DHCP;
    have4 = TRUE;
  }
  self->sessions[ctx->session] = ctx->bearer;
  g_object_add_weak_pointer(G_OBJECT(ctx->bearer), (gpointer *)&self->sessions[ctx->session]);
  mmd_bearer_set_connected(ctx->bearer, net_interface(self), have4 ? &ip4 : NULL,
                           have6 ? &ip6 : NULL);
  mmd_task_succeed(task);
}

static void
connect_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ConnectCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);
  const MbimIpConfigurationInfo query = { .session_id = ctx->session };

  if (failed(task, f, error))
    return;
  if (f->activation_state != ACTIVATION_ACTIVATED) {
    g_task_return_new_error(task, MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
                            "Session %u not activated (state %u, network error %u)", ctx->session,
                            f->activation_state, f->nw_error);
    g_object_unref(task);
    return;
  }
  mbim_command_ip_configuration_query(device_of(task), &query, CMD_TIMEOUT_S,
                                      g_task_get_cancellable(task), ip_config_done, task);
}

static guint32
auth_protocol(guint allowed)
{
  if (allowed & MMD_BEARER_ALLOWED_AUTH_MSCHAPV2)
    return 3;
  if (allowed & MMD_BEARER_ALLOWED_AUTH_CHAP)
    return 2;
  if (allowed & MMD_BEARER_ALLOWED_AUTH_PAP)
    return 1;
  return 0;
}

static guint32
ip_type(guint family)
{
  switch (family) {
    case MMD_BEARER_IP_FAMILY_IPV4:
      return 1;
    case MMD_BEARER_IP_FAMILY_IPV6:
      return 2;
    case MMD_BEARER_IP_FAMILY_IPV4V6:
      return 3;
    default:
      return 0; /* default: the modem chooses */
  }
}

/* Activates (with settings s) or deactivates a session for task, continuing in next. */
static void
set_connect(GTask *task, guint32 session, gboolean activate, const MmdBearerSettings *s,
            guint timeout_s, GAsyncReadyCallback next)
{
  MbimSetConnect in = { .session_id = session, .activation_command = activate ? 1 : 0 };

  memcpy(in.context_type, mbim_uuid_context_internet, sizeof in.context_type);
  if (s) {
    in.access_string = s->apn;
    in.user_name = s->user;
    in.password = s->password;
    in.auth_protocol = auth_protocol(s->allowed_auth);
    in.ip_type = ip_type(s->ip_type);
  }
  mbim_command_connect_set(device_of(task), &in, timeout_s, g_task_get_cancellable(task), next,
                           task);
}

static void
mbim_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  ConnectCtx *ctx = g_new0(ConnectCtx, 1);
  guint32 sid;

  for (sid = 0; sid < MAX_SESSIONS && self->sessions[sid] && self->sessions[sid] != bearer; sid++)
    ;
  if (sid == MAX_SESSIONS) {
    g_free(ctx);
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_TOO_MANY,
                            "All %u data sessions are in use", MAX_SESSIONS);
    g_object_unref(task);
    return;
  }
  ctx->bearer = g_object_ref(bearer);
  ctx->session = sid;
  g_task_set_task_data(task, ctx, (GDestroyNotify)connect_ctx_free);
  set_connect(task, sid, TRUE, mmd_bearer_get_settings(bearer), CONNECT_TIMEOUT_S, connect_done);
}

static void
disconnect_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimConnectInfo) f
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (!f && !g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_CONTEXT_NOT_ACTIVATED)) {
    return_error(task, error);
    return;
  }
  mmd_task_succeed(task);
}

static void
mbim_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  guint32 sid;

  for (sid = 0; sid < MAX_SESSIONS && self->sessions[sid] != bearer; sid++)
    ;
  if (sid == MAX_SESSIONS) {
    /* not ours (any more): the network already ended it */
    mmd_task_succeed(task);
    return;
  }
  g_object_remove_weak_pointer(G_OBJECT(bearer), (gpointer *)&self->sessions[sid]);
  self->sessions[sid] = NULL;
  set_connect(task, sid, FALSE, NULL, CMD_TIMEOUT_S, disconnect_done);
}

/* ---- lifetime ---- */

static void
release_device(MmdMbimBackend *self)
{
  for (guint i = 0; i < MAX_SESSIONS; i++) {
    if (self->sessions[i])
      g_object_remove_weak_pointer(G_OBJECT(self->sessions[i]), (gpointer *)&self->sessions[i]);
    self->sessions[i] = NULL;
  }
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
  release_device(MMD_MBIM_BACKEND(backend));
}

static void
mmd_mbim_backend_finalize(GObject *object)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(object);

  release_device(self);
  g_free(self->control_path);
  g_free(self->iccid);
  g_free(self->imsi);
  g_free(self->net_name);
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

/* ---- operations, by capability ---- */

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
};

static const MmdSignalOps mbim_signal_ops = {
  .refresh = mbim_refresh_signal,
};

static const MmdBearerOps mbim_bearer_ops = {
  .connect = mbim_connect,
  .disconnect = mbim_disconnect,
};

static void
mmd_mbim_backend_init(MmdMbimBackend *self)
{
}

/* ---- plugin ---- */

static gboolean
mbim_supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_MBIM;
}

static MmdBackend *
mbim_create_backend(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  MmdMbimBackend *self = g_object_new(MMD_TYPE_MBIM_BACKEND, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  mmd_modem_provide_modem(modem, &mbim_modem_ops, backend);
  mmd_modem_provide_sim(modem, &mbim_sim_ops, backend);
  mmd_modem_provide_network(modem, &mbim_network_ops, backend);
  mmd_modem_provide_signal(modem, &mbim_signal_ops, backend);
  mmd_modem_provide_bearers(modem, &mbim_bearer_ops, backend);
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
  .create = mbim_create_backend,
};
