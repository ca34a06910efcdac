/* Network links of multiplexed data sessions, made with rtnetlink.
 *
 * Plain rtnetlink rather than libmnl or libnl-route: the daemon sends three
 * kinds of small request and reads one acknowledgement each, which is less
 * code than the glue to a library, keeps the router build free of another
 * shared object, and the bytes on the wire are exactly what the tests
 * check. */
#include "mmd-link.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/wwan.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mmd-errors.h"
#include "mmd-text.h"

#define NLA_ALIGN_TO 4u
#define RMNET_MAX_MUX_ID 254
#define VLAN_MAX_ID 4094
/* What we keep of the kernel's explanation. */
#define KERNEL_MESSAGE_MAX 200

const char *
mmd_link_kind_name(MmdLinkKind kind)
{
  switch (kind) {
    case MMD_LINK_RMNET:
      return "rmnet";
    case MMD_LINK_WWAN:
      return "wwan";
    case MMD_LINK_VLAN:
      return "vlan";
  }
  return "?";
}

/* ---- building requests ---------------------------------------------------- */

static void
pad(GByteArray *msg)
{
  static const guint8 zeros[NLA_ALIGN_TO];

  if (msg->len % NLA_ALIGN_TO)
    g_byte_array_append(msg, zeros, NLA_ALIGN_TO - msg->len % NLA_ALIGN_TO);
}

static void
set_u16_at(GByteArray *msg, guint offset, guint16 value)
{
  memcpy(msg->data + offset, &value, sizeof value);
}

/* Starts an attribute; returns its offset for attr_end(). */
static guint
attr_begin(GByteArray *msg, guint16 type)
{
  guint offset = msg->len;
  struct nlattr nla = { .nla_len = 0, .nla_type = type };

  g_byte_array_append(msg, (const guint8 *)&nla, sizeof nla);
  return offset;
}

/* The length covers the payload, not the padding after it. */
static void
attr_end(GByteArray *msg, guint offset)
{
  set_u16_at(msg, offset + G_STRUCT_OFFSET(struct nlattr, nla_len), msg->len - offset);
  pad(msg);
}

static void
attr_put(GByteArray *msg, guint16 type, gconstpointer data, gsize len)
{
  guint at = attr_begin(msg, type);

  g_byte_array_append(msg, data, len);
  attr_end(msg, at);
}

static void
attr_put_u16(GByteArray *msg, guint16 type, guint16 value)
{
  attr_put(msg, type, &value, sizeof value);
}

static void
attr_put_u32(GByteArray *msg, guint16 type, guint32 value)
{
  attr_put(msg, type, &value, sizeof value);
}

static void
attr_put_string(GByteArray *msg, guint16 type, const char *value)
{
  attr_put(msg, type, value, strlen(value) + 1);
}

static GByteArray *
request_begin(guint16 type, guint16 flags, int ifindex, guint32 seq)
{
  GByteArray *msg = g_byte_array_new();
  struct nlmsghdr hdr = {
    .nlmsg_type = type,
    .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags,
    .nlmsg_seq = seq,
  };
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

  g_byte_array_append(msg, (const guint8 *)&hdr, sizeof hdr);
  g_byte_array_append(msg, (const guint8 *)&ifi, sizeof ifi);
  return msg;
}

static GByteArray *
request_end(GByteArray *msg)
{
  guint32 len = msg->len;

  memcpy(msg->data + G_STRUCT_OFFSET(struct nlmsghdr, nlmsg_len), &len, sizeof len);
  return msg;
}

/* What dev_valid_name() in the kernel accepts. */
static gboolean
valid_ifname(const char *name)
{
  gsize len = name ? strlen(name) : 0;

  return len > 0 && len < IFNAMSIZ && strcmp(name, ".") != 0 && strcmp(name, "..") != 0
         && strpbrk(name, "/: \t\n\r\v\f") == NULL;
}

static gboolean
check_spec(const MmdLinkSpec *spec, GError **error)
{
  const char *kind = mmd_link_kind_name(spec->kind);
  guint32 max_id = spec->kind == MMD_LINK_RMNET  ? RMNET_MAX_MUX_ID
                   : spec->kind == MMD_LINK_VLAN ? VLAN_MAX_ID
                                                 : G_MAXUINT32;

  if (!valid_ifname(spec->name) || !valid_ifname(spec->parent)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Invalid interface name for a %s link: '%s' on '%s'", kind,
                spec->name ? spec->name : "", spec->parent ? spec->parent : "");
    return FALSE;
  }
  if (spec->id > max_id || (spec->kind == MMD_LINK_RMNET && spec->id == 0)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Invalid id %u for the %s link %s", spec->id, kind, spec->name);
    return FALSE;
  }
  return TRUE;
}

