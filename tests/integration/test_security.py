#!/usr/bin/python3
"""Security model (issue 7), end to end with the real polkitd and the simulator:

  PolkitTest        every state-changing method, called by an unprivileged user,
                    is refused with Core.Unauthorized before anything reaches the
                    modem; root is allowed; reading needs no authorization
  PolkitRuleTest    a rules.d rule granting a group lets a member connect, and a
                    non-member is still refused (installs a rule: not parallel)
  AuthCacheTest     a positive answer is cached per bus connection (a short while);
                    a new connection asks polkitd again; the entry goes with the
                    connection
  RefusalCacheTest  a refusal is remembered for a second: a client without rights
                    calling in a loop costs polkitd one check a second
  BusPolicyTest     what data/dbus/org.example.Modem1.conf lets an unprivileged
                    user do (complements test_core)
  Validation*Test   injection attempts through every D-Bus string/enum that can
                    reach a modem, against each protocol's simulator
  Secrets*Test      no PIN, PUK, password, full IMSI or ICCID in the --debug log;
                    --log-personal-info shows identities but never secrets

Needs root (exits 77 otherwise).  See harness.py for the environment."""

import grp
import json
import os
import pwd
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import GLib  # noqa: E402

UNAUTHORIZED = h.ERROR_PREFIX + 'Core.Unauthorized'
INVALID_ARGS = h.ERROR_PREFIX + 'Core.InvalidArgs'
ACCESS_DENIED = 'org.freedesktop.DBus.Error.AccessDenied'

# Distinctive values, so that a grep of a log cannot hit them by chance.
PIN = '73914682'
WRONG_PIN = '51827364'
NEW_PIN = '62839174'
PUK = '94817263'
USER = 'carrieruser'
PASSWORD = 'Pw9xQz7Secret'
IMSI = '262017766554433'
ICCID = '89490200008877665544'
IMEI = '356938035643809'
APN = 'internet'

LOCKED, DISABLED, REGISTERED, CONNECTED = 2, 3, 8, 11
LOCK_NONE, LOCK_SIM_PIN, LOCK_SIM_PUK = 1, 2, 4
AUTH_PAP, AUTH_CHAP = 2, 4

# Group and member for the rules.d test.  The non-member is h.TEST_USER.
RULE_GROUP = 'modemd-sec-net'
RULE_MEMBER = 'modemd-sec-member'

RULES = '''// modemd integration test (test_security.py): members of %s may control modems.
polkit.addRule(function(action, subject) {
    if (action.id == "org.example.Modem1.Device.Control" && subject.isInGroup("%s"))
        return polkit.Result.YES;
});
''' % (RULE_GROUP, RULE_GROUP)

# Requests the daemon makes by itself while a modem is enabled: signal and
# registration refresh, and the setup of what the modem reports by itself
# (signal thresholds and indications, the serving cell read when the
# registration changes) and the load of the messages stored on the modem,
# which may still be under way when a test starts. They are not caused by a
# test's call.
PERIODIC = re.compile(r'^sim: rx (qmi NAS (GetSignalInfo|GetSignalStrength|GetServingSystem'
                      r'|GetSystemInfo|ConfigSignalInfo|RegisterIndications)\b'
                      r'|qmi WMS (SetEventReport|SetRoutes|ListMessages|RawRead'
                      r'|GetBroadcastConfig|SetBroadcastConfig|SetBroadcastActivation)\b'
                      r'|mbim BasicConnect (SignalState|RegisterState|PacketService) query'
                      r'|mbim BasicConnect SignalState set'
                      r'|mbim MsBasicConnectExtensions LocationInfoStatus query'
                      r'|mbim Sms (Configuration|Read|MessageStoreStatus) query'
                      r'|at AT\+(CSQ|CESQ|CREG\?|CGREG\?|CEREG\?|COPS\?|CIND=\?|CIND\?|CMER=.*'
                      r'|CMGF=0|CPMS=.*|CNMI=.*|CSCB=.*)$)')


def sim_args(protocol, link, pin=True, extra=()):
    args = [f'--protocol={protocol}', f'--link={link}', f'--imei={IMEI}', f'--iccid={ICCID}',
            f'--imsi={IMSI}', '--home-operator=26201:Simnet',
            '--visible-operator=26202:Othernet']
    if pin:
        args += [f'--sim-pin={PIN}', f'--sim-puk={PUK}']
    return args + list(extra)


def ports(protocol, link):
    # AT: PPP on the tty, no net port needed
    return f'{protocol}:{link}' if protocol == 'at' else f'{protocol}:{link},net:wwan0'


def gvariant_text(value):
    """A Python value as GVariant text for `gdbus call` arguments."""
    return value.print_(True) if isinstance(value, GLib.Variant) else str(value)


