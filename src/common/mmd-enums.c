#include "mmd-enums.h"

typedef struct {
  guint value;
  const char *name;
} EnumName;

static const char *
lookup(const EnumName *table, gsize n, guint value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].name;
  return "unknown";
}

#define LOOKUP(table, value) lookup(table, G_N_ELEMENTS(table), (guint)(value))

static const EnumName modem_states[] = {
  { (guint)MMD_MODEM_STATE_FAILED, "failed" },        { MMD_MODEM_STATE_UNKNOWN, "unknown" },
  { MMD_MODEM_STATE_INITIALIZING, "initializing" },   { MMD_MODEM_STATE_LOCKED, "locked" },
  { MMD_MODEM_STATE_DISABLED, "disabled" },           { MMD_MODEM_STATE_DISABLING, "disabling" },
  { MMD_MODEM_STATE_ENABLING, "enabling" },           { MMD_MODEM_STATE_ENABLED, "enabled" },
  { MMD_MODEM_STATE_SEARCHING, "searching" },         { MMD_MODEM_STATE_REGISTERED, "registered" },
  { MMD_MODEM_STATE_DISCONNECTING, "disconnecting" }, { MMD_MODEM_STATE_CONNECTING, "connecting" },
  { MMD_MODEM_STATE_CONNECTED, "connected" },
};

const char *
mmd_modem_state_to_string(MmdModemState state)
{
  return LOOKUP(modem_states, state);
}

static const EnumName failed_reasons[] = {
  { MMD_MODEM_STATE_FAILED_REASON_NONE, "none" },
  { MMD_MODEM_STATE_FAILED_REASON_UNKNOWN, "unknown" },
  { MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING, "sim-missing" },
  { MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR, "sim-error" },
  { MMD_MODEM_STATE_FAILED_REASON_UNKNOWN_CAPABILITIES, "unknown-capabilities" },
  { MMD_MODEM_STATE_FAILED_REASON_ESIM_WITHOUT_PROFILES, "esim-without-profiles" },
};

const char *
mmd_modem_state_failed_reason_to_string(MmdModemStateFailedReason reason)
{
  return LOOKUP(failed_reasons, reason);
}

static const EnumName locks[] = {
  { MMD_MODEM_LOCK_UNKNOWN, "unknown" }, { MMD_MODEM_LOCK_NONE, "none" },
  { MMD_MODEM_LOCK_SIM_PIN, "sim-pin" }, { MMD_MODEM_LOCK_SIM_PIN2, "sim-pin2" },
  { MMD_MODEM_LOCK_SIM_PUK, "sim-puk" }, { MMD_MODEM_LOCK_SIM_PUK2, "sim-puk2" },
};

const char *
mmd_modem_lock_to_string(MmdModemLock lock)
{
  return LOOKUP(locks, lock);
}

static const EnumName power_states[] = {
  { MMD_MODEM_POWER_STATE_UNKNOWN, "unknown" },
  { MMD_MODEM_POWER_STATE_OFF, "off" },
  { MMD_MODEM_POWER_STATE_LOW, "low" },
  { MMD_MODEM_POWER_STATE_ON, "on" },
};

const char *
mmd_modem_power_state_to_string(MmdModemPowerState state)
{
  return LOOKUP(power_states, state);
}

static const EnumName port_types[] = {
  { MMD_MODEM_PORT_TYPE_UNKNOWN, "unknown" }, { MMD_MODEM_PORT_TYPE_NET, "net" },
  { MMD_MODEM_PORT_TYPE_AT, "at" },           { MMD_MODEM_PORT_TYPE_QCDM, "qcdm" },
  { MMD_MODEM_PORT_TYPE_GPS, "gps" },         { MMD_MODEM_PORT_TYPE_QMI, "qmi" },
  { MMD_MODEM_PORT_TYPE_MBIM, "mbim" },       { MMD_MODEM_PORT_TYPE_AUDIO, "audio" },
  { MMD_MODEM_PORT_TYPE_IGNORED, "ignored" },
};

const char *
mmd_modem_port_type_to_string(MmdModemPortType type)
{
  return LOOKUP(port_types, type);
}

static const EnumName registration_states[] = {
  { MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE, "idle" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_HOME, "home" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING, "searching" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_DENIED, "denied" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN, "unknown" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING, "roaming" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_SMS_ONLY, "home-sms-only" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_SMS_ONLY, "roaming-sms-only" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY, "emergency-only" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_CSFB_NOT_PREFERRED, "home-csfb-not-preferred" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_CSFB_NOT_PREFERRED, "roaming-csfb-not-preferred" },
  { MMD_MODEM_3GPP_REGISTRATION_STATE_ATTACHED_RLOS, "attached-rlos" },
};

