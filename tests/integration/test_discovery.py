#!/usr/bin/python3
"""Port discovery end to end: modemd on the real udev path (libudev) against
sysfs, udev properties, uevents and /dev nodes emulated by umockdev, with
modem-sim serving the emulated nodes (umockdev makes each one a pty; the
simulator gets its master side with --fd).

The test re-executes itself under umockdev-wrapper (LD_PRELOAD of
libumockdev-preload), which the daemon inherits together with UMOCKDEV_DIR.
Needs root (see harness.py), /usr/bin/python3 with gir1.2-umockdev-1.0 and the
umockdev package; skips (77) without them.

Environment, besides the harness's:
  MODEMD_NOUDEV   a modemd built with -Dudev=disabled (for the ReportKernelEvent
                  case); default: build-router/src/daemon/modemd in the source tree
"""

import ctypes
import errno
import glob
import os
import struct
import sys

import umockdev_entry  # stdlib only: before the preload is in place


if __name__ == '__main__':
    umockdev_entry.enter(__file__)

# Sanitizer builds under the umockdev preload: the preload comes first in the
# library list, which ASan accepts only when told so. Set before anything is
# started, so that every child (daemon, simulators, modemctl) inherits it.
_asan = os.environ.get('ASAN_OPTIONS', 'detect_leaks=1:halt_on_error=1:abort_on_error=0')
if 'verify_asan_link_order' not in _asan:
    os.environ['ASAN_OPTIONS'] = _asan + ':verify_asan_link_order=0'

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

try:
    import gi
    gi.require_version('UMockdev', '1.0')
    from gi.repository import UMockdev  # noqa: E402
except (ImportError, ValueError) as e:
    UMockdev = None
    _umockdev_error = str(e)

PORT_NET, PORT_AT, PORT_QMI, PORT_MBIM = 2, 3, 6, 7
DISABLED, REGISTERED, CONNECTED = 3, 8, 11

USB_ROOT = '/devices/pci0000:00/0000:00:14.0/usb1'
PCI_ROOT = '/devices/pci0000:00/0000:00:1c.0'


# ---------------------------------------------------------------------------
# Emulated hardware, as umockdev records (P: path, E: property, A: attribute,
# L: link, N: device node, which umockdev backs with a pty).


def _record(path, subsystem, props=(), attrs=(), links=(), node=None):
    lines = [f'P: {path}', f'E: SUBSYSTEM={subsystem}']
    lines += [f'E: {k}={v}' for k, v in props]
    lines += [f'A: {k}={v}' for k, v in attrs]
    lines += [f'L: {k}={v}' for k, v in links]
    if node:
        lines.append(f'N: {node}')
    return '\n'.join(lines) + '\n\n'


def _driver(name, bus='usb'):
    return ('driver', f'../../../../../../bus/{bus}/drivers/{name}')


class Hardware:
    """One emulated device: its records, its /dev nodes and its sysfs path."""

    def __init__(self, syspath):
        self.syspath = '/sys' + syspath
        self.records = []
        self.nodes = []       # /dev/... names backed by ptys
        self.port_paths = {}  # port name -> sysfs path
        self.paths = []       # every record's sysfs path, parents first

    def add(self, path, subsystem, props=(), attrs=(), links=(), node=None, port=None):
        self.records.append(_record(path, subsystem, props, attrs, links, node))
        self.paths.append('/sys' + path)
        if node:
            self.nodes.append('/dev/' + node)
        if port:
            self.port_paths[port] = '/sys' + path

    def text(self):
        return ''.join(self.records)


def _minor():
    _minor.n += 1
    return _minor.n


_minor.n = 0


def usb_device(hw, path, vid, pid, props=()):
    hw.add(path, 'usb', [('DEVTYPE', 'usb_device'), ('PRODUCT', f'{vid}/{pid}/0')] + list(props),
           [('idVendor', vid), ('idProduct', pid), ('busnum', '1'), ('devnum', '2')])


