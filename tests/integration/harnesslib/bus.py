"""The private system bus."""

import os
import select
import shutil
import subprocess
import tempfile
import time

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio  # noqa: E402

from .config import SRCDIR, log, scaled
from .mainloop import wait_until
from .processes import _spawn, add_cleanup, stop_process


POLKIT_BUS_CONF_CANDIDATES = ['/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf',
                              '/etc/dbus-1/system.d/org.freedesktop.PolicyKit1.conf']


BUS_CONFIG_TEMPLATE = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- Private system bus for modemd integration tests: the default context of
     /usr/share/dbus-1/system.conf (deny by default), plus the policy of
     polkitd and ours. -->
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>

  <policy context="default">
    <!-- Without this only the bus's own uid (root) could connect: polkitd
         drops to its own user and clients run as other users. -->
    <allow user="*"/>

    <deny own="*"/>
    <deny send_type="method_call"/>

    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>

    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>

    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>

  <!-- root may monitor the bus (dbus-monitor - -address ... for debugging). -->
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>

{includes}
</busconfig>
'''


class Bus:
    """A private system bus (dbus-daemon) in a temporary directory.

    Use as a context manager or call start()/stop().  `address` is its address,
    `conn` a root connection to it (Gio.DBusConnection), `env` the environment
    for children (DBUS_SYSTEM_BUS_ADDRESS set)."""

    def __init__(self, extra_conf=(), tmpdir=None):
        self.extra_conf = list(extra_conf)
        self.tmpdir = tmpdir
        self._own_tmpdir = tmpdir is None
        self.proc = None
        self.address = None
        self.conn = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _includes(self):
        inc = []
        pk = next((p for p in POLKIT_BUS_CONF_CANDIDATES if os.path.exists(p)), None)
        if pk is None:
            raise RuntimeError('D-Bus policy of polkitd (org.freedesktop.PolicyKit1.conf) not found')
        inc.append(pk)
        inc.append(str(SRCDIR / 'data' / 'dbus' / 'org.example.Modem1.conf'))
        # modemd --compat owns the reference's name too.
        inc.append(str(SRCDIR / 'data' / 'compat' / 'org.freedesktop.ModemManager1.conf'))
        inc.extend(str(p) for p in self.extra_conf)
        for p in inc:
            if not os.path.exists(p):
                raise RuntimeError(f'bus config include {p} missing')
        return '\n'.join(f'  <include>{p}</include>' for p in inc)

    def start(self, timeout=10):
        if self.tmpdir is None:
            self.tmpdir = tempfile.mkdtemp(prefix='modemd-test-')
            if os.environ.get('MODEMD_TEST_KEEP'):
                log(f'keeping {self.tmpdir}')
            else:
                add_cleanup(lambda d=self.tmpdir: shutil.rmtree(d, ignore_errors=True))
        # polkitd (user polkitd) and test users must reach the socket.
        os.chmod(self.tmpdir, 0o755)
        self.socket = os.path.join(self.tmpdir, 'system_bus_socket')
        self.config = os.path.join(self.tmpdir, 'bus.conf')
        with open(self.config, 'w') as f:
            f.write(BUS_CONFIG_TEMPLATE.format(socket=self.socket, includes=self._includes()))
        self.log_path = os.path.join(self.tmpdir, 'dbus-daemon.log')

        rfd, wfd = os.pipe()
        with open(self.log_path, 'w') as logf:
            self.proc = _spawn(
                ['dbus-daemon', f'--config-file={self.config}', '--nofork', '--nopidfile',
                 f'--print-address={wfd}'],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                pass_fds=(wfd,))
        os.close(wfd)
        try:
            self.address = self._read_address(rfd, timeout)
        finally:
            os.close(rfd)
        self.conn = self.connect()
        # state the daemon keeps across its restarts, per bus (so per test)
        self.runtime_dir = os.path.join(self.tmpdir, 'run')
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address,
                        MODEMD_RUNTIME_DIR=self.runtime_dir)
        # Our own children (and GLib in this process) use the private bus.
        os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = self.address
        log(f'bus at {self.address}')
        return self

    def _read_address(self, fd, timeout):
        deadline = time.monotonic() + scaled(timeout)
        data = b''
        while b'\n' not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.proc.poll() is not None:
                raise RuntimeError(f'dbus-daemon did not start: {self.read_log()}')
            r, _, _ = select.select([fd], [], [], remaining)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise RuntimeError(f'dbus-daemon exited: {self.read_log()}')
                data += chunk
        return data.decode().strip()

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ''

    def connect(self):
        """A new connection to the bus, as the current (root) user."""
        return Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)

    def name_owner(self, name):
        try:
            ret = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                      'org.freedesktop.DBus', 'GetNameOwner',
                                      GLib.Variant('(s)', (name,)), GLib.VariantType('(s)'),
                                      Gio.DBusCallFlags.NONE, 5000, None)
            return ret.unpack()[0]
        except GLib.Error:
            return None

    def wait_for_name(self, name, timeout=10, proc=None, what=None):
        """Wait until `name` has an owner (returns it); fail early if proc exits.

        NameOwnerChanged wakes the loop at once; GetNameOwner is re-checked every
        50 ms as well, since a change before our subscription is not replayed."""
        sub = self.conn.signal_subscribe(
            'org.freedesktop.DBus', 'org.freedesktop.DBus', 'NameOwnerChanged',
            '/org/freedesktop/DBus', name, Gio.DBusSignalFlags.NONE, lambda *a: None)

        def check():
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f'{what or name} exited with {proc.returncode} '
                                   f'before owning {name}')
            return self.name_owner(name)

        try:
            return wait_until(check, timeout, f'{name} to be owned', poll=0.05)
        finally:
            self.conn.signal_unsubscribe(sub)

    def wait_for_name_lost(self, name, timeout=10):
        return wait_until(lambda: self.name_owner(name) is None, timeout,
                          f'{name} to lose its owner')

    def stop(self):
        if self.conn is not None:
            try:
                self.conn.close_sync(None)
            except GLib.Error:
                pass
            self.conn = None
        if self.proc is not None:
            stop_process(self.proc, 'dbus-daemon')
            self.proc = None
        if os.environ.get('DBUS_SYSTEM_BUS_ADDRESS') == self.address:
            del os.environ['DBUS_SYSTEM_BUS_ADDRESS']