const char *
mmd_modem_3gpp_registration_state_to_string(MmdModem3gppRegistrationState state)
{
  return LOOKUP(registration_states, state);
}

static const EnumName packet_service_states[] = {
  { MMD_MODEM_3GPP_PACKET_SERVICE_STATE_UNKNOWN, "unknown" },
  { MMD_MODEM_3GPP_PACKET_SERVICE_STATE_DETACHED, "detached" },
  { MMD_MODEM_3GPP_PACKET_SERVICE_STATE_ATTACHED, "attached" },
};

const char *
mmd_modem_3gpp_packet_service_state_to_string(MmdModem3gppPacketServiceState state)
{
  return LOOKUP(packet_service_states, state);
}

static const EnumName availabilities[] = {
  { MMD_MODEM_3GPP_NETWORK_AVAILABILITY_UNKNOWN, "unknown" },
  { MMD_MODEM_3GPP_NETWORK_AVAILABILITY_AVAILABLE, "available" },
  { MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT, "current" },
  { MMD_MODEM_3GPP_NETWORK_AVAILABILITY_FORBIDDEN, "forbidden" },
};

const char *
mmd_modem_3gpp_network_availability_to_string(MmdModem3gppNetworkAvailability a)
{
  return LOOKUP(availabilities, a);
}

static const EnumName ip_methods[] = {
  { MMD_BEARER_IP_METHOD_UNKNOWN, "unknown" },
  { MMD_BEARER_IP_METHOD_PPP, "ppp" },
  { MMD_BEARER_IP_METHOD_STATIC, "static" },
  { MMD_BEARER_IP_METHOD_DHCP, "dhcp" },
};

const char *
mmd_bearer_ip_method_to_string(MmdBearerIpMethod method)
{
  return LOOKUP(ip_methods, method);
}

static const EnumName bearer_types[] = {
  { MMD_BEARER_TYPE_UNKNOWN, "unknown" },
  { MMD_BEARER_TYPE_DEFAULT, "default" },
  { MMD_BEARER_TYPE_DEFAULT_ATTACH, "default-attach" },
  { MMD_BEARER_TYPE_DEDICATED, "dedicated" },
};

const char *
mmd_bearer_type_to_string(MmdBearerType type)
{
  return LOOKUP(bearer_types, type);
}

/* Flags */

static const EnumName capabilities[] = {
  { MMD_MODEM_CAPABILITY_POTS, "pots" },         { MMD_MODEM_CAPABILITY_CDMA_EVDO, "cdma-evdo" },
  { MMD_MODEM_CAPABILITY_GSM_UMTS, "gsm-umts" }, { MMD_MODEM_CAPABILITY_LTE, "lte" },
  { MMD_MODEM_CAPABILITY_IRIDIUM, "iridium" },   { MMD_MODEM_CAPABILITY_5GNR, "5gnr" },
  { MMD_MODEM_CAPABILITY_TDS, "tds" },
};

static const EnumName modes[] = {
  { MMD_MODEM_MODE_CS, "cs" }, { MMD_MODEM_MODE_2G, "2g" }, { MMD_MODEM_MODE_3G, "3g" },
  { MMD_MODEM_MODE_4G, "4g" }, { MMD_MODEM_MODE_5G, "5g" },
};

static const EnumName access_techs[] = {
  { MMD_MODEM_ACCESS_TECHNOLOGY_POTS, "pots" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_GSM, "gsm" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_GSM_COMPACT, "gsm-compact" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_GPRS, "gprs" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_EDGE, "edge" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_UMTS, "umts" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_HSDPA, "hsdpa" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_HSUPA, "hsupa" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_HSPA, "hspa" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_HSPA_PLUS, "hspa-plus" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_1XRTT, "1xrtt" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_EVDO0, "evdo0" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_EVDOA, "evdoa" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_EVDOB, "evdob" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_LTE, "lte" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_5GNR, "5gnr" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_LTE_CAT_M, "lte-cat-m" },
  { MMD_MODEM_ACCESS_TECHNOLOGY_LTE_NB_IOT, "lte-nb-iot" },
};

static const EnumName ip_families[] = {
  { MMD_BEARER_IP_FAMILY_IPV4, "ipv4" },
  { MMD_BEARER_IP_FAMILY_IPV6, "ipv6" },
  { MMD_BEARER_IP_FAMILY_IPV4V6, "ipv4v6" },
  { MMD_BEARER_IP_FAMILY_NON_IP, "non-ip" },
};

