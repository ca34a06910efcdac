/* Enum and flag values of the D-Bus API.
 *
 * The numbers are those of the reference modem manager API, so that its
 * clients read our properties unchanged: never renumber them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMD_DBUS_SERVICE "org.example.Modem1"
#define MMD_DBUS_PATH "/org/example/Modem1"
#define MMD_DBUS_MODEM_PREFIX MMD_DBUS_PATH "/Modem"
#define MMD_DBUS_SIM_PREFIX MMD_DBUS_PATH "/SIM"
#define MMD_DBUS_BEARER_PREFIX MMD_DBUS_PATH "/Bearer"
#define MMD_DBUS_CALL_PREFIX MMD_DBUS_PATH "/Call"

typedef enum {
  MMD_MODEM_STATE_FAILED = -1,
  MMD_MODEM_STATE_UNKNOWN = 0,
  MMD_MODEM_STATE_INITIALIZING = 1,
  MMD_MODEM_STATE_LOCKED = 2,
  MMD_MODEM_STATE_DISABLED = 3,
  MMD_MODEM_STATE_DISABLING = 4,
  MMD_MODEM_STATE_ENABLING = 5,
  MMD_MODEM_STATE_ENABLED = 6,
  MMD_MODEM_STATE_SEARCHING = 7,
  MMD_MODEM_STATE_REGISTERED = 8,
  MMD_MODEM_STATE_DISCONNECTING = 9,
  MMD_MODEM_STATE_CONNECTING = 10,
  MMD_MODEM_STATE_CONNECTED = 11,
} MmdModemState;

typedef enum {
  MMD_MODEM_STATE_FAILED_REASON_NONE = 0,
  MMD_MODEM_STATE_FAILED_REASON_UNKNOWN = 1,
  MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING = 2,
  MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR = 3,
  MMD_MODEM_STATE_FAILED_REASON_UNKNOWN_CAPABILITIES = 4,
  MMD_MODEM_STATE_FAILED_REASON_ESIM_WITHOUT_PROFILES = 5,
} MmdModemStateFailedReason;

typedef enum {
  MMD_MODEM_STATE_CHANGE_REASON_UNKNOWN = 0,
  MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED = 1,
  MMD_MODEM_STATE_CHANGE_REASON_SUSPEND = 2,
  MMD_MODEM_STATE_CHANGE_REASON_FAILURE = 3,
} MmdModemStateChangeReason;

typedef enum {
  MMD_MODEM_LOCK_UNKNOWN = 0,
  MMD_MODEM_LOCK_NONE = 1,
  MMD_MODEM_LOCK_SIM_PIN = 2,
  MMD_MODEM_LOCK_SIM_PIN2 = 3,
  MMD_MODEM_LOCK_SIM_PUK = 4,
  MMD_MODEM_LOCK_SIM_PUK2 = 5,
} MmdModemLock;

typedef enum {
  MMD_MODEM_CAPABILITY_NONE = 0,
  MMD_MODEM_CAPABILITY_POTS = 1 << 0,
  MMD_MODEM_CAPABILITY_CDMA_EVDO = 1 << 1,
  MMD_MODEM_CAPABILITY_GSM_UMTS = 1 << 2,
  MMD_MODEM_CAPABILITY_LTE = 1 << 3,
  MMD_MODEM_CAPABILITY_IRIDIUM = 1 << 5,
  MMD_MODEM_CAPABILITY_5GNR = 1 << 6,
  MMD_MODEM_CAPABILITY_TDS = 1 << 7,
  MMD_MODEM_CAPABILITY_ANY = (int)0xFFFFFFFF,
} MmdModemCapability;

typedef enum {
  MMD_MODEM_MODE_NONE = 0,
  MMD_MODEM_MODE_CS = 1 << 0,
  MMD_MODEM_MODE_2G = 1 << 1,
  MMD_MODEM_MODE_3G = 1 << 2,
  MMD_MODEM_MODE_4G = 1 << 3,
  MMD_MODEM_MODE_5G = 1 << 4,
  MMD_MODEM_MODE_ANY = (int)0xFFFFFFFF,
} MmdModemMode;

typedef enum {
  MMD_MODEM_ACCESS_TECHNOLOGY_UNKNOWN = 0,
  MMD_MODEM_ACCESS_TECHNOLOGY_POTS = 1 << 0,
  MMD_MODEM_ACCESS_TECHNOLOGY_GSM = 1 << 1,
  MMD_MODEM_ACCESS_TECHNOLOGY_GSM_COMPACT = 1 << 2,
  MMD_MODEM_ACCESS_TECHNOLOGY_GPRS = 1 << 3,
  MMD_MODEM_ACCESS_TECHNOLOGY_EDGE = 1 << 4,
  MMD_MODEM_ACCESS_TECHNOLOGY_UMTS = 1 << 5,
  MMD_MODEM_ACCESS_TECHNOLOGY_HSDPA = 1 << 6,
  MMD_MODEM_ACCESS_TECHNOLOGY_HSUPA = 1 << 7,
  MMD_MODEM_ACCESS_TECHNOLOGY_HSPA = 1 << 8,
  MMD_MODEM_ACCESS_TECHNOLOGY_HSPA_PLUS = 1 << 9,
  MMD_MODEM_ACCESS_TECHNOLOGY_1XRTT = 1 << 10,
  MMD_MODEM_ACCESS_TECHNOLOGY_EVDO0 = 1 << 11,
  MMD_MODEM_ACCESS_TECHNOLOGY_EVDOA = 1 << 12,
  MMD_MODEM_ACCESS_TECHNOLOGY_EVDOB = 1 << 13,
  MMD_MODEM_ACCESS_TECHNOLOGY_LTE = 1 << 14,
  MMD_MODEM_ACCESS_TECHNOLOGY_5GNR = 1 << 15,
  MMD_MODEM_ACCESS_TECHNOLOGY_LTE_CAT_M = 1 << 16,
  MMD_MODEM_ACCESS_TECHNOLOGY_LTE_NB_IOT = 1 << 17,
} MmdModemAccessTechnology;

typedef enum {
  MMD_MODEM_POWER_STATE_UNKNOWN = 0,
  MMD_MODEM_POWER_STATE_OFF = 1,
  MMD_MODEM_POWER_STATE_LOW = 2,
  MMD_MODEM_POWER_STATE_ON = 3,
} MmdModemPowerState;

typedef enum {
  MMD_MODEM_PORT_TYPE_UNKNOWN = 1,
  MMD_MODEM_PORT_TYPE_NET = 2,
  MMD_MODEM_PORT_TYPE_AT = 3,
  MMD_MODEM_PORT_TYPE_QCDM = 4,
  MMD_MODEM_PORT_TYPE_GPS = 5,
  MMD_MODEM_PORT_TYPE_QMI = 6,
  MMD_MODEM_PORT_TYPE_MBIM = 7,
  MMD_MODEM_PORT_TYPE_AUDIO = 8,
  MMD_MODEM_PORT_TYPE_IGNORED = 9,
} MmdModemPortType;

typedef enum {
  MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE = 0,
  MMD_MODEM_3GPP_REGISTRATION_STATE_HOME = 1,
  MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING = 2,
  MMD_MODEM_3GPP_REGISTRATION_STATE_DENIED = 3,
  MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN = 4,
  MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING = 5,
  MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_SMS_ONLY = 6,
  MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_SMS_ONLY = 7,
  MMD_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY = 8,
  MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_CSFB_NOT_PREFERRED = 9,
  MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_CSFB_NOT_PREFERRED = 10,
  MMD_MODEM_3GPP_REGISTRATION_STATE_ATTACHED_RLOS = 11,
} MmdModem3gppRegistrationState;

typedef enum {
  MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN = 0,
  MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED = 1,
  MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED = 2,
} MmdModem3gppPacketServiceState;

typedef enum {
  MMD_MODEM_3GPP_NETWORK_AVAILABILITY_UNKNOWN = 0,
  MMD_MODEM_3GPP_NETWORK_AVAILABILITY_AVAILABLE = 1,
  MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT = 2,
  MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN = 3,
} MmdModem3gppNetworkAvailability;

typedef enum {
  MMD_MODEM_3GPP_FACILITY_NONE = 0,
  MMD_MODEM_3GPP_FACILITY_SIM = 1 << 0,
  MMD_MODEM_3GPP_FACILITY_FIXED_DIALING = 1 << 1,
} MmdModem3gppFacility;

typedef enum {
  MMD_BEARER_IP_FAMILY_NONE = 0,
  MMD_BEARER_IP_FAMILY_IPV4 = 1 << 0,
  MMD_BEARER_IP_FAMILY_IPV6 = 1 << 1,
  MMD_BEARER_IP_FAMILY_IPV4V6 = 1 << 2,
  MMD_BEARER_IP_FAMILY_NON_IP = 1 << 3,
  MMD_BEARER_IP_FAMILY_ANY = (int)0xFFFFFFF7,
} MmdBearerIpFamily;

typedef enum {
  MMD_BEARER_IP_METHOD_UNKNOWN = 0,
  MMD_BEARER_IP_METHOD_PPP = 1,
  MMD_BEARER_IP_METHOD_STATIC = 2,
  MMD_BEARER_IP_METHOD_DHCP = 3,
} MmdBearerIpMethod;

typedef enum {
  MMD_BEARER_TYPE_UNKNOWN = 0,
  MMD_BEARER_TYPE_DEFAULT = 1,
  MMD_BEARER_TYPE_DEFAULT_ATTACH = 2,
  MMD_BEARER_TYPE_DEDICATED = 3,
} MmdBearerType;

typedef enum {
  MMD_BEARER_ALLOWED_AUTH_UNKNOWN = 0,
  MMD_BEARER_ALLOWED_AUTH_NONE = 1 << 0,
  MMD_BEARER_ALLOWED_AUTH_PAP = 1 << 1,
  MMD_BEARER_ALLOWED_AUTH_CHAP = 1 << 2,
  MMD_BEARER_ALLOWED_AUTH_MSCHAP = 1 << 3,
  MMD_BEARER_ALLOWED_AUTH_MSCHAPV2 = 1 << 4,
  MMD_BEARER_ALLOWED_AUTH_EAP = 1 << 5,
} MmdBearerAllowedAuth;

typedef enum {
  MMD_MODEM_BAND_UNKNOWN = 0,
  MMD_MODEM_BAND_EGSM = 1,
  MMD_MODEM_BAND_DCS = 2,
  MMD_MODEM_BAND_PCS = 3,
  MMD_MODEM_BAND_G850 = 4,
  MMD_MODEM_BAND_UTRAN_1 = 5,
  MMD_MODEM_BAND_UTRAN_8 = 10,
  MMD_MODEM_BAND_EUTRAN_1 = 31,
  MMD_MODEM_BAND_EUTRAN_3 = 33,
  MMD_MODEM_BAND_EUTRAN_7 = 37,
  MMD_MODEM_BAND_EUTRAN_8 = 38,
  MMD_MODEM_BAND_EUTRAN_20 = 50,
  MMD_MODEM_BAND_EUTRAN_85 = 115,
  MMD_MODEM_BAND_ANY = 256,
  /* NR band n is NGRAN_1 + n - 1, up to n261 */
  MMD_MODEM_BAND_NGRAN_1 = 301,
  MMD_MODEM_BAND_NGRAN_261 = 561,
} MmdModemBand;

