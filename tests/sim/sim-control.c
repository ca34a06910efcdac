/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the control socket framework (see sim-control.h): command
 * tables, argument parsing, and a unix stream socket with any number of
 * clients, each sending as many lines as it likes.
 */
#define _GNU_SOURCE
#include "sim-control.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

/* Longer lines are answered with an error and skipped up to their newline. */
#define MAX_LINE 1024
/* A client that lets this much of its replies pile up unread is dropped. */
#define MAX_PENDING_OUTPUT 65536

typedef struct {
  const SimControlCommand *command;
  gpointer user_data;
} Entry;

typedef struct {
  SimControl *control;
  int fd;
  guint read_watch;
  guint write_watch;
  GString *line;
  gboolean line_too_long;
  GByteArray *out;
  gboolean eof; /* the client sends no more: close once replies are out */
} Client;

struct _SimControl {
  SimCore *core;
  GArray *entries; /* Entry */
  char *path;
  int listen_fd;
  guint listen_watch;
  dev_t dev;
  ino_t ino;
  GPtrArray *clients; /* Client* */
};

GQuark
sim_control_error_quark(void)
{
  return g_quark_from_static_string("sim-control-error-quark");
}

/* ------------------------------------------------------------------------- */
/* command tables */

static gboolean help(gpointer user_data, const SimControlValue *args, GString *reply,
                     GError **error);

static const SimControlCommand framework_commands[] = {
  { "help", NULL, 0, help },
};

SimControl *
sim_control_new(SimCore *core)
{
  SimControl *control = g_new0(SimControl, 1);

  control->core = core;
  control->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
  control->listen_fd = -1;
  control->clients = g_ptr_array_new();
  sim_control_add_commands(control, framework_commands, G_N_ELEMENTS(framework_commands), control);
  return control;
}

static const Entry *
find_entry(SimControl *control, const char *name)
{
  for (guint i = 0; i < control->entries->len; i++) {
    const Entry *e = &g_array_index(control->entries, Entry, i);

    if (g_str_equal(e->command->name, name))
      return e;
  }
  return NULL;
}

void
sim_control_add_commands(SimControl *control, const SimControlCommand *commands, gsize n_commands,
                         gpointer user_data)
{
  for (gsize i = 0; i < n_commands; i++) {
    Entry e = { &commands[i], user_data };

    if (find_entry(control, commands[i].name))
      g_error("control command '%s' added twice", commands[i].name);
    g_array_append_val(control->entries, e);
  }
}

static void
append_usage(GString *s, const SimControlCommand *command)
{
  g_string_append(s, command->name);
  for (guint i = 0; i < command->n_args; i++) {
    const SimControlArg *arg = &command->args[i];

    g_string_append_c(s, ' ');
    if (arg->type != SIM_CONTROL_ARG_CHOICE) {
      g_string_append(s, arg->name);
      continue;
    }
    for (const char *const *c = arg->choices; *c; c++)
      g_string_append_printf(s, "%s%s", c == arg->choices ? "" : "|", *c);
  }
}

static gboolean
help(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  SimControl *control = user_data;

  for (guint i = 0; i < control->entries->len; i++) {
    if (i > 0)
      g_string_append(reply, "; ");
    append_usage(reply, g_array_index(control->entries, Entry, i).command);
  }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* argument parsing */

static gboolean
parse_int(const char *s, const SimControlArg *arg, SimControlValue *value, GError **error)
{
  char *end;
  gint64 v;

  errno = 0;
  v = g_ascii_strtoll(s, &end, 10);
  if (*end || end == s || errno == ERANGE || v < arg->min || v > arg->max) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "%s must be an integer from %.0f to %.0f", arg->name, arg->min, arg->max);
    return FALSE;
  }
  value->integer = v;
  return TRUE;
}

