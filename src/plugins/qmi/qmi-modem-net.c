/* The QMI plugin: radio, registration, modes and scan (DMS and NAS). */
#include "qmi-modem.h"

#include <stdlib.h>
#include <string.h>

#include "mmd-errors.h"

/* DMS operating modes */
enum { OPMODE_ONLINE = 0, OPMODE_LOW_POWER = 1, OPMODE_RESET = 4 };
/* NAS values */
enum { RI_GSM = 4, RI_UMTS = 5, RI_LTE = 8, RI_TDS = 9, RI_5GNR = 12 };
enum { REG_NOT_REGISTERED = 0, REG_REGISTERED = 1, REG_SEARCHING = 2, REG_DENIED = 3 };
enum { ATTACH_ATTACHED = 1, ATTACH_DETACHED = 2 };
enum { ROAMING_ON = 0 };
enum {
  RAT_PREF_GSM = 1 << 2,
  RAT_PREF_UMTS = 1 << 3,
  RAT_PREF_LTE = 1 << 4,
  RAT_PREF_TDS = 1 << 5,
  RAT_PREF_5GNR = 1 << 6
};
enum { NET_STATUS_CURRENT = 1 << 0, NET_STATUS_AVAILABLE = 1 << 1, NET_STATUS_FORBIDDEN = 1 << 4 };
enum {
  DATA_CAP_GPRS = 1,
  DATA_CAP_EDGE = 2,
  DATA_CAP_HSDPA = 3,
  DATA_CAP_HSUPA = 4,
  DATA_CAP_HSDPA_PLUS = 0x0C,
  DATA_CAP_DC_HSDPA_PLUS = 0x0D
};

/* ---- helpers ------------------------------------------------------------ */

static guint
access_tech_from_radio(gint8 ri, const guint8 *caps, guint n_caps)
{
  guint tech = 0;
  switch (ri) {
    case RI_GSM:
      tech = MMD_MODEM_ACCESS_TECHNOLOGY_GSM;
      for (guint i = 0; i < n_caps; i++) {
        if (caps[i] == DATA_CAP_EDGE)
          tech = MMD_MODEM_ACCESS_TECHNOLOGY_EDGE;
        else if (caps[i] == DATA_CAP_GPRS && tech == MMD_MODEM_ACCESS_TECHNOLOGY_GSM)
          tech = MMD_MODEM_ACCESS_TECHNOLOGY_GPRS;
      }
      return tech;
    case RI_UMTS:
    case RI_TDS:
      tech = MMD_MODEM_ACCESS_TECHNOLOGY_UMTS;
      for (guint i = 0; i < n_caps; i++) {
        if (caps[i] == DATA_CAP_HSDPA_PLUS || caps[i] == DATA_CAP_DC_HSDPA_PLUS)
          tech = MMD_MODEM_ACCESS_TECHNOLOGY_HSPA_PLUS;
        else if ((caps[i] == DATA_CAP_HSDPA || caps[i] == DATA_CAP_HSUPA)
                 && tech == MMD_MODEM_ACCESS_TECHNOLOGY_UMTS)
          tech = MMD_MODEM_ACCESS_TECHNOLOGY_HSPA;
      }
      return tech;
    case RI_LTE:
      return MMD_MODEM_ACCESS_TECHNOLOGY_LTE;
    case RI_5GNR:
      return MMD_MODEM_ACCESS_TECHNOLOGY_5GNR;
    default:
      return 0;
  }
}

/* A request the modem answered with "no effect" (it was so already) succeeded. */
static gboolean
ok_unless_no_effect(gboolean ok, const QmiOutputBase *base, GError **error)
{
  if (!ok && base->has_result && base->error == QMI_PROTOCOL_ERROR_NO_EFFECT) {
    g_clear_error(error);
    return TRUE;
  }
  return ok;
}

/* Serving system (response or indication share the fields we use). */
typedef struct {
  gboolean has_serving_system;
  guint8 registration_state;
  guint8 ps_attach_state;
  guint n_radio_interfaces;
  const gint8 *radio_interfaces;
  gboolean has_roaming_indicator;
  guint8 roaming_indicator;
  guint n_data_caps;
  const guint8 *data_caps;
  gboolean has_current_plmn;
  guint16 mcc, mnc;
  const char *description;
  gboolean pcs_digit;
} ServingSystem;

