/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: radio access: served technology, modes, bands, NR signal (see
 * sim-radio.h).
 */
#include "sim-radio.h"

#include <stdlib.h>
#include <string.h>

#include "sim-core-private.h"

#define MAX_LTE_BAND 256
#define MAX_NR_BAND 512

struct _SimRadio {
  SimRat rat; /* what the network offers */
  guint allowed;
  guint preferred;
  GArray *current_lte;
  GArray *current_nr;
  SimNrSignal nr;
};

static const char *const rat_names[] = { "lte", "nr5g-nsa", "nr5g-sa", NULL };

const char *
sim_radio_rat_name(SimRat rat)
{
  return rat <= SIM_RAT_NR5G_SA ? rat_names[rat] : "?";
}

/* "1,3,7" -> band numbers; FALSE for anything else */
static gboolean
parse_bands(const char *text, guint max, GArray **out, GError **error)
{
  g_auto(GStrv) parts = g_strsplit(text, ",", -1);

  *out = g_array_new(FALSE, FALSE, sizeof(guint));
  for (char **p = parts; *p && **p; p++) {
    guint64 band = 0;

    if (!g_ascii_string_to_unsigned(*p, 10, 1, max, &band, NULL)) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad band '%s' (1-%u)", *p, max);
      return FALSE;
    }
    g_array_append_val(*out, band);
  }
  return TRUE;
}

gboolean
sim_radio_parse_options(SimConfig *c, const char *rat, const char *lte_bands, const char *nr_bands,
                        GError **error)
{
  c->rat = SIM_RAT_LTE;
  for (int i = 0; rat && rat_names[i]; i++)
    if (g_str_equal(rat, rat_names[i]))
      c->rat = i;
  if (rat && !g_str_equal(rat, rat_names[c->rat])) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown --rat '%s'", rat);
    return FALSE;
  }
  /* a 5G network implies a 5G modem; an LTE one none unless bands are given */
  if (!nr_bands && c->rat != SIM_RAT_LTE)
    nr_bands = "1,3,28,41,77,78";
  return parse_bands(lte_bands ? lte_bands : "1,3,7,8,20,28", MAX_LTE_BAND, &c->lte_bands, error)
         && parse_bands(nr_bands ? nr_bands : "", MAX_NR_BAND, &c->nr_bands, error);
}

static SimRadio *
radio_of(SimCore *core)
{
  return core->radio_access;
}

gboolean
sim_radio_has_5g(SimCore *core)
{
  return core->config->nr_bands->len > 0;
}

guint
sim_radio_supported_modes(SimCore *core)
{
  return SIM_MODE_2G | SIM_MODE_3G | SIM_MODE_4G | (sim_radio_has_5g(core) ? SIM_MODE_5G : 0);
}

void
sim_radio_get_modes(SimCore *core, guint *allowed, guint *preferred)
{
  *allowed = radio_of(core)->allowed;
  *preferred = radio_of(core)->preferred;
}

gboolean
sim_radio_set_modes(SimCore *core, guint allowed, guint preferred)
{
  SimRadio *r = radio_of(core);
  SimRat before = sim_radio_serving_rat(core);

  if (!allowed || (allowed & ~sim_radio_supported_modes(core))
      || (preferred && !(preferred & allowed)))
    return FALSE;
  r->allowed = allowed;
  r->preferred = preferred;
  sim_core_log(core, "event: modes allowed=0x%x preferred=0x%x", allowed, preferred);
  if (sim_radio_serving_rat(core) != before)
    sim_core_notify(core, SIM_NOTIFY_REGISTRATION, NULL);
  return TRUE;
}

SimRat
sim_radio_serving_rat(SimCore *core)
{
  SimRadio *r = radio_of(core);
  gboolean nr = r->allowed & SIM_MODE_5G, lte = r->allowed & SIM_MODE_4G;

  switch (r->rat) {
    case SIM_RAT_NR5G_SA:
      return nr ? SIM_RAT_NR5G_SA : SIM_RAT_LTE;
    case SIM_RAT_NR5G_NSA:
      if (nr && lte)
        return SIM_RAT_NR5G_NSA;
      return nr ? SIM_RAT_NR5G_SA : SIM_RAT_LTE;
    case SIM_RAT_LTE:
    default:
      return SIM_RAT_LTE;
  }
}

const GArray *
sim_radio_supported_bands(SimCore *core, gboolean nr)
{
  return nr ? core->config->nr_bands : core->config->lte_bands;
}

const GArray *
sim_radio_current_bands(SimCore *core, gboolean nr)
{
  return nr ? radio_of(core)->current_nr : radio_of(core)->current_lte;
}

