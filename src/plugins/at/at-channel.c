/* The AT serial channel: the port, the command queue, output. What the modem
 * sends is handled in at-channel-input.c. */
#include "at-channel-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "mmd-command-timeout.h"
#include "mmd-errors.h"

/* A modem that lets this many commands in a row time out is gone. */
#define MAX_TIMEOUTS 5

/* ------------------------------------------------------------------------- */
/* Helpers */

void
at_channel_log_wire(MmdAtChannel *self, const char *dir, const char *text, MmdAtCommandFlags flags)
{
  g_autofree char *masked = NULL;
  g_autofree char *escaped = NULL;

  masked = mmd_at_mask_secrets(text);
  if ((flags & MMD_AT_COMMAND_PERSONAL) && !self->personal) {
    char *t = mmd_at_mask_personal(masked);
    g_free(masked);
    masked = t;
  }
  escaped = g_strescape(masked, NULL);
  g_debug("(%s) %s '%s'", self->name, dir, escaped);
}

static Command *
command_new(const char *text, guint timeout_ms, MmdAtCommandFlags flags, GTask *task)
{
  Command *cmd = g_new0(Command, 1);

  if (!(flags & MMD_AT_COMMAND_RAW) && g_ascii_strncasecmp(text, "AT", 2) != 0)
    cmd->command = g_strconcat("AT", text, NULL);
  else
    cmd->command = g_strdup(text);
  if (!(flags & MMD_AT_COMMAND_RAW)) {
    const char *p = cmd->command + 2;
    gsize n = 0;

    if (*p == '+' || *p == '^' || *p == '$' || *p == '#' || *p == '*' || *p == '%')
      n = 1;
    while (g_ascii_isalnum(p[n]))
      n++;
    if (n > 1)
      cmd->match = g_ascii_strup(p, n);
  }
  cmd->flags = flags;
  cmd->timeout_ms = mmd_command_timeout_ms(timeout_ms ? timeout_ms : 3000);
  cmd->task = task;
  cmd->lines = g_string_new(NULL);
  return cmd;
}

static void
command_free(Command *cmd)
{
  if (cmd->task) {
    GCancellable *c = g_task_get_cancellable(cmd->task);
    if (c && cmd->cancel_id)
      g_cancellable_disconnect(c, cmd->cancel_id);
    g_object_unref(cmd->task);
  }
  g_free(cmd->command);
  g_free(cmd->match);
  g_free(cmd->payload);
  g_string_free(cmd->lines, TRUE);
  g_free(cmd);
}

/* Completes the command's task (if any) and frees it. */
void
at_channel_command_complete(Command *cmd, GError *error)
{
  if (cmd->task) {
    GCancellable *c = g_task_get_cancellable(cmd->task);
    GTask *task = cmd->task;

    if (c && cmd->cancel_id)
      g_cancellable_disconnect(c, cmd->cancel_id);
    cmd->cancel_id = 0;
    cmd->task = NULL;
    if (error)
      g_task_return_error(task, error);
    else
      g_task_return_pointer(task, g_strdup(cmd->lines->str), g_free);
    g_object_unref(task);
  } else if (error) {
    g_error_free(error);
  }
  command_free(cmd);
}

/* ------------------------------------------------------------------------- */
/* Lifetime */

MmdAtChannel *
mmd_at_channel_new(const char *name)
{
  MmdAtChannel *self = g_new0(MmdAtChannel, 1);

  self->ref = 1;
  self->name = g_strdup(name ? name : "at");
  self->fd = -1;
  self->outbuf = g_byte_array_new();
  self->inbuf = g_string_new(NULL);
  g_queue_init(&self->queue);
  self->urcs = g_array_new(FALSE, TRUE, sizeof(Urc));
  self->next_urc_id = 1;
  return self;
}

MmdAtChannel *
mmd_at_channel_ref(MmdAtChannel *self)
{
  g_atomic_int_inc(&self->ref);
  return self;
}

