/* The providers of one capability of a modem: the ops structs plugins gave,
 * each with the backend that runs them. Newer providers come first, so a
 * vendor plugin's operations take precedence over a generic plugin's, one
 * operation at a time. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  const void *ops;
  MmdBackend *backend; /* weak: the modem owns its backends */
} MmdProvider;

typedef struct _MmdProviders MmdProviders;

MmdProviders *mmd_providers_new(void);
void mmd_providers_free(MmdProviders *providers);
void mmd_providers_add(MmdProviders *providers, const void *ops, MmdBackend *backend);
/* The newest provider whose operation at this offset of its ops struct is
 * set, or NULL. */
const MmdProvider *mmd_providers_find(MmdProviders *providers, gsize offset);

/* The provider of an operation: MMD_PROVIDER_FIND(list, MmdSimOps, send_pin). */
#define MMD_PROVIDER_FIND(providers, OpsType, op)                                                  \
  mmd_providers_find((providers), G_STRUCT_OFFSET(OpsType, op))
/* The operation of a provider found with MMD_PROVIDER_FIND. */
#define MMD_PROVIDER_OP(provider, OpsType, op) (((const OpsType *)(provider)->ops)->op)

G_END_DECLS
