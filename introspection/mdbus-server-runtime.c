/* The daemon's D-Bus skeletons: one GType per interface over a shared base (see
 * mdbus-server-runtime.h for the API and the semantics it keeps). */
#define G_LOG_DOMAIN "mdbus"

#include "mdbus-server-runtime.h"

#include "mdbus-server-info.h"

/* What the type of one interface adds to the base class. */
typedef struct {
  GDBusInterfaceSkeletonClass parent_class;
  MdbusServerInterface *iface;
  guint n_properties;
  GParamSpec **properties; /* by property index */
  guint *method_signals;   /* handle-* signal ids, by method index */
  guint *signals;          /* by D-Bus signal index */
} MdbusServerClass;

typedef struct {
  GVariant *value;    /* NULL: never set */
  const gchar **strv; /* made from value for borrowers (string array types) */
} Slot;

typedef struct {
  guint property;
  GVariant *before; /* the value when first changed since the last announcement */
} Change;

typedef struct {
  GDBusInterfaceSkeleton parent;
  Slot *slots;
  GArray *changes; /* Change: not yet announced */
  GSource *announce;
  GMainContext *context;
} MdbusServer;

G_DEFINE_ABSTRACT_TYPE(MdbusServer, mdbus_server, G_TYPE_DBUS_INTERFACE_SKELETON)

#define SERVER_CLASS(self) ((MdbusServerClass *)G_OBJECT_GET_CLASS(self))

static GDBusInterfaceInfo *
info_of(gpointer self)
{
  return SERVER_CLASS(self)->iface->info;
}

static gboolean
is_forced_gvariant(GDBusAnnotationInfo **annotations)
{
  return g_dbus_annotation_info_lookup(annotations, MDBUS_FORCE_GVARIANT) != NULL;
}

/* The GType that gdbus-codegen (and g_dbus_gvariant_to_gvalue()) give a D-Bus type. */
static GType
gtype_of(const char *signature, GDBusAnnotationInfo **annotations)
{
  if (is_forced_gvariant(annotations))
    return G_TYPE_VARIANT;
  if (g_str_equal(signature, "ay"))
    return G_TYPE_STRING;
  if (g_str_equal(signature, "as") || g_str_equal(signature, "ao") || g_str_equal(signature, "aay"))
    return G_TYPE_STRV;
  switch (signature[0]) {
    case 'b':
      return G_TYPE_BOOLEAN;
    case 'y':
      return G_TYPE_UCHAR;
    case 'n':
    case 'i':
      return G_TYPE_INT;
    case 'q':
    case 'u':
      return G_TYPE_UINT;
    case 'x':
      return G_TYPE_INT64;
    case 't':
      return G_TYPE_UINT64;
    case 'd':
      return G_TYPE_DOUBLE;
    case 's':
    case 'o':
    case 'g':
      return G_TYPE_STRING;
    default:
      return G_TYPE_VARIANT;
  }
}

/* gdbus-codegen's GObject names: "SignalQuality" -> "signal-quality". */
static gchar *
hyphen_name(const char *prefix, const char *name)
{
  GString *hyphen = g_string_new(prefix);

  for (const char *c = name; *c; c++) {
    if (g_ascii_isupper(*c) && c != name && !g_ascii_isupper(c[-1]))
      g_string_append_c(hyphen, '-');
    g_string_append_c(hyphen, g_ascii_tolower(*c));
  }
  return g_string_free(hyphen, FALSE);
}

