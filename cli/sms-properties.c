/* modemctl's pure messaging helpers (see sms-properties.h). */
#include "sms-properties.h"

#include <string.h>

#include "modemctl-parse.h"

#define PARSE_ERROR G_OPTION_ERROR
#define PARSE_ERROR_BAD_VALUE G_OPTION_ERROR_BAD_VALUE

static gboolean
bad_value(GError **error, const char *key, const char *value, const char *expected)
{
  g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "invalid %s '%s' (expected %s)", key,
              value, expected);
  return FALSE;
}

static gboolean
parse_int(const char *value, gint64 min, gint64 max, gint64 *out)
{
  return g_ascii_string_to_signed(value, 10, min, max, out, NULL);
}

/* One key of --messaging-create-sms as the API types it. */
static GVariant *
sms_value(const char *key, const char *value, GError **error)
{
  gint64 n;
  gboolean b;

  if (g_str_equal(key, "number") || g_str_equal(key, "text") || g_str_equal(key, "smsc"))
    return g_variant_new_string(value);
  if (g_str_equal(key, "validity")) {
    if (!parse_int(value, 1, G_MAXUINT32, &n)) {
      bad_value(error, key, value, "minutes");
      return NULL;
    }
    return g_variant_new("(uv)", 1 /* relative */, g_variant_new_uint32((guint32)n));
  }
  if (g_str_equal(key, "class")) {
    if (!parse_int(value, G_MININT32, G_MAXINT32, &n)) {
      bad_value(error, key, value, "a number, 0 to 3");
      return NULL;
    }
    return g_variant_new_int32((gint32)n);
  }
  if (g_str_equal(key, "delivery-report-request")) {
    if (!modemctl_parse_boolean(value, &b)) {
      bad_value(error, key, value, "yes or no");
      return NULL;
    }
    return g_variant_new_boolean(b);
  }
  g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE,
              "unknown key '%s' (expected number, text, smsc, validity, class, "
              "delivery-report-request)",
              key);
  return NULL;
}

GVariant *
modemctl_build_sms_properties(const char *str, GBytes *data, GError **error)
{
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  GVariantBuilder builder;

  if (!modemctl_parse_key_values(str, &pairs, error))
    return NULL;
  g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; pairs[i]; i += 2) {
    GVariant *value;

    if (!g_hash_table_add(seen, pairs[i])) {
      g_set_error(error, PARSE_ERROR, PARSE_ERROR_BAD_VALUE, "key '%s' given twice", pairs[i]);
      g_variant_builder_clear(&builder);
      return NULL;
    }
    if (!(value = sms_value(pairs[i], pairs[i + 1], error))) {
      g_variant_builder_clear(&builder);
      return NULL;
    }
    g_variant_builder_add(&builder, "{sv}", pairs[i], value);
  }
  if (data) {
    gsize len;
    gconstpointer bytes = g_bytes_get_data(data, &len);

    g_variant_builder_add(&builder, "{sv}", "data",
                          g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes, len, 1));
  }
  return g_variant_ref_sink(g_variant_builder_end(&builder));
}

/* ---- cell broadcast channels ---- */

static gboolean
parse_range(const char *item, guint32 *first, guint32 *last, GError **error)
{
  g_auto(GStrv) ends = g_strsplit(item, "-", 2);
  gint64 a, b;

  /* an empty item splits into no parts at all */
  if (!ends[0] || !parse_int(g_strstrip(ends[0]), 0, 65535, &a)
      || !parse_int(g_strstrip(ends[1] ? ends[1] : ends[0]), a, 65535, &b))
    return bad_value(error, "channel range", item, "CHANNEL or FIRST-LAST within 0-65535");
  *first = (guint32)a;
  *last = (guint32)b;
  return TRUE;
}

