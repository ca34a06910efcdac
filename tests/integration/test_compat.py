#!/usr/bin/python3
"""modemd --compat against the reference's own clients, no mocks: Debian's
mmcli and libmm-glib (ModemManager's client library, from /usr/bin/python3
through GObject introspection) drive a QMI modem with a PIN-locked SIM and an
MBIM modem under org.freedesktop.ModemManager1, while modemctl uses the
native names of the same daemon.

Needs root (exits 77 otherwise), mmcli (package modemmanager; ModemManager
itself is never started) and gir1.2-modemmanager-1.0."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import Gio, GLib  # noqa: E402

COMPAT = 'org.freedesktop.ModemManager1'
COMPAT_PATH = '/org/freedesktop/ModemManager1'
COMPAT_MODEM = COMPAT + '.Modem'
COMPAT_SIM = COMPAT + '.Sim'
COMPAT_BEARER = COMPAT + '.Bearer'
COMPAT_ERROR = COMPAT + '.Error.'
STANDARD = {'org.freedesktop.DBus.Properties', 'org.freedesktop.DBus.Introspectable',
            'org.freedesktop.DBus.Peer'}
MODEM_INTERFACES = {COMPAT_MODEM, COMPAT_MODEM + '.Modem3gpp', COMPAT_MODEM + '.Simple',
                    COMPAT_MODEM + '.Signal', COMPAT_MODEM + '.Location', COMPAT_MODEM + '.Time'}
COMPAT_VOICE = COMPAT_MODEM + '.Voice'
COMPAT_USSD = COMPAT_MODEM + '.Modem3gpp.Ussd'
COMPAT_CALL = COMPAT + '.Call'
COMPAT_SMS = COMPAT + '.Sms'
# USSD and messaging on both; calls and cell broadcast (WMS) on QMI only
MBIM_INTERFACES = MODEM_INTERFACES | {COMPAT_USSD, COMPAT_MODEM + '.Messaging'}
QMI_INTERFACES = MBIM_INTERFACES | {COMPAT_VOICE, COMPAT_MODEM + '.CellBroadcast'}
MM_CLIENT = Path(__file__).resolve().parent / 'mm_client.py'
CLIENT_WARNING = re.compile(r'WARNING|CRITICAL|Gtk-|GLib-GIO-|assertion', re.I)

PIN, PUK = '2468', '13572468'
QMI = {'imei': '354812345678901', 'iccid': '89440001234567890123', 'imsi': '234151234567890',
       'model': 'QMI Sim', 'revision': 'QMIREV-1', 'home': ('23415', 'Qmi Home'),
       'ip4': ('198.51.100.7', 29), 'gw4': '198.51.100.1',
       'dns4': ['198.51.100.53', '198.51.100.54'], 'mtu': 1430}
MBIM = {'imei': '356938035643809', 'iccid': '89310410106543789301', 'imsi': '204080123456789',
        'model': 'MBIM Sim', 'revision': 'MBIMREV-2', 'home': ('20408', 'Mbim Home'),
        'ip4': ('203.0.113.9', 24), 'gw4': '203.0.113.1', 'dns4': ['203.0.113.53'],
        'ip6': ('2001:db8:9::9', 64), 'gw6': '2001:db8:9::1', 'dns6': ['2001:db8:9::53'],
        'mtu': 1500}

# Reference values (MMModemState, MMModemLock, ...), as libmm-glib decodes them.
STATE_LOCKED, STATE_DISABLED, STATE_REGISTERED, STATE_CONNECTED = 2, 3, 8, 11
LOCK_NONE, LOCK_SIM_PIN = 1, 2
MODE_2G, MODE_3G, MODE_4G = 2, 4, 8
TECH_LTE = 1 << 14
CAP_GSM_UMTS_LTE = 4 | 8
FAMILY_IPV4, FAMILY_IPV6, FAMILY_IPV4V6 = 1, 2, 4
IP_METHOD_UNKNOWN, IP_METHOD_STATIC = 0, 2
REGISTRATION_HOME = 1
POWER_ON, POWER_LOW = 3, 2
PORT_NET, PORT_QMI, PORT_MBIM = 2, 6, 7
BAND_UNKNOWN = 0
SIM_LTE_BANDS = [30 + n for n in (1, 3, 7, 8, 20, 28)]
FACILITY_SIM = 1
PACKET_SERVICE_ATTACHED = 2
BEARER_TYPE_DEFAULT = 1
SIM_TYPE_PHYSICAL, SIM_REMOVABLE = 1, 1


def sim_args(cfg, link):
    args = ['--protocol=' + ('qmi' if cfg is QMI else 'mbim'), f'--link={link}',
            f'--imei={cfg["imei"]}', f'--iccid={cfg["iccid"]}', f'--imsi={cfg["imsi"]}',
            f'--model={cfg["model"]}', f'--revision={cfg["revision"]}',
            f'--home-operator={cfg["home"][0]}:{cfg["home"][1]}',
            f'--ip4={cfg["ip4"][0]}/{cfg["ip4"][1]}', f'--gateway4={cfg["gw4"]}',
            f'--mtu={cfg["mtu"]}'] + [f'--dns4={d}' for d in cfg['dns4']]
    if 'ip6' in cfg:
        args += [f'--ip6={cfg["ip6"][0]}/{cfg["ip6"][1]}', f'--gateway6={cfg["gw6"]}']
        args += [f'--dns6={d}' for d in cfg['dns6']]
    return args


def parse_keyvalue(text):
    """mmcli -K / modemctl -K output as {key: value}."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(' : ')
        if sep:
            out[key.strip()] = value.strip()
    return out


