/* The modem room: the methods of org.example.Modem1.Modem that act on the
 * device as a whole (Enable, SetPowerState, Reset, Command, ...) and the
 * modem's initialization. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* Binds the room's methods; before any plugin provides operations. */
void mmd_control_attach(MmdModem *modem);
/* INITIALIZING, then every backend's initialize in order, then LOCKED,
 * DISABLED or FAILED; exclusive. */
void mmd_control_initialize(MmdModem *modem);
/* Radio on and registration, or bearers down and radio off; exclusive.
 * Result: boolean. */
void mmd_control_enable_async(MmdModem *modem, gboolean enable, GAsyncReadyCallback callback,
                              gpointer user_data);

G_END_DECLS
