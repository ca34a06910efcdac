#!/usr/bin/python3
"""SMS and cell broadcast end to end, on each protocol: modemd driving
modem-sim over QMI (WMS), MBIM (the SMS service) and AT (27.005 PDU mode),
on a private system bus with the real polkitd.

The network side is the simulator's control socket (sms-deliver,
sms-deliver-parts, sms-status-report, cbm, ...); what the modem sent is its
record (sms-sent), decoded here with a decoder of our own.

Needs root (exits 77 otherwise)."""

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402
import sms_pdu  # noqa: E402

MSG_IFACE = 'org.example.Modem1.Modem.Messaging'
SMS_IFACE = 'org.example.Modem1.Sms'
CBS_IFACE = 'org.example.Modem1.Modem.CellBroadcast'
CBM_IFACE = 'org.example.Modem1.Cbm'

SMS_STATE_STORED, SMS_STATE_RECEIVED, SMS_STATE_SENT = 1, 3, 5
PDU_TYPE_DELIVER, PDU_TYPE_SUBMIT = 1, 2
DELIVERY_STATE_COMPLETED_RECEIVED = 0x00
DELIVERY_STATE_UNKNOWN = 0x100
STORAGE_ME = 2

PART_TIMEOUT = 3
SENDER = '+491701234567'
RECIPIENT = '+491709876543'
# Cyrillic and an emoji: UCS-2, 167 UTF-16 units, three parts (67 + 67 + 33)
UCS2_TEXT = ('Здравствуй, мир! 😀 ' * 8).strip()
GSM_200 = ''.join('abcdefghij'[i % 10] for i in range(190)) + '0123456789'
CBS_TEXT = 'Штормовое предупреждение: сильный ветер до утра, оставайтесь дома!'


def timestamp_of(reply):
    """The service centre time stamp a sms-deliver reply names."""
    m = re.search(r'scts=(\S+)', reply)
    assert m, reply
    return m.group(1)


