/* A bearer object (org.example.Modem1.Bearer): one data session's settings
 * and, when up, its interface and IP configuration. Its methods are bound by
 * the bearers room; the setters backends use are in ops-bearer.h. */
#pragma once

#include "bearer-settings.h"
#include "mdbus-generated.h"

G_BEGIN_DECLS

#define MMD_TYPE_BEARER (mmd_bearer_get_type())
G_DECLARE_FINAL_TYPE(MmdBearer, mmd_bearer, MMD, BEARER, GObject)

/* Takes settings. */
MmdBearer *mmd_bearer_new(MmdModem *modem, const char *path, MmdBearerSettings *settings);
MdbusObjectSkeleton *mmd_bearer_get_object(MmdBearer *self);
MdbusBearer *mmd_bearer_get_iface(MmdBearer *self);
/* NULL once the modem is gone. */
MmdModem *mmd_bearer_get_modem(MmdBearer *self);
/* The modem is going away: calls on the bearer fail from now on. */
void mmd_bearer_detach(MmdBearer *self);
/* How the next connection goes (decided by the bearers room). */
void mmd_bearer_set_multiplexed(MmdBearer *self, gboolean multiplexed);
/* A successful disconnect ran. */
void mmd_bearer_set_disconnected(MmdBearer *self);
/* The last connection attempt failed with error (NULL clears it). */
void mmd_bearer_set_connection_error(MmdBearer *self, const GError *error);
/* Counted in Stats: an attempt to connect, and its failure. */
void mmd_bearer_connect_started(MmdBearer *self);
void mmd_bearer_connect_failed(MmdBearer *self, const GError *error);

G_END_DECLS