typedef enum {
  MMD_BEARER_MULTIPLEX_SUPPORT_UNKNOWN = 0,
  MMD_BEARER_MULTIPLEX_SUPPORT_NONE = 1,
  MMD_BEARER_MULTIPLEX_SUPPORT_REQUESTED = 2,
  MMD_BEARER_MULTIPLEX_SUPPORT_REQUIRED = 3,
} MmdBearerMultiplexSupport;

typedef enum {
  MMD_SMS_PDU_TYPE_UNKNOWN = 0,
  MMD_SMS_PDU_TYPE_DELIVER = 1,
  MMD_SMS_PDU_TYPE_SUBMIT = 2,
  MMD_SMS_PDU_TYPE_STATUS_REPORT = 3,
} MmdSmsPduType;

typedef enum {
  MMD_SMS_STATE_UNKNOWN = 0,
  MMD_SMS_STATE_STORED = 1,
  MMD_SMS_STATE_RECEIVING = 2,
  MMD_SMS_STATE_RECEIVED = 3,
  MMD_SMS_STATE_SENDING = 4,
  MMD_SMS_STATE_SENT = 5,
} MmdSmsState;

typedef enum {
  MMD_SMS_STORAGE_UNKNOWN = 0,
  MMD_SMS_STORAGE_SM = 1,
  MMD_SMS_STORAGE_ME = 2,
  MMD_SMS_STORAGE_MT = 3,
  MMD_SMS_STORAGE_SR = 4,
  MMD_SMS_STORAGE_BM = 5,
  MMD_SMS_STORAGE_TA = 6,
} MmdSmsStorage;