class SmsTests:
    """What every protocol must do; subclasses say how to start the modem."""

    protocol = None
    port_type = None
    link_name = None
    storage = STORAGE_ME
    can_store = True
    has_cell_broadcast = True

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix=f'modemd-sms-{self.protocol}-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, self.link_name)
        self.added = []
        self.sim = self.start_sim(f'--protocol={self.protocol}', f'--link={self.link}')
        self.start_daemon(f'--port={self.port_type}:{self.link}', f'--sms-part-timeout={PART_TIMEOUT}')
        self.wait_for_modem()
        self.bus.conn.signal_subscribe(
            h.BUS_NAME, MSG_IFACE, 'Added', self.modem, None, 0,
            lambda *args: self.added.append(tuple(args[5])))

    # ---- helpers ----

    def enable_registered(self):
        """Enabled, and the messages the modem stores being read (the default
        storage is known once the backend set its storages up)."""
        super().enable_registered()
        self.wait_prop('DefaultStorage', lambda v: v != 0, iface=MSG_IFACE)

    def control(self, command):
        return self.sim.control.send(command)

    def messages(self):
        return self.prop('Messages', MSG_IFACE)

    def wait_messages(self, n, timeout=20):
        h.wait_until(lambda: len(self.messages()) == n, timeout, f'{n} message(s)')
        return self.messages()

    def sms(self, path):
        return h.get_all_properties(self.bus.conn, path, SMS_IFACE)

    def create(self, **props):
        args = {}
        for key, value in props.items():
            key = key.replace('_', '-')
            if isinstance(value, bool):
                args[key] = GLib.Variant('b', value)
            elif isinstance(value, int):
                args[key] = GLib.Variant('i', value)
            else:
                args[key] = GLib.Variant('s', value)
        return self.call(self.modem, MSG_IFACE, 'Create', (args,), '(a{sv})',
                         reply_type='(o)')[0]

    def send(self, path):
        self.call(path, SMS_IFACE, 'Send', timeout=60)

    def sent(self):
        """The PDUs the modem sent (hex, SMSC field first), by reference."""
        reply = self.control('sms-sent')
        return [tuple(item.split(':')) for item in reply.split()[1:]]

    def stored(self, mem='ME'):
        """The storage's records: (index, 27.005 stat, hex PDU)."""
        return [tuple(item.split(':')) for item in self.control(f'sms-list {mem}').split()[1:]]

    # ---- receiving ----

    def test_receive_single_and_multipart(self):
        early = self.control(f'sms-deliver {SENDER} Sent before the modem was enabled')
        self.enable_registered()
        (path,) = self.wait_messages(1)
        props = self.sms(path)
        self.assertEqual(props['Text'], 'Sent before the modem was enabled')
        self.assertEqual(props['Timestamp'], timestamp_of(early))
        self.assertEqual(props['Storage'], self.storage)

        single = self.control(f'sms-deliver {SENDER} Hello from the network')
        multi = self.control(f'sms-deliver-parts 3,1,2 {RECIPIENT} {UCS2_TEXT}')
        self.assertIn('parts=3', multi)
        paths = self.wait_messages(3)
        by_text = {self.sms(p)['Text']: (p, self.sms(p)) for p in paths[1:]}
        self.assertEqual(set(by_text), {'Hello from the network', UCS2_TEXT})
        p, props = by_text['Hello from the network']
        self.assertEqual((props['Number'], props['Timestamp']), (SENDER, timestamp_of(single)))
        self.assertEqual((props['State'], props['PduType']), (SMS_STATE_RECEIVED, PDU_TYPE_DELIVER))
        p, props = by_text[UCS2_TEXT]
        self.assertEqual((props['Number'], props['Timestamp']), (RECIPIENT, timestamp_of(multi)))
        # new ones were announced as received, the stored one as listed
        h.wait_until(lambda: len(self.added) >= 3, 10, 'Added signals')
        self.assertEqual(sorted(self.added), [(paths[0], False)] + [(q, True) for q in paths[1:]])

    def test_many_stored_messages_listed(self):
        # more than one MBIM transfer holds, and every AT +CMGL line
        for i in range(120):
            self.control(f'sms-deliver +4917000{i:04d} Stored message {i}')
        self.enable_registered()
        paths = self.wait_messages(120)
        numbers = {self.sms(p)['Number'] for p in paths}
        self.assertEqual(numbers, {f'+4917000{i:04d}' for i in range(120)})

    def test_delete_removes_from_storage(self):
        self.enable_registered()
        self.control(f'sms-deliver {SENDER} Delete me')
        (path,) = self.wait_messages(1)
        self.assertEqual(len(self.stored()), 1)
        self.modemctl('-m', self.modem, f'--messaging-delete-sms={path}')
        self.assertEqual(self.messages(), [])
        self.assertEqual(self.stored(), [])

    # ---- sending ----

    def test_long_gsm_text_goes_out_in_two_parts(self):
        self.enable_registered()
        path = self.create(number=RECIPIENT, text=GSM_200)
        self.send(path)
        sent = self.sent()
        self.assertEqual(len(sent), 2)
        parts = [sms_pdu.decode_submit(bytes.fromhex(pdu)) for _, pdu in sent]
        self.assertEqual([p['udl'] for p in parts], [160, 7 + 47])  # septets, header included
        self.assertEqual([p['concat'][1:] for p in parts], [(2, 1), (2, 2)])
        self.assertEqual(parts[0]['concat'][0], parts[1]['concat'][0])
        self.assertEqual([(p['fill_bits'], p['fill_value']) for p in parts], [(1, 0), (1, 0)])
        self.assertEqual(''.join(p['text'] for p in parts), GSM_200)
        self.assertEqual({p['destination'] for p in parts}, {RECIPIENT})
        props = self.sms(path)
        self.assertEqual(props['State'], SMS_STATE_SENT)
        # the reference is the modem's, not one the daemon made up
        self.assertEqual(props['MessageReference'], int(sent[0][0]))

    def test_status_report_marks_delivery(self):
        self.enable_registered()
        path = self.create(number=RECIPIENT, text='Did it arrive?', delivery_report_request=True)
        self.send(path)
        (reference, pdu), = self.sent()
        self.assertTrue(sms_pdu.decode_submit(bytes.fromhex(pdu))['status_report_request'])
        self.assertEqual(self.sms(path)['DeliveryState'], DELIVERY_STATE_UNKNOWN)
        self.control(f'sms-status-report {reference} delivered')
        self.wait_prop('DeliveryState', lambda v: v == DELIVERY_STATE_COMPLETED_RECEIVED,
                       iface=SMS_IFACE, path=path)
        self.assertNotEqual(self.sms(path)['DischargeTimestamp'], '')

    def test_store_then_send_stored(self):
        if not self.can_store:
            self.skipTest(f'{self.protocol} has no message storage for sending')
        self.enable_registered()
        path = self.create(number=RECIPIENT, text='Kept for later')
        self.call(path, SMS_IFACE, 'Store', (0,), '(u)')
        ((index, stat, _),) = self.stored()
        self.assertEqual(stat, '2')  # stored unsent
        self.assertEqual(self.sms(path)['State'], SMS_STATE_STORED)
        self.send(path)
        self.assertEqual(self.stored(), [(index, '3', self.stored()[0][2])])  # now sent
        self.assertEqual(len(self.sent()), 1)
        self.assertEqual(self.sms(path)['State'], SMS_STATE_SENT)

    def test_network_errors_are_message_errors(self):
        self.enable_registered()
        path = self.create(number=RECIPIENT, text='Nowhere to go')
        self.control('sms-fail smsc-unknown')
        self.assertDBusError(h.ERROR_PREFIX + 'Message.SmscAddressUnknown', path, SMS_IFACE,
                             'Send', timeout=60)
        self.control('sms-fail network-timeout')
        self.assertDBusError(h.ERROR_PREFIX + 'Message.NetworkTimeout', path, SMS_IFACE, 'Send',
                             timeout=60)
        self.assertNotEqual(self.sms(path)['State'], SMS_STATE_SENT)
        self.control('sms-fail none')
        self.send(path)
        self.assertEqual(len(self.sent()), 1)

    # ---- refusals ----

    def test_bad_input_sends_nothing(self):
        self.enable_registered()
        invalid = h.ERROR_PREFIX + 'Core.InvalidArgs'
        cases = [
            {'text': GLib.Variant('s', 'no number')},
            {'number': GLib.Variant('s', '+49abc123'), 'text': GLib.Variant('s', 'letters')},
            {'number': GLib.Variant('s', RECIPIENT), 'text': GLib.Variant('s', 'x'),
             'class': GLib.Variant('i', 7)},
            # 256 parts of 153 septets: one more part than a reference can count
            {'number': GLib.Variant('s', RECIPIENT), 'text': GLib.Variant('s', 'y' * 153 * 256)},
        ]
        for props in cases:
            self.assertDBusError(invalid, self.modem, MSG_IFACE, 'Create', (props,), '(a{sv})')
        self.control(f'sms-deliver {SENDER} Received, not for sending')
        (received,) = self.wait_messages(1)
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', received, SMS_IFACE, 'Send')
        self.assertEqual(self.sent(), [])

    def test_unprivileged_caller_refused(self):
        self.enable_registered()
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, MSG_IFACE + '.Create',
                           f"{{'number': <'{RECIPIENT}'>, 'text': <'hi'>}}", user=h.TEST_USER)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('Core.Unauthorized', res.stderr)
        self.assertEqual(self.messages(), [])
        # reading stays open
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, MSG_IFACE + '.List', user=h.TEST_USER)
        self.assertEqual(res.returncode, 0, res.stderr)

    # ---- cell broadcast ----

    def test_cell_broadcast_two_pages(self):
        if not self.has_cell_broadcast:
            self.skipTest(f'no cell broadcast on {self.protocol}')
        self.enable_registered()
        with self.assertRaises(h.SimControlError):  # the modem was told no channel yet
            self.control('cbm 50 not yet')
        self.call(self.modem, CBS_IFACE, 'SetChannels', ([(50, 50), (4370, 4383)],), '(a(uu))')
        self.assertEqual(self.prop('Channels', CBS_IFACE), [(50, 50), (4370, 4383)])
        self.assertIn('pages=2', self.control(f'cbm 4371 {CBS_TEXT}'))
        h.wait_until(lambda: len(self.prop('CellBroadcasts', CBS_IFACE)) == 1, 10, 'a Cbm')
        (path,) = self.prop('CellBroadcasts', CBS_IFACE)
        cbm = h.get_all_properties(self.bus.conn, path, CBM_IFACE)
        self.assertEqual((cbm['Text'], cbm['Channel']), (CBS_TEXT, 4371))
        # no channels: the modem receives nothing
        self.call(self.modem, CBS_IFACE, 'SetChannels', ([],), '(a(uu))')
        with self.assertRaises(h.SimControlError):
            self.control('cbm 50 gone')


