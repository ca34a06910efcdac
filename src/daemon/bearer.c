/* The bearer object: settings, connection state and IP configuration. */
#define G_LOG_DOMAIN "modemd-bearer"

#include "bearer.h"

#include "bearer-stats.h"
#include "mmd-errors.h"

/* How often a connected bearer's Stats catch up with its traffic. */
#define STATS_REFRESH_S 30

struct _MmdBearer {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  MmdBearerSettings *settings;
  MdbusObjectSkeleton *object;
  MdbusBearer *iface;
  gpointer backend_data;
  GDestroyNotify backend_data_destroy;
  MmdBearerStats *stats;
  guint stats_refresh_id;
  gboolean multiplexed; /* of the connection being made or up */
};

G_DEFINE_TYPE(MmdBearer, mmd_bearer, G_TYPE_OBJECT)

void
mmd_bearer_detach(MmdBearer *self)
{
  g_clear_weak_pointer(&self->modem);
}

static void
mmd_bearer_dispose(GObject *object)
{
  MmdBearer *self = MMD_BEARER(object);

  mmd_bearer_detach(self);
  g_clear_handle_id(&self->stats_refresh_id, g_source_remove);
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
  mmd_bearer_stats_free(self->stats);
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
  self->stats = mmd_bearer_stats_new();
}

static void
publish_stats(MmdBearer *self)
{
  mdbus_bearer_set_stats(self->iface, mmd_bearer_stats_to_variant(self->stats));
}

static gboolean
refresh_stats(gpointer user_data)
{
  MmdBearer *self = user_data;

  mmd_bearer_stats_update(self->stats);
  publish_stats(self);
  return G_SOURCE_CONTINUE;
}

void
mmd_bearer_connect_started(MmdBearer *self)
{
  mmd_bearer_stats_attempt(self->stats);
  publish_stats(self);
}

void
mmd_bearer_connect_failed(MmdBearer *self, const GError *error)
{
  mmd_bearer_set_connection_error(self, error);
  mmd_bearer_stats_failed(self->stats);
  publish_stats(self);
}

static GVariant *ip_config_variant(const MmdIpConfig *config);

static void
clear_connection(MmdBearer *self)
{
  g_clear_handle_id(&self->stats_refresh_id, g_source_remove);
  mmd_bearer_stats_disconnected(self->stats);
  publish_stats(self);
  mdbus_bearer_set_interface(self->iface, "");
  mdbus_bearer_set_ip4_config(self->iface, ip_config_variant(NULL));
  mdbus_bearer_set_ip6_config(self->iface, ip_config_variant(NULL));
  mdbus_bearer_set_multiplexed(self->iface, FALSE);
  /* Last: listeners of "connected" see the rest settled. */
  mdbus_bearer_set_connected(self->iface, FALSE);
}

MmdBearer *
mmd_bearer_new(MmdModem *modem, const char *path, MmdBearerSettings *settings)
{
  MmdBearer *self = g_object_new(MMD_TYPE_BEARER, NULL);

  g_set_weak_pointer(&self->modem, modem);
  self->path = g_strdup(path);
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

MdbusBearer *
mmd_bearer_get_iface(MmdBearer *self)
{
  return self->iface;
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

void
mmd_bearer_set_multiplexed(MmdBearer *self, gboolean multiplexed)
{
  self->multiplexed = multiplexed;
}

gboolean
mmd_bearer_is_multiplexed(MmdBearer *self)
{
  return self->multiplexed;
}

gboolean
mmd_bearer_is_connected(MmdBearer *self)
{
  return mdbus_bearer_get_connected(self->iface);
}

void
mmd_bearer_set_connection_error(MmdBearer *self, const GError *error)
{
  g_autoptr(GError) normalized = error ? mmd_error_normalize(error) : NULL;
  g_autofree char *name = normalized ? g_dbus_error_encode_gerror(normalized) : NULL;

  mdbus_bearer_set_connection_error(
      self->iface, g_variant_new("(ss)", name ? name : "", normalized ? normalized->message : ""));
}

static void
add_string(GVariantBuilder *builder, const char *key, const char *value)
{
  g_autofree char *text = g_utf8_make_valid(value, -1);

  g_variant_builder_add(builder, "{sv}", key, g_variant_new_string(text));
}

static GVariant *
ip_config_variant(const MmdIpConfig *config)
{
  GVariantBuilder builder;
  static const char *dns_keys[] = { "dns1", "dns2", "dns3" };

  /* A family without configuration is method "unknown", as clients of the
   * reference expect, never an empty dictionary. */
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(
      &builder, "{sv}", "method",
      g_variant_new_uint32(config ? config->method : MMD_BEARER_IP_METHOD_UNKNOWN));
  if (!config)
    return g_variant_builder_end(&builder);
  if (config->address) {
    add_string(&builder, "address", config->address);
    g_variant_builder_add(&builder, "{sv}", "prefix", g_variant_new_uint32(config->prefix));
  }
  if (config->gateway)
    add_string(&builder, "gateway", config->gateway);
  for (guint i = 0; i < G_N_ELEMENTS(dns_keys); i++)
    if (config->dns[i])
      add_string(&builder, dns_keys[i], config->dns[i]);
  if (config->mtu)
    g_variant_builder_add(&builder, "{sv}", "mtu", g_variant_new_uint32(config->mtu));
  return g_variant_builder_end(&builder);
}

void
mmd_bearer_set_connected(MmdBearer *self, const char *interface, const MmdIpConfig *ip4,
                         const MmdIpConfig *ip6)
{
  g_autofree char *name = g_utf8_make_valid(interface ? interface : "", -1);

  g_message("%s: connected on %s%s", self->path, interface ? name : "(no interface)",
            self->multiplexed ? " (multiplexed)" : "");
  mdbus_bearer_set_interface(self->iface, name);
  mdbus_bearer_set_multiplexed(self->iface, self->multiplexed);
  mdbus_bearer_set_ip4_config(self->iface, ip_config_variant(ip4));
  mdbus_bearer_set_ip6_config(self->iface, ip_config_variant(ip6));
  mdbus_bearer_set_connection_error(self->iface, g_variant_new("(ss)", "", ""));
  mmd_bearer_stats_connected(self->stats, interface);
  publish_stats(self);
  g_clear_handle_id(&self->stats_refresh_id, g_source_remove);
  self->stats_refresh_id = g_timeout_add_seconds(STATS_REFRESH_S, refresh_stats, self);
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
  if (error)
    mmd_bearer_set_connection_error(self, error);
  clear_connection(self);
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