static GParamSpec *
param_spec_new(GDBusPropertyInfo *property)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const char *sig = property->signature;
  GType type = gtype_of(sig, property->annotations);
  g_autofree gchar *hyphen = hyphen_name("", property->name);
  /* Interned: a static name for every class with a property of that name. */
  const gchar *name = g_intern_string(hyphen);

  if (type == G_TYPE_BOOLEAN)
    return g_param_spec_boolean(name, NULL, NULL, FALSE, flags);
  if (type == G_TYPE_UCHAR)
    return g_param_spec_uchar(name, NULL, NULL, 0, G_MAXUINT8, 0, flags);
  if (type == G_TYPE_INT)
    return *sig == 'n' ? g_param_spec_int(name, NULL, NULL, G_MININT16, G_MAXINT16, 0, flags)
                       : g_param_spec_int(name, NULL, NULL, G_MININT32, G_MAXINT32, 0, flags);
  if (type == G_TYPE_UINT)
    return g_param_spec_uint(name, NULL, NULL, 0, *sig == 'q' ? G_MAXUINT16 : G_MAXUINT32, 0,
                             flags);
  if (type == G_TYPE_INT64)
    return g_param_spec_int64(name, NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  if (type == G_TYPE_UINT64)
    return g_param_spec_uint64(name, NULL, NULL, 0, G_MAXUINT64, 0, flags);
  if (type == G_TYPE_DOUBLE)
    return g_param_spec_double(name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  if (type == G_TYPE_STRING)
    return g_param_spec_string(name, NULL, NULL, NULL, flags);
  if (type == G_TYPE_STRV)
    return g_param_spec_boxed(name, NULL, NULL, G_TYPE_STRV, flags);
  return g_param_spec_variant(name, NULL, NULL, G_VARIANT_TYPE(sig), NULL, flags);
}

/* Values */

static gboolean
same_value(GVariant *a, GVariant *b)
{
  return a == b || (a && b && g_variant_equal(a, b));
}

/* What D-Bus sees of a property: its value, or for one never set what
 * gdbus-codegen sent, the D-Bus form of its GValue type's zero ("" and "/" for
 * strings and paths, empty arrays, 0). */
static GVariant *
dbus_value(MdbusServer *self, guint index)
{
  GParamSpec *pspec = SERVER_CLASS(self)->properties[index];
  GValue zero = G_VALUE_INIT;
  GVariant *value;

  if (self->slots[index].value)
    return g_variant_ref(self->slots[index].value);
  g_value_init(&zero, pspec->value_type);
  value = g_dbus_gvalue_to_gvariant(&zero,
                                    G_VARIANT_TYPE(info_of(self)->properties[index]->signature));
  g_value_unset(&zero);
  return value;
}

static void
emit_on_connections(MdbusServer *self, const char *interface_name, const char *signal_name,
                    GVariant *parameters)
{
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON(self);
  GList *connections = g_dbus_interface_skeleton_get_connections(skeleton);

  g_variant_ref_sink(parameters);
  for (GList *l = connections; l; l = l->next)
    g_dbus_connection_emit_signal(l->data, NULL,
                                  g_dbus_interface_skeleton_get_object_path(skeleton),
                                  interface_name, signal_name, parameters, NULL);
  g_variant_unref(parameters);
  g_list_free_full(connections, g_object_unref);
}

/* One PropertiesChanged with the properties whose value differs from the one
 * they had when first changed since the last one. */
static gboolean
announce_changes(gpointer user_data)
{
  MdbusServer *self = user_data;
  GDBusInterfaceInfo *info = info_of(self);
  GVariantBuilder changed;
  guint n_changed = 0;

  self->announce = NULL;
  g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < self->changes->len; i++) {
    Change *change = &g_array_index(self->changes, Change, i);

    if (!same_value(self->slots[change->property].value, change->before)) {
      g_autoptr(GVariant) value = dbus_value(self, change->property);

      g_variant_builder_add(&changed, "{sv}", info->properties[change->property]->name, value);
      n_changed++;
    }
    g_clear_pointer(&change->before, g_variant_unref);
  }
  g_array_set_size(self->changes, 0);
  if (n_changed)
    emit_on_connections(self, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                        g_variant_new("(sa{sv}as)", info->name, &changed, NULL));
  else
    g_variant_builder_clear(&changed);
  return G_SOURCE_REMOVE;
}

