/* The network's time over AT: +CTZR asks for time zone reports (+CTZE with
 * the time, or +CTZV with the zone only), and +CCLK reads the clock that
 * NITZ sets. */
#include "at-modem.h"

/* +CTZR=2: +CTZE with zone, DST and local time; modems without it take 1 */
static gboolean
h_ctzr(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (cmd_error)
    at_seq_add_next(seq, "AT+CTZR=1", 0, 0, TRUE, NULL);
  return TRUE;
}

void
at_time_add_init_steps(Seq *seq)
{
  at_seq_add(seq, "AT+CTZR=2", 0, 0, TRUE, h_ctzr);
}

static void
report(MmdAtModem *self, const MmdAtNetworkTime *t)
{
  g_autofree char *text = mmd_at_network_time_to_iso8601(t);
  MmdTimezone zone = {
    .offset_minutes = t->has_zone ? t->zone_quarters * 15 : MMD_TIMEZONE_UNKNOWN,
    .dst_minutes = t->dst_hours >= 0 ? t->dst_hours * 60 : MMD_TIMEZONE_UNKNOWN,
    .leap_seconds = MMD_TIMEZONE_UNKNOWN,
  };

  if (text)
    mmd_modem_report_network_time(modem_of(self), text, &zone);
}

/* +CCLK without a zone of its own is in the zone the network last gave. */
static void
apply_known_zone(MmdAtModem *self, MmdAtNetworkTime *t)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (t->has_zone || !self->has_zone || !t->time)
    return;
  zone = g_time_zone_new_offset(self->zone_quarters * 15 * 60);
  utc = g_date_time_new(zone, g_date_time_get_year(t->time), g_date_time_get_month(t->time),
                        g_date_time_get_day_of_month(t->time), g_date_time_get_hour(t->time),
                        g_date_time_get_minute(t->time), g_date_time_get_second(t->time));
  if (!utc)
    return;
  g_date_time_unref(t->time);
  t->time = g_steal_pointer(&utc);
  t->has_zone = TRUE;
  t->zone_quarters = self->zone_quarters;
}

static gboolean
h_cclk_report(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  g_auto(MmdAtNetworkTime) t = { 0 };

  if (!cmd_error && mmd_at_parse_cclk(response, &t, NULL)) {
    apply_known_zone(self, &t);
    /* the DST of the report that made us read the clock, +1 so that 0 is "none" */
    t.dst_hours = GPOINTER_TO_INT(seq->data) - 1;
    report(self, &t);
  }
  return TRUE;
}

static void
clock_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_task_propagate_boolean(G_TASK(result), NULL);
}

/* A report without the time (+CTZV, or +CTZE from modems that leave it
 * out): the clock NITZ just set has it. */
static void
read_clock(MmdAtModem *self, int dst_hours)
{
  Seq *seq;

  if (!self->ch || mmd_at_channel_in_data_mode(self->ch))
    return;
  seq = at_seq_new(self, NULL, clock_read, NULL);
  seq->data = GINT_TO_POINTER(dst_hours + 1);
  at_seq_add(seq, "AT+CCLK?", 0, 0, TRUE, h_cclk_report);
  at_seq_next(seq);
}

static void
on_time_zone_report(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_auto(MmdAtNetworkTime) t = { 0 };
  g_autoptr(GError) error = NULL;

  if (!mmd_at_parse_time_zone_report(line, &t, &error)) {
    g_debug("%s", error->message);
    return;
  }
  self->has_zone = TRUE;
  self->zone_quarters = t.zone_quarters;
  if (t.time)
    report(self, &t);
  else
    read_clock(self, t.dst_hours);
}

void
at_time_add_urc_handlers(MmdAtModem *self)
{
  static const char *const reports[] = { "+CTZE:", "+CTZEU:", "+CTZV:" };

  for (gsize i = 0; i < G_N_ELEMENTS(reports); i++)
    mmd_at_channel_add_urc_handler(self->ch, reports[i], on_time_zone_report, self);
}

/* GetNetworkTime */

static gboolean
h_cclk(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_auto(MmdAtNetworkTime) t = { 0 };

  if (!at_require_ok(cmd_error, error) || !mmd_at_parse_cclk(response, &t, error))
    return FALSE;
  apply_known_zone(self, &t);
  seq->data = mmd_at_network_time_to_iso8601(&t);
  seq->data_free = g_free;
  return TRUE;
}

static void
network_time_done(MmdAtModem *self, Seq *seq)
{
  g_task_return_pointer(seq->task, g_steal_pointer(&seq->data), g_free);
  seq->data_free = NULL;
}

void
at_get_network_time(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  seq->done = network_time_done;
  at_seq_add(seq, "AT+CCLK?", 0, 0, FALSE, h_cclk);
  at_seq_next(seq);
}
