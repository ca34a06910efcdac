/* Signal over MBIM without polling: Signal State set with a threshold, so
 * that the function notifies every change worth it. */
#include "mbim-backend.h"

/* What a report is worth when the client asked for no particular step. */
#define DEFAULT_STEP_DB 5
/* MBIM codes RSSI in steps of 2 dB; 0 is the function's own default interval */
#define CODED_STEP_DB 2
#define DEFAULT_INTERVAL 0
#define NO_ERROR_RATE_REPORTS 0xFFFFFFFFu

static void
signal_state_set(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSignalStateInfo) f
      = mbim_command_signal_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  if (self->radio_on)
    mbim_report_signal(self, f);
  mmd_task_succeed(task);
}

void
mbim_setup_signal_events(MmdBackend *backend, guint rssi_threshold, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  guint step_db = rssi_threshold ? rssi_threshold : DEFAULT_STEP_DB;
  const MbimSetSignalState in = {
    .signal_strength_interval = DEFAULT_INTERVAL,
    .rssi_threshold = (step_db + CODED_STEP_DB - 1) / CODED_STEP_DB,
    .error_rate_threshold = NO_ERROR_RATE_REPORTS,
  };

  mbim_command_signal_state_set(mbim_device_of(task), &in, CMD_TIMEOUT_S, cancellable,
                                signal_state_set, task);
}