static void
remember_change(MdbusServer *self, guint index)
{
  Change change = { index, self->slots[index].value };

  for (guint i = 0; i < self->changes->len; i++)
    if (g_array_index(self->changes, Change, i).property == index)
      return;
  if (change.before)
    g_variant_ref(change.before);
  g_array_append_val(self->changes, change);
  if (self->announce)
    return;
  self->announce = g_idle_source_new();
  g_source_set_priority(self->announce, G_PRIORITY_DEFAULT);
  g_source_set_callback(self->announce, announce_changes, g_object_ref(self), g_object_unref);
  g_source_attach(self->announce, self->context);
  g_source_unref(self->announce);
}

/* Takes value (a reference, or NULL). */
static void
store(MdbusServer *self, guint index, GVariant *value)
{
  GDBusPropertyInfo *info = info_of(self)->properties[index];
  Slot *slot = &self->slots[index];

  if (value && !g_variant_is_of_type(value, G_VARIANT_TYPE(info->signature))) {
    g_critical("%s.%s is of type %s, not %s", info_of(self)->name, info->name, info->signature,
               g_variant_get_type_string(value));
    g_variant_unref(value);
    return;
  }
  if (same_value(slot->value, value)) {
    g_clear_pointer(&value, g_variant_unref);
    return;
  }
  if (g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self)))
    remember_change(self, index);
  g_clear_pointer(&slot->value, g_variant_unref);
  g_clear_pointer(&slot->strv, g_free);
  slot->value = value;
  g_object_notify_by_pspec(G_OBJECT(self), SERVER_CLASS(self)->properties[index]);
}

/* GValues (GObject properties, signal arguments) to GVariants and back */

static GVariant *
variant_of_gvalue(const GValue *value, const char *signature)
{
  /* A NULL string, array or GVariant is "not set", as in a gdbus-codegen skeleton. */
  if (g_value_fits_pointer(value) && !g_value_peek_pointer(value))
    return NULL;
  return g_dbus_gvalue_to_gvariant(value, G_VARIANT_TYPE(signature));
}

/* Sets value, initialised with the GType of the D-Bus type, from variant. */
static void
gvalue_of_variant(GValue *value, GVariant *variant)
{
  GValue converted = G_VALUE_INIT;

  if (G_VALUE_HOLDS_VARIANT(value)) {
    g_value_set_variant(value, variant);
    return;
  }
  g_dbus_gvariant_to_gvalue(variant, &converted);
  g_value_copy(&converted, value);
  g_value_unset(&converted);
}

static void
mdbus_server_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MdbusServer *self = (MdbusServer *)object;

  if (self->slots[prop_id - 1].value)
    gvalue_of_variant(value, self->slots[prop_id - 1].value);
}

static void
mdbus_server_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MdbusServer *self = (MdbusServer *)object;

  store(self, prop_id - 1,
        variant_of_gvalue(value, info_of(self)->properties[prop_id - 1]->signature));
}

/* D-Bus: method calls become handle-* signals, property reads and writes go to
 * the store */

static guint
count(gpointer array)
{
  guint n = 0;

  while (array && ((gpointer *)array)[n])
    n++;
  return n;
}

static gint
index_of_name(gpointer *infos, const char *name)
{
  /* Every member info starts with ref_count and name, as GDBusArgInfo does. */
  for (gint i = 0; infos && infos[i]; i++)
    if (g_str_equal(((GDBusArgInfo *)infos[i])->name, name))
      return i;
  return -1;
}

