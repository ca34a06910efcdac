/* The manager: owns the bus name, the ObjectManager and the set of modems. */
#pragma once

#include <gio/gio.h>

#include "mdbus-generated.h"

G_BEGIN_DECLS

#define MMD_TYPE_MANAGER (mmd_manager_get_type())
G_DECLARE_FINAL_TYPE(MmdManager, mmd_manager, MMD, MANAGER, GObject)

/* static_groups: GPtrArray of GPtrArray of MmdPort (one inner array per --port).
 * compat: serve the objects under the reference's names too (compat.h); the
 * caller owns that bus name. */
MmdManager *mmd_manager_new(GDBusConnection *connection, GPtrArray *static_groups, gboolean compat);
/* Create the modems of the declared ports. */
void mmd_manager_start(MmdManager *self);
/* Unexport everything; modems let go of their ports (bearers stay as they are). */
void mmd_manager_shutdown(MmdManager *self);

G_END_DECLS
