/* The 3GPP network room: org.example.Modem1.Modem.Modem3gpp (registration,
 * operator, scan, manual registration), and the modes and bands of the
 * Modem interface. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* Register with operator_id ("" = automatic); exclusive. Result: boolean. */
void mmd_network_register_async(MmdModem *modem, const char *operator_id,
                                GAsyncReadyCallback callback, gpointer user_data);
/* Completes once the modem is REGISTERED (or beyond), with
 * MobileEquipment.NetworkTimeout after timeout_s. Result: boolean. */
void mmd_network_wait_registered_async(MmdModem *modem, guint timeout_s,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* The operator the modem is registered with ("" when not registered). */
const char *mmd_network_get_operator_code(MmdModem *modem);
/* Whether the network room is attached (a backend provided its ops). */
gboolean mmd_network_present(MmdModem *modem);

G_END_DECLS
