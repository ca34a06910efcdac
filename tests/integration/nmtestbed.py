"""Real NetworkManager on the harness's private system bus, inside a private
network and mount namespace (netns.py), with a private keyfile configuration.

Shared by tests/integration/test_networkmanager.py and
bench/vs-modemmanager.py. NetworkManager finds the modem manager
(org.freedesktop.ModemManager1: modemd --compat or ModemManager) on the bus
named by DBUS_SYSTEM_BUS_ADDRESS, and the modem's data interface (a tun
device) in its namespace. What it is given:

  * --config with plugins=keyfile (profiles in a private directory),
    no-auto-default=* (no automatic wired profiles), dns=none and
    rc-manager=unmanaged (it never writes /etc/resolv.conf), hostname-mode=none
    (the UTS namespace is the host's: it must not set the hostname); empty
    --config-dir and --system-config-dir, private --intern-config,
    --state-file and --pid-file, so no file of the host's is read or written;
  * tmpfs over /run and /var/lib/NetworkManager in its mount namespace, and
    sysfs mounted read-only (it then does not wait for udev to announce links);
  * -d: no daemon, log to stderr (our log file), level INFO, MB at DEBUG.
"""

import os
import re
import subprocess
import uuid

import harness as h
import netns

NM_BIN = '/usr/sbin/NetworkManager'
NMCLI = '/usr/bin/nmcli'
NM_NAME = 'org.freedesktop.NetworkManager'
NM_PATH = '/org/freedesktop/NetworkManager'
NM_IFACE = 'org.freedesktop.NetworkManager'
NM_DEVICE_IFACE = 'org.freedesktop.NetworkManager.Device'
NM_BUS_CONF = next((p for p in ('/usr/share/dbus-1/system.d/org.freedesktop.NetworkManager.conf',
                                '/etc/dbus-1/system.d/org.freedesktop.NetworkManager.conf')
                    if os.path.exists(p)), None)

# NMDeviceState
DEVICE_DISCONNECTED, DEVICE_ACTIVATED = 30, 100

HIDDEN_DIRS = ('/run', '/var/lib/NetworkManager')

CONFIG = '''[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
hostname-mode=none

[keyfile]
path={profiles}

[logging]
level=INFO
domains=DEFAULT,MB:TRACE

[connectivity]
enabled=false
'''


def missing():
    """Why NetworkManager cannot run here (None if it can)."""
    if not os.access(NM_BIN, os.X_OK) or not os.access(NMCLI, os.X_OK):
        return 'NetworkManager is not installed (apt-get install network-manager)'
    if NM_BUS_CONF is None:
        return 'D-Bus policy of NetworkManager (org.freedesktop.NetworkManager.conf) not found'
    tools = netns.NetNamespace.missing_tools()
    if tools:
        return f'cannot make a network namespace: missing {", ".join(tools)}'
    return None


def gsm_profile(name='gsm', apn='internet', pin=None, autoconnect=True, ipv6='ignore'):
    """A keyfile gsm profile (text) and its uuid; ipv6='auto' is what
    `nmcli connection add type gsm` makes (NetworkManager then asks for
    ip-type ipv4v6)."""
    ident = str(uuid.uuid4())
    text = (f'[connection]\nid={name}\nuuid={ident}\ntype=gsm\n'
            f'autoconnect={"true" if autoconnect else "false"}\n\n'
            f'[gsm]\napn={apn}\n' + (f'pin={pin}\n' if pin else '')
            + f'\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod={ipv6}\n')
    return text, ident


class NetworkManager:
    """NetworkManager in `ns` (a started netns.NetNamespace) on `bus`."""

    def __init__(self, bus, ns, name='NetworkManager'):
        self.bus = bus
        self.ns = ns
        self.name = name
        self.dir = os.path.join(bus.tmpdir, 'nm')
        self.profiles = os.path.join(self.dir, 'system-connections')
        self.proc = None
        for d in (self.dir, self.profiles, os.path.join(self.dir, 'conf.d')):
            os.makedirs(d, mode=0o700, exist_ok=True)
        self.config = os.path.join(self.dir, 'NetworkManager.conf')
        with open(self.config, 'w') as f:
            f.write(CONFIG.format(profiles=self.profiles))
        self.log_path = os.path.join(bus.tmpdir, f'{name}.log')

    def add_profile(self, text, file_name):
        """Writes a keyfile profile (NetworkManager reads only 0600 root files)."""
        path = os.path.join(self.profiles, f'{file_name}.nmconnection')
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        return path

    def argv(self):
        conf_d = os.path.join(self.dir, 'conf.d')
        return self.ns.argv([
            NM_BIN, '-d', f'--config={self.config}', f'--config-dir={conf_d}',
            f'--system-config-dir={conf_d}',
            f'--intern-config={os.path.join(self.dir, "intern.conf")}',
            f'--state-file={os.path.join(self.dir, "NetworkManager.state")}',
            f'--pid-file={os.path.join(self.dir, "NetworkManager.pid")}'])

    def start(self):
        """Spawns NetworkManager; does not wait (see wait_name)."""
        h.log(f'starting NetworkManager in namespace {self.ns.pid}')
        with open(self.log_path, 'w') as logf:
            self.proc = h._spawn(self.argv(), env=netns.real_kernel_env(self.bus.env),
                                 stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        return self

    def wait_name(self, timeout=20):
        self.bus.wait_for_name(NM_NAME, timeout, proc=self.proc, what='NetworkManager')

    def read_log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def log_lines(self, pattern, start=0):
        """Lines of the log matching pattern, from line number `start` on."""
        rx = re.compile(pattern)
        return [line for line in self.read_log().splitlines()[start:] if rx.search(line)]

    def log_length(self):
        return len(self.read_log().splitlines())

    def nmcli(self, *args, timeout=30, check=True):
        """nmcli on the private bus (terse); returns its stdout."""
        res = h.run([NMCLI, '--wait', str(int(h.scaled(timeout))), '-t'] + list(args),
                    env=netns.real_kernel_env(self.bus.env), timeout=timeout + 5)
        if check and res.returncode != 0:
            raise AssertionError(f'nmcli {" ".join(args)} exited {res.returncode}: '
                                 f'{res.stderr.strip()} {res.stdout.strip()}')
        return res.stdout

    def device_paths(self):
        try:
            return h.get_property(self.bus.conn, NM_PATH, NM_IFACE, 'AllDevices', dest=NM_NAME)
        except h.GLib.Error:
            return []

    def device_prop(self, path, name):
        return h.get_property(self.bus.conn, path, NM_DEVICE_IFACE, name, dest=NM_NAME)

    def modem_device(self):
        """The object path of NetworkManager's modem device, or None."""
        for path in self.device_paths():
            try:
                if self.device_prop(path, 'DeviceType') == 8:  # NM_DEVICE_TYPE_MODEM
                    return path
            except h.GLib.Error:
                continue
        return None

    def stop(self, timeout=15):
        """SIGTERM; NetworkManager must exit 0."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        rc = h.stop_process(proc, self.name, timeout)
        if rc != 0:
            raise AssertionError(f'{self.name} exited with {rc} after SIGTERM; log:\n'
                                 f'{self.read_log()[-4000:]}')
        return rc
