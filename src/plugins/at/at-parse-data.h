/* Packet data: PDP contexts (+CGDCONT read and test), their activation
 * (+CGACT), addresses (+CGPADDR) and dynamic parameters (+CGCONTRDP). Every
 * string returned is clean text (at-parse-common.h); addresses are re-printed
 * from their parsed form. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint cid;
  char *pdp_type;
  char *apn;
} MmdAtPdpContext;
void mmd_at_pdp_context_free(MmdAtPdpContext *ctx);
/* +CGDCONT?: GPtrArray of MmdAtPdpContext. */
GPtrArray *mmd_at_parse_cgdcont_read(const char *response, GError **error);
/* +CGDCONT=?: highest cid and supported families (MmdBearerIpFamily mask). */
gboolean mmd_at_parse_cgdcont_test(const char *response, guint *max_cid, guint *families,
                                   GError **error);
/* +CGACT?: GArray of guint pairs (cid, state) flattened. */
GArray *mmd_at_parse_cgact_read(const char *response, GError **error);
/* +CGPADDR[=cid]: addresses of cid (IPv4 and/or IPv6 text, NULL if absent). */
gboolean mmd_at_parse_cgpaddr(const char *response, guint cid, char **ip4, char **ip6,
                              GError **error);

typedef struct {
  guint cid;
  char *apn;
  char *address; /* text form */
  guint prefix;
  char *gateway;
  char *dns[2];
  guint mtu;
  gboolean ipv6;
} MmdAtContextInfo;
void mmd_at_context_info_free(MmdAtContextInfo *info);
/* +CGCONTRDP: GPtrArray of MmdAtContextInfo (IPv4 and IPv6 lines). */
GPtrArray *mmd_at_parse_cgcontrdp(const char *response, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtContextInfo, mmd_at_context_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtPdpContext, mmd_at_pdp_context_free)

G_END_DECLS
