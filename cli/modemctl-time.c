/* modemctl: the Time interface (--time), with mmcli's keys. */
#include <stdlib.h>

#include "modemctl.h"

static char *
zone_value(GVariant *zone, const char *key)
{
  gint32 v;

  return zone && g_variant_lookup(zone, key, "i", &v) ? g_strdup_printf("%d", v) : NULL;
}

int
modemctl_time_run(Ctx *ctx, MdbusObject *object)
{
  MdbusModemTime *time = mdbus_object_peek_modem_time(object);
  g_autoptr(Output) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = NULL;
  GVariant *zone;

  if (!time)
    return ctx_fail("the modem has no Time interface");
  ctx_set_timeout(ctx, time, FALSE);
  if (!mdbus_modem_time_call_get_network_time_sync(time, &now, NULL, &error))
    return ctx_fail_error(error);
  zone = mdbus_modem_time_get_network_timezone(time);
  output = output_new(ctx->output_type);
  output_add(output, "Time", "current", "modem.time.current", now);
  output_add_take(output, "Timezone", "current", "modem.timezone.current",
                  zone_value(zone, "offset"));
  output_add_take(output, "Timezone", "dst offset", "modem.time.dst-offset",
                  zone_value(zone, "dst-offset"));
  output_add_take(output, "Timezone", "leap seconds", "modem.time.leap-seconds",
                  zone_value(zone, "leap-seconds"));
  output_print(output);
  return EXIT_SUCCESS;
}
