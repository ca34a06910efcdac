#define G_LOG_DOMAIN "modemd-auth"

#include "auth.h"

#include <unistd.h>

#include "config.h"

/* Long enough that a client polling every few seconds hits the cache, short
 * enough that a revoked authorization takes effect quickly. */
#define CACHE_TTL_US (5 * G_USEC_PER_SEC)
/* A refusal is remembered briefly: a client without rights that calls in a
 * loop then costs polkitd one check a second, not one per call (polkitd,
 * kept busy, answered everyone, root included, seconds late). */
#define REFUSAL_TTL_US (1 * G_USEC_PER_SEC)
/* Well below the bus's limit of pending replies per connection (128 on the
 * system bus), which other calls of the daemon share. */
#define MAX_IN_FLIGHT 32

typedef struct {
  MmdAuthDone done;
  gpointer user_data;
} Waiter;

/* A cached answer of polkit. */
typedef struct {
  gint64 expiry; /* monotonic us */
  gboolean allowed;
  char *why; /* of a refusal */
} Answer;

/* One check of one caller for one action, shared by every call waiting for it. */
typedef struct {
  char *key; /* "sender\naction" */
  char *sender;
  char *action;
  GDBusConnection *connection;
  GArray *waiters; /* Waiter */
} Check;

static MmdAuthMode mode = WITH_POLKIT ? MMD_AUTH_MODE_POLKIT : MMD_AUTH_MODE_ROOT_ONLY;
/* key -> Answer */
static GHashTable *cache;
/* key -> Check, queued or in flight */
static GHashTable *checks;
static GQueue queued = G_QUEUE_INIT;
static guint in_flight;
static GDBusConnection *watched_connection;

void
mmd_auth_set_mode(MmdAuthMode new_mode)
{
  mode = new_mode;
}

static char *
make_key(const char *sender, const char *action)
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
  if (*new_owner || name[0] != ':')
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
answer_free(gpointer data)
{
  Answer *answer = data;

  g_free(answer->why);
  g_free(answer);
}

static void
ensure_state(GDBusConnection *connection)
{
  if (!cache) {
    cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, answer_free);
    checks = g_hash_table_new(g_str_hash, g_str_equal);
  }
  if (watched_connection == connection)
    return;
  watched_connection = connection;
  g_dbus_connection_signal_subscribe(connection, "org.freedesktop.DBus", "org.freedesktop.DBus",
                                     "NameOwnerChanged", "/org/freedesktop/DBus", NULL,
                                     G_DBUS_SIGNAL_FLAGS_NONE, forget_sender, NULL, NULL);
}

/* The cached answer for key, or NULL. */
static const Answer *
cache_lookup(const char *key)
{
  Answer *answer = g_hash_table_lookup(cache, key);

  if (!answer)
    return NULL;
  if (g_get_monotonic_time() < answer->expiry)
    return answer;
  g_hash_table_remove(cache, key);
  return NULL;
}

static void
cache_store(const char *key, gboolean allowed, const char *why)
{
  Answer *answer = g_new0(Answer, 1);

  answer->expiry = g_get_monotonic_time() + (allowed ? CACHE_TTL_US : REFUSAL_TTL_US);
  answer->allowed = allowed;
  answer->why = g_strdup(why);
  g_hash_table_insert(cache, g_strdup(key), answer);
}

static void send_next(void);

/* verdict: polkit (or the bus) answered, as opposed to a failed request,
 * which is not remembered. */
static void
check_finish(Check *check, gboolean allowed, gboolean verdict, const char *why)
{
  g_hash_table_remove(checks, check->key);
  if (verdict)
    cache_store(check->key, allowed, why);
  for (guint i = 0; i < check->waiters->len; i++) {
    Waiter *w = &g_array_index(check->waiters, Waiter, i);
    w->done(allowed, why, w->user_data);
  }
  g_array_unref(check->waiters);
  g_object_unref(check->connection);
  g_free(check->key);
  g_free(check->sender);
  g_free(check->action);
  g_free(check);
  in_flight--;
  send_next();
}

