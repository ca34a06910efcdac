/* The compatibility export (see compat.h). */
#define G_LOG_DOMAIN "modemd-compat"

#include "compat.h"

#include "compat-names.h"
#include "method.h"
#include "mmd-enums.h"

typedef struct _Mirror Mirror;

/* One native interface registered again at a compat path. */
typedef struct {
  Mirror *mirror;
  GDBusInterfaceSkeleton *skeleton;
  GDBusInterfaceInfo *info; /* the compat description (cached, never freed) */
  guint registration;
  GPtrArray *pending; /* names of changed properties, not yet announced */
  guint flush_id;
  GArray *handlers; /* gulong, on the skeleton */
} Mirrored;

struct _Mirror {
  MmdCompat *compat;
  char *native_path;
  char *path;
  GDBusObjectSkeleton *object; /* NULL for the manager */
  gboolean listed;             /* to be shown by the ObjectManager */
  gboolean shown;              /* shown now */
  GPtrArray *ifaces;           /* Mirrored */
  gulong added_id;
  gulong removed_id;
};

struct _MmdCompat {
  GDBusConnection *connection;
  GHashTable *mirrors; /* native path -> Mirror */
  guint object_manager;
};

/* native GDBusInterfaceInfo -> compat copy; for the life of the process,
 * since GDBus may hold a description after its object is gone. */
static GHashTable *infos;

static void mirrored_flush(Mirrored *m);
static void show_when_initialized(Mirror *mirror);

/* Descriptions: the same methods, signals and properties under the
 * reference's interface name. Method infos are shared, so that the
 * skeleton's own dispatcher finds its handler for a compat call. */
static GDBusInterfaceInfo *
compat_info(GDBusInterfaceInfo *native)
{
  GDBusInterfaceInfo *info;

  if (!infos)
    infos = g_hash_table_new(NULL, NULL);
  info = g_hash_table_lookup(infos, native);
  if (!info) {
    info = g_new(GDBusInterfaceInfo, 1);
    *info = *native;
    info->ref_count = -1; /* static: never freed by GDBus */
    info->name = mmd_compat_interface_name(native->name);
    g_hash_table_insert(infos, native, info);
  }
  return info;
}

/* Calls and properties, handed to the native skeleton */

static void
mirrored_method_call(GDBusConnection *connection, const char *sender, const char *path,
                     const char *interface_name, const char *method_name, GVariant *parameters,
                     GDBusMethodInvocation *invocation, gpointer user_data)
{
  Mirrored *m = user_data;
  GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable(m->skeleton);

  /* Arguments are translated where they are read (mmd_call_get_parameters). */
  vtable->method_call(connection, sender, m->mirror->native_path,
                      g_dbus_interface_skeleton_get_info(m->skeleton)->name, method_name,
                      parameters, invocation, m->skeleton);
}

static GVariant *
native_property(Mirrored *m, const char *name, GError **error)
{
  GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable(m->skeleton);
  g_autoptr(GVariant) value = vtable->get_property(
      m->mirror->compat->connection, NULL, m->mirror->native_path,
      g_dbus_interface_skeleton_get_info(m->skeleton)->name, name, error, m->skeleton);

  if (value)
    g_variant_take_ref(value);
  return value ? mmd_compat_rewrite(value, TRUE) : NULL;
}

static GVariant *
mirrored_get_property(GDBusConnection *connection, const char *sender, const char *path,
                      const char *interface_name, const char *property_name, GError **error,
                      gpointer user_data)
{
  return native_property(user_data, property_name, error);
}

static gboolean
mirrored_set_property(GDBusConnection *connection, const char *sender, const char *path,
                      const char *interface_name, const char *property_name, GVariant *value,
                      GError **error, gpointer user_data)
{
  Mirrored *m = user_data;
  GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable(m->skeleton);
  g_autoptr(GVariant) native = mmd_compat_rewrite(value, FALSE);

  return vtable->set_property(connection, sender, m->mirror->native_path,
                              g_dbus_interface_skeleton_get_info(m->skeleton)->name, property_name,
                              native, error, m->skeleton);
}

