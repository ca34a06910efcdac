"""Integration test harness for modemd.

Everything runs for real on one machine:

  Bus      a private *system* bus (dbus-daemon with our D-Bus policy file)
  Polkit   the real polkitd on that bus, with our actions installed
  Daemon   modemd on that bus
  Sim      modem-sim, the simulated modem; sim.control (SimControl) sends it
           control commands (network-disconnect, register denied, ...)

Tests need root (polkitd only reads actions from /usr/share/polkit-1/actions,
and only root may own org.example.Modem1); without it they exit 77 (skip).

Every process started here is registered and killed at exit, whatever happens
to the test.  All waits have deadlines; none is a bare sleep.

Environment:
  MODEMD, MODEMCTL, MODEM_SIM   paths of the binaries (set by meson)
  MODEMD_SRCDIR                 source tree (default: two levels up)
  MODEMD_TEST_KEEP=1            keep the temporary directory (logs) after the test
  MODEMD_TEST_TIMEOUT_SCALE     multiply every deadline (slow machines, valgrind)
"""

import atexit
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio  # noqa: E402

SKIP = 77

BUS_NAME = 'org.example.Modem1'
MANAGER_PATH = '/org/example/Modem1'
MANAGER_IFACE = 'org.example.Modem1'
MODEM_IFACE = 'org.example.Modem1.Modem'
MODEM_3GPP_IFACE = 'org.example.Modem1.Modem.Modem3gpp'
MODEM_SIMPLE_IFACE = 'org.example.Modem1.Modem.Simple'
MODEM_SIGNAL_IFACE = 'org.example.Modem1.Modem.Signal'
SIM_IFACE = 'org.example.Modem1.Sim'
BEARER_IFACE = 'org.example.Modem1.Bearer'
ERROR_PREFIX = 'org.example.Modem1.Error.'

POLKIT_NAME = 'org.freedesktop.PolicyKit1'
POLKITD_CANDIDATES = ['/usr/lib/polkit-1/polkitd', '/usr/libexec/polkitd',
                      '/usr/libexec/polkit-1/polkitd', '/usr/lib/policykit-1/polkitd']
POLKIT_ACTIONS_DIR = Path('/usr/share/polkit-1/actions')
POLKIT_RULES_DIR = Path('/etc/polkit-1/rules.d')
POLKIT_BUS_CONF_CANDIDATES = ['/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf',
                              '/etc/dbus-1/system.d/org.freedesktop.PolicyKit1.conf']

TEST_USER = 'modemd-test'

SRCDIR = Path(os.environ.get('MODEMD_SRCDIR', Path(__file__).resolve().parents[2]))
TIMEOUT_SCALE = float(os.environ.get('MODEMD_TEST_TIMEOUT_SCALE', '1'))

# Sanitizer reports that must fail a test even if the exit code hid them.
SANITIZER_PATTERNS = re.compile(
    r'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer')


def scaled(timeout):
    return timeout * TIMEOUT_SCALE


