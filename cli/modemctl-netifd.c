/* modemctl: what a netifd protocol handler (OpenWrt's `proto modemd`) needs, one call each.
 *
 * --netifd-up waits for modemd and the modem (bounded), unlocks the SIM, sets the modes,
 * connects and prints the bearer's IP settings as one JSON object that jshn loads. On failure
 * it prints {"error": CODE, "message": ..., "retry": "0"|"1"} instead, and exits 1: CODE is
 * short enough for proto_notify_error, retry says whether netifd may try again.
 * --netifd-watch runs as the handler's proto task and ends when the session does, so that
 * netifd takes the interface down and applies its own restart policy.
 * --netifd-down disconnects the modem's bearers. */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "mmd-enums.h"
#include "mmd-errors.h"
#include "modemctl.h"
#include "netifd-request.h"

#define SETTINGS_MAX_BYTES 4096

typedef struct {
  Ctx *ctx;
  const NetifdRequest *request;
  gboolean timed_out;
  MdbusObject *modem;
} Up;

/* Results */

static int G_GNUC_PRINTF(2, 3) up_fail(NetifdError code, const char *format, ...)
{
  g_autoptr(Output) output = output_new(OUTPUT_JSON);
  g_autofree char *message = NULL;
  va_list args;

  va_start(args, format);
  message = g_strdup_vprintf(format, args);
  va_end(args);
  output_add(output, NULL, NULL, "error", netifd_error_code(code));
  output_add(output, NULL, NULL, "message", message);
  output_add(output, NULL, NULL, "retry", netifd_error_is_retryable(code) ? "1" : "0");
  output_print(output);
  return ctx_fail("%s: %s", netifd_error_code(code), message);
}

static char *
remote_error_text(const GError *error)
{
  g_autoptr(GError) copy = g_error_copy(error);
  g_autofree char *name = g_dbus_error_get_remote_error(copy);

  g_dbus_error_strip_remote_error(copy);
  return name ? g_strdup_printf("%s: %s", name, copy->message) : g_strdup(copy->message);
}

static int
up_fail_error(NetifdError code, const char *what, const GError *error)
{
  g_autofree char *text = remote_error_text(error);

  return up_fail(code, "%s: %s", what, text);
}

/* Bounded waits: the main context runs (proxies follow the bus) until ready() or the
 * deadline of --netifd-up's "wait". */

