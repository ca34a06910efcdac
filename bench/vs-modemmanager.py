#!/usr/bin/python3
"""modemd side by side with ModemManager, on the same simulated modems.

Both daemons run, in turn, against the same emulated hardware: umockdev
presents sysfs, udev properties and /dev nodes of a USB modem (QMI: a
usb_device with an interface bound to qmi_wwan, usbmisc/cdc-wdm0 + net/wwan0;
MBIM: the same with cdc_mbim), and modem-sim serves the emulated control node
(--fd on the master side of the pty umockdev puts behind it). Each run gets a
fresh private system bus (harness.Bus, our policy + ModemManager's), the real
polkitd on it, a fresh testbed and a fresh simulator. Per daemon, per protocol,
over --runs runs (min / median / max):

  (a) discovery: daemon start (spawn) -> InterfacesAdded of the modem object
      (ModemManager: /org/freedesktop/ModemManager1/Modem/N with
      org.freedesktop.ModemManager1.Modem; modemd: org.example.Modem1.Modem);
      with --hotplug: the daemon is started on an empty testbed, and (a) runs
      from adding the device (its uevents) to InterfacesAdded
  (e) Modem.Enable(true) -> State >= REGISTERED (8)
  (b) Simple.Connect({"apn": "internet"}) -> State CONNECTED (11) (and the
      call returned)
  (c) VmRSS (/proc/PID/status), Pss and USS (Private_Clean + Private_Dirty,
      /proc/PID/smaps_rollup) of the daemon once REGISTERED and once
      CONNECTED; for ModemManager also of the qmi-proxy / mbim-proxy it spawns
      (part of its stack: libqmi and libmbim in ModemManager always open the
      control port through the proxy).
  (d) with --networkmanager, instead of (e), (b) and (c): real NetworkManager
      (tests/integration/nmtestbed.py: keyfile profile "gsm", apn internet,
      autoconnect; its own network and mount namespace with a tun wwan0 as the
      modem's data interface) is started once the modem is DISABLED, and timed
      from its spawn to the StateChanged of its modem device to ACTIVATED
      (100); it enables the modem, connects the bearer and configures wwan0
      itself. modemd runs with --compat (NetworkManager talks to
      org.freedesktop.ModemManager1 only). The number of activations
      NetworkManager started is recorded (1 = first attempt).

Signals are received in a thread with its own main context and timestamped
on arrival; method calls are asynchronous. The first ModemManager run of each
protocol runs with --debug (its log shows the wire traffic) and is left out of
the statistics; the others use --log-level=INFO, and modemd runs without
--debug, so that neither pays for debug logging.

What it takes to run ModemManager 1.20.4 (Debian 12) on this testbed
-------------------------------------------------------------------
  /usr/sbin/ModemManager [--debug | --log-level=INFO] --log-file=LOG \\
      --log-timestamps --test-no-suspend-resume
  environment: DBUS_SYSTEM_BUS_ADDRESS=<private bus>, UMOCKDEV_DIR=<testbed>,
  LD_PRELOAD=libumockdev-preload (inherited: this script re-executes itself
  under umockdev-wrapper, as test_discovery.py does).

  * No --test-session: it takes the system bus from DBUS_SYSTEM_BUS_ADDRESS;
    the bus needs /etc/dbus-1/system.d/org.freedesktop.ModemManager1.conf
    (Debian installs it under /etc, not /usr/share; passed as
    Bus(extra_conf=[...])) and polkitd must know
    /usr/share/polkit-1/actions/org.freedesktop.ModemManager1.policy (the
    package installs it; root is then authorized for Enable / Connect).
  * Do NOT pass --test-no-qrtr (or --test-no-udev): in 1.20 either one
    silently forces --no-auto-scan (src/mm-context.c), and ModemManager then
    never looks at udev: no error, just no modem.
  * Ports are only considered when udev has tagged them: ModemManager ignores
    a port without the udev property ID_MM_CANDIDATE=1 (its rule
    80-mm-candidate.rules sets it; no udev rules run under umockdev), so the
    emulated cdc-wdm0 and wwan0 carry ID_MM_CANDIDATE=1 (modemd ignores it).
    The default --filter-policy (STRICT) accepts them.
  * --test-no-suspend-resume: there is no logind on the private bus.
  * Vendor ids: test_discovery's QMI modem is a Quectel (2c7c:0125). With it
    and no AT port, ModemManager 1.20.4 aborts during modem initialization
    (firmware interface: the Quectel plugin's load_update_settings casts the
    QMI modem to MMBroadbandModemMbim: "assertion failed:
    (MM_IS_BROADBAND_MODEM_MBIM (self))", mm-broadband-modem-mbim.c:284), so
    both modems here use Qualcomm ids (05c6:9215 QMI, 05c6:90d5 MBIM), which
    ModemManager hands to its generic plugin. modemd does not look at ids.
  * Nothing else is needed: no MM_QMI_* / MM_MBIM_* environment, no
    ID_MM_PORT_TYPE_* hints; the probe is answered within milliseconds, but
    ModemManager creates the modem only after its fixed minimum probing time
    (MIN_WAIT_TIME_MSECS 1500 before the first probe, MIN_PROBING_TIME_MSECS
    2500 from the first port, src/mm-plugin-manager.c; not configurable).
  * libqmi / libmbim in ModemManager open the control port through qmi-proxy /
    mbim-proxy (spawned on first use, abstract socket "qmi-proxy" /
    "mbim-proxy"; they outlive ModemManager for a while). They inherit the
    umockdev preload and UMOCKDEV_DIR from ModemManager, so they open the
    emulated node. A proxy left over from an earlier run would still point at
    the earlier testbed: after every run this script kills the proxies whose
    environment holds that run's UMOCKDEV_DIR (only those it caused), and
    refuses to start if a proxy from elsewhere is already running.
  * QMI connect: ModemManager's QMI bearer sends WDS Set Event Report
    (0x0001) before connecting and treats an error as fatal. This bench found
    that modem-sim did not implement it; it does now. --qmi-relay puts
    bench/qmi_relay.py between the node and modem-sim (for both daemons) and
    answers that request itself, as it had to before the fix.

The emulated modems, the ModemManager process and the proxy clean-up live in
tests/sim/mmtestbed.py, shared with tests/sim/test-mm-peer.py (the peer test
that checks modem-sim's values through ModemManager's D-Bus API).

Needs root; re-executes itself under umockdev-wrapper. Binaries from MODEMD /
MODEM_SIM (else build-bench/, build/).

  sudo /usr/bin/python3 bench/vs-modemmanager.py [--runs=10] [--daemons=modemd,mm]
       [--protocols=qmi,mbim] [--hotplug] [--qmi-relay] [--networkmanager] [--keep]
       [--mm-debug]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, 'tests', 'sim'))
import mmtestbed as mt  # noqa: E402  (shared with tests/sim/test-mm-peer.py)

REGISTERED, CONNECTED = 8, 11


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--daemons', default='modemd,mm')
    p.add_argument('--protocols', default='qmi,mbim')
    p.add_argument('--keep', action='store_true', help='keep the logs of every run')
    p.add_argument('--mm-debug', action='store_true',
                   help='ModemManager --debug in timed runs too (default: only the first run)')
    p.add_argument('--timeout', type=float, default=60, help='per step, seconds')
    p.add_argument('--hotplug', action='store_true',
                   help='(a) from the uevents of the modem (plugged once the daemon is idle) '
                   'instead of from daemon start')
    p.add_argument('--networkmanager', action='store_true',
                   help='(d) NetworkManager started -> gsm device activated, instead of '
                   'Enable / Connect by the script')
    p.add_argument('--qmi-relay', dest='qmi_relay', action='store_true',
                   help='QMI: a relay between node and modem-sim answers WDS Set Event Report')
    return p.parse_args()


args = parse_args()
mt.prepare_bench(__file__, SRCDIR)
if args.keep:
    os.environ['MODEMD_TEST_KEEP'] = '1'

import harness as h  # noqa: E402  (tests/integration, put on the path by mmtestbed)
import netns  # noqa: E402
import nmtestbed as nt  # noqa: E402
import test_discovery as td  # noqa: E402
from harness import GLib, Gio  # noqa: E402
from mmtestbed import (HARDWARE, MM_BIN, MM_BUS_CONF, MM_MODEM_IFACE, MM_NAME,  # noqa: E402
                       MM_PATH, MM_SIMPLE_IFACE, ModemManager, kill_proxies, proxies)

UMockdev = td.UMockdev
if UMockdev is None:
    sys.exit('gir1.2-umockdev-1.0 missing')


# ---------------------------------------------------------------------------
# Processes (ModemManager, proxies: mmtestbed)


def memory(pid):
    """(VmRSS, Pss, USS = Private_Clean + Private_Dirty) of a process, in kB."""
    rss = pss = None
    uss = 0
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    rss = int(line.split()[1])
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Pss:'):
                    pss = int(line.split()[1])
                elif line.startswith(('Private_Clean:', 'Private_Dirty:')):
                    uss += int(line.split()[1])
    except OSError:
        pass
    return rss, pss, uss


class Modemd(h.Daemon):
    def start(self, timeout=20):
        # like harness.Daemon.start, without waiting for the name (timed by caller)
        argv = [h.modemd_path()] + (['--debug'] if self.debug else []) + self.args
        env = h.sanitizer_env(dict(self.bus.env, **self.extra_env))
        self.log_path = os.path.join(self.bus.tmpdir, f'{self.name}.log')
        h.log(f'starting {" ".join(argv)}')
        self.argv = argv
        with open(self.log_path, 'w') as logf:
            self.proc = h._spawn(argv, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                                 stderr=subprocess.STDOUT)
        return self

    def wait_name(self, timeout=20):
        self.bus.wait_for_name(h.BUS_NAME, timeout, proc=self.proc, what='modemd')


DAEMONS = {
    'modemd': dict(name=h.BUS_NAME, root=h.MANAGER_PATH, modem=h.MODEM_IFACE,
                   simple=h.MODEM_SIMPLE_IFACE),
    'mm': dict(name=MM_NAME, root=MM_PATH, modem=MM_MODEM_IFACE, simple=MM_SIMPLE_IFACE),
}


# ---------------------------------------------------------------------------
# One run


class Watch:
    """InterfacesAdded and StateChanged of one daemon, timestamped on arrival:
    the subscriptions live in a thread with its own main context, so that the
    time is taken when the message arrives, even while this thread is busy
    (plugging hardware, starting a simulator)."""

    def __init__(self, conn, d):
        import threading
        self.conn = conn
        self.d = d
        self.added = {}     # path -> t
        self.states = []    # (t, path, new)
        self.nm_states = []  # NetworkManager devices: (t, path, new)
        self.ctx = GLib.MainContext.new()
        self.loop = GLib.MainLoop.new(self.ctx, False)
        ready = threading.Event()

        def run():
            self.ctx.push_thread_default()
            self.subs = [
                conn.signal_subscribe(None, 'org.freedesktop.DBus.ObjectManager',
                                      'InterfacesAdded', d['root'], None,
                                      Gio.DBusSignalFlags.NONE, self._added),
                conn.signal_subscribe(None, d['modem'], 'StateChanged', None, None,
                                      Gio.DBusSignalFlags.NONE, self._state),
                conn.signal_subscribe(None, nt.NM_DEVICE_IFACE, 'StateChanged', None, None,
                                      Gio.DBusSignalFlags.NONE, self._nm_state),
            ]
            src = GLib.idle_source_new()
            src.set_callback(lambda *a: (ready.set(), False)[1])
            src.attach(self.ctx)
            self.loop.run()
            for sub in self.subs:
                conn.signal_unsubscribe(sub)
            while self.ctx.pending():
                self.ctx.iteration(False)
            self.ctx.pop_thread_default()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise RuntimeError('signal watcher thread did not start')

    def _added(self, conn, sender, path, iface, member, params):
        now = time.monotonic()
        obj, ifaces = params.unpack()[:2]
        if self.d['modem'] in ifaces:
            self.added.setdefault(obj, now)

    def _state(self, conn, sender, path, iface, member, params):
        self.states.append((time.monotonic(), path, params.unpack()[1]))

    def _nm_state(self, conn, sender, path, iface, member, params):
        self.nm_states.append((time.monotonic(), path, params.unpack()[0]))

    def nm_reached(self, path, state):
        """When NetworkManager's device `path` first reached `state`, or None."""
        return next((t for t, p, new in list(self.nm_states) if p == path and new == state),
                    None)

    def close(self):
        src = GLib.idle_source_new()
        src.set_callback(lambda *a: (self.loop.quit(), False)[1])
        src.attach(self.ctx)
        self.thread.join(10)

    def state(self, path):
        try:
            return h.get_property(self.conn, path, self.d['modem'], 'State', dest=self.d['name'])
        except GLib.Error:
            return None

    def wait_state(self, path, pred, since, timeout, what):
        """Time at which State first satisfied pred after `since` (from the
        signal; from a property read if the signal was missed)."""
        last_poll = [0.0]

        def check():
            for t, p, new in list(self.states):
                if p == path and t >= since and pred(new):
                    return t
            now = time.monotonic()
            if now - last_poll[0] > 0.25:
                last_poll[0] = now
                s = self.state(path)
                if s is not None and pred(s):
                    return now
            return None
        return h.wait_until(check, timeout, what, poll=0.005)


