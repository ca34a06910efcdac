/* The modem object: D-Bus export, state machine, and the setters backends use
 * to report what they learn. All setters are cheap and idempotent: setting the
 * value a property already has emits nothing. */
#pragma once

#include <gio/gio.h>

#include "backend.h"
#include "mdbus-generated.h"
#include "mmd-enums.h"
#include "plugin.h"
#include "bearer.h"

G_BEGIN_DECLS

#define MMD_TYPE_MODEM (mmd_modem_get_type())
G_DECLARE_FINAL_TYPE(MmdModem, mmd_modem, MMD, MODEM, GObject)

typedef struct _MmdSim MmdSim;
typedef struct _MmdManager MmdManager;

/* Construction and lifetime (manager) */
MmdModem *mmd_modem_new(MmdManager *manager, guint index, const char *device, const char *physdev,
                        const MmdPlugin *plugin, GPtrArray *ports);
const char *mmd_modem_get_path(MmdModem *self);
const char *mmd_modem_get_device(MmdModem *self);
MdbusObjectSkeleton *mmd_modem_get_object(MmdModem *self);
MmdBackend *mmd_modem_get_backend(MmdModem *self);
MmdModemState mmd_modem_get_state(MmdModem *self);
GPtrArray *mmd_modem_get_ports(MmdModem *self);
/* Starts initialization; the modem is exported by the manager right away. */
void mmd_modem_start(MmdModem *self);
/* Tears down bearers and SIM objects and lets go of the ports. */
void mmd_modem_shutdown(MmdModem *self);
/* The first port of this type, or NULL. Backends look the NET port up when
 * they connect: it may have arrived after the modem was created. */
const MmdPort *mmd_modem_find_port(MmdModem *self, MmdModemPortType type);
/* A port that arrived after the modem was created (net port, late AT port):
 * copied into Ports, Drivers updated. Ignored if a port of that name is there. */
void mmd_modem_add_port(MmdModem *self, const MmdPort *port);
/* A secondary port went away: Ports and Drivers updated. */
void mmd_modem_remove_port(MmdModem *self, const char *name);
const MmdPlugin *mmd_modem_get_plugin(MmdModem *self);

/* Setters for backends: identity */
void mmd_modem_set_identity(MmdModem *self, const char *manufacturer, const char *model,
                            const char *revision, const char *hardware_revision);
void mmd_modem_set_equipment_identifier(MmdModem *self, const char *imei);
void mmd_modem_set_capabilities(MmdModem *self, guint supported, guint current);
void mmd_modem_set_max_bearers(MmdModem *self, guint max_bearers, guint max_active);
void mmd_modem_set_own_numbers(MmdModem *self, const char *const *numbers);
void mmd_modem_set_power_state(MmdModem *self, MmdModemPowerState state);

/* Modes: pairs of (allowed mask, preferred); n_pairs entries. */
void mmd_modem_set_supported_modes(MmdModem *self, const guint (*pairs)[2], gsize n_pairs);
void mmd_modem_set_current_modes(MmdModem *self, guint allowed, guint preferred);
void mmd_modem_set_supported_bands(MmdModem *self, const guint *bands, gsize n_bands);
void mmd_modem_set_current_bands(MmdModem *self, const guint *bands, gsize n_bands);
void mmd_modem_set_supported_ip_families(MmdModem *self, guint families);

/* SIM and locks */
void mmd_modem_set_sim(MmdModem *self, const char *iccid, const char *imsi, const char *operator_id,
                       const char *operator_name);
void mmd_modem_set_sim_missing(MmdModem *self);
void mmd_modem_set_unlock_required(MmdModem *self, MmdModemLock lock);
void mmd_modem_set_unlock_retries(MmdModem *self, MmdModemLock lock, guint retries);
void mmd_modem_set_facility_locks(MmdModem *self, guint facilities);

/* Network */
void mmd_modem_set_registration(MmdModem *self, MmdModem3gppRegistrationState state,
                                const char *operator_code, const char *operator_name,
                                guint access_technologies);
void mmd_modem_set_packet_service_state(MmdModem *self, MmdModem3gppPacketServiceState state);
void mmd_modem_set_signal_quality(MmdModem *self, guint percent);
/* tech: "gsm", "umts", "lte" or "nr5g"; values: a{sv} of doubles, NULL clears. */
void mmd_modem_set_signal_values(MmdModem *self, const char *tech, GVariant *values);

/* The modem failed for good (no SIM, ...): it stays on the bus in FAILED. */
void mmd_modem_report_failed(MmdModem *self, MmdModemStateFailedReason reason);
/* The control port went away or stopped answering for good: the manager
 * removes the modem. Safe to call from any backend callback. */
void mmd_modem_report_gone(MmdModem *self, const char *why);

/* The state machine's single entry point (also used by tests). */
void mmd_modem_set_state(MmdModem *self, MmdModemState new_state, MmdModemStateChangeReason reason);

G_END_DECLS

/* Core-internal operations shared by the Modem, Simple, SIM and Bearer
 * objects. All complete on the main loop with a boolean result, read with
 * mmd_modem_op_finish(). */
G_BEGIN_DECLS
gboolean mmd_modem_op_finish(MmdModem *self, GAsyncResult *result, GError **error);
void mmd_modem_enable_async(MmdModem *self, gboolean enable, GAsyncReadyCallback callback,
                            gpointer user_data);
/* puk NULL: send pin; else send puk with pin as the new PIN. */
void mmd_modem_unlock_async(MmdModem *self, const char *pin, const char *puk,
                            GAsyncReadyCallback callback, gpointer user_data);
void mmd_modem_connect_bearer_async(MmdModem *self, MmdBearer *bearer, GAsyncReadyCallback callback,
                                    gpointer user_data);
void mmd_modem_disconnect_bearer_async(MmdModem *self, MmdBearer *bearer,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* Waits until the modem is REGISTERED (or beyond) or timeout_s passes. */
void mmd_modem_wait_registered_async(MmdModem *self, guint timeout_s, GAsyncReadyCallback callback,
                                     gpointer user_data);
void mmd_modem_register_async(MmdModem *self, const char *operator_id, GAsyncReadyCallback callback,
                              gpointer user_data);

/* Bearers; settings are taken. */
MmdBearer *mmd_modem_create_bearer(MmdModem *self, MmdBearerSettings *settings, GError **error);
MmdBearer *mmd_modem_find_bearer(MmdModem *self, const char *path);
/* Unexports a (disconnected) bearer and drops it. */
void mmd_modem_remove_bearer(MmdModem *self, MmdBearer *bearer);
/* A bearer whose settings match and that is not connected, or NULL. */
MmdBearer *mmd_modem_find_reusable_bearer(MmdModem *self, const MmdBearerSettings *settings);
GPtrArray *mmd_modem_get_bearers(MmdModem *self);
/* A bearer connected or dropped on its own: recompute the modem state. */
void mmd_modem_bearers_changed(MmdModem *self);
MmdSim *mmd_modem_get_sim(MmdModem *self);
MmdModemLock mmd_modem_get_unlock_required(MmdModem *self);

/* Returns error on invocation, mapped to our D-Bus error names. */
void mmd_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error);
/* GAsyncReadyCallback for any boolean GTask (core op or backend op) whose
 * user_data is a referenced invocation: answers it and drops the reference. */
void mmd_dbus_complete_bool(GObject *source, GAsyncResult *result, gpointer user_data);
G_END_DECLS
