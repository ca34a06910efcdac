/* The serving cell over MBIM: MS Basic Connect Extensions Location Info
 * Status, read when the registration changes and notified when the modem
 * changes cells; its network is the one the modem is registered on. */
#include "mbim-backend.h"

#include <string.h>

enum { REGISTER_STATE_HOME = 3, REGISTER_STATE_ROAMING = 4, REGISTER_STATE_PARTNER = 5 };

static gboolean
is_plmn(const char *id)
{
  gsize n = id ? strlen(id) : 0;

  return (n == 5 || n == 6) && strspn(id, "0123456789") == n;
}

static void
report_cell(MmdMbimBackend *self, const MbimLocationInfo *f)
{
  char mcc[4] = { 0 };

  if (!self->serving_plmn)
    return;
  memcpy(mcc, self->serving_plmn, 3);
  mmd_modem_set_3gpp_location(modem_of(self), mcc, self->serving_plmn + 3, f->location_area_code,
                              f->tracking_area_code, f->cell_id);
}

static void
location_read(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(MmdMbimBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimLocationInfo) f
      = mbim_command_ms_location_info_status_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (f) {
    report_cell(self, f);
  } else if (g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_NO_DEVICE_SUPPORT)) {
    /* a function without the Microsoft extensions cannot say where it is */
    mmd_modem_set_location_capabilities(modem_of(self), 0);
  } else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_debug("Location Info Status: %s", error->message);
  }
}

void
mbim_location_registration(MmdMbimBackend *self, const MbimRegistrationStateInfo *f)
{
  gboolean registered = f->register_state == REGISTER_STATE_HOME
                        || f->register_state == REGISTER_STATE_ROAMING
                        || f->register_state == REGISTER_STATE_PARTNER;

  g_clear_pointer(&self->serving_plmn, g_free);
  if (!registered || !is_plmn(f->provider_id) || !self->device) {
    mmd_modem_set_3gpp_location(modem_of(self), NULL, NULL, 0, 0, 0);
    return;
  }
  self->serving_plmn = g_strdup(f->provider_id);
  mbim_command_ms_location_info_status_query(self->device, CMD_TIMEOUT_S, NULL, location_read,
                                             g_object_ref(self));
}

static void
on_indication(MbimDevice *device, const MbimNotification *n, gpointer user_data)
{
  if (n->id == MBIM_NOTIFICATION_MS_LOCATION_INFO_STATUS)
    report_cell(user_data, n->ms_location_info_status);
}

void
mbim_location_attach(MmdMbimBackend *self)
{
  mmd_modem_set_location_capabilities(modem_of(self), MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI);
  g_signal_connect_object(self->device, "indication", G_CALLBACK(on_indication), self, 0);
}
