#!/usr/bin/python3
"""The fault matrix: on each protocol (QMI, MBIM, AT), at each step of what
the daemon does with a modem (initialize, unlock, enable, register, connect,
connect again at its IP settings request, disconnect), the modem breaks
exactly when the request of that step arrives (modem-sim's `on-request`
trigger):

  vanish   the port goes away (hang-up, the simulator exits)
  silent   the modem reads requests and answers none, until `fault none`
  garbage  a burst of junk bytes arrives, then the answer
  reset    the port goes away and a new simulator comes up on the same link

Each test runs two modems on one daemon, a faulty one and a healthy one, and
asserts what matters to a user: the healthy modem answers quickly while the
other one breaks; the call of the broken step returns within its deadline
(an error when its request went unanswered); the faulty modem ends in a
clear state: gone from the bus with its SIM and bearer objects, FAILED with
a reason, or a stable state from which it unlocks, registers, connects and
disconnects again (after `fault none`; after a reset once ScanDevices has
found the new port), with no data session left up on the modem. The daemon
runs with --command-timeout=1, so that a silent modem is noticed in a
second; it must exit cleanly, without sanitizer reports (the harness checks
its log). Needs root (exits 77 otherwise)."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
from harness import CONNECTED, DISABLED, LOCKED, REGISTERED, GLib, Gio  # noqa: E402

# What the daemon waits for any one answer (--command-timeout).
COMMAND_TIMEOUT = 1
# A broken step's call returns within this (seconds, scaled): a silent modem
# costs the step a few requests of COMMAND_TIMEOUT each, anything else less.
STEP_DEADLINE = 8
# A call on the healthy modem while the other one breaks.
HEALTHY_DEADLINE = 3
# A faulty modem leaves INITIALIZING, ENABLING, ... within this.
SETTLE_DEADLINE = 10

FAILED, INITIALIZING = -1, 1
TRANSITIONAL = (INITIALIZING, 4, 5, 9, 10)  # INITIALIZING, DISABLING, ENABLING, ...
PIN = '1234'

# 'connect-settings' is connect again, broken at its second request, when the
# session is up on the modem and the daemon asks for its IP settings.
STEPS = ('initialize', 'unlock', 'enable', 'register', 'connect', 'connect-settings',
         'disconnect')
# The D-Bus call that does each step (initialize has none), in order.
CALLS = ('unlock', 'enable', 'register', 'connect', 'disconnect')
CALL_OF = {'connect-settings': 'connect'}
FAULTS = ('vanish', 'silent', 'garbage', 'reset')
# modem-sim's trigger for each fault
TRIGGER = {'vanish': 'hangup', 'silent': 'silent', 'garbage': 'burst', 'reset': 'hangup'}

# The request of each step, as modem-sim logs it (words that start words of
# the line; see tests/sim/README.md, "Faults").
REQUESTS = {
    'qmi': {
        'initialize': 'DMS GetIDs',
        'unlock': 'UIM VerifyPIN',
        'enable': 'DMS SetOperatingMode',
        'register': 'NAS InitiateNetworkRegister',
        'connect': 'WDS StartNetwork',
        'connect-settings': 'WDS GetCurrentSettings',
        'disconnect': 'WDS StopNetwork',
    },
    'mbim': {
        'initialize': 'DeviceCaps query',
        'unlock': 'Pin set',
        'enable': 'RadioState set',
        'register': 'RegisterState set',
        'connect': 'Connect set activate',
        'connect-settings': 'IpConfiguration query',
        'disconnect': 'Connect set deactivate',
    },
    'at': {
        'initialize': 'AT+CGMI',
        'unlock': 'AT+CPIN=',
        'enable': 'AT+CFUN=1',
        'register': 'AT+COPS=1',
        'connect': 'AT+CGACT=1',
        'connect-settings': 'AT+CGCONTRDP=1',
        'disconnect': 'AT+CGACT=0',
    },
}


class PendingCall:
    """A method call in flight; its reply is kept when it comes."""

    def __init__(self, conn, path, interface, method, args=None, signature=None, timeout=30):
        self.done = False
        self.error = None
        self.value = None
        self.elapsed = None
        self.what = f'{interface}.{method}'
        self.started = time.monotonic()
        params = GLib.Variant(signature, tuple(args)) if signature else None
        conn.call(h.BUS_NAME, path, interface, method, params, None, Gio.DBusCallFlags.NONE,
                  int(h.scaled(timeout) * 1000), None, self._finish)

    def _finish(self, conn, result):
        try:
            self.value = conn.call_finish(result).unpack()
        except GLib.Error as e:
            self.error = e
        self.elapsed = time.monotonic() - self.started
        self.done = True

    def wait(self, timeout):
        h.wait_until(lambda: self.done, timeout, f'the reply to {self.what}')
        return self


class FaultMatrix(h.ModemTestCase):
    """Two modems on one daemon; the first one (`faulty`) breaks."""

    protocol = None

    def setUp(self):
        super().setUp()
        self.links = {name: os.path.join(self.bus.tmpdir, f'{self.protocol}-{name}')
                      for name in ('faulty', 'healthy')}
        self.nets = {'faulty': 'wwan10', 'healthy': 'wwan11'}

    # ---- modems ----

    def sim_args(self, name, pin):
        args = [f'--protocol={self.protocol}', f'--link={self.links[name]}']
        return args + ([f'--sim-pin={PIN}'] if pin else [])

    def port(self, name):
        return f'{self.protocol}:{self.links[name]},net:{self.nets[name]}'

    def modems_by_port(self):
        """{primary port name: modem path} of the modems on the bus."""
        found = {}
        for path, ifaces in self.managed_objects().items():
            if h.MODEM_IFACE in ifaces:
                found[ifaces[h.MODEM_IFACE]['PrimaryPort']] = path
        return found

    def find_modem(self, name, timeout=20):
        port = os.path.basename(self.links[name])
        return h.wait_until(lambda: self.modems_by_port().get(port), timeout,
                            f'the {name} modem on the bus')

    def faulty_gone(self):
        return os.path.basename(self.links['faulty']) not in self.modems_by_port()

    def state(self, path):
        return h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'State')

    def wait_state_of(self, path, wanted, timeout=20):
        return h.wait_for_property(self.bus.conn, 'State', lambda s: s == wanted,
                                   timeout=timeout, path=path, interface=h.MODEM_IFACE)

    def start(self, step):
        """Both simulators and the daemon; the faulty modem's fault is armed
        before the daemon starts when it breaks its initialization."""
        self.faulty_sim = self.start_sim(*self.sim_args('faulty', step == 'unlock'))
        self.healthy_sim = self.start_sim(*self.sim_args('healthy', False))
        if step == 'initialize':
            self.arm(step)
        self.start_daemon(f'--command-timeout={COMMAND_TIMEOUT}', f'--port={self.port("faulty")}',
                          f'--port={self.port("healthy")}')
        self.healthy = self.find_modem('healthy')
        self.wait_state_of(self.healthy, DISABLED)

    def arm(self, step):
        self.faulty_sim.control.send(
            f'on-request {TRIGGER[self.fault]} {REQUESTS[self.protocol][step]}')

    # ---- the calls, each from the state the one before leaves ----

    def start_call(self, path, call, timeout=STEP_DEADLINE):
        """The D-Bus call `call` (one of CALLS) on the modem at path, in flight."""
        conn = self.bus.conn
        if call == 'unlock':
            sim = h.get_property(conn, path, h.MODEM_IFACE, 'Sim')
            return PendingCall(conn, sim, h.SIM_IFACE, 'SendPin', (PIN,), '(s)', timeout)
        if call == 'enable':
            return PendingCall(conn, path, h.MODEM_IFACE, 'Enable', (True,), '(b)', timeout)
        if call == 'register':
            return PendingCall(conn, path, h.MODEM_3GPP_IFACE, 'Register', ('26201',), '(s)',
                               timeout)
        if call == 'connect':
            return PendingCall(conn, path, h.MODEM_SIMPLE_IFACE, 'Connect',
                               ({'apn': GLib.Variant('s', 'internet')},), '(a{sv})', timeout)
        if call == 'disconnect':
            return PendingCall(conn, path, h.MODEM_SIMPLE_IFACE, 'Disconnect', ('/',), '(o)',
                               timeout)
        raise ValueError(call)

    def run_call(self, path, call):
        """A call that must succeed and leave its state behind."""
        pending = self.start_call(path, call).wait(STEP_DEADLINE + 2)
        if pending.error is not None:
            self.fail(f'{call} failed: {pending.error.message}')
        wanted = {'unlock': DISABLED, 'enable': REGISTERED, 'register': REGISTERED,
                  'connect': CONNECTED, 'disconnect': REGISTERED}[call]
        self.wait_state_of(path, wanted)

    def bring_to(self, path, step):
        """Runs the calls before `step`'s (the PIN only matters to unlock)."""
        call = CALL_OF.get(step, step)
        self.wait_state_of(path, LOCKED if call == 'unlock' else DISABLED)
        for before in CALLS[1:CALLS.index(call)]:
            self.run_call(path, before)

    # ---- what must hold after a fault ----

    def check_healthy(self, first):
        """A call on the healthy modem that reaches its modem answers quickly."""
        started = time.monotonic()
        if first:
            self.call(self.healthy, h.MODEM_IFACE, 'Enable', (True,), '(b)',
                      timeout=HEALTHY_DEADLINE)
        else:
            self.call(self.healthy, h.MODEM_3GPP_IFACE, 'Register', ('26201',), '(s)',
                      timeout=HEALTHY_DEADLINE)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, h.scaled(HEALTHY_DEADLINE),
                        f'the healthy modem took {elapsed:.2f}s')

    def objects_of(self, path):
        """The modem's SIM and bearer objects."""
        sim = h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'Sim')
        bearers = h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'Bearers')
        return [p for p in [sim] + list(bearers) if p != '/']

    def assert_objects_gone(self, paths):
        for path in paths:
            with self.assertRaises(GLib.Error, msg=f'{path} outlived its modem'):
                h.get_all_properties(self.bus.conn, path, 'org.freedesktop.DBus.Properties')

    def settle(self, path):
        """Gone, or out of every transitional state; returns the state (None: gone)."""
        box = []

        def settled():
            if self.faulty_gone():
                box.append(None)
                return True
            try:
                state = self.state(path)
            except GLib.Error:
                return False
            if state in TRANSITIONAL:
                return False
            box.append(state)
            return True

        h.wait_until(settled, SETTLE_DEADLINE, 'the faulty modem to settle or go')
        state = box[0]
        if state == FAILED:
            reason = h.get_property(self.bus.conn, path, h.MODEM_IFACE, 'StateFailedReason')
            self.assertNotEqual(reason, 0, 'FAILED without a reason')
        return state

    def assert_usable(self, path, sim):
        """From whatever stable state the fault left, the modem unlocks,
        registers, connects and disconnects, and no data session is left up
        on the modem (one the daemon forgot, or could not end)."""
        if self.state(path) == CONNECTED:
            self.run_call(path, 'disconnect')
        settings = {'apn': GLib.Variant('s', 'internet'),
                    'operator-id': GLib.Variant('s', '26201')}
        if self.state(path) == LOCKED:
            settings['pin'] = GLib.Variant('s', PIN)
        self.call(path, h.MODEM_SIMPLE_IFACE, 'Connect', (settings,), '(a{sv})',
                  reply_type='(o)', timeout=STEP_DEADLINE)
        self.wait_state_of(path, CONNECTED)
        self.run_call(path, 'disconnect')
        # The simulator logs a session's end before it answers the request;
        # its log reaches us a little later than the answer.
        h.wait_until(lambda: self.sessions_up(sim) == 0, 5, 'no data session up on the modem')

    @staticmethod
    def sessions_up(sim):
        ups = sum('event: session up ' in line for line in sim.lines)
        downs = sum('event: session down ' in line or 'event: network disconnected' in line
                    for line in sim.lines)
        return ups - downs

    def reset(self, step):
        """The faulty modem's simulator comes up again on the same link;
        ScanDevices finds the port; the modem is usable again."""
        self.faulty_sim.proc.wait(timeout=h.scaled(10))
        self.faulty_sim = self.start_sim(*self.sim_args('faulty', step == 'unlock'))
        self.call(h.MANAGER_PATH, h.MANAGER_IFACE, 'ScanDevices')
        path = self.find_modem('faulty')
        self.settle(path)
        self.assert_usable(path, self.faulty_sim)

    # ---- the test ----

    def break_initialization(self):
        """The fault fired while the daemon initialized the faulty modem; its
        path once it left INITIALIZING, or None once it is gone (a modem is
        on the bus only after INITIALIZING)."""
        self.faulty_sim.wait_for_line(r'^sim: fault: ', timeout=10)
        self.check_healthy(first=True)
        port = os.path.basename(self.links['faulty'])

        def done():
            path = self.modems_by_port().get(port)
            if path is not None:
                return path
            return 'gone' if 'modem gone' in self.daemon.read_log() else None

        path = h.wait_until(done, SETTLE_DEADLINE, 'the faulty modem to initialize or go')
        return (None, []) if path == 'gone' else (path, [])

    def break_step(self, step):
        """The faulty modem brought to `step`, broken at its request while
        the healthy one is used; the call of the step, answered."""
        path = self.find_modem('faulty')
        self.bring_to(path, step)
        owned = self.objects_of(path)
        self.arm(step)
        call = self.start_call(path, CALL_OF.get(step, step))
        self.faulty_sim.wait_for_line(r'^sim: fault: ', timeout=10)
        self.check_healthy(first=True)
        call.wait(STEP_DEADLINE)
        self.assertLess(call.elapsed, h.scaled(STEP_DEADLINE))
        return path, owned, call

    def run_fault(self, step, fault):
        self.fault = fault
        self.start(step)
        call = None
        if step == 'initialize':
            path, owned = self.break_initialization()
        else:
            path, owned, call = self.break_step(step)
        state = self.settle(path) if path else None
        h.log(f'outcome {self.protocol} {step} {fault}: {self.describe(call)}; '
              f'faulty modem: {"gone" if state is None else f"state {state}"}')
        if fault in ('vanish', 'reset'):
            self.assertIsNone(state, 'the modem whose port vanished is still on the bus')
            self.assert_objects_gone(owned)
        # The step's own request unanswered: its call fails. (After a session
        # is up, a daemon may fall back to DHCP when the settings do not come.)
        if call is not None and fault != 'garbage' and step != 'connect-settings':
            self.assertIsNotNone(call.error, f'{step} succeeded without an answer')
        if fault == 'silent':
            self.faulty_sim.control.send('fault none')
        if fault == 'reset':
            self.reset(step)
        elif state is not None and state != FAILED:
            self.assert_usable(path, self.faulty_sim)
        self.check_healthy(first=False)

    @staticmethod
    def describe(call):
        if call is None:
            return 'no call'
        if call.error is None:
            return f'success in {call.elapsed:.2f}s'
        return f'{h.dbus_error_name(call.error)} in {call.elapsed:.2f}s ({call.error.message})'


def _add_tests(cls):
    for step in STEPS:
        for fault in FAULTS:
            def test(self, step=step, fault=fault):
                self.run_fault(step, fault)
            test.__name__ = f'test_{step.replace("-", "_")}_{fault}'
            test.__doc__ = f'{cls.protocol}: {fault} at {step}'
            setattr(cls, test.__name__, test)
    return cls


@_add_tests
class QmiFaults(FaultMatrix):
    protocol = 'qmi'


@_add_tests
class MbimFaults(FaultMatrix):
    protocol = 'mbim'


@_add_tests
class AtFaults(FaultMatrix):
    protocol = 'at'


class CommandTimeoutOption(h.IntegrationTestCase):
    with_polkit = False

    def test_out_of_range(self):
        for bad in ('-1', '601', 'soon'):
            proc = h.run([h.modemd_path(), f'--command-timeout={bad}'], env=self.bus.env,
                         timeout=10)
            self.assertNotEqual(proc.returncode, 0, bad)
            self.assertIn('command-timeout', proc.stderr, bad)
            self.assertIsNone(self.bus.name_owner(h.BUS_NAME), bad)


if __name__ == '__main__':
    h.main()
