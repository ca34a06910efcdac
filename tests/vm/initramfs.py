"""The throw-away initramfs of a test VM: vm-init (compiled statically here),
the kernel modules a run needs with their dependencies, and the job files that
tell vm-init what to run (their layout is described at the top of vm-init.c).
"""

import gzip
import lzma
import os
import shutil
import stat
import subprocess
from pathlib import Path

INIT_SOURCE = Path(__file__).resolve().with_name('vm-init.c')

# Module file suffixes, longest first so that '.ko.xz' wins over '.ko'.
_MODULE_SUFFIXES = ('.ko.xz', '.ko.gz', '.ko.zst', '.ko')


class InitramfsError(Exception):
    """The initramfs cannot be built: unknown module, bad module tree, no compiler."""


def module_name(path):
    """'kernel/net/9p/9pnet_virtio.ko.xz' -> '9pnet_virtio' (dashes and
    underscores are the same to the kernel: qrtr-mhi is qrtr_mhi)."""
    base = os.path.basename(path)
    for suffix in _MODULE_SUFFIXES:
        if base.endswith(suffix):
            base = base[:-len(suffix)]
            break
    return base.replace('-', '_')


class ModuleTree:
    """One kernel's /lib/modules/<release>: modules.dep says, for each module
    file, the module files it needs; modules.builtin lists the built-in ones."""

    def __init__(self, moddir):
        self.moddir = Path(moddir)
        self._deps = {}   # module file -> files it needs
        self._files = {}  # module name -> module file
        dep_file = self.moddir / 'modules.dep'
        try:
            text = dep_file.read_text()
        except OSError as e:
            raise InitramfsError(f'cannot read {dep_file}: {e}') from e
        for line in text.splitlines():
            if ':' not in line:
                continue
            path, deps = line.split(':', 1)
            self._deps[path] = deps.split()
            self._files[module_name(path)] = path
        builtin = self.moddir / 'modules.builtin'
        self.builtin = set()
        if builtin.exists():
            self.builtin = {module_name(p) for p in builtin.read_text().split()}

    def has(self, name):
        name = name.replace('-', '_')
        return name in self._files or name in self.builtin

    def resolve(self, names):
        """Module files for `names` and everything they need, each after its
        dependencies (the order finit_module needs); built-in ones are left out."""
        ordered = []
        seen = set()

        def visit(path):
            if path in seen:
                return
            seen.add(path)
            for dep in self._deps.get(path, ()):
                visit(dep)
            ordered.append(path)

        for name in names:
            key = name.replace('-', '_')
            if key in self.builtin:
                continue
            if key not in self._files:
                raise InitramfsError(f'module {name!r} is not in {self.moddir}')
            visit(self._files[key])
        return ordered

    def read_uncompressed(self, path):
        """A module file's ELF bytes: vm-init loads them with finit_module and
        no decompression flag, which every kernel version accepts."""
        full = self.moddir / path
        data = full.read_bytes()
        if path.endswith('.xz'):
            return lzma.decompress(data)
        if path.endswith('.gz'):
            return gzip.decompress(data)
        if path.endswith('.zst'):
            zstd = shutil.which('zstd')
            if not zstd:
                raise InitramfsError(f'{full} is zstd-compressed and zstd is not installed')
            return subprocess.run([zstd, '-dc', str(full)], check=True,
                                  stdout=subprocess.PIPE).stdout
        return data


class NewcArchive:
    """A cpio archive in the 'newc' format, the one the kernel unpacks as an
    initramfs.  Entries are added parents first; the kernel creates nothing
    implicitly."""

    def __init__(self):
        self._parts = []
        self._ino = 1

    def _add(self, name, mode, data=b'', rdev=(0, 0)):
        namez = name.encode() + b'\0'
        fields = (self._ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(namez), 0)
        self._ino += 1
        header = b'070701' + b''.join(b'%08x' % f for f in fields)
        self._parts.append(header + namez + _pad4(len(header) + len(namez)))
        self._parts.append(data + _pad4(len(data)))

    def add_dir(self, name):
        self._add(name, stat.S_IFDIR | 0o755)

    def add_file(self, name, data, mode=0o644):
        self._add(name, stat.S_IFREG | mode, data)

    def add_char_device(self, name, major, minor):
        self._add(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def write(self, path):
        self._add('TRAILER!!!', 0)
        with open(path, 'wb') as f:
            f.writelines(self._parts)


def _pad4(length):
    return b'\0' * (-length % 4)


def compile_init(workdir, cc=None):
    """vm-init as a static binary; the guest has no libc of its own before it
    switches to the host's root."""
    cc = cc or os.environ.get('CC', 'cc').split()[0]
    if not shutil.which(cc):
        raise InitramfsError(f'no C compiler ({cc}) to build vm-init')
    out = Path(workdir) / 'vm-init'
    cmd = [cc, '-static', '-Os', '-std=c11', '-Wall', '-Wextra', '-Werror',
           '-o', str(out), str(INIT_SOURCE)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise InitramfsError(f'building vm-init failed:\n{done.stdout}')
    return out


def build(path, init_binary, tree, module_files, job, options=None):
    """Writes the initramfs to `path`.  `module_files` in load order;
    `options` maps module names to their option strings ("numdummies=2");
    `job` maps names under /job to bytes."""
    options = options or {}
    archive = NewcArchive()
    for d in ('dev', 'newroot', 'modules', 'job'):
        archive.add_dir(d)
    # The kernel opens /dev/console for init's stdio before devtmpfs exists.
    archive.add_char_device('dev/console', 5, 1)
    archive.add_file('init', Path(init_binary).read_bytes(), mode=0o755)
    load_order = []
    for index, module in enumerate(module_files):
        name = module_name(module)
        file_name = f'{index:03d}-{name}.ko'
        archive.add_file(f'modules/{file_name}', tree.read_uncompressed(module))
        load_order.append(f'{file_name} {options[name]}' if options.get(name) else file_name)
    archive.add_file('job/modules', '\n'.join(load_order).encode())
    for name, data in job.items():
        archive.add_file(f'job/{name}', data)
    archive.write(path)


def parse_module_specs(specs):
    """['qrtr', 'dummy numdummies=2'] -> (['qrtr', 'dummy'], {'dummy': 'numdummies=2'}),
    names as the kernel spells them ('qrtr-tun' -> 'qrtr_tun')."""
    names, options = [], {}
    for spec in specs:
        name, _, opts = spec.strip().partition(' ')
        name = name.replace('-', '_')
        if '\n' in opts:
            raise InitramfsError(f'module options for {name} span lines')
        names.append(name)
        if opts.strip():
            options[name] = opts.strip()
    return names, options
