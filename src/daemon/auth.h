/* Authorization: every state-changing D-Bus method passes through here.
 *
 * With polkit, the caller's bus name is checked against an action of
 * data/polkit/org.example.Modem1.policy; results are cached per caller and
 * action for a few seconds and forgotten when the caller leaves the bus.
 * Without polkit (router builds), only root is allowed. There is no bypass. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MMD_AUTH_DEVICE_CONTROL "org.example.Modem1.Device.Control"
#define MMD_AUTH_MANAGER_ADMIN "org.example.Modem1.Manager.Admin"
#define MMD_AUTH_COMMAND "org.example.Modem1.Command"

/* Called only once the caller is authorized; target is the object the method
 * was called on (kept alive until then). */
typedef void (*MmdAuthorizedFunc)(GObject *target, GDBusMethodInvocation *invocation);

/* Checks the caller of invocation for action; on success calls func, on
 * failure returns Core.Unauthorized to the caller. Takes a reference on both. */
void mmd_auth_authorize(GDBusMethodInvocation *invocation, const char *action, GObject *target,
                        MmdAuthorizedFunc func);

/* Forget cached results (tests, SIGHUP). */
void mmd_auth_clear_cache(void);

G_END_DECLS
