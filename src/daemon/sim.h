/* The SIM room: the SIM object (org.example.Modem1.Sim), unlocking and PIN
 * management, UnlockRetries. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* Unlock with pin (puk NULL) or with puk and pin as the new PIN; exclusive.
 * Result: boolean. */
void mmd_sim_unlock_async(MmdModem *modem, const char *pin, const char *puk,
                          GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