static const GDBusInterfaceVTable mirrored_vtable = {
  .method_call = mirrored_method_call,
  .get_property = mirrored_get_property,
  .set_property = mirrored_set_property,
};

/* Property changes: collected, then announced in one PropertiesChanged */

static GVariant *
all_properties(Mirrored *m)
{
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  for (guint i = 0; m->info->properties && m->info->properties[i]; i++) {
    GDBusPropertyInfo *p = m->info->properties[i];
    g_autoptr(GVariant) value = NULL;

    if (!(p->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE))
      continue;
    value = native_property(m, p->name, NULL);
    if (value)
      g_variant_builder_add(&builder, "{sv}", p->name, value);
  }
  return g_variant_builder_end(&builder);
}

static void
mirrored_flush(Mirrored *m)
{
  GVariantBuilder changed;

  g_clear_handle_id(&m->flush_id, g_source_remove);
  if (m->pending->len == 0)
    return;
  g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
  for (guint i = 0; i < m->pending->len; i++) {
    const char *name = g_ptr_array_index(m->pending, i);
    g_autoptr(GVariant) value = native_property(m, name, NULL);
    if (value)
      g_variant_builder_add(&changed, "{sv}", name, value);
  }
  g_ptr_array_set_size(m->pending, 0);
  g_dbus_connection_emit_signal(m->mirror->compat->connection, NULL, m->mirror->path,
                                "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                g_variant_new("(sa{sv}as)", m->info->name, &changed, NULL), NULL);
  show_when_initialized(m->mirror);
}

static gboolean
flush_idle(gpointer user_data)
{
  Mirrored *m = user_data;

  m->flush_id = 0;
  mirrored_flush(m);
  return G_SOURCE_REMOVE;
}

static void
property_notified(GObject *skeleton, GParamSpec *pspec, gpointer user_data)
{
  Mirrored *m = user_data;

  for (guint i = 0; m->info->properties && m->info->properties[i]; i++) {
    const char *name = m->info->properties[i]->name;
    g_autofree char *hyphen = mmd_dbus_hyphen_name(name);

    if (g_strcmp0(hyphen, pspec->name) != 0)
      continue;
    if (!g_ptr_array_find_with_equal_func(m->pending, name, g_str_equal, NULL))
      g_ptr_array_add(m->pending, (gpointer)name);
    if (!m->flush_id)
      m->flush_id = g_idle_add(flush_idle, m);
    return;
  }
}

/* Signals: the skeleton's GObject signal, again on the compat path */

typedef struct {
  GClosure closure;
  Mirrored *mirrored;
  GDBusSignalInfo *info;
} SignalClosure;

static void
signal_marshal(GClosure *closure, GValue *return_value, guint n_param_values,
               const GValue *param_values, gpointer invocation_hint, gpointer marshal_data)
{
  SignalClosure *sc = (SignalClosure *)closure;
  Mirrored *m = sc->mirrored;
  gboolean unseen = m->mirror->listed && !m->mirror->shown;
  GVariantBuilder args;
  g_autoptr(GVariant) compat_args = NULL;

  /* Properties first, as the native skeleton flushes before its signals. */
  mirrored_flush(m);
  /* Clients learn of a modem from InterfacesAdded, with its state then; a
   * StateChanged from before (out of INITIALIZING) arriving after it would
   * take back what they did since: NetworkManager restarts the activation
   * it began on the shown state. */
  if (unseen)
    return;
  g_variant_builder_init(&args, G_VARIANT_TYPE_TUPLE);
  for (guint i = 0; sc->info->args && sc->info->args[i] && i + 1 < n_param_values; i++) {
    /* Not floating: the builder takes a reference of its own. */
    g_autoptr(GVariant) arg = g_dbus_gvalue_to_gvariant(
        &param_values[i + 1], G_VARIANT_TYPE(sc->info->args[i]->signature));

    g_variant_builder_add_value(&args, arg);
  }
  compat_args = mmd_compat_rewrite(g_variant_builder_end(&args), TRUE);
  g_dbus_connection_emit_signal(m->mirror->compat->connection, NULL, m->mirror->path, m->info->name,
                                sc->info->name, compat_args, NULL);
}

static void
connect_signals(Mirrored *m)
{
  for (guint i = 0; m->info->signals && m->info->signals[i]; i++) {
    GDBusSignalInfo *info = m->info->signals[i];
    g_autofree char *name = mmd_dbus_hyphen_name(info->name);
    SignalClosure *sc = (SignalClosure *)g_closure_new_simple(sizeof(SignalClosure), NULL);
    gulong id;

    sc->mirrored = m;
    sc->info = info;
    g_closure_set_marshal(&sc->closure, signal_marshal);
    id = g_signal_connect_closure(m->skeleton, name, &sc->closure, FALSE);
    g_array_append_val(m->handlers, id);
  }
}

/* Mirrors of interfaces */

static void
emit_interfaces_added(Mirror *mirror, GPtrArray *ifaces)
{
  GVariantBuilder dict;

  if (!mirror->shown)
    return;
  g_variant_builder_init(&dict, G_VARIANT_TYPE("a{sa{sv}}"));
  for (guint i = 0; i < ifaces->len; i++) {
    Mirrored *m = g_ptr_array_index(ifaces, i);
    g_variant_builder_add(&dict, "{s@a{sv}}", m->info->name, all_properties(m));
  }
  g_dbus_connection_emit_signal(mirror->compat->connection, NULL, MMD_COMPAT_PATH,
                                "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                                g_variant_new("(oa{sa{sv}})", mirror->path, &dict), NULL);
}

static void
emit_interfaces_removed(Mirror *mirror, const char *const *names)
{
  if (!mirror->shown)
    return;
  g_dbus_connection_emit_signal(mirror->compat->connection, NULL, MMD_COMPAT_PATH,
                                "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
                                g_variant_new("(o^as)", mirror->path, names), NULL);
}

/* A modem is shown once it has left INITIALIZING, as the reference shows
 * modems only once initialized. NetworkManager 1.42 replaces its
 * ModemManager client when the name gets an owner: a modem that the replaced
 * client had already found stays bound to that client's dead proxies, and
 * the new client's copy is ignored as a duplicate, so NetworkManager never
 * follows that modem. */
static gboolean
modem_initialized(Mirror *mirror)
{
  for (guint i = 0; i < mirror->ifaces->len; i++) {
    Mirrored *m = g_ptr_array_index(mirror->ifaces, i);
    g_autoptr(GVariant) state = NULL;

    if (g_strcmp0(m->info->name, MMD_COMPAT_SERVICE ".Modem") != 0)
      continue;
    state = native_property(m, "State", NULL);
    if (!state || !g_variant_is_of_type(state, G_VARIANT_TYPE_INT32))
      return FALSE;
    return g_variant_get_int32(state) != MMD_MODEM_STATE_UNKNOWN
           && g_variant_get_int32(state) != MMD_MODEM_STATE_INITIALIZING;
  }
  return TRUE;
}

static void
show_when_initialized(Mirror *mirror)
{
  if (!mirror->listed || mirror->shown || !modem_initialized(mirror))
    return;
  mirror->shown = TRUE;
  emit_interfaces_added(mirror, mirror->ifaces);
}

static Mirrored *
mirror_interface(Mirror *mirror, GDBusInterfaceSkeleton *skeleton)
{
  MmdCompat *compat = mirror->compat;
  Mirrored *m = g_new0(Mirrored, 1);
  g_autoptr(GError) error = NULL;
  gulong id;

  m->mirror = mirror;
  m->skeleton = g_object_ref(skeleton);
  m->info = compat_info(g_dbus_interface_skeleton_get_info(skeleton));
  m->pending = g_ptr_array_new();
  m->handlers = g_array_new(FALSE, FALSE, sizeof(gulong));
  m->registration = g_dbus_connection_register_object(compat->connection, mirror->path, m->info,
                                                      &mirrored_vtable, m, NULL, &error);
  if (!m->registration)
    g_warning("Cannot export %s at %s: %s", m->info->name, mirror->path, error->message);
  id = g_signal_connect(skeleton, "notify", G_CALLBACK(property_notified), m);
  g_array_append_val(m->handlers, id);
  connect_signals(m);
  return m;
}

static void
mirrored_free(Mirrored *m)
{
  for (guint i = 0; i < m->handlers->len; i++)
    g_signal_handler_disconnect(m->skeleton, g_array_index(m->handlers, gulong, i));
  g_array_unref(m->handlers);
  if (m->registration)
    g_dbus_connection_unregister_object(m->mirror->compat->connection, m->registration);
  g_clear_handle_id(&m->flush_id, g_source_remove);
  g_ptr_array_unref(m->pending);
  g_object_unref(m->skeleton);
  g_free(m);
}

static Mirrored *
find_mirrored(Mirror *mirror, GDBusInterfaceSkeleton *skeleton, guint *index)
{
  for (guint i = 0; i < mirror->ifaces->len; i++) {
    Mirrored *m = g_ptr_array_index(mirror->ifaces, i);
    if (m->skeleton == skeleton) {
      *index = i;
      return m;
    }
  }
  return NULL;
}

static void
interface_added(GDBusObject *object, GDBusInterface *iface, gpointer user_data)
{
  Mirror *mirror = user_data;
  g_autoptr(GPtrArray) added = g_ptr_array_new();

  g_ptr_array_add(added, mirror_interface(mirror, G_DBUS_INTERFACE_SKELETON(iface)));
  g_ptr_array_add(mirror->ifaces, added->pdata[0]);
  emit_interfaces_added(mirror, added);
}

static void
interface_removed(GDBusObject *object, GDBusInterface *iface, gpointer user_data)
{
  Mirror *mirror = user_data;
  guint index;
  Mirrored *m = find_mirrored(mirror, G_DBUS_INTERFACE_SKELETON(iface), &index);
  const char *names[] = { m ? m->info->name : NULL, NULL };

  if (!m)
    return;
  emit_interfaces_removed(mirror, names);
  g_ptr_array_remove_index(mirror->ifaces, index);
}

static void
mirror_free(Mirror *mirror)
{
  if (mirror->object) {
    g_signal_handler_disconnect(mirror->object, mirror->added_id);
    g_signal_handler_disconnect(mirror->object, mirror->removed_id);
    g_object_unref(mirror->object);
  }
  g_ptr_array_unref(mirror->ifaces);
  g_free(mirror->native_path);
  g_free(mirror->path);
  g_free(mirror);
}

static Mirror *
mirror_new(MmdCompat *compat, const char *native_path, gboolean listed)
{
  Mirror *mirror = g_new0(Mirror, 1);

  mirror->compat = compat;
  mirror->native_path = g_strdup(native_path);
  mirror->path = mmd_compat_path(native_path);
  mirror->listed = listed;
  mirror->ifaces = g_ptr_array_new_with_free_func((GDestroyNotify)mirrored_free);
  g_hash_table_replace(compat->mirrors, mirror->native_path, mirror);
  return mirror;
}

void
mmd_compat_export(MmdCompat *compat, GDBusObjectSkeleton *object, gboolean listed)
{
  const char *native_path = g_dbus_object_get_object_path(G_DBUS_OBJECT(object));
  Mirror *mirror = mirror_new(compat, native_path, listed);
  GList *ifaces = g_dbus_object_get_interfaces(G_DBUS_OBJECT(object));

  mirror->object = g_object_ref(object);
  for (GList *l = ifaces; l; l = l->next)
    g_ptr_array_add(mirror->ifaces, mirror_interface(mirror, l->data));
  g_list_free_full(ifaces, g_object_unref);
  mirror->added_id
      = g_signal_connect(object, "interface-added", G_CALLBACK(interface_added), mirror);
  mirror->removed_id
      = g_signal_connect(object, "interface-removed", G_CALLBACK(interface_removed), mirror);
  show_when_initialized(mirror);
}

void
mmd_compat_unexport(MmdCompat *compat, const char *native_path)
{
  Mirror *mirror = g_hash_table_lookup(compat->mirrors, native_path);
  g_autoptr(GPtrArray) names = g_ptr_array_new();

  if (!mirror)
    return;
  for (guint i = 0; i < mirror->ifaces->len; i++)
    g_ptr_array_add(names, ((Mirrored *)g_ptr_array_index(mirror->ifaces, i))->info->name);
  g_ptr_array_add(names, NULL);
  emit_interfaces_removed(mirror, (const char *const *)names->pdata);
  g_hash_table_remove(compat->mirrors, native_path);
}

void
mmd_compat_export_manager(MmdCompat *compat, GDBusInterfaceSkeleton *manager)
{
  Mirror *mirror = mirror_new(compat, g_dbus_interface_skeleton_get_object_path(manager), FALSE);

  g_ptr_array_add(mirror->ifaces, mirror_interface(mirror, manager));
}

/* The ObjectManager at the compat root */

static const char object_manager_xml[]
    = "<node><interface name='org.freedesktop.DBus.ObjectManager'>"
      "<method name='GetManagedObjects'>"
      "<arg type='a{oa{sa{sv}}}' name='objects' direction='out'/></method>"
      "<signal name='InterfacesAdded'><arg type='o' name='object_path'/>"
      "<arg type='a{sa{sv}}' name='interfaces_and_properties'/></signal>"
      "<signal name='InterfacesRemoved'><arg type='o' name='object_path'/>"
      "<arg type='as' name='interfaces'/></signal>"
      "</interface></node>";

static void
object_manager_call(GDBusConnection *connection, const char *sender, const char *path,
                    const char *interface_name, const char *method_name, GVariant *parameters,
                    GDBusMethodInvocation *invocation, gpointer user_data)
{
  MmdCompat *compat = user_data;
  GVariantBuilder objects;
  GHashTableIter iter;
  gpointer value;

  g_variant_builder_init(&objects, G_VARIANT_TYPE("a{oa{sa{sv}}}"));
  g_hash_table_iter_init(&iter, compat->mirrors);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Mirror *mirror = value;
    GVariantBuilder ifaces;

    if (!mirror->shown)
      continue;
    g_variant_builder_init(&ifaces, G_VARIANT_TYPE("a{sa{sv}}"));
    for (guint i = 0; i < mirror->ifaces->len; i++) {
      Mirrored *m = g_ptr_array_index(mirror->ifaces, i);
      g_variant_builder_add(&ifaces, "{s@a{sv}}", m->info->name, all_properties(m));
    }
    g_variant_builder_add(&objects, "{oa{sa{sv}}}", mirror->path, &ifaces);
  }
  g_dbus_method_invocation_return_value(invocation, g_variant_new("(a{oa{sa{sv}}})", &objects));
}

static const GDBusInterfaceVTable object_manager_vtable = { .method_call = object_manager_call };

MmdCompat *
mmd_compat_new(GDBusConnection *connection)
{
  static GDBusNodeInfo *node;
  MmdCompat *compat = g_new0(MmdCompat, 1);
  g_autoptr(GError) error = NULL;

  if (!node)
    node = g_dbus_node_info_new_for_xml(object_manager_xml, NULL);
  compat->connection = g_object_ref(connection);
  compat->mirrors
      = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)mirror_free);
  compat->object_manager
      = g_dbus_connection_register_object(connection, MMD_COMPAT_PATH, node->interfaces[0],
                                          &object_manager_vtable, compat, NULL, &error);
  if (!compat->object_manager)
    g_warning("Cannot export the compat ObjectManager: %s", error->message);
  return compat;
}

void
mmd_compat_free(MmdCompat *compat)
{
  if (!compat)
    return;
  g_hash_table_unref(compat->mirrors);
  if (compat->object_manager)
    g_dbus_connection_unregister_object(compat->connection, compat->object_manager);
  g_object_unref(compat->connection);
  g_free(compat);
}
