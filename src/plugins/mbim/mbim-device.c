/* An MBIM device (see mbim-device.h). */
#include "mbim-device.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "mbim-describe.h"
#include "mbim-generated.h"
#include "mmd-command-timeout.h"
#include "mmd-errors.h"

/* cdc-wdm: the device's wMaxCommand (linux/usb/cdc-wdm.h) */
#define MBIM_IOCTL_WDM_MAX_COMMAND _IOR('H', 0xA0, guint16)
/* A function that sends nothing but garbage (bytes that are no message,
 * malformed messages, broken fragment sequences) is dropped after this many
 * rejected pieces in a row, or this many rejected bytes, whichever comes
 * first; any well-formed message starts the count again. */
#define MBIM_GARBAGE_PIECES_MAX 16
#define MBIM_GARBAGE_BYTES_MAX (64 * 1024)

G_DEFINE_QUARK(mbim - status - error - quark, mbim_status_error)

typedef struct {
  MbimDevice *self;
  guint32 tid;
  const char *name; /* of the CID, for errors; NULL for OPEN */
  GTask *task;
  guint timeout_id;
  guint timeout_s;
  GBytes *request;   /* commands: the message, to send again after a re-OPEN */
  gboolean reopened; /* re-OPENed once for this command already */
} Pending;

struct _MbimDevice {
  GObject parent;
  char *path;
  char *name;
  int fd;
  guint watch_id;
  guint32 max_control_transfer;
  guint32 next_tid;
  gboolean opened;
  gboolean keep_sessions; /* no CLOSE on close */
  GByteArray *in;
  guint input_epoch; /* changes when in is emptied for a new session */
  guint garbage_pieces;
  gsize garbage_bytes;
  MbimReassembler *reassembler;
  GHashTable *pending; /* tid -> Pending* */
};

enum { SIGNAL_INDICATION, SIGNAL_GONE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE(MbimDevice, mbim_device, G_TYPE_OBJECT)

static void
pending_free(Pending *p)
{
  if (p->timeout_id)
    g_source_remove(p->timeout_id);
  g_clear_object(&p->task);
  g_clear_pointer(&p->request, g_bytes_unref);
  g_free(p);
}

static void
mbim_device_finalize(GObject *object)
{
  MbimDevice *self = MBIM_DEVICE(object);

  mbim_device_close(self);
  g_hash_table_unref(self->pending);
  g_byte_array_unref(self->in);
  mbim_reassembler_free(self->reassembler);
  g_free(self->path);
  g_free(self->name);
  G_OBJECT_CLASS(mbim_device_parent_class)->finalize(object);
}

static void
mbim_device_class_init(MbimDeviceClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = mbim_device_finalize;
  signals[SIGNAL_INDICATION]
      = g_signal_new("indication", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_GONE] = g_signal_new("gone", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mbim_device_init(MbimDevice *self)
{
  self->fd = -1;
  self->next_tid = 1;
  self->max_control_transfer = MBIM_DEFAULT_MAX_CONTROL_TRANSFER;
  self->in = g_byte_array_new();
  self->reassembler = mbim_reassembler_new(self->max_control_transfer);
  self->pending = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)pending_free);
}

MbimDevice *
mbim_device_new(const char *path)
{
  MbimDevice *self = g_object_new(MBIM_TYPE_DEVICE, NULL);

  self->path = g_strdup(path);
  self->name = g_path_get_basename(path);
  return self;
}

const char *
mbim_device_get_path(MbimDevice *self)
{
  return self->path;
}

guint32
mbim_device_get_max_control_transfer(MbimDevice *self)
{
  return self->max_control_transfer;
}

void
mbim_device_set_max_control_transfer(MbimDevice *self, guint32 max)
{
  self->max_control_transfer = CLAMP(max, MBIM_MIN_CONTROL_TRANSFER, MBIM_MAX_MESSAGE_SIZE);
  mbim_reassembler_set_max_transfer(self->reassembler, self->max_control_transfer);
}

static guint32
next_tid(MbimDevice *self)
{
  guint32 tid = self->next_tid++;

  if (self->next_tid == 0)
    self->next_tid = 1;
  return tid;
}

/* ---- writing ---- */

static gboolean
write_all(MbimDevice *self, const guint8 *data, gsize len, GError **error)
{
  while (len > 0) {
    ssize_t n = write(self->fd, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN) {
      struct pollfd pfd = { self->fd, POLLOUT, 0 };

      if (poll(&pfd, 1, 1000) <= 0) {
        g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_SEND_FAILED,
                    "%s: port does not take data", self->name);
        return FALSE;
      }
      continue;
    }
    if (n <= 0) {
      g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_SEND_FAILED, "%s: write: %s",
                  self->name, g_strerror(errno));
      return FALSE;
    }
    data += n;
    len -= n;
  }
  return TRUE;
}

