#include "modemctl-parse.h"

#include <string.h>

#include "mmd-enums.h"

#define PARSE_ERROR G_OPTION_ERROR
#define PARSE_ERROR_BAD_VALUE G_OPTION_ERROR_BAD_VALUE

/* Selectors */

static gboolean
is_decimal(const char *str)
{
  if (!str || !*str)
    return FALSE;
  for (const char *p = str; *p; p++)
    if (!g_ascii_isdigit(*p))
      return FALSE;
  return TRUE;
}

gboolean
modemctl_parse_selector(const char *str, const char *prefix, gboolean any_allowed, char **out_path,
                        gboolean *out_any, GError **error)
{
  g_autofree char *copy = NULL;
  const char *s;

  *out_path = NULL;
  *out_any = FALSE;
  copy = g_strstrip(g_strdup(str ? str : ""));
  s = copy;

  if (!*s) {
    g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "empty object selector");
    return FALSE;
  }
  if (any_allowed && g_ascii_strcasecmp(s, "any") == 0) {
    *out_any = TRUE;
    return TRUE;
  }
  if (is_decimal(s)) {
    guint64 index;

    if (!g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT32, &index, NULL)) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "invalid object index '%s'", s);
      return FALSE;
    }
    *out_path = g_strdup_printf("%s/%" G_GUINT64_FORMAT, prefix, index);
    return TRUE;
  }
  if (s[0] == '/') {
    if (!g_variant_is_object_path(s)) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "invalid object path '%s'", s);
      return FALSE;
    }
    *out_path = g_strdup(s);
    return TRUE;
  }
  g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
              "invalid object selector '%s' (expected an index, an object path%s)", s,
              any_allowed ? " or 'any'" : "");
  return FALSE;
}

gint64
modemctl_path_index(const char *path, const char *prefix)
{
  gsize len;
  guint64 index;

  if (!path || !prefix)
    return -1;
  len = strlen(prefix);
  if (strncmp(path, prefix, len) != 0 || path[len] != '/' || !is_decimal(path + len + 1))
    return -1;
  if (!g_ascii_string_to_unsigned(path + len + 1, 10, 0, G_MAXINT64, &index, NULL))
    return -1;
  return (gint64)index;
}

/* key=value strings */

gboolean
modemctl_parse_key_values(const char *str, GStrv *out_pairs, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
  const char *p = str ? str : "";

  for (;;) {
    g_autoptr(GString) key = g_string_new(NULL);
    g_autoptr(GString) value = g_string_new(NULL);

    while (g_ascii_isspace(*p))
      p++;
    if (!*p)
      break;

    while (*p && *p != '=' && *p != ',')
      g_string_append_c(key, *p++);
    g_strstrip(key->str);
    key->len = strlen(key->str);
    if (*p != '=') {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "expected 'key=value', got '%s'",
                  key->str);
      return FALSE;
    }
    if (!key->len) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "empty key before '='");
      return FALSE;
    }
    p++; /* '=' */
    while (*p == ' ' || *p == '\t')
      p++;

    if (*p == '\'' || *p == '"') {
      char quote = *p++;

      while (*p && *p != quote)
        g_string_append_c(value, *p++);
      if (*p != quote) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "unterminated quoted value for key '%s'", key->str);
        return FALSE;
      }
      p++;
      while (g_ascii_isspace(*p))
        p++;
      if (*p && *p != ',') {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "unexpected text after quoted value of key '%s'", key->str);
        return FALSE;
      }
    } else {
      while (*p && *p != ',')
        g_string_append_c(value, *p++);
      g_strstrip(value->str);
      value->len = strlen(value->str);
    }

    g_ptr_array_add(items, g_strdup(key->str));
    g_ptr_array_add(items, g_strdup(value->str));
    if (*p == ',')
      p++;
  }

  g_ptr_array_add(items, NULL);
  *out_pairs = (GStrv)g_ptr_array_free(g_steal_pointer(&items), FALSE);
  return TRUE;
}

