/* modemctl: location and cell info as mmcli prints them. */
#include "location-format.h"

#include <string.h>

#include "mmd-enums.h"

char *
modemctl_location_sources_build_string(guint sources)
{
  static const struct {
    guint value;
    const char *name;
  } names[] = {
    { MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI, "3gpp-lac-ci" },
    { MMD_MODEM_LOCATION_SOURCE_GPS_RAW, "gps-raw" },
    { MMD_MODEM_LOCATION_SOURCE_GPS_NMEA, "gps-nmea" },
    { MMD_MODEM_LOCATION_SOURCE_CDMA_BS, "cdma-bs" },
    { MMD_MODEM_LOCATION_SOURCE_GPS_UNMANAGED, "gps-unmanaged" },
    { MMD_MODEM_LOCATION_SOURCE_AGPS_MSA, "agps-msa" },
    { MMD_MODEM_LOCATION_SOURCE_AGPS_MSB, "agps-msb" },
  };
  GString *text = g_string_new(NULL);

  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    if (!(sources & names[i].value))
      continue;
    if (text->len)
      g_string_append(text, ", ");
    g_string_append(text, names[i].name);
  }
  if (!text->len)
    g_string_append(text, "none");
  return g_string_free(text, FALSE);
}

void
modemctl_cell_clear(ModemctlCell *cell)
{
  g_free(cell->mcc);
  g_free(cell->mnc);
  g_free(cell->lac);
  g_free(cell->tac);
  g_free(cell->ci);
  memset(cell, 0, sizeof *cell);
}

static gboolean
digits(const char *s)
{
  gsize n = strlen(s);

  return n >= 2 && n <= 3 && strspn(s, "0123456789") == n;
}

static gboolean
hex(const char *s, guint64 *out)
{
  return *s && strlen(s) <= 16 && strspn(s, "0123456789abcdefABCDEF") == strlen(s)
         && g_ascii_string_to_unsigned(s, 16, 0, G_MAXUINT64, out, NULL);
}

gboolean
modemctl_parse_3gpp_location(const char *text, ModemctlCell *cell)
{
  g_auto(GStrv) f = g_strsplit(text ? text : "", ",", -1);
  guint64 lac, ci, tac;

  memset(cell, 0, sizeof *cell);
  if (g_strv_length(f) != 5 || !digits(f[0]) || !digits(f[1]) || !hex(f[2], &lac) || !hex(f[3], &ci)
      || !hex(f[4], &tac))
    return FALSE;
  cell->mcc = g_strdup(f[0]);
  cell->mnc = g_strdup(f[1]);
  cell->lac = g_strdup_printf("%04" G_GINT64_MODIFIER "X", lac);
  cell->tac = g_strdup_printf("%06" G_GINT64_MODIFIER "X", tac);
  cell->ci = g_strdup_printf("%08" G_GINT64_MODIFIER "X", ci);
  return TRUE;
}

static const char *
cell_type_name(guint type)
{
  static const char *const names[] = { "unknown", "cdma", "gsm", "umts", "tdscdma", "lte", "5gnr" };

  return type < G_N_ELEMENTS(names) ? names[type] : "unknown";
}

/* The keys mmcli prints, in its order, with their label and type. */
static const struct {
  const char *key;
  const char *label;
  char type; /* s string, u unsigned, d double */
} cell_fields[] = {
  { "operator-id", "operator id", 's' },
  { "lac", "lac", 's' },
  { "tac", "tac", 's' },
  { "ci", "ci", 's' },
  { "physical-ci", "physical ci", 's' },
  { "earfcn", "earfcn", 'u' },
  { "uarfcn", "uarfcn", 'u' },
  { "arfcn", "arfcn", 'u' },
  { "nrarfcn", "nrarfcn", 'u' },
  { "rsrp", "rsrp", 'd' },
  { "rsrq", "rsrq", 'd' },
  { "sinr", "sinr", 'd' },
  { "timing-advance", "timing advance", 'u' },
  { "serving-cell-type", "serving cell type", 'u' },
  { "bandwidth", "bandwidth", 'u' },
};

char *
modemctl_cell_info_build_string(GVariant *cell)
{
  GString *text = g_string_new(NULL);
  guint32 type = 0;
  gboolean serving = FALSE;

  g_variant_lookup(cell, "cell-type", "u", &type);
  g_variant_lookup(cell, "serving", "b", &serving);
  g_string_append_printf(text, "cell type: %s, serving: %s", cell_type_name(type),
                         serving ? "yes" : "no");
  for (gsize i = 0; i < G_N_ELEMENTS(cell_fields); i++) {
    const char *s;
    guint32 u;
    double d;

    if (cell_fields[i].type == 's' && g_variant_lookup(cell, cell_fields[i].key, "&s", &s))
      g_string_append_printf(text, ", %s: %s", cell_fields[i].label, s);
    else if (cell_fields[i].type == 'u' && g_variant_lookup(cell, cell_fields[i].key, "u", &u))
      g_string_append_printf(text, ", %s: %u", cell_fields[i].label, u);
    else if (cell_fields[i].type == 'd' && g_variant_lookup(cell, cell_fields[i].key, "d", &d))
      g_string_append_printf(text, ", %s: %lf", cell_fields[i].label, d);
  }
  return g_string_free(text, FALSE);
}
