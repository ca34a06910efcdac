/* The simple room: org.example.Modem1.Modem.Simple, where Connect runs the
 * whole chain from a locked SIM to a connected bearer. It is made of the
 * other rooms' operations and owns none of its own. */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* Exports the interface if the modem can connect (bearers and network). */
void mmd_simple_attach(MmdModem *modem);

G_END_DECLS
