/* Unit tests of modemctl's parsing helpers and output renderings. */
#include <glib.h>
#include <string.h>

#include "mmd-enums.h"
#include "modemctl-parse.h"
#include "output.h"

static void
test_selector(void)
{
  static const struct {
    const char *input;
    gboolean any_allowed;
    const char *path; /* NULL: "any" */
    gboolean ok;
  } cases[] = {
    { "0", TRUE, MMD_DBUS_MODEM_PREFIX "/0", TRUE },
    { "12", TRUE, MMD_DBUS_MODEM_PREFIX "/12", TRUE },
    { " 3 ", TRUE, MMD_DBUS_MODEM_PREFIX "/3", TRUE },
    { "/org/example/Modem1/Modem/7", TRUE, "/org/example/Modem1/Modem/7", TRUE },
    { "any", TRUE, NULL, TRUE },
    { "ANY", TRUE, NULL, TRUE },
    { "any", FALSE, NULL, FALSE },
    { "", TRUE, NULL, FALSE },
    { "-1", TRUE, NULL, FALSE },
    { "modem0", TRUE, NULL, FALSE },
    { "/org//x", TRUE, NULL, FALSE },
    { "/org/example/Modem1/Modem/", TRUE, NULL, FALSE },
    { "99999999999", TRUE, NULL, FALSE },
    { "1x", TRUE, NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    gboolean any = FALSE;
    gboolean ok = modemctl_parse_selector(cases[i].input, MMD_DBUS_MODEM_PREFIX,
                                          cases[i].any_allowed, &path, &any, &error);

    g_test_message("selector '%s'", cases[i].input);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (!ok) {
      g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_null(path);
      continue;
    }
    g_assert_no_error(error);
    g_assert_cmpstr(path, ==, cases[i].path);
    g_assert_cmpint(any, ==, cases[i].path == NULL);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    gboolean any;

    g_assert_true(modemctl_parse_selector("4", MMD_DBUS_BEARER_PREFIX, FALSE, &path, &any, &error));
    g_assert_cmpstr(path, ==, "/org/example/Modem1/Bearer/4");
  }
}

static void
test_path_index(void)
{
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/Modem/0", MMD_DBUS_MODEM_PREFIX), ==, 0);
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/Modem/42", MMD_DBUS_MODEM_PREFIX), ==,
                  42);
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/Modem", MMD_DBUS_MODEM_PREFIX), ==, -1);
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/Modem/", MMD_DBUS_MODEM_PREFIX), ==, -1);
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/Modems/1", MMD_DBUS_MODEM_PREFIX), ==,
                  -1);
  g_assert_cmpint(modemctl_path_index("/org/example/Modem1/SIM/1", MMD_DBUS_MODEM_PREFIX), ==, -1);
  g_assert_cmpint(modemctl_path_index(NULL, MMD_DBUS_MODEM_PREFIX), ==, -1);
}

