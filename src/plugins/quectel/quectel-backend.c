/* The Quectel backend: the module's AT port beside its QMI or MBIM port, for
 * what the generic protocol does not set on these modules: modes and bands
 * through AT+QNWPREFCFG (the vendor's way, and the only one that reaches the
 * NR5G settings on MBIM firmware), the full firmware revision (AT+QGMR), a
 * reset (AT+CFUN=1,1) and the module's URCs (RDY after a reset, +QIND).
 *
 * It is a second backend of the modem: initialized after the primary one,
 * it provides its operations only once the module answered AT+QNWPREFCFG, so
 * that a module without the command keeps the generic ones. */
#include "quectel-backend.h"

#include "mmd-bands.h"
#include "mmd-errors.h"
#include "mmd-text.h"
#include "quectel-at.h"

#define AT_TIMEOUT_MS 5000
#define REVISION_MAX 64

G_DEFINE_TYPE(MmdQuectelBackend, mmd_quectel_backend, MMD_TYPE_BACKEND)

static MmdModem *
modem_of(MmdQuectelBackend *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}

/* The modem went while a command was out (its backends are shut down
 * before it is freed): what follows must not reach it. Fails task if so. */
static gboolean
shut_down(MmdQuectelBackend *self, GTask *task)
{
  if (!g_cancellable_is_cancelled(self->cancellable))
    return FALSE;
  mmd_task_fail(task, g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "The modem is gone"));
  return TRUE;
}

/* ---- commands of an operation ------------------------------------------ */

enum { READ_MODES, READ_ORDER, READ_LTE, READ_NR, N_READS };

typedef struct {
  GQueue cmds;           /* char *: still to send */
  gboolean read_back;    /* then read the settings and report them */
  guint read;            /* the setting being read */
  char *values[N_READS]; /* what the reads found */
} Op;

static void
op_free(Op *op)
{
  g_queue_clear_full(&op->cmds, g_free);
  for (gsize i = 0; i < G_N_ELEMENTS(op->values); i++)
    g_free(op->values[i]);
  g_free(op);
}

GTask *
quectel_task_new(MmdQuectelBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  Op *op = g_new0(Op, 1);

  g_queue_init(&op->cmds);
  g_task_set_task_data(task, op, (GDestroyNotify)op_free);
  return task;
}

void
quectel_task_add(GTask *task, char *cmd)
{
  g_queue_push_tail(&((Op *)g_task_get_task_data(task))->cmds, cmd);
}

static const char *const read_settings[N_READS]
    = { "mode_pref", "rat_acq_order", "lte_band", "nr5g_band" };

static void
report_current(MmdQuectelBackend *self, Op *op)
{
  guint modes = 0, first = 0, order = 0, lead = 0;
  g_autoptr(GArray) lte = quectel_parse_bands(op->values[READ_LTE]);
  g_autoptr(GArray) nr = quectel_parse_bands(op->values[READ_NR]);
  g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(guint));

  if (quectel_parse_modes(op->values[READ_MODES], &modes, &first)) {
    modes &= self->supported_modes;
    /* A module always has an order: its first mode is the preferred one
     * only if we put it there. */
    if (!quectel_parse_modes(op->values[READ_ORDER], &order, &lead) || lead != self->preferred
        || !(lead & modes))
      lead = 0;
    if (modes)
      mmd_modem_set_current_modes(modem_of(self), modes,
                                  lead && (modes & ~lead) ? lead : MMD_MODEM_MODE_NONE);
  }
  for (guint i = 0; lte && i < lte->len; i++) {
    guint v = mmd_band_from_eutran(g_array_index(lte, guint, i));
    if (v)
      g_array_append_val(values, v);
  }
  for (guint i = 0; nr && i < nr->len; i++) {
    guint v = mmd_band_from_ngran(g_array_index(nr, guint, i));
    if (v)
      g_array_append_val(values, v);
  }
  if (lte || nr)
    mmd_modem_set_current_bands(modem_of(self), (const guint *)values->data, values->len);
}

static void next_command(GTask *task);

