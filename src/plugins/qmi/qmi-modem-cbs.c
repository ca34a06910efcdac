/* Cell broadcast over QMI WMS: the channels chosen are the modem's 3GPP
 * broadcast configuration, and reception is activated while any is chosen.
 * Pages arrive in WMS event reports (qmi-modem-wms.c), which are switched
 * on here too: a client may choose channels before the modem is enabled. */
#define G_LOG_DOMAIN "modemd-qmi"

#include "qmi-modem.h"

enum { MODE_GSM_WCDMA = 1 };

static QmiClient *
client_of(GTask *task)
{
  return qmi_wms_client(g_task_get_source_object(task));
}

typedef struct {
  QmiWmsBroadcastRange *ranges;
  guint n_ranges;
} ChannelsJob;

static void
channels_job_free(ChannelsJob *job)
{
  g_free(job->ranges);
  g_free(job);
}

static void
activated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  QmiWmsSetBroadcastActivationOutput out;

  if (qmi_client_wms_set_broadcast_activation_finish(client_of(task), res, &out, &error))
    mmd_task_succeed(task);
  else
    mmd_task_fail(task, error);
  qmi_output_base_clear(&out.base);
}

static void
configured(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ChannelsJob *job = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWmsSetBroadcastConfigOutput out;
  QmiWmsSetBroadcastActivationInput in = { .has_information = TRUE };

  if (!qmi_client_wms_set_broadcast_config_finish(client_of(task), res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, error);
    return;
  }
  qmi_output_base_clear(&out.base);
  in.information.message_mode = MODE_GSM_WCDMA;
  in.information.activate = job->n_ranges > 0;
  qmi_client_wms_set_broadcast_activation(client_of(task), &in, QMI_TIMEOUT,
                                          g_task_get_cancellable(task), activated, task);
}

static void
events_on(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ChannelsJob *job = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWmsSetEventReportOutput report;
  QmiWmsSetBroadcastConfigInput in = {
    .has_message_mode = TRUE,
    .message_mode = MODE_GSM_WCDMA,
    .has_channels_3gpp = TRUE,
    .n_channels_3gpp = job->n_ranges,
    .channels_3gpp = job->ranges,
  };

  if (!qmi_client_wms_set_event_report_finish(client_of(task), res, &report, &error)) {
    qmi_output_base_clear(&report.base);
    mmd_task_fail(task, error);
    return;
  }
  qmi_output_base_clear(&report.base);
  qmi_client_wms_set_broadcast_config(client_of(task), &in, QMI_TIMEOUT,
                                      g_task_get_cancellable(task), configured, task);
}

static void
channels_start(GTask *task)
{
  qmi_wms_enable_events(g_task_get_source_object(task), g_task_get_cancellable(task), events_on,
                        task);
}

static void
cbs_set_channels(MmdBackend *backend, const MmdCbsChannelRange *ranges, gsize n_ranges,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task
      = qmi_wms_task(backend, "Choosing broadcast channels", cancellable, callback, user_data);
  ChannelsJob *job;

  if (!task)
    return;
  job = g_new0(ChannelsJob, 1);
  job->n_ranges = (guint)n_ranges;
  job->ranges = g_new0(QmiWmsBroadcastRange, n_ranges + 1);
  for (gsize i = 0; i < n_ranges; i++)
    job->ranges[i] = (QmiWmsBroadcastRange){ ranges[i].first, ranges[i].last, 1 };
  g_task_set_task_data(task, job, (GDestroyNotify)channels_job_free);
  qmi_wms_with_client(task, channels_start);
}

const MmdCellBroadcastOps qmi_cell_broadcast_ops = {
  .set_channels = cbs_set_channels,
};
