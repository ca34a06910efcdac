#!/usr/bin/python3
"""mmcli (the reference's client) against modemd --compat, for what modems
report by themselves: --location-status, --location-get and the
--location-enable-* flags, --time, --get-cell-info and --signal-get on a
QMI and an MBIM modem; every -K key that mmcli and modemctl both print has
the same value.

Needs root and mmcli (package modemmanager); exits 77 otherwise."""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import test_compat as tc  # noqa: E402
from test_compat import COMPAT_MODEM, COMPAT_PATH, PIN, QMI, MBIM  # noqa: E402

LOCATION = COMPAT_MODEM + '.Location'
TIME = COMPAT_MODEM + '.Time'
SRC_GPS_RAW = 2
FIX = (48.858222, 2.2945, 35.0)


class EventsCompatTest(tc.CompatTestCase):

    def enable_both(self):
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        self.mmcli('-i', sim, f'--pin={PIN}')
        self.wait_compat_state(self.qmi, tc.STATE_DISABLED)
        for modem in (self.qmi, self.mbim):
            self.assertIn('successfully enabled', self.mmcli('-m', modem, '-e').stdout)
            self.wait_compat_state(modem, tc.STATE_REGISTERED)

    def same_keyvalues(self, modem, *args, skip=()):
        """mmcli -K and modemctl -K of one action: the values of the keys both
        print (all of mmcli's here) are equal; mmcli's are returned."""
        theirs = self.mmcli_k('-m', modem, *args)
        ours = self.modemctl_k('-m', modem.replace(COMPAT_PATH, h.MANAGER_PATH), *args)
        self.assertTrue(theirs, f'mmcli {args} printed nothing')
        for key, value in theirs.items():
            if key in skip:
                continue
            self.assertIn(key, ours, f'{args}: modemctl lacks {key}')
            self.assertEqual(ours[key], value, f'{args}: {key}')
        return theirs

    def test_location(self):
        self.enable_both()
        for modem, cfg in ((self.qmi, QMI), (self.mbim, MBIM)):
            res = self.mmcli('-m', modem, '--location-enable-3gpp', '--location-set-enable-signal')
            self.assertIn('successfully setup location gathering', res.stdout)
            status = self.same_keyvalues(modem, '--location-status')
            self.assertEqual(status['modem.location.enabled.value[1]'], '3gpp-lac-ci')
            self.assertEqual(status['modem.location.signals'], 'yes')
            where = self.same_keyvalues(modem, '--location-get')
            self.assertEqual(where['modem.location.3gpp.mcc'], cfg['home'][0][:3])
            self.assertEqual(where['modem.location.3gpp.mnc'], cfg['home'][0][3:])
            self.assertEqual(where['modem.location.3gpp.tac'], '001234')
            self.assertEqual(where['modem.location.3gpp.cid'], '01A2B3C4')

        res = self.mmcli('-m', self.qmi, '--location-enable-gps-raw', '--location-enable-gps-nmea')
        self.assertIn('successfully', res.stdout)
        self.qmi_sim.control.send('gps %f %f %f' % FIX)
        h.wait_until(lambda: SRC_GPS_RAW in self.compat_prop(self.qmi, LOCATION, 'Location'),
                     what='the fix on the compat name')
        # libmm-glib keeps the NMEA traces in a hash table: their order is its own
        nmea_keys = {f'modem.location.gps.nmea.value[{i}]' for i in (1, 2)}
        where = self.same_keyvalues(self.qmi, '--location-get', skip=nmea_keys)
        ours = self.modemctl_k('-m', self.qmi.replace(COMPAT_PATH, h.MANAGER_PATH),
                               '--location-get')
        self.assertEqual({ours[k] for k in nmea_keys}, {where[k] for k in nmea_keys})
        self.assertEqual(where['modem.location.gps.latitude'], '48.858222')
        self.assertEqual(where['modem.location.gps.longitude'], '2.294500')
        self.assertEqual(where['modem.location.gps.altitude'], '35.000000')
        self.assertEqual(where['modem.location.gps.nmea.length'], '2')
        self.assertEqual(sorted(where[k][:6] for k in nmea_keys), ['$GPGGA', '$GPRMC'])

    def test_time(self):
        self.enable_both()
        for modem, sim in ((self.qmi, self.qmi_sim), (self.mbim, self.mbim_sim)):
            h.wait_for_signal(self.bus.conn, TIME, 'NetworkTimeChanged', path=modem,
                              trigger=lambda s=sim: s.control.send(
                                  'nitz 2026-11-30T12:00:00+01 dst=0'))
            theirs = self.same_keyvalues(modem, '--time', skip={'modem.time.current'})
            self.assertEqual(theirs['modem.timezone.current'], '60')
            self.assertEqual(theirs['modem.time.dst-offset'], '0')
            # the network's clock runs on: both read it within seconds
            now = datetime.datetime.fromisoformat(theirs['modem.time.current'])
            sent = datetime.datetime.fromisoformat('2026-11-30T12:00:00+01:00')
            self.assertLess(abs((now - sent).total_seconds()), 10)

    def test_cell_info_and_signal(self):
        self.enable_both()
        cells = self.same_keyvalues(self.qmi, '--get-cell-info')
        self.assertEqual(cells['modem.generic.cell-info.length'], '4')
        # mmcli lists the serving cell, the first of the reply, last
        self.assertTrue(cells['modem.generic.cell-info.value[4]'].startswith(
            f'cell type: lte, serving: yes, operator id: {QMI["home"][0]}, tac: 1234, '
            'ci: 1A2B3C4, physical ci: 65, earfcn: 1300, '))
        for modem in (self.qmi, self.mbim):
            signal = self.same_keyvalues(modem, '--signal-get')
            self.assertNotEqual(signal['modem.signal.lte.rssi'], '--')


if __name__ == '__main__':
    h.main()
