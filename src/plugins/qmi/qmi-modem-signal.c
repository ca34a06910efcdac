/* The QMI plugin: signal quality and the values per technology, read with
 * NAS Get Signal Info and, once set up, reported by the modem itself. */
#include "qmi-modem.h"

#include "mmd-errors.h"

/* What a report is worth when the client asked for no particular step. */
#define DEFAULT_STEP_DB 5
/* Thresholds per list, at most: firmware keeps short lists. */
#define MAX_THRESHOLDS 16
/* The Register Indications TLVs that are left out keep their setting. */
#define QMI_ON 1

/* ---- reports ------------------------------------------------------------- */

static GVariant *
build_values(const char *k1, double v1, const char *k2, double v2, const char *k3, double v3,
             const char *k4, double v4)
{
  GVariantBuilder b;
  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  const char *keys[] = { k1, k2, k3, k4 };
  double vals[] = { v1, v2, v3, v4 };
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    if (keys[i])
      g_variant_builder_add(&b, "{sv}", keys[i], g_variant_new_double(vals[i]));
  return g_variant_builder_end(&b);
}

/* The TLVs a Get Signal Info response and a Signal Info indication share. */
typedef struct {
  gboolean has_gsm, has_wcdma, has_lte, has_nr5g, has_nr5g_rsrq;
  gint8 gsm;
  gint8 wcdma_rssi;
  gint16 wcdma_ecio;
  gint8 lte_rssi, lte_rsrq;
  gint16 lte_rsrp, lte_snr;
  gint16 nr5g_rsrp, nr5g_snr, nr5g_rsrq;
} SignalInfo;

#define SIGNAL_INFO_FROM(o)                                                                        \
  ((SignalInfo){                                                                                   \
      .has_gsm = (o).has_gsm,                                                                      \
      .has_wcdma = (o).has_wcdma,                                                                  \
      .has_lte = (o).has_lte,                                                                      \
      .has_nr5g = (o).has_nr5g,                                                                    \
      .has_nr5g_rsrq = (o).has_nr5g_rsrq,                                                          \
      .gsm = (o).gsm,                                                                              \
      .wcdma_rssi = (o).wcdma.rssi,                                                                \
      .wcdma_ecio = (o).wcdma.ecio,                                                                \
      .lte_rssi = (o).lte.rssi,                                                                    \
      .lte_rsrq = (o).lte.rsrq,                                                                    \
      .lte_rsrp = (o).lte.rsrp,                                                                    \
      .lte_snr = (o).lte.snr,                                                                      \
      .nr5g_rsrp = (o).nr5g.rsrp,                                                                  \
      .nr5g_snr = (o).nr5g.snr,                                                                    \
      .nr5g_rsrq = (o).nr5g_rsrq,                                                                  \
  })

static void
report_signal_info(MmdQmiBackend *self, const SignalInfo *s)
{
  MmdModem *modem = qmi_backend_modem(self);
  int best_rssi = G_MININT;
  guint percent = 0;

  if (!modem)
    return;
  mmd_modem_set_signal_values(
      modem, "gsm", s->has_gsm ? build_values("rssi", s->gsm, NULL, 0, NULL, 0, NULL, 0) : NULL);
  if (s->has_gsm)
    best_rssi = MAX(best_rssi, s->gsm);
  mmd_modem_set_signal_values(modem, "umts",
                              s->has_wcdma ? build_values("rssi", s->wcdma_rssi, "ecio",
                                                          s->wcdma_ecio * -0.5, NULL, 0, NULL, 0)
                                           : NULL);
  if (s->has_wcdma)
    best_rssi = MAX(best_rssi, s->wcdma_rssi);
  mmd_modem_set_signal_values(modem, "lte",
                              s->has_lte
                                  ? build_values("rssi", s->lte_rssi, "rsrq", s->lte_rsrq, "rsrp",
                                                 s->lte_rsrp, "snr", s->lte_snr * 0.1)
                                  : NULL);
  if (s->has_lte)
    best_rssi = MAX(best_rssi, s->lte_rssi);
  mmd_modem_set_signal_values(
      modem, "nr5g",
      s->has_nr5g ? build_values("rsrp", s->nr5g_rsrp, "snr", s->nr5g_snr * 0.1,
                                 s->has_nr5g_rsrq ? "rsrq" : NULL, s->nr5g_rsrq, NULL, 0)
                  : NULL);
  if (best_rssi != G_MININT)
    percent = mmd_signal_percent_from_dbm(best_rssi);
  else if (s->has_nr5g) /* -140 dBm .. -44 dBm RSRP */
    percent = (guint)((CLAMP(s->nr5g_rsrp, -140, -44) + 140) * 100 / 96);
  mmd_modem_set_signal_quality(modem, percent);
}