def usb_interface(hw, path, number, driver, cls='ff', sub='ff', proto='ff'):
    hw.add(path, 'usb', [('DEVTYPE', 'usb_interface'), ('DRIVER', driver),
                         ('INTERFACE', f'{int(cls, 16)}/{int(sub, 16)}/{int(proto, 16)}')],
           [('bInterfaceNumber', f'{number:02x}'), ('bInterfaceClass', cls),
            ('bInterfaceSubClass', sub), ('bInterfaceProtocol', proto)],
           [_driver(driver)])


def usb_serial_tty(hw, iface, name, serial_driver, props=()):
    hw.add(f'{iface}/{name}', 'usb-serial', [('DRIVER', serial_driver)], (),
           [_driver(serial_driver, 'usb-serial')])
    tty_port(hw, f'{iface}/{name}/tty/{name}', name, props)


def tty_port(hw, path, name, props=()):
    hw.add(path, 'tty', [('DEVNAME', f'/dev/{name}'), ('MAJOR', '188'),
                         ('MINOR', str(_minor()))] + list(props),
           [('dev', f'188:{_minor.n}')], node=name, port=name)


def net_port(hw, path, name, props=(), attrs=()):
    hw.add(path, 'net', [('INTERFACE', name), ('IFINDEX', str(10 + _minor()))] + list(props),
           [('ifindex', str(10 + _minor.n)), ('type', '1')] + list(attrs), port=name)


def usb_qmi_modem(n=1, wdm='cdc-wdm0', net='wwan0', ttys=('ttyUSB2', 'ttyUSB3'),
                  device_props=(), port_props=()):
    """A Quectel-like USB modem: AT ports on `option`, QMI on `qmi_wwan`."""
    dev = f'{USB_ROOT}/1-{n}'
    hw = Hardware(dev)
    usb_device(hw, dev, '2c7c', '0125', device_props)
    for i, tty in enumerate(ttys):
        iface = f'{dev}/1-{n}:1.{i + 2}'
        usb_interface(hw, iface, i + 2, 'option')
        usb_serial_tty(hw, iface, tty, 'option1', port_props)
    iface = f'{dev}/1-{n}:1.4'
    usb_interface(hw, iface, 4, 'qmi_wwan')
    hw.add(f'{iface}/usbmisc/{wdm}', 'usbmisc',
           [('DEVNAME', f'/dev/{wdm}'), ('MAJOR', '180'), ('MINOR', str(_minor()))]
           + list(port_props), [('dev', f'180:{_minor.n}')], node=wdm, port=wdm)
    # qmi_wwan's framing switch, 802.3 until told otherwise
    net_port(hw, f'{iface}/net/{net}', net, port_props, [('qmi/raw_ip', 'N')])
    return hw


def pcie_mbim_modem(slot='02', wwan='wwan0', net='wwan0'):
    """A PCIe (MHI) modem on the wwan class: MBIM and AT ports by type."""
    dev = f'{PCI_ROOT}/0000:{slot}:00.0'
    hw = Hardware(dev)
    hw.add(dev, 'pci', [('DRIVER', 'mhi-pci-generic'), ('PCI_ID', '17CB:0308')],
           [('vendor', '0x17cb'), ('device', '0x0308'), ('class', '0x0d4000')],
           [_driver('mhi-pci-generic', 'pci')])
    wdev = f'{dev}/wwan/{wwan}'
    hw.add(wdev, 'wwan', [('DEVTYPE', 'wwan_dev')])
    for kind in ('MBIM', 'AT'):
        name = f'{wwan}{kind.lower()}0'
        hw.add(f'{wdev}/{name}', 'wwan',
               [('DEVTYPE', 'wwan_port'), ('DEVNAME', f'/dev/{name}'), ('MAJOR', '234'),
                ('MINOR', str(_minor()))],
               [('type', kind), ('dev', f'234:{_minor.n}')], node=name, port=name)
    net_port(hw, f'{dev}/mhi0/mhi0_IP_HW0_MBIM/net/{net}', net)
    return hw