def call_async(conn, dest, path, iface, method, params, timeout):
    box = {}

    def done(c, res):
        try:
            box['ret'] = c.call_finish(res)
        except GLib.Error as e:
            box['err'] = e
        box['t'] = time.monotonic()
    conn.call(dest, path, iface, method, params, None, Gio.DBusCallFlags.NONE,
              int(timeout * 1000), None, done)
    return box


def wait_call(box, timeout, what):
    h.wait_until(lambda: box, timeout + 5, what, poll=0.005)
    if 'err' in box:
        raise RuntimeError(f'{what}: {box["err"].message}')
    return box['t']


def nm_activation(bus, watch, r):
    """(d): NetworkManager started -> its gsm device ACTIVATED; fills r."""
    ns = netns.NetNamespace(tun_names=['wwan0'], hidden_dirs=nt.HIDDEN_DIRS).start(h._spawn)
    nm = nt.NetworkManager(bus, ns)
    nm.add_profile(nt.gsm_profile()[0], 'gsm')
    try:
        t0 = time.monotonic()
        nm.start()
        device = h.wait_until(nm.modem_device, args.timeout, 'NetworkManager modem device',
                              poll=0.005)
        t_active = h.wait_until(lambda: watch.nm_reached(device, nt.DEVICE_ACTIVATED),
                                args.timeout, 'gsm device activated', poll=0.005)
        r['nm_activated'] = t_active - t0
        r['nm_attempts'] = len(nm.log_lines(r"Activation: starting connection 'gsm'"))
        # what the activation left on wwan0: a static address from the bearer,
        # or none while NetworkManager runs DHCP (ModemManager's QMI bearer in
        # 802.3 mode asks for it; nothing answers on the tun)
        addrs = json.loads(ns.run(['ip', '-j', '-4', 'addr', 'show', 'dev', 'wwan0']).stdout)
        r['nm_ipv4'] = [f'{a["local"]}/{a["prefixlen"]}' for e in addrs
                        for a in e.get('addr_info', [])]
        r['nm_ipv4_method'] = 'static' if nm.log_lines(r'IPv4 static configuration') else \
            'auto (DHCP)' if nm.log_lines(r'new-config: IPv4, do-auto') else 'other'
        r['nm_warnings'] = nm.log_lines(r'^<(warn|error)>.*(modem|cdc-wdm|wwan)')
    finally:
        r['nm_log'] = nm.read_log()
        try:
            nm.stop()
        finally:
            ns.stop()


