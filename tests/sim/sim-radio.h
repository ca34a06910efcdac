/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: radio access, shared by every protocol of one modem: which
 * technology the network serves the modem on (LTE, 5G NSA with an LTE
 * anchor, 5G SA), which modes and bands the modem is set to (whatever
 * protocol set them: QMI, MBIM, or a vendor's AT command on another port),
 * and the NR signal.
 *
 * Options: --rat=lte|nr5g-nsa|nr5g-sa, --lte-bands=N,N,..., --nr-bands=N,...
 * (a modem with NR bands supports 5G), --nr-rsrp/--nr-rsrq/--nr-snr.
 * Control commands: "rat lte|nr5g-nsa|nr5g-sa", "nr-signal RSRP RSRQ SNR".
 */
#pragma once

#include "sim-core.h"

G_BEGIN_DECLS

typedef struct _SimRadio SimRadio;

typedef enum {
  SIM_RAT_LTE,
  SIM_RAT_NR5G_NSA, /* EN-DC: LTE anchor with an NR leg */
  SIM_RAT_NR5G_SA,
} SimRat;

/* Mode bits, the reference's values (MM_MODEM_MODE_*). */
enum {
  SIM_MODE_2G = 1 << 1,
  SIM_MODE_3G = 1 << 2,
  SIM_MODE_4G = 1 << 3,
  SIM_MODE_5G = 1 << 4,
};

typedef struct {
  int rsrp;   /* dBm */
  int rsrq;   /* dB */
  double snr; /* dB */
} SimNrSignal;

/* The options, parsed into the configuration (modem-sim.c). */
gboolean sim_radio_parse_options(SimConfig *config, const char *rat, const char *lte_bands,
                                 const char *nr_bands, GError **error);
/* Sets the modem up from the configuration and adds the control commands. */
void sim_radio_init(SimCore *core);
void sim_radio_free(SimCore *core);

gboolean sim_radio_has_5g(SimCore *core);
/* SIM_MODE_* the modem can do. */
guint sim_radio_supported_modes(SimCore *core);
void sim_radio_get_modes(SimCore *core, guint *allowed, guint *preferred);
/* FALSE (and nothing changed) for modes the modem cannot do, or a preferred
 * mode that is not allowed. The serving technology follows. */
gboolean sim_radio_set_modes(SimCore *core, guint allowed, guint preferred);

/* What the modem is served on while registered: the network's technology as
 * the allowed modes let the modem use it. */
SimRat sim_radio_serving_rat(SimCore *core);
const char *sim_radio_rat_name(SimRat rat);

/* Band numbers (E-UTRAN n for LTE, NR n for NR), ascending. */
const GArray *sim_radio_supported_bands(SimCore *core, gboolean nr);
const GArray *sim_radio_current_bands(SimCore *core, gboolean nr);
/* Sets both lists (either may be empty, not both); FALSE with a reason for
 * a band the modem does not support, and nothing changes. */
gboolean sim_radio_set_bands(SimCore *core, const GArray *lte, const GArray *nr,
                             const char **reason);

const SimNrSignal *sim_radio_nr_signal(SimCore *core);

G_END_DECLS
