/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: faults injected on the link.  The modem goes silent, answers
 * junk, sends a burst of junk before an answer, or hangs up: from the start
 * after N requests (--fault=...-after=N), now (control commands "fault" and
 * "burst"), or when a chosen request arrives ("on-request"), so that a test
 * can break the modem at one step of what the host does.
 */
#include "sim-core-private.h"

#include <string.h>

/* What a burst armed with "on-request ... burst" sends before the answer. */
#define TRIGGER_BURST_BYTES 256
#define MAX_BURST_BYTES 65536

typedef enum {
  FAULT_NONE,
  FAULT_SILENT,  /* no answers, no indications */
  FAULT_GARBAGE, /* junk instead of every answer, no indications */
  FAULT_HANGUP,  /* the link is closed and removed, the simulator exits */
  FAULT_BURST,   /* junk once, then the answer as usual */
} FaultKind;

typedef struct {
  FaultKind kind;
  char **words; /* the request's log line must hold each, as a word's start */
} Trigger;

struct _SimFaults {
  SimCore *core;
  FaultKind mode; /* NONE, SILENT or GARBAGE */
  guint requests;
  GPtrArray *triggers; /* Trigger*, armed, in the order they were given */
  char *request;       /* the request being handled, as logged after "rx " */
  guint32 bursts;      /* seeds each burst: reproducible, yet not all alike */
};

static void
trigger_free(gpointer data)
{
  Trigger *t = data;

  g_strfreev(t->words);
  g_free(t);
}

static void
set_mode(SimFaults *f, FaultKind mode, const char *why)
{
  static const char *const names[] = { "none", "silent", "garbage" };

  if (f->mode != mode)
    sim_core_log(f->core, "fault: %s from now on (%s)", names[mode], why);
  f->mode = mode;
  f->core->muted = mode != FAULT_NONE;
}

/* Bytes no protocol would send; some of them line ends, so that an AT host
 * sees unusable lines and not only one endless line. */
static void
send_junk(SimFaults *f, gsize len)
{
  g_autoptr(GByteArray) junk = g_byte_array_sized_new(len);
  g_autoptr(GRand) rand = g_rand_new_with_seed(0x5eed0000u + f->bursts++);
  gboolean muted = f->core->muted;

  for (gsize i = 0; i < len; i++) {
    guint8 b = (i % 61 == 60) ? '\n' : (guint8)g_rand_int_range(rand, 0, 256);

    g_byte_array_append(junk, &b, 1);
  }
  f->core->muted = FALSE;
  sim_core_send(f->core, junk->data, junk->len);
  f->core->muted = muted;
}

/* The answer of a modem answering garbage: the same 16 bytes each time. */
static void
send_garbage_answer(SimFaults *f)
{
  static const guint8 junk[] = { 0x7e, 0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe,
                                 0xef, 0x42, 0x01, 0x02, 0x00, 0x99, 0x55, 0xaa };

  f->core->muted = FALSE;
  sim_core_send(f->core, junk, sizeof junk);
  f->core->muted = TRUE;
}

