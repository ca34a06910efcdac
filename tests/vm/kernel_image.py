"""A faster-booting form of a Debian kernel image for QEMU.

A bzImage decompresses itself inside the guest, which under TCG emulation
takes seconds.  The uncompressed ELF kernel inside it carries a PVH entry
point (CONFIG_PVH) that QEMU can jump to directly, so we decompress it once
on the host and keep it in a cache.  When anything about that fails, the
bzImage is used as it is: slower, never wrong.
"""

import lzma
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

# Compressed payload magics inside a bzImage.
_XZ_MAGIC = b'\xfd7zXZ\x00'
_ZSTD_MAGIC = b'\x28\xb5\x2f\xfd'
_GZIP_MAGIC = b'\x1f\x8b\x08'

_PT_NOTE = 4
_XEN_ELFNOTE_PHYS32_ENTRY = 18


def _decompress(image):
    """The first payload that decompresses to an ELF file, or None."""
    for magic, decode in ((_XZ_MAGIC, _unxz), (_ZSTD_MAGIC, _unzstd), (_GZIP_MAGIC, _gunzip)):
        start = image.find(magic)
        while start >= 0:
            try:
                elf = decode(image[start:])
            except (lzma.LZMAError, zlib.error, OSError, subprocess.CalledProcessError):
                elf = None
            if elf and elf.startswith(b'\x7fELF'):
                return elf
            start = image.find(magic, start + 1)
    return None


def _unxz(data):
    return lzma.LZMADecompressor().decompress(data)


def _gunzip(data):
    # wbits 16+: gzip framing; trailing bytes after the stream are ignored.
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)


def _unzstd(data):
    zstd = shutil.which('zstd')
    if not zstd:
        return None
    # zstd stops with an error at the bytes that follow the frame; the frame
    # itself has been written by then.
    done = subprocess.run([zstd, '-dc'], input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    return done.stdout


def has_pvh_entry(elf):
    """Does this 64-bit little-endian ELF kernel carry a PVH entry note?"""
    if len(elf) < 64 or elf[4] != 2 or elf[5] != 1:
        return False
    phoff, = struct.unpack_from('<Q', elf, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', elf, 0x36)
    for i in range(phnum):
        base = phoff + i * phentsize
        if base + 56 > len(elf):
            return False
        p_type, = struct.unpack_from('<I', elf, base)
        offset, = struct.unpack_from('<Q', elf, base + 8)
        size, = struct.unpack_from('<Q', elf, base + 32)
        if p_type == _PT_NOTE and _notes_have_pvh(elf, offset, min(offset + size, len(elf))):
            return True
    return False


def _notes_have_pvh(elf, pos, end):
    while pos + 12 <= end:
        namesz, descsz, note_type = struct.unpack_from('<III', elf, pos)
        name = elf[pos + 12:pos + 12 + namesz].rstrip(b'\0')
        if name == b'Xen' and note_type == _XEN_ELFNOTE_PHYS32_ENTRY:
            return True
        pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def cache_dir():
    base = os.environ.get('MODEMD_VM_CACHE')
    if base:
        return Path(base)
    xdg = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    return Path(xdg) / 'modemd-vm'


def bootable_image(image):
    """The PVH vmlinux for `image` (from the cache, made if needed), or `image`."""
    image = Path(image)
    st = image.stat()
    cached = cache_dir() / f'vmlinux-{image.name}-{st.st_size}-{st.st_mtime_ns}'
    if cached.exists():
        return cached
    elf = _decompress(image.read_bytes())
    if not elf or not has_pvh_entry(elf):
        return image
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix='.vmlinux-')
    except OSError:
        return image
    # Written whole then renamed: runs in parallel never boot half a file.
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(elf)
        os.replace(tmp, cached)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return image
    return cached