static gboolean
send_message(MbimDevice *self, GBytes *msg, GError **error)
{
  g_autoptr(GPtrArray) frags = NULL;

  if (self->fd < 0) {
    g_set_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: port is not open",
                self->name);
    return FALSE;
  }
  if (mbim_log_wire_enabled()) {
    g_autoptr(MbimMessage) m = mbim_message_parse(msg, NULL);
    g_autofree char *d = m ? mbim_message_describe(m) : NULL;

    g_debug("[%s] >> %s", self->name, d ? d : "?");
  }
  frags = mbim_message_fragment(msg, self->max_control_transfer);
  if (frags->len > 1 && mbim_log_wire_enabled())
    g_debug("[%s] >> (%u fragments)", self->name, frags->len);
  for (guint i = 0; i < frags->len; i++) {
    GBytes *f = frags->pdata[i];

    if (!write_all(self, g_bytes_get_data(f, NULL), g_bytes_get_size(f), error))
      return FALSE;
  }
  return TRUE;
}

/* ---- completion ---- */

static void
fail_all_pending(MbimDevice *self, const char *why)
{
  GHashTableIter it;
  Pending *p;
  g_autoptr(GList) list = NULL;

  g_hash_table_iter_init(&it, self->pending);
  while (g_hash_table_iter_next(&it, NULL, (gpointer *)&p)) {
    list = g_list_prepend(list, p);
    g_hash_table_iter_steal(&it);
  }
  for (GList *l = list; l; l = l->next) {
    p = l->data;
    g_task_return_new_error(p->task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "%s: %s",
                            self->name, why);
    pending_free(p);
  }
}

static void
gone(MbimDevice *self, const char *why)
{
  g_autoptr(MbimDevice) keep = g_object_ref(self);

  (void)keep; /* holds self while "gone" handlers drop their references */

  if (self->fd < 0)
    return;
  g_debug("[%s] gone: %s", self->name, why);
  if (self->watch_id)
    g_source_remove(self->watch_id);
  self->watch_id = 0;
  close(self->fd);
  self->fd = -1;
  self->opened = FALSE;
  fail_all_pending(self, why);
  g_signal_emit(self, signals[SIGNAL_GONE], 0, why);
}

static gboolean
pending_timeout(gpointer user_data)
{
  Pending *p = user_data;
  MbimDevice *self = p->self;

  p->timeout_id = 0;
  g_hash_table_steal(self->pending, GUINT_TO_POINTER(p->tid));
  g_task_return_new_error(p->task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
                          "%s: no response to %s (tid %u)", self->name, p->name ? p->name : "OPEN",
                          p->tid);
  pending_free(p);
  return G_SOURCE_REMOVE;
}