static gboolean
on_deadline(gpointer user_data)
{
  Up *up = user_data;

  up->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_for(Up *up, gboolean (*ready)(Up *up))
{
  while (!ready(up)) {
    if (up->timed_out)
      return FALSE;
    g_main_context_iteration(NULL, TRUE);
  }
  return TRUE;
}

static gboolean
daemon_present(Up *up)
{
  g_autofree char *owner
      = g_dbus_object_manager_client_get_name_owner(G_DBUS_OBJECT_MANAGER_CLIENT(up->ctx->manager));

  return owner != NULL;
}

static MdbusObject *
find_matching_modem(Ctx *ctx, const char *device)
{
  GList *modems = ctx_list_modems(ctx);
  MdbusObject *found = NULL;

  for (GList *l = modems; l && !found; l = l->next) {
    MdbusModem *modem = mdbus_object_peek_modem(l->data);

    if (netifd_device_matches(device, g_dbus_object_get_object_path(l->data),
                              mdbus_modem_get_device(modem), mdbus_modem_get_ports(modem)))
      found = g_object_ref(l->data);
  }
  g_list_free_full(modems, g_object_unref);
  return found;
}

static gboolean
modem_found(Up *up)
{
  if (!up->modem)
    up->modem = find_matching_modem(up->ctx, up->request->device);
  return up->modem != NULL;
}

static gboolean
modem_gone(Up *up)
{
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(
      up->ctx->manager, g_dbus_object_get_object_path(G_DBUS_OBJECT(up->modem)));

  return object == NULL;
}

static int
modem_state(Up *up)
{
  return mdbus_modem_get_state(mdbus_object_peek_modem(up->modem));
}

/* Initialization over: the state says what the modem needs. */
static gboolean
modem_settled(Up *up)
{
  int state = modem_state(up);

  return modem_gone(up)
         || (state != MMD_MODEM_STATE_UNKNOWN && state != MMD_MODEM_STATE_INITIALIZING);
}

static gboolean
modem_unlocked(Up *up)
{
  return modem_settled(up) && modem_state(up) != MMD_MODEM_STATE_LOCKED;
}

/* Steps of --netifd-up; each returns EXIT_SUCCESS or the exit status of up_fail(). */

static int
find_modem(Up *up)
{
  if (!wait_for(up, daemon_present))
    return up_fail(NETIFD_ERROR_NO_DAEMON, "modemd is not on the system bus");
  if (!wait_for(up, modem_found))
    return up_fail(NETIFD_ERROR_NO_MODEM, "no modem matches device '%s'", up->request->device);
  if (!wait_for(up, modem_settled))
    return up_fail(NETIFD_ERROR_NO_MODEM, "the modem is still initializing");
  if (modem_gone(up))
    return up_fail(NETIFD_ERROR_NO_MODEM, "the modem went away");
  return EXIT_SUCCESS;
}

static int
check_failed(Up *up)
{
  guint reason;

  if (modem_state(up) != MMD_MODEM_STATE_FAILED)
    return EXIT_SUCCESS;
  reason = mdbus_modem_get_state_failed_reason(mdbus_object_peek_modem(up->modem));
  if (reason == MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING)
    return up_fail(NETIFD_ERROR_SIM_MISSING, "no SIM card in the modem");
  if (reason == MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR)
    return up_fail(NETIFD_ERROR_SIM_FAILED, "the SIM card does not work");
  return up_fail(NETIFD_ERROR_MODEM_FAILED, "the modem failed (%s)",
                 mmd_modem_state_failed_reason_to_string(reason));
}

/* -1 when the modem does not say. */
static int
pin_retries_left(GVariant *retries)
{
  GVariantIter iter;
  guint32 lock, count;

  if (!retries || !g_variant_is_of_type(retries, G_VARIANT_TYPE("a{uu}")))
    return -1;
  g_variant_iter_init(&iter, retries);
  while (g_variant_iter_next(&iter, "{uu}", &lock, &count))
    if (lock == MMD_MODEM_LOCK_SIM_PIN)
      return (int)MIN(count, G_MAXINT);
  return -1;
}

/* The proxy's cache may not have the PropertiesChanged that followed a method's reply yet. */
static GVariant *
modem_property_now(Up *up, const char *name)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
      up->ctx->connection, MMD_DBUS_SERVICE,
      g_dbus_object_get_object_path(G_DBUS_OBJECT(up->modem)), "org.freedesktop.DBus.Properties",
      "Get", g_variant_new("(ss)", "org.example.Modem1.Modem", name), G_VARIANT_TYPE("(v)"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, (int)up->ctx->timeout * 1000, NULL, NULL);
  GVariant *value = NULL;

  if (reply)
    g_variant_get(reply, "(v)", &value);
  return value;
}

static int
send_pin(Up *up)
{
  MdbusModem *modem = mdbus_object_peek_modem(up->modem);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusSim) sim = ctx_find_sim(up->ctx, mdbus_modem_get_sim(modem), &error);

  if (!sim)
    return up_fail_error(NETIFD_ERROR_SIM_LOCKED, "no SIM object to unlock", error);
  ctx_set_timeout(up->ctx, sim, FALSE);
  if (mdbus_sim_call_send_pin_sync(sim, up->request->pin, NULL, &error))
    return EXIT_SUCCESS;
  if (g_error_matches(error, MMD_MOBILE_EQUIPMENT_ERROR,
                      MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD)) {
    g_autoptr(GVariant) retries = modem_property_now(up, "UnlockRetries");

    return up_fail(NETIFD_ERROR_PIN_WRONG, "the SIM refused the PIN (%d attempts left)",
                   pin_retries_left(retries));
  }
  if (g_error_matches(error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK))
    return up_fail(NETIFD_ERROR_PUK_REQUIRED, "the SIM needs its PUK");
  /* Whether the PIN was used up is unknown: no second attempt either. */
  return up_fail_error(NETIFD_ERROR_SIM_LOCKED, "unlocking failed", error);
}

