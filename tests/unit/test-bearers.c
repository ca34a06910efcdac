/* The bearers room with multiplexing, through D-Bus with the test backend:
 * the "multiplex" key (none / requested / required), Bearer.Multiplexed,
 * Modem.MaxActiveMultiplexedBearers, and how multiplexed sessions and a
 * session on the net port itself exclude each other. */
#include <gio/gio.h>

#include "auth.h"
#include "bearers.h"
#include "core-fixture.h"
#include "mmd-errors.h"
#include "plugin-registry.h"

static const TestBackendConfig config = { TEST_CAP_ALL, FALSE, FALSE, TRUE };

static GVariant *
bearer_params(const char *apn, guint multiplex)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&b, "{sv}", "apn", g_variant_new_string(apn));
  if (multiplex != MMD_BEARER_MULTIPLEX_SUPPORT_UNKNOWN)
    g_variant_builder_add(&b, "{sv}", "multiplex", g_variant_new_uint32(multiplex));
  return g_variant_new("(@a{sv})", g_variant_builder_end(&b));
}

/* CreateBearer; returns the bearer object. */
static MmdBearer *
create(Fixture *f, const char *apn, guint multiplex)
{
  g_autoptr(GVariant) reply
      = call_ok(f, modem_path(f), "Modem", "CreateBearer", bearer_params(apn, multiplex));
  const char *path;

  g_variant_get(reply, "(&o)", &path);
  return mmd_bearers_find(f->modem, path);
}

static void
connect_ok(Fixture *f, MmdBearer *bearer)
{
  g_variant_unref(call_ok(f, mmd_bearer_get_path(bearer), "Bearer", "Connect", NULL));
  g_assert_true(mmd_bearer_is_connected(bearer));
}

static void
enable(Fixture *f, guint max_bearers, guint max_active, guint max_multiplexed)
{
  mmd_modem_set_max_bearers(f->modem, max_bearers, max_active);
  mmd_modem_set_max_multiplexed_bearers(f->modem, max_multiplexed);
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE)));
  test_backend_clear_calls(test_backend_last());
}

static const char *
interface_of(MmdBearer *bearer)
{
  return mdbus_bearer_get_interface(
      mdbus_object_peek_bearer(MDBUS_OBJECT(mmd_bearer_get_object(bearer))));
}

static gboolean
multiplexed(MmdBearer *bearer)
{
  return mdbus_bearer_get_multiplexed(
      mdbus_object_peek_bearer(MDBUS_OBJECT(mmd_bearer_get_object(bearer))));
}

/* Internet and IMS at once, each on its own link. */
static void
test_two_multiplexed(Fixture *f, gconstpointer data)
{
  MmdBearer *internet, *ims, *third, *plain;
  TestBackend *backend = test_backend_last();

  enable(f, 4, 1, 2);
  g_assert_cmpuint(mdbus_modem_get_max_active_multiplexed_bearers(mmd_modem_get_iface(f->modem)),
                   ==, 2);
  internet = create(f, "internet", MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED);
  ims = create(f, "ims", MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
  connect_ok(f, internet);
  connect_ok(f, ims);
  g_assert_true(multiplexed(internet) && multiplexed(ims));
  g_assert_cmpstr(interface_of(internet), !=, interface_of(ims));
  g_assert_cmpstr(test_backend_calls(backend), ==, "connect(mux),connect(mux)");
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_CONNECTED);

  /* a third: no multiplexed link left, and the net port cannot carry one now */
  third = create(f, "third", MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED);
  call_fails(f, mmd_bearer_get_path(third), "Bearer", "Connect", NULL, ERR("Core.TooMany"));
  plain = create(f, "plain", MMD_BEARER_MULTIPLEX_SUPPORT_NONE);
  call_fails(f, mmd_bearer_get_path(plain), "Bearer", "Connect", NULL, ERR("Core.TooMany"));
  g_assert_cmpstr(test_backend_calls(backend), ==, "connect(mux),connect(mux)");

  /* one goes down: Multiplexed with it; the other stays up */
  g_variant_unref(call_ok(f, mmd_bearer_get_path(ims), "Bearer", "Disconnect", NULL));
  g_assert_false(multiplexed(ims));
  g_assert_cmpstr(interface_of(ims), ==, "");
  g_assert_true(mmd_bearer_is_connected(internet) && multiplexed(internet));
  connect_ok(f, third);
  g_assert_true(multiplexed(third));
}

