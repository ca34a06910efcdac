#!/usr/bin/python3
"""vm-qrtr-modem: modemd and a SoC modem on the real kernel's QRTR, in the
test VM (this machine's kernel has no AF_QIPCRTR).  One boot runs
qrtr_modem_guest.py: the simulator publishes its QMI services on the guest's
local node, modemd (that node declared with --port=qrtr:NODE) reaches and
drives the modem through the kernel's name service, and real qmicli
(qrtr://NODE) checks the same services as an independent peer.  The tests below judge the guest's report.

The guest runs the daemon built without polkit (tests/run-all.sh builds it in
build-router and exports MODEMD_NOUDEV): root may do everything there, and no
polkitd has to start under instruction emulation.

Exits 77 (skipped) without qemu-system-x86 or linux-image-amd64, or without
that daemon.
"""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRCDIR = Path(os.environ.get('MODEMD_SRCDIR', HERE.parents[1]))
sys.path.insert(0, str(HERE))

import vm  # noqa: E402

SKIP_EXIT = 77
GUEST = 'qrtr_modem_guest.py'
PIN = '2580'
IMEI = '356938035643809'


def daemon_without_polkit():
    """The polkit-less daemon, or why there is none to use."""
    path = os.environ.get('MODEMD_NOUDEV') or str(SRCDIR / 'build-router/src/daemon/modemd')
    if not os.access(path, os.X_OK):
        return None, f'no modemd built with -Dpolkit=disabled at {path} (set MODEMD_NOUDEV)'
    usage = subprocess.run([path, '--help'], capture_output=True, text=True).stdout
    if 'qrtr' not in usage:
        return None, f'{path} was built without QRTR (-Dqrtr) or before it: rebuild it'
    return path, None


def boot(modemd):
    env = {
        'MODEMD_SRCDIR': str(SRCDIR),
        'MODEMD': modemd,
        'MODEMCTL': os.environ['MODEMCTL'],
        'MODEM_SIM': os.environ['MODEM_SIM'],
        # one emulated CPU: every deadline of the harness stretched
        'MODEMD_TEST_TIMEOUT_SCALE': '4',
    }
    result = vm.run(['/usr/bin/python3', GUEST], modules=['qrtr'], env=env,
                    files={GUEST: (HERE / GUEST).read_bytes()}, cwd=vm.SHARE,
                    timeout=float(os.environ.get('MODEMD_VM_TIMEOUT', '280')))
    print(f'vm: kernel {result.kernel.release}: boot to command {result.boot_to_command:.2f} s, '
          f'command {result.command_seconds:.2f} s, total {result.wall_seconds:.2f} s',
          file=sys.stderr)
    if result.returncode != 0:
        raise AssertionError(f'{GUEST} exited {result.returncode}:\n'
                             f'{result.stderr.decode(errors="replace")[-12000:]}')
    report = json.loads(result.stdout.decode().strip().splitlines()[-1])
    report['vm'] = {'boot_to_command': round(result.boot_to_command, 2),
                    'command_seconds': round(result.command_seconds, 2),
                    'wall_seconds': round(result.wall_seconds, 2)}
    print(json.dumps(report, indent=1), file=sys.stderr)
    return report


class QrtrModemInVmTest(unittest.TestCase):
    report = None

    @classmethod
    def setUpClass(cls):
        cls.report = boot(MODEMD)

    def test_reached_through_the_kernels_name_service(self):
        r = self.report
        for service in ('DMS', 'NAS', 'WDS', 'UIM'):
            self.assertIn(service, r['sim_servers'])
        name = f'qrtr{r["node"]}'
        self.assertEqual(r['modem']['Device'], name)
        self.assertEqual(r['modem']['PrimaryPort'], name)
        self.assertEqual(r['modem']['Ports'], [[name, 6]])
        self.assertEqual(r['modem']['Plugin'], 'qmi')
        self.assertEqual(r['modem']['EquipmentIdentifier'], IMEI)
        self.assertEqual(r['modemctl'], {'device': name, 'primary-port': name,
                                         'ports': [f'{name} (qmi)']})

    def test_session(self):
        r = self.report
        self.assertEqual(r['operator'], 'Vm Net')
        self.assertEqual(r['ip4'], '198.18.0.7')
        self.assertEqual(r['interface'], '')  # no IPA device in the VM
        self.assertFalse(r['daemon_log_has_pin'])

    def test_qmicli_peer(self):
        q = self.report['qmicli']
        for name, res in q.items():
            self.assertEqual(res['rc'], 0, f'qmicli {name}: {res["err"]}')
        self.assertIn("Manufacturer: 'modemd'", q['manufacturer']['out'])
        self.assertIn(f"IMEI: '{IMEI}'", q['ids']['out'])
        self.assertIn("Registration state: 'registered'", q['serving_system']['out'])
        self.assertIn("Card state: 'present'", q['card_status']['out'])
        self.assertIn("Connection status: 'disconnected'", q['packet_service']['out'])
        # qmicli's and the daemon's sockets closing made the name service tell
        # every server DEL_CLIENT; none of it was taken for QMI
        self.assertGreater(self.report['sim_ignored_control'], 0)

    def test_services_gone_modem_gone(self):
        self.assertEqual(self.report['modems_after_unplug'], [])


MODEMD = None

if __name__ == '__main__':
    reason = vm.unavailable_reason()
    MODEMD, why = daemon_without_polkit()
    reason = reason or why or vm.hidden_in_guest(MODEMD, os.path.dirname(__file__))
    if reason:
        print(f'SKIP: {reason}', file=sys.stderr)
        sys.exit(SKIP_EXIT)
    unittest.main(verbosity=2)