static int
unlock(Up *up)
{
  MdbusModem *modem = mdbus_object_peek_modem(up->modem);
  guint lock = mdbus_modem_get_unlock_required(modem);
  int rc;

  if (modem_state(up) != MMD_MODEM_STATE_LOCKED)
    return EXIT_SUCCESS;
  if (lock == MMD_MODEM_LOCK_SIM_PUK)
    return up_fail(NETIFD_ERROR_PUK_REQUIRED, "the SIM needs its PUK");
  if (lock != MMD_MODEM_LOCK_SIM_PIN)
    return up_fail(NETIFD_ERROR_SIM_LOCKED, "the modem is locked (%s)",
                   mmd_modem_lock_to_string(lock));
  if (!up->request->pin)
    return up_fail(NETIFD_ERROR_PIN_REQUIRED, "the SIM needs a PIN and none is configured");
  /* The last attempt is left to a person: a wrong PIN in the configuration would lock
   * the SIM with its PUK. */
  if (pin_retries_left(mdbus_modem_get_unlock_retries(modem)) == 1)
    return up_fail(NETIFD_ERROR_PIN_LAST_ATTEMPT,
                   "one PIN attempt left: unlock the SIM by hand (modemctl --pin)");
  if ((rc = send_pin(up)))
    return rc;
  if (!wait_for(up, modem_unlocked) || modem_gone(up))
    return up_fail(NETIFD_ERROR_NO_MODEM, "the modem did not come back after unlocking");
  return check_failed(up);
}

static gboolean
modes_current(MdbusModem *modem, guint allowed, guint preferred)
{
  GVariant *current = mdbus_modem_get_current_modes(modem);
  guint32 cur_allowed, cur_preferred;

  if (!current || !g_variant_is_of_type(current, G_VARIANT_TYPE("(uu)")))
    return FALSE;
  g_variant_get(current, "(uu)", &cur_allowed, &cur_preferred);
  return cur_allowed == allowed && cur_preferred == preferred;
}

static int
set_modes(Up *up)
{
  MdbusModem *modem = mdbus_object_peek_modem(up->modem);
  const NetifdRequest *request = up->request;
  g_autoptr(GError) error = NULL;

  if (!request->set_modes || modes_current(modem, request->allowed_modes, request->preferred_mode))
    return EXIT_SUCCESS;
  ctx_set_timeout(up->ctx, modem, FALSE);
  if (!mdbus_modem_call_set_current_modes_sync(
          modem, g_variant_new("(uu)", request->allowed_modes, request->preferred_mode), NULL,
          &error))
    return up_fail_error(NETIFD_ERROR_MODES_FAILED, "setting the modes failed", error);
  return EXIT_SUCCESS;
}

static int
simple_connect(Up *up, char **out_bearer)
{
  MdbusModemSimple *simple = mdbus_object_peek_modem_simple(up->modem);
  g_autoptr(GError) error = NULL;

  if (!simple)
    return up_fail(NETIFD_ERROR_CONNECT_FAILED, "the modem has no Simple interface");
  ctx_set_timeout(up->ctx, simple, TRUE);
  if (mdbus_modem_simple_call_connect_sync(simple, up->request->connect, out_bearer, NULL, &error))
    return EXIT_SUCCESS;
  if (g_error_matches(error, MMD_MOBILE_EQUIPMENT_ERROR,
                      MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_TIMEOUT))
    return up_fail_error(NETIFD_ERROR_NO_NETWORK, "no network", error);
  return up_fail_error(NETIFD_ERROR_CONNECT_FAILED, "connecting failed", error);
}