typedef enum {
  MMD_SMS_VALIDITY_TYPE_UNKNOWN = 0,
  MMD_SMS_VALIDITY_TYPE_RELATIVE = 1,
  MMD_SMS_VALIDITY_TYPE_ABSOLUTE = 2,
  MMD_SMS_VALIDITY_TYPE_ENHANCED = 3,
} MmdSmsValidityType;

typedef enum {
  MMD_MODEM_3GPP_USSD_SESSION_STATE_UNKNOWN = 0,
  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE = 1,
  MMD_MODEM_3GPP_USSD_SESSION_STATE_ACTIVE = 2,
  MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE = 3,
} MmdModem3gppUssdSessionState;

typedef enum {
  MMD_CALL_STATE_UNKNOWN = 0,
  MMD_CALL_STATE_DIALING = 1,
  MMD_CALL_STATE_RINGING_OUT = 2,
  MMD_CALL_STATE_RINGING_IN = 3,
  MMD_CALL_STATE_ACTIVE = 4,
  MMD_CALL_STATE_HELD = 5,
  MMD_CALL_STATE_WAITING = 6,
  MMD_CALL_STATE_TERMINATED = 7,
} MmdCallState;

typedef enum {
  MMD_CALL_STATE_REASON_UNKNOWN = 0,
  MMD_CALL_STATE_REASON_OUTGOING_STARTED = 1,
  MMD_CALL_STATE_REASON_INCOMING_NEW = 2,
  MMD_CALL_STATE_REASON_ACCEPTED = 3,
  MMD_CALL_STATE_REASON_TERMINATED = 4,
  MMD_CALL_STATE_REASON_REFUSED_OR_BUSY = 5,
  MMD_CALL_STATE_REASON_ERROR = 6,
  MMD_CALL_STATE_REASON_AUDIO_SETUP_FAILED = 7,
  MMD_CALL_STATE_REASON_TRANSFERRED = 8,
  MMD_CALL_STATE_REASON_DEFLECTED = 9,
} MmdCallStateReason;