static Pending *
pending_add(MbimDevice *self, guint32 tid, const char *name, GTask *task, guint timeout_s)
{
  Pending *p = g_new0(Pending, 1);

  p->self = self;
  p->tid = tid;
  p->name = name;
  p->task = task;
  p->timeout_s = timeout_s ? timeout_s : 10;
  p->timeout_id = g_timeout_add(mmd_command_timeout_ms(p->timeout_s * 1000), pending_timeout, p);
  g_hash_table_insert(self->pending, GUINT_TO_POINTER(tid), p);
  return p;
}

static Pending *
pending_take(MbimDevice *self, guint32 tid)
{
  Pending *p = g_hash_table_lookup(self->pending, GUINT_TO_POINTER(tid));

  if (p)
    g_hash_table_steal(self->pending, GUINT_TO_POINTER(tid));
  return p;
}

typedef struct {
  GBytes *buffer;
  guint32 status;
} Result;

static void
result_free(Result *r)
{
  g_clear_pointer(&r->buffer, g_bytes_unref);
  g_free(r);
}

static gboolean send_message(MbimDevice *self, GBytes *msg, GError **error);

static void
resend(MbimDevice *self, Pending *p)
{
  gsize len;
  guint8 *d = g_bytes_unref_to_data(g_steal_pointer(&p->request), &len);
  GError *error = NULL;

  p->tid = next_tid(self);
  mbim_write_u32(d + 8, p->tid);
  p->request = g_bytes_new_take(d, len);
  p->timeout_id = g_timeout_add(mmd_command_timeout_ms(p->timeout_s * 1000), pending_timeout, p);
  g_hash_table_insert(self->pending, GUINT_TO_POINTER(p->tid), p);
  if (!send_message(self, p->request, &error)) {
    pending_take(self, p->tid);
    g_task_return_error(p->task, error);
    pending_free(p);
  }
}

static void
reopen_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Pending *p = user_data;
  MbimDevice *self = MBIM_DEVICE(source);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    g_task_return_error(p->task, error);
    pending_free(p);
    return;
  }
  resend(self, p);
}

static void
reopen_and_resend(MbimDevice *self, Pending *p)
{
  guint32 tid = next_tid(self);
  g_autoptr(GBytes) open = mbim_message_new_open(tid, self->max_control_transfer);
  GError *error = NULL;

  g_debug("[%s] function not opened: opening it again", self->name);
  p->reopened = TRUE;
  g_clear_handle_id(&p->timeout_id, g_source_remove);
  pending_add(self, tid, NULL, g_task_new(self, NULL, reopen_done, p), p->timeout_s);
  if (!send_message(self, open, &error)) {
    Pending *o = pending_take(self, tid);

    g_task_return_error(o->task, error);
    pending_free(o);
  }
}

/* ---- receiving ---- */

/* Counts rejected input; a function that sends only that is not served
 * forever. */
static void
note_garbage(MbimDevice *self, gsize bytes)
{
  self->garbage_pieces++;
  self->garbage_bytes += bytes;
  if (self->garbage_pieces >= MBIM_GARBAGE_PIECES_MAX
      || self->garbage_bytes >= MBIM_GARBAGE_BYTES_MAX)
    gone(self, "the function sends nothing but garbage");
}

static void
note_good(MbimDevice *self)
{
  self->garbage_pieces = 0;
  self->garbage_bytes = 0;
}

static void
handle_open_done(MbimDevice *self, const MbimMessage *m)
{
  Pending *p = pending_take(self, m->tid);

  if (!p || p->name) {
    if (p) /* a command's tid: not the answer it waits for */
      g_hash_table_insert(self->pending, GUINT_TO_POINTER(p->tid), p);
    g_debug("[%s] << no OPEN waits for tid %u", self->name, m->tid);
    return;
  }
  if (m->status != MBIM_STATUS_SUCCESS) {
    g_task_return_new_error(p->task, MBIM_STATUS_ERROR, m->status, "%s: OPEN failed: %s",
                            self->name, mbim_status_name(m->status));
  } else {
    self->opened = TRUE;
    g_task_return_boolean(p->task, TRUE);
  }
  pending_free(p);
}

