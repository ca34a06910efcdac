/* Modes over MBIM: the data classes of Device Caps say what the modem can
 * do, and Register State (set, automatic registration) with data classes
 * says what it may use. MBIM has no preferred mode, so every combination is
 * offered without one. With the extensions (2.0) Register State tells the
 * data classes in force (PreferredDataClasses); without, the last set is
 * what is current. */
#include "mbim-backend.h"
#include "mbim-plugin.h"

static const struct {
  guint mode;
  guint32 data_classes;
} mode_classes[] = {
  { MMD_MODEM_MODE_2G, DATA_CLASS_GPRS | DATA_CLASS_EDGE },
  { MMD_MODEM_MODE_3G, DATA_CLASS_UMTS | DATA_CLASS_HSDPA | DATA_CLASS_HSUPA },
  { MMD_MODEM_MODE_4G, DATA_CLASS_LTE },
  { MMD_MODEM_MODE_5G, DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA },
};

guint
mbim_modes_from_data_classes(guint32 data_classes)
{
  guint modes = 0;

  for (gsize i = 0; i < G_N_ELEMENTS(mode_classes); i++)
    if (data_classes & mode_classes[i].data_classes)
      modes |= mode_classes[i].mode;
  return modes;
}

static guint32
data_classes_from_modes(guint modes, guint32 supported)
{
  guint32 classes = 0;

  for (gsize i = 0; i < G_N_ELEMENTS(mode_classes); i++)
    if (modes & mode_classes[i].mode)
      classes |= mode_classes[i].data_classes;
  return classes & supported;
}

void
mbim_modes_report_supported(MmdMbimBackend *self, guint32 data_classes)
{
  guint present[G_N_ELEMENTS(mode_classes)], n = 0;
  g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(guint[2]));
  guint all = mbim_modes_from_data_classes(data_classes);

  self->data_classes = data_classes;
  for (gsize i = 0; i < G_N_ELEMENTS(mode_classes); i++)
    if (all & mode_classes[i].mode)
      present[n++] = mode_classes[i].mode;
  /* every non-empty combination, the widest first (the default) */
  for (guint subset = (1u << n) - 1; subset > 0; subset--) {
    guint pair[2] = { 0, MMD_MODEM_MODE_NONE };

    for (guint i = 0; i < n; i++)
      if (subset & (1u << i))
        pair[0] |= present[i];
    g_array_append_val(pairs, pair);
  }
  mmd_modem_set_supported_modes(modem_of(self), (const guint(*)[2])pairs->data, pairs->len);
  if (!self->allowed_modes)
    self->allowed_modes = all;
  mmd_modem_set_current_modes(modem_of(self), self->allowed_modes, MMD_MODEM_MODE_NONE);
}

void
mmd_mbim_backend_leave_modes(MmdBackend *backend)
{
  MMD_MBIM_BACKEND(backend)->modes_elsewhere = TRUE;
}

void
mbim_modes_report_current(MmdMbimBackend *self, guint32 preferred_data_classes)
{
  guint modes = mbim_modes_from_data_classes(preferred_data_classes);

  if (!modes || modes == self->allowed_modes || self->modes_elsewhere)
    return;
  self->allowed_modes = modes;
  mmd_modem_set_current_modes(modem_of(self), modes, MMD_MODEM_MODE_NONE);
}

static void
set_modes_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  guint allowed = GPOINTER_TO_UINT(g_task_get_task_data(task));
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) f
      = mbim_command_register_state_set_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (mbim_failed(task, f, error))
    return;
  self->allowed_modes = allowed;
  mmd_modem_set_current_modes(modem_of(self), allowed, MMD_MODEM_MODE_NONE);
  mbim_report_registration(self, f, NULL, 0);
  mmd_task_succeed(task);
}

void
mbim_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdMbimBackend *self = MMD_MBIM_BACKEND(backend);
  GTask *task = g_task_new(backend, cancellable, callback, user_data);
  MbimSetRegistrationState in = {
    .provider_id = "",
    .register_action = 0, /* automatic */
    .data_class = data_classes_from_modes(allowed, self->data_classes),
  };

  if (!in.data_class || preferred != MMD_MODEM_MODE_NONE) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                    "Modes (allowed 0x%x, preferred 0x%x) are not supported "
                                    "over MBIM by this modem",
                                    allowed, preferred));
    return;
  }
  g_task_set_task_data(task, GUINT_TO_POINTER(allowed), NULL);
  mbim_command_register_state_set(self->device, &in, SCAN_TIMEOUT_S, cancellable, set_modes_done,
                                  task);
}
