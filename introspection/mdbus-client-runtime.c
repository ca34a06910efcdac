/* The shared helpers of the thin D-Bus client: see mdbus-client-runtime.h for the
 * ownership rules they keep. */
#include "mdbus-client-runtime.h"

#include <string.h>

GDBusObjectManager *
mdbus_object_manager_client_new_sync(GDBusConnection *connection,
                                     GDBusObjectManagerClientFlags flags, const gchar *name,
                                     const gchar *object_path, GCancellable *cancellable,
                                     GError **error)
{
  /* No proxy type function: every object is a GDBusObjectProxy and every interface a
   * plain GDBusProxy, which is what the generated functions expect. */
  return g_dbus_object_manager_client_new_sync(connection, flags, name, object_path, NULL, NULL,
                                               NULL, cancellable, error);
}

gboolean
mdbus_client_is_interface(gconstpointer proxy, const gchar *interface_name)
{
  return G_IS_DBUS_PROXY(proxy)
         && g_strcmp0(g_dbus_proxy_get_interface_name((GDBusProxy *)proxy), interface_name) == 0;
}

gpointer
mdbus_client_get_interface(MdbusObject *object, const gchar *interface_name)
{
  GDBusInterface *iface = g_dbus_object_get_interface(G_DBUS_OBJECT(object), interface_name);

  if (iface && !G_IS_DBUS_PROXY(iface))
    g_clear_object(&iface);
  return iface;
}

gpointer
mdbus_client_peek_interface(MdbusObject *object, const gchar *interface_name)
{
  GDBusInterface *iface = mdbus_client_get_interface(object, interface_name);

  /* The object holds a reference to each of its interfaces for as long as it
   * has them, so the pointer stays valid without ours (gdbus-codegen's peek). */
  if (iface)
    g_object_unref(iface);
  return iface;
}

/* The cached value of a property if it has the type the interface gives it,
 * without a reference of its own: the proxy's cache holds it. */
static GVariant *
borrow_cached(gpointer proxy, const gchar *property, const GVariantType *type)
{
  GVariant *value = g_dbus_proxy_get_cached_property(G_DBUS_PROXY(proxy), property);

  if (!value)
    return NULL;
  g_variant_unref(value);
  return g_variant_is_of_type(value, type) ? value : NULL;
}

gboolean
mdbus_client_get_boolean(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_BOOLEAN);

  return value ? g_variant_get_boolean(value) : FALSE;
}

guchar
mdbus_client_get_byte(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_BYTE);

  return value ? g_variant_get_byte(value) : 0;
}

gint16
mdbus_client_get_int16(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_INT16);

  return value ? g_variant_get_int16(value) : 0;
}

guint16
mdbus_client_get_uint16(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_UINT16);

  return value ? g_variant_get_uint16(value) : 0;
}

gint32
mdbus_client_get_int32(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_INT32);

  return value ? g_variant_get_int32(value) : 0;
}

guint32
mdbus_client_get_uint32(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_UINT32);

  return value ? g_variant_get_uint32(value) : 0;
}

gint64
mdbus_client_get_int64(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_INT64);

  return value ? g_variant_get_int64(value) : 0;
}

guint64
mdbus_client_get_uint64(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_UINT64);

  return value ? g_variant_get_uint64(value) : 0;
}

gdouble
mdbus_client_get_double(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_DOUBLE);

  return value ? g_variant_get_double(value) : 0.0;
}

gint32
mdbus_client_get_handle(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_HANDLE);

  return value ? g_variant_get_handle(value) : 0;
}

const gchar *
mdbus_client_get_string(gpointer proxy, const gchar *property, const gchar *type)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE(type));

  return value ? g_variant_get_string(value, NULL) : NULL;
}

const gchar *
mdbus_client_get_bytestring(gpointer proxy, const gchar *property)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE_BYTESTRING);

  return value ? g_variant_get_bytestring(value) : NULL;
}

GVariant *
mdbus_client_get_variant(gpointer proxy, const gchar *property, const gchar *type)
{
  return borrow_cached(proxy, property, G_VARIANT_TYPE(type));
}

GVariant *
mdbus_client_variant_ref(GVariant *value)
{
  return value ? g_variant_ref(value) : NULL;
}

/* A string array made from one cached value: the strings point into the value,
 * which the holder keeps alive along with the array. */
typedef struct {
  GVariant *value;
  const gchar **strv;
} StrvHolder;

static void
strv_holder_free(gpointer data)
{
  StrvHolder *holder = data;

  g_variant_unref(holder->value);
  g_free(holder->strv);
  g_free(holder);
}

static const gchar **
strv_of(GVariant *value)
{
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    return g_variant_get_objv(value, NULL);
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_BYTESTRING_ARRAY))
    return g_variant_get_bytestring_array(value, NULL);
  return g_variant_get_strv(value, NULL);
}

