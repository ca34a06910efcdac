/* A bearer: one data session's settings and, when up, its IP configuration. */
#pragma once

#include <gio/gio.h>

#include "mdbus-generated.h"
#include "mmd-enums.h"

G_BEGIN_DECLS

#define MMD_TYPE_BEARER (mmd_bearer_get_type())
G_DECLARE_FINAL_TYPE(MmdBearer, mmd_bearer, MMD, BEARER, GObject)

typedef struct _MmdModem MmdModem;

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
} MmdBearerSettings;

/* Parses and validates an a{sv} of bearer properties. Unknown keys are
 * rejected so that a typo does not silently connect with defaults. */
MmdBearerSettings *mmd_bearer_settings_from_variant(GVariant *dict, gboolean allow_simple_keys,
                                                    GError **error);
/* The settings as the Properties a{sv}, without secrets. */
GVariant *mmd_bearer_settings_to_variant(const MmdBearerSettings *settings);
/* A copy for a bearer: without the Simple-only keys (pin, operator-id). */
MmdBearerSettings *mmd_bearer_settings_copy(const MmdBearerSettings *settings);
gboolean mmd_bearer_settings_equal(const MmdBearerSettings *a, const MmdBearerSettings *b);
void mmd_bearer_settings_free(MmdBearerSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdBearerSettings, mmd_bearer_settings_free)

/* IP configuration a backend reports on connect. Strings may be NULL. */
typedef struct {
  MmdBearerIpMethod method;
  const char *address;
  guint prefix;
  const char *gateway;
  const char *dns[3];
  guint mtu;
} MmdIpConfig;

MmdBearer *mmd_bearer_new(MmdModem *modem, guint index, MmdBearerSettings *settings);
const char *mmd_bearer_get_path(MmdBearer *self);
MdbusObjectSkeleton *mmd_bearer_get_object(MmdBearer *self);
MmdModem *mmd_bearer_get_modem(MmdBearer *self);
const MmdBearerSettings *mmd_bearer_get_settings(MmdBearer *self);
gboolean mmd_bearer_is_connected(MmdBearer *self);

/* Setters for backends */
void mmd_bearer_set_connected(MmdBearer *self, const char *interface, const MmdIpConfig *ip4,
                              const MmdIpConfig *ip6);
/* The network or the modem ended the session; error may be NULL. */
void mmd_bearer_report_disconnected(MmdBearer *self, const GError *error);

/* Backend-private data attached to a bearer (session handles, ...). */
void mmd_bearer_set_backend_data(MmdBearer *self, gpointer data, GDestroyNotify destroy);
gpointer mmd_bearer_get_backend_data(MmdBearer *self);

/* Core: the modem is going away; calls on the bearer fail from now on. */
void mmd_bearer_detach(MmdBearer *self);

/* Core: ran on a successful disconnect. */
void mmd_bearer_set_disconnected(MmdBearer *self);

G_END_DECLS