static void
handle_method_call(GDBusConnection *connection, const char *sender, const char *object_path,
                   const char *interface_name, const char *method_name, GVariant *parameters,
                   GDBusMethodInvocation *invocation, gpointer user_data)
{
  MdbusServer *self = user_data;
  GDBusInterfaceInfo *info = info_of(self);
  gint index = index_of_name((gpointer *)info->methods, method_name);
  gsize n_values = 2 + (parameters ? g_variant_n_children(parameters) : 0);
  GValue *values = g_new0(GValue, n_values);
  GValue handled = G_VALUE_INIT;

  g_value_init(&values[0], G_TYPE_FROM_INSTANCE(self));
  g_value_set_object(&values[0], self);
  g_value_init(&values[1], G_TYPE_DBUS_METHOD_INVOCATION);
  g_value_set_object(&values[1], invocation);
  /* GDBus has checked the arguments against the method's in-args. */
  for (gsize i = 2; index >= 0 && i < n_values; i++) {
    GDBusArgInfo *arg = info->methods[index]->in_args[i - 2];
    g_autoptr(GVariant) child = g_variant_get_child_value(parameters, i - 2);

    g_value_init(&values[i], gtype_of(arg->signature, arg->annotations));
    gvalue_of_variant(&values[i], child);
  }
  g_value_init(&handled, G_TYPE_BOOLEAN);
  if (index >= 0)
    g_signal_emitv(values, SERVER_CLASS(self)->method_signals[index], 0, &handled);
  if (!g_value_get_boolean(&handled))
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                          "Method %s is not implemented on interface %s",
                                          method_name, interface_name);
  for (gsize i = 0; i < n_values; i++)
    if (G_IS_VALUE(&values[i]))
      g_value_unset(&values[i]);
  g_free(values);
}

static GVariant *
handle_get_property(GDBusConnection *connection, const char *sender, const char *object_path,
                    const char *interface_name, const char *property_name, GError **error,
                    gpointer user_data)
{
  gint index = index_of_name((gpointer *)info_of(user_data)->properties, property_name);

  if (index < 0) {
    g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "No property with name %s",
                property_name);
    return NULL;
  }
  return dbus_value(user_data, index);
}

static gboolean
handle_set_property(GDBusConnection *connection, const char *sender, const char *object_path,
                    const char *interface_name, const char *property_name, GVariant *value,
                    GError **error, gpointer user_data)
{
  GDBusInterfaceInfo *info = info_of(user_data);
  gint index = index_of_name((gpointer *)info->properties, property_name);

  /* GDBus checks access and type against the info it exported; the compat
   * export hands writes on without, so they are checked again here. */
  if (index < 0 || !(info->properties[index]->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE)) {
    g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "No writable property %s",
                property_name);
    return FALSE;
  }
  if (!g_variant_is_of_type(value, G_VARIANT_TYPE(info->properties[index]->signature))) {
    g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "%s is of type %s, not %s",
                property_name, info->properties[index]->signature,
                g_variant_get_type_string(value));
    return FALSE;
  }
  store(user_data, index, g_variant_ref(value));
  return TRUE;
}

static const GDBusInterfaceVTable server_vtable = {
  .method_call = handle_method_call,
  .get_property = handle_get_property,
  .set_property = handle_set_property,
};

static GDBusInterfaceInfo *
mdbus_server_get_info(GDBusInterfaceSkeleton *skeleton)
{
  return info_of(skeleton);
}

static GDBusInterfaceVTable *
mdbus_server_get_vtable(GDBusInterfaceSkeleton *skeleton)
{
  return (GDBusInterfaceVTable *)&server_vtable;
}

static GVariant *
mdbus_server_get_properties(GDBusInterfaceSkeleton *skeleton)
{
  MdbusServer *self = (MdbusServer *)skeleton;
  GDBusPropertyInfo **properties = info_of(self)->properties;
  GVariantBuilder all;

  g_variant_builder_init(&all, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; properties[i]; i++) {
    if (properties[i]->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE) {
      g_autoptr(GVariant) value = dbus_value(self, i);

      g_variant_builder_add(&all, "{sv}", properties[i]->name, value);
    }
  }
  return g_variant_builder_end(&all);
}