static gboolean
parse_number(const char *s, const SimControlArg *arg, SimControlValue *value, GError **error)
{
  char *end;
  double v;

  errno = 0;
  v = g_ascii_strtod(s, &end);
  if (*end || end == s || errno == ERANGE || !isfinite(v) || v < arg->min || v > arg->max) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS,
                "%s must be a number from %g to %g", arg->name, arg->min, arg->max);
    return FALSE;
  }
  value->number = v;
  return TRUE;
}

static gboolean
parse_choice(const char *s, const SimControlArg *arg, SimControlValue *value, GError **error)
{
  g_autoptr(GString) usage = g_string_new(NULL);

  for (guint i = 0; arg->choices[i]; i++) {
    if (g_str_equal(s, arg->choices[i])) {
      value->choice = i;
      return TRUE;
    }
    g_string_append_printf(usage, "%s%s", i ? "|" : "", arg->choices[i]);
  }
  g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS, "%s must be one of %s",
              arg->name, usage->str);
  return FALSE;
}

static gboolean
parse_arg(const char *s, const SimControlArg *arg, SimControlValue *value, GError **error)
{
  switch (arg->type) {
    case SIM_CONTROL_ARG_INT:
      return parse_int(s, arg, value, error);
    case SIM_CONTROL_ARG_NUMBER:
      return parse_number(s, arg, value, error);
    case SIM_CONTROL_ARG_CHOICE:
      return parse_choice(s, arg, value, error);
    case SIM_CONTROL_ARG_WORD:
    case SIM_CONTROL_ARG_TEXT:
      value->word = s;
      return TRUE;
  }
  g_assert_not_reached();
}

/* ------------------------------------------------------------------------- */
/* execution */

/* words separated by blanks */
static GPtrArray *
split_words(const char *line)
{
  GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) parts = g_strsplit_set(line, " \t", -1);

  for (char **p = parts; *p; p++)
    if (**p)
      g_ptr_array_add(words, g_strdup(*p));
  return words;
}

/* The line after its first n words and the blanks that follow them. */
static const char *
after_words(const char *line, guint n)
{
  const char *p = line + strspn(line, " \t");

  for (guint i = 0; i < n; i++) {
    p += strcspn(p, " \t");
    p += strspn(p, " \t");
  }
  return p;
}

static gboolean
takes_text(const SimControlCommand *command)
{
  return command->n_args > 0 && command->args[command->n_args - 1].type == SIM_CONTROL_ARG_TEXT;
}

static gboolean
run_command(const Entry *e, const char *line, GPtrArray *words, GString *reply, GError **error)
{
  const SimControlCommand *command = e->command;
  g_autofree SimControlValue *values = g_new0(SimControlValue, command->n_args + 1);
  g_autofree char *text = NULL;

  if (takes_text(command) && words->len > command->n_args) {
    /* the text is one argument however many words it has */
    text = g_strchomp(g_strdup(after_words(line, command->n_args)));
    g_ptr_array_set_size(words, command->n_args);
    g_ptr_array_add(words, g_strdup(text));
  }
  if (words->len - 1 != command->n_args) {
    g_autoptr(GString) usage = g_string_new(NULL);

    append_usage(usage, command);
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_BAD_ARGUMENTS, "usage: %s", usage->str);
    return FALSE;
  }
  for (guint i = 0; i < command->n_args; i++)
    if (!parse_arg(g_ptr_array_index(words, i + 1), &command->args[i], &values[i], error))
      return FALSE;
  if (command->handler(e->user_data, values, reply, error))
    return TRUE;
  if (!*error) /* a handler that forgot to say why */
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "refused");
  return FALSE;
}

static const char *
error_kind(const GError *error)
{
  if (error->domain != SIM_CONTROL_ERROR)
    return "";
  switch ((SimControlError)error->code) {
    case SIM_CONTROL_ERROR_UNKNOWN_COMMAND:
      return "unknown command ";
    case SIM_CONTROL_ERROR_BAD_ARGUMENTS:
      return "bad arguments: ";
    case SIM_CONTROL_ERROR_NOT_POSSIBLE:
      return "not possible: ";
  }
  return "";
}

