#!/usr/bin/python3
"""The data port of a SoC modem: the SoC's IPA net device (driver "ipa", a
platform device), found by the udev path and tied to the modem found on the
QRTR name service, which has no sysfs device of its own.  sysfs and udev are
emulated by umockdev (as in test_discovery.py, whose fixtures this reuses);
the modem is modem-sim on a unix QRTR bus.

Re-executes itself under umockdev-wrapper.  Needs root; skips (77) without
umockdev."""

import os
import sys
import tempfile

import umockdev_entry  # stdlib only: before the preload is in place

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_discovery as td  # noqa: E402
from test_discovery import h  # noqa: E402

IPA = '/devices/platform/soc@0/1e40000.ipa'
PORT_NET, PORT_QMI = 2, 6


def soc_ipa():
    """The IPA block of an SDM845: a platform device..."""
    hw = td.Hardware(IPA)
    hw.add(IPA, 'platform', [('DRIVER', 'ipa'), ('OF_COMPATIBLE_0', 'qcom,sdm845-ipa')], (),
           [('driver', '../../../bus/platform/drivers/ipa')])
    return hw


def ipa_net(net='rmnet_ipa0'):
    """...and its net device, raw IP (ARPHRD_RAWIP)."""
    hw = td.Hardware(f'{IPA}/net/{net}')
    td.net_port(hw, f'{IPA}/net/{net}', net, attrs=[('type', '519')])
    return hw


class SocDataPortTest(td.DiscoveryTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-qrtr-soc-')
        self.addCleanup(self.tmp.cleanup)
        self.bus_path = os.path.join(self.tmp.name, 'qrtr.bus')
        self.qrtr = h.QrtrBus(self.bus_path).start()
        self.addCleanup(self.qrtr.stop)

    def ports(self, path):
        return sorted(h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'Ports'))

    def test_ipa_port_joins_the_qrtr_modem(self):
        self.plug(soc_ipa())
        net = self.plug(ipa_net())
        sim = self.start_sim('--protocol=qrtr', f'--link={self.bus_path}', '--qrtr-node=5')
        self.start_discovery_daemon(f'--port=qrtr:unix:{self.bus_path}')
        modem = self.modem_for_device('qrtr5')
        expected = [('qrtr5', PORT_QMI), ('rmnet_ipa0', PORT_NET)]
        h.wait_for_property(self.bus.conn, 'Ports', lambda v: sorted(v) == expected,
                            path=modem, interface=h.MODEM_IFACE)
        # the platform device with only a net port is no modem of its own
        self.assertEqual(list(self.modems()), [modem])

        # the IPA device goes (its driver unbound): the port leaves the modem
        self.unplug(net, '/sys' + IPA + '/net/rmnet_ipa0')
        h.wait_for_property(self.bus.conn, 'Ports', lambda v: v == [('qrtr5', PORT_QMI)],
                            path=modem, interface=h.MODEM_IFACE)
        # and comes back: it joins again
        self.plug(ipa_net())
        h.wait_for_property(self.bus.conn, 'Ports', lambda v: sorted(v) == expected,
                            path=modem, interface=h.MODEM_IFACE)
        self.assertTrue(sim.proc.poll() is None)


if __name__ == '__main__':
    umockdev_entry.enter(__file__)
    h.main()