static void
answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data(task);
  GError *error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(
      MMD_QUECTEL_BACKEND(g_task_get_source_object(task))->ch, res, &error);

  if (shut_down(g_task_get_source_object(task), task)) {
    g_clear_error(&error);
    return;
  }
  if (error && !op->read) {
    mmd_task_fail(task, error);
    return;
  }
  if (op->read) {
    /* a setting the module does not have is left out of the report */
    op->values[op->read - 1]
        = response ? quectel_prefcfg_value(response, read_settings[op->read - 1]) : NULL;
    g_clear_error(&error);
  }
  next_command(task);
}

static void
next_command(GTask *task)
{
  MmdQuectelBackend *self = g_task_get_source_object(task);
  Op *op = g_task_get_task_data(task);
  g_autofree char *cmd = g_queue_pop_head(&op->cmds);

  if (!cmd && op->read_back && op->read < N_READS) {
    cmd = g_strdup_printf("AT+QNWPREFCFG=\"%s\"", read_settings[op->read++]);
  } else if (!cmd) {
    if (op->read_back)
      report_current(self, op);
    mmd_task_succeed(task);
    return;
  }
  mmd_at_channel_command(self->ch, cmd, AT_TIMEOUT_MS, 0, g_task_get_cancellable(task), answered,
                         task);
}

void
quectel_task_run(GTask *task)
{
  ((Op *)g_task_get_task_data(task))->read_back = TRUE;
  next_command(task);
}

void
quectel_task_run_only(GTask *task)
{
  next_command(task);
}

/* ---- URCs -------------------------------------------------------------- */

static void
reread_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message("Quectel: reading the settings again failed: %s", error->message);
}

/* RDY: the module (re)started; its settings are read again, as they are
 * after a reset. */
static void
on_ready(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  MmdQuectelBackend *self = user_data;

  g_message("%s: %s: module ready", mmd_modem_get_path(modem_of(self)), self->at_name);
  if (self->ready)
    quectel_task_run(quectel_task_new(self, self->cancellable, reread_done, NULL));
}

static void
on_qind(MmdAtChannel *ch, const char *line, gpointer user_data)
{
  g_debug("Quectel: %s", line); /* SMS DONE, PB DONE, ...: the module's own progress */
}

static void
on_gone(MmdAtChannel *ch, const GError *error, gpointer user_data)
{
  MmdQuectelBackend *self = user_data;

  /* the modem lives on its primary port; the vendor's operations fail now */
  g_message("%s: %s gone: %s", mmd_modem_get_path(modem_of(self)), self->at_name,
            error ? error->message : "hang-up");
}

/* ---- initialization ---------------------------------------------------- */

static const MmdNetworkOps quectel_network_ops = {
  .set_current_modes = quectel_set_current_modes,
  .set_current_bands = quectel_set_current_bands,
};

static const MmdModemOps quectel_modem_ops = {
  .reset = quectel_reset,
};

static void
settings_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(res), &error)) {
    mmd_task_fail(task, error);
    return;
  }
  mmd_task_succeed(task);
}

static void
policy_answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQuectelBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(
      MMD_QUECTEL_BACKEND(g_task_get_source_object(task))->ch, res, &error);

  if (shut_down(self, task))
    return;
  if (!response || !quectel_take_policy(self, response)) {
    /* an older module: the generic operations stay */
    g_message("%s: %s: no AT+QNWPREFCFG%s%s", mmd_modem_get_path(modem_of(self)), self->at_name,
              error ? ": " : "", error ? error->message : "");
    mmd_task_succeed(task);
    return;
  }
  self->ready = TRUE;
  if (self->primary && self->leave_modes)
    self->leave_modes(self->primary);
  mmd_modem_provide_network(modem_of(self), &quectel_network_ops, MMD_BACKEND(self));
  mmd_modem_provide_modem(modem_of(self), &quectel_modem_ops, MMD_BACKEND(self));
  quectel_report_supported(self);
  quectel_task_run(quectel_task_new(self, g_task_get_cancellable(task), settings_read, task));
}