/* A Get Serving System response and a Serving System indication carry the
 * same TLVs in two generated types. */
#define SERVING_SYSTEM_FROM(o)                                                                     \
  ((ServingSystem){                                                                                \
      .has_serving_system = (o).has_serving_system,                                                \
      .registration_state = (o).serving_system.registration_state,                                 \
      .ps_attach_state = (o).serving_system.ps_attach_state,                                       \
      .n_radio_interfaces = (o).serving_system.n_radio_interfaces,                                 \
      .radio_interfaces = (o).serving_system.radio_interfaces,                                     \
      .has_roaming_indicator = (o).has_roaming_indicator,                                          \
      .roaming_indicator = (o).roaming_indicator,                                                  \
      .n_data_caps = (o).has_data_service_capability ? (o).n_data_service_capability : 0,          \
      .data_caps = (o).data_service_capability,                                                    \
      .has_current_plmn = (o).has_current_plmn,                                                    \
      .mcc = (o).current_plmn.mcc,                                                                 \
      .mnc = (o).current_plmn.mnc,                                                                 \
      .description = (o).current_plmn.description,                                                 \
      .pcs_digit = (o).has_mnc_pcs_digit_include_status                                            \
                   && (o).mnc_pcs_digit_include_status.includes_pcs_digit,                         \
  })

static void
report_serving_system(MmdQmiBackend *self, const ServingSystem *ss)
{
  MmdModem *modem = qmi_backend_modem(self);
  if (!modem || !ss->has_serving_system)
    return;
  MmdModem3gppRegistrationState state;
  switch (ss->registration_state) {
    case REG_NOT_REGISTERED:
      state = MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE;
      break;
    case REG_REGISTERED:
      state = ss->has_roaming_indicator && ss->roaming_indicator == ROAMING_ON
                  ? MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING
                  : MMD_MODEM_3GPP_REGISTRATION_STATE_HOME;
      break;
    case REG_SEARCHING:
      state = MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING;
      break;
    case REG_DENIED:
      state = MMD_MODEM_3GPP_REGISTRATION_STATE_DENIED;
      break;
    default:
      state = MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN;
      break;
  }
  guint techs = 0;
  for (guint i = 0; i < ss->n_radio_interfaces; i++)
    techs |= access_tech_from_radio(ss->radio_interfaces[i], ss->data_caps, ss->n_data_caps);
  g_autofree char *code
      = ss->has_current_plmn ? qmi_net_build_operator_code(ss->mcc, ss->mnc, ss->pcs_digit) : NULL;
  const char *name
      = ss->has_current_plmn && ss->description && *ss->description ? ss->description : NULL;
  qmi_nr5g_report_registration(self, state, code, name, techs);
  if (ss->ps_attach_state == ATTACH_ATTACHED)
    mmd_modem_set_packet_service_state(modem, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED);
  else if (ss->ps_attach_state == ATTACH_DETACHED)
    mmd_modem_set_packet_service_state(modem, MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED);
}

static void
on_serving_system_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  QmiNasServingSystemIndication ind;
  if (qmi_nas_serving_system_indication_parse(msg, &ind, NULL)) {
    ServingSystem ss = SERVING_SYSTEM_FROM(ind);
    report_serving_system(self, &ss);
  }
  qmi_output_base_clear(&ind.base);
}

static void
serving_system_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiNasGetServingSystemOutput out;

  if (qmi_client_nas_get_serving_system_finish(self->nas, res, &out, &error)) {
    ServingSystem ss = SERVING_SYSTEM_FROM(out);
    report_serving_system(self, &ss);
  } else {
    g_debug("Serving system: %s", error->message);
  }
  qmi_output_base_clear(&out.base);
  qmi_nr5g_refresh(self);
  /* the registration follows from indications; this was only the first look */
  mmd_task_succeed(task);
}

static void
query_serving_system(MmdQmiBackend *self, GTask *task)
{
  qmi_client_nas_get_serving_system(self->nas, QMI_TIMEOUT, g_task_get_cancellable(task),
                                    serving_system_ready, task);
}

void
qmi_net_setup(MmdQmiBackend *self)
{
  if (self->nas && !self->nas_ind_id)
    self->nas_ind_id = qmi_client_add_indication_handler(self->nas, QMI_NAS_IND_SERVING_SYSTEM,
                                                         on_serving_system_indication, self);
  qmi_nr5g_setup(self);
}

