"""Run one command in a small VM: the installed Debian kernel under QEMU (TCG,
no KVM needed), with the host's root as the guest's read-only root.

For kernel features this machine's kernel lacks (AF_QIPCRTR first).  Use:

    import vm
    result = vm.run(['/usr/bin/python3', 'check.py'], modules=['qrtr'])
    result.returncode, result.stdout, result.stderr, result.boot_to_command

vm.run() raises VmUnavailable when QEMU or the kernel package is missing
(tests skip then), VmError when the VM did not run the command to its end.

What the guest sees: the host's / over virtio-9p, read-only, with fresh proc,
sys, dev, and tmpfs on /tmp, /run, /var/tmp; one writable directory shared with
the host (its path is the same on both sides and is in $MODEMD_VM_SHARE): the
command's stdout and stderr land there, and so do the `files` given to run().
Host paths under /tmp other than the share are hidden by the guest's /tmp.
No network.  See README.md beside this file for what the kernel offers.
"""

import ctypes
import os
import re
import secrets
import selectors
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import initramfs
import kernel_image

QEMU = 'qemu-system-x86_64'
KERNEL_PACKAGE = 'linux-image-amd64'
# What it takes to mount the host's root: virtio PCI transport and 9p.
BOOT_MODULES = ('virtio_pci', '9pnet_virtio', '9p')
DEFAULT_TIMEOUT = 120.0
# run(cwd=SHARE): start the command in the shared directory.
SHARE = 'share directory'
DEFAULT_MEMORY_MB = 512
GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
KERNEL_CMDLINE = (
    'console=ttyS0 panic=-1 quiet loglevel=4 '
    # PCI interrupt links set up through ACPI cost ~0.7 s per device under
    # TCG; the BIOS routing table gives the same answer at once.
    'pci=noacpi '
    # Cheaper boot under TCG: no speculation workarounds to patch in, no
    # IO-APIC timer check (emulation on a loaded host can fail it).  The TSC
    # keeps its watchdog: calibrated on a busy host it can be far off, and
    # then guest timeouts would expire early.
    'mitigations=off no_timer_check '
    # No crypto self-tests and no need to wait for entropy at boot.
    'cryptomgr.notests random.trust_cpu=on')


class VmUnavailable(Exception):
    """QEMU or the kernel package is not installed: a test should skip."""


class VmError(Exception):
    """The VM did not run the command to its end (boot failure, timeout...)."""

    def __init__(self, message, console=''):
        tail = '\n'.join(console.splitlines()[-40:])
        super().__init__(f'{message}\n--- guest console (last lines) ---\n{tail}'
                         if tail else message)
        self.console = console


@dataclass
class Kernel:
    release: str
    image: Path
    moddir: Path


@dataclass
class VmResult:
    returncode: int           # the command's exit status, -N if killed by signal N
    stdout: bytes
    stderr: bytes
    console: str              # kernel and vm-init messages (serial console)
    wall_seconds: float       # QEMU start to QEMU exit
    boot_to_command: float    # QEMU start to the command's start (host clock)
    command_seconds: float    # command start to its end (host clock)
    # The guest kernel's own clock at the start: informational only, its early
    # TSC calibration on a busy host can make it run fast until refined.
    guest_uptime_at_command: float
    kernel: Kernel = field(repr=False, default=None)


