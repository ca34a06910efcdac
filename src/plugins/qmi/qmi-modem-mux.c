/* The QMI plugin: the data path of SoC modems.
 *
 * On a Qualcomm SoC the modem's data comes through a net device of the SoC
 * (IPA: driver "ipa", e.g. rmnet_ipa0) as QMAP: packets tagged with a mux
 * id, one per data session. A session needs three things before it starts: the
 * modem set to raw IP with QMAP aggregation on the embedded endpoint (WDA Set
 * Data Format, once), the session's WDS clients bound to a mux id (WDS Bind
 * Mux Data Port), and an rmnet link for that mux id on the IPA device, which
 * becomes the bearer's interface. The link goes with the session.
 *
 * qmi_wwan's raw_ip attribute has no meaning here (qmi-modem-wda.c only
 * writes it where it exists). */
#define G_LOG_DOMAIN "modemd-qmi"

#include <linux/if_link.h>

#include "mmd-errors.h"
#include "mmd-link.h"
#include "qmi-modem.h"

#define WDA_LINK_LAYER_RAW_IP 2
#define WDA_AGGREGATION_QMAP 5
#define WDA_AGGREGATION_QMAPV5 9
#define ENDPOINT_TYPE_EMBEDDED 4
#define ENDPOINT_INTERFACE_EMBEDDED 1
/* One session at a time on this backend: it rides on mux id 1. */
#define SESSION_MUX_ID 1

typedef struct {
  char *iface;         /* the IPA net device */
  QmiClient *binds[2]; /* WDS clients still to bind, the last one first */
  guint n_binds;
  guint32 rmnet_flags;
} MuxContext;

static void
mux_context_free(MuxContext *ctx)
{
  g_free(ctx->iface);
  g_free(ctx);
}

/* A SoC's modem carries its data as QMAP on its data port, whatever the
 * driver (IPA on SDM845 and later); a QRTR modem without a net port has no
 * data path on this host, and its sessions are set up without one. */
gboolean
qmi_mux_applies(MmdQmiBackend *self, const char *iface)
{
  return iface && self->control_path && g_str_has_prefix(self->control_path, "qrtr://");
}

/* The checksum offload the IPA hardware does, as its driver tells in sysfs
 * ("MAPv4" or "MAPv5"), to be asked of the rmnet link too. */
static guint32
offload_flags(const char *iface, const char *direction, guint32 v4, guint32 v5)
{
  g_autofree char *path
      = g_build_filename("/sys/class/net", iface, "device", "feature", direction, NULL);
  g_autofree char *value = NULL;

  if (!g_file_get_contents(path, &value, NULL, NULL))
    return 0;
  if (g_str_has_prefix(value, "MAPv5"))
    return v5;
  if (g_str_has_prefix(value, "MAPv4"))
    return v4;
  return 0;
}

static void
create_link(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  MuxContext *ctx = g_task_get_task_data(task);
  g_autofree char *name = g_strdup_printf("rmnet_data%u", SESSION_MUX_ID - 1);
  MmdLinkSpec spec = {
    .kind = MMD_LINK_RMNET,
    .name = name,
    .parent = ctx->iface,
    .id = SESSION_MUX_ID,
    .flags = ctx->rmnet_flags,
  };
  GError *error = NULL;

  /* a link left by a daemon that did not stop cleanly is in the way */
  if (mmd_link_exists(name) && !mmd_link_remove(name, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  if (!mmd_link_add(&spec, &error)) {
    g_prefix_error(&error, "No data interface for the session: ");
    mmd_task_fail(task, error);
    return;
  }
  g_message("%s: session on %s (mux id %u)", ctx->iface, name, SESSION_MUX_ID);
  g_free(self->mux_link);
  self->mux_link = g_steal_pointer(&name);
  mmd_task_succeed(task);
}

static void bind_next(GTask *task);

static void
bind_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MuxContext *ctx = g_task_get_task_data(task);
  QmiWdsBindMuxDataPortOutput out;
  GError *error = NULL;

  if (!qmi_client_wds_bind_mux_data_port_finish(ctx->binds[ctx->n_binds - 1], res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    g_prefix_error(&error, "Binding the session to mux id %u: ", SESSION_MUX_ID);
    mmd_task_fail(task, error);
    return;
  }
  qmi_output_base_clear(&out.base);
  ctx->n_binds--;
  bind_next(task);
}

static void
bind_next(GTask *task)
{
  MuxContext *ctx = g_task_get_task_data(task);
  QmiWdsBindMuxDataPortInput in = {
    .has_endpoint_info = TRUE,
    .endpoint_info
    = { .endpoint_type = ENDPOINT_TYPE_EMBEDDED, .interface_number = ENDPOINT_INTERFACE_EMBEDDED },
    .has_mux_id = TRUE,
    .mux_id = SESSION_MUX_ID,
  };

  if (ctx->n_binds == 0) {
    create_link(task);
    return;
  }
  qmi_client_wds_bind_mux_data_port(ctx->binds[ctx->n_binds - 1], &in, QMI_TIMEOUT,
                                    g_task_get_cancellable(task), bind_ready, task);
}

static void
format_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  QmiWdaSetDataFormatOutput out;
  GError *error = NULL;
  gboolean qmap;

  if (!qmi_client_wda_set_data_format_finish(self->wda, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    g_prefix_error(&error, "Setting QMAP on the modem: ");
    mmd_task_fail(task, error);
    return;
  }
  qmap = (!out.has_link_layer_protocol || out.link_layer_protocol == WDA_LINK_LAYER_RAW_IP)
         && (!out.has_dl_data_aggregation_protocol
             || out.dl_data_aggregation_protocol >= WDA_AGGREGATION_QMAP);
  qmi_output_base_clear(&out.base);
  if (!qmap) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                    "The modem refused raw IP with QMAP on its embedded "
                                    "data endpoint"));
    return;
  }
  self->mux_format_done = TRUE;
  bind_next(task);
}

