"""A private network and mount namespace with a tun device in it, for tests
that run a network configuration daemon (NetworkManager) without touching the
host's interfaces, routes or files.

The namespace is held by a child process (this file run as a script under
`unshare --net --mount`): it mounts sysfs read-only (a fresh sysfs shows the
namespace's own network devices; read-only tells NetworkManager it is in a
container, so it does not wait for udev, which does not run here), puts a
tmpfs over each directory it is asked to hide, brings `lo` up, creates the tun
devices and holds them open. It prints `netns: ready` and then waits for its
standard input to close: when the test ends (or dies), the tun devices and the
namespace go with it. Processes join it with `nsenter` (`NetNamespace.argv`).

The kernel here has no dummy driver; a tun device (IFF_TUN, no packet info) is
the nearest thing to a modem's raw-IP data interface: ARPHRD_NONE, no MAC
address, carrier on while its descriptor is held.
"""

import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys

HOLDER_READY = 'netns: ready'

TUNSETIFF = 0x400454ca
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def real_kernel_env(env=None):
    """env (default: ours) without umockdev's preload: what runs in the
    namespace sees the real kernel, also when the caller emulates devices
    (bench/vs-modemmanager.py runs under umockdev-wrapper)."""
    env = dict(os.environ if env is None else env)
    for key in ('LD_PRELOAD', 'UMOCKDEV_DIR'):
        env.pop(key, None)
    return env


class NetNamespace:
    """The holder process and how to run commands inside its namespace."""

    def __init__(self, tun_names=('wwan0',), hidden_dirs=()):
        self.tun_names = list(tun_names)
        self.hidden_dirs = list(hidden_dirs)
        self.proc = None

    @staticmethod
    def missing_tools():
        """What this machine lacks to make the namespace (empty if nothing)."""
        missing = [t for t in ('unshare', 'nsenter', 'ip', 'mount') if not shutil.which(t)]
        if not os.path.exists('/dev/net/tun'):
            missing.append('/dev/net/tun')
        return missing

    def start(self, spawn, timeout=10):
        """Starts the holder with spawn(argv, **popen_kwargs) (the harness's
        registered Popen) and waits for it to be ready."""
        argv = ['unshare', '--net', '--mount', '--propagation', 'private', '--',
                sys.executable, os.path.abspath(__file__)]
        argv += [f'--tun={name}' for name in self.tun_names]
        argv += [f'--hide={path}' for path in self.hidden_dirs]
        self.proc = spawn(argv, env=real_kernel_env(), stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = _readline(self.proc.stdout, timeout)
        if line.strip() != HOLDER_READY:
            rest = line + (self.proc.stdout.read() if self.proc.poll() is not None else '')
            raise RuntimeError(f'network namespace holder failed: {rest.strip()}')
        self.inodes = namespace_inodes(self.proc.pid)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def argv(self, argv):
        """argv run inside the namespace (network and mounts)."""
        return ['nsenter', f'--target={self.pid}', '--net', '--mount', '--'] + list(argv)

    def run(self, argv, timeout=10, check=True):
        """Runs a short command inside the namespace; returns CompletedProcess."""
        res = subprocess.run(self.argv(argv), env=real_kernel_env(), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=timeout)
        if check and res.returncode != 0:
            raise AssertionError(f'{argv} in the namespace failed ({res.returncode}): '
                                 f'{res.stderr.strip()}')
        return res

    def stop(self, timeout=10):
        """Closes the holder's stdin; it lets go of the tun devices and exits."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def namespace_inodes(pid):
    """(net, mnt) namespace identities of a process."""
    return tuple(os.stat(f'/proc/{pid}/ns/{kind}').st_ino for kind in ('net', 'mnt'))


def pids_in(inodes):
    """Processes still in either namespace of `inodes` (namespace_inodes())."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            if set(namespace_inodes(int(entry))) & set(inodes):
                pids.append(int(entry))
        except OSError:  # gone meanwhile, or a kernel thread
            continue
    return pids


def _readline(stream, timeout):
    """One line from a pipe, or '' after timeout seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ''


# ---------------------------------------------------------------------------
# The holder (runs inside the new namespace)


def _create_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    ifreq = struct.pack('16sH22x', name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifreq)
    return fd


def _hold(tun_names, hidden_dirs):
    subprocess.run(['mount', '-t', 'sysfs', '-o', 'ro,nosuid,nodev,noexec', 'sysfs', '/sys'],
                   check=True)
    for path in hidden_dirs:
        os.makedirs(path, exist_ok=True)
        subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=0755,nosuid,nodev', 'tmpfs', path],
                       check=True)
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    held = [_create_tun(name) for name in tun_names]
    print(HOLDER_READY, flush=True)
    # Until the test closes our stdin (or dies: then the pipe closes too).
    while sys.stdin.read(4096):
        pass
    for fd in held:
        os.close(fd)


def _main(argv):
    tun_names = [a.split('=', 1)[1] for a in argv if a.startswith('--tun=')]
    hidden = [a.split('=', 1)[1] for a in argv if a.startswith('--hide=')]
    try:
        _hold(tun_names, hidden)
    except Exception as e:  # reported to the test through our stdout
        print(f'netns: {type(e).__name__}: {e}', flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(_main(sys.argv[1:]))
