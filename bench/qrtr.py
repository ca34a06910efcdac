#!/usr/bin/python3
"""Benchmark: QMI over QRTR (SoC modems) — discovery through the name service
and a data session, on the unix QRTR bus (tests/sim/qrtr-bus) and, with
--vm, on the kernel's QRTR in the test VM (tests/vm).

Unix bus, per run (private system bus with real polkitd, one modem-sim
--protocol=qrtr on node 5, modemd --port=qrtr:unix:PATH):
  start      modemd spawned (the simulator's services already announced) ->
             InterfacesAdded of the modem (its initialization done: the
             ObjectManager lists a modem once it left INITIALIZING)
  announce   `qrtr-services up` (the modem's five services announced while
             the daemon watches) -> InterfacesAdded; includes the 100 ms in
             which a late node's services must be quiet
  withdraw   `qrtr-services down` -> InterfacesRemoved
  connect    Simple.Connect -> CONNECTED (registered already)

VM (--vm N): N boots of tests/vm/qrtr_modem_guest.py; the guest's report
gives, from the daemon's log, name owned -> modem created (the node is
declared: discovery leaves the local node alone) -> modem initialized,
and Simple.Connect and the removal as timed in the guest, and the host
times the boot.

  sudo MODEMD=build/src/daemon/modemd MODEM_SIM=build/tests/sim/modem-sim \
       QRTR_BUS=build/tests/sim/qrtr-bus MODEMCTL=build/cli/modemctl \
       /usr/bin/python3 bench/qrtr.py [--runs=10] [--vm=3]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, 'tests', 'integration'))
sys.path.insert(0, os.path.join(SRCDIR, 'tests', 'vm'))

import harness as h  # noqa: E402
from harness import Gio, GLib  # noqa: E402


class Watch:
    """InterfacesAdded / InterfacesRemoved of modems, time-stamped."""

    def __init__(self, bus):
        self.added = {}
        self.removed = {}
        bus.conn.signal_subscribe(h.BUS_NAME, 'org.freedesktop.DBus.ObjectManager', None,
                                  h.MANAGER_PATH, None, Gio.DBusSignalFlags.NONE, self._on)

    def _on(self, conn, sender, path, iface, member, params):
        obj, ifaces = params.unpack()[:2]
        if h.MODEM_IFACE not in ifaces:
            return
        (self.added if member == 'InterfacesAdded' else self.removed)[obj] = time.monotonic()

    def wait(self, table, timeout=20):
        return h.wait_until(lambda: next(iter(table.items()), None), timeout, 'modem signal',
                            poll=0.002)


def unix_run(bus, tmpdir):
    path = os.path.join(tmpdir, 'qrtr.bus')
    qrtr = h.QrtrBus(path).start()
    sim = h.Sim(['--protocol=qrtr', f'--link={path}', '--qrtr-node=5']).start()
    watch = Watch(bus)
    out = {}
    try:
        t0 = time.monotonic()
        daemon = h.Daemon(bus, [f'--port=qrtr:unix:{path}'], debug=False).start()
        modem, t = watch.wait(watch.added)
        out['start'] = t - t0
        watch.added.clear()
        t0 = time.monotonic()
        sim.control.send('qrtr-services down')
        _, t = watch.wait(watch.removed)
        out['withdraw'] = t - t0
        t0 = time.monotonic()
        sim.control.send('qrtr-services up')
        modem, t = watch.wait(watch.added)
        out['announce'] = t - t0
        h.wait_for_property(bus.conn, 'State', lambda s: s == h.DISABLED, 20, path=modem,
                            interface=h.MODEM_IFACE)
        h.call(bus.conn, modem, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        h.wait_for_property(bus.conn, 'State', lambda s: s == h.REGISTERED, 20, path=modem,
                            interface=h.MODEM_IFACE)
        t0 = time.monotonic()
        h.call(bus.conn, modem, h.MODEM_SIMPLE_IFACE, 'Connect',
               ({'apn': GLib.Variant('s', 'internet')},), '(a{sv})', reply_type='(o)')
        h.wait_for_property(bus.conn, 'State', lambda s: s == h.CONNECTED, 20, path=modem,
                            interface=h.MODEM_IFACE, )
        out['connect'] = time.monotonic() - t0
        daemon.stop()
    finally:
        sim.stop()
        qrtr.stop()
    return out


def vm_run():
    import test_vm_qrtr_modem as t
    modemd, why = t.daemon_without_polkit()
    if not modemd:
        sys.exit(f'--vm: {why}')
    r = t.boot(modemd)
    m = r['milestones_ms']
    return {'boot': r['vm']['boot_to_command'], 'modem_created': m['modem_created'] / 1000,
            'modem_ready': m['modem_ready'] / 1000, 'connect': r['connect_seconds'],
            'withdraw': r['removal_seconds'], 'guest_command': r['vm']['command_seconds']}


def line(name, values, unit=1000):
    v = [x * unit for x in values]
    return f'  {name:14} {min(v):9.1f} {statistics.median(v):9.1f} {max(v):9.1f}'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--vm', type=int, default=0, help='boots of the test VM')
    args = p.parse_args()
    h.require_root()
    results = []
    with h.Bus() as bus, h.Polkit(bus), tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            results.append(unix_run(bus, tmp))
    print(f'unix QRTR bus, {args.runs} runs (ms: min median max); load {os.getloadavg()[0]:.1f}')
    for key in ('start', 'announce', 'withdraw', 'connect'):
        print(line(key, [r[key] for r in results]))
    if args.vm:
        runs = [vm_run() for _ in range(args.vm)]
        print(f'VM (kernel QRTR), {args.vm} boots (ms: min median max); '
              f'load {os.getloadavg()[0]:.1f}')
        for key in ('boot', 'modem_created', 'modem_ready', 'connect', 'withdraw',
                    'guest_command'):
            print(line(key, [r[key] for r in runs]))
        print(json.dumps(runs))


if __name__ == '__main__':
    main()
