/* The modem state machine's rules, as pure functions (unit-tested alone).
 * modem.c applies them in mmd_modem_set_state(), the one place a state changes. */
#pragma once

#include "mmd-enums.h"

G_BEGIN_DECLS

/* Whether the core may move from old to new. FAILED is reachable from
 * anywhere; nothing but a new modem object leaves FAILED. */
gboolean mmd_modem_state_transition_allowed(MmdModemState old_state, MmdModemState new_state);

/* The state an enabled modem is in, given its registration and how many
 * bearers are connected. */
MmdModemState mmd_modem_state_for_registration(MmdModem3gppRegistrationState registration,
                                               guint connected_bearers);

/* Whether a registration state means the modem can pass data. */
gboolean mmd_modem_registration_is_registered(MmdModem3gppRegistrationState registration);

/* Whether an operation needing an enabled modem may run in this state. */
gboolean mmd_modem_state_is_enabled(MmdModemState state);

G_END_DECLS