/* The bearer's settings, as JSON */

static const char *
ip_method_name(guint method)
{
  switch (method) {
    case MMD_BEARER_IP_METHOD_PPP:
      return "ppp";
    case MMD_BEARER_IP_METHOD_STATIC:
      return "static";
    case MMD_BEARER_IP_METHOD_DHCP:
      return "dhcp";
    default:
      return NULL;
  }
}

static void
add_ip_string(Output *output, GVariant *config, const char *family, const char *key)
{
  g_autofree char *field = g_strdup_printf("%s.%s", family, key);
  const char *value;

  if (g_variant_lookup(config, key, "&s", &value) && *value)
    output_add(output, NULL, NULL, field, value);
}

static void
add_ip_number(Output *output, GVariant *config, const char *family, const char *key)
{
  g_autofree char *field = g_strdup_printf("%s.%s", family, key);
  guint32 value;

  if (g_variant_lookup(config, key, "u", &value) && value)
    output_add_printf(output, NULL, NULL, field, "%u", value);
}

/* Returns whether the family is configured (has a method). */
static gboolean
add_ip_config(Output *output, GVariant *config, const char *family)
{
  static const char *const dns_keys[] = { "dns1", "dns2", "dns3" };
  g_autofree char *method_field = g_strdup_printf("%s.method", family);
  g_autofree char *dns_field = g_strdup_printf("%s.dns", family);
  const char *dns[G_N_ELEMENTS(dns_keys) + 1] = { NULL };
  const char *method;
  guint32 method_value;
  guint n = 0;

  if (!config || !g_variant_is_of_type(config, G_VARIANT_TYPE_VARDICT)
      || !g_variant_lookup(config, "method", "u", &method_value)
      || !(method = ip_method_name(method_value)))
    return FALSE;
  output_add(output, NULL, NULL, method_field, method);
  add_ip_string(output, config, family, "address");
  add_ip_number(output, config, family, "prefix");
  add_ip_string(output, config, family, "gateway");
  for (guint i = 0; i < G_N_ELEMENTS(dns_keys); i++)
    if (g_variant_lookup(config, dns_keys[i], "&s", &dns[n]) && *dns[n])
      n++;
  dns[n] = NULL;
  output_add_list(output, NULL, NULL, dns_field, dns);
  add_ip_number(output, config, family, "mtu");
  return TRUE;
}

/* Read from modemd, not from a proxy's cache: Simple.Connect's reply may come before the
 * PropertiesChanged of a reused bearer. */
static GVariant *
bearer_properties(Ctx *ctx, const char *bearer_path, GError **error)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
      ctx->connection, MMD_DBUS_SERVICE, bearer_path, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new("(s)", "org.example.Modem1.Bearer"), G_VARIANT_TYPE("(a{sv})"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, (int)ctx->timeout * 1000, NULL, error);

  return reply ? g_variant_get_child_value(reply, 0) : NULL;
}

