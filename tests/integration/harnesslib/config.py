"""The environment of a test run: source tree, deadlines, logging, skipping."""

import os
import re
import sys
import time
from pathlib import Path


SKIP = 77

# harnesslib/ is in tests/integration/ of the source tree.
SRCDIR = Path(os.environ.get('MODEMD_SRCDIR', Path(__file__).resolve().parents[3]))
TIMEOUT_SCALE = float(os.environ.get('MODEMD_TEST_TIMEOUT_SCALE', '1'))

# Sanitizer reports that must fail a test even if the exit code hid them.
SANITIZER_PATTERNS = re.compile(
    r'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer')


def scaled(timeout):
    return timeout * TIMEOUT_SCALE


def log(msg):
    print(f'[harness {time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


def require_root():
    """Exit with 77 (meson: skipped) unless running as root."""
    if os.geteuid() != 0:
        print('SKIP: integration tests need root (polkitd actions dir, bus name ownership)',
              file=sys.stderr)
        sys.exit(SKIP)


def skip(reason):
    print(f'SKIP: {reason}', file=sys.stderr)
    sys.exit(SKIP)
