#!/usr/bin/python3
"""Core integration tests: modemd on a private system bus with the real polkitd.

Needs root (exits 77 otherwise).  See harness.py for the environment."""

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402


def project_version():
    v = os.environ.get('MODEMD_VERSION')
    if v:
        return v
    text = (h.SRCDIR / 'meson.build').read_text()
    return re.search(r"version:\s*'([^']+)'", text).group(1)


class CoreTest(h.IntegrationTestCase):
    """With polkitd running."""

    def test_owns_bus_name(self):
        self.start_daemon()
        owner = self.bus.name_owner(h.BUS_NAME)
        self.assertTrue(owner and owner.startswith(':'), owner)
        uid = self.bus.conn.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'GetConnectionUnixUser', GLib.Variant('(s)', (owner,)), None,
            0, 5000, None).unpack()[0]
        self.assertEqual(uid, 0)

    def test_version_property(self):
        self.start_daemon()
        version = h.get_property(self.bus.conn, h.MANAGER_PATH, h.MANAGER_IFACE, 'Version')
        self.assertEqual(version, project_version())

    def test_no_managed_objects_without_ports(self):
        self.start_daemon()
        self.assertEqual(self.managed_objects(), {})

    def test_modemctl_list_empty(self):
        h.modemctl_path(required=False) or self.skipTest('modemctl not built')
        self.start_daemon()
        rc, out, err = h.run_modemctl(['-L'], bus=self.bus)
        self.assertEqual(rc, 0, f'stdout={out!r} stderr={err!r}')
        self.assertNotIn('/org/example/Modem1/Modem/', out)
        self.assertRegex(out, re.compile(r'no modems', re.I))

    def test_modemctl_list_json_empty(self):
        h.modemctl_path(required=False) or self.skipTest('modemctl not built')
        self.start_daemon()
        data = h.run_modemctl_json(['-L'], bus=self.bus)
        self.assertIsInstance(data, dict)
        self.assertIn('modem-list', data)
        self.assertEqual(data['modem-list'], [])

    def test_scan_devices_as_root_is_authorized(self):
        self.start_daemon()
        self.call(h.MANAGER_PATH, h.MANAGER_IFACE, 'ScanDevices', timeout=20)
        self.assertTrue(self.daemon.running())

    def test_polkit_knows_our_actions(self):
        # The action file is installed and polkitd has read it: root is
        # authorized for each action (an unregistered action would be an error).
        me = self.bus.conn.get_unique_name()
        for action in ('org.example.Modem1.Device.Control',
                       'org.example.Modem1.Manager.Admin',
                       'org.example.Modem1.Command'):
            authorized, challenge, _ = self.polkit.check_authorization(action, me)
            self.assertTrue(authorized, action)

    def test_unknown_method(self):
        self.start_daemon()
        name, msg = h.call_error(self.bus.conn, h.MANAGER_PATH, h.MANAGER_IFACE,
                                 'NoSuchMethod', timeout=10)
        self.assertEqual(name, 'org.freedesktop.DBus.Error.UnknownMethod', msg)

    def test_unknown_object(self):
        self.start_daemon()
        name, msg = h.call_error(self.bus.conn, '/org/example/Modem1/Modem/999',
                                 'org.freedesktop.DBus.Properties', 'GetAll',
                                 ('org.example.Modem1.Modem',), '(s)', timeout=10)
        self.assertIn(name, ('org.freedesktop.DBus.Error.UnknownObject',
                             'org.freedesktop.DBus.Error.UnknownMethod',
                             'org.freedesktop.DBus.Error.UnknownInterface'), msg)

    def test_bus_policy_denies_foreign_interface(self):
        # Only the interfaces listed in data/dbus/org.example.Modem1.conf get through.
        self.start_daemon()
        name, msg = h.call_error(self.bus.conn, h.MANAGER_PATH, 'org.example.Other',
                                 'Anything', timeout=10)
        self.assertEqual(name, 'org.freedesktop.DBus.Error.AccessDenied', msg)

    def test_only_root_may_own_name(self):
        res = h.gdbus_call(self.bus, 'org.freedesktop.DBus', '/org/freedesktop/DBus',
                           'org.freedesktop.DBus.RequestName', h.BUS_NAME, 0,
                           user=h.TEST_USER, timeout=10)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('AccessDenied', res.stderr)

    def test_unprivileged_user_can_read(self):
        self.start_daemon()
        res = h.gdbus_call(self.bus, h.BUS_NAME, h.MANAGER_PATH,
                           'org.freedesktop.DBus.Properties.Get', h.MANAGER_IFACE, 'Version',
                           user=h.TEST_USER, timeout=10)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn(project_version(), res.stdout)

    def test_sigterm_exits_cleanly(self):
        daemon = self.start_daemon()
        rc = daemon.stop()
        self.assertEqual(rc, 0)
        self.bus.wait_for_name_lost(h.BUS_NAME)


class NoPolkitTest(h.IntegrationTestCase):
    """polkitd is not running: state changes must be refused promptly."""

    with_polkit = False

    def test_scan_devices_without_polkit_is_refused(self):
        self.start_daemon()
        start = time.monotonic()
        name, msg = h.call_error(self.bus.conn, h.MANAGER_PATH, h.MANAGER_IFACE,
                                 'ScanDevices', timeout=20)
        elapsed = time.monotonic() - start
        self.assertEqual(name, h.ERROR_PREFIX + 'Core.Unauthorized', msg)
        self.assertLess(elapsed, 10, 'refusal took too long (waiting for polkit?)')
        self.assertTrue(self.daemon.running())

    def test_reading_works_without_polkit(self):
        self.start_daemon()
        version = h.get_property(self.bus.conn, h.MANAGER_PATH, h.MANAGER_IFACE, 'Version')
        self.assertEqual(version, project_version())


if __name__ == '__main__':
    h.main()