const gchar *const *
mdbus_client_get_strv(gpointer proxy, const gchar *property, const gchar *type)
{
  GVariant *value = borrow_cached(proxy, property, G_VARIANT_TYPE(type));
  g_autofree char *key = NULL;
  GQuark quark;
  StrvHolder *holder;

  if (!value)
    return NULL;
  key = g_strconcat("mdbus-client-strv:", property, NULL);
  quark = g_quark_from_string(key);
  holder = g_object_get_qdata(proxy, quark);
  if (holder && holder->value == value)
    return holder->strv;
  holder = g_new0(StrvHolder, 1);
  holder->value = g_variant_ref(value);
  holder->strv = strv_of(value);
  g_object_set_qdata_full(proxy, quark, holder, strv_holder_free);
  return holder->strv;
}

static GVariant *
checked_reply(const gchar *method, GVariant *reply, const gchar *reply_type, GError **error)
{
  if (reply && !g_variant_is_of_type(reply, G_VARIANT_TYPE(reply_type))) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s answered %s instead of %s", method,
                g_variant_get_type_string(reply), reply_type);
    g_clear_pointer(&reply, g_variant_unref);
  }
  return reply;
}

GVariant *
mdbus_client_call_sync(gpointer proxy, const gchar *method, GVariant *parameters,
                       const gchar *reply_type, GCancellable *cancellable, GError **error)
{
  GVariant *reply = g_dbus_proxy_call_sync(G_DBUS_PROXY(proxy), method, parameters,
                                           G_DBUS_CALL_FLAGS_NONE, -1, cancellable, error);

  return checked_reply(method, reply, reply_type, error);
}

GVariant *
mdbus_client_call_finish(gpointer proxy, const gchar *method, GAsyncResult *res,
                         const gchar *reply_type, GError **error)
{
  GVariant *reply = g_dbus_proxy_call_finish(G_DBUS_PROXY(proxy), res, error);

  return checked_reply(method, reply, reply_type, error);
}

/* Closures whose data is the caller's user_data, so that disconnecting by data
 * finds them; what they need besides lives after the GClosure. */
typedef struct {
  GClosure closure;
  const gchar *signal_name; /* static strings of the generated code */
  const gchar *signature;
  MdbusSignalInvoke invoke;
  GCallback handler;
} SignalClosure;

/* "g-signal": (GDBusProxy *proxy, gchar *sender_name, gchar *signal_name, GVariant *parameters) */
static void
signal_closure_marshal(GClosure *closure, GValue *return_value, guint n_param_values,
                       const GValue *param_values, gpointer invocation_hint, gpointer marshal_data)
{
  SignalClosure *self = (SignalClosure *)closure;
  GVariant *parameters;

  if (n_param_values != 4
      || g_strcmp0(g_value_get_string(&param_values[2]), self->signal_name) != 0)
    return;
  parameters = g_value_get_variant(&param_values[3]);
  if (!parameters || !g_variant_is_of_type(parameters, G_VARIANT_TYPE(self->signature)))
    return;
  self->invoke(g_value_get_object(&param_values[0]), parameters, self->handler, closure->data);
}

gulong
mdbus_client_connect_signal(gpointer proxy, const gchar *signal_name, const gchar *signature,
                            MdbusSignalInvoke invoke, GCallback handler, gpointer user_data)
{
  GClosure *closure = g_closure_new_simple(sizeof(SignalClosure), user_data);
  SignalClosure *self = (SignalClosure *)closure;

  self->signal_name = signal_name;
  self->signature = signature;
  self->invoke = invoke;
  self->handler = handler;
  g_closure_set_marshal(closure, signal_closure_marshal);
  return g_signal_connect_closure(proxy, "g-signal", closure, FALSE);
}

typedef struct {
  GClosure closure;
  MdbusPropertyChangedHandler handler;
  gchar property[]; /* the caller's name, copied */
} PropertyClosure;

/* "g-properties-changed": (GDBusProxy *proxy, GVariant *changed, GStrv invalidated) */
static void
property_closure_marshal(GClosure *closure, GValue *return_value, guint n_param_values,
                         const GValue *param_values, gpointer invocation_hint,
                         gpointer marshal_data)
{
  PropertyClosure *self = (PropertyClosure *)closure;
  GVariant *changed;
  const gchar *const *invalidated;
  g_autoptr(GVariant) value = NULL;

  if (n_param_values != 3)
    return;
  changed = g_value_get_variant(&param_values[1]);
  invalidated = g_value_get_boxed(&param_values[2]);
  if (changed && g_variant_is_of_type(changed, G_VARIANT_TYPE_VARDICT))
    value = g_variant_lookup_value(changed, self->property, NULL);
  if (value || (invalidated && g_strv_contains(invalidated, self->property)))
    self->handler(g_value_get_object(&param_values[0]), self->property, closure->data);
}

gulong
mdbus_client_connect_property_changed(gpointer proxy, const gchar *property,
                                      MdbusPropertyChangedHandler handler, gpointer user_data)
{
  size_t length = strlen(property) + 1;
  GClosure *closure = g_closure_new_simple(sizeof(PropertyClosure) + length, user_data);
  PropertyClosure *self = (PropertyClosure *)closure;

  self->handler = handler;
  memcpy(self->property, property, length);
  g_closure_set_marshal(closure, property_closure_marshal);
  return g_signal_connect_closure(proxy, "g-properties-changed", closure, FALSE);
}
