#define G_LOG_DOMAIN "modemd-bearer"

#include "bearer.h"

#include "auth.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "modem.h"

struct _MmdBearer {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  MmdBearerSettings *settings;
  MdbusObjectSkeleton *object;
  MdbusBearer *iface;
  gpointer backend_data;
  GDestroyNotify backend_data_destroy;
};

G_DEFINE_TYPE(MmdBearer, mmd_bearer, G_TYPE_OBJECT)

/* Settings */

void
mmd_bearer_settings_free(MmdBearerSettings *settings)
{
  if (!settings)
    return;
  g_free(settings->apn);
  g_free(settings->user);
  if (settings->password)
    memset(settings->password, 0, strlen(settings->password));
  g_free(settings->password);
  g_free(settings->operator_id);
  if (settings->pin)
    memset(settings->pin, 0, strlen(settings->pin));
  g_free(settings->pin);
  g_free(settings);
}

MmdBearerSettings *
mmd_bearer_settings_copy(const MmdBearerSettings *settings)
{
  MmdBearerSettings *copy = g_new0(MmdBearerSettings, 1);

  copy->apn = g_strdup(settings->apn);
  copy->ip_type = settings->ip_type;
  copy->allowed_auth = settings->allowed_auth;
  copy->user = g_strdup(settings->user);
  copy->password = g_strdup(settings->password);
  copy->allow_roaming = settings->allow_roaming;
  return copy;
}

static gboolean
bad_type(const char *key, GVariant *value, const char *expected, GError **error)
{
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
              "Bearer property '%s' must be of type %s, not %s", key, expected,
              g_variant_get_type_string(value));
  return FALSE;
}

static gboolean
take_string(const char *key, GVariant *value, char **out, GError **error)
{
  if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    return bad_type(key, value, "s", error);
  g_free(*out);
  *out = g_variant_dup_string(value, NULL);
  return TRUE;
}

static gboolean
parse_key(MmdBearerSettings *s, const char *key, GVariant *value, gboolean allow_simple_keys,
          GError **error)
{
  if (g_str_equal(key, "apn"))
    return take_string(key, value, &s->apn, error) && mmd_validate_apn(s->apn, error);
  if (g_str_equal(key, "user"))
    return take_string(key, value, &s->user, error)
           && mmd_validate_credential(s->user, "user", error);
  if (g_str_equal(key, "password"))
    return take_string(key, value, &s->password, error)
           && mmd_validate_credential(s->password, "password", error);
  if (g_str_equal(key, "ip-type")) {
    guint32 t;
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
      return bad_type(key, value, "u", error);
    t = g_variant_get_uint32(value);
    if (t != MMD_BEARER_IP_FAMILY_NONE && t != MMD_BEARER_IP_FAMILY_IPV4
        && t != MMD_BEARER_IP_FAMILY_IPV6 && t != MMD_BEARER_IP_FAMILY_IPV4V6
        && t != (guint32)MMD_BEARER_IP_FAMILY_ANY) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Invalid ip-type %u", t);
      return FALSE;
    }
    s->ip_type = t == (guint32)MMD_BEARER_IP_FAMILY_ANY ? MMD_BEARER_IP_FAMILY_NONE : t;
    return TRUE;
  }
  if (g_str_equal(key, "allowed-auth")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
      return bad_type(key, value, "u", error);
    s->allowed_auth = g_variant_get_uint32(value);
    if (s->allowed_auth & ~0x3fu) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Invalid allowed-auth 0x%x",
                  s->allowed_auth);
      return FALSE;
    }
    return TRUE;
  }
  if (g_str_equal(key, "allow-roaming")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN))
      return bad_type(key, value, "b", error);
    s->allow_roaming = g_variant_get_boolean(value);
    return TRUE;
  }
  /* Keys NetworkManager may send that do not change a 3GPP data session:
   * ignored, but still checked like everything else from the bus. */
  if (g_str_equal(key, "number")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
      return bad_type(key, value, "s", error);
    return mmd_validate_number(g_variant_get_string(value, NULL), error);
  }
  if (g_str_equal(key, "multiplex"))
    return g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32) || bad_type(key, value, "u", error);
  if (g_str_equal(key, "profile-id"))
    return g_variant_is_of_type(value, G_VARIANT_TYPE_INT32) || bad_type(key, value, "i", error);
  if (allow_simple_keys && g_str_equal(key, "pin"))
    return take_string(key, value, &s->pin, error) && mmd_validate_pin(s->pin, "PIN", error);
  if (allow_simple_keys && g_str_equal(key, "operator-id"))
    return take_string(key, value, &s->operator_id, error)
           && mmd_validate_operator_id(s->operator_id, TRUE, error);
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Unknown bearer property '%s'",
              key);
  return FALSE;
}