def log(msg):
    print(f'[harness {time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Preconditions


def require_root():
    """Exit with 77 (meson: skipped) unless running as root."""
    if os.geteuid() != 0:
        print('SKIP: integration tests need root (polkitd actions dir, bus name ownership)',
              file=sys.stderr)
        sys.exit(SKIP)


def skip(reason):
    print(f'SKIP: {reason}', file=sys.stderr)
    sys.exit(SKIP)


def find_binary(env_var, *build_relpaths, required=True):
    """Path of a built program: from the environment (meson sets it), else from a
    build directory of the source tree.  Skips the test when missing and required."""
    path = os.environ.get(env_var)
    if path:
        if not os.access(path, os.X_OK):
            raise RuntimeError(f'{env_var}={path} is not executable')
        return path
    for build in ('build', 'build-harness'):
        for rel in build_relpaths:
            cand = SRCDIR / build / rel
            if os.access(cand, os.X_OK):
                return str(cand)
    if required:
        skip(f'{env_var} not set and no built binary found')
    return None


def modemd_path():
    return find_binary('MODEMD', 'src/daemon/modemd')


def modemctl_path(required=True):
    return find_binary('MODEMCTL', 'cli/modemctl', required=required)


def modem_sim_path(required=True):
    return find_binary('MODEM_SIM', 'tests/sim/modem-sim', required=required)


def qrtr_bus_path(required=True):
    return find_binary('QRTR_BUS', 'tests/sim/qrtr-bus', required=required)


def polkitd_path():
    for cand in POLKITD_CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    skip('polkitd not found')


# ---------------------------------------------------------------------------
# Process bookkeeping: everything we start is killed at exit.

_processes = []
_cleanups = []


def _register(proc):
    _processes.append(proc)
    return proc


def _spawn(argv, **kwargs):
    """Popen a long-running helper, registered for cleanup.  It gets SIGKILL if
    this process dies (even by SIGKILL), so no test leaves orphans behind:
    `setpriv --pdeathsig` sets the parent-death signal and execs in place."""
    if shutil.which('setpriv'):
        argv = ['setpriv', '--pdeathsig', 'KILL', '--'] + list(argv)
    return _register(subprocess.Popen(argv, **kwargs))


def add_cleanup(func):
    """Run func at exit (after processes are killed), in reverse order."""
    _cleanups.append(func)


def _kill_all():
    for proc in reversed(_processes):
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(timeout=5)
            except Exception:
                pass
    _processes.clear()
    while _cleanups:
        func = _cleanups.pop()
        try:
            func()
        except Exception as e:  # keep cleaning up
            log(f'cleanup failed: {e}')


atexit.register(_kill_all)


def _on_signal(signum, frame):
    _kill_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def stop_process(proc, name, timeout=10, sig=signal.SIGTERM):
    """Send sig and wait; returns the exit code (negative: killed by a signal)."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f'{name} did not exit within {timeout}s of signal {sig}')
    return proc.returncode


# ---------------------------------------------------------------------------
# Waiting on the GLib main context, with deadlines


def iterate_main_context(seconds):
    """Run the default main context for about `seconds` (dispatching D-Bus signals)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _iterate_once(ctx, deadline)


def _iterate_once(ctx, deadline, poll=0.02):
    remaining = max(0.0, deadline - time.monotonic())
    src = GLib.timeout_source_new(max(1, int(min(poll, remaining) * 1000)))
    src.set_callback(lambda *a: False)
    src.attach(ctx)
    try:
        ctx.iteration(True)
        while ctx.pending():
            ctx.iteration(False)
    finally:
        src.destroy()


def wait_until(predicate, timeout=10, what='condition', poll=0.02):
    """Iterate the main context until predicate() is truthy; return its value.
    Raises TimeoutError after `timeout` seconds (scaled)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + scaled(timeout)
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f'timed out after {timeout}s waiting for {what}')
        _iterate_once(ctx, deadline, poll)


def wait_for_signal(conn, interface, member, path=None, sender=None, predicate=None,
                    timeout=10, trigger=None):
    """Wait for a D-Bus signal; returns its parameters (unpacked tuple).

    trigger: optional callable run after subscribing (so the signal can't be missed).
    predicate: optional callable(params) -> bool to select the signal."""
    received = []

    def on_signal(_conn, _sender, _path, _iface, _member, params):
        value = params.unpack()
        if predicate is None or predicate(value):
            received.append(value)

    sub = conn.signal_subscribe(sender, interface, member, path, None,
                                Gio.DBusSignalFlags.NONE, on_signal)
    try:
        if trigger is not None:
            trigger()
        wait_until(lambda: received, timeout, f'signal {interface}.{member} on {path}')
        return received[0]
    finally:
        conn.signal_unsubscribe(sub)


def get_property(conn, path, interface, name, dest=BUS_NAME, timeout=10):
    ret = conn.call_sync(dest, path, 'org.freedesktop.DBus.Properties', 'Get',
                         GLib.Variant('(ss)', (interface, name)), GLib.VariantType('(v)'),
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack()[0]


def get_all_properties(conn, path, interface, dest=BUS_NAME, timeout=10):
    ret = conn.call_sync(dest, path, 'org.freedesktop.DBus.Properties', 'GetAll',
                         GLib.Variant('(s)', (interface,)), GLib.VariantType('(a{sv})'),
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack()[0]


def wait_for_property(proxy_or_conn, name, predicate, timeout=10, path=None, interface=None):
    """Wait until property `name` satisfies predicate(value); returns the value.

    Accepts a Gio.DBusProxy (uses its cache, updated by PropertiesChanged), or a
    Gio.DBusConnection with path and interface (re-reads with Properties.Get,
    while also dispatching signals)."""
    if isinstance(proxy_or_conn, Gio.DBusProxy):
        proxy = proxy_or_conn

        def current():
            v = proxy.get_cached_property(name)
            return None if v is None else v.unpack()
    else:
        conn = proxy_or_conn

        def current():
            try:
                return get_property(conn, path, interface, name)
            except GLib.Error:
                return None

    box = []

    def check():
        value = current()
        if value is not None and predicate(value):
            box.append(value)
            return True
        return False

    wait_until(check, timeout, f'property {name}')
    return box[0]


def modem_paths(conn):
    """Object paths of the modems on the bus, sorted."""
    objects = call(conn, MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                   'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]
    return sorted(p for p, ifaces in objects.items() if MODEM_IFACE in ifaces)


def dbus_error_name(error):
    """The D-Bus error name of a GLib.Error from a call (or None)."""
    return Gio.DBusError.get_remote_error(error)


def call(conn, path, interface, method, args=None, signature=None, reply_type=None,
         dest=BUS_NAME, timeout=30):
    """call_sync with a deadline; args is a tuple matched to `signature` ('(ss)')."""
    params = None
    if signature is not None:
        params = GLib.Variant(signature, tuple(args or ()))
    ret = conn.call_sync(dest, path, interface, method, params,
                         GLib.VariantType(reply_type) if reply_type else None,
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack() if ret is not None else None


def call_error(conn, path, interface, method, args=None, signature=None, dest=BUS_NAME,
               timeout=30):
    """Call a method expected to fail; returns the D-Bus error name (and message).
    Raises AssertionError if it succeeds."""
    try:
        call(conn, path, interface, method, args, signature, dest=dest, timeout=timeout)
    except GLib.Error as e:
        return dbus_error_name(e), e.message
    raise AssertionError(f'{interface}.{method} on {path} unexpectedly succeeded')


# ---------------------------------------------------------------------------
# Private system bus

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


# ---------------------------------------------------------------------------
# polkitd on the private bus


def _install_file_atomically(src_text, dest):
    dest = Path(dest)
    tmp = dest.with_name(f'.{dest.name}.{os.getpid()}.tmp')
    tmp.write_text(src_text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)


class Polkit:
    """The real polkitd on a private bus.

    Installs data/polkit/org.example.Modem1.policy into the actions directory
    (polkitd reads actions from nowhere else).  It stays installed after the test
    (tests may run in parallel, and all of them need the same file).

    rules: optional JavaScript polkit rules, installed into /etc/polkit-1/rules.d
    for the duration of the test.  Every polkitd on the machine reads that
    directory, so tests with rules must be registered with is_parallel: false."""

    def __init__(self, bus, rules=None, rules_name=None):
        self.bus = bus
        self.rules = rules
        self.rules_path = None
        self.rules_name = rules_name or f'50-modemd-test-{os.getpid()}.rules'
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @staticmethod
    def install_actions():
        policy = (SRCDIR / 'data' / 'polkit' / 'org.example.Modem1.policy').read_text()
        dest = POLKIT_ACTIONS_DIR / 'org.example.Modem1.policy'
        try:
            current = dest.read_text()
        except OSError:
            current = None
        if current != policy:
            POLKIT_ACTIONS_DIR.mkdir(parents=True, exist_ok=True)
            _install_file_atomically(policy, dest)
        # The reference's actions (modemd --compat): a ModemManager install
        # defines the same ids; then its file is left as it is.
        compat = POLKIT_ACTIONS_DIR / 'org.freedesktop.ModemManager1.policy'
        if not compat.exists():
            _install_file_atomically(
                (SRCDIR / 'data' / 'compat' / 'org.freedesktop.ModemManager1.policy').read_text(),
                compat)

    def install_rules(self, rules):
        POLKIT_RULES_DIR.mkdir(parents=True, exist_ok=True)
        self.rules_path = POLKIT_RULES_DIR / self.rules_name
        _install_file_atomically(rules, self.rules_path)
        add_cleanup(self.remove_rules)

    def remove_rules(self):
        if self.rules_path is not None:
            try:
                self.rules_path.unlink()
            except FileNotFoundError:
                pass
            self.rules_path = None

    def start(self, timeout=15):
        require_root()
        self.install_actions()
        if self.rules:
            self.install_rules(self.rules)
        self.log_path = os.path.join(self.bus.tmpdir, 'polkitd.log')
        with open(self.log_path, 'w') as logf:
            # polkitd changes to user 'polkitd' itself, then connects to the bus
            # named by DBUS_SYSTEM_BUS_ADDRESS.
            self.proc = _spawn(
                [polkitd_path(), '--no-debug'], env=self.bus.env,
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        try:
            self.bus.wait_for_name(POLKIT_NAME, timeout, proc=self.proc, what='polkitd')
        except Exception:
            log(f'polkitd log:\n{self.read_log()}')
            raise
        log('polkitd ready')
        return self

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ''

    def check_authorization(self, action_id, bus_name, timeout=10):
        """Ask polkitd directly (as the daemon does) for a system-bus-name subject.
        Returns (is_authorized, is_challenge, details)."""
        subject = ('system-bus-name', {'name': GLib.Variant('s', bus_name)})
        ret = self.bus.conn.call_sync(
            POLKIT_NAME, '/org/freedesktop/PolicyKit1/Authority',
            'org.freedesktop.PolicyKit1.Authority', 'CheckAuthorization',
            GLib.Variant('((sa{sv})sa{ss}us)', (subject, action_id, {}, 0, '')),
            GLib.VariantType('((bba{ss}))'), Gio.DBusCallFlags.NONE,
            int(scaled(timeout) * 1000), None)
        return ret.unpack()[0]

    def stop(self):
        if self.proc is not None:
            # polkitd exits 0 on SIGTERM? It may not; we only care that it goes.
            stop_process(self.proc, 'polkitd')
            self.proc = None
            self.bus.wait_for_name_lost(POLKIT_NAME)
        self.remove_rules()


# ---------------------------------------------------------------------------
# modemd


def sanitizer_env(env):
    """Sanitizer options that make every report fatal (kept if already set)."""
    env = dict(env)
    supp = SRCDIR / 'tests' / 'lsan.supp'
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1:halt_on_error=1:abort_on_error=0:'
                   'fast_unwind_on_malloc=0:verify_asan_link_order=0')
    lsan = 'print_suppressions=0'
    if supp.exists():
        lsan += f':suppressions={supp}'
    env.setdefault('LSAN_OPTIONS', lsan)
    env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
    # GLib: no slice allocator tricks that hide leaks, and fatal criticals.
    env.setdefault('G_SLICE', 'always-malloc')
    env.setdefault('G_DEBUG', 'gc-friendly,fatal-criticals')
    return env


class Daemon:
    """modemd on the private bus; its stdout+stderr go to `log_path`."""

    def __init__(self, bus, args=(), env=None, debug=True, name='modemd', prefix=()):
        self.bus = bus
        self.args = list(args)
        self.prefix = list(prefix)  # e.g. nsenter into a network namespace
        self.extra_env = env or {}
        self.debug = debug
        self.name = name
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, *exc):
        if self.proc is not None:
            if exc_type is None:
                self.stop()
            else:
                self.kill()

    def start(self, timeout=20):
        argv = self.prefix + [modemd_path()]
        if self.debug:
            argv.append('--debug')
        argv += self.args
        env = sanitizer_env(dict(self.bus.env, **self.extra_env))
        self.log_path = os.path.join(self.bus.tmpdir, f'{self.name}.log')
        log(f'starting {" ".join(argv)}')
        with open(self.log_path, 'w') as logf:
            self.proc = _spawn(
                argv, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                stderr=subprocess.STDOUT)
        try:
            self.owner = self.bus.wait_for_name(BUS_NAME, timeout, proc=self.proc,
                                                what='modemd')
        except Exception:
            log(f'{self.name} log:\n{self.read_log()}')
            raise
        return self

    def read_log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def wait_for_log(self, pattern, timeout=10):
        """Wait until the daemon's log matches the regular expression."""
        rx = re.compile(pattern)
        return wait_until(lambda: rx.search(self.read_log()), timeout,
                          f'daemon log to match {pattern!r}')

    def assert_no_sanitizer_report(self):
        text = self.read_log()
        m = SANITIZER_PATTERNS.search(text)
        if m:
            raise AssertionError(f'sanitizer report in {self.name} log:\n{text[m.start():][:8000]}')

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM; the daemon must exit 0 without sanitizer reports."""
        proc, self.proc = self.proc, None
        rc = stop_process(proc, self.name, timeout)
        if rc != 0:
            raise AssertionError(f'{self.name} exited with {rc} after SIGTERM; log:\n'
                                 f'{self.read_log()[-8000:]}')
        self.assert_no_sanitizer_report()
        return rc

    def kill(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
            log(f'{self.name} killed; log:\n{self.read_log()[-4000:]}')


# ---------------------------------------------------------------------------
# modem-sim


class SimControlError(RuntimeError):
    """modem-sim refused a control command (its reply was "error: ...")."""


class SimControl:
    """Client of modem-sim's control socket (--control=PATH):
    send('register denied') returns the reply line ('ok', or 'ok <text>' as
    for 'help') and raises SimControlError when it is 'error: <reason>'.
    The commands are listed in tests/sim/README.md.  One connection, opened
    at the first command."""

    def __init__(self, path, timeout=10):
        self.path = path
        self.timeout = timeout
        self._sock = None
        self._buf = b''

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._sock is not None:
            self._sock.close()
        self._sock = None
        self._buf = b''

    def _connection(self):
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(scaled(self.timeout))
            sock.connect(self.path)
            self._sock = sock
        return self._sock

    def _read_line(self, command):
        while b'\n' not in self._buf:
            try:
                data = self._sock.recv(4096)
            except socket.timeout:
                raise TimeoutError(f'modem-sim did not answer control command {command!r}')
            if not data:
                raise ConnectionError(f'modem-sim closed its control socket before answering '
                                      f'{command!r}')
            self._buf += data
        line, self._buf = self._buf.split(b'\n', 1)
        return line.decode('utf-8', 'replace')

    def send(self, command):
        self._connection().sendall(command.encode() + b'\n')
        reply = self._read_line(command)
        log(f'sim control: {command} -> {reply}')
        if reply.startswith('error:'):
            raise SimControlError(f'{command!r}: {reply}')
        return reply


_sim_control_dir = None
_sim_control_count = 0


def _new_control_path():
    """A fresh socket path in a directory of this process, removed at exit
    (short: unix socket paths are limited to 107 bytes)."""
    global _sim_control_dir, _sim_control_count
    if _sim_control_dir is None:
        _sim_control_dir = tempfile.mkdtemp(prefix='modem-sim-ctl-')
        add_cleanup(lambda: shutil.rmtree(_sim_control_dir, ignore_errors=True))
    _sim_control_count += 1
    return os.path.join(_sim_control_dir, f'{_sim_control_count}.sock')


class Sim:
    """The simulated modem.  stderr is read by a thread into `lines`.

    Unless control=False or args name a --control socket themselves, it
    listens on a control socket of its own: `control_path`, and `control`
    (a SimControl) to send it commands."""

    def __init__(self, args, env=None, name='modem-sim', control=True):
        self.args = list(args)
        self.env = env
        self.name = name
        self.proc = None
        self.lines = []
        self._cond = threading.Condition()
        given = [a.split('=', 1)[1] for a in self.args if a.startswith('--control=')]
        self.control_path = given[-1] if given else None
        if control and not given:
            self.control_path = _new_control_path()
            self.args.append(f'--control={self.control_path}')
        self.control = SimControl(self.control_path) if self.control_path else None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=10):
        argv = [modem_sim_path()] + self.args
        log(f'starting {" ".join(argv)}')
        env = sanitizer_env(self.env if self.env is not None else os.environ)
        self.proc = _spawn(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.wait_for_line(r'^sim: ready', timeout)
        except Exception:
            log(f'{self.name} stderr:\n' + '\n'.join(self.lines))
            raise
        return self

    def _read(self):
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip('\n'))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _tail(self, n=40):
        return '\n'.join('  | ' + line for line in self.lines[-n:])

    def wait_for_line(self, pattern, timeout=10, start=0):
        """Wait for a stderr line (index >= start) matching the regex; returns it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    if rx.search(line):
                        return line
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise RuntimeError(f'{self.name} exited ({self.proc.returncode}) '
                                       f'without printing {pattern!r}; stderr:\n'
                                       + self._tail())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f'timed out waiting for {self.name} line {pattern!r}; '
                                       'stderr:\n' + self._tail())
                self._cond.wait(min(remaining, 0.5))

    def stop(self, timeout=10):
        if self.control is not None:
            self.control.close()
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        rc = stop_process(proc, self.name, timeout)
        self._reader.join(timeout=5)
        text = '\n'.join(self.lines)
        m = SANITIZER_PATTERNS.search(text)
        if m:
            raise AssertionError(f'sanitizer report in {self.name}:\n{text[m.start():][:8000]}')
        return rc


class QrtrBus:
    """A unix QRTR bus (tests/sim/qrtr-bus: router and name service) at `path`,
    for QRTR tests on kernels without AF_QIPCRTR: simulators join it with
    `--protocol=qrtr --link=PATH`, the daemon with `--port=qrtr:unix:PATH`."""

    def __init__(self, path):
        self.path = path
        self.proc = None
        self.lines = []

    def start(self, timeout=10):
        argv = [qrtr_bus_path(), '--verbose', self.path]
        log(f'starting {" ".join(argv)}')
        self.proc = _spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, errors='replace')
        deadline = time.monotonic() + scaled(timeout)
        while True:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError(f'qrtr-bus exited ({self.proc.wait()}) before it was ready')
            self.lines.append(line.rstrip('\n'))
            if line.startswith('qrtr-bus: ready'):
                break
            if time.monotonic() > deadline:
                raise TimeoutError('qrtr-bus did not get ready')
        # keep reading, so that its log never blocks it
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip('\n'))

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None:
            return stop_process(proc, 'qrtr-bus')
        return None


