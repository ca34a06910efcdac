#!/usr/bin/python3
"""Discovery benchmark: how long from the udev "add" of a modem's last port to
its modem object on the bus (InterfacesAdded), on the real udev path under
umockdev, with modem-sim behind the emulated nodes.

  * per protocol (QMI over USB, MBIM over PCIe/wwan, AT over cdc_acm): the
    median (and min/max) of --runs plug/unplug cycles;
  * 16 and 48 modems plugged at once (protocols in turn): per-modem latency
    (median, max) and the time until all of them are on the bus. (64 cannot
    run under umockdev 0.17: its preload tracks at most 50 open /dev
    descriptors per process and aborts past that, and each modem keeps its
    control port open.)

Under umockdev every read, write and ioctl on a /dev node is relayed through
the test process, so absolute numbers are upper bounds of what the daemon
needs on real hardware.

The last port is the one that completes the modem: the control port for QMI
and MBIM (known from driver / wwan type, no I/O before the modem exists);
for AT, the net port that makes the device a candidate, after which the tty
is probed ("AT" -> OK) — so AT numbers include one probe round trip.

Needs root (private system bus, bus name) and umockdev; re-executes itself
under umockdev-wrapper. Binaries from MODEMD / MODEM_SIM, else build-disc/
or build/ in the source tree.

  sudo bench/discovery.py [--runs=N] [--counts=16,48] [--builddir=DIR]
"""

import argparse
import glob
import os
import shutil
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)


def _reexec_under_umockdev():
    if 'umockdev-preload' in os.environ.get('LD_PRELOAD', ''):
        return
    wrapper = shutil.which('umockdev-wrapper')
    if wrapper is None:
        sys.exit('umockdev-wrapper not found (package umockdev)')
    os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--runs', type=int, default=15, help='plug/unplug cycles per protocol')
    # umockdev's preload (0.17) wraps at most 50 open /dev descriptors per
    # process and aborts beyond: every modem holds its control port open.
    p.add_argument('--counts', default='16,48', help='modems plugged at once (at most ~48)')
    p.add_argument('--builddir', default=None, help='build directory with modemd, modem-sim')
    return p.parse_args()


args = parse_args()
if os.geteuid() != 0:
    sys.exit('needs root (private system bus with our policy, bus name ownership)')
_reexec_under_umockdev()

for build in ([args.builddir] if args.builddir else ['build-disc', 'build']):
    d = os.path.join(SRCDIR, build) if not os.path.isabs(build) else build
    if os.access(os.path.join(d, 'src/daemon/modemd'), os.X_OK):
        os.environ.setdefault('MODEMD', os.path.join(d, 'src/daemon/modemd'))
        os.environ.setdefault('MODEM_SIM', os.path.join(d, 'tests/sim/modem-sim'))
        break

sys.path.insert(0, os.path.join(SRCDIR, 'tests', 'integration'))
import harness as h  # noqa: E402
import test_discovery as td  # noqa: E402
from harness import Gio  # noqa: E402

UMockdev = td.UMockdev


