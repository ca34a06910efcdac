/* The QMI plugin: the GPS engine over LOC. A session runs while a client
 * wants GPS sources; fixes arrive as Position Report and NMEA indications. */
#include "qmi-modem.h"

#include <math.h>

#include "mmd-errors.h"

enum { LOC_EVENT_POSITION_REPORT = 1 << 0, LOC_EVENT_NMEA = 1 << 2 };
enum { FIX_RECURRENCE_PERIODIC = 1, INTERMEDIATE_REPORTS_OFF = 2 };
enum { LOC_SESSION_SUCCESS = 0 };
#define LOC_SESSION_ID 1
#define FIX_INTERVAL_MS 1000

/* ---- fixes ------------------------------------------------------------ */

/* "hhmmss.ss" (as NMEA gives the time of a fix) from milliseconds since 1970 */
static char *
utc_time_of_day(guint64 ms)
{
  g_autoptr(GDateTime) t = NULL;

  if (ms / 1000 > (guint64)G_MAXINT64 || !(t = g_date_time_new_from_unix_utc((gint64)(ms / 1000))))
    return NULL;
  return g_strdup_printf("%02d%02d%02d.%02u", g_date_time_get_hour(t), g_date_time_get_minute(t),
                         g_date_time_get_second(t), (guint)(ms % 1000) / 10);
}

static void
on_position_report(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  MmdModem *modem = qmi_backend_modem(self);
  QmiLocPositionReportIndication ind;
  g_autofree char *utc = NULL;
  double altitude = 0;

  if (!modem || !qmi_loc_position_report_indication_parse(msg, &ind, NULL))
    goto out;
  /* intermediate and failed sessions carry no fix worth a report */
  if (!ind.has_session_status || ind.session_status != LOC_SESSION_SUCCESS || !ind.has_latitude
      || !ind.has_longitude || !isfinite(ind.latitude) || !isfinite(ind.longitude))
    goto out;
  if (ind.has_altitude_from_sealevel && isfinite(ind.altitude_from_sealevel))
    altitude = ind.altitude_from_sealevel;
  else if (ind.has_altitude_from_ellipsoid && isfinite(ind.altitude_from_ellipsoid))
    altitude = ind.altitude_from_ellipsoid;
  if (ind.has_utc_timestamp)
    utc = utc_time_of_day(ind.utc_timestamp);
  mmd_modem_report_gps_raw(modem, ind.latitude, ind.longitude, altitude, utc);
out:
  qmi_output_base_clear(&ind.base);
}

static void
on_nmea(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  MmdModem *modem = qmi_backend_modem(self);
  QmiLocNmeaIndication ind;

  if (modem && qmi_loc_nmea_indication_parse(msg, &ind, NULL) && ind.nmea) {
    g_auto(GStrv) sentences = g_strsplit_set(ind.nmea, "\r\n", -1);

    for (guint i = 0; sentences[i]; i++)
      if (sentences[i][0] == '$')
        mmd_modem_report_gps_nmea(modem, sentences[i]);
  }
  qmi_output_base_clear(&ind.base);
}

/* ---- the client --------------------------------------------------------- */

static void
loc_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiClient *loc = qmi_device_allocate_client_finish(QMI_DEVICE(source), res, &error);
  MmdModem *modem = qmi_backend_modem(self);

  if (!loc) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message("[%s] no GPS: %s", self->control_path, error->message);
    return;
  }
  if (!self->device || !modem) {
    return; /* shut down meanwhile: the device released it */
  }
  self->loc = loc;
  self->loc_position_ind_id = qmi_client_add_indication_handler(loc, QMI_LOC_IND_POSITION_REPORT,
                                                                on_position_report, self);
  self->loc_nmea_ind_id = qmi_client_add_indication_handler(loc, QMI_LOC_IND_NMEA, on_nmea, self);
  mmd_modem_set_location_capabilities(modem, MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI
                                                 | MMD_MODEM_LOCATION_SOURCE_GPS_RAW
                                                 | MMD_MODEM_LOCATION_SOURCE_GPS_NMEA);
}

/* The engine's client is allocated in the background: only modems whose
 * firmware lists LOC have one, and nothing waits for it. */
void
qmi_gps_setup(MmdQmiBackend *self)
{
  if (self->loc || !qmi_device_get_service_version(self->device, QMI_SERVICE_LOC, NULL, NULL))
    return;
  qmi_device_allocate_client(self->device, QMI_SERVICE_LOC, QMI_TIMEOUT, self->cancellable,
                             loc_allocated, g_object_ref(self));
}

/* ---- sessions ------------------------------------------------------------ */

static gboolean
loc_ok(gboolean ok, QmiOutputBase *base, GTask *task, GError *error)
{
  qmi_output_base_clear(base);
  if (!ok)
    mmd_task_fail(task, error);
  return ok;
}

static void
session_started(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiLocStartOutput out;

  if (loc_ok(qmi_client_loc_start_finish(self->loc, res, &out, &error), &out.base, task, error))
    mmd_task_succeed(task);
}

static void
events_registered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiLocRegisterEventsOutput out;
  gboolean start = GPOINTER_TO_UINT(g_task_get_task_data(task)) != 0;

  if (!loc_ok(qmi_client_loc_register_events_finish(self->loc, res, &out, &error), &out.base, task,
              error))
    return;
  if (!start) {
    mmd_task_succeed(task);
    return;
  }
  QmiLocStartInput in = {
    .has_session_id = TRUE,
    .session_id = LOC_SESSION_ID,
    .has_fix_recurrence = TRUE,
    .fix_recurrence = FIX_RECURRENCE_PERIODIC,
    .has_intermediate_report_state = TRUE,
    .intermediate_report_state = INTERMEDIATE_REPORTS_OFF,
    .has_minimum_interval = TRUE,
    .minimum_interval = FIX_INTERVAL_MS,
  };
  qmi_client_loc_start(self->loc, &in, QMI_TIMEOUT, g_task_get_cancellable(task), session_started,
                       task);
}

static void
register_events(MmdQmiBackend *self, GTask *task)
{
  guint sources = GPOINTER_TO_UINT(g_task_get_task_data(task));
  QmiLocRegisterEventsInput in = { .has_event_registration_mask = TRUE };

  if (sources & MMD_MODEM_LOCATION_SOURCE_GPS_RAW)
    in.event_registration_mask |= LOC_EVENT_POSITION_REPORT;
  if (sources & MMD_MODEM_LOCATION_SOURCE_GPS_NMEA)
    in.event_registration_mask |= LOC_EVENT_NMEA;
  qmi_client_loc_register_events(self->loc, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                 events_registered, task);
}

static void
session_stopped(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  QmiLocStopOutput out;

  /* an engine that was not running is stopped all the same */
  if (!qmi_client_loc_stop_finish(self->loc, res, &out, &error)
      && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, g_steal_pointer(&error));
    return;
  }
  qmi_output_base_clear(&out.base);
  register_events(self, task);
}

void
qmi_backend_setup_gps(MmdBackend *backend, guint sources, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->loc, "GPS", cancellable, callback, user_data);

  if (!task)
    return;
  g_task_set_task_data(task, GUINT_TO_POINTER(sources), NULL);
  /* a running session is stopped first: the sources may have changed */
  QmiLocStopInput in = { .has_session_id = TRUE, .session_id = LOC_SESSION_ID };
  qmi_client_loc_stop(self->loc, &in, QMI_TIMEOUT, cancellable, session_stopped, task);
}