def keyvalue_list(kv, key):
    """A list of -K: key.value[1..key.length]; [] for 'key : --'."""
    if kv.get(key) == '--':
        return []
    return [kv[f'{key}.value[{i}]'] for i in range(1, int(kv[f'{key}.length']) + 1)]


class CompatTestCase(h.IntegrationTestCase):

    def setUp(self):
        self.mmcli_path = shutil.which('mmcli')
        if self.mmcli_path is None:
            self.skipTest('mmcli not installed (package modemmanager)')
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix='modemd-compat-')
        self.addCleanup(tmp.cleanup)
        qmi_link = os.path.join(tmp.name, 'cdc-wdm0')
        mbim_link = os.path.join(tmp.name, 'cdc-wdm1')
        self.qmi_sim = self.start_sim(*sim_args(QMI, qmi_link), f'--sim-pin={PIN}',
                                      f'--sim-puk={PUK}')
        self.mbim_sim = self.start_sim(*sim_args(MBIM, mbim_link))
        self.start_daemon('--compat', f'--port=qmi:{qmi_link},net:wwan7',
                          f'--port=mbim:{mbim_link},net:wwan8')
        self.bus.wait_for_name(COMPAT, 10, proc=self.daemon.proc, what='modemd --compat')
        self.qmi, self.mbim = self.wait_for_compat_modems()

    def wait_for_compat_modems(self):
        """The compat paths of the QMI and the MBIM modem, once both are initialized."""
        box = {}

        def find():
            objects = h.call(self.bus.conn, COMPAT_PATH, 'org.freedesktop.DBus.ObjectManager',
                             'GetManagedObjects', reply_type='(a{oa{sa{sv}}})', dest=COMPAT)[0]
            for path, ifaces in objects.items():
                props = ifaces.get(COMPAT_MODEM, {})
                if props.get('State', 0) >= STATE_LOCKED:
                    box[props['Plugin']] = path
            return len(box) == 2

        h.wait_until(find, 20, 'both modems initialized on the compat name')
        return box['qmi'], box['mbim']

    # -- clients --------------------------------------------------------

    def mmcli(self, *args, ok=True, user=None):
        """mmcli on the test bus; asserts that libmm-glib printed no warning."""
        res = h.run([self.mmcli_path] + list(args), user=user, env=self.bus.env, timeout=60)
        self.assertIsNone(CLIENT_WARNING.search(res.stderr),
                          f'mmcli {args} warned: {res.stderr}')
        if ok:
            self.assertEqual(res.returncode, 0, f'mmcli {args}: {res.stdout} {res.stderr}')
        return res

    def mmcli_k(self, *args):
        return parse_keyvalue(self.mmcli(*args, '-K').stdout)

    def mm_client(self, *args):
        """mm_client.py (libmm-glib) in its own process; its JSON answer."""
        res = h.run(['/usr/bin/python3', str(MM_CLIENT)] + list(args), env=self.bus.env,
                    timeout=60)
        self.assertEqual(res.returncode, 0, f'mm_client {args}: {res.stderr}')
        self.assertEqual(res.stderr, '', f'libmm-glib printed on stderr: {res.stderr}')
        return json.loads(res.stdout)

    def modemctl_k(self, *args):
        rc, out, err = h.run_modemctl(list(args) + ['-K'], bus=self.bus)
        self.assertEqual(rc, 0, f'modemctl {args}: {err}')
        return parse_keyvalue(out)

    def compat_prop(self, path, iface, name):
        return h.get_property(self.bus.conn, path, iface, name, dest=COMPAT)

    def wait_compat_state(self, path, state, timeout=20):
        h.wait_until(lambda: self.compat_prop(path, COMPAT_MODEM, 'State') == state, timeout,
                     f'{path} in state {state}')

    def compat_call_error(self, path, iface, method, args=None, signature=None):
        return h.call_error(self.bus.conn, path, iface, method, args, signature, dest=COMPAT)

    def unlock_and_connect(self):
        """Both modems connected: QMI with IPv4 (the default), MBIM with IPv4v6."""
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        self.mmcli('-i', sim, f'--pin={PIN}')
        self.mmcli('-m', self.qmi, '--simple-connect=apn=internet')
        self.mmcli('-m', self.mbim, '--simple-connect=apn=internet,ip-type=ipv4v6')
        self.wait_compat_state(self.qmi, STATE_CONNECTED)
        self.wait_compat_state(self.mbim, STATE_CONNECTED)


