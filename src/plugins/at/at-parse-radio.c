/* Signal, access modes and power from 27.007 responses. */
#include "at-parse-radio.h"

#include <math.h>

#include "at-parse-common.h"
#include "mmd-enums.h"

gboolean
mmd_at_parse_csq(const char *response, int *rssi, int *ber, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_first_fields(response, "+CSQ:");

  if (!f || !mmd_at_field_int(f, 0, rssi) || (*rssi > 31 && *rssi != 99))
    return mmd_at_parse_fail(error, "+CSQ", response);
  if (!mmd_at_field_int(f, 1, ber))
    *ber = 99;
  return TRUE;
}

gboolean
mmd_at_parse_cesq(const char *response, MmdAtSignal *sig, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_first_fields(response, "+CESQ:");
  int v[9];

  for (guint i = 0; i < G_N_ELEMENTS(v); i++)
    v[i] = -1;
  if (!f || f->len < 6)
    return mmd_at_parse_fail(error, "+CESQ", response);
  for (guint i = 0; i < f->len && i < G_N_ELEMENTS(v); i++)
    if (!mmd_at_field_int(f, i, &v[i]))
      return mmd_at_parse_fail(error, "+CESQ", response);
  /* 27.007 8.69: each value is an index into a range of dBm or dB */
  sig->rssi = v[0] >= 0 && v[0] <= 63 ? -111.0 + v[0] : NAN;
  sig->rscp = v[2] >= 0 && v[2] <= 96 ? -121.0 + v[2] : NAN;
  sig->ecio = v[3] >= 0 && v[3] <= 49 ? -24.5 + v[3] / 2.0 : NAN;
  sig->rsrq = v[4] >= 0 && v[4] <= 34 ? -20.0 + v[4] / 2.0 : NAN;
  sig->rsrp = v[5] >= 0 && v[5] <= 97 ? -141.0 + v[5] : NAN;
  sig->nr_rsrq = v[6] >= 0 && v[6] <= 127 ? -43.0 + v[6] / 2.0 : NAN;
  sig->nr_rsrp = v[7] >= 0 && v[7] <= 126 ? -157.0 + v[7] : NAN;
  sig->nr_snr = v[8] >= 0 && v[8] <= 127 ? -23.0 + v[8] / 2.0 : NAN;
  return TRUE;
}

/* 27.007 section 5.9 */
static const struct {
  int value;
  guint modes;
} ws46_modes[] = {
  { 12, MMD_MODEM_MODE_2G },
  { 22, MMD_MODEM_MODE_3G },
  { 25, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G },
  { 28, MMD_MODEM_MODE_4G },
  { 29, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G },
  { 30, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_4G },
  { 31, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G },
  { 35, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 36, MMD_MODEM_MODE_5G },
  { 37, MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 38, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 39, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 40, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_5G },
  { 41, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_5G },
  { 42, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_5G },
};

guint
mmd_at_ws46_to_modes(int value)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ws46_modes); i++)
    if (ws46_modes[i].value == value)
      return ws46_modes[i].modes;
  return 0;
}

int
mmd_at_modes_to_ws46(guint modes)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ws46_modes); i++)
    if (ws46_modes[i].modes == modes)
      return ws46_modes[i].value;
  return -1;
}

/* At most 4 decimal digits at *p into *out; advances p. */
static gboolean
small_number(const char **p, gulong *out)
{
  int digits = 0;

  *out = 0;
  while (g_ascii_isdigit(**p) && digits < 4) {
    *out = *out * 10 + (gulong)(*(*p)++ - '0');
    digits++;
  }
  return digits > 0 && !g_ascii_isdigit(**p);
}

/* "(12,22,25,28-31)" into values; FALSE on anything else. A range spans at
 * most 100 values, so that a modem cannot make the list huge. */
static gboolean
parse_value_list(const char *p, GArray *values)
{
  while (*p) {
    gulong a, b;

    if (*p == '(' || *p == ')' || *p == ',' || *p == ' ') {
      p++;
      continue;
    }
    if (!small_number(&p, &a))
      return FALSE;
    b = a;
    if (*p == '-') {
      p++;
      if (!small_number(&p, &b) || b < a || b - a > 100)
        return FALSE;
    }
    for (gulong x = a; x <= b; x++) {
      int iv = (int)x;
      g_array_append_val(values, iv);
    }
  }
  return values->len > 0;
}

GArray *
mmd_at_parse_ws46_test(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+WS46:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GArray) values = NULL;

    if (!v)
      continue;
    values = g_array_new(FALSE, FALSE, sizeof(int));
    if (parse_value_list(v, values))
      return g_steal_pointer(&values);
    break;
  }
  mmd_at_parse_fail(error, "+WS46=?", response);
  return NULL;
}

gboolean
mmd_at_parse_ws46_read(const char *response, int *value, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_first_fields(response, "+WS46:");

  if (!f || !mmd_at_field_int(f, 0, value) || *value > 255)
    return mmd_at_parse_fail(error, "+WS46?", response);
  return TRUE;
}

gboolean
mmd_at_parse_cfun(const char *response, int *fun, GError **error)
{
  g_autoptr(GPtrArray) f = mmd_at_first_fields(response, "+CFUN:");

  if (!f || !mmd_at_field_int(f, 0, fun) || *fun > 255)
    return mmd_at_parse_fail(error, "+CFUN?", response);
  return TRUE;
}
