#!/usr/bin/python3
"""Real NetworkManager brings a gsm connection up through modemd --compat.

On the harness's private system bus (our policy, NetworkManager's, real
polkitd): modem-sim, modemd --compat --port=PROTO:LINK,net:wwan0, and
NetworkManager (Debian's) in a private network and mount namespace where a
tun device named wwan0, held open by the test, plays the modem's data
interface (nmtestbed.py, netns.py). modemd and the simulator stay outside:
modemd configures no IP itself and reaches NetworkManager over the bus,
whose socket is a path both sides see; only NetworkManager needs the data
interface.

Each test asserts what a user of NetworkManager sees: the profile activates
on the first attempt, wwan0 carries the bearer's address, prefix, default
route and MTU, `nmcli connection down` disconnects the bearer on the modem,
NetworkManager logs no warning about the modem, and nothing of the test is
left running afterwards.
"""

import json
import os
import re

import harness as h
import netns
import nmtestbed as nt

# The bearer's IPv4 settings as the simulated network hands them out
# (documentation addresses: only ever configured on the namespace's tun).
ADDRESS, PREFIX, GATEWAY, DNS, MTU = '198.51.100.34', 29, '198.51.100.33', '198.51.100.53', 1430
ADDRESS6, PREFIX6, GATEWAY6 = '2001:db8:7::2', 64, '2001:db8:7::1'
SIM_NETWORK = (f'--ip4={ADDRESS}/{PREFIX}', f'--gateway4={GATEWAY}', f'--dns4={DNS}',
               f'--mtu={MTU}', f'--ip6={ADDRESS6}/{PREFIX6}', f'--gateway6={GATEWAY6}')
PIN = '4711'
DATA_IFACE = 'wwan0'

# NetworkManager warnings that are not about the modem: there is no
# nm-dispatcher service on the private bus.
UNRELATED_WARNINGS = (r'dispatcher: \(\d+\) failed',)
# Without systemd, NetworkManager asks the bus to start a vanished
# ModemManager (D-Bus activation); the test's bus has no service files.
NO_ACTIVATION_WARNING = r'modem-manager: error poking ModemManager: .*ServiceUnknown'
# NetworkManager 1.42 logs this for every modem that appears locked, before it
# asks for the PIN (nm-modem.c, nm_modem_set_mm_enabled); ModemManager gets it
# too.
LOCKED_WARNING = r'modem\["[^"]+"\]: cannot enable/disable modem: locked'


