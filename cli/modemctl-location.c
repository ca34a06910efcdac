/* modemctl: the Location interface (--location-*), with mmcli's flags and keys. */
#include <stdlib.h>

#include "location-format.h"
#include "mmd-enums.h"
#include "modemctl.h"

#define GPS_SOURCES (MMD_MODEM_LOCATION_SOURCE_GPS_RAW | MMD_MODEM_LOCATION_SOURCE_GPS_NMEA)

gboolean
modemctl_location_setup_requested(const ModemctlOptions *opts)
{
  return opts->location_enable_3gpp || opts->location_disable_3gpp || opts->location_enable_gps_raw
         || opts->location_disable_gps_raw || opts->location_enable_gps_nmea
         || opts->location_disable_gps_nmea || opts->location_set_enable_signal
         || opts->location_set_disable_signal;
}

static void
add_sources(Output *output, const char *label, const char *key, guint sources)
{
  output_add_flags_take(output, "Location", label, key,
                        modemctl_location_sources_build_string(sources));
}

/* GPS settings are shown only for a modem with GPS, as mmcli does. */
static void
add_gps_status(Output *output, MdbusModemLocation *loc)
{
  guint caps = mdbus_modem_location_get_capabilities(loc);
  gboolean gps = (caps & GPS_SOURCES) != 0;
  gboolean agps
      = (caps & (MMD_MODEM_LOCATION_SOURCE_AGPS_MSA | MMD_MODEM_LOCATION_SOURCE_AGPS_MSB)) != 0;
  guint assistance = mdbus_modem_location_get_supported_assistance_data(loc);

  if (gps)
    output_add_printf(output, "GPS", "refresh rate", "modem.location.gps.refresh-rate",
                      output_get_type(output) == OUTPUT_HUMAN ? "%u seconds" : "%u",
                      mdbus_modem_location_get_gps_refresh_rate(loc));
  else
    output_add(output, "GPS", "refresh rate", "modem.location.gps.refresh-rate", NULL);
  output_add(output, "GPS", "a-gps supl server", "modem.location.gps.supl-server",
             gps && agps ? mdbus_modem_location_get_supl_server(loc) : NULL);
  output_add_flags_take(output, "GPS", "supported assistance", "modem.location.gps.assistance",
                        g_strdup(gps && assistance ? "xtra" : "none"));
  output_add_list(output, "GPS", "assistance servers", "modem.location.gps.assistance-servers",
                  gps && assistance ? mdbus_modem_location_get_assistance_data_servers(loc) : NULL);
}

static int
location_status(Ctx *ctx, MdbusModemLocation *loc)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  add_sources(output, "capabilities", "modem.location.capabilities",
              mdbus_modem_location_get_capabilities(loc));
  add_sources(output, "enabled", "modem.location.enabled", mdbus_modem_location_get_enabled(loc));
  output_add(output, "Location", "signals", "modem.location.signals",
             mdbus_modem_location_get_signals_location(loc) ? "yes" : "no");
  add_gps_status(output, loc);
  output_print(output);
  return EXIT_SUCCESS;
}

/* The value of one source in an a{uv}, or NULL. */
static GVariant *
source_value(GVariant *location, guint source)
{
  GVariantIter iter;
  guint32 key;
  GVariant *value;

  g_variant_iter_init(&iter, location);
  while (g_variant_iter_next(&iter, "{uv}", &key, &value)) {
    if (key == source)
      return value;
    g_variant_unref(value);
  }
  return NULL;
}

