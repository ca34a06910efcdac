"""modemd, on the private bus."""

import os
import re
import subprocess

from .api import BUS_NAME
from .config import SANITIZER_PATTERNS, log
from .mainloop import wait_until
from .processes import _spawn, sanitizer_env, stop_process
from .programs import modemd_path


class Daemon:
    """modemd on the private bus; its stdout+stderr go to `log_path`."""

    def __init__(self, bus, args=(), env=None, debug=True, name='modemd', prefix=()):
        self.bus = bus
        self.args = list(args)
        self.prefix = list(prefix)  # e.g. nsenter into a network namespace
        self.extra_env = env or {}
        self.debug = debug
        self.name = name
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, *exc):
        if self.proc is not None:
            if exc_type is None:
                self.stop()
            else:
                self.kill()

    def start(self, timeout=20):
        argv = self.prefix + [modemd_path()]
        if self.debug:
            argv.append('--debug')
        argv += self.args
        env = sanitizer_env(dict(self.bus.env, **self.extra_env))
        self.log_path = os.path.join(self.bus.tmpdir, f'{self.name}.log')
        log(f'starting {" ".join(argv)}')
        with open(self.log_path, 'w') as logf:
            self.proc = _spawn(
                argv, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                stderr=subprocess.STDOUT)
        try:
            self.owner = self.bus.wait_for_name(BUS_NAME, timeout, proc=self.proc,
                                                what='modemd')
        except Exception:
            log(f'{self.name} log:\n{self.read_log()}')
            raise
        return self

    def read_log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def wait_for_log(self, pattern, timeout=10):
        """Wait until the daemon's log matches the regular expression."""
        rx = re.compile(pattern)
        return wait_until(lambda: rx.search(self.read_log()), timeout,
                          f'daemon log to match {pattern!r}')

    def assert_no_sanitizer_report(self):
        text = self.read_log()
        m = SANITIZER_PATTERNS.search(text)
        if m:
            raise AssertionError(f'sanitizer report in {self.name} log:\n{text[m.start():][:8000]}')

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM; the daemon must exit 0 without sanitizer reports."""
        proc, self.proc = self.proc, None
        rc = stop_process(proc, self.name, timeout)
        if rc != 0:
            raise AssertionError(f'{self.name} exited with {rc} after SIGTERM; log:\n'
                                 f'{self.read_log()[-8000:]}')
        self.assert_no_sanitizer_report()
        return rc

    def kill(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
            log(f'{self.name} killed; log:\n{self.read_log()[-4000:]}')
