# SPDX-License-Identifier: GPL-2.0-or-later
"""Real ModemManager against modem-sim on umockdev-emulated USB modems.

Shared by tests/sim/test-mm-peer.py (the peer check) and
bench/vs-modemmanager.py (the benchmark); the notes on what ModemManager
1.20.4 needs on this testbed are in the benchmark's docstring.

The caller must run under umockdev-wrapper (reexec_under_umockdev()) so that
ModemManager and the qmi-proxy / mbim-proxy it spawns inherit the preload.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys

_SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_SRCDIR, 'tests', 'integration'))

import harness as h  # noqa: E402
import test_discovery as td  # noqa: E402

MM_BIN = '/usr/sbin/ModemManager'
# Debian 12 installs it under /etc; newer packages under /usr/share
MM_BUS_CONF = next((p for p in ('/etc/dbus-1/system.d/org.freedesktop.ModemManager1.conf',
                                '/usr/share/dbus-1/system.d/org.freedesktop.ModemManager1.conf')
                    if os.path.exists(p)), None)
MM_NAME = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MM_MODEM_IFACE = 'org.freedesktop.ModemManager1.Modem'
MM_MODEM3GPP_IFACE = 'org.freedesktop.ModemManager1.Modem.Modem3gpp'
MM_SIMPLE_IFACE = 'org.freedesktop.ModemManager1.Modem.Simple'
MM_BEARER_IFACE = 'org.freedesktop.ModemManager1.Bearer'

UMockdev = td.UMockdev


def mm_installed():
    return MM_BUS_CONF is not None and os.access(MM_BIN, os.X_OK)


def reexec_under_umockdev(script, missing=None):
    """Re-execute `script` under umockdev-wrapper unless already preloaded.
    Without umockdev-wrapper: missing(reason) if given, else exit with the reason."""
    if 'umockdev-preload' in os.environ.get('LD_PRELOAD', ''):
        return
    wrapper = shutil.which('umockdev-wrapper')
    if wrapper is None:
        (missing or sys.exit)('umockdev-wrapper not found (package umockdev)')
        return
    os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(script)] + sys.argv[1:])


def prepare_bench(script, srcdir):
    """What a bench on this testbed does first: root (private system bus, bus
    names, polkitd actions), umockdev's preload, and the binaries of
    build-bench/ or build/ unless MODEMD / MODEM_SIM name them."""
    if os.geteuid() != 0:
        sys.exit('needs root (private system bus, bus names, polkitd actions)')
    reexec_under_umockdev(script)
    for build in ('build-bench', 'build'):
        d = os.path.join(srcdir, build)
        if os.access(os.path.join(d, 'src/daemon/modemd'), os.X_OK):
            os.environ.setdefault('MODEMD', os.path.join(d, 'src/daemon/modemd'))
            os.environ.setdefault('MODEM_SIM', os.path.join(d, 'tests/sim/modem-sim'))
            break


# ---------------------------------------------------------------------------
# Emulated hardware

CANDIDATE = [('ID_MM_CANDIDATE', '1')]


def usb_qmi_modem():
    """test_discovery's Quectel-like USB modem without its AT ports: interface 4
    on qmi_wwan with usbmisc/cdc-wdm0 and net/wwan0, but with a Qualcomm
    vendor id (05c6:9215), so that ModemManager takes its generic plugin: with
    Quectel's 2c7c and no AT port, ModemManager 1.20.4 aborts during init (see
    bench/vs-modemmanager.py)."""
    hw = td.usb_qmi_modem(ttys=(), port_props=CANDIDATE)
    hw.records[0] = (hw.records[0].replace('2c7c/0125', '5c6/9215')
                     .replace('idVendor=2c7c', 'idVendor=05c6')
                     .replace('idProduct=0125', 'idProduct=9215'))
    # No qmi/raw_ip knob on wwan0 (nor "device" links, which umockdev 0.17 does
    # not make and through which libqmi finds it): when ModemManager finds the
    # knob it switches to raw-ip, which needs the real wwan0 brought down over
    # netlink, and there is no such interface here (Connect then fails with
    # "no valid interface index found for wwan0"). Without it both sides stay
    # in 802.3, modem-sim's WDA data format.
    return hw


def usb_mbim_modem(n=1, wdm='cdc-wdm0', net='wwan0', manufacturer=None, product=None):
    """A USB MBIM modem: interface 0 (class 02/0e/00) on cdc_mbim with
    usbmisc/cdc-wdm0 and net/wwan0; Qualcomm vendor id (generic plugin).

    manufacturer / product: the USB device's string descriptors (sysfs
    attributes). MBIM carries neither a manufacturer nor a model (Device Caps
    has firmware and hardware info and the device id only): ModemManager takes
    them from these attributes, else shows its plugin name ("generic") and
    "MBIM [05C6:90D5]"."""
    dev = f'{td.USB_ROOT}/1-{n}'
    hw = td.Hardware(dev)
    td.usb_device(hw, dev, '05c6', '90d5')
    extra = [f'A: {k}={v}\n' for k, v in (('manufacturer', manufacturer), ('product', product))
             if v is not None]
    if extra:
        # record: "P: ...\n...\n\n"; attributes go before the blank line
        hw.records[0] = hw.records[0][:-1] + ''.join(extra) + '\n'
    iface = f'{dev}/1-{n}:1.0'
    td.usb_interface(hw, iface, 0, 'cdc_mbim', '02', '0e', '00')
    hw.add(f'{iface}/usbmisc/{wdm}', 'usbmisc',
           [('DEVNAME', f'/dev/{wdm}'), ('MAJOR', '180'), ('MINOR', str(td._minor()))]
           + CANDIDATE, [('dev', f'180:{td._minor.n}')], node=wdm, port=wdm)
    td.net_port(hw, f'{iface}/net/{net}', net, CANDIDATE)
    return hw


HARDWARE = {'qmi': usb_qmi_modem, 'mbim': usb_mbim_modem}
CONTROL_NODE = '/dev/cdc-wdm0'


# ---------------------------------------------------------------------------
# Processes


def proc_env(pid):
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            return f.read().split(b'\0')
    except OSError:
        return []


def proc_cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except OSError:
        return ''


def proxies(umockdev_dir=None):
    """PIDs of qmi-proxy / mbim-proxy (of this testbed, if given)."""
    out = {}
    for d in glob.glob('/proc/[0-9]*'):
        pid = int(d[6:])
        cmd = proc_cmdline(pid)
        name = os.path.basename(cmd.split(' ')[0]) if cmd else ''
        if name not in ('qmi-proxy', 'mbim-proxy'):
            continue
        if umockdev_dir is not None and \
                f'UMOCKDEV_DIR={umockdev_dir}'.encode() not in proc_env(pid):
            continue
        out[pid] = name
    return out


def kill_proxies(umockdev_dir):
    """Kill the proxies spawned for this testbed only (their environment holds
    its UMOCKDEV_DIR): a leftover proxy would serve the next run's ModemManager
    from a testbed that no longer exists."""
    for pid, name in proxies(umockdev_dir).items():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    h.wait_until(lambda: not proxies(umockdev_dir), 10, 'proxies gone')


class ModemManager:
    """The real ModemManager on the private bus (like harness.Daemon)."""

    def __init__(self, bus, env, debug, name='ModemManager'):
        self.bus = bus
        self.env = env
        self.debug = debug
        self.name = name
        self.proc = None
        self.log_path = None

    def start(self):
        self.log_path = os.path.join(self.bus.tmpdir, f'{self.name}.log')
        argv = [MM_BIN, f'--log-file={self.log_path}', '--log-timestamps',
                '--test-no-suspend-resume']
        argv.insert(1, '--debug' if self.debug else '--log-level=INFO')
        self.argv = argv
        h.log(f'starting {" ".join(argv)}')
        with open(self.log_path + '.stderr', 'w') as errf:
            self.proc = h._spawn(argv, env=self.env, stdin=subprocess.DEVNULL,
                                 stdout=errf, stderr=subprocess.STDOUT)
        return self

    def wait_name(self, timeout=30):
        self.bus.wait_for_name(MM_NAME, timeout, proc=self.proc, what='ModemManager')

    def read_log(self):
        text = ''
        for p in (self.log_path, self.log_path and self.log_path + '.stderr'):
            if not p:
                continue
            try:
                with open(p, errors='replace') as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None:
            return h.stop_process(proc, self.name, 15)
