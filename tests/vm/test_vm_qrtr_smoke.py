#!/usr/bin/python3
"""vm-qrtr-smoke: AF_QIPCRTR and the kernel's QRTR name service, in a VM
booting the installed Debian kernel (this machine's kernel has no QRTR).

One boot runs qrtr_check.py in the guest; the tests below judge its report.
Exits 77 (skipped) without qemu-system-x86 or linux-image-amd64.
"""

import json
import os
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import qrtr_check  # noqa: E402  (constants shared with the guest side)
import vm  # noqa: E402

SKIP_EXIT = 77


def boot_and_check():
    # The script travels in the share: the checkout may live under /tmp,
    # which the guest's own /tmp hides.
    share_script = 'qrtr_check.py'
    result = vm.run(['/usr/bin/python3', share_script], modules=['qrtr'],
                    files={share_script: (HERE / share_script).read_bytes()},
                    cwd=vm.SHARE, timeout=float(os.environ.get('MODEMD_VM_TIMEOUT', '240')))
    print(f'vm: kernel {result.kernel.release}: boot to command {result.boot_to_command:.2f} s, '
          f'command {result.command_seconds:.2f} s, total {result.wall_seconds:.2f} s',
          file=sys.stderr)
    if result.returncode != 0:
        raise AssertionError(f'qrtr_check.py exited {result.returncode}:\n'
                             f'{result.stderr.decode(errors="replace")}')
    report = json.loads(result.stdout)
    print(json.dumps(report, indent=1), file=sys.stderr)
    return report


class QrtrSmokeTest(unittest.TestCase):
    report = None

    @classmethod
    def setUpClass(cls):
        cls.report = boot_and_check()

    def test_no_error(self):
        self.assertNotIn('error', self.report, self.report.get('error'))

    def test_socket_on_local_node(self):
        sock = self.report['socket']
        self.assertNotIn(sock['node'], (0, qrtr_check.QRTR_NODE_BCAST))
        # Ports picked by bind(port 0) come from the ephemeral range.
        self.assertGreaterEqual(sock['port'], 0x4000)

    def test_name_service_answers_lookup(self):
        found = self.report['lookup_all']
        # A fresh VM has no services; the list still ends with the all-zero
        # NEW_SERVER, sent by the in-kernel name service on the control port.
        self.assertTrue(found['terminated'])
        self.assertEqual(found['servers'], [])
        node = self.report['socket']['node']
        self.assertEqual(found['senders'], [[node, qrtr_check.QRTR_PORT_CTRL]])

    def test_local_service_found_reached_and_withdrawn(self):
        local = self.report['local_service']
        node, port = local['server']
        expected = {'service': qrtr_check.LOCAL_SERVICE, 'instance': qrtr_check.LOCAL_INSTANCE,
                    'node': node, 'port': port}
        self.assertEqual(local['announced'], expected)
        self.assertEqual(local['lookup'], {'servers': [expected], 'terminated': True})
        self.assertEqual(local['data'], {'server_got': 'ping', 'from_client': True,
                                         'client_got': 'pong:ping', 'from_server': True})
        self.assertEqual(local['withdrawn'], expected)

    def test_qrtr_tun_remote_node(self):
        tun = self.report['qrtr_tun']
        if not tun['device']:
            self.skipTest(f'no /dev/qrtr-tun in kernel {self.report["kernel"]} '
                          f'(CONFIG_QRTR_TUN unset): {tun["modprobe_error"]}')
        expected = {'service': qrtr_check.REMOTE_SERVICE, 'instance': qrtr_check.REMOTE_INSTANCE,
                    'node': qrtr_check.REMOTE_NODE, 'port': qrtr_check.REMOTE_PORT}
        self.assertEqual(tun['announced'], expected)
        self.assertEqual(tun['lookup'], {'servers': [expected], 'terminated': True})
        self.assertEqual(tun['data'], {
            'tun_got': 'ping', 'tun_dst': [qrtr_check.REMOTE_NODE, qrtr_check.REMOTE_PORT],
            'from_client': True, 'client_got': 'pong:ping', 'from_remote': True})


if __name__ == '__main__':
    reason = vm.unavailable_reason()
    if reason:
        print(f'SKIP: no test VM here: {reason}', file=sys.stderr)
        sys.exit(SKIP_EXIT)
    unittest.main(verbosity=2)
