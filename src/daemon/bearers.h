/* The bearers room: the modem's bearer objects, CreateBearer, DeleteBearer
 * and ListBearers of the Modem interface, Connect and Disconnect of each
 * bearer, and how a connection changes the modem's state. */
#pragma once

#include "bearer.h"
#include "modem.h"

G_BEGIN_DECLS

/* The bearer with this path, or NULL. */
MmdBearer *mmd_bearers_find(MmdModem *modem, const char *path);
/* How many of the modem's bearers are connected. */
guint mmd_bearers_count_connected(MmdModem *modem);
/* Whether the room is attached (a backend provided connect operations). */
gboolean mmd_bearers_present(MmdModem *modem);

/* Connect a bearer with these settings (taken): a connected bearer with the
 * same settings is returned as it is, a disconnected one is reused, else one
 * is created (a disconnected bearer makes room at the limit); exclusive.
 * Result: pointer, a reference to the bearer. */
void mmd_bearers_connect_settings_async(MmdModem *modem, MmdBearerSettings *settings,
                                        GAsyncReadyCallback callback, gpointer user_data);
/* Disconnect one bearer, or every connected one for NULL; exclusive. The
 * first error is reported after all were tried. Result: boolean. */
void mmd_bearers_disconnect_async(MmdModem *modem, MmdBearer *bearer, GAsyncReadyCallback callback,
                                  gpointer user_data);
/* Every connected bearer down, errors only logged; for an operation that
 * holds the guard already (disable). Result: boolean, always TRUE. */
void mmd_bearers_disconnect_all_async(MmdModem *modem, GAsyncReadyCallback callback,
                                      gpointer user_data);

G_END_DECLS
