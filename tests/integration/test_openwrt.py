#!/usr/bin/python3
"""OpenWrt: the `proto modemd` netifd handler and the hotplug scripts
(data/openwrt/) under real OpenWrt netifd, ubusd and jshn.

The outer run builds netifd, ubusd, uci and libubox from the sources in
tests/openwrt/src (once, into build-openwrt/) and runs
tests/openwrt/run-netifd-demo.sh: a network namespace and a private mount
namespace with an OpenWrt file layout (/lib/netifd, /etc/config/network, busybox
as /bin/sh), in which ubusd and netifd run. Inside, this file runs again
(--inner, under umockdev-wrapper when it is installed) as the test proper:
a private system bus at the router's path (/run/dbus/system_bus_socket, in the
namespace's own /run), modemd built for routers (-Dudev=disabled
-Dpolkit=disabled, from MODEMD_NOUDEV), modem-sim, and a tun device named
wwan0 as the modem's data interface. The tests drive netifd over ubus, as
`ifup`/`ifdown` do, and look at what netifd and the kernel made of it.

Afterwards the outer run checks that nothing is left: no process in the
namespace, no namespace, no run directory.

Needs root, cmake, a C compiler, pkg-config with json-c and libnl-3, busybox
and iproute2 (.ci/packages.txt); skips (77) without them.

Environment, besides the harness's:
  MODEMD_NOUDEV      modemd built with -Dudev=disabled -Dpolkit=disabled
  MODEMD_OWRT_PREFIX_DIR  where the netifd build is kept (openwrt-prefix/);
                     default: build-openwrt/ in the source tree
"""

import fcntl
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRCDIR = Path(os.environ.get('MODEMD_SRCDIR', HERE.parents[1]))
OWRT_DIR = SRCDIR / 'tests' / 'openwrt'
HANDLER = SRCDIR / 'data' / 'openwrt' / 'netifd' / 'modemd.sh'
HOTPLUG_SCRIPT = SRCDIR / 'data' / 'openwrt' / 'hotplug' / '30-modemd'
SKIP = 77

# What the namespaced run leaves for the checks (in its private /run).
MODEMCTL_LOG = '/run/modemctl.log'
HOTPLUG_LOG = '/var/run/owrt-hotplug.log'


def _skip(reason):
    print(f'SKIP: {reason}', file=sys.stderr)
    sys.exit(SKIP)


def _router_daemon():
    return os.environ.get('MODEMD_NOUDEV') or str(
        SRCDIR / 'build-router' / 'src' / 'daemon' / 'modemd')


# ---------------------------------------------------------------------------
# Outer run: build netifd, enter the namespaces, check that nothing is left.


def _check_tools():
    for tool in ('cmake', 'make', 'cc', 'pkg-config', 'busybox', 'ip', 'unshare'):
        if shutil.which(tool) is None:
            _skip(f'{tool} not found (see .ci/packages.txt)')
    for module in ('json-c', 'libnl-3.0'):
        if subprocess.run(['pkg-config', '--exists', module]).returncode != 0:
            _skip(f'pkg-config module {module} missing (libjson-c-dev, libnl-3-dev)')
    if not os.path.exists('/dev/net/tun'):
        _skip('no /dev/net/tun')
    if not os.access(_router_daemon(), os.X_OK):
        _skip('no modemd built with -Dudev=disabled (set MODEMD_NOUDEV)')


