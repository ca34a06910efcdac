"""A unix QRTR bus (tests/sim/qrtr-bus) for QRTR tests."""

import subprocess
import threading
import time

from .config import log, scaled
from .processes import _spawn, stop_process
from .programs import qrtr_bus_path


class QrtrBus:
    """A unix QRTR bus (tests/sim/qrtr-bus: router and name service) at `path`,
    for QRTR tests on kernels without AF_QIPCRTR: simulators join it with
    `--protocol=qrtr --link=PATH`, the daemon with `--port=qrtr:unix:PATH`."""

    def __init__(self, path):
        self.path = path
        self.proc = None
        self.lines = []

    def start(self, timeout=10):
        argv = [qrtr_bus_path(), '--verbose', self.path]
        log(f'starting {" ".join(argv)}')
        self.proc = _spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, errors='replace')
        deadline = time.monotonic() + scaled(timeout)
        while True:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError(f'qrtr-bus exited ({self.proc.wait()}) before it was ready')
            self.lines.append(line.rstrip('\n'))
            if line.startswith('qrtr-bus: ready'):
                break
            if time.monotonic() > deadline:
                raise TimeoutError('qrtr-bus did not get ready')
        # keep reading, so that its log never blocks it
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip('\n'))

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None:
            return stop_process(proc, 'qrtr-bus')
        return None
