#!/usr/bin/python3
"""QMI end to end: modemd with the QMI plugin driving modem-sim --protocol=qmi,
on a private system bus with the real polkitd, through D-Bus and modemctl.

Needs root (exits 77 otherwise)."""

import os
import re
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

PIN = '2468'
PUK = '13572468'
IMEI = '354812345678901'
ICCID = '89440001234567890123'
IMSI = '234151234567890'
HOME = ('23415', 'Qmi Home')
OTHER = ('23410', 'Qmi Other')
IP4 = ('198.51.100.7', 29)
GW4 = '198.51.100.1'
DNS4 = ['198.51.100.53', '198.51.100.54']
IP6 = ('2001:db8:7::7', 64)
MTU = 1430

from harness import (CONNECTED, DISABLED, LOCK_SIM_PIN, LOCK_SIM_PUK, LOCKED,  # noqa: E402
                     REGISTERED)


class QmiTest(h.ModemTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-qmi-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, 'cdc-wdm0')

    def start(self, pin=True, extra=()):
        args = ['--protocol=qmi', f'--link={self.link}', f'--imei={IMEI}', f'--iccid={ICCID}',
                f'--imsi={IMSI}', '--model=QMI Sim', '--revision=QMIREV-1',
                f'--home-operator={HOME[0]}:{HOME[1]}',
                f'--visible-operator={OTHER[0]}:{OTHER[1]}',
                f'--ip4={IP4[0]}/{IP4[1]}', f'--gateway4={GW4}', f'--mtu={MTU}',
                f'--ip6={IP6[0]}/{IP6[1]}']
        args += [f'--dns4={d}' for d in DNS4]
        if pin:
            args += [f'--sim-pin={PIN}', f'--sim-puk={PUK}']
        return self.start_modem([*args, *extra], f'qmi:{self.link},net:wwan7')

    # -----------------------------------------------------------------------

    def test_unlock_enable_connect(self):
        self.start()
        self.wait_state(LOCKED)
        self.assertEqual(self.prop('Plugin'), 'qmi')
        self.assertEqual(self.prop('EquipmentIdentifier'), IMEI)
        self.assertEqual(self.prop('Model'), 'QMI Sim')
        self.assertEqual(self.prop('UnlockRequired'), LOCK_SIM_PIN)
        sim = self.prop('Sim')
        self.assertEqual(self.prop('SimIdentifier', h.SIM_IFACE, sim), ICCID)

        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.assertEqual(self.prop('UnlockRetries').get(LOCK_SIM_PIN), 2)
        self.modemctl('-i', sim, f'--pin={PIN}')
        self.wait_state(DISABLED)
        self.wait_prop('Imsi', lambda v: v == IMSI, iface=h.SIM_IFACE, path=sim)
        self.assertEqual(self.prop('OperatorIdentifier', h.SIM_IFACE, sim), HOME[0])

        self.modemctl('-m', self.modem, '-e')
        self.wait_state(REGISTERED)
        self.assertEqual(self.prop('OperatorCode', h.MODEM_3GPP_IFACE), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.MODEM_3GPP_IFACE), HOME[1])

        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        # connecting again with the same settings gives the same bearer
        self.assertEqual(self.simple_connect(), bearer)
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), 'wwan7')
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual(ip4['method'], 2)
        self.assertEqual(ip4['address'], IP4[0])
        self.assertEqual(ip4['prefix'], IP4[1])
        self.assertEqual(ip4['gateway'], GW4)
        self.assertEqual(ip4['dns1'], DNS4[0])
        self.assertEqual(ip4['dns2'], DNS4[1])
        self.assertEqual(ip4['mtu'], MTU)
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)

        # no PIN, IMSI or ICCID in the daemon's debug log
        text = self.daemon.read_log()
        self.assertIn('UIM Verify PIN', text)
        for secret in (PIN, IMSI, ICCID):
            self.assertNotIn(secret, text)

        self.modemctl('-m', self.modem, '-d')
        self.wait_state(DISABLED)

    def test_puk(self):
        self.start(extra=('--pin-retries=1',))
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim, h.SIM_IFACE, 'SendPin', ('0000',), '(s)')
        self.wait_prop('UnlockRequired', lambda v: v == LOCK_SIM_PUK)
        self.call(sim, h.SIM_IFACE, 'SendPuk', (PUK, '1357'), '(ss)')
        self.wait_state(DISABLED)

    def test_ipv6_scan_signal_register(self):
        self.start(pin=False)
        self.enable_registered()
        codes = self.scan_by_code()
        self.assertEqual(codes[HOME[0]]['status'], 2)
        self.assertEqual(codes[OTHER[0]]['operator-long'], OTHER[1])

        self.call(self.modem, h.MODEM_SIGNAL_IFACE, 'Setup', (1,), '(u)')
        lte = self.wait_prop('Lte', lambda v: 'rsrp' in v, iface=h.MODEM_SIGNAL_IFACE)
        self.assertLess(lte['rsrp'], 0)
        self.wait_prop('SignalQuality', lambda v: v[0] > 0)

        bearer = self.simple_connect(ip_type=2)  # IPv6
        self.wait_state(CONNECTED)
        ip6 = self.prop('Ip6Config', h.BEARER_IFACE, bearer)
        self.assertEqual(ip6['address'], IP6[0])
        self.assertEqual(ip6['prefix'], IP6[1])
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)

        # dual stack: one session per family, on two WDS clients. The modem
        # allows one bearer: the disconnected IPv6 one makes way.
        old_bearer = bearer
        bearer = self.simple_connect(ip_type=4)  # IPv4v6
        self.assertNotEqual(bearer, old_bearer)
        self.assertEqual(self.prop('Bearers'), [bearer])
        self.wait_state(CONNECTED)
        self.assertEqual(self.prop('Ip4Config', h.BEARER_IFACE, bearer)['address'], IP4[0])
        self.assertEqual(self.prop('Ip6Config', h.BEARER_IFACE, bearer)['address'], IP6[0])
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        self.sim.wait_for_line(r'rx qmi WDS StopNetwork cid=2')

        self.call(self.modem, h.MODEM_3GPP_IFACE, 'Register', (OTHER[0],), '(s)', timeout=60)
        self.wait_prop('OperatorCode', lambda v: v == OTHER[0], iface=h.MODEM_3GPP_IFACE)

    def test_network_disconnect_and_unplug(self):
        self.start(pin=False)
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        self.sim.proc.send_signal(signal.SIGUSR1)
        self.wait_state(REGISTERED)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))

        self.wait_modem_removed(trigger=lambda: self.sim.proc.kill())
        self.assertTrue(self.daemon.running())

    def test_sigterm_leaves_session_up(self):
        """Stopping the daemon unexports its objects but leaves the data
        session on the modem as it is."""
        self.start(pin=False)
        self.enable_registered()
        self.simple_connect()
        self.wait_state(CONNECTED)
        mark = len(self.sim.lines)
        self.daemon.stop()  # SIGTERM; asserts exit status 0
        # other clients are released, and only after them would WDS be
        self.sim.wait_for_line(r'ReleaseCID .*service=UIM', start=mark)
        self.sim.wait_for_line(r'link closed by peer', start=mark)
        after = '\n'.join(self.sim.lines[mark:])
        self.assertNotIn('WDS StopNetwork', after)
        # the client that started the session is not released (that would end
        # it); the spare one for a second IPv6 session may be
        session_cid = re.search(r'allocated WDS cid=(\d+)', '\n'.join(self.sim.lines)).group(1)
        self.assertNotRegex(after, rf'service=WDS release-cid={session_cid}\b')

    def test_restart_takes_over_session(self):
        """A data session left up by a stopped daemon is taken over by the
        next one: connected bearer with its settings and IP configuration,
        modem CONNECTED and attached, and it disconnects normally."""
        self.start(pin=False)
        self.enable_registered()
        self.simple_connect(ip_type=4, user='alice', password='s3cret-pw')  # IPv4v6
        self.wait_state(CONNECTED)
        self.stop_daemon()
        state = self.saved_state('qmi')
        self.assertIsNotNone(state, 'no state saved for the next run')
        self.assertNotIn('s3cret-pw', state)

        mark = self.restart_daemon(f'qmi:{self.link},net:wwan7')
        self.wait_state(CONNECTED)
        after = '\n'.join(self.sim.lines[mark:])
        self.assertNotIn('Sync', after)  # CTL Sync would have ended the session
        self.assertNotIn('StartNetwork', after)
        self.assertEqual(self.prop('PowerState'), 3)  # ON
        self.assertEqual(self.prop('PacketServiceState', h.MODEM_3GPP_IFACE), 2)  # attached
        bearers = self.prop('Bearers')
        self.assertEqual(len(bearers), 1)
        bearer = bearers[0]
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), 'wwan7')
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual((ip4['address'], ip4['prefix'], ip4['gateway']), (IP4[0], IP4[1], GW4))
        self.assertEqual(ip4['dns1'], DNS4[0])
        self.assertEqual(self.prop('Ip6Config', h.BEARER_IFACE, bearer)['address'], IP6[0])
        props = self.prop('Properties', h.BEARER_IFACE, bearer)
        self.assertEqual((props['apn'], props['user'], props['ip-type']), ('internet', 'alice', 4))
        self.assertNotIn('password', props)
        self.assertIsNone(self.saved_state('qmi'))

        mark = len(self.sim.lines)
        self.call(bearer, h.BEARER_IFACE, 'Disconnect', reply_type='()')
        self.wait_state(REGISTERED)
        self.sim.wait_for_line(r'session down', start=mark)
        stops = [line for line in self.sim.lines[mark:] if 'WDS StopNetwork' in line]
        self.assertEqual(len(stops), 2, stops)
        self.assertFalse(self.prop('Connected', h.BEARER_IFACE, bearer))
        # and the modem is as usable as ever
        self.simple_connect()
        self.wait_state(CONNECTED)

    def test_restart_tears_down_lost_session(self):
        """A session that ended while no daemon ran is not reported: the
        modem is DISABLED with no bearer, the old clients are released, and
        it enables and connects as usual."""
        self.start(pin=False)
        self.enable_registered()
        self.simple_connect()
        self.wait_state(CONNECTED)
        self.stop_daemon()
        self.sim.control.send('network-disconnect')

        mark = self.restart_daemon(f'qmi:{self.link},net:wwan7')
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('Bearers'), [])
        self.sim.wait_for_line(r'ReleaseCID .*service=WDS', start=mark)
        self.assertIsNone(self.saved_state('qmi'))
        self.enable_registered()
        self.simple_connect()
        self.wait_state(CONNECTED)

    def test_silent_modem_times_out(self):
        """A modem that stops answering fails the call with a timeout error;
        the daemon keeps answering everything else meanwhile, and a late
        answer does not confuse it once the modem is back."""
        self.start(pin=False)
        self.wait_state(DISABLED)
        self.sim.proc.send_signal(signal.SIGSTOP)
        self.addCleanup(lambda: self.sim.proc.send_signal(signal.SIGCONT))
        result = []
        self.bus.conn.call(h.BUS_NAME, self.modem, h.MODEM_IFACE, 'Enable',
                           GLib.Variant('(b)', (True,)), None, 0, 60000, None,
                           lambda conn, res: result.append(res))
        # while the call is pending, the daemon still serves other requests
        self.wait_state(5)  # ENABLING
        self.assertEqual(self.prop('Plugin'), 'qmi')
        h.wait_until(lambda: result, 30, 'Enable to fail')
        with self.assertRaises(GLib.Error) as ctx:
            self.bus.conn.call_finish(result[0])
        self.assertEqual(h.dbus_error_name(ctx.exception),
                         h.ERROR_PREFIX + 'Serial.ResponseTimeout')
        self.wait_state(DISABLED)

        self.sim.proc.send_signal(signal.SIGCONT)
        self.call(self.modem, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        self.wait_state(REGISTERED)
        self.assertTrue(self.daemon.running())


if __name__ == '__main__':
    h.main()