class NetworkManagerTest(h.ModemTestCase):
    bus_extra_conf = (nt.NM_BUS_CONF,) if nt.NM_BUS_CONF else ()

    def start_stack(self, protocol='qmi', pin=None, profile_pin=None, nm_first=False,
                    ipv6='ignore'):
        """modem-sim, modemd --compat and NetworkManager with one gsm profile
        (apn internet, autoconnect); NetworkManager once the modem waits for
        it, or, with nm_first, before modemd (the usual boot order)."""
        self.profile = dict(pin=profile_pin, ipv6=ipv6)
        if nm_first:
            self.start_networkmanager()
        link = os.path.join(self.bus.tmpdir, 'cdc-wdm0')
        sim_args = [f'--protocol={protocol}', f'--link={link}', *SIM_NETWORK]
        if pin:
            sim_args.append(f'--sim-pin={pin}')
        self.sim = self.start_sim(*sim_args)
        self.daemon_args = ('--compat', f'--port={protocol}:{link},net:{DATA_IFACE}')
        self.start_daemon(*self.daemon_args)
        if nm_first:
            self.addCleanup(self.nm.stop)  # before modemd, as when started after it
        self.wait_for_modem()
        if not nm_first:
            self.wait_state(h.LOCKED if pin else h.DISABLED)
            self.start_networkmanager()

    def start_networkmanager(self):
        self.assertNotIn(DATA_IFACE, host_links(), 'the host must never see the tun device')
        self.ns = netns.NetNamespace(tun_names=[DATA_IFACE], hidden_dirs=nt.HIDDEN_DIRS)
        self.ns.start(h._spawn)
        self.addCleanup(self.assert_nothing_left, self.ns.inodes)
        self.addCleanup(self.ns.stop)

        self.nm = nt.NetworkManager(self.bus, self.ns)
        text, self.profile_uuid = nt.gsm_profile(**self.profile)
        self.nm.add_profile(text, 'gsm')
        self.nm.start()
        self.addCleanup(self.nm.stop)
        self._watch_log('NetworkManager', self.nm.log_path)
        self.nm.wait_name()

    def wait_activated(self, timeout=30):
        device = h.wait_until(self.nm.modem_device, timeout, 'NetworkManager modem device')
        h.wait_until(lambda: self.nm.device_prop(device, 'State') == nt.DEVICE_ACTIVATED,
                     timeout, 'the gsm device activated')
        return device

    # -- what NetworkManager did

    def assert_first_attempt(self):
        started = self.nm.log_lines(r"Activation: starting connection 'gsm'")
        self.assertEqual(len(started), 1, f'activations started: {started}')
        launches = self.nm.log_lines(r'launching connection with ip type')
        self.assertEqual(len(launches), 1, f'connection launches: {launches}')
        self.assertIn('(try 1)', launches[0])
        failed = self.nm.log_lines(r'device \(cdc-wdm0\): state change: .* -> failed')
        self.assertEqual(failed, [])

    def assert_no_modem_warning(self, allowed=(), start=0, end=None):
        """No warning in NetworkManager's log (lines start to end) but the
        allowed ones."""
        allowed = [*UNRELATED_WARNINGS, *allowed]
        lines = self.nm.read_log().splitlines()[start:end]
        warnings = [line for line in lines if re.match(r'<(warn|error)>', line)
                    and not any(re.search(p, line) for p in allowed)]
        self.assertEqual(warnings, [], 'NetworkManager warned')

    def assert_bearer_ip_on_data_iface(self):
        link = json.loads(self.ns.run(['ip', '-j', 'link', 'show', 'dev', DATA_IFACE]).stdout)[0]
        self.assertEqual(link['mtu'], MTU)
        self.assertIn('UP', link['flags'])
        addrs = json.loads(self.ns.run(['ip', '-j', '-4', 'addr', 'show', 'dev',
                                        DATA_IFACE]).stdout)[0]['addr_info']
        self.assertEqual([(a['local'], a['prefixlen']) for a in addrs], [(ADDRESS, PREFIX)])
        routes = json.loads(self.ns.run(['ip', '-j', '-4', 'route', 'show', 'default']).stdout)
        self.assertEqual([(r['gateway'], r['dev']) for r in routes], [(GATEWAY, DATA_IFACE)])
        shown = self.nm.nmcli('-f', 'IP4.DNS', 'device', 'show', 'cdc-wdm0')
        self.assertIn(DNS, shown)

    def connected_bearer(self):
        bearers = self.prop('Bearers')
        connected = [b for b in bearers
                     if h.get_property(self.bus.conn, b, h.BEARER_IFACE, 'Connected')]
        self.assertEqual(len(connected), 1, f'bearers {bearers}')
        bearer = connected[0]
        self.assertEqual(h.get_property(self.bus.conn, bearer, h.BEARER_IFACE, 'Interface'),
                         DATA_IFACE)
        return bearer

    def disconnect_with_nmcli(self, bearer):
        mark = len(self.sim.lines)
        self.wait_bearer_disconnected(
            bearer, lambda: self.nm.nmcli('connection', 'down', self.profile_uuid))
        self.sim.wait_for_line(r'event: session down', start=mark)
        self.assertEqual(h.get_property(self.bus.conn, bearer, h.BEARER_IFACE, 'Connected'),
                         False)
        self.wait_prop('State', lambda s: s == h.REGISTERED)
        addrs = json.loads(self.ns.run(['ip', '-j', '-4', 'addr', 'show', 'dev',
                                        DATA_IFACE]).stdout)
        self.assertEqual([a for entry in addrs for a in entry.get('addr_info', [])], [],
                         'the bearer address stayed on wwan0')

    def assert_nothing_left(self, inodes):
        left = netns.pids_in(inodes)
        self.assertEqual(left, [], 'processes left in the test namespace')
        self.assertNotIn(DATA_IFACE, host_links())

    # -- the tests

    def check_activation(self, allowed_warnings=()):
        self.wait_activated()
        self.assert_first_attempt()
        self.assert_bearer_ip_on_data_iface()
        bearer = self.connected_bearer()
        self.disconnect_with_nmcli(bearer)
        self.assert_no_modem_warning(allowed_warnings)

    def test_qmi_activates_on_first_attempt(self):
        self.start_stack('qmi')
        self.check_activation()

    def test_mbim_activates_on_first_attempt(self):
        self.start_stack('mbim')
        self.check_activation()

    def test_dual_stack_profile(self):
        """The profile `nmcli connection add type gsm` makes (IPv6 auto):
        one bearer for both families, both configured on wwan0."""
        self.start_stack('qmi', ipv6='auto')
        self.wait_activated()
        self.assert_first_attempt()
        self.assertIn("ip type 'ipv4v6'", self.nm.log_lines(r'launching connection')[0])
        self.assert_bearer_ip_on_data_iface()
        addrs = json.loads(self.ns.run(['ip', '-j', '-6', 'addr', 'show', 'dev', DATA_IFACE,
                                        'scope', 'global']).stdout)[0]['addr_info']
        self.assertEqual([(a['local'], a['prefixlen']) for a in addrs], [(ADDRESS6, PREFIX6)])
        routes = json.loads(self.ns.run(['ip', '-j', '-6', 'route', 'show', 'default']).stdout)
        self.assertEqual([(r['gateway'], r['dev']) for r in routes], [(GATEWAY6, DATA_IFACE)])
        self.disconnect_with_nmcli(self.connected_bearer())
        self.assert_no_modem_warning()

    def test_pin_locked_sim_with_pin_in_profile(self):
        self.start_stack('qmi', pin=PIN, profile_pin=PIN)
        self.check_activation(allowed_warnings=(LOCKED_WARNING,))
        self.assertEqual(len(self.nm.log_lines(LOCKED_WARNING)), 1)
        self.sim.wait_for_line(rf'rx qmi .*VerifyPIN .*pin={PIN}\b')
        self.assertEqual(self.prop('UnlockRequired'), h.LOCK_NONE)

    def test_wrong_pin_in_profile(self):
        """The reference's error name for a wrong PIN is what NetworkManager
        turns into 'sim-pin-incorrect', after one attempt."""
        self.start_stack('qmi', pin=PIN, profile_pin='0000')
        h.wait_until(lambda: self.nm.log_lines(r"device \(cdc-wdm0\): state change: \S+ -> "
                                               r"failed \(reason 'sim-pin-incorrect'"),
                     30, 'the activation to fail with sim-pin-incorrect')
        self.assertEqual(self.prop('UnlockRequired'), h.LOCK_SIM_PIN)
        self.assertEqual(self.prop('UnlockRetries').get(h.LOCK_SIM_PIN), 2)
        tries = [line for line in self.sim.lines if re.search(r'rx qmi .*VerifyPIN', line)]
        self.assertEqual(len(tries), 1, tries)

    def test_networkmanager_started_before_modemd(self):
        self.start_stack('qmi', nm_first=True)
        self.check_activation(allowed_warnings=(NO_ACTIVATION_WARNING,))

    def test_modemd_restarts_under_networkmanager(self):
        """modemd stops while connected and comes back (an upgrade, a crash):
        NetworkManager drops the modem and activates the new one."""
        self.start_stack('qmi')
        self.wait_activated()
        stopping = self.nm.log_length()
        self.daemon.stop()
        h.wait_until(lambda: self.nm.modem_device() is None, 20,
                     'NetworkManager to drop the modem')
        self.start_daemon(*self.daemon_args)
        self.wait_for_modem()
        self.wait_activated()
        started = self.nm.log_lines(r"Activation: starting connection 'gsm'")
        self.assertEqual(len(started), 2, f'activations started: {started}')
        self.assertEqual(self.nm.log_lines(r'\(try [2-9]\)'), [])
        self.assert_bearer_ip_on_data_iface()
        self.disconnect_with_nmcli(self.connected_bearer())
        # In between, NetworkManager asks the modem it saw removed to
        # disconnect; the answer, if the stopping daemon still gives one, is
        # that the object is gone. Its replies come before its name goes, so
        # NetworkManager has logged all that once it sees the new owner.
        lines = self.nm.read_log().splitlines()
        back = max(i for i, line in enumerate(lines) if 'ModemManager now available' in line)
        self.assertGreater(back, stopping)
        self.assert_no_modem_warning(end=stopping)
        self.assert_no_modem_warning(start=back)


def host_links():
    """Names of the network interfaces of the host's namespace."""
    return [link['ifname'] for link in json.loads(h.run(['ip', '-j', 'link', 'show'],
                                                         check=True).stdout)]


if __name__ == '__main__':
    reason = nt.missing()
    if reason:
        h.skip(reason)
    h.main()
