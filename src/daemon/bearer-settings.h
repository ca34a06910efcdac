/* Bearer settings as clients give them (CreateBearer, Simple.Connect):
 * parsed, validated, compared. MmdBearerSettings itself is in ops-bearer.h,
 * since backends read it. */
#pragma once

#include "ops-bearer.h"

G_BEGIN_DECLS

/* Parses and validates an a{sv} of bearer properties. Unknown keys are
 * rejected so that a typo does not silently connect with defaults;
 * allow_simple_keys also accepts Simple.Connect's "pin" and "operator-id". */
MmdBearerSettings *mmd_bearer_settings_from_variant(GVariant *dict, gboolean allow_simple_keys,
                                                    GError **error);
/* The settings as the Properties a{sv}, without secrets. */
GVariant *mmd_bearer_settings_to_variant(const MmdBearerSettings *settings);
/* A copy for a bearer: without the Simple-only keys (pin, operator-id). */
MmdBearerSettings *mmd_bearer_settings_copy(const MmdBearerSettings *settings);
gboolean mmd_bearer_settings_equal(const MmdBearerSettings *a, const MmdBearerSettings *b);
void mmd_bearer_settings_free(MmdBearerSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdBearerSettings, mmd_bearer_settings_free)

G_END_DECLS