static void
assert_pairs(const char *input, const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pairs = NULL;

  g_test_message("key-values '%s'", input);
  g_assert_true(modemctl_parse_key_values(input, &pairs, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(g_strv_length(pairs), ==, g_strv_length((GStrv)expected));
  for (guint i = 0; expected[i]; i++)
    g_assert_cmpstr(pairs[i], ==, expected[i]);
}

static void
test_key_values(void)
{
  const char *const empty[] = { NULL };
  const char *const simple[] = { "apn", "internet", "ip-type", "ipv4v6", NULL };
  const char *const spaces[] = { "apn", "internet", "user", "a b", NULL };
  const char *const quoted[] = { "apn", "a,b", "password", "x=y, z", "user", "", NULL };
  const char *const empty_value[] = { "apn", "", "user", "u", NULL };
  const char *const trailing[] = { "apn", "internet", NULL };
  const char *const bad[]
      = { "apn", "apn=internet,foo", "=x", "apn='x", "apn='x'y", "a,b=c", NULL };

  assert_pairs("", empty);
  assert_pairs(NULL, empty);
  assert_pairs("apn=internet,ip-type=ipv4v6", simple);
  assert_pairs(" apn = internet , user = a b ", spaces);
  assert_pairs("apn='a,b',password=\"x=y, z\",user=''", quoted);
  assert_pairs("apn=,user=u", empty_value);
  assert_pairs("apn=internet,", trailing);

  for (guint i = 0; bad[i]; i++) {
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) pairs = NULL;

    g_test_message("bad key-values '%s'", bad[i]);
    g_assert_false(modemctl_parse_key_values(bad[i], &pairs, &error));
    g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  }
}

static void
test_boolean(void)
{
  gboolean b = FALSE;

  g_assert_true(modemctl_parse_boolean("yes", &b) && b);
  g_assert_true(modemctl_parse_boolean("NO", &b) && !b);
  g_assert_true(modemctl_parse_boolean("true", &b) && b);
  g_assert_true(modemctl_parse_boolean("0", &b) && !b);
  g_assert_false(modemctl_parse_boolean("maybe", &b));
  g_assert_false(modemctl_parse_boolean("", &b));
  g_assert_false(modemctl_parse_boolean(NULL, &b));
}

static void
test_bearer_properties(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) props = NULL;
  const char *s;
  guint u;
  gboolean b;

  props = modemctl_build_bearer_properties(
      "apn=internet,ip-type=ipv4v6,user=me,password='p,w',pin=1234,operator-id=21403,"
      "allowed-auth=pap|chap,allow-roaming=no",
      TRUE, &error);
  g_assert_no_error(error);
  g_assert_nonnull(props);
  g_assert_true(g_variant_is_of_type(props, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpuint(g_variant_n_children(props), ==, 8);
  g_assert_true(g_variant_lookup(props, "apn", "&s", &s));
  g_assert_cmpstr(s, ==, "internet");
  g_assert_true(g_variant_lookup(props, "ip-type", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_IP_FAMILY_IPV4V6);
  g_assert_true(g_variant_lookup(props, "user", "&s", &s));
  g_assert_cmpstr(s, ==, "me");
  g_assert_true(g_variant_lookup(props, "password", "&s", &s));
  g_assert_cmpstr(s, ==, "p,w");
  g_assert_true(g_variant_lookup(props, "pin", "&s", &s));
  g_assert_cmpstr(s, ==, "1234");
  g_assert_true(g_variant_lookup(props, "operator-id", "&s", &s));
  g_assert_cmpstr(s, ==, "21403");
  g_assert_true(g_variant_lookup(props, "allowed-auth", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_ALLOWED_AUTH_PAP | MMD_BEARER_ALLOWED_AUTH_CHAP);
  g_assert_true(g_variant_lookup(props, "allow-roaming", "b", &b));
  g_assert_false(b);
  g_clear_pointer(&props, g_variant_unref);

  /* --create-bearer: the same keys but pin and operator-id */
  props = modemctl_build_bearer_properties("apn=internet,ip-type=ipv4", FALSE, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_variant_n_children(props), ==, 2);
  g_assert_true(g_variant_lookup(props, "ip-type", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_IP_FAMILY_IPV4);
  g_clear_pointer(&props, g_variant_unref);

  /* multiplex, with the reference's nicks */
  props = modemctl_build_bearer_properties("apn=ims,multiplex=required", FALSE, &error);
  g_assert_no_error(error);
  g_assert_true(g_variant_lookup(props, "multiplex", "u", &u));
  g_assert_cmpuint(u, ==, MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
  g_clear_pointer(&props, g_variant_unref);
  g_assert_null(modemctl_build_bearer_properties("apn=ims,multiplex=yes", FALSE, &error));
  g_assert_nonnull(strstr(error->message, "requested"));
  g_clear_error(&error);

  props = modemctl_build_bearer_properties("", FALSE, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_variant_n_children(props), ==, 0);
  g_clear_pointer(&props, g_variant_unref);

  {
    static const struct {
      const char *input;
      gboolean simple;
    } bad[] = {
      { "apn=internet,foo=bar", TRUE },
      { "ip-type=ipv5", TRUE },
      { "allowed-auth=pap|bogus", TRUE },
      { "allow-roaming=maybe", TRUE },
      { "pin=1234", FALSE },
      { "operator-id=21403", FALSE },
      { "apn=a,apn=b", TRUE },
      { "apn", TRUE },
      { "number=*99#", FALSE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
      g_autoptr(GError) e = NULL;
      g_autoptr(GVariant) v = NULL;

      g_test_message("bad bearer properties '%s'", bad[i].input);
      v = modemctl_build_bearer_properties(bad[i].input, bad[i].simple, &e);
      g_assert_null(v);
      g_assert_error(e, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    }
  }
}

static void
test_kernel_event(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) props = NULL;
  const char *s;

  props = modemctl_build_kernel_event_properties(
      "action=add,subsystem=usbmisc,name=cdc-wdm0,uid=/sys/devices/usb1/1-1", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_variant_n_children(props), ==, 4);
  g_assert_true(g_variant_lookup(props, "action", "&s", &s));
  g_assert_cmpstr(s, ==, "add");
  g_assert_true(g_variant_lookup(props, "subsystem", "&s", &s));
  g_assert_cmpstr(s, ==, "usbmisc");
  g_assert_true(g_variant_lookup(props, "name", "&s", &s));
  g_assert_cmpstr(s, ==, "cdc-wdm0");
  g_assert_true(g_variant_lookup(props, "uid", "&s", &s));
  g_assert_cmpstr(s, ==, "/sys/devices/usb1/1-1");
  g_clear_pointer(&props, g_variant_unref);

  props = modemctl_build_kernel_event_properties("action=remove,subsystem=net,name=wwan0", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_variant_n_children(props), ==, 3);
  g_clear_pointer(&props, g_variant_unref);

  props = modemctl_build_kernel_event_properties("action=add,subsystem=usbmisc", &error);
  g_assert_null(props);
  g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error(&error);

  props
      = modemctl_build_kernel_event_properties("action=add,subsystem=tty,name=x,driver=y", &error);
  g_assert_null(props);
  g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static void
test_bands(void)
{
  static const struct {
    guint value;
    const char *name;
  } known[] = {
    { MMD_MODEM_BAND_EGSM, "egsm" },
    { MMD_MODEM_BAND_DCS, "dcs" },
    { MMD_MODEM_BAND_UTRAN_1, "utran-1" },
    { MMD_MODEM_BAND_UTRAN_8, "utran-8" },
    { MMD_MODEM_BAND_EUTRAN_1, "eutran-1" },
    { MMD_MODEM_BAND_EUTRAN_3, "eutran-3" },
    { MMD_MODEM_BAND_EUTRAN_7, "eutran-7" },
    { MMD_MODEM_BAND_EUTRAN_8, "eutran-8" },
    { MMD_MODEM_BAND_EUTRAN_20, "eutran-20" },
    { MMD_MODEM_BAND_ANY, "any" },
    { 128, "cdma-bc0" },
    { 301, "ngran-1" },
    { 377, "ngran-77" },
    { 210, "utran-10" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) bands = NULL;
  guint band;

  for (gsize i = 0; i < G_N_ELEMENTS(known); i++) {
    g_autofree char *name = modemctl_band_to_string(known[i].value);

    g_assert_cmpstr(name, ==, known[i].name);
    g_assert_true(modemctl_band_from_string(known[i].name, &band));
    g_assert_cmpuint(band, ==, known[i].value);
  }
  g_assert_false(modemctl_band_from_string("eutran-0", &band));
  g_assert_false(modemctl_band_from_string("eutran-", &band));
  g_assert_false(modemctl_band_from_string("lte", &band));

  bands = modemctl_build_bands("eutran-1|eutran-3, utran-1", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(g_variant_get_type_string(bands), ==, "au");
  g_assert_cmpuint(g_variant_n_children(bands), ==, 3);
  g_variant_get_child(bands, 1, "u", &band);
  g_assert_cmpuint(band, ==, MMD_MODEM_BAND_EUTRAN_3);
  g_clear_pointer(&bands, g_variant_unref);

  bands = modemctl_build_bands("eutran-1|bogus", &error);
  g_assert_null(bands);
  g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error(&error);
  bands = modemctl_build_bands("", &error);
  g_assert_null(bands);
  g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static void
test_strings(void)
{
  g_autofree char *modes
      = modemctl_modes_to_string(MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_4G);
  g_autofree char *auth = modemctl_allowed_auth_build_string(MMD_BEARER_ALLOWED_AUTH_PAP
                                                             | MMD_BEARER_ALLOWED_AUTH_CHAP);
  g_autofree char *facilities = modemctl_facility_build_string(MMD_MODEM_3GPP_FACILITY_SIM);

  g_assert_cmpstr(modes, ==, "allowed: 3g, 4g; preferred: 4g");
  g_assert_cmpstr(auth, ==, "pap, chap");
  g_assert_cmpstr(facilities, ==, "sim");
  g_assert_cmpstr(modemctl_state_change_reason_to_string(1), ==, "user-requested");
  g_assert_cmpstr(modemctl_state_change_reason_to_string(99), ==, "unknown");
}

static Output *
sample_output(OutputType type)
{
  Output *output = output_new(type);
  const char *const drivers[] = { "qmi_wwan", "option", NULL };

  output_add(output, "General", "path", "modem.dbus-path", "/org/example/Modem1/Modem/0");
  output_add(output, "Hardware", "manufacturer", "modem.generic.manufacturer", "ACME \"Q\"");
  output_add(output, "Hardware", "model", "modem.generic.model", NULL);
  output_add_list(output, "System", "drivers", "modem.generic.drivers", drivers);
  output_add_list(output, "System", "numbers", "modem.generic.own-numbers", NULL);
  output_add(output, "3GPP", "operator id", "modem.3gpp.operator-code", "21403");
  output_add_flags_take(output, "IP", "supported", "modem.generic.supported-ip-families",
                        g_strdup("ipv4, ipv6"));
  return output;
}

static void
test_output_json(void)
{
  g_autoptr(Output) output = sample_output(OUTPUT_JSON);
  g_autofree char *text = output_render(output);

  g_assert_cmpstr(text, ==,
                  "{\"modem\":{\"dbus-path\":\"/org/example/Modem1/Modem/0\","
                  "\"generic\":{\"manufacturer\":\"ACME \\\"Q\\\"\",\"model\":\"--\","
                  "\"drivers\":[\"qmi_wwan\",\"option\"],\"own-numbers\":[],"
                  "\"supported-ip-families\":[\"ipv4\",\"ipv6\"]},"
                  "\"3gpp\":{\"operator-code\":\"21403\"}}}\n");
}

static void
test_output_json_list(void)
{
  g_autoptr(Output) output = output_new(OUTPUT_JSON);
  g_autofree char *text = NULL;

  output_add_list(output, NULL, NULL, "modem-list", NULL);
  text = output_render(output);
  g_assert_cmpstr(text, ==, "{\"modem-list\":[]}\n");
}

/* Non-ASCII text in -K as mmcli prints it, octal escapes; a listing's JSON
 * key stays whole, as mmcli's listings have it. */
static void
test_output_keyvalue_escapes_and_listing(void)
{
  g_autoptr(Output) kv = output_new(OUTPUT_KEYVALUE);
  g_autoptr(Output) json = output_new(OUTPUT_JSON);
  const char *const paths[] = { "/org/example/Modem1/SMS/3", NULL };
  g_autofree char *kv_text = NULL;
  g_autofree char *json_text = NULL;

  output_add(kv, NULL, NULL, "sms.content.text", "Grüße\tdir");
  kv_text = output_render(kv);
  g_assert_cmpstr(kv_text, ==, "sms.content.text : Gr\\303\\274\\303\\237e\\tdir\n");
  output_add_listing(json, "modem.messaging.sms", paths);
  json_text = output_render(json);
  g_assert_cmpstr(json_text, ==, "{\"modem.messaging.sms\":[\"/org/example/Modem1/SMS/3\"]}\n");
}

static void
test_output_keyvalue(void)
{
  g_autoptr(Output) output = sample_output(OUTPUT_KEYVALUE);
  g_autofree char *text = output_render(output);

  g_assert_cmpstr(text, ==,
                  "modem.dbus-path                              : /org/example/Modem1/Modem/0\n"
                  /* escaped as mmcli escapes (g_strescape) */
                  "modem.generic.manufacturer                   : ACME \\\"Q\\\"\n"
                  "modem.generic.model                          : --\n"
                  "modem.generic.drivers.length                 : 2\n"
                  "modem.generic.drivers.value[1]               : qmi_wwan\n"
                  "modem.generic.drivers.value[2]               : option\n"
                  "modem.generic.own-numbers                    : --\n"
                  "modem.3gpp.operator-code                     : 21403\n"
                  "modem.generic.supported-ip-families.length   : 2\n"
                  "modem.generic.supported-ip-families.value[1] : ipv4\n"
                  "modem.generic.supported-ip-families.value[2] : ipv6\n");
}

/* As mmcli prints them: "none" and "unknown" are no value, a property list
 * that is empty is "--", a list of results has a length even when empty. */
static void
test_output_keyvalue_unknowns(void)
{
  g_autoptr(Output) output = output_new(OUTPUT_KEYVALUE);
  const char *const lone_none[] = { "none", NULL };
  g_autofree char *text = NULL;

  output_add(output, NULL, NULL, "modem.generic.unlock-required", "none");
  output_add(output, NULL, NULL, "bearer.properties.ip-type", "unknown");
  output_add_list(output, NULL, NULL, "modem.generic.current-capabilities", lone_none);
  output_add_items(output, NULL, NULL, "modem-list", NULL);
  text = output_render(output);
  g_assert_cmpstr(text, ==,
                  "modem.generic.unlock-required      : --\n"
                  "bearer.properties.ip-type          : --\n"
                  "modem.generic.current-capabilities : --\n"
                  "modem-list.length                  : 0\n");
}

static void
test_output_human(void)
{
  g_autoptr(Output) output = sample_output(OUTPUT_HUMAN);
  g_autofree char *text = output_render(output);

  /* Unknown values and empty lists are left out; list values continue on their own lines. */
  g_assert_cmpstr(text, ==,
                  "  ----------------------------\n"
                  "  General  |         path: /org/example/Modem1/Modem/0\n"
                  "  ----------------------------\n"
                  "  Hardware | manufacturer: ACME \"Q\"\n"
                  "  ----------------------------\n"
                  "  System   |      drivers: qmi_wwan\n"
                  "           |               option\n"
                  "  ----------------------------\n"
                  "  3GPP     |  operator id: 21403\n"
                  "  ----------------------------\n"
                  "  IP       |    supported: ipv4\n"
                  "           |               ipv6\n"
                  "  ----------------------------\n");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/modemctl/selector", test_selector);
  g_test_add_func("/modemctl/path-index", test_path_index);
  g_test_add_func("/modemctl/key-values", test_key_values);
  g_test_add_func("/modemctl/boolean", test_boolean);
  g_test_add_func("/modemctl/bearer-properties", test_bearer_properties);
  g_test_add_func("/modemctl/kernel-event", test_kernel_event);
  g_test_add_func("/modemctl/bands", test_bands);
  g_test_add_func("/modemctl/strings", test_strings);
  g_test_add_func("/modemctl/output/json", test_output_json);
  g_test_add_func("/modemctl/output/json-list", test_output_json_list);
  g_test_add_func("/modemctl/output/keyvalue", test_output_keyvalue);
  g_test_add_func("/modemctl/output/keyvalue-escapes-and-listing",
                  test_output_keyvalue_escapes_and_listing);
  g_test_add_func("/modemctl/output/keyvalue-unknowns", test_output_keyvalue_unknowns);
  g_test_add_func("/modemctl/output/human", test_output_human);
  return g_test_run();
}