void
mmd_at_channel_unref(MmdAtChannel *self)
{
  if (!self || !g_atomic_int_dec_and_test(&self->ref))
    return;
  mmd_at_channel_close(self);
  for (guint i = 0; i < self->urcs->len; i++)
    g_free(g_array_index(self->urcs, Urc, i).prefix);
  g_array_free(self->urcs, TRUE);
  g_byte_array_free(self->outbuf, TRUE);
  g_string_free(self->inbuf, TRUE);
  g_free(self->urc_header);
  g_free(self->name);
  g_free(self);
}

gboolean
mmd_at_channel_is_open(MmdAtChannel *self)
{
  return self->fd >= 0;
}

void
mmd_at_channel_set_gone_handler(MmdAtChannel *self, MmdAtGoneFunc func, gpointer user_data)
{
  self->gone_func = func;
  self->gone_data = user_data;
}

void
mmd_at_channel_set_log_personal(MmdAtChannel *self, gboolean personal)
{
  self->personal = personal;
}

gboolean
mmd_at_channel_in_data_mode(MmdAtChannel *self)
{
  return self->data_mode;
}

void
mmd_at_channel_set_data_mode(MmdAtChannel *self, gboolean data_mode)
{
  if (self->data_mode != data_mode)
    g_debug("(%s) %s data mode", self->name, data_mode ? "entering" : "leaving");
  self->data_mode = data_mode;
  if (!data_mode)
    at_channel_schedule_next(self);
}

guint
mmd_at_channel_add_urc_handler(MmdAtChannel *self, const char *prefix, MmdAtUrcFunc func,
                               gpointer user_data)
{
  Urc u = { self->next_urc_id++, g_strdup(prefix), func, user_data, FALSE };

  g_array_append_val(self->urcs, u);
  return u.id;
}

guint
mmd_at_channel_add_urc_handler_with_body(MmdAtChannel *self, const char *prefix, MmdAtUrcFunc func,
                                         gpointer user_data)
{
  guint id = mmd_at_channel_add_urc_handler(self, prefix, func, user_data);

  g_array_index(self->urcs, Urc, self->urcs->len - 1).with_body = TRUE;
  return id;
}

void
mmd_at_channel_remove_urc_handler(MmdAtChannel *self, guint id)
{
  for (guint i = 0; i < self->urcs->len; i++) {
    if (g_array_index(self->urcs, Urc, i).id == id) {
      g_free(g_array_index(self->urcs, Urc, i).prefix);
      g_array_remove_index(self->urcs, i);
      return;
    }
  }
}

/* ------------------------------------------------------------------------- */
/* Output */

static gboolean
on_writable(int fd, GIOCondition cond, gpointer user_data)
{
  MmdAtChannel *self = user_data;

  while (self->outbuf->len > 0) {
    ssize_t n = write(self->fd, self->outbuf->data, self->outbuf->len);

    if (n > 0) {
      g_byte_array_remove_range(self->outbuf, 0, (guint)n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
    self->write_watch = 0;
    at_channel_fail(self, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_SEND_FAILED,
                                      "Write to %s failed: %s", self->name,
                                      n < 0 ? g_strerror(errno) : "closed"));
    return G_SOURCE_REMOVE;
  }
  self->write_watch = 0;
  return G_SOURCE_REMOVE;
}

static void
send_bytes(MmdAtChannel *self, const char *data, gsize len)
{
  g_byte_array_append(self->outbuf, (const guint8 *)data, (guint)len);
  if (!self->write_watch)
    self->write_watch = g_unix_fd_add(self->fd, G_IO_OUT, on_writable, self);
}

/* ------------------------------------------------------------------------- */
/* The queue */

static gboolean
on_timeout(gpointer user_data)
{
  MmdAtChannel *self = user_data;
  Command *cmd = self->current;

  self->timeout_id = 0;
  if (!cmd)
    return G_SOURCE_REMOVE;
  self->current = NULL;
  g_debug("(%s) no response to '%s' in %u ms", self->name,
          cmd->flags & MMD_AT_COMMAND_SECRET ? "(secret)" : cmd->command, cmd->timeout_ms);
  at_channel_command_complete(cmd, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                                               "No response from the modem to %s",
                                               cmd->match ? cmd->match : "the command"));
  if (++self->timeouts >= MAX_TIMEOUTS && self->fd >= 0) {
    at_channel_fail(self, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                                      "The modem on %s stopped answering (%u commands timed out)",
                                      self->name, self->timeouts));
    return G_SOURCE_REMOVE;
  }
  at_channel_schedule_next(self);
  return G_SOURCE_REMOVE;
}

