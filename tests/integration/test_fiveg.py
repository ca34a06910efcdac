#!/usr/bin/python3
"""5G end to end on QMI (a USB modem) and MBIM: capabilities, SupportedModes with 5G,
SetCurrentModes, NR bands, the access technologies of 5G NSA (LTE|5GNR) and SA (5GNR),
NR5G signal values; and the refusals: bands the modem does not have, 5G on an LTE-only
modem. modemd drives modem-sim (--rat, --nr-bands) on a private system bus with polkitd.

Needs root (exits 77 otherwise)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import REGISTERED  # noqa: E402

CAP_GSM_UMTS, CAP_LTE, CAP_5GNR = 1 << 2, 1 << 3, 1 << 6
MODE_2G, MODE_3G, MODE_4G, MODE_5G = 1 << 1, 1 << 2, 1 << 3, 1 << 4
TECH_LTE, TECH_5GNR = 1 << 14, 1 << 15


def eutran(n):
    return 30 + n


def ngran(n):
    return 300 + n


LTE_BANDS = (1, 3, 7, 20, 28)
NR_BANDS = (1, 28, 78)


class FiveGCase(h.ModemTestCase):
    protocol = 'qmi'

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-5g-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, f'{self.protocol}0')

    def start(self, *extra, nr=True):
        args = [f'--protocol={self.protocol}', f'--link={self.link}',
                '--lte-bands=' + ','.join(map(str, LTE_BANDS))]
        if nr:
            args.append('--nr-bands=' + ','.join(map(str, NR_BANDS)))
        self.start_modem([*args, *extra], f'{self.protocol}:{self.link},net:wwan5')
        self.enable_registered()

    def modes(self):
        return tuple(self.prop('CurrentModes'))

    def set_modes(self, allowed, preferred):
        self.call(self.modem, h.MODEM_IFACE, 'SetCurrentModes', ((allowed, preferred),),
                  '((uu))')

    def set_bands(self, bands):
        self.call(self.modem, h.MODEM_IFACE, 'SetCurrentBands', (list(bands),), '(au)')

    def access_technologies(self, wanted):
        return self.wait_prop('AccessTechnologies', lambda v: v == wanted)


class QmiFiveGTest(FiveGCase):

    def test_capabilities_modes_bands(self):
        self.start('--rat=nr5g-nsa')
        self.assertTrue(self.prop('CurrentCapabilities') & CAP_5GNR)
        supported = [tuple(m) for m in self.prop('SupportedModes')]
        for pair in [(MODE_4G | MODE_5G, 0), (MODE_4G | MODE_5G, MODE_5G), (MODE_5G, 0),
                     (MODE_4G | MODE_5G, MODE_4G)]:
            self.assertIn(pair, supported)
        self.assertEqual(sorted(self.prop('SupportedBands')),
                         sorted([eutran(b) for b in LTE_BANDS] + [ngran(b) for b in NR_BANDS]))

        # "5G or LTE only", 5G preferred: what the modem is told and reports back
        self.set_modes(MODE_4G | MODE_5G, MODE_5G)
        self.sim.wait_for_line(r'rx qmi NAS SetSystemSelectionPreference .*'
                               r'mode-preference=0x0050 .*acquisition-first=12')
        self.sim.wait_for_line(r'event: modes allowed=0x18 preferred=0x10')
        self.assertEqual(self.modes(), (MODE_4G | MODE_5G, MODE_5G))

        # LTE and NR bands in one request; read back as the modem has them
        bands = [eutran(3), eutran(20), ngran(78)]
        self.set_bands(bands)
        self.sim.wait_for_line(r'rx qmi NAS SetSystemSelectionPreference .*'
                               r'lte-bands-ext=3,20 nr5g-sa-bands=78 nr5g-nsa-bands=78')
        self.assertEqual(sorted(self.prop('CurrentBands')), sorted(bands))

    def test_nsa_and_sa_access_technologies(self):
        self.start('--rat=nr5g-nsa')
        self.access_technologies(TECH_LTE | TECH_5GNR)
        self.sim.control.send('rat nr5g-sa')
        self.access_technologies(TECH_5GNR)
        self.sim.control.send('rat lte')
        self.access_technologies(TECH_LTE)
        # LTE only by the user's choice: the modem leaves 5G, the access technology follows
        self.sim.control.send('rat nr5g-nsa')
        self.access_technologies(TECH_LTE | TECH_5GNR)
        self.set_modes(MODE_4G, 0)
        self.access_technologies(TECH_LTE)

    def test_nr5g_signal(self):
        self.start('--rat=nr5g-sa', '--nr-rsrp=-88', '--nr-rsrq=-12', '--nr-snr=17.5')
        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (1,), '(u)')
        nr5g = self.wait_prop('Nr5g', lambda v: 'rsrp' in v, iface=h.MODEM_SIGNAL_IFACE)
        self.assertEqual(nr5g['rsrp'], -88)
        self.assertEqual(nr5g['rsrq'], -12)
        self.assertAlmostEqual(nr5g['snr'], 17.5)
        self.sim.control.send('nr-signal -101 -14 3.5')
        nr5g = self.wait_prop('Nr5g', lambda v: v.get('rsrp') == -101,
                              iface=h.MODEM_SIGNAL_IFACE)
        self.assertAlmostEqual(nr5g['snr'], 3.5)
        self.assertEqual(self.prop('Lte', iface=h.MODEM_SIGNAL_IFACE).get('rsrp'), None)

    def test_bad_bands_and_modes(self):
        self.start('--rat=nr5g-nsa')
        before_bands = sorted(self.prop('CurrentBands'))
        before_modes = self.modes()
        # n41 is an NR band, but not this modem's; E-UTRAN 66 neither
        for bands in ([ngran(41)], [eutran(3), eutran(66)]):
            self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem, h.MODEM_IFACE,
                                 'SetCurrentBands', (bands,), '(au)')
        self.assertEqual(sorted(self.prop('CurrentBands')), before_bands)
        self.assertEqual(self.modes(), before_modes)
        # refused before the modem was asked anything
        self.assertNotRegex('\n'.join(self.sim.lines), 'SetSystemSelectionPreference|SetRegist')


class QmiLteOnlyTest(FiveGCase):

    def test_no_5g_on_lte_modem(self):
        self.start(nr=False)
        self.assertFalse(self.prop('CurrentCapabilities') & CAP_5GNR)
        self.assertFalse(any(m[0] & MODE_5G for m in self.prop('SupportedModes')))
        self.assertFalse(any(b > 300 for b in self.prop('SupportedBands')))
        before = self.modes()
        msg = self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem,
                                   h.MODEM_IFACE, 'SetCurrentModes',
                                   ((MODE_4G | MODE_5G, MODE_5G),), '((uu))')
        self.assertIn('SupportedModes', msg)
        self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem, h.MODEM_IFACE,
                             'SetCurrentBands', ([ngran(78)],), '(au)')
        self.assertEqual(self.modes(), before)
        self.assertEqual(self.prop('AccessTechnologies'), TECH_LTE)
        self.assertEqual(self.prop('State'), REGISTERED)


class MbimFiveGTest(FiveGCase):
    """MBIM with the extensions 2.0 and QMI carried in MBIM, as a Qualcomm-based
    5G module (e.g. on PCIe) has them."""
    protocol = 'mbim'

    def test_modes_bands_and_access_technologies(self):
        self.start('--rat=nr5g-nsa')
        self.sim.wait_for_line(r'mbim: extensions 2.0 agreed')
        self.assertTrue(self.prop('CurrentCapabilities') & CAP_5GNR)
        self.access_technologies(TECH_LTE | TECH_5GNR)
        supported = [tuple(m) for m in self.prop('SupportedModes')]
        self.assertIn((MODE_4G | MODE_5G, 0), supported)
        self.assertIn((MODE_5G, 0), supported)
        # MBIM cannot prefer a mode: only combinations without one
        self.assertFalse([m for m in supported if m[1]])

        # 4G and 5G only: Register State set with the LTE and 5G data classes
        self.set_modes(MODE_4G | MODE_5G, 0)
        self.sim.wait_for_line(r'rx mbim BasicConnect RegisterState set .*action=automatic '
                               r'.*data-class=0xe0')
        self.sim.wait_for_line(r'event: modes allowed=0x18 preferred=0x0')
        self.assertEqual(self.modes(), (MODE_4G | MODE_5G, 0))
        # LTE only: the modem leaves its NR leg
        self.set_modes(MODE_4G, 0)
        self.access_technologies(TECH_LTE)
        self.set_modes(MODE_4G | MODE_5G, 0)
        self.access_technologies(TECH_LTE | TECH_5GNR)

        # bands through QMI carried in MBIM
        self.wait_prop('SupportedBands', lambda v: ngran(78) in v)
        self.assertEqual(sorted(self.prop('SupportedBands')),
                         sorted([eutran(b) for b in LTE_BANDS] + [ngran(b) for b in NR_BANDS]))
        bands = [eutran(1), ngran(28)]
        self.set_bands(bands)
        self.sim.wait_for_line(r'rx qmi NAS SetSystemSelectionPreference .*lte-bands=1 '
                               r'.*nr5g-sa-bands=28')
        self.assertEqual(sorted(self.prop('CurrentBands')), sorted(bands))
        self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem, h.MODEM_IFACE,
                             'SetCurrentBands', ([ngran(41)],), '(au)')

        self.sim.control.send('rat nr5g-sa')
        self.access_technologies(TECH_5GNR)

    def test_nr5g_signal(self):
        self.start('--rat=nr5g-sa', '--nr-rsrp=-95', '--nr-snr=12.5')
        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (1,), '(u)')
        nr5g = self.wait_prop('Nr5g', lambda v: 'rsrp' in v, iface=h.MODEM_SIGNAL_IFACE)
        self.assertEqual(nr5g['rsrp'], -95)
        self.assertAlmostEqual(nr5g['snr'], 12.5)


class MmcliFiveGTest(FiveGCase):
    """The reference's own client (mmcli) against modemd --compat: 5G modes and NR
    bands, and a multiplexed session asked of a modem that cannot multiplex."""

    def test_mmcli(self):
        mmcli = shutil.which('mmcli')
        if mmcli is None:
            self.skipTest('mmcli not installed (package modemmanager)')
        self.sim = self.start_sim('--protocol=qmi', f'--link={self.link}', '--rat=nr5g-nsa',
                                  '--lte-bands=' + ','.join(map(str, LTE_BANDS)),
                                  '--nr-bands=' + ','.join(map(str, NR_BANDS)))
        self.start_daemon('--compat', f'--port=qmi:{self.link},net:wwan5')
        self.bus.wait_for_name('org.freedesktop.ModemManager1', 10, proc=self.daemon.proc)
        self.wait_for_modem()
        self.wait_state(3)  # disabled

        def run(*args, ok=True):
            res = h.run([mmcli, '-m', 'any', *args], env=self.bus.env, timeout=60)
            if ok:
                self.assertEqual(res.returncode, 0, f'mmcli {args}: {res.stdout} {res.stderr}')
            return res

        run('-e')
        run('--set-allowed-modes=4g|5g', '--set-preferred-mode=5g')
        run('--set-current-bands=eutran-3|ngran-78')
        out = run('-K').stdout
        self.assertRegex(out, r'modem\.generic\.current-modes +: allowed: 4g, 5g; preferred: 5g')
        self.assertRegex(out, r'modem\.generic\.access-technologies\.value\[\d\] +: 5gnr')
        self.assertRegex(out, r'modem\.generic\.current-bands\.value\[\d\] +: ngran-78')
        res = run('--simple-connect=apn=internet,multiplex=required', ok=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('org.freedesktop.ModemManager1.Error.Core.Unsupported', res.stderr)
        self.assertNotRegex('\n'.join(self.sim.lines), 'StartNetwork')


if __name__ == '__main__':
    h.main()