static void
put_link_data(GByteArray *msg, const MmdLinkSpec *spec)
{
  guint data = attr_begin(msg, IFLA_INFO_DATA | NLA_F_NESTED);

  switch (spec->kind) {
    case MMD_LINK_RMNET: {
      struct ifla_rmnet_flags flags = { .flags = spec->flags, .mask = spec->flags };

      attr_put_u16(msg, IFLA_RMNET_MUX_ID, spec->id);
      attr_put(msg, IFLA_RMNET_FLAGS, &flags, sizeof flags);
      break;
    }
    case MMD_LINK_WWAN:
      attr_put_u32(msg, IFLA_WWAN_LINK_ID, spec->id);
      break;
    case MMD_LINK_VLAN:
      attr_put_u16(msg, IFLA_VLAN_ID, spec->id);
      break;
  }
  attr_end(msg, data);
}

GByteArray *
mmd_link_build_new(const MmdLinkSpec *spec, int parent_ifindex, guint32 seq, GError **error)
{
  GByteArray *msg;
  guint info;

  if (!check_spec(spec, error))
    return NULL;
  msg = request_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, seq);
  if (spec->kind == MMD_LINK_WWAN)
    attr_put_string(msg, IFLA_PARENT_DEV_NAME, spec->parent);
  else
    attr_put_u32(msg, IFLA_LINK, parent_ifindex);
  attr_put_string(msg, IFLA_IFNAME, spec->name);
  info = attr_begin(msg, IFLA_LINKINFO | NLA_F_NESTED);
  attr_put_string(msg, IFLA_INFO_KIND, mmd_link_kind_name(spec->kind));
  put_link_data(msg, spec);
  attr_end(msg, info);
  return request_end(msg);
}

GByteArray *
mmd_link_build_delete(int ifindex, guint32 seq)
{
  return request_end(request_begin(RTM_DELLINK, 0, ifindex, seq));
}

GByteArray *
mmd_link_build_set_up(int ifindex, gboolean up, guint32 seq)
{
  GByteArray *msg = request_begin(RTM_SETLINK, 0, ifindex, seq);
  struct ifinfomsg *ifi = (struct ifinfomsg *)(msg->data + sizeof(struct nlmsghdr));

  ifi->ifi_flags = up ? IFF_UP : 0;
  ifi->ifi_change = IFF_UP;
  return request_end(msg);
}

/* ---- talking to the kernel ------------------------------------------------ */

/* The extended acknowledgement's text, if the kernel gave one. */
static char *
ack_message(const struct nlmsghdr *hdr)
{
  const guint8 *end = (const guint8 *)hdr + hdr->nlmsg_len;
  const guint8 *p = (const guint8 *)NLMSG_DATA(hdr) + sizeof(struct nlmsgerr);

  if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) || !(hdr->nlmsg_flags & NLM_F_CAPPED))
    return NULL;
  while (p + sizeof(struct nlattr) <= end) {
    struct nlattr nla;

    memcpy(&nla, p, sizeof nla);
    if (nla.nla_len < sizeof nla || nla.nla_len > (gsize)(end - p))
      return NULL;
    if ((nla.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && nla.nla_len > sizeof nla) {
      const char *text = (const char *)p + sizeof nla;

      return mmd_text_sanitize(text, strnlen(text, nla.nla_len - sizeof nla), KERNEL_MESSAGE_MAX);
    }
    p += NLA_ALIGN(nla.nla_len);
  }
  return NULL;
}

/* Reads until the acknowledgement of seq: 0 or a negative errno. */
static int
read_ack(int fd, guint32 seq, char **kernel_message)
{
  guint8 buf[8192] __attribute__((aligned(4)));

  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    gsize left = n > 0 ? (gsize)n : 0;
    const struct nlmsghdr *hdr = (const struct nlmsghdr *)buf;

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? -errno : -EIO;
    for (; NLMSG_OK(hdr, left); hdr = NLMSG_NEXT(hdr, left)) {
      const struct nlmsgerr *err = NLMSG_DATA(hdr);

      if (hdr->nlmsg_seq != seq || hdr->nlmsg_type != NLMSG_ERROR)
        continue;
      if (hdr->nlmsg_len < NLMSG_LENGTH(sizeof *err))
        return -EIO;
      if (err->error < 0)
        *kernel_message = ack_message(hdr);
      return err->error;
    }
  }
}

