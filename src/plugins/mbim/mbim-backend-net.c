/* Radio, registration, scans and signal over MBIM, from notifications. */
#include "mbim-backend.h"

static void
radio_register_state_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_query_finish(MBIM_DEVICE(source), res, NULL, NULL);

  /* From here on, registration follows the REGISTER_STATE indications. */
  if (f)
    mbim_report_registration(self, f, NULL, 0);
  mmd_task_succeed(task);
}

static void
radio_set_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  gboolean on = GPOINTER_TO_INT(g_task_get_task_data(task));
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRadioStateInfo) f
      = mbim_command_radio_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  self->radio_on = on;
  if (!on) {
    mmd_modem_set_power_state(modem_of(self), MMD_MODEM_POWER_STATE_LOW);
    mmd_task_succeed(task);
    return;
  }
  mmd_modem_set_power_state(modem_of(self), MMD_MODEM_POWER_STATE_ON);
  mbim_command_register_state_query(mbim_device_of(task), CMD_TIMEOUT_S,
                                    g_task_get_cancellable(task), radio_register_state_done, task);
}

void
mbim_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  const MbimSetRadioState in = { .radio_state = on ? 1 : 0 };

  g_task_set_task_data(task, GINT_TO_POINTER(on), NULL);
  mbim_command_radio_state_set(mbim_device_of(task), &in, CMD_TIMEOUT_S, cancellable,
                               radio_set_done, task);
}

static void
register_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  mbim_report_registration(self, f, NULL, 0);
  mmd_task_succeed(task);
}

void
mbim_register_network(MmdBackend *backend, const char *operator_id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  gboolean automatic = !operator_id || !*operator_id;
  const MbimSetRegistrationState in
      = { .provider_id = automatic ? "" : operator_id, .register_action = automatic ? 0 : 1 };

  mbim_command_register_state_set(mbim_device_of(task), &in, SCAN_TIMEOUT_S, cancellable,
                                  register_done, task);
}

static void
scan_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimProviders) f
      = mbim_command_visible_providers_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  GVariantBuilder b;

  if (mbim_failed(task, f, error))
    return;
  g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
  for (guint32 i = 0; i < f->n_providers; i++) {
    const MbimProvider *p = &f->providers[i];
    MmdModem3gppNetworkAvailability avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_AVAILABLE;

    if (p->provider_state & PROVIDER_STATE_REGISTERED)
      avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT;
    else if (p->provider_state & PROVIDER_STATE_FORBIDDEN)
      avail = MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN;
    /* A visible provider names only its cellular class, not the technology. */
    mmd_scan_result_add(&b, avail, p->provider_name, p->provider_name, p->provider_id,
                        MMD_MODEM_ACCESS_TECHNOLOGY_UNKNOWN);
  }
  g_task_return_pointer(task, g_variant_ref_sink(g_variant_builder_end(&b)),
                        (GDestroyNotify)g_variant_unref);
  g_object_unref(task);
}

void
mbim_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  const MbimVisibleProvidersReq in = { .action = 0 };

  mbim_command_visible_providers_query(mbim_device_of(task), &in, SCAN_TIMEOUT_S, cancellable,
                                       scan_done, task);
}

static void
signal_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSignalStateInfo) f
      = mbim_command_signal_state_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  mbim_report_signal(self, f);
  mmd_task_succeed(task);
}

void
mbim_refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  if (mbim_ex_v2(MMD_MBIM_BACKEND(backend))) {
    mbim_ex_refresh_signal(MMD_MBIM_BACKEND(backend), task);
    return;
  }
  mbim_command_signal_state_query(mbim_device_of(task), CMD_TIMEOUT_S, cancellable, signal_done,
                                  task);
}
