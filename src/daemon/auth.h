/* Authorization: every state-changing D-Bus method passes through here.
 *
 * With polkit, the caller's bus name is checked against an action of
 * data/polkit/org.example.Modem1.policy; positive results are cached per
 * caller and action for a few seconds, refusals for one second, and both
 * are forgotten when the caller leaves the bus. Concurrent checks of one
 * caller and action share one request; at most a bounded number of requests
 * are in flight to polkitd and the rest wait their turn, so that our own
 * load never turns into a refusal. Without polkit (router builds), only root
 * is allowed. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MMD_AUTH_DEVICE_CONTROL "org.example.Modem1.Device.Control"
#define MMD_AUTH_MANAGER_ADMIN "org.example.Modem1.Manager.Admin"
#define MMD_AUTH_COMMAND "org.example.Modem1.Command"
#define MMD_AUTH_MESSAGING "org.example.Modem1.Messaging"
#define MMD_AUTH_LOCATION "org.example.Modem1.Location"
#define MMD_AUTH_TIME "org.example.Modem1.Time"
#define MMD_AUTH_VOICE "org.example.Modem1.Voice"
#define MMD_AUTH_USSD "org.example.Modem1.USSD"

typedef enum {
  MMD_AUTH_MODE_POLKIT,    /* ask polkitd */
  MMD_AUTH_MODE_ROOT_ONLY, /* uid 0 only (builds without polkit) */
  MMD_AUTH_MODE_OWNER,     /* the daemon's own uid only (core tests as a user) */
} MmdAuthMode;

/* The default follows the build (polkit or root only). */
void mmd_auth_set_mode(MmdAuthMode mode);

/* why: the reason of a refusal, NULL when allowed. */
typedef void (*MmdAuthDone)(gboolean allowed, const char *why, gpointer user_data);

/* Checks the caller of invocation for action; done runs exactly once, maybe
 * before this returns (cached answer). */
void mmd_auth_check(GDBusMethodInvocation *invocation, const char *action, MmdAuthDone done,
                    gpointer user_data);

/* Forget cached results (tests, SIGHUP). */
void mmd_auth_clear_cache(void);

G_END_DECLS
