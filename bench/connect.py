#!/usr/bin/python3
"""Benchmark: how fast modemd finds and connects a modem, per protocol.

For each protocol, repeated runs of: start modemd with a simulated modem
declared with --port, time until the modem object is on the bus, enable it,
then time Simple.Connect until the modem is CONNECTED. Prints min/median/max
in milliseconds. Runs on a private system bus with real polkitd (as root).

  MODEMD=build/src/daemon/modemd MODEMCTL=build/cli/modemctl \
  MODEM_SIM=build/tests/sim/modem-sim /usr/bin/python3 bench/connect.py [runs]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'integration'))
import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

CONNECTED = 11
REGISTERED = 8


def one_run(bus, protocol):
    link = os.path.join(bus.tmpdir, f'{protocol}-port')
    extra = ',net:wwan0' if protocol != 'at' else ''
    with h.Sim([f'--protocol={protocol}', f'--link={link}', '--registration-delay-ms=0']):
        t0 = time.monotonic()
        daemon = h.Daemon(bus, [f'--port={protocol}:{link}{extra}'], debug=False)
        daemon.start()
        path = h.wait_until(lambda: (h.modem_paths(bus.conn) or [None])[0], 20, 'modem')
        t_exported = time.monotonic()
        h.wait_for_property(bus.conn, 'State', lambda s: s == 3, 20, path=path,
                            interface=h.MODEM_IFACE)
        h.call(bus.conn, path, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        h.wait_for_property(bus.conn, 'State', lambda s: s >= REGISTERED, 20, path=path,
                            interface=h.MODEM_IFACE)
        t1 = time.monotonic()
        h.call(bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Connect',
               ({'apn': GLib.Variant('s', 'internet')},), '(a{sv})', reply_type='(o)', timeout=60)
        h.wait_for_property(bus.conn, 'State', lambda s: s == CONNECTED, 20, path=path,
                            interface=h.MODEM_IFACE)
        t_connected = time.monotonic()
        h.call(bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        daemon.stop()
    return (t_exported - t0) * 1000, (t_connected - t1) * 1000


def summary(values):
    return (f'{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}')


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    protocols = sys.argv[2:] or ['qmi', 'mbim', 'at']
    results = {}
    with h.Bus() as bus, h.Polkit(bus):
        for protocol in protocols:
            samples = [one_run(bus, protocol) for _ in range(runs)]
            results[protocol] = samples
    print(f'\n{runs} runs each; milliseconds (min median max)')
    print(f'{"protocol":8} {"start -> modem on bus":>28} {"Simple.Connect -> CONNECTED":>28}')
    for protocol, samples in results.items():
        print(f'{protocol:8} {summary([s[0] for s in samples]):>28} '
              f'{summary([s[1] for s in samples]):>28}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
