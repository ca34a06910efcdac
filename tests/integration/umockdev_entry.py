"""The start of a test that runs under umockdev: stdlib only, so that it can
run before anything else is imported (the preload must be in place before
GLib and umockdev's typelib load)."""

import os
import shutil
import sys

SKIP_EXIT = 77


def enter(script):
    """Root, then re-execute `script` under umockdev-wrapper unless already
    preloaded; exits 77 (skipped) with the reason when either is missing."""
    if os.geteuid() != 0:
        print('SKIP: integration tests need root', file=sys.stderr)
        sys.exit(SKIP_EXIT)
    if 'umockdev-preload' in os.environ.get('LD_PRELOAD', ''):
        return
    wrapper = shutil.which('umockdev-wrapper')
    if wrapper is None:
        print('SKIP: umockdev-wrapper not found (package umockdev)', file=sys.stderr)
        sys.exit(SKIP_EXIT)
    os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(script)] + sys.argv[1:])