class MmcliTest(CompatTestCase):
    """The mmcli flow the issue names, with its -K output checked value by value."""

    def check_identity(self, kv, cfg, plugin, port):
        self.assertEqual(kv['modem.generic.model'], cfg['model'])
        self.assertEqual(kv['modem.generic.revision'], cfg['revision'])
        self.assertEqual(kv['modem.generic.equipment-identifier'], cfg['imei'])
        self.assertEqual(kv['modem.3gpp.imei'], cfg['imei'])
        self.assertEqual(kv['modem.generic.plugin'], plugin)
        self.assertEqual(kv['modem.generic.primary-port'], port)
        self.assertEqual(keyvalue_list(kv, 'modem.generic.supported-ip-families'),
                         ['ipv4', 'ipv6', 'ipv4v6'])
        self.assertEqual(keyvalue_list(kv, 'modem.generic.current-capabilities'),
                         ['gsm-umts, lte'])

    def check_bearer(self, path, cfg, interface, ipv6):
        kv = self.mmcli_k('-b', path)
        self.assertEqual(kv['bearer.dbus-path'], path)
        self.assertEqual(kv['bearer.status.connected'], 'yes')
        self.assertEqual(kv['bearer.status.interface'], interface)
        self.assertEqual(kv['bearer.properties.apn'], 'internet')
        self.assertEqual(kv['bearer.ipv4-config.method'], 'static')
        self.assertEqual(kv['bearer.ipv4-config.address'], cfg['ip4'][0])
        self.assertEqual(kv['bearer.ipv4-config.prefix'], str(cfg['ip4'][1]))
        self.assertEqual(kv['bearer.ipv4-config.gateway'], cfg['gw4'])
        self.assertEqual(keyvalue_list(kv, 'bearer.ipv4-config.dns'), cfg['dns4'])
        self.assertEqual(kv['bearer.ipv4-config.mtu'], str(cfg['mtu']))
        if ipv6:
            self.assertEqual(kv['bearer.properties.ip-type'], 'ipv4v6')
            self.assertEqual(kv['bearer.ipv6-config.method'], 'static')
            self.assertEqual(kv['bearer.ipv6-config.address'], cfg['ip6'][0])
            self.assertEqual(kv['bearer.ipv6-config.prefix'], str(cfg['ip6'][1]))
            self.assertEqual(kv['bearer.ipv6-config.gateway'], cfg['gw6'])
            self.assertEqual(keyvalue_list(kv, 'bearer.ipv6-config.dns'), cfg['dns6'])
        else:
            self.assertEqual(kv['bearer.ipv6-config.method'], '--')
            self.assertEqual(kv['bearer.ipv6-config.address'], '--')
        self.assertEqual(kv['bearer.stats.attempts'], '1')
        self.assertRegex(kv['bearer.stats.start-date'], r'^[1-9][0-9]{9}$')

    def test_list_unlock_enable_connect_disconnect_disable(self):
        listed = self.mmcli('-L').stdout
        self.assertIn(f'{self.qmi} [modemd] {QMI["model"]}', listed)
        self.assertIn(f'{self.mbim} [manufacturer unknown] {MBIM["model"]}', listed)
        self.assertEqual(sorted(keyvalue_list(self.mmcli_k('-L'), 'modem-list')),
                         sorted([self.qmi, self.mbim]))

        # the locked QMI modem, as mmcli -m and -K show it
        human = self.mmcli('-m', self.qmi).stdout
        self.assertRegex(human, r'lock: sim-pin')
        self.assertRegex(human, r'h/w revision: SIM-HW-1')
        kv = self.mmcli_k('-m', self.qmi)
        self.check_identity(kv, QMI, 'qmi', 'cdc-wdm0')
        self.assertEqual(kv['modem.dbus-path'], self.qmi)
        self.assertEqual(kv['modem.generic.manufacturer'], 'modemd')
        self.assertEqual(kv['modem.generic.hardware-revision'], 'SIM-HW-1')
        self.assertEqual(kv['modem.generic.state'], 'locked')
        self.assertEqual(kv['modem.generic.unlock-required'], 'sim-pin')
        self.assertIn('sim-pin (3)', keyvalue_list(kv, 'modem.generic.unlock-retries'))
        self.assertEqual(keyvalue_list(kv, 'modem.generic.ports'),
                         ['cdc-wdm0 (qmi)', 'wwan7 (net)'])
        self.assertEqual(kv['modem.generic.current-modes'], 'allowed: 2g, 3g, 4g; preferred: none')
        self.assertEqual(len(keyvalue_list(kv, 'modem.generic.supported-modes')), 16)
        self.assertEqual(kv['modem.3gpp.registration-state'], '--')
        self.assertEqual(keyvalue_list(kv, 'modem.3gpp.enabled-locks'), ['sim'])
        sim = kv['modem.generic.sim']
        self.assertTrue(sim.startswith(COMPAT_PATH + '/SIM/'), sim)
        self.assertEqual(self.mmcli_k('-i', sim)['sim.properties.iccid'], QMI['iccid'])

        # a wrong PIN: the reference's error name, and one retry less
        res = self.mmcli('-i', sim, '--pin=0000', ok=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(COMPAT_ERROR + 'MobileEquipment.IncorrectPassword', res.stderr)
        self.assertIn('sim-pin (2)',
                      keyvalue_list(self.mmcli_k('-m', self.qmi), 'modem.generic.unlock-retries'))
        self.assertIn('successfully sent PIN code', self.mmcli('-i', sim, f'--pin={PIN}').stdout)
        self.wait_compat_state(self.qmi, STATE_DISABLED)
        # the card's identity is read once it is unlocked
        h.wait_until(lambda: self.compat_prop(sim, COMPAT_SIM, 'Imsi') == QMI['imsi'], 10,
                     'IMSI after unlocking')
        kv = self.mmcli_k('-i', sim)
        self.assertEqual(kv['sim.properties.imsi'], QMI['imsi'])
        self.assertEqual(kv['sim.properties.operator-code'], QMI['home'][0])

        self.assertIn('successfully enabled', self.mmcli('-m', self.qmi, '-e').stdout)
        self.wait_compat_state(self.qmi, STATE_REGISTERED)
        h.wait_until(lambda: self.compat_prop(self.qmi, COMPAT_MODEM, 'SignalQuality')[1], 10,
                     'a recent signal quality')
        kv = self.mmcli_k('-m', self.qmi)
        self.assertEqual(kv['modem.generic.state'], 'registered')
        self.assertEqual(kv['modem.generic.unlock-required'], '--')
        self.assertEqual(kv['modem.generic.power-state'], 'on')
        self.assertEqual(keyvalue_list(kv, 'modem.generic.access-technologies'), ['lte'])
        self.assertEqual(kv['modem.generic.signal-quality.recent'], 'yes')
        self.assertEqual(kv['modem.3gpp.registration-state'], 'home')
        self.assertEqual(kv['modem.3gpp.operator-code'], QMI['home'][0])
        self.assertEqual(kv['modem.3gpp.operator-name'], QMI['home'][1])

        res = self.mmcli('-m', self.qmi, '--simple-connect=apn=internet')
        self.assertIn('successfully connected', res.stdout)
        self.wait_compat_state(self.qmi, STATE_CONNECTED)
        bearers = keyvalue_list(self.mmcli_k('-m', self.qmi), 'modem.generic.bearers')
        self.assertEqual(len(bearers), 1)
        self.assertTrue(bearers[0].startswith(COMPAT_PATH + '/Bearer/'), bearers)
        self.check_bearer(bearers[0], QMI, 'wwan7', ipv6=False)

        # MBIM, unlocked from the start: IPv4 and IPv6 exactly as the simulator gave them
        kv = self.mmcli_k('-m', self.mbim)
        self.check_identity(kv, MBIM, 'mbim', 'cdc-wdm1')
        # MBIM has no preferred mode: every combination of the modem's data classes
        modes = keyvalue_list(kv, 'modem.generic.supported-modes')
        self.assertEqual(len(modes), 7)
        self.assertEqual(modes[0], 'allowed: 2g, 3g, 4g; preferred: none')
        self.assertTrue(all(m.endswith('preferred: none') for m in modes))
        self.assertEqual(kv['modem.generic.current-modes'], 'allowed: 2g, 3g, 4g; preferred: none')
        self.mmcli('-m', self.mbim, '--simple-connect=apn=internet,ip-type=ipv4v6')
        self.wait_compat_state(self.mbim, STATE_CONNECTED)
        mbim_bearer = keyvalue_list(self.mmcli_k('-m', self.mbim), 'modem.generic.bearers')[0]
        self.check_bearer(mbim_bearer, MBIM, 'wwan8', ipv6=True)

        res = self.mmcli('-m', self.qmi, '--simple-disconnect')
        self.assertIn('successfully disconnected', res.stdout)
        self.wait_compat_state(self.qmi, STATE_REGISTERED)
        kv = self.mmcli_k('-b', bearers[0])
        self.assertEqual(kv['bearer.status.connected'], 'no')
        self.assertEqual(kv['bearer.ipv4-config.method'], '--')

        self.assertIn('successfully disabled', self.mmcli('-m', self.qmi, '-d').stdout)
        self.wait_compat_state(self.qmi, STATE_DISABLED)
        kv = self.mmcli_k('-m', self.qmi)
        self.assertEqual(kv['modem.generic.state'], 'disabled')
        self.assertEqual(kv['modem.generic.power-state'], 'low')
        self.assertEqual(kv['modem.3gpp.registration-state'], '--')


class LibmmGlibTest(CompatTestCase):
    """libmm-glib reads every property of every modem, SIM and bearer without a
    warning, and decodes what the simulators were set up with."""

    def test_every_property_decoded(self):
        self.unlock_and_connect()
        dump = self.mm_client('dump')
        self.assertEqual(dump['version'], os.environ.get('MODEMD_VERSION', dump['version']))
        self.assertEqual(sorted(dump['modems']), sorted([self.qmi, self.mbim]))
        interfaces = {self.qmi: QMI_INTERFACES, self.mbim: MBIM_INTERFACES}
        for path, entry in dump['modems'].items():
            self.assertEqual(set(entry['interfaces']), interfaces[path], path)
            # libmm-glib 1.20 has no proxy for CellBroadcast: every other one is read
            known = interfaces[path] - {COMPAT_MODEM + '.CellBroadcast'}
            self.assertEqual(entry['missing'], {i: [] for i in known}, path)
            self.assertGreater(entry['getters'], 80, path)
            self.assertEqual(entry['sim']['missing'], [], path)
            self.assertEqual(len(entry['bearers']), 1, path)
            for bearer in entry['bearers'].values():
                self.assertEqual(bearer['missing'], [])
                self.assertGreater(bearer['getters'], 25)

        qmi, mbim = dump['modems'][self.qmi], dump['modems'][self.mbim]
        all_modes = MODE_2G | MODE_3G | MODE_4G
        for entry, cfg, port in ((qmi, QMI, ['cdc-wdm0', PORT_QMI]),
                                 (mbim, MBIM, ['cdc-wdm1', PORT_MBIM])):
            m = entry['modem']
            self.assertEqual(m['state'], STATE_CONNECTED)
            self.assertEqual(m['lock'], LOCK_NONE)
            self.assertEqual(m['access-technologies'], TECH_LTE)
            self.assertEqual(m['current-modes'], [all_modes, 0])
            # the simulator's E-UTRAN bands 1, 3, 7, 8, 20, 28 (MBIM: by QMI in MBIM)
            self.assertEqual(sorted(m['supported-bands']), SIM_LTE_BANDS)
            self.assertEqual(sorted(m['current-bands']), SIM_LTE_BANDS)
            self.assertEqual(m['supported-ip-families'], FAMILY_IPV4 | FAMILY_IPV6 | FAMILY_IPV4V6)
            self.assertEqual(m['supported-capabilities'], [CAP_GSM_UMTS_LTE])
            self.assertEqual(m['current-capabilities'], CAP_GSM_UMTS_LTE)
            self.assertEqual(m['power-state'], POWER_ON)
            self.assertTrue(m['signal-quality'][1])
            self.assertTrue(0 < m['signal-quality'][0] <= 100)
            self.assertEqual(m['ports'], sorted([port, ['wwan7' if cfg is QMI else 'wwan8',
                                                       PORT_NET]]))
            self.assertEqual((m['model'], m['revision'], m['equipment-identifier']),
                             (cfg['model'], cfg['revision'], cfg['imei']))
            self.assertEqual(m['sim'], entry['sim']['path'])
            self.assertEqual(m['bearers'], sorted(entry['bearers']))
            g = entry['3gpp']
            self.assertEqual(g['registration-state'], REGISTRATION_HOME)
            self.assertEqual((g['operator-code'], g['operator-name']), cfg['home'])
            self.assertEqual(g['imei'], cfg['imei'])
            s = entry['sim']
            self.assertEqual((s['identifier'], s['imsi'], s['operator-identifier']),
                             (cfg['iccid'], cfg['imsi'], cfg['home'][0]))
            self.assertEqual((s['active'], s['type'], s['removability']),
                             (True, SIM_TYPE_PHYSICAL, SIM_REMOVABLE))
            b = next(iter(entry['bearers'].values()))
            self.assertEqual((b['connected'], b['type'], b['properties']['apn']),
                             (True, BEARER_TYPE_DEFAULT, 'internet'))
            self.assertIsNone(b['properties']['password'])
            self.assertEqual(b['ipv4'], {'method': IP_METHOD_STATIC, 'address': cfg['ip4'][0],
                                         'prefix': cfg['ip4'][1], 'gateway': cfg['gw4'],
                                         'dns': cfg['dns4'], 'mtu': cfg['mtu']})
            self.assertEqual(b['stats']['attempts'], 1)
            self.assertGreater(b['stats']['start-date'], 0)

        self.assertEqual(qmi['modem']['hardware-revision'], 'SIM-HW-1')
        self.assertEqual(qmi['modem']['manufacturer'], 'modemd')
        self.assertEqual(qmi['modem']['plugin'], 'qmi')
        self.assertEqual(qmi['3gpp']['enabled-facility-locks'], FACILITY_SIM)
        # (the MBIM backend does not report the packet service state yet)
        self.assertEqual(qmi['3gpp']['packet-service-state'], PACKET_SERVICE_ATTACHED)
        self.assertEqual(len(qmi['modem']['supported-modes']), 16)
        self.assertIn([all_modes, MODE_4G], qmi['modem']['supported-modes'])
        self.assertEqual(qmi['modem']['unlock-retries'][str(LOCK_SIM_PIN)], 3)
        qmi_bearer = next(iter(qmi['bearers'].values()))
        self.assertEqual(qmi_bearer['ipv6']['method'], IP_METHOD_UNKNOWN)
        self.assertEqual(qmi_bearer['interface'], 'wwan7')

        self.assertEqual(mbim['modem']['plugin'], 'mbim')
        self.assertEqual(mbim['modem']['supported-modes'][0], [all_modes, 0])
        self.assertEqual(len(mbim['modem']['supported-modes']), 7)
        self.assertIn([MODE_4G, 0], mbim['modem']['supported-modes'])
        mbim_bearer = next(iter(mbim['bearers'].values()))
        self.assertEqual(mbim_bearer['interface'], 'wwan8')
        self.assertEqual(mbim_bearer['properties']['ip-type'], FAMILY_IPV4V6)
        self.assertEqual(mbim_bearer['ipv6'], {
            'method': IP_METHOD_STATIC, 'address': MBIM['ip6'][0], 'prefix': MBIM['ip6'][1],
            'gateway': MBIM['gw6'], 'dns': MBIM['dns6'], 'mtu': MBIM['mtu']})

    def test_error_names_decoded(self):
        """libmm-glib maps the reference's error names to its own GError
        domains: a wrong PIN is MM_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD."""
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        # the same failure on the native name keeps the native error name
        native_sim = h.get_property(self.bus.conn, self.qmi.replace(COMPAT_PATH, h.MANAGER_PATH),
                                    h.MODEM_IFACE, 'Sim')
        self.assertEqual(native_sim, sim.replace(COMPAT_PATH, h.MANAGER_PATH))
        name, _ = h.call_error(self.bus.conn, native_sim, h.SIM_IFACE, 'SendPin', ('0000',),
                               '(s)')
        self.assertEqual(name, h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword')
        err = self.mm_client('send-pin', sim, '0000')
        self.assertEqual(err['domain'], 'mm_mobile_equipment_error_quark')
        self.assertEqual(err['code'], 16)  # MM_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD
        self.assertEqual(self.mm_client('send-pin', sim, PIN), {'domain': None})
        self.wait_compat_state(self.qmi, STATE_DISABLED)


class PolkitTest(CompatTestCase):
    """Compat calls are authorized as native ones: an unprivileged user may
    read everything and change nothing."""

    def test_unprivileged_refused(self):
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        refusals = len(re.findall(r'Refused ', self.daemon.read_log()))
        attempts = [('-i', sim, f'--pin={PIN}'), ('-m', self.mbim, '-e'),
                    ('-m', self.mbim, '--simple-connect=apn=internet'),
                    ('-m', self.mbim, '--set-allowed-modes=4g')]
        for args in attempts:
            res = self.mmcli(*args, ok=False, user=h.TEST_USER)
            self.assertNotEqual(res.returncode, 0, f'{args} succeeded as {h.TEST_USER}')
            self.assertIn(COMPAT_ERROR + 'Core.Unauthorized', res.stderr, args)
        res = h.gdbus_call(self.bus, COMPAT, COMPAT_PATH, COMPAT + '.ScanDevices',
                           user=h.TEST_USER)
        self.assertIn(COMPAT_ERROR + 'Core.Unauthorized', res.stderr)
        log_text = self.daemon.read_log()
        self.assertEqual(len(re.findall(r'Refused .*: polkit denied', log_text)) - refusals,
                         len(attempts) + 1)
        # reading is open, and nothing changed
        kv = parse_keyvalue(self.mmcli('-m', self.qmi, '-K', user=h.TEST_USER).stdout)
        self.assertEqual(kv['modem.generic.state'], 'locked')
        self.assertEqual(self.compat_prop(self.mbim, COMPAT_MODEM, 'State'), STATE_DISABLED)
        self.assertEqual(self.compat_prop(self.mbim, COMPAT_MODEM, 'Bearers'), [])


class ObjectsTest(CompatTestCase):

    def introspected_interfaces(self, path):
        xml = h.call(self.bus.conn, path, 'org.freedesktop.DBus.Introspectable', 'Introspect',
                     reply_type='(s)', dest=COMPAT)[0]
        return {i.name for i in Gio.DBusNodeInfo.new_for_xml(xml).interfaces}

    def ping(self, path):
        self.assertEqual(h.call(self.bus.conn, path, 'org.freedesktop.DBus.Peer', 'Ping',
                                dest=COMPAT), ())

    def test_introspection_and_ping(self):
        """Each object lists exactly the interfaces it implements (how
        ModemManagerQt finds a modem's), and answers Peer.Ping."""
        self.unlock_and_connect()
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        bearer = self.compat_prop(self.qmi, COMPAT_MODEM, 'Bearers')[0]
        expected = {
            COMPAT_PATH: STANDARD | {COMPAT, 'org.freedesktop.DBus.ObjectManager'},
            self.qmi: STANDARD | QMI_INTERFACES,
            self.mbim: STANDARD | MBIM_INTERFACES,
            sim: STANDARD | {COMPAT_SIM},
            bearer: STANDARD | {COMPAT_BEARER},
        }
        for path, interfaces in expected.items():
            self.assertEqual(self.introspected_interfaces(path), interfaces, path)
            self.ping(path)
        # native objects keep the native names only
        native = self.qmi.replace(COMPAT_PATH, h.MANAGER_PATH)
        xml = h.call(self.bus.conn, native, 'org.freedesktop.DBus.Introspectable', 'Introspect',
                     reply_type='(s)')[0]
        self.assertNotIn(COMPAT, xml)

    def test_native_and_compat_at_once(self):
        """modemctl (native names) and mmcli (the reference's) on one daemon:
        what one does, the other sees; and every -K key both print has the
        same value, paths aside."""
        rc, out, err = h.run_modemctl(['-L'], bus=self.bus)
        self.assertEqual(rc, 0, err)
        native_qmi = self.qmi.replace(COMPAT_PATH, h.MANAGER_PATH)
        self.assertIn(native_qmi, out)
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        rc, out, err = h.run_modemctl(['-i', sim.replace(COMPAT_PATH, h.MANAGER_PATH),
                                       f'--pin={PIN}'], bus=self.bus)
        self.assertEqual(rc, 0, err)
        self.wait_compat_state(self.qmi, STATE_DISABLED)
        self.mmcli('-m', self.qmi, '-e')
        self.wait_compat_state(self.qmi, STATE_REGISTERED)
        rc, out, err = h.run_modemctl(['-m', native_qmi, '--simple-connect=apn=internet'],
                                      bus=self.bus)
        self.assertEqual(rc, 0, err)
        self.mmcli('-m', self.mbim, '--simple-connect=apn=internet,ip-type=ipv4v6')
        self.wait_compat_state(self.mbim, STATE_CONNECTED)
        self.assertEqual(self.mmcli_k('-m', self.qmi)['modem.generic.state'], 'connected')

        compared = 0
        bearers = [self.compat_prop(p, COMPAT_MODEM, 'Bearers')[0] for p in (self.qmi, self.mbim)]
        for flag, path in [('-m', self.qmi), ('-m', self.mbim), ('-i', sim)] + \
                [('-b', b) for b in bearers]:
            theirs = self.mmcli_k(flag, path)
            ours = {k: v.replace(h.MANAGER_PATH, COMPAT_PATH)
                    for k, v in self.modemctl_k(flag, path.replace(COMPAT_PATH,
                                                                   h.MANAGER_PATH)).items()}
            common = set(theirs) & set(ours)
            self.assertGreater(len(common), 10, f'{flag} {path}: keys {sorted(ours)}')
            for key in sorted(common):
                self.assertEqual(ours[key], theirs[key], f'{flag} {path}: {key}')
            compared += len(common)
            # a list is printed the same way by both, or its key is missing in neither
            for key in ours:
                if key.endswith('.length'):
                    self.assertIn(key, theirs, f'{flag} {path}')
        h.log(f'-K: {compared} values printed by both modemctl and mmcli, all equal')


REF_XML_DIR = Path('/usr/share/dbus-1/interfaces')
REF_ERRORS = Path('/usr/include/ModemManager/ModemManager-errors.h')
# Members newer than the reference Debian ships (ModemManager 1.20).
NEWER_THAN_REFERENCE = {(COMPAT_MODEM, 'property', 'Physdev'),
                        (COMPAT_MODEM + '.Messaging', 'method', 'SetDefaultStorage')}
# Interfaces newer than the reference: no file to compare with.
NEWER_INTERFACES = {COMPAT_MODEM + '.CellBroadcast'}
ERROR_DOMAINS = {'CORE': 'Core', 'MOBILE_EQUIPMENT': 'MobileEquipment',
                 'CONNECTION': 'Connection', 'SERIAL': 'Serial', 'MESSAGE': 'Message',
                 'CDMA_ACTIVATION': 'CdmaActivation'}


def interface_members(iface):
    """{(kind, name): signature} of a Gio.DBusInterfaceInfo."""
    out = {}
    for m in iface.methods:
        out[('method', m.name)] = (tuple(a.signature for a in m.in_args),
                                   tuple(a.signature for a in m.out_args))
    for sig in iface.signals:
        out[('signal', sig.name)] = tuple(a.signature for a in sig.args)
    for p in iface.properties:
        out[('property', p.name)] = (p.signature, int(p.flags))
    return out


def reference_error_names():
    names = set()
    for m in re.finditer(r'MM_(\w+?)_ERROR_\w+\s*=\s*\d+,?\s*/\*< nick=(\w+)',
                         REF_ERRORS.read_text()):
        if m.group(1) in ERROR_DOMAINS:
            names.add(f'{COMPAT_ERROR}{ERROR_DOMAINS[m.group(1)]}.{m.group(2)}')
    return names


class LiveApiTest(CompatTestCase):
    """The compat export as a client sees it (Introspect of the live objects:
    manager, modem, SIM, bearer) against ModemManager's own introspection
    files, member by member; and the error names it answers with against
    ModemManager's error header (package modemmanager-dev)."""

    def setUp(self):
        if not REF_XML_DIR.joinpath(COMPAT_MODEM + '.xml').exists() or not REF_ERRORS.exists():
            self.skipTest('modemmanager-dev is not installed')
        super().setUp()

    def live_interfaces(self, path):
        xml = h.call(self.bus.conn, path, 'org.freedesktop.DBus.Introspectable', 'Introspect',
                     reply_type='(s)', dest=COMPAT)[0]
        return [i for i in Gio.DBusNodeInfo.new_for_xml(xml).interfaces
                if i.name.startswith(COMPAT)]

    def test_members_equal_the_reference(self):
        self.unlock_and_connect()
        sms = h.call(self.bus.conn, self.qmi, COMPAT_MODEM + '.Messaging', 'Create',
                     ({'number': GLib.Variant('s', '+491701234567'),
                       'text': GLib.Variant('s', 'hello')},), '(a{sv})', '(o)', dest=COMPAT)[0]
        paths = [COMPAT_PATH, self.qmi, self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim'),
                 self.compat_prop(self.qmi, COMPAT_MODEM, 'Bearers')[0], sms]
        checked, names = 0, set()
        for path in paths:
            for iface in self.live_interfaces(path):
                names.add(iface.name)
                if iface.name in NEWER_INTERFACES:
                    continue
                ref_xml = (REF_XML_DIR / f'{iface.name}.xml').read_text()
                ref = interface_members(
                    Gio.DBusNodeInfo.new_for_xml(ref_xml).lookup_interface(iface.name))
                live = interface_members(iface)
                for key in sorted(set(ref) | set(live)):
                    checked += 1
                    if (iface.name,) + key in NEWER_THAN_REFERENCE:
                        continue
                    self.assertIn(key, live, f'{iface.name}: {key} not exported')
                    self.assertIn(key, ref, f'{iface.name}: {key} not in the reference')
                    self.assertEqual(live[key], ref[key], f'{iface.name}: {key}')
        self.assertEqual(names, QMI_INTERFACES | {COMPAT, COMPAT_SIM, COMPAT_BEARER, COMPAT_SMS})
        self.assertGreater(checked, 100)
        h.log(f'{checked} members of {len(names)} live interfaces equal the reference')

    def test_error_names_are_the_reference(self):
        reference = reference_error_names()
        self.assertGreater(len(reference), 50)
        sim = self.compat_prop(self.qmi, COMPAT_MODEM, 'Sim')
        v = GLib.Variant
        failing = [
            (sim, COMPAT_SIM, 'SendPin', ('0000',), '(s)'),
            (self.mbim, COMPAT_MODEM + '.Modem3gpp', 'SetNr5gRegistrationSettings',
             ({'drx-cycle': v('u', 1)},), '(a{sv})'),
            (self.mbim, COMPAT_MODEM, 'SetCurrentModes', ((0x40000, 0),), '((uu))'),
            (self.mbim, COMPAT_MODEM, 'DeleteBearer', (COMPAT_PATH + '/Bearer/99',), '(o)'),
            (self.mbim, COMPAT_MODEM, 'CreateBearer', ({'apn': v('s', 'a"b')},), '(a{sv})'),
        ]
        seen = set()
        for path, iface, method, args, signature in failing:
            name, message = self.compat_call_error(path, iface, method, args, signature)
            self.assertIn(name, reference, f'{method}: {name}: {message}')
            seen.add(name)
        self.assertIn(COMPAT_ERROR + 'MobileEquipment.IncorrectPassword', seen)
        self.assertIn(COMPAT_ERROR + 'Core.Unsupported', seen)
        self.assertGreaterEqual(len(seen), 3, seen)
        h.log(f"error names answered, all the reference's: {sorted(seen)}")


if __name__ == '__main__':
    h.main()
