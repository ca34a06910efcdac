"""One simulated modem per protocol for the tests of what modems report by
themselves (signal, location, time, cell info): `start_registered(test,
protocol)` starts modem-sim and modemd on the test's bus, enables the modem
and waits until it is registered."""

import os
import tempfile

import harness as h

PROTOCOLS = ('qmi', 'mbim', 'at')
HOME = ('26201', 'Simnet')
# The simulator's serving cell until a "cell" command moves the modem.
DEFAULT_CELL = {'mcc': '262', 'mnc': '01', 'tac': 0x1234, 'ci': 0x01A2B3C4}
# LTE values at start (the simulator's --rsrp/--rsrq/--snr/--rssi)
START_SIGNAL = {'rssi': -65, 'rsrp': -95, 'rsrq': -10, 'snr': 12.0}

PORT_NAMES = {'qmi': 'cdc-wdm0', 'mbim': 'cdc-wdm0', 'at': 'ttyUSB0'}


def sim_args(protocol, link):
    return [f'--protocol={protocol}', f'--link={link}',
            f'--home-operator={HOME[0]}:{HOME[1]}',
            f'--rssi={START_SIGNAL["rssi"]}', f'--rsrp={START_SIGNAL["rsrp"]}',
            f'--rsrq={START_SIGNAL["rsrq"]}', f'--snr={START_SIGNAL["snr"]}']


def start(test, protocol, extra_sim=(), daemon_args=()):
    """Starts the simulator and modemd; returns the modem's path (test.modem)."""
    tmp = tempfile.TemporaryDirectory(prefix=f'modemd-{protocol}-')
    test.addCleanup(tmp.cleanup)
    link = os.path.join(tmp.name, PORT_NAMES[protocol])
    test.sim = test.start_sim(*sim_args(protocol, link), *extra_sim)
    test.start_daemon(f'--port={protocol}:{link},net:wwan0', *daemon_args)
    return test.wait_for_modem()


def start_registered(test, protocol, extra_sim=(), daemon_args=()):
    modem = start(test, protocol, extra_sim, daemon_args)
    test.enable_registered()
    return modem
