/* The modem object as the core's rooms see it: its D-Bus object, its ports
 * and backends, the state machine, the rooms attached to it, and the
 * one-operation guard.
 *
 * The state machine has three inputs that rooms feed (lock, registration,
 * connected bearers) and one setter for the transitional states that
 * operations own; every change is announced with the "state-changed"
 * signal, which rooms subscribe to. "going-away" is emitted once when the
 * modem is shut down. Plugins see none of this: they use plugin-api.h. */
#pragma once

#include <gio/gio.h>

#include "exporter.h"
#include "mdbus-generated.h"
#include "plugin-api.h"

G_BEGIN_DECLS

#define MMD_TYPE_MODEM (mmd_modem_get_type())
G_DECLARE_FINAL_TYPE(MmdModem, mmd_modem, MMD, MODEM, GObject)

/* A modem for these ports, driven by plugin; not exported yet and without
 * backends (see modem-create.h). */
MmdModem *mmd_modem_new(const MmdExporter *exporter, const char *device, const MmdDeviceInfo *info,
                        const MmdPlugin *plugin, GPtrArray *ports);

const char *mmd_modem_get_device(MmdModem *self);
const MmdPlugin *mmd_modem_get_plugin(MmdModem *self);
const MmdDeviceInfo *mmd_modem_get_device_info(MmdModem *self);
GPtrArray *mmd_modem_get_ports(MmdModem *self);
/* The port the plugin drives (the first one of a type it supports). */
const MmdPort *mmd_modem_get_primary_port(MmdModem *self);
/* A port that arrived after the modem was created (net port, late AT port):
 * copied into Ports, Drivers updated. Ignored if a port of that name is there. */
void mmd_modem_add_port(MmdModem *self, const MmdPort *port);
/* A secondary port went away. */
void mmd_modem_remove_port(MmdModem *self, const char *name);

MdbusObjectSkeleton *mmd_modem_get_object(MmdModem *self);
/* The Modem interface: several rooms set its properties and handle its methods. */
MdbusModem *mmd_modem_get_iface(MmdModem *self);
const MmdExporter *mmd_modem_get_exporter(MmdModem *self);
/* Cancelled when the modem goes away; operations run with it. */
GCancellable *mmd_modem_get_cancellable(MmdModem *self);
gboolean mmd_modem_is_gone(MmdModem *self);

/* Backends, primary first. */
void mmd_modem_set_primary_backend(MmdModem *self, MmdBackend *backend);
GPtrArray *mmd_modem_get_backends(MmdModem *self);

/* Rooms: per-modem state of a capability, keyed by the address of a static
 * variable of the room. Freed with the modem. */
gpointer mmd_modem_get_room(MmdModem *self, gconstpointer key);
void mmd_modem_set_room(MmdModem *self, gconstpointer key, gpointer room, GDestroyNotify free_room);

/* The state machine */
MmdModemState mmd_modem_get_state(MmdModem *self);
/* The single place where State changes (also used by tests): checks the
 * transition, updates the property, emits StateChanged and "state-changed". */
void mmd_modem_set_state(MmdModem *self, MmdModemState new_state, MmdModemStateChangeReason reason);
/* After a transitional operation ends: the state that registration and
 * connected bearers call for. */
void mmd_modem_recompute_state(MmdModem *self, MmdModemStateChangeReason reason);
MmdModemLock mmd_modem_get_unlock_required(MmdModem *self);
MmdModem3gppRegistrationState mmd_modem_get_registration(MmdModem *self);
/* Inputs: an enabled modem follows them at once. */
void mmd_modem_input_registration(MmdModem *self, MmdModem3gppRegistrationState state);
void mmd_modem_input_connected_bearers(MmdModem *self, guint n_connected);
/* Core.WrongState for doing what in the current state. */
GError *mmd_modem_wrong_state_error(MmdModem *self, const char *what);

/* The one-operation guard: operations that change the modem run one at a
 * time, in the order they were asked for; start runs when it is the task's
 * turn, and the next one when the task has completed. Tasks still waiting
 * when the modem goes away fail with Core.Aborted. */
typedef void (*MmdExclusiveStart)(GTask *task);
void mmd_modem_run_exclusive(MmdModem *self, GTask *task, MmdExclusiveStart start);
/* How many operations wait for their turn (not counting the running one). */
guint mmd_modem_count_waiting(MmdModem *self);

/* Lets go of bearers, SIM, backends and ports; emits "going-away". */
void mmd_modem_shutdown(MmdModem *self);

G_END_DECLS
