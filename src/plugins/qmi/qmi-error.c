/* QMI protocol errors and how they map onto the daemon's error domains. */
#include "qmi-error.h"

#include "mmd-errors.h"

G_DEFINE_QUARK(qmi - codec - error - quark, qmi_codec_error)

static const struct {
  guint16 code;
  const char *name;
  GQuark (*domain)(void);
  gint mmd_code;
} error_map[] = {
  { QMI_PROTOCOL_ERROR_NONE, "None", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_MALFORMED_MESSAGE, "MalformedMessage", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_NO_MEMORY, "NoMemory", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_INTERNAL, "Internal", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_ABORTED, "Aborted", mmd_core_error_quark, MMD_CORE_ERROR_ABORTED },
  { QMI_PROTOCOL_ERROR_CLIENT_IDS_EXHAUSTED, "ClientIdsExhausted", mmd_core_error_quark,
    MMD_CORE_ERROR_TOO_MANY },
  { QMI_PROTOCOL_ERROR_INVALID_CLIENT_ID, "InvalidClientId", mmd_core_error_quark,
    MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_INVALID_HANDLE, "InvalidHandle", mmd_core_error_quark,
    MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_INVALID_PROFILE, "InvalidProfile", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_INVALID_PIN_ID, "InvalidPinId", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_INCORRECT_PIN, "IncorrectPin", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD },
  { QMI_PROTOCOL_ERROR_NO_NETWORK_FOUND, "NoNetworkFound", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
  { QMI_PROTOCOL_ERROR_CALL_FAILED, "CallFailed", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_GPRS_UNKNOWN },
  { QMI_PROTOCOL_ERROR_OUT_OF_CALL, "OutOfCall", mmd_core_error_quark, MMD_CORE_ERROR_WRONG_STATE },
  { QMI_PROTOCOL_ERROR_NOT_PROVISIONED, "NotProvisioned", mmd_core_error_quark,
    MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, "MissingArgument", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_ARGUMENT_TOO_LONG, "ArgumentTooLong", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_INVALID_TRANSACTION_ID, "InvalidTransactionId", mmd_core_error_quark,
    MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_DEVICE_IN_USE, "DeviceInUse", mmd_core_error_quark,
    MMD_CORE_ERROR_IN_PROGRESS },
  { QMI_PROTOCOL_ERROR_NETWORK_UNSUPPORTED, "NetworkUnsupported", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_NOT_ALLOWED },
  { QMI_PROTOCOL_ERROR_DEVICE_UNSUPPORTED, "DeviceUnsupported", mmd_core_error_quark,
    MMD_CORE_ERROR_UNSUPPORTED },
  { QMI_PROTOCOL_ERROR_NO_EFFECT, "NoEffect", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_AUTHENTICATION_FAILED, "AuthenticationFailed",
    mmd_mobile_equipment_error_quark, MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE },
  { QMI_PROTOCOL_ERROR_PIN_BLOCKED, "PinBlocked", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK },
  { QMI_PROTOCOL_ERROR_PIN_ALWAYS_BLOCKED, "PinAlwaysBlocked", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_WRONG },
  { QMI_PROTOCOL_ERROR_UIM_UNINITIALIZED, "UimUninitialized", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_BUSY },
  { QMI_PROTOCOL_ERROR_GENERAL_ERROR, "GeneralError", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_UNKNOWN_ERROR, "UnknownError", mmd_core_error_quark, MMD_CORE_ERROR_FAILED },
  { QMI_PROTOCOL_ERROR_INVALID_ARGUMENT, "InvalidArgument", mmd_core_error_quark,
    MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_INVALID_INDEX, "InvalidIndex", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_INVALID_INDEX },
  { QMI_PROTOCOL_ERROR_NO_ENTRY, "NoEntry", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_INVALID_INDEX },
  { QMI_PROTOCOL_ERROR_DEVICE_STORAGE_FULL, "DeviceStorageFull", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_MEMORY_FULL },
  { QMI_PROTOCOL_ERROR_DEVICE_NOT_READY, "DeviceNotReady", mmd_core_error_quark,
    MMD_CORE_ERROR_RETRY },
  { QMI_PROTOCOL_ERROR_NETWORK_NOT_READY, "NetworkNotReady", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
  { QMI_PROTOCOL_ERROR_WMS_CAUSE_CODE, "WmsCauseCode", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_UNKNOWN },
  { QMI_PROTOCOL_ERROR_WMS_MESSAGE_NOT_SENT, "WmsMessageNotSent", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_NETWORK_TIMEOUT },
  { QMI_PROTOCOL_ERROR_WMS_MESSAGE_DELIVERY_FAILURE, "WmsMessageDeliveryFailure",
    mmd_message_error_quark, MMD_MESSAGE_ERROR_UNKNOWN },
  { QMI_PROTOCOL_ERROR_WMS_INVALID_MESSAGE_ID, "WmsInvalidMessageId", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_INVALID_PDU_PARAMETER },
  { QMI_PROTOCOL_ERROR_WMS_ENCODING, "WmsEncoding", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_INVALID_PDU_PARAMETER },
  { QMI_PROTOCOL_ERROR_INVALID_TRANSITION, "InvalidTransition", mmd_core_error_quark,
    MMD_CORE_ERROR_WRONG_STATE },
  { QMI_PROTOCOL_ERROR_INVALID_IP_FAMILY_PREFERENCE, "InvalidIpFamilyPreference",
    mmd_core_error_quark, MMD_CORE_ERROR_INVALID_ARGS },
  { QMI_PROTOCOL_ERROR_INVALID_OPERATION, "InvalidOperation", mmd_core_error_quark,
    MMD_CORE_ERROR_UNSUPPORTED },
  { QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND, "InvalidQmiCommand", mmd_core_error_quark,
    MMD_CORE_ERROR_UNSUPPORTED },
  { QMI_PROTOCOL_ERROR_WMS_T_PDU_TYPE, "WmsTPduType", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_INVALID_PDU_PARAMETER },
  { QMI_PROTOCOL_ERROR_WMS_SMSC_ADDRESS, "WmsSmscAddress", mmd_message_error_quark,
    MMD_MESSAGE_ERROR_SMSC_ADDRESS_UNKNOWN },
  { QMI_PROTOCOL_ERROR_INFORMATION_UNAVAILABLE, "InformationUnavailable", mmd_core_error_quark,
    MMD_CORE_ERROR_NOT_FOUND },
  { QMI_PROTOCOL_ERROR_SIM_FILE_NOT_FOUND, "SimFileNotFound", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NOT_FOUND },
  { QMI_PROTOCOL_ERROR_ACCESS_DENIED, "AccessDenied", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NOT_ALLOWED },
  { QMI_PROTOCOL_ERROR_INCOMPATIBLE_STATE, "IncompatibleState", mmd_core_error_quark,
    MMD_CORE_ERROR_WRONG_STATE },
  { QMI_PROTOCOL_ERROR_NO_RADIO, "NoRadio", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_NO_CONNECTION },
  { QMI_PROTOCOL_ERROR_NOT_SUPPORTED, "NotSupported", mmd_core_error_quark,
    MMD_CORE_ERROR_UNSUPPORTED },
  { QMI_PROTOCOL_ERROR_NO_SUBSCRIPTION, "NoSubscription", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED },
  { QMI_PROTOCOL_ERROR_NO_SIM, "NoSim", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED },
  { QMI_PROTOCOL_ERROR_PIN_RESTRICTION, "PinRestriction", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN },
  { QMI_PROTOCOL_ERROR_PIN2_RESTRICTION, "Pin2Restriction", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN2 },
  { QMI_PROTOCOL_ERROR_PUK_RESTRICTION, "PukRestriction", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK },
  { QMI_PROTOCOL_ERROR_PUK2_RESTRICTION, "Puk2Restriction", mmd_mobile_equipment_error_quark,
    MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK2 },
  { QMI_PROTOCOL_ERROR_OPERATION_IN_PROGRESS, "OperationInProgress", mmd_core_error_quark,
    MMD_CORE_ERROR_IN_PROGRESS },
};

const char *
qmi_protocol_error_get_name(guint16 code)
{
  static GPrivate buf_key = G_PRIVATE_INIT(g_free);
  for (gsize i = 0; i < G_N_ELEMENTS(error_map); i++)
    if (error_map[i].code == code)
      return error_map[i].name;
  char *buf = g_private_get(&buf_key);
  if (!buf) {
    buf = g_malloc(16);
    g_private_set(&buf_key, buf);
  }
  g_snprintf(buf, 16, "0x%04x", code);
  return buf;
}

GError *
qmi_protocol_error_to_gerror(guint16 code, const char *what)
{
  for (gsize i = 0; i < G_N_ELEMENTS(error_map); i++) {
    if (error_map[i].code == code)
      return g_error_new(error_map[i].domain(), error_map[i].mmd_code,
                         "%s failed: QMI protocol error %u (%s)", what, code, error_map[i].name);
  }
  return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "%s failed: QMI protocol error %u",
                     what, code);
}
