/* modemctl: the Signal interface (--signal-setup, --signal-get), with
 * mmcli's keys and values: units in the human table only. */
#include <stdlib.h>

#include "modemctl.h"

typedef struct {
  const char *name; /* key in the a{sv}, and the last part of the output key */
  const char *unit;
} SignalValue;

static void
add_value(Output *output, const char *section, const char *key, const char *label, GVariant *dict,
          const char *name, const char *unit)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  double d;

  if (!dict || !g_variant_is_of_type(dict, G_VARIANT_TYPE_VARDICT)
      || !g_variant_lookup(dict, name, "d", &d)) {
    output_add(output, section, label, key, NULL);
    return;
  }
  /* not the locale's decimal separator: programs read it too */
  g_ascii_formatd(number, sizeof number, "%.2f", d);
  if (output_get_type(output) == OUTPUT_HUMAN)
    output_add_printf(output, section, label, key, "%s %s", number, unit);
  else
    output_add(output, section, label, key, number);
}

/* The values of one technology, then its error rate, as mmcli lists them. */
static void
add_technology(Output *output, GVariant *dict, const char *section, const char *key_base,
               const SignalValue *values, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    g_autofree char *key = g_strdup_printf("modem.signal.%s.%s", key_base, values[i].name);

    add_value(output, section, key, values[i].name, dict, values[i].name, values[i].unit);
  }
}

static void
add_unsigned(Output *output, const char *label, const char *key, guint value, const char *unit)
{
  if (output_get_type(output) == OUTPUT_HUMAN)
    output_add_printf(output, "Signal", label, key, "%u %s", value, unit);
  else
    output_add_printf(output, "Signal", label, key, "%u", value);
}

static int
signal_get(Ctx *ctx, MdbusModemSignal *sig)
{
  static const SignalValue cdma[] = { { "rssi", "dBm" }, { "ecio", "dBm" }, { "error-rate", "%" } };
  static const SignalValue evdo[] = {
    { "rssi", "dBm" }, { "ecio", "dB" }, { "sinr", "dB" }, { "io", "dBm" }, { "error-rate", "%" }
  };
  static const SignalValue gsm[] = { { "rssi", "dBm" }, { "error-rate", "%" } };
  static const SignalValue umts[]
      = { { "rssi", "dBm" }, { "rscp", "dBm" }, { "ecio", "dB" }, { "error-rate", "%" } };
  static const SignalValue lte[] = {
    { "rssi", "dBm" }, { "rsrq", "dB" }, { "rsrp", "dBm" }, { "snr", "dB" }, { "error-rate", "%" }
  };
  static const SignalValue nr5g[]
      = { { "rsrq", "dB" }, { "rsrp", "dBm" }, { "snr", "dB" }, { "error-rate", "%" } };
  g_autoptr(Output) output = output_new(ctx->output_type);

  add_unsigned(output, "refresh rate", "modem.signal.refresh.rate",
               mdbus_modem_signal_get_rate(sig), "seconds");
  add_unsigned(output, "rssi threshold", "modem.signal.threshold.rssi",
               mdbus_modem_signal_get_rssi_threshold(sig), "dBm");
  output_add(output, "Signal", "error rate threshold", "modem.signal.threshold.error-rate",
             mdbus_modem_signal_get_error_rate_threshold(sig) ? "yes" : "no");
  add_technology(output, mdbus_modem_signal_get_cdma(sig), "CDMA1x", "cdma1x", cdma,
                 G_N_ELEMENTS(cdma));
  add_technology(output, mdbus_modem_signal_get_evdo(sig), "EV-DO", "evdo", evdo,
                 G_N_ELEMENTS(evdo));
  add_technology(output, mdbus_modem_signal_get_gsm(sig), "GSM", "gsm", gsm, G_N_ELEMENTS(gsm));
  add_technology(output, mdbus_modem_signal_get_umts(sig), "UMTS", "umts", umts,
                 G_N_ELEMENTS(umts));
  add_technology(output, mdbus_modem_signal_get_lte(sig), "LTE", "lte", lte, G_N_ELEMENTS(lte));
  add_technology(output, mdbus_modem_signal_get_nr5g(sig), "5G", "5g", nr5g, G_N_ELEMENTS(nr5g));
  output_print(output);
  return EXIT_SUCCESS;
}

static int
signal_setup(Ctx *ctx, MdbusModemSignal *sig, guint rate)
{
  g_autoptr(GError) error = NULL;

  ctx_set_timeout(ctx, sig, FALSE);
  if (!mdbus_modem_signal_call_setup_sync(sig, rate, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully setup extended signal quality information retrieval");
  return EXIT_SUCCESS;
}

int
modemctl_signal_run(Ctx *ctx, MdbusObject *object, const ModemctlOptions *opts)
{
  MdbusModemSignal *sig = mdbus_object_peek_modem_signal(object);

  if (!sig)
    return ctx_fail("the modem has no Signal interface");
  if (opts->signal_get)
    return signal_get(ctx, sig);
  return signal_setup(ctx, sig, (guint)opts->signal_setup);
}
