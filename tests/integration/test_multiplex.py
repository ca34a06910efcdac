#!/usr/bin/python3
"""Multiplexed data sessions end to end, on the udev path under umockdev (see
test_discovery.py for how devices are emulated):

- QMI over qmi_wwan: two bearers (internet and IMS) up at once, each on the qmimux link
  that the driver makes for its mux id (the daemon writes qmi/add_mux; this test plays
  the driver and adds the qmimuxN device with its qmap/mux_id), with its own IP settings;
  disconnect writes qmi/del_mux. QMAP on WDA, each session's WDS client bound to its mux id.
- QMI over MHI (mhi_net): rmnet links through rtnetlink. This kernel has no rmnet: the
  daemon runs in a network namespace where a tun device stands for the MHI data port, the
  kernel refuses the link, the bearer fails saying so, nothing is left behind, and a
  session without multiplexing still works.
- multiplex=required on a modem that cannot multiplex: refused before the modem is asked.

Needs root, umockdev and gir1.2-umockdev-1.0 (exits 77 otherwise).
"""

import os
import sys

import umockdev_entry  # stdlib only: before the preload is in place


if __name__ == '__main__':
    umockdev_entry.enter(__file__)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_discovery as d  # noqa: E402  (emulated hardware, the umockdev test case)
import harness as h  # noqa: E402
from harness import GLib  # noqa: E402
import netns  # noqa: E402

MULTIPLEX_NONE, MULTIPLEX_REQUIRED = 1, 3
DISABLED, REGISTERED, CONNECTED = 3, 8, 11


def usb_qmi_mux_modem():
    """A USB QMI modem whose qmi_wwan net port takes mux links (qmi/add_mux)."""
    dev = f'{d.USB_ROOT}/1-1'
    hw = d.Hardware(dev)
    d.usb_device(hw, dev, '2c7c', '0800')
    iface = f'{dev}/1-1:1.4'
    d.usb_interface(hw, iface, 4, 'qmi_wwan')
    hw.add(f'{iface}/usbmisc/cdc-wdm0', 'usbmisc',
           [('DEVNAME', '/dev/cdc-wdm0'), ('MAJOR', '180'), ('MINOR', str(d._minor()))],
           [('dev', f'180:{d._minor.n}')], node='cdc-wdm0', port='cdc-wdm0')
    hw.add(f'{iface}/net/wwan0', 'net', [('INTERFACE', 'wwan0'), ('IFINDEX', '31')],
           [('ifindex', '31'), ('type', '519'), ('qmi/raw_ip', 'N'), ('qmi/add_mux', ''),
            ('qmi/del_mux', '')], [('device', '../..')], port='wwan0')
    return hw


def pcie_qmi_modem(slot='03'):
    """A PCIe (MHI) modem with a QMI port on the wwan class and mhi_net's data port."""
    dev = f'{d.PCI_ROOT}/0000:{slot}:00.0'
    hw = d.Hardware(dev)
    hw.add(dev, 'pci', [('DRIVER', 'mhi-pci-generic'), ('PCI_ID', '17CB:0306')],
           [('vendor', '0x17cb'), ('device', '0x0306'), ('class', '0x0d4000')],
           [d._driver('mhi-pci-generic', 'pci')])
    wdev = f'{dev}/wwan/wwan0'
    hw.add(wdev, 'wwan', [('DEVTYPE', 'wwan_dev')])
    hw.add(f'{wdev}/wwan0qmi0', 'wwan',
           [('DEVTYPE', 'wwan_port'), ('DEVNAME', '/dev/wwan0qmi0'), ('MAJOR', '234'),
            ('MINOR', str(d._minor()))],
           [('type', 'QMI'), ('dev', f'234:{d._minor.n}')], node='wwan0qmi0', port='wwan0qmi0')
    chan = f'{dev}/mhi0/mhi0_IP_HW0'
    hw.add(chan, 'mhi', [('DRIVER', 'mhi_net')], (), [d._driver('mhi_net', 'mhi')])
    hw.add(f'{chan}/net/mhi_hwip0', 'net', [('INTERFACE', 'mhi_hwip0'), ('IFINDEX', '41')],
           [('ifindex', '41'), ('type', '519')], port='mhi_hwip0')
    return hw