def _build_netifd(builddir):
    """netifd & co. in builddir/openwrt-prefix, built once (locked against a
    parallel run)."""
    prefix = builddir / 'openwrt-prefix'
    builddir.mkdir(parents=True, exist_ok=True)
    with open(builddir / 'openwrt-prefix.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (prefix / 'sbin' / 'netifd').exists() and (prefix / 'root').is_dir():
            return prefix
        scratch = tempfile.mkdtemp(prefix='modemd-owrt-build-')
        try:
            started = time.monotonic()
            res = subprocess.run([str(OWRT_DIR / 'build-netifd.sh'), str(OWRT_DIR / 'src'),
                                  str(prefix)], env=dict(os.environ, BUILD_DIR=scratch),
                                 capture_output=True, text=True, timeout=900)
            if res.returncode != 0:
                shutil.rmtree(prefix, ignore_errors=True)
                raise RuntimeError(f'build-netifd.sh failed:\n{res.stdout}\n{res.stderr}')
            print(f'netifd built in {time.monotonic() - started:.0f} s', file=sys.stderr)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return prefix


def _extra_root(tmp):
    """The tree laid over /usr: our handler, and modemctl with its stderr kept
    for the sanitizer check."""
    root = Path(tmp) / 'extra'
    proto = root / 'usr' / 'lib' / 'netifd' / 'proto'
    proto.mkdir(parents=True)
    shutil.copy(HANDLER, proto / 'modemd.sh')
    bindir = root / 'usr' / 'bin'
    bindir.mkdir(parents=True)
    modemctl = os.environ.get('MODEMCTL') or str(SRCDIR / 'build' / 'cli' / 'modemctl')
    wrapper = bindir / 'modemctl'
    wrapper.write_text(f'#!/bin/sh\nexec {modemctl} "$@" 2>>{MODEMCTL_LOG}\n')
    wrapper.chmod(0o755)
    return root


def _netns_pids(ns):
    res = subprocess.run(['ip', 'netns', 'pids', ns], capture_output=True, text=True)
    return res.stdout.split()


def outer():
    if os.geteuid() != 0:
        _skip('needs root (network and mount namespaces)')
    _check_tools()
    # Shared by the normal and the sanitizer build: netifd is not built with our flags.
    prefix = _build_netifd(Path(os.environ.get('MODEMD_OWRT_PREFIX_DIR',
                                               SRCDIR / 'build-openwrt')))
    tmp = tempfile.mkdtemp(prefix='modemd-owrt-')
    ns = f'modemd-owrt-{os.getpid()}'
    run_dir = Path(tmp) / 'run'
    inner_argv = ['/usr/bin/python3', str(Path(__file__).resolve()), '--inner'] + sys.argv[1:]
    env = dict(os.environ, OWRT_NS=ns, OWRT_RUN=str(run_dir), OWRT_WWAN='none',
               OWRT_KEEP_NETNS='1', OWRT_EXTRA_ROOT=str(_extra_root(tmp)),
               OWRT_EXEC=' '.join(f"'{a}'" for a in inner_argv), MODEMD_SRCDIR=str(SRCDIR))
    try:
        res = subprocess.run([str(OWRT_DIR / 'run-netifd-demo.sh'), str(prefix)], env=env,
                             stdin=subprocess.DEVNULL, timeout=600)
        leftovers = _netns_pids(ns)
    finally:
        subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)
    if res.returncode != 0:
        log = run_dir / 'netifd.log'
        if log.exists():
            print(f'----- netifd.log -----\n{log.read_text()[-6000:]}', file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        return res.returncode
    shutil.rmtree(tmp, ignore_errors=True)
    gone = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True).stdout
    if leftovers or re.search(rf'^{ns}\b', gone, re.M) or os.path.exists(tmp):
        print(f'FAIL: left behind: processes {leftovers} in {ns}; namespaces:\n{gone}',
              file=sys.stderr)
        return 1
    print('nothing left behind: no process in the namespace, namespace and run dir gone',
          file=sys.stderr)
    return 0


if __name__ == '__main__' and '--inner' not in sys.argv:
    sys.exit(outer())

# ---------------------------------------------------------------------------
# Inner run, inside the namespaces (under umockdev-wrapper when it exists, for
# the hotplug tests: they present a USB modem's sysfs to the daemon).

if __name__ == '__main__' and 'umockdev-preload' not in os.environ.get('LD_PRELOAD', ''):
    _wrapper = shutil.which('umockdev-wrapper')
    if _wrapper:
        os.execv(_wrapper, [_wrapper, sys.executable] + sys.argv)

sys.path.insert(0, str(HERE))
import harness as h  # noqa: E402
import test_discovery as disco  # noqa: E402  (emulated USB modems; sets ASan's preload option)

h.modemd_path = _router_daemon

RUN = Path(os.environ.get('OWRT_RUN', '/tmp'))
RESOLV_CONF = RUN / 'resolv.conf.auto'
NETIFD_LOG = RUN / 'netifd.log'
SYSTEM_BUS_DIR = '/run/dbus'

NETWORK_HEAD = '''config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config interface 'wwan'
	option proto 'modemd'
	option auto '0'
'''

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def make_tun(name):
    """A tun device (this kernel has no dummy driver); it lives while fd is open."""
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_CLOEXEC)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def sh(*argv, check=True, env=None):
    res = subprocess.run(list(argv), capture_output=True, text=True, timeout=h.scaled(30),
                         env=env)
    if check and res.returncode != 0:
        raise AssertionError(f'{argv} failed ({res.returncode}): {res.stdout}{res.stderr}')
    return res.stdout