class ModemTestCase(h.ModemTestCase):
    """One simulated modem of `protocol` and the daemon driving it."""

    protocol = 'at'

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix='modemd-sec-')
        self.addCleanup(self.tmp.cleanup)
        self.link = os.path.join(self.tmp.name, 'ttyUSB0' if self.protocol == 'at'
                                 else 'cdc-wdm0')

    def start(self, pin=True, sim_extra=(), daemon_args=()):
        self.sim = self.start_sim(*sim_args(self.protocol, self.link, pin, sim_extra))
        self.start_daemon(f'--port={ports(self.protocol, self.link)}', *daemon_args)
        return self.wait_for_modem()

    def unlock(self, pin=PIN):
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        self.call(sim, h.SIM_IFACE, 'SendPin', (pin,), '(s)')
        self.wait_state(DISABLED)
        # Once unlocked, the card's identity is read in the background (IMSI,
        # then the operator from EF_AD and EF_SPN): wait for its end, so that
        # those reads are not taken for something a later call caused.
        self.wait_prop('OperatorName', bool, iface=h.SIM_IFACE, path=sim)

    def enable_registered(self):
        super().enable_registered()
        # Enabling goes on reading the messages the modem stores: wait for its
        # end, so that those requests are not taken for something a later call
        # caused.
        self.daemon.wait_for_log(r'stored message part\(s\) read|cannot read stored messages')

    def simple_connect(self, **extra):
        """Simple.Connect with apn 'internet' and `extra` (GLib.Variant values)."""
        props = {'apn': GLib.Variant('s', APN)}
        props.update(extra)
        return self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Connect', (props,), '(a{sv})',
                         reply_type='(o)', timeout=60)[0]

    def snapshot(self):
        """The number of simulator lines so far (see requests_since)."""
        return len(self.sim.lines)

    def requests_since(self, mark):
        """Requests the simulator received since `mark`, without the periodic ones."""
        return [line for line in list(self.sim.lines)[mark:]
                if line.startswith('sim: rx ') and not PERIODIC.search(line)]

    def assert_no_requests(self, mark, what):
        extra = self.requests_since(mark)
        self.assertEqual(extra, [], f'{what}: the simulator received requests')


# ---------------------------------------------------------------------------
# polkit


def unprivileged_calls(modem, sim, bearer):
    """(label, object path, interface.method, gdbus argument texts) for every
    state-changing method."""
    v = GLib.Variant
    props = {'apn': v('s', APN)}
    return [
        ('Enable', modem, h.MODEM_IFACE + '.Enable', ['false']),
        ('CreateBearer', modem, h.MODEM_IFACE + '.CreateBearer',
         [gvariant_text(v('a{sv}', props))]),
        ('DeleteBearer', modem, h.MODEM_IFACE + '.DeleteBearer', [f"objectpath '{bearer}'"]),
        ('Simple.Connect', modem, h.MODEM_SIMPLE_IFACE + '.Connect',
         [gvariant_text(v('a{sv}', props))]),
        ('Simple.Disconnect', modem, h.MODEM_SIMPLE_IFACE + '.Disconnect',
         ["objectpath '/'"]),
        ('Bearer.Connect', bearer, h.BEARER_IFACE + '.Connect', []),
        ('Bearer.Disconnect', bearer, h.BEARER_IFACE + '.Disconnect', []),
        ('Register', modem, h.MODEM_3GPP_IFACE + '.Register', ["'26202'"]),
        ('Scan', modem, h.MODEM_3GPP_IFACE + '.Scan', []),
        ('SendPin', sim, h.SIM_IFACE + '.SendPin', [f"'{PIN}'"]),
        ('SendPuk', sim, h.SIM_IFACE + '.SendPuk', [f"'{PUK}'", f"'{PIN}'"]),
        ('EnablePin', sim, h.SIM_IFACE + '.EnablePin', [f"'{PIN}'", 'false']),
        ('ChangePin', sim, h.SIM_IFACE + '.ChangePin', [f"'{PIN}'", f"'{NEW_PIN}'"]),
        ('SetCurrentModes', modem, h.MODEM_IFACE + '.SetCurrentModes', ['(uint32 4, uint32 0)']),
        ('SetCurrentBands', modem, h.MODEM_IFACE + '.SetCurrentBands', ['[uint32 0]']),
        ('SetPowerState', modem, h.MODEM_IFACE + '.SetPowerState', ['uint32 2']),
        ('Reset', modem, h.MODEM_IFACE + '.Reset', []),
        ('Command', modem, h.MODEM_IFACE + '.Command', ["'AT+CFUN=0'", 'uint32 5']),
        ('Signal.Setup', modem, h.MODEM_SIGNAL_IFACE + '.Setup', ['uint32 5']),
        ('ScanDevices', h.MANAGER_PATH, h.MANAGER_IFACE + '.ScanDevices', []),
        ('SetLogging', h.MANAGER_PATH, h.MANAGER_IFACE + '.SetLogging', ["'DEBUG'"]),
        ('ReportKernelEvent', h.MANAGER_PATH, h.MANAGER_IFACE + '.ReportKernelEvent',
         ["{'action': <'add'>, 'name': <'ttyUSB9'>, 'subsystem': <'tty'>}"]),
        ('InhibitDevice', h.MANAGER_PATH, h.MANAGER_IFACE + '.InhibitDevice',
         ["'/sys/devices/whatever'", 'true']),
        # not implemented by any plugin yet, but authorized first all the same
        ('FactoryReset', modem, h.MODEM_IFACE + '.FactoryReset', ["'000000'"]),
        ('SetCurrentCapabilities', modem, h.MODEM_IFACE + '.SetCurrentCapabilities',
         ['uint32 8']),
        ('SetPrimarySimSlot', modem, h.MODEM_IFACE + '.SetPrimarySimSlot', ['uint32 2']),
        ('SetInitialEpsBearerSettings', modem,
         h.MODEM_3GPP_IFACE + '.SetInitialEpsBearerSettings',
         [gvariant_text(v('a{sv}', props))]),
        ('SetEpsUeModeOperation', modem, h.MODEM_3GPP_IFACE + '.SetEpsUeModeOperation',
         ['uint32 1']),
        ('DisableFacilityLock', modem, h.MODEM_3GPP_IFACE + '.DisableFacilityLock',
         ["(uint32 8, '12345678')"]),
        ('SetPacketServiceState', modem, h.MODEM_3GPP_IFACE + '.SetPacketServiceState',
         ['uint32 1']),
        ('SetNr5gRegistrationSettings', modem,
         h.MODEM_3GPP_IFACE + '.SetNr5gRegistrationSettings', ["{'drx-cycle': <uint32 1>}"]),
        ('Signal.SetupThresholds', modem, h.MODEM_SIGNAL_IFACE + '.SetupThresholds',
         ["{'rssi-threshold': <uint32 5>}"]),
        ('SetPreferredNetworks', sim, h.SIM_IFACE + '.SetPreferredNetworks',
         ["[('26202', uint32 8)]"]),
    ]


