/* MBIM extensions (MBIMEx): which version the function speaks, and what the
 * layouts of version 2.0 add.
 *
 * After OPEN the host offers MBIM 1.0 with extensions 2.0 (MS Basic Connect
 * Extensions, Version); a function that answers speaks the extended version
 * it names from then on (never more than offered; one that does not know the
 * CID stays at 1.0). Version 2.0 adds Device Caps with the executor in the
 * extensions service, the preferred data classes at the end of Register
 * State and the RSRP/SNR list (LTE and NR) at the end of Signal State. A
 * notification arrives decoded with the 1.0 layout, which reads the same
 * first fields; what 2.0 appended is decoded again from its buffer here.
 *
 * Version 3.0 changes the layouts of Connect, Packet Service and Subscriber
 * Ready and moves Device Caps into IEs: not offered (yet). */
#include "mbim-backend.h"

#define MBIM_VERSION_1_0 0x0100
#define MBIMEX_VERSION_2_0 0x0200

/* RSRP and SNR of the extensions: reported values, 0xFFFFFFFF unknown. */
#define MBIMEX_UNKNOWN 0xFFFFFFFFu

static void
version_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimVersionInfo) v
      = mbim_command_ms_version_query_finish(MBIM_DEVICE(source), res, NULL, &error);

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    mbim_return_error(task, error);
    return;
  }
  /* never more than we offered, whatever the function says */
  self->mbimex = v ? MIN(v->mbim_extended_version, MBIMEX_VERSION_2_0) : 0;
  g_message("[%s] MBIM extensions %s", self->control_path,
            self->mbimex >= MBIMEX_VERSION_2_0 ? "2.0" : "none (MBIM 1.0)");
  mmd_task_succeed(task);
}

void
mbim_ex_negotiate(MmdMbimBackend *self, GTask *task)
{
  const MbimVersionInfo offer
      = { .mbim_version = MBIM_VERSION_1_0, .mbim_extended_version = MBIMEX_VERSION_2_0 };

  mbim_command_ms_version_query(self->device, &offer, CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                version_done, task);
}

gboolean
mbim_ex_v2(MmdMbimBackend *self)
{
  return self->mbimex >= MBIMEX_VERSION_2_0;
}

static void
caps_v2_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimMsDeviceCapsInfoV2) v2
      = mbim_command_ms_device_caps_query_finish(MBIM_DEVICE(source), res, NULL, &error);
  MbimDeviceCapsInfo caps;

  if (mbim_failed(task, v2, error))
    return;
  caps = (MbimDeviceCapsInfo){
    .device_type = v2->device_type,
    .cellular_class = v2->cellular_class,
    .voice_class = v2->voice_class,
    .sim_class = v2->sim_class,
    .data_class = v2->data_class,
    .sms_caps = v2->sms_caps,
    .control_caps = v2->control_caps,
    .max_sessions = v2->max_sessions,
    .custom_data_class = v2->custom_data_class,
    .device_id = v2->device_id,
    .firmware_info = v2->firmware_info,
    .hardware_info = v2->hardware_info,
  };
  mbim_report_device_caps(self, &caps);
  mmd_task_succeed(task);
}

void
mbim_ex_query_device_caps(MmdMbimBackend *self, GTask *task)
{
  mbim_command_ms_device_caps_query(self->device, CMD_TIMEOUT_S, g_task_get_cancellable(task),
                                    caps_v2_done, task);
}

guint32
mbim_ex_preferred_data_classes(MmdMbimBackend *self, const guint8 *buf, gsize len)
{
  g_autoptr(MbimRegistrationStateInfoV2) v2 = NULL;
  g_autoptr(GError) error = NULL;

  if (!mbim_ex_v2(self) || !buf)
    return 0;
  v2 = mbim_registration_state_info_v2_decode(buf, len, &error);
  if (!v2) {
    g_debug("[%s] Register State 2.0: %s", self->control_path, error->message);
    return 0;
  }
  return v2->preferred_data_classes;
}

static void
add_value(GVariantDict *d, const char *key, double value)
{
  g_variant_dict_insert(d, key, "d", value);
}

/* NR and LTE values of the RSRP/SNR list: RSRP in steps of 1 dB from -156
 * dBm (reported value 1; 0 is below), SNR in steps of 0.5 dB from -23 dB. */
static void
report_rsrp_snr(MmdMbimBackend *self, const MbimRsrpSnrInfo *e, guint32 rssi)
{
  GVariantDict d;
  const char *tech;

  if (e->system_type & (DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA))
    tech = "nr5g";
  else if (e->system_type & DATA_CLASS_LTE)
    tech = "lte";
  else
    return;
  g_variant_dict_init(&d, NULL);
  /* the RSSI of 1.0 is the LTE anchor's, and stays with the LTE values */
  if (g_str_equal(tech, "lte") && rssi <= 31)
    add_value(&d, "rssi", -113.0 + 2.0 * rssi);
  if (e->rsrp != MBIMEX_UNKNOWN && e->rsrp <= 126)
    add_value(&d, "rsrp", (double)e->rsrp - 157.0);
  if (e->snr != MBIMEX_UNKNOWN && e->snr <= 127)
    add_value(&d, "snr", -23.0 + e->snr / 2.0);
  mmd_modem_set_signal_values(modem_of(self), tech, g_variant_dict_end(&d));
}

void
mbim_ex_report_signal(MmdMbimBackend *self, const guint8 *buf, gsize len)
{
  g_autoptr(MbimSignalStateInfoV2) v2 = NULL;
  g_autoptr(GError) error = NULL;

  if (!mbim_ex_v2(self) || !buf)
    return;
  v2 = mbim_signal_state_info_v2_decode(buf, len, &error);
  if (!v2) {
    g_debug("[%s] Signal State 2.0: %s", self->control_path, error->message);
    return;
  }
  for (guint32 i = 0; i < v2->n_rsrp_snr; i++)
    report_rsrp_snr(self, &v2->rsrp_snr[i], v2->rssi);
}

static void
signal_v2_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdMbimBackend *self = g_task_get_source_object(task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) buf = mbim_device_command_finish(MBIM_DEVICE(source), res, NULL, &error);
  g_autoptr(MbimSignalStateInfo) v1 = NULL;
  gsize len = 0;
  const guint8 *data = buf ? g_bytes_get_data(buf, &len) : NULL;

  if (buf && !(v1 = mbim_signal_state_info_decode(data, len, &error)))
    g_clear_pointer(&buf, g_bytes_unref);
  if (mbim_failed(task, buf, error))
    return;
  mbim_report_signal(self, v1);
  mbim_ex_report_signal(self, data, len);
  mmd_task_succeed(task);
}

/* Signal State queried, its answer read with both layouts. */
void
mbim_ex_refresh_signal(MmdMbimBackend *self, GTask *task)
{
  mbim_device_command(self->device, mbim_uuid_basic_connect, MBIM_CID_SIGNAL_STATE,
                      MBIM_COMMAND_TYPE_QUERY, NULL, CMD_TIMEOUT_S, g_task_get_cancellable(task),
                      signal_v2_done, task);
}
