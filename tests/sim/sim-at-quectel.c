/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: Quectel's AT commands (--vendor=quectel), on the radio access
 * that the other protocols of the modem share (sim-radio.h):
 *
 *   AT+QGMR                          full firmware revision
 *   AT+QNWPREFCFG="mode_pref"[,M]    modes allowed: AUTO or WCDMA/LTE/NR5G joined by ':'
 *   AT+QNWPREFCFG="rat_acq_order"[,M] acquisition order: the first is preferred
 *   AT+QNWPREFCFG="lte_band"[,B:B]   E-UTRAN bands in use
 *   AT+QNWPREFCFG="nr5g_band"[,B:B]  NR bands in use (SA; "nsa_nr5g_band" the same here)
 *   AT+QNWPREFCFG="policy_band"      the bands the module supports, one line per kind
 *   AT+CFUN=1,1                      reset: radio off and on, then RDY
 */
#include <string.h>

#include "sim-at.h"
#include "sim-radio.h"

static const struct {
  const char *name;
  guint mode;
} mode_names[] = {
  { "WCDMA", SIM_MODE_3G },
  { "LTE", SIM_MODE_4G },
  { "NR5G", SIM_MODE_5G },
};

/* "WCDMA:LTE", or newest first for an acquisition order */
static char *
modes_text(guint modes, gboolean newest_first)
{
  GString *s = g_string_new(NULL);

  for (gsize k = 0; k < G_N_ELEMENTS(mode_names); k++) {
    gsize i = newest_first ? G_N_ELEMENTS(mode_names) - 1 - k : k;

    if (modes & mode_names[i].mode)
      g_string_append_printf(s, "%s%s", s->len ? ":" : "", mode_names[i].name);
  }
  return g_string_free(s, FALSE);
}

/* "LTE:NR5G" -> modes in that order; FALSE for a word not known */
static gboolean
parse_modes(const char *text, GArray *order)
{
  g_auto(GStrv) words = g_strsplit(text, ":", -1);

  for (char **w = words; *w; w++) {
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(mode_names); i++)
      if (!g_ascii_strcasecmp(*w, mode_names[i].name))
        break;
    if (i == G_N_ELEMENTS(mode_names))
      return FALSE;
    g_array_append_val(order, mode_names[i].mode);
  }
  return order->len > 0;
}

static gboolean
parse_bands(const char *text, GArray *bands)
{
  g_auto(GStrv) words = g_strsplit(text, ":", -1);

  for (char **w = words; *w; w++) {
    guint64 band;

    if (!g_ascii_string_to_unsigned(*w, 10, 1, 512, &band, NULL))
      return FALSE;
    g_array_append_vals(bands, &(guint){ band }, 1);
  }
  return bands->len > 0;
}

static void
band_line(AtReply *r, const char *kind, const GArray *bands)
{
  g_autoptr(GString) s = g_string_new(NULL);

  for (guint i = 0; i < bands->len; i++)
    g_string_append_printf(s, "%s%u", i ? ":" : "", g_array_index(bands, guint, i));
  at_info(r, "+QNWPREFCFG: \"%s\",%s", kind, s->len ? s->str : "0");
}

static AtResult
query(SimAt *a, const char *what, AtReply *r)
{
  guint allowed, preferred;

  sim_radio_get_modes(a->core, &allowed, &preferred);
  if (!g_ascii_strcasecmp(what, "mode_pref")) {
    g_autofree char *modes = modes_text(allowed & ~SIM_MODE_2G, FALSE);
    gboolean all = (allowed | SIM_MODE_2G) == (sim_radio_supported_modes(a->core) | SIM_MODE_2G);

    at_info(r, "+QNWPREFCFG: \"mode_pref\",%s", all ? "AUTO" : modes);
  } else if (!g_ascii_strcasecmp(what, "rat_acq_order")) {
    guint rest = allowed & ~preferred & ~SIM_MODE_2G;
    g_autofree char *first = preferred ? modes_text(preferred, TRUE) : NULL;
    g_autofree char *others = modes_text(rest, TRUE);

    at_info(r, "+QNWPREFCFG: \"rat_acq_order\",%s%s%s", first ? first : "",
            first && *others ? ":" : "", others);
  } else if (!g_ascii_strcasecmp(what, "lte_band")) {
    band_line(r, "lte_band", sim_radio_current_bands(a->core, FALSE));
  } else if (!g_ascii_strcasecmp(what, "nr5g_band") || !g_ascii_strcasecmp(what, "nsa_nr5g_band")) {
    band_line(r, what, sim_radio_current_bands(a->core, TRUE));
  } else if (!g_ascii_strcasecmp(what, "policy_band")) {
    g_autoptr(GArray) gw = g_array_new(FALSE, FALSE, sizeof(guint));

    g_array_append_vals(gw, (guint[]){ 1, 8 }, 2);
    band_line(r, "gw_band", gw);
    band_line(r, "lte_band", sim_radio_supported_bands(a->core, FALSE));
    band_line(r, "nsa_nr5g_band", sim_radio_supported_bands(a->core, TRUE));
    band_line(r, "nr5g_band", sim_radio_supported_bands(a->core, TRUE));
  } else {
    return at_cme(r, CME_NOT_SUPPORTED);
  }
  return R_OK;
}