class PolkitTest(ModemTestCase):
    """An unprivileged user (no session, so polkit's allow_any applies: no or
    auth_admin) against a connected AT modem."""

    protocol = 'at'

    def modem_snapshot(self, sim):
        return {
            'State': self.prop('State'),
            'Bearers': sorted(self.prop('Bearers')),
            'PowerState': self.prop('PowerState'),
            'CurrentModes': tuple(self.prop('CurrentModes')),
            'CurrentBands': sorted(self.prop('CurrentBands')),
            'OperatorCode': self.prop('OperatorCode', h.MODEM_3GPP_IFACE),
            'SignalRate': self.prop('Rate', h.MODEM_SIGNAL_IFACE),
            'UnlockRequired': self.prop('UnlockRequired'),
            'EnabledFacilityLocks': self.prop('EnabledFacilityLocks', h.MODEM_3GPP_IFACE),
            'Modems': sorted(self.managed_modems()),
        }

    def managed_modems(self):
        objs = self.call(h.MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                         'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]
        return [p for p, ifaces in objs.items() if h.MODEM_IFACE in ifaces]

    def test_unprivileged_refused_root_allowed(self):
        self.start()
        sim = self.wait_prop('Sim', lambda v: v != '/')
        # root is allowed: unlock, enable, connect (each asked polkitd)
        self.unlock()
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        before = self.modem_snapshot(sim)
        refusals = len(re.findall(r'Refused ', self.daemon.read_log()))

        mark = self.snapshot()
        for label, path, method, args in unprivileged_calls(self.modem, sim, bearer):
            res = h.gdbus_call(self.bus, h.BUS_NAME, path, method, *args, user=h.TEST_USER,
                               timeout=20)
            self.assertNotEqual(res.returncode, 0, f'{label} succeeded as {h.TEST_USER}')
            self.assertIn(UNAUTHORIZED, res.stderr, f'{label}: {res.stderr}')
        # modemctl, as that user, gets the same answer
        rc, out, err = h.run_modemctl(['-m', self.modem, '--simple-disconnect'], bus=self.bus,
                                      user=h.TEST_USER)
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(err, r'Unauthorized|[Nn]ot authorized')

        # each refusal was polkit's answer (the call reached the daemon, which asked)
        log_text = self.daemon.read_log()
        n = len(unprivileged_calls(self.modem, sim, bearer)) + 1
        self.assertEqual(len(re.findall(r'Refused ', log_text)) - refusals, n)
        self.assertEqual(len(re.findall(r'Refused .*: polkit denied', log_text)), n)

        # nothing changed
        self.assertEqual(self.modem_snapshot(sim), before)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))

        # root, still allowed: disconnect reaches the modem.  It also serves as a
        # barrier: the AT channel sends in order, so anything a refused call had
        # queued would show up before the disconnect's escape sequence.
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        self.sim.wait_for_line(r'^sim: rx at ATH$', start=mark)
        requests = self.requests_since(mark)
        self.assertEqual(requests[0], 'sim: rx at +++', 'unprivileged calls reached the modem')
        self.assertFalse([line for line in self.sim.lines if 'CFUN=0' in line])

    def test_unprivileged_pin_refused_while_locked(self):
        # The locked modem: a refused SendPin must neither reach the SIM nor
        # cost a retry.
        self.start()
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        retries = dict(self.prop('UnlockRetries'))
        mark = self.snapshot()
        for method, args in (('SendPin', [f"'{PIN}'"]),
                             ('SendPuk', [f"'{PUK}'", f"'{PIN}'"])):
            res = h.gdbus_call(self.bus, h.BUS_NAME, sim, h.SIM_IFACE + '.' + method, *args,
                               user=h.TEST_USER, timeout=20)
            self.assertIn(UNAUTHORIZED, res.stderr, f'{method}: {res.stderr}')
        self.assert_no_requests(mark, 'unprivileged SendPin/SendPuk')
        self.assertEqual(self.prop('State'), LOCKED)
        self.assertEqual(dict(self.prop('UnlockRetries')), retries)

    def test_reading_needs_no_authorization(self):
        self.start(pin=False)
        self.enable_registered()
        bearer = self.simple_connect()
        self.wait_state(CONNECTED)
        sim = self.prop('Sim')
        polkit_checks = self.daemon.read_log().count('Refused ')
        for path, iface in ((self.modem, h.MODEM_IFACE), (self.modem, h.MODEM_3GPP_IFACE),
                            (self.modem, h.MODEM_SIGNAL_IFACE), (sim, h.SIM_IFACE),
                            (bearer, h.BEARER_IFACE), (h.MANAGER_PATH, h.MANAGER_IFACE)):
            res = h.gdbus_call(self.bus, h.BUS_NAME, path,
                               'org.freedesktop.DBus.Properties.GetAll', iface,
                               user=h.TEST_USER, timeout=10)
            self.assertEqual(res.returncode, 0, f'GetAll {iface}: {res.stderr}')
        res = h.gdbus_call(self.bus, h.BUS_NAME, h.MANAGER_PATH,
                           'org.freedesktop.DBus.ObjectManager.GetManagedObjects',
                           user=h.TEST_USER, timeout=10)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn(bearer, res.stdout)
        # reads that are methods: ListBearers, modemctl's status view
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, h.MODEM_IFACE + '.ListBearers',
                           user=h.TEST_USER, timeout=10)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn(bearer, res.stdout)
        data = h.run_modemctl_json(['-m', self.modem], bus=self.bus, user=h.TEST_USER)
        self.assertIn('modem', data)
        # the secret stays secret for readers: the bearer's properties hold no password
        res = h.gdbus_call(self.bus, h.BUS_NAME, bearer, 'org.freedesktop.DBus.Properties.Get',
                           h.BEARER_IFACE, 'Properties', user=h.TEST_USER, timeout=10)
        self.assertNotIn('password', res.stdout)
        self.assertEqual(self.daemon.read_log().count('Refused '), polkit_checks)

        # reading is open, writing through Properties.Set is not a back door:
        # no property is writable
        mark = self.snapshot()
        for path, iface, name, value in (
                (self.modem, h.MODEM_IFACE, 'PowerState', '<uint32 1>'),
                (self.modem, h.MODEM_IFACE, 'State', '<int32 3>'),
                (self.modem, h.MODEM_SIGNAL_IFACE, 'Rate', '<uint32 1>'),
                (bearer, h.BEARER_IFACE, 'Connected', '<false>')):
            res = h.gdbus_call(self.bus, h.BUS_NAME, path, 'org.freedesktop.DBus.Properties.Set',
                               iface, name, value, user=h.TEST_USER, timeout=10)
            self.assertNotEqual(res.returncode, 0, f'Set {name}: {res.stdout}')
        self.assertEqual(self.prop('State'), CONNECTED)
        self.assertEqual(self.prop('Rate', h.MODEM_SIGNAL_IFACE), 0)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assert_no_requests(mark, 'Properties.Set')