# ---------------------------------------------------------------------------
# Clients as root or as another user


def ensure_test_user(name=TEST_USER):
    """Create an unprivileged system user for client tests (if missing); returns
    (uid, gid)."""
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(['useradd', '--system', '--no-create-home', '--home-dir', '/nonexistent',
                        '--shell', '/usr/sbin/nologin', '--user-group', name],
                       check=True, timeout=30)
        pw = pwd.getpwnam(name)
    return pw.pw_uid, pw.pw_gid


def as_user_argv(argv, user=None):
    """Prefix argv so that it runs as `user` (name), without supplementary groups."""
    if user is None:
        return list(argv)
    uid, gid = ensure_test_user(user) if user == TEST_USER else (
        pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    return ['setpriv', f'--reuid={uid}', f'--regid={gid}', '--clear-groups',
            '--inh-caps=-all', '--'] + list(argv)


def run(argv, user=None, env=None, timeout=30, check=False):
    """Run a program (optionally as another user); returns CompletedProcess with
    text stdout/stderr.  Times out after `timeout` seconds."""
    full = as_user_argv(argv, user)
    env = dict(env if env is not None else os.environ)
    if user is not None:
        env['HOME'] = '/nonexistent'
        env['USER'] = env['LOGNAME'] = user
    try:
        res = subprocess.run(full, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, errors='replace', timeout=scaled(timeout))
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f'{argv} timed out after {timeout}s; stdout={e.stdout!r} '
                             f'stderr={e.stderr!r}')
    if check and res.returncode != 0:
        raise AssertionError(f'{argv} failed with {res.returncode}:\n{res.stdout}\n{res.stderr}')
    return res


