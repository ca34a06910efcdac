/* mmd-link: the rtnetlink requests byte for byte (against the layouts of the
 * kernel's uapi headers, written out by hand here), and the calls against the
 * kernel in a network namespace of their own when the test runs as root.
 *
 * This machine's kernel has no rmnet, wwan or 802.1Q: there the refusals are
 * checked (a clear error naming the link, nothing left behind). In the VM of
 * tests/vm, whose kernel has 8021q and dummy, MMD_LINK_TEST_VLAN=1 makes the
 * VLAN case assert the whole life of a link instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mmd-errors.h"
#include "mmd-link.h"

static gboolean in_namespace;

static void
assert_bytes(GByteArray *got, const guint8 *want, gsize n)
{
  g_assert_nonnull(got);
  if (got->len != n || memcmp(got->data, want, n) != 0) {
    g_autofree char *hex = NULL;
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < got->len; i++)
      g_string_append_printf(s, "%02x%s", got->data[i], (i + 1) % 16 ? " " : "\n");
    hex = g_string_free(s, FALSE);
    g_test_message("got %u bytes:\n%s", got->len, hex);
  }
  g_assert_cmpmem(got->data, got->len, want, n);
}

/* Byte vectors are little-endian (netlink is in host order). */
static gboolean
skip_unless_little_endian(void)
{
  if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
    return FALSE;
  g_test_skip("byte vectors are written for little-endian hosts");
  return TRUE;
}

/* nlmsghdr (len, type, flags, seq 5, pid 0) + an empty ifinfomsg but index */
#define HEADER(len, type, flags, index)                                                            \
  len, 0, 0, 0, type, 0, (flags)&0xff, (flags) >> 8, 5, 0, 0, 0, 0, 0, 0, 0, /* ifinfomsg */       \
      0, 0, 0, 0, index, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

static void
test_rmnet_request(void)
{
  /* clang-format off */
  static const guint8 want[] = {
    HEADER(96, 16 /* RTM_NEWLINK */, 0x0605 /* REQUEST|ACK|EXCL|CREATE */, 0),
    8, 0, 5, 0, 7, 0, 0, 0,                                           /* IFLA_LINK 7 */
    13, 0, 3, 0, 'r', 'm', 'n', 'e', 't', '0', '.', '1', 0, 0, 0, 0, /* IFLA_IFNAME */
    40, 0, 0x12, 0x80,                                                /* IFLA_LINKINFO, nested */
    10, 0, 1, 0, 'r', 'm', 'n', 'e', 't', 0, 0, 0,                    /* IFLA_INFO_KIND */
    24, 0, 2, 0x80,                                                   /* IFLA_INFO_DATA, nested */
    6, 0, 1, 0, 1, 0, 0, 0,                                           /* IFLA_RMNET_MUX_ID 1 */
    12, 0, 2, 0, 1, 0, 0, 0, 1, 0, 0, 0,                              /* IFLA_RMNET_FLAGS */
  };
  /* clang-format on */
  MmdLinkSpec spec = { MMD_LINK_RMNET, "rmnet0.1", "mhi_hwip0", 1, MMD_LINK_RMNET_DEAGGREGATION };
  g_autoptr(GByteArray) msg = NULL;

  if (skip_unless_little_endian())
    return;
  msg = mmd_link_build_new(&spec, 7, 5, NULL);
  assert_bytes(msg, want, sizeof want);
}

static void
test_wwan_request(void)
{
  /* clang-format off */
  static const guint8 want[] = {
    HEADER(84, 16, 0x0605, 0),
    10, 0, 56, 0, 'w', 'w', 'a', 'n', '0', 0, 0, 0,                  /* IFLA_PARENT_DEV_NAME */
    12, 0, 3, 0, 'w', 'w', 'a', 'n', '0', '.', '2', 0,               /* IFLA_IFNAME */
    28, 0, 0x12, 0x80,                                               /* IFLA_LINKINFO */
    9, 0, 1, 0, 'w', 'w', 'a', 'n', 0, 0, 0, 0,                      /* IFLA_INFO_KIND */
    12, 0, 2, 0x80, 8, 0, 1, 0, 2, 0, 0, 0,                          /* IFLA_WWAN_LINK_ID 2 */
  };
  /* clang-format on */
  MmdLinkSpec spec = { MMD_LINK_WWAN, "wwan0.2", "wwan0", 2, 0 };
  g_autoptr(GByteArray) msg = NULL;

  if (skip_unless_little_endian())
    return;
  msg = mmd_link_build_new(&spec, 0, 5, NULL);
  assert_bytes(msg, want, sizeof want);
}