static const EnumName allowed_auths[] = {
  { MMD_BEARER_ALLOWED_AUTH_NONE, "none" },         { MMD_BEARER_ALLOWED_AUTH_PAP, "pap" },
  { MMD_BEARER_ALLOWED_AUTH_CHAP, "chap" },         { MMD_BEARER_ALLOWED_AUTH_MSCHAP, "mschap" },
  { MMD_BEARER_ALLOWED_AUTH_MSCHAPV2, "mschapv2" }, { MMD_BEARER_ALLOWED_AUTH_EAP, "eap" },
};

static char *
build_flags(const EnumName *table, gsize n, guint value)
{
  g_autoptr(GString) str = g_string_new(NULL);

  if (value == 0xFFFFFFFF)
    return g_strdup("any");
  for (gsize i = 0; i < n; i++) {
    if (!(value & table[i].value))
      continue;
    if (str->len)
      g_string_append(str, ", ");
    g_string_append(str, table[i].name);
  }
  if (!str->len)
    g_string_append(str, "none");
  return g_string_free(g_steal_pointer(&str), FALSE);
}

#define BUILD_FLAGS(table, value) build_flags(table, G_N_ELEMENTS(table), (guint)(value))

char *
mmd_modem_capability_build_string(guint caps)
{
  return BUILD_FLAGS(capabilities, caps);
}

char *
mmd_modem_mode_build_string(guint value)
{
  return BUILD_FLAGS(modes, value);
}

char *
mmd_modem_access_technology_build_string(guint techs)
{
  if (techs == 0)
    return g_strdup("unknown");
  return BUILD_FLAGS(access_techs, techs);
}

char *
mmd_bearer_ip_family_build_string(guint families)
{
  return BUILD_FLAGS(ip_families, families);
}

/* Accepts one name or several joined with '|' or ','. */
static gboolean
parse_flags(const EnumName *table, gsize n, const char *str, guint *out)
{
  g_auto(GStrv) parts = NULL;
  guint value = 0;

  if (!str || !*str)
    return FALSE;
  parts = g_strsplit_set(str, "|,", -1);
  for (guint p = 0; parts[p]; p++) {
    const char *part = g_strstrip(parts[p]);
    gboolean found = FALSE;

    if (g_ascii_strcasecmp(part, "any") == 0) {
      value = 0xFFFFFFFF;
      continue;
    }
    for (gsize i = 0; i < n && !found; i++) {
      if (g_ascii_strcasecmp(part, table[i].name) == 0) {
        value |= table[i].value;
        found = TRUE;
      }
    }
    if (!found)
      return FALSE;
  }
  *out = value;
  return TRUE;
}

gboolean
mmd_modem_mode_from_string(const char *str, guint *out_modes)
{
  if (str && g_ascii_strcasecmp(str, "none") == 0) {
    *out_modes = MMD_MODEM_MODE_NONE;
    return TRUE;
  }
  return parse_flags(modes, G_N_ELEMENTS(modes), str, out_modes);
}

gboolean
mmd_bearer_ip_family_from_string(const char *str, guint *out_family)
{
  if (!parse_flags(ip_families, G_N_ELEMENTS(ip_families), str, out_family))
    return FALSE;
  if (*out_family == 0xFFFFFFFF)
    *out_family = MMD_BEARER_IP_FAMILY_ANY;
  return TRUE;
}

gboolean
mmd_bearer_allowed_auth_from_string(const char *str, guint *out_auth)
{
  return parse_flags(allowed_auths, G_N_ELEMENTS(allowed_auths), str, out_auth);
}

static const EnumName sms_pdu_types[] = {
  { MMD_SMS_PDU_TYPE_UNKNOWN, "unknown" },
  { MMD_SMS_PDU_TYPE_DELIVER, "deliver" },
  { MMD_SMS_PDU_TYPE_SUBMIT, "submit" },
  { MMD_SMS_PDU_TYPE_STATUS_REPORT, "status-report" },
};

const char *
mmd_sms_pdu_type_to_string(MmdSmsPduType type)
{
  return LOOKUP(sms_pdu_types, type);
}

static const EnumName sms_states[] = {
  { MMD_SMS_STATE_UNKNOWN, "unknown" },     { MMD_SMS_STATE_STORED, "stored" },
  { MMD_SMS_STATE_RECEIVING, "receiving" }, { MMD_SMS_STATE_RECEIVED, "received" },
  { MMD_SMS_STATE_SENDING, "sending" },     { MMD_SMS_STATE_SENT, "sent" },
};

