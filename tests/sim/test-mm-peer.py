#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check modem-sim against an independent peer: the real ModemManager (Debian's
/usr/sbin/ModemManager) on an emulated USB QMI modem and an emulated USB MBIM
modem.

umockdev presents the modem (sysfs, udev properties, /dev/cdc-wdm0 and
net/wwan0; records and ModemManager's needs in tests/sim/mmtestbed.py and
bench/vs-modemmanager.py), modem-sim serves the control node (--fd), and
ModemManager runs on a private system bus (tests/integration/harness.py) with
the real polkitd. Everything is checked through ModemManager's own D-Bus API:

  * the modem object appears; Manufacturer, Model, Revision and
    EquipmentIdentifier are modem-sim's values;
  * Modem.Enable(true) -> State REGISTERED (8); Modem3gpp.OperatorCode and
    OperatorName are the sim's home operator;
  * Simple.Connect({"apn": "internet"}) -> State CONNECTED (11) and a bearer
    that is Connected, whose Ip4Config address / prefix / gateway / dns1 / mtu
    are the sim's; the sim saw the APN;
  * Simple.Disconnect("/") -> the sim logs the stop (QMI WDS StopNetwork,
    MBIM Connect deactivate), the bearer is disconnected, State REGISTERED;
  * Modem3gpp.Ussd.Initiate("*100#"), ("*101#") -> the sim's GSM 7-bit and
    UCS-2 answers (QMI VOICE, MBIM USSD service);
  * QMI: Voice.CreateCall + Call.Start -> ringing-out, the sim's remote
    party answers -> active, SendDtmf reaches the sim, Hangup -> terminated.

