#!/usr/bin/python3
"""Bad input to the methods and options that test_security does not cover:
each call, made as root (so polkit lets it through), gets a clear D-Bus error,
nothing reaches the modem, and nothing changes. Needs root (exits 77
otherwise)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import DISABLED, REGISTERED, GLib  # noqa: E402

CORE = h.ERROR_PREFIX + 'Core.'
WATCHED = ('Sim', 'Bearers', 'State', 'PowerState', 'CurrentModes', 'CurrentBands',
           'UnlockRequired')


class BadInputTest(h.ModemTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-bad-')
        self.addCleanup(self.tmp.cleanup)
        link = os.path.join(self.tmp.name, 'cdc-wdm0')
        self.start_modem(['--protocol=qmi', f'--link={link}'], f'qmi:{link},net:wwan3')

    def snapshot(self):
        return {name: self.prop(name) for name in WATCHED}

    def refused(self, error, path, iface, method, args=None, signature=None):
        """The call fails with Core.<error> and a message, and the modem's
        properties are as they were."""
        before = self.snapshot()
        message = self.assertDBusError(CORE + error, path, iface, method, args, signature)
        self.assertTrue(message, f'{method}: empty error message')
        self.assertEqual(self.snapshot(), before, f'{method} changed the modem')

    def assert_nothing_sent_before(self, mark, barrier):
        """The port is one ordered stream: once the request `barrier` (sent
        after the refused calls) is logged, anything they had sent would be
        logged before it."""
        line = self.sim.wait_for_line(barrier, start=mark)
        sent = self.sim.lines[mark:self.sim.lines.index(line, mark)]
        self.assertEqual([x for x in sent if 'rx qmi' in x], [], 'a refused call reached the modem')

    def test_manager(self):
        self.wait_state(DISABLED)
        mark = len(self.sim.lines)
        self.refused('InvalidArgs', h.MANAGER_PATH, h.MANAGER_IFACE, 'SetLogging', ('LOUD',),
                     '(s)')
        self.refused('NotFound', h.MANAGER_PATH, h.MANAGER_IFACE, 'InhibitDevice',
                     ('/no/such/device', True), '(sb)')
        device = self.prop('Device')
        self.refused('WrongState', h.MANAGER_PATH, h.MANAGER_IFACE, 'InhibitDevice',
                     (device, False), '(sb)')  # not inhibited by this caller
        self.refused('InvalidArgs', h.MANAGER_PATH, h.MANAGER_IFACE, 'ReportKernelEvent',
                     ({'action': GLib.Variant('s', 'explode')},), '(a{sv})')
        self.call(self.modem, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        self.assert_nothing_sent_before(mark, r'rx qmi DMS SetOperatingMode')

    def test_disabled_modem(self):
        self.wait_state(DISABLED)
        mark = len(self.sim.lines)
        self.refused('InvalidArgs', self.modem, h.MODEM_IFACE, 'SetPowerState', (7,), '(u)')
        self.refused('Unsupported', self.modem, h.MODEM_IFACE, 'SetCurrentModes',
                     ((0x40, 0),), '((uu))')  # a mode bit that does not exist
        self.refused('InvalidArgs', self.modem, h.MODEM_IFACE, 'SetCurrentBands', ([],), '(au)')
        self.refused('Unsupported', self.modem, h.MODEM_IFACE, 'SetCurrentBands', ([9999],),
                     '(au)')
        self.refused('NotFound', self.modem, h.MODEM_IFACE, 'DeleteBearer',
                     ('/org/example/Modem1/Bearer/999',), '(o)')
        self.refused('NotFound', self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect',
                     ('/org/example/Modem1/Bearer/999',), '(o)')
        self.refused('InvalidArgs', self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (86400,), '(u)')
        self.refused('WrongState', self.modem, h.MODEM_3GPP_IFACE, 'Scan')
        self.refused('WrongState', self.modem, h.MODEM_3GPP_IFACE, 'Register', ('26201',), '(s)')
        self.refused('WrongState', self.prop('Sim'), h.SIM_IFACE, 'SendPin', ('1234',), '(s)')
        # the modem still works after all of that, and heard none of it
        self.enable_registered()
        self.assert_nothing_sent_before(mark, r'rx qmi DMS SetOperatingMode')

    def test_enabled_modem(self):
        self.enable_registered()
        bearer = self.simple_connect()
        mark = len(self.sim.lines)
        # power changes need a disabled modem; a wrong bearer path deletes nothing
        self.refused('WrongState', self.modem, h.MODEM_IFACE, 'SetPowerState', (2,), '(u)')
        self.refused('NotFound', self.modem, h.MODEM_IFACE, 'DeleteBearer',
                     (bearer + '0',), '(o)')
        # the right path disconnects, then deletes
        self.call(self.modem, h.MODEM_IFACE, 'DeleteBearer', (bearer,), '(o)')
        self.wait_state(REGISTERED)
        self.assertEqual(self.prop('Bearers'), [])
        line = self.sim.wait_for_line(r'rx qmi WDS StopNetwork', start=mark)
        sent = self.sim.lines[mark:self.sim.lines.index(line, mark)]
        self.assertFalse([x for x in sent if 'SetOperatingMode' in x or 'StopNetwork' in x])


class DaemonOptionsTest(h.IntegrationTestCase):

    def test_bad_port_declarations(self):
        for bad in ('gps:/dev/ttyUSB1', 'qmi', 'qmi:', 'qmi:/a,,at:/b'):
            proc = subprocess.run([h.modemd_path(), f'--port={bad}'], env=self.bus.env,
                                  capture_output=True, text=True, timeout=h.scaled(10))
            self.assertNotEqual(proc.returncode, 0, bad)
            self.assertIn('modemd:', proc.stderr, bad)
            # it never took the bus name
            self.assertIsNone(self.bus.name_owner(h.BUS_NAME), bad)

    def test_unknown_option(self):
        proc = subprocess.run([h.modemd_path(), '--frobnicate'], env=self.bus.env,
                              capture_output=True, text=True, timeout=h.scaled(10))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('frobnicate', proc.stderr)


if __name__ == '__main__':
    h.main()
