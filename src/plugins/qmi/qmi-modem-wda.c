/* The data format of the net port.
 *
 * qmi_wwan frames packets as 802.3 by default, but most modems today only do
 * raw IP. Before the first connect we ask the modem for raw IP over WDA and
 * tell the driver through /sys/class/net/IFACE/qmi/raw_ip what the modem
 * agreed to; a port without that attribute (not qmi_wwan) needs nothing.
 *
 * Multiplexed sessions need QMAP aggregation instead: raw IP packets in
 * aggregates that carry each one's mux id. The modem is asked for it with the
 * data port's endpoint; qmi_wwan wants raw IP before it takes mux links. The
 * two formats exclude each other, so each is set again when the other one
 * was in use. */
#define G_LOG_DOMAIN "modemd-qmi"

#include <errno.h>
#include <stdio.h>

#include "mmd-errors.h"
#include "qmi-modem.h"

#define WDA_LINK_LAYER_802_3 1
#define WDA_LINK_LAYER_RAW_IP 2
#define WDA_AGGREGATION_NONE 0
#define WDA_AGGREGATION_QMAP 5
#define WDA_AGGREGATION_QMAPV5 9
/* What a host of ours takes in one aggregate; qmi_wwan's own default. */
#define QMAP_MAX_DATAGRAMS 32
#define QMAP_MAX_SIZE 32768

static char *
raw_ip_path(const char *iface)
{
  return g_build_filename("/sys/class/net", iface, "qmi", "raw_ip", NULL);
}

gboolean
qmi_data_port_is_qmi_wwan(const char *iface)
{
  g_autofree char *path = iface ? raw_ip_path(iface) : NULL;

  return path && g_file_test(path, G_FILE_TEST_EXISTS);
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
  guint32 qmap; /* the aggregation protocol asked for, or 0 */
  QmiEndpoint endpoint;
} FormatContext;

static void
format_context_free(FormatContext *ctx)
{
  g_free(ctx->iface);
  g_free(ctx);
}

static GError *
qmap_refused(const FormatContext *ctx, const QmiWdaSetDataFormatOutput *out)
{
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                     "The modem refused QMAP aggregation on %s (downlink protocol %u): no "
                     "multiplexed sessions",
                     ctx->iface, out->dl_data_aggregation_protocol);
}

static void
set_format_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  FormatContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  QmiWdaSetDataFormatOutput out;
  gboolean ok = qmi_client_wda_set_data_format_finish(self->wda, res, &out, &error);
  gboolean raw_ip
      = !out.has_link_layer_protocol || out.link_layer_protocol == WDA_LINK_LAYER_RAW_IP;

  if (ctx->qmap && ok && out.has_dl_data_aggregation_protocol
      && out.dl_data_aggregation_protocol != ctx->qmap)
    error = qmap_refused(ctx, &out);
  qmi_output_base_clear(&out.base);
  if (error && (ctx->qmap || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
    g_prefix_error(&error, "Setting QMAP on %s: ", ctx->iface);
    mmd_task_fail(task, error);
    return;
  }
  if (error) {
    g_message("%s: WDA Set Data Format failed (%s): keeping 802.3 framing", ctx->iface,
              error->message);
    g_clear_error(&error);
    raw_ip = FALSE;
  }
  if (qmi_data_port_is_qmi_wwan(ctx->iface))
    set_driver_raw_ip(ctx->iface, raw_ip);
  self->data_format = ctx->qmap ? QMI_DATA_FORMAT_QMAP : QMI_DATA_FORMAT_PLAIN;
  mmd_task_succeed(task);
}

static void
set_format(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  FormatContext *ctx = g_task_get_task_data(task);
  QmiWdaSetDataFormatInput in = {
    .has_qos_format = TRUE,
    .qos_format = 0,
    .has_link_layer_protocol = TRUE,
    .link_layer_protocol = WDA_LINK_LAYER_RAW_IP,
  };

  if (ctx->qmap || self->data_format == QMI_DATA_FORMAT_QMAP) {
    guint32 aggregation = ctx->qmap ? ctx->qmap : WDA_AGGREGATION_NONE;

    in.has_ul_data_aggregation_protocol = in.has_dl_data_aggregation_protocol = TRUE;
    in.ul_data_aggregation_protocol = in.dl_data_aggregation_protocol = aggregation;
  }
  if (ctx->qmap) {
    in.has_dl_data_aggregation_max_datagrams = TRUE;
    in.dl_data_aggregation_max_datagrams = QMAP_MAX_DATAGRAMS;
    in.has_dl_data_aggregation_max_size = TRUE;
    in.dl_data_aggregation_max_size = QMAP_MAX_SIZE;
    in.has_endpoint_info = TRUE;
    in.endpoint_info.endpoint_type = ctx->endpoint.type;
    in.endpoint_info.interface_number = ctx->endpoint.interface_number;
  }
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
  if (self->wda) {
    set_format(task);
    return;
  }
  if (ctx->qmap || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_prefix_error(&error, "No QMAP on %s: ", ctx->iface);
    mmd_task_fail(task, error);
    return;
  }
  g_message("%s: no WDA service (%s): keeping 802.3 framing", ctx->iface, error->message);
  g_error_free(error);
  if (qmi_data_port_is_qmi_wwan(ctx->iface))
    set_driver_raw_ip(ctx->iface, FALSE);
  self->data_format = QMI_DATA_FORMAT_PLAIN;
  mmd_task_succeed(task);
}

static void
format_start(MmdQmiBackend *self, const char *iface, guint32 qmap, const QmiEndpoint *endpoint,
             GTask *task)
{
  FormatContext *ctx = g_new0(FormatContext, 1);

  ctx->iface = g_strdup(iface);
  ctx->qmap = qmap;
  if (endpoint)
    ctx->endpoint = *endpoint;
  g_task_set_task_data(task, ctx, (GDestroyNotify)format_context_free);
  if (self->wda)
    set_format(task);
  else
    qmi_device_allocate_client(self->device, QMI_SERVICE_WDA, QMI_TIMEOUT,
                               g_task_get_cancellable(task), wda_allocated, task);
}

void
qmi_data_format_setup(MmdQmiBackend *self, const char *iface, GTask *task)
{
  /* only qmi_wwan has a framing to agree on, unless QMAP must be undone */
  if (self->data_format == QMI_DATA_FORMAT_PLAIN
      || (self->data_format == QMI_DATA_FORMAT_UNSET && !qmi_data_port_is_qmi_wwan(iface))) {
    mmd_task_succeed(task);
    return;
  }
  format_start(self, iface, 0, NULL, task);
}

void
qmi_data_format_setup_qmap(MmdQmiBackend *self, const char *iface, const QmiEndpoint *endpoint,
                           gboolean qmap_v5, GTask *task)
{
  if (self->data_format == QMI_DATA_FORMAT_QMAP) {
    mmd_task_succeed(task);
    return;
  }
  format_start(self, iface, qmap_v5 ? WDA_AGGREGATION_QMAPV5 : WDA_AGGREGATION_QMAP, endpoint,
               task);
}
