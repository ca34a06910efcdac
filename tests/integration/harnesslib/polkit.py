"""polkitd on the private bus."""

import os
import subprocess
from pathlib import Path

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio  # noqa: E402

from .config import SRCDIR, log, require_root, scaled
from .processes import _spawn, add_cleanup, stop_process
from .programs import polkitd_path


POLKIT_NAME = 'org.freedesktop.PolicyKit1'


POLKIT_ACTIONS_DIR = Path('/usr/share/polkit-1/actions')
POLKIT_RULES_DIR = Path('/etc/polkit-1/rules.d')


def _install_file_atomically(src_text, dest):
    dest = Path(dest)
    tmp = dest.with_name(f'.{dest.name}.{os.getpid()}.tmp')
    tmp.write_text(src_text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)


class Polkit:
    """The real polkitd on a private bus.

    Installs data/polkit/org.example.Modem1.policy into the actions directory
    (polkitd reads actions from nowhere else).  It stays installed after the test
    (tests may run in parallel, and all of them need the same file).

    rules: optional JavaScript polkit rules, installed into /etc/polkit-1/rules.d
    for the duration of the test.  Every polkitd on the machine reads that
    directory, so tests with rules must be registered with is_parallel: false."""

    def __init__(self, bus, rules=None, rules_name=None):
        self.bus = bus
        self.rules = rules
        self.rules_path = None
        self.rules_name = rules_name or f'50-modemd-test-{os.getpid()}.rules'
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @staticmethod
    def install_actions():
        policy = (SRCDIR / 'data' / 'polkit' / 'org.example.Modem1.policy').read_text()
        dest = POLKIT_ACTIONS_DIR / 'org.example.Modem1.policy'
        try:
            current = dest.read_text()
        except OSError:
            current = None
        if current != policy:
            POLKIT_ACTIONS_DIR.mkdir(parents=True, exist_ok=True)
            _install_file_atomically(policy, dest)
        # The reference's actions (modemd --compat): a ModemManager install
        # defines the same ids; then its file is left as it is.
        compat = POLKIT_ACTIONS_DIR / 'org.freedesktop.ModemManager1.policy'
        if not compat.exists():
            _install_file_atomically(
                (SRCDIR / 'data' / 'compat' / 'org.freedesktop.ModemManager1.policy').read_text(),
                compat)

    def install_rules(self, rules):
        POLKIT_RULES_DIR.mkdir(parents=True, exist_ok=True)
        self.rules_path = POLKIT_RULES_DIR / self.rules_name
        _install_file_atomically(rules, self.rules_path)
        add_cleanup(self.remove_rules)

    def remove_rules(self):
        if self.rules_path is not None:
            try:
                self.rules_path.unlink()
            except FileNotFoundError:
                pass
            self.rules_path = None

    def start(self, timeout=15):
        require_root()
        self.install_actions()
        if self.rules:
            self.install_rules(self.rules)
        self.log_path = os.path.join(self.bus.tmpdir, 'polkitd.log')
        with open(self.log_path, 'w') as logf:
            # polkitd changes to user 'polkitd' itself, then connects to the bus
            # named by DBUS_SYSTEM_BUS_ADDRESS.
            self.proc = _spawn(
                [polkitd_path(), '--no-debug'], env=self.bus.env,
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        try:
            self.bus.wait_for_name(POLKIT_NAME, timeout, proc=self.proc, what='polkitd')
        except Exception:
            log(f'polkitd log:\n{self.read_log()}')
            raise
        log('polkitd ready')
        return self

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ''

    def check_authorization(self, action_id, bus_name, timeout=10):
        """Ask polkitd directly (as the daemon does) for a system-bus-name subject.
        Returns (is_authorized, is_challenge, details)."""
        subject = ('system-bus-name', {'name': GLib.Variant('s', bus_name)})
        ret = self.bus.conn.call_sync(
            POLKIT_NAME, '/org/freedesktop/PolicyKit1/Authority',
            'org.freedesktop.PolicyKit1.Authority', 'CheckAuthorization',
            GLib.Variant('((sa{sv})sa{ss}us)', (subject, action_id, {}, 0, '')),
            GLib.VariantType('((bba{ss}))'), Gio.DBusCallFlags.NONE,
            int(scaled(timeout) * 1000), None)
        return ret.unpack()[0]

    def stop(self):
        if self.proc is not None:
            # polkitd exits 0 on SIGTERM? It may not; we only care that it goes.
            stop_process(self.proc, 'polkitd')
            self.proc = None
            self.bus.wait_for_name_lost(POLKIT_NAME)
        self.remove_rules()