def ubus(*args):
    return sh('ubus', *args)


def iface_status():
    return json.loads(ubus('call', 'network.interface.wwan', 'status'))


def handler_processes():
    """Processes of our handler in this network namespace: its setup or teardown
    scripts and the modemctl calls they or netifd made."""
    netns = os.stat('/proc/self/ns/net').st_ino
    found = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            if os.stat(f'/proc/{pid}/ns/net').st_ino != netns:
                continue
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                argv = f.read().decode(errors='replace').split('\0')
        except OSError:
            continue
        if any(a.endswith('modemd.sh') or a.startswith('--netifd-') for a in argv):
            found.append(f'{pid}: {" ".join(argv)}')
    return found


def read(path):
    try:
        return Path(path).read_text(errors='replace')
    except OSError:
        return ''


class OpenWrtTestCase(h.IntegrationTestCase):
    """A private system bus at the router's socket path, modemd built for routers
    (no polkit: root only), and the wwan interface of netifd down at the end."""

    def setUp(self):
        h.require_root()
        for leftover in Path(SYSTEM_BUS_DIR).iterdir():
            leftover.unlink()
        # modemctl started by netifd finds this bus at the default path.
        self.bus = h.Bus(tmpdir=SYSTEM_BUS_DIR)
        self.bus.start()
        self.addCleanup(self.bus.stop)
        self._watch_log('dbus-daemon', self.bus.log_path)
        self._watch_log('netifd', str(NETIFD_LOG))
        self._watch_log('modemctl (started by netifd)', MODEMCTL_LOG)
        self.polkit = None
        self.daemon = None
        self.sim = None
        self.addCleanup(self.check_modemctl_log)

    def tearDown(self):
        # Before the cleanups stop the daemon: its going away would start a new setup.
        self.ifdown()

    def configure(self, **options):
        text = NETWORK_HEAD + ''.join(f"\toption {k} '{v}'\n" for k, v in options.items())
        Path('/etc/config/network').write_text(text)
        ubus('call', 'network', 'reload')
        h.wait_until(lambda: iface_status().get('proto') == 'modemd', 10,
                     'netifd to take the configuration')

    def ifup(self):
        ubus('call', 'network.interface.wwan', 'up')

    def ifdown(self):
        """Down, and the teardown over (netifd says "down" as soon as it starts)."""
        ubus('call', 'network.interface.wwan', 'down')
        self.wait_status(lambda s: not s['up'] and not s.get('pending'), 'wwan down')
        try:
            h.wait_until(lambda: not handler_processes(), 20, 'the teardown to end')
        except TimeoutError as e:
            raise AssertionError(f'{e}; still running: {handler_processes()}')

    def wait_status(self, predicate, what, timeout=30):
        return h.wait_until(lambda: (lambda s: s if predicate(s) else None)(iface_status()),
                            timeout, what, poll=0.05)

    def wait_up(self, timeout=40):
        return self.wait_status(lambda s: s['up'], 'wwan up', timeout)

    def start_qmi(self, *sim_args, link_name='cdc-wdm0'):
        link = os.path.join(self.bus.tmpdir, link_name)
        self.sim = self.start_sim('--protocol=qmi', f'--link={link}', *sim_args)
        self.start_daemon(f'--port=qmi:{link},net:wwan0')
        return link

    def sim_lines(self, pattern):
        rx = re.compile(pattern)
        return [line for line in self.sim.lines if rx.search(line)]

    def modem_bearers_connected(self):
        objs = self.managed_objects()
        modem = next(p for p, ifaces in objs.items() if h.MODEM_IFACE in ifaces)
        bearers = h.get_property(self.bus.conn, modem, h.MODEM_IFACE, 'Bearers')
        return [b for b in bearers
                if h.get_property(self.bus.conn, b, h.BEARER_IFACE, 'Connected')]

    def check_modemctl_log(self):
        text = read(MODEMCTL_LOG)
        m = h.SANITIZER_PATTERNS.search(text)
        if m:
            raise AssertionError(f'sanitizer report in modemctl:\n{text[m.start():][:8000]}')

    def assert_ipv4_up(self, status, address='10.0.0.2', gateway='10.0.0.1', metric=30,
                       dns='10.0.0.53'):
        self.assertEqual(status['l3_device'], 'wwan0')
        self.assertIn({'address': address, 'mask': 24}, status['ipv4-address'])
        self.assertIn(dns, status['dns-server'])
        self.assertIn(f'inet {address}/24', sh('ip', '-4', 'addr', 'show', 'dev', 'wwan0'))
        self.assertRegex(sh('ip', '-4', 'route', 'show', 'default'),
                         rf'default via {re.escape(gateway)} dev wwan0 .*metric {metric}\b')
        self.assertIn(f'nameserver {dns}', read(RESOLV_CONF))

    def assert_ipv4_gone(self, address='10.0.0.2'):
        self.assertNotIn(address, sh('ip', '-4', 'addr', 'show', 'dev', 'wwan0'))
        self.assertNotIn('wwan0', sh('ip', '-4', 'route', 'show', 'default'))

    def setups(self):
        """The handler's setups that reached the modem, by the simulator's log."""
        return len(self.sim_lines(r'rx qmi WDS StartNetwork'))