static void
on_signal_info_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  QmiNasSignalInfoIndication ind;

  if (qmi_nas_signal_info_indication_parse(msg, &ind, NULL)) {
    SignalInfo s = SIGNAL_INFO_FROM(ind);
    report_signal_info(user_data, &s);
  }
  qmi_output_base_clear(&ind.base);
}

/* Event Report (older firmware): RSSI as a positive number of -dBm, and the
 * LTE values when the modem is on LTE. */
static void
on_event_report_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  MmdModem *modem = qmi_backend_modem(self);
  QmiNasEventReportIndication ind;
  int rssi = G_MININT;

  if (modem && qmi_nas_event_report_indication_parse(msg, &ind, NULL)) {
    if (ind.has_rssi)
      rssi = -(int)ind.rssi.rssi;
    else if (ind.has_signal_strength)
      rssi = ind.signal_strength.strength;
    if (rssi != G_MININT)
      mmd_modem_set_signal_quality(modem, mmd_signal_percent_from_dbm(rssi));
    if (ind.has_lte_rsrp)
      mmd_modem_set_signal_values(modem, "lte",
                                  build_values("rsrp", ind.lte_rsrp, ind.has_lte_snr ? "snr" : NULL,
                                               ind.lte_snr * 0.1, ind.has_rsrq ? "rsrq" : NULL,
                                               ind.rsrq.rsrq, rssi != G_MININT ? "rssi" : NULL,
                                               rssi));
  }
  qmi_output_base_clear(&ind.base);
}

/* ---- reading ------------------------------------------------------------- */

static void
signal_strength_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasGetSignalStrengthOutput out;

  if (!qmi_client_nas_get_signal_strength_finish(self->nas, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, error);
    return;
  }
  if (out.has_signal_strength)
    mmd_modem_set_signal_quality(qmi_backend_modem(self),
                                 mmd_signal_percent_from_dbm(out.signal_strength.strength));
  qmi_output_base_clear(&out.base);
  mmd_task_succeed(task);
}

static void
signal_info_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiNasGetSignalInfoOutput out;

  if (!qmi_client_nas_get_signal_info_finish(self->nas, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        || g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN)) {
      mmd_task_fail(task, g_steal_pointer(&error));
      return;
    }
    /* older firmware: fall back to Get Signal Strength */
    QmiNasGetSignalStrengthInput in = { .has_request_mask = TRUE, .request_mask = 0 };
    qmi_client_nas_get_signal_strength(self->nas, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                       signal_strength_ready, task);
    return;
  }
  SignalInfo s = SIGNAL_INFO_FROM(out);
  report_signal_info(self, &s);
  qmi_output_base_clear(&out.base);
  mmd_task_succeed(task);
}

static void
read_signal(MmdQmiBackend *self, GTask *task)
{
  qmi_client_nas_get_signal_info(self->nas, QMI_TIMEOUT, g_task_get_cancellable(task),
                                 signal_info_ready, task);
}

void
qmi_backend_refresh_signal(MmdBackend *backend, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->nas, "Signal", cancellable, callback, user_data);
  if (task)
    read_signal(self, task);
}

/* ---- events -------------------------------------------------------------- */

/* A threshold list from low to high, at least step apart and at most
 * MAX_THRESHOLDS long: the modem reports when a value crosses one. */
static guint
thresholds(gint16 *out, int low, int high, int step)
{
  guint n = 0;

  step = MAX(step, (high - low + MAX_THRESHOLDS - 2) / (MAX_THRESHOLDS - 1));
  for (int v = low; v <= high && n < MAX_THRESHOLDS; v += step)
    out[n++] = (gint16)v;
  return n;
}

typedef struct {
  gint8 rssi[MAX_THRESHOLDS], rsrq[MAX_THRESHOLDS];
  gint16 rsrp[MAX_THRESHOLDS], snr[MAX_THRESHOLDS];
  guint step;
} EventsContext;

static void
add_indication_handlers(MmdQmiBackend *self)
{
  if (!self->signal_info_ind_id)
    self->signal_info_ind_id = qmi_client_add_indication_handler(self->nas, QMI_NAS_IND_SIGNAL_INFO,
                                                                 on_signal_info_indication, self);
  if (!self->event_report_ind_id)
    self->event_report_ind_id = qmi_client_add_indication_handler(
        self->nas, QMI_NAS_IND_EVENT_REPORT, on_event_report_indication, self);
}