/* A session on the net port itself keeps multiplexed ones out; "requested"
 * then connects without multiplexing where it can, "required" fails. */
static void
test_plain_excludes_multiplexed(Fixture *f, gconstpointer data)
{
  MmdBearer *plain, *required, *requested;

  enable(f, 4, 2, 2);
  plain = create(f, "internet", MMD_BEARER_MULTIPLEX_SUPPORT_UNKNOWN);
  connect_ok(f, plain);
  g_assert_false(multiplexed(plain));
  g_assert_cmpstr(interface_of(plain), ==, "wwan0");
  required = create(f, "ims", MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
  call_fails(f, mmd_bearer_get_path(required), "Bearer", "Connect", NULL, ERR("Core.TooMany"));
  g_assert_false(mmd_bearer_is_connected(required));
  requested = create(f, "mms", MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED);
  connect_ok(f, requested);
  g_assert_false(multiplexed(requested));
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==, "connect,connect");
}

/* A modem that cannot multiplex: "required" is refused before the modem is
 * asked anything, "requested" connects on the net port. */
static void
test_no_multiplexing(Fixture *f, gconstpointer data)
{
  MmdBearer *required, *requested;
  g_autoptr(GVariant) error = NULL;

  enable(f, 1, 1, 0);
  g_assert_cmpuint(mdbus_modem_get_max_active_multiplexed_bearers(mmd_modem_get_iface(f->modem)),
                   ==, 0);
  required = create(f, "internet", MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
  call_fails(f, mmd_bearer_get_path(required), "Bearer", "Connect", NULL, ERR("Core.Unsupported"));
  g_assert_false(mmd_bearer_is_connected(required));
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==, "");
  error = mdbus_bearer_dup_connection_error(
      mdbus_object_peek_bearer(MDBUS_OBJECT(mmd_bearer_get_object(required))));
  g_assert_cmpstr(g_variant_get_type_string(error), ==, "(ss)");
  /* Simple.Connect asking for it fails the same way, with no bearer left up */
  call_fails(f, modem_path(f), "Modem.Simple", "Connect",
             bearer_params("internet", MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED),
             ERR("Core.Unsupported"));
  g_assert_cmpint(mmd_modem_get_state(f->modem), ==, MMD_MODEM_STATE_REGISTERED);
  /* the limit of one bearer: make way for the next */
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "DeleteBearer",
                          g_variant_new("(o)", mmd_bearer_get_path(required))));
  requested = create(f, "internet", MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED);
  connect_ok(f, requested);
  g_assert_false(multiplexed(requested));
  g_assert_cmpstr(test_backend_calls(test_backend_last()), ==, "connect");
}

static void
test_multiplex_key(Fixture *f, gconstpointer data)
{
  MmdBearer *bearer;
  GVariant *props;
  guint32 value = 0;

  call_fails(f, modem_path(f), "Modem", "CreateBearer", bearer_params("internet", 4),
             ERR("Core.InvalidArgs"));
  call_fails(f, modem_path(f), "Modem", "CreateBearer",
             g_variant_new_parsed("({'apn': <'internet'>, 'multiplex': <'required'>},)"),
             ERR("Core.InvalidArgs"));
  bearer = create(f, "internet", MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
  props = mdbus_bearer_get_properties(
      mdbus_object_peek_bearer(MDBUS_OBJECT(mmd_bearer_get_object(bearer))));
  g_assert_true(g_variant_lookup(props, "multiplex", "u", &value));
  g_assert_cmpuint(value, ==, MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED);
}

int
main(int argc, char **argv)
{
  static const MmdPlugin *const plugins[] = { &test_plugin, NULL };

  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  mmd_plugins_register(plugins);
  mmd_auth_set_mode(MMD_AUTH_MODE_OWNER);
#define ADD(name, fn)                                                                              \
  g_test_add("/bearers/" name, Fixture, &config, fixture_set_up, fn, fixture_tear_down)
  ADD("two-multiplexed", test_two_multiplexed);
  ADD("plain-excludes-multiplexed", test_plain_excludes_multiplexed);
  ADD("no-multiplexing", test_no_multiplexing);
  ADD("multiplex-key", test_multiplex_key);
#undef ADD
  return g_test_run();
}