def one_run(which, protocol, debug, run_no):
    d = DAEMONS[which]
    r = {'daemon': which, 'protocol': protocol}
    testbed = UMockdev.Testbed.new()
    root = testbed.get_root_dir()
    extra_conf = [MM_BUS_CONF] if which == 'mm' else []
    if args.networkmanager:
        extra_conf.append(nt.NM_BUS_CONF)
    bus = h.Bus(extra_conf=extra_conf)
    bus.start()
    polkit = h.Polkit(bus)
    polkit.start()
    served = {}

    def plug_and_serve():
        hw = HARDWARE[protocol]()
        testbed.add_from_string(hw.text())
        node_fd = testbed.get_dev_fd('/dev/cdc-wdm0')
        relay = None
        if protocol == 'qmi' and args.qmi_relay:
            # modem-sim on a pty of its own, qmi_relay.py between it and the node
            master, slave = os.openpty()
            sim = td.FdSim(master, [f'--protocol={protocol}', '--registration-delay-ms=0'],
                           name=f'sim-{protocol}')
            sim.start()
            relay = h.Sim([], name='qmi-relay')  # reuse its stderr reader and stop()
            relay.proc = h._spawn(
                [sys.executable, os.path.join(HERE, 'qmi_relay.py'), f'--client-fd={node_fd}',
                 f'--sim-fd={slave}', '--answer=1:0x0001'],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, pass_fds=(node_fd, slave))
            import threading
            relay._reader = threading.Thread(target=relay._read, daemon=True)
            relay._reader.start()
            relay.wait_for_line(r'^relay: ready', 10)
            os.close(master)
            os.close(slave)
        else:
            sim = td.FdSim(node_fd, [f'--protocol={protocol}', '--registration-delay-ms=0'],
                           name=f'sim-{protocol}')
            sim.start()
        served.update(sim=sim, relay=relay)

    # the same GLib environment for both (harness.sanitizer_env defaults,
    # without fatal criticals, which are a test-suite choice for modemd)
    env = {'UMOCKDEV_DIR': root, 'G_DEBUG': 'gc-friendly'}
    if which == 'mm':
        daemon = ModemManager(bus, h.sanitizer_env(dict(bus.env, **env)), debug)
    else:
        daemon = Modemd(bus, ['--compat'] if args.networkmanager else (), env=env, debug=debug)
    watch = Watch(bus.conn, d)
    t = time.monotonic
    try:
        if not args.hotplug:
            plug_and_serve()
        t0 = t()
        daemon.start()
        r['argv'] = daemon.argv
        daemon.wait_name(args.timeout)
        r['name'] = t() - t0
        if args.hotplug:
            h.iterate_main_context(1.0)  # the daemon is idle (initial scan done)
            t0 = t()  # the uevents go out as the records are added
            plug_and_serve()
            r['serve'] = t() - t0  # included: adding the records, starting modem-sim (+ relay)
        h.wait_until(lambda: watch.added, args.timeout, f'{which} modem object', poll=0.005)
        path, t_added = next(iter(dict(watch.added).items()))
        r['discovery'] = t_added - t0
        r['path'] = path
        # the modem is ready for Enable once it is DISABLED (3)
        watch.wait_state(path, lambda s: s >= 3, t0, args.timeout, 'state >= DISABLED')
        if args.networkmanager:
            nm_activation(bus, watch, r)
            return r
        t1 = t()
        box = call_async(bus.conn, d['name'], path, d['modem'], 'Enable',
                         GLib.Variant('(b)', (True,)), args.timeout)
        wait_call(box, args.timeout, 'Enable')
        t_reg = watch.wait_state(path, lambda s: s >= REGISTERED, t1, args.timeout,
                                 'state >= REGISTERED')
        r['enable'] = t_reg - t1
        h.iterate_main_context(0.3)  # settle (background work after registration)
        r['mem_registered'] = memory(daemon.proc.pid)
        r['proxy_registered'] = {n: memory(p) for p, n in proxies(root).items()}
        t2 = t()
        box = call_async(bus.conn, d['name'], path, d['simple'], 'Connect',
                         GLib.Variant('(a{sv})', ({'apn': GLib.Variant('s', 'internet')},)),
                         args.timeout)
        wait_call(box, args.timeout, 'Simple.Connect')
        t_conn = watch.wait_state(path, lambda s: s == CONNECTED, t2, args.timeout,
                                  'state CONNECTED')
        r['connect'] = max(t_conn, box['t']) - t2
        r['connect_state'] = t_conn - t2
        h.iterate_main_context(0.3)
        r['mem_connected'] = memory(daemon.proc.pid)
        r['proxy_connected'] = {n: memory(p) for p, n in proxies(root).items()}
    except Exception as e:
        r['error'] = f'{type(e).__name__}: {e}'
    finally:
        watch.close()
        try:
            if daemon.proc is not None:
                daemon.stop() if which == 'mm' else h.stop_process(daemon.proc, 'modemd')
                daemon.proc = None
        except Exception as e:
            r.setdefault('error', f'stop: {e}')
        r['log'] = daemon.read_log()
        sim, relay = served.get('sim'), served.get('relay')
        r['relay'] = relay is not None
        r['sim'] = '\n'.join(sim.lines) if sim else ''
        try:
            if sim:
                sim.stop()
        except Exception as e:
            r.setdefault('error', f'sim stop: {e}')
        if relay is not None:
            r['relay_log'] = '\n'.join(relay.lines)
            relay.stop()
        kill_proxies(root)
        polkit.stop()
        bus.stop()
        if args.keep:
            with open(os.path.join(bus.tmpdir, f'sim-{protocol}.log'), 'w') as f:
                f.write(r['sim'])
            r['tmpdir'] = bus.tmpdir
        del testbed
    return r


