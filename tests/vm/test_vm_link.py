#!/usr/bin/python3
"""vm-link: the rtnetlink links of multiplexed data sessions (src/common/mmd-link.c)
against a kernel that can make some of them: the installed Debian kernel in the test
VM has 8021q and dummy (this machine's kernel has neither), so there a VLAN link over
a dummy device is created, brought up, refused a second time and deleted for real.
rmnet and wwan links stay refused there too (no rmnet, no wwan device): those cases
check the error and that nothing is left behind.

usage: test_vm_link.py BUILD/tests/unit/test-link
Exits 77 (skipped) without qemu-system-x86 or linux-image-amd64.
"""

import os
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vm  # noqa: E402

SKIP_EXIT = 77
TEST_BINARY = None


class LinkInVmTest(unittest.TestCase):

    def test_link_calls_in_vm(self):
        result = vm.run([TEST_BINARY, '--tap'], modules=['8021q', 'dummy numdummies=0'],
                        env={'MMD_LINK_TEST_VLAN': '1'},
                        timeout=float(os.environ.get('MODEMD_VM_TIMEOUT', '240')))
        out = result.stdout.decode(errors='replace')
        print(out, file=sys.stderr)
        print(f'vm: kernel {result.kernel.release}: boot to command '
              f'{result.boot_to_command:.2f} s, total {result.wall_seconds:.2f} s',
              file=sys.stderr)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors='replace'))
        # the VLAN case ran (not skipped) and passed: the link was really made
        self.assertRegex(out, r'(?m)^ok \d+ /link/kernel/vlan$')
        self.assertRegex(out, r'(?m)^ok \d+ /link/kernel/up-down-remove$')
        self.assertNotIn('# SKIP', out)


if __name__ == '__main__':
    TEST_BINARY = os.path.abspath(sys.argv.pop(1))
    reason = vm.unavailable_reason() or vm.hidden_in_guest(TEST_BINARY)
    if reason:
        print(f'SKIP: no test VM here: {reason}', file=sys.stderr)
        sys.exit(SKIP_EXIT)
    unittest.main(verbosity=2)
