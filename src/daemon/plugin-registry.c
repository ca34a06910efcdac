/* Plugin registration and matching. */
#include "plugin-registry.h"

#include <stdlib.h>
#include <string.h>

static const MmdPlugin **sorted;

static int
compare_priority(gconstpointer a, gconstpointer b)
{
  const MmdPlugin *pa = *(const MmdPlugin *const *)a;
  const MmdPlugin *pb = *(const MmdPlugin *const *)b;
  return pa->priority - pb->priority;
}

void
mmd_plugins_register(const MmdPlugin *const *plugins)
{
  gsize n = 0;

  while (plugins && plugins[n])
    n++;
  g_free(sorted);
  sorted = g_new0(const MmdPlugin *, n + 1);
  if (n)
    memcpy(sorted, plugins, n * sizeof(*sorted));
  qsort(sorted, n, sizeof(*sorted), compare_priority);
}

const MmdPlugin *const *
mmd_plugins_get_all(void)
{
  static const MmdPlugin *const none[] = { NULL };

  return sorted ? (const MmdPlugin *const *)sorted : none;
}

static gboolean
ids_match(const MmdDeviceId *ids, guint16 vendor, guint16 product)
{
  if (!ids || !ids[0].vendor)
    return TRUE;
  for (const MmdDeviceId *id = ids; id->vendor; id++)
    if (id->vendor == vendor && (!id->product || id->product == product))
      return TRUE;
  return FALSE;
}

static gboolean
any_in_list(const char *const *wanted, const char *const *have)
{
  if (!wanted || !wanted[0])
    return TRUE;
  for (guint i = 0; have && have[i]; i++)
    if (g_strv_contains(wanted, have[i]))
      return TRUE;
  return FALSE;
}

gboolean
mmd_plugin_matches_device(const MmdPlugin *plugin, const MmdDeviceInfo *info)
{
  static const MmdDeviceInfo unknown = { 0 };

  if (!info)
    info = &unknown;
  return ids_match(plugin->ids, info->vendor_id, info->product_id)
         && ids_match(plugin->subsystem_ids, info->subsystem_vendor_id, info->subsystem_device_id)
         && any_in_list(plugin->drivers, info->drivers) && any_in_list(plugin->tags, info->tags);
}

const MmdPlugin *
mmd_plugins_find(const MmdDeviceInfo *info, GPtrArray *ports, const MmdPort **out_primary)
{
  const MmdPlugin *const *plugins = mmd_plugins_get_all();

  for (guint p = 0; plugins[p]; p++) {
    if (!mmd_plugin_matches_device(plugins[p], info))
      continue;
    for (guint i = 0; i < ports->len; i++) {
      const MmdPort *port = g_ptr_array_index(ports, i);
      if (plugins[p]->supports_port(port->type)) {
        if (out_primary)
          *out_primary = port;
        return plugins[p];
      }
    }
  }
  return NULL;
}