def ensure_group_member():
    """Group RULE_GROUP with the user RULE_MEMBER in it (both created if missing)."""
    try:
        grp.getgrnam(RULE_GROUP)
    except KeyError:
        subprocess.run(['groupadd', '--system', RULE_GROUP], check=True, timeout=30)
    try:
        pwd.getpwnam(RULE_MEMBER)
    except KeyError:
        subprocess.run(['useradd', '--system', '--no-create-home', '--home-dir', '/nonexistent',
                        '--shell', '/usr/sbin/nologin', '--user-group', RULE_MEMBER],
                       check=True, timeout=30)
    if RULE_MEMBER not in grp.getgrnam(RULE_GROUP).gr_mem:
        subprocess.run(['usermod', '-a', '-G', RULE_GROUP, RULE_MEMBER], check=True, timeout=30)
    h.ensure_test_user()
    assert h.TEST_USER not in grp.getgrnam(RULE_GROUP).gr_mem


def remove_group_member():
    subprocess.run(['userdel', RULE_MEMBER], timeout=30, capture_output=True)
    subprocess.run(['groupdel', RULE_GROUP], timeout=30, capture_output=True)


class PolkitRuleTest(ModemTestCase):
    """A rules.d rule: members of a group may control modems.  Registered with
    is_parallel: false (every polkitd on the machine reads rules.d)."""

    protocol = 'qmi'
    polkit_rules = RULES

    @classmethod
    def setUpClass(cls):
        h.require_root()
        ensure_group_member()
        h.add_cleanup(remove_group_member)

    def test_group_member_may_connect(self):
        self.start(pin=False)
        self.enable_registered()
        connect = (h.MODEM_SIMPLE_IFACE + '.Connect',
                   gvariant_text(GLib.Variant('a{sv}', {'apn': GLib.Variant('s', APN)})))

        # the non-member: refused, nothing sent
        mark = self.snapshot()
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, *connect, user=h.TEST_USER,
                           timeout=30)
        self.assertIn(UNAUTHORIZED, res.stderr)
        self.assert_no_requests(mark, 'Connect by a non-member')
        self.assertEqual(self.prop('State'), REGISTERED)

        # the member (group from the user database: setpriv clears the process's
        # supplementary groups, polkit looks the user's groups up itself)
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, *connect, user=RULE_MEMBER,
                           timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        bearer = re.search(r"'(/org/example/Modem1/Bearer/\d+)'", res.stdout).group(1)
        self.wait_state(CONNECTED)
        self.sim.wait_for_line(r'rx qmi WDS StartNetwork .*apn=internet', start=mark)
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))

        # the rule is for Device.Control only: admin actions and raw commands stay refused
        mark = self.snapshot()
        res = h.gdbus_call(self.bus, h.BUS_NAME, h.MANAGER_PATH,
                           h.MANAGER_IFACE + '.ScanDevices', user=RULE_MEMBER, timeout=20)
        self.assertIn(UNAUTHORIZED, res.stderr)
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, h.MODEM_IFACE + '.Command',
                           "'AT+CFUN=0'", 'uint32 5', user=RULE_MEMBER, timeout=20)
        self.assertIn(UNAUTHORIZED, res.stderr)
        self.assert_no_requests(mark, 'admin/Command calls by the member')

        # and the non-member still cannot disconnect
        mark = self.snapshot()
        res = h.gdbus_call(self.bus, h.BUS_NAME, self.modem, h.MODEM_SIMPLE_IFACE + '.Disconnect',
                           "objectpath '/'", user=h.TEST_USER, timeout=30)
        self.assertIn(UNAUTHORIZED, res.stderr)
        self.assert_no_requests(mark, 'Disconnect by a non-member')
        self.assertEqual(self.prop('State'), CONNECTED)

        # the member may
        rc, out, err = h.run_modemctl(['-m', self.modem, '--simple-disconnect'], bus=self.bus,
                                      user=RULE_MEMBER)
        self.assertEqual(rc, 0, err)
        self.wait_state(REGISTERED)