static void
add_3gpp(Output *output, GVariant *location)
{
  g_autoptr(GVariant) value = source_value(location, MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI);
  g_auto(ModemctlCell) cell = { 0 };

  if (value && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    modemctl_parse_3gpp_location(g_variant_get_string(value, NULL), &cell);
  output_add(output, "3GPP", "operator mcc", "modem.location.3gpp.mcc", cell.mcc);
  output_add(output, "3GPP", "operator mnc", "modem.location.3gpp.mnc", cell.mnc);
  output_add(output, "3GPP", "location area code", "modem.location.3gpp.lac", cell.lac);
  output_add(output, "3GPP", "tracking area code", "modem.location.3gpp.tac", cell.tac);
  output_add(output, "3GPP", "cell id", "modem.location.3gpp.cid", cell.ci);
}

static char *
raw_double(GVariant *raw, const char *key)
{
  double v;

  return raw && g_variant_lookup(raw, key, "d", &v) ? g_strdup_printf("%lf", v) : NULL;
}

static void
add_gps(Output *output, GVariant *location)
{
  g_autoptr(GVariant) nmea = source_value(location, MMD_MODEM_LOCATION_SOURCE_GPS_NMEA);
  g_autoptr(GVariant) raw = source_value(location, MMD_MODEM_LOCATION_SOURCE_GPS_RAW);
  g_auto(GStrv) sentences = NULL;
  const char *utc = NULL;

  if (nmea && g_variant_is_of_type(nmea, G_VARIANT_TYPE_STRING))
    sentences = g_strsplit(g_variant_get_string(nmea, NULL), "\r\n", -1);
  if (raw && !g_variant_is_of_type(raw, G_VARIANT_TYPE_VARDICT))
    g_clear_pointer(&raw, g_variant_unref);
  if (raw)
    g_variant_lookup(raw, "utc-time", "&s", &utc);
  output_add_list(output, "GPS", "nmea", "modem.location.gps.nmea", (const char *const *)sentences);
  output_add(output, "GPS", "utc", "modem.location.gps.utc", utc);
  output_add_take(output, "GPS", "longitude", "modem.location.gps.longitude",
                  raw_double(raw, "longitude"));
  output_add_take(output, "GPS", "latitude", "modem.location.gps.latitude",
                  raw_double(raw, "latitude"));
  output_add_take(output, "GPS", "altitude", "modem.location.gps.altitude",
                  raw_double(raw, "altitude"));
  /* no CDMA here: the keys say so, as mmcli's do */
  output_add(output, "CDMA BS", "longitude", "modem.location.cdma-bs.longitude", NULL);
  output_add(output, "CDMA BS", "latitude", "modem.location.cdma-bs.latitude", NULL);
}

static int
location_get(Ctx *ctx, MdbusModemLocation *loc)
{
  g_autoptr(Output) output = output_new(ctx->output_type);
  g_autoptr(GVariant) location = NULL;
  g_autoptr(GError) error = NULL;

  if (!mdbus_modem_location_call_get_location_sync(loc, &location, NULL, &error))
    return ctx_fail_error(error);
  add_3gpp(output, location);
  add_gps(output, location);
  output_print(output);
  return EXIT_SUCCESS;
}

/* The sources and signalling the flags ask for, from what is set now: as
 * mmcli, each flag changes its own source only. */
static void
requested_setup(MdbusModemLocation *loc, const ModemctlOptions *opts, guint *sources,
                gboolean *signals)
{
  static const struct {
    guint source;
    gsize enable, disable; /* offsets of the flags in ModemctlOptions */
  } flags[] = {
    { MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI, G_STRUCT_OFFSET(ModemctlOptions, location_enable_3gpp),
      G_STRUCT_OFFSET(ModemctlOptions, location_disable_3gpp) },
    { MMD_MODEM_LOCATION_SOURCE_GPS_RAW, G_STRUCT_OFFSET(ModemctlOptions, location_enable_gps_raw),
      G_STRUCT_OFFSET(ModemctlOptions, location_disable_gps_raw) },
    { MMD_MODEM_LOCATION_SOURCE_GPS_NMEA,
      G_STRUCT_OFFSET(ModemctlOptions, location_enable_gps_nmea),
      G_STRUCT_OFFSET(ModemctlOptions, location_disable_gps_nmea) },
  };

  *sources = mdbus_modem_location_get_enabled(loc);
  *signals = mdbus_modem_location_get_signals_location(loc);
  for (gsize i = 0; i < G_N_ELEMENTS(flags); i++) {
    if (G_STRUCT_MEMBER(gboolean, opts, flags[i].enable))
      *sources |= flags[i].source;
    if (G_STRUCT_MEMBER(gboolean, opts, flags[i].disable))
      *sources &= ~flags[i].source;
  }
  if (opts->location_set_enable_signal)
    *signals = TRUE;
  if (opts->location_set_disable_signal)
    *signals = FALSE;
}

static int
location_setup(Ctx *ctx, MdbusModemLocation *loc, const ModemctlOptions *opts)
{
  g_autoptr(GError) error = NULL;
  guint sources;
  gboolean signals;

  if ((opts->location_enable_3gpp && opts->location_disable_3gpp)
      || (opts->location_enable_gps_raw && opts->location_disable_gps_raw)
      || (opts->location_enable_gps_nmea && opts->location_disable_gps_nmea)
      || (opts->location_set_enable_signal && opts->location_set_disable_signal))
    return ctx_fail("cannot enable and disable the same thing at once");
  requested_setup(loc, opts, &sources, &signals);
  ctx_set_timeout(ctx, loc, FALSE);
  if (!mdbus_modem_location_call_setup_sync(loc, sources, signals, NULL, &error))
    return ctx_fail_error(error);
  ctx_success(ctx, "successfully setup location gathering");
  return EXIT_SUCCESS;
}

int
modemctl_location_run(Ctx *ctx, MdbusObject *object, const ModemctlOptions *opts)
{
  MdbusModemLocation *loc = mdbus_object_peek_modem_location(object);

  if (!loc)
    return ctx_fail("the modem has no Location interface");
  if (opts->location_status)
    return location_status(ctx, loc);
  if (opts->location_get)
    return location_get(ctx, loc);
  return location_setup(ctx, loc, opts);
}