MmdBearerSettings *
mmd_bearer_settings_from_variant(GVariant *dict, gboolean allow_simple_keys, GError **error)
{
  g_autoptr(MmdBearerSettings) settings = g_new0(MmdBearerSettings, 1);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  settings->allow_roaming = TRUE;
  g_variant_iter_init(&iter, dict);
  while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
    gboolean ok = parse_key(settings, key, value, allow_simple_keys, error);
    g_variant_unref(value);
    if (!ok)
      return NULL;
  }
  return g_steal_pointer(&settings);
}

GVariant *
mmd_bearer_settings_to_variant(const MmdBearerSettings *s)
{
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&builder, "{sv}", "apn", g_variant_new_string(s->apn ? s->apn : ""));
  g_variant_builder_add(&builder, "{sv}", "ip-type", g_variant_new_uint32(s->ip_type));
  if (s->allowed_auth)
    g_variant_builder_add(&builder, "{sv}", "allowed-auth", g_variant_new_uint32(s->allowed_auth));
  if (s->user)
    g_variant_builder_add(&builder, "{sv}", "user", g_variant_new_string(s->user));
  g_variant_builder_add(&builder, "{sv}", "allow-roaming", g_variant_new_boolean(s->allow_roaming));
  return g_variant_builder_end(&builder);
}

gboolean
mmd_bearer_settings_equal(const MmdBearerSettings *a, const MmdBearerSettings *b)
{
  return g_strcmp0(a->apn ? a->apn : "", b->apn ? b->apn : "") == 0 && a->ip_type == b->ip_type
         && a->allowed_auth == b->allowed_auth && g_strcmp0(a->user, b->user) == 0
         && g_strcmp0(a->password, b->password) == 0 && a->allow_roaming == b->allow_roaming;
}

/* Object */

static GVariant *
empty_dict(void)
{
  return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

void
mmd_bearer_detach(MmdBearer *self)
{
  if (!self->modem)
    return;
  g_object_remove_weak_pointer(G_OBJECT(self->modem), (gpointer *)&self->modem);
  self->modem = NULL;
}

static void
mmd_bearer_dispose(GObject *object)
{
  MmdBearer *self = MMD_BEARER(object);

  mmd_bearer_detach(self);
  mmd_bearer_set_backend_data(self, NULL, NULL);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  G_OBJECT_CLASS(mmd_bearer_parent_class)->dispose(object);
}

static void
mmd_bearer_finalize(GObject *object)
{
  MmdBearer *self = MMD_BEARER(object);

  mmd_bearer_settings_free(self->settings);
  g_free(self->path);
  G_OBJECT_CLASS(mmd_bearer_parent_class)->finalize(object);
}

static void
mmd_bearer_class_init(MmdBearerClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_bearer_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_bearer_finalize;
}

static void
mmd_bearer_init(MmdBearer *self)
{
}

static gboolean
check_modem(MmdBearer *self, GDBusMethodInvocation *invocation)
{
  if (self->modem)
    return TRUE;
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                                        "The modem of this bearer is gone");
  return FALSE;
}

static void
set_connection_error(MmdBearer *self, const GError *error)
{
  g_autoptr(GError) normalized = error ? mmd_error_normalize(error) : NULL;
  g_autofree char *name = normalized ? g_dbus_error_encode_gerror(normalized) : NULL;

  mdbus_bearer_set_connection_error(
      self->iface, g_variant_new("(ss)", name ? name : "", normalized ? normalized->message : ""));
}

static void
connect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MmdBearer *self = g_object_get_data(G_OBJECT(invocation), "bearer");
  g_autoptr(GError) error = NULL;

  if (!mmd_modem_op_finish(MMD_MODEM(source), result, &error)) {
    set_connection_error(self, error);
    mmd_dbus_return_error(invocation, error);
    return;
  }
  g_dbus_method_invocation_return_value(invocation, NULL);
}

static void
do_connect(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdBearer *self = MMD_BEARER(target);

  if (!check_modem(self, invocation))
    return;
  g_object_set_data_full(G_OBJECT(invocation), "bearer", g_object_ref(self), g_object_unref);
  mmd_modem_connect_bearer_async(self->modem, self, connect_done, g_object_ref(invocation));
}

static gboolean
handle_connect(MdbusBearer *iface, GDBusMethodInvocation *invocation, MmdBearer *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_connect);
  return TRUE;
}

static void
do_disconnect(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdBearer *self = MMD_BEARER(target);

  if (!check_modem(self, invocation))
    return;
  mmd_modem_disconnect_bearer_async(self->modem, self, mmd_dbus_complete_bool,
                                    g_object_ref(invocation));
}

static gboolean
handle_disconnect(MdbusBearer *iface, GDBusMethodInvocation *invocation, MmdBearer *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_disconnect);
  return TRUE;
}

static void
clear_connection(MmdBearer *self)
{
  mdbus_bearer_set_connected(self->iface, FALSE);
  mdbus_bearer_set_interface(self->iface, "");
  mdbus_bearer_set_ip4_config(self->iface, empty_dict());
  mdbus_bearer_set_ip6_config(self->iface, empty_dict());
  mdbus_bearer_set_stats(self->iface, empty_dict());
}

