/* PDP contexts, their state and addresses from 27.007 responses. */
#include "at-parse-data.h"

#include <string.h>

#include <gio/gio.h>

#include "at-parse-common.h"
#include "mmd-enums.h"

void
mmd_at_pdp_context_free(MmdAtPdpContext *ctx)
{
  if (!ctx)
    return;
  g_free(ctx->pdp_type);
  g_free(ctx->apn);
  g_free(ctx);
}

GPtrArray *
mmd_at_parse_cgdcont_read(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGDCONT:", NULL };
  g_autoptr(GPtrArray) list
      = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_pdp_context_free);
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = NULL;
    g_autofree char *type = NULL;
    MmdAtPdpContext *ctx;
    int cid;

    if (!v)
      continue;
    f = mmd_at_split_fields(v, NULL, NULL);
    if (!f || !mmd_at_field_int(f, 0, &cid) || f->len < 2) {
      mmd_at_parse_fail(error, "+CGDCONT?", response);
      return NULL;
    }
    ctx = g_new0(MmdAtPdpContext, 1);
    ctx->cid = (guint)cid;
    type = mmd_at_text(mmd_at_field(f, 1));
    ctx->pdp_type = g_ascii_strup(type, -1);
    ctx->apn = mmd_at_text(f->len > 2 ? mmd_at_field(f, 2) : "");
    g_ptr_array_add(list, ctx);
  }
  return g_steal_pointer(&list);
}

/* "(1-16)", "(1,2,3)", "1" -> highest number */
static gboolean
range_max(const char *s, guint *max)
{
  gboolean any = FALSE;
  gulong best = 0;
  const char *p = s;

  while (*p) {
    if (g_ascii_isdigit(*p)) {
      gulong v = 0;
      while (g_ascii_isdigit(*p) && v < 100000)
        v = v * 10 + (gulong)(*p++ - '0');
      while (g_ascii_isdigit(*p))
        p++;
      if (v > best)
        best = v;
      any = TRUE;
    } else if (*p == '(' || *p == ')' || *p == '-' || *p == ',' || *p == ' ') {
      p++;
    } else {
      return FALSE;
    }
  }
  if (any)
    *max = (guint)best;
  return any;
}

static guint
ip_family(const char *type)
{
  if (g_ascii_strcasecmp(type, "IP") == 0)
    return MMD_BEARER_IP_FAMILY_IPV4;
  if (g_ascii_strcasecmp(type, "IPV6") == 0)
    return MMD_BEARER_IP_FAMILY_IPV6;
  if (g_ascii_strcasecmp(type, "IPV4V6") == 0)
    return MMD_BEARER_IP_FAMILY_IPV4V6;
  if (g_ascii_strcasecmp(type, "Non-IP") == 0)
    return MMD_BEARER_IP_FAMILY_NON_IP;
  return 0;
}

gboolean
mmd_at_parse_cgdcont_test(const char *response, guint *max_cid, guint *families, GError **error)
{
  static const char *const prefixes[] = { "+CGDCONT:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);
  gboolean found = FALSE;

  *max_cid = 0;
  *families = 0;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    guint m;

    if (!f || f->len < 2 || !range_max(mmd_at_field(f, 0), &m))
      continue;
    found = TRUE;
    *max_cid = MAX(*max_cid, m);
    *families |= ip_family(mmd_at_field(f, 1));
  }
  if (!found)
    return mmd_at_parse_fail(error, "+CGDCONT=?", response);
  return TRUE;
}

GArray *
mmd_at_parse_cgact_read(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGACT:", NULL };
  g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(guint));
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = NULL;
    int cid, state;

    if (!v)
      continue;
    f = mmd_at_split_fields(v, NULL, NULL);
    if (!f || !mmd_at_field_int(f, 0, &cid) || !mmd_at_field_int(f, 1, &state) || state > 1) {
      mmd_at_parse_fail(error, "+CGACT?", response);
      return NULL;
    }
    g_array_append_val(pairs, cid);
    g_array_append_val(pairs, state);
  }
  return g_steal_pointer(&pairs);
}

/* Dotted-decimal octets (27.007 style) -> bytes; returns count or -1. */
static int
dotted_octets(const char *s, guint8 *out, int max)
{
  int n = 0;
  const char *p = s;

  if (!*p)
    return -1;
  while (*p) {
    gulong v = 0;
    int digits = 0;

    while (g_ascii_isdigit(*p)) {
      v = v * 10 + (gulong)(*p++ - '0');
      if (++digits > 3)
        return -1;
    }
    if (digits == 0 || v > 255 || n >= max)
      return -1;
    out[n++] = (guint8)v;
    if (*p == '.')
      p++;
    else if (*p)
      return -1;
  }
  return n;
}

/* The number of bits set in a netmask of len bytes. */
static guint
mask_bits(const guint8 *mask, gsize len)
{
  guint bits = 0;

  for (gsize i = 0; i < len; i++)
    for (int k = 7; k >= 0; k--)
      bits += (mask[i] >> k) & 1;
  return bits;
}

static char *
ipv6_text(const guint8 *bytes)
{
  GInetAddress *a = g_inet_address_new_from_bytes(bytes, G_SOCKET_FAMILY_IPV6);
  char *t = g_inet_address_to_string(a);

  g_object_unref(a);
  return t;
}

