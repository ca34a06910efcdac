/* Network links of multiplexed data sessions, made with rtnetlink.
 *
 * A modem that carries several data sessions over one data port gives each
 * session its own network interface, a link on top of the port:
 *
 *   MMD_LINK_RMNET  QMI over MHI (mhi_net) or an SoC's IPA port: an rmnet
 *                   link per QMAP mux id, riding on the port's net device;
 *   MMD_LINK_WWAN   MBIM (or QMI) on the wwan subsystem: a link per session
 *                   id of the wwan device ("wwan0" in /sys/class/wwan);
 *   MMD_LINK_VLAN   MBIM over USB (cdc_mbim): VLAN id N is session N.
 *
 * The calls are synchronous (the kernel answers at once) and need
 * CAP_NET_ADMIN. A refusal names what was asked and what the kernel said,
 * including its extended acknowledgement ("Unknown device type" when the
 * kernel has no rmnet). The message builders are public for the tests that
 * check them byte for byte. Linked by the daemon and its plugins. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MMD_LINK_RMNET,
  MMD_LINK_WWAN,
  MMD_LINK_VLAN,
} MmdLinkKind;

/* rmnet flags (RMNET_FLAGS_* of the kernel): the port delivers QMAP
 * aggregates that the link takes apart. */
#define MMD_LINK_RMNET_DEAGGREGATION (1u << 0)

typedef struct {
  MmdLinkKind kind;
  const char *name;   /* the new interface, shorter than IFNAMSIZ */
  const char *parent; /* rmnet, VLAN: its net device; wwan: the wwan device */
  guint32 id;         /* rmnet: mux id 1-254; wwan: link id; VLAN: 1-4094 */
  guint32 flags;      /* rmnet only: MMD_LINK_RMNET_* */
} MmdLinkSpec;

/* "rmnet", "wwan" or "vlan": the kernel's name of the link type. */
const char *mmd_link_kind_name(MmdLinkKind kind);

/* Creates the link and brings it up (and its parent net device first, for
 * rmnet and VLAN); if it cannot be brought up it is deleted again, so that a
 * failure leaves no link behind. */
gboolean mmd_link_add(const MmdLinkSpec *spec, GError **error);
/* Deletes a link; one that is gone already is no error. */
gboolean mmd_link_remove(const char *name, GError **error);
/* Sets or clears IFF_UP (rmnet needs its parent up). */
gboolean mmd_link_set_up(const char *name, gboolean up, GError **error);
/* Whether a network interface of that name exists in our namespace. */
gboolean mmd_link_exists(const char *name);

/* The requests as sent (netlink header, ifinfomsg, attributes), with
 * NLM_F_REQUEST | NLM_F_ACK and the given sequence number. build_new takes
 * the parent's ifindex for rmnet and VLAN (ignored for wwan, which names
 * its parent device) and fails for a name or id the kernel would refuse. */
GByteArray *mmd_link_build_new(const MmdLinkSpec *spec, int parent_ifindex, guint32 seq,
                               GError **error);
GByteArray *mmd_link_build_delete(int ifindex, guint32 seq);
GByteArray *mmd_link_build_set_up(int ifindex, gboolean up, guint32 seq);

G_END_DECLS
