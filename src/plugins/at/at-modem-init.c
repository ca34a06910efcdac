/* Initialization of an AT modem: identity, SIM, capabilities, modes. */
#include "at-modem.h"

#include <string.h>

/* Initialization */

/* An identity answer into *field; on an error the other spelling alt is
 * tried once (answered by handler again), and the field is left alone. */
static gboolean
store_identity(Seq *seq, const char *response, const GError *cmd_error, char **field,
               char *(*parse)(const char *response, GError **error), const char *alt,
               StepHandler handler)
{
  if (cmd_error) {
    if (seq->counter++ == 0)
      at_seq_add_next(seq, alt, 0, 0, TRUE, handler);
    return TRUE;
  }
  g_free(*field);
  *field = parse(response, NULL);
  return TRUE;
}

static gboolean
h_manufacturer(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  return store_identity(seq, response, cmd_error, &self->manufacturer, mmd_at_parse_info, "AT+GMI",
                        h_manufacturer);
}

static gboolean
h_model(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  return store_identity(seq, response, cmd_error, &self->model, mmd_at_parse_info, "AT+GMM",
                        h_model);
}

static gboolean
h_revision(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
           GError **error)
{
  return store_identity(seq, response, cmd_error, &self->revision, mmd_at_parse_info, "AT+GMR",
                        h_revision);
}

static gboolean
h_imei(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  return store_identity(seq, response, cmd_error, &self->imei, mmd_at_parse_imei, "AT+GSN", h_imei);
}

static const char *const iccid_commands[] = { "AT+CCID", "AT+ICCID", "AT^ICCID", "AT+QCCID" };

static gboolean
h_iccid(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autofree char *iccid = cmd_error ? NULL : mmd_at_parse_iccid(response, NULL);

  if (!iccid) {
    /* try the next vendor's spelling */
    guint next = ++seq->counter;
    if (next < G_N_ELEMENTS(iccid_commands))
      at_seq_add_next(seq, iccid_commands[next], 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_iccid);
    return TRUE;
  }
  g_free(self->iccid);
  self->iccid = g_steal_pointer(&iccid);
  return TRUE;
}

void
at_add_iccid_steps(Seq *seq)
{
  seq->counter = 0;
  at_seq_add(seq, iccid_commands[0], 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_iccid);
}

static gboolean
h_imsi(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!cmd_error) {
    g_free(self->imsi);
    self->imsi = mmd_at_parse_imsi(response, NULL);
  }
  return TRUE;
}

static gboolean
h_ef_ad(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GBytes) ad = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = ad ? g_bytes_get_data(ad, &len) : NULL;

  self->mnc_length = data ? mmd_sim_decode_mnc_length(data, len) : 0;
  return TRUE;
}

static gboolean
h_ef_spn(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GBytes) spn = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = spn ? g_bytes_get_data(spn, &len) : NULL;

  g_free(self->spn);
  self->spn = data ? mmd_sim_decode_spn(data, len) : NULL;
  return TRUE;
}

/* The IMSI, and the SIM files that say which operator issued it. */
void
at_add_imsi_steps(Seq *seq)
{
  at_seq_add(seq, "AT+CIMI", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_imsi);
  /* READ BINARY of EF_AD (MNC length) and EF_SPN */
  at_seq_add(seq, "AT+CRSM=176,28589,0,0,4", 0, 0, TRUE, h_ef_ad);
  at_seq_add(seq, "AT+CRSM=176,28486,0,0,17", 0, 0, TRUE, h_ef_spn);
}

static gboolean
h_cnum(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  if (!cmd_error) {
    g_strfreev(self->numbers);
    self->numbers = mmd_at_parse_cnum(response, NULL);
  }
  return TRUE;
}

gboolean
at_h_retries(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  MmdAtRetries r;

  if (cmd_error || !mmd_at_parse_pin_retries(response, &r, NULL))
    return TRUE;
  if (r.pin >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PIN, (guint)r.pin);
  if (r.puk >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PUK, (guint)r.puk);
  if (r.pin2 >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PIN2, (guint)r.pin2);
  if (r.puk2 >= 0)
    mmd_modem_set_unlock_retries(modem_of(self), MMD_MODEM_LOCK_SIM_PUK2, (guint)r.puk2);
  return TRUE;
}

void
at_publish_sim(MmdAtModem *self)
{
  g_autofree char *operator_id = NULL;

  if (!self->iccid && !self->imsi)
    return;
  /* MCC and MNC are the IMSI's first digits; EF_AD says how many the MNC has */
  if (self->imsi && self->mnc_length && strlen(self->imsi) >= 3 + self->mnc_length)
    operator_id = g_strndup(self->imsi, 3 + self->mnc_length);
  mmd_modem_set_sim(modem_of(self), self->iccid, self->imsi, operator_id, self->spn);
}

static gboolean
h_cpin(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  MmdModemLock lock = MMD_MODEM_LOCK_UNKNOWN;

  if (cmd_error) {
    if (g_error_matches(cmd_error, MMD_MOBILE_EQUIPMENT_ERROR,
                        MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED)) {
      seq->data = GINT_TO_POINTER(1); /* no SIM */
      return TRUE;
    }
    /* SIM busy, failure: report what we can */
    mmd_modem_set_unlock_required(modem_of(self), MMD_MODEM_LOCK_UNKNOWN);
    return TRUE;
  }
  if (!mmd_at_parse_cpin(response, &lock, error))
    return FALSE;
  mmd_modem_set_unlock_required(modem_of(self), lock);
  at_seq_add(seq, "AT+CPINR", 0, 0, TRUE, at_h_retries);
  at_add_iccid_steps(seq);
  if (lock == MMD_MODEM_LOCK_NONE) {
    at_add_imsi_steps(seq);
    at_seq_add(seq, "AT+CNUM", 0, MMD_AT_COMMAND_PERSONAL, TRUE, h_cnum);
  }
  return TRUE;
}