MmdBearer *
mmd_bearer_new(MmdModem *modem, guint index, MmdBearerSettings *settings)
{
  MmdBearer *self = g_object_new(MMD_TYPE_BEARER, NULL);

  self->modem = modem;
  g_object_add_weak_pointer(G_OBJECT(modem), (gpointer *)&self->modem);
  self->path = g_strdup_printf(MMD_DBUS_BEARER_PREFIX "/%u", index);
  self->settings = settings;
  self->object = mdbus_object_skeleton_new(self->path);
  self->iface = mdbus_bearer_skeleton_new();
  clear_connection(self);
  mdbus_bearer_set_connection_error(self->iface, g_variant_new("(ss)", "", ""));
  mdbus_bearer_set_ip_timeout(self->iface, 20);
  mdbus_bearer_set_bearer_type(self->iface, MMD_BEARER_TYPE_DEFAULT);
  mdbus_bearer_set_profile_id(self->iface, -1);
  mdbus_bearer_set_properties(self->iface, mmd_bearer_settings_to_variant(settings));
  mdbus_object_skeleton_set_bearer(self->object, self->iface);
  g_signal_connect(self->iface, "handle-connect", G_CALLBACK(handle_connect), self);
  g_signal_connect(self->iface, "handle-disconnect", G_CALLBACK(handle_disconnect), self);
  return self;
}

const char *
mmd_bearer_get_path(MmdBearer *self)
{
  return self->path;
}

MdbusObjectSkeleton *
mmd_bearer_get_object(MmdBearer *self)
{
  return self->object;
}

MmdModem *
mmd_bearer_get_modem(MmdBearer *self)
{
  return self->modem;
}

const MmdBearerSettings *
mmd_bearer_get_settings(MmdBearer *self)
{
  return self->settings;
}

gboolean
mmd_bearer_is_connected(MmdBearer *self)
{
  return mdbus_bearer_get_connected(self->iface);
}

static GVariant *
ip_config_variant(const MmdIpConfig *config)
{
  GVariantBuilder builder;
  static const char *dns_keys[] = { "dns1", "dns2", "dns3" };

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  if (!config)
    return g_variant_builder_end(&builder);
  g_variant_builder_add(&builder, "{sv}", "method", g_variant_new_uint32(config->method));
  if (config->address) {
    g_variant_builder_add(&builder, "{sv}", "address", g_variant_new_string(config->address));
    g_variant_builder_add(&builder, "{sv}", "prefix", g_variant_new_uint32(config->prefix));
  }
  if (config->gateway)
    g_variant_builder_add(&builder, "{sv}", "gateway", g_variant_new_string(config->gateway));
  for (guint i = 0; i < G_N_ELEMENTS(dns_keys); i++)
    if (config->dns[i])
      g_variant_builder_add(&builder, "{sv}", dns_keys[i], g_variant_new_string(config->dns[i]));
  if (config->mtu)
    g_variant_builder_add(&builder, "{sv}", "mtu", g_variant_new_uint32(config->mtu));
  return g_variant_builder_end(&builder);
}

void
mmd_bearer_set_connected(MmdBearer *self, const char *interface, const MmdIpConfig *ip4,
                         const MmdIpConfig *ip6)
{
  g_message("%s: connected on %s", self->path, interface ? interface : "(no interface)");
  mdbus_bearer_set_interface(self->iface, interface ? interface : "");
  mdbus_bearer_set_ip4_config(self->iface, ip_config_variant(ip4));
  mdbus_bearer_set_ip6_config(self->iface, ip_config_variant(ip6));
  mdbus_bearer_set_connection_error(self->iface, g_variant_new("(ss)", "", ""));
  mdbus_bearer_set_connected(self->iface, TRUE);
}

void
mmd_bearer_set_disconnected(MmdBearer *self)
{
  if (mmd_bearer_is_connected(self))
    g_message("%s: disconnected", self->path);
  clear_connection(self);
}

void
mmd_bearer_report_disconnected(MmdBearer *self, const GError *error)
{
  if (!mmd_bearer_is_connected(self))
    return;
  g_message("%s: disconnected by the network%s%s", self->path, error ? ": " : "",
            error ? error->message : "");
  clear_connection(self);
  if (error)
    set_connection_error(self, error);
  if (self->modem)
    mmd_modem_bearers_changed(self->modem);
}

void
mmd_bearer_set_backend_data(MmdBearer *self, gpointer data, GDestroyNotify destroy)
{
  if (self->backend_data && self->backend_data_destroy)
    self->backend_data_destroy(self->backend_data);
  self->backend_data = data;
  self->backend_data_destroy = destroy;
}

gpointer
mmd_bearer_get_backend_data(MmdBearer *self)
{
  return self->backend_data;
}
