#!/usr/bin/python3
"""Inside the test VM (test_vm_qrtr_modem.py sends it there): a SoC modem on
the kernel's QRTR, managed by modemd and checked with qmicli.

modem-sim --protocol=qrtr --link=kernel registers its QMI services with the
kernel's name service on the guest's local node; modemd, on a private system
bus, reaches the modem through that name service and drives it (the node
is declared, --port=qrtr:NODE: a modem on the local node is not taken
otherwise, see qrtr-monitor.h):
identity, PIN, registration, a data session, disconnect; then real qmicli
(libqmi-utils, qrtr://NODE) talks to the same services next to it, and the
simulator goes away.  The daemon is the build without polkit (root may do
everything; no polkitd in the guest).  Prints one JSON report on stdout for
the host to judge; timings are from the guest's monotonic clock.

Environment: MODEMD_SRCDIR, MODEMD, MODEMCTL, MODEM_SIM.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ['MODEMD_SRCDIR'], 'tests', 'integration'))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

PIN = '2580'
IMEI = '356938035643809'
HOME = ('24201', 'Vm Net')
IP4 = '198.18.0.7'
QMICLI_CHECKS = {
    'manufacturer': ['--dms-get-manufacturer'],
    'ids': ['--dms-get-ids'],
    'serving_system': ['--nas-get-serving-system'],
    'card_status': ['--uim-get-card-status'],
    'packet_service': ['--wds-get-packet-service-status'],
}


# Milestones in the daemon's log, whose lines start with HH:MM:SS.mmm.
MILESTONES = {
    'name_owned': r'owns org\.example\.Modem1',
    'modem_created': r': qmi modem on qrtr://',
    'modem_ready': r'state initializing -> ',
}


def milestones(log):
    """Milliseconds from the daemon owning its name to each milestone."""
    stamps = {}
    for line in log.splitlines():
        for name, pattern in MILESTONES.items():
            if name not in stamps and re.search(pattern, line):
                hh, mm, ss = line.split(' ', 1)[0].split(':')
                stamps[name] = (int(hh) * 60 + int(mm)) * 60 + float(ss)
    base = stamps.get('name_owned')
    return {k: round((v - base) * 1000, 1) for k, v in stamps.items()} if base else stamps


def modems(bus):
    objs = h.call(bus.conn, h.MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                  'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]
    return {ifaces[h.MODEM_IFACE]['Device']: path for path, ifaces in objs.items()
            if h.MODEM_IFACE in ifaces}


def wait_state(bus, path, state, timeout=60):
    h.wait_for_property(bus.conn, 'State', lambda v: v == state, timeout=timeout, path=path,
                        interface=h.MODEM_IFACE)


def qmicli(node, args):
    start = time.monotonic()
    res = subprocess.run(['qmicli', '-d', f'qrtr://{node}'] + args, capture_output=True,
                         text=True, timeout=h.scaled(60))
    return {'rc': res.returncode, 'out': res.stdout, 'err': res.stderr[-2000:],
            'seconds': round(time.monotonic() - start, 3)}


def session(bus, modem, report):
    bus.conn.call_sync(h.BUS_NAME, modem, h.MODEM_IFACE, 'Enable', GLib.Variant('(b)', (True,)),
                       None, 0, 60000, None)
    wait_state(bus, modem, h.REGISTERED)
    report['operator'] = h.get_property(bus.conn, modem, h.MODEM_3GPP_IFACE, 'OperatorName')
    start = time.monotonic()
    bearer = h.call(bus.conn, modem, h.MODEM_SIMPLE_IFACE, 'Connect',
                    ({'apn': GLib.Variant('s', 'internet')},), '(a{sv})', reply_type='(o)',
                    timeout=120)[0]
    report['connect_seconds'] = round(time.monotonic() - start, 3)
    report['ip4'] = h.get_property(bus.conn, bearer, h.BEARER_IFACE, 'Ip4Config')['address']
    report['interface'] = h.get_property(bus.conn, bearer, h.BEARER_IFACE, 'Interface')
    h.call(bus.conn, modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)', timeout=60)
    wait_state(bus, modem, h.REGISTERED)


def main():
    report = {}
    bus = h.Bus().start()
    sim = h.Sim(['--protocol=qrtr', '--link=kernel', f'--sim-pin={PIN}', f'--imei={IMEI}',
                 f'--home-operator={HOME[0]}:{HOME[1]}', f'--ip4={IP4}/30']).start(timeout=60)
    servers = [m.groups() for m in (re.search(r'NEW_SERVER (\S+) .* at (\d+):(\d+)', line)
                                    for line in sim.lines) if m]
    report['sim_servers'] = [name for name, _, _ in servers]
    node = int(servers[0][1])
    report['node'] = node

    # The simulator can only be on the guest's own node (Debian's kernels have
    # no qrtr-tun), which discovery leaves alone unless the node is declared
    start = time.monotonic()
    daemon = h.Daemon(bus, [f'--port=qrtr:{node}']).start(timeout=60)
    h.wait_until(lambda: f'qrtr{node}' in modems(bus), h.scaled(60), 'the QRTR modem')
    report['discovery_seconds'] = round(time.monotonic() - start, 3)
    modem = modems(bus)[f'qrtr{node}']
    props = h.get_all_properties(bus.conn, modem, h.MODEM_IFACE)
    report['modem'] = {k: props[k] for k in ('Device', 'PrimaryPort', 'Ports', 'Plugin')}
    generic = h.run_modemctl_json(['-m', '0'], bus=bus)['modem']['generic']
    report['modemctl'] = {k: generic[k] for k in ('device', 'primary-port', 'ports')}

    wait_state(bus, modem, h.LOCKED)
    report['milestones_ms'] = milestones(daemon.read_log())
    report['modem']['EquipmentIdentifier'] = h.get_property(bus.conn, modem, h.MODEM_IFACE,
                                                            'EquipmentIdentifier')
    sim_path = h.get_property(bus.conn, modem, h.MODEM_IFACE, 'Sim')
    h.call(bus.conn, sim_path, h.SIM_IFACE, 'SendPin', (PIN,), '(s)', timeout=60)
    wait_state(bus, modem, h.DISABLED)
    session(bus, modem, report)

    # qmicli next to modemd, on the same services; each of its exits closes
    # a socket, and the name service tells every server DEL_CLIENT
    report['qmicli'] = {name: qmicli(node, args) for name, args in QMICLI_CHECKS.items()}
    report['sim_ignored_control'] = sum('control DEL_CLIENT' in line for line in sim.lines)

    start = time.monotonic()
    h.wait_for_signal(bus.conn, 'org.freedesktop.DBus.ObjectManager', 'InterfacesRemoved',
                      path=h.MANAGER_PATH, predicate=lambda p: p[0] == modem,
                      timeout=h.scaled(60), trigger=lambda: sim.control.send('unplug'))
    report['removal_seconds'] = round(time.monotonic() - start, 3)
    report['modems_after_unplug'] = list(modems(bus))
    daemon.stop()
    report['daemon_log_has_pin'] = PIN in daemon.read_log()
    print(json.dumps(report))


if __name__ == '__main__':
    try:
        main()
    finally:
        h._kill_all()