class Connect(OpenWrtTestCase):

    def test_qmi_up_and_down(self):
        self.start_qmi()
        self.configure(device='cdc-wdm0', apn='internet', iptype='ipv4', metric=30, mtu=1400)
        self.ifup()
        status = self.wait_up()
        self.assert_ipv4_up(status)
        self.assertIn('mtu 1400 ', sh('ip', 'link', 'show', 'dev', 'wwan0'))
        self.assertEqual(len(self.sim_lines(r'WDS StartNetwork .*apn=internet')), 1)
        self.assertEqual(len(self.modem_bearers_connected()), 1)
        self.assertIn('ACTION=ifup INTERFACE=wwan', read(HOTPLUG_LOG))

        self.ifdown()
        self.sim.wait_for_line(r'event: session down')
        self.assertEqual(self.modem_bearers_connected(), [])
        self.assert_ipv4_gone()
        self.assertNotIn('nameserver 10.0.0.53', read(RESOLV_CONF))

    def test_down_while_waiting_for_the_modem(self):
        self.start_qmi()
        self.configure(device='cdc-wdm9', apn='internet', wait=60)
        self.ifup()
        h.wait_until(lambda: any('--netifd-up' in p for p in handler_processes()), 10,
                     'the handler waiting for the modem')
        self.ifdown()
        self.assertFalse(iface_status()['up'])

    def test_mbim_ipv4v6_by_port_name(self):
        link = os.path.join(self.bus.tmpdir, 'wwan0mbim0')
        self.sim = self.start_sim('--protocol=mbim', f'--link={link}',
                                  '--gateway6=2001:db8:1::1', '--dns6=2001:db8:1::53')
        self.start_daemon(f'--port=mbim:{link},net:wwan0')
        self.configure(device='/dev/wwan0mbim0', apn='internet', iptype='ipv4v6', metric=40,
                       auth='pap', username='joe', password='pw')
        self.ifup()
        status = self.wait_up()
        self.assert_ipv4_up(status, metric=40)
        self.assertIn({'address': '2001:db8:1::2', 'mask': 64}, status['ipv6-address'])
        self.assertIn('2001:db8:1::53', status['dns-server'])
        self.assertRegex(sh('ip', '-6', 'route', 'show', 'default'),
                         r'default via 2001:db8:1::1 dev wwan0 .*metric 40\b')
        self.sim.wait_for_line(r'Connect set .*apn=internet user=joe password=pw auth=1 '
                               r'ip-type=3')
        self.ifdown()
        self.assert_ipv4_gone()
        self.assertNotIn('2001:db8:1::2', sh('ip', '-6', 'addr', 'show', 'dev', 'wwan0'))

    def test_network_drop_brings_the_interface_down_and_up_again(self):
        self.start_qmi()
        self.configure(device='cdc-wdm0', apn='internet', iptype='ipv4', metric=30)
        self.ifup()
        self.wait_up()
        self.assertEqual(self.setups(), 1)
        # TODO(lead): switch to `modem-sim --control=PATH` with `network-disconnect`
        # once it lands; SIGUSR1 is the same network-side drop today.
        self.sim.proc.send_signal(signal.SIGUSR1)
        h.wait_until(lambda: 'ACTION=ifdown INTERFACE=wwan' in read(HOTPLUG_LOG), 20,
                     'netifd to take wwan down')
        # netifd restarts the interface by itself: a second session, up again.
        h.wait_until(lambda: self.setups() == 2, 30, 'a second connect')
        status = self.wait_up()
        self.assertRegex(read(NETIFD_LOG), r"(?s)'wwan' is now up.*'wwan' is now down.*"
                                           r"'wwan' is setting up now.*'wwan' is now up")
        self.assert_ipv4_up(status)
        self.assertEqual(len(self.modem_bearers_connected()), 1)


