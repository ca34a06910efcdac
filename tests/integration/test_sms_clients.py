#!/usr/bin/python3
"""SMS and cell broadcast through the clients: modemctl with mmcli's flags,
keys and values, and Debian's real mmcli against modemd --compat, on a QMI
modem served by modem-sim, on a private system bus with the real polkitd.

Needs root (exits 77 otherwise); the mmcli test skips without mmcli
(package modemmanager)."""

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import sms_pdu  # noqa: E402

COMPAT = 'org.freedesktop.ModemManager1'
COMPAT_MODEM = 'org.freedesktop.ModemManager1.Modem'
MSG_IFACE = 'org.example.Modem1.Modem.Messaging'
SENDER = '+491701234567'
RECIPIENT = '+491709876543'


def parse_keyvalue(text):
    """-K output as {key: value}."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(' : ')
        if sep:
            out[key.strip()] = value.strip()
    return out


def unescape(value):
    """A -K value as mmcli and modemctl escape it (g_strescape) back to text."""
    return value.encode('ascii').decode('unicode_escape').encode('latin-1').decode('utf-8')


def listed(kv, key):
    """The values of a -K list, in order."""
    n = int(kv.get(f'{key}.length', '0'))
    return [kv[f'{key}.value[{i}]'] for i in range(1, n + 1)]


class SmsClientBase(h.ModemTestCase):
    extra_daemon_args = ()

    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix='modemd-sms-clients-')
        self.addCleanup(tmp.cleanup)
        self.tmp = tmp.name
        link = os.path.join(tmp.name, 'cdc-wdm0')
        self.sim = self.start_sim('--protocol=qmi', f'--link={link}')
        self.start_daemon(*self.extra_daemon_args, f'--port=qmi:{link},net:wwan7')
        self.wait_for_modem()
        self.enable_registered()
        self.wait_prop('DefaultStorage', lambda v: v != 0, iface=MSG_IFACE)

    def ctl_k(self, *args):
        return parse_keyvalue(self.modemctl(*args, '-K')[1])

    def messages(self):
        return self.prop('Messages', MSG_IFACE)


class ModemctlSmsTest(SmsClientBase):
    """modemctl's messaging and cell broadcast options, end to end."""

    def test_create_send_show_list_delete(self):
        rc, out, _ = self.modemctl('-m', '0', f"--messaging-create-sms=number='{RECIPIENT}',"
                                   "text='Hello, world',delivery-report-request=yes,validity=60")
        path = re.search(r'Successfully created new SMS: (\S+)', out).group(1)
        kv = self.ctl_k('-s', path)
        self.assertEqual(kv['sms.dbus-path'], path)
        self.assertEqual(kv['sms.content.number'], RECIPIENT)
        self.assertEqual(kv['sms.content.text'], 'Hello, world')
        self.assertEqual(kv['sms.properties.pdu-type'], 'submit')
        self.assertEqual(kv['sms.properties.delivery-report'], 'requested')
        self.assertEqual(kv['sms.properties.validity'], '60')
        self.assertEqual(kv['sms.properties.message-reference'], '--')
        index = path.rsplit('/', 1)[1]
        self.assertIn('successfully sent the SMS', self.modemctl('-s', index, '--send')[1])
        (reference, pdu), = [tuple(x.split(':')) for x in
                             self.sim.control.send('sms-sent').split()[1:]]
        self.assertEqual(sms_pdu.decode_submit(bytes.fromhex(pdu))['text'], 'Hello, world')
        kv = self.ctl_k('-s', index)
        self.assertEqual(kv['sms.properties.state'], 'sent')
        self.assertEqual(kv['sms.properties.message-reference'], reference)
        # the report turns the delivery state (mmcli shows it for reports only)
        self.sim.control.send(f'sms-status-report {reference} delivered')
        self.wait_prop('DeliveryState', lambda v: v == 0, iface='org.example.Modem1.Sms', path=path)

        self.sim.control.send(f'sms-deliver {SENDER} Incoming')
        h.wait_until(lambda: len(self.messages()) == 2, 10, 'the incoming message')
        kv = self.ctl_k('-m', '0', '--messaging-list-sms')
        self.assertEqual(listed(kv, 'modem.messaging.sms'), self.messages())
        data = h.run_modemctl_json(['-m', '0', '--messaging-list-sms'], bus=self.bus)
        self.assertEqual(data, {'modem.messaging.sms': self.messages()})
        human = self.modemctl('-m', '0', '--messaging-list-sms')[1]
        self.assertIn(f'{self.messages()[1]} (received)', human)
        received = self.ctl_k('-s', self.messages()[1])
        self.assertEqual((received['sms.properties.pdu-type'], received['sms.properties.storage'],
                          received['sms.content.number']), ('deliver', 'me', SENDER))

        self.modemctl('-m', '0', f'--messaging-delete-sms={index}')
        self.assertNotIn(path, self.messages())
        rc, _, err = self.modemctl('-s', index, ok=False)
        self.assertEqual(rc, 1)
        self.assertIn('not found', err)

    def test_status_store_and_refusals(self):
        kv = self.ctl_k('-m', '0', '--messaging-status')
        self.assertEqual(kv['modem.messaging.supported-storages'], 'sm, me')
        self.assertEqual(kv['modem.messaging.default-storages'], 'me')
        path = json.loads(self.modemctl('-m', '0', '-J', "--messaging-create-sms="
                                        f"number={RECIPIENT},text=later")[1])['sms']['dbus-path']
        self.modemctl('-s', path, '--store-in-storage=sm')
        self.assertEqual(self.ctl_k('-s', path)['sms.properties.storage'], 'sm')
        self.assertEqual(len(self.sim.control.send('sms-list SM').split()), 2)
        # refused before any D-Bus traffic: unknown key, bad class
        for bad in ('number=1,text=x,colour=red', 'number=1,text=x,class=x'):
            rc, _, err = self.modemctl('-m', '0', f'--messaging-create-sms={bad}', ok=False)
            self.assertEqual(rc, 1)
            self.assertIn('invalid SMS properties', err)
        # refused by the daemon, whose error name is printed
        rc, _, err = self.modemctl('-m', '0', '--messaging-create-sms=text=no-number', ok=False)
        self.assertEqual(rc, 1)
        self.assertIn('org.example.Modem1.Error.Core.InvalidArgs', err)
        rc, _, err = self.modemctl('--send', ok=False)
        self.assertIn('needs an SMS', err)
        self.assertEqual(len(self.messages()), 1)

    def test_cell_broadcast(self):
        self.modemctl('-m', '0', '--cell-broadcast-set-channels=50,4370-4383')
        self.assertEqual(self.ctl_k('-m', '0', '--cell-broadcast-status'),
                         {'modem.cell-broadcast.channels': '50,4370-4383'})
        self.sim.control.send('cbm 4372 Test broadcast on a warning channel')
        h.wait_until(lambda: listed(self.ctl_k('-m', '0', '--cell-broadcast-list-cbm'),
                                    'modem.cell-broadcast.cbm'), 10, 'a Cbm')
        (path,) = listed(self.ctl_k('-m', '0', '--cell-broadcast-list-cbm'),
                         'modem.cell-broadcast.cbm')
        kv = self.ctl_k('--cbm', path)
        self.assertEqual(kv['cbm.content.text'], 'Test broadcast on a warning channel')
        self.assertEqual(kv['cbm.properties.channel'], '4372')
        self.modemctl('-m', '0', f'--cell-broadcast-delete-cbm={path}')
        self.assertEqual(self.ctl_k('-m', '0', '--cell-broadcast-list-cbm'),
                         {'modem.cell-broadcast.cbm.length': '0'})
        rc, _, err = self.modemctl('-m', '0', '--cell-broadcast-set-channels=5-1', ok=False)
        self.assertEqual(rc, 1)


