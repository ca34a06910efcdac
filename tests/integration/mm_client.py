#!/usr/bin/python3
"""A libmm-glib client (ModemManager's own client library, through
GObject introspection) for test_compat.py, run in its own process so that
the test can assert that GLib printed no warning on stderr.

  mm_client.py dump              every modem, SIM and bearer as JSON on stdout
  mm_client.py send-pin PATH PIN SendPin on the SIM at PATH; the GError as JSON

The bus is the one in DBUS_SYSTEM_BUS_ADDRESS.

dump reads every property of every interface the way a client does: each
property of libmm-glib's interface description from the proxy's cache (a
value of another type than the reference's makes GDBus warn), then every
getter of libmm-glib's objects (and of the objects they return: IP
configurations, statistics, bearer properties, signal values), and reports
what the enum and flag getters decoded."""

import json
import sys
import warnings

import gi

gi.require_version('ModemManager', '1.0')
gi.require_version('Gio', '2.0')
gi.require_version('GObject', '2.0')
from gi.repository import Gio, GLib, GObject, ModemManager as Mm  # noqa: E402

# Python's deprecation notes about libmm-glib getters are not GLib warnings.
warnings.simplefilter('ignore', DeprecationWarning)

DIRECTION_IN = 0  # GIDirection of an argument's gi.ArgInfo

# Getters of GObject, GDBusProxy and GDBusInterface, not of the API.
GENERIC = {'get_connection', 'get_data', 'get_default_timeout', 'get_flags', 'get_info',
           'get_interface_info', 'get_interface_name', 'get_name', 'get_name_owner',
           'get_object', 'get_object_path', 'get_properties', 'get_property', 'get_qdata',
           'get_cached_property_names', 'get_cached_property'}


def zero_argument_getters(obj):
    for name in sorted(dir(type(obj))):
        if not name.startswith(('get_', 'dup_')) or name in GENERIC:
            continue
        info = getattr(type(obj), name)
        if not hasattr(info, 'get_arguments'):
            continue
        if any(a.get_direction() == DIRECTION_IN for a in info.get_arguments()):
            continue
        yield name


def call_every_getter(obj, depth=0):
    """Calls every getter without arguments; recurses into the objects of
    libmm-glib they return. Returns how many were called."""
    count = 0
    for name in zero_argument_getters(obj):
        value = getattr(obj, name)()
        count += 1
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if depth < 2 and isinstance(v, GObject.Object) and type(v).__module__.endswith(
                    'ModemManager'):
                count += call_every_getter(v, depth + 1)
    return count


def missing_properties(proxy):
    """Properties of libmm-glib's description that the object does not have."""
    return sorted(p.name for p in proxy.get_interface_info().properties
                  if proxy.get_cached_property(p.name) is None)


def ip_config(config):
    if config is None:
        return None
    return {'method': int(config.get_method()), 'address': config.get_address(),
            'prefix': config.get_prefix(), 'gateway': config.get_gateway(),
            'dns': list(config.get_dns() or []), 'mtu': config.get_mtu()}


def bearer_values(bearer):
    props = bearer.get_properties()
    stats = bearer.get_stats()
    return {
        'interface': bearer.get_interface(), 'connected': bearer.get_connected(),
        'suspended': bearer.get_suspended(), 'ip-timeout': bearer.get_ip_timeout(),
        'type': int(bearer.get_bearer_type()),
        'ipv4': ip_config(bearer.get_ipv4_config()), 'ipv6': ip_config(bearer.get_ipv6_config()),
        'properties': {'apn': props.get_apn(), 'ip-type': int(props.get_ip_type()),
                       'allowed-auth': int(props.get_allowed_auth()), 'user': props.get_user(),
                       'password': props.get_password()},
        'stats': {'attempts': stats.get_attempts(), 'failed-attempts': stats.get_failed_attempts(),
                  'start-date': stats.get_start_date()},
    }


def sim_values(sim):
    return {'identifier': sim.get_identifier(), 'imsi': sim.get_imsi(),
            'operator-identifier': sim.get_operator_identifier(),
            'operator-name': sim.get_operator_name(), 'active': sim.get_active(),
            'type': int(sim.get_sim_type()), 'removability': int(sim.get_removability())}