# ---------------------------------------------------------------------------
# Authorization cache


class AuthCacheTest(h.IntegrationTestCase):
    """The daemon asks polkitd once per bus connection and action for a few
    seconds.  Observable without peeking inside: stop polkitd after the first
    authorized call; the same connection is still allowed, a new one is not."""

    def scan_devices(self, conn):
        return h.call(conn, h.MANAGER_PATH, h.MANAGER_IFACE, 'ScanDevices', timeout=20)

    def scan_devices_error(self, conn):
        try:
            self.scan_devices(conn)
        except GLib.Error as e:
            return h.dbus_error_name(e)
        return None

    def test_cached_per_connection_and_dropped(self):
        self.start_daemon()
        first = self.bus.connect()
        self.addCleanup(lambda: first.is_closed() or first.close_sync(None))
        first_name = first.get_unique_name()
        started = time.monotonic()
        self.scan_devices(first)            # polkitd asked: root is authorized

        self.polkit.stop()                  # waits until polkitd left the bus
        # the same connection: answered from the cache (the cache lives 5 s)
        error = self.scan_devices_error(first)
        if error is not None and time.monotonic() - started >= 5:
            self.skipTest('stopping polkitd took longer than the 5 s cache lifetime')
        self.assertIsNone(error, 'the cached authorization was not used')
        # a new connection (same uid) has no entry: the daemon asks polkitd, which is gone
        second = self.bus.connect()
        self.addCleanup(lambda: second.is_closed() or second.close_sync(None))
        self.assertEqual(self.scan_devices_error(second), UNAUTHORIZED)

        # the entry expires: polled calls (no fixed wait) are refused after ~5 s
        h.wait_until(lambda: self.scan_devices_error(first) == UNAUTHORIZED, 15,
                     'the cached authorization to expire', poll=0.25)
        self.assertGreaterEqual(time.monotonic() - started, 4.5)
        self.assertTrue(self.daemon.running())

        # a connection that leaves the bus takes its entries with it: start polkitd
        # again, authorize a third connection, close it, and see the daemon drop it
        self.polkit.start()
        third = self.bus.connect()
        third_name = third.get_unique_name()
        self.scan_devices(third)
        third.close_sync(None)
        self.daemon.wait_for_log(r'[Dd]ropped cached authorizations? .*'
                                 + re.escape(third_name))
        self.assertNotRegex(self.daemon.read_log(),
                            r'[Dd]ropped cached authorizations? .*' + re.escape(first_name)
                            + r'\b')


# A client without rights that calls in a loop, on one connection: it prints
# its bus name, then the error name of each refused ScanDevices.
REFUSED_LOOP = """
import sys
from gi.repository import Gio, GLib
conn = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
print(conn.get_unique_name())
for _ in range(int(sys.argv[2])):
    try:
        conn.call_sync('org.example.Modem1', '/org/example/Modem1', 'org.example.Modem1',
                       'ScanDevices', None, None, Gio.DBusCallFlags.NONE, 10000, None)
        print('allowed')
    except GLib.Error as e:
        print(Gio.DBusError.get_remote_error(e))
"""


