/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim core: the scripted world (radio, registration, signal, data
 * sessions) and the simulator's lifetime.  The SIM card is in sim-card.c, the
 * link to the peer in sim-link.c, the faults injected on it in sim-fault.c,
 * the control commands in sim-core-commands.c.
 */
#include "sim-core-private.h"
#include "sim-port.h"
#include "sim-radio.h"
#include "sim-ussd.h"
#include "sim-voice.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

static SimCore *the_core; /* for timer callbacks that only carry a session */

/* ------------------------------------------------------------------------- */
/* logging */

void
sim_core_log(SimCore *core, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start(ap, fmt);
  msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  /* Protocols log each request before sim_core_request_begin(): fault
   * triggers match the line a test reads in the log. */
  if (core->faults && g_str_has_prefix(msg, "rx "))
    sim_fault_note_request(core->faults, msg + 3);
  fprintf(stderr, "sim: %s\n", msg);
  fflush(stderr);
}

const SimConfig *
sim_core_config(SimCore *core)
{
  return core->config;
}

SimControl *
sim_core_control(SimCore *core)
{
  return core->control;
}

void
sim_core_quit(SimCore *core, int code)
{
  core->exit_code = code;
  g_main_loop_quit(core->loop);
}

void
sim_core_notify(SimCore *core, SimNotify what, gpointer data)
{
  core->proto->notify(core->proto_self, what, data);
  if (core->second_port)
    sim_port_notify(core->second_port, what, data);
}

/* ------------------------------------------------------------------------- */
/* radio and registration */

gboolean
sim_core_radio_on(SimCore *core)
{
  return core->radio;
}

SimRegState
sim_core_reg_state(SimCore *core)
{
  return core->reg;
}

const SimOperator *
sim_core_serving_operator(SimCore *core)
{
  return core->reg == SIM_REG_REGISTERED ? core->target : NULL;
}

gboolean
sim_core_is_roaming(SimCore *core)
{
  return core->reg == SIM_REG_REGISTERED && core->target != &core->config->home;
}

gboolean
sim_core_manual_selection(SimCore *core)
{
  return core->manual;
}

GPtrArray *
sim_core_visible_operators(SimCore *core)
{
  GPtrArray *ops = g_ptr_array_new();

  g_ptr_array_add(ops, &core->config->home);
  for (guint i = 0; i < core->config->visible->len; i++)
    g_ptr_array_add(ops, g_ptr_array_index(core->config->visible, i));
  return ops;
}

static const char *
reg_name(SimRegState s)
{
  switch (s) {
    case SIM_REG_IDLE:
      return "idle";
    case SIM_REG_SEARCHING:
      return "searching";
    case SIM_REG_REGISTERED:
      return "registered";
    case SIM_REG_DENIED:
      return "denied";
  }
  return "?";
}

static void
reg_set(SimCore *core, SimRegState s)
{
  if (core->reg == s)
    return;
  core->reg = s;
  if (s == SIM_REG_REGISTERED)
    sim_core_log(core, "event: registration %s %s (%s)", reg_name(s), core->target->mccmnc,
                 core->target->name);
  else
    sim_core_log(core, "event: registration %s", reg_name(s));
  if (s != SIM_REG_REGISTERED)
    sim_core_drop_all_sessions(core);
  sim_core_notify(core, SIM_NOTIFY_REGISTRATION, NULL);
}

static gboolean
on_reg_timer(gpointer user_data)
{
  SimCore *core = user_data;

  core->reg_timer = 0;
  reg_set(core, SIM_REG_REGISTERED);
  return G_SOURCE_REMOVE;
}

static void
cancel_reg_timer(SimCore *core)
{
  if (core->reg_timer) {
    g_source_remove(core->reg_timer);
    core->reg_timer = 0;
  }
}

void
sim_core_registration_update(SimCore *core)
{
  gboolean can = core->radio && core->card == SIM_CARD_READY;

  if (!can || core->network_verdict != SIM_REG_REGISTERED) {
    cancel_reg_timer(core);
    reg_set(core, can ? core->network_verdict : SIM_REG_IDLE);
    return;
  }
  if (core->reg == SIM_REG_REGISTERED || core->reg_timer)
    return;
  if (core->config->registration_delay_ms <= 0) {
    /* still pass through "searching" so listeners see a realistic sequence */
    reg_set(core, SIM_REG_SEARCHING);
    reg_set(core, SIM_REG_REGISTERED);
    return;
  }
  reg_set(core, SIM_REG_SEARCHING);
  core->reg_timer = g_timeout_add(core->config->registration_delay_ms, on_reg_timer, core);
}

