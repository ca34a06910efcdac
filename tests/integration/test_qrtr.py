#!/usr/bin/python3
"""QMI over QRTR end to end, on a unix QRTR bus (tests/sim/qrtr-bus): this
kernel has no AF_QIPCRTR, and the same transport code runs over the bus that
carries QRTR's addressing and control packets.  modem-sim --protocol=qrtr
publishes its QMI services on a node; modemd (--port=qrtr:unix:PATH) finds
the modem through the name service.  tests/vm does the same against the
kernel's QRTR.

Needs root (exits 77 otherwise)."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import netns  # noqa: E402
from harness import CONNECTED, DISABLED, LOCK_SIM_PIN, LOCKED, REGISTERED  # noqa: E402

PORT_QMI = 6
PIN = '3579'
IMEI = '357000111222333'
IP4 = ('192.0.2.44', 28)
GW4 = '192.0.2.33'
DNS4 = '192.0.2.53'
HOME = ('20810', 'Qrtr Net')


class QrtrTest(h.ModemTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-qrtr-')
        self.addCleanup(self.tmp.cleanup)
        self.bus_path = os.path.join(self.tmp.name, 'qrtr.bus')
        self.qrtr = h.QrtrBus(self.bus_path).start()
        self.addCleanup(self.qrtr.stop)

    def start_node(self, node, *extra):
        return self.start_sim('--protocol=qrtr', f'--link={self.bus_path}', f'--qrtr-node={node}',
                              f'--imei={IMEI}', f'--home-operator={HOME[0]}:{HOME[1]}',
                              f'--ip4={IP4[0]}/{IP4[1]}', f'--gateway4={GW4}',
                              f'--dns4={DNS4}', *extra)

    def modems_by_device(self):
        objs = self.managed_objects()
        return {ifaces[h.MODEM_IFACE]['Device']: path for path, ifaces in objs.items()
                if h.MODEM_IFACE in ifaces}

    def wait_devices(self, expected, timeout=20):
        box = {}

        def check():
            box.clear()
            box.update(self.modems_by_device())
            return sorted(box) == sorted(expected)

        h.wait_until(check, timeout, f'modems {expected}')
        return dict(box)

    # -----------------------------------------------------------------------

    def test_found_unlocked_registered_connected(self):
        sim = self.start_node(5, f'--sim-pin={PIN}', '--model=SoC Modem')
        self.start_daemon(f'--port=qrtr:unix:{self.bus_path}')
        self.modem = self.wait_devices(['qrtr5'])['qrtr5']
        self.wait_state(LOCKED)
        self.assertEqual(self.prop('PrimaryPort'), 'qrtr5')
        self.assertEqual(self.prop('Ports'), [('qrtr5', PORT_QMI)])
        self.assertEqual(self.prop('Plugin'), 'qmi')
        self.assertEqual(self.prop('EquipmentIdentifier'), IMEI)
        self.assertEqual(self.prop('Model'), 'SoC Modem')
        self.assertEqual(self.prop('UnlockRequired'), LOCK_SIM_PIN)
        # no CTL over QRTR: the daemon's first words to each service are its own
        text = '\n'.join(sim.lines)
        self.assertNotIn('rx qmi CTL', text)
        self.assertRegex(text, r'qrtr: client 1:\d+ is DMS cid=1')

        info = h.run_modemctl_json(['-m', '0'], bus=self.bus)['modem']
        self.assertEqual(info['generic']['device'], 'qrtr5')
        self.assertEqual(info['generic']['primary-port'], 'qrtr5')
        self.assertEqual(info['generic']['ports'], ['qrtr5 (qmi)'])

        self.modemctl('-m', self.modem, f'--pin={PIN}')
        self.wait_state(DISABLED)
        self.modemctl('-m', self.modem, '-e')
        self.wait_state(REGISTERED)
        self.assertEqual(self.prop('OperatorCode', h.MODEM_3GPP_IFACE), HOME[0])
        self.assertEqual(self.prop('OperatorName', h.MODEM_3GPP_IFACE), HOME[1])

        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        ip4 = self.prop('Ip4Config', h.BEARER_IFACE, bearer)
        self.assertEqual((ip4['address'], ip4['prefix']), IP4)
        # no data port on this host (no IPA device): the session has no interface
        self.assertEqual(self.prop('Interface', h.BEARER_IFACE, bearer), '')
        self.assertEqual(ip4['gateway'], GW4)
        self.assertEqual(ip4['dns1'], DNS4)
        sim.wait_for_line(r'rx qmi WDS StartNetwork .*apn=internet')
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        sim.wait_for_line(r'rx qmi WDS StopNetwork')
        # the PIN never reaches the log
        self.assertIn('UIM Verify PIN', self.daemon.read_log())
        self.assertNotIn(PIN, self.daemon.read_log())

    def test_services_withdrawn_then_back(self):
        """A modem restarting: its services leave the name service, the modem
        goes; they come back, a modem comes back."""
        sim = self.start_node(5)
        self.start_daemon(f'--port=qrtr:unix:{self.bus_path}')
        self.modem = self.wait_devices(['qrtr5'])['qrtr5']
        self.wait_state(DISABLED)
        self.wait_modem_removed(trigger=lambda: sim.control.send('qrtr-services down'))
        self.assertEqual(self.modems_by_device(), {})
        sim.control.send('qrtr-services up')
        self.modem = self.wait_devices(['qrtr5'])['qrtr5']
        self.wait_state(DISABLED)
        self.assertTrue(self.daemon.running())

    def test_second_node_second_modem(self):
        first = self.start_node(5)
        self.start_daemon(f'--port=qrtr:unix:{self.bus_path}')
        self.wait_devices(['qrtr5'])
        # a node that comes later, while the daemon watches
        second = self.start_node(6, '--imei=357000111222444')
        modems = self.wait_devices(['qrtr5', 'qrtr6'])
        self.modem = modems['qrtr6']
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('EquipmentIdentifier'), '357000111222444')
        self.assertEqual(self.prop('EquipmentIdentifier', path=modems['qrtr5']), IMEI)
        # the second modem's simulator goes away: only its modem goes
        self.wait_modem_removed(trigger=lambda: second.control.send('unplug'))
        self.assertEqual(list(self.modems_by_device()), ['qrtr5'])
        self.assertTrue(first.proc.poll() is None)

    def test_node_without_uim_is_no_modem(self):
        """A node without one of the services a modem needs is none; one that
        comes after it with all of them is (and would have come second)."""
        self.start_node(8, '--qmi-without=UIM')
        self.start_daemon(f'--port=qrtr:unix:{self.bus_path}')
        self.start_node(6)
        self.wait_devices(['qrtr6'])
        self.assertNotIn('qrtr8', self.modems_by_device())

    def test_declared_node(self):
        """--port=qrtr:NODE declares the modem of one node, on the bus of
        --port=qrtr:unix:PATH; a node without a modem's services is no modem."""
        self.start_node(7)
        self.start_daemon(f'--port=qrtr:unix:{self.bus_path}', '--port=qrtr:7')
        self.modem = self.wait_devices(['qrtr7'])['qrtr7']
        self.wait_state(DISABLED)
        self.assertEqual(self.prop('PrimaryPort'), 'qrtr7')

    def test_soc_data_path_refused_by_kernel(self):
        """With its data port, a SoC modem's plain session rides on QMAP too
        (the one multiplexed data path, qmi-modem-multiplex.c): QMAP on the
        modem's embedded endpoint, an rmnet link for mux id 1 on the port, the
        session's WDS client bound to it. This kernel has no rmnet: the
        connection fails with the kernel's words before any client is bound
        or session starts, and no link is left."""
        missing = netns.NetNamespace.missing_tools()
        if missing:
            self.skipTest(f'no network namespace here: {missing}')
        ns = netns.NetNamespace(tun_names=['rmnet_ipa0']).start(h._spawn)
        self.addCleanup(ns.stop)
        sim = self.start_node(5)
        daemon = h.Daemon(self.bus, [f'--port=qrtr:unix:{self.bus_path}',
                                     '--port=qrtr:5,net:rmnet_ipa0'], prefix=ns.argv([]))
        self.addCleanup(self._stop_daemon, daemon)
        daemon.start()
        self._watch_log(daemon.name, daemon.log_path)
        self.daemon = daemon
        self.modem = self.wait_devices(['qrtr5'])['qrtr5']
        self.assertEqual(sorted(self.prop('Ports')), [('qrtr5', PORT_QMI), ('rmnet_ipa0', 2)])
        self.enable_registered()
        links_before = ns.run(['ip', '-o', 'link', 'show']).stdout.count('\n')
        mark = len(sim.lines)
        args = {'apn': h.GLib.Variant('s', 'internet')}
        name, message = h.call_error(self.bus.conn, self.modem, h.MODEM_SIMPLE_IFACE, 'Connect',
                                     (args,), '(a{sv})', timeout=60)
        self.assertTrue(name.startswith(h.ERROR_PREFIX), name)
        self.assertIn('rmnet link rmnet_ipa0.1 on rmnet_ipa0 (mux id 1)', message)
        self.assertIn('Unknown device type', message)
        after = '\n'.join(sim.lines[mark:])
        self.assertRegex(after, r'rx qmi WDA SetDataFormat .*link-layer=raw-ip '
                                r'ul-aggregation=5 dl-aggregation=5 .*endpoint=4/1')
        self.assertNotIn('BindMuxDataPort', after)
        self.assertNotIn('StartNetwork', after)
        self.assertEqual(ns.run(['ip', '-o', 'link', 'show']).stdout.count('\n'), links_before)
        self.wait_state(REGISTERED)


if __name__ == '__main__':
    h.main()
