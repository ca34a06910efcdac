/* The messaging room through D-Bus with the test backend: stored messages
 * read at enable, multi-part assembly, sending in parts, status reports,
 * deleting, and what is refused before anything reaches the modem. */
#include <gio/gio.h>

#include <string.h>

#include "auth.h"
#include "core-fixture.h"
#include "messaging.h"
#include "mmd-errors.h"
#include "modemd-codec.h"
#include "plugin-registry.h"

/* Published PDUs (src/codec/tests/codec-vectors.h has where they come from). */
#define HELLO_DELIVER "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"
#define CONCAT_PART1                                                                               \
  "07912160130320F5440B916171056429F5000021405291650569A00500034C0201A9E8F41C949E"                 \
  "83C2207B599E07B1DFEE33885E9ED341E4F23C7D7697C920FA1B54C697E5E3F4BC0C6AD7D9F434"                 \
  "081E96D341E3303C2C4EB3D3F4BC0B94A483E6E8779D4D06CDD1EF3BA80E0785E7A0B7BB0C6A97"                 \
  "E7F3F0B9CC02B9DF7450780EA2DFDF2C50780EA2A3CBA0BA9B5C96B3F369F71954768FDFE4B4FB"                 \
  "0C9297E1F2F2BCECA6CF41"
#define CONCAT_PART2                                                                               \
  "07912160130320F6440B916171056429F5000021405291651569320500034C0202E9E8301D4447"                 \
  "9741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10"
/* SMS-STATUS-REPORT, reference 0x2A, recipient +46708251358, delivered. */
#define STATUS_DELIVERED "00062A0B916407281553F8621103210000406211032150004000"

static const TestBackendConfig messaging_config
    = { TEST_CAP_ALL | TEST_CAP_MESSAGING, FALSE, FALSE, TRUE };

static MdbusModemMessaging *
messaging(Fixture *f)
{
  return mdbus_object_peek_modem_messaging(MDBUS_OBJECT(mmd_modem_get_object(f->modem)));
}

static const char *const *
messages(Fixture *f)
{
  return mdbus_modem_messaging_get_messages(messaging(f));
}

static void
enable(Fixture *f)
{
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE)));
  settle();
}

static MdbusSms *
sms_iface(Fixture *f, const char *path)
{
  g_autoptr(GDBusObject) object
      = g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(f->objects), path);

  g_assert_nonnull(object);
  return mdbus_object_peek_sms(MDBUS_OBJECT(object));
}

static void
deliver(Fixture *f, MmdSmsStorage storage, guint index, const char *hex)
{
  g_autoptr(GBytes) pdu = test_hex_bytes(hex);
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);

  mmd_modem_sms_received(f->modem, storage, index, MMD_SMS_RECORD_RECEIVED_UNREAD, data, len);
  settle();
}

static void
test_stored_read_at_enable(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  MdbusSms *sms;

  test_backend_sms_put(backend, MMD_SMS_STORAGE_SM, 3, MMD_SMS_RECORD_RECEIVED_READ, HELLO_DELIVER);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 0);
  enable(f);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 1);
  sms = sms_iface(f, messages(f)[0]);
  g_assert_cmpstr(mdbus_sms_get_text(sms), ==, "hellohello");
  g_assert_cmpstr(mdbus_sms_get_number(sms), ==, "27838890001");
  g_assert_cmpuint(mdbus_sms_get_state(sms), ==, MMD_SMS_STATE_RECEIVED);
  g_assert_cmpuint(mdbus_sms_get_pdu_type(sms), ==, MMD_SMS_PDU_TYPE_DELIVER);
  g_assert_cmpuint(mdbus_sms_get_storage(sms), ==, MMD_SMS_STORAGE_SM);
  g_assert_cmpstr(mdbus_sms_get_timestamp(sms), !=, "");
}

static void
test_parts_out_of_order(Fixture *f, gconstpointer data)
{
  MdbusSms *sms;

  enable(f);
  deliver(f, MMD_SMS_STORAGE_ME, 8, CONCAT_PART2);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 0);
  deliver(f, MMD_SMS_STORAGE_ME, 8, CONCAT_PART2); /* a repeat */
  deliver(f, MMD_SMS_STORAGE_ME, 7, CONCAT_PART1);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 1);
  sms = sms_iface(f, messages(f)[0]);
  g_assert_cmpstr(mdbus_sms_get_text(sms), ==,
                  "This is a very long test designed to exercise multi part capability. It "
                  "should show up as one message, not as two, as the underlying encoding "
                  "represents that the parts are related to one another. ");
  g_assert_cmpstr(mdbus_sms_get_timestamp(sms), ==, "2012-04-25T19:56:50-04:00");
}