char *
sim_control_execute(SimControl *control, const char *line)
{
  g_autoptr(GPtrArray) words = split_words(line);
  g_autoptr(GString) reply = g_string_new(NULL);
  g_autoptr(GError) error = NULL;
  const Entry *e;

  sim_core_log(control->core, "control: %s", line);
  e = words->len ? find_entry(control, g_ptr_array_index(words, 0)) : NULL;
  if (!e)
    g_set_error(&error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_UNKNOWN_COMMAND,
                "'%s' (help lists the commands)",
                words->len ? (const char *)g_ptr_array_index(words, 0) : "");
  if (e && run_command(e, line, words, reply, &error))
    return g_strdup_printf("ok%s%s", reply->len ? " " : "", reply->str);
  sim_core_log(control->core, "control: -> error: %s%s", error_kind(error), error->message);
  return g_strdup_printf("error: %s%s", error_kind(error), error->message);
}

/* ------------------------------------------------------------------------- */
/* clients */

static void
client_free(Client *c)
{
  if (c->read_watch)
    g_source_remove(c->read_watch);
  if (c->write_watch)
    g_source_remove(c->write_watch);
  close(c->fd);
  g_string_free(c->line, TRUE);
  g_byte_array_unref(c->out);
  g_free(c);
}

static void
client_drop(Client *c)
{
  g_ptr_array_remove(c->control->clients, c);
  client_free(c);
}

/* FALSE: the peer is gone */
static gboolean
client_flush(Client *c)
{
  while (c->out->len > 0) {
    ssize_t n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);

    if (n > 0)
      g_byte_array_remove_range(c->out, 0, n);
    else if (n < 0 && errno == EINTR)
      continue;
    else
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return TRUE;
}

static gboolean
on_client_writable(int fd, GIOCondition cond, gpointer user_data)
{
  Client *c = user_data;

  if (!client_flush(c)) {
    c->write_watch = 0;
    client_drop(c);
    return G_SOURCE_REMOVE;
  }
  if (c->out->len > 0)
    return G_SOURCE_CONTINUE;
  c->write_watch = 0;
  if (c->eof)
    client_drop(c);
  return G_SOURCE_REMOVE;
}

/* FALSE: the client was dropped */
static gboolean
client_send_line(Client *c, const char *text)
{
  g_byte_array_append(c->out, (const guint8 *)text, strlen(text));
  g_byte_array_append(c->out, (const guint8 *)"\n", 1);
  if (!client_flush(c) || c->out->len > MAX_PENDING_OUTPUT) {
    sim_core_log(c->control->core, "control: dropping a client that does not read its replies");
    client_drop(c);
    return FALSE;
  }
  if (c->out->len > 0 && !c->write_watch)
    c->write_watch = g_unix_fd_add(c->fd, G_IO_OUT, on_client_writable, c);
  return TRUE;
}

