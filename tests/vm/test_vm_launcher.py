#!/usr/bin/python3
"""vm-launcher: the pieces of the test VM launcher (module dependency order,
the initramfs archive, the PVH kernel extraction) on the host, and what a
command in the guest can count on, in one boot.

The boot is skipped without qemu-system-x86 or linux-image-amd64; the host
checks run everywhere.
"""

import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from unittest import mock
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import initramfs  # noqa: E402
import kernel_image  # noqa: E402
import vm  # noqa: E402


class ModuleTreeTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix='modemd-vm-test-'))
        self.addCleanup(shutil.rmtree, self.dir)
        (self.dir / 'modules.dep').write_text(
            'kernel/a/top.ko.xz: kernel/b/mid.ko kernel/c/base-core.ko\n'
            'kernel/b/mid.ko: kernel/c/base-core.ko\n'
            'kernel/c/base-core.ko:\n'
            'kernel/d/other.ko: kernel/c/base-core.ko\n')
        (self.dir / 'modules.builtin').write_text('kernel/e/inside.ko\n')
        self.tree = initramfs.ModuleTree(self.dir)

    def test_dependencies_come_first_and_once(self):
        self.assertEqual(self.tree.resolve(['top', 'other']),
                         ['kernel/c/base-core.ko', 'kernel/b/mid.ko', 'kernel/a/top.ko.xz',
                          'kernel/d/other.ko'])

    def test_dash_and_underscore_are_one_name(self):
        self.assertEqual(self.tree.resolve(['base_core']), ['kernel/c/base-core.ko'])
        self.assertEqual(self.tree.resolve(['base-core']), ['kernel/c/base-core.ko'])

    def test_builtin_modules_need_no_file(self):
        self.assertEqual(self.tree.resolve(['inside']), [])

    def test_unknown_module_is_an_error(self):
        with self.assertRaisesRegex(initramfs.InitramfsError, "'nosuch'"):
            self.tree.resolve(['nosuch'])

    def test_compressed_module_is_decompressed(self):
        (self.dir / 'kernel/a').mkdir(parents=True)
        (self.dir / 'kernel/a/top.ko.xz').write_bytes(lzma.compress(b'\x7fELF module'))
        self.assertEqual(self.tree.read_uncompressed('kernel/a/top.ko.xz'), b'\x7fELF module')

    def test_module_specs(self):
        self.assertEqual(initramfs.parse_module_specs(['qrtr-tun', ' dummy numdummies=2 ']),
                         (['qrtr_tun', 'dummy'], {'dummy': 'numdummies=2'}))


@unittest.skipUnless(shutil.which('cpio'), 'cpio not installed')
class NewcArchiveTest(unittest.TestCase):
    def test_cpio_reads_what_we_write(self):
        workdir = Path(tempfile.mkdtemp(prefix='modemd-vm-test-'))
        self.addCleanup(shutil.rmtree, workdir)
        archive = initramfs.NewcArchive()
        archive.add_dir('dir')
        archive.add_file('dir/odd-size', b'12345', mode=0o755)
        archive.add_char_device('console', 5, 1)
        archive.write(workdir / 'a.cpio')
        listing = subprocess.run(['cpio', '-itv', '-F', str(workdir / 'a.cpio')],
                                 capture_output=True, text=True, check=True).stdout.splitlines()
        self.assertEqual([line.split()[-1] for line in listing], ['dir', 'dir/odd-size', 'console'])
        self.assertTrue(listing[0].startswith('drwxr-xr-x'))
        self.assertTrue(listing[1].startswith('-rwxr-xr-x'))
        self.assertIn(' 5 ', listing[1])
        self.assertTrue(listing[2].startswith('crw-------'))
        extract = workdir / 'out'
        extract.mkdir()
        subprocess.run(['cpio', '-id', '--quiet', '-F', str(workdir / 'a.cpio'), 'dir/odd-size'],
                       cwd=extract, check=True)
        self.assertEqual((extract / 'dir/odd-size').read_bytes(), b'12345')


def fake_elf(with_pvh_note):
    """A minimal ELF64 with one PT_NOTE segment holding one Xen note."""
    note_type = 18 if with_pvh_note else 6
    note = struct.pack('<III', 4, 4, note_type) + b'Xen\0' + b'\0\0\0\0'
    phoff, phentsize = 64, 56
    note_off = phoff + phentsize
    header = b'\x7fELF' + bytes([2, 1, 1]) + bytes(9)
    header += struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, 0, phoff, 0, 0, 64, phentsize, 1, 64, 0, 0)
    phdr = struct.pack('<IIQQQQQQ', 4, 4, note_off, 0, 0, len(note), len(note), 4)
    return header + phdr + note


class KernelImageTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix='modemd-vm-test-'))
        self.addCleanup(shutil.rmtree, self.dir)
        patcher = mock.patch.dict(os.environ, {'MODEMD_VM_CACHE': str(self.dir / 'cache')})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_pvh_note_is_recognised(self):
        self.assertTrue(kernel_image.has_pvh_entry(fake_elf(True)))
        self.assertFalse(kernel_image.has_pvh_entry(fake_elf(False)))
        self.assertFalse(kernel_image.has_pvh_entry(b'\x7fELF' + bytes(10)))

    def test_payload_is_extracted_and_cached(self):
        elf = fake_elf(True)
        image = self.dir / 'vmlinuz-test'
        # A bzImage: setup code, then the compressed kernel, then a trailer.
        image.write_bytes(b'\xfd7zXZ\0 setup' + bytes(100) + lzma.compress(elf) + b'trailer')
        extracted = kernel_image.bootable_image(image)
        self.assertNotEqual(extracted, image)
        self.assertEqual(extracted.read_bytes(), elf)
        self.assertEqual(kernel_image.bootable_image(image), extracted)

    def test_image_without_pvh_kernel_is_used_as_is(self):
        image = self.dir / 'vmlinuz-test'
        image.write_bytes(b'setup' + lzma.compress(fake_elf(False)))
        self.assertEqual(kernel_image.bootable_image(image), image)
        self.assertFalse((self.dir / 'cache').exists() and any((self.dir / 'cache').iterdir()))


# What the command in the guest reports, one "key=value" a line.
GUEST_SCRIPT = r'''
echo "cwd=$(pwd)"
echo "share=$MODEMD_VM_SHARE"
echo "env=$MODEMD_TEST_VALUE"
echo "file=$(cat given.txt)"
touch /usr/modemd-vm-write-test 2>/dev/null && echo root=writable || echo root=read-only
touch /tmp/x && echo tmp=writable || echo tmp=read-only
echo "dummies=$(ls /sys/class/net | grep -c '^dummy')"
# veth is not loaded: creating a link makes the kernel call modprobe itself.
ip link add vtest0 type veth peer name vtest1 2>/dev/null && echo autoload=yes || echo autoload=no
echo "release=$(uname -r)"
# Left running: vm-init must end it rather than wait for it.
sleep 1000 &
echo "to stderr" >&2
exit 3
'''


class GuestContractTest(unittest.TestCase):
    result = None

    @classmethod
    def setUpClass(cls):
        reason = vm.unavailable_reason()
        if reason:
            raise unittest.SkipTest(f'no test VM here: {reason}')
        cls.result = vm.run(['/bin/sh', '-c', GUEST_SCRIPT], modules=['dummy numdummies=2'],
                            env={'MODEMD_TEST_VALUE': 'a b=c'}, cwd=vm.SHARE,
                            files={'given.txt': b'from the host'},
                            timeout=float(os.environ.get('MODEMD_VM_TIMEOUT', '240')))
        print(f'vm: boot to command {cls.result.boot_to_command:.2f} s, command '
              f'{cls.result.command_seconds:.2f} s, total {cls.result.wall_seconds:.2f} s',
              file=sys.stderr)
        cls.facts = dict(line.split('=', 1) for line in cls.result.stdout.decode().splitlines())

    def test_exit_status_and_streams(self):
        self.assertEqual(self.result.returncode, 3)
        self.assertEqual(self.result.stderr, b'to stderr\n')

    def test_environment_directory_and_files(self):
        self.assertEqual(self.facts['env'], 'a b=c')
        self.assertEqual(self.facts['cwd'], self.facts['share'])
        self.assertEqual(self.facts['file'], 'from the host')

    def test_host_root_is_read_only_tmp_is_not(self):
        self.assertEqual(self.facts['root'], 'read-only')
        self.assertEqual(self.facts['tmp'], 'writable')

    def test_modules_loaded_with_options_and_on_demand(self):
        self.assertEqual(self.facts['dummies'], '2')
        self.assertEqual(self.facts['autoload'], 'yes')
        self.assertEqual(self.facts['release'], self.result.kernel.release)

    def test_boot_timing_is_measured(self):
        self.assertGreater(self.result.boot_to_command, 0)
        self.assertLess(self.result.boot_to_command + self.result.command_seconds,
                        self.result.wall_seconds)


if __name__ == '__main__':
    unittest.main(verbosity=2)
