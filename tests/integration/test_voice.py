#!/usr/bin/python3
"""Voice calls end to end, on QMI (VOICE service) and AT (27.007): modemd
driving modem-sim, whose control socket plays the other party, on a private
system bus with the real polkitd, through D-Bus and modemctl.

Needs root (exits 77 otherwise)."""

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402

VOICE_IFACE = 'org.example.Modem1.Modem.Voice'
CALL_IFACE = 'org.example.Modem1.Call'
USSD_IFACE = 'org.example.Modem1.Modem.Modem3gpp.Ussd'

# MMCallState, MMCallStateReason, MMCallDirection
UNKNOWN, DIALING, RINGING_OUT, RINGING_IN, ACTIVE, HELD, WAITING, TERMINATED = range(8)
REASON_TERMINATED, REASON_REFUSED_OR_BUSY = 4, 5
INCOMING, OUTGOING = 1, 2

CALLEE = '+4930123456'
CALLER = '+491701234567'
SECOND_CALLER = '+491709876543'


class VoiceTests:
    """The tests; a subclass per protocol says how to start the modem."""

    protocol = None

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix=f'modemd-voice-{self.protocol}-')
        self.addCleanup(self.tmp.cleanup)

    def start(self, *extra):
        link = os.path.join(self.tmp.name, 'port')
        self.start_modem([f'--protocol={self.protocol}', f'--link={link}', *extra],
                         f'{self.protocol}:{link}')
        self.enable_registered()

    # ---- helpers --------------------------------------------------------

    def calls(self):
        return self.prop('Calls', VOICE_IFACE)

    def call_prop(self, call, name):
        return self.prop(name, CALL_IFACE, call)

    def wait_call_state(self, call, state, timeout=20):
        return self.wait_prop('State', lambda s: s == state, iface=CALL_IFACE, path=call,
                              timeout=timeout)

    def create_call(self, number=CALLEE):
        return self.call(self.modem, VOICE_IFACE, 'CreateCall',
                         ({'number': h.GLib.Variant('s', number)},), '(a{sv})',
                         reply_type='(o)')[0]

    def wait_call_added(self, trigger):
        return h.wait_for_signal(self.bus.conn, VOICE_IFACE, 'CallAdded', path=self.modem,
                                 trigger=trigger)[0]

    def sim_lines(self, pattern):
        rx = re.compile(pattern)
        return [line for line in self.sim.lines if rx.search(line)]

    def outgoing_active(self, number=CALLEE):
        call = self.create_call(number)
        self.call(call, CALL_IFACE, 'Start')
        self.wait_call_state(call, RINGING_OUT)
        self.sim.control.send('call-remote-answer')
        self.wait_call_state(call, ACTIVE)
        return call

    # ---- tests ----------------------------------------------------------

    def test_outgoing_call(self):
        self.start()
        call = self.wait_call_added(lambda: self.create_call())
        self.assertEqual(self.calls(), [call])
        self.assertEqual(self.call_prop(call, 'Direction'), OUTGOING)
        self.assertEqual(self.call_prop(call, 'Number'), CALLEE)
        self.assertEqual(self.call_prop(call, 'State'), UNKNOWN)

        self.call(call, CALL_IFACE, 'Start')
        self.wait_call_state(call, RINGING_OUT)
        self.sim.wait_for_line(r'event: call \d alerting')
        self.sim.control.send('call-remote-answer')
        self.wait_call_state(call, ACTIVE)
        self.assertEqual(self.call_prop(call, 'StateReason'), 3)  # accepted

        self.call(call, CALL_IFACE, 'SendDtmf', ('123#',), '(s)')
        self.sim.wait_for_line(r'dtmf # \(heard: 123#\)')

        self.call(call, CALL_IFACE, 'Hangup')
        self.wait_call_state(call, TERMINATED)
        self.sim.wait_for_line(r'event: call \d ended local')
        deleted = h.wait_for_signal(
            self.bus.conn, VOICE_IFACE, 'CallDeleted', path=self.modem,
            trigger=lambda: self.call(self.modem, VOICE_IFACE, 'DeleteCall', (call,), '(o)'))
        self.assertEqual(deleted[0], call)
        self.assertEqual(self.calls(), [])

    def test_incoming_call(self):
        self.start()
        call = self.wait_call_added(lambda: self.sim.control.send(f'call-incoming {CALLER}'))
        self.assertEqual(self.call_prop(call, 'Direction'), INCOMING)
        self.wait_prop('Number', lambda n: n == CALLER, iface=CALL_IFACE, path=call)
        self.wait_call_state(call, RINGING_IN)
        self.assertEqual(self.call_prop(call, 'StateReason'), 2)  # incoming new

        self.call(call, CALL_IFACE, 'Accept')
        self.wait_call_state(call, ACTIVE)
        self.sim.control.send('call-remote-hangup')
        self.wait_call_state(call, TERMINATED)
        self.assertEqual(self.call_prop(call, 'StateReason'), REASON_TERMINATED)

    def test_call_waiting_hold_and_accept_conference(self):
        self.start()
        self.assertTrue(self.call(self.modem, VOICE_IFACE, 'CallWaitingQuery',
                                  reply_type='(b)')[0])
        first = self.outgoing_active()
        second = self.wait_call_added(
            lambda: self.sim.control.send(f'call-waiting {SECOND_CALLER}'))
        self.wait_call_state(second, WAITING)
        self.wait_prop('Number', lambda n: n == SECOND_CALLER, iface=CALL_IFACE, path=second)

        self.call(self.modem, VOICE_IFACE, 'HoldAndAccept')
        self.wait_call_state(first, HELD)
        self.wait_call_state(second, ACTIVE)

        # a conference of both
        self.call(second, CALL_IFACE, 'JoinMultiparty')
        self.wait_call_state(first, ACTIVE)
        for call in (first, second):
            self.wait_prop('Multiparty', lambda m: m, iface=CALL_IFACE, path=call)
        self.sim.wait_for_line('event: conference of 2 calls')

        self.call(self.modem, VOICE_IFACE, 'HangupAll')
        self.wait_call_state(first, TERMINATED)
        self.wait_call_state(second, TERMINATED)

        # With call waiting off the network keeps the second caller out.
        self.call(self.modem, VOICE_IFACE, 'CallWaitingSetup', (False,), '(b)')
        self.sim.wait_for_line('event: call waiting off')
        self.assertFalse(self.call(self.modem, VOICE_IFACE, 'CallWaitingQuery',
                                   reply_type='(b)')[0])

    def test_bad_input(self):
        self.start()
        for number in ('12ab', '555\x1b1234', '1;ATH', ''):
            self.assertDBusError(h.ERROR_PREFIX + 'Core.InvalidArgs', self.modem, VOICE_IFACE,
                                 'CreateCall', ({'number': h.GLib.Variant('s', number)},),
                                 '(a{sv})')
        self.assertEqual(self.sim_lines(self.call_requests), [])
        call = self.outgoing_active()
        sent = len(self.sim_lines(self.call_requests))
        for dtmf in ('12x', '1 2', '#;ATH', 'E', '1' * 33):
            self.assertDBusError(h.ERROR_PREFIX + 'Core.InvalidArgs', call, CALL_IFACE,
                                 'SendDtmf', (dtmf,), '(s)')
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', call, CALL_IFACE, 'Start')
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', call, CALL_IFACE, 'Accept')
        self.assertEqual(len(self.sim_lines(self.call_requests)), sent,
                         'a refused request reached the modem')
        self.assertEqual(self.sim_lines(r'dtmf'), [])

    def test_unprivileged_refused(self):
        self.start()
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, VOICE_IFACE + '.CreateCall',
                           "{'number': <'112'>}", user=h.TEST_USER)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('Core.Unauthorized', res.stderr)
        # reading is open to everyone
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, VOICE_IFACE + '.ListCalls',
                           user=h.TEST_USER)
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_emergency_numbers(self):
        self.start('--sim-ecc=112,999,110')
        sim = self.prop('Sim')
        self.wait_prop('EmergencyNumbers', lambda v: v == ['112', '999', '110'],
                       iface=h.SIM_IFACE, path=sim)

    def test_modemctl(self):
        self.start()
        rc, out, err = self.modemctl('-m', self.modem, f'--voice-create-call=number={CALLEE}')
        call = out.strip().split()[-1]
        self.assertTrue(call.startswith('/org/example/Modem1/Call/'), out)
        index = call.rsplit('/', 1)[1]
        self.modemctl('-o', index, '--start')
        self.wait_call_state(call, RINGING_OUT)
        listed = h.run_modemctl_json(['-m', self.modem, '--voice-list-calls'], bus=self.bus)
        self.assertEqual(listed['modem']['voice']['call'], [call])
        shown = h.run_modemctl_json(['-o', index], bus=self.bus)
        self.assertEqual(shown['call']['properties']['number'], CALLEE)
        self.assertEqual(shown['call']['properties']['direction'], 'outgoing')
        self.assertEqual(shown['call']['properties']['state'], 'ringing-out')
        self.sim.control.send('call-remote-answer')
        self.wait_call_state(call, ACTIVE)
        self.modemctl('-o', index, '--send-dtmf=5')
        self.sim.wait_for_line(r'dtmf 5 \(heard: 5\)')
        rc, out, err = self.modemctl('-o', index, '--send-dtmf=5x', ok=False)
        self.assertNotEqual(rc, 0)
        self.modemctl('-o', index, '--hangup')
        self.wait_call_state(call, TERMINATED)
        self.modemctl('-m', self.modem, f'--voice-delete-call={index}')
        self.assertEqual(self.calls(), [])


