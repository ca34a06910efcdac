/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim core: link handling (pty or inherited fd), fault injection and the
 * scripted world (SIM, radio, registration, data sessions).
 */
#define _GNU_SOURCE
#include "sim-core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/inotify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

struct _SimCore {
  SimConfig *config;
  const SimProtocol *proto;
  gpointer proto_self;
  GMainLoop *loop;
  int exit_code;

  /* link */
  int io_fd;    /* pty master or inherited fd */
  int slave_fd; /* held open so the master never sees HUP (pty mode) */
  char *slave_name;
  guint read_watch;
  guint retry_timer;
  gboolean link_open; /* peer seen (fd mode) */
  int inotify_fd;     /* pty mode: sees the peer open and close the slave */
  guint inotify_watch;
  int peers; /* pty mode: slave opens by others, -1 if unknown */
  GByteArray *outbuf;
  guint write_watch;

  /* faults */
  guint requests;
  gboolean dead; /* hung up, waiting for the main loop to end */
  gboolean muted;
  gboolean garbage;

  /* SIM */
  SimCardState card;
  gboolean pin_enabled;
  char *pin;
  char *puk;
  int pin_retries;
  int puk_retries;

  /* radio / network */
  gboolean radio;
  SimRegState reg;
  const SimOperator *target; /* operator being searched / registered on */
  gboolean manual;
  guint reg_timer;

  guint signal_watch[3];

  /* sessions */
  GPtrArray *sessions;
  guint32 next_handle;
};

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
  fprintf(stderr, "sim: %s\n", msg);
  fflush(stderr);
}

const SimConfig *
sim_core_config(SimCore *core)
{
  return core->config;
}

/* ------------------------------------------------------------------------- */
/* link */

static void link_arm_read(SimCore *core);

static void
core_quit(SimCore *core, int code)
{
  core->exit_code = code;
  g_main_loop_quit(core->loop);
}

static void
remove_link(SimCore *core)
{
  if (core->config->link) {
    char buf[512];
    ssize_t n = readlink(core->config->link, buf, sizeof buf - 1);

    if (n > 0) {
      buf[n] = '\0';
      if (core->slave_name && g_str_equal(buf, core->slave_name))
        unlink(core->config->link);
    }
  }
}

static void
link_hangup(SimCore *core)
{
  sim_core_log(core, "fault: hangup");
  core->dead = TRUE;
  remove_link(core);
  if (core->read_watch) {
    g_source_remove(core->read_watch);
    core->read_watch = 0;
  }
  if (core->write_watch) {
    g_source_remove(core->write_watch);
    core->write_watch = 0;
  }
  if (core->inotify_watch) {
    g_source_remove(core->inotify_watch);
    core->inotify_watch = 0;
  }
  if (core->inotify_fd >= 0)
    close(core->inotify_fd);
  core->inotify_fd = -1;
  if (core->io_fd >= 0)
    close(core->io_fd);
  core->io_fd = -1;
  if (core->slave_fd >= 0)
    close(core->slave_fd);
  core->slave_fd = -1;
  core_quit(core, 0);
}

