#define G_LOG_DOMAIN "modemd-sysfs"

#include "sysfs.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define SYSFS_DEVICES "/sys/devices"

char *
mmd_sysfs_read_attr(const char *syspath, const char *attr)
{
  g_autofree char *path = g_build_filename(syspath, attr, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents(path, &contents, NULL, NULL))
    return NULL;
  g_strchomp(contents);
  return g_steal_pointer(&contents);
}

static char *
read_link(const char *path)
{
  char buf[4096];
  ssize_t n = readlink(path, buf, sizeof buf - 1);

  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  return g_strdup(buf);
}

char *
mmd_sysfs_link_basename(const char *syspath, const char *link)
{
  g_autofree char *path = g_build_filename(syspath, link, NULL);
  g_autofree char *target = read_link(path);

  return target ? g_path_get_basename(target) : NULL;
}

gboolean
mmd_sysfs_is_device(const char *syspath)
{
  g_autofree char *path = g_build_filename(syspath, "uevent", NULL);

  return g_file_test(path, G_FILE_TEST_EXISTS);
}

char *
mmd_sysfs_canonicalize(const char *base, const char *relative)
{
  g_autofree char *joined
      = g_path_is_absolute(relative) ? g_strdup(relative) : g_build_filename(base, relative, NULL);
  g_auto(GStrv) parts = g_strsplit(joined, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  GString *result = g_string_new(NULL);

  for (guint i = 0; parts[i]; i++) {
    if (parts[i][0] == '\0' || g_str_equal(parts[i], "."))
      continue;
    if (g_str_equal(parts[i], "..")) {
      if (out->len > 0)
        g_ptr_array_remove_index(out, out->len - 1);
      continue;
    }
    g_ptr_array_add(out, parts[i]);
  }
  for (guint i = 0; i < out->len; i++) {
    g_string_append_c(result, '/');
    g_string_append(result, g_ptr_array_index(out, i));
  }
  if (result->len == 0)
    g_string_append_c(result, '/');
  return g_string_free(result, FALSE);
}

char *
mmd_sysfs_resolve(const char *subsystem, const char *name)
{
  g_autofree char *class_dir = g_build_filename("/sys/class", subsystem, NULL);
  g_autofree char *bus_dir = g_build_filename("/sys/bus", subsystem, "devices", NULL);
  const char *dirs[] = { class_dir, bus_dir };

  if (!subsystem || !name || strchr(name, '/') || g_str_equal(name, "..") || g_str_equal(name, ".")
      || strchr(subsystem, '/'))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
    g_autofree char *link = g_build_filename(dirs[i], name, NULL);
    g_autofree char *target = read_link(link);
    g_autofree char *path = NULL;

    if (!target)
      continue;
    path = mmd_sysfs_canonicalize(dirs[i], target);
    if (g_str_has_prefix(path, SYSFS_DEVICES "/") && mmd_sysfs_is_device(path))
      return g_steal_pointer(&path);
  }
  return NULL;
}

char *
mmd_sysfs_parent(const char *syspath)
{
  g_autofree char *parent = NULL;

  if (!g_str_has_prefix(syspath, SYSFS_DEVICES "/"))
    return NULL;
  parent = g_path_get_dirname(syspath);
  if (g_str_equal(parent, SYSFS_DEVICES) || !g_str_has_prefix(parent, SYSFS_DEVICES "/"))
    return NULL;
  return g_steal_pointer(&parent);
}

char *
mmd_sysfs_find_driver(const char *syspath)
{
  g_autofree char *path = g_strdup(syspath);

  while (path) {
    char *driver = mmd_sysfs_link_basename(path, "driver");
    char *parent;

    if (driver)
      return driver;
    parent = mmd_sysfs_parent(path);
    g_free(path);
    path = parent;
  }
  return NULL;
}

static gboolean
is_usb_device(const char *syspath, const char *subsystem)
{
  g_autofree char *vendor = NULL;

  if (g_strcmp0(subsystem, "usb") != 0)
    return FALSE;
  vendor = mmd_sysfs_read_attr(syspath, "idVendor");
  return vendor != NULL;
}

char *
mmd_sysfs_find_physdev(const char *syspath, char **out_subsystem)
{
  g_autofree char *path = mmd_sysfs_parent(syspath);
  g_autofree char *wwan = NULL;
  g_autofree char *first_parent = NULL;

  while (path) {
    g_autofree char *subsystem = NULL;
    char *parent;

    if (mmd_sysfs_is_device(path)) {
      subsystem = mmd_sysfs_link_basename(path, "subsystem");
      if (!first_parent)
        first_parent = g_strdup(path);
      if (is_usb_device(path, subsystem) || g_strcmp0(subsystem, "pci") == 0
          || g_strcmp0(subsystem, "platform") == 0 || g_strcmp0(subsystem, "sdio") == 0) {
        if (out_subsystem)
          *out_subsystem = g_steal_pointer(&subsystem);
        return g_steal_pointer(&path);
      }
      if (g_strcmp0(subsystem, "wwan") == 0 && !wwan)
        wwan = g_strdup(path);
    }
    parent = mmd_sysfs_parent(path);
    g_free(path);
    path = parent;
  }
  if (out_subsystem)
    *out_subsystem = g_strdup(wwan ? "wwan" : NULL);
  if (wwan)
    return g_steal_pointer(&wwan);
  if (first_parent)
    return g_steal_pointer(&first_parent);
  return g_strdup(syspath);
}

GHashTable *
mmd_sysfs_read_uevent(const char *syspath)
{
  GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *contents = mmd_sysfs_read_attr(syspath, "uevent");
  g_auto(GStrv) lines = NULL;

  if (!contents)
    return table;
  lines = g_strsplit(contents, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *eq = strchr(lines[i], '=');
    if (!eq || eq == lines[i])
      continue;
    g_hash_table_replace(table, g_strndup(lines[i], eq - lines[i]), g_strdup(eq + 1));
  }
  return table;
}
