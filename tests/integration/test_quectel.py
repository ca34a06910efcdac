#!/usr/bin/python3
"""A Quectel 5G module (RM5xxN class) on a PCIe slot, end to end under umockdev (see
test_discovery.py for how devices are emulated): the PCI function bound to
mhi-pci-generic (Qualcomm 17cb with Quectel's subsystem vendor 1eac), its wwan device
with wwan0mbim0 and wwan0at0 -- the AT node refuses every ioctl that reaches it (TIOCEXCL:
ENOTTY), as on real hardware; termios requests umockdev passes to the pty itself, as the
kernel emulates them for wwan AT ports (the port without any termios is test-at-channel's
case) -- and its net device. One simulator plays the module on both ports, over one
world (modem-sim --protocol=mbim --at-fd --vendor=quectel).

It becomes one modem of the quectel plugin with both ports in use: MBIM for the
registration and data, AT+QNWPREFCFG for modes and bands (read back from the module),
AT+QGMR for the revision, AT+CFUN=1,1 and RDY for a reset. A multiplexed session needs a
wwan link, which this kernel cannot make: the bearer fails saying so, nothing is left.

Needs root, umockdev and gir1.2-umockdev-1.0 (exits 77 otherwise).
"""

import errno
import os
import subprocess
import sys
import threading

import umockdev_entry  # stdlib only: before the preload is in place


if __name__ == '__main__':
    umockdev_entry.enter(__file__)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_discovery as d  # noqa: E402
import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

DISABLED, REGISTERED, CONNECTED = 3, 8, 11
MODE_3G, MODE_4G, MODE_5G = 1 << 2, 1 << 3, 1 << 4
TECH_LTE, TECH_5GNR = 1 << 14, 1 << 15
MULTIPLEX_REQUIRED = 3
REVISION = 'RM520NGLAAR01A07'
LTE_BANDS, NR_BANDS = (1, 3, 7, 20, 28), (1, 28, 78)


def eutran(n):
    return 30 + n


def ngran(n):
    return 300 + n


def pcie_quectel_module(slot='02'):
    """RM520N-GL: Qualcomm SDX62 function with Quectel's subsystem ids."""
    dev = f'{d.PCI_ROOT}/0000:{slot}:00.0'
    hw = d.Hardware(dev)
    hw.add(dev, 'pci', [('DRIVER', 'mhi-pci-generic'), ('PCI_ID', '17CB:0308'),
                        ('PCI_SUBSYS_ID', '1EAC:1007')],
           [('vendor', '0x17cb'), ('device', '0x0308'), ('subsystem_vendor', '0x1eac'),
            ('subsystem_device', '0x1007'), ('class', '0x0d4000')],
           [d._driver('mhi-pci-generic', 'pci')])
    wdev = f'{dev}/wwan/wwan0'
    hw.add(wdev, 'wwan', [('DEVTYPE', 'wwan_dev')])
    for kind in ('MBIM', 'AT'):
        name = f'wwan0{kind.lower()}0'
        hw.add(f'{wdev}/{name}', 'wwan',
               [('DEVTYPE', 'wwan_port'), ('DEVNAME', f'/dev/{name}'), ('MAJOR', '234'),
                ('MINOR', str(d._minor()))],
               [('type', kind), ('dev', f'234:{d._minor.n}')], node=name, port=name)
    chan = f'{dev}/mhi0/mhi0_IP_HW0_MBIM'
    hw.add(chan, 'mhi', [('DRIVER', 'mhi_wwan_mbim')], (), [d._driver('mhi_wwan_mbim', 'mhi')])
    d.net_port(hw, f'{chan}/net/wwan0', 'wwan0')
    return hw


def _refuse_every_ioctl(handler, client):
    """A wwan AT port: no TIOCEXCL, no termios, nothing a tty has."""
    client.complete(-1, errno.ENOTTY)
    return True


class QuectelSim(h.Sim):
    """modem-sim on the MBIM node's pty with the AT node's pty as its second port."""

    def __init__(self, mbim_fd, at_fd, args):
        super().__init__(list(args) + [f'--fd={mbim_fd}', f'--at-fd={at_fd}'], name='sim-rm520n')
        self.fds = (mbim_fd, at_fd)

    def start(self, timeout=10):
        argv = [h.modem_sim_path()] + self.args
        self.proc = h._register(subprocess.Popen(
            argv, env=h.sanitizer_env(os.environ), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors='replace',
            pass_fds=self.fds))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for_line(r'^sim: ready', timeout)
        return self


