/* The names of the reference API, for the compatibility export: the same
 * objects under org.freedesktop.ModemManager1, its object paths, interface
 * names, error names and polkit actions. Pure functions. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MMD_COMPAT_SERVICE "org.freedesktop.ModemManager1"
#define MMD_COMPAT_PATH "/org/freedesktop/ModemManager1"
#define MMD_COMPAT_ERROR_PREFIX "org.freedesktop.ModemManager1.Error"

/* Whether an interface name is one of the compatibility export's. */
gboolean mmd_compat_is_compat_interface(const char *interface_name);
/* "org.example.Modem1.Modem" <-> "org.freedesktop.ModemManager1.Modem",
 * "/org/example/Modem1/Modem/0" <-> "/org/freedesktop/ModemManager1/Modem/0";
 * anything else is returned unchanged. Newly allocated. */
char *mmd_compat_interface_name(const char *native);
char *mmd_compat_native_interface_name(const char *compat);
char *mmd_compat_path(const char *native);
char *mmd_compat_native_path(const char *compat);
/* A copy of value with every object path (and error name in a string) of
 * one naming turned into the other; floating references are sunk. */
GVariant *mmd_compat_rewrite(GVariant *value, gboolean to_compat);
/* The D-Bus error name of a native one, under the reference's prefix. */
char *mmd_compat_error_name(const char *native_error_name);
/* The reference's polkit action for one of ours, for a call on interface
 * (native name): each method is checked against the action the reference
 * uses for it. */
const char *mmd_compat_action(const char *native_action, const char *native_interface);

G_END_DECLS