typedef enum {
  MMD_CALL_DIRECTION_UNKNOWN = 0,
  MMD_CALL_DIRECTION_INCOMING = 1,
  MMD_CALL_DIRECTION_OUTGOING = 2,
} MmdCallDirection;

typedef enum {
  MMD_CBM_STATE_UNKNOWN = 0,
  MMD_CBM_STATE_RECEIVING = 1,
  MMD_CBM_STATE_RECEIVED = 2,
} MmdCbmState;

typedef enum {
  MMD_MODEM_LOCATION_SOURCE_NONE = 0,
  MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI = 1 << 0,
  MMD_MODEM_LOCATION_SOURCE_GPS_RAW = 1 << 1,
  MMD_MODEM_LOCATION_SOURCE_GPS_NMEA = 1 << 2,
  MMD_MODEM_LOCATION_SOURCE_CDMA_BS = 1 << 3,
  MMD_MODEM_LOCATION_SOURCE_GPS_UNMANAGED = 1 << 4,
  MMD_MODEM_LOCATION_SOURCE_AGPS_MSA = 1 << 5,
  MMD_MODEM_LOCATION_SOURCE_AGPS_MSB = 1 << 6,
} MmdModemLocationSource;

/* Names as mmcli prints them; NULL-safe, never NULL. */
const char *mmd_modem_state_to_string(MmdModemState state);
const char *mmd_modem_state_failed_reason_to_string(MmdModemStateFailedReason reason);
const char *mmd_modem_lock_to_string(MmdModemLock lock);
const char *mmd_modem_power_state_to_string(MmdModemPowerState state);
const char *mmd_modem_port_type_to_string(MmdModemPortType type);
const char *mmd_modem_3gpp_registration_state_to_string(MmdModem3gppRegistrationState state);
const char *mmd_modem_3gpp_packet_service_state_to_string(MmdModem3gppPacketServiceState state);
const char *mmd_modem_3gpp_network_availability_to_string(MmdModem3gppNetworkAvailability a);
const char *mmd_bearer_ip_method_to_string(MmdBearerIpMethod method);
const char *mmd_bearer_type_to_string(MmdBearerType type);
const char *mmd_sms_pdu_type_to_string(MmdSmsPduType type);
const char *mmd_sms_state_to_string(MmdSmsState state);
const char *mmd_sms_storage_to_string(MmdSmsStorage storage);
const char *mmd_call_state_to_string(MmdCallState state);
const char *mmd_call_state_reason_to_string(MmdCallStateReason reason);
const char *mmd_call_direction_to_string(MmdCallDirection direction);
const char *mmd_modem_3gpp_ussd_session_state_to_string(MmdModem3gppUssdSessionState state);

/* Flag sets joined with ", " ("gsm-umts, lte"); "none" for 0. */
char *mmd_modem_capability_build_string(guint caps);
char *mmd_modem_mode_build_string(guint modes);
char *mmd_modem_access_technology_build_string(guint techs);
char *mmd_bearer_ip_family_build_string(guint families);

/* Parse the names above back; FALSE on an unknown name. */
gboolean mmd_modem_mode_from_string(const char *str, guint *out_modes);
gboolean mmd_bearer_ip_family_from_string(const char *str, guint *out_family);
gboolean mmd_bearer_allowed_auth_from_string(const char *str, guint *out_auth);
/* "none", "requested", "required" (the reference's nicks) */
gboolean mmd_bearer_multiplex_support_from_string(const char *str, guint *out_multiplex);
gboolean mmd_sms_storage_from_string(const char *str, MmdSmsStorage *out_storage);

G_END_DECLS
