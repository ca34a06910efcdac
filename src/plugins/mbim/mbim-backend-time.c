/* The network's time over MBIM: MS Voice Extensions NITZ, notified when the
 * network sends it and queried for GetNetworkTime. */
#include "mbim-backend.h"

/* what a field holds when the network did not say */
#define NITZ_UNKNOWN 0xFFFFFFFFu
/* 3GPP TS 24.008 10.5.3.8: the zone is in quarter hours, DST up to 2 hours */
#define MIN_OFFSET_MIN (-12 * 60)
#define MAX_OFFSET_MIN (14 * 60)
#define MAX_DST_MIN 120

/* The local time of the network as ISO 8601 with its offset; NULL when the
 * function sent something that is no time. The date and time are UTC. */
static char *
nitz_text(const MbimNitzInfo *f, MmdTimezone *zone)
{
  gboolean has_offset = f->time_zone_offset_minutes != NITZ_UNKNOWN;
  gboolean has_dst = f->daylight_saving_time_offset_minutes != NITZ_UNKNOWN;
  int offset = has_offset ? (gint32)f->time_zone_offset_minutes : 0;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) tz = NULL;

  if (offset < MIN_OFFSET_MIN || offset > MAX_OFFSET_MIN
      || (has_dst && f->daylight_saving_time_offset_minutes > MAX_DST_MIN) || f->year > 9999
      || f->month > 12 || f->day > 31 || f->hour > 23 || f->minute > 59 || f->second > 59)
    return NULL;
  utc = g_date_time_new_utc((int)f->year, (int)f->month, (int)f->day, (int)f->hour, (int)f->minute,
                            f->second);
  if (!utc)
    return NULL;
  tz = g_time_zone_new_offset(offset * 60);
  local = g_date_time_to_timezone(utc, tz);
  zone->offset_minutes = has_offset ? offset : MMD_TIMEZONE_UNKNOWN;
  zone->dst_minutes = has_dst ? (int)f->daylight_saving_time_offset_minutes : MMD_TIMEZONE_UNKNOWN;
  zone->leap_seconds = MMD_TIMEZONE_UNKNOWN;
  return local ? g_date_time_format(local, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

static void
on_indication(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  MmdMbimBackend *self = user_data;
  g_autofree char *text = NULL;
  MmdTimezone zone;

  if (n->id == MBIM_NOTIFICATION_MS_NITZ && (text = nitz_text(n->ms_nitz, &zone)))
    mmd_modem_report_network_time(modem_of(self), text, &zone);
}

void
mbim_time_attach(MmdMbimBackend *self)
{
  g_signal_connect_object(self->device, "indication", G_CALLBACK(on_indication), self, 0);
}

static void
nitz_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimNitzInfo) f
      = mbim_command_ms_nitz_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  MmdTimezone zone;
  char *text;

  if (mbim_failed(task, f, error))
    return;
  text = nitz_text(f, &zone);
  if (!text) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                            "The modem's network time is no time");
    g_object_unref(task);
    return;
  }
  g_task_return_pointer(task, text, g_free);
  g_object_unref(task);
}

void
mbim_get_network_time(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  mbim_command_ms_nitz_query(mbim_device_of(task), CMD_TIMEOUT_S, cancellable, nitz_read, task);
}
