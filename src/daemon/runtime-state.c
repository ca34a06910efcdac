/* Per-port state kept across restarts, in the runtime directory. */
#define G_LOG_DOMAIN "modemd-runtime"

#include "runtime-state.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "config.h"

static const char *
runtime_dir(void)
{
  const char *dir = g_getenv("MODEMD_RUNTIME_DIR");

  return dir && *dir ? dir : MODEMD_RUNTIME_DIR;
}

/* "qmi" and "/dev/cdc-wdm0" make ".../qmi-dev-cdc-wdm0.state": one flat name,
 * nothing a port name could turn into a path elsewhere. */
static char *
state_path(const char *plugin, const char *port)
{
  g_autoptr(GString) name = g_string_new(plugin);

  g_string_append_c(name, '-');
  for (const char *p = port; *p; p++) {
    if (g_ascii_isalnum(*p) || *p == '-' || *p == '_')
      g_string_append_c(name, *p);
    else if (*p == '/' && p != port)
      g_string_append_c(name, '-');
    else if (*p != '/')
      g_string_append_c(name, '_');
  }
  g_string_append(name, ".state");
  return g_build_filename(runtime_dir(), name->str, NULL);
}

GKeyFile *
mmd_runtime_state_load(const char *plugin, const char *port)
{
  g_autofree char *path = state_path(plugin, port);
  g_autoptr(GKeyFile) state = g_key_file_new();
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file(state, path, G_KEY_FILE_NONE, &error)) {
    if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_message("Ignoring %s: %s", path, error->message);
    return NULL;
  }
  g_debug("Loaded %s", path);
  return g_steal_pointer(&state);
}

gboolean
mmd_runtime_state_save(const char *plugin, const char *port, GKeyFile *state)
{
  g_autofree char *path = state_path(plugin, port);
  g_autofree char *data = g_key_file_to_data(state, NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents(runtime_dir(), 0700) < 0) {
    g_message("Cannot create %s: %s", runtime_dir(), g_strerror(errno));
    return FALSE;
  }
  if (!g_file_set_contents_full(path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
    g_message("Cannot save %s: %s", path, error->message);
    return FALSE;
  }
  g_debug("Saved %s", path);
  return TRUE;
}

void
mmd_runtime_state_remove(const char *plugin, const char *port)
{
  g_autofree char *path = state_path(plugin, port);

  if (g_unlink(path) < 0 && errno != ENOENT)
    g_message("Cannot remove %s: %s", path, g_strerror(errno));
}

void
mmd_runtime_state_set_bearer(GKeyFile *state, const MmdBearerSettings *settings,
                             const char *interface)
{
  if (settings->apn)
    g_key_file_set_string(state, "bearer", "apn", settings->apn);
  if (settings->user)
    g_key_file_set_string(state, "bearer", "user", settings->user);
  g_key_file_set_uint64(state, "bearer", "ip-type", settings->ip_type);
  g_key_file_set_uint64(state, "bearer", "allowed-auth", settings->allowed_auth);
  g_key_file_set_boolean(state, "bearer", "allow-roaming", settings->allow_roaming);
  if (interface)
    g_key_file_set_string(state, "bearer", "interface", interface);
}

guint64
mmd_runtime_state_get_number(GKeyFile *state, const char *group, const char *key, guint64 max)
{
  g_autoptr(GError) error = NULL;
  guint64 v = g_key_file_get_uint64(state, group, key, &error);

  return error || v > max ? 0 : v;
}

/* The file is ours, but a string from it still goes to D-Bus. */
static char *
get_text(GKeyFile *state, const char *key)
{
  g_autofree char *v = g_key_file_get_string(state, "bearer", key, NULL);

  return v && *v && g_utf8_validate(v, -1, NULL) ? g_steal_pointer(&v) : NULL;
}

void
mmd_runtime_state_get_bearer(GKeyFile *state, MmdBearerSettings *settings, char **interface)
{
  settings->apn = get_text(state, "apn");
  settings->user = get_text(state, "user");
  settings->ip_type = mmd_runtime_state_get_number(state, "bearer", "ip-type", G_MAXUINT32);
  settings->allowed_auth
      = mmd_runtime_state_get_number(state, "bearer", "allowed-auth", G_MAXUINT32);
  settings->allow_roaming = g_key_file_get_boolean(state, "bearer", "allow-roaming", NULL);
  *interface = get_text(state, "interface");
}

void
mmd_runtime_state_clear_bearer(MmdBearerSettings *settings)
{
  g_clear_pointer(&settings->apn, g_free);
  g_clear_pointer(&settings->user, g_free);
}