/* Sends one request and waits for its acknowledgement: 0 or -errno. */
static int
transact(GByteArray *request, char **kernel_message)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  const int one = 1;
  guint32 seq;
  int fd, result;

  *kernel_message = NULL;
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return -errno;
  /* the error text, without a copy of our request in the answer */
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  memcpy(&seq, request->data + G_STRUCT_OFFSET(struct nlmsghdr, nlmsg_seq), sizeof seq);
  if (sendto(fd, request->data, request->len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    result = -errno;
  else
    result = read_ack(fd, seq, kernel_message);
  close(fd);
  return result;
}

static guint32
next_seq(void)
{
  static gint counter;

  return (guint32)g_atomic_int_add(&counter, 1) + 1;
}

static int
ifindex_of(const char *name)
{
  return valid_ifname(name) ? (int)if_nametoindex(name) : 0;
}

gboolean
mmd_link_exists(const char *name)
{
  return ifindex_of(name) > 0;
}

/* Sends request (taken) and turns a refusal into an error saying what. */
static gboolean run(GByteArray *request, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean
run(GByteArray *request, GError **error, const char *fmt, ...)
{
  g_autoptr(GByteArray) owned = request;
  g_autofree char *kernel_message = NULL;
  g_autofree char *what = NULL;
  va_list args;
  int result = transact(owned, &kernel_message);

  if (result >= 0)
    return TRUE;
  va_start(args, fmt);
  what = g_strdup_vprintf(fmt, args);
  va_end(args);
  g_set_error(
      error, MMD_CORE_ERROR, result == -EPERM ? MMD_CORE_ERROR_UNAUTHORIZED : MMD_CORE_ERROR_FAILED,
      "The kernel refused to %s: %s%s%s%s", what, g_strerror(-result), kernel_message ? " (" : "",
      kernel_message ? kernel_message : "", kernel_message ? ")" : "");
  return FALSE;
}

static gboolean
no_interface(const char *name, const char *what, GError **error)
{
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND, "Cannot %s: no network interface %s",
              what, name ? name : "");
  return FALSE;
}

gboolean
mmd_link_set_up(const char *name, gboolean up, GError **error)
{
  int ifindex = ifindex_of(name);

  if (!ifindex)
    return no_interface(name, up ? "bring a link up" : "take a link down", error);
  return run(mmd_link_build_set_up(ifindex, up, next_seq()), error, "set %s %s", name,
             up ? "up" : "down");
}

gboolean
mmd_link_remove(const char *name, GError **error)
{
  int ifindex = ifindex_of(name);
  g_autoptr(GError) local = NULL;

  if (!ifindex)
    return TRUE;
  if (run(mmd_link_build_delete(ifindex, next_seq()), &local, "delete the link %s", name))
    return TRUE;
  /* gone between the lookup and the request */
  if (!mmd_link_exists(name))
    return TRUE;
  g_propagate_error(error, g_steal_pointer(&local));
  return FALSE;
}

gboolean
mmd_link_add(const MmdLinkSpec *spec, GError **error)
{
  const char *kind = mmd_link_kind_name(spec->kind);
  g_autofree char *what = NULL;
  int parent_ifindex = 0;
  GByteArray *request;

  if (spec->kind != MMD_LINK_WWAN && !(parent_ifindex = ifindex_of(spec->parent))) {
    what = g_strdup_printf("create the %s link %s", kind, spec->name ? spec->name : "");
    return no_interface(spec->parent, what, error);
  }
  request = mmd_link_build_new(spec, parent_ifindex, next_seq(), error);
  /* a link over a net device comes up only once its parent is up */
  if (request && parent_ifindex && !mmd_link_set_up(spec->parent, TRUE, error))
    g_clear_pointer(&request, g_byte_array_unref);
  if (!request
      || !run(request, error, "create the %s link %s on %s (%s %u)", kind, spec->name, spec->parent,
              spec->kind == MMD_LINK_RMNET ? "mux id" : "id", spec->id))
    return FALSE;
  if (!mmd_link_set_up(spec->name, TRUE, error)) {
    g_autoptr(GError) cleanup = NULL;

    if (!mmd_link_remove(spec->name, &cleanup))
      g_warning("%s", cleanup->message);
    return FALSE;
  }
  return TRUE;
}