def usb_acm_modem(n=5, tty='ttyACM0', net='usb0', tagged=False):
    """An AT-only modem on cdc_acm, with a cdc_ether net port or a candidate tag."""
    dev = f'{USB_ROOT}/1-{n}'
    hw = Hardware(dev)
    usb_device(hw, dev, '1e2d', '0053')
    iface = f'{dev}/1-{n}:1.0'
    usb_interface(hw, iface, 0, 'cdc_acm', '02', '02', '01')
    tty_port(hw, f'{iface}/tty/{tty}', tty,
             [('ID_MODEMD_CANDIDATE', '1')] if tagged else ())
    if net:
        iface = f'{dev}/1-{n}:1.6'
        usb_interface(hw, iface, 6, 'cdc_ether', '02', '06', '00')
        net_port(hw, f'{iface}/net/{net}', net)
    return hw


def ftdi_board(n=7, tty='ttyUSB0'):
    dev = f'{USB_ROOT}/1-{n}'
    hw = Hardware(dev)
    usb_device(hw, dev, '0403', '6001')
    iface = f'{dev}/1-{n}:1.0'
    usb_interface(hw, iface, 0, 'ftdi_sio')
    usb_serial_tty(hw, iface, tty, 'ftdi_sio')
    return hw


def arduino_board(n=8, tty='ttyACM1'):
    """An Arduino Uno: cdc_acm declaring AT commands, and the candidate tag that
    ModemManager's rules put on every tty; still not a modem."""
    dev = f'{USB_ROOT}/1-{n}'
    hw = Hardware(dev)
    usb_device(hw, dev, '2341', '0043')
    iface = f'{dev}/1-{n}:1.0'
    usb_interface(hw, iface, 0, 'cdc_acm', '02', '02', '01')
    tty_port(hw, f'{iface}/tty/{tty}', tty, [('ID_MM_CANDIDATE', '1')])
    return hw


# ---------------------------------------------------------------------------
# Watching a pty slave: was it ever opened?

_IN_OPEN, _IN_ACCESS, _IN_MODIFY = 0x20, 0x01, 0x02


class OpenWatch:
    """inotify on the pty slave behind an emulated node: records any open."""

    def __init__(self, testbed, node):
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), 'inotify_init1')
        # the emulated node is a symlink to the pty slave
        target = os.readlink(os.path.join(testbed.get_root_dir(), node.lstrip('/')))
        wd = libc.inotify_add_watch(self.fd, target.encode(), _IN_OPEN | _IN_ACCESS | _IN_MODIFY)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f'inotify_add_watch {target}')
        self.target = target

    def events(self):
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return []
        out = []
        while data:
            _wd, mask, _cookie, length = struct.unpack('iIII', data[:16])
            out.append(mask)
            data = data[16 + length:]
        return out

    def close(self):
        os.close(self.fd)


def pending_bytes(fd):
    """What the far side wrote to the pty (b'' if nothing; never blocks)."""
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b''
    except OSError as e:
        if e.errno == errno.EIO:  # far side never opened (or closed) and nothing buffered
            return b''
        raise


# ---------------------------------------------------------------------------


def _forward_ioctl(handler, client):
    ret, err = client.execute()
    client.complete(ret, err)
    return True


class FdSim(h.Sim):
    """modem-sim serving an inherited descriptor (the pty master of a node)."""

    def __init__(self, fd, args, name):
        super().__init__(list(args) + [f'--fd={fd}'], name=name)
        self.fd = fd

    def start(self, timeout=10):
        import subprocess
        import threading
        argv = [h.modem_sim_path()] + self.args
        env = h.sanitizer_env(os.environ)
        self.proc = h._register(subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors='replace', pass_fds=(self.fd,)))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for_line(r'^sim: ready', timeout)
        return self


