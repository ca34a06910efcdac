/* modemctl: bearer details and bearer actions (-b). */
#include <stdlib.h>

#include "mmd-enums.h"
#include "modemctl.h"
#include "modemctl-parse.h"

static char *
lookup_as_string(GVariant *dict, const char *key)
{
  g_autoptr(GVariant) value = NULL;

  if (!dict || !g_variant_is_of_type(dict, G_VARIANT_TYPE_VARDICT))
    return NULL;
  value = g_variant_lookup_value(dict, key, NULL);
  if (!value)
    return NULL;
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string(value, NULL);
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup(g_variant_get_boolean(value) ? "yes" : "no");
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf("%u", g_variant_get_uint32(value));
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf("%d", g_variant_get_int32(value));
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
    return g_strdup_printf("%" G_GUINT64_FORMAT, g_variant_get_uint64(value));
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf("%" G_GINT64_FORMAT, g_variant_get_int64(value));
  return g_variant_print(value, FALSE);
}

static gboolean
lookup_uint(GVariant *dict, const char *key, guint *out)
{
  if (!dict || !g_variant_is_of_type(dict, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  return g_variant_lookup(dict, key, "u", out);
}

static void
add_ip_config(Output *output, GVariant *config, const char *section, const char *key_base)
{
  g_autoptr(GPtrArray) dns = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *key = NULL;
  guint method;
  gboolean has_method = lookup_uint(config, "method", &method);

#define KEY(name) (g_free(key), key = g_strdup_printf("bearer.%s.%s", key_base, name))

  output_add(output, section, "method", KEY("method"),
             has_method && method != MMD_BEARER_IP_METHOD_UNKNOWN
                 ? mmd_bearer_ip_method_to_string(method)
                 : NULL);
  output_add_take(output, section, "address", KEY("address"), lookup_as_string(config, "address"));
  output_add_take(output, section, "prefix", KEY("prefix"), lookup_as_string(config, "prefix"));
  output_add_take(output, section, "gateway", KEY("gateway"), lookup_as_string(config, "gateway"));
  for (guint i = 1; i <= 3; i++) {
    g_autofree char *dns_key = g_strdup_printf("dns%u", i);
    char *value = lookup_as_string(config, dns_key);

    if (value)
      g_ptr_array_add(dns, value);
  }
  g_ptr_array_add(dns, NULL);
  output_add_list(output, section, "dns", KEY("dns"), (const char *const *)dns->pdata);
  output_add_take(output, section, "mtu", KEY("mtu"), lookup_as_string(config, "mtu"));
#undef KEY
}

void
modemctl_bearer_add_fields(Output *output, MdbusBearer *bearer)
{
  GVariant *properties = mdbus_bearer_get_properties(bearer);
  GVariant *conn_error = mdbus_bearer_get_connection_error(bearer);
  GVariant *stats = mdbus_bearer_get_stats(bearer);
  const char *error_name = NULL;
  const char *error_message = NULL;
  guint value;
  gboolean b;

  output_add(output, "General", "path", "bearer.dbus-path",
             g_dbus_proxy_get_object_path(G_DBUS_PROXY(bearer)));
  output_add(output, "General", "type", "bearer.type",
             mmd_bearer_type_to_string(mdbus_bearer_get_bearer_type(bearer)));

  output_add(output, "Status", "connected", "bearer.status.connected",
             mdbus_bearer_get_connected(bearer) ? "yes" : "no");
  output_add(output, "Status", "suspended", "bearer.status.suspended",
             mdbus_bearer_get_suspended(bearer) ? "yes" : "no");
  output_add(output, "Status", "multiplexed", "bearer.status.multiplexed",
             mdbus_bearer_get_multiplexed(bearer) ? "yes" : "no");
  output_add(output, "Status", "interface", "bearer.status.interface",
             mdbus_bearer_get_interface(bearer));
  output_add_printf(output, "Status", "ip timeout", "bearer.status.ip-timeout", "%u",
                    mdbus_bearer_get_ip_timeout(bearer));
  if (conn_error && g_variant_is_of_type(conn_error, G_VARIANT_TYPE("(ss)")))
    g_variant_get(conn_error, "(&s&s)", &error_name, &error_message);
  output_add(output, "Status", "connection error", "bearer.status.connection-error.name",
             error_name);
  output_add(output, "Status", "connection error message", "bearer.status.connection-error.message",
             error_message);

  output_add_take(output, "Properties", "apn", "bearer.properties.apn",
                  lookup_as_string(properties, "apn"));
  if (properties && g_variant_lookup(properties, "allow-roaming", "b", &b))
    output_add(output, "Properties", "roaming", "bearer.properties.roaming",
               b ? "allowed" : "forbidden");
  else
    output_add(output, "Properties", "roaming", "bearer.properties.roaming", NULL);
  output_add_take(
      output, "Properties", "ip type", "bearer.properties.ip-type",
      lookup_uint(properties, "ip-type", &value) ? mmd_bearer_ip_family_build_string(value) : NULL);
  output_add_take(output, "Properties", "allowed auth", "bearer.properties.allowed-auth",
                  lookup_uint(properties, "allowed-auth", &value)
                      ? modemctl_allowed_auth_build_string(value)
                      : NULL);
  output_add_take(output, "Properties", "user", "bearer.properties.user",
                  lookup_as_string(properties, "user"));
  /* The password is never printed. */

  add_ip_config(output, mdbus_bearer_get_ip4_config(bearer), "IPv4 configuration", "ipv4-config");
  add_ip_config(output, mdbus_bearer_get_ip6_config(bearer), "IPv6 configuration", "ipv6-config");

  static const struct {
    const char *label, *key, *stat;
  } stats_fields[] = {
    { "duration", "bearer.stats.duration", "duration" },
    { "bytes rx", "bearer.stats.bytes-rx", "rx-bytes" },
    { "bytes tx", "bearer.stats.bytes-tx", "tx-bytes" },
    { "attempts", "bearer.stats.attempts", "attempts" },
    { "attempts failed", "bearer.stats.failed-attempts", "failed-attempts" },
    { "total-duration", "bearer.stats.total-duration", "total-duration" },
    { "total-bytes rx", "bearer.stats.total-bytes-rx", "total-rx-bytes" },
    { "total-bytes tx", "bearer.stats.total-bytes-tx", "total-tx-bytes" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(stats_fields); i++) {
    char *stat = lookup_as_string(stats, stats_fields[i].stat);

    /* Nothing counted yet is shown as unknown, as mmcli does. */
    if (g_strcmp0(stat, "0") == 0)
      g_clear_pointer(&stat, g_free);
    output_add_take(output, "Statistics", stats_fields[i].label, stats_fields[i].key, stat);
  }
}

int
modemctl_bearer_show(Ctx *ctx, MdbusBearer *bearer)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  modemctl_bearer_add_fields(output, bearer);
  output_print(output);
  return EXIT_SUCCESS;
}

int
modemctl_bearer_run(Ctx *ctx, MdbusBearer *bearer, const ModemctlOptions *opts)
{
  g_autoptr(GError) error = NULL;

  if (opts->connect) {
    ctx_set_timeout(ctx, bearer, TRUE);
    if (!mdbus_bearer_call_connect_sync(bearer, NULL, &error))
      return ctx_fail_error(error);
    ctx_success(ctx, "successfully connected the bearer");
    return EXIT_SUCCESS;
  }
  if (opts->disconnect) {
    ctx_set_timeout(ctx, bearer, TRUE);
    if (!mdbus_bearer_call_disconnect_sync(bearer, NULL, &error))
      return ctx_fail_error(error);
    ctx_success(ctx, "successfully disconnected the bearer");
    return EXIT_SUCCESS;
  }
  return ctx_fail("no bearer action given");
}