static gboolean
all_in(const GArray *bands, const GArray *supported)
{
  for (guint i = 0; i < bands->len; i++) {
    gboolean found = FALSE;

    for (guint j = 0; j < supported->len && !found; j++)
      found = g_array_index(bands, guint, i) == g_array_index(supported, guint, j);
    if (!found)
      return FALSE;
  }
  return TRUE;
}

static int
compare_band(gconstpointer a, gconstpointer b)
{
  return (int)*(const guint *)a - (int)*(const guint *)b;
}

static GArray *
sorted_copy(const GArray *bands)
{
  GArray *copy = g_array_new(FALSE, FALSE, sizeof(guint));

  g_array_append_vals(copy, bands->data, bands->len);
  g_array_sort(copy, compare_band);
  return copy;
}

static void
log_bands(SimCore *core, const char *what, const GArray *bands)
{
  g_autoptr(GString) s = g_string_new(NULL);

  for (guint i = 0; i < bands->len; i++)
    g_string_append_printf(s, "%s%u", i ? "," : "", g_array_index(bands, guint, i));
  sim_core_log(core, "event: %s bands %s", what, s->len ? s->str : "none");
}

gboolean
sim_radio_set_bands(SimCore *core, const GArray *lte, const GArray *nr, const char **reason)
{
  SimRadio *r = radio_of(core);
  GArray *lte_copy, *nr_copy;

  if (lte->len + nr->len == 0) {
    *reason = "no bands";
    return FALSE;
  }
  if (!all_in(lte, core->config->lte_bands) || !all_in(nr, core->config->nr_bands)) {
    *reason = "band not supported";
    return FALSE;
  }
  /* copies first: the caller may pass the current lists themselves */
  lte_copy = sorted_copy(lte);
  nr_copy = sorted_copy(nr);
  g_array_unref(r->current_lte);
  g_array_unref(r->current_nr);
  r->current_lte = lte_copy;
  r->current_nr = nr_copy;
  log_bands(core, "lte", r->current_lte);
  log_bands(core, "nr", r->current_nr);
  return TRUE;
}

const SimNrSignal *
sim_radio_nr_signal(SimCore *core)
{
  return &radio_of(core)->nr;
}

/* ---- control commands ---- */

static const SimControlArg rat_args[] = {
  { "RAT", SIM_CONTROL_ARG_CHOICE, 0, 0, rat_names },
};

static gboolean
set_rat(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimCore *core = user_data;

  if (args[0].choice != SIM_RAT_LTE && !sim_radio_has_5g(core)) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE,
                "the modem has no NR bands (--nr-bands)");
    return FALSE;
  }
  radio_of(core)->rat = args[0].choice;
  sim_core_log(core, "event: network rat %s", rat_names[args[0].choice]);
  sim_core_notify(core, SIM_NOTIFY_REGISTRATION, NULL);
  return TRUE;
}

/* 38.133 ranges: SS-RSRP -156..-31 dBm, SS-RSRQ -43..20 dB, SS-SINR -23..40 dB */
static const SimControlArg nr_signal_args[] = {
  { "RSRP", SIM_CONTROL_ARG_INT, -156, -31, NULL },
  { "RSRQ", SIM_CONTROL_ARG_INT, -43, 20, NULL },
  { "SNR", SIM_CONTROL_ARG_NUMBER, -23, 40, NULL },
};

static gboolean
set_nr_signal(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimCore *core = user_data;
  SimNrSignal *nr = &radio_of(core)->nr;

  nr->rsrp = args[0].integer;
  nr->rsrq = args[1].integer;
  nr->snr = args[2].number;
  sim_core_log(core, "event: nr signal rsrp=%d rsrq=%d snr=%.1f", nr->rsrp, nr->rsrq, nr->snr);
  return TRUE;
}

static const SimControlCommand radio_commands[] = {
  { "rat", rat_args, G_N_ELEMENTS(rat_args), set_rat },
  { "nr-signal", nr_signal_args, G_N_ELEMENTS(nr_signal_args), set_nr_signal },
};

void
sim_radio_init(SimCore *core)
{
  SimRadio *r = g_new0(SimRadio, 1);
  const SimConfig *c = core->config;

  core->radio_access = r;
  r->rat = c->rat;
  r->allowed = sim_radio_supported_modes(core);
  r->current_lte = sorted_copy(c->lte_bands);
  r->current_nr = sorted_copy(c->nr_bands);
  r->nr.rsrp = c->nr_rsrp;
  r->nr.rsrq = c->nr_rsrq;
  r->nr.snr = c->nr_snr;
  sim_control_add_commands(core->control, radio_commands, G_N_ELEMENTS(radio_commands), core);
}

void
sim_radio_free(SimCore *core)
{
  SimRadio *r = radio_of(core);

  if (!r)
    return;
  g_array_unref(r->current_lte);
  g_array_unref(r->current_nr);
  g_free(r);
  core->radio_access = NULL;
}