def modem_values(modem):
    _, supported_modes = modem.get_supported_modes()
    _, allowed, preferred = modem.get_current_modes()
    _, supported_bands = modem.get_supported_bands()
    _, current_bands = modem.get_current_bands()
    _, caps = modem.get_supported_capabilities()
    _, ports = modem.get_ports()
    quality, recent = modem.get_signal_quality()
    retries = modem.get_unlock_retries()
    locks = (Mm.ModemLock.SIM_PIN, Mm.ModemLock.SIM_PUK, Mm.ModemLock.SIM_PIN2,
             Mm.ModemLock.SIM_PUK2)
    return {
        'state': int(modem.get_state()), 'lock': int(modem.get_unlock_required()),
        'unlock-retries': {int(lock): retries.get(lock) for lock in locks},
        'access-technologies': int(modem.get_access_technologies()),
        'supported-modes': [[int(m.allowed), int(m.preferred)] for m in supported_modes],
        'current-modes': [int(allowed), int(preferred)],
        'supported-bands': [int(b) for b in supported_bands],
        'current-bands': [int(b) for b in current_bands],
        'supported-ip-families': int(modem.get_supported_ip_families()),
        'supported-capabilities': [int(c) for c in caps],
        'current-capabilities': int(modem.get_current_capabilities()),
        'power-state': int(modem.get_power_state()),
        'signal-quality': [quality, recent],
        'ports': sorted([p.name, int(p.type)] for p in ports),
        'drivers': list(modem.get_drivers()), 'device': modem.get_device(),
        'plugin': modem.get_plugin(), 'primary-port': modem.get_primary_port(),
        'manufacturer': modem.get_manufacturer(), 'model': modem.get_model(),
        'revision': modem.get_revision(), 'hardware-revision': modem.get_hardware_revision(),
        'equipment-identifier': modem.get_equipment_identifier(),
        'sim': modem.dup_sim_path(), 'bearers': sorted(modem.get_bearer_paths()),
    }


def modem3gpp_values(m3gpp):
    return {'registration-state': int(m3gpp.get_registration_state()),
            'operator-code': m3gpp.get_operator_code(),
            'operator-name': m3gpp.get_operator_name(), 'imei': m3gpp.get_imei(),
            'enabled-facility-locks': int(m3gpp.get_enabled_facility_locks()),
            'packet-service-state': int(m3gpp.get_packet_service_state())}


def manager():
    conn = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
    return Mm.Manager.new_sync(conn, Gio.DBusObjectManagerClientFlags.DO_NOT_AUTO_START, None)


def dump():
    mgr = manager()
    out = {'version': mgr.get_version(), 'modems': {}}
    for obj in mgr.get_objects():
        modem = obj.get_modem()
        proxies = [p for p in (modem, obj.get_modem_3gpp(), obj.get_modem_simple(),
                               obj.get_modem_signal(), obj.get_modem_voice(),
                               obj.get_modem_3gpp_ussd(), obj.get_modem_messaging(),
                               obj.get_modem_location(), obj.get_modem_time())
                   if p is not None]
        entry = {'interfaces': sorted(i.get_interface_name() for i in obj.get_interfaces()),
                 'missing': {p.get_interface_name(): missing_properties(p) for p in proxies},
                 'getters': sum(call_every_getter(p) for p in proxies),
                 'modem': modem_values(modem), 'bearers': {}}
        if obj.get_modem_3gpp():
            entry['3gpp'] = modem3gpp_values(obj.get_modem_3gpp())
        sim = modem.get_sim_sync(None)
        if sim is not None:
            entry['sim'] = dict(sim_values(sim), path=sim.get_path(),
                                missing=missing_properties(sim),
                                getters=call_every_getter(sim))
        for bearer in modem.list_bearers_sync(None):
            entry['bearers'][bearer.get_path()] = dict(
                bearer_values(bearer), missing=missing_properties(bearer),
                getters=call_every_getter(bearer))
        out['modems'][obj.get_object_path()] = entry
    return out


def send_pin(path, pin):
    for obj in manager().get_objects():
        sim = obj.get_modem().get_sim_sync(None)
        if sim is None or sim.get_path() != path:
            continue
        try:
            sim.send_pin_sync(pin, None)
        except GLib.Error as e:
            return {'domain': e.domain, 'code': e.code,
                    'remote': Gio.DBusError.get_remote_error(e)}
        return {'domain': None}
    raise SystemExit(f'no SIM at {path}')


def main():
    if sys.argv[1] == 'dump':
        result = dump()
    elif sys.argv[1] == 'send-pin':
        result = send_pin(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result, indent=1, sort_keys=True))


if __name__ == '__main__':
    main()