class DiscoveryTestCase(h.IntegrationTestCase):

    def setUp(self):
        if UMockdev is None:
            self.skipTest(f'gir1.2-umockdev-1.0 missing: {_umockdev_error}')
        super().setUp()
        self.testbed = UMockdev.Testbed.new()
        # Registered first, so it runs last: the daemon and the simulators
        # must be gone before the testbed stops answering for its nodes.
        self.addCleanup(self._drop_testbed)
        self.sims = []
        self.ioctl_handlers = []

    def _drop_testbed(self):
        self.testbed = None
        self.ioctl_handlers = []

    def daemon_env(self):
        return {'UMOCKDEV_DIR': self.testbed.get_root_dir()}

    def start_discovery_daemon(self, *args, binary=None):
        daemon = h.Daemon(self.bus, args, env=self.daemon_env())
        if binary:
            orig = h.modemd_path
            h.modemd_path = lambda: binary
            try:
                daemon.start()
            finally:
                h.modemd_path = orig
        else:
            daemon.start()
        self.addCleanup(self._stop_daemon, daemon)
        self._watch_log(daemon.name, daemon.log_path)
        self.daemon = daemon
        return daemon

    def plug(self, hw):
        # umockdev answers ioctls on emulated nodes itself and forwards only
        # termios ones to the pty: TIOCEXCL (which the AT channel sets) would
        # fail with ENOTTY. Our handler runs every ioctl on the real pty, as a
        # tty node would. Attached before the node exists, so that no open of
        # a hotplugged node can beat it.
        for node in hw.nodes:
            if not node.startswith('/dev/tty'):
                continue
            handler = UMockdev.IoctlBase()
            handler.connect('handle-ioctl', _forward_ioctl)
            self.testbed.attach_ioctl(node, handler)
            self.ioctl_handlers.append(handler)
        self.assertTrue(self.testbed.add_from_string(hw.text()))
        return hw

    def unplug(self, hw, syspath):
        """Removes syspath and what is below it, children first, with their
        "remove" uevents (umockdev < 0.18.4 removes without sending them)."""
        root = self.testbed.get_root_dir()
        for path in reversed(hw.paths):
            if ((path == syspath or path.startswith(syspath + '/'))
                    and os.path.exists(root + path + '/uevent')):
                self.testbed.uevent(path, 'remove')
        self.testbed.remove_device(syspath)
        # umockdev < 0.18 leaves /sys/class and /sys/bus links of removed
        # devices behind, and refuses to add a device of the same name later
        for pattern in ('sys/class/*/*', 'sys/bus/*/devices/*', 'sys/dev/*/*'):
            for link in glob.glob(os.path.join(root, pattern)):
                if os.path.islink(link) and not os.path.exists(link):
                    os.unlink(link)

    def serve(self, hw, node, protocol, *args):
        fd = self.testbed.get_dev_fd(node)
        self.assertGreaterEqual(fd, 0, f'no pty behind {node}')
        sim = FdSim(fd, [f'--protocol={protocol}'] + list(args),
                    name=f'sim-{os.path.basename(node)}')
        self.addCleanup(sim.stop)
        sim.start()
        self.sims.append(sim)
        return sim

    def serve_qmi_modem(self, hw, wdm='cdc-wdm0', ttys=('ttyUSB2', 'ttyUSB3')):
        qmi = self.serve(hw, f'/dev/{wdm}', 'qmi')
        for tty in ttys:
            self.serve(hw, f'/dev/{tty}', 'at')
        return qmi

    def modems(self):
        return {path: ifaces[h.MODEM_IFACE] for path, ifaces in self.managed_objects().items()
                if h.MODEM_IFACE in ifaces}

    def wait_for_modems(self, count, timeout=20):
        return h.wait_until(lambda: (lambda m: m if len(m) == count else None)(self.modems()),
                            timeout, f'{count} modem object(s) on the bus')

    def modem_for_device(self, device, timeout=20):
        def find():
            for path, props in self.modems().items():
                if props['Device'] == device:
                    return path
            return None
        return h.wait_until(find, timeout, f'modem of {device}')

    def prop(self, path, name, iface=h.MODEM_IFACE):
        return h.get_property(self.bus.conn, path, iface, name)

    def wait_ports(self, path, expected, timeout=20):
        expected = sorted(expected)
        return h.wait_for_property(self.bus.conn, 'Ports', lambda v: sorted(v) == expected,
                                   timeout=timeout, path=path, interface=h.MODEM_IFACE)

    def scan(self):
        """ScanDevices: a round trip that also proves that what the daemon had
        to handle before it (enumeration, events) has been handled."""
        self.call(h.MANAGER_PATH, h.MANAGER_IFACE, 'ScanDevices')

    def assert_untouched(self, hw, watches):
        for node in hw.nodes:
            fd = self.testbed.get_dev_fd(node)
            self.assertEqual(pending_bytes(fd), b'', f'{node} was written to')
        for node, watch in watches.items():
            self.assertEqual(watch.events(), [], f'{node} ({watch.target}) was opened')

    def watch(self, hw):
        watches = {node: OpenWatch(self.testbed, node) for node in hw.nodes}
        for w in watches.values():
            self.addCleanup(w.close)
        return watches

    def check_qmi_modem(self, path, hw, wdm='cdc-wdm0', net='wwan0',
                        ttys=('ttyUSB2', 'ttyUSB3')):
        props = self.modems()[path]
        # a Quectel (2c7c) module: the vendor plugin over the generic QMI backend
        self.assertEqual(props['Plugin'], 'quectel')
        self.assertEqual(props['PrimaryPort'], wdm)
        self.assertEqual(props['Device'], hw.syspath)
        self.assertEqual(props['Physdev'], hw.syspath)
        self.wait_ports(path, [(wdm, PORT_QMI), (net, PORT_NET)] + [(t, PORT_AT) for t in ttys])
        self.assertEqual(sorted(self.prop(path, 'Drivers')), ['option1', 'qmi_wwan'])

    def connect(self, path):
        h.wait_for_property(self.bus.conn, 'State', lambda v: v >= DISABLED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)
        bearer = self.call(path, h.MODEM_SIMPLE_IFACE, 'Connect',
                           ({'apn': GLib.Variant('s', 'internet')},), '(a{sv})',
                           reply_type='(o)', timeout=60)[0]
        h.wait_for_property(self.bus.conn, 'State', lambda v: v == CONNECTED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)
        return bearer


