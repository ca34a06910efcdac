#!/usr/bin/python3
"""How often an idle daemon wakes up: modemd and ModemManager side by side.

An idle modem manager has nothing to do: the modem reports what changes.
This bench counts the context switches of each daemon (every thread, from
/proc/PID/task/*/status: voluntary + involuntary) over a window in which
nothing happens, on the testbed of bench/vs-modemmanager.py (umockdev's
emulated USB QMI or MBIM modem, served by modem-sim on a private system bus
with the real polkitd; tests/sim/mmtestbed.py):

  none   the daemon with no modem at all
  qmi    one QMI modem, enabled and registered
  mbim   one MBIM modem, enabled and registered

Each run: start the daemon (and the simulator), Enable, wait for REGISTERED,
let it settle (--settle seconds, 20 by default: background work after
registration, and the 15 s after which GLib lets an idle pool thread end, e.g.
ModemManager's initial checks), then count over --seconds (60 by default).
For ModemManager the qmi-proxy / mbim-proxy it spawns is counted too (its
protocol stack always talks through it), as a second process. The
simulator's record tells what the daemon asked the modem during the window.

  sudo /usr/bin/python3 bench/idle.py [--seconds=60] [--settle=20]
       [--daemons=modemd,mm] [--scenarios=none,qmi,mbim] [--runs=1]

Needs root; re-executes itself under umockdev-wrapper. Binaries from MODEMD /
MODEM_SIM (else build-bench/, build/).
"""

import argparse
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, 'tests', 'sim'))
import mmtestbed as mt  # noqa: E402

REGISTERED = 8


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seconds', type=float, default=60, help='length of the idle window')
    p.add_argument('--settle', type=float, default=20,
                   help='seconds between REGISTERED and the window')
    p.add_argument('--daemons', default='modemd,mm')
    p.add_argument('--scenarios', default='none,qmi,mbim')
    p.add_argument('--runs', type=int, default=1)
    p.add_argument('--timeout', type=float, default=60, help='per step, seconds')
    return p.parse_args()


args = parse_args()
mt.prepare_bench(__file__, SRCDIR)

import harness as h  # noqa: E402  (tests/integration, put on the path by mmtestbed)
import test_discovery as td  # noqa: E402
from mmtestbed import (HARDWARE, MM_BUS_CONF, MM_MODEM_IFACE, MM_NAME, MM_PATH,  # noqa: E402
                       ModemManager, kill_proxies, proxies)

UMockdev = td.UMockdev
if UMockdev is None:
    sys.exit('gir1.2-umockdev-1.0 missing')

DAEMONS = {
    'modemd': dict(name=h.BUS_NAME, root=h.MANAGER_PATH, modem=h.MODEM_IFACE),
    'mm': dict(name=MM_NAME, root=MM_PATH, modem=MM_MODEM_IFACE),
}
# what counts as a question to the modem in the simulator's record
QUERY = re.compile(r'^sim: rx (qmi|mbim) ')


def thread_counts(pid):
    """{thread id: (name, voluntary + involuntary context switches)} of pid."""
    counts = {}
    for task in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{task}/comm') as f:
                name = f.read().strip()
            with open(f'/proc/{pid}/task/{task}/status') as f:
                n = sum(int(line.split()[1]) for line in f
                        if line.startswith(('voluntary_ctxt_switches:',
                                            'nonvoluntary_ctxt_switches:')))
        except OSError:
            continue
        counts[task] = (name, n)
    return counts


def wakeups(before, after):
    """Context switches between two thread_counts() of a process: the threads
    alive at the end count from before (or from 0 when they were born in
    between); one that ended counts as one wakeup, its last (an idle thread
    of GLib's thread pool ends 15 s after its last job)."""
    total = sum(n - before.get(tid, (None, 0))[1] for tid, (_, n) in after.items())
    ended = [name for tid, (name, _) in before.items() if tid not in after]
    return total + len(ended), ended


def threads(pid):
    return len(os.listdir(f'/proc/{pid}/task'))


class Modemd(h.Daemon):
    """modemd as the harness starts it, without --debug (no logging cost)."""


def modem_paths(conn, d):
    objs = h.call(conn, d['root'], 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects',
                  reply_type='(a{oa{sa{sv}}})', dest=d['name'])[0]
    return sorted(p for p, ifaces in objs.items() if d['modem'] in ifaces)


def enable_registered(conn, d):
    path = h.wait_until(lambda: next(iter(modem_paths(conn, d)), None), args.timeout,
                        'the modem object')
    h.wait_until(lambda: h.get_property(conn, path, d['modem'], 'State', dest=d['name']) >= 3,
                 args.timeout, 'DISABLED or later')
    h.call(conn, path, d['modem'], 'Enable', (True,), '(b)', dest=d['name'],
           timeout=args.timeout)
    h.wait_until(lambda: h.get_property(conn, path, d['modem'], 'State',
                                        dest=d['name']) >= REGISTERED,
                 args.timeout, 'REGISTERED')
    return path