/* An address as text: IPv4 dotted, IPv6 colon form, or 16 dotted octets; 27.007
 * appends the subnet mask as as many octets again (then *prefix is set). */
static char *
address_text(const char *s, gboolean *is_v6, guint *prefix)
{
  guint8 b[32];
  int n;

  if (prefix)
    *prefix = 0;
  if (strchr(s, ':')) {
    GInetAddress *a = g_inet_address_new_from_string(s);
    char *t;
    if (!a)
      return NULL;
    t = g_inet_address_to_string(a);
    g_object_unref(a);
    *is_v6 = TRUE;
    return t;
  }
  n = dotted_octets(s, b, sizeof b);
  if (n == 4 || n == 8) {
    *is_v6 = FALSE;
    if (n == 8 && prefix)
      *prefix = mask_bits(b + 4, 4);
    return g_strdup_printf("%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  }
  if (n == 16 || n == 32) {
    *is_v6 = TRUE;
    if (n == 32 && prefix)
      *prefix = mask_bits(b + 16, 16);
    return ipv6_text(b);
  }
  return NULL;
}

/* The addresses in fields 1 and 2 of a +CGPADDR line; FALSE on a bad one. */
static gboolean
cgpaddr_addresses(GPtrArray *f, char **ip4, char **ip6)
{
  for (guint k = 1; k < f->len && k < 3; k++) {
    gboolean v6 = FALSE;
    char *t;

    if (!*mmd_at_field(f, k))
      continue;
    t = address_text(mmd_at_field(f, k), &v6, NULL);
    if (!t)
      return FALSE;
    if (v6 && !*ip6)
      *ip6 = t;
    else if (!v6 && !*ip4)
      *ip4 = t;
    else
      g_free(t);
  }
  return TRUE;
}

gboolean
mmd_at_parse_cgpaddr(const char *response, guint cid, char **ip4, char **ip6, GError **error)
{
  static const char *const prefixes[] = { "+CGPADDR:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  *ip4 = *ip6 = NULL;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    int c;

    if (!f || !mmd_at_field_int(f, 0, &c) || (guint)c != cid)
      continue;
    if (!cgpaddr_addresses(f, ip4, ip6)) {
      g_clear_pointer(ip4, g_free);
      g_clear_pointer(ip6, g_free);
      return mmd_at_parse_fail(error, "+CGPADDR", response);
    }
    if (*ip4 || *ip6)
      return TRUE;
  }
  return mmd_at_parse_fail(error, "+CGPADDR", response);
}

void
mmd_at_context_info_free(MmdAtContextInfo *info)
{
  if (!info)
    return;
  g_free(info->apn);
  g_free(info->address);
  g_free(info->gateway);
  g_free(info->dns[0]);
  g_free(info->dns[1]);
  g_free(info);
}

/* One +CGCONTRDP line:
 * <cid>,<bearer_id>,<apn>[,<local_addr and subnet_mask>[,<gw_addr>[,<DNS_prim>[,<DNS_sec>
 * [,<P-CSCF_prim>[,<P-CSCF_sec>[,<IM_CN_Signalling_Flag>[,<LIPA_indication>[,<IPv4_MTU>]]]]]]]]]
 */
static MmdAtContextInfo *
parse_context_info(const char *v)
{
  g_autoptr(GPtrArray) f = mmd_at_split_fields(v, NULL, NULL);
  g_autoptr(MmdAtContextInfo) info = NULL;
  gboolean v6 = FALSE, other_v6 = FALSE;
  int cid, mtu;

  if (!f || !mmd_at_field_int(f, 0, &cid) || f->len < 4 || !*mmd_at_field(f, 3))
    return NULL;
  info = g_new0(MmdAtContextInfo, 1);
  info->cid = (guint)cid;
  info->apn = mmd_at_text(mmd_at_field(f, 2));
  info->address = address_text(mmd_at_field(f, 3), &v6, &info->prefix);
  if (!info->address)
    return NULL;
  info->ipv6 = v6;
  if (info->prefix == 0)
    info->prefix = v6 ? 64 : 32;
  if (f->len > 4 && *mmd_at_field(f, 4)
      && !(info->gateway = address_text(mmd_at_field(f, 4), &other_v6, NULL)))
    return NULL;
  for (guint k = 0; k < 2; k++)
    if (f->len > 5 + k && *mmd_at_field(f, 5 + k)
        && !(info->dns[k] = address_text(mmd_at_field(f, 5 + k), &other_v6, NULL)))
      return NULL;
  if (f->len > 11 && mmd_at_field_int(f, 11, &mtu))
    info->mtu = (guint)mtu;
  return g_steal_pointer(&info);
}

GPtrArray *
mmd_at_parse_cgcontrdp(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGCONTRDP:", NULL };
  g_autoptr(GPtrArray) list
      = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_context_info_free);
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    MmdAtContextInfo *info;

    if (!v)
      continue;
    if (!(info = parse_context_info(v))) {
      mmd_at_parse_fail(error, "+CGCONTRDP", response);
      return NULL;
    }
    g_ptr_array_add(list, info);
  }
  if (list->len == 0) {
    mmd_at_parse_fail(error, "+CGCONTRDP", response);
    return NULL;
  }
  return g_steal_pointer(&list);
}
