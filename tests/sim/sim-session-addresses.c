/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the addresses of a data session, distinct per multiplexed link
 * (see sim_core_session_addresses() in sim-core.h).
 */
#include <string.h>

#include "sim-core.h"

void
sim_core_session_addresses(SimCore *core, const SimSession *session, guint8 ip4[4], guint8 gw4[4],
                           guint8 ip6[16], guint8 gw6[16])
{
  const SimConfig *c = sim_core_config(core);
  guint link = session ? session->link_id : 0;

  memcpy(ip4, c->ip4, 4);
  memcpy(gw4, c->gw4, 4);
  memcpy(ip6, c->ip6, 16);
  memcpy(gw6, c->gw6, 16);
  ip4[2] = (guint8)(ip4[2] + link);
  gw4[2] = (guint8)(gw4[2] + link);
  ip6[5] = (guint8)(ip6[5] + link);
  gw6[5] = (guint8)(gw6[5] + link);
}
