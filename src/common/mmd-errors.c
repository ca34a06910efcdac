#include "mmd-errors.h"

typedef struct {
  const char *domain_name;
  volatile gsize quark;
  const GDBusErrorEntry *entries;
  guint n_entries;
} ErrorDomain;

#define ENTRY(code, name)                                                                          \
  {                                                                                                \
    code, MMD_DBUS_ERROR_PREFIX "." name                                                           \
  }

static const GDBusErrorEntry core_entries[] = {
  ENTRY(MMD_CORE_ERROR_FAILED, "Core.Failed"),
  ENTRY(MMD_CORE_ERROR_CANCELLED, "Core.Cancelled"),
  ENTRY(MMD_CORE_ERROR_ABORTED, "Core.Aborted"),
  ENTRY(MMD_CORE_ERROR_UNSUPPORTED, "Core.Unsupported"),
  ENTRY(MMD_CORE_ERROR_NO_PLUGINS, "Core.NoPlugins"),
  ENTRY(MMD_CORE_ERROR_UNAUTHORIZED, "Core.Unauthorized"),
  ENTRY(MMD_CORE_ERROR_INVALID_ARGS, "Core.InvalidArgs"),
  ENTRY(MMD_CORE_ERROR_IN_PROGRESS, "Core.InProgress"),
  ENTRY(MMD_CORE_ERROR_WRONG_STATE, "Core.WrongState"),
  ENTRY(MMD_CORE_ERROR_CONNECTED, "Core.Connected"),
  ENTRY(MMD_CORE_ERROR_TOO_MANY, "Core.TooMany"),
  ENTRY(MMD_CORE_ERROR_NOT_FOUND, "Core.NotFound"),
  ENTRY(MMD_CORE_ERROR_RETRY, "Core.Retry"),
  ENTRY(MMD_CORE_ERROR_EXISTS, "Core.Exists"),
  ENTRY(MMD_CORE_ERROR_WRONG_SIM_STATE, "Core.WrongSimState"),
  ENTRY(MMD_CORE_ERROR_RESET_AND_RETRY, "Core.ResetAndRetry"),
};

#define ME(code, name) ENTRY(MMD_MOBILE_EQUIPMENT_ERROR_##code, "MobileEquipment." name)
static const GDBusErrorEntry me_entries[] = {
  ME(PHONE_FAILURE, "PhoneFailure"),
  ME(NO_CONNECTION, "NoConnection"),
  ME(LINK_RESERVED, "LinkReserved"),
  ME(NOT_ALLOWED, "NotAllowed"),
  ME(NOT_SUPPORTED, "NotSupported"),
  ME(PH_SIM_PIN, "PhSimPin"),
  ME(PH_FSIM_PIN, "PhFsimPin"),
  ME(PH_FSIM_PUK, "PhFsimPuk"),
  ME(SIM_NOT_INSERTED, "SimNotInserted"),
  ME(SIM_PIN, "SimPin"),
  ME(SIM_PUK, "SimPuk"),
  ME(SIM_FAILURE, "SimFailure"),
  ME(SIM_BUSY, "SimBusy"),
  ME(SIM_WRONG, "SimWrong"),
  ME(INCORRECT_PASSWORD, "IncorrectPassword"),
  ME(SIM_PIN2, "SimPin2"),
  ME(SIM_PUK2, "SimPuk2"),
  ME(MEMORY_FULL, "MemoryFull"),
  ME(INVALID_INDEX, "InvalidIndex"),
  ME(NOT_FOUND, "NotFound"),
  ME(MEMORY_FAILURE, "MemoryFailure"),
  ME(TEXT_TOO_LONG, "TextTooLong"),
  ME(INVALID_CHARS, "InvalidChars"),
  ME(DIAL_STRING_TOO_LONG, "DialStringTooLong"),
  ME(DIAL_STRING_INVALID, "DialStringInvalid"),
  ME(NO_NETWORK, "NoNetwork"),
  ME(NETWORK_TIMEOUT, "NetworkTimeout"),
  ME(NETWORK_NOT_ALLOWED, "NetworkNotAllowed"),
  ME(NETWORK_PIN, "NetworkPin"),
  ME(NETWORK_PUK, "NetworkPuk"),
  ME(NETWORK_SUBSET_PIN, "NetworkSubsetPin"),
  ME(NETWORK_SUBSET_PUK, "NetworkSubsetPuk"),
  ME(SERVICE_PIN, "ServicePin"),
  ME(SERVICE_PUK, "ServicePuk"),
  ME(CORP_PIN, "CorpPin"),
  ME(CORP_PUK, "CorpPuk"),
  ME(UNKNOWN, "Unknown"),
  ME(GPRS_ILLEGAL_MS, "GprsIllegalMs"),
  ME(GPRS_ILLEGAL_ME, "GprsIllegalMe"),
  ME(GPRS_SERVICE_NOT_ALLOWED, "GprsServiceNotAllowed"),
  ME(GPRS_PLMN_NOT_ALLOWED, "GprsPlmnNotAllowed"),
  ME(GPRS_LOCATION_NOT_ALLOWED, "GprsLocationNotAllowed"),
  ME(GPRS_ROAMING_NOT_ALLOWED, "GprsRoamingNotAllowed"),
  ME(GPRS_SERVICE_OPTION_NOT_SUPPORTED, "GprsServiceOptionNotSupported"),
  ME(GPRS_SERVICE_OPTION_NOT_SUBSCRIBED, "GprsServiceOptionNotSubscribed"),
  ME(GPRS_SERVICE_OPTION_OUT_OF_ORDER, "GprsServiceOptionOutOfOrder"),
  ME(GPRS_UNKNOWN, "GprsUnknown"),
  ME(GPRS_PDP_AUTH_FAILURE, "GprsPdpAuthFailure"),
  ME(GPRS_INVALID_MOBILE_CLASS, "GprsInvalidMobileClass"),
};

