#include "plugin.h"

#include <stdlib.h>
#include <string.h>

#include "plugins-list.h"

static const MmdPlugin *const builtin[] = { MMD_PLUGIN_ENTRIES NULL };

static int
compare_priority(gconstpointer a, gconstpointer b)
{
  const MmdPlugin *pa = *(const MmdPlugin *const *)a;
  const MmdPlugin *pb = *(const MmdPlugin *const *)b;
  return pa->priority - pb->priority;
}

const MmdPlugin *const *
mmd_plugins_get_all(void)
{
  static const MmdPlugin **sorted;

  if (g_once_init_enter(&sorted)) {
    gsize n = G_N_ELEMENTS(builtin) - 1;
    const MmdPlugin **list = g_new0(const MmdPlugin *, n + 1);

    memcpy(list, builtin, n * sizeof(*list));
    qsort(list, n, sizeof(*list), compare_priority);
    g_once_init_leave(&sorted, list);
  }
  return sorted;
}

const MmdPlugin *
mmd_plugins_find_for_ports(GPtrArray *ports, const MmdPort **out_primary)
{
  const MmdPlugin *const *plugins = mmd_plugins_get_all();

  for (guint p = 0; plugins[p]; p++) {
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