/* ---- modes --------------------------------------------------------------- */

static guint
modes_from_rat_pref(guint16 pref)
{
  guint modes = 0;
  if (pref & RAT_PREF_GSM)
    modes |= MMD_MODEM_MODE_2G;
  if (pref & (RAT_PREF_UMTS | RAT_PREF_TDS))
    modes |= MMD_MODEM_MODE_3G;
  if (pref & RAT_PREF_LTE)
    modes |= MMD_MODEM_MODE_4G;
  if (pref & RAT_PREF_5GNR)
    modes |= MMD_MODEM_MODE_5G;
  return modes;
}

static guint16
rat_pref_from_modes(guint modes)
{
  guint16 pref = 0;
  if (modes & MMD_MODEM_MODE_2G)
    pref |= RAT_PREF_GSM;
  if (modes & MMD_MODEM_MODE_3G)
    pref |= RAT_PREF_UMTS;
  if (modes & MMD_MODEM_MODE_4G)
    pref |= RAT_PREF_LTE;
  if (modes & MMD_MODEM_MODE_5G)
    pref |= RAT_PREF_5GNR;
  return pref;
}

static gint8
radio_from_mode(guint mode)
{
  switch (mode) {
    case MMD_MODEM_MODE_2G:
      return RI_GSM;
    case MMD_MODEM_MODE_3G:
      return RI_UMTS;
    case MMD_MODEM_MODE_4G:
      return RI_LTE;
    case MMD_MODEM_MODE_5G:
      return RI_5GNR;
    default:
      return -1;
  }
}

static void
selection_preference_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiNasGetSystemSelectionPreferenceOutput out;

  if (qmi_client_nas_get_system_selection_preference_finish(self->nas, res, &out, &error)
      && out.has_mode_preference) {
    guint allowed = modes_from_rat_pref(out.mode_preference) & self->supported_modes;
    if (allowed)
      mmd_modem_set_current_modes(qmi_backend_modem(self), allowed,
                                  allowed & self->preferred_mode ? self->preferred_mode
                                                                 : MMD_MODEM_MODE_NONE);
    qmi_bands_report_current(self, &out);
  } else if (error) {
    g_debug("System selection preference: %s", error->message);
  }
  qmi_output_base_clear(&out.base);
  mmd_task_succeed(task);
}

void
qmi_net_load_modes(MmdQmiBackend *self, GTask *task)
{
  if (!self->nas) {
    mmd_task_succeed(task);
    return;
  }
  qmi_client_nas_get_system_selection_preference(
      self->nas, QMI_TIMEOUT, g_task_get_cancellable(task), selection_preference_ready, task);
}

typedef struct {
  guint allowed;
  guint preferred;
} ModesContext;

gboolean
qmi_net_set_selection_preference_finish(MmdQmiBackend *self, GAsyncResult *res, GError **error)
{
  QmiNasSetSystemSelectionPreferenceOutput out;
  gboolean ok = qmi_client_nas_set_system_selection_preference_finish(self->nas, res, &out, error);
  ok = ok_unless_no_effect(ok, &out.base, error);
  qmi_output_base_clear(&out.base);
  return ok;
}

static void
set_modes_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  ModesContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;

  if (!qmi_net_set_selection_preference_finish(self, res, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  self->preferred_mode = ctx->preferred;
  mmd_modem_set_current_modes(qmi_backend_modem(self), ctx->allowed, ctx->preferred);
  mmd_task_succeed(task);
}

void
qmi_backend_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task
      = qmi_backend_task(self, self->nas, "Setting modes", cancellable, callback, user_data);
  if (!task)
    return;
  if (allowed == (guint)MMD_MODEM_MODE_ANY)
    allowed = self->supported_modes;
  allowed &= self->supported_modes;
  if (!allowed || (preferred && !(preferred & allowed))) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "Modes not supported by this modem");
    g_object_unref(task);
    return;
  }
  ModesContext *ctx = g_new0(ModesContext, 1);
  ctx->allowed = allowed;
  ctx->preferred = preferred;
  g_task_set_task_data(task, ctx, g_free);

  /* acquisition order: the preferred mode first, then newest to oldest */
  static const guint order[]
      = { MMD_MODEM_MODE_5G, MMD_MODEM_MODE_4G, MMD_MODEM_MODE_3G, MMD_MODEM_MODE_2G };
  gint8 acq[4];
  guint n_acq = 0;
  if (preferred)
    acq[n_acq++] = radio_from_mode(preferred);
  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    if ((allowed & order[i]) && order[i] != preferred)
      acq[n_acq++] = radio_from_mode(order[i]);

  QmiNasSetSystemSelectionPreferenceInput in = {
    .has_mode_preference = TRUE,
    .mode_preference = rat_pref_from_modes(allowed),
    .has_change_duration = TRUE,
    .change_duration = 1, /* permanent */
    .has_acquisition_order_preference = preferred != MMD_MODEM_MODE_NONE,
    .n_acquisition_order_preference = n_acq,
    .acquisition_order_preference = acq,
  };
  qmi_client_nas_set_system_selection_preference(self->nas, &in, QMI_TIMEOUT, cancellable,
                                                 set_modes_ready, task);
}