static void
test_vlan_request(void)
{
  /* clang-format off */
  static const guint8 want[] = {
    HEADER(80, 16, 0x0605, 0),
    8, 0, 5, 0, 3, 0, 0, 0,                                          /* IFLA_LINK 3 */
    12, 0, 3, 0, 'w', 'w', 'a', 'n', '0', '.', '3', 0,               /* IFLA_IFNAME */
    28, 0, 0x12, 0x80,                                               /* IFLA_LINKINFO */
    9, 0, 1, 0, 'v', 'l', 'a', 'n', 0, 0, 0, 0,                      /* IFLA_INFO_KIND */
    12, 0, 2, 0x80, 6, 0, 1, 0, 3, 0, 0, 0,                          /* IFLA_VLAN_ID 3 */
  };
  /* clang-format on */
  MmdLinkSpec spec = { MMD_LINK_VLAN, "wwan0.3", "wwan0", 3, 0 };
  g_autoptr(GByteArray) msg = NULL;

  if (skip_unless_little_endian())
    return;
  msg = mmd_link_build_new(&spec, 3, 5, NULL);
  assert_bytes(msg, want, sizeof want);
}

static void
test_delete_and_up_requests(void)
{
  /* clang-format off */
  static const guint8 del[] = { HEADER(32, 17 /* RTM_DELLINK */, 0x0005, 9) };
  static const guint8 up[] = {
    32, 0, 0, 0, 19 /* RTM_SETLINK */, 0, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, /* IFF_UP of IFF_UP */
  };
  static const guint8 down[] = {
    32, 0, 0, 0, 19, 0, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
  };
  /* clang-format on */
  g_autoptr(GByteArray) d = NULL;
  g_autoptr(GByteArray) u = NULL;
  g_autoptr(GByteArray) o = NULL;

  if (skip_unless_little_endian())
    return;
  d = mmd_link_build_delete(9, 5);
  u = mmd_link_build_set_up(9, TRUE, 5);
  o = mmd_link_build_set_up(9, FALSE, 5);
  assert_bytes(d, del, sizeof del);
  assert_bytes(u, up, sizeof up);
  assert_bytes(o, down, sizeof down);
}