static AtResult
set_modes(SimAt *a, const char *value, gboolean order_only, AtReply *r)
{
  g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(guint));
  guint allowed = 0, preferred, current;

  sim_radio_get_modes(a->core, &current, &preferred);
  if (!g_ascii_strcasecmp(value, "AUTO"))
    allowed = sim_radio_supported_modes(a->core);
  else if (!parse_modes(value, order))
    return at_cme(r, CME_NOT_SUPPORTED);
  for (guint i = 0; i < order->len; i++)
    allowed |= g_array_index(order, guint, i);
  if (order_only) {
    /* the first of the order that is allowed leads, when there is a choice */
    preferred = order->len && (current & ~g_array_index(order, guint, 0))
                    ? g_array_index(order, guint, 0)
                    : 0;
    allowed = current;
  } else if (!(allowed & preferred)) {
    preferred = 0;
  }
  if (!sim_radio_set_modes(a->core, allowed, preferred & allowed))
    return at_cme(r, CME_NOT_SUPPORTED);
  return R_OK;
}

static AtResult
set_bands(SimAt *a, const char *what, const char *value, AtReply *r)
{
  g_autoptr(GArray) bands = g_array_new(FALSE, FALSE, sizeof(guint));
  gboolean nr = g_ascii_strcasecmp(what, "lte_band") != 0;
  const char *reason = NULL;

  if (!parse_bands(value, bands))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (!sim_radio_set_bands(a->core, nr ? sim_radio_current_bands(a->core, FALSE) : bands,
                           nr ? bands : sim_radio_current_bands(a->core, TRUE), &reason)) {
    sim_core_log(a->core, "at: bands refused: %s", reason);
    return at_cme(r, CME_NOT_SUPPORTED);
  }
  return R_OK;
}

static AtResult
qnwprefcfg(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  const char *what = at_arg(args, 0);

  if (args->len < 2)
    return query(a, what, r);
  if (!g_ascii_strcasecmp(what, "mode_pref"))
    return set_modes(a, at_arg(args, 1), FALSE, r);
  if (!g_ascii_strcasecmp(what, "rat_acq_order"))
    return set_modes(a, at_arg(args, 1), TRUE, r);
  if (!g_ascii_strcasecmp(what, "lte_band") || !g_ascii_strcasecmp(what, "nr5g_band")
      || !g_ascii_strcasecmp(what, "nsa_nr5g_band"))
    return set_bands(a, what, at_arg(args, 1), r);
  return at_cme(r, CME_NOT_SUPPORTED);
}

static AtResult
qgmr(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "%sM4G", sim_core_config(a->core)->revision);
  return R_OK;
}

/* +CFUN=1,1 resets the module: it comes back with RDY */
static AtResult
cfun_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  int fun, reset;

  if (!at_arg_int(args, 0, &fun) || !at_arg_int(args, 1, &reset) || fun != 1 || reset != 1)
    return at_run_generic_set(a, "+CFUN", args, r);
  sim_core_log(a->core, "event: reset");
  sim_core_set_radio(a->core, FALSE);
  sim_core_set_radio(a->core, TRUE);
  at_urc(a, "RDY");
  at_urc(a, "+QIND: PB DONE");
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+QNWPREFCFG", .set = qnwprefcfg },
  { "+QGMR", .exec = qgmr },
  { "+CFUN", .set = cfun_set },
};

const AtCommandTable at_quectel_commands = { defs, G_N_ELEMENTS(defs) };