class RefusalCacheTest(h.IntegrationTestCase):
    """A refusal is remembered for a second: a client without rights that
    calls in a loop costs polkitd about one check a second, not one a call
    (a busy polkitd answers every caller late, root included)."""

    def test_refusals_asked_once_a_second(self):
        self.start_daemon()
        calls = 200
        started = time.monotonic()
        res = h.run([sys.executable, '-c', REFUSED_LOOP, self.bus.address, str(calls)],
                    user=h.TEST_USER, env=self.bus.env, timeout=60, check=True)
        elapsed = time.monotonic() - started
        sender, *answers = res.stdout.split()
        self.assertEqual(answers, [UNAUTHORIZED] * calls)
        asked = len(re.findall(r'Asking polkit whether ' + re.escape(sender) + r' may ',
                               self.daemon.read_log()))
        self.assertGreaterEqual(asked, 1)
        self.assertLessEqual(asked, int(elapsed) + 1,
                             f'polkitd asked {asked} times for {calls} calls in {elapsed:.1f}s')


# ---------------------------------------------------------------------------
# D-Bus policy (test_core covers: a foreign interface as root, owning as the
# unprivileged user via RequestName, reading Version)

PEER_SCRIPT = r'''
import json, sys
import gi
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio
address = sys.argv[1]
conn = Gio.DBusConnection.new_for_address_sync(
    address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
    Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
out = {}
def attempt(label, dest, path, iface, method):
    # a message of our own: call_sync cannot send one without an interface field
    msg = Gio.DBusMessage.new_method_call(dest, path, iface, method)
    reply, _ = conn.send_message_with_reply_sync(msg, Gio.DBusSendMessageFlags.NONE, 10000,
                                                 None)
    if reply.get_message_type() == Gio.DBusMessageType.ERROR:
        out[label] = reply.get_error_name()
    else:
        out[label] = 'ok'
# a method call without an interface field: no allow rule matches it
attempt('no-interface', 'org.example.Modem1', '/org/example/Modem1', None, 'ScanDevices')
attempt('foreign-interface', 'org.example.Modem1', '/org/example/Modem1',
        'org.example.Modem1.Debug', 'Dump')
attempt('debug-stats', 'org.freedesktop.DBus', '/org/freedesktop/DBus',
        'org.freedesktop.DBus.Debug.Stats', 'GetStats')
attempt('peer-ping', 'org.example.Modem1', '/org/example/Modem1',
        'org.freedesktop.DBus.Peer', 'Ping')
attempt('introspect', 'org.example.Modem1', '/org/example/Modem1',
        'org.freedesktop.DBus.Introspectable', 'Introspect')
attempt('scan-devices', 'org.example.Modem1', '/org/example/Modem1',
        'org.example.Modem1', 'ScanDevices')
# owning the name, or a name that only looks like ours
for name in ('org.example.Modem1', 'org.example.Modem1.Fake'):
    try:
        r = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                           'org.freedesktop.DBus', 'RequestName',
                           GLib.Variant('(su)', (name, 4)), None, 0, 10000, None)
        out['own ' + name] = 'reply %d' % r.unpack()[0]
    except GLib.Error as e:
        out['own ' + name] = Gio.DBusError.get_remote_error(e) or e.message
print(json.dumps(out))
'''


