/* The SIM object: identity properties and the PIN methods. */
#pragma once

#include <gio/gio.h>

#include "mdbus-generated.h"

G_BEGIN_DECLS

typedef struct _MmdModem MmdModem;

#define MMD_TYPE_SIM (mmd_sim_get_type())
G_DECLARE_FINAL_TYPE(MmdSim, mmd_sim, MMD, SIM, GObject)

MmdSim *mmd_sim_new(MmdModem *modem, guint index);
const char *mmd_sim_get_path(MmdSim *self);
MdbusObjectSkeleton *mmd_sim_get_object(MmdSim *self);
void mmd_sim_update(MmdSim *self, const char *iccid, const char *imsi, const char *operator_id,
                    const char *operator_name);
/* The modem is going away: fail new calls. */
void mmd_sim_detach(MmdSim *self);

G_END_DECLS