class SimPin(OpenWrtTestCase):

    def test_wrong_pincode_is_tried_once(self):
        self.start_qmi('--sim-pin=1234')
        self.configure(device='cdc-wdm0', apn='internet', iptype='ipv4', pincode='0000')
        self.ifup()
        status = self.wait_status(lambda s: s.get('errors') and not s['autostart']
                                  and not s.get('pending') and not s['up'],
                                  'the proto error and restarts blocked')
        self.assertEqual([e['code'] for e in status['errors']], ['PIN_WRONG'])
        self.assertEqual(len(self.sim_lines(r'rx qmi UIM VerifyPIN')), 1)
        self.assertEqual(self.setups(), 0)
        modem = h.modem_paths(self.bus.conn)[0]
        retries = h.get_property(self.bus.conn, modem, h.MODEM_IFACE, 'UnlockRetries')
        self.assertEqual(retries[h.LOCK_SIM_PIN], 2)

    def test_locked_sim_with_the_right_pincode(self):
        self.start_qmi('--sim-pin=1234')
        self.configure(device='cdc-wdm0', apn='internet', iptype='ipv4', pincode='1234',
                       metric=30)
        self.ifup()
        self.assert_ipv4_up(self.wait_up())
        self.assertEqual(len(self.sim_lines(r'rx qmi UIM VerifyPIN')), 1)
        self.assertEqual(len(self.sim_lines(r'rx qmi UIM VerifyPIN .*pin=1234')), 1)

    def test_locked_sim_without_pincode_blocks_restarts(self):
        self.start_qmi('--sim-pin=1234')
        self.configure(device='cdc-wdm0', apn='internet')
        self.ifup()
        status = self.wait_status(lambda s: s.get('errors') and not s['autostart']
                                  and not s.get('pending'), 'the proto error')
        self.assertEqual([e['code'] for e in status['errors']], ['PIN_REQUIRED'])
        self.assertEqual(self.sim_lines(r'rx qmi UIM VerifyPIN'), [])


class InitScript(unittest.TestCase):
    """/etc/init.d/modemd turns /etc/config/modemd (read with the real uci) into
    procd's instance: the command line and the respawn policy. procd itself is
    not here; its shell API is recorded instead."""

    PROCD_STUB = r"""
procd_open_instance() { echo "open"; }
procd_set_param() { echo "set $*"; }
procd_append_param() { shift; echo "append $*"; }
procd_close_instance() { echo "close"; }
procd_add_reload_trigger() { echo "reload-trigger $*"; }
uci_load() { eval "$(uci -n export "$1")"; }
"""

    def run_init(self, config):
        Path('/etc/config/modemd').write_text(config)
        self.addCleanup(lambda: Path('/etc/config/modemd').unlink())
        script = (f'. /lib/functions.sh\n{self.PROCD_STUB}\n'
                  f'. {SRCDIR / "data" / "openwrt" / "init.d" / "modemd"}\n'
                  'start_service\nservice_triggers\n')
        return sh('busybox', 'sh', '-c', script).splitlines()

    def test_shipped_config(self):
        config = (SRCDIR / 'data' / 'openwrt' / 'config' / 'modemd').read_text()
        self.assertEqual(self.run_init(config), [
            'open', 'set command /usr/sbin/modemd', 'set respawn 3600 5 5',
            'set stdout 1', 'set stderr 1', 'close', 'reload-trigger modemd'])

    def test_debug_and_declared_ports(self):
        lines = self.run_init("config modemd 'main'\n\toption loglevel 'debug'\n"
                              "\toption respawn_retry '0'\n"
                              "\tlist port 'qmi:/dev/cdc-wdm0,net:wwan0'\n"
                              "\tlist port 'at:/dev/ttyS1'\n")
        self.assertEqual(lines[:6], [
            'open', 'set command /usr/sbin/modemd', 'append --debug',
            'append --port=qmi:/dev/cdc-wdm0,net:wwan0', 'append --port=at:/dev/ttyS1',
            'set respawn 3600 5 0'])