class BusPolicyTest(h.IntegrationTestCase):

    def test_unprivileged_user(self):
        self.start_daemon()
        owner = self.bus.name_owner(h.BUS_NAME)
        res = h.run(['/usr/bin/python3', '-c', PEER_SCRIPT, self.bus.address],
                    user=h.TEST_USER, env=self.bus.env, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        out = json.loads(res.stdout)
        self.assertEqual(out['no-interface'], ACCESS_DENIED)
        self.assertEqual(out['foreign-interface'], ACCESS_DENIED)
        self.assertEqual(out['debug-stats'], ACCESS_DENIED)
        self.assertEqual(out['own org.example.Modem1'], ACCESS_DENIED)
        self.assertEqual(out['own org.example.Modem1.Fake'], ACCESS_DENIED)
        # what is listed gets through; state changes then meet polkit in the daemon
        self.assertEqual(out['peer-ping'], 'ok')
        self.assertEqual(out['introspect'], 'ok')
        self.assertEqual(out['scan-devices'], UNAUTHORIZED)
        self.daemon.wait_for_log(r'Refused org\.example\.Modem1\.ScanDevices .*polkit denied')
        # the name is still the daemon's
        self.assertEqual(self.bus.name_owner(h.BUS_NAME), owner)


# ---------------------------------------------------------------------------
# Input validation against each protocol


def bad_bearer_properties():
    """(label, properties) that must each be refused with InvalidArgs."""
    v = GLib.Variant
    apn = {'apn': v('s', APN)}
    return [
        ('apn with quote CR LF command', {'apn': v('s', 'internet"\r\nAT+CFUN=0')}),
        ('apn with ;+CFUN', {'apn': v('s', 'internet;+CFUN=0')}),
        ('apn too long', {'apn': v('s', 'a' * 101)}),
        ('apn with NUL-free control char', {'apn': v('s', 'inter\x1bnet')}),
        ('user with quote', dict(apn, user=v('s', 'bob"AT+CFUN=0'))),
        ('user with CR LF', dict(apn, user=v('s', 'bob\r\nAT+CFUN=0'))),
        ('password with quote', dict(apn, user=v('s', 'bob'), password=v('s', 'pw"+CFUN=0'))),
        ('password with CR LF', dict(apn, user=v('s', 'bob'),
                                     password=v('s', 'pw\r\nAT+CFUN=0'))),
        ('password with backslash', dict(apn, user=v('s', 'bob'), password=v('s', 'pw\\"'))),
        ('password too long', dict(apn, user=v('s', 'bob'), password=v('s', 'p' * 65))),
        ('ip-type 3', dict(apn, **{'ip-type': v('u', 3)})),
        ('ip-type 99', dict(apn, **{'ip-type': v('u', 99)})),
        ('ip-type as string', dict(apn, **{'ip-type': v('s', 'ipv4')})),
        ('allowed-auth unknown bit', dict(apn, **{'allowed-auth': v('u', 0x40)})),
        ('allowed-auth all bits', dict(apn, **{'allowed-auth': v('u', 0xffffffff)})),
        ('unknown key', dict(apn, **{'apn-type': v('s', 'AT+CFUN=0')})),
        ('number with command', dict(apn, number=v('s', '*99#"\r\nAT+CFUN=0'))),
        ('number with letters', dict(apn, number=v('s', '*99#ATH'))),
        ('number of the wrong type', dict(apn, number=v('u', 99))),
        ('apn of the wrong type', {'apn': v('u', 1)}),
    ]


def bad_simple_properties():
    v = GLib.Variant
    apn = {'apn': v('s', APN)}
    return bad_bearer_properties() + [
        ('operator-id with command', dict(apn, **{'operator-id': v('s', '12345;+CFUN=0')})),
        ('operator-id letters', dict(apn, **{'operator-id': v('s', '2620A')})),
        ('pin with letters', dict(apn, pin=v('s', '12ab'))),
        ('pin of 40 digits', dict(apn, pin=v('s', '1' * 40))),
    ]


class ValidationMixin:
    """With ModemTestCase, for each protocol below."""

    def refused(self, path, iface, method, args, sig):
        """InvalidArgs, and the message does not echo the injected text."""
        msg = self.assertDBusError(INVALID_ARGS, path, iface, method, args, sig)
        self.assertNotIn('CFUN', msg)
        self.assertNotIn('\r', msg)
        return msg

    def assert_nothing_injected(self, mark, what):
        """No request at all since mark (the refused calls are answered by the
        daemon before it queues anything, so there is nothing in flight to wait
        for), nothing injected ever, and no injected text in the daemon's log."""
        self.assert_no_requests(mark, what)
        self.assertFalse([line for line in self.sim.lines if 'CFUN=0' in line])
        self.assertNotIn('CFUN=0', self.daemon.read_log())

    def test_injection(self):
        self.start()
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        retries = dict(self.prop('UnlockRetries'))

        # PIN/PUK while locked: nothing reaches the SIM, no retry is spent
        mark = self.snapshot()
        for method, args, sig in (
                ('SendPin', ('12a4',), '(s)'),
                ('SendPin', ('1' * 40,), '(s)'),
                ('SendPin', ('123',), '(s)'),
                ('SendPin', ('1234"\r\nAT+CFUN=0',), '(s)'),
                ('SendPin', ('',), '(s)'),
                ('SendPuk', ('1234567', PIN), '(ss)'),
                ('SendPuk', ('123456789', PIN), '(ss)'),
                ('SendPuk', (PUK, '12ab'), '(ss)'),
                ('SendPuk', ('1234567a', PIN), '(ss)'),
                ('EnablePin', ('12a4', True), '(sb)'),
                ('ChangePin', (PIN, '1' * 40), '(ss)'),
                ('ChangePin', ('12;4', PIN), '(ss)')):
            with self.subTest(method=method, args=args):
                self.refused(sim, h.SIM_IFACE, method, args, sig)
        self.assert_nothing_injected(mark, 'bad PINs/PUKs')
        self.assertEqual(self.prop('State'), LOCKED)
        self.assertEqual(dict(self.prop('UnlockRetries')), retries)

        self.unlock()
        self.enable_registered()
        bearers = self.prop('Bearers')
        mark = self.snapshot()
        for label, props in bad_simple_properties():
            with self.subTest(call='Simple.Connect', case=label):
                self.refused(self.modem, h.MODEM_SIMPLE_IFACE, 'Connect', (props,), '(a{sv})')
        for label, props in bad_bearer_properties():
            with self.subTest(call='CreateBearer', case=label):
                self.refused(self.modem, h.MODEM_IFACE, 'CreateBearer', (props,), '(a{sv})')
        for op in ('12345;+CFUN=0', '2620', '26201"', '2620\r\n'):
            with self.subTest(call='Register', op=op):
                self.refused(self.modem, h.MODEM_3GPP_IFACE, 'Register', (op,), '(s)')
        for cmd in ('AT\r\nAT+CFUN=0', 'AT+CGMI\rAT+CFUN=0', 'AT\x1a+CFUN=0', '',
                    'A' * 513):
            with self.subTest(call='Command', cmd=cmd[:20]):
                self.refused(self.modem, h.MODEM_IFACE, 'Command', (cmd, 5), '(su)')
        self.assert_nothing_injected(mark, 'injection attempts')
        self.assertEqual(self.prop('State'), REGISTERED)
        self.assertEqual(self.prop('Bearers'), bearers)

        # control: the same path with good values does reach the modem
        mark = self.snapshot()
        bearer = self.simple_connect(user=GLib.Variant('s', USER),
                                     password=GLib.Variant('s', PASSWORD),
                                     **{'allowed-auth': GLib.Variant('u', AUTH_CHAP),
                                        'ip-type': GLib.Variant('u', 1)})
        self.wait_state(CONNECTED)
        self.assertTrue(self.requests_since(mark))
        self.assertTrue(self.prop('Connected', h.BEARER_IFACE, bearer))
        self.assertFalse([line for line in self.sim.lines if 'CFUN=0' in line])


class ValidationQmiTest(ValidationMixin, ModemTestCase):
    protocol = 'qmi'


class ValidationMbimTest(ValidationMixin, ModemTestCase):
    protocol = 'mbim'


class ValidationAtTest(ValidationMixin, ModemTestCase):
    protocol = 'at'


# ---------------------------------------------------------------------------
# Secrets in logs


def hex_forms(text):
    """Ways a wire dump might print a string: plain, and hex (packed or spaced,
    either case; UTF-16LE as MBIM carries strings)."""
    raw = text.encode()
    utf16 = text.encode('utf-16-le')
    forms = {text}
    for b in (raw, utf16):
        forms.add(b.hex())
        forms.add(b.hex().upper())
        forms.add(b.hex(' '))
        forms.add(b.hex(' ').upper())
        forms.add(b.hex(':'))
        forms.add(b.hex(':').upper())
    return forms


class SecretsMixin:
    """PIN, wrong PIN, PUK, new PIN and password go through the daemon with
    --debug; none of them may be in its log in any form.  IMSI/ICCID: masked
    past the first six digits unless --log-personal-info."""

    def exercise(self, personal):
        args = ['--log-personal-info'] if personal else []
        self.start(sim_extra=('--pin-retries=1',), daemon_args=args)
        self.wait_state(LOCKED)
        sim = self.prop('Sim')
        # a wrong PIN blocks the SIM (1 retry): PUK and a new PIN
        self.assertDBusError(h.ERROR_PREFIX + 'MobileEquipment.IncorrectPassword',
                             sim, h.SIM_IFACE, 'SendPin', (WRONG_PIN,), '(s)')
        self.wait_prop('UnlockRequired', lambda v: v == LOCK_SIM_PUK)
        self.call(sim, h.SIM_IFACE, 'SendPuk', (PUK, PIN), '(ss)')
        self.wait_state(DISABLED)
        self.wait_prop('Imsi', lambda v: v == IMSI, iface=h.SIM_IFACE, path=sim)
        self.call(sim, h.SIM_IFACE, 'ChangePin', (PIN, NEW_PIN), '(ss)')
        self.enable_registered()
        mark = self.snapshot()
        bearer = self.simple_connect(user=GLib.Variant('s', USER),
                                     password=GLib.Variant('s', PASSWORD),
                                     **{'allowed-auth': GLib.Variant('u', AUTH_CHAP)})
        self.wait_state(CONNECTED)
        # the password did reach the modem (so its absence from the log means something)
        self.sim.wait_for_line(re.escape(PASSWORD), start=mark)
        # nor is it readable on the bus
        self.assertNotIn('password', self.prop('Properties', h.BEARER_IFACE, bearer))
        self.call(self.modem, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)')
        self.wait_state(REGISTERED)
        self.daemon.stop()
        return self.daemon.read_log()

    def assert_absent(self, log_text, value, what):
        for form in hex_forms(value):
            self.assertNotIn(form, log_text, f'{what} ({form!r}) in the daemon log')

    def test_debug_log_masks_secrets_and_identities(self):
        text = self.exercise(personal=False)
        self.assertRegex(text, r'(?i)debug|\[|>>|<<')     # a --debug log with wire dumps
        for value, what in ((PIN, 'PIN'), (WRONG_PIN, 'wrong PIN'), (NEW_PIN, 'new PIN'),
                            (PUK, 'PUK'), (PASSWORD, 'password'), (IMSI, 'IMSI'),
                            (ICCID, 'ICCID')):
            self.assert_absent(text, value, what)
        # masked forms keep the first six digits at most
        self.assertNotIn(IMSI[:7], text)
        self.assertNotIn(ICCID[:7], text)

    def test_personal_info_switch_shows_identities_never_secrets(self):
        text = self.exercise(personal=True)
        self.assertIn(IMSI, text)
        for value, what in ((PIN, 'PIN'), (WRONG_PIN, 'wrong PIN'), (NEW_PIN, 'new PIN'),
                            (PUK, 'PUK'), (PASSWORD, 'password')):
            self.assert_absent(text, value, what)


class SecretsQmiTest(SecretsMixin, ModemTestCase):
    protocol = 'qmi'


class SecretsMbimTest(SecretsMixin, ModemTestCase):
    protocol = 'mbim'


class SecretsAtTest(SecretsMixin, ModemTestCase):
    protocol = 'at'


if __name__ == '__main__':
    h.main()
