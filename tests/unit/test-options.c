/* Parsing of what users type: --port declarations, bearer properties, enum names. */
#include "bearer.h"
#include "mmd-enums.h"
#include "mmd-errors.h"
#include "port.h"

static void
test_port_declaration(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ports
      = mmd_port_parse_declaration("qmi:/tmp/x/qmi0,net:wwan0,at:/dev/ttyUSB2", &error);
  const MmdPort *p;

  g_assert_no_error(error);
  g_assert_cmpuint(ports->len, ==, 3);
  p = g_ptr_array_index(ports, 0);
  g_assert_cmpint(p->type, ==, MMD_MODEM_PORT_TYPE_QMI);
  g_assert_cmpstr(p->path, ==, "/tmp/x/qmi0");
  g_assert_cmpstr(p->name, ==, "qmi0");
  p = g_ptr_array_index(ports, 1);
  g_assert_cmpint(p->type, ==, MMD_MODEM_PORT_TYPE_NET);
  g_assert_null(p->path);
  g_assert_cmpstr(p->name, ==, "wwan0");
  p = g_ptr_array_index(ports, 2);
  g_assert_cmpint(p->type, ==, MMD_MODEM_PORT_TYPE_AT);
}

static void
test_port_declaration_bad(void)
{
  static const char *bad[] = { "", "qmi", "qmi:", ":/dev/x", "gps:/dev/ttyUSB1", "qmi:/a,,at:/b" };

  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) ports = mmd_port_parse_declaration(bad[i], &error);
    g_assert_null(ports);
    g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
  }
}

static GVariant *
parse_dict(const char *text)
{
  g_autoptr(GError) error = NULL;
  GVariant *v = g_variant_parse(G_VARIANT_TYPE("a{sv}"), text, NULL, NULL, &error);

  g_assert_no_error(error);
  return v; /* g_variant_parse() returns a full reference */
}

static void
test_bearer_settings(void)
{
  g_autoptr(GVariant) dict = parse_dict(
      "{'apn': <'internet'>, 'ip-type': <uint32 4>, 'user': <'me'>, 'password': <'secret'>, "
      "'allow-roaming': <false>}");
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdBearerSettings) s = mmd_bearer_settings_from_variant(dict, FALSE, &error);
  g_autoptr(GVariant) shown = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error(error);
  g_assert_cmpstr(s->apn, ==, "internet");
  g_assert_cmpuint(s->ip_type, ==, MMD_BEARER_IP_FAMILY_IPV4V6);
  g_assert_false(s->allow_roaming);
  /* The Properties shown on the bus never carry the password. */
  shown = g_variant_ref_sink(mmd_bearer_settings_to_variant(s));
  text = g_variant_print(shown, FALSE);
  g_assert_null(strstr(text, "secret"));
}

static void
test_bearer_settings_refused(void)
{
  static const char *bad[] = {
    "{'apn': <'inter\"net'>}", "{'apn': <uint32 3>}", "{'apm': <'internet'>}",
    "{'ip-type': <uint32 3>}", "{'pin': <'1234'>}", /* only Simple.Connect takes a PIN */
    "{'password': <'a\\nb'>}",
  };

  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GVariant) dict = parse_dict(bad[i]);
    g_autoptr(GError) error = NULL;
    g_autoptr(MmdBearerSettings) s = mmd_bearer_settings_from_variant(dict, FALSE, &error);
    g_assert_null(s);
    g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
  }
}

static void
test_simple_keys(void)
{
  g_autoptr(GVariant) dict = parse_dict("{'pin': <'1234'>, 'operator-id': <'26201'>}");
  g_autoptr(GVariant) bad = parse_dict("{'operator-id': <'12345;+CFUN=0'>}");
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdBearerSettings) s = mmd_bearer_settings_from_variant(dict, TRUE, &error);
  g_autoptr(MmdBearerSettings) s2 = NULL;

  g_assert_no_error(error);
  g_assert_cmpstr(s->pin, ==, "1234");
  g_assert_cmpstr(s->operator_id, ==, "26201");
  s2 = mmd_bearer_settings_from_variant(bad, TRUE, &error);
  g_assert_null(s2);
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);
}

static void
test_enum_strings(void)
{
  guint v = 0;
  g_autofree char *modes = mmd_modem_mode_build_string(MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G);

  g_assert_cmpstr(modes, ==, "4g, 5g");
  g_assert_true(mmd_modem_mode_from_string("4g|5g", &v));
  g_assert_cmpuint(v, ==, MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G);
  g_assert_false(mmd_modem_mode_from_string("6g", &v));
  g_assert_true(mmd_bearer_ip_family_from_string("ipv4v6", &v));
  g_assert_cmpuint(v, ==, MMD_BEARER_IP_FAMILY_IPV4V6);
  g_assert_cmpstr(mmd_modem_state_to_string(MMD_MODEM_STATE_FAILED), ==, "failed");
  g_assert_cmpstr(mmd_modem_state_to_string(42), ==, "unknown");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  g_test_add_func("/options/port-declaration", test_port_declaration);
  g_test_add_func("/options/port-declaration-bad", test_port_declaration_bad);
  g_test_add_func("/options/bearer-settings", test_bearer_settings);
  g_test_add_func("/options/bearer-settings-refused", test_bearer_settings_refused);
  g_test_add_func("/options/simple-keys", test_simple_keys);
  g_test_add_func("/options/enum-strings", test_enum_strings);
  return g_test_run();
}
