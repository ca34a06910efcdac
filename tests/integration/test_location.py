#!/usr/bin/python3
"""Location, per protocol: the serving cell (3GPP) from what the modem
reports when it changes cells (QMI NAS System Info, MBIM Location Info
Status, AT +CREG/+CEREG), and GPS over QMI LOC; the Location property
follows only when a client asked for signals; Setup refuses unknown
sources and disabled modems.

Needs root (exits 77 otherwise)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import modems  # noqa: E402

LOCATION_IFACE = 'org.example.Modem1.Modem.Location'
SRC_3GPP, SRC_GPS_RAW, SRC_GPS_NMEA = 1, 2, 4
# MCC,MNC,LAC,CI,TAC (hex), as the reference formats it
DEFAULT_CELL = '262,01,0,1A2B3C4,1234'
NEW_CELL = ('262', '01', 0x2B67, 0x0ABCDEF)  # another cell of the home network
NEW_CELL_TEXT = '262,01,0,ABCDEF,2B67'
FIX = (48.858222, 2.2945, 35.0)


class Location:
    protocol = None

    def location(self):
        return dict(self.prop('Location', LOCATION_IFACE))

    def setup(self, sources, signals=True):
        self.call(self.modem, LOCATION_IFACE, 'Setup', (sources, signals), '(ub)')

    def move(self):
        mcc, mnc, tac, ci = NEW_CELL
        self.sim.control.send(f'cell {mcc} {mnc} {tac} {ci}')

    def test_cell_change_updates_3gpp_location(self):
        modems.start_registered(self, self.protocol)
        self.assertTrue(self.prop('Capabilities', LOCATION_IFACE) & SRC_3GPP)
        self.setup(SRC_3GPP)
        self.wait_prop('Location', lambda v: v.get(SRC_3GPP) == DEFAULT_CELL, iface=LOCATION_IFACE)
        self.move()
        self.wait_prop('Location', lambda v: v.get(SRC_3GPP) == NEW_CELL_TEXT, iface=LOCATION_IFACE)
        reply = self.call(self.modem, LOCATION_IFACE, 'GetLocation', reply_type='(a{uv})')[0]
        self.assertEqual(reply[SRC_3GPP], NEW_CELL_TEXT)

    def test_no_property_change_without_signals(self):
        modems.start_registered(self, self.protocol)
        self.setup(SRC_3GPP, signals=False)
        self.assertEqual(self.location(), {})
        self.move()
        # the cell is known (GetLocation), the property stays quiet
        h.wait_until(lambda: self.call(self.modem, LOCATION_IFACE, 'GetLocation',
                                       reply_type='(a{uv})')[0].get(SRC_3GPP) == NEW_CELL_TEXT,
                     what='the new cell in GetLocation')
        self.assertEqual(self.location(), {})

    def test_setup_errors(self):
        modems.start(self, self.protocol)
        self.wait_state(h.DISABLED)
        message = self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', self.modem,
                                       LOCATION_IFACE, 'Setup', (SRC_3GPP, True), '(ub)')
        self.assertIn('disabled', message.lower())
        self.enable_registered()
        message = self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem,
                                       LOCATION_IFACE, 'Setup', (SRC_3GPP | 1 << 10, True),
                                       '(ub)')
        self.assertIn('0x400', message)


class QmiLocationTest(Location, h.ModemTestCase):
    protocol = 'qmi'

    def test_gps_raw_and_nmea_after_setup(self):
        modems.start_registered(self, self.protocol)
        self.wait_prop('Capabilities', lambda v: v & (SRC_GPS_RAW | SRC_GPS_NMEA) == 6,
                       iface=LOCATION_IFACE)
        mark = len(self.sim.lines)
        self.setup(SRC_3GPP | SRC_GPS_RAW | SRC_GPS_NMEA)
        self.sim.wait_for_line(r'^sim: rx qmi LOC Start ', start=mark)
        self.sim.control.send('gps %f %f %f' % FIX)
        self.wait_prop('Location', lambda v: SRC_GPS_RAW in v and SRC_GPS_NMEA in v,
                       iface=LOCATION_IFACE)
        loc = self.location()
        raw = loc[SRC_GPS_RAW]
        self.assertAlmostEqual(raw['latitude'], FIX[0], places=6)
        self.assertAlmostEqual(raw['longitude'], FIX[1], places=6)
        self.assertAlmostEqual(raw['altitude'], FIX[2], places=3)
        self.assertRegex(raw['utc-time'], r'^\d{6}\.\d{2}$')
        nmea = loc[SRC_GPS_NMEA].split('\r\n')
        self.assertEqual([s[:6] for s in nmea], ['$GPGGA', '$GPRMC'])
        self.assertIn(',4851.4933,N,00217.6700,E,', nmea[0])

        mark = len(self.sim.lines)
        self.setup(SRC_3GPP)
        self.sim.wait_for_line(r'^sim: rx qmi LOC Stop ', start=mark)
        self.assertNotIn(SRC_GPS_RAW, self.location())

    def test_gps_off_sends_no_fixes(self):
        modems.start_registered(self, self.protocol)
        self.setup(SRC_3GPP)
        self.sim.control.send('gps %f %f %f' % FIX)
        reply = self.call(self.modem, LOCATION_IFACE, 'GetLocation', reply_type='(a{uv})')[0]
        self.assertNotIn(SRC_GPS_RAW, reply)
        self.assertFalse([line for line in self.sim.lines if 'rx qmi LOC' in line])


class MbimLocationTest(Location, h.ModemTestCase):
    protocol = 'mbim'


class AtLocationTest(Location, h.ModemTestCase):
    protocol = 'at'


if __name__ == '__main__':
    h.main()