gboolean
modemctl_parse_boolean(const char *str, gboolean *out_value)
{
  static const char *const yes[] = { "yes", "true", "1", "on" };
  static const char *const no[] = { "no", "false", "0", "off" };

  if (!str)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (g_ascii_strcasecmp(str, yes[i]) == 0) {
      *out_value = TRUE;
      return TRUE;
    }
    if (g_ascii_strcasecmp(str, no[i]) == 0) {
      *out_value = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
dict_has_key(GHashTable *keys, const char *key, GError **error)
{
  if (g_hash_table_contains(keys, key)) {
    g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "key '%s' given more than once", key);
    return TRUE;
  }
  g_hash_table_add(keys, g_strdup(key));
  return FALSE;
}

GVariant *
modemctl_build_bearer_properties(const char *str, gboolean simple, GError **error)
{
  g_auto(GStrv) pairs = NULL;

  if (!modemctl_parse_key_values(str, &pairs, error))
    return NULL;
  return modemctl_build_bearer_properties_from_pairs((const char *const *)pairs, simple, error);
}

GVariant *
modemctl_build_bearer_properties_from_pairs(const char *const *pairs, gboolean simple,
                                            GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; pairs[i]; i += 2) {
    const char *key = pairs[i];
    const char *value = pairs[i + 1];
    GVariant *v = NULL;

    if (dict_has_key(seen, key, error))
      goto fail;

    if (g_str_equal(key, "apn") || g_str_equal(key, "user") || g_str_equal(key, "password")) {
      v = g_variant_new_string(value);
    } else if (g_str_equal(key, "ip-type")) {
      guint family;

      if (!mmd_bearer_ip_family_from_string(value, &family)) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "invalid ip-type '%s' (expected ipv4, ipv6, ipv4v6, non-ip or any)", value);
        goto fail;
      }
      v = g_variant_new_uint32(family);
    } else if (g_str_equal(key, "allowed-auth")) {
      guint auth;

      if (!mmd_bearer_allowed_auth_from_string(value, &auth)) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "invalid allowed-auth '%s' (expected none, pap, chap, mschap, mschapv2, "
                    "eap, joined with '|')",
                    value);
        goto fail;
      }
      v = g_variant_new_uint32(auth);
    } else if (g_str_equal(key, "allow-roaming")) {
      gboolean b;

      if (!modemctl_parse_boolean(value, &b)) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "invalid allow-roaming '%s' (expected yes or no)", value);
        goto fail;
      }
      v = g_variant_new_boolean(b);
    } else if (g_str_equal(key, "multiplex")) {
      guint multiplex;

      if (!mmd_bearer_multiplex_support_from_string(value, &multiplex)) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "invalid multiplex '%s' (expected none, requested or required)", value);
        goto fail;
      }
      v = g_variant_new_uint32(multiplex);
    } else if (g_str_equal(key, "pin") || g_str_equal(key, "operator-id")) {
      if (!simple) {
        g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                    "key '%s' is only valid with --simple-connect", key);
        goto fail;
      }
      v = g_variant_new_string(value);
    } else {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                  "unknown key '%s' (expected apn, ip-type, allowed-auth, user, password, "
                  "allow-roaming, multiplex%s)",
                  key, simple ? ", pin, operator-id" : "");
      goto fail;
    }
    g_variant_builder_add(&builder, "{sv}", key, v);
  }
  return g_variant_ref_sink(g_variant_builder_end(&builder));

fail:
  g_variant_builder_clear(&builder);
  return NULL;
}

GVariant *
modemctl_build_kernel_event_properties(const char *str, GError **error)
{
  static const char *const known[] = { "action", "subsystem", "name", "uid" };
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GVariantBuilder builder;

  if (!modemctl_parse_key_values(str, &pairs, error))
    return NULL;

  g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; pairs[i]; i += 2) {
    gboolean ok = FALSE;

    for (gsize k = 0; k < G_N_ELEMENTS(known) && !ok; k++)
      ok = g_str_equal(pairs[i], known[k]);
    if (!ok) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
                  "unknown key '%s' (expected action, subsystem, name, uid)", pairs[i]);
      goto fail;
    }
    if (dict_has_key(seen, pairs[i], error))
      goto fail;
    g_variant_builder_add(&builder, "{sv}", pairs[i], g_variant_new_string(pairs[i + 1]));
  }
  for (gsize k = 0; k < 3; k++) {
    if (!g_hash_table_contains(seen, known[k])) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "missing key '%s'", known[k]);
      goto fail;
    }
  }
  return g_variant_ref_sink(g_variant_builder_end(&builder));

fail:
  g_variant_builder_clear(&builder);
  return NULL;
}

/* Bands: the numbering of the reference API. */

typedef struct {
  guint value;
  const char *name;
} NamedValue;

static const NamedValue named_bands[] = {
  { 0, "unknown" },  { 1, "egsm" },     { 2, "dcs" },      { 3, "pcs" },      { 4, "g850" },
  { 5, "utran-1" },  { 6, "utran-3" },  { 7, "utran-4" },  { 8, "utran-6" },  { 9, "utran-5" },
  { 10, "utran-8" }, { 11, "utran-9" }, { 12, "utran-2" }, { 13, "utran-7" }, { 14, "g450" },
  { 15, "g480" },    { 16, "g750" },    { 17, "g380" },    { 18, "g410" },    { 19, "g710" },
  { 20, "g810" },    { 256, "any" },
};

/* Ranges: name prefix, first number, last number, value of the first. */
typedef struct {
  const char *prefix;
  guint first;
  guint last;
  guint base;
} BandRange;

static const BandRange band_ranges[] = {
  { "eutran-", 1, 85, 31 },
  { "cdma-bc", 0, 19, 128 },
  { "utran-", 10, 32, 210 },
  { "ngran-", 1, 261, 301 },
};

char *
modemctl_band_to_string(guint band)
{
  for (gsize i = 0; i < G_N_ELEMENTS(named_bands); i++)
    if (named_bands[i].value == band)
      return g_strdup(named_bands[i].name);
  for (gsize i = 0; i < G_N_ELEMENTS(band_ranges); i++) {
    const BandRange *r = &band_ranges[i];

    if (band >= r->base && band <= r->base + (r->last - r->first))
      return g_strdup_printf("%s%u", r->prefix, r->first + (band - r->base));
  }
  return g_strdup_printf("unknown-%u", band);
}