class MmcliSmsTest(SmsClientBase):
    """The reference's own client against modemd --compat: the mmcli flow of
    the issue, and modemctl -K equal to mmcli -K for every key both print."""

    extra_daemon_args = ('--compat',)

    def setUp(self):
        self.mmcli_path = shutil.which('mmcli')
        if self.mmcli_path is None:
            self.skipTest('mmcli not installed (package modemmanager)')
        super().setUp()
        self.bus.wait_for_name(COMPAT, 10, proc=self.daemon.proc, what='modemd --compat')

    def mmcli(self, *args, ok=True):
        res = h.run([self.mmcli_path] + list(args), env=self.bus.env, timeout=60)
        self.assertNotIn('WARNING', res.stderr)
        if ok:
            self.assertEqual(res.returncode, 0, f'mmcli {args}: {res.stdout} {res.stderr}')
        return res

    def assert_same_keys(self, mm, ours, prefix):
        """Every key both print under prefix has one value."""
        common = [k for k in mm if k.startswith(prefix) and k in ours]
        self.assertGreater(len(common), 10)
        for key in common:
            if key.endswith('dbus-path'):
                continue
            self.assertEqual(mm[key], ours[key], key)

    def test_mmcli_flow(self):
        out = self.mmcli('-m', '0', f"--messaging-create-sms=text='Hello from mmcli',"
                         f"number='{RECIPIENT}'").stdout
        path = re.search(r'Successfully created new SMS: (\S+)', out).group(1)
        self.assertTrue(path.startswith('/org/freedesktop/ModemManager1/SMS/'))
        self.assertIn('successfully sent the SMS', self.mmcli('-s', path, '--send').stdout)
        (_, pdu), = [tuple(x.split(':')) for x in self.sim.control.send('sms-sent').split()[1:]]
        self.assertEqual(sms_pdu.decode_submit(bytes.fromhex(pdu))['destination'], RECIPIENT)

        self.sim.control.send(f'sms-deliver {SENDER} Grüße über mmcli')
        h.wait_until(lambda: len(self.messages()) == 2, 10, 'the incoming message')
        mm = parse_keyvalue(self.mmcli('-m', '0', '--messaging-list-sms', '-K').stdout)
        paths = listed(mm, 'modem.messaging.sms')
        self.assertEqual([p.rsplit('/', 1)[1] for p in paths],
                         [p.rsplit('/', 1)[1] for p in self.messages()])
        for index in ('0', '1'):
            mm = parse_keyvalue(self.mmcli('-s', index, '-K').stdout)
            self.assert_same_keys(mm, self.ctl_k('-s', index), 'sms.')
        text = parse_keyvalue(self.mmcli('-s', '1', '-K').stdout)['sms.content.text']
        self.assertEqual(unescape(text), 'Grüße über mmcli')
        status = parse_keyvalue(self.mmcli('-m', '0', '--messaging-status', '-K').stdout)
        self.assertEqual(status, self.ctl_k('-m', '0', '--messaging-status'))

        self.assertIn('successfully deleted', self.mmcli('-m', '0', '--messaging-delete-sms=1').stdout)
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(self.sim.control.send('sms-list ME'), 'ok')


if __name__ == '__main__':
    h.main()