static void
revision_answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQuectelBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autofree char *response = mmd_at_channel_command_finish(
      MMD_QUECTEL_BACKEND(g_task_get_source_object(task))->ch, res, &error);

  if (shut_down(self, task))
    return;
  /* the full revision, where the primary protocol gives a shorter one */
  if (response && *g_strstrip(response)) {
    g_autofree char *revision = mmd_text_sanitize(response, -1, REVISION_MAX);

    mmd_modem_set_identity(modem_of(self), NULL, NULL, revision, NULL);
  }
  mmd_at_channel_command(self->ch, "AT+QNWPREFCFG=\"policy_band\"", AT_TIMEOUT_MS, 0,
                         g_task_get_cancellable(task), policy_answered, task);
}

static void
echo_off(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQuectelBackend *self = g_task_get_source_object(task);

  g_free(mmd_at_channel_command_finish(MMD_QUECTEL_BACKEND(g_task_get_source_object(task))->ch, res,
                                       NULL));
  if (shut_down(self, task))
    return;
  mmd_at_channel_command(self->ch, "AT+QGMR", AT_TIMEOUT_MS, 0, g_task_get_cancellable(task),
                         revision_answered, task);
}

static void
quectel_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  MmdQuectelBackend *self = MMD_QUECTEL_BACKEND(backend);
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  self->ch = mmd_at_channel_new(self->at_name);
  if (!mmd_at_channel_open(self->ch, self->at_path, 115200, MMD_AT_FLOW_NONE, &error)) {
    /* the modem works without it, with the generic operations */
    g_message("%s: %s", mmd_modem_get_path(modem_of(self)), error->message);
    mmd_task_succeed(task);
    return;
  }
  mmd_at_channel_set_gone_handler(self->ch, on_gone, self);
  mmd_at_channel_add_urc_handler(self->ch, "RDY", on_ready, self);
  mmd_at_channel_add_urc_handler(self->ch, "+QIND:", on_qind, self);
  mmd_at_channel_command(self->ch, "ATE0", AT_TIMEOUT_MS, 0, cancellable, echo_off, task);
}

/* ---- lifetime ---------------------------------------------------------- */

static void
quectel_shutdown(MmdBackend *backend)
{
  MmdQuectelBackend *self = MMD_QUECTEL_BACKEND(backend);

  g_cancellable_cancel(self->cancellable);
  if (self->ch)
    mmd_at_channel_close(self->ch);
}

static void
mmd_quectel_backend_finalize(GObject *object)
{
  MmdQuectelBackend *self = MMD_QUECTEL_BACKEND(object);

  quectel_shutdown(MMD_BACKEND(self));
  g_clear_pointer(&self->ch, mmd_at_channel_unref);
  g_object_unref(self->cancellable);
  g_array_unref(self->lte_supported);
  g_array_unref(self->nr_supported);
  g_clear_weak_pointer(&self->primary);
  g_free(self->at_path);
  g_free(self->at_name);
  G_OBJECT_CLASS(mmd_quectel_backend_parent_class)->finalize(object);
}

static void
mmd_quectel_backend_init(MmdQuectelBackend *self)
{
  self->cancellable = g_cancellable_new();
  self->lte_supported = g_array_new(FALSE, FALSE, sizeof(guint));
  self->nr_supported = g_array_new(FALSE, FALSE, sizeof(guint));
}

static void
mmd_quectel_backend_class_init(MmdQuectelBackendClass *klass)
{
  MmdBackendClass *bc = MMD_BACKEND_CLASS(klass);

  G_OBJECT_CLASS(klass)->finalize = mmd_quectel_backend_finalize;
  bc->initialize = quectel_initialize;
  bc->shutdown = quectel_shutdown;
}

MmdBackend *
mmd_quectel_backend_new(MmdModem *modem, const MmdPort *at_port, MmdBackend *primary,
                        void (*leave_modes)(MmdBackend *primary))
{
  MmdQuectelBackend *self = g_object_new(MMD_TYPE_QUECTEL_BACKEND, "modem", modem, NULL);

  g_set_weak_pointer(&self->primary, primary);
  self->leave_modes = leave_modes;
  self->at_path = g_strdup(at_port->path);
  self->at_name = g_strdup(at_port->name);
  return MMD_BACKEND(self);
}
