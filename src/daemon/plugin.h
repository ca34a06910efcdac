/* The plugin interface: how the core finds a backend for a modem's ports.
 *
 * Plugins are compiled in and listed in plugins.c. The core never names a
 * plugin: it asks each one, in order of preference, whether it drives a modem
 * with the given primary port type, and creates the backend of the first that
 * does. */
#pragma once

#include "backend.h"
#include "port.h"

G_BEGIN_DECLS

typedef struct {
  const char *name; /* shown in the modem's Plugin property */
  /* Lower is tried first (QMI before MBIM before AT). */
  int priority;
  /* Whether this plugin drives a modem whose best control port is of this type. */
  gboolean (*supports_port)(MmdModemPortType type);
  /* Create the backend for a modem. ports: GPtrArray of MmdPort (control
   * ports, net ports, AT ports) that the backend may copy; the primary port is
   * the first one of a supported type. */
  MmdBackend *(*create_backend)(MmdModem *modem, GPtrArray *ports);

  /* Fields below are optional (NULL/0); append new ones at the end only, since
   * plugins use positional initializers. */

  /* Whether a tty port speaks this plugin's protocol (AT): a short exchange
   * with a short timeout and few retries, then the port is closed again.
   * port (its path) is only valid during the call: copy what is needed. The
   * GTask has no source object; its result is a boolean: TRUE if the port
   * answered, FALSE or an error if not. Cancelled when the port goes away. */
  void (*probe)(const MmdPort *port, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data);
} MmdPlugin;

/* Registered plugins, sorted by priority, NULL-terminated. */
const MmdPlugin *const *mmd_plugins_get_all(void);

/* The plugin for a modem with these ports, or NULL. */
const MmdPlugin *mmd_plugins_find_for_ports(GPtrArray *ports, const MmdPort **out_primary);

G_END_DECLS
