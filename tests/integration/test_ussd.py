#!/usr/bin/python3
"""USSD end to end on QMI (VOICE), AT (+CUSD) and MBIM (the USSD service):
modemd driving modem-sim, whose network answers *100#, *101# (UCS-2) and the
*111# menu and starts sessions of its own through the control socket, on a
private system bus with the real polkitd, through D-Bus and modemctl.

Needs root (exits 77 otherwise)."""

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402

USSD_IFACE = 'org.example.Modem1.Modem.Modem3gpp.Ussd'
# MMModem3gppUssdSessionState
IDLE, ACTIVE, USER_RESPONSE = 1, 2, 3
BALANCE = 'Balance: 5.00 EUR'
MENU = 'Menu: 1 Balance, 2 Data'


class UssdTests:
    """The tests; a subclass per protocol says how to start the modem."""

    protocol = None
    requests = None  # a sim log line of a USSD request that reached the modem

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix=f'modemd-ussd-{self.protocol}-')
        self.addCleanup(self.tmp.cleanup)

    def start(self, *extra):
        link = os.path.join(self.tmp.name, 'port')
        self.start_modem([f'--protocol={self.protocol}', f'--link={link}', *extra],
                         f'{self.protocol}:{link}')
        self.enable_registered()

    def initiate(self, text):
        return self.call(self.modem, USSD_IFACE, 'Initiate', (text,), '(s)',
                         reply_type='(s)')[0]

    def respond(self, text):
        return self.call(self.modem, USSD_IFACE, 'Respond', (text,), '(s)',
                         reply_type='(s)')[0]

    def state(self):
        return self.prop('State', USSD_IFACE)

    def sent(self):
        return [line for line in self.sim.lines if re.search(self.requests, line)]

    # ---- tests ----------------------------------------------------------

    def test_notification(self):
        self.start()
        self.assertEqual(self.state(), IDLE)
        self.assertEqual(self.initiate('*100#'), BALANCE)
        self.assertEqual(self.state(), IDLE)
        self.sim.wait_for_line(r'event: ussd initiate "\*100#"')

    def test_menu_with_respond(self):
        self.start()
        self.assertEqual(self.initiate('*111#'), MENU)
        self.assertEqual(self.state(), USER_RESPONSE)
        self.assertEqual(self.prop('NetworkRequest', USSD_IFACE), MENU)
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', self.modem, USSD_IFACE,
                             'Initiate', ('*100#',), '(s)')
        self.assertEqual(self.respond('3'), 'Invalid choice. ' + MENU)
        self.assertEqual(self.state(), USER_RESPONSE)
        self.assertEqual(self.respond('2'), 'Data: 1.5 GB left')
        self.assertEqual(self.state(), IDLE)

    def test_cancel(self):
        self.start()
        self.initiate('*111#')
        self.call(self.modem, USSD_IFACE, 'Cancel')
        self.assertEqual(self.state(), IDLE)
        self.sim.wait_for_line('event: ussd cancelled')
        # a new session can start at once
        self.assertEqual(self.initiate('*100#'), BALANCE)

    def test_network_initiated(self):
        self.start()
        self.sim.control.send('ussd-notify Your bundle renews tomorrow')
        self.wait_prop('NetworkNotification', lambda v: v == 'Your bundle renews tomorrow',
                       iface=USSD_IFACE)
        self.assertEqual(self.state(), IDLE)
        self.sim.control.send('ussd-network Reply 1 to confirm the offer')
        self.wait_prop('State', lambda v: v == USER_RESPONSE, iface=USSD_IFACE)
        self.assertEqual(self.prop('NetworkRequest', USSD_IFACE),
                         'Reply 1 to confirm the offer')
        self.assertEqual(self.respond('1'), 'Thank you')
        self.assertEqual(self.state(), IDLE)
        # the network ends a session it started
        self.sim.control.send('ussd-network Reply or wait')
        self.wait_prop('State', lambda v: v == USER_RESPONSE, iface=USSD_IFACE)
        self.sim.control.send('ussd-release')
        self.wait_prop('State', lambda v: v == IDLE, iface=USSD_IFACE)

    def test_ucs2_answer(self):
        self.start()
        self.assertEqual(self.initiate('*101#'), 'Баланс: 5.00 EUR')

    def test_bad_input(self):
        self.start()
        for text in ('1' * 183, 'Ж' * 81, '*100#\r\nATH', '*1"00#', ''):
            self.assertDBusError(h.ERROR_PREFIX + 'Core.InvalidArgs', self.modem, USSD_IFACE,
                                 'Initiate', (text,), '(s)')
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', self.modem, USSD_IFACE,
                             'Respond', ('1',), '(s)')
        self.assertEqual(self.sent(), [], 'a refused request reached the modem')
        self.assertEqual(self.state(), IDLE)

    def test_unprivileged_refused(self):
        self.start()
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, USSD_IFACE + '.Initiate', '*100#',
                           user=h.TEST_USER)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('Core.Unauthorized', res.stderr)
        self.assertEqual(self.sent(), [])

    def test_modemctl(self):
        self.start()
        rc, out, err = self.modemctl('-m', self.modem, '--3gpp-ussd-initiate=*111#')
        self.assertIn(MENU, out)
        status = h.run_modemctl_json(['-m', self.modem, '--3gpp-ussd-status'], bus=self.bus)
        ussd = status['modem']['3gpp']['ussd']
        self.assertEqual(ussd['status'], 'user-response')
        self.assertEqual(ussd['network-request'], MENU)
        rc, out, err = self.modemctl('-m', self.modem, '--3gpp-ussd-respond=1')
        self.assertIn(BALANCE, out)
        self.modemctl('-m', self.modem, '--3gpp-ussd-initiate=*111#')
        self.modemctl('-m', self.modem, '--3gpp-ussd-cancel')
        self.assertEqual(self.state(), IDLE)


class QmiUssdTest(UssdTests, h.ModemTestCase):
    protocol = 'qmi'
    requests = r'rx qmi VOICE (OriginateUSSD|AnswerUSSD)'

    def test_without_no_wait(self):
        """Firmware without Originate USSD No Wait: Originate USSD answers."""
        self.start('--qmi-no-ussd-no-wait')
        self.assertEqual(self.initiate('*100#'), BALANCE)
        self.assertEqual(self.initiate('*111#'), MENU)
        self.assertEqual(self.respond('1'), BALANCE)
        self.assertEqual(len([line for line in self.sim.lines
                              if 'rx qmi VOICE OriginateUSSDNoWait' in line]), 1)


class AtUssdTest(UssdTests, h.ModemTestCase):
    protocol = 'at'
    requests = r'rx at AT\+CUSD=1,'

    def test_packed_hex_modem(self):
        """A modem that wants and gives 7-bit packed septets as hex."""
        self.start('--at-ussd-packed-hex')
        self.assertEqual(self.initiate('*100#'), BALANCE)
        self.sim.wait_for_line(r'rx at AT\+CUSD=1,"AA180C3602",15')
        self.assertEqual(self.initiate('*111#'), MENU)
        self.assertEqual(self.respond('2'), 'Data: 1.5 GB left')


class MbimUssdTest(UssdTests, h.ModemTestCase):
    protocol = 'mbim'
    requests = r'rx mbim USSD Ussd set .*action=[01]'

    def test_no_voice(self):
        self.start()
        objects = self.managed_objects()[self.modem]
        self.assertIn(USSD_IFACE, objects)
        self.assertNotIn('org.example.Modem1.Modem.Voice', objects)


if __name__ == '__main__':
    h.main()