static void
event_report_set(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasSetEventReportOutput out;
  gboolean ok = qmi_client_nas_set_event_report_finish(self->nas, res, &out, &error);

  qmi_output_base_clear(&out.base);
  if (!ok) {
    mmd_task_fail(task, error);
    return;
  }
  read_signal(self, task);
}

/* Before NAS 1.8 there is no Config Signal Info: changes by a delta. */
static void
set_event_report(MmdQmiBackend *self, GTask *task)
{
  EventsContext *ctx = g_task_get_task_data(task);
  QmiNasSetEventReportInput in = {
    .has_rssi_indicator = TRUE,
    .rssi_indicator = { .report = QMI_ON, .rssi_delta = ctx->step },
    .has_lte_rsrp_delta = TRUE,
    .lte_rsrp_delta = { .report = QMI_ON, .rsrp_delta = ctx->step },
    .has_lte_snr_delta = TRUE,
    .lte_snr_delta = { .report = QMI_ON, .snr_delta = MIN(ctx->step * 10, 255u) },
  };

  qmi_client_nas_set_event_report(self->nas, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                  event_report_set, task);
}

static void
signal_indications_registered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasRegisterIndicationsOutput out;
  gboolean ok = qmi_client_nas_register_indications_finish(self->nas, res, &out, &error);

  qmi_output_base_clear(&out.base);
  if (!ok) {
    mmd_task_fail(task, error);
    return;
  }
  read_signal(self, task);
}

static void
signal_info_configured(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiNasConfigSignalInfoOutput out;
  gboolean ok = qmi_client_nas_config_signal_info_finish(self->nas, res, &out, &error);

  qmi_output_base_clear(&out.base);
  if (!ok) {
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      mmd_task_fail(task, g_steal_pointer(&error));
      return;
    }
    g_debug("Config Signal Info: %s; signal changes by Event Report", error->message);
    set_event_report(self, task);
    return;
  }
  QmiNasRegisterIndicationsInput in = { .has_signal_info = TRUE, .signal_info = QMI_ON };
  qmi_client_nas_register_indications(self->nas, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                      signal_indications_registered, task);
}

/* Thresholds every step dB over the range each value takes (SNR in 0.1 dB). */
static void
config_signal_info(MmdQmiBackend *self, GTask *task)
{
  EventsContext *ctx = g_task_get_task_data(task);
  gint16 wide[MAX_THRESHOLDS];
  guint n_rssi = thresholds(wide, -110, -50, ctx->step);
  guint n_rsrq, n_rsrp, n_snr;

  for (guint i = 0; i < n_rssi; i++)
    ctx->rssi[i] = (gint8)wide[i];
  n_rsrq = thresholds(wide, -20, -3, ctx->step);
  for (guint i = 0; i < n_rsrq; i++)
    ctx->rsrq[i] = (gint8)wide[i];
  n_rsrp = thresholds(ctx->rsrp, -140, -44, ctx->step);
  n_snr = thresholds(ctx->snr, -100, 300, ctx->step * 10);

  QmiNasConfigSignalInfoInput in = {
    .has_rssi_threshold = TRUE,
    .n_rssi_threshold = n_rssi,
    .rssi_threshold = ctx->rssi,
    .has_rsrq_threshold = TRUE,
    .n_rsrq_threshold = n_rsrq,
    .rsrq_threshold = ctx->rsrq,
    .has_rsrp_threshold = TRUE,
    .n_rsrp_threshold = n_rsrp,
    .rsrp_threshold = ctx->rsrp,
    .has_lte_snr_threshold = TRUE,
    .n_lte_snr_threshold = n_snr,
    .lte_snr_threshold = ctx->snr,
  };
  qmi_client_nas_config_signal_info(self->nas, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                    signal_info_configured, task);
}

void
qmi_backend_setup_signal_events(MmdBackend *backend, guint rssi_threshold,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task
      = qmi_backend_task(self, self->nas, "Signal events", cancellable, callback, user_data);
  EventsContext *ctx;

  if (!task)
    return;
  ctx = g_new0(EventsContext, 1);
  ctx->step = rssi_threshold ? rssi_threshold : DEFAULT_STEP_DB;
  g_task_set_task_data(task, ctx, g_free);
  add_indication_handlers(self);
  config_signal_info(self, task);
}
