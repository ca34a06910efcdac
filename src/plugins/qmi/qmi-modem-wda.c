/* The data format of the net port.
 *
 * qmi_wwan frames packets as 802.3 by default, but most modems today only do
 * raw IP. Before the first connect we ask the modem for raw IP over WDA and
 * tell the driver through /sys/class/net/IFACE/qmi/raw_ip what the modem
 * agreed to; a port without that attribute (not qmi_wwan) needs nothing. */
#define G_LOG_DOMAIN "modemd-qmi"

#include <errno.h>
#include <stdio.h>

#include "qmi-modem.h"

#define WDA_LINK_LAYER_802_3 1
#define WDA_LINK_LAYER_RAW_IP 2

static char *
raw_ip_path(const char *iface)
{
  return g_build_filename("/sys/class/net", iface, "qmi", "raw_ip", NULL);
}

static void
set_driver_raw_ip(const char *iface, gboolean raw_ip)
{
  g_autofree char *path = raw_ip_path(iface);
  g_autofree char *current = NULL;
  g_autoptr(GError) error = NULL;
  const char *want = raw_ip ? "Y" : "N";

  if (g_file_get_contents(path, &current, NULL, NULL) && current[0] == want[0])
    return;
  /* The driver refuses the change (EBUSY) while the interface is up. */
  if (!g_file_set_contents_full(path, want, 1, G_FILE_SET_CONTENTS_NONE, 0644, &error))
    g_warning("Cannot set %s to %s: %s", path, want, error->message);
  else
    g_message("%s: %s framing", iface, raw_ip ? "raw IP" : "802.3");
}

typedef struct {
  char *iface;
} FormatContext;

static void
format_context_free(FormatContext *ctx)
{
  g_free(ctx->iface);
  g_free(ctx);
}

static void
set_format_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  FormatContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiWdaSetDataFormatOutput out;

  if (!qmi_client_wda_set_data_format_finish(self->wda, res, &out, &error)) {
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      mmd_task_fail(task, g_steal_pointer(&error));
      return;
    }
    g_message("%s: WDA Set Data Format failed (%s): keeping 802.3 framing", ctx->iface,
              error->message);
    set_driver_raw_ip(ctx->iface, FALSE);
  } else {
    set_driver_raw_ip(ctx->iface, !out.has_link_layer_protocol
                                      || out.link_layer_protocol == WDA_LINK_LAYER_RAW_IP);
  }
  qmi_output_base_clear(&out.base);
  self->data_format_done = TRUE;
  mmd_task_succeed(task);
}

static void
set_format(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  QmiWdaSetDataFormatInput in = {
    .has_qos_format = TRUE,
    .qos_format = 0,
    .has_link_layer_protocol = TRUE,
    .link_layer_protocol = WDA_LINK_LAYER_RAW_IP,
  };

  qmi_client_wda_set_data_format(self->wda, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                 set_format_ready, task);
}

static void
wda_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  FormatContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;

  self->wda = qmi_device_allocate_client_finish(self->device, res, &error);
  if (!self->wda) {
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      mmd_task_fail(task, error);
      return;
    }
    g_message("%s: no WDA service (%s): keeping 802.3 framing", ctx->iface, error->message);
    g_error_free(error);
    set_driver_raw_ip(ctx->iface, FALSE);
    self->data_format_done = TRUE;
    mmd_task_succeed(task);
    return;
  }
  set_format(task);
}

void
qmi_data_format_setup(MmdQmiBackend *self, const char *iface, GTask *task)
{
  g_autofree char *path = iface ? raw_ip_path(iface) : NULL;
  FormatContext *ctx;

  if (self->data_format_done || !path || !g_file_test(path, G_FILE_TEST_EXISTS)) {
    mmd_task_succeed(task);
    return;
  }
  ctx = g_new0(FormatContext, 1);
  ctx->iface = g_strdup(iface);
  g_task_set_task_data(task, ctx, (GDestroyNotify)format_context_free);
  if (self->wda)
    set_format(task);
  else
    qmi_device_allocate_client(self->device, QMI_SERVICE_WDA, QMI_TIMEOUT,
                               g_task_get_cancellable(task), wda_allocated, task);
}
