#!/usr/bin/python3
"""Calls and USSD with the reference's own client: Debian's mmcli drives
modemd --compat (org.freedesktop.ModemManager1) over a QMI modem (calls and
USSD) and an MBIM modem (USSD), next to modemctl on the native names, whose
-K output must equal mmcli's for every key both print.

Needs root (exits 77 otherwise) and mmcli (package modemmanager; ModemManager
itself is never started)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402

COMPAT = 'org.freedesktop.ModemManager1'
COMPAT_PATH = '/org/freedesktop/ModemManager1'
COMPAT_CALL = COMPAT + '.Call'
CALLEE = '+4930123456'
CALLER = '+491701234567'
ACTIVE, TERMINATED = 4, 7


def parse_keyvalue(text):
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(' : ')
        if sep:
            out[key.strip()] = value.strip()
    return out


class MmcliVoiceTest(h.IntegrationTestCase):

    def setUp(self):
        if shutil.which('mmcli') is None:
            self.skipTest('mmcli not installed (package modemmanager)')
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix='modemd-voice-compat-')
        self.addCleanup(tmp.cleanup)
        qmi_link = os.path.join(tmp.name, 'cdc-wdm0')
        mbim_link = os.path.join(tmp.name, 'cdc-wdm1')
        self.qmi_sim = self.start_sim('--protocol=qmi', f'--link={qmi_link}')
        self.mbim_sim = self.start_sim('--protocol=mbim', f'--link={mbim_link}')
        self.start_daemon('--compat', f'--port=qmi:{qmi_link}', f'--port=mbim:{mbim_link}')
        self.bus.wait_for_name(COMPAT, 10, proc=self.daemon.proc, what='modemd --compat')
        self.qmi, self.mbim = self.wait_for_modems()
        for index in (self.qmi, self.mbim):
            self.mmcli('-m', index, '-e')
            h.wait_until(lambda i=index: self.mmcli_k('-m', i)['modem.generic.state']
                         == 'registered', 20, 'registration')

    def wait_for_modems(self):
        """The indexes of the QMI and the MBIM modem, once the compat export
        lists them (it does once they are initialized)."""
        box = {}

        def find():
            objects = h.call(self.bus.conn, COMPAT_PATH, 'org.freedesktop.DBus.ObjectManager',
                             'GetManagedObjects', reply_type='(a{oa{sa{sv}}})',
                             dest=COMPAT)[0]
            for path, ifaces in objects.items():
                modem = ifaces.get(COMPAT + '.Modem')
                if modem:
                    box[modem['Plugin']] = path.rsplit('/', 1)[1]
            return 'qmi' in box and 'mbim' in box

        h.wait_until(find, 20, 'both modems on the compat name')
        return box['qmi'], box['mbim']

    def mmcli(self, *args, ok=True, user=None):
        res = h.run(['mmcli', *args], env=self.bus.env, user=user)
        if ok:
            self.assertEqual(res.returncode, 0, f'mmcli {args}: {res.stdout} {res.stderr}')
        return res

    def mmcli_k(self, *args):
        return parse_keyvalue(self.mmcli(*args, '-K').stdout)

    def modemctl_k(self, *args):
        rc, out, err = h.run_modemctl([*args, '-K'], bus=self.bus)
        self.assertEqual(rc, 0, err)
        return parse_keyvalue(out)

    def assert_same_keys(self, mmcli_kv, modemctl_kv):
        common = set(mmcli_kv) & set(modemctl_kv)
        self.assertTrue(common)
        for key in sorted(common):
            # paths differ in their prefix only
            self.assertEqual(mmcli_kv[key].replace(COMPAT_PATH, h.MANAGER_PATH),
                             modemctl_kv[key], key)

    def wait_call_state(self, index, state):
        path = f'{COMPAT_PATH}/Call/{index}'
        h.wait_until(lambda: h.get_property(self.bus.conn, path, COMPAT_CALL, 'State',
                                            dest=COMPAT) == state, 20, f'call state {state}')

    def test_call_with_mmcli(self):
        res = self.mmcli('-m', self.qmi, f'--voice-create-call=number={CALLEE}')
        call = res.stdout.strip().rsplit('/', 1)[1]
        self.mmcli('-o', call, '--start')
        self.qmi_sim.wait_for_line(r'event: call \d alerting')
        self.qmi_sim.control.send('call-remote-answer')
        self.wait_call_state(call, ACTIVE)
        kv = self.mmcli_k('-o', call)
        self.assertEqual(kv['call.properties.state'], 'active')
        self.assertEqual(kv['call.properties.number'], CALLEE)
        self.assert_same_keys(kv, self.modemctl_k('-o', call))
        self.mmcli('-o', call, '--send-dtmf=1*')
        self.qmi_sim.wait_for_line(r'dtmf \* \(heard: 1\*\)')
        self.assertNotEqual(self.mmcli('-o', call, '--start', ok=False).returncode, 0)
        self.mmcli('-o', call, '--hangup')
        self.wait_call_state(call, TERMINATED)
        listed = self.mmcli_k('-m', self.qmi, '--voice-list-calls')
        self.assertEqual(listed['modem.voice.call.length'], '1')
        self.assert_same_keys(listed, self.modemctl_k('-m', self.qmi, '--voice-list-calls'))
        self.mmcli('-m', self.qmi, f'--voice-delete-call={call}')
        self.assertIn('No calls', self.mmcli('-m', self.qmi, '--voice-list-calls').stdout)

        # an incoming call, accepted with mmcli
        self.qmi_sim.control.send(f'call-incoming {CALLER}')
        h.wait_until(lambda: self.mmcli_k('-m', self.qmi, '--voice-list-calls')
                     .get('modem.voice.call.length') == '1', 20, 'the incoming call')
        path = self.mmcli_k('-m', self.qmi, '--voice-list-calls')['modem.voice.call.value[1]']
        call = path.rsplit('/', 1)[1]
        kv = self.mmcli_k('-o', call)
        self.assertEqual(kv['call.properties.direction'], 'incoming')
        self.assertEqual(kv['call.properties.number'], CALLER)
        self.mmcli('-o', call, '--accept')
        self.wait_call_state(call, ACTIVE)
        self.mmcli('-m', self.qmi, '--voice-hangup-all')
        self.wait_call_state(call, TERMINATED)
        self.assert_same_keys(self.mmcli_k('-m', self.qmi, '--voice-status'),
                              self.modemctl_k('-m', self.qmi, '--voice-status'))

    def test_ussd_with_mmcli(self):
        for index, sim in ((self.qmi, self.qmi_sim), (self.mbim, self.mbim_sim)):
            res = self.mmcli('-m', index, '--3gpp-ussd-initiate=*111#')
            self.assertIn("new reply from network: 'Menu: 1 Balance, 2 Data'", res.stdout)
            kv = self.mmcli_k('-m', index, '--3gpp-ussd-status')
            self.assertEqual(kv['modem.3gpp.ussd.status'], 'user-response')
            self.assertEqual(kv['modem.3gpp.ussd.network-request'], 'Menu: 1 Balance, 2 Data')
            self.assert_same_keys(kv, self.modemctl_k('-m', index, '--3gpp-ussd-status'))
            res = self.mmcli('-m', index, '--3gpp-ussd-respond=1')
            self.assertIn("'Balance: 5.00 EUR'", res.stdout)
            res = self.mmcli('-m', index, '--3gpp-ussd-initiate=*101#')
            self.assertIn("'Баланс: 5.00 EUR'", res.stdout)
            self.mmcli('-m', index, '--3gpp-ussd-initiate=*111#')
            self.mmcli('-m', index, '--3gpp-ussd-cancel')
            sim.wait_for_line('event: ussd cancelled')
            self.assertEqual(self.mmcli_k('-m', index, '--3gpp-ussd-status')
                             ['modem.3gpp.ussd.status'], 'idle')

    def test_unprivileged_mmcli_refused(self):
        res = self.mmcli('-m', self.qmi, f'--voice-create-call=number={CALLEE}', ok=False,
                         user=h.TEST_USER)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(COMPAT + '.Error.Core.Unauthorized', res.stderr)
        res = self.mmcli('-m', self.mbim, '--3gpp-ussd-initiate=*100#', ok=False,
                         user=h.TEST_USER)
        self.assertIn(COMPAT + '.Error.Core.Unauthorized', res.stderr)
        self.assertFalse([line for line in self.mbim_sim.lines if 'rx mbim USSD' in line])
        # reading is open
        self.assertEqual(self.mmcli('-m', self.qmi, '--voice-list-calls',
                                    user=h.TEST_USER).returncode, 0)


if __name__ == '__main__':
    h.main()