class Bench:
    def __init__(self):
        self.testbed = UMockdev.Testbed.new()
        self.handlers = []
        self.sims = []
        self.bus = h.Bus()
        self.bus.start()
        self.daemon = h.Daemon(self.bus, env={'UMOCKDEV_DIR': self.testbed.get_root_dir()},
                               debug=bool(os.environ.get('BENCH_DEBUG')))
        self.daemon.start()
        self.added = {}    # modem path -> monotonic time of InterfacesAdded
        self.removed = set()
        self.bus.conn.signal_subscribe(
            h.BUS_NAME, 'org.freedesktop.DBus.ObjectManager', None, h.MANAGER_PATH, None,
            Gio.DBusSignalFlags.NONE, self._on_signal)
        self.serial = 0

    def _on_signal(self, conn, sender, path, iface, member, params):
        now = time.monotonic()
        obj, ifaces = params.unpack()[:2]
        if member == 'InterfacesAdded' and h.MODEM_IFACE in ifaces:
            self.added[obj] = (now, ifaces[h.MODEM_IFACE]['Device'])
        elif member == 'InterfacesRemoved' and h.MODEM_IFACE in ifaces:
            self.removed.add(obj)

    def add(self, hw, start, end=None):
        """Adds records [start:end] of hw (their uevents go out as they are added)."""
        text = ''.join(hw.records[start:end])
        for node in hw.nodes:  # as in test_discovery.py: TIOCEXCL on the pty
            if node.startswith('/dev/tty') and node not in hw.attached:
                handler = UMockdev.IoctlBase()
                handler.connect('handle-ioctl', td._forward_ioctl)
                self.testbed.attach_ioctl(node, handler)
                self.handlers.append(handler)
                hw.attached.add(node)
        if text:
            self.testbed.add_from_string(text)

    def serve(self, node, protocol):
        sim = td.FdSim(self.testbed.get_dev_fd(node), [f'--protocol={protocol}'],
                       name=f'sim-{os.path.basename(node)}')
        sim.start()
        self.sims.append(sim)

    def unplug(self, hw):
        root = self.testbed.get_root_dir()
        for path in reversed(hw.paths):
            if os.path.exists(root + path + '/uevent'):
                self.testbed.uevent(path, 'remove')
        self.testbed.remove_device(hw.syspath)
        for pattern in ('sys/class/*/*', 'sys/bus/*/devices/*', 'sys/dev/*/*'):
            for link in glob.glob(os.path.join(root, pattern)):
                if os.path.islink(link) and not os.path.exists(link):
                    os.unlink(link)

    def stop_sims(self):
        for sim in self.sims:
            sim.stop()
        self.sims = []

    # -- devices, with the completing port as the last record --------------

    def make(self, protocol):
        """A device whose last record is the port that completes the modem."""
        self.serial += 1
        k = self.serial
        if protocol == 'qmi':
            hw = td.usb_qmi_modem(n=f'{k}', wdm=f'cdc-wdm{k}', net=f'wwan{k}', ttys=())
            order = [0, 1, 3, 2]  # usb device, qmi interface, net, cdc-wdm
            hw.control = (f'/dev/cdc-wdm{k}', 'qmi')
        elif protocol == 'mbim':
            hw = td.pcie_mbim_modem(slot=f'{k:02x}', wwan=f'wwan{k}', net=f'mbimnet{k}')
            order = [0, 1, 4, 2]  # pci function, wwan device, net, mbim port (no AT port)
            hw.nodes = [n for n in hw.nodes if 'mbim' in n]
            hw.control = (f'/dev/wwan{k}mbim0', 'mbim')
        else:
            hw = td.usb_acm_modem(n=f'{k}', tty=f'ttyACM{k}', net=f'usb{k}')
            order = [0, 1, 2, 3, 4]  # usb device, acm interface, tty, ether interface, net
            hw.control = (f'/dev/ttyACM{k}', 'at')
        hw.records = [hw.records[i] for i in order]
        hw.paths = [hw.paths[i] for i in order]
        hw.protocol = protocol
        hw.attached = set()
        return hw

    def prepare(self, hw):
        """Everything before the completing uevents; returns the index of the
        first record still to add. AT: the tty (not a candidate on its own)
        and its simulator, so that the probe is answered at once."""
        if hw.protocol != 'at':
            return 0
        self.add(hw, 0, 3)
        self.serve(*hw.control)
        return 3

    def finish(self, hw):
        if hw.protocol != 'at':
            self.serve(*hw.control)  # for the modem to initialize (not timed)

    def wait_modems(self, devices, timeout=60):
        want = {hw.syspath for hw in devices}

        def done():
            return want <= {dev for (_t, dev) in self.added.values()}
        h.wait_until(done, timeout, f'{len(want)} modems', poll=0.005)
        return {dev: t for (t, dev) in self.added.values() if dev in want}

    def one(self, protocol):
        hw = self.make(protocol)
        first = self.prepare(hw)
        t0 = time.monotonic()
        self.add(hw, first)
        latency = self.wait_modems([hw])[hw.syspath] - t0
        self.finish(hw)
        self.unplug(hw)
        h.wait_until(lambda: not self.current_modems(), 20, 'modem gone')
        self.stop_sims()
        return latency

    def current_modems(self):
        objs = h.call(self.bus.conn, h.MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                      'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]
        return [p for p, i in objs.items() if h.MODEM_IFACE in i]

    def many(self, count):
        protos = ['qmi', 'mbim', 'at']
        devices = [self.make(protos[i % 3]) for i in range(count)]
        firsts = {hw.syspath: self.prepare(hw) for hw in devices}
        starts = {}
        t_first = time.monotonic()
        for hw in devices:
            starts[hw.syspath] = time.monotonic()
            self.add(hw, firsts[hw.syspath])
        t_sent = time.monotonic()
        times = self.wait_modems(devices, timeout=120)
        lat = [times[hw.syspath] - starts[hw.syspath] for hw in devices]
        all_on_bus = max(times.values()) - t_first
        for hw in devices:
            self.finish(hw)
        for hw in devices:
            self.unplug(hw)
        h.wait_until(lambda: not self.current_modems(), 60, 'modems gone')
        self.stop_sims()
        return lat, all_on_bus, t_sent - t_first

    def stop(self):
        self.stop_sims()
        self.daemon.stop()
        self.bus.stop()


def ms(x):
    return f'{x * 1000:8.2f}'


QLEN = '/proc/sys/net/unix/max_dgram_qlen'


def raise_uevent_queue():
    """umockdev sends uevents over a unix datagram socket and aborts when the
    receiver's queue (net.unix.max_dgram_qlen, 10 by default) is full: a burst
    of many devices needs more, as the kernel's netlink socket would give."""
    try:
        with open(QLEN) as f:
            old = f.read().strip()
        if int(old) < 4096:
            with open(QLEN, 'w') as f:
                f.write('4096')

            def restore():
                with open(QLEN, 'w') as f:
                    f.write(old)
            h.add_cleanup(restore)
    except OSError as e:
        print(f'note: cannot raise {QLEN} ({e}); large bursts may abort umockdev',
              file=sys.stderr)


def main():
    raise_uevent_queue()  # before the daemon creates its socket
    bench = Bench()
    try:
        print(f'modemd discovery benchmark ({args.runs} runs per protocol, '
              f'modemd {os.environ.get("MODEMD")})')
        print()
        print(f'{"protocol":<10}{"median ms":>10}{"min ms":>10}{"max ms":>10}')
        for proto in ('qmi', 'mbim', 'at'):
            lat = [bench.one(proto) for _ in range(args.runs)]
            print(f'{proto:<10}{ms(statistics.median(lat)):>10}{ms(min(lat)):>10}'
                  f'{ms(max(lat)):>10}')
        print()
        print(f'{"modems":<8}{"median ms":>10}{"max ms":>10}{"all on bus ms":>15}'
              f'{"uevents sent ms":>17}')
        for count in (int(c) for c in args.counts.split(',') if c):
            lat, total, sending = bench.many(count)
            print(f'{count:<8}{ms(statistics.median(lat)):>10}{ms(max(lat)):>10}'
                  f'{ms(total):>15}{ms(sending):>17}')
    except Exception:
        if os.environ.get('BENCH_DEBUG'):
            print(bench.daemon.read_log()[-6000:], file=sys.stderr)
        raise
    finally:
        bench.stop()
        h._kill_all()


if __name__ == '__main__':
    main()
