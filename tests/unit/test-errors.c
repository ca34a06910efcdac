#include "mmd-errors.h"

static void
check_name(GQuark domain, int code, const char *expected)
{
  g_autoptr(GError) error = g_error_new_literal(domain, code, "test");
  g_autofree char *name = g_dbus_error_encode_gerror(error);

  g_assert_cmpstr(name, ==, expected);
}

static void
test_names(void)
{
  check_name(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
             "org.example.Modem1.Error.Core.WrongState");
  check_name(MMD_CORE_ERROR, MMD_CORE_ERROR_UNAUTHORIZED,
             "org.example.Modem1.Error.Core.Unauthorized");
  check_name(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
             "org.example.Modem1.Error.Core.InvalidArgs");
  check_name(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD,
             "org.example.Modem1.Error.MobileEquipment.IncorrectPassword");
  check_name(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE,
             "org.example.Modem1.Error.MobileEquipment.GprsPdpAuthFailure");
  check_name(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER,
             "org.example.Modem1.Error.Connection.NoCarrier");
  check_name(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT,
             "org.example.Modem1.Error.Serial.ResponseTimeout");
  check_name(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_SMSC_ADDRESS_UNKNOWN,
             "org.example.Modem1.Error.Message.SmscAddressUnknown");
  check_name(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_UNKNOWN,
             "org.example.Modem1.Error.Message.Unknown");
}

static void
test_round_trip(void)
{
  g_autoptr(GError) error = g_dbus_error_new_for_dbus_error(
      "org.example.Modem1.Error.MobileEquipment.SimPuk", "blocked");

  g_assert_error(error, MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK);
}

/* A Message error stays one when normalized for the bus. */
static void
test_message_domain(void)
{
  g_autoptr(GError) full
      = g_error_new_literal(MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_MEMORY_FULL, "x");
  g_autoptr(GError) normalized = mmd_error_normalize(full);
  g_autoptr(GError) back
      = g_dbus_error_new_for_dbus_error("org.example.Modem1.Error.Message.InvalidIndex", "gone");

  g_assert_error(normalized, MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_MEMORY_FULL);
  g_assert_error(back, MMD_MESSAGE_ERROR, MMD_MESSAGE_ERROR_INVALID_INDEX);
}

static void
test_normalize(void)
{
  g_autoptr(GError) cancelled = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) timeout = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "x");
  g_autoptr(GError) other = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "gone");
  g_autoptr(GError) ours = g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND, "x");
  g_autoptr(GError) n1 = mmd_error_normalize(cancelled);
  g_autoptr(GError) n2 = mmd_error_normalize(timeout);
  g_autoptr(GError) n3 = mmd_error_normalize(other);
  g_autoptr(GError) n4 = mmd_error_normalize(ours);

  g_assert_error(n1, MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED);
  g_assert_error(n2, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
  g_assert_error(n3, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED);
  g_assert_cmpstr(n3->message, ==, "gone");
  g_assert_error(n4, MMD_CORE_ERROR, MMD_CORE_ERROR_NOT_FOUND);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  g_test_add_func("/errors/dbus-names", test_names);
  g_test_add_func("/errors/round-trip", test_round_trip);
  g_test_add_func("/errors/normalize", test_normalize);
  g_test_add_func("/errors/message-domain", test_message_domain);
  return g_test_run();
}
