/* The data connection capability: bearers brought up and down by the
 * backend. Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct _MmdBearer MmdBearer;

/* Validated connection settings (from CreateBearer or Simple.Connect). */
typedef struct {
  char *apn;
  guint ip_type;      /* MmdBearerIpFamily; NONE = let the modem choose */
  guint allowed_auth; /* MmdBearerAllowedAuth mask; UNKNOWN = let the modem choose */
  char *user;
  char *password;
  gboolean allow_roaming;
  char *operator_id; /* Simple.Connect only */
  char *pin;         /* Simple.Connect only */
  guint multiplex;   /* MmdBearerMultiplexSupport as asked; UNKNOWN is NONE */
} MmdBearerSettings;

/* IP configuration a backend reports on connect. Strings may be NULL. */
typedef struct {
  MmdBearerIpMethod method;
  const char *address;
  guint prefix;
  const char *gateway;
  const char *dns[3];
  guint mtu;
} MmdIpConfig;

typedef struct {
  /* Bring a data session up with mmd_bearer_get_settings(bearer). On success
   * the backend has called mmd_bearer_set_connected() with the interface and
   * IP configuration. Result: boolean. When the network later drops the
   * session, the backend calls mmd_bearer_report_disconnected(). */
  void (*connect)(MmdBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
  void (*disconnect)(MmdBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
} MmdBearerOps;

void mmd_modem_provide_bearers(MmdModem *modem, const MmdBearerOps *ops, MmdBackend *backend);

/* How many bearers may exist and be connected at once. */
void mmd_modem_set_max_bearers(MmdModem *self, guint max_bearers, guint max_active);
/* How many bearers may be connected at once multiplexed over the net port,
 * each on a link of its own; 0 (the default): the modem cannot multiplex. A
 * multiplexed session and one on the net port itself exclude each other. */
void mmd_modem_set_max_multiplexed_bearers(MmdModem *self, guint max_active_multiplexed);

const MmdBearerSettings *mmd_bearer_get_settings(MmdBearer *self);
/* Whether the session being connected (and then running) is multiplexed: one
 * of several on the net port, on a link of its own that the backend makes.
 * The core decides before it calls connect, from the bearer's "multiplex"
 * and the modem's limits. */
gboolean mmd_bearer_is_multiplexed(MmdBearer *self);
const char *mmd_bearer_get_path(MmdBearer *self);
gboolean mmd_bearer_is_connected(MmdBearer *self);
/* The session is up on interface (NULL: none, e.g. PPP on the tty). */
void mmd_bearer_set_connected(MmdBearer *self, const char *interface, const MmdIpConfig *ip4,
                              const MmdIpConfig *ip6);
/* The network or the modem ended the session; error may be NULL. */
void mmd_bearer_report_disconnected(MmdBearer *self, const GError *error);
/* During initialization only: a data session that a previous run of the
 * daemon left up, found still up on the modem. The core makes a connected
 * bearer of it (settings copied; they hold no password) and the modem starts
 * out enabled, following its registration. Returns the bearer (owned by the
 * modem), or NULL when the modem has no room for one. */
MmdBearer *mmd_modem_adopt_bearer(MmdModem *modem, const MmdBearerSettings *settings,
                                  const char *interface, const MmdIpConfig *ip4,
                                  const MmdIpConfig *ip6);
/* Backend-private data attached to a bearer (session handles, ...). */
void mmd_bearer_set_backend_data(MmdBearer *self, gpointer data, GDestroyNotify destroy);
gpointer mmd_bearer_get_backend_data(MmdBearer *self);

G_END_DECLS