/* A message at a storage index the room knows (the modem listed it and
 * indicated it too) stays one object. */
static void
test_same_location_once(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();

  test_backend_sms_put(backend, MMD_SMS_STORAGE_SM, 3, MMD_SMS_RECORD_RECEIVED_READ, HELLO_DELIVER);
  enable(f);
  deliver(f, MMD_SMS_STORAGE_SM, 3, HELLO_DELIVER);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 1);
  deliver(f, MMD_SMS_STORAGE_ME, 8, CONCAT_PART2);
  deliver(f, MMD_SMS_STORAGE_ME, 8, CONCAT_PART2);
  deliver(f, MMD_SMS_STORAGE_ME, 7, CONCAT_PART1);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 2);
  /* the same text again at another index is another message */
  deliver(f, MMD_SMS_STORAGE_SM, 4, HELLO_DELIVER);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 3);
}

/* One part never comes: after the part timeout the message is shown with a
 * marker where it is missing. */
static void
test_missing_part_shown(Fixture *f, gconstpointer data)
{
  enable(f);
  deliver(f, MMD_SMS_STORAGE_ME, 8, CONCAT_PART2);
  while (g_strv_length((char **)messages(f)) == 0)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpstr(mdbus_sms_get_text(sms_iface(f, messages(f)[0])), ==,
                  "[part 1 of 2 missing]that the parts are related to one another. ");
}

static GVariant *
create_params(const char *number, const char *text, const char *extra_key, GVariant *extra)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
  if (number)
    g_variant_builder_add(&b, "{sv}", "number", g_variant_new_string(number));
  if (text)
    g_variant_builder_add(&b, "{sv}", "text", g_variant_new_string(text));
  if (extra_key)
    g_variant_builder_add(&b, "{sv}", extra_key, extra);
  return g_variant_new("(@a{sv})", g_variant_builder_end(&b));
}

static char *
create(Fixture *f, GVariant *params)
{
  g_autoptr(GVariant) reply = call_ok(f, modem_path(f), "Modem.Messaging", "Create", params);
  char *path;

  g_variant_get(reply, "(o)", &path);
  return path;
}

static MmdSmsPdu *
decode_sent(const char *hex)
{
  g_autoptr(GBytes) bytes = test_hex_bytes(hex);
  gsize len;
  const guint8 *data = g_bytes_get_data(bytes, &len);
  MmdSmsPdu *pdu = mmd_sms_pdu_decode(data, len, MMD_SMS_PDU_WITH_SMSC, NULL);

  g_assert_nonnull(pdu);
  return pdu;
}

/* 200 GSM characters: two parts, one concatenation reference, text intact. */
static void
test_send_in_parts(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  g_autofree char *text = g_strnfill(200, 'x');
  g_autofree char *path = NULL;
  g_autoptr(MmdSmsPdu) first = NULL;
  g_autoptr(MmdSmsPdu) second = NULL;
  g_autofree char *joined = NULL;
  GPtrArray *sent = test_backend_sms_sent(backend);
  MdbusSms *sms;

  memcpy(text, "Hello ", 6);
  enable(f);
  path = create(f, create_params("+46708251358", text, "delivery-report-request",
                                 g_variant_new_boolean(TRUE)));
  sms = sms_iface(f, path);
  g_assert_cmpuint(mdbus_sms_get_state(sms), ==, MMD_SMS_STATE_UNKNOWN);
  g_variant_unref(call_ok(f, path, "Sms", "Send", NULL));
  g_assert_cmpuint(sent->len, ==, 2);
  first = decode_sent(g_ptr_array_index(sent, 0));
  second = decode_sent(g_ptr_array_index(sent, 1));
  g_assert_true(first->concat.present && second->concat.present);
  g_assert_cmpuint(first->concat.reference, ==, second->concat.reference);
  g_assert_cmpuint(first->concat.sequence, ==, 1);
  g_assert_cmpuint(second->concat.sequence, ==, 2);
  g_assert_cmpuint(first->concat.total, ==, 2);
  g_assert_true(first->status_report);
  joined = g_strconcat(first->text, second->text, NULL);
  g_assert_cmpstr(joined, ==, text);
  g_assert_cmpuint(mdbus_sms_get_state(sms), ==, MMD_SMS_STATE_SENT);
  g_assert_cmpuint(mdbus_sms_get_message_reference(sms), ==, 42);

  /* The network's report on the first part reaches the message. */
  g_assert_cmpuint(mdbus_sms_get_delivery_state(sms), ==, MMD_SMS_DELIVERY_STATE_UNKNOWN);
  deliver(f, MMD_SMS_STORAGE_SR, MMD_SMS_NO_INDEX, STATUS_DELIVERED);
  g_assert_cmpuint(mdbus_sms_get_delivery_state(sms), ==,
                   MMD_SMS_DELIVERY_STATE_COMPLETED_RECEIVED);
  g_assert_cmpstr(mdbus_sms_get_discharge_timestamp(sms), !=, "");
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 1);
}

