/* One path for every D-Bus method of the core:
 *
 *   handle-* signal of a skeleton -> authorize (polkit action, if any)
 *   -> the method's run function (validates arguments, starts the operation)
 *   -> the operation checks state and takes the modem's one-operation guard
 *   -> the call is answered with a value or an error, exactly once.
 *
 * A room describes its methods in a table and binds it to its skeleton. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MmdCall MmdCall;

typedef struct {
  const char *name;   /* the D-Bus method name, e.g. "SetCurrentModes" */
  const char *action; /* polkit action; NULL: anyone may call it (reads) */
  void (*run)(MmdCall *call);
} MmdMethod;

/* Connects the methods to the handle-* signals of skeleton. target is the
 * object the methods act on (a modem, SIM, bearer, ...): it must outlive the
 * skeleton's exports and is referenced while a call runs. data is handed to
 * run as mmd_call_get_data(). */
void mmd_methods_bind(gpointer skeleton, const MmdMethod *methods, gsize n_methods, GObject *target,
                      gpointer data);
#define MMD_METHODS_BIND(skeleton, methods, target, data)                                          \
  mmd_methods_bind((skeleton), (methods), G_N_ELEMENTS(methods), G_OBJECT(target), (data))

/* Answers every call of skeleton's methods not bound by a room with
 * Core.Unsupported, after authorizing it with action (as the reference does). */
void mmd_methods_bind_unsupported(gpointer skeleton, const char *action, GObject *target);

GVariant *mmd_call_get_parameters(MmdCall *call);
GObject *mmd_call_get_target(MmdCall *call);
gpointer mmd_call_get_data(MmdCall *call);
GDBusMethodInvocation *mmd_call_get_invocation(MmdCall *call);

/* Each answers the call and frees it. value: a tuple or NULL for no value
 * (floating references are sunk). */
void mmd_call_return(MmdCall *call, GVariant *value);
void mmd_call_return_error(MmdCall *call, GError *error);
void mmd_call_return_new_error(MmdCall *call, GQuark domain, gint code, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

/* GAsyncReadyCallbacks whose user_data is a call: answer it from a GTask's
 * boolean (no value) or pointer (a GVariant tuple, taken) result. */
void mmd_call_complete_bool(GObject *source, GAsyncResult *result, gpointer call);
void mmd_call_complete_variant(GObject *source, GAsyncResult *result, gpointer call);

/* A D-Bus member name as gdbus-codegen names its GObject signals and
 * properties: "SetCurrentModes" -> "set-current-modes". */
char *mmd_dbus_hyphen_name(const char *name);

/* Answers invocation with error, under the error names of the interface the
 * call came in on. */
void mmd_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error);

G_END_DECLS
