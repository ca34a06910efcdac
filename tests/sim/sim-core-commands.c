/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the core's control commands, network-side events a test script
 * triggers (see tests/sim/README.md for the protocol).
 */
#include "sim-core-private.h"

static gboolean
network_disconnect(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  sim_core_drop_all_sessions(user_data);
  return TRUE;
}

static gboolean
unplug(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  sim_core_unplug(user_data);
  return TRUE;
}

/* The ranges are what 27.007 +CESQ can tell apart: RSRP -140..-44 dBm,
 * RSRQ -19.5..-3 dB (whole dB here, -20 meaning "below -19.5"); SNR as
 * QMI reports it for LTE, -20..30 dB. */
static const SimControlArg signal_args[] = {
  { "RSRP", SIM_CONTROL_ARG_INT, -140, -44, NULL },
  { "RSRQ", SIM_CONTROL_ARG_INT, -20, -3, NULL },
  { "SNR", SIM_CONTROL_ARG_NUMBER, -20, 30, NULL },
};

static gboolean
set_signal(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  sim_core_set_signal(user_data, args[0].integer, args[1].integer, args[2].number);
  return TRUE;
}

/* in the order of SimNetworkState */
static const char *const network_states[]
    = { "home", "roaming", "searching", "denied", "idle", NULL };

static const SimControlArg register_args[] = {
  { "STATE", SIM_CONTROL_ARG_CHOICE, 0, 0, network_states },
};

static gboolean
set_registration(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  G_STATIC_ASSERT(SIM_NETWORK_IDLE == G_N_ELEMENTS(network_states) - 2);

  return sim_core_network_set(user_data, (SimNetworkState)args[0].choice, error);
}

static const SimControlCommand core_commands[] = {
  { "network-disconnect", NULL, 0, network_disconnect },
  { "unplug", NULL, 0, unplug },
  { "signal", signal_args, G_N_ELEMENTS(signal_args), set_signal },
  { "register", register_args, G_N_ELEMENTS(register_args), set_registration },
};

void
sim_core_commands_register(SimCore *core)
{
  sim_control_add_commands(core->control, core_commands, G_N_ELEMENTS(core_commands), core);
}
