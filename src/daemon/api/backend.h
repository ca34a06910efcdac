/* A backend: the object of a plugin that speaks a modem's protocol.
 *
 * A backend opens its ports when the core initializes the modem and lets go
 * of them on shutdown. What it can do is not in this class: a plugin
 * provides the operations of each capability (ops-*.h) with the backend that
 * runs them, and a modem may have more than one backend (a vendor plugin's
 * second port speaking another protocol). Operations complete a GTask whose
 * source object is the backend; the core reads the result itself. */
#pragma once

#include <gio/gio.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

typedef struct _MmdModem MmdModem;

#define MMD_TYPE_BACKEND (mmd_backend_get_type())
G_DECLARE_DERIVABLE_TYPE(MmdBackend, mmd_backend, MMD, BACKEND, GObject)

struct _MmdBackendClass {
  GObjectClass parent_class;

  /* Open the ports, learn identity, capabilities, SIM and lock state, and
   * report them with the setters. Result: boolean. Optional for a backend
   * that only adds operations to another one. */
  void (*initialize)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data);

  /* Release the ports synchronously; the modem is going away. Optional. */
  void (*shutdown)(MmdBackend *self);
};

/* Every backend is created with g_object_new(TYPE, "modem", modem, NULL):
 * "modem" is a construct-only property. */

/* The modem this backend drives (weak: the modem owns its backends). */
MmdModem *mmd_backend_get_modem(MmdBackend *self);

G_END_DECLS