static const GDBusErrorEntry connection_entries[] = {
  ENTRY(MMD_CONNECTION_ERROR_UNKNOWN, "Connection.Unknown"),
  ENTRY(MMD_CONNECTION_ERROR_NO_CARRIER, "Connection.NoCarrier"),
  ENTRY(MMD_CONNECTION_ERROR_NO_DIALTONE, "Connection.NoDialtone"),
  ENTRY(MMD_CONNECTION_ERROR_BUSY, "Connection.Busy"),
  ENTRY(MMD_CONNECTION_ERROR_NO_ANSWER, "Connection.NoAnswer"),
};

static const GDBusErrorEntry serial_entries[] = {
  ENTRY(MMD_SERIAL_ERROR_UNKNOWN, "Serial.Unknown"),
  ENTRY(MMD_SERIAL_ERROR_OPEN_FAILED, "Serial.OpenFailed"),
  ENTRY(MMD_SERIAL_ERROR_SEND_FAILED, "Serial.SendFailed"),
  ENTRY(MMD_SERIAL_ERROR_RESPONSE_TIMEOUT, "Serial.ResponseTimeout"),
  ENTRY(MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE, "Serial.OpenFailedNoDevice"),
  ENTRY(MMD_SERIAL_ERROR_FLASH_FAILED, "Serial.FlashFailed"),
  ENTRY(MMD_SERIAL_ERROR_NOT_OPEN, "Serial.NotOpen"),
};

#define MESSAGE(code, name) ENTRY(MMD_MESSAGE_ERROR_##code, "Message." name)
static const GDBusErrorEntry message_entries[] = {
  MESSAGE(ME_FAILURE, "MeFailure"),
  MESSAGE(SMS_SERVICE_RESERVED, "SmsServiceReserved"),
  MESSAGE(NOT_ALLOWED, "NotAllowed"),
  MESSAGE(NOT_SUPPORTED, "NotSupported"),
  MESSAGE(INVALID_PDU_PARAMETER, "InvalidPduParameter"),
  MESSAGE(INVALID_TEXT_PARAMETER, "InvalidTextParameter"),
  MESSAGE(SIM_NOT_INSERTED, "SimNotInserted"),
  MESSAGE(SIM_PIN, "SimPin"),
  MESSAGE(PH_SIM_PIN, "PhSimPin"),
  MESSAGE(SIM_FAILURE, "SimFailure"),
  MESSAGE(SIM_BUSY, "SimBusy"),
  MESSAGE(SIM_WRONG, "SimWrong"),
  MESSAGE(SIM_PUK, "SimPuk"),
  MESSAGE(SIM_PIN2, "SimPin2"),
  MESSAGE(SIM_PUK2, "SimPuk2"),
  MESSAGE(MEMORY_FAILURE, "MemoryFailure"),
  MESSAGE(INVALID_INDEX, "InvalidIndex"),
  MESSAGE(MEMORY_FULL, "MemoryFull"),
  MESSAGE(SMSC_ADDRESS_UNKNOWN, "SmscAddressUnknown"),
  MESSAGE(NO_NETWORK, "NoNetwork"),
  MESSAGE(NETWORK_TIMEOUT, "NetworkTimeout"),
  MESSAGE(NO_CNMA_ACK_EXPECTED, "NoCnmaAckExpected"),
  MESSAGE(UNKNOWN, "Unknown"),
};

static ErrorDomain domains[] = {
  { "mmd-core-error-quark", 0, core_entries, G_N_ELEMENTS(core_entries) },
  { "mmd-mobile-equipment-error-quark", 0, me_entries, G_N_ELEMENTS(me_entries) },
  { "mmd-connection-error-quark", 0, connection_entries, G_N_ELEMENTS(connection_entries) },
  { "mmd-serial-error-quark", 0, serial_entries, G_N_ELEMENTS(serial_entries) },
  { "mmd-message-error-quark", 0, message_entries, G_N_ELEMENTS(message_entries) },
};

static GQuark
domain_quark(ErrorDomain *d)
{
  g_dbus_error_register_error_domain(d->domain_name, &d->quark, d->entries, d->n_entries);
  return (GQuark)d->quark;
}

GQuark
mmd_core_error_quark(void)
{
  return domain_quark(&domains[0]);
}

GQuark
mmd_mobile_equipment_error_quark(void)
{
  return domain_quark(&domains[1]);
}

GQuark
mmd_connection_error_quark(void)
{
  return domain_quark(&domains[2]);
}

GQuark
mmd_serial_error_quark(void)
{
  return domain_quark(&domains[3]);
}

GQuark
mmd_message_error_quark(void)
{
  return domain_quark(&domains[4]);
}

void
mmd_errors_register(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(domains); i++)
    domain_quark(&domains[i]);
}

static gboolean
is_our_domain(GQuark domain)
{
  for (guint i = 0; i < G_N_ELEMENTS(domains); i++)
    if (domain == domain_quark(&domains[i]))
      return TRUE;
  return FALSE;
}

GError *
mmd_error_normalize(const GError *error)
{
  if (is_our_domain(error->domain))
    return g_error_copy(error);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_CANCELLED, error->message);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new_literal(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT, error->message);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED, error->message);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, error->message);
  return g_error_new_literal(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, error->message);
}
