/* The Quectel plugin: Quectel modules (USB 2c7c, PCIe 1eac, and Qualcomm
 * 17cb functions with Quectel's subsystem vendor 1eac, as mhi-pci-generic
 * binds the RM5xx) driven by the generic QMI or MBIM backend, with the
 * module's AT port added for modes, bands, revision and reset
 * (quectel-backend.c). With both an MBIM and a QMI port, MBIM is the primary
 * protocol: its data path (wwan links) is the one upstream kernels give. */
#include "quectel-backend.h"

#ifdef MMD_QUECTEL_WITH_MBIM
#include "mbim-plugin.h"
#endif
#ifdef MMD_QUECTEL_WITH_QMI
#include "qmi-plugin.h"
#endif

static const MmdPort *
first_port(GPtrArray *ports, MmdModemPortType type)
{
  for (guint i = 0; ports && i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);

    if (port->type == type && (port->path || type == MMD_MODEM_PORT_TYPE_NET))
      return port;
  }
  return NULL;
}

static gboolean
supports_port(MmdModemPortType type)
{
#ifdef MMD_QUECTEL_WITH_MBIM
  if (type == MMD_MODEM_PORT_TYPE_MBIM)
    return TRUE;
#endif
#ifdef MMD_QUECTEL_WITH_QMI
  if (type == MMD_MODEM_PORT_TYPE_QMI)
    return TRUE;
#endif
  return FALSE;
}

static MmdBackend *
create(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  const MmdPort *at = first_port(ports, MMD_MODEM_PORT_TYPE_AT);
  void (*leave_modes)(MmdBackend * primary) = NULL;
  MmdBackend *primary = NULL;

#ifdef MMD_QUECTEL_WITH_MBIM
  if (first_port(ports, MMD_MODEM_PORT_TYPE_MBIM)) {
    primary = mmd_mbim_backend_new(modem, info, ports);
    leave_modes = mmd_mbim_backend_leave_modes;
  }
#endif
#ifdef MMD_QUECTEL_WITH_QMI
  if (!primary)
    primary = mmd_qmi_backend_new(modem, info, ports);
#endif
  if (at)
    mmd_modem_add_backend(modem, mmd_quectel_backend_new(modem, at, primary, leave_modes));
  return primary;
}

static const MmdDeviceId quectel_vendors[] = { { 0x2c7c, 0 }, { 0x1eac, 0 }, { 0, 0 } };
static const MmdDeviceId qualcomm[] = { { 0x17cb, 0 }, { 0, 0 } };
static const MmdDeviceId quectel_subsystem[] = { { 0x1eac, 0 }, { 0, 0 } };

/* Vendor plugins come before the generic ones (QMI 100, MBIM 200). */
#define QUECTEL_PRIORITY 50

extern const MmdPlugin mmd_plugin_quectel;
const MmdPlugin mmd_plugin_quectel = {
  .name = "quectel",
  .priority = QUECTEL_PRIORITY,
  .ids = quectel_vendors,
  .supports_port = supports_port,
  .create = create,
};

/* A Qualcomm PCIe function of a Quectel module: matched by its subsystem. */
extern const MmdPlugin mmd_plugin_quectel_qcom;
const MmdPlugin mmd_plugin_quectel_qcom = {
  .name = "quectel",
  .priority = QUECTEL_PRIORITY,
  .ids = qualcomm,
  .subsystem_ids = quectel_subsystem,
  .supports_port = supports_port,
  .create = create,
};
