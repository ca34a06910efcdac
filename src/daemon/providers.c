#include "providers.h"

#include <string.h>

struct _MmdProviders {
  GArray *list; /* MmdProvider, newest first */
};

MmdProviders *
mmd_providers_new(void)
{
  MmdProviders *providers = g_new0(MmdProviders, 1);

  providers->list = g_array_new(FALSE, FALSE, sizeof(MmdProvider));
  return providers;
}

void
mmd_providers_free(MmdProviders *providers)
{
  if (!providers)
    return;
  g_array_unref(providers->list);
  g_free(providers);
}

void
mmd_providers_add(MmdProviders *providers, const void *ops, MmdBackend *backend)
{
  MmdProvider provider = { ops, backend };

  g_array_prepend_val(providers->list, provider);
}

const MmdProvider *
mmd_providers_find(MmdProviders *providers, gsize offset)
{
  for (guint i = 0; providers && i < providers->list->len; i++) {
    const MmdProvider *provider = &g_array_index(providers->list, MmdProvider, i);
    gpointer op;

    /* Ops structs hold only function pointers; read the one at offset. */
    memcpy(&op, (const char *)provider->ops + offset, sizeof(op));
    if (op)
      return provider;
  }
  return NULL;
}