const char *
mmd_sms_state_to_string(MmdSmsState state)
{
  return LOOKUP(sms_states, state);
}

static const EnumName sms_storages[] = {
  { MMD_SMS_STORAGE_UNKNOWN, "unknown" }, { MMD_SMS_STORAGE_SM, "sm" },
  { MMD_SMS_STORAGE_ME, "me" },           { MMD_SMS_STORAGE_MT, "mt" },
  { MMD_SMS_STORAGE_SR, "sr" },           { MMD_SMS_STORAGE_BM, "bm" },
  { MMD_SMS_STORAGE_TA, "ta" },
};

const char *
mmd_sms_storage_to_string(MmdSmsStorage storage)
{
  return LOOKUP(sms_storages, storage);
}

gboolean
mmd_sms_storage_from_string(const char *str, MmdSmsStorage *out_storage)
{
  for (gsize i = 1; str && i < G_N_ELEMENTS(sms_storages); i++) {
    if (g_ascii_strcasecmp(str, sms_storages[i].name) == 0) {
      *out_storage = sms_storages[i].value;
      return TRUE;
    }
  }
  return FALSE;
}

static const EnumName call_states[] = {
  { MMD_CALL_STATE_UNKNOWN, "unknown" },         { MMD_CALL_STATE_DIALING, "dialing" },
  { MMD_CALL_STATE_RINGING_OUT, "ringing-out" }, { MMD_CALL_STATE_RINGING_IN, "ringing-in" },
  { MMD_CALL_STATE_ACTIVE, "active" },           { MMD_CALL_STATE_HELD, "held" },
  { MMD_CALL_STATE_WAITING, "waiting" },         { MMD_CALL_STATE_TERMINATED, "terminated" },
};

const char *
mmd_call_state_to_string(MmdCallState state)
{
  return LOOKUP(call_states, state);
}

static const EnumName call_state_reasons[] = {
  { MMD_CALL_STATE_REASON_UNKNOWN, "unknown" },
  { MMD_CALL_STATE_REASON_OUTGOING_STARTED, "outgoing-started" },
  { MMD_CALL_STATE_REASON_INCOMING_NEW, "incoming-new" },
  { MMD_CALL_STATE_REASON_ACCEPTED, "accepted" },
  { MMD_CALL_STATE_REASON_TERMINATED, "terminated" },
  { MMD_CALL_STATE_REASON_REFUSED_OR_BUSY, "refused-or-busy" },
  { MMD_CALL_STATE_REASON_ERROR, "error" },
  { MMD_CALL_STATE_REASON_AUDIO_SETUP_FAILED, "audio-setup-failed" },
  { MMD_CALL_STATE_REASON_TRANSFERRED, "transferred" },
  { MMD_CALL_STATE_REASON_DEFLECTED, "deflected" },
};

const char *
mmd_call_state_reason_to_string(MmdCallStateReason reason)
{
  return LOOKUP(call_state_reasons, reason);
}

static const EnumName call_directions[] = {
  { MMD_CALL_DIRECTION_UNKNOWN, "unknown" },
  { MMD_CALL_DIRECTION_INCOMING, "incoming" },
  { MMD_CALL_DIRECTION_OUTGOING, "outgoing" },
};

const char *
mmd_call_direction_to_string(MmdCallDirection direction)
{
  return LOOKUP(call_directions, direction);
}

static const EnumName ussd_states[] = {
  { MMD_MODEM_3GPP_USSD_SESSION_STATE_UNKNOWN, "unknown" },
  { MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE, "idle" },
  { MMD_MODEM_3GPP_USSD_SESSION_STATE_ACTIVE, "active" },
  { MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE, "user-response" },
};

const char *
mmd_modem_3gpp_ussd_session_state_to_string(MmdModem3gppUssdSessionState state)
{
  return LOOKUP(ussd_states, state);
}

gboolean
mmd_bearer_multiplex_support_from_string(const char *str, guint *out_multiplex)
{
  static const char *const nicks[] = { "none", "requested", "required" };

  for (gsize i = 0; str && i < G_N_ELEMENTS(nicks); i++) {
    if (g_ascii_strcasecmp(str, nicks[i]) == 0) {
      *out_multiplex = MMD_BEARER_MULTIPLEX_SUPPORT_NONE + i;
      return TRUE;
    }
  }
  return FALSE;
}
