/* The modem capability: power, radio, reset, raw commands, and what a
 * backend reports about the device itself (identity, ports, failure).
 *
 * Every operation is asynchronous and completes a GTask created with the
 * backend as source object; the result type is noted with each. Errors are in
 * the MMD_*_ERROR domains (mmd-errors.h); anything else reaches clients as
 * Core.Failed. Strings given to an operation have been validated by the core.
 * An operation left NULL is answered with Core.Unsupported. */
#pragma once

#include "backend.h"
#include "port.h"

G_BEGIN_DECLS

typedef struct {
  /* Radio on (and start following registration, reported with
   * mmd_modem_set_registration()) or off. Result: boolean. */
  void (*set_radio)(MmdBackend *self, gboolean on, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);
  /* Low power or full power. Result: boolean. */
  void (*set_power_state)(MmdBackend *self, MmdModemPowerState state, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
  /* Result: boolean. */
  void (*reset)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data);
  /* Result: pointer, a newly allocated UTF-8 string (the modem's answer). */
  void (*command)(MmdBackend *self, const char *cmd, guint timeout_s, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
} MmdModemOps;

/* Adds ops to the modem capability; a later provider's non-NULL operations
 * take precedence over earlier ones (a vendor plugin over a generic one). */
void mmd_modem_provide_modem(MmdModem *modem, const MmdModemOps *ops, MmdBackend *backend);

/* Identity. NULL leaves a value as it is. Strings from a modem are made
 * valid UTF-8 by the core. */
void mmd_modem_set_identity(MmdModem *self, const char *manufacturer, const char *model,
                            const char *revision, const char *hardware_revision);
void mmd_modem_set_equipment_identifier(MmdModem *self, const char *imei);
void mmd_modem_set_capabilities(MmdModem *self, guint supported, guint current);
void mmd_modem_set_own_numbers(MmdModem *self, const char *const *numbers);
void mmd_modem_set_power_state(MmdModem *self, MmdModemPowerState state);
void mmd_modem_set_supported_ip_families(MmdModem *self, guint families);

/* The first port of this type, or NULL. Look the NET port up when it is
 * needed: it may arrive after the modem was created. */
const MmdPort *mmd_modem_find_port(MmdModem *self, MmdModemPortType type);

/* The modem failed for good (no SIM, ...): it stays on the bus in FAILED. */
void mmd_modem_report_failed(MmdModem *self, MmdModemStateFailedReason reason);
/* The control port went away or stopped answering for good: the modem is
 * removed. Safe to call from any backend callback. */
void mmd_modem_report_gone(MmdModem *self, const char *why);
/* Where log lines about this modem come from ("/org/example/Modem1/Modem/0"). */
const char *mmd_modem_get_path(MmdModem *self);

G_END_DECLS
