/* What the QMI plugin offers vendor plugins (src/plugins/<vendor>/): its
 * backend, made and provided as the plugin's own create() does, to be
 * extended with the vendor's operations. */
#pragma once

#include "plugin-api.h"

G_BEGIN_DECLS

/* Makes the QMI backend of modem and provides its operations. */
MmdBackend *mmd_qmi_backend_new(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports);

G_END_DECLS
