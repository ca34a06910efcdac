/* The D-Bus method path shared by every room (see method.h). */
#define G_LOG_DOMAIN "modemd-method"

#include "method.h"

#include "auth.h"
#include "compat-names.h"
#include "mmd-errors.h"

struct _MmdCall {
  GDBusMethodInvocation *invocation;
  GObject *target;
  gpointer data;
  const MmdMethod *method;
  gboolean compat;      /* came in on the reference's names (compat.h) */
  GVariant *parameters; /* with our object paths */
};

typedef struct {
  GClosure closure;
  const MmdMethod *method;
  gpointer skeleton; /* weak: it owns the closure */
  GObject *target;   /* weak: the target owns the skeleton */
  gpointer data;
  const char *action; /* for unsupported methods */
} MethodClosure;

static void
call_free(MmdCall *call)
{
  g_clear_pointer(&call->parameters, g_variant_unref);
  g_object_unref(call->invocation);
  g_object_unref(call->target);
  g_free(call);
}

GVariant *
mmd_call_get_parameters(MmdCall *call)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters(call->invocation);

  if (!call->compat)
    return parameters;
  if (!call->parameters)
    call->parameters = mmd_compat_rewrite(parameters, FALSE);
  return call->parameters;
}

GObject *
mmd_call_get_target(MmdCall *call)
{
  return call->target;
}

gpointer
mmd_call_get_data(MmdCall *call)
{
  return call->data;
}

GDBusMethodInvocation *
mmd_call_get_invocation(MmdCall *call)
{
  return call->invocation;
}

void
mmd_call_return(MmdCall *call, GVariant *value)
{
  if (value && call->compat) {
    g_autoptr(GVariant) compat = mmd_compat_rewrite(value, TRUE);
    g_dbus_method_invocation_return_value(call->invocation, compat);
  } else {
    g_dbus_method_invocation_return_value(call->invocation, value);
  }
  call_free(call);
}

void
mmd_call_return_error(MmdCall *call, GError *error)
{
  mmd_dbus_return_error(call->invocation, error);
  g_error_free(error);
  call_free(call);
}

void
mmd_call_return_new_error(MmdCall *call, GQuark domain, gint code, const char *format, ...)
{
  va_list args;
  GError *error;

  va_start(args, format);
  error = g_error_new_valist(domain, code, format, args);
  va_end(args);
  mmd_call_return_error(call, error);
}

void
mmd_call_complete_bool(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    mmd_call_return(user_data, NULL);
  else
    mmd_call_return_error(user_data, error);
}

void
mmd_call_complete_variant(GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  GVariant *value = g_task_propagate_pointer(G_TASK(result), &error);

  if (value) {
    mmd_call_return(user_data, value);
    g_variant_unref(value);
  } else {
    mmd_call_return_error(user_data,
                          error ? error
                                : g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                                                      "The operation gave no result"));
  }
}

void
mmd_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error)
{
  g_autoptr(GError) normalized = mmd_error_normalize(error);
  g_autofree char *name = NULL;
  g_autofree char *compat_name = NULL;

  if (!mmd_compat_is_compat_interface(g_dbus_method_invocation_get_interface_name(invocation))) {
    g_dbus_method_invocation_return_gerror(invocation, normalized);
    return;
  }
  name = g_dbus_error_encode_gerror(normalized);
  compat_name = mmd_compat_error_name(name);
  g_dbus_method_invocation_return_dbus_error(invocation, compat_name, normalized->message);
}

/* Dispatch */

static void
authorized(gboolean allowed, const char *why, gpointer user_data)
{
  MmdCall *call = user_data;

  if (!allowed) {
    g_message("Refused %s.%s from %s: %s",
              g_dbus_method_invocation_get_interface_name(call->invocation),
              g_dbus_method_invocation_get_method_name(call->invocation),
              g_dbus_method_invocation_get_sender(call->invocation), why);
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNAUTHORIZED,
                              "Not authorized: %s", why);
    return;
  }
  if (call->method)
    call->method->run(call);
  else
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                              "%s is not supported by this modem",
                              g_dbus_method_invocation_get_method_name(call->invocation));
}

static void
dispatch(MethodClosure *mc, GDBusMethodInvocation *invocation)
{
  MmdCall *call = g_new0(MmdCall, 1);
  const char *action = mc->method ? mc->method->action : mc->action;

  call->invocation = g_object_ref(invocation);
  call->target = g_object_ref(mc->target);
  call->data = mc->data;
  call->method = mc->method;
  call->compat
      = mmd_compat_is_compat_interface(g_dbus_method_invocation_get_interface_name(invocation));
  if (action && call->compat)
    action = mmd_compat_action(action, g_dbus_interface_skeleton_get_info(mc->skeleton)->name);
  if (action)
    mmd_auth_check(invocation, action, authorized, call);
  else
    authorized(TRUE, NULL, call);
}

static void
method_marshal(GClosure *closure, GValue *return_value, guint n_param_values,
               const GValue *param_values, gpointer invocation_hint, gpointer marshal_data)
{
  /* handle-* signals: (skeleton, invocation, arguments...) -> gboolean. The
   * arguments are read again from the invocation, so one marshaller serves
   * every signature. */
  g_return_if_fail(n_param_values >= 2);
  dispatch((MethodClosure *)closure, g_value_get_object(&param_values[1]));
  if (return_value)
    g_value_set_boolean(return_value, TRUE);
}

char *
mmd_dbus_hyphen_name(const char *member)
{
  GString *name = g_string_new(NULL);

  for (const char *c = member; *c; c++) {
    gboolean upper = g_ascii_isupper(*c);
    if (upper && c != member
        && (g_ascii_islower(c[-1]) || (c[1] && g_ascii_islower(c[1]) && g_ascii_isupper(c[-1]))))
      g_string_append_c(name, '-');
    g_string_append_c(name, g_ascii_tolower(*c));
  }
  return g_string_free(name, FALSE);
}

static void
connect_closure(gpointer skeleton, const char *method_name, MethodClosure *mc, gboolean after)
{
  g_autofree char *hyphen = mmd_dbus_hyphen_name(method_name);
  g_autofree char *signal = g_strconcat("handle-", hyphen, NULL);
  guint id = g_signal_lookup(signal, G_OBJECT_TYPE(skeleton));

  if (!id)
    g_error("%s has no method %s (signal %s)", G_OBJECT_TYPE_NAME(skeleton), method_name, signal);
  mc->skeleton = skeleton;
  g_closure_set_marshal(&mc->closure, method_marshal);
  g_signal_connect_closure_by_id(skeleton, id, 0, &mc->closure, after);
}

void
mmd_methods_bind(gpointer skeleton, const MmdMethod *methods, gsize n_methods, GObject *target,
                 gpointer data)
{
  for (gsize i = 0; i < n_methods; i++) {
    MethodClosure *mc = (MethodClosure *)g_closure_new_simple(sizeof(MethodClosure), NULL);

    mc->method = &methods[i];
    mc->target = target;
    mc->data = data;
    connect_closure(skeleton, methods[i].name, mc, FALSE);
  }
}

void
mmd_methods_bind_unsupported(gpointer skeleton, const char *action, GObject *target)
{
  GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info(skeleton);

  for (guint i = 0; info->methods && info->methods[i]; i++) {
    MethodClosure *mc = (MethodClosure *)g_closure_new_simple(sizeof(MethodClosure), NULL);

    mc->target = target;
    mc->action = action;
    connect_closure(skeleton, info->methods[i]->name, mc, TRUE);
  }
}