/* Lines are text for the log and for replies that quote them. */
static gboolean
is_text(const char *s)
{
  if (!g_utf8_validate(s, -1, NULL))
    return FALSE;
  for (; *s; s++)
    if (((guchar)*s < 0x20 && *s != '\t') || *s == 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
client_line(Client *c, char *line)
{
  g_autofree char *reply = NULL;

  g_strchomp(line); /* also the CR of CRLF */
  if (!*line)
    return TRUE;
  if (!is_text(line)) {
    sim_core_log(c->control->core, "control: -> error: not text");
    return client_send_line(c, "error: bad arguments: not text (UTF-8 without control characters)");
  }
  reply = sim_control_execute(c->control, line);
  return client_send_line(c, reply);
}

/* FALSE: the client was dropped */
static gboolean
client_feed(Client *c, const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    if (data[i] != '\n') {
      if (c->line->len < MAX_LINE)
        g_string_append_c(c->line, data[i]);
      else
        c->line_too_long = TRUE;
      continue;
    }
    if (c->line_too_long) {
      c->line_too_long = FALSE;
      g_string_truncate(c->line, 0);
      sim_core_log(c->control->core, "control: -> error: line too long");
      if (!client_send_line(c, "error: bad arguments: line too long"))
        return FALSE;
      continue;
    }
    {
      g_autofree char *line = g_strndup(c->line->str, c->line->len);

      g_string_truncate(c->line, 0);
      if (!client_line(c, line))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
on_client_readable(int fd, GIOCondition cond, gpointer user_data)
{
  Client *c = user_data;
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf);

  if (n > 0)
    return client_feed(c, buf, n) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  /* end of input (or a reset): what is not answered yet never will be */
  c->read_watch = 0;
  c->eof = TRUE;
  if (!c->write_watch)
    client_drop(c);
  return G_SOURCE_REMOVE;
}

static gboolean
on_accept(int fd, GIOCondition cond, gpointer user_data)
{
  SimControl *control = user_data;
  int cfd;

  while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
    Client *c = g_new0(Client, 1);

    c->control = control;
    c->fd = cfd;
    c->line = g_string_new(NULL);
    c->out = g_byte_array_new();
    c->read_watch = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_readable, c);
    g_ptr_array_add(control->clients, c);
  }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------- */
/* the listening socket */

/* A socket left by an earlier run is replaced; anything else stays. */
static gboolean
remove_stale_socket(const char *path, GError **error)
{
  struct stat st;

  if (lstat(path, &st) < 0)
    return TRUE;
  if (S_ISSOCK(st.st_mode) && unlink(path) == 0)
    return TRUE;
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "control socket %s: exists and is not a socket",
              path);
  return FALSE;
}

static gboolean
listen_error(SimControl *control, const char *what, GError **error)
{
  int saved = errno;

  g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "control socket %s: %s: %s",
              control->path, what, g_strerror(saved));
  if (control->listen_fd >= 0)
    close(control->listen_fd);
  control->listen_fd = -1;
  return FALSE;
}

gboolean
sim_control_listen(SimControl *control, const char *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  struct stat st;

  g_return_val_if_fail(control->listen_fd < 0, FALSE);
  g_free(control->path);
  control->path = g_strdup(path);
  if (strlen(path) >= sizeof addr.sun_path) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "control socket %s: path too long",
                path);
    return FALSE;
  }
  if (!remove_stale_socket(path, error))
    return FALSE;
  strcpy(addr.sun_path, path);
  control->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (control->listen_fd < 0)
    return listen_error(control, "socket", error);
  if (bind(control->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return listen_error(control, "bind", error);
  if (listen(control->listen_fd, 16) < 0 || stat(path, &st) < 0)
    return listen_error(control, "listen", error);
  /* remembered so that only our own socket is removed at exit */
  control->dev = st.st_dev;
  control->ino = st.st_ino;
  control->listen_watch = g_unix_fd_add(control->listen_fd, G_IO_IN, on_accept, control);
  sim_core_log(control->core, "control socket %s", path);
  return TRUE;
}

void
sim_control_close(SimControl *control)
{
  struct stat st;

  while (control->clients->len > 0) {
    Client *c = g_ptr_array_steal_index(control->clients, 0);

    client_flush(c); /* a last reply, e.g. to "unplug", if the socket takes it */
    client_free(c);
  }
  if (control->listen_watch)
    g_source_remove(control->listen_watch);
  control->listen_watch = 0;
  if (control->listen_fd < 0)
    return;
  close(control->listen_fd);
  control->listen_fd = -1;
  if (stat(control->path, &st) == 0 && st.st_dev == control->dev && st.st_ino == control->ino)
    unlink(control->path);
}

void
sim_control_free(SimControl *control)
{
  sim_control_close(control);
  g_ptr_array_unref(control->clients);
  g_array_unref(control->entries);
  g_free(control->path);
  g_free(control);
}