def run_modemctl(args, bus=None, user=None, timeout=30):
    """Run modemctl on the private bus; returns (rc, stdout, stderr)."""
    env = sanitizer_env(bus.env if bus is not None else os.environ)
    res = run([modemctl_path()] + list(args), user=user, env=env, timeout=timeout)
    for stream in (res.stdout, res.stderr):
        m = SANITIZER_PATTERNS.search(stream)
        if m:
            raise AssertionError(f'sanitizer report in modemctl {args}:\n{stream[m.start():]}')
    return res.returncode, res.stdout, res.stderr


def run_modemctl_json(args, bus=None, user=None, timeout=30):
    """modemctl with -J; returns the parsed JSON (asserts exit code 0)."""
    rc, out, err = run_modemctl(list(args) + ['-J'], bus=bus, user=user, timeout=timeout)
    assert rc == 0, f'modemctl {args} -J exited {rc}: {err}'
    try:
        return json.loads(out)
    except ValueError as e:
        raise AssertionError(f'modemctl {args} -J printed invalid JSON ({e}):\n{out}')


def gdbus_call(bus, dest, path, method, *args, user=None, timeout=30):
    """`gdbus call` on the private bus (optionally as another user);
    returns CompletedProcess."""
    argv = ['gdbus', 'call', '--address', bus.address, '--dest', dest,
            '--object-path', path, '--method', method, '--timeout', str(int(scaled(timeout)))]
    argv += [str(a) for a in args]
    return run(argv, user=user, env=bus.env, timeout=timeout + 5)


