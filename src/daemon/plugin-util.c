/* Small pure helpers the plugins share. */
#include "plugin-util.h"

void
mmd_task_fail(GTask *task, GError *error)
{
  g_task_return_error(task, error);
  g_object_unref(task);
}

void
mmd_task_succeed(GTask *task)
{
  g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

void
mmd_scan_result_add(GVariantBuilder *list, MmdModem3gppNetworkAvailability status,
                    const char *operator_long, const char *operator_short,
                    const char *operator_code, guint access_technologies)
{
  g_variant_builder_open(list, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(list, "{sv}", "status", g_variant_new_uint32(status));
  if (operator_long)
    g_variant_builder_add(list, "{sv}", "operator-long", g_variant_new_string(operator_long));
  if (operator_short)
    g_variant_builder_add(list, "{sv}", "operator-short", g_variant_new_string(operator_short));
  if (operator_code)
    g_variant_builder_add(list, "{sv}", "operator-code", g_variant_new_string(operator_code));
  g_variant_builder_add(list, "{sv}", "access-technology",
                        g_variant_new_uint32(access_technologies));
  g_variant_builder_close(list);
}

guint
mmd_signal_percent_from_dbm(int rssi_dbm)
{
  int clamped = CLAMP(rssi_dbm, -113, -51);
  return (guint)((clamped + 113) * 100 / 62);
}

guint
mmd_signal_percent_from_csq(int rssi)
{
  if (rssi < 0 || rssi > 31)
    return 0;
  return (guint)(rssi * 100 / 31);
}