static void
mdbus_server_flush(GDBusInterfaceSkeleton *skeleton)
{
  MdbusServer *self = (MdbusServer *)skeleton;

  if (!self->announce)
    return;
  /* Destroying the source drops its reference; the caller holds one. */
  g_source_destroy(self->announce);
  announce_changes(self);
}

/* D-Bus signals: the GObject signal's class handler sends it */

typedef struct {
  GClosure closure;
  GDBusSignalInfo *info;
} SignalClosure;

static void
send_signal(GClosure *closure, GValue *return_value, guint n_param_values,
            const GValue *param_values, gpointer invocation_hint, gpointer marshal_data)
{
  GDBusSignalInfo *info = ((SignalClosure *)closure)->info;
  MdbusServer *self = g_value_get_object(&param_values[0]);
  guint n_args = count(info->args);
  g_autofree GVariant **args = g_new0(GVariant *, n_args + 1);

  g_return_if_fail(n_param_values == n_args + 1);
  for (guint i = 0; i < n_args; i++)
    args[i]
        = g_dbus_gvalue_to_gvariant(&param_values[i + 1], G_VARIANT_TYPE(info->args[i]->signature));
  emit_on_connections(self, info_of(self)->name, info->name, g_variant_new_tuple(args, n_args));
  for (guint i = 0; i < n_args; i++)
    g_variant_unref(args[i]);
}

/* The types */

static void
mdbus_server_init(MdbusServer *self)
{
  self->changes = g_array_new(FALSE, FALSE, sizeof(Change));
  self->context = g_main_context_ref_thread_default();
}

/* The instance init of each interface's type: only it knows the class. */
static void
server_instance_init(GTypeInstance *instance, gpointer klass)
{
  ((MdbusServer *)instance)->slots = g_new0(Slot, ((MdbusServerClass *)klass)->n_properties);
}

static void
mdbus_server_finalize(GObject *object)
{
  MdbusServer *self = (MdbusServer *)object;

  for (guint i = 0; i < SERVER_CLASS(self)->n_properties; i++) {
    g_clear_pointer(&self->slots[i].value, g_variant_unref);
    g_free(self->slots[i].strv);
  }
  g_free(self->slots);
  for (guint i = 0; i < self->changes->len; i++)
    g_clear_pointer(&g_array_index(self->changes, Change, i).before, g_variant_unref);
  g_array_unref(self->changes);
  g_main_context_unref(self->context);
  G_OBJECT_CLASS(mdbus_server_parent_class)->finalize(object);
}

static void
mdbus_server_class_init(MdbusServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS(klass);

  object_class->finalize = mdbus_server_finalize;
  skeleton_class->get_info = mdbus_server_get_info;
  skeleton_class->get_vtable = mdbus_server_get_vtable;
  skeleton_class->get_properties = mdbus_server_get_properties;
  skeleton_class->flush = mdbus_server_flush;
}

/* handle-<method>: (skeleton, invocation, in-args...) -> TRUE when handled. */
static guint
method_signal_new(GType type, GDBusMethodInfo *method)
{
  g_autofree gchar *name = hyphen_name("handle-", method->name);
  guint n_args = count(method->in_args);
  g_autofree GType *types = g_new(GType, n_args + 1);

  types[0] = G_TYPE_DBUS_METHOD_INVOCATION;
  for (guint i = 0; i < n_args; i++)
    types[i + 1] = gtype_of(method->in_args[i]->signature, method->in_args[i]->annotations);
  return g_signal_newv(name, type, G_SIGNAL_RUN_LAST, NULL, g_signal_accumulator_true_handled, NULL,
                       NULL, G_TYPE_BOOLEAN, n_args + 1, types);
}