static gboolean
has_word_starting(char **line_words, const char *start)
{
  gsize n = strlen(start);

  for (char **w = line_words; *w; w++)
    if (g_ascii_strncasecmp(*w, start, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
trigger_matches(const Trigger *t, const char *request)
{
  g_auto(GStrv) line_words = g_strsplit(request, " ", -1);

  for (char **w = t->words; *w; w++)
    if (!has_word_starting(line_words, *w))
      return FALSE;
  return TRUE;
}

/* The first armed trigger the request matches, disarmed; or NONE. */
static FaultKind
take_trigger(SimFaults *f)
{
  for (guint i = 0; f->request && i < f->triggers->len; i++) {
    Trigger *t = g_ptr_array_index(f->triggers, i);
    FaultKind kind = t->kind;

    if (trigger_matches(t, f->request)) {
      g_ptr_array_remove_index(f->triggers, i);
      return kind;
    }
  }
  return FAULT_NONE;
}

/* --fault=...-after=N: the fault starts with request N+1. */
static FaultKind
option_fault(SimFaults *f)
{
  const SimConfig *c = sim_core_config(f->core);
  int first = (int)f->requests - 1; /* requests answered before this one */

  if (c->hangup_after >= 0 && first >= c->hangup_after)
    return FAULT_HANGUP;
  if (c->silent_after == first)
    return FAULT_SILENT;
  if (c->garbage_after == first)
    return FAULT_GARBAGE;
  return FAULT_NONE;
}

static void
start_fault(SimFaults *f, FaultKind kind, const char *why)
{
  switch (kind) {
    case FAULT_NONE:
      break;
    case FAULT_SILENT:
    case FAULT_GARBAGE:
      set_mode(f, kind, why);
      break;
    case FAULT_HANGUP:
      sim_link_hangup(f->core, "fault: hangup");
      break;
    case FAULT_BURST:
      sim_core_log(f->core, "fault: burst of %d junk bytes (%s)", TRIGGER_BURST_BYTES, why);
      send_junk(f, TRIGGER_BURST_BYTES);
      break;
  }
}

void
sim_fault_note_request(SimFaults *f, const char *request)
{
  g_free(f->request);
  f->request = g_strdup(request);
}

gboolean
sim_core_request_begin(SimCore *core)
{
  SimFaults *f = core->faults;

  if (core->dead)
    return FALSE;
  /* carried inside another request (QMI in MBIM): counted and faulted with it */
  if (core->sink.func)
    return TRUE;
  f->requests++;
  start_fault(f, option_fault(f), "--fault");
  if (!core->dead)
    start_fault(f, take_trigger(f), "on-request");
  if (core->dead)
    return FALSE;
  if (f->mode == FAULT_GARBAGE)
    send_garbage_answer(f);
  return f->mode == FAULT_NONE;
}

/* ------------------------------------------------------------------------- */
/* control commands */

/* in the order of FaultKind */
static const char *const fault_modes[] = { "none", "silent", "garbage", "hangup", NULL };
static const char *const trigger_kinds[] = { "silent", "garbage", "hangup", "burst", NULL };

static const SimControlArg fault_args[] = {
  { "MODE", SIM_CONTROL_ARG_CHOICE, 0, 0, fault_modes },
};

static gboolean
fault_command(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimFaults *f = user_data;
  FaultKind kind = (FaultKind)args[0].choice;

  if (kind == FAULT_NONE) {
    g_ptr_array_set_size(f->triggers, 0);
    set_mode(f, FAULT_NONE, "control");
    return TRUE;
  }
  start_fault(f, kind, "control");
  return TRUE;
}

static const SimControlArg burst_args[] = {
  { "BYTES", SIM_CONTROL_ARG_INT, 1, MAX_BURST_BYTES, NULL },
};

static gboolean
burst_command(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimFaults *f = user_data;

  sim_core_log(f->core, "fault: burst of %d junk bytes (control)", (int)args[0].integer);
  send_junk(f, args[0].integer);
  return TRUE;
}

static const SimControlArg on_request_args[] = {
  { "FAULT", SIM_CONTROL_ARG_CHOICE, 0, 0, trigger_kinds },
  { "REQUEST", SIM_CONTROL_ARG_TEXT, 0, 0, NULL },
};

static gboolean
on_request_command(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimFaults *f = user_data;
  Trigger *t = g_new0(Trigger, 1);

  G_STATIC_ASSERT(FAULT_BURST == FAULT_SILENT + G_N_ELEMENTS(trigger_kinds) - 2);
  t->kind = FAULT_SILENT + args[0].choice;
  t->words = g_strsplit(args[1].word, " ", -1);
  g_ptr_array_add(f->triggers, t);
  return TRUE;
}

static const SimControlCommand fault_commands[] = {
  { "fault", fault_args, G_N_ELEMENTS(fault_args), fault_command },
  { "burst", burst_args, G_N_ELEMENTS(burst_args), burst_command },
  { "on-request", on_request_args, G_N_ELEMENTS(on_request_args), on_request_command },
};

SimFaults *
sim_fault_new(SimCore *core)
{
  SimFaults *f = g_new0(SimFaults, 1);

  f->core = core;
  f->triggers = g_ptr_array_new_with_free_func(trigger_free);
  sim_control_add_commands(sim_core_control(core), fault_commands, G_N_ELEMENTS(fault_commands), f);
  return f;
}

void
sim_fault_free(SimFaults *f)
{
  g_ptr_array_unref(f->triggers);
  g_free(f->request);
  g_free(f);
}
