/* Unit tests of what the netifd handler asks of modemctl: its settings string, the
 * device match and the error codes. */
#include <glib.h>
#include <string.h>

#include "mmd-enums.h"
#include "netifd-request.h"

static void
test_parse_full(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NetifdRequest) request = netifd_request_parse(
      "device='cdc-wdm0',wait='12',pin='1234',apn='internet',user='joe',password='a,b',"
      "allowed-auth='pap|chap',ip-type='ipv4v6',allowed-modes='3g|4g',preferred-mode='4g'",
      &error);
  const char *str;
  guint32 u;

  g_assert_no_error(error);
  g_assert_nonnull(request);
  g_assert_cmpstr(request->device, ==, "cdc-wdm0");
  g_assert_cmpuint(request->wait_seconds, ==, 12);
  g_assert_cmpstr(request->pin, ==, "1234");
  g_assert_true(request->set_modes);
  g_assert_cmpuint(request->allowed_modes, ==, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G);
  g_assert_cmpuint(request->preferred_mode, ==, MMD_MODEM_MODE_4G);
  /* The PIN is ours: unlocking comes before Simple.Connect, which never sees it. */
  g_assert_false(g_variant_lookup(request->connect, "pin", "&s", &str));
  g_assert_true(g_variant_lookup(request->connect, "apn", "&s", &str));
  g_assert_cmpstr(str, ==, "internet");
  g_assert_true(g_variant_lookup(request->connect, "password", "&s", &str));
  g_assert_cmpstr(str, ==, "a,b");
  g_assert_true(g_variant_lookup(request->connect, "ip-type", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_IP_FAMILY_IPV4V6);
  g_assert_true(g_variant_lookup(request->connect, "allowed-auth", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_ALLOWED_AUTH_PAP | MMD_BEARER_ALLOWED_AUTH_CHAP);
  g_assert_false(g_variant_lookup(request->connect, "device", "&s", &str));
}

static void
test_parse_defaults(void)
{
  g_autoptr(GError) error = NULL;
  /* uci options left empty are not given */
  g_autoptr(NetifdRequest) request = netifd_request_parse("device=wwan0mbim0,pin=,apn=", &error);

  g_assert_no_error(error);
  g_assert_cmpuint(request->wait_seconds, ==, NETIFD_DEFAULT_WAIT_SECONDS);
  g_assert_null(request->pin);
  g_assert_false(request->set_modes);
  g_assert_cmpuint(request->preferred_mode, ==, MMD_MODEM_MODE_NONE);
  g_assert_cmpuint(g_variant_n_children(request->connect), ==, 0);
}

static void
test_parse_bad(void)
{
  static const char *const bad[] = {
    "apn=internet",                    /* no device */
    "device=x,wait=-1",                /* negative */
    "device=x,wait=3601",              /* over the bound */
    "device=x,wait=ten",               /* not a number */
    "device=x,allowed-modes=6g",       /* unknown mode */
    "device=x,preferred-mode=4g",      /* preferred without allowed */
    "device=x,ip-type=ipv5",           /* bad Simple.Connect value */
    "device=x,colour=blue",            /* unknown key */
    "device=x,apn='internet",          /* unterminated quote */
    "device=x,apn=internet,apn=other", /* twice */
  };

  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(NetifdRequest) request = netifd_request_parse(bad[i], &error);

    g_test_message("%s", bad[i]);
    g_assert_null(request);
    g_assert_nonnull(error);
  }
}

static void
test_device_matches(void)
{
  g_autoptr(GVariant) ports = g_variant_ref_sink(
      g_variant_new_parsed("[('cdc-wdm0', uint32 6), ('wwan0', 2), ('ttyUSB2', 3)]"));
  const char *path = MMD_DBUS_MODEM_PREFIX "/3";
  const char *device = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";

  g_assert_true(netifd_device_matches("cdc-wdm0", path, device, ports));
  g_assert_true(netifd_device_matches("/dev/cdc-wdm0", path, device, ports));
  g_assert_true(netifd_device_matches("ttyUSB2", path, device, ports));
  g_assert_true(netifd_device_matches(device, path, device, ports));
  g_assert_true(netifd_device_matches("3", path, device, ports));
  g_assert_true(netifd_device_matches(path, path, device, ports));

  g_assert_false(netifd_device_matches("cdc-wdm1", path, device, ports));
  g_assert_false(netifd_device_matches("/dev/ttyUSB3", path, device, ports));
  g_assert_false(netifd_device_matches("4", path, device, ports));
  g_assert_false(netifd_device_matches("/sys/devices/pci0000:00", path, device, ports));
  g_assert_false(netifd_device_matches("", path, device, ports));
  g_assert_false(netifd_device_matches("cdc-wdm0", path, device, NULL));
}

static void
test_error_codes(void)
{
  /* Another try cannot fix these, or would lock the SIM: netifd must not restart. */
  static const NetifdError final[]
      = { NETIFD_ERROR_INVALID_SETTINGS, NETIFD_ERROR_SIM_MISSING,      NETIFD_ERROR_PIN_REQUIRED,
          NETIFD_ERROR_PIN_WRONG,        NETIFD_ERROR_PIN_LAST_ATTEMPT, NETIFD_ERROR_PUK_REQUIRED };
  static const NetifdError transient[] = { NETIFD_ERROR_NO_DAEMON, NETIFD_ERROR_NO_MODEM,
                                           NETIFD_ERROR_NO_NETWORK, NETIFD_ERROR_CONNECT_FAILED };

  for (gsize i = 0; i < G_N_ELEMENTS(final); i++)
    g_assert_false(netifd_error_is_retryable(final[i]));
  for (gsize i = 0; i < G_N_ELEMENTS(transient); i++)
    g_assert_true(netifd_error_is_retryable(transient[i]));
  g_assert_cmpstr(netifd_error_code(NETIFD_ERROR_PIN_WRONG), ==, "PIN_WRONG");
  for (int e = NETIFD_ERROR_INVALID_SETTINGS; e <= NETIFD_ERROR_NO_IP_CONFIG; e++) {
    const char *code = netifd_error_code(e);

    g_assert_nonnull(code);
    /* proto_notify_error codes: short, upper case, no spaces */
    g_assert_cmpuint(strlen(code), <=, 20);
    for (const char *p = code; *p; p++)
      g_assert_true(g_ascii_isupper(*p) || *p == '_');
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/netifd-request/parse-full", test_parse_full);
  g_test_add_func("/netifd-request/parse-defaults", test_parse_defaults);
  g_test_add_func("/netifd-request/parse-bad", test_parse_bad);
  g_test_add_func("/netifd-request/device-matches", test_device_matches);
  g_test_add_func("/netifd-request/error-codes", test_error_codes);
  return g_test_run();
}
