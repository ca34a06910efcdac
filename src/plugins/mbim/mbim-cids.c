/* The MBIM services as data: the layout of every information buffer the
 * daemon speaks, coded by mbim-codec.c. Field names follow the MBIM
 * specification. To add a CID, describe its buffers here. */
#include "mbim-codec.h"

#include <string.h>

#define U32(n)                                                                                     \
  {                                                                                                \
    n, MBIM_FIELD_U32                                                                              \
  }
#define U64(n)                                                                                     \
  {                                                                                                \
    n, MBIM_FIELD_U64                                                                              \
  }
#define STR(n)                                                                                     \
  {                                                                                                \
    n, MBIM_FIELD_STRING                                                                           \
  }
#define SECRET(n)                                                                                  \
  {                                                                                                \
    n, MBIM_FIELD_STRING, NULL, NULL, TRUE                                                         \
  }
#define PERSONAL(n)                                                                                \
  {                                                                                                \
    n, MBIM_FIELD_STRING, NULL, NULL, FALSE, TRUE                                                  \
  }
#define UUID(n)                                                                                    \
  {                                                                                                \
    n, MBIM_FIELD_UUID                                                                             \
  }
#define END                                                                                        \
  {                                                                                                \
    NULL                                                                                           \
  }
#define STRUCT(var, ...)                                                                           \
  static const MbimField var##_fields[] = { __VA_ARGS__, END };                                    \
  static const MbimStruct var = { #var, var##_fields }

/* ---- shared structures ---- */

STRUCT(provider, STR("ProviderId"), U32("ProviderState"), STR("ProviderName"), U32("CellularClass"),
       U32("Rssi"), U32("ErrorRate"));

STRUCT(ipv4_element, U32("OnLinkPrefixLength"), { "IPv4Address", MBIM_FIELD_IPV4 });
STRUCT(ipv6_element, U32("OnLinkPrefixLength"), { "IPv6Address", MBIM_FIELD_IPV6 });

STRUCT(pin_desc, U32("PinMode"), U32("PinFormat"), U32("PinLengthMin"), U32("PinLengthMax"));

/* ---- BASIC_CONNECT ---- */

STRUCT(device_caps_response, U32("DeviceType"), U32("CellularClass"), U32("VoiceClass"),
       U32("SimClass"), U32("DataClass"), U32("SmsCaps"), U32("ControlCaps"), U32("MaxSessions"),
       STR("CustomDataClass"), STR("DeviceId"), STR("FirmwareInfo"), STR("HardwareInfo"));

STRUCT(subscriber_ready_status_response, U32("ReadyState"), PERSONAL("SubscriberId"),
       PERSONAL("SimIccId"), U32("ReadyInfo"), U32("TelephoneNumbersCount"),
       { "TelephoneNumbers", MBIM_FIELD_STRING_ARRAY, "TelephoneNumbersCount", NULL, FALSE, TRUE });

STRUCT(radio_state_set, U32("RadioState"));
STRUCT(radio_state_response, U32("HwRadioState"), U32("SwRadioState"));

STRUCT(pin_set, U32("PinType"), U32("PinOperation"), SECRET("Pin"), SECRET("NewPin"));
STRUCT(pin_response, U32("PinType"), U32("PinState"), U32("RemainingAttempts"));

STRUCT(pin_list_response, { "PinDescPin1", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescPin2", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescDeviceSimPin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescDeviceFirstSimPin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescNetworkPin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescNetworkSubsetPin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescServiceProviderPin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescCorporatePin", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescSubsidyLock", MBIM_FIELD_STRUCT, NULL, &pin_desc },
       { "PinDescCustom", MBIM_FIELD_STRUCT, NULL, &pin_desc });

STRUCT(home_provider_response, { "Provider", MBIM_FIELD_STRUCT, NULL, &provider });

STRUCT(providers_list, U32("ProvidersCount"),
       { "Providers", MBIM_FIELD_REF_STRUCT_ARRAY, "ProvidersCount", &provider });
STRUCT(visible_providers_query, U32("Action"));

STRUCT(register_state_set, STR("ProviderId"), U32("RegisterAction"), U32("DataClass"));
STRUCT(register_state_response, U32("NwError"), U32("RegisterState"), U32("RegisterMode"),
       U32("AvailableDataClasses"), U32("CurrentCellularClass"), STR("ProviderId"),
       STR("ProviderName"), STR("RoamingText"), U32("RegistrationFlag"));

STRUCT(packet_service_set, U32("PacketServiceAction"));
STRUCT(packet_service_response, U32("NwError"), U32("PacketServiceState"),
       U32("HighestAvailableDataClass"), U64("UplinkSpeed"), U64("DownlinkSpeed"));

STRUCT(signal_state_set, U32("SignalStrengthInterval"), U32("RssiThreshold"),
       U32("ErrorRateThreshold"));
STRUCT(signal_state_response, U32("Rssi"), U32("ErrorRate"), U32("SignalStrengthInterval"),
       U32("RssiThreshold"), U32("ErrorRateThreshold"));

STRUCT(connect_set, U32("SessionId"), U32("ActivationCommand"), STR("AccessString"),
       STR("UserName"), SECRET("Password"), U32("Compression"), U32("AuthProtocol"), U32("IpType"),
       UUID("ContextType"));
STRUCT(connect_response, U32("SessionId"), U32("ActivationState"), U32("VoiceCallState"),
       U32("IpType"), UUID("ContextType"), U32("NwError"));

STRUCT(ip_configuration, U32("SessionId"), U32("IPv4ConfigurationAvailable"),
       U32("IPv6ConfigurationAvailable"), U32("IPv4AddressCount"),
       { "IPv4Address", MBIM_FIELD_STRUCT_ARRAY, "IPv4AddressCount", &ipv4_element },
       U32("IPv6AddressCount"),
       { "IPv6Address", MBIM_FIELD_STRUCT_ARRAY, "IPv6AddressCount", &ipv6_element },
       { "IPv4Gateway", MBIM_FIELD_REF_IPV4 }, { "IPv6Gateway", MBIM_FIELD_REF_IPV6 },
       U32("IPv4DnsServerCount"), { "IPv4DnsServer", MBIM_FIELD_IPV4_ARRAY, "IPv4DnsServerCount" },
       U32("IPv6DnsServerCount"), { "IPv6DnsServer", MBIM_FIELD_IPV6_ARRAY, "IPv6DnsServerCount" },
       U32("IPv4Mtu"), U32("IPv6Mtu"));

#define BC mbim_uuid_basic_connect, "basic-connect"

static const MbimCidInfo cids[] = {
  /* service, cid, name, set, query, response, notification */
  { BC, MBIM_CID_DEVICE_CAPS, "device-caps", NULL, NULL, &device_caps_response, NULL },
  { BC, MBIM_CID_SUBSCRIBER_READY_STATUS, "subscriber-ready-status", NULL, NULL,
    &subscriber_ready_status_response, &subscriber_ready_status_response },
  { BC, MBIM_CID_RADIO_STATE, "radio-state", &radio_state_set, NULL, &radio_state_response,
    &radio_state_response },
  { BC, MBIM_CID_PIN, "pin", &pin_set, NULL, &pin_response, NULL },
  { BC, MBIM_CID_PIN_LIST, "pin-list", NULL, NULL, &pin_list_response, NULL },
  { BC, MBIM_CID_HOME_PROVIDER, "home-provider", &home_provider_response, NULL,
    &home_provider_response, NULL },
  { BC, MBIM_CID_PREFERRED_PROVIDERS, "preferred-providers", &providers_list, NULL, &providers_list,
    &providers_list },
  { BC, MBIM_CID_VISIBLE_PROVIDERS, "visible-providers", NULL, &visible_providers_query,
    &providers_list, NULL },
  { BC, MBIM_CID_REGISTER_STATE, "register-state", &register_state_set, NULL,
    &register_state_response, &register_state_response },
  { BC, MBIM_CID_PACKET_SERVICE, "packet-service", &packet_service_set, NULL,
    &packet_service_response, &packet_service_response },
  { BC, MBIM_CID_SIGNAL_STATE, "signal-state", &signal_state_set, NULL, &signal_state_response,
    &signal_state_response },
  { BC, MBIM_CID_CONNECT, "connect", &connect_set, &connect_response, &connect_response,
    &connect_response },
  { BC, MBIM_CID_IP_CONFIGURATION, "ip-configuration", NULL, &ip_configuration, &ip_configuration,
    &ip_configuration },
};

const MbimCidInfo *
mbim_cid_lookup(const guint8 *service, guint32 cid)
{
  for (gsize i = 0; i < G_N_ELEMENTS(cids); i++)
    if (cids[i].cid == cid && memcmp(cids[i].service, service, 16) == 0)
      return &cids[i];
  return NULL;
}