static void
handle_command_done(MbimDevice *self, GBytes *raw, const MbimMessage *m)
{
  Pending *p = pending_take(self, m->tid);
  Result *r;

  if (!p) {
    g_debug("[%s] << no request waits for tid %u", self->name, m->tid);
    return;
  }
  r = g_new0(Result, 1);
  r->status = m->status;
  r->buffer = g_bytes_new_from_bytes(raw, m->buf - (const guint8 *)g_bytes_get_data(raw, NULL),
                                     m->buf_len);
  g_task_return_pointer(p->task, r, (GDestroyNotify)result_free);
  pending_free(p);
}

static void
handle_function_error(MbimDevice *self, const MbimMessage *m)
{
  Pending *p = m->tid ? pending_take(self, m->tid) : NULL;

  if (!p) {
    if (m->status == MBIM_PROTOCOL_ERROR_NOT_OPENED)
      self->opened = FALSE;
    return;
  }
  if (m->status == MBIM_PROTOCOL_ERROR_NOT_OPENED && p->request && !p->reopened) {
    /* The function was closed under us (reset, another program's CLOSE):
     * open it again and repeat the command once. */
    self->opened = FALSE;
    reopen_and_resend(self, p);
    return;
  }
  g_task_return_new_error(p->task, MBIM_PROTOCOL_ERROR, m->status, "%s: function error: %s",
                          self->name, mbim_protocol_error_name(m->status));
  pending_free(p);
}

static void
handle_indication(MbimDevice *self, const MbimMessage *m)
{
  g_autoptr(GError) error = NULL;
  MbimNotification n;

  if (!mbim_notification_decode(m, &n, &error)) {
    g_debug("[%s] bad indication: %s", self->name, error->message);
    note_garbage(self, m->length);
    return;
  }
  g_signal_emit(self, signals[SIGNAL_INDICATION], 0, &n);
  mbim_notification_clear(&n);
}

static void
handle_message(MbimDevice *self, GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimMessage) m = mbim_message_parse(raw, &error);

  if (!m) {
    g_debug("[%s] << dropped: %s", self->name, error->message);
    note_garbage(self, g_bytes_get_size(raw));
    return;
  }
  note_good(self);
  if (mbim_log_wire_enabled()) {
    g_autofree char *d = mbim_message_describe(m);

    g_debug("[%s] << %s", self->name, d);
  }
  switch (m->type) {
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
      handle_open_done(self, m);
      break;
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
      handle_command_done(self, raw, m);
      break;
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
      handle_function_error(self, m);
      break;
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      handle_indication(self, m);
      break;
    default:
      break;
  }
}

/* Whether a message of the function to the host may start here. */
static gboolean
plausible_start(MbimDevice *self, guint32 type, guint32 length)
{
  switch (type) {
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
    case MBIM_MESSAGE_TYPE_CLOSE_DONE:
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      return length >= MBIM_HEADER_SIZE && length <= self->max_control_transfer;
    default:
      return FALSE;
  }
}

/* One transfer (a whole message or a fragment) of len bytes. */
static void
take_transfer(MbimDevice *self, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  guint32 error_tid = 0;
  g_autoptr(GBytes) whole = mbim_reassembler_push(self->reassembler, data, len, &error_tid, &error);

  if (error) {
    g_autoptr(GBytes) herr
        = mbim_message_new_status(MBIM_MESSAGE_TYPE_HOST_ERROR, error_tid, error->code);

    g_debug("[%s] << dropped: %s", self->name, error->message);
    send_message(self, herr, NULL);
    note_garbage(self, len);
  }
  if (whole && self->fd >= 0)
    handle_message(self, whole);
}

/* Splits the byte stream into transfers: a cdc-wdm read returns whole
 * ones, a pty returns whatever is there. Bytes that cannot start a message
 * are skipped (resynchronising) and count as garbage. */