class QuectelPcieTest(d.DiscoveryTestCase):

    def plug_module(self):
        hw = pcie_quectel_module()
        handler = d.UMockdev.IoctlBase()
        handler.connect('handle-ioctl', _refuse_every_ioctl)
        self.testbed.attach_ioctl('/dev/wwan0at0', handler)
        self.ioctl_handlers.append(handler)
        self.assertTrue(self.testbed.add_from_string(hw.text()))
        return hw

    def serve_module(self, *extra):
        fds = [self.testbed.get_dev_fd(n) for n in ('/dev/wwan0mbim0', '/dev/wwan0at0')]
        self.assertTrue(all(fd >= 0 for fd in fds))
        sim = QuectelSim(*fds, ['--protocol=mbim', '--vendor=quectel', f'--revision={REVISION}',
                                '--lte-bands=' + ','.join(map(str, LTE_BANDS)),
                                '--nr-bands=' + ','.join(map(str, NR_BANDS)),
                                '--rat=nr5g-nsa', *extra])
        self.addCleanup(sim.stop)
        sim.start()
        self.sim = sim
        return sim

    def start_module(self):
        hw = self.plug_module()
        self.serve_module()
        self.start_discovery_daemon()
        path = self.wait_for_modems(1).popitem()[0]
        h.wait_for_property(self.bus.conn, 'State', lambda v: v >= DISABLED, timeout=20,
                            path=path, interface=h.MODEM_IFACE)
        return hw, path

    def enable(self, path):
        self.call(path, h.MODEM_IFACE, 'Enable', (True,), '(b)')
        return h.wait_for_property(self.bus.conn, 'State', lambda v: v == REGISTERED, timeout=20,
                                   path=path, interface=h.MODEM_IFACE)

    def wait_prop(self, path, name, predicate, iface=h.MODEM_IFACE):
        return h.wait_for_property(self.bus.conn, name, predicate, timeout=20, path=path,
                                   interface=iface)

    def at_lines(self, start=0):
        return [line for line in self.sim.lines[start:] if line.startswith('sim: rx at ')]

    # 1
    def test_one_modem_both_ports(self):
        hw, path = self.start_module()
        props = self.modems()[path]
        self.assertEqual(props['Plugin'], 'quectel')
        self.assertEqual(props['PrimaryPort'], 'wwan0mbim0')
        self.assertEqual(props['Device'], hw.syspath)
        self.wait_ports(path, [('wwan0mbim0', d.PORT_MBIM), ('wwan0at0', d.PORT_AT),
                               ('wwan0', d.PORT_NET)])
        # both in use: MBIM for the modem, AT (no tty under it) for the vendor's commands
        self.daemon.wait_for_log(r'/dev/wwan0at0 is no tty: held with an advisory lock')
        self.sim.wait_for_line(r'rx mbim BasicConnect SubscriberReadyStatus')
        self.sim.wait_for_line(r'rx at AT\+QNWPREFCFG="policy_band"')
        self.assertEqual(self.prop(path, 'Revision'), REVISION + 'M4G')  # AT+QGMR's
        self.assertTrue(self.prop(path, 'CurrentCapabilities') & (1 << 6))
        self.assertEqual(sorted(self.prop(path, 'SupportedBands')),
                         sorted([eutran(b) for b in LTE_BANDS] + [ngran(b) for b in NR_BANDS]))
        supported = [tuple(m) for m in self.prop(path, 'SupportedModes')]
        self.assertIn((MODE_4G | MODE_5G, MODE_5G), supported)

        self.enable(path)
        self.wait_prop(path, 'AccessTechnologies', lambda v: v == TECH_LTE | TECH_5GNR)
        self.sim.control.send('rat nr5g-sa')
        self.wait_prop(path, 'AccessTechnologies', lambda v: v == TECH_5GNR)

    # 2
    def test_modes_and_bands_by_at(self):
        _, path = self.start_module()
        self.enable(path)

        # "5G or LTE only", 5G preferred
        mark = len(self.sim.lines)
        self.call(path, h.MODEM_IFACE, 'SetCurrentModes', ((MODE_4G | MODE_5G, MODE_5G),),
                  '((uu))')
        self.assertIn('sim: rx at AT+QNWPREFCFG="mode_pref",LTE:NR5G', self.at_lines(mark))
        self.assertIn('sim: rx at AT+QNWPREFCFG="rat_acq_order",NR5G:LTE', self.at_lines(mark))
        self.sim.wait_for_line(r'event: modes allowed=0x18 preferred=0x10', start=mark)
        # read back from the module, and not undone by what MBIM reports
        self.assertIn('sim: rx at AT+QNWPREFCFG="mode_pref"', self.at_lines(mark))
        self.assertEqual(tuple(self.prop(path, 'CurrentModes')), (MODE_4G | MODE_5G, MODE_5G))
        self.sim.control.send('register searching')
        self.sim.control.send('register home')
        self.wait_prop(path, 'State', lambda v: v == REGISTERED)
        self.assertEqual(tuple(self.prop(path, 'CurrentModes')), (MODE_4G | MODE_5G, MODE_5G))

        # LTE and NR bands at once
        mark = len(self.sim.lines)
        bands = [eutran(3), eutran(20), ngran(78)]
        self.call(path, h.MODEM_IFACE, 'SetCurrentBands', (bands,), '(au)')
        self.assertIn('sim: rx at AT+QNWPREFCFG="lte_band",3:20', self.at_lines(mark))
        self.assertIn('sim: rx at AT+QNWPREFCFG="nr5g_band",78', self.at_lines(mark))
        self.assertIn('sim: rx at AT+QNWPREFCFG="nsa_nr5g_band",78', self.at_lines(mark))
        self.assertEqual(sorted(self.prop(path, 'CurrentBands')), sorted(bands))

        # a band the module does not have: refused, nothing sent, nothing changed
        mark = len(self.sim.lines)
        name, _ = h.call_error(self.bus.conn, path, h.MODEM_IFACE, 'SetCurrentBands',
                               ([eutran(3), ngran(41)],), '(au)')
        self.assertEqual(name, h.ERROR_PREFIX + 'Core.Unsupported')
        self.assertEqual(self.at_lines(mark), [])
        self.assertEqual(sorted(self.prop(path, 'CurrentBands')), sorted(bands))

    # 3
    def test_reset_and_rdy(self):
        _, path = self.start_module()
        self.call(path, h.MODEM_IFACE, 'SetCurrentModes', ((MODE_4G | MODE_5G, 0),), '((uu))')
        mark = len(self.sim.lines)
        self.call(path, h.MODEM_IFACE, 'Reset')
        self.sim.wait_for_line(r'rx at AT\+CFUN=1,1', start=mark)
        self.sim.wait_for_line(r'event: reset', start=mark)
        self.daemon.wait_for_log(r'wwan0at0: module ready')
        # the settings are read again once the module is back
        self.sim.wait_for_line(r'rx at AT\+QNWPREFCFG="nr5g_band"$',
                               start=self.sim.lines.index('sim: event: reset', mark))

    # 4
    def test_multiplexed_session_refused_by_kernel(self):
        _, path = self.start_module()
        self.assertEqual(self.prop(path, 'MaxActiveMultiplexedBearers'), 7)
        self.enable(path)
        mark = len(self.sim.lines)
        props = {'apn': GLib.Variant('s', 'ims'),
                 'multiplex': GLib.Variant('u', MULTIPLEX_REQUIRED)}
        name, msg = h.call_error(self.bus.conn, path, h.MODEM_SIMPLE_IFACE, 'Connect', (props,),
                                 '(a{sv})', timeout=60)
        self.assertEqual(name, h.ERROR_PREFIX + 'Core.Failed')
        self.assertIn('The kernel refused to create the wwan link wwan0.1 on wwan0 (id 1)', msg)
        # nothing was activated, the modem is as before
        self.assertFalse([line for line in self.sim.lines[mark:] if 'Connect set' in line])
        self.assertEqual(self.prop(path, 'State'), REGISTERED)
        # the session of the net port itself still works
        props['multiplex'] = GLib.Variant('u', 1)
        bearer = self.call(path, h.MODEM_SIMPLE_IFACE, 'Connect', (props,), '(a{sv})',
                           reply_type='(o)', timeout=60)[0]
        self.assertEqual(self.prop(bearer, 'Interface', h.BEARER_IFACE), 'wwan0')
        self.sim.wait_for_line(r'rx mbim BasicConnect Connect set .*session=0 activate apn=ims')


if __name__ == '__main__':
    h.main()