void
sim_core_set_radio(SimCore *core, gboolean on)
{
  if (core->radio == on)
    return;
  core->radio = on;
  sim_core_log(core, "event: radio %s", on ? "on" : "off");
  sim_core_notify(core, SIM_NOTIFY_RADIO, NULL);
  sim_core_registration_update(core);
}

gboolean
sim_core_register(SimCore *core, const char *mccmnc)
{
  const SimOperator *op = NULL;
  g_autoptr(GPtrArray) ops = sim_core_visible_operators(core);

  if (!mccmnc) {
    op = core->auto_operator;
  } else {
    for (guint i = 0; i < ops->len && !op; i++) {
      const SimOperator *o = g_ptr_array_index(ops, i);

      if (g_str_equal(o->mccmnc, mccmnc))
        op = o;
    }
    if (!op)
      return FALSE;
  }
  core->manual = mccmnc != NULL;
  if (op == core->target && core->reg != SIM_REG_IDLE)
    return TRUE;
  core->target = op;
  cancel_reg_timer(core);
  if (core->reg == SIM_REG_REGISTERED)
    reg_set(core, SIM_REG_SEARCHING);
  sim_core_registration_update(core);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* network-side events */

const SimSignal *
sim_core_signal(SimCore *core)
{
  return &core->signal;
}

/* The network serves the modem on op from now on, also when it selects
 * automatically. */
static void
network_serve(SimCore *core, const SimOperator *op)
{
  core->network_verdict = SIM_REG_REGISTERED;
  core->auto_operator = op;
  cancel_reg_timer(core);
  if (core->reg == SIM_REG_REGISTERED && core->target == op)
    return;
  if (core->reg == SIM_REG_REGISTERED)
    reg_set(core, SIM_REG_SEARCHING); /* leaves the old network first */
  core->target = op;
  reg_set(core, SIM_REG_REGISTERED);
}

gboolean
sim_core_network_set(SimCore *core, SimNetworkState state, GError **error)
{
  const GPtrArray *visible = core->config->visible;

  if (!core->radio || core->card != SIM_CARD_READY) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "%s",
                !core->radio ? "the radio is off" : "the SIM is not ready");
    return FALSE;
  }
  switch (state) {
    case SIM_NETWORK_HOME:
      network_serve(core, &core->config->home);
      return TRUE;
    case SIM_NETWORK_ROAMING:
      if (visible->len == 0) {
        g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE,
                    "no --visible-operator to roam on");
        return FALSE;
      }
      network_serve(core, g_ptr_array_index(visible, 0));
      return TRUE;
    case SIM_NETWORK_SEARCHING:
      core->network_verdict = SIM_REG_SEARCHING;
      break;
    case SIM_NETWORK_DENIED:
      core->network_verdict = SIM_REG_DENIED;
      break;
    case SIM_NETWORK_IDLE:
      core->network_verdict = SIM_REG_IDLE;
      break;
  }
  sim_core_registration_update(core);
  return TRUE;
}

void
sim_core_unplug(SimCore *core)
{
  sim_link_hangup(core, "event: unplugged");
}

/* ------------------------------------------------------------------------- */
/* sessions */

static void
session_free(SimSession *s)
{
  if (s->drop_timer)
    g_source_remove(s->drop_timer);
  g_free(s->apn);
  g_free(s->user);
  g_free(s);
}

static void
session_drop(SimCore *core, SimSession *s)
{
  sim_core_log(core, "event: network disconnected session handle=0x%08x apn=%s", s->handle,
               s->apn ? s->apn : "");
  g_ptr_array_remove(core->sessions, s);
  sim_core_notify(core, SIM_NOTIFY_SESSION_DROPPED, s);
  session_free(s);
}

static gboolean
on_session_drop_timer(gpointer user_data)
{
  SimSession *s = user_data;
  SimCore *core = the_core;

  s->drop_timer = 0;
  session_drop(core, s);
  return G_SOURCE_REMOVE;
}

