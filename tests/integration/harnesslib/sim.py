"""modem-sim, the simulated modem, and the client of its control socket."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from .config import SANITIZER_PATTERNS, log, scaled
from .processes import _spawn, add_cleanup, sanitizer_env, stop_process
from .programs import modem_sim_path


class SimControlError(RuntimeError):
    """modem-sim refused a control command (its reply was "error: ...")."""


class SimControl:
    """Client of modem-sim's control socket (--control=PATH):
    send('register denied') returns the reply line ('ok', or 'ok <text>' as
    for 'help') and raises SimControlError when it is 'error: <reason>'.
    The commands are listed in tests/sim/README.md.  One connection, opened
    at the first command."""

    def __init__(self, path, timeout=10):
        self.path = path
        self.timeout = timeout
        self._sock = None
        self._buf = b''

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._sock is not None:
            self._sock.close()
        self._sock = None
        self._buf = b''

    def _connection(self):
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(scaled(self.timeout))
            sock.connect(self.path)
            self._sock = sock
        return self._sock

    def _read_line(self, command):
        while b'\n' not in self._buf:
            try:
                data = self._sock.recv(4096)
            except socket.timeout:
                raise TimeoutError(f'modem-sim did not answer control command {command!r}')
            if not data:
                raise ConnectionError(f'modem-sim closed its control socket before answering '
                                      f'{command!r}')
            self._buf += data
        line, self._buf = self._buf.split(b'\n', 1)
        return line.decode('utf-8', 'replace')

    def send(self, command):
        self._connection().sendall(command.encode() + b'\n')
        reply = self._read_line(command)
        log(f'sim control: {command} -> {reply}')
        if reply.startswith('error:'):
            raise SimControlError(f'{command!r}: {reply}')
        return reply


_sim_control_dir = None
_sim_control_count = 0


def _new_control_path():
    """A fresh socket path in a directory of this process, removed at exit
    (short: unix socket paths are limited to 107 bytes)."""
    global _sim_control_dir, _sim_control_count
    if _sim_control_dir is None:
        _sim_control_dir = tempfile.mkdtemp(prefix='modem-sim-ctl-')
        add_cleanup(lambda: shutil.rmtree(_sim_control_dir, ignore_errors=True))
    _sim_control_count += 1
    return os.path.join(_sim_control_dir, f'{_sim_control_count}.sock')


class Sim:
    """The simulated modem.  stderr is read by a thread into `lines`.

    Unless control=False or args name a --control socket themselves, it
    listens on a control socket of its own: `control_path`, and `control`
    (a SimControl) to send it commands."""

    def __init__(self, args, env=None, name='modem-sim', control=True):
        self.args = list(args)
        self.env = env
        self.name = name
        self.proc = None
        self.lines = []
        self._cond = threading.Condition()
        given = [a.split('=', 1)[1] for a in self.args if a.startswith('--control=')]
        self.control_path = given[-1] if given else None
        if control and not given:
            self.control_path = _new_control_path()
            self.args.append(f'--control={self.control_path}')
        self.control = SimControl(self.control_path) if self.control_path else None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=10):
        argv = [modem_sim_path()] + self.args
        log(f'starting {" ".join(argv)}')
        env = sanitizer_env(self.env if self.env is not None else os.environ)
        self.proc = _spawn(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.wait_for_line(r'^sim: ready', timeout)
        except Exception:
            log(f'{self.name} stderr:\n' + '\n'.join(self.lines))
            raise
        return self

    def _read(self):
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip('\n'))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _tail(self, n=40):
        return '\n'.join('  | ' + line for line in self.lines[-n:])

    def wait_for_line(self, pattern, timeout=10, start=0):
        """Wait for a stderr line (index >= start) matching the regex; returns it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    if rx.search(line):
                        return line
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise RuntimeError(f'{self.name} exited ({self.proc.returncode}) '
                                       f'without printing {pattern!r}; stderr:\n'
                                       + self._tail())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f'timed out waiting for {self.name} line {pattern!r}; '
                                       'stderr:\n' + self._tail())
                self._cond.wait(min(remaining, 0.5))

    def stop(self, timeout=10):
        if self.control is not None:
            self.control.close()
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        rc = stop_process(proc, self.name, timeout)
        self._reader.join(timeout=5)
        text = '\n'.join(self.lines)
        m = SANITIZER_PATTERNS.search(text)
        if m:
            raise AssertionError(f'sanitizer report in {self.name}:\n{text[m.start():][:8000]}')
        return rc