static gboolean
on_writable(int fd, GIOCondition cond, gpointer user_data)
{
  SimCore *core = user_data;

  while (core->outbuf->len > 0) {
    ssize_t n = write(fd, core->outbuf->data, core->outbuf->len);

    if (n > 0) {
      g_byte_array_remove_range(core->outbuf, 0, n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
    /* peer gone: drop what is pending */
    g_byte_array_set_size(core->outbuf, 0);
  }
  core->write_watch = 0;
  return G_SOURCE_REMOVE;
}

void
sim_core_send(SimCore *core, const guint8 *data, gsize len)
{
  if (core->muted || core->dead || core->io_fd < 0)
    return;
  /* nobody has the link open: like a closed cdc-wdm port, nothing is kept */
  if (core->peers == 0)
    return;
  g_byte_array_append(core->outbuf, data, len);
  if (!core->write_watch) {
    on_writable(core->io_fd, G_IO_OUT, core);
    if (core->outbuf->len > 0)
      core->write_watch = g_unix_fd_add(core->io_fd, G_IO_OUT, on_writable, core);
  }
}

static gboolean
on_retry(gpointer user_data)
{
  SimCore *core = user_data;

  core->retry_timer = 0;
  link_arm_read(core);
  return G_SOURCE_REMOVE;
}

static void
link_backoff(SimCore *core)
{
  if (core->link_open) {
    core->link_open = FALSE;
    core->proto->link_reset(core->proto_self);
  }
  if (core->read_watch) {
    g_source_remove(core->read_watch);
    core->read_watch = 0;
  }
  if (!core->retry_timer)
    core->retry_timer = g_timeout_add(20, on_retry, core);
}

/* Peer open/close of the pty slave, seen through inotify.  While no peer has the
 * link open, output is dropped, and what an earlier peer left unread is flushed
 * when it closes and again when the next one opens, as a real cdc-wdm port would
 * not keep it either.  (A peer that reopens faster than we see its close may
 * still read a few stale bytes.) */
static void
process_inotify(SimCore *core)
{
  union {
    struct inotify_event ev;
    char buf[4096];
  } u;
  ssize_t n;

  if (core->inotify_fd < 0)
    return;
  while ((n = read(core->inotify_fd, u.buf, sizeof u.buf)) > 0) {
    for (char *p = u.buf; p < u.buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;

      if (ev->mask & IN_OPEN) {
        if (core->peers++ == 0) {
          tcflush(core->slave_fd, TCIFLUSH);
          g_byte_array_set_size(core->outbuf, 0);
          core->proto->link_reset(core->proto_self);
          sim_core_log(core, "link opened by peer");
        }
      }
      if (ev->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) {
        if (core->peers > 0 && --core->peers == 0) {
          tcflush(core->slave_fd, TCIFLUSH);
          g_byte_array_set_size(core->outbuf, 0);
          core->proto->link_reset(core->proto_self);
          sim_core_log(core, "link closed by peer");
        }
      }
      p += sizeof(struct inotify_event) + ev->len;
    }
  }
}

static gboolean
on_inotify(int fd, GIOCondition cond, gpointer user_data)
{
  process_inotify(user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  SimCore *core = user_data;
  guint8 buf[4096];
  ssize_t n;

  /* learn about a new peer before answering it */
  process_inotify(core);
  n = read(fd, buf, sizeof buf);
  if (n > 0) {
    if (!core->link_open) {
      core->link_open = TRUE;
      core->proto->link_reset(core->proto_self);
    }
    core->proto->feed(core->proto_self, buf, n);
    return G_SOURCE_CONTINUE;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  /* EOF, EIO or HUP: the far side is not open (yet/any more). Poll again later. */
  core->read_watch = 0;
  link_backoff(core);
  return G_SOURCE_REMOVE;
}

static void
link_arm_read(SimCore *core)
{
  if (core->io_fd < 0 || core->read_watch)
    return;
  core->read_watch = g_unix_fd_add(core->io_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, core);
}

static gboolean
link_setup_pty(SimCore *core, GError **error)
{
  struct termios tio;
  const char *name;
  g_autofree char *tmp = NULL;

  core->io_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (core->io_fd < 0 || grantpt(core->io_fd) < 0 || unlockpt(core->io_fd) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "posix_openpt: %s",
                g_strerror(errno));
    return FALSE;
  }
  name = ptsname(core->io_fd);
  if (!name) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "ptsname failed");
    return FALSE;
  }
  core->slave_name = g_strdup(name);
  core->slave_fd = open(core->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (core->slave_fd < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "open %s: %s", core->slave_name,
                g_strerror(errno));
    return FALSE;
  }
  if (tcgetattr(core->slave_fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(core->slave_fd, TCSANOW, &tio);
  }
  g_unix_set_fd_nonblocking(core->io_fd, TRUE, NULL);

  /* atomically replace an existing link */
  tmp = g_strdup_printf("%s.tmp%d", core->config->link, (int)getpid());
  unlink(tmp);
  if (symlink(core->slave_name, tmp) < 0 || rename(tmp, core->config->link) < 0) {
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "symlink %s: %s",
                core->config->link, g_strerror(errno));
    unlink(tmp);
    return FALSE;
  }
  core->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (core->inotify_fd >= 0
      && inotify_add_watch(core->inotify_fd, core->slave_name,
                           IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)
             >= 0) {
    core->peers = 0;
    core->inotify_watch = g_unix_fd_add(core->inotify_fd, G_IO_IN, on_inotify, core);
  } else {
    sim_core_log(core, "inotify unavailable, stale output is not discarded between peers");
  }
  sim_core_log(core, "link %s -> %s", core->config->link, core->slave_name);
  /* with the slave held open, the master is "open" from the start */
  core->link_open = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* faults */

gboolean
sim_core_request_begin(SimCore *core)
{
  const SimConfig *c = core->config;

  if (core->dead)
    return FALSE;
  core->requests++;
  if (c->hangup_after >= 0 && core->requests > (guint)c->hangup_after) {
    link_hangup(core);
    return FALSE;
  }
  if (c->silent_after >= 0 && core->requests > (guint)c->silent_after) {
    if (!core->muted)
      sim_core_log(core, "fault: silent from now on");
    core->muted = TRUE;
    return FALSE;
  }
  if (c->garbage_after >= 0 && core->requests > (guint)c->garbage_after) {
    static const guint8 junk[] = { 0x7e, 0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe,
                                   0xef, 0x42, 0x01, 0x02, 0x00, 0x99, 0x55, 0xaa };

    if (!core->garbage)
      sim_core_log(core, "fault: garbage from now on");
    core->garbage = TRUE;
    core->muted = FALSE;
    sim_core_send(core, junk, sizeof junk);
    core->muted = TRUE; /* no indications either */
    return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* notifications */

static void
notify(SimCore *core, SimNotify what, gpointer data)
{
  core->proto->notify(core->proto_self, what, data);
}

/* ------------------------------------------------------------------------- */
/* SIM */

SimCardState
sim_core_card_state(SimCore *core)
{
  return core->card;
}

gboolean
sim_core_pin_enabled(SimCore *core)
{
  return core->pin_enabled;
}

int
sim_core_pin_retries(SimCore *core)
{
  return core->pin_retries;
}

int
sim_core_puk_retries(SimCore *core)
{
  return core->puk_retries;
}

gboolean
sim_core_sim_readable(SimCore *core)
{
  return core->card == SIM_CARD_READY;
}

static void registration_update(SimCore *core);

static void
card_set(SimCore *core, SimCardState state)
{
  if (core->card == state)
    return;
  core->card = state;
  sim_core_log(core, "event: sim %s",
               state == SIM_CARD_READY          ? "ready"
               : state == SIM_CARD_PIN_REQUIRED ? "pin-required"
               : state == SIM_CARD_PUK_REQUIRED ? "puk-required"
               : state == SIM_CARD_BLOCKED      ? "blocked"
                                                : "absent");
  notify(core, SIM_NOTIFY_CARD, NULL);
  registration_update(core);
}

static gboolean
valid_code(const char *s, gsize min, gsize max)
{
  gsize n;

  if (!s)
    return FALSE;
  n = strlen(s);
  if (n < min || n > max)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit(*s))
      return FALSE;
  return TRUE;
}

/* compare a PIN, counting retries */
static SimPinResult
check_pin(SimCore *core, const char *pin)
{
  if (core->card == SIM_CARD_ABSENT)
    return SIM_PIN_NO_SIM;
  if (core->card == SIM_CARD_PUK_REQUIRED || core->card == SIM_CARD_BLOCKED)
    return SIM_PIN_BLOCKED;
  if (!valid_code(pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  if (g_str_equal(pin, core->pin)) {
    core->pin_retries = core->config->pin_retries;
    return SIM_PIN_OK;
  }
  if (core->pin_retries > 0)
    core->pin_retries--;
  if (core->pin_retries == 0)
    card_set(core, SIM_CARD_PUK_REQUIRED);
  return SIM_PIN_INCORRECT;
}

SimPinResult
sim_core_verify_pin(SimCore *core, const char *pin)
{
  SimPinResult r = check_pin(core, pin);

  if (r == SIM_PIN_OK && core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  return r;
}

SimPinResult
sim_core_unblock_pin(SimCore *core, const char *puk, const char *new_pin)
{
  if (core->card == SIM_CARD_ABSENT)
    return SIM_PIN_NO_SIM;
  if (core->card == SIM_CARD_BLOCKED)
    return SIM_PIN_BLOCKED;
  if (!valid_code(puk, 8, 8) || !valid_code(new_pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  if (!g_str_equal(puk, core->puk)) {
    if (core->puk_retries > 0)
      core->puk_retries--;
    if (core->puk_retries == 0)
      card_set(core, SIM_CARD_BLOCKED);
    return SIM_PIN_INCORRECT;
  }
  g_free(core->pin);
  core->pin = g_strdup(new_pin);
  core->pin_retries = core->config->pin_retries;
  core->puk_retries = core->config->puk_retries;
  card_set(core, SIM_CARD_READY);
  return SIM_PIN_OK;
}

SimPinResult
sim_core_change_pin(SimCore *core, const char *old_pin, const char *new_pin)
{
  SimPinResult r;

  if (!valid_code(new_pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  r = check_pin(core, old_pin);
  if (r != SIM_PIN_OK)
    return r;
  g_free(core->pin);
  core->pin = g_strdup(new_pin);
  if (core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  return SIM_PIN_OK;
}

SimPinResult
sim_core_set_pin_enabled(SimCore *core, gboolean enabled, const char *pin)
{
  SimPinResult r = check_pin(core, pin);

  if (r != SIM_PIN_OK)
    return r;
  core->pin_enabled = enabled;
  if (core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  else
    notify(core, SIM_NOTIFY_CARD, NULL);
  return SIM_PIN_OK;
}

/* Elementary files of the SIM (ICCID, IMSI, AD, SPN) as stored on the card. */

static void
ef_u8(GByteArray *b, guint8 v)
{
  g_byte_array_append(b, &v, 1);
}

static void
bcd_swapped(GByteArray *b, const char *digits, gsize nbytes)
{
  gsize n = strlen(digits);

  for (gsize i = 0; i < nbytes; i++) {
    guint8 lo = 2 * i < n ? digits[2 * i] - '0' : 0xF;
    guint8 hi = 2 * i + 1 < n ? digits[2 * i + 1] - '0' : 0xF;

    ef_u8(b, (hi << 4) | lo);
  }
}

GByteArray *
sim_core_read_ef(SimCore *core, guint16 id, SimEfResult *res)
{
  const SimConfig *cfg = core->config;
  GByteArray *b = g_byte_array_new();

  switch (id) {
    case 0x2FE2: /* EF_ICCID */
      bcd_swapped(b, cfg->iccid, 10);
      return b;
    case 0x6F07: /* EF_IMSI: length, then parity nibble + digits */
      if (!sim_core_sim_readable(core))
        break;
      {
        gsize n = strlen(cfg->imsi);
        g_autofree char *digits = g_strdup_printf("%c%s", n % 2 ? '9' : '1', cfg->imsi);

        ef_u8(b, 8);
        bcd_swapped(b, digits, 8);
      }
      return b;
    case 0x6FAD: /* EF_AD: last byte = MNC length */
      if (!sim_core_sim_readable(core))
        break;
      ef_u8(b, 0);
      ef_u8(b, 0);
      ef_u8(b, 0);
      ef_u8(b, strlen(cfg->home.mccmnc) - 3);
      return b;
    case 0x6F46: /* EF_SPN */
      if (!sim_core_sim_readable(core))
        break;
      {
        gsize n = MIN(strlen(cfg->home.name), 16);

        ef_u8(b, 0x01);
        g_byte_array_append(b, (const guint8 *)cfg->home.name, n);
        for (; n < 16; n++)
          ef_u8(b, 0xFF);
      }
      return b;
    default:
      g_byte_array_unref(b);
      *res = SIM_EF_NOT_FOUND;
      return NULL;
  }
  g_byte_array_unref(b);
  *res = SIM_EF_ACCESS_DENIED;
  return NULL;
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
  notify(core, SIM_NOTIFY_REGISTRATION, NULL);
}

static gboolean
on_reg_timer(gpointer user_data)
{
  SimCore *core = user_data;

  core->reg_timer = 0;
  reg_set(core, SIM_REG_REGISTERED);
  return G_SOURCE_REMOVE;
}

/* (re)evaluate registration after radio/SIM/selection changes */
static void
registration_update(SimCore *core)
{
  gboolean can = core->radio && core->card == SIM_CARD_READY;

  if (!can) {
    if (core->reg_timer) {
      g_source_remove(core->reg_timer);
      core->reg_timer = 0;
    }
    reg_set(core, SIM_REG_IDLE);
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
  notify(core, SIM_NOTIFY_RADIO, NULL);
  registration_update(core);
}

gboolean
sim_core_register(SimCore *core, const char *mccmnc)
{
  const SimOperator *op = NULL;
  g_autoptr(GPtrArray) ops = sim_core_visible_operators(core);

  if (!mccmnc) {
    op = &core->config->home;
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
  if (core->reg_timer) {
    g_source_remove(core->reg_timer);
    core->reg_timer = 0;
  }
  if (core->reg == SIM_REG_REGISTERED)
    reg_set(core, SIM_REG_SEARCHING);
  registration_update(core);
  return TRUE;
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
  notify(core, SIM_NOTIFY_SESSION_DROPPED, s);
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
  if (core->config->network_disconnect_after_ms > 0)
    s->drop_timer
        = g_timeout_add(core->config->network_disconnect_after_ms, on_session_drop_timer, s);
  g_ptr_array_add(core->sessions, s);
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
  core_quit(core, 0);
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

  core->pin_retries = config->pin_retries;
  core->puk_retries = config->puk_retries;
  core->pin = g_strdup(config->sim_pin ? config->sim_pin : "1234");
  core->puk = g_strdup(config->sim_puk ? config->sim_puk : "12345678");
  core->pin_enabled = config->sim_pin != NULL;
  if (config->no_sim)
    core->card = SIM_CARD_ABSENT;
  else if (core->pin_enabled)
    core->card = core->pin_retries > 0 ? SIM_CARD_PIN_REQUIRED : SIM_CARD_PUK_REQUIRED;
  else
    core->card = SIM_CARD_READY;
  core->target = &config->home;
  core->radio = FALSE;
  core->reg = SIM_REG_IDLE;
  return core;
}

static void
clear_source(guint *id)
{
  if (*id)
    g_source_remove(*id);
  *id = 0;
}

void
sim_core_free(SimCore *core)
{
  clear_source(&core->read_watch);
  clear_source(&core->retry_timer);
  clear_source(&core->write_watch);
  clear_source(&core->inotify_watch);
  clear_source(&core->reg_timer);
  for (gsize i = 0; i < G_N_ELEMENTS(core->signal_watch); i++)
    clear_source(&core->signal_watch[i]);
  while (core->sessions->len > 0) {
    SimSession *s = g_ptr_array_index(core->sessions, 0);

    g_ptr_array_remove_index(core->sessions, 0);
    session_free(s);
  }
  g_ptr_array_unref(core->sessions);
  if (core->proto_self)
    core->proto->free(core->proto_self);
  if (core->inotify_fd >= 0)
    close(core->inotify_fd);
  if (core->io_fd >= 0)
    close(core->io_fd);
  if (core->slave_fd >= 0)
    close(core->slave_fd);
  g_byte_array_unref(core->outbuf);
  g_main_loop_unref(core->loop);
  g_free(core->slave_name);
  g_free(core->pin);
  g_free(core->puk);
  if (the_core == core)
    the_core = NULL;
  g_free(core);
}

int
sim_core_run(SimCore *core)
{
  g_autoptr(GError) error = NULL;

  core->proto_self = core->proto->create(core);

  if (core->config->link) {
    if (!link_setup_pty(core, &error)) {
      fprintf(stderr, "modem-sim: %s\n", error->message);
      return 1;
    }
  } else {
    struct termios tio;

    core->io_fd = core->config->fd;
    g_unix_set_fd_nonblocking(core->io_fd, TRUE, NULL);
    if (isatty(core->io_fd) && tcgetattr(core->io_fd, &tio) == 0) {
      cfmakeraw(&tio);
      tcsetattr(core->io_fd, TCSANOW, &tio);
    }
    sim_core_log(core, "serving on fd %d", core->io_fd);
    core->link_open = FALSE;
  }

  core->signal_watch[0] = g_unix_signal_add(SIGTERM, on_term, core);
  core->signal_watch[1] = g_unix_signal_add(SIGINT, on_term, core);
  core->signal_watch[2] = g_unix_signal_add(SIGUSR1, on_usr1, core);

  /* modems come up with the radio on */
  sim_core_set_radio(core, TRUE);

  link_arm_read(core);
  sim_core_log(core, "ready");
  g_main_loop_run(core->loop);

  remove_link(core);
  return core->exit_code;
}