static void
send_next(MmdAtChannel *self)
{
  while (!self->current && self->fd >= 0) {
    Command *cmd = g_queue_pop_head(&self->queue);

    if (!cmd)
      return;
    if (self->data_mode && !(cmd->flags & MMD_AT_COMMAND_IN_DATA_MODE)) {
      at_channel_command_complete(cmd, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_CONNECTED,
                                                   "The port %s is in data mode", self->name));
      continue;
    }
    self->current = cmd;
    at_channel_log_wire(self, "-->", cmd->command, cmd->flags);
    send_bytes(self, cmd->command, strlen(cmd->command));
    if (!(cmd->flags & MMD_AT_COMMAND_RAW))
      send_bytes(self, "\r", 1);
    self->timeout_id = g_timeout_add(cmd->timeout_ms, on_timeout, self);
  }
}

void
at_channel_on_prompt(MmdAtChannel *self)
{
  Command *cmd = self->current;

  if (!cmd || !cmd->payload || cmd->payload_sent) {
    g_debug("(%s) unexpected prompt, ignored", self->name);
    return;
  }
  cmd->payload_sent = TRUE;
  at_channel_log_wire(self, "--> (pdu)", cmd->payload, cmd->flags);
  send_bytes(self, cmd->payload, strlen(cmd->payload));
  send_bytes(self, "\x1a", 1);
}

static gboolean
on_idle(gpointer user_data)
{
  MmdAtChannel *self = user_data;

  self->idle_id = 0;
  send_next(self);
  return G_SOURCE_REMOVE;
}

void
at_channel_schedule_next(MmdAtChannel *self)
{
  if (!self->idle_id && !self->current && self->queue.length > 0 && self->fd >= 0)
    self->idle_id = g_idle_add(on_idle, self);
}

static gboolean
complete_cancelled_idle(gpointer user_data)
{
  MmdAtChannel *self = user_data;

  /* waiting commands whose cancellable fired */
  for (GList *l = self->queue.head; l;) {
    Command *cmd = l->data;
    GList *next = l->next;

    if (cmd->task && g_cancellable_is_cancelled(g_task_get_cancellable(cmd->task))) {
      g_queue_delete_link(&self->queue, l);
      at_channel_command_complete(cmd, g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
    }
    l = next;
  }
  /* the command in flight: answer now, keep it to absorb the modem's reply */
  if (self->current && self->current->task
      && g_cancellable_is_cancelled(g_task_get_cancellable(self->current->task))) {
    GTask *task = self->current->task;
    GCancellable *c = g_task_get_cancellable(task);

    if (self->current->cancel_id)
      g_cancellable_disconnect(c, self->current->cancel_id);
    self->current->cancel_id = 0;
    self->current->task = NULL;
    g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    g_object_unref(task);
  }
  mmd_at_channel_unref(self);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_schedule(GCancellable *cancellable, gpointer user_data)
{
  MmdAtChannel *self = user_data;

  /* completed from an idle, not from inside g_cancellable_cancel() */
  g_idle_add(complete_cancelled_idle, mmd_at_channel_ref(self));
}

static void enqueue(MmdAtChannel *self, const char *command, const char *payload, guint timeout_ms,
                    MmdAtCommandFlags flags, GTask *task);

void
mmd_at_channel_command(MmdAtChannel *self, const char *command, guint timeout_ms,
                       MmdAtCommandFlags flags, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);

  g_task_set_source_tag(task, mmd_at_channel_command);
  enqueue(self, command, NULL, timeout_ms, flags, task);
}

void
mmd_at_channel_command_with_pdu(MmdAtChannel *self, const char *command, const char *pdu_hex,
                                guint timeout_ms, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(NULL, cancellable, callback, user_data);

  g_task_set_source_tag(task, mmd_at_channel_command);
  for (const char *p = pdu_hex; p && *p; p++) {
    if (!g_ascii_isxdigit(*p)) {
      g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Invalid PDU: hex digits only");
      g_object_unref(task);
      return;
    }
  }
  enqueue(self, command, pdu_hex ? pdu_hex : "", timeout_ms, MMD_AT_COMMAND_PERSONAL, task);
}

static void
enqueue(MmdAtChannel *self, const char *command, const char *payload, guint timeout_ms,
        MmdAtCommandFlags flags, GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable(task);
  Command *cmd;

  for (const char *p = command; p && *p; p++) {
    if ((guchar)*p < 0x20 || *p == 0x7f) {
      g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                              "Invalid AT command: control characters are not allowed");
      g_object_unref(task);
      return;
    }
  }
  if (!command || !*command) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Empty AT command");
    g_object_unref(task);
    return;
  }
  if (self->fd < 0) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                            "The port %s is not open", self->name);
    g_object_unref(task);
    return;
  }
  if (g_task_return_error_if_cancelled(task)) {
    g_object_unref(task);
    return;
  }
  cmd = command_new(command, timeout_ms, flags, task);
  cmd->payload = g_strdup(payload);
  if (cancellable)
    cmd->cancel_id
        = g_cancellable_connect(cancellable, G_CALLBACK(on_cancelled_schedule), self, NULL);
  g_queue_push_tail(&self->queue, cmd);
  at_channel_schedule_next(self);
}