static guint
dbus_signal_new(GType type, GDBusSignalInfo *signal)
{
  g_autofree gchar *name = hyphen_name("", signal->name);
  guint n_args = count(signal->args);
  g_autofree GType *types = g_new(GType, n_args + 1);
  GClosure *sender = g_closure_new_simple(sizeof(SignalClosure), NULL);

  ((SignalClosure *)sender)->info = signal;
  g_closure_set_marshal(sender, send_signal);
  for (guint i = 0; i < n_args; i++)
    types[i] = gtype_of(signal->args[i]->signature, signal->args[i]->annotations);
  return g_signal_newv(name, type, G_SIGNAL_RUN_LAST, sender, NULL, NULL, NULL, G_TYPE_NONE, n_args,
                       types);
}

/* The class of one interface: a GObject property per D-Bus property, the
 * handle-* signals and the D-Bus signals. */
static void
interface_class_init(gpointer g_class, gpointer class_data)
{
  MdbusServerClass *klass = g_class;
  GType type = G_TYPE_FROM_CLASS(klass);
  GDBusInterfaceInfo *info = ((MdbusServerInterface *)class_data)->info;

  /* GObject does not inherit these: each class has properties of its own. */
  G_OBJECT_CLASS(klass)->get_property = mdbus_server_get_property;
  G_OBJECT_CLASS(klass)->set_property = mdbus_server_set_property;
  klass->iface = class_data;
  klass->n_properties = count(info->properties);
  klass->properties = g_new0(GParamSpec *, klass->n_properties + 1);
  for (guint i = 0; i < klass->n_properties; i++) {
    klass->properties[i] = param_spec_new(info->properties[i]);
    g_object_class_install_property(G_OBJECT_CLASS(klass), i + 1, klass->properties[i]);
  }
  klass->method_signals = g_new0(guint, count(info->methods));
  for (guint i = 0; info->methods[i]; i++)
    klass->method_signals[i] = method_signal_new(type, info->methods[i]);
  klass->signals = g_new0(guint, count(info->signals));
  for (guint i = 0; info->signals[i]; i++)
    klass->signals[i] = dbus_signal_new(type, info->signals[i]);
}

GType
mdbus_server_interface_type(MdbusServerInterface *iface)
{
  if (g_once_init_enter(&iface->type)) {
    const GTypeInfo type_info = {
      .class_size = sizeof(MdbusServerClass),
      .class_init = interface_class_init,
      .class_data = iface,
      .instance_size = sizeof(MdbusServer),
      .instance_init = server_instance_init,
    };

    iface->info = mdbus_server_info_parse(iface->description);
    if (!iface->info)
      g_error("The generated description of %s cannot be read", iface->type_name);
    g_once_init_leave(&iface->type, g_type_register_static(mdbus_server_get_type(),
                                                           iface->type_name, &type_info, 0));
  }
  return iface->type;
}

GDBusInterfaceInfo *
mdbus_server_interface_info(MdbusServerInterface *iface)
{
  mdbus_server_interface_type(iface);
  return iface->info;
}

gpointer
mdbus_server_new(MdbusServerInterface *iface)
{
  return g_object_new(mdbus_server_interface_type(iface), NULL);
}

/* The typed wrappers */

static MdbusServer *
checked(gpointer skeleton, guint property)
{
  g_return_val_if_fail(G_TYPE_CHECK_INSTANCE_TYPE(skeleton, mdbus_server_get_type()), NULL);
  g_return_val_if_fail(property < SERVER_CLASS(skeleton)->n_properties, NULL);
  return skeleton;
}

void
mdbus_server_set(gpointer skeleton, guint property, GVariant *value)
{
  MdbusServer *self = checked(skeleton, property);

  if (self)
    store(self, property, value ? g_variant_ref_sink(value) : NULL);
}

