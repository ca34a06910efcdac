#define G_LOG_DOMAIN "modemd-probe"

#include "probe.h"

#include "plugin-registry.h"
#include "sysfs.h"

static void
set_ready(MmdDevicePort *port, MmdModemPortType type)
{
  port->type = type;
  port->state = MMD_DEVICE_PORT_READY;
}

static void
set_ignored(MmdDevicePort *port)
{
  port->type = MMD_MODEM_PORT_TYPE_IGNORED;
  port->state = MMD_DEVICE_PORT_IGNORED;
}

static void
classify_wwan(MmdDevicePort *port)
{
  g_autofree char *type = port->syspath ? mmd_sysfs_read_attr(port->syspath, "type") : NULL;

  if (!port->devnode || !type)
    set_ignored(port); /* the wwan device itself, or an unknown port */
  else if (port->hints & MMD_PORT_HINT_QMI || g_ascii_strcasecmp(type, "QMI") == 0)
    set_ready(port, MMD_MODEM_PORT_TYPE_QMI);
  else if (port->hints & MMD_PORT_HINT_MBIM || g_ascii_strcasecmp(type, "MBIM") == 0)
    set_ready(port, MMD_MODEM_PORT_TYPE_MBIM);
  else if (g_ascii_strcasecmp(type, "AT") == 0)
    set_ready(port, MMD_MODEM_PORT_TYPE_AT);
  else
    set_ignored(port); /* QCDM, FIREHOSE, XMMRPC, FASTBOOT, ADB, MIPC, ... */
}

void
mmd_probe_classify(MmdDevicePort *port)
{
  const char *subsystem = port->subsystem;

  if (port->hints & MMD_PORT_HINT_IGNORE) {
    set_ignored(port);
  } else if (g_strcmp0(subsystem, "net") == 0) {
    set_ready(port, MMD_MODEM_PORT_TYPE_NET);
  } else if (!port->devnode) {
    set_ignored(port);
  } else if (g_strcmp0(subsystem, "usbmisc") == 0) {
    if (port->hints & MMD_PORT_HINT_QMI || g_strcmp0(port->driver, "qmi_wwan") == 0)
      set_ready(port, MMD_MODEM_PORT_TYPE_QMI);
    else if (port->hints & MMD_PORT_HINT_MBIM || g_strcmp0(port->driver, "cdc_mbim") == 0)
      set_ready(port, MMD_MODEM_PORT_TYPE_MBIM);
    else
      set_ignored(port); /* hiddev, usblp, ... */
  } else if (g_strcmp0(subsystem, "wwan") == 0) {
    classify_wwan(port);
  } else if (g_strcmp0(subsystem, "tty") == 0) {
    if (port->hints & MMD_PORT_HINT_AT_ANY)
      set_ready(port, MMD_MODEM_PORT_TYPE_AT);
    else if (port->hints & MMD_PORT_HINT_GPS)
      set_ready(port, MMD_MODEM_PORT_TYPE_GPS);
    else if (port->plain_serial)
      set_ignored(port);
    else {
      port->type = MMD_MODEM_PORT_TYPE_UNKNOWN;
      port->state = MMD_DEVICE_PORT_WAITING;
    }
  } else {
    set_ignored(port);
  }
}

static const MmdPlugin *
find_prober(void)
{
  const MmdPlugin *const *plugins = mmd_plugins_get_all();

  for (guint i = 0; plugins[i]; i++) {
    if (plugins[i]->probe && plugins[i]->supports_port(MMD_MODEM_PORT_TYPE_AT))
      return plugins[i];
  }
  return NULL;
}

gboolean
mmd_probe_available(void)
{
  return find_prober() != NULL;
}

typedef struct {
  MmdDevicePort *port; /* valid while cancellable is not cancelled */
  GCancellable *cancellable;
  MmdProbeDoneFunc done;
  gpointer user_data;
  gint64 started;
  gboolean answered;
  char *error;
} ProbeContext;

static void
probe_context_free(ProbeContext *ctx)
{
  g_object_unref(ctx->cancellable);
  g_free(ctx->error);
  g_free(ctx);
}

/* Runs once the plugin has let go of the port (its task is gone), so that
 * the modem's backend can open it, exclusive, right away. */
static gboolean
probe_finish(gpointer user_data)
{
  ProbeContext *ctx = user_data;
  MmdDevicePort *port = ctx->port;

  if (!g_cancellable_is_cancelled(ctx->cancellable)) {
    g_debug("%s: AT probe %s after %" G_GINT64_FORMAT " ms%s%s", port->name,
            ctx->answered ? "answered" : "failed", (g_get_monotonic_time() - ctx->started) / 1000,
            ctx->error ? ": " : "", ctx->error ? ctx->error : "");
    g_clear_object(&port->probe_cancellable);
    if (ctx->answered)
      set_ready(port, MMD_MODEM_PORT_TYPE_AT);
    else
      set_ignored(port);
    ctx->done(port, ctx->user_data);
  }
  probe_context_free(ctx);
  return G_SOURCE_REMOVE;
}

static void
probe_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  ProbeContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  ctx->answered = g_task_propagate_boolean(G_TASK(result), &error);
  ctx->error = error ? g_strdup(error->message) : NULL;
  g_idle_add_full(G_PRIORITY_DEFAULT, probe_finish, ctx, NULL);
}

void
mmd_probe_port(MmdDevicePort *port, MmdProbeDoneFunc done, gpointer user_data)
{
  const MmdPlugin *prober = find_prober();
  g_autoptr(MmdPort) core_port = NULL;
  ProbeContext *ctx;

  g_return_if_fail(port->state == MMD_DEVICE_PORT_WAITING);
  if (!prober) {
    set_ignored(port);
    done(port, user_data);
    return;
  }
  port->state = MMD_DEVICE_PORT_PROBING;
  port->type = MMD_MODEM_PORT_TYPE_AT;
  port->probe_cancellable = g_cancellable_new();
  ctx = g_new0(ProbeContext, 1);
  ctx->port = port;
  ctx->cancellable = g_object_ref(port->probe_cancellable);
  ctx->done = done;
  ctx->user_data = user_data;
  ctx->started = g_get_monotonic_time();
  core_port = mmd_device_port_to_port(port);
  port->type = MMD_MODEM_PORT_TYPE_UNKNOWN;
  g_debug("%s: probing for AT", port->name);
  prober->probe(core_port, ctx->cancellable, probe_done, ctx);
}

void
mmd_probe_cancel(MmdDevicePort *port)
{
  if (port->state != MMD_DEVICE_PORT_PROBING)
    return;
  g_cancellable_cancel(port->probe_cancellable);
  g_clear_object(&port->probe_cancellable);
  port->type = MMD_MODEM_PORT_TYPE_UNKNOWN;
  port->state = MMD_DEVICE_PORT_WAITING;
}