SimSession *
sim_core_session_start(SimCore *core, guint owner, const char *apn, const char *user,
                       SimIpFamily family, const char **error_reason)
{
  return sim_core_session_start_on(core, 0, owner, apn, user, family, error_reason);
}

SimSession *
sim_core_session_start_on(SimCore *core, guint link_id, guint owner, const char *apn,
                          const char *user, SimIpFamily family, const char **error_reason)
{
  SimSession *s;

  if (core->card != SIM_CARD_READY) {
    *error_reason = "sim-not-ready";
    return NULL;
  }
  if (core->reg != SIM_REG_REGISTERED) {
    *error_reason = "no-service";
    return NULL;
  }
  if ((family == SIM_FAMILY_IPV6 || family == SIM_FAMILY_IPV4V6) && !core->config->have_ip6) {
    *error_reason = "ipv6-unsupported";
    return NULL;
  }
  s = g_new0(SimSession, 1);
  s->handle = core->next_handle++;
  s->owner = owner;
  s->apn = g_strdup(apn ? apn : "");
  s->user = g_strdup(user ? user : "");
  s->family = family;
  s->link_id = link_id;
  if (core->config->network_disconnect_after_ms > 0)
    s->drop_timer
        = g_timeout_add(core->config->network_disconnect_after_ms, on_session_drop_timer, s);
  g_ptr_array_add(core->sessions, s);
  if (link_id)
    sim_core_log(core, "event: session up handle=0x%08x apn=%s family=%d link=%u", s->handle,
                 s->apn, (int)family, link_id);
  else
    sim_core_log(core, "event: session up handle=0x%08x apn=%s family=%d", s->handle, s->apn,
                 (int)family);
  return s;
}

SimSession *
sim_core_session_lookup(SimCore *core, guint32 handle)
{
  for (guint i = 0; i < core->sessions->len; i++) {
    SimSession *s = g_ptr_array_index(core->sessions, i);

    if (s->handle == handle)
      return s;
  }
  return NULL;
}

SimSession *
sim_core_session_by_owner(SimCore *core, guint owner)
{
  for (guint i = 0; i < core->sessions->len; i++) {
    SimSession *s = g_ptr_array_index(core->sessions, i);

    if (s->owner == owner)
      return s;
  }
  return NULL;
}

void
sim_core_session_stop(SimCore *core, SimSession *s)
{
  sim_core_log(core, "event: session down handle=0x%08x", s->handle);
  g_ptr_array_remove(core->sessions, s);
  session_free(s);
}

void
sim_core_session_stop_owner(SimCore *core, guint owner)
{
  SimSession *s;

  while ((s = sim_core_session_by_owner(core, owner)))
    sim_core_session_stop(core, s);
}

void
sim_core_drop_all_sessions(SimCore *core)
{
  while (core->sessions->len > 0)
    session_drop(core, g_ptr_array_index(core->sessions, 0));
}

/* ------------------------------------------------------------------------- */
/* helpers */

void
sim_split_mccmnc(const char *mccmnc, guint16 *mcc, guint16 *mnc, gboolean *three_digit_mnc)
{
  char buf[4] = { 0 };
  gsize len = strlen(mccmnc);

  memcpy(buf, mccmnc, MIN(3, len));
  *mcc = (guint16)atoi(buf);
  *mnc = len > 3 ? (guint16)atoi(mccmnc + 3) : 0;
  *three_digit_mnc = len >= 6;
}

/* ------------------------------------------------------------------------- */
/* lifetime */

