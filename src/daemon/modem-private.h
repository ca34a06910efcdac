/* The modem's insides, shared by modem*.c only. */
#pragma once

#include "manager.h"
#include "modem.h"
#include "sim.h"

struct _MmdModem {
  GObject parent;

  MmdManager *manager; /* weak: the manager owns the modems */
  guint index;
  char *path;
  char *device;
  const MmdPlugin *plugin;
  GPtrArray *ports; /* MmdPort */
  MmdBackend *backend;

  MdbusObjectSkeleton *object;
  MdbusModem *iface_modem;
  MdbusModemModem3gpp *iface_3gpp;
  MdbusModemSimple *iface_simple;
  MdbusModemSignal *iface_signal;

  MmdSim *sim;
  GPtrArray *bearers; /* MmdBearer */
  MmdModemLock unlock_required;
  MmdModem3gppRegistrationState registration;
  gboolean operation_in_progress; /* enable/disable/unlock: one at a time */
  gboolean gone;
  GCancellable *cancellable; /* cancelled on shutdown */

  GList *registration_waiters; /* GTask */
  guint signal_refresh_id;
  guint signal_rate;
  guint quality_refresh_id;
};

/* modem-dbus.c / modem-simple.c: connect the D-Bus method handlers. */
void mmd_modem_dbus_setup(MmdModem *self);
void mmd_modem_simple_setup(MmdModem *self);
/* modem-ops.c: wake waiters when the state changes. */
void mmd_modem_ops_state_changed(MmdModem *self);
void mmd_modem_ops_shutdown(MmdModem *self);
void mmd_modem_ops_initialize(MmdModem *self);
/* modem-dbus.c: signal refresh timers follow the state. */
void mmd_modem_signal_state_changed(MmdModem *self);
/* modem.c: after a transitional operation ends, set the state that the
 * registration and connected bearers call for. */
void mmd_modem_recompute_state(MmdModem *self, MmdModemStateChangeReason reason);
