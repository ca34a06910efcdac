/* Bearer settings from the bus: every key checked before it can reach a modem. */
#define G_LOG_DOMAIN "modemd-bearer"

#include "bearer-settings.h"

#include <string.h>

#include "mmd-errors.h"
#include "mmd-validate.h"

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
  copy->multiplex = settings->multiplex;
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
  if (g_str_equal(key, "multiplex")) {
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
      return bad_type(key, value, "u", error);
    s->multiplex = g_variant_get_uint32(value);
    if (s->multiplex > MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Invalid multiplex %u",
                  s->multiplex);
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
  if (s->multiplex)
    g_variant_builder_add(&builder, "{sv}", "multiplex", g_variant_new_uint32(s->multiplex));
  return g_variant_builder_end(&builder);
}

/* Not asked is as asked for none. */
static guint
multiplex_of(const MmdBearerSettings *s)
{
  return s->multiplex ? s->multiplex : MMD_BEARER_MULTIPLEX_SUPPORT_NONE;
}

gboolean
mmd_bearer_settings_equal(const MmdBearerSettings *a, const MmdBearerSettings *b)
{
  return g_strcmp0(a->apn ? a->apn : "", b->apn ? b->apn : "") == 0 && a->ip_type == b->ip_type
         && a->allowed_auth == b->allowed_auth && g_strcmp0(a->user, b->user) == 0
         && g_strcmp0(a->password, b->password) == 0 && a->allow_roaming == b->allow_roaming
         && multiplex_of(a) == multiplex_of(b);
}