static char *
call_error_reason(const char *what, GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error(error);

  g_dbus_error_strip_remote_error(error);
  return g_strdup_printf("%s (%s%s%s)", what, remote ? remote : "", remote ? ": " : "",
                         error->message);
}

static void
polkit_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean allowed = FALSE, challenge = FALSE;
  g_autofree char *why = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  if (!reply) {
    why = call_error_reason("cannot check authorization with polkit", error);
  } else {
    g_variant_get(reply, "((bb@a{ss}))", &allowed, &challenge, NULL);
    why = g_strdup_printf("polkit denied %s%s", check->action,
                          challenge ? " (authentication required)" : "");
  }
  check_finish(check, allowed, reply != NULL, allowed ? NULL : why);
}

static void
ask_polkit(Check *check)
{
  GVariantBuilder subject;

  g_debug("Asking polkit whether %s may %s", check->sender, check->action);
  g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&subject, "{sv}", "name", g_variant_new_string(check->sender));
  g_dbus_connection_call(
      check->connection, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
      "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
      g_variant_new("((sa{sv})sa{ss}us)", "system-bus-name", &subject, check->action, NULL,
                    1 /* AllowUserInteraction */, ""),
      G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, polkit_done, check);
}

static void
uid_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *why = NULL;
  guint32 uid = G_MAXUINT32;
  guint32 wanted = mode == MMD_AUTH_MODE_OWNER ? getuid() : 0;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  if (reply)
    g_variant_get(reply, "(u)", &uid);
  else
    why = call_error_reason("cannot tell the caller's user", error);
  if (!why && uid != wanted)
    why = g_strdup(mode == MMD_AUTH_MODE_OWNER
                       ? "only the daemon's own user may change modem state"
                       : "only root may change modem state in a build without polkit");
  check_finish(check, uid == wanted, reply != NULL, why);
}

static void
ask_bus_for_uid(Check *check)
{
  g_dbus_connection_call(check->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "GetConnectionUnixUser",
                         g_variant_new("(s)", check->sender), G_VARIANT_TYPE("(u)"),
                         G_DBUS_CALL_FLAGS_NONE, 5000, NULL, uid_done, check);
}

static void
send_next(void)
{
  while (in_flight < MAX_IN_FLIGHT && !g_queue_is_empty(&queued)) {
    Check *check = g_queue_pop_head(&queued);

    in_flight++;
    if (mode == MMD_AUTH_MODE_POLKIT)
      ask_polkit(check);
    else
      ask_bus_for_uid(check);
  }
}

void
mmd_auth_check(GDBusMethodInvocation *invocation, const char *action, MmdAuthDone done,
               gpointer user_data)
{
  const char *sender = g_dbus_method_invocation_get_sender(invocation);
  g_autofree char *key = NULL;
  Waiter waiter = { done, user_data };
  const Answer *answer;
  Check *check;

  if (!sender) {
    done(FALSE, "the caller has no bus name", user_data);
    return;
  }
  ensure_state(g_dbus_method_invocation_get_connection(invocation));
  key = make_key(sender, action);
  if ((answer = cache_lookup(key))) {
    done(answer->allowed, answer->why, user_data);
    return;
  }
  check = g_hash_table_lookup(checks, key);
  if (!check) {
    check = g_new0(Check, 1);
    check->key = g_steal_pointer(&key);
    check->sender = g_strdup(sender);
    check->action = g_strdup(action);
    check->connection = g_object_ref(g_dbus_method_invocation_get_connection(invocation));
    check->waiters = g_array_new(FALSE, FALSE, sizeof(Waiter));
    g_hash_table_insert(checks, check->key, check);
    g_queue_push_tail(&queued, check);
  }
  g_array_append_val(check->waiters, waiter);
  send_next();
}

void
mmd_auth_clear_cache(void)
{
  if (cache)
    g_hash_table_remove_all(cache);
}
