"""Paths of the programs the tests run: built ones (from the environment meson
sets, else a build directory of the source tree) and polkitd."""

import os

from .config import SRCDIR, skip


POLKITD_CANDIDATES = ['/usr/lib/polkit-1/polkitd', '/usr/libexec/polkitd',
                      '/usr/libexec/polkit-1/polkitd', '/usr/lib/policykit-1/polkitd']


def find_binary(env_var, *build_relpaths, required=True):
    """Path of a built program: from the environment (meson sets it), else from a
    build directory of the source tree.  Skips the test when missing and required."""
    path = os.environ.get(env_var)
    if path:
        if not os.access(path, os.X_OK):
            raise RuntimeError(f'{env_var}={path} is not executable')
        return path
    for build in ('build', 'build-harness'):
        for rel in build_relpaths:
            cand = SRCDIR / build / rel
            if os.access(cand, os.X_OK):
                return str(cand)
    if required:
        skip(f'{env_var} not set and no built binary found')
    return None


def modemd_path():
    return find_binary('MODEMD', 'src/daemon/modemd')


def modemctl_path(required=True):
    return find_binary('MODEMCTL', 'cli/modemctl', required=required)


def modem_sim_path(required=True):
    return find_binary('MODEM_SIM', 'tests/sim/modem-sim', required=required)


def qrtr_bus_path(required=True):
    return find_binary('QRTR_BUS', 'tests/sim/qrtr-bus', required=required)


def polkitd_path():
    for cand in POLKITD_CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    skip('polkitd not found')