# ---------------------------------------------------------------------------
# Test case base class


class IntegrationTestCase(unittest.TestCase):
    """Each test gets a fresh bus (self.bus) and, unless `with_polkit` is False,
    polkitd (self.polkit).  Start the daemon with self.start_daemon()."""

    with_polkit = True
    polkit_rules = None
    # More D-Bus policy files for the test's bus (e.g. another service's).
    bus_extra_conf = ()

    def run(self, result=None):
        # On failure, show the logs of the processes of this test (they stay in
        # the temporary directory until the test program exits).
        if result is None:
            return super().run(result)
        before = len(result.failures) + len(result.errors)
        self._log_files = []
        ret = super().run(result)
        if len(result.failures) + len(result.errors) > before:
            for title, path in self._log_files:
                try:
                    with open(path, errors='replace') as f:
                        text = f.read()
                except OSError:
                    continue
                if text.strip():
                    print(f'----- {title} ({path}), last 8000 chars -----\n{text[-8000:]}',
                          file=sys.stderr)
        return ret

    def _watch_log(self, title, path):
        if hasattr(self, '_log_files'):
            self._log_files.append((title, path))

    def setUp(self):
        require_root()
        self.bus = Bus(extra_conf=self.bus_extra_conf)
        self.bus.start()
        self.addCleanup(self.bus.stop)
        self._watch_log('dbus-daemon', self.bus.log_path)
        self.polkit = None
        if self.with_polkit:
            self.polkit = Polkit(self.bus, rules=self.polkit_rules)
            self.addCleanup(self.polkit.stop)
            self.polkit.start()
            self._watch_log('polkitd', self.polkit.log_path)
        self.daemon = None

    def start_daemon(self, *args, **kwargs):
        daemon = Daemon(self.bus, args, **kwargs)
        self.addCleanup(self._stop_daemon, daemon)
        daemon.start()
        self._watch_log(daemon.name, daemon.log_path)
        self.daemon = daemon
        return daemon

    def _stop_daemon(self, daemon):
        if daemon.running():
            # A test that did not stop the daemon itself still gets the clean-exit check.
            daemon.stop()
        else:
            daemon.assert_no_sanitizer_report()

    def start_sim(self, *args, **kwargs):
        sim = Sim(args, **kwargs)
        self.addCleanup(sim.stop)
        sim.start()
        return sim

    def call(self, path, interface, method, args=None, signature=None, reply_type=None,
             timeout=30):
        return call(self.bus.conn, path, interface, method, args, signature, reply_type,
                    timeout=timeout)

    def assertDBusError(self, expected_name, path, interface, method, args=None,
                        signature=None, timeout=30):
        name, message = call_error(self.bus.conn, path, interface, method, args, signature,
                                   timeout=timeout)
        self.assertEqual(name, expected_name, f'{method}: got {name}: {message}')
        return message

    def managed_objects(self):
        """The manager's GetManagedObjects() answer: {path: {iface: props}}."""
        return self.call(MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                         'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]


# Modem states and locks tests compare against (MMModemState / MMModemLock).
LOCKED, DISABLED, ENABLING, ENABLED, SEARCHING, REGISTERED = 2, 3, 5, 6, 7, 8
CONNECTING, CONNECTED = 10, 11
LOCK_NONE, LOCK_SIM_PIN, LOCK_SIM_PUK = 1, 2, 4


class ModemTestCase(IntegrationTestCase):
    """An IntegrationTestCase about one modem: `self.modem` is its path once
    wait_for_modem() found it; helpers read and wait on its properties."""

    modem = None

    def wait_for_modem(self, timeout=20):
        box = []

        def find():
            objs = self.managed_objects()
            box[:] = sorted(p for p, ifaces in objs.items() if MODEM_IFACE in ifaces)
            return bool(box)

        wait_until(find, timeout, 'modem object on the bus')
        self.modem = box[0]
        return self.modem

    def prop(self, name, iface=MODEM_IFACE, path=None):
        return get_property(self.bus.conn, path or self.modem, iface, name)

    def wait_prop(self, name, predicate, iface=MODEM_IFACE, path=None, timeout=20):
        return wait_for_property(self.bus.conn, name, predicate, timeout=timeout,
                                 path=path or self.modem, interface=iface)

    def wait_state(self, state, timeout=20):
        return self.wait_prop('State', lambda v: v == state, timeout=timeout)

    def modemctl(self, *args, ok=True):
        """Runs modemctl on the test bus; with ok, asserts it exits 0."""
        rc, out, err = run_modemctl(list(args), bus=self.bus)
        if ok:
            self.assertEqual(rc, 0, f'modemctl {args}: stdout={out!r} stderr={err!r}')
        return rc, out, err

    def enable_registered(self):
        self.wait_state(DISABLED)
        self.call(self.modem, MODEM_IFACE, 'Enable', (True,), '(b)')
        self.wait_state(REGISTERED)

    def simple_connect(self, **props):
        """Simple.Connect with apn 'internet' and props ('ip_type' -> 'ip-type')."""
        args = {'apn': GLib.Variant('s', 'internet')}
        for key, value in props.items():
            key = key.replace('_', '-')
            args[key] = GLib.Variant('u' if isinstance(value, int) else 's', value)
        return self.call(self.modem, MODEM_SIMPLE_IFACE, 'Connect', (args,), '(a{sv})',
                         reply_type='(o)', timeout=60)[0]

    def start_modem(self, sim_args, port):
        """Starts the simulator with sim_args and the daemon with --port=port;
        returns the modem's path (also self.modem) once it is on the bus."""
        self.sim = self.start_sim(*sim_args)
        self.start_daemon(f'--port={port}')
        return self.wait_for_modem()

    def stop_daemon(self):
        """SIGTERM (the daemon must exit cleanly), and the simulator saw its
        port closed."""
        mark = len(self.sim.lines)
        self.daemon.stop()
        self.sim.wait_for_line(r'link closed by peer', start=mark)

    def restart_daemon(self, port):
        """A new daemon on the same modem; returns the simulator's log mark
        from before it started."""
        mark = len(self.sim.lines)
        self.start_daemon(f'--port={port}')
        self.wait_for_modem()
        return mark

    def saved_state(self, plugin):
        """The text of what the plugin saved for the next run, or None."""
        files = list(Path(self.bus.runtime_dir).glob(f'{plugin}-*.state'))
        return files[0].read_text() if files else None

    def wait_modem_removed(self, timeout=20, trigger=None):
        """Waits for InterfacesRemoved of the modem (running trigger first, if
        given, once subscribed); returns the modem's path."""
        modem = self.modem
        wait_for_signal(self.bus.conn, 'org.freedesktop.DBus.ObjectManager',
                        'InterfacesRemoved', path=MANAGER_PATH,
                        predicate=lambda params: params[0] == modem, timeout=timeout,
                        trigger=trigger)
        return modem

    def scan_by_code(self):
        """Modem.Modem3gpp.Scan(); the networks found, by operator code."""
        networks = self.call(self.modem, MODEM_3GPP_IFACE, 'Scan', reply_type='(aa{sv})',
                             timeout=120)[0]
        return {n['operator-code']: n for n in networks}

    def wait_bearer_disconnected(self, bearer, trigger):
        """Runs trigger (the network ends the session) and waits for the
        bearer's Connected to turn false."""
        def changed(params):
            return params[0] == BEARER_IFACE and 'Connected' in params[1] and \
                not params[1]['Connected']

        wait_for_signal(self.bus.conn, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                        path=bearer, predicate=changed, trigger=trigger)


def main():
    """Entry point for test files: skip without root, run unittest verbosely."""
    require_root()
    prog = unittest.main(verbosity=2, exit=False, buffer=False)
    result = prog.result
    _kill_all()
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(SKIP)
    sys.exit(0)
