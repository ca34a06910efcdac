/* The QMI plugin: the network's time (NITZ) from NAS Network Time
 * indications, and NAS Get Network Time for GetNetworkTime. */
#include "qmi-modem.h"

#include "mmd-errors.h"

#define QMI_ON 1
/* 3GPP TS 24.008 10.5.3.8: the zone is in quarter hours; beyond these no place lies */
#define MIN_ZONE_QUARTERS (-48)
#define MAX_ZONE_QUARTERS 56
#define MAX_DST_HOURS 2

/* What Network Time indications and the 3GPP time of Get Network Time say. */
typedef struct {
  guint16 year;
  guint8 month, day, hour, minute, second;
  gboolean has_zone, has_dst;
  gint8 zone_quarters;
  guint8 dst_hours;
} NetworkTime;

/* The local time of the network as ISO 8601 with its offset; NULL when the
 * modem sent something that is no time. */
static char *
network_time_text(const NetworkTime *t, MmdTimezone *zone)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  int quarters = t->has_zone ? t->zone_quarters : 0;

  if (quarters < MIN_ZONE_QUARTERS || quarters > MAX_ZONE_QUARTERS
      || (t->has_dst && t->dst_hours > MAX_DST_HOURS) || t->month < 1 || t->month > 12 || t->day < 1
      || t->day > 31 || t->hour > 23 || t->minute > 59 || t->second > 59)
    return NULL;
  utc = g_date_time_new_utc(t->year, t->month, t->day, t->hour, t->minute, t->second);
  if (!utc)
    return NULL;
  tz = g_time_zone_new_offset(quarters * 15 * 60);
  local = g_date_time_to_timezone(utc, tz);
  zone->offset_minutes = t->has_zone ? quarters * 15 : MMD_TIMEZONE_UNKNOWN;
  zone->dst_minutes = t->has_dst ? t->dst_hours * 60 : MMD_TIMEZONE_UNKNOWN;
  zone->leap_seconds = MMD_TIMEZONE_UNKNOWN;
  return local ? g_date_time_format(local, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

static void
on_network_time_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  MmdModem *modem = qmi_backend_modem(self);
  QmiNasNetworkTimeIndication ind;
  MmdTimezone zone;
  char *text;

  if (modem && qmi_nas_network_time_indication_parse(msg, &ind, NULL) && ind.has_universal_time) {
    const NetworkTime t = {
      .year = ind.universal_time.year,
      .month = ind.universal_time.month,
      .day = ind.universal_time.day,
      .hour = ind.universal_time.hour,
      .minute = ind.universal_time.minute,
      .second = ind.universal_time.second,
      .has_zone = ind.has_time_zone,
      .zone_quarters = ind.time_zone,
      .has_dst = ind.has_daylight_saving,
      .dst_hours = ind.daylight_saving,
    };

    if ((text = network_time_text(&t, &zone))) {
      g_free(self->network_time);
      self->network_time = text;
      mmd_modem_report_network_time(modem, text, &zone);
    }
  }
  qmi_output_base_clear(&ind.base);
}

static void
network_time_registered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiNasRegisterIndicationsOutput out;

  if (!qmi_client_nas_register_indications_finish(self->nas, res, &out, &error)
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message("[%s] the modem will not report the network's time: %s", self->control_path,
              error->message);
  qmi_output_base_clear(&out.base);
}

void
qmi_time_setup(MmdQmiBackend *self)
{
  if (!self->nas || self->network_time_ind_id)
    return;
  self->network_time_ind_id = qmi_client_add_indication_handler(self->nas, QMI_NAS_IND_NETWORK_TIME,
                                                                on_network_time_indication, self);
  QmiNasRegisterIndicationsInput in = { .has_network_time = TRUE, .network_time = QMI_ON };
  qmi_client_nas_register_indications(self->nas, &in, QMI_TIMEOUT, self->cancellable,
                                      network_time_registered, g_object_ref(self));
}

/* Without an answer (older firmware has no Get Network Time), the last NITZ
 * the modem reported. */
static void
return_last_time(MmdQmiBackend *self, GTask *task, GError *error)
{
  if (self->network_time) {
    g_clear_error(&error);
    g_task_return_pointer(task, g_strdup(self->network_time), g_free);
  } else {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND,
                            "The network has not sent its time%s%s", error ? ": " : "",
                            error ? error->message : "");
    g_clear_error(&error);
  }
  g_object_unref(task);
}

static void
network_time_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasGetNetworkTimeOutput out;
  MmdTimezone zone;
  char *text = NULL;

  if (!qmi_client_nas_get_network_time_finish(self->nas, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      mmd_task_fail(task, error);
    else
      return_last_time(self, task, error);
    return;
  }
  if (out.has_time_3gpp) {
    const NetworkTime t = {
      .year = out.time_3gpp.year,
      .month = out.time_3gpp.month,
      .day = out.time_3gpp.day,
      .hour = out.time_3gpp.hour,
      .minute = out.time_3gpp.minute,
      .second = out.time_3gpp.second,
      .has_zone = TRUE,
      .zone_quarters = out.time_3gpp.time_zone,
      .has_dst = TRUE,
      .dst_hours = out.time_3gpp.daylight_saving,
    };
    text = network_time_text(&t, &zone);
  }
  qmi_output_base_clear(&out.base);
  if (!text) {
    return_last_time(self, task, NULL);
    return;
  }
  g_task_return_pointer(task, text, g_free);
  g_object_unref(task);
}

void
qmi_backend_get_network_time(MmdBackend *backend, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->nas, "Network time", cancellable, callback, user_data);

  if (task)
    qmi_client_nas_get_network_time(self->nas, QMI_TIMEOUT, cancellable, network_time_ready, task);
}