Usage (meson: test 'mm-peer'): test-mm-peer.py [PATH-TO-MODEM-SIM]
(else MODEM_SIM, else a build directory of the source tree). Needs root;
re-executes itself under umockdev-wrapper. Exit 77 (skip) when not root, or
ModemManager or umockdev (umockdev-wrapper, gir1.2-umockdev-1.0) is missing.
"""

import os
import re
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SKIP = 77
MM_VOICE_IFACE = 'org.freedesktop.ModemManager1.Modem.Voice'
MM_CALL_IFACE = 'org.freedesktop.ModemManager1.Call'
MM_USSD_IFACE = 'org.freedesktop.ModemManager1.Modem.Modem3gpp.Ussd'


def _skip(reason):
    print(f'SKIP: {reason}', file=sys.stderr)
    sys.exit(SKIP)


if __name__ == '__main__':
    if os.geteuid() != 0:
        _skip('needs root (private system bus, bus names, polkitd actions)')
    if len(sys.argv) > 1 and not sys.argv[1].startswith('-'):
        os.environ['MODEM_SIM'] = os.path.abspath(sys.argv.pop(1))

import mmtestbed as mt  # noqa: E402

if __name__ == '__main__':
    if not mt.mm_installed():
        _skip(f'{mt.MM_BIN} (package modemmanager) not installed')
    mt.reexec_under_umockdev(__file__, missing=_skip)
    if mt.UMockdev is None:
        _skip('gir1.2-umockdev-1.0 missing')

import harness as h  # noqa: E402  (tests/integration, on the path through mmtestbed)
import test_discovery as td  # noqa: E402
from harness import GLib, Gio  # noqa: E402

DISABLED, REGISTERED, CONNECTED = 3, 8, 11
TIMEOUT = 60  # per step; ModemManager alone waits ~2.5 s before it creates the modem

COMMON = {
    'imei': '356938035643809',
    'home-operator': '24020:Peer Net',
    'ip4': '192.0.2.10/28',
    'gateway4': '192.0.2.1',
    'dns4': '192.0.2.53',
    'mtu': '1428',
    'registration-delay-ms': '0',
}
SIM_ARGS = {
    'qmi': dict(COMMON, manufacturer='Modemd Test Works', model='QMI Sim X1',
                revision='SIMREV-7.4.2'),
    'mbim': dict(COMMON, manufacturer='Modemd Mobile Broadband', model='MBIM Sim M2',
                 revision='MBIMREV-3.1.4', imei='490154203237518',
                 **{'home-operator': '26201:Tele Peer', 'ip4': '198.51.100.20/24',
                    'gateway4': '198.51.100.1', 'dns4': '198.51.100.53', 'mtu': '1380'}),
}
STOP_LINE = {
    'qmi': r'^sim: rx qmi WDS StopNetwork ',
    'mbim': r'^sim: rx mbim BasicConnect Connect set .* deactivate ',
}


def mm_proxy(conn, path, iface):
    return Gio.DBusProxy.new_sync(conn, Gio.DBusProxyFlags.NONE, None, mt.MM_NAME, path, iface,
                                  None)


def prop(proxy, name):
    v = proxy.get_cached_property(name)
    return None if v is None else v.unpack()


def mm_call(proxy, method, args, signature):
    return proxy.call_sync(method, GLib.Variant(signature, args) if signature else None,
                           Gio.DBusCallFlags.NONE, int(h.scaled(TIMEOUT) * 1000), None).unpack()


class MMPeerTest(unittest.TestCase):

    def setUp(self):
        stray = mt.proxies()
        if stray:
            self.fail(f'qmi-proxy / mbim-proxy already running ({stray}): they would serve '
                      'device nodes of another testbed; stop them first')
        self.testbed = mt.UMockdev.Testbed.new()
        self.root = self.testbed.get_root_dir()
        self.addCleanup(self._drop_testbed)
        self.bus = h.Bus(extra_conf=[mt.MM_BUS_CONF])
        self.bus.start()
        self.addCleanup(self.bus.stop)
        self.polkit = h.Polkit(self.bus)
        self.polkit.start()
        self.addCleanup(self.polkit.stop)
        self.sim = self.mm = None

    def _drop_testbed(self):
        root = self.root
        del self.testbed  # finalizing the testbed removes its directory
        import gc
        gc.collect()
        if os.path.isdir(root):
            import shutil
            shutil.rmtree(root, ignore_errors=True)

    def _dump_logs(self):
        if self.mm is not None:
            print(f'----- ModemManager log (last 8000) -----\n{self.mm.read_log()[-8000:]}',
                  file=sys.stderr)
        if self.sim is not None:
            print('----- modem-sim (last 80 lines) -----\n' + '\n'.join(self.sim.lines[-80:]),
                  file=sys.stderr)

    def _stop_all(self):
        try:
            if self.mm is not None:
                self.mm.stop()
        finally:
            try:
                mt.kill_proxies(self.root)  # only this testbed's proxies
            finally:
                if self.sim is not None:
                    self.sim.stop()

    def run_protocol(self, protocol):
        want = SIM_ARGS[protocol]
        # the modem, then modem-sim on its control node
        if protocol == 'mbim':
            # MBIM has no manufacturer / model on the wire: ModemManager reads
            # the USB string descriptors, which a real modem's firmware and USB
            # descriptors agree on; give them the sim's values (only Revision and
            # EquipmentIdentifier below come over MBIM).
            hw = mt.usb_mbim_modem(manufacturer=want['manufacturer'], product=want['model'])
        else:
            hw = mt.HARDWARE[protocol]()
        self.testbed.add_from_string(hw.text())
        node_fd = self.testbed.get_dev_fd(mt.CONTROL_NODE)
        self.sim = td.FdSim(node_fd, [f'--protocol={protocol}']
                            + [f'--{k}={v}' for k, v in want.items()], name=f'sim-{protocol}')
        self.sim.start()
        self.addCleanup(self._stop_all)  # runs before bus / polkit / testbed cleanups

        env = h.sanitizer_env(dict(self.bus.env, UMOCKDEV_DIR=self.root, G_DEBUG='gc-friendly'))
        self.mm = mt.ModemManager(self.bus, env, debug=True)
        self.mm.start()
        try:
            self._check(protocol, want)
        except BaseException:
            self._dump_logs()
            raise

    def _check(self, protocol, want):
        conn = self.bus.conn
        self.mm.wait_name(TIMEOUT)
        om = mm_proxy(conn, mt.MM_PATH, 'org.freedesktop.DBus.ObjectManager')

        def initialized_modems():
            if self.mm.proc.poll() is not None:
                raise AssertionError(f'ModemManager exited ({self.mm.proc.returncode})')
            objs = mm_call(om, 'GetManagedObjects', None, None)[0]
            # On a loaded machine ModemManager may drop a modem whose probing
            # timed out and make it again under a new path: the one that counts
            # is the modem it finished initializing.
            return sorted(p for p, ifaces in objs.items() if mt.MM_MODEM_IFACE in ifaces
                          and ifaces[mt.MM_MODEM_IFACE].get('State', 0) >= DISABLED)

        paths = h.wait_until(initialized_modems, TIMEOUT, 'an initialized ModemManager modem',
                             poll=0.1)
        self.assertEqual(len(paths), 1, paths)
        path = paths[0]
        modem = mm_proxy(conn, path, mt.MM_MODEM_IFACE)

        # --- identity ---
        ident = ('Manufacturer', 'Model', 'Revision', 'EquipmentIdentifier')
        self.assertEqual({k: prop(modem, k) for k in ident},
                         dict(zip(ident, (want['manufacturer'], want['model'], want['revision'],
                                          want['imei']))))
        h.log(f'{protocol}: {path}: {want["manufacturer"]} / {want["model"]} / '
              f'{want["revision"]} / {want["imei"]}')

        # --- registration ---
        mm_call(modem, 'Enable', (True,), '(b)')
        h.wait_for_property(modem, 'State', lambda s: s == REGISTERED, TIMEOUT)
        g3pp = mm_proxy(conn, path, mt.MM_MODEM3GPP_IFACE)
        mccmnc, name = want['home-operator'].split(':', 1)
        h.wait_for_property(g3pp, 'RegistrationState', lambda s: s == 1, TIMEOUT)  # HOME
        h.wait_for_property(g3pp, 'OperatorCode', lambda s: s == mccmnc, TIMEOUT)
        h.wait_for_property(g3pp, 'OperatorName', lambda s: s == name, TIMEOUT)
        h.log(f'{protocol}: REGISTERED on {mccmnc} "{name}"')

        self._check_ussd(conn, path)
        if protocol == 'qmi':
            self._check_call(conn, path)

        # --- data session ---
        simple = mm_proxy(conn, path, mt.MM_SIMPLE_IFACE)
        mark = len(self.sim.lines)
        bearer_path = mm_call(simple, 'Connect', ({'apn': GLib.Variant('s', 'internet')},),
                              '(a{sv})')[0]
        h.wait_for_property(modem, 'State', lambda s: s == CONNECTED, TIMEOUT)
        self.sim.wait_for_line(r'apn=internet', 5, start=mark)
        bearer = mm_proxy(conn, bearer_path, mt.MM_BEARER_IFACE)
        self.assertTrue(prop(bearer, 'Connected'))
        ip4 = prop(bearer, 'Ip4Config')
        addr, prefix = want['ip4'].split('/')
        got = {k: ip4.get(k) for k in ('address', 'prefix', 'gateway', 'dns1', 'mtu')}
        self.assertEqual(got, {'address': addr, 'prefix': int(prefix),
                               'gateway': want['gateway4'], 'dns1': want['dns4'],
                               'mtu': int(want['mtu'])}, f'Ip4Config {ip4}')
        h.log(f'{protocol}: CONNECTED, {bearer_path} Ip4Config {ip4}')

        # --- disconnect ---
        mark = len(self.sim.lines)
        mm_call(simple, 'Disconnect', ('/',), '(o)')
        line = self.sim.wait_for_line(STOP_LINE[protocol], TIMEOUT, start=mark)
        h.wait_for_property(bearer, 'Connected', lambda c: not c, TIMEOUT)
        h.wait_for_property(modem, 'State', lambda s: s == REGISTERED, TIMEOUT)
        h.log(f'{protocol}: disconnected; modem-sim logged "{line}"')
        self.assertIsNone(self.mm.proc.poll(), 'ModemManager exited')
        # not a failure (ModemManager copes), but worth seeing: what it asked
        # for that modem-sim does not implement
        drop = r' (cid|tid)=\d+' if protocol == 'qmi' else r' tid=\d+'  # QMI cid: client id
        unsupported = sorted({re.sub(drop, '', x[len('sim: rx '):-len(' (unsupported)')])
                              for x in self.sim.lines if x.endswith(' (unsupported)')})
        h.log(f'{protocol}: requests modem-sim answered as unsupported: '
              + ('; '.join(unsupported) or 'none'))

    def _check_ussd(self, conn, path):
        """ModemManager's USSD on the sim's network: notifications, GSM 7-bit and
        UCS-2. (Not the *111# menu: ModemManager 1.20 on QMI completes
        Originate USSD with its response alone, where modem-sim, as firmware
        with the blocking form does, sends the request as a USSD indication
        first.)"""
        ussd = mm_proxy(conn, path, MM_USSD_IFACE)
        self.assertEqual(mm_call(ussd, 'Initiate', ('*100#',), '(s)')[0], 'Balance: 5.00 EUR')
        self.assertEqual(mm_call(ussd, 'Initiate', ('*101#',), '(s)')[0],
                         'Баланс: 5.00 EUR')
        h.log('USSD: GSM 7-bit and UCS-2 answers as ModemManager reads them')

    def _check_call(self, conn, path):
        """ModemManager's calls on the sim's QMI VOICE: out, answered, DTMF, hung up."""
        voice = mm_proxy(conn, path, MM_VOICE_IFACE)
        call_path = mm_call(voice, 'CreateCall', ({'number': GLib.Variant('s', '5551234')},),
                            '(a{sv})')[0]
        call = mm_proxy(conn, call_path, MM_CALL_IFACE)
        mm_call(call, 'Start', None, None)
        h.wait_for_property(call, 'State', lambda s: s == 2, TIMEOUT)  # ringing-out
        self.sim.control.send('call-remote-answer')
        h.wait_for_property(call, 'State', lambda s: s == 4, TIMEOUT)  # active
        mm_call(call, 'SendDtmf', ('7',), '(s)')
        self.sim.wait_for_line(r'dtmf 7 \(heard: 7\)', TIMEOUT)
        mm_call(call, 'Hangup', None, None)
        h.wait_for_property(call, 'State', lambda s: s == 7, TIMEOUT)  # terminated
        self.sim.wait_for_line(r'event: call \d ended local', TIMEOUT)
        h.log(f'call: {call_path} dialled, answered, DTMF, hung up through ModemManager')

    def test_qmi(self):
        self.run_protocol('qmi')

    def test_mbim(self):
        self.run_protocol('mbim')


if __name__ == '__main__':
    unittest.main(verbosity=2)