void
mdbus_server_set_string(gpointer skeleton, guint property, const gchar *value)
{
  MdbusServer *self = checked(skeleton, property);
  const char *signature;

  if (!self)
    return;
  signature = info_of(self)->properties[property]->signature;
  if (!value)
    store(self, property, NULL);
  else if (*signature == 'a')
    store(self, property, g_variant_ref_sink(g_variant_new_bytestring(value)));
  else
    store(self, property, g_variant_ref_sink(g_variant_new(signature, value)));
}

void
mdbus_server_set_strv(gpointer skeleton, guint property, const gchar *const *value)
{
  MdbusServer *self = checked(skeleton, property);
  const char *signature;

  if (!self)
    return;
  signature = info_of(self)->properties[property]->signature;
  if (!value)
    store(self, property, NULL);
  else if (g_str_equal(signature, "ao"))
    store(self, property, g_variant_ref_sink(g_variant_new_objv(value, -1)));
  else if (g_str_equal(signature, "aay"))
    store(self, property, g_variant_ref_sink(g_variant_new_bytestring_array(value, -1)));
  else
    store(self, property, g_variant_ref_sink(g_variant_new_strv(value, -1)));
}

GVariant *
mdbus_server_peek(gpointer skeleton, guint property)
{
  MdbusServer *self = checked(skeleton, property);

  return self ? self->slots[property].value : NULL;
}

const gchar *
mdbus_server_get_string(gpointer skeleton, guint property)
{
  GVariant *value = mdbus_server_peek(skeleton, property);

  if (!value)
    return NULL;
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_BYTESTRING))
    return g_variant_get_bytestring(value);
  return g_variant_get_string(value, NULL);
}

const gchar *const *
mdbus_server_get_strv(gpointer skeleton, guint property)
{
  GVariant *value = mdbus_server_peek(skeleton, property);
  Slot *slot;

  if (!value)
    return NULL;
  slot = &((MdbusServer *)skeleton)->slots[property];
  if (!slot->strv) {
    if (g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
      slot->strv = g_variant_get_objv(value, NULL);
    else if (g_variant_is_of_type(value, G_VARIANT_TYPE_BYTESTRING_ARRAY))
      slot->strv = g_variant_get_bytestring_array(value, NULL);
    else
      slot->strv = g_variant_get_strv(value, NULL);
  }
  return slot->strv;
}

guint
mdbus_server_signal_id(gpointer skeleton, guint signal)
{
  g_return_val_if_fail(G_TYPE_CHECK_INSTANCE_TYPE(skeleton, mdbus_server_get_type()), 0);
  return SERVER_CLASS(skeleton)->signals[signal];
}

/* Objects */

MdbusObjectSkeleton *
mdbus_object_skeleton_new(const gchar *object_path)
{
  return (MdbusObjectSkeleton *)g_dbus_object_skeleton_new(object_path);
}

gpointer
mdbus_server_object_get(MdbusObject *object, MdbusServerInterface *iface)
{
  const char *name = mdbus_server_interface_info(iface)->name;
  GDBusInterface *skeleton = g_dbus_object_get_interface(G_DBUS_OBJECT(object), name);

  if (skeleton && !G_TYPE_CHECK_INSTANCE_TYPE(skeleton, mdbus_server_interface_type(iface)))
    g_clear_object(&skeleton);
  return skeleton;
}

gpointer
mdbus_server_object_peek(MdbusObject *object, MdbusServerInterface *iface)
{
  GDBusInterface *skeleton = mdbus_server_object_get(object, iface);

  if (skeleton)
    g_object_unref(skeleton);
  return skeleton;
}

void
mdbus_server_object_set(MdbusObjectSkeleton *object, MdbusServerInterface *iface, gpointer skeleton)
{
  GDBusObjectSkeleton *base = G_DBUS_OBJECT_SKELETON(object);

  if (skeleton)
    g_dbus_object_skeleton_add_interface(base, G_DBUS_INTERFACE_SKELETON(skeleton));
  else
    g_dbus_object_skeleton_remove_interface_by_name(base, mdbus_server_interface_info(iface)->name);
}
