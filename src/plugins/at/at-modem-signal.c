/* Signal over AT: +CSQ and +CESQ, and the "signal" indicator (+CMER, +CIEV)
 * that the modem reports by itself. */
#include "at-modem.h"

#include <math.h>

/* Signal */

static gboolean
h_csq(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  int rssi, ber;

  if (!at_require_ok(cmd_error, error) || !mmd_at_parse_csq(response, &rssi, &ber, error))
    return FALSE;
  mmd_modem_set_signal_quality(modem_of(self), mmd_signal_percent_from_csq(rssi));
  if (rssi != 99) {
    GVariantDict d;
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "rssi", "d", -113.0 + 2 * rssi);
    seq->data = g_variant_ref_sink(g_variant_dict_end(&d));
    seq->data_free = (GDestroyNotify)g_variant_unref;
  }
  return TRUE;
}

GVariant *
at_values(const char *k1, double v1, const char *k2, double v2)
{
  GVariantDict d;
  gboolean any = FALSE;

  g_variant_dict_init(&d, NULL);
  if (k1 && !isnan(v1)) {
    g_variant_dict_insert(&d, k1, "d", v1);
    any = TRUE;
  }
  if (k2 && !isnan(v2)) {
    g_variant_dict_insert(&d, k2, "d", v2);
    any = TRUE;
  }
  if (!any) {
    g_variant_dict_clear(&d);
    return NULL;
  }
  return g_variant_dict_end(&d);
}

static gboolean
h_cesq(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdModem *modem = modem_of(self);
  MmdAtSignal s;

  if (cmd_error || !mmd_at_parse_cesq(response, &s, NULL)) {
    /* +CSQ is all we have: the GSM value */
    if (seq->data)
      mmd_modem_set_signal_values(modem, "gsm", g_variant_ref(seq->data));
    return TRUE;
  }
  mmd_modem_set_signal_values(modem, "gsm", at_values("rssi", s.rssi, NULL, NAN));
  mmd_modem_set_signal_values(modem, "umts", at_values("rscp", s.rscp, "ecio", s.ecio));
  mmd_modem_set_signal_values(modem, "lte", at_values("rsrp", s.rsrp, "rsrq", s.rsrq));
  mmd_modem_set_signal_values(modem, "nr5g", at_values("rsrp", s.nr_rsrp, "rsrq", s.nr_rsrq));
  return TRUE;
}

static void
quality_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_task_propagate_boolean(G_TASK(result), NULL);
}

/* Registered: the signal is known now (modems answer 99 while searching).
 * A modem that reports its signal indicator says so itself. */
void
at_refresh_quality(MmdAtModem *self)
{
  Seq *seq;

  if (!self->ch || mmd_at_channel_in_data_mode(self->ch) || self->signal_indicator)
    return;
  seq = at_seq_new(self, NULL, quality_done, NULL);
  at_seq_add(seq, "AT+CSQ", 0, 0, FALSE, h_csq);
  at_seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  at_seq_next(seq);
}

void
at_refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  /* a single port in data mode cannot be asked: keep the last at_values */
  if (self->ch && mmd_at_channel_in_data_mode(self->ch)) {
    at_seq_finish(seq);
    return;
  }
  at_seq_add(seq, "AT+CSQ", 0, 0, FALSE, h_csq);
  at_seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  at_seq_next(seq);
}

/* Events: the "signal" indicator of +CIND, reported as +CIEV once +CMER
 * asks for indicator reports. Its steps are the modem's: the client's RSSI
 * threshold cannot change them. */

static gboolean
h_cind_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  guint index, max;

  if (cmd_error) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED, "No indicators (+CIND): %s",
                cmd_error->message);
    return FALSE;
  }
  if (!mmd_at_parse_cind_test(response, "signal", &index, &max, error))
    return FALSE;
  if (max == 0) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                "A signal indicator of one value");
    return FALSE;
  }
  self->signal_indicator = index;
  self->signal_indicator_max = max;
  return TRUE;
}

/* Without indicator reports the indicator is of no use. */
static gboolean
h_cmer(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!at_require_ok(cmd_error, error)) {
    self->signal_indicator = 0;
    return FALSE;
  }
  return TRUE;
}

void
at_setup_signal_events(MmdBackend *backend, guint rssi_threshold, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);

  self->signal_indicator = 0;
  at_seq_add(seq, "AT+CIND=?", 0, 0, TRUE, h_cind_test);
  at_seq_add(seq, "AT+CMER=3,0,0,1", 0, 0, TRUE, h_cmer);
  at_seq_add(seq, "AT+CSQ", 0, 0, FALSE, h_csq);
  at_seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  at_seq_next(seq);
}

/* +CSQ is finer than the indicator: the quality comes from it, and from the
 * indicator only when the modem refuses it. */
static gboolean
h_csq_after_ciev(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  if (cmd_error || !h_csq(self, seq, response, cmd_error, NULL))
    mmd_modem_set_signal_quality(modem_of(self), seq->counter);
  return TRUE;
}

/* The indicator says that the signal changed, in a few steps: the quality
 * and the values of each technology come from one read because of it,
 * never from a timer. */
void
at_on_ciev(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdAtModem *self = user_data;
  guint index, value;
  Seq *seq;

  if (!mmd_at_parse_ciev(line, &index, &value, NULL) || index != self->signal_indicator
      || !self->signal_indicator)
    return;
  if (!self->ch || mmd_at_channel_in_data_mode(self->ch)) {
    mmd_modem_set_signal_quality(modem_of(self), MIN(value, self->signal_indicator_max) * 100
                                                     / self->signal_indicator_max);
    return;
  }
  seq = at_seq_new(self, NULL, quality_done, NULL);
  seq->counter = MIN(value, self->signal_indicator_max) * 100 / self->signal_indicator_max;
  at_seq_add(seq, "AT+CSQ", 0, 0, TRUE, h_csq_after_ciev);
  at_seq_add(seq, "AT+CESQ", 0, 0, TRUE, h_cesq);
  at_seq_next(seq);
}
