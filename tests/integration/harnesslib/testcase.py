"""The test case base classes, and the entry point of test files."""

import sys
import unittest
from pathlib import Path

import gi

gi.require_version('GLib', '2.0')
from gi.repository import GLib  # noqa: E402

from .api import (BEARER_IFACE, DISABLED, MANAGER_PATH, MODEM_3GPP_IFACE, MODEM_IFACE,
                  MODEM_SIMPLE_IFACE, REGISTERED)
from .bus import Bus
from .clients import run_modemctl
from .config import SKIP, require_root
from .daemon import Daemon
from .dbus_calls import call, call_error, get_property, wait_for_property, wait_for_signal
from .mainloop import wait_until
from .polkit import Polkit
from .processes import _kill_all
from .sim import Sim


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