static gboolean
on_term(gpointer user_data)
{
  SimCore *core = user_data;

  sim_core_log(core, "terminating");
  sim_core_quit(core, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_usr1(gpointer user_data)
{
  SimCore *core = user_data;

  sim_core_log(core, "event: SIGUSR1, dropping all sessions");
  sim_core_drop_all_sessions(core);
  return G_SOURCE_CONTINUE;
}

SimCore *
sim_core_new(SimConfig *config, const SimProtocol *proto)
{
  SimCore *core = g_new0(SimCore, 1);

  the_core = core;

  core->config = config;
  core->proto = proto;
  core->io_fd = -1;
  core->slave_fd = -1;
  core->inotify_fd = -1;
  core->peers = -1;
  core->outbuf = g_byte_array_new();
  core->sessions = g_ptr_array_new();
  core->next_handle = 0x53490001;
  core->loop = g_main_loop_new(NULL, FALSE);
  core->control = sim_control_new(core);

  sim_card_init(core);
  core->target = &config->home;
  core->auto_operator = &config->home;
  core->network_verdict = SIM_REG_REGISTERED;
  core->radio = FALSE;
  core->reg = SIM_REG_IDLE;
  core->signal.rssi = config->rssi;
  core->signal.rsrp = config->rsrp;
  core->signal.rsrq = config->rsrq;
  core->signal.snr = config->snr;
  sim_core_commands_register(core);
  sim_radio_init(core);
  core->voice = sim_voice_new(core);
  core->ussd = sim_ussd_new(core);
  core->sms = sim_sms_store_new(core);
  core->faults = sim_fault_new(core);
  sim_core_events_init(core);
  return core;
}

void
sim_core_free(SimCore *core)
{
  sim_link_close(core);
  g_clear_pointer(&core->second_port, sim_port_free);
  if (core->reg_timer)
    g_source_remove(core->reg_timer);
  for (gsize i = 0; i < G_N_ELEMENTS(core->signal_watch); i++)
    if (core->signal_watch[i])
      g_source_remove(core->signal_watch[i]);
  while (core->sessions->len > 0) {
    SimSession *s = g_ptr_array_index(core->sessions, 0);

    g_ptr_array_remove_index(core->sessions, 0);
    session_free(s);
  }
  g_ptr_array_unref(core->sessions);
  sim_voice_free(core->voice);
  sim_ussd_free(core->ussd);
  if (core->proto_self)
    core->proto->free(core->proto_self);
  sim_radio_free(core);
  sim_sms_store_free(core->sms);
  sim_fault_free(core->faults);
  sim_control_free(core->control);
  g_byte_array_unref(core->outbuf);
  g_main_loop_unref(core->loop);
  g_free(core->slave_name);
  g_free(core->pin);
  g_free(core->puk);
  if (the_core == core)
    the_core = NULL;
  g_free(core);
}

static gboolean
link_setup(SimCore *core)
{
  g_autoptr(GError) error = NULL;

  if (core->proto->open_link) {
    if (core->proto->open_link(core->proto_self, &error))
      return TRUE;
    fprintf(stderr, "modem-sim: %s\n", error->message);
    return FALSE;
  }
  if (!core->config->link) {
    sim_link_setup_fd(core);
    return TRUE;
  }
  if (sim_link_setup_pty(core, &error))
    return TRUE;
  fprintf(stderr, "modem-sim: %s\n", error->message);
  return FALSE;
}

static gboolean
second_port_setup(SimCore *core)
{
  g_autoptr(GError) error = NULL;

  if (!core->config->at_link && core->config->at_fd < 0)
    return TRUE;
  core->second_port = sim_port_new(core, core->config->at_link, core->config->at_fd, &error);
  if (core->second_port)
    return TRUE;
  fprintf(stderr, "modem-sim: %s\n", error->message);
  return FALSE;
}

static gboolean
control_setup(SimCore *core)
{
  g_autoptr(GError) error = NULL;

  if (!core->config->control || sim_control_listen(core->control, core->config->control, &error))
    return TRUE;
  fprintf(stderr, "modem-sim: %s\n", error->message);
  return FALSE;
}

int
sim_core_run(SimCore *core)
{
  core->proto_self = core->proto->create(core);
  if (!link_setup(core) || !second_port_setup(core) || !control_setup(core)) {
    sim_link_remove(core);
    return 1;
  }

  core->signal_watch[0] = g_unix_signal_add(SIGTERM, on_term, core);
  core->signal_watch[1] = g_unix_signal_add(SIGINT, on_term, core);
  core->signal_watch[2] = g_unix_signal_add(SIGUSR1, on_usr1, core);

  /* modems come up with the radio on */
  sim_core_set_radio(core, TRUE);

  sim_link_arm_read(core);
  sim_core_log(core, "ready");
  g_main_loop_run(core->loop);

  sim_link_remove(core);
  g_clear_pointer(&core->second_port, sim_port_free);
  sim_control_close(core->control);
  return core->exit_code;
}