/* ---- radio ------------------------------------------------------------- */

typedef struct {
  gboolean on;
  gboolean only_power; /* set_power_state: no NAS follow-up */
} RadioContext;

static void
register_indications_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiNasRegisterIndicationsOutput out;
  if (!qmi_client_nas_register_indications_finish(self->nas, res, &out, &error))
    g_debug("Registering NAS indications: %s", error->message);
  qmi_output_base_clear(&out.base);
  query_serving_system(self, task);
}

static void
operating_mode_set_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  RadioContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiDmsSetOperatingModeOutput out;

  gboolean ok = qmi_client_dms_set_operating_mode_finish(self->dms, res, &out, &error);
  ok = ok_unless_no_effect(ok, &out.base, &error);
  qmi_output_base_clear(&out.base);
  if (!ok) {
    mmd_task_fail(task, error);
    return;
  }
  MmdModem *modem = qmi_backend_modem(self);
  mmd_modem_set_power_state(modem, ctx->on ? MMD_MODEM_POWER_STATE_ON : MMD_MODEM_POWER_STATE_LOW);
  if (ctx->only_power || !self->nas) {
    mmd_task_succeed(task);
    return;
  }
  if (!ctx->on) {
    qmi_nr5g_report_registration(self, MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE, NULL, NULL, 0);
    mmd_task_succeed(task);
    return;
  }
  QmiNasRegisterIndicationsInput in = {
    .has_serving_system_events = TRUE,
    .serving_system_events = 1,
    .has_system_selection_preference = TRUE,
    .system_selection_preference = 1,
    .has_system_info = TRUE,
    .system_info = 1,
  };
  qmi_client_nas_register_indications(self->nas, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                      register_indications_ready, task);
}

static void
set_operating_mode(MmdBackend *backend, gboolean on, gboolean only_power, guint8 mode,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task
      = qmi_backend_task(self, self->dms, "Setting the radio", cancellable, callback, user_data);
  if (!task)
    return;
  RadioContext *ctx = g_new0(RadioContext, 1);
  ctx->on = on;
  ctx->only_power = only_power;
  g_task_set_task_data(task, ctx, g_free);
  QmiDmsSetOperatingModeInput in = { .has_mode = TRUE, .mode = mode };
  qmi_client_dms_set_operating_mode(self->dms, &in, QMI_TIMEOUT, cancellable,
                                    operating_mode_set_ready, task);
}

void
qmi_backend_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  set_operating_mode(backend, on, FALSE, on ? OPMODE_ONLINE : OPMODE_LOW_POWER, cancellable,
                     callback, user_data);
}

void
qmi_backend_set_power_state(MmdBackend *backend, MmdModemPowerState state,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  gboolean on = state == MMD_MODEM_POWER_STATE_ON;
  set_operating_mode(backend, on, TRUE, on ? OPMODE_ONLINE : OPMODE_LOW_POWER, cancellable,
                     callback, user_data);
}

static void
reset_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiDmsSetOperatingModeOutput out;
  gboolean ok = qmi_client_dms_set_operating_mode_finish(self->dms, res, &out, &error);
  qmi_output_base_clear(&out.base);
  if (ok)
    mmd_task_succeed(task);
  else
    mmd_task_fail(task, error);
}

