/* Name translation between our API and the reference's (see compat-names.h). */
#include "compat-names.h"

#include <string.h>

#include "auth.h"
#include "mmd-enums.h"
#include "mmd-errors.h"

static char *
swap_prefix(const char *value, const char *from, const char *to)
{
  gsize n = strlen(from);

  if (!value || strncmp(value, from, n) != 0 || (value[n] && value[n] != '.' && value[n] != '/'))
    return g_strdup(value);
  return g_strconcat(to, value + n, NULL);
}

gboolean
mmd_compat_is_compat_interface(const char *interface_name)
{
  return g_str_has_prefix(interface_name, MMD_COMPAT_SERVICE);
}

char *
mmd_compat_interface_name(const char *native)
{
  return swap_prefix(native, MMD_DBUS_SERVICE, MMD_COMPAT_SERVICE);
}

char *
mmd_compat_native_interface_name(const char *compat)
{
  return swap_prefix(compat, MMD_COMPAT_SERVICE, MMD_DBUS_SERVICE);
}

char *
mmd_compat_path(const char *native)
{
  return swap_prefix(native, MMD_DBUS_PATH, MMD_COMPAT_PATH);
}

char *
mmd_compat_native_path(const char *compat)
{
  return swap_prefix(compat, MMD_COMPAT_PATH, MMD_DBUS_PATH);
}

char *
mmd_compat_error_name(const char *native_error_name)
{
  return swap_prefix(native_error_name, MMD_DBUS_ERROR_PREFIX, MMD_COMPAT_ERROR_PREFIX);
}

static GVariant *
rewrite_string(GVariant *value, gboolean to_compat)
{
  const char *s = g_variant_get_string(value, NULL);
  g_autofree char *out = NULL;

  if (g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH)) {
    out = to_compat ? mmd_compat_path(s) : mmd_compat_native_path(s);
    return g_variant_new_object_path(out);
  }
  /* Error names, as in a bearer's ConnectionError. */
  out = to_compat ? swap_prefix(s, MMD_DBUS_ERROR_PREFIX, MMD_COMPAT_ERROR_PREFIX)
                  : swap_prefix(s, MMD_COMPAT_ERROR_PREFIX, MMD_DBUS_ERROR_PREFIX);
  return g_variant_new_string(out);
}

static GVariant *
rewrite_container(GVariant *value, gboolean to_compat)
{
  GVariantBuilder builder;
  GVariantIter iter;
  GVariant *child;

  /* mmd_compat_rewrite() gives a reference of our own, which the new
   * container takes an extra one of: ours is dropped after. */
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_VARIANT)) {
    g_autoptr(GVariant) inner = g_variant_get_variant(value);
    g_autoptr(GVariant) rewritten = mmd_compat_rewrite(inner, to_compat);
    return g_variant_new_variant(rewritten);
  }
  g_variant_builder_init(&builder, g_variant_get_type(value));
  g_variant_iter_init(&iter, value);
  while ((child = g_variant_iter_next_value(&iter))) {
    g_autoptr(GVariant) rewritten = mmd_compat_rewrite(child, to_compat);

    g_variant_builder_add_value(&builder, rewritten);
    g_variant_unref(child);
  }
  return g_variant_builder_end(&builder);
}

GVariant *
mmd_compat_rewrite(GVariant *value, gboolean to_compat)
{
  const GVariantType *type = g_variant_get_type(value);
  GVariant *out;

  g_variant_ref_sink(value);
  if (g_variant_type_is_basic(type) && !g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH)
      && !g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    return value;
  /* Fixed arrays (ay, au) hold neither paths nor strings. */
  if (g_variant_type_is_array(type) && g_variant_type_is_basic(g_variant_type_element(type))
      && !g_variant_type_equal(g_variant_type_element(type), G_VARIANT_TYPE_OBJECT_PATH)
      && !g_variant_type_equal(g_variant_type_element(type), G_VARIANT_TYPE_STRING))
    return value;
  out = g_variant_type_is_basic(type) ? rewrite_string(value, to_compat)
                                      : rewrite_container(value, to_compat);
  g_variant_unref(value);
  return g_variant_ref_sink(out);
}

const char *
mmd_compat_action(const char *native_action, const char *native_interface)
{
  /* The reference checks modem methods, raw commands and resets included,
   * against Device.Control and the manager's against Control. */
  if (g_strcmp0(native_action, MMD_AUTH_MANAGER_ADMIN) == 0)
    return g_strcmp0(native_interface, MMD_DBUS_SERVICE) == 0 ? MMD_COMPAT_SERVICE ".Control"
                                                              : MMD_COMPAT_SERVICE
               ".Device.Control";
  if (g_strcmp0(native_action, MMD_AUTH_COMMAND) == 0
      || g_strcmp0(native_action, MMD_AUTH_DEVICE_CONTROL) == 0)
    return MMD_COMPAT_SERVICE ".Device.Control";
  /* Capability actions share their suffix: Messaging, Voice, USSD, ... */
  if (g_str_has_prefix(native_action, MMD_DBUS_SERVICE ".")) {
    g_autofree char *name
        = g_strconcat(MMD_COMPAT_SERVICE, native_action + strlen(MMD_DBUS_SERVICE), NULL);
    return g_intern_string(name);
  }
  return native_action;
}