static gboolean
h_cfun(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  int fun;

  if (!cmd_error && mmd_at_parse_cfun(response, &fun, NULL))
    mmd_modem_set_power_state(modem_of(self),
                              fun == 1 ? MMD_MODEM_POWER_STATE_ON : MMD_MODEM_POWER_STATE_LOW);
  return TRUE;
}

static gboolean
h_cgdcont_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
               GError **error)
{
  guint max_cid, families;

  if (!cmd_error && mmd_at_parse_cgdcont_test(response, &max_cid, &families, NULL))
    self->families = families;
  return TRUE;
}

static gboolean
h_cgcontrdp_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  self->has_cgcontrdp = cmd_error == NULL;
  return TRUE;
}

static gboolean
h_cgact_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
             GError **error)
{
  if (!cmd_error)
    at_seq_add_next(seq, "AT+CGCONTRDP=?", 0, 0, TRUE, h_cgcontrdp_test);
  return TRUE;
}

static gboolean
h_ws46_read_step(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                 GError **error)
{
  int v;

  if (!cmd_error && mmd_at_parse_ws46_read(response, &v, NULL))
    self->ws46_current = v;
  return TRUE;
}

static gboolean
h_ws46_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  g_autoptr(GArray) at_values = cmd_error ? NULL : mmd_at_parse_ws46_test(response, NULL);

  g_clear_pointer(&self->ws46, g_array_unref);
  if (!at_values)
    return TRUE;
  self->ws46 = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < at_values->len; i++)
    if (mmd_at_ws46_to_modes(g_array_index(at_values, int, i)))
      g_array_append_val(self->ws46, g_array_index(at_values, int, i));
  if (self->ws46->len == 0)
    g_clear_pointer(&self->ws46, g_array_unref);
  else
    at_seq_add_next(seq, "AT+WS46?", 0, 0, TRUE, h_ws46_read_step);
  return TRUE;
}

void
at_publish_modes(MmdAtModem *self)
{
  MmdModem *modem = modem_of(self);
  static const guint fallback[][2] = {
    { MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE },
  };
  guint(*pairs)[2] = NULL;
  guint current;

  if (!self->ws46) {
    mmd_modem_set_supported_modes(modem, fallback, G_N_ELEMENTS(fallback));
    mmd_modem_set_current_modes(modem, fallback[0][0], fallback[0][1]);
    return;
  }
  pairs = g_malloc0_n(self->ws46->len, sizeof *pairs);
  for (guint i = 0; i < self->ws46->len; i++)
    pairs[i][0] = mmd_at_ws46_to_modes(g_array_index(self->ws46, int, i));
  mmd_modem_set_supported_modes(modem, (const guint(*)[2])pairs, self->ws46->len);
  g_free(pairs);
  current = mmd_at_ws46_to_modes(self->ws46_current);
  if (current)
    mmd_modem_set_current_modes(modem, current, MMD_MODEM_MODE_NONE);
}

static void
initialize_done(MmdAtModem *self, Seq *seq)
{
  MmdModem *modem = modem_of(self);

  mmd_modem_set_identity(modem, self->manufacturer ? self->manufacturer : "",
                         self->model ? self->model : "", self->revision ? self->revision : "",
                         NULL);
  if (self->imei)
    mmd_modem_set_equipment_identifier(modem, self->imei);
  mmd_modem_set_capabilities(modem, MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE,
                             MMD_MODEM_CAPABILITY_GSM_UMTS | MMD_MODEM_CAPABILITY_LTE);
  mmd_modem_set_max_bearers(modem, 1, 1);
  at_publish_modes(self);
  mmd_modem_set_supported_ip_families(modem,
                                      self->families ? self->families : MMD_BEARER_IP_FAMILY_IPV4);
  if (self->numbers)
    mmd_modem_set_own_numbers(modem, (const char *const *)self->numbers);
  if (seq->data) {
    mmd_modem_set_sim_missing(modem);
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING);
  } else {
    at_publish_sim(self);
  }
  g_task_return_boolean(seq->task, TRUE);
}

void
at_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);
  GError *error = NULL;

  if (!at_open_port(self, &error)) {
    at_seq_fail(seq, error);
    return;
  }
  seq->done = initialize_done;
  /* the first command may meet line noise or a modem still booting */
  at_seq_add(seq, "AT", 1000, 0, TRUE, NULL);
  at_seq_add(seq, "ATE0", 0, 0, TRUE, NULL);
  at_seq_add(seq, "AT+CMEE=1", 0, 0, TRUE, NULL);
  at_time_add_init_steps(seq);
  at_location_add_init_steps(seq);
  at_seq_add(seq, "AT+CGMI", 0, 0, TRUE, h_manufacturer);
  at_seq_add(seq, "AT+CGMM", 0, 0, TRUE, h_model);
  at_seq_add(seq, "AT+CGMR", 0, 0, TRUE, h_revision);
  at_seq_add(seq, "AT+CGSN", 0, 0, TRUE, h_imei);
  at_seq_add(seq, "AT+CFUN?", 0, 0, TRUE, h_cfun);
  at_seq_add(seq, "AT+CGDCONT=?", 0, 0, TRUE, h_cgdcont_test);
  at_seq_add(seq, "AT+WS46=?", 0, 0, TRUE, h_ws46_test);
  /* for a net port, now or later (it may be announced after the modem) */
  at_seq_add(seq, "AT+CGACT?", 0, 0, TRUE, h_cgact_test);
  at_seq_add(seq, "AT+CPIN?", 0, 0, TRUE, h_cpin);
  at_voice_add_init_steps(seq);
  at_seq_next(seq);
}