static int
report_bearer(Up *up, const char *bearer_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) props = bearer_properties(up->ctx, bearer_path, &error);
  g_autoptr(Output) output = output_new(OUTPUT_JSON);
  g_autoptr(GVariant) ip4 = NULL;
  g_autoptr(GVariant) ip6 = NULL;
  const char *interface = NULL;
  gboolean any;

  if (!props)
    return up_fail_error(NETIFD_ERROR_NO_IP_CONFIG, "the bearer went away", error);
  if (!g_variant_lookup(props, "Interface", "&s", &interface) || !*interface)
    return up_fail(NETIFD_ERROR_NO_IP_CONFIG, "the bearer has no network interface");
  ip4 = g_variant_lookup_value(props, "Ip4Config", G_VARIANT_TYPE_VARDICT);
  ip6 = g_variant_lookup_value(props, "Ip6Config", G_VARIANT_TYPE_VARDICT);
  output_add(output, NULL, NULL, "modem", g_dbus_object_get_object_path(G_DBUS_OBJECT(up->modem)));
  output_add(output, NULL, NULL, "bearer", bearer_path);
  output_add(output, NULL, NULL, "interface", interface);
  any = add_ip_config(output, ip4, "ipv4");
  any = add_ip_config(output, ip6, "ipv6") || any;
  if (!any)
    return up_fail(NETIFD_ERROR_NO_IP_CONFIG, "the bearer has no IP configuration");
  output_print(output);
  return EXIT_SUCCESS;
}

/* --netifd-up */

static char *
read_settings(const char *arg, GError **error)
{
  char buf[SETTINGS_MAX_BYTES + 1];
  char *copy = NULL;
  size_t n;

  if (!g_str_equal(arg, "-")) {
    n = strlen(arg);
    memcpy(buf, arg, MIN(n, SETTINGS_MAX_BYTES));
  } else {
    /* Secrets come on stdin, where other users cannot read them (argv is public). */
    n = fread(buf, 1, sizeof buf, stdin);
    if (ferror(stdin))
      n = sizeof buf;
  }
  if (n > SETTINGS_MAX_BYTES) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "settings: unreadable or over %d bytes",
                SETTINGS_MAX_BYTES);
    return NULL;
  }
  buf[n] = '\0';
  /* They end up in messages and JSON: text only. */
  if (strlen(buf) == n && g_utf8_validate(buf, n, NULL))
    copy = g_strdup(g_strchomp(buf));
  else
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "settings: not UTF-8 text");
  explicit_bzero(buf, sizeof buf);
  return copy;
}

static int
run_up(Up *up)
{
  g_autofree char *bearer = NULL;
  int rc;

  if ((rc = find_modem(up)) || (rc = check_failed(up)) || (rc = unlock(up)) || (rc = set_modes(up))
      || (rc = simple_connect(up, &bearer)))
    return rc;
  return report_bearer(up, bearer);
}

/* netifd ends a setup (ifdown while we wait for the modem) by killing the handler's shell:
 * its modemctl must not go on and connect a modem nobody wants connected any more. */
static gboolean
die_with_parent(void)
{
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
    return TRUE;
  /* Killed before the line above: we belong to init now. */
  return getppid() != 1;
}

int
modemctl_netifd_up(Ctx *ctx, const char *settings_arg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *settings = NULL;
  g_autoptr(NetifdRequest) request = NULL;
  Up up = { .ctx = ctx };
  guint deadline_id;
  int rc;

  if (!die_with_parent())
    return EXIT_FAILURE;
  settings = read_settings(settings_arg, &error);
  if (!settings)
    return up_fail(NETIFD_ERROR_INVALID_SETTINGS, "%s", error->message);
  request = netifd_request_parse(settings, &error);
  explicit_bzero(settings, strlen(settings));
  if (!request)
    return up_fail(NETIFD_ERROR_INVALID_SETTINGS, "%s", error->message);
  if ((rc = ctx_connect(ctx, TRUE)))
    return up_fail(NETIFD_ERROR_NO_DAEMON, "cannot reach the system bus");
  up.request = request;
  deadline_id = g_timeout_add_seconds(request->wait_seconds, on_deadline, &up);
  rc = run_up(&up);
  if (!up.timed_out)
    g_source_remove(deadline_id);
  g_clear_object(&up.modem);
  return rc;
}

/* --netifd-watch */

typedef struct {
  GMainLoop *loop;
  const char *modem_path;
  const char *ended; /* why the session is over; NULL after SIGTERM */
} Watch;

