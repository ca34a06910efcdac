/* modemctl's messaging helpers: what users type into the API's types, and
 * what mmcli calls delivery states. */
#include "sms-properties.h"

static void
test_sms_properties(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = modemctl_build_sms_properties(
      "number='+4917012345',text='Hi, there',class=1,validity=60,delivery-report-request=yes", NULL,
      &error);
  g_autoptr(GBytes) data = g_bytes_new_static("\x01\x02", 2);
  g_autoptr(GVariant) with_data = NULL;
  const char *text = NULL;
  gint32 klass = -1;
  gboolean report = FALSE;
  g_autoptr(GVariant) validity = NULL;
  g_autoptr(GVariant) minutes_v = NULL;
  g_autoptr(GVariant) bytes = NULL;
  guint32 type = 0;
  gsize len = 0;

  g_assert_no_error(error);
  g_assert_true(g_variant_lookup(v, "text", "&s", &text));
  g_assert_cmpstr(text, ==, "Hi, there");
  g_assert_true(g_variant_lookup(v, "class", "i", &klass));
  g_assert_cmpint(klass, ==, 1);
  g_assert_true(g_variant_lookup(v, "delivery-report-request", "b", &report));
  g_assert_true(report);
  validity = g_variant_lookup_value(v, "validity", G_VARIANT_TYPE("(uv)"));
  g_variant_get(validity, "(uv)", &type, &minutes_v);
  g_assert_cmpuint(type, ==, 1);
  g_assert_cmpuint(g_variant_get_uint32(minutes_v), ==, 60);
  with_data = modemctl_build_sms_properties("number=1", data, &error);
  g_assert_no_error(error);
  bytes = g_variant_lookup_value(with_data, "data", G_VARIANT_TYPE_BYTESTRING);
  g_assert_nonnull(g_variant_get_fixed_array(bytes, &len, 1));
  g_assert_cmpuint(len, ==, 2);
}

static void
test_sms_properties_refused(void)
{
  static const char *const bad[] = {
    "number=1,colour=red",           "class=x",           "validity=0",         "validity=-5",
    "delivery-report-request=maybe", "number=1,number=2", "text='unterminated",
  };

  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = modemctl_build_sms_properties(bad[i], NULL, &error);

    g_assert_null(v);
    g_assert_nonnull(error);
  }
}

static void
test_channels(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = modemctl_build_cbs_channels(" 4370-4383, 50 ", &error);
  g_autoptr(GVariant) none = modemctl_build_cbs_channels("", &error);
  g_autofree char *text = NULL;
  static const char *const bad[] = { "5-1", "70000", "a", "1,,2", "-3" };

  g_assert_no_error(error);
  g_assert_cmpuint(g_variant_n_children(v), ==, 2);
  text = modemctl_cbs_channels_to_string(v);
  g_assert_cmpstr(text, ==, "4370-4383,50");
  g_assert_cmpuint(g_variant_n_children(none), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) e = NULL;
    g_autoptr(GVariant) r = modemctl_build_cbs_channels(bad[i], &e);

    g_assert_null(r);
    g_assert_nonnull(e);
  }
}

static void
test_delivery_states(void)
{
  g_assert_cmpstr(modemctl_sms_delivery_state_to_string(0x00), ==, "completed-received");
  g_assert_cmpstr(modemctl_sms_delivery_state_to_string(0x41), ==,
                  "error-incompatible-destination");
  g_assert_cmpstr(modemctl_sms_delivery_state_to_string(0x12), ==, "completed-sc-specific-reason");
  g_assert_cmpstr(modemctl_sms_delivery_state_to_string(0x9A), ==, "unknown-reason-reserved");
  g_assert_cmpstr(modemctl_sms_delivery_state_to_string(0x100), ==, "unknown");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/modemctl/sms/properties", test_sms_properties);
  g_test_add_func("/modemctl/sms/properties-refused", test_sms_properties_refused);
  g_test_add_func("/modemctl/sms/channels", test_channels);
  g_test_add_func("/modemctl/sms/delivery-states", test_delivery_states);
  return g_test_run();
}
