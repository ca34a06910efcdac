#define G_LOG_DOMAIN "modemd-modem"

#include "modem-create.h"

#include "auth.h"
#include "control.h"
#include "method.h"
#include "simple.h"

MmdModem *
mmd_modem_create(const MmdExporter *exporter, const char *device, const MmdDeviceInfo *info,
                 const MmdPlugin *plugin, GPtrArray *ports)
{
  MmdModem *modem = mmd_modem_new(exporter, device, info, plugin, ports);
  MmdBackend *backend;

  mmd_control_attach(modem);
  backend = plugin->create(modem, mmd_modem_get_device_info(modem), mmd_modem_get_ports(modem));
  mmd_modem_set_primary_backend(modem, backend);
  mmd_simple_attach(modem);
  /* What no room handles is answered, after authorization, as unsupported. */
  mmd_methods_bind_unsupported(mmd_modem_get_iface(modem), MMD_AUTH_DEVICE_CONTROL,
                               G_OBJECT(modem));
  mmd_exporter_export_modem(exporter, G_DBUS_OBJECT_SKELETON(mmd_modem_get_object(modem)));
  mmd_control_initialize(modem);
  return modem;
}
