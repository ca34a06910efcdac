/* The shared part of the daemon's D-Bus skeletons (mdbus-generated.[ch], written
 * by mdbus-server-gen.py): the generated code holds only each interface's
 * description and one-line typed wrappers over these functions.
 *
 * The API is gdbus-codegen's (--c-namespace Mdbus): a skeleton is a
 * GDBusInterfaceSkeleton with a GObject property per D-Bus property (same names,
 * types and "notify"), a "handle-<method>" signal per method (skeleton,
 * invocation, in-args...) -> gboolean, and a GObject signal per D-Bus signal,
 * which sends it. What differs is how: one GType per interface, registered at
 * first use from the interface's description, with generic property storage
 * (GVariants), method dispatch and marshalling, instead of a class of code each.
 *
 * Lifetimes and semantics are gdbus-codegen's: getters of strings, string
 * arrays and GVariants return values borrowed from the skeleton, valid until
 * the property is set again; a property never set reads as 0/NULL in C and as
 * its type's zero on D-Bus; a setter that changes the value emits "notify" and,
 * once exported, queues the property for one PropertiesChanged per main loop
 * iteration (g_dbus_interface_skeleton_flush() sends it at once). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One D-Bus interface, as the generated code declares it. */
typedef struct {
  const char *type_name;   /* of its skeleton GType, "MdbusModemSkeleton" */
  const char *description; /* the interface, in the form mdbus-server-gen.py writes */
  /* Made from the description at first use: */
  gsize type;
  GDBusInterfaceInfo *info;
} MdbusServerInterface;

GType mdbus_server_get_type(void) G_GNUC_CONST; /* the abstract base of every skeleton */
GType mdbus_server_interface_type(MdbusServerInterface *iface);
GDBusInterfaceInfo *mdbus_server_interface_info(MdbusServerInterface *iface);
gpointer mdbus_server_new(MdbusServerInterface *iface);

/* Properties, by their index in the interface. A NULL value makes the property
 * unset again; a floating value is taken, another one referenced. A value not
 * of the property's type is refused with a critical warning. */
void mdbus_server_set(gpointer skeleton, guint property, GVariant *value);
void mdbus_server_set_string(gpointer skeleton, guint property, const gchar *value);
void mdbus_server_set_strv(gpointer skeleton, guint property, const gchar *const *value);
GVariant *mdbus_server_peek(gpointer skeleton, guint property);
const gchar *mdbus_server_get_string(gpointer skeleton, guint property);
const gchar *const *mdbus_server_get_strv(gpointer skeleton, guint property);

/* The id of the GObject signal of the interface's D-Bus signal number signal. */
guint mdbus_server_signal_id(gpointer skeleton, guint signal);

/* Objects: plain GDBusObjectSkeletons, with gdbus-codegen's names. */
typedef struct _MdbusObject MdbusObject;
typedef struct _MdbusObjectSkeleton MdbusObjectSkeleton;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdbusObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdbusObjectSkeleton, g_object_unref)
#define MDBUS_OBJECT(o) ((MdbusObject *)(o))
#define MDBUS_IS_OBJECT(o) G_IS_DBUS_OBJECT(o)
#define MDBUS_OBJECT_SKELETON(o) ((MdbusObjectSkeleton *)(o))
#define MDBUS_IS_OBJECT_SKELETON(o) G_IS_DBUS_OBJECT_SKELETON(o)

MdbusObjectSkeleton *mdbus_object_skeleton_new(const gchar *object_path);
/* The object's skeleton of iface, or NULL: with a reference (get) or without
 * (peek: the object holds one for as long as it has the interface). */
gpointer mdbus_server_object_get(MdbusObject *object, MdbusServerInterface *iface);
gpointer mdbus_server_object_peek(MdbusObject *object, MdbusServerInterface *iface);
/* Adds skeleton (replacing the object's skeleton of iface), or removes it: NULL. */
void mdbus_server_object_set(MdbusObjectSkeleton *object, MdbusServerInterface *iface,
                             gpointer skeleton);

G_END_DECLS
