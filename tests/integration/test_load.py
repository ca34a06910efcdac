#!/usr/bin/python3
"""Load: 256 simulated modems, Enable and Simple.Connect on all of them at
once from 8 root connections. Every call must succeed: authorization shares
one polkit check per caller and action and bounds what is in flight, so the
daemon's own load never turns into a refusal. An unprivileged caller in the
same storm is still refused.

Needs root (exits 77 otherwise)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import GLib, Gio  # noqa: E402

N_MODEMS = int(os.environ.get('MODEMD_LOAD_MODEMS', '256'))
N_CONNECTIONS = 8


class StormTest(h.ModemTestCase):

    def start_modems(self):
        tmp = tempfile.TemporaryDirectory(prefix='modemd-load-')
        self.addCleanup(tmp.cleanup)
        ports = []
        for i in range(N_MODEMS):
            link = os.path.join(tmp.name, f'cdc-wdm{i}')
            # Many simulators: no control sockets, no debug lines to read.
            self.start_sim('--protocol=qmi', f'--link={link}', f'--imei={350000000000000 + i}',
                           control=False)
            ports.append(f'--port=qmi:{link},net:wwan{i}')
        self.start_daemon(*ports, debug=False)
        objects = {}

        def all_disabled():
            objects.update(self.managed_objects())
            modems = [p for p, ifaces in objects.items() if h.MODEM_IFACE in ifaces]
            return len(modems) == N_MODEMS and all(
                h.get_property(self.bus.conn, p, h.MODEM_IFACE, 'State') == h.DISABLED
                for p in modems)

        h.wait_until(all_disabled, h.scaled(120), f'{N_MODEMS} modems disabled')
        return sorted(p for p, ifaces in objects.items() if h.MODEM_IFACE in ifaces)

    def storm(self, connections, modems, iface, method, args, sig, timeout=120):
        """method on every modem, spread over the connections, all at once;
        returns the errors (path -> D-Bus error name)."""
        pending = {}
        errors = {}

        def done(conn, result, path):
            try:
                conn.call_finish(result)
            except GLib.Error as e:
                errors[path] = h.dbus_error_name(e) + ': ' + e.message
            del pending[path]

        for i, path in enumerate(modems):
            conn = connections[i % len(connections)]
            pending[path] = True
            conn.call(h.BUS_NAME, path, iface, method, GLib.Variant(sig, args), None,
                      Gio.DBusCallFlags.NONE, int(h.scaled(timeout) * 1000), None, done, path)
        h.wait_until(lambda: not pending, h.scaled(timeout), f'{len(modems)} {method} replies')
        return errors

    def unprivileged_enable(self, modem):
        """Enable as the test user, in the background: refused by polkit."""
        argv = h.as_user_argv(['gdbus', 'call', '--address', self.bus.address, '--dest',
                               h.BUS_NAME, '--object-path', modem, '--method',
                               h.MODEM_IFACE + '.Enable', 'true'], h.TEST_USER)
        return subprocess.Popen(argv, env=self.bus.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def test_enable_and_connect_storm(self):
        modems = self.start_modems()
        connections = [self.bus.connect() for _ in range(N_CONNECTIONS)]
        intruders = [self.unprivileged_enable(m) for m in modems[:4]]

        errors = self.storm(connections, modems, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        self.assertEqual(errors, {}, f'{len(errors)} of {len(modems)} Enable calls failed')
        for proc in intruders:
            out, err = proc.communicate(timeout=h.scaled(60))
            self.assertNotEqual(proc.returncode, 0, out)
            self.assertIn('Unauthorized', err)

        props = {'apn': GLib.Variant('s', 'internet')}
        errors = self.storm(connections, modems, h.MODEM_SIMPLE_IFACE, 'Connect', (props,),
                            '(a{sv})')
        self.assertEqual(errors, {}, f'{len(errors)} of {len(modems)} Simple.Connect failed')
        for path in modems:
            self.assertEqual(h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'State'),
                             h.CONNECTED, path)
        for conn in connections:
            conn.close_sync(None)


if __name__ == '__main__':
    h.main()