GVariant *
modemctl_build_cbs_channels(const char *str, GError **error)
{
  g_auto(GStrv) items = g_strsplit(str ? str : "", ",", -1);
  GVariantBuilder builder;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a(uu)"));
  for (char **item = items; *item; item++) {
    guint32 first = 0, last = 0;

    if (!*g_strstrip(*item) && !item[1] && item == items)
      break; /* "": no channels */
    if (!parse_range(*item, &first, &last, error)) {
      g_variant_builder_clear(&builder);
      return NULL;
    }
    g_variant_builder_add(&builder, "(uu)", first, last);
  }
  return g_variant_ref_sink(g_variant_builder_end(&builder));
}

char *
modemctl_cbs_channels_to_string(GVariant *channels)
{
  GString *out = g_string_new(NULL);
  GVariantIter iter;
  guint32 first, last;

  if (channels && g_variant_is_of_type(channels, G_VARIANT_TYPE("a(uu)"))) {
    g_variant_iter_init(&iter, channels);
    while (g_variant_iter_next(&iter, "(uu)", &first, &last)) {
      g_string_append_printf(out, "%s%u", out->len ? "," : "", first);
      if (last != first)
        g_string_append_printf(out, "-%u", last);
    }
  }
  return g_string_free(out, FALSE);
}

/* ---- delivery states ---- */

static const struct {
  guint state;
  const char *name;
} delivery_states[] = {
  { 0x00, "completed-received" },
  { 0x01, "completed-forwarded-unconfirmed" },
  { 0x02, "completed-replaced-by-sc" },
  { 0x20, "temporary-error-congestion" },
  { 0x21, "temporary-error-sme-busy" },
  { 0x22, "temporary-error-no-response-from-sme" },
  { 0x23, "temporary-error-service-rejected" },
  { 0x24, "temporary-error-qos-not-available" },
  { 0x25, "temporary-error-in-sme" },
  { 0x40, "error-remote-procedure" },
  { 0x41, "error-incompatible-destination" },
  { 0x42, "error-connection-rejected" },
  { 0x43, "error-not-obtainable" },
  { 0x44, "error-qos-not-available" },
  { 0x45, "error-no-interworking-available" },
  { 0x46, "error-validity-period-expired" },
  { 0x47, "error-deleted-by-originating-sme" },
  { 0x48, "error-deleted-by-sc-administration" },
  { 0x49, "error-message-does-not-exist" },
  { 0x60, "temporary-fatal-error-congestion" },
  { 0x61, "temporary-fatal-error-sme-busy" },
  { 0x62, "temporary-fatal-error-no-response-from-sme" },
  { 0x63, "temporary-fatal-error-service-rejected" },
  { 0x64, "temporary-fatal-error-qos-not-available" },
  { 0x65, "temporary-fatal-error-in-sme" },
  { 0x100, "unknown" },
};

/* The ranges of 23.040 9.2.3.15 that name no single state. */
static const struct {
  guint from, to;
  const char *name;
} delivery_ranges[] = {
  { 0x03, 0x0F, "completed-reason-reserved" },
  { 0x10, 0x1F, "completed-sc-specific-reason" },
  { 0x26, 0x2F, "temporary-error-reason-reserved" },
  { 0x30, 0x3F, "temporary-error-sc-specific-reason" },
  { 0x4A, 0x4F, "error-reason-reserved" },
  { 0x50, 0x5F, "error-sc-specific-reason" },
  { 0x66, 0x6F, "temporary-fatal-error-reason-reserved" },
  { 0x70, 0x7F, "temporary-fatal-error-sc-specific-reason" },
  { 0x80, 0xFF, "unknown-reason-reserved" },
};

const char *
modemctl_sms_delivery_state_to_string(guint state)
{
  for (gsize i = 0; i < G_N_ELEMENTS(delivery_ranges); i++)
    if (state >= delivery_ranges[i].from && state <= delivery_ranges[i].to)
      return delivery_ranges[i].name;
  for (gsize i = 0; i < G_N_ELEMENTS(delivery_states); i++)
    if (delivery_states[i].state == state)
      return delivery_states[i].name;
  return NULL;
}
