#!/usr/bin/python3
"""MBIM end to end: modemd with the MBIM plugin driving modem-sim --protocol=mbim,
on a private system bus with the real polkitd, through D-Bus and modemctl.

Needs root (exits 77 otherwise).  See harness.py for the environment."""

import os
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

PIN = '8642'
IMEI = '356938035643810'
ICCID = '89462020000087654321'
IMSI = '240209876543210'
HOME = ('24020', 'Mbim Net')
OTHER = ('24001', 'Other Net')
RSSI_DBM = -71          # coded as (dbm + 113) / 2 = 21 of 31
IP4 = ('192.0.2.10', 28)
GW4 = '192.0.2.1'
DNS4 = ['192.0.2.53', '192.0.2.54']
MTU = 1428

# Modem states
LOCKED, DISABLED, ENABLED, SEARCHING, REGISTERED, CONNECTED = 2, 3, 6, 7, 8, 11
LOCK_SIM_PIN = 2


class MbimTest(h.ModemTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-mbim-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, 'cdc-wdm0')

    def start(self, pin=True, extra=()):
        args = ['--protocol=mbim', f'--link={self.link}', f'--imei={IMEI}',
                f'--iccid={ICCID}', f'--imsi={IMSI}', '--model=MBIM Sim M2',
                '--revision=MBIMREV-2.1', f'--home-operator={HOME[0]}:{HOME[1]}',
                f'--visible-operator={OTHER[0]}:{OTHER[1]}', f'--rssi={RSSI_DBM}',
                f'--ip4={IP4[0]}/{IP4[1]}', f'--gateway4={GW4}', f'--mtu={MTU}']
        args += [f'--dns4={d}' for d in DNS4]
        if pin:
            args += [f'--sim-pin={PIN}', '--pin-retries=3']
        return self.start_modem([*args, *extra], f'mbim:{self.link},net:wwan0')

    # -----------------------------------------------------------------------

    def test_lock_unlock_enable_connect_disconnect_disable(self):
        self.start()
        self.wait_state(LOCKED)
        self.assertEqual(self.prop('Plugin'), 'mbim')
        self.assertEqual(self.prop('EquipmentIdentifier'), IMEI)
        self.assertEqual(self.prop('Model'), 'MBIM Sim M2')
        self.assertEqual(self.prop('Revision'), 'MBIMREV-2.1')
        self.assertEqual(self.prop('UnlockRequired'), LOCK_SIM_PIN)
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PIN), 3)
        sim_path = self.prop('Sim')
        self.assertNotEqual(sim_path, '/')
        self.assertEqual(self.prop('SimIdentifier', h.SIM_IFACE, sim_path), ICCID)

        # wrong PIN: the error of the reference API, and one retry less
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PIN), 2)
        self.assertIn('sim: rx mbim', self.sim.wait_for_line(r'rx mbim .*Pin set'))
        self.assertEqual(self.prop('State'), LOCKED)

        # the right PIN through modemctl
        self.modemctl('-i', sim_path, f'--pin={PIN}')
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('UnlockRequired'), 1)
        self.assertEqual(
            self.wait_prop('Imsi', lambda v: v == IMSI, iface=h.SIM_IFACE, path=sim_path), IMSI)
        self.assertEqual(self.prop('OperatorIdentifier', h.SIM_IFACE, sim_path), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.SIM_IFACE, sim_path), HOME[1])
        # neither the PIN nor the full IMSI/ICCID reach the daemon's (debug) log
        text = self.daemon.read_log()
        self.assertIn('basic-connect/pin set', text)
        self.assertNotIn(PIN, text)
        self.assertNotIn(IMSI, text)
        self.assertNotIn(ICCID, text)

        # enable through modemctl: radio on, then registration from indications
        self.modemctl('-m', self.modem, '-e')
        self.wait_state(REGISTERED)
        self.assertEqual(self.prop('OperatorCode', h.MODEM_3GPP_IFACE), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.MODEM_3GPP_IFACE), HOME[1])
        self.assertEqual(self.prop('RegistrationState', h.MODEM_3GPP_IFACE), 1)  # home

        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), 'wwan0')
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual(ip4['method'], 2)  # static
        self.assertEqual(ip4['address'], IP4[0])
        self.assertEqual(ip4['prefix'], IP4[1])
        self.assertEqual(ip4['gateway'], GW4)
        self.assertEqual(ip4['dns1'], DNS4[0])
        self.assertEqual(ip4['dns2'], DNS4[1])
        self.assertEqual(ip4['mtu'], MTU)
        self.sim.wait_for_line(r'rx mbim .*Connect set .*activate apn=internet')

        # the same through modemctl's bearer view
        rc, out, _ = self.modemctl('-b', bearer)
        self.assertIn(IP4[0], out)

        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.sim.wait_for_line(r'rx mbim .*Connect set .*deactivate')

        self.modemctl('-m', self.modem, '-d')
        self.wait_state(DISABLED)
        self.sim.wait_for_line(r'rx mbim .*RadioState set')

    def test_puk_after_blocked_pin(self):
        self.start(extra=('--pin-retries=1', '--sim-puk=87654321'))
        self.wait_state(LOCKED)
        sim_path = self.prop('Sim')
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.wait_prop('UnlockRequired', lambda v: v == 4)  # sim-puk
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPuk', ('11111111', '4321'), '(ss)')
        self.assertEqual(self.prop('UnlockRetries').get(4), 9)
        self.call(sim_path, h.SIM_IFACE, 'SendPuk', ('87654321', '4321'), '(ss)')
        self.wait_state(DISABLED)
        self.sim.wait_for_line(r'rx mbim .*Pin set')

    def test_scan_and_signal(self):
        self.start(pin=False)
        self.enable_registered()
        by_code = self.scan_by_code()
        self.assertIn(HOME[0], by_code)
        self.assertIn(OTHER[0], by_code)
        self.assertEqual(by_code[HOME[0]]['operator-long'], HOME[1])
        self.assertEqual(by_code[OTHER[0]]['operator-long'], OTHER[1])
        self.assertEqual(by_code[HOME[0]]['status'], 2)  # current

        rc, out, _ = self.modemctl('-m', self.modem, '--3gpp-scan', '--timeout=120')
        self.assertIn(OTHER[0], out)

        # signal quality follows the simulator's RSSI: 21 of 31
        expected = ((RSSI_DBM + 113) // 2) * 100 // 31
        quality = self.wait_prop('SignalQuality', lambda v: v[0] > 0)
        self.assertEqual(quality[0], expected)
        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (1,), '(u)')
        lte = self.wait_prop('Lte', lambda v: 'rssi' in v, iface=h.MODEM_SIGNAL_IFACE)
        self.assertAlmostEqual(lte['rssi'], -113 + 2 * ((RSSI_DBM + 113) // 2))

    def test_manual_register(self):
        self.start(pin=False)
        self.enable_registered()
        self.call(self.modem, h.MODEM_3GPP_IFACE, 'Register', (OTHER[0],), '(s)', timeout=60)
        self.wait_prop('OperatorCode', lambda v: v == OTHER[0], iface=h.MODEM_3GPP_IFACE)
        self.sim.wait_for_line(r'rx mbim .*RegisterState set')

    def test_network_initiated_disconnect(self):
        self.start(pin=False)
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        self.wait_bearer_disconnected(bearer, lambda: self.sim.proc.send_signal(signal.SIGUSR1))
        self.wait_state(REGISTERED)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))
        # and connects again afterwards, this time through modemctl
        self.modemctl('-m', self.modem, '--simple-connect=apn=internet')
        self.wait_state(CONNECTED)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.modemctl('-m', self.modem, '--simple-disconnect')
        self.wait_state(REGISTERED)

    def test_silent_modem_times_out(self):
        # Initialization takes 7 requests (OPEN, extensions version, device
        # caps, subscriber ready status, PIN state, home provider, radio state)
        # and, in the background, 6 of QMI carried in MBIM (CTL Sync and Get
        # Version Info, DMS and NAS clients, band capabilities and preference);
        # the modem is silent after them.
        self.start(pin=False, extra=('--fault=silent-after=13',))
        self.wait_state(DISABLED)
        self.assertDBusError(h.ERROR_PREFIX + 'Serial.ResponseTimeout',
                             self.modem, h.MODEM_IFACE, 'Enable', (True,), '(b)', timeout=60)
        self.sim.wait_for_line(r'fault: silent')
        self.assertTrue(self.daemon.running())

    def test_restart_takes_over_session(self):
        """An MBIM session left up by a stopped daemon is taken over by the
        next one (no CLOSE on stop, no new activation), and disconnects."""
        self.start(pin=False)
        self.enable_registered()
        self.simple_connect(user='bob', password='pw-not-saved')
        self.wait_state(CONNECTED)
        mark = len(self.sim.lines)
        self.stop_daemon()
        self.assertNotIn('rx mbim Close', '\n'.join(self.sim.lines[mark:]))
        state = self.saved_state('mbim')
        self.assertIsNotNone(state)
        self.assertNotIn('pw-not-saved', state)

        mark = self.restart_daemon(f'mbim:{self.link},net:wwan0')
        self.wait_state(CONNECTED)
        self.assertNotRegex('\n'.join(self.sim.lines[mark:]), r'rx mbim .*Connect set')
        self.assertEqual(self.prop('PowerState'), 3)  # ON
        self.assertEqual(self.prop('PacketServiceState', h.MODEM_3GPP_IFACE), 2)  # attached
        self.assertEqual(self.prop('OperatorCode', h.MODEM_3GPP_IFACE), HOME[0])
        [bearer] = self.prop('Bearers')
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), 'wwan0')
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual((ip4['address'], ip4['prefix'], ip4['gateway'], ip4['mtu']),
                         (IP4[0], IP4[1], GW4, MTU))
        props = self.prop('Properties', h.BEARER_IFACE, bearer)
        self.assertEqual((props['apn'], props['user']), ('internet', 'bob'))
        self.assertIsNone(self.saved_state('mbim'))

        self.modemctl('-m', self.modem, '--simple-disconnect')
        self.wait_state(REGISTERED)
        self.sim.wait_for_line(r'rx mbim .*Connect set', start=mark)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))

    def test_restart_without_session(self):
        """A session the network ended while no daemon ran is not reported:
        the modem is DISABLED (its radio still on) and connects as usual."""
        self.start(pin=False)
        self.enable_registered()
        self.simple_connect()
        self.wait_state(CONNECTED)
        self.stop_daemon()
        self.sim.control.send('network-disconnect')
        self.restart_daemon(f'mbim:{self.link},net:wwan0')
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('PowerState'), 3)  # ON
        self.assertEqual(self.prop('Bearers'), [])
        self.assertIsNone(self.saved_state('mbim'))
        self.enable_registered()
        self.simple_connect()
        self.wait_state(CONNECTED)

    def test_simulator_gone_removes_modem(self):
        self.start(pin=False)
        self.wait_state(DISABLED)
        modem = self.wait_modem_removed(trigger=lambda: self.sim.proc.kill())
        self.assertNotIn(modem, self.managed_objects())
        self.assertTrue(self.daemon.running())


    def test_change_and_disable_pin(self):
        self.start()
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        self.call(sim, h.SIM_IFACE, 'SendPin', (PIN,), '(s)')
        self.wait_state(DISABLED)
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim, h.SIM_IFACE, 'ChangePin', ('0000', '1357'), '(ss)')
        self.call(sim, h.SIM_IFACE, 'ChangePin', (PIN, '1357'), '(ss)')
        self.sim.wait_for_line(r'rx mbim .*Pin set .*operation=3')
        self.call(sim, h.SIM_IFACE, 'EnablePin', ('1357', False), '(sb)')
        self.sim.wait_for_line(r'rx mbim .*Pin set .*operation=2')

if __name__ == '__main__':
    h.main()