static void
process_input(MbimDevice *self)
{
  guint epoch = self->input_epoch;
  gsize pos = 0, skipped = 0;

  while (self->fd >= 0 && self->input_epoch == epoch && self->in->len - pos >= MBIM_HEADER_SIZE) {
    guint32 type, length;

    mbim_header_peek(self->in->data + pos, self->in->len - pos, &type, &length, NULL);
    if (!plausible_start(self, type, length)) {
      pos++;
      skipped++;
      continue;
    }
    if (skipped) {
      g_debug("[%s] << skipped %zu bytes that are no message", self->name, skipped);
      note_garbage(self, skipped);
      skipped = 0;
      continue;
    }
    if (self->in->len - pos < length)
      break;
    pos += length;
    take_transfer(self, self->in->data + pos - length, length);
  }
  if (skipped && self->fd >= 0) {
    g_debug("[%s] << skipped %zu bytes that are no message", self->name, skipped);
    note_garbage(self, skipped);
  }
  if (self->input_epoch == epoch)
    g_byte_array_remove_range(self->in, 0, pos);
}

static gboolean
on_readable(int fd, GIOCondition cond, gpointer user_data)
{
  /* What the function sent can end in "gone", whose handlers may drop the
   * last reference to the device. */
  g_autoptr(MbimDevice) self = g_object_ref(user_data);
  guint8 buf[4096];
  ssize_t n;

  n = read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    g_autofree char *why = g_strdup_printf("port closed (%s)", n < 0 ? g_strerror(errno) : "EOF");

    self->watch_id = 0;
    gone(self, why);
    return G_SOURCE_REMOVE;
  }
  g_byte_array_append(self->in, buf, n);
  process_input(self);
  return self->fd >= 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- open / close ---- */

typedef struct {
  guint timeout_s;
  guint attempts;
} OpenCtx;

static void open_send(GTask *task);

static void
open_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MbimDevice *self = g_task_get_source_object(task);
  OpenCtx *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean(G_TASK(res), &error)) {
    g_task_return_boolean(task, TRUE);
    return;
  }
  if (g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
      && ++ctx->attempts < 2 && self->fd >= 0) {
    open_send(g_steal_pointer(&task));
    return;
  }
  g_task_return_error(task, g_steal_pointer(&error));
}

static void
open_send(GTask *task)
{
  MbimDevice *self = g_task_get_source_object(task);
  OpenCtx *ctx = g_task_get_task_data(task);
  guint32 tid = next_tid(self);
  g_autoptr(GBytes) msg = mbim_message_new_open(tid, self->max_control_transfer);
  GTask *inner = g_task_new(self, NULL, open_done, task);
  GError *error = NULL;

  pending_add(self, tid, NULL, inner, ctx->timeout_s);
  if (!send_message(self, msg, &error)) {
    Pending *p = pending_take(self, tid);

    g_task_return_error(p->task, error);
    pending_free(p);
  }
}