static void
set_format(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  MuxContext *ctx = g_task_get_task_data(task);
  guint32 aggregation
      = ctx->rmnet_flags & (RMNET_FLAGS_INGRESS_MAP_CKSUMV5 | RMNET_FLAGS_EGRESS_MAP_CKSUMV5)
            ? WDA_AGGREGATION_QMAPV5
            : WDA_AGGREGATION_QMAP;
  QmiWdaSetDataFormatInput in = {
    .has_link_layer_protocol = TRUE,
    .link_layer_protocol = WDA_LINK_LAYER_RAW_IP,
    .has_ul_data_aggregation_protocol = TRUE,
    .ul_data_aggregation_protocol = aggregation,
    .has_dl_data_aggregation_protocol = TRUE,
    .dl_data_aggregation_protocol = aggregation,
    .has_endpoint_info = TRUE,
    .endpoint_info
    = { .endpoint_type = ENDPOINT_TYPE_EMBEDDED, .interface_number = ENDPOINT_INTERFACE_EMBEDDED },
  };

  if (self->mux_format_done) {
    bind_next(task);
    return;
  }
  qmi_client_wda_set_data_format(self->wda, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                 format_ready, task);
}

static void
wda_allocated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;

  self->wda = qmi_device_allocate_client_finish(self->device, res, &error);
  if (!self->wda) {
    g_prefix_error(&error, "QMAP needs the modem's WDA service: ");
    mmd_task_fail(task, error);
    return;
  }
  set_format(task);
}

void
qmi_mux_prepare(MmdQmiBackend *self, const char *iface, QmiClient *wds, QmiClient *wds6,
                GTask *task)
{
  MuxContext *ctx = g_new0(MuxContext, 1);

  ctx->iface = g_strdup(iface);
  ctx->binds[ctx->n_binds++] = wds;
  if (wds6)
    ctx->binds[ctx->n_binds++] = wds6;
  ctx->rmnet_flags = RMNET_FLAGS_INGRESS_DEAGGREGATION
                     | offload_flags(iface, "rx_offload", RMNET_FLAGS_INGRESS_MAP_CKSUMV4,
                                     RMNET_FLAGS_INGRESS_MAP_CKSUMV5)
                     | offload_flags(iface, "tx_offload", RMNET_FLAGS_EGRESS_MAP_CKSUMV4,
                                     RMNET_FLAGS_EGRESS_MAP_CKSUMV5);
  g_task_set_task_data(task, ctx, (GDestroyNotify)mux_context_free);
  if (self->wda || self->mux_format_done)
    set_format(task);
  else
    qmi_device_allocate_client(self->device, QMI_SERVICE_WDA, QMI_TIMEOUT,
                               g_task_get_cancellable(task), wda_allocated, task);
}

void
qmi_mux_release(MmdQmiBackend *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = g_steal_pointer(&self->mux_link);

  if (link && !mmd_link_remove(link, &error))
    g_warning("%s", error->message);
}
