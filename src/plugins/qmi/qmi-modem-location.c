/* The QMI plugin: the serving cell (3GPP location) from NAS System Info,
 * read once and then reported by the modem whenever it changes. */
#include "qmi-modem.h"

#include "mmd-errors.h"

#define QMI_ON 1

/* What the system info TLVs of each technology share. */
typedef struct {
  gboolean present;
  gboolean lac_valid, cid_valid, network_id_valid, tac_valid;
  guint16 lac;
  guint32 cid;
  guint16 tac;
  const guint8 *mcc, *mnc; /* 3 ASCII digits each; 0xFF pads a 2-digit MNC */
} SystemInfo;

/* The best technology first: the one the modem camps on reports its cell. */
enum { SYS_NR5G, SYS_LTE, SYS_WCDMA, SYS_GSM, N_SYS };

#define SYSTEM_INFO(has, x, tac_valid_, tac_)                                                      \
  ((SystemInfo){                                                                                   \
      .present = (has),                                                                            \
      .lac_valid = (x).lac_valid != 0,                                                             \
      .cid_valid = (x).cid_valid != 0,                                                             \
      .network_id_valid = (x).network_id_valid != 0,                                               \
      .tac_valid = (tac_valid_) != 0,                                                              \
      .lac = (x).lac,                                                                              \
      .cid = (x).cid,                                                                              \
      .tac = (tac_),                                                                               \
      .mcc = (x).mcc,                                                                              \
      .mnc = (x).mnc,                                                                              \
  })

/* A Get System Info response and a System Info indication carry the same
 * TLVs in two generated types. */
#define SYSTEM_INFOS_FROM(o, out)                                                                  \
  do {                                                                                             \
    (out)[SYS_NR5G] = SYSTEM_INFO((o).has_nr5g_system_info, (o).nr5g_system_info,                  \
                                  (o).nr5g_system_info.tac_valid, (o).nr5g_system_info.tac);       \
    (out)[SYS_LTE] = SYSTEM_INFO((o).has_lte_system_info, (o).lte_system_info,                     \
                                 (o).lte_system_info.tac_valid, (o).lte_system_info.tac);          \
    (out)[SYS_WCDMA] = SYSTEM_INFO((o).has_wcdma_system_info, (o).wcdma_system_info, 0, 0);        \
    (out)[SYS_GSM] = SYSTEM_INFO((o).has_gsm_system_info, (o).gsm_system_info, 0, 0);              \
  } while (0)

/* "262" or "01" from a network id's ASCII digits; FALSE unless they are
 * digits, at least min of them. */
static gboolean
network_code(const guint8 *raw, gsize min, char *out)
{
  gsize n = 0;

  while (n < 3 && raw[n] != 0xFF) {
    if (!g_ascii_isdigit(raw[n]))
      return FALSE;
    out[n] = (char)raw[n];
    n++;
  }
  out[n] = '\0';
  return n >= min;
}

static void
report_serving_cell(MmdQmiBackend *self, const SystemInfo *sys)
{
  MmdModem *modem = qmi_backend_modem(self);

  if (!modem)
    return;
  for (int i = 0; i < N_SYS; i++) {
    char mcc[4], mnc[4];

    if (!sys[i].present || !sys[i].network_id_valid || !sys[i].cid_valid
        || !network_code(sys[i].mcc, 3, mcc) || !network_code(sys[i].mnc, 2, mnc))
      continue;
    mmd_modem_set_3gpp_location(modem, mcc, mnc, sys[i].lac_valid ? sys[i].lac : 0,
                                sys[i].tac_valid ? sys[i].tac : 0, sys[i].cid);
    return;
  }
  /* no service: no cell */
  mmd_modem_set_3gpp_location(modem, NULL, NULL, 0, 0, 0);
}

static void
on_system_info_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  QmiNasSystemInfoIndication ind;
  SystemInfo sys[N_SYS];

  if (qmi_nas_system_info_indication_parse(msg, &ind, NULL)) {
    SYSTEM_INFOS_FROM(ind, sys);
    report_serving_cell(user_data, sys);
  }
  qmi_output_base_clear(&ind.base);
}

static void
system_info_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiNasGetSystemInfoOutput out;
  SystemInfo sys[N_SYS];

  if (qmi_client_nas_get_system_info_finish(self->nas, res, &out, &error)) {
    SYSTEM_INFOS_FROM(out, sys);
    report_serving_cell(self, sys);
  } else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_debug("Get System Info: %s", error->message);
  }
  qmi_output_base_clear(&out.base);
}

static void
system_info_registered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdQmiBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  QmiNasRegisterIndicationsOutput out;
  gboolean ok = qmi_client_nas_register_indications_finish(self->nas, res, &out, &error);

  qmi_output_base_clear(&out.base);
  if (!self->nas)
    return; /* shut down meanwhile */
  if (!ok) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message("[%s] the modem will not report its cell: %s", self->control_path, error->message);
    return;
  }
  qmi_client_nas_get_system_info(self->nas, QMI_TIMEOUT, self->cancellable, system_info_ready,
                                 g_object_ref(self));
}

void
qmi_location_setup(MmdQmiBackend *self)
{
  MmdModem *modem = qmi_backend_modem(self);

  if (!self->nas || self->system_info_ind_id)
    return;
  mmd_modem_set_location_capabilities(modem, MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI);
  self->system_info_ind_id = qmi_client_add_indication_handler(self->nas, QMI_NAS_IND_SYSTEM_INFO,
                                                               on_system_info_indication, self);
  QmiNasRegisterIndicationsInput in = { .has_system_info = TRUE, .system_info = QMI_ON };
  qmi_client_nas_register_indications(self->nas, &in, QMI_TIMEOUT, self->cancellable,
                                      system_info_registered, g_object_ref(self));
}