char *
mmd_at_channel_command_finish(MmdAtChannel *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer(G_TASK(result), error);
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  MmdAtChannel *self = user_data;
  char buf[1024];
  ssize_t n;

  if (cond & G_IO_IN) {
    n = read(fd, buf, sizeof buf);
    if (n > 0) {
      gboolean still_open;

      /* a handler may close the channel or drop the last reference */
      mmd_at_channel_ref(self);
      at_channel_process_input(self, buf, (gsize)n);
      still_open = self->fd >= 0 && self->read_watch != 0;
      mmd_at_channel_unref(self);
      return still_open ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return G_SOURCE_CONTINUE;
  } else {
    n = 0;
  }
  self->read_watch = 0;
  at_channel_fail(self, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE,
                                    "The port %s hung up%s%s", self->name, n < 0 ? ": " : "",
                                    n < 0 ? g_strerror(errno) : ""));
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------- */
/* Open / close */

static speed_t
baud_to_speed(guint baud)
{
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return B115200;
  }
}

static gboolean
setup_fd(MmdAtChannel *self, int fd, GError **error)
{
  self->fd = fd;
  if (!g_unix_set_fd_nonblocking(fd, TRUE, error))
    return FALSE;
  self->read_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, self);
  return TRUE;
}

/* Keeps other users off the port. A tty has TIOCEXCL; an AT port of the wwan
 * subsystem (PCIe/MHI, t7xx) is no tty and answers ENOTTY, so there an
 * advisory lock does it: a second modemd, and tools that lock their ports,
 * stay away. */
static gboolean
claim_exclusive(int fd, const char *path, GError **error)
{
  if (ioctl(fd, TIOCEXCL) == 0)
    return TRUE;
  if (errno == ENOTTY && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    g_debug("%s is no tty: held with an advisory lock", path);
    return TRUE;
  }
  g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED,
              "Could not get exclusive access to %s: %s", path,
              errno == EWOULDBLOCK ? "in use by another program" : g_strerror(errno));
  return FALSE;
}

/* Raw line settings where the port has them. The kernel emulates only part of
 * termios for a wwan AT port, and some ports (and emulations of them) have
 * none: without termios there is no line to configure, which is no error. */