static void
test_bad_specs(void)
{
  static const MmdLinkSpec bad[] = {
    { MMD_LINK_RMNET, "rmnet0.0", "mhi0", 0, 0 },      /* mux id 0 */
    { MMD_LINK_RMNET, "rmnet0.255", "mhi0", 255, 0 },  /* above 254 */
    { MMD_LINK_VLAN, "wwan0.4095", "wwan0", 4095, 0 }, /* reserved VLAN id */
    { MMD_LINK_VLAN, "this-name-is-too-long", "wwan0", 1, 0 },
    { MMD_LINK_WWAN, "wwan/1", "wwan0", 1, 0 }, /* '/' in a name */
    { MMD_LINK_WWAN, "wwan0.1", "", 1, 0 },     /* no parent */
    { MMD_LINK_VLAN, "..", "wwan0", 1, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    GByteArray *msg = mmd_link_build_new(&bad[i], 1, 1, &error);

    g_assert_null(msg);
    g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
  }
}

/* ---- against the kernel ---------------------------------------------------- */

static gboolean
skip_without_namespace(void)
{
  if (in_namespace)
    return FALSE;
  g_test_skip("needs root and a network namespace of its own");
  return TRUE;
}

static gboolean
ip(const char *args)
{
  g_autofree char *cmd = g_strdup_printf("ip %s", args);
  int status = -1;

  return g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status(status, NULL);
}

static gboolean
is_up(const char *name)
{
  struct ifreq ifr = { 0 };
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gboolean up;

  g_assert_cmpint(fd, >=, 0);
  g_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
  g_assert_cmpint(ioctl(fd, SIOCGIFFLAGS, &ifr), ==, 0);
  up = (ifr.ifr_flags & IFF_UP) != 0;
  close(fd);
  return up;
}

static void
test_kernel_up_down_remove(void)
{
  g_autoptr(GError) error = NULL;

  if (skip_without_namespace())
    return;
  if (!ip("link add lnk0 type veth peer name lnk1")) {
    g_test_skip("no veth in this kernel");
    return;
  }
  g_assert_false(is_up("lnk0"));
  g_assert_true(mmd_link_set_up("lnk0", TRUE, &error));
  g_assert_no_error(error);
  g_assert_true(is_up("lnk0"));
  g_assert_true(mmd_link_set_up("lnk0", FALSE, &error));
  g_assert_false(is_up("lnk0"));
  g_assert_true(mmd_link_remove("lnk0", &error));
  g_assert_no_error(error);
  g_assert_false(mmd_link_exists("lnk0"));
  g_assert_false(mmd_link_exists("lnk1")); /* its peer went with it */
  /* gone already: no error */
  g_assert_true(mmd_link_remove("lnk0", &error));
  g_assert_no_error(error);
  g_assert_false(mmd_link_set_up("lnk0", TRUE, &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND);
}

/* A refusal names the link, and leaves no interface behind. */
static void
assert_refused(const MmdLinkSpec *spec, GError *error)
{
  g_assert_nonnull(error);
  g_test_message("%s", error->message);
  g_assert_true(g_str_has_prefix(error->message, "The kernel refused to create the "));
  g_assert_nonnull(strstr(error->message, mmd_link_kind_name(spec->kind)));
  g_assert_nonnull(strstr(error->message, spec->name));
  g_assert_nonnull(strstr(error->message, spec->parent));
  g_assert_false(mmd_link_exists(spec->name));
}

static void
test_kernel_rmnet(void)
{
  MmdLinkSpec spec = { MMD_LINK_RMNET, "rmnet_lo.1", "lo", 1, MMD_LINK_RMNET_DEAGGREGATION };
  g_autoptr(GError) error = NULL;

  if (skip_without_namespace())
    return;
  if (mmd_link_add(&spec, &error)) {
    /* a kernel with rmnet: the link exists, is up, and goes again */
    g_assert_true(is_up(spec.name));
    g_assert_true(mmd_link_remove(spec.name, &error));
    g_assert_false(mmd_link_exists(spec.name));
    return;
  }
  assert_refused(&spec, error);
}

static void
test_kernel_wwan(void)
{
  /* no wwan device of that name exists even where the kernel has wwan */
  MmdLinkSpec spec = { MMD_LINK_WWAN, "wwan9.1", "wwan9", 1, 0 };
  g_autoptr(GError) error = NULL;

  if (skip_without_namespace())
    return;
  g_assert_false(mmd_link_add(&spec, &error));
  assert_refused(&spec, error);
}

static void
test_kernel_vlan(void)
{
  gboolean expect = g_strcmp0(g_getenv("MMD_LINK_TEST_VLAN"), "1") == 0;
  MmdLinkSpec spec = { MMD_LINK_VLAN, "lnkv.5", "lnkv", 5, 0 };
  g_autoptr(GError) error = NULL;

  if (skip_without_namespace())
    return;
  if (!ip(expect ? "link add lnkv type dummy" : "link add lnkv type veth peer name lnkw")) {
    g_test_skip("no dummy or veth in this kernel");
    return;
  }
  if (!mmd_link_add(&spec, &error)) {
    g_test_message("%s", error->message);
    g_assert_false(expect);
    assert_refused(&spec, error);
  } else {
    g_assert_no_error(error);
    g_assert_true(is_up(spec.name));
    /* the same link twice is refused, and the first one stays */
    g_assert_false(mmd_link_add(&spec, &error));
    g_assert_nonnull(strstr(error->message, "File exists"));
    g_assert_true(mmd_link_exists(spec.name));
    g_clear_error(&error);
    g_assert_true(mmd_link_remove(spec.name, &error));
    g_assert_false(mmd_link_exists(spec.name));
  }
  g_clear_error(&error);
  g_assert_true(mmd_link_remove("lnkv", &error));
}

static void
test_kernel_missing_parent(void)
{
  MmdLinkSpec spec = { MMD_LINK_RMNET, "rmnet_x.1", "nosuchdev0", 1, 0 };
  g_autoptr(GError) error = NULL;

  if (skip_without_namespace())
    return;
  g_assert_false(mmd_link_add(&spec, &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(error->message, "nosuchdev0"));
  g_assert_nonnull(strstr(error->message, "rmnet_x.1"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* The kernel tests create and delete links: only in a namespace of our own. */
  in_namespace = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
  g_test_add_func("/link/request/rmnet", test_rmnet_request);
  g_test_add_func("/link/request/wwan", test_wwan_request);
  g_test_add_func("/link/request/vlan", test_vlan_request);
  g_test_add_func("/link/request/delete-and-up", test_delete_and_up_requests);
  g_test_add_func("/link/request/bad-specs", test_bad_specs);
  g_test_add_func("/link/kernel/up-down-remove", test_kernel_up_down_remove);
  g_test_add_func("/link/kernel/rmnet", test_kernel_rmnet);
  g_test_add_func("/link/kernel/wwan", test_kernel_wwan);
  g_test_add_func("/link/kernel/vlan", test_kernel_vlan);
  g_test_add_func("/link/kernel/missing-parent", test_kernel_missing_parent);
  return g_test_run();
}
