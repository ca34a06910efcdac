/* The QMI plugin: 5G in the access technologies.
 *
 * Serving System names one radio interface per technology in use: LTE for a
 * modem on 5G NSA (EN-DC), whose NR leg only System Info tells ("EUTRA with
 * NR5G availability"), and 5GNR on SA, which System Info confirms with an
 * NR5G service. The registration is reported with what Serving System said
 * plus the 5GNR that System Info adds, whichever of them comes last. */
#include "qmi-modem.h"

enum { SERVICE_STATUS_AVAILABLE = 2 };

/* What System Info adds to the technologies of Serving System. */
static guint
nr5g_technologies(gboolean lte_service, gboolean nr5g_service, gboolean endc, gboolean dcnr_barred)
{
  if (nr5g_service || (lte_service && endc && !dcnr_barred))
    return MMD_MODEM_ACCESS_TECHNOLOGY_5GNR;
  return 0;
}

static void
report(MmdQmiBackend *self)
{
  QmiServingRegistration *r = &self->serving;
  MmdModem *modem = qmi_backend_modem(self);

  if (modem && r->known)
    mmd_modem_set_registration(modem, r->state, r->code, r->name, r->techs | self->nr5g_techs);
}

void
qmi_nr5g_report_registration(MmdQmiBackend *self, MmdModem3gppRegistrationState state,
                             const char *code, const char *name, guint techs)
{
  QmiServingRegistration *r = &self->serving;

  r->known = TRUE;
  r->state = state;
  g_free(r->code);
  r->code = g_strdup(code);
  g_free(r->name);
  r->name = g_strdup(name);
  r->techs = techs;
  report(self);
}

/* A Get System Info response and a System Info indication carry the same
 * TLVs in two generated types. */
#define NR5G_TECHNOLOGIES_FROM(o)                                                                  \
  nr5g_technologies((o).has_lte_service_status                                                     \
                        && (o).lte_service_status.service_status == SERVICE_STATUS_AVAILABLE,      \
                    (o).has_nr5g_service_status                                                    \
                        && (o).nr5g_service_status.service_status == SERVICE_STATUS_AVAILABLE,     \
                    (o).has_eutra_with_nr5g_availability && (o).eutra_with_nr5g_availability,      \
                    (o).has_dcnr_restriction && (o).dcnr_restriction)

static void
update(MmdQmiBackend *self, guint techs)
{
  if (techs == self->nr5g_techs)
    return;
  self->nr5g_techs = techs;
  report(self);
}

static void
on_system_info(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  QmiNasSystemInfoIndication ind;

  if (qmi_nas_system_info_indication_parse(msg, &ind, NULL))
    update(self, NR5G_TECHNOLOGIES_FROM(ind));
  qmi_output_base_clear(&ind.base);
}

static void
system_info_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  MmdQmiBackend *self = user_data;
  g_autoptr(GError) error = NULL;
  QmiNasGetSystemInfoOutput out;

  if (qmi_client_nas_get_system_info_finish(self->nas, res, &out, &error))
    update(self, NR5G_TECHNOLOGIES_FROM(out));
  else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug("System info: %s", error->message); /* older firmware: LTE as Serving System says */
  qmi_output_base_clear(&out.base);
  g_object_unref(self);
}

void
qmi_nr5g_setup(MmdQmiBackend *self)
{
  if (self->nas && !self->nr5g_ind_id)
    self->nr5g_ind_id = qmi_client_add_indication_handler(self->nas, QMI_NAS_IND_SYSTEM_INFO,
                                                          on_system_info, self);
}

void
qmi_nr5g_refresh(MmdQmiBackend *self)
{
  if (self->nas)
    qmi_client_nas_get_system_info(self->nas, QMI_TIMEOUT, self->cancellable, system_info_ready,
                                   g_object_ref(self));
}

void
qmi_nr5g_clear(MmdQmiBackend *self)
{
  g_clear_pointer(&self->serving.code, g_free);
  g_clear_pointer(&self->serving.name, g_free);
  self->serving.known = FALSE;
}