static gboolean
configure_line(int fd, const char *path, guint baud, MmdAtFlow flow, GError **error)
{
  struct termios tio;

  if (tcgetattr(fd, &tio) < 0) {
    if (errno == ENOTTY || errno == EINVAL) {
      g_debug("%s has no line settings: used as it is", path);
      return TRUE;
    }
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED,
                "Could not read the line settings of %s: %s", path, g_strerror(errno));
    return FALSE;
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  if (flow == MMD_AT_FLOW_RTSCTS)
    tio.c_cflag |= CRTSCTS;
  else if (flow == MMD_AT_FLOW_XONXOFF)
    tio.c_iflag |= IXON | IXOFF;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (baud) {
    cfsetispeed(&tio, baud_to_speed(baud));
    cfsetospeed(&tio, baud_to_speed(baud));
  }
  if (tcsetattr(fd, TCSANOW, &tio) < 0) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED, "Could not configure %s: %s",
                path, g_strerror(errno));
    return FALSE;
  }
  tcflush(fd, TCIOFLUSH);
  return TRUE;
}

gboolean
mmd_at_channel_open(MmdAtChannel *self, const char *path, guint baud, MmdAtFlow flow,
                    GError **error)
{
  int fd;

  g_return_val_if_fail(self->fd < 0, FALSE);
  fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, MMD_SERIAL_ERROR,
                e == ENOENT || e == ENODEV || e == ENXIO ? MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE
                                                         : MMD_SERIAL_ERROR_OPEN_FAILED,
                "Could not open %s: %s", path, g_strerror(e));
    return FALSE;
  }
  if (!claim_exclusive(fd, path, error) || !configure_line(fd, path, baud, flow, error)) {
    close(fd);
    return FALSE;
  }
  g_debug("(%s) opened %s", self->name, path);
  if (!setup_fd(self, fd, error)) {
    self->fd = -1;
    close(fd);
    return FALSE;
  }
  return TRUE;
}

gboolean
mmd_at_channel_open_fd(MmdAtChannel *self, int fd, GError **error)
{
  g_return_val_if_fail(self->fd < 0, FALSE);
  if (!setup_fd(self, fd, error)) {
    self->fd = -1;
    return FALSE;
  }
  return TRUE;
}

gboolean
mmd_at_channel_set_dtr(MmdAtChannel *self, gboolean on, GError **error)
{
  int bits = TIOCM_DTR;

  if (self->fd < 0) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "The port %s is not open",
                self->name);
    return FALSE;
  }
  if (ioctl(self->fd, on ? TIOCMBIS : TIOCMBIC, &bits) < 0) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_UNKNOWN, "Cannot %s DTR on %s: %s",
                on ? "raise" : "drop", self->name, g_strerror(errno));
    return FALSE;
  }
  g_debug("(%s) DTR %s", self->name, on ? "on" : "off");
  return TRUE;
}

static void
fail_all(MmdAtChannel *self, const GError *error)
{
  Command *cmd;

  if (self->current) {
    cmd = self->current;
    self->current = NULL;
    at_channel_command_complete(cmd, g_error_copy(error));
  }
  while ((cmd = g_queue_pop_head(&self->queue)))
    at_channel_command_complete(cmd, g_error_copy(error));
}

static void
close_port(MmdAtChannel *self)
{
  g_clear_handle_id(&self->read_watch, g_source_remove);
  g_clear_handle_id(&self->write_watch, g_source_remove);
  g_clear_handle_id(&self->timeout_id, g_source_remove);
  g_clear_handle_id(&self->idle_id, g_source_remove);
  if (self->fd >= 0) {
    close(self->fd);
    self->fd = -1;
  }
  g_byte_array_set_size(self->outbuf, 0);
  g_string_truncate(self->inbuf, 0);
  g_clear_pointer(&self->urc_header, g_free);
  self->discarding = FALSE;
  self->garbage = 0;
  self->data_mode = FALSE;
}

void
mmd_at_channel_close(MmdAtChannel *self)
{
  g_autoptr(GError) error = NULL;

  if (self->fd < 0 && !self->current && self->queue.length == 0)
    return;
  close_port(self);
  error = g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "The port %s was closed",
                      self->name);
  fail_all(self, error);
}

void
at_channel_fail(MmdAtChannel *self, GError *error)
{
  mmd_at_channel_ref(self);
  g_debug("(%s) %s", self->name, error->message);
  close_port(self);
  fail_all(self, error);
  if (self->gone_func)
    self->gone_func(self, error, self->gone_data);
  g_error_free(error);
  mmd_at_channel_unref(self);
}
