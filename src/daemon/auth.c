#define G_LOG_DOMAIN "modemd-auth"

#include "auth.h"

#include "config.h"
#include "mmd-errors.h"

/* Long enough that a client polling every few seconds hits the cache, short
 * enough that a revoked authorization takes effect quickly. */
#define CACHE_TTL_US (5 * G_USEC_PER_SEC)

typedef struct {
  GDBusMethodInvocation *invocation;
  GObject *target;
  MmdAuthorizedFunc func;
  char *action;
} AuthRequest;

/* key "sender\naction" -> expiry (gint64, monotonic us) */
static GHashTable *cache;
static guint name_watch_id;

static void
auth_request_free(AuthRequest *req)
{
  g_object_unref(req->invocation);
  g_object_unref(req->target);
  g_free(req->action);
  g_free(req);
}

static char *
cache_key(const char *sender, const char *action)
{
  return g_strconcat(sender, "\n", action, NULL);
}

static void
forget_sender(GDBusConnection *connection, const char *sender_name, const char *object_path,
              const char *interface_name, const char *signal_name, GVariant *parameters,
              gpointer user_data)
{
  const char *name, *old_owner, *new_owner;
  g_autofree char *prefix = NULL;
  GHashTableIter iter;
  gpointer key;
  guint dropped = 0;

  g_variant_get(parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner || name[0] != ':' || !cache)
    return;
  prefix = g_strconcat(name, "\n", NULL);
  g_hash_table_iter_init(&iter, cache);
  while (g_hash_table_iter_next(&iter, &key, NULL)) {
    if (g_str_has_prefix(key, prefix)) {
      g_hash_table_iter_remove(&iter);
      dropped++;
    }
  }
  if (dropped)
    g_debug("Dropped cached authorizations of %s (%u), which left the bus", name, dropped);
}

static void
ensure_cache(GDBusConnection *connection)
{
  if (cache)
    return;
  cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  name_watch_id = g_dbus_connection_signal_subscribe(
      connection, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
      "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE, forget_sender, NULL, NULL);
}

static gboolean
cache_lookup(const char *sender, const char *action)
{
  g_autofree char *key = cache_key(sender, action);
  gint64 *expiry = g_hash_table_lookup(cache, key);

  if (!expiry)
    return FALSE;
  if (g_get_monotonic_time() < *expiry)
    return TRUE;
  g_hash_table_remove(cache, key);
  return FALSE;
}

static void
cache_store(const char *sender, const char *action)
{
  gint64 *expiry = g_new(gint64, 1);

  *expiry = g_get_monotonic_time() + CACHE_TTL_US;
  g_hash_table_insert(cache, cache_key(sender, action), expiry);
}

static void
auth_finish(AuthRequest *req, gboolean authorized, const char *why)
{
  if (authorized) {
    req->func(req->target, req->invocation);
  } else {
    g_message("Refused %s.%s from %s: %s",
              g_dbus_method_invocation_get_interface_name(req->invocation),
              g_dbus_method_invocation_get_method_name(req->invocation),
              g_dbus_method_invocation_get_sender(req->invocation), why);
    g_dbus_method_invocation_return_error(req->invocation, MMD_CORE_ERROR,
                                          MMD_CORE_ERROR_UNAUTHORIZED, "Not authorized: %s", why);
  }
  auth_request_free(req);
}

#if WITH_POLKIT

static void
polkit_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthRequest *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean authorized = FALSE, challenge = FALSE;
  g_autofree char *why = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  if (!reply) {
    g_autofree char *remote = g_dbus_error_get_remote_error(error);
    g_dbus_error_strip_remote_error(error);
    why = g_strdup_printf("cannot check authorization with polkit (%s%s%s)", remote ? remote : "",
                          remote ? ": " : "", error->message);
    auth_finish(req, FALSE, why);
    return;
  }
  g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
  if (authorized)
    cache_store(g_dbus_method_invocation_get_sender(req->invocation), req->action);
  why = g_strdup_printf("polkit denied %s%s", req->action,
                        challenge ? " (authentication required)" : "");
  auth_finish(req, authorized, why);
}

static void
check_with_polkit(AuthRequest *req)
{
  GDBusConnection *connection = g_dbus_method_invocation_get_connection(req->invocation);
  GVariantBuilder subject_details;
  GVariant *params;

  g_variant_builder_init(&subject_details, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&subject_details, "{sv}", "name",
                        g_variant_new_string(g_dbus_method_invocation_get_sender(req->invocation)));
  params = g_variant_new("((sa{sv})sa{ss}us)", "system-bus-name", &subject_details, req->action,
                         NULL, 1 /* AllowUserInteraction */, "");
  g_dbus_connection_call(
      connection, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
      "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization", params,
      G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, polkit_done, req);
}

#else

static void
uid_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthRequest *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 uid = G_MAXUINT32;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  if (reply)
    g_variant_get(reply, "(u)", &uid);
  if (uid == 0)
    cache_store(g_dbus_method_invocation_get_sender(req->invocation), req->action);
  auth_finish(req, uid == 0, "only root may change modem state in a build without polkit");
}

static void
check_uid(AuthRequest *req)
{
  g_dbus_connection_call(g_dbus_method_invocation_get_connection(req->invocation),
                         "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "GetConnectionUnixUser",
                         g_variant_new("(s)", g_dbus_method_invocation_get_sender(req->invocation)),
                         G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, uid_done, req);
}

#endif

void
mmd_auth_authorize(GDBusMethodInvocation *invocation, const char *action, GObject *target,
                   MmdAuthorizedFunc func)
{
  AuthRequest *req = g_new0(AuthRequest, 1);
  const char *sender = g_dbus_method_invocation_get_sender(invocation);

  req->invocation = g_object_ref(invocation);
  req->target = g_object_ref(target);
  req->func = func;
  req->action = g_strdup(action);

  ensure_cache(g_dbus_method_invocation_get_connection(invocation));
  if (sender && cache_lookup(sender, action)) {
    auth_finish(req, TRUE, NULL);
    return;
  }
#if WITH_POLKIT
  check_with_polkit(req);
#else
  check_uid(req);
#endif
}

void
mmd_auth_clear_cache(void)
{
  if (cache)
    g_hash_table_remove_all(cache);
}