static void
test_delete_from_storage(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  g_autofree char *path = NULL;

  test_backend_sms_put(backend, MMD_SMS_STORAGE_SM, 3, MMD_SMS_RECORD_RECEIVED_READ, HELLO_DELIVER);
  enable(f);
  path = g_strdup(messages(f)[0]);
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Messaging", "Delete", g_variant_new("(o)", path)));
  g_assert_false(test_backend_sms_has(backend, MMD_SMS_STORAGE_SM, 3));
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 0);
  call_fails(f, path, "Sms", "Send", NULL, "org.freedesktop.DBus.Error.UnknownMethod");
}

/* Refused where the call is made; nothing reaches the modem. */
static void
test_bad_input(Fixture *f, gconstpointer data)
{
  TestBackend *backend = test_backend_last();
  g_autofree char *huge = g_strnfill(153 * 255 + 1, 'a');
  const char *invalid = ERR("Core.InvalidArgs");

  enable(f);
  test_backend_clear_calls(backend);
  call_fails(f, modem_path(f), "Modem.Messaging", "Create", create_params(NULL, "hi", NULL, NULL),
             invalid);
  call_fails(f, modem_path(f), "Modem.Messaging", "Create",
             create_params("+49abc", "hi", NULL, NULL), invalid);
  call_fails(f, modem_path(f), "Modem.Messaging", "Create",
             create_params("+4917", "hi", "class", g_variant_new_int32(5)), invalid);
  call_fails(f, modem_path(f), "Modem.Messaging", "Create",
             create_params("+4917", huge, NULL, NULL), invalid);
  call_fails(f, modem_path(f), "Modem.Messaging", "Create",
             create_params("+4917", "hi", "colour", g_variant_new_string("red")), invalid);
  g_assert_cmpuint(g_strv_length((char **)messages(f)), ==, 0);
  deliver(f, MMD_SMS_STORAGE_ME, 1, HELLO_DELIVER);
  call_fails(f, messages(f)[0], "Sms", "Send", NULL, ERR("Core.WrongState"));
  g_assert_cmpuint(test_backend_sms_sent(backend)->len, ==, 0);
  g_assert_cmpstr(test_backend_calls(backend), ==, "");
}

int
main(int argc, char **argv)
{
  static const MmdPlugin *const plugins[] = { &test_plugin, NULL };

  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  mmd_plugins_register(plugins);
  mmd_auth_set_mode(MMD_AUTH_MODE_OWNER);
  mmd_messaging_set_part_timeout(1);
#define ADD(name, fn)                                                                              \
  g_test_add("/messaging/" name, Fixture, &messaging_config, fixture_set_up, fn, fixture_tear_down)
  ADD("stored-read-at-enable", test_stored_read_at_enable);
  ADD("parts-out-of-order", test_parts_out_of_order);
  ADD("same-location-once", test_same_location_once);
  ADD("missing-part-shown", test_missing_part_shown);
  ADD("send-in-parts", test_send_in_parts);
  ADD("delete-from-storage", test_delete_from_storage);
  ADD("bad-input", test_bad_input);
#undef ADD
  return g_test_run();
}
