/* Quectel's AT commands for modes and bands (AT+QNWPREFCFG), as the module's
 * manuals describe them: parsers of what the module answers, which is
 * untrusted (bounded numbers and lists, nothing kept that is not clean), and
 * builders of the arguments we send. No D-Bus, no daemon headers.
 *
 *   +QNWPREFCFG: "mode_pref",LTE:NR5G      modes allowed (AUTO: all)
 *   +QNWPREFCFG: "rat_acq_order",NR5G:LTE  acquisition order, the first leads
 *   +QNWPREFCFG: "lte_band",1:3:7          bands in use (or supported, in the
 *   +QNWPREFCFG: "nr5g_band",78            answer to "policy_band")
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Mode bits as the reference numbers them (MmdModemMode). */
#define QUECTEL_MODE_3G (1u << 2)
#define QUECTEL_MODE_4G (1u << 3)
#define QUECTEL_MODE_5G (1u << 4)
#define QUECTEL_MODES_ALL (QUECTEL_MODE_3G | QUECTEL_MODE_4G | QUECTEL_MODE_5G)

/* The most bands one list may name, and the highest band number. */
#define QUECTEL_MAX_BANDS 128
#define QUECTEL_MAX_BAND 512

/* The value of setting in a response (its lines joined with "\n"): a copy of
 * what follows `+QNWPREFCFG: "setting",`, or NULL when the line is not
 * there or its value is not clean text. */
char *quectel_prefcfg_value(const char *response, const char *setting);

/* "LTE:NR5G" (or "AUTO") into modes, in order (the first mode in *first);
 * FALSE for anything else. */
gboolean quectel_parse_modes(const char *value, guint *modes, guint *first);
/* "1:3:78" into band numbers, ascending; "0" or "" is none. NULL for
 * anything that is not such a list (a number out of range, too many). */
GArray *quectel_parse_bands(const char *value);

/* "LTE:NR5G": the modes, oldest first (what mode_pref takes). */
char *quectel_modes_arg(guint modes);
/* The acquisition order: preferred first, then the others newest first. */
char *quectel_acq_order_arg(guint allowed, guint preferred);
/* "1:3:78" */
char *quectel_bands_arg(const guint *bands, gsize n_bands);

G_END_DECLS
