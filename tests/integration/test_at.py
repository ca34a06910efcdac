#!/usr/bin/python3
"""AT end to end: modemd with the AT plugin driving modem-sim --protocol=at over
a pty, on a private system bus with the real polkitd, through D-Bus and modemctl.

Needs root (exits 77 otherwise).  See harness.py for the environment."""

import os
import re
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

PIN = '8642'
PUK = '87654321'
IMEI = '356938035643811'
ICCID = '89462020000087654322'
IMSI = '240209876543211'
HOME = ('24020', 'At Net')
OTHER = ('24001', 'Other Net')
RSSI_DBM = -71          # +CSQ: (dbm + 113) / 2 = 21 of 31
RSRP, RSRQ = -97, -11   # +CESQ: rsrp + 141, (rsrq + 20) * 2
IP4 = ('192.0.2.10', 28)
GW4 = '192.0.2.1'
DNS4 = ['192.0.2.53', '192.0.2.54']
TTY = 'ttyUSB2'

# Modem states
LOCKED, DISABLED, ENABLED, SEARCHING, REGISTERED, CONNECTED = 2, 3, 6, 7, 8, 11
LOCK_NONE, LOCK_SIM_PIN, LOCK_SIM_PUK = 1, 2, 4
IP_METHOD_PPP, IP_METHOD_STATIC = 1, 2