class MultiplexTestCase(d.DiscoveryTestCase):

    def attr_path(self, hw, port, *names):
        return os.path.join(self.testbed.get_root_dir() + hw.port_paths[port], *names)

    def read_attr(self, hw, port, *names):
        with open(self.attr_path(hw, port, *names)) as f:
            return f.read().strip()

    def emulate_qmimux(self, hw, n, mux_id):
        """What qmi_wwan does on add_mux: a qmimuxN device, an upper device of
        the port, that tells its mux id."""
        name = f'qmimux{n}'
        self.assertTrue(self.testbed.add_from_string(
            f'P: /devices/virtual/net/{name}\nE: SUBSYSTEM=net\nE: INTERFACE={name}\n'
            f'A: qmap/mux_id={mux_id}\n\n'))
        port_dir = hw.port_paths['wwan0']
        depth = port_dir.count('/') - 2  # components below /sys/devices
        self.testbed.set_attribute_link(port_dir, f'upper_{name}',
                                        '../' * depth + f'virtual/net/{name}')

    def call_async(self, path, iface, method, args=None, signature=None):
        """Starts a call; returns a box that holds ('ok', value) or ('error', name, message)."""
        box = []

        def done(conn, result):
            try:
                box.append(('ok', conn.call_finish(result).unpack()))
            except GLib.Error as e:
                box.append(('error', h.dbus_error_name(e), e.message))

        params = GLib.Variant(signature, tuple(args)) if signature else None
        self.bus.conn.call(h.BUS_NAME, path, iface, method, params, None, 0,
                           int(h.scaled(60) * 1000), None, done)
        return box

    def create_bearer(self, path, apn, multiplex):
        props = {'apn': GLib.Variant('s', apn), 'multiplex': GLib.Variant('u', multiplex)}
        return self.call(path, h.MODEM_IFACE, 'CreateBearer', (props,), '(a{sv})',
                         reply_type='(o)')[0]

    def wait_initialized(self, path):
        h.wait_for_property(self.bus.conn, 'State', lambda v: v >= DISABLED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)

    def enable(self, path):
        self.wait_initialized(path)
        self.call(path, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        h.wait_for_property(self.bus.conn, 'State', lambda v: v == REGISTERED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)

    def bearer_prop(self, bearer, name):
        return self.prop(bearer, name, h.BEARER_IFACE)


class QmiWwanMuxTest(MultiplexTestCase):

    def connect_muxed(self, hw, bearer, n, mux_id):
        """Bearer.Connect, playing qmi_wwan when the daemon writes add_mux."""
        box = self.call_async(bearer, h.BEARER_IFACE, 'Connect')
        h.wait_until(lambda: box or self.read_attr(hw, 'wwan0', 'qmi', 'add_mux') == str(mux_id),
                     20, f'add_mux {mux_id}')
        self.assertEqual(box, [], 'connected before its link existed')
        self.emulate_qmimux(hw, n, mux_id)
        h.wait_until(lambda: box, 30, 'Connect answered')
        self.assertEqual(box[0][0], 'ok', box)

    def test_two_sessions_on_qmimux_links(self):
        hw = self.plug(usb_qmi_mux_modem())
        qmi = self.serve(hw, '/dev/cdc-wdm0', 'qmi', '--ip4=10.0.0.2/24', '--gateway4=10.0.0.1')
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        self.wait_initialized(path)
        self.assertEqual(self.prop(path, 'MaxActiveMultiplexedBearers'), 4)
        self.assertEqual(self.prop(path, 'MaxBearers'), 5)
        self.enable(path)

        internet = self.create_bearer(path, 'internet', MULTIPLEX_REQUIRED)
        ims = self.create_bearer(path, 'ims', MULTIPLEX_REQUIRED)
        self.connect_muxed(hw, internet, 0, 1)
        self.connect_muxed(hw, ims, 1, 2)
        h.wait_for_property(self.bus.conn, 'State', lambda v: v == CONNECTED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)

        # the modem: QMAP on the data port of USB interface 4, one WDS client per mux id
        qmi.wait_for_line(r'rx qmi WDA SetDataFormat .*link-layer=raw-ip ul-aggregation=5 '
                          r'dl-aggregation=5 .*endpoint=2/4')
        qmi.wait_for_line(r'rx qmi WDS BindMuxDataPort .*endpoint=hsusb/4 mux-id=1')
        qmi.wait_for_line(r'rx qmi WDS BindMuxDataPort .*endpoint=hsusb/4 mux-id=2')
        qmi.wait_for_line(r'event: session up .*apn=internet family=4 link=1$')
        qmi.wait_for_line(r'event: session up .*apn=ims family=4 link=2$')
        self.assertEqual(self.read_attr(hw, 'wwan0', 'qmi', 'raw_ip'), 'Y')

        # each bearer on its own link, with its own addresses, both up
        for bearer, link, subnet in ((internet, 'qmimux0', 1), (ims, 'qmimux1', 2)):
            self.assertTrue(self.bearer_prop(bearer, 'Connected'))
            self.assertTrue(self.bearer_prop(bearer, 'Multiplexed'))
            self.assertEqual(self.bearer_prop(bearer, 'Interface'), link)
            ip4 = self.bearer_prop(bearer, 'Ip4Config')
            self.assertEqual(ip4['address'], f'10.0.{subnet}.2')
            self.assertEqual(ip4['gateway'], f'10.0.{subnet}.1')

        # down one by one: del_mux for each, the other stays up
        self.call(internet, h.BEARER_IFACE, 'Disconnect')
        self.assertEqual(self.read_attr(hw, 'wwan0', 'qmi', 'del_mux'), '1')
        qmi.wait_for_line(r'event: session down')
        self.assertFalse(self.bearer_prop(internet, 'Multiplexed'))
        self.assertTrue(self.bearer_prop(ims, 'Connected'))
        self.assertEqual(self.prop(path, 'State'), CONNECTED)
        self.call(ims, h.BEARER_IFACE, 'Disconnect')
        self.assertEqual(self.read_attr(hw, 'wwan0', 'qmi', 'del_mux'), '2')
        h.wait_for_property(self.bus.conn, 'State', lambda v: v == REGISTERED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)

    def test_sessions_end_with_the_daemon(self):
        """The next run takes over the plain session only: a multiplexed one
        ends when the daemon stops (its client released), its link removed."""
        hw = self.plug(usb_qmi_mux_modem())
        qmi = self.serve(hw, '/dev/cdc-wdm0', 'qmi')
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        self.enable(path)
        ims = self.create_bearer(path, 'ims', MULTIPLEX_REQUIRED)
        self.connect_muxed(hw, ims, 0, 1)
        qmi.wait_for_line(r'event: session up .*apn=ims family=4 link=1$')

        self.daemon.stop()
        self.assertEqual(self.read_attr(hw, 'wwan0', 'qmi', 'del_mux'), '1')
        qmi.wait_for_line(r'rx qmi CTL ReleaseCID .*')
        qmi.wait_for_line(r'event: session down')

    def test_required_without_multiplexing(self):
        """A QMI modem whose data port takes no mux links (no qmi/add_mux)."""
        hw = self.plug(d.usb_qmi_modem(ttys=()))
        qmi = self.serve(hw, '/dev/cdc-wdm0', 'qmi')
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        self.wait_initialized(path)
        self.assertEqual(self.prop(path, 'MaxActiveMultiplexedBearers'), 0)
        self.enable(path)
        mark = len(qmi.lines)
        props = {'apn': GLib.Variant('s', 'internet'),
                 'multiplex': GLib.Variant('u', MULTIPLEX_REQUIRED)}
        name, msg = h.call_error(self.bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Connect', (props,),
                                 '(a{sv})')
        self.assertEqual(name, h.ERROR_PREFIX + 'Core.Unsupported')
        self.assertIn('cannot multiplex', msg)
        self.assertFalse([line for line in qmi.lines[mark:] if 'WDS' in line or 'WDA' in line])
        self.assertEqual(self.prop(path, 'State'), REGISTERED)


class RmnetRefusedTest(MultiplexTestCase):

    def start_daemon_in(self, ns):
        """The daemon in the namespace's network (the bus and sysfs are the test's)."""
        wrapper = os.path.join(self.bus.tmpdir, 'modemd-in-netns')
        with open(wrapper, 'w') as f:
            f.write(f'#!/bin/sh\nexec nsenter --target={ns.pid} --net -- {h.modemd_path()} "$@"\n')
        os.chmod(wrapper, 0o755)
        return self.start_discovery_daemon(binary=wrapper)

    def test_rmnet_link_refused(self):
        missing = netns.NetNamespace.missing_tools()
        if missing:
            self.skipTest(f'no network namespace here: {missing}')
        ns = netns.NetNamespace(tun_names=('mhi_hwip0',)).start(h._spawn)
        self.addCleanup(ns.stop)
        hw = self.plug(pcie_qmi_modem())
        qmi = self.serve(hw, '/dev/wwan0qmi0', 'qmi')
        self.start_daemon_in(ns)
        path = self.wait_for_modems(1).popitem()[0]
        self.wait_initialized(path)
        self.assertIn('mhi_net', self.prop(path, 'Drivers'))
        self.assertEqual(self.prop(path, 'MaxActiveMultiplexedBearers'), 4)
        self.enable(path)
        links_before = ns.run(['ip', '-o', 'link', 'show']).stdout.count('\n')

        props = {'apn': GLib.Variant('s', 'internet'),
                 'multiplex': GLib.Variant('u', MULTIPLEX_REQUIRED)}
        name, msg = h.call_error(self.bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Connect', (props,),
                                 '(a{sv})', timeout=60)
        self.assertEqual(name, h.ERROR_PREFIX + 'Core.Failed')
        self.assertIn('The kernel refused to create the rmnet link mhi_hwip0.1 on mhi_hwip0 '
                      '(mux id 1)', msg)
        self.assertIn('Unknown device type', msg)

        # nothing left behind: no link, no session, no client bound, the bearer down
        self.assertEqual(ns.run(['ip', '-o', 'link', 'show']).stdout.count('\n'), links_before)
        log = '\n'.join(qmi.lines)
        self.assertRegex(log, r'rx qmi WDA SetDataFormat .*dl-aggregation=5 .*endpoint=3/4')
        self.assertNotIn('BindMuxDataPort', log)
        self.assertNotIn('StartNetwork', log)
        bearer = self.prop(path, 'Bearers')[0]
        self.assertFalse(self.bearer_prop(bearer, 'Connected'))
        self.assertIn('Unknown device type', self.bearer_prop(bearer, 'ConnectionError')[1])
        self.assertEqual(self.prop(path, 'State'), REGISTERED)

        # a session on the data port itself still comes up: QMAP is undone first
        props['multiplex'] = GLib.Variant('u', MULTIPLEX_NONE)
        bearer = self.call(path, h.MODEM_SIMPLE_IFACE, 'Connect', (props,), '(a{sv})',
                           reply_type='(o)', timeout=60)[0]
        self.assertEqual(self.bearer_prop(bearer, 'Interface'), 'mhi_hwip0')
        self.assertFalse(self.bearer_prop(bearer, 'Multiplexed'))
        qmi.wait_for_line(r'rx qmi WDA SetDataFormat .*dl-aggregation=0')


if __name__ == '__main__':
    h.main()