static void
watch_end(Watch *watch, const char *why)
{
  if (!watch->ended)
    watch->ended = why;
  g_main_loop_quit(watch->loop);
}

static void
on_bearer_changed(GDBusProxy *proxy, const char *property, gpointer user_data)
{
  if (!mdbus_bearer_get_connected(MDBUS_BEARER(proxy)))
    watch_end(user_data, "the bearer was disconnected");
}

static void
on_owner_changed(GObject *object, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(object));

  if (!owner)
    watch_end(user_data, "modemd left the bus");
}

static void
on_object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  Watch *watch = user_data;

  if (g_str_equal(g_dbus_object_get_object_path(object), watch->modem_path))
    watch_end(watch, "the modem went away");
}

static gboolean
on_quit_signal(gpointer user_data)
{
  g_main_loop_quit(((Watch *)user_data)->loop);
  return G_SOURCE_CONTINUE;
}

static char *
modem_of_bearer(Ctx *ctx, const char *bearer_path)
{
  GList *modems = ctx_list_modems(ctx);
  char *found = NULL;

  for (GList *l = modems; l && !found; l = l->next) {
    const char *const *bearers = mdbus_modem_get_bearers(mdbus_object_peek_modem(l->data));

    if (bearers && g_strv_contains(bearers, bearer_path))
      found = g_strdup(g_dbus_object_get_object_path(l->data));
  }
  g_list_free_full(modems, g_object_unref);
  return found;
}

int
modemctl_netifd_watch(Ctx *ctx, const char *bearer_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusBearer) bearer = NULL;
  g_autofree char *modem_path = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
  Watch watch = { .loop = loop };
  int rc;

  if ((rc = ctx_connect(ctx, FALSE)))
    return rc;
  if (!(bearer = ctx_find_bearer(ctx, bearer_path, &error)))
    return ctx_fail_error(error);
  if (!(modem_path = modem_of_bearer(ctx, bearer_path)))
    return ctx_fail("bearer %s belongs to no modem", bearer_path);
  if (!mdbus_bearer_get_connected(bearer))
    return ctx_fail("bearer %s is not connected", bearer_path);
  watch.modem_path = modem_path;
  mdbus_client_connect_property_changed(bearer, "Connected", on_bearer_changed, &watch);
  g_signal_connect(bearer, "notify::g-name-owner", G_CALLBACK(on_owner_changed), &watch);
  g_signal_connect(ctx->manager, "object-removed", G_CALLBACK(on_object_removed), &watch);
  g_unix_signal_add(SIGTERM, on_quit_signal, &watch);
  g_unix_signal_add(SIGINT, on_quit_signal, &watch);
  g_main_loop_run(loop);
  g_signal_handlers_disconnect_by_data(ctx->manager, &watch);
  g_signal_handlers_disconnect_by_data(bearer, &watch);
  if (watch.ended)
    return ctx_fail("%s: %s", bearer_path, watch.ended);
  return EXIT_SUCCESS;
}

/* --netifd-down */

int
modemctl_netifd_down(Ctx *ctx, const char *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdbusObject) modem = NULL;
  MdbusModemSimple *simple;
  g_autofree char *owner = NULL;
  int rc;

  if ((rc = ctx_connect(ctx, TRUE)))
    return rc;
  owner = g_dbus_object_manager_client_get_name_owner(G_DBUS_OBJECT_MANAGER_CLIENT(ctx->manager));
  /* Nothing is connected without modemd or without the modem. */
  if (!owner || !(modem = find_matching_modem(ctx, device)))
    return EXIT_SUCCESS;
  simple = mdbus_object_peek_modem_simple(modem);
  if (!simple)
    return EXIT_SUCCESS;
  ctx_set_timeout(ctx, simple, TRUE);
  if (!mdbus_modem_simple_call_disconnect_sync(simple, "/", NULL, &error))
    return ctx_fail_error(error);
  return EXIT_SUCCESS;
}