void
qmi_backend_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->dms, "Reset", cancellable, callback, user_data);
  if (!task)
    return;
  QmiDmsSetOperatingModeInput in = { .has_mode = TRUE, .mode = OPMODE_RESET };
  qmi_client_dms_set_operating_mode(self->dms, &in, QMI_TIMEOUT, cancellable, reset_ready, task);
}

/* ---- registration -------------------------------------------------------- */

static void
network_register_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasInitiateNetworkRegisterOutput out;

  gboolean ok = qmi_client_nas_initiate_network_register_finish(self->nas, res, &out, &error);
  ok = ok_unless_no_effect(ok, &out.base, &error);
  qmi_output_base_clear(&out.base);
  if (!ok) {
    mmd_task_fail(task, error);
    return;
  }
  query_serving_system(self, task);
}

void
qmi_backend_register_network(MmdBackend *backend, const char *operator_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->nas, "Registration", cancellable, callback, user_data);
  if (!task)
    return;
  QmiNasInitiateNetworkRegisterInput in = { .has_action = TRUE, .action = 1 /* automatic */ };
  if (operator_id && *operator_id) {
    gsize len = strlen(operator_id);
    if ((len != 5 && len != 6) || strspn(operator_id, "0123456789") != len) {
      g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Invalid operator id");
      g_object_unref(task);
      return;
    }
    char mcc[4] = { 0 };
    memcpy(mcc, operator_id, 3);
    in.action = 2; /* manual */
    in.has_manual_registration_info = TRUE;
    in.manual_registration_info.mcc = (guint16)atoi(mcc);
    in.manual_registration_info.mnc = (guint16)atoi(operator_id + 3);
    in.manual_registration_info.radio_interface = -1;
    in.has_mnc_pcs_digit_include_status = TRUE;
    in.mnc_pcs_digit_include_status = len == 6;
  }
  qmi_client_nas_initiate_network_register(self->nas, &in, QMI_TIMEOUT, cancellable,
                                           network_register_ready, task);
}

/* ---- scan ------------------------------------------------------------------ */

static void
scan_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasNetworkScanOutput out;

  if (!qmi_client_nas_network_scan_finish(self->nas, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, error);
    return;
  }
  GVariantBuilder list;
  g_variant_builder_init(&list, G_VARIANT_TYPE("aa{sv}"));
  for (guint i = 0; out.has_network_information && i < out.n_network_information; i++) {
    const QmiNasScanNetwork *net = &out.network_information[i];
    gboolean pcs = net->mnc > 99;
    guint techs = 0;
    for (guint j = 0;
         out.has_mnc_pcs_digit_include_status && j < out.n_mnc_pcs_digit_include_status; j++) {
      const QmiNasScanPcsDigit *p = &out.mnc_pcs_digit_include_status[j];
      if (p->mcc == net->mcc && p->mnc == net->mnc)
        pcs = pcs || p->includes_pcs_digit;
    }
    for (guint j = 0; out.has_radio_access_technology && j < out.n_radio_access_technology; j++) {
      const QmiNasScanRat *r = &out.radio_access_technology[j];
      if (r->mcc == net->mcc && r->mnc == net->mnc)
        techs |= access_tech_from_radio(r->radio_interface, NULL, 0);
    }
    MmdModem3gppNetworkAvailability status = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_UNKNOWN;
    if (net->network_status & NET_STATUS_CURRENT)
      status = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT;
    else if (net->network_status & NET_STATUS_FORBIDDEN)
      status = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN;
    else if (net->network_status & NET_STATUS_AVAILABLE)
      status = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_AVAILABLE;
    g_autofree char *code = qmi_net_build_operator_code(net->mcc, net->mnc, pcs);
    const char *name
        = net->description && *net->description && g_utf8_validate(net->description, -1, NULL)
              ? net->description
              : NULL;
    mmd_scan_result_add(&list, status, name, name, code, techs);
  }
  qmi_output_base_clear(&out.base);
  GVariant *result = g_variant_ref_sink(g_variant_builder_end(&list));
  g_task_return_pointer(task, result, (GDestroyNotify)g_variant_unref);
  g_object_unref(task);
}

void
qmi_backend_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->nas, "Scan", cancellable, callback, user_data);
  if (!task)
    return;
  QmiNasNetworkScanInput in = { .has_network_type = FALSE }; /* all technologies */
  qmi_client_nas_network_scan(self->nas, &in, QMI_TIMEOUT_SCAN, cancellable, scan_ready, task);
}