gboolean
modemctl_band_from_string(const char *str, guint *out_band)
{
  if (!str)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(named_bands); i++) {
    if (g_ascii_strcasecmp(str, named_bands[i].name) == 0) {
      *out_band = named_bands[i].value;
      return TRUE;
    }
  }
  for (gsize i = 0; i < G_N_ELEMENTS(band_ranges); i++) {
    const BandRange *r = &band_ranges[i];
    gsize len = strlen(r->prefix);
    guint64 n;

    if (g_ascii_strncasecmp(str, r->prefix, len) != 0 || !is_decimal(str + len))
      continue;
    if (!g_ascii_string_to_unsigned(str + len, 10, r->first, r->last, &n, NULL))
      continue;
    *out_band = r->base + ((guint)n - r->first);
    return TRUE;
  }
  return FALSE;
}

GVariant *
modemctl_build_bands(const char *str, GError **error)
{
  g_auto(GStrv) parts = NULL;
  GVariantBuilder builder;
  guint n = 0;

  parts = g_strsplit_set(str ? str : "", "|,", -1);
  g_variant_builder_init(&builder, G_VARIANT_TYPE("au"));
  for (guint i = 0; parts[i]; i++) {
    const char *name = g_strstrip(parts[i]);
    guint band;

    if (!*name)
      continue;
    if (!modemctl_band_from_string(name, &band) || band == 0) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "invalid band '%s'", name);
      g_variant_builder_clear(&builder);
      return NULL;
    }
    g_variant_builder_add(&builder, "u", band);
    n++;
  }
  if (!n) {
    g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "no bands given");
    g_variant_builder_clear(&builder);
    return NULL;
  }
  return g_variant_ref_sink(g_variant_builder_end(&builder));
}

char *
modemctl_modes_to_string(guint allowed, guint preferred)
{
  g_autofree char *a = mmd_modem_mode_build_string(allowed);
  g_autofree char *p = mmd_modem_mode_build_string(preferred);

  return g_strdup_printf("allowed: %s; preferred: %s", a, p);
}

static char *
build_flags(const NamedValue *table, gsize n, guint value)
{
  GString *str = g_string_new(NULL);

  for (gsize i = 0; i < n; i++) {
    if (!(value & table[i].value))
      continue;
    if (str->len)
      g_string_append(str, ", ");
    g_string_append(str, table[i].name);
  }
  if (!str->len)
    g_string_append(str, "none");
  return g_string_free(str, FALSE);
}

char *
modemctl_allowed_auth_build_string(guint auth)
{
  static const NamedValue auths[] = {
    { MMD_BEARER_ALLOWED_AUTH_NONE, "none" },         { MMD_BEARER_ALLOWED_AUTH_PAP, "pap" },
    { MMD_BEARER_ALLOWED_AUTH_CHAP, "chap" },         { MMD_BEARER_ALLOWED_AUTH_MSCHAP, "mschap" },
    { MMD_BEARER_ALLOWED_AUTH_MSCHAPV2, "mschapv2" }, { MMD_BEARER_ALLOWED_AUTH_EAP, "eap" },
  };

  if (auth == MMD_BEARER_ALLOWED_AUTH_UNKNOWN)
    return g_strdup("unknown");
  return build_flags(auths, G_N_ELEMENTS(auths), auth);
}

char *
modemctl_facility_build_string(guint facilities)
{
  static const NamedValue table[] = {
    { MMD_MODEM_3GPP_FACILITY_SIM, "sim" },
    { MMD_MODEM_3GPP_FACILITY_FIXED_DIALING, "fixed-dialing" },
  };

  return build_flags(table, G_N_ELEMENTS(table), facilities);
}

static const char *
lookup(const NamedValue *table, gsize n, guint value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].name;
  return "unknown";
}

const char *
modemctl_state_change_reason_to_string(guint reason)
{
  static const NamedValue table[] = {
    { MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN, "unknown" },
    { MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED, "user-requested" },
    { MMD_MODEM_STATE_CHANGE_REASON_SUSPEND, "suspend" },
    { MMD_MODEM_STATE_CHANGE_REASON_FAILURE, "failure" },
  };

  return lookup(table, G_N_ELEMENTS(table), reason);
}

const char *
modemctl_sim_type_to_string(guint type)
{
  static const NamedValue table[] = {
    { 0, "unknown" },
    { 1, "physical" },
    { 2, "esim" },
  };

  return lookup(table, G_N_ELEMENTS(table), type);
}

const char *
modemctl_esim_status_to_string(guint status)
{
  static const NamedValue table[] = {
    { 0, "unknown" },
    { 1, "no-profiles" },
    { 2, "with-profiles" },
  };

  return lookup(table, G_N_ELEMENTS(table), status);
}

const char *
modemctl_sim_removability_to_string(guint removability)
{
  static const NamedValue table[] = {
    { 0, "unknown" },
    { 1, "removable" },
    { 2, "not-removable" },
  };

  return lookup(table, G_N_ELEMENTS(table), removability);
}
