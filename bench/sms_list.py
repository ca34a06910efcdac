#!/usr/bin/python3
"""Benchmark: how long modemd takes to read what a modem stores, per protocol.

For each protocol, repeated runs of: the simulator holds N stored messages
(delivered before the daemon starts, so nobody is told of them), modemd
starts and the modem is enabled; measured are

  (a) Enable() called -> N Sms objects on the bus (the messaging room loads
      the storages once the modem is enabled: QMI List Messages + Raw Read
      each, MBIM one SMS Read of all, AT +CMGL=4 per storage), and
  (b) Messaging.List() with the N messages there, one call.

Prints min/median/max in milliseconds. Runs on a private system bus with
real polkitd (as root).

  MODEMD=build/src/daemon/modemd MODEMCTL=build/cli/modemctl \\
  MODEM_SIM=build/tests/sim/modem-sim /usr/bin/python3 bench/sms_list.py [runs [N [protocol...]]]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'integration'))
import harness as h  # noqa: E402

MSG_IFACE = 'org.example.Modem1.Modem.Messaging'
DISABLED = 3


def stored_count(bus, path):
    return len(h.get_property(bus.conn, path, MSG_IFACE, 'Messages'))


def one_run(bus, protocol, count):
    link = os.path.join(bus.tmpdir, f'{protocol}-port')
    extra = ',net:wwan0' if protocol != 'at' else ''
    with h.Sim([f'--protocol={protocol}', f'--link={link}', '--registration-delay-ms=0']) as sim:
        for i in range(count):
            sim.control.send(f'sms-deliver +4917012{i:05d} Stored message number {i} of {count}')
        daemon = h.Daemon(bus, [f'--port={protocol}:{link}{extra}'], debug=False)
        daemon.start()
        path = h.wait_until(lambda: (h.modem_paths(bus.conn) or [None])[0], 20, 'modem')
        h.wait_for_property(bus.conn, 'State', lambda s: s == DISABLED, 20, path=path,
                            interface=h.MODEM_IFACE)
        t0 = time.monotonic()
        h.call(bus.conn, path, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        h.wait_until(lambda: stored_count(bus, path) == count, 60, f'{count} messages',
                     poll=0.002)
        t_loaded = time.monotonic()
        t1 = time.monotonic()
        listed = h.call(bus.conn, path, MSG_IFACE, 'List', reply_type='(ao)')[0]
        t_listed = time.monotonic()
        assert len(listed) == count, len(listed)
        daemon.stop()
    return (t_loaded - t0) * 1000, (t_listed - t1) * 1000


def summary(values):
    return f'{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}'


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    protocols = sys.argv[3:] or ['qmi', 'mbim', 'at']
    results = {}
    with h.Bus() as bus, h.Polkit(bus):
        for protocol in protocols:
            results[protocol] = [one_run(bus, protocol, count) for _ in range(runs)]
    print(f'\n{runs} runs each, {count} stored messages; milliseconds (min median max)')
    print(f'{"protocol":8} {"Enable -> all Sms on the bus":>30} {"Messaging.List()":>28}')
    for protocol, samples in results.items():
        print(f'{protocol:8} {summary([s[0] for s in samples]):>30} '
              f'{summary([s[1] for s in samples]):>28}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