def measure(processes):
    """{name: (context switches, names of the threads that ended)} of each
    process over the window."""
    before = {n: thread_counts(p) for n, p in processes.items()}
    h.iterate_main_context(args.seconds)
    return {n: wakeups(before[n], thread_counts(p)) for n, p in processes.items()}


def start_daemon(which, bus, env):
    if which == 'mm':
        daemon = ModemManager(bus, h.sanitizer_env(dict(bus.env, **env)), debug=False)
        daemon.start()
        daemon.wait_name(args.timeout)
    else:
        daemon = Modemd(bus, env=env, debug=False)
        daemon.start(args.timeout)
    return daemon


def one_run(which, scenario):
    d = DAEMONS[which]
    r = {'daemon': which, 'scenario': scenario}
    testbed = UMockdev.Testbed.new()
    root = testbed.get_root_dir()
    bus = h.Bus(extra_conf=[MM_BUS_CONF] if which == 'mm' else ())
    bus.start()
    polkit = h.Polkit(bus)
    polkit.start()
    sim = daemon = None
    try:
        if scenario != 'none':
            testbed.add_from_string(HARDWARE[scenario]().text())
            sim = td.FdSim(testbed.get_dev_fd('/dev/cdc-wdm0'),
                           [f'--protocol={scenario}', '--registration-delay-ms=0'],
                           name=f'sim-{scenario}')
            sim.start()
        daemon = start_daemon(which, bus, {'UMOCKDEV_DIR': root, 'G_DEBUG': 'gc-friendly'})
        if sim:
            enable_registered(bus.conn, d)
        h.iterate_main_context(args.settle)
        processes = {which: daemon.proc.pid}
        processes.update({n: p for p, n in proxies(root).items()})
        r['threads'] = {n: threads(p) for n, p in processes.items()}
        mark = len(sim.lines) if sim else 0
        measured = measure(processes)
        r['switches'] = {n: m[0] for n, m in measured.items()}
        r['ended'] = {n: m[1] for n, m in measured.items() if m[1]}
        r['queries'] = [line for line in (sim.lines[mark:] if sim else []) if QUERY.match(line)]
    except Exception as e:
        r['error'] = f'{type(e).__name__}: {e}'
    finally:
        if daemon is not None and daemon.proc is not None:
            daemon.stop() if which == 'mm' else h.stop_process(daemon.proc, 'modemd')
            daemon.proc = None
        if sim:
            sim.stop()
        kill_proxies(root)
        polkit.stop()
        bus.stop()
        del testbed
    return r


def per_minute(count):
    return count * 60.0 / args.seconds


def report(results):
    print(f'\ncontext switches per minute of idling ({args.seconds:.0f} s window, '
          f'{args.settle:.0f} s after REGISTERED), min median max over {args.runs} run(s)')
    for (which, scenario), runs in results.items():
        ok = [r for r in runs if 'error' not in r]
        if not ok:
            print(f'{which:>7} / {scenario:<5} failed: {runs[0]["error"]}')
            continue
        names = sorted({n for r in ok for n in r['switches']})
        for n in names:
            values = [per_minute(r['switches'][n]) for r in ok if n in r['switches']]
            print(f'{which:>7} / {scenario:<5} {n:<10} threads {ok[0]["threads"].get(n, "?"):>2}  '
                  f'{min(values):6.1f} {statistics.median(values):6.1f} {max(values):6.1f}')
        ended = sorted({t for r in ok for names in r['ended'].values() for t in names})
        if ended:
            print(f'{"":>15} threads that ended in the window (counted once): {", ".join(ended)}')
        queries = ok[0]['queries']
        print(f'{"":>15} requests to the modem in the window: {len(queries)}'
              + (f' (first: {queries[0][4:]})' if queries else ''))


def main():
    stray = proxies()
    if stray:
        sys.exit(f'qmi-proxy / mbim-proxy already running ({stray}): stop them first')
    daemons = [x for x in args.daemons.split(',') if x]
    if 'mm' in daemons and not mt.mm_installed():
        sys.exit('ModemManager not installed (apt-get install modemmanager)')
    results = {}
    for scenario in [x for x in args.scenarios.split(',') if x]:
        for which in daemons:
            runs = []
            for i in range(args.runs):
                r = one_run(which, scenario)
                h.log(f'{which}/{scenario} run {i + 1}: '
                      + (r['error'] if 'error' in r else f'{r["switches"]}, '
                         f'{len(r["queries"])} requests to the modem'
                         + (f', threads ended: {r["ended"]}' if r['ended'] else '')))
                runs.append(r)
            results[(which, scenario)] = runs
    report(results)
    h._kill_all()
    return 0 if all('error' not in r for runs in results.values() for r in runs) else 1


if __name__ == '__main__':
    sys.exit(main())
