/* What the MBIM plugin offers vendor plugins (src/plugins/<vendor>/): its
 * backend, made and provided as the plugin's own create() does, to be
 * extended with the vendor's operations. */
#pragma once

#include "plugin-api.h"

G_BEGIN_DECLS

/* Makes the MBIM backend of modem and provides its operations. */
MmdBackend *mmd_mbim_backend_new(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports);
/* Another backend sets and reports the modes now (a vendor's AT command):
 * what Register State says of them is left to it, so that the two do not
 * overwrite each other's CurrentModes. */
void mmd_mbim_backend_leave_modes(MmdBackend *backend);

G_END_DECLS