void
mbim_device_open(MbimDevice *self, guint timeout_s, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  OpenCtx *ctx = g_new0(OpenCtx, 1);
  guint16 max = 0;

  g_task_set_task_data(task, ctx, g_free);
  ctx->timeout_s = timeout_s ? timeout_s : 5;
  if (self->fd < 0) {
    self->fd = open(self->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (self->fd < 0) {
      int e = errno;

      g_task_return_new_error(task, MMD_SERIAL_ERROR,
                              e == ENOENT ? MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE
                                          : MMD_SERIAL_ERROR_OPEN_FAILED,
                              "Cannot open %s: %s", self->path, g_strerror(e));
      g_object_unref(task);
      return;
    }
    if (isatty(self->fd)) {
      struct termios tio;

      if (tcgetattr(self->fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(self->fd, TCSANOW, &tio);
      }
    } else if (ioctl(self->fd, MBIM_IOCTL_WDM_MAX_COMMAND, &max) == 0
               && max >= MBIM_MIN_CONTROL_TRANSFER) {
      mbim_device_set_max_control_transfer(self, max);
    }
    g_debug("[%s] opened, max control transfer %u", self->name, self->max_control_transfer);
    g_byte_array_set_size(self->in, 0);
    self->input_epoch++;
    note_good(self);
    mbim_reassembler_reset(self->reassembler);
    self->watch_id = g_unix_fd_add(self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, self);
  }
  open_send(task);
}

gboolean
mbim_device_open_finish(MbimDevice *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean(G_TASK(res), error);
}

void
mbim_device_keep_sessions_on_close(MbimDevice *self)
{
  self->keep_sessions = TRUE;
}

void
mbim_device_close(MbimDevice *self)
{
  if (self->fd < 0)
    return;
  if (self->opened && !self->keep_sessions) {
    g_autoptr(GBytes) msg = mbim_message_new_close(next_tid(self));

    send_message(self, msg, NULL);
  }
  if (self->watch_id)
    g_source_remove(self->watch_id);
  self->watch_id = 0;
  close(self->fd);
  self->fd = -1;
  self->opened = FALSE;
  fail_all_pending(self, "port closed");
}

/* ---- commands ---- */

void
mbim_device_command(MbimDevice *self, const guint8 *service, guint32 cid, MbimCommandType type,
                    GBytes *buffer, guint timeout_s, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  const MbimCidInfo *info = mbim_cid_info_lookup(service, cid);
  gsize len = 0;
  const guint8 *data = buffer ? g_bytes_get_data(buffer, &len) : NULL;
  g_autoptr(GBytes) msg = NULL;
  GError *error = NULL;
  guint32 tid;

  if (self->fd < 0) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN,
                            "%s: port is not open", self->name);
    g_object_unref(task);
    return;
  }
  tid = next_tid(self);
  msg = mbim_message_new_command(tid, service, cid, type, data, len);
  pending_add(self, tid, info ? info->name : "command", task, timeout_s)->request
      = g_bytes_ref(msg);
  if (!send_message(self, msg, &error)) {
    Pending *p = pending_take(self, tid);

    g_task_return_error(p->task, error);
    pending_free(p);
  }
}

GBytes *
mbim_device_command_finish(MbimDevice *self, GAsyncResult *res, GBytes **status_buffer,
                           GError **error)
{
  Result *r = g_task_propagate_pointer(G_TASK(res), error);
  GBytes *buffer;

  if (status_buffer)
    *status_buffer = NULL;
  if (!r)
    return NULL;
  buffer = g_steal_pointer(&r->buffer);
  if (r->status != MBIM_STATUS_SUCCESS) {
    g_set_error(error, MBIM_STATUS_ERROR, r->status, "MBIM status %s", mbim_status_name(r->status));
    if (status_buffer)
      *status_buffer = g_steal_pointer(&buffer);
    g_clear_pointer(&buffer, g_bytes_unref);
  }
  result_free(r);
  return buffer;
}

gpointer
mbim_device_command_finish_decoded(MbimDevice *self, GAsyncResult *res, MbimDecodeFunc decode,
                                   gsize fixed_size, gpointer *status_info, GError **error)
{
  g_autoptr(GBytes) status_buffer = NULL;
  g_autoptr(GBytes) buffer
      = mbim_device_command_finish(self, res, status_info ? &status_buffer : NULL, error);
  g_autofree guint8 *zeros = NULL;
  const guint8 *data;
  gsize len = 0;

  if (status_info)
    *status_info = NULL;
  if (!buffer) {
    data = status_buffer ? g_bytes_get_data(status_buffer, &len) : NULL;
    if (len)
      *status_info = decode(data, len, NULL);
    return NULL;
  }
  data = g_bytes_get_data(buffer, &len);
  if (len > 0)
    return decode(data, len, error);
  /* Some functions answer with no buffer at all where one is defined. */
  zeros = g_malloc0(fixed_size);
  return decode(zeros, fixed_size, error);
}