# ---------------------------------------------------------------------------


def stats(values, fmt='{:8.1f}'):
    values = [v for v in values if v is not None]
    if not values:
        return f'{"-":>8} {"-":>8} {"-":>8}'
    return ' '.join(fmt.format(v) for v in
                    (min(values), statistics.median(values), max(values)))


def main():
    stray = proxies()
    if stray:
        sys.exit(f'qmi-proxy / mbim-proxy already running ({stray}); they would serve '
                 'the wrong device nodes: stop them first')
    daemons = [x for x in args.daemons.split(',') if x]
    if 'mm' in daemons and (MM_BUS_CONF is None or not os.access(MM_BIN, os.X_OK)):
        sys.exit('ModemManager not installed (apt-get install modemmanager)')
    protocols = [x for x in args.protocols.split(',') if x]
    results = {}
    for protocol in protocols:
        for which in daemons:
            runs = []
            for i in range(args.runs):
                debug = which == 'mm' and (args.mm_debug or i == 0)
                r = one_run(which, protocol, debug, i)
                tag = f'{which}/{protocol} run {i + 1}' + (' (--debug)' if debug else '')
                if 'error' in r:
                    done = ', '.join(f'{k} {r[k] * 1000:.0f} ms' for k in
                                     ('discovery', 'enable', 'connect', 'nm_activated')
                                     if k in r)
                    h.log(f'{tag}: FAILED {r["error"]} (got: {done or "nothing"})')
                    print(f'----- {tag}: daemon log (last 6000) -----\n{r["log"][-6000:]}',
                          file=sys.stderr)
                    print(f'----- {tag}: simulator (last 60 lines) -----\n'
                          + '\n'.join(r['sim'].splitlines()[-60:]), file=sys.stderr)
                    if 'nm_log' in r:
                        print(f'----- {tag}: NetworkManager log (last 6000) -----\n'
                              f'{r["nm_log"][-6000:]}', file=sys.stderr)
                elif args.networkmanager:
                    h.log(f'{tag}: discovery {r["discovery"] * 1000:.0f} ms, NetworkManager '
                          f'started -> activated {r["nm_activated"] * 1000:.0f} ms '
                          f'({r["nm_attempts"]} activation(s)), wwan0 {r["nm_ipv4"]} '
                          f'({r["nm_ipv4_method"]}); warnings: {r["nm_warnings"]}')
                else:
                    h.log(f'{tag}: discovery {r["discovery"] * 1000:.0f} ms, enable '
                          f'{r["enable"] * 1000:.0f} ms, connect {r["connect"] * 1000:.0f} ms, '
                          f'mem {r["mem_registered"]} / {r["mem_connected"]} '
                          f'proxies {r["proxy_connected"]}')
                runs.append(r)
                if 'error' in r and i == 0:
                    break  # no point repeating a failure
            results[(which, protocol)] = runs

    print()
    print(f'{args.runs} runs per cell (the first ModemManager run of each protocol with --debug,'
          ' excluded from the statistics when more runs are available);'
          + (' QMI through qmi_relay.py' if args.qmi_relay else ' QMI without relay')
          + ('; hotplug' if args.hotplug else '; coldplug')
          + ('; NetworkManager' if args.networkmanager else ''))
    print('times in ms, min median max; memory in kB, min median max')
    for (which, protocol), runs in results.items():
        ok = [r for r in runs if 'error' not in r]
        timed = [r for r in ok if not (which == 'mm' and r['argv'] and '--debug' in r['argv'])] \
            if which == 'mm' and not args.mm_debug and len(ok) > 1 else ok
        print(f'\n{which} / {protocol}: {len(ok)}/{len(runs)} runs ok'
              + (f'; first error: {runs[0].get("error")}' if len(ok) < len(runs) else ''))
        if not timed:
            continue
        if args.hotplug:
            print(f'  (a) uevent -> modem object    {stats([r["discovery"] * 1000 for r in timed])}')
            print(f'      (plug + serve took)       {stats([r["serve"] * 1000 for r in timed])}')
        else:
            print(f'  (a) start -> modem object     {stats([r["discovery"] * 1000 for r in timed])}')
        print(f'      start -> bus name         {stats([r["name"] * 1000 for r in timed])}')
        if args.networkmanager:
            print(f'  (d) NM start -> activated     '
                  f'{stats([r["nm_activated"] * 1000 for r in timed])}')
            print(f'      activations started       '
                  f'{stats([r["nm_attempts"] for r in timed], "{:8.0f}")}')
            print(f'      NM warnings (modem), runs '
                  f'{sum(1 for r in timed if r["nm_warnings"]):8d}')
            print(f'      wwan0 IPv4 once activated  {timed[0]["nm_ipv4"]} '
                  f'({timed[0]["nm_ipv4_method"]})')
            print(f'  argv: {" ".join(timed[0]["argv"])}')
            continue
        print(f'  (e) Enable -> REGISTERED      {stats([r["enable"] * 1000 for r in timed])}')
        print(f'  (b) Connect -> CONNECTED      {stats([r["connect"] * 1000 for r in timed])}')
        for key, label in (('mem_registered', 'registered'), ('mem_connected', 'connected')):
            print(f'  (c) VmRSS {label:<10}         '
                  f'{stats([r[key][0] for r in timed], "{:8.0f}")}')
            print(f'      Pss   {label:<10}         '
                  f'{stats([r[key][1] for r in timed], "{:8.0f}")}')
            print(f'      USS   {label:<10}         '
                  f'{stats([r[key][2] for r in timed], "{:8.0f}")}')
            pk = 'proxy_' + key[4:]
            names = sorted({n for r in timed for n in r[pk]})
            for n in names:
                print(f'      {n} VmRSS {label:<10} '
                      f'{stats([r[pk][n][0] for r in timed if n in r[pk]], "{:8.0f}")}')
                print(f'      {n} Pss   {label:<10} '
                      f'{stats([r[pk][n][1] for r in timed if n in r[pk]], "{:8.0f}")}')
                print(f'      {n} USS   {label:<10} '
                      f'{stats([r[pk][n][2] for r in timed if n in r[pk]], "{:8.0f}")}')
        print(f'  argv: {" ".join(timed[0]["argv"])}')
    h._kill_all()
    return 0 if all('error' not in r for runs in results.values() for r in runs) else 1


if __name__ == '__main__':
    sys.exit(main())
