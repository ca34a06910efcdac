#!/usr/bin/python3
"""Network time (NITZ), per protocol: the network sends its time (QMI NAS
Network Time indication, MBIM NITZ notification, AT +CTZE); modemd emits
NetworkTimeChanged, sets NetworkTimezone, and GetNetworkTime answers the
network's time as the modem knows it now.

Needs root (exits 77 otherwise)."""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import modems  # noqa: E402

TIME_IFACE = 'org.example.Modem1.Modem.Time'
NITZ = 'nitz 2026-11-30T12:00:00+01 dst=0'
NITZ_TIME = '2026-11-30T12:00:00+01:00'
NITZ_DST = 'nitz 2026-07-14T09:30:00+02 dst=1'
NITZ_DST_TIME = '2026-07-14T09:30:00+02:00'


class NetworkTime:
    protocol = None

    def receive(self, command):
        changed = h.wait_for_signal(self.bus.conn, TIME_IFACE, 'NetworkTimeChanged',
                                    path=self.modem,
                                    trigger=lambda: self.sim.control.send(command))
        return changed[0]

    def test_nitz_reaches_time_and_timezone(self):
        modems.start_registered(self, self.protocol)
        self.assertEqual(self.receive(NITZ), NITZ_TIME)
        self.assertEqual(dict(self.prop('NetworkTimezone', TIME_IFACE)),
                         {'offset': 60, 'dst-offset': 0})
        now = self.call(self.modem, TIME_IFACE, 'GetNetworkTime', reply_type='(s)')[0]
        # the network's clock runs on from what it sent
        elapsed = datetime.datetime.fromisoformat(now) - \
            datetime.datetime.fromisoformat(NITZ_TIME)
        self.assertTrue(datetime.timedelta(0) <= elapsed < datetime.timedelta(seconds=10),
                        f'GetNetworkTime said {now}')

    def test_daylight_saving(self):
        modems.start_registered(self, self.protocol)
        self.assertEqual(self.receive(NITZ_DST), NITZ_DST_TIME)
        self.assertEqual(dict(self.prop('NetworkTimezone', TIME_IFACE)),
                         {'offset': 120, 'dst-offset': 60})


class QmiTimeTest(NetworkTime, h.ModemTestCase):
    protocol = 'qmi'

    def test_no_nitz_yet(self):
        modems.start_registered(self, self.protocol)
        self.assertDBusError(h.ERROR_PREFIX + 'Core.NotFound', self.modem, TIME_IFACE,
                             'GetNetworkTime')


class MbimTimeTest(NetworkTime, h.ModemTestCase):
    protocol = 'mbim'


class AtTimeTest(NetworkTime, h.ModemTestCase):
    protocol = 'at'


if __name__ == '__main__':
    h.main()