class QmiVoiceTest(VoiceTests, h.ModemTestCase):
    protocol = 'qmi'
    # what acts on calls (not the reads of the call list)
    call_requests = r'rx qmi VOICE (DialCall|AnswerCall|EndCall|StartContinuousDTMF|ManageCalls)'

    def test_remote_party_rejects(self):
        self.start()
        call = self.create_call()
        self.call(call, CALL_IFACE, 'Start')
        self.wait_call_state(call, RINGING_OUT)
        self.sim.control.send('call-remote-hangup')
        self.wait_call_state(call, TERMINATED)


class AtVoiceTest(VoiceTests, h.ModemTestCase):
    protocol = 'at'
    call_requests = r'rx at (ATD|ATA|AT\+VTS|AT\+CHLD|AT\+CHUP)'

    def test_reject_incoming(self):
        self.start()
        call = self.wait_call_added(lambda: self.sim.control.send(f'call-incoming {CALLER}'))
        self.wait_call_state(call, RINGING_IN)
        self.call(call, CALL_IFACE, 'Hangup')
        self.wait_call_state(call, TERMINATED)
        self.sim.wait_for_line(r'event: call \d ended rejected')


class QmiWithoutVoiceServiceTest(h.ModemTestCase):
    """A data-only QMI module (no VOICE service) offers neither calls nor
    USSD: the interfaces are not there, rather than there and failing."""

    def interfaces(self):
        return set(self.managed_objects()[self.modem])

    def test_interfaces_follow_the_service(self):
        tmp = tempfile.TemporaryDirectory(prefix='modemd-voice-none-')
        self.addCleanup(tmp.cleanup)
        link = os.path.join(tmp.name, 'port')
        self.start_modem(['--protocol=qmi', f'--link={link}', '--qmi-without=VOICE'],
                         f'qmi:{link}')
        self.wait_state(h.DISABLED)
        self.assertNotIn(VOICE_IFACE, self.interfaces())
        self.assertNotIn(USSD_IFACE, self.interfaces())
        self.assertIn(h.MODEM_3GPP_IFACE, self.interfaces())
        self.assertEqual(self.sim_allocations('VOICE'), [])

    def sim_allocations(self, service):
        return [line for line in self.sim.lines if f'allocated {service}' in line]


if __name__ == '__main__':
    h.main()