UMOCKDEV_ACTIVE = (disco.UMockdev is not None
                   and 'umockdev-preload' in os.environ.get('LD_PRELOAD', ''))


@unittest.skipUnless(UMOCKDEV_ACTIVE,
                     'umockdev (umockdev-wrapper, gir1.2-umockdev-1.0) not available')
class ZHotplug(OpenWrtTestCase):
    """Runs last: the umockdev testbed sets UMOCKDEV_DIR for this process."""

    def setUp(self):
        super().setUp()
        self.testbed = disco.UMockdev.Testbed.new()
        self.addCleanup(self._drop_testbed)

    def _drop_testbed(self):
        self.testbed = None
        os.environ.pop('UMOCKDEV_DIR', None)

    def plug_qmi_modem(self):
        hw = disco.usb_qmi_modem()
        self.assertTrue(self.testbed.add_from_string(hw.text()))
        self.sims = [self.serve(hw, '/dev/cdc-wdm0', 'qmi')]
        self.sim = self.sims[0]
        for tty in ('ttyUSB2', 'ttyUSB3'):
            self.serve(hw, f'/dev/{tty}', 'at')
        return hw

    def serve(self, hw, node, protocol):
        sim = disco.FdSim(self.testbed.get_dev_fd(node), [f'--protocol={protocol}'],
                          name=f'sim-{os.path.basename(node)}')
        self.addCleanup(sim.stop)
        sim.start()
        return sim

    def start_router_daemon(self):
        self.start_daemon(env={'UMOCKDEV_DIR': self.testbed.get_root_dir()})

    def run_hotplug(self, hw, action, subsystem, name):
        """What procd does on a uevent: /etc/hotplug.d/SUBSYSTEM/* with the event in
        the environment."""
        syspath = hw.port_paths[name]
        env = dict(os.environ, ACTION=action, SUBSYSTEM=subsystem,
                   DEVPATH=syspath[len('/sys'):])
        env['INTERFACE' if subsystem == 'net' else 'DEVNAME'] = name
        sh('busybox', 'sh', str(HOTPLUG_SCRIPT), env=env)

    def test_modem_reported_by_hotplug_scripts(self):
        self.start_router_daemon()
        hw = self.plug_qmi_modem()
        self.configure(device='cdc-wdm0', apn='internet', iptype='ipv4', metric=30)
        # Up first: the handler waits for the modem, as at boot.
        self.ifup()
        self.wait_status(lambda s: s.get('pending'), 'the handler waiting for the modem')
        self.assertEqual(h.modem_paths(self.bus.conn), [])
        for subsystem, name in (('tty', 'ttyUSB2'), ('tty', 'ttyUSB3'),
                                ('usbmisc', 'cdc-wdm0'), ('net', 'wwan0')):
            self.run_hotplug(hw, 'add', subsystem, name)
        self.assert_ipv4_up(self.wait_up())
        self.assertEqual(len(self.daemon.read_log().split('Kernel event: add')) - 1, 4)
        modem = h.modem_paths(self.bus.conn)[0]
        self.assertEqual(h.get_property(self.bus.conn, modem, h.MODEM_IFACE, 'Device'),
                         hw.syspath)

        # The modem goes away: netifd sees the interface go down.
        self.run_hotplug(hw, 'remove', 'usbmisc', 'cdc-wdm0')
        h.wait_until(lambda: h.modem_paths(self.bus.conn) == [], 20, 'the modem removed')
        h.wait_until(lambda: 'ACTION=ifdown INTERFACE=wwan' in read(HOTPLUG_LOG), 20,
                     'netifd to take wwan down')

    def test_modem_present_before_the_daemon(self):
        hw = self.plug_qmi_modem()
        self.start_router_daemon()
        self.configure(device=hw.syspath, apn='internet', iptype='ipv4', metric=30)
        self.ifup()
        self.assert_ipv4_up(self.wait_up())
        self.assertNotIn('Kernel event:', self.daemon.read_log())


if __name__ == '__main__':
    sys.argv.remove('--inner')
    # The host's system bus stays out of sight: this mount namespace is ours.
    os.makedirs(SYSTEM_BUS_DIR, exist_ok=True)
    sh('mount', '-t', 'tmpfs', '-o', 'mode=0755', 'modemd-test-dbus', SYSTEM_BUS_DIR)
    tun = make_tun('wwan0')
    try:
        h.main()
    finally:
        os.close(tun)