class AtTest(h.ModemTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-at-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, TTY)

    def start(self, pin=True, extra=(), ports=None):
        args = ['--protocol=at', f'--link={self.link}', f'--imei={IMEI}',
                f'--iccid={ICCID}', f'--imsi={IMSI}', '--manufacturer=AT Works',
                '--model=AT Sim 27007', '--revision=ATREV-1.2',
                f'--home-operator={HOME[0]}:{HOME[1]}',
                f'--visible-operator={OTHER[0]}:{OTHER[1]}', f'--rssi={RSSI_DBM}',
                f'--rsrp={RSRP}', f'--rsrq={RSRQ}', '--registration-delay-ms=300',
                f'--ip4={IP4[0]}/{IP4[1]}', f'--gateway4={GW4}']
        args += [f'--dns4={d}' for d in DNS4]
        if pin:
            args += [f'--sim-pin={PIN}', '--pin-retries=3']
        return self.start_modem([*args, *extra], ports or 'at:' + self.link)

    def sim_count(self, pattern):
        rx = re.compile(pattern)
        return sum(1 for line in list(self.sim.lines) if rx.search(line))

    # -----------------------------------------------------------------------

    def test_lock_unlock_enable_connect_disconnect_disable(self):
        self.start()
        self.wait_state(LOCKED)
        self.assertEqual(self.prop('Plugin'), 'at')
        self.assertEqual(self.prop('Manufacturer'), 'AT Works')
        self.assertEqual(self.prop('Model'), 'AT Sim 27007')
        self.assertEqual(self.prop('Revision'), 'ATREV-1.2')
        self.assertEqual(self.prop('EquipmentIdentifier'), IMEI)
        self.assertEqual(self.prop('UnlockRequired'), LOCK_SIM_PIN)
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PIN), 3)
        sim_path = self.prop('Sim')
        self.assertNotEqual(sim_path, '/')
        self.assertEqual(self.prop('SimIdentifier', h.SIM_IFACE, sim_path), ICCID)
        # the channel switched echo off first
        self.sim.wait_for_line(r'^sim: rx at ATE0$')

        # wrong PIN: the error of the reference API, and one retry less
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.sim.wait_for_line(r'^sim: rx at AT\+CPIN="0000"$')
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PIN), 2)
        self.assertEqual(self.prop('State'), LOCKED)

        # the right PIN through modemctl
        self.modemctl('-i', sim_path, f'--pin={PIN}')
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('UnlockRequired'), LOCK_NONE)
        self.assertEqual(
            self.wait_prop('Imsi', lambda v: v == IMSI, iface=h.SIM_IFACE, path=sim_path), IMSI)
        # the SIM's operator, from the IMSI and EF_AD's MNC length, and EF_SPN
        self.assertEqual(self.prop('OperatorIdentifier', h.SIM_IFACE, sim_path), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.SIM_IFACE, sim_path), HOME[1])
        # neither the PIN nor the full IMSI/ICCID reach the daemon's (debug) wire log
        text = self.daemon.read_log()
        self.assertIn('AT+CPIN=\\"****\\"', text)
        self.assertIn('+CPIN?', text)
        self.assertNotIn(PIN, text)
        self.assertNotIn(IMSI, text)
        self.assertNotIn(ICCID, text)

        # enable through modemctl: radio on, URCs on, registration from URCs
        self.modemctl('-m', self.modem, '-e')
        self.wait_state(REGISTERED)
        self.assertEqual(self.prop('OperatorCode', h.MODEM_3GPP_IFACE), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.MODEM_3GPP_IFACE), HOME[1])
        self.assertEqual(self.prop('RegistrationState', h.MODEM_3GPP_IFACE), 1)  # home
        self.sim.wait_for_line(r'^sim: rx at AT\+CEREG=2$')

        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        self.sim.wait_for_line(r'^sim: rx at AT\+CGDCONT=1,"IP","internet"$')
        self.sim.wait_for_line(r'^sim: rx at ATD\*99\*\*\*1#$')
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        # pppd runs on the tty, the way NetworkManager does it
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), TTY)
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual(ip4['method'], IP_METHOD_PPP)
        rc, out, _ = self.modemctl('-b', bearer)
        self.assertIn(TTY, out)

        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)', timeout=30)
        self.wait_state(REGISTERED)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.sim.wait_for_line(r'^sim: rx at \+\+\+$')
        self.sim.wait_for_line(r'^sim: rx at ATH$')

        # registration was followed from URCs, not by polling
        self.assertEqual(self.sim_count(r'^sim: rx at AT\+CREG\?$'), 1)

        self.modemctl('-m', self.modem, '-d')
        self.wait_state(DISABLED)
        self.sim.wait_for_line(r'^sim: rx at AT\+CFUN=4$')
        # disabled: registration unknown, as the reference reports it
        self.assertEqual(self.prop('RegistrationState', h.MODEM_3GPP_IFACE), 4)

    def test_puk_after_blocked_pin(self):
        self.start(extra=('--pin-retries=1', f'--sim-puk={PUK}'))
        self.wait_state(LOCKED)
        sim_path = self.prop('Sim')
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.wait_prop('UnlockRequired', lambda v: v == LOCK_SIM_PUK)
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim_path, h.SIM_IFACE, 'SendPuk', ('11111111', '4321'), '(ss)')
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PUK), 9)
        self.call(sim_path, h.SIM_IFACE, 'SendPuk', (PUK, '4321'), '(ss)')
        self.wait_state(DISABLED)
        self.sim.wait_for_line(r'^sim: rx at AT\+CPIN="87654321","4321"$')

    def test_injection_refused(self):
        self.start(pin=False)
        self.enable_registered()
        # a quote or CR in the APN never reaches the modem
        self.assertDBusError(h.ERROR_PREFIX + 'Core.InvalidArgs', self.modem,
                             h.MODEM_SIMPLE_IFACE, 'Connect',
                             ({'apn': GLib.Variant('s', 'internet"\r\nATD123;')},), '(a{sv})')
        self.assertEqual(self.sim_count(r'ATD123'), 0)
        self.assertEqual(self.prop('State'), REGISTERED)

    def test_scan_and_signal(self):
        self.start(pin=False)
        self.enable_registered()
        by_code = self.scan_by_code()
        self.assertIn(HOME[0], by_code)
        self.assertIn(OTHER[0], by_code)
        self.assertEqual(by_code[HOME[0]]['operator-long'], HOME[1])
        self.assertEqual(by_code[OTHER[0]]['operator-long'], OTHER[1])
        self.assertEqual(by_code[HOME[0]]['status'], 2)  # current
        self.assertEqual(by_code[OTHER[0]]['status'], 1)  # available
        self.sim.wait_for_line(r'^sim: rx at AT\+COPS=\?$')

        rc, out, _ = self.modemctl('-m', self.modem, '--3gpp-scan', '--timeout=120')
        self.assertIn(OTHER[0], out)

        # signal quality from +CSQ: 21 of 31
        expected = ((RSSI_DBM + 113) // 2) * 100 // 31
        quality = self.wait_prop('SignalQuality', lambda v: v[0] > 0)
        self.assertEqual(quality[0], expected)
        # extended values from +CESQ
        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (1,), '(u)')
        lte = self.wait_prop('Lte', lambda v: 'rsrp' in v, iface=h.MODEM_SIGNAL_IFACE)
        self.assertAlmostEqual(lte['rsrp'], RSRP)
        self.assertAlmostEqual(lte['rsrq'], RSRQ)
        self.sim.wait_for_line(r'^sim: rx at AT\+CESQ$')

    def test_manual_register(self):
        self.start(pin=False)
        self.enable_registered()
        self.call(self.modem, h.MODEM_3GPP_IFACE, 'Register', (OTHER[0],), '(s)', timeout=60)
        self.sim.wait_for_line(r'^sim: rx at AT\+COPS=1,2,"%s"$' % OTHER[0])
        self.wait_prop('OperatorCode', lambda v: v == OTHER[0], iface=h.MODEM_3GPP_IFACE)
        self.assertEqual(self.prop('OperatorName', h.MODEM_3GPP_IFACE), OTHER[1])
        self.assertEqual(self.prop('RegistrationState', h.MODEM_3GPP_IFACE), 5)  # roaming
        # the change came from the modem's URCs, not from polling
        self.daemon.wait_for_log(r"<-- \(urc\) '\+CEREG: 5,")
        self.assertEqual(self.sim_count(r'^sim: rx at AT\+CEREG\?$'), 1)
        # and back to automatic
        self.call(self.modem, h.MODEM_3GPP_IFACE, 'Register', ('',), '(s)', timeout=60)
        self.sim.wait_for_line(r'^sim: rx at AT\+COPS=0$')
        self.wait_prop('OperatorCode', lambda v: v == HOME[0], iface=h.MODEM_3GPP_IFACE)

    def test_network_initiated_disconnect(self):
        self.start(pin=False)
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        # the simulator answers NO CARRIER on the data line
        self.wait_bearer_disconnected(bearer, lambda: self.sim.proc.send_signal(signal.SIGUSR1))
        self.wait_state(REGISTERED)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.daemon.wait_for_log(r"<-- \(urc\) 'NO CARRIER'")
        # and dials again afterwards, this time through modemctl
        self.modemctl('-m', self.modem, '--simple-connect=apn=internet')
        self.wait_state(CONNECTED)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assertEqual(self.sim_count(r'^sim: rx at ATD\*99\*\*\*1#$'), 2)
        self.modemctl('-m', self.modem, '--simple-disconnect')
        self.wait_state(REGISTERED)

    def test_net_port_static_bearer(self):
        # with a net port and +CGACT/+CGCONTRDP: no PPP, a static-IP bearer on wwan0
        self.start(pin=False, ports=f'at:{self.link},net:wwan0')
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        self.sim.wait_for_line(r'^sim: rx at AT\+CGACT=1,1$')
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), 'wwan0')
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual(ip4['method'], IP_METHOD_STATIC)
        self.assertEqual(ip4['address'], IP4[0])
        self.assertEqual(ip4['prefix'], IP4[1])
        self.assertEqual(ip4['gateway'], GW4)
        self.assertEqual(ip4['dns1'], DNS4[0])
        self.assertEqual(ip4['dns2'], DNS4[1])
        self.assertEqual(self.sim_count(r'^sim: rx at ATD'), 0)

        # network-side deactivation arrives as +CGEV
        def changed(params):
            return params[0] == h.BEARER_IFACE and 'Connected' in params[1] and \
                not params[1]['Connected']

        h.wait_for_signal(self.bus.conn, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                          path=bearer, predicate=changed,
                          trigger=lambda: self.sim.proc.send_signal(signal.SIGUSR1))
        self.wait_state(REGISTERED)

        self.simple_connect()
        self.wait_state(CONNECTED)
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        self.sim.wait_for_line(r'^sim: rx at AT\+CGACT=0,1$')

    def test_modes(self):
        # +WS46: what the modem offers, what it uses, and switching
        self.start(pin=False)
        self.wait_state(DISABLED)
        m2g, m3g, m4g = 2, 4, 8
        supported = self.prop('SupportedModes')
        self.assertIn((m2g | m3g | m4g, 0), supported)
        self.assertIn((m4g, 0), supported)
        self.assertIn((m3g | m4g, 0), supported)
        self.assertEqual(tuple(self.prop('CurrentModes')), (m4g, 0))
        self.call(self.modem, h.MODEM_IFACE, 'SetCurrentModes', ((m3g | m4g, 0),), '((uu))')
        self.sim.wait_for_line(r'^sim: rx at AT\+WS46=31$')
        self.wait_prop('CurrentModes', lambda v: tuple(v) == (m3g | m4g, 0))
        # a preferred mode is not a 27.007 notion
        self.assertDBusError(h.ERROR_PREFIX + 'Core.Unsupported', self.modem, h.MODEM_IFACE,
                             'SetCurrentModes', ((m3g | m4g, m4g),), '((uu))')

    def test_command_passthrough(self):
        self.start(pin=False)
        self.wait_state(DISABLED)
        reply = self.call(self.modem, h.MODEM_IFACE, 'Command', ('AT+CGMM', 5), '(su)',
                          reply_type='(s)')[0]
        self.assertEqual(reply.strip(), 'AT Sim 27007')
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.Unknown', self.modem,
                             h.MODEM_IFACE, 'Command', ('AT+XYZZY', 5), '(su)')
        self.assertDBusError(h.ERROR_PREFIX + 'Core.InvalidArgs', self.modem,
                             h.MODEM_IFACE, 'Command', ('AT\rATD123;', 5), '(su)')
        self.assertEqual(self.sim_count(r'ATD123'), 0)

    def test_no_sim(self):
        # +CPIN? answers +CME ERROR: 10: the modem stays on the bus, FAILED
        self.start(pin=False, extra=('--no-sim',))
        self.wait_state(-1)
        self.assertEqual(self.prop('StateFailedReason'), 2)  # sim-missing
        self.assertEqual(self.prop('Sim'), '/')
        self.assertEqual(self.prop('EquipmentIdentifier'), IMEI)

    def test_silent_modem_removed(self):
        # a modem that stops answering is given up after a few timeouts
        self.start(pin=False, extra=('--fault=silent-after=4',))
        self.sim.wait_for_line(r'^sim: fault: silent')
        self.wait_modem_removed(timeout=60)
        self.daemon.wait_for_log(r'stopped answering')
        self.assertTrue(self.daemon.running())

    def test_simulator_gone_removes_modem(self):
        self.start(pin=False)
        self.wait_state(DISABLED)
        modem = self.wait_modem_removed(trigger=lambda: self.sim.proc.kill())
        self.assertNotIn(modem, self.managed_objects())
        self.assertTrue(self.daemon.running())


if __name__ == '__main__':
    h.main()
