#!/usr/bin/python3
"""Soak bench (not CI): modemd under long use and under a flood.

  soak   per protocol, N connect/disconnect cycles (Simple.Connect ->
         CONNECTED, Simple.Disconnect -> REGISTERED, DeleteBearer) on one
         daemon; the daemon's RSS at the start, every 100 cycles and at the
         end; the daemon must then exit 0 with no LeakSanitizer report.
  flood  one QMI modem; root's call latency (Modem3gpp.Register, which
         goes through polkit and to the modem) alone, then while a client
         without rights (uid modemd-test, as tests/integration/test_security.py
         uses) sends N calls it may not make (Modem.Enable, --window of them
         in flight), --floods times in a row; RSS before, after each flood,
         at the end.

Runs as root on a private system bus with the real polkitd (the integration
harness). Against the sanitizer build by default, where ASan's quarantine
(freed memory held back to catch use-after-free, 256 MiB by default) would
look like growth: --quarantine-mb (default 4) bounds it, so that what RSS
shows is the daemon's memory.

  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C build-asan
  sudo /usr/bin/python3 bench/soak.py [--builddir=build-asan] [--cycles=1000]
       [--calls=10000] [--window=64] [--floods=2] [--parts=soak,flood]
       [--protocols=qmi,mbim,at] [--asan-options=fast_unwind_on_malloc=1]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'integration'))

import harness as h  # noqa: E402
from harness import GLib, Gio  # noqa: E402

CONNECTED, REGISTERED, DISABLED = 11, 8, 3
APN = {'apn': GLib.Variant('s', 'internet')}


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise RuntimeError(f'no VmRSS for {pid}')


def start_modem(bus, protocol, name):
    link = os.path.join(bus.tmpdir, f'{protocol}-{name}')
    sim = h.Sim([f'--protocol={protocol}', f'--link={link}'], name=f'sim-{name}')
    sim.start()
    return sim, f'{protocol}:{link},net:{name}'


def wait_state(bus, path, state, timeout=30):
    h.wait_for_property(bus.conn, 'State', lambda s: s == state, timeout, path=path,
                        interface=h.MODEM_IFACE)


def enabled_modem(bus):
    path = h.wait_until(lambda: (h.modem_paths(bus.conn) or [None])[0], 30, 'modem')
    wait_state(bus, path, DISABLED)
    h.call(bus.conn, path, h.MODEM_IFACE, 'Enable', (True,), '(b)')
    wait_state(bus, path, REGISTERED)
    return path


def percentiles(values):
    values = sorted(values)
    return {'p50': statistics.median(values),
            'p99': values[min(len(values) - 1, int(len(values) * 0.99))],
            'max': values[-1], 'n': len(values)}


# ---------------------------------------------------------------------------
# soak


def one_cycle(bus, path):
    bearer = h.call(bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Connect', (APN,), '(a{sv})',
                    reply_type='(o)')[0]
    wait_state(bus, path, CONNECTED)
    h.call(bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Disconnect', (bearer,), '(o)')
    wait_state(bus, path, REGISTERED)
    h.call(bus.conn, path, h.MODEM_IFACE, 'DeleteBearer', (bearer,), '(o)')


def soak(bus, protocol, cycles, env):
    sim, port = start_modem(bus, protocol, 'wwan0')
    daemon = h.Daemon(bus, [f'--port={port}'], env=env, debug=False, name=f'modemd-{protocol}')
    daemon.start()
    try:
        path = enabled_modem(bus)
        pid = daemon.proc.pid
        samples = [(0, rss_kib(pid))]
        started = time.monotonic()
        for i in range(1, cycles + 1):
            one_cycle(bus, path)
            if i % 100 == 0 or i == cycles:
                samples.append((i, rss_kib(pid)))
                h.log(f'soak {protocol}: {i} cycles, RSS {samples[-1][1]} kB')
        elapsed = time.monotonic() - started
        daemon.stop()  # exit 0 and no sanitizer (LSan) report, or it raises
    finally:
        if daemon.running():
            daemon.kill()
        sim.stop()
    leaks = 'LeakSanitizer' in daemon.read_log()
    return {'protocol': protocol, 'cycles': cycles, 'seconds': round(elapsed, 1),
            'ms_per_cycle': round(elapsed * 1000 / cycles, 2), 'rss_kib': samples,
            'leak_reports': int(leaks)}


# ---------------------------------------------------------------------------
# flood


def flood_client(address, path, calls, window):
    """Runs as the unprivileged user: `calls` Modem.Enable calls, `window` of
    them in flight; prints what came back, as JSON."""
    conn = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    loop = GLib.MainLoop()
    state = {'sent': 0, 'done': 0}
    answers = {}

    def send():
        state['sent'] += 1
        conn.call(h.BUS_NAME, path, h.MODEM_IFACE, 'Enable', GLib.Variant('(b)', (True,)), None,
                  Gio.DBusCallFlags.NONE, 120000, None, done)

    def done(conn, result):
        try:
            conn.call_finish(result)
            name = 'success'
        except GLib.Error as e:
            name = Gio.DBusError.get_remote_error(e) or e.message
        answers[name] = answers.get(name, 0) + 1
        state['done'] += 1
        if state['sent'] < calls:
            send()
        elif state['done'] == calls:
            loop.quit()

    started = time.monotonic()
    for _ in range(min(window, calls)):
        send()
    loop.run()
    print(json.dumps({'answers': answers, 'seconds': time.monotonic() - started}))


def start_flood(bus, path, calls, window):
    argv = h.as_user_argv([sys.executable, os.path.abspath(__file__), '--flood-client',
                           bus.address, path, str(calls), str(window)], h.TEST_USER)
    env = dict(bus.env, HOME='/nonexistent', PYTHONDONTWRITEBYTECODE='1')
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)


def root_latencies(bus, path, count=None, until=None):
    """Root's Register calls, one after the other: `count` of them, or as
    many as fit until until() is true; their latencies in ms."""
    out = []
    while (count is not None and len(out) < count) or (until is not None and not until()):
        t0 = time.monotonic()
        h.call(bus.conn, path, h.MODEM_3GPP_IFACE, 'Register', ('26201',), '(s)')
        out.append((time.monotonic() - t0) * 1000)
    return out


def flood(bus, calls, window, floods, env):
    sim, port = start_modem(bus, 'qmi', 'wwan0')
    daemon = h.Daemon(bus, [f'--port={port}'], env=env, debug=False, name='modemd-flood')
    daemon.start()
    result = {'calls': calls, 'window': window, 'floods': floods}
    try:
        path = enabled_modem(bus)
        pid = daemon.proc.pid
        root_latencies(bus, path, count=50)  # warm: polkit's cache, the first allocations
        result['rss_kib'] = [('start', rss_kib(pid))]
        result['alone'] = percentiles(root_latencies(bus, path, count=500))
        for round_ in range(1, floods + 1):
            client = start_flood(bus, path, calls, window)
            during = root_latencies(bus, path, until=lambda: client.poll() is not None)
            out, _ = client.communicate(timeout=600)
            if client.returncode != 0:
                raise RuntimeError(f'flood client exited {client.returncode}')
            result[f'flood{round_}'] = dict(json.loads(out), root=percentiles(during))
            result['rss_kib'].append((f'after flood {round_}', rss_kib(pid)))
        result['after'] = percentiles(root_latencies(bus, path, count=500))
        result['rss_kib'].append(('end', rss_kib(pid)))
        daemon.stop()
    finally:
        if daemon.running():
            daemon.kill()
        sim.stop()
    return result


# ---------------------------------------------------------------------------


def use_build(builddir, quarantine_mb, asan_extra):
    builddir = os.path.abspath(builddir)
    os.environ.setdefault('MODEMD', os.path.join(builddir, 'src/daemon/modemd'))
    os.environ.setdefault('MODEMCTL', os.path.join(builddir, 'cli/modemctl'))
    os.environ.setdefault('MODEM_SIM', os.path.join(builddir, 'tests/sim/modem-sim'))
    base = h.sanitizer_env({})['ASAN_OPTIONS']
    extra = f':{asan_extra}' if asan_extra else ''
    return {'ASAN_OPTIONS': f'{base}:quarantine_size_mb={quarantine_mb}{extra}'}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--flood-client':
        address, path, calls, window = sys.argv[2:6]
        flood_client(address, path, int(calls), int(window))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--builddir', default='build-asan')
    ap.add_argument('--cycles', type=int, default=1000)
    ap.add_argument('--calls', type=int, default=10000)
    ap.add_argument('--window', type=int, default=64, help='flood calls in flight')
    ap.add_argument('--floods', type=int, default=2, help='floods in a row')
    ap.add_argument('--quarantine-mb', type=int, default=4)
    ap.add_argument('--asan-options', default='',
                    help='more ASAN_OPTIONS for the daemon, e.g. fast_unwind_on_malloc=1')
    ap.add_argument('--parts', default='soak,flood')
    ap.add_argument('--protocols', default='qmi,mbim,at')
    args = ap.parse_args()
    h.require_root()
    h.ensure_test_user()
    env = use_build(args.builddir, args.quarantine_mb, args.asan_options)
    parts = args.parts.split(',')
    report = {'builddir': args.builddir, 'quarantine_mb': args.quarantine_mb,
              'asan_options': env['ASAN_OPTIONS']}
    with h.Bus() as bus, h.Polkit(bus):
        if 'soak' in parts:
            report['soak'] = [soak(bus, p, args.cycles, env) for p in args.protocols.split(',')]
            for r in report['soak']:
                h.log(f'soak {r["protocol"]}: {r["ms_per_cycle"]} ms/cycle, RSS kB '
                      f'{[kib for _, kib in r["rss_kib"]]}, leak reports {r["leak_reports"]}')
        if 'flood' in parts:
            report['flood'] = flood(bus, args.calls, args.window, args.floods, env)
    print(json.dumps(report, indent=1))
    print_summary(report)
    return 0


def print_summary(report):
    print(f'\nbuild {report["builddir"]}; the daemon\'s ASAN_OPTIONS: {report["asan_options"]}')
    for r in report.get('soak', []):
        rss = ' '.join(str(kib) for _, kib in r['rss_kib'])
        print(f'soak {r["protocol"]:4} {r["cycles"]} cycles, {r["ms_per_cycle"]} ms each; '
              f'RSS kB: {rss}; leak reports: {r["leak_reports"]}')
    f = report.get('flood')
    if f:
        def ms(p):
            return f'p50 {p["p50"]:.2f} p99 {p["p99"]:.2f} max {p["max"]:.2f} (n={p["n"]})'
        print(f'root alone:        {ms(f["alone"])}')
        for round_ in range(1, f['floods'] + 1):
            flood_ = f[f'flood{round_}']
            print(f'root in flood {round_}:  {ms(flood_["root"])}; {f["calls"]} calls in '
                  f'{flood_["seconds"]:.1f}s: {flood_["answers"]}')
        print(f'root after:        {ms(f["after"])}')
        print('RSS kB: ' + ', '.join(f'{k} {v}' for k, v in f['rss_kib']))


if __name__ == '__main__':
    sys.exit(main())