class DiscoveryTest(DiscoveryTestCase):

    # 1
    def test_usb_qmi_modem(self):
        hw = self.plug(usb_qmi_modem())
        self.serve_qmi_modem(hw)
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path, hw)
        bearer = self.connect(path)
        self.assertEqual(self.prop(bearer, 'Interface', h.BEARER_IFACE), 'wwan0')
        self.sims[0].wait_for_line(r'rx qmi WDS StartNetwork .*apn=internet')
        # the modem was asked for raw IP, and the driver told
        self.sims[0].wait_for_line(r'rx qmi WDA SetDataFormat .*link-layer=raw-ip')
        raw_ip = self.testbed.get_root_dir() + hw.port_paths['wwan0'] + '/qmi/raw_ip'
        with open(raw_ip) as f:
            self.assertEqual(f.read().strip(), 'Y')

    # 2
    def test_pcie_mbim_modem(self):
        hw = self.plug(pcie_mbim_modem())
        self.serve(hw, '/dev/wwan0mbim0', 'mbim')
        self.serve(hw, '/dev/wwan0at0', 'at')
        self.start_discovery_daemon()
        path, props = self.wait_for_modems(1).popitem()
        self.assertEqual(props['Plugin'], 'mbim')
        self.assertEqual(props['PrimaryPort'], 'wwan0mbim0')
        self.assertEqual(props['Device'], hw.syspath)
        self.assertEqual(props['Drivers'], ['mhi-pci-generic'])
        self.wait_ports(path, [('wwan0mbim0', PORT_MBIM), ('wwan0at0', PORT_AT),
                               ('wwan0', PORT_NET)])

    # 3
    def test_at_modem_with_net_port(self):
        hw = self.plug(usb_acm_modem())
        sim = self.serve(hw, '/dev/ttyACM0', 'at')
        self.start_discovery_daemon()
        path, props = self.wait_for_modems(1).popitem()
        self.assertEqual(props['Plugin'], 'at')
        self.assertEqual(props['PrimaryPort'], 'ttyACM0')
        self.assertEqual(sorted(props['Ports']), [('ttyACM0', PORT_AT), ('usb0', PORT_NET)])
        self.assertEqual(sorted(props['Drivers']), ['cdc_acm', 'cdc_ether'])
        sim.wait_for_line(r'rx at AT$')

    def test_declared_ports_known_to_sysfs(self):
        """--port names nodes that sysfs knows: Device, Physdev and Drivers
        are the hardware's, as for a discovered modem (mmcli and the
        reference's other clients show them); the other ports udev finds on
        that device join no second modem."""
        hw = self.plug(usb_qmi_modem(ttys=()))
        self.serve(hw, '/dev/cdc-wdm0', 'qmi')
        self.start_discovery_daemon('--port=qmi:/dev/cdc-wdm0,net:wwan0')
        path, props = self.wait_for_modems(1).popitem()
        self.assertEqual(props['Plugin'], 'quectel')
        self.assertEqual(props['Device'], hw.syspath)
        self.assertEqual(props['Physdev'], hw.syspath)
        self.assertEqual(props['Drivers'], ['qmi_wwan'])
        self.assertEqual(sorted(props['Ports']), [('cdc-wdm0', PORT_QMI), ('wwan0', PORT_NET)])
        self.scan()
        self.assertEqual(list(self.modems()), [path])

    def test_at_modem_tagged(self):
        hw = self.plug(usb_acm_modem(net=None, tagged=True))
        self.serve(hw, '/dev/ttyACM0', 'at')
        self.start_discovery_daemon()
        path, props = self.wait_for_modems(1).popitem()
        self.assertEqual(props['Plugin'], 'at')
        self.assertEqual(props['Ports'], [('ttyACM0', PORT_AT)])

    # 4
    def test_serial_boards_are_never_opened(self):
        boards = [self.plug(ftdi_board()), self.plug(arduino_board())]
        watches = {}
        for hw in boards:
            watches.update(self.watch(hw))
        self.start_discovery_daemon()
        self.scan()
        self.daemon.wait_for_log(r'port tty/ttyUSB0 driver ftdi_sio .* state 4')
        self.daemon.wait_for_log(r'port tty/ttyACM1 driver cdc_acm .* state 4')
        self.assertEqual(self.modems(), {})
        for hw in boards:
            self.assert_untouched(hw, {n: w for n, w in watches.items() if n in hw.nodes})
        self.assertNotIn('probing', self.daemon.read_log())

    # 5
    def test_all_at_once(self):
        qmi = self.plug(usb_qmi_modem())
        mbim = self.plug(pcie_mbim_modem(net='wwan1'))
        acm = self.plug(usb_acm_modem())
        ftdi = self.plug(ftdi_board())
        watches = self.watch(ftdi)
        self.serve_qmi_modem(qmi)
        self.serve(mbim, '/dev/wwan0mbim0', 'mbim')
        self.serve(mbim, '/dev/wwan0at0', 'at')
        self.serve(acm, '/dev/ttyACM0', 'at')
        self.start_discovery_daemon()
        self.wait_for_modems(3)
        by_plugin = {}
        for path in (self.modem_for_device(hw.syspath) for hw in (qmi, mbim, acm)):
            by_plugin[self.prop(path, 'Plugin')] = path
        self.assertEqual(sorted(by_plugin), ['at', 'mbim', 'quectel'])
        self.check_qmi_modem(by_plugin['quectel'], qmi)
        self.wait_ports(by_plugin['mbim'], [('wwan0mbim0', PORT_MBIM), ('wwan0at0', PORT_AT),
                                            ('wwan1', PORT_NET)])
        self.wait_ports(by_plugin['at'], [('ttyACM0', PORT_AT), ('usb0', PORT_NET)])
        self.assert_untouched(ftdi, watches)

    # 6
    def test_hotplug(self):
        self.start_discovery_daemon()
        self.scan()
        self.assertEqual(self.modems(), {})

        # plug: the uevents of the device and its ports
        hw = usb_qmi_modem()
        self.plug(hw)
        self.serve_qmi_modem(hw)
        path = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path, hw)
        bearer = self.connect(path)
        sim_path = self.prop(path, 'Sim')
        # SIM and bearer are on the bus, but the ObjectManager lists modems
        # only, as the reference does.
        self.assertEqual(set(self.managed_objects()), {path})
        for obj, iface in ((bearer, h.BEARER_IFACE), (sim_path, h.SIM_IFACE)):
            self.assertTrue(h.get_all_properties(self.bus.conn, obj, iface))

        # a secondary port goes: the modem stays, without it
        self.unplug(hw, hw.port_paths['ttyUSB3'])
        self.wait_ports(path, [('cdc-wdm0', PORT_QMI), ('wwan0', PORT_NET),
                               ('ttyUSB2', PORT_AT)])
        self.assertEqual(self.prop(path, 'State'), CONNECTED)

        # unplug: modem, SIM and bearer objects gone
        self.unplug(hw, hw.syspath)
        h.wait_until(lambda: self.managed_objects() == {}, 20, 'every object gone')
        for obj, iface in ((bearer, h.BEARER_IFACE), (sim_path, h.SIM_IFACE)):
            name, _ = h.call_error(self.bus.conn, obj, 'org.freedesktop.DBus.Properties',
                                   'GetAll', (iface,), '(s)')
            self.assertIsNotNone(name, f'{obj} still on the bus')

        # replug (the kernel numbers the nodes anew): the modem is back
        hw2 = usb_qmi_modem(wdm='cdc-wdm1', ttys=('ttyUSB4', 'ttyUSB5'))
        self.plug(hw2)
        self.serve_qmi_modem(hw2, wdm='cdc-wdm1', ttys=('ttyUSB4', 'ttyUSB5'))
        path2 = self.wait_for_modems(1).popitem()[0]
        self.assertNotEqual(path2, path)
        self.check_qmi_modem(path2, hw2, wdm='cdc-wdm1', ttys=('ttyUSB4', 'ttyUSB5'))

    # 7
    def test_ignored_devices_are_not_touched(self):
        ignored_mm = self.plug(usb_qmi_modem(device_props=[('ID_MM_DEVICE_IGNORE', '1')]))
        ignored_ours = self.plug(usb_qmi_modem(n=3, wdm='cdc-wdm1', net='wwan1',
                                               ttys=('ttyUSB6',),
                                               port_props=[('ID_MODEMD_IGNORE', '1')]))
        acm = self.plug(usb_acm_modem())
        watches = self.watch(ignored_mm)
        watches.update(self.watch(ignored_ours))
        self.serve(acm, '/dev/ttyACM0', 'at')
        self.start_discovery_daemon()
        path, props = self.wait_for_modems(1).popitem()
        self.assertEqual(props['Plugin'], 'at')  # the one not ignored
        self.scan()
        self.assertEqual(len(self.modems()), 1)
        self.assert_untouched(ignored_mm, {n: w for n, w in watches.items()
                                           if n in ignored_mm.nodes})
        self.assert_untouched(ignored_ours, {n: w for n, w in watches.items()
                                             if n in ignored_ours.nodes})
        self.daemon.wait_for_log(r'ignored by udev rule')

    def test_inhibit_discovered_device(self):
        hw = self.plug(usb_qmi_modem())
        self.serve_qmi_modem(hw)
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path, hw)
        self.call(h.MANAGER_PATH, h.MANAGER_IFACE, 'InhibitDevice', (hw.syspath, True), '(sb)')
        h.wait_until(lambda: self.modems() == {}, 20, 'modem gone while inhibited')
        self.call(h.MANAGER_PATH, h.MANAGER_IFACE, 'InhibitDevice', (hw.syspath, False), '(sb)')
        path2 = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path2, hw)

    def test_report_kernel_event_refused_with_udev(self):
        self.start_discovery_daemon()
        msg = self.assertDBusError(
            h.ERROR_PREFIX + 'Core.Unsupported', h.MANAGER_PATH, h.MANAGER_IFACE,
            'ReportKernelEvent',
            ({'action': GLib.Variant('s', 'add'), 'subsystem': GLib.Variant('s', 'usbmisc'),
              'name': GLib.Variant('s', 'cdc-wdm0')},), '(a{sv})')
        self.assertIn('udev is in charge', msg)

    # 8
    def test_report_kernel_event_without_udev(self):
        binary = os.environ.get('MODEMD_NOUDEV') or str(
            h.SRCDIR / 'build-router' / 'src' / 'daemon' / 'modemd')
        if not os.access(binary, os.X_OK):
            self.skipTest('no modemd built with -Dudev=disabled (set MODEMD_NOUDEV)')
        # Plugged after the start: only the events below can make the modem known.
        self.start_discovery_daemon(binary=binary)
        hw = self.plug(usb_qmi_modem())
        self.serve_qmi_modem(hw)
        self.assertEqual(self.modems(), {})
        for subsystem, name in (('tty', 'ttyUSB2'), ('tty', 'ttyUSB3'),
                                ('usbmisc', 'cdc-wdm0'), ('net', 'wwan0')):
            h.run_modemctl([f'--report-kernel-event=action=add,subsystem={subsystem},'
                            f'name={name}'], bus=self.bus)
        path = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path, hw)
        bearer = self.connect(path)
        self.assertEqual(self.prop(bearer, 'Interface', h.BEARER_IFACE), 'wwan0')
        rc, _, _ = h.run_modemctl(['--report-kernel-event=action=remove,subsystem=usbmisc,'
                                   'name=cdc-wdm0'], bus=self.bus)
        self.assertEqual(rc, 0)
        h.wait_until(lambda: self.modems() == {}, 20, 'modem gone after remove')


    def test_coldplug_without_udev(self):
        """Ports present before a -Dudev=disabled daemon starts (a modem at boot, whose
        hotplug events came before the daemon): found at start, with no event reported."""
        binary = os.environ.get('MODEMD_NOUDEV') or str(
            h.SRCDIR / 'build-router' / 'src' / 'daemon' / 'modemd')
        if not os.access(binary, os.X_OK):
            self.skipTest('no modemd built with -Dudev=disabled (set MODEMD_NOUDEV)')
        hw = self.plug(usb_qmi_modem())
        self.serve_qmi_modem(hw)
        self.start_discovery_daemon(binary=binary)
        path = self.wait_for_modems(1).popitem()[0]
        self.check_qmi_modem(path, hw)
        self.assertRegex(self.daemon.read_log(), 'Built without udev')
        self.assertNotRegex(self.daemon.read_log(), 'Kernel event:')


if __name__ == '__main__':
    h.main()
