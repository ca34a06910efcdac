"""Process bookkeeping: everything we start is killed at exit; the sanitizer
options of the processes we start."""

import atexit
import shutil
import signal
import subprocess
import sys

from .config import SRCDIR, log, scaled


_processes = []
_cleanups = []


def _register(proc):
    _processes.append(proc)
    return proc


def _spawn(argv, **kwargs):
    """Popen a long-running helper, registered for cleanup.  It gets SIGKILL if
    this process dies (even by SIGKILL), so no test leaves orphans behind:
    `setpriv --pdeathsig` sets the parent-death signal and execs in place."""
    if shutil.which('setpriv'):
        argv = ['setpriv', '--pdeathsig', 'KILL', '--'] + list(argv)
    return _register(subprocess.Popen(argv, **kwargs))


def add_cleanup(func):
    """Run func at exit (after processes are killed), in reverse order."""
    _cleanups.append(func)


def _kill_all():
    for proc in reversed(_processes):
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(timeout=5)
            except Exception:
                pass
    _processes.clear()
    while _cleanups:
        func = _cleanups.pop()
        try:
            func()
        except Exception as e:  # keep cleaning up
            log(f'cleanup failed: {e}')


atexit.register(_kill_all)


def _on_signal(signum, frame):
    _kill_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def stop_process(proc, name, timeout=10, sig=signal.SIGTERM):
    """Send sig and wait; returns the exit code (negative: killed by a signal)."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f'{name} did not exit within {timeout}s of signal {sig}')
    return proc.returncode


def sanitizer_env(env):
    """Sanitizer options that make every report fatal (kept if already set)."""
    env = dict(env)
    supp = SRCDIR / 'tests' / 'lsan.supp'
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1:halt_on_error=1:abort_on_error=0:'
                   'fast_unwind_on_malloc=0:verify_asan_link_order=0')
    lsan = 'print_suppressions=0'
    if supp.exists():
        lsan += f':suppressions={supp}'
    env.setdefault('LSAN_OPTIONS', lsan)
    env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
    # GLib: no slice allocator tricks that hide leaks, and fatal criticals.
    env.setdefault('G_SLICE', 'always-malloc')
    env.setdefault('G_DEBUG', 'gc-friendly,fatal-criticals')
    return env
