"""Integration test harness for modemd.

Everything runs for real on one machine:

  Bus      a private *system* bus (dbus-daemon with our D-Bus policy file)
  Polkit   the real polkitd on that bus, with our actions installed
  Daemon   modemd on that bus
  Sim      modem-sim, the simulated modem; sim.control (SimControl) sends it
           control commands (network-disconnect, register denied, ...)

Tests need root (polkitd only reads actions from /usr/share/polkit-1/actions,
and only root may own org.example.Modem1); without it they exit 77 (skip).

Every process started here is registered and killed at exit, whatever happens
to the test.  All waits have deadlines; none is a bare sleep.

Environment:
  MODEMD, MODEMCTL, MODEM_SIM   paths of the binaries (set by meson)
  MODEMD_SRCDIR                 source tree (default: two levels up)
  MODEMD_TEST_KEEP=1            keep the temporary directory (logs) after the test
  MODEMD_TEST_TIMEOUT_SCALE     multiply every deadline (slow machines, valgrind)

This module is what tests import (`import harness as h`); the code lives in
harnesslib/, one module a concept:

  api          D-Bus names of modemd, modem states and locks
  config       source tree, deadlines, logging, skipping
  programs     paths of modemd, modemctl, modem-sim, qrtr-bus, polkitd
  processes    every process started is killed at exit; sanitizer options
  mainloop     waiting on the GLib main context, with deadlines
  dbus_calls   calls, properties and signals
  bus          the private system bus
  polkit       polkitd on it
  daemon       modemd on it
  sim          modem-sim and its control socket
  qrtr_bus     a unix QRTR bus
  clients      programs, modemctl and gdbus as root or as another user
  testcase     IntegrationTestCase, ModemTestCase, main()
"""

import sys
import types

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio  # noqa: E402

from harnesslib import (api, bus, clients, config, daemon, dbus_calls,  # noqa: E402
                        mainloop, polkit, processes, programs, qrtr_bus, sim, testcase)
from harnesslib.api import (BEARER_IFACE, BUS_NAME, CONNECTED, CONNECTING,  # noqa: E402
                            DISABLED, ENABLED, ENABLING, ERROR_PREFIX, LOCK_NONE,
                            LOCK_SIM_PIN, LOCK_SIM_PUK, LOCKED, MANAGER_IFACE, MANAGER_PATH,
                            MODEM_3GPP_IFACE, MODEM_IFACE, MODEM_SIGNAL_IFACE,
                            MODEM_SIMPLE_IFACE, REGISTERED, SEARCHING, SIM_IFACE)
from harnesslib.bus import BUS_CONFIG_TEMPLATE, POLKIT_BUS_CONF_CANDIDATES, Bus  # noqa: E402
from harnesslib.clients import (TEST_USER, as_user_argv, ensure_test_user,  # noqa: E402
                                gdbus_call, run, run_modemctl, run_modemctl_json)
from harnesslib.config import (SANITIZER_PATTERNS, SKIP, SRCDIR, TIMEOUT_SCALE,  # noqa: E402
                               log, require_root, scaled, skip)
from harnesslib.daemon import Daemon  # noqa: E402
from harnesslib.dbus_calls import (call, call_error, dbus_error_name,  # noqa: E402
                                   get_all_properties, get_property, modem_paths,
                                   wait_for_property, wait_for_signal)
from harnesslib.mainloop import _iterate_once, iterate_main_context, wait_until  # noqa: E402
from harnesslib.polkit import (POLKIT_ACTIONS_DIR, POLKIT_NAME,  # noqa: E402
                               POLKIT_RULES_DIR, Polkit, _install_file_atomically)
from harnesslib.processes import (_cleanups, _kill_all, _on_signal,  # noqa: E402
                                  _processes, _register, _spawn, add_cleanup,
                                  sanitizer_env, stop_process)
from harnesslib.programs import (POLKITD_CANDIDATES, find_binary,  # noqa: E402
                                 modem_sim_path, modemctl_path, modemd_path,
                                 polkitd_path, qrtr_bus_path)
from harnesslib.qrtr_bus import QrtrBus  # noqa: E402
from harnesslib.sim import Sim, SimControl, SimControlError, _new_control_path  # noqa: E402
from harnesslib.testcase import IntegrationTestCase, ModemTestCase, main  # noqa: E402

# What tests use from here: the names harness.py defined when it held all of
# the code (those of harnesslib/sim.py's counters aside: they are rebound).
__all__ = [
    'GLib', 'Gio',
    # api
    'BUS_NAME', 'MANAGER_PATH', 'MANAGER_IFACE', 'MODEM_IFACE', 'MODEM_3GPP_IFACE',
    'MODEM_SIMPLE_IFACE', 'MODEM_SIGNAL_IFACE', 'SIM_IFACE', 'BEARER_IFACE', 'ERROR_PREFIX',
    'LOCKED', 'DISABLED', 'ENABLING', 'ENABLED', 'SEARCHING', 'REGISTERED', 'CONNECTING',
    'CONNECTED', 'LOCK_NONE', 'LOCK_SIM_PIN', 'LOCK_SIM_PUK',
    # config
    'SKIP', 'SRCDIR', 'TIMEOUT_SCALE', 'SANITIZER_PATTERNS', 'scaled', 'log', 'require_root',
    'skip',
    # programs
    'POLKITD_CANDIDATES', 'find_binary', 'modemd_path', 'modemctl_path', 'modem_sim_path',
    'qrtr_bus_path', 'polkitd_path',
    # processes
    '_processes', '_cleanups', '_register', '_spawn', 'add_cleanup', '_kill_all', '_on_signal',
    'stop_process', 'sanitizer_env',
    # mainloop, dbus_calls
    'iterate_main_context', '_iterate_once', 'wait_until', 'wait_for_signal', 'get_property',
    'get_all_properties', 'wait_for_property', 'modem_paths', 'dbus_error_name', 'call',
    'call_error',
    # bus, polkit, daemon, sim, qrtr_bus
    'POLKIT_BUS_CONF_CANDIDATES', 'BUS_CONFIG_TEMPLATE', 'Bus', 'POLKIT_NAME',
    'POLKIT_ACTIONS_DIR', 'POLKIT_RULES_DIR', '_install_file_atomically', 'Polkit', 'Daemon',
    'SimControlError', 'SimControl', '_new_control_path', 'Sim', 'QrtrBus',
    # clients
    'TEST_USER', 'ensure_test_user', 'as_user_argv', 'run', 'run_modemctl',
    'run_modemctl_json', 'gdbus_call',
    # testcase
    'IntegrationTestCase', 'ModemTestCase', 'main',
]

_PARTS = (api, bus, clients, config, daemon, dbus_calls, mainloop, polkit, processes,
          programs, qrtr_bus, sim, testcase)
_UNBOUND = object()


class _Harness(types.ModuleType):
    """Tests replace harness functions (h.modemd_path = ...) and expect the
    harness's own code to use the replacement, as it did when all of it was
    this one module: an assignment here rebinds the name in every part of
    harnesslib that holds the same object."""

    def __setattr__(self, name, value):
        current = self.__dict__.get(name, _UNBOUND)
        if current is not _UNBOUND:
            for part in _PARTS:
                if part.__dict__.get(name, _UNBOUND) is current:
                    setattr(part, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Harness