class QmiSmsTest(SmsTests, h.ModemTestCase):
    protocol, port_type, link_name = 'qmi', 'qmi', 'cdc-wdm0'

    def test_missing_part_shown_after_timeout(self):
        self.enable_registered()
        self.control(f'sms-deliver-parts 1,2 {SENDER} {UCS2_TEXT}')
        (path,) = self.wait_messages(1, timeout=PART_TIMEOUT + 10)
        self.assertTrue(self.sms(path)['Text'].endswith('[part 3 of 3 missing]'))


class QmiWithoutWmsTest(h.ModemTestCase):
    """A QMI module without the WMS service offers neither messaging nor cell
    broadcast: the interfaces are not there, rather than there and failing,
    and enabling it asks nothing of WMS."""

    def test_interfaces_follow_the_service(self):
        tmp = tempfile.TemporaryDirectory(prefix='modemd-sms-none-')
        self.addCleanup(tmp.cleanup)
        link = os.path.join(tmp.name, 'cdc-wdm0')
        self.start_modem(['--protocol=qmi', f'--link={link}', '--qmi-without=WMS'], f'qmi:{link}')
        self.enable_registered()
        interfaces = set(self.managed_objects()[self.modem])
        self.assertNotIn(MSG_IFACE, interfaces)
        self.assertNotIn(CBS_IFACE, interfaces)
        self.assertIn(h.MODEM_3GPP_IFACE, interfaces)
        self.assertEqual([line for line in self.sim.lines if 'WMS' in line], [])


class MbimSmsTest(SmsTests, h.ModemTestCase):
    protocol, port_type, link_name = 'mbim', 'mbim', 'cdc-wdm1'
    storage = 3  # MT: an MBIM function's one message store
    can_store = False
    has_cell_broadcast = False


class AtSmsTest(SmsTests, h.ModemTestCase):
    protocol, port_type, link_name = 'at', 'at', 'ttyUSB2'


if __name__ == '__main__':
    h.main()