def _packaged_release():
    """The release that linux-image-amd64 depends on, e.g. '6.1.0-57-amd64'."""
    try:
        depends = subprocess.run(
            ['dpkg-query', '-W', '-f', '${Depends}', KERNEL_PACKAGE],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return None
    m = re.search(r'linux-image-(\S+?)(?:-unsigned)?(?:\s|,|$)', depends)
    return m.group(1) if m else None


def find_kernel():
    """The kernel to boot: $MODEMD_VM_KERNEL (a vmlinuz) with $MODEMD_VM_MODULES
    (its lib/modules/<release> directory) when set, else the release that the
    installed linux-image-amd64 package depends on."""
    image = os.environ.get('MODEMD_VM_KERNEL')
    if image:
        moddir = os.environ.get('MODEMD_VM_MODULES')
        if not moddir:
            raise VmUnavailable('MODEMD_VM_KERNEL is set but MODEMD_VM_MODULES is not')
        return Kernel(Path(moddir).name, Path(image), Path(moddir))
    release = _packaged_release()
    if not release:
        raise VmUnavailable(f'package {KERNEL_PACKAGE} is not installed')
    kernel = Kernel(release, Path(f'/boot/vmlinuz-{release}'), Path(f'/lib/modules/{release}'))
    if not os.access(kernel.image, os.R_OK) or not (kernel.moddir / 'modules.dep').exists():
        raise VmUnavailable(f'kernel {release}: {kernel.image} or {kernel.moddir} missing')
    return kernel


def find_qemu():
    path = shutil.which(QEMU)
    if not path:
        raise VmUnavailable(f'{QEMU} not found (package qemu-system-x86)')
    return path


def hidden_in_guest(*paths):
    """Why a host path a command needs is not visible in the guest, or None:
    the guest mounts tmpfs on /tmp, /run and /var/tmp over the host's root."""
    for path in paths:
        real = os.path.realpath(path)
        for hidden in ('/tmp', '/run', '/var/tmp'):
            if real == hidden or real.startswith(hidden + '/'):
                return f'{real} is under {hidden}, which the guest\'s own tmpfs hides'
    return None


def unavailable_reason():
    """Why no VM can be started here, or None if one can."""
    try:
        find_qemu()
        find_kernel()
    except VmUnavailable as e:
        return str(e)
    return None


def _job_files(argv, env, cwd, share, nonce, share_modules):
    for text in [*argv, *env, *env.values(), cwd, share]:
        if '\0' in text:
            raise VmError(f'NUL character in {text!r}: vm-init reads NUL-separated strings')
    job = {
        'argv': b''.join(os.fsencode(a) + b'\0' for a in argv),
        'env': b''.join(os.fsencode(f'{k}={v}') + b'\0' for k, v in env.items()),
        'cwd': os.fsencode(cwd),
        'share': os.fsencode(share),
        'nonce': nonce.encode(),
    }
    if share_modules:
        job['modules-share'] = b''
    return job


def _qemu_command(qemu, kernel, initrd, share, memory_mb, share_modules):
    def virtfs(path, tag, readonly):
        # multidevs=remap: / spans several host filesystems; without it, inode
        # numbers from two of them could collide in the guest.
        # QEMU option values escape a comma by doubling it.
        path = str(path).replace(',', ',,')
        opts = f'local,path={path},mount_tag={tag},security_model=none,multidevs=remap'
        return ['-virtfs', opts + (',readonly=on' if readonly else '')]

    cmd = [qemu, '-machine', 'pc', '-accel', 'tcg', '-cpu', 'max', '-smp', '1',
           '-m', str(memory_mb), '-nodefaults', '-no-user-config', '-display', 'none',
           '-no-reboot', '-serial', 'stdio',
           '-kernel', str(kernel_image.bootable_image(kernel.image)), '-initrd', str(initrd),
           '-append', KERNEL_CMDLINE]
    cmd += virtfs('/', 'hostroot', True)
    cmd += virtfs(share, 'share', False)
    if share_modules:
        cmd += virtfs(kernel.moddir, 'modules', True)
    return cmd


def _watch_console(proc, deadline, markers):
    """Reads the serial console until QEMU exits or the deadline passes.
    Returns (console bytes, {marker: host time it was seen}, timed out)."""
    console = bytearray()
    seen = {}
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(console), seen, True
            if not sel.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return bytes(console), seen, False
            # Search only the tail a marker could straddle, not the whole log.
            tail_from = max(0, len(console) - 64)
            console += chunk
            for marker in markers:
                if marker not in seen and marker in console[tail_from:]:
                    seen[marker] = time.monotonic()


def _read_status(share):
    try:
        text = (Path(share) / 'status').read_text()
    except FileNotFoundError:
        return None
    return dict(line.split('=', 1) for line in text.split() if '=' in line)


def run(argv, modules=(), env=None, cwd=None, files=None, timeout=DEFAULT_TIMEOUT,
        memory_mb=DEFAULT_MEMORY_MB, kernel=None, keep_dir=None):
    """Boots a VM, runs `argv` in it and returns a VmResult.

    modules: modules loaded (with their dependencies) before the command, each
             a name with options as modprobe takes them: 'dummy numdummies=2'.
    env: extra environment for the command (on top of PATH, HOME, LANG...).
    cwd: the command's directory, a host path (default: the current one), or
         SHARE for the shared directory.
    files: {name: bytes} written into the share before the boot.
    timeout: overall deadline in seconds, boot included.
    keep_dir: a directory to use (and keep) as the share, for debugging.
    """
    qemu = find_qemu()
    kernel = kernel or find_kernel()
    share_modules = kernel.moddir.resolve() != Path(f'/lib/modules/{kernel.release}').resolve()
    try:
        tree = initramfs.ModuleTree(kernel.moddir)
        names, options = initramfs.parse_module_specs(modules)
        module_files = tree.resolve(list(BOOT_MODULES) + names)
    except initramfs.InitramfsError as e:
        raise VmError(str(e)) from e

    workdir = tempfile.mkdtemp(prefix='modemd-vm-')
    try:
        share = keep_dir or os.path.join(workdir, 'share')
        os.makedirs(share, exist_ok=True)
        for name, data in (files or {}).items():
            Path(share, name).write_bytes(data)
        nonce = secrets.token_hex(8)
        guest_env = {'PATH': GUEST_PATH, 'HOME': '/root', 'LANG': 'C.UTF-8',
                     'PYTHONDONTWRITEBYTECODE': '1', 'MODEMD_VM': '1',
                     'MODEMD_VM_SHARE': share}
        guest_env.update(env or {})
        initrd = os.path.join(workdir, 'initrd.cpio')
        try:
            init = initramfs.compile_init(workdir)
            job = _job_files(argv, guest_env, share if cwd is SHARE else cwd or os.getcwd(),
                             share, nonce, share_modules)
            initramfs.build(initrd, init, tree, module_files, job, options)
        except initramfs.InitramfsError as e:
            raise VmError(str(e)) from e
        cmd = _qemu_command(qemu, kernel, initrd, share, memory_mb, share_modules)
        return _boot(cmd, workdir, share, nonce, timeout, kernel)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the QEMU child: be killed if this process dies first (a test
    runner's timeout), so that no VM outlives the test that started it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)


def _boot(cmd, workdir, share, nonce, timeout, kernel):
    stderr_path = os.path.join(workdir, 'qemu.stderr')
    # A kept share may hold the status of an earlier run.
    Path(share, 'status').unlink(missing_ok=True)
    start_marker = f'modemd-vm:{nonce}:command-start'.encode()
    done_marker = f'modemd-vm:{nonce}:done'.encode()
    t0 = time.monotonic()
    with open(stderr_path, 'wb') as qemu_stderr:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=qemu_stderr, preexec_fn=_die_with_parent)
        try:
            console, seen, timed_out = _watch_console(proc, t0 + timeout,
                                                      (start_marker, done_marker))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
    wall = time.monotonic() - t0
    console_text = console.decode('utf-8', 'replace')
    if timed_out:
        raise VmError(f'VM did not finish within {timeout:.0f} s', console_text)
    status = _read_status(share)
    if status is None or done_marker not in seen:
        qemu_errors = Path(stderr_path).read_text(errors='replace').strip()
        detail = f' (qemu exit {proc.returncode}: {qemu_errors})' if qemu_errors else ''
        raise VmError(f'the command did not complete in the VM{detail}', console_text)
    returncode = int(status['exit']) if 'exit' in status else -int(status['signal'])
    return VmResult(
        returncode=returncode,
        stdout=Path(share, 'stdout').read_bytes(),
        stderr=Path(share, 'stderr').read_bytes(),
        console=console_text,
        wall_seconds=wall,
        boot_to_command=seen[start_marker] - t0,
        command_seconds=seen[done_marker] - seen[start_marker],
        guest_uptime_at_command=float(status['uptime_command_start']),
        kernel=kernel)
