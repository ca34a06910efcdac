#!/usr/bin/python3
"""Checks of the installed data files (no root needed):

- the D-Bus policy lets through every interface in introspection/*.xml and
  nothing is ownable by anyone but root;
- the polkit actions are the ones the daemon checks;
- the systemd unit passes `systemd-analyze verify` and its exposure stays low.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SRCDIR = Path(os.environ.get('MODEMD_SRCDIR', Path(__file__).resolve().parents[2]))
BUILDDIR = os.environ.get('MODEMD_BUILDDIR')

ACTIONS = {
    'org.example.Modem1.Device.Control': ('no', 'no', 'yes'),
    'org.example.Modem1.Manager.Admin': ('auth_admin', 'auth_admin', 'auth_admin'),
    'org.example.Modem1.Command': ('auth_admin', 'auth_admin', 'auth_admin'),
    'org.example.Modem1.Messaging': ('no', 'no', 'yes'),
    'org.example.Modem1.Location': ('no', 'no', 'yes'),
    'org.example.Modem1.Time': ('no', 'no', 'yes'),
    'org.example.Modem1.Voice': ('no', 'no', 'yes'),
    'org.example.Modem1.USSD': ('no', 'no', 'yes'),
}

# Highest acceptable `systemd-analyze security` exposure (0.0 .. 10.0).
MAX_EXPOSURE = 2.0


def introspection_interfaces():
    names = set()
    for xml in (SRCDIR / 'introspection').glob('*.xml'):
        for iface in ET.parse(xml).getroot().iter('interface'):
            names.add(iface.get('name'))
    return names


class DBusPolicyTest(unittest.TestCase):
    def setUp(self):
        self.root = ET.parse(SRCDIR / 'data' / 'dbus' / 'org.example.Modem1.conf').getroot()

    def policies(self, **attrs):
        for pol in self.root.iter('policy'):
            if all(pol.get(k) == v for k, v in attrs.items()):
                yield pol

    def test_every_interface_is_allowed(self):
        allowed = set()
        for pol in self.policies(context='default'):
            for rule in pol.iter('allow'):
                if rule.get('send_destination') == 'org.example.Modem1':
                    allowed.add(rule.get('send_interface'))
        missing = introspection_interfaces() - allowed
        self.assertFalse(missing, f'interfaces missing from the D-Bus policy: {missing}')
        for std in ('org.freedesktop.DBus.Properties', 'org.freedesktop.DBus.Introspectable',
                    'org.freedesktop.DBus.ObjectManager', 'org.freedesktop.DBus.Peer'):
            self.assertIn(std, allowed)

    def test_every_allow_names_an_interface(self):
        # An <allow send_destination=...> without send_interface would open
        # every interface, including ones added later without review.
        for pol in self.root.iter('policy'):
            for rule in pol.iter('allow'):
                if 'send_destination' in rule.attrib:
                    self.assertIn('send_interface', rule.attrib, rule.attrib)

    def test_no_deny_by_destination(self):
        # modemd --compat owns org.freedesktop.ModemManager1 on the same
        # connection: a deny by destination in either file matches calls to
        # both names and refuses what the other file allows.
        for path in (SRCDIR / 'data' / 'dbus' / 'org.example.Modem1.conf',
                     SRCDIR / 'data' / 'compat' / 'org.freedesktop.ModemManager1.conf'):
            for rule in ET.parse(path).getroot().iter('deny'):
                self.assertNotIn('send_destination', rule.attrib, f'{path.name}: {rule.attrib}')

    def test_only_root_owns(self):
        for pol in self.root.iter('policy'):
            for rule in pol.iter('allow'):
                if 'own' in rule.attrib or 'own_prefix' in rule.attrib:
                    self.assertEqual(pol.get('user'), 'root', rule.attrib)

    def test_activation_file(self):
        text = (SRCDIR / 'data' / 'dbus' / 'org.example.Modem1.service.in').read_text()
        self.assertIn('Name=org.example.Modem1\n', text)
        self.assertIn('User=root\n', text)
        self.assertIn('SystemdService=modemd.service\n', text)
        self.assertIn('Exec=@sbindir@/modemd\n', text)


class PolkitPolicyTest(unittest.TestCase):
    def test_actions(self):
        root = ET.parse(SRCDIR / 'data' / 'polkit' / 'org.example.Modem1.policy').getroot()
        found = {}
        for action in root.iter('action'):
            d = action.find('defaults')
            found[action.get('id')] = (d.findtext('allow_any'), d.findtext('allow_inactive'),
                                       d.findtext('allow_active'))
            self.assertTrue(action.findtext('description'))
            self.assertTrue(action.findtext('message'))
        self.assertEqual(found, ACTIONS)


class SystemdUnitTest(unittest.TestCase):
    def unit_text(self, execstart):
        text = (SRCDIR / 'data' / 'systemd' / 'modemd.service.in').read_text()
        return text.replace('@sbindir@/modemd', execstart)

    def write_unit(self, execstart):
        d = tempfile.mkdtemp(prefix='modemd-unit-')
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        path = os.path.join(d, 'modemd.service')
        with open(path, 'w') as f:
            f.write(self.unit_text(execstart))
        return path

    def setUp(self):
        if not shutil.which('systemd-analyze'):
            self.skipTest('systemd-analyze not installed')

    def test_verify(self):
        # verify checks that ExecStart exists: use the built daemon if we have it.
        exe = os.environ.get('MODEMD') or shutil.which('true')
        path = self.write_unit(exe)
        res = subprocess.run(['systemd-analyze', 'verify', path], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        # Unknown or misspelled settings are only warnings: fail on them too.
        self.assertNotRegex(res.stderr, r'Unknown (key|section)|Failed to parse', res.stderr)

    def test_security_exposure(self):
        path = self.write_unit('/usr/sbin/modemd')
        res = subprocess.run(['systemd-analyze', 'security', '--offline=true',
                              '--no-pager', path],
                             capture_output=True, text=True, timeout=60)
        m = re.search(r'Overall exposure level for \S+: ([0-9.]+)', res.stdout)
        self.assertTrue(m, res.stdout + res.stderr)
        exposure = float(m.group(1))
        print(f'systemd-analyze security exposure: {exposure}', file=sys.stderr)
        self.assertLessEqual(exposure, MAX_EXPOSURE, res.stdout)

    def test_built_unit_matches(self):
        # The configured unit in the build dir carries the real sbindir.
        if not BUILDDIR:
            self.skipTest('MODEMD_BUILDDIR not set')
        text = (Path(BUILDDIR) / 'data' / 'modemd.service').read_text()
        self.assertNotIn('@sbindir@', text)
        self.assertRegex(text, r'(?m)^ExecStart=/\S+/modemd$')


if __name__ == '__main__':
    unittest.main(verbosity=2)
