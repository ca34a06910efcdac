#!/usr/bin/python3
"""Signal without polling, per protocol: modemd asks the modem to report
signal changes itself (QMI Config Signal Info + Signal Info indications,
MBIM Signal State thresholds + notifications, AT +CMER/+CIEV), so that a
change the simulated network makes reaches SignalQuality and Signal.Lte
while the simulator's record shows no signal query after the setup.

Needs root (exits 77 otherwise)."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import modems  # noqa: E402

# What each protocol's report makes of the simulator's "signal -110 -14 3.5"
# (RSSI follows RSRP there: -65 + (-110 - -95) = -80 dBm).
NEW_SIGNAL = (-110, -14, 3.5)
EXPECTED = {
    # NAS Signal Info: every LTE value; quality from RSSI -80 dBm on -113..-51
    'qmi': (53, {'rssi': -80.0, 'rsrq': -14.0, 'rsrp': -110.0, 'snr': 3.5}),
    # Signal State: the coded RSSI only (16: -81 dBm)
    'mbim': (51, {'rssi': -81.0}),
    # +CIEV: the +CSQ (16: -81 dBm) and +CESQ read because of it
    'at': (51, {'rsrq': -14.0, 'rsrp': -110.0}),
}
# A change within the thresholds the daemon sets, and the quality it would
# give if it were reported: QMI, RSRP and RSSI 1 dB up (between thresholds
# 5 dB apart); MBIM, RSSI 4 dB down (2 coded steps, the threshold is 3).
SMALL = {
    'qmi': ('signal -94 -10 12', 79),
    'mbim': ('signal -99 -10 12', 70),
}
# The daemon asking for the signal, in the simulator's log, and how often it
# may after one change: AT's +CIEV has five steps, the values take one read
SIGNAL_QUERIES = {
    'qmi': (r'^sim: rx qmi NAS (GetSignalInfo|GetSignalStrength) ', 0),
    'mbim': (r'^sim: rx mbim BasicConnect SignalState query ', 0),
    'at': (r'^sim: rx at AT\+CSQ$', 1),
}


class SignalEvents:
    protocol = None

    def quality(self):
        return self.prop('SignalQuality')[0]

    def lte(self):
        return dict(self.prop('Lte', h.MODEM_SIGNAL_IFACE))

    def matching(self, pattern, start):
        rx = re.compile(pattern)
        return [line for line in self.sim.lines[start:] if rx.search(line)]

    def test_change_reaches_the_bus_without_polling(self):
        modems.start_registered(self, self.protocol)
        self.wait_prop('SignalQuality', lambda v: v[0] > 0 and v[1])
        self.wait_prop('Lte', lambda v: len(v) > 0, iface=h.MODEM_SIGNAL_IFACE)
        after_setup = len(self.sim.lines)

        quality, values = EXPECTED[self.protocol]
        self.sim.control.send('signal %d %d %s' % NEW_SIGNAL)
        self.wait_prop('SignalQuality', lambda v: v[0] == quality)
        self.wait_prop('Lte', lambda v: all(v.get(k) == x for k, x in values.items()),
                       iface=h.MODEM_SIGNAL_IFACE)
        self.assertTrue(self.prop('SignalQuality')[1], 'the quality is recent')
        pattern, allowed = SIGNAL_QUERIES[self.protocol]
        self.assertEqual(len(self.matching(pattern, after_setup)), allowed,
                         'the daemon asked for the signal after the setup')
        self.assertFalse(self.daemon.read_log().count('polling every'),
                         'the core fell back to polling')

    def test_small_change_is_not_reported(self):
        """A change within the threshold the daemon asked for is no report:
        of two changes, only the second (large) one reaches the bus."""
        small_command, small_quality = SMALL[self.protocol]
        modems.start_registered(self, self.protocol)
        self.wait_prop('SignalQuality', lambda v: v[0] > 0 and v[1])
        final = EXPECTED[self.protocol][0]
        seen = []

        def quality_changed(params):
            if params[0] == h.MODEM_IFACE and 'SignalQuality' in params[1]:
                seen.append(params[1]['SignalQuality'][0])
            return final in seen

        def trigger():
            self.sim.control.send(small_command)
            self.sim.control.send('signal %d %d %s' % NEW_SIGNAL)

        h.wait_for_signal(self.bus.conn, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                          path=self.modem, predicate=quality_changed, trigger=trigger)
        self.assertNotIn(small_quality, seen)


class QmiSignalTest(SignalEvents, h.ModemTestCase):
    protocol = 'qmi'

    def test_thresholds_follow_setup_thresholds(self):
        modems.start_registered(self, self.protocol)
        self.wait_prop('SignalQuality', lambda v: v[1])
        mark = len(self.sim.lines)
        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'SetupThresholds',
                  ({'rssi-threshold': h.GLib.Variant('u', 10)},), '(a{sv})')
        line = self.sim.wait_for_line(r'^sim: rx qmi NAS ConfigSignalInfo ', start=mark)
        self.assertIn(' rssi=-110,-100,-90,-80,-70,-60,-50 ', line + ' ')


    def test_older_firmware_reports_by_deltas(self):
        """Without Config Signal Info, Set Event Report deltas: changes come
        as Event Report indications, still without a poll."""
        modems.start_registered(self, self.protocol, extra_sim=['--qmi-legacy-signal'])
        self.wait_prop('SignalQuality', lambda v: v[0] > 0 and v[1])
        self.sim.wait_for_line(r'^sim: rx qmi NAS SetEventReport .* rssi=on/5 ')
        after_setup = len(self.sim.lines)
        self.sim.control.send('signal %d %d %s' % NEW_SIGNAL)
        self.wait_prop('SignalQuality', lambda v: v[0] == EXPECTED['qmi'][0])
        self.wait_prop('Lte', lambda v: v.get('rsrp') == -110.0 and v.get('snr') == 3.5,
                       iface=h.MODEM_SIGNAL_IFACE)
        self.assertEqual(self.matching(SIGNAL_QUERIES['qmi'][0], after_setup), [])
        self.assertFalse(self.daemon.read_log().count('polling every'))


class MbimSignalTest(SignalEvents, h.ModemTestCase):
    protocol = 'mbim'

    def test_threshold_in_coded_steps(self):
        modems.start_registered(self, self.protocol)
        line = self.sim.wait_for_line(r'^sim: rx mbim BasicConnect SignalState set ')
        # the default 5 dB are 3 steps of 2 dB; no periodic reports asked for
        self.assertIn(' rssi-threshold=3 ', line + ' ')
        self.assertIn(' interval=0 ', line)


class AtSignalTest(SignalEvents, h.ModemTestCase):
    protocol = 'at'
    # +CIEV has 5 steps of 10 dB: the modem, not the daemon, decides
    test_small_change_is_not_reported = None

    def test_only_the_urc_triggers_a_read(self):
        """+CIEV carries five steps only: the quality and the LTE values take
        one +CSQ and one +CESQ, read because of it, never on a timer."""
        modems.start_registered(self, self.protocol)
        self.wait_prop('SignalQuality', lambda v: v[1])
        cmer = self.sim.wait_for_line(r'^sim: rx at AT\+CMER=3,0,0,1$')
        # the setup ends with one read
        self.sim.wait_for_line(r'^sim: rx at AT\+CESQ$', start=self.sim.lines.index(cmer))
        mark = len(self.sim.lines)
        self.sim.control.send('signal %d %d %s' % NEW_SIGNAL)
        self.wait_prop('Lte', lambda v: v.get('rsrp') == -110.0, iface=h.MODEM_SIGNAL_IFACE)
        self.assertEqual(len(self.matching(r'^sim: rx at AT\+CESQ$', mark)), 1)
        self.assertEqual(len(self.matching(r'^sim: rx at AT\+CSQ$', mark)), 1)


if __name__ == '__main__':
    h.main()
