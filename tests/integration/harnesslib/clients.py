"""Clients as root or as another user: programs, modemctl, gdbus."""

import json
import os
import pwd
import subprocess

from .config import SANITIZER_PATTERNS, scaled
from .processes import sanitizer_env
from .programs import modemctl_path


TEST_USER = 'modemd-test'


def ensure_test_user(name=TEST_USER):
    """Create an unprivileged system user for client tests (if missing); returns
    (uid, gid)."""
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(['useradd', '--system', '--no-create-home', '--home-dir', '/nonexistent',
                        '--shell', '/usr/sbin/nologin', '--user-group', name],
                       check=True, timeout=30)
        pw = pwd.getpwnam(name)
    return pw.pw_uid, pw.pw_gid


def as_user_argv(argv, user=None):
    """Prefix argv so that it runs as `user` (name), without supplementary groups."""
    if user is None:
        return list(argv)
    uid, gid = ensure_test_user(user) if user == TEST_USER else (
        pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    return ['setpriv', f'--reuid={uid}', f'--regid={gid}', '--clear-groups',
            '--inh-caps=-all', '--'] + list(argv)


def run(argv, user=None, env=None, timeout=30, check=False):
    """Run a program (optionally as another user); returns CompletedProcess with
    text stdout/stderr.  Times out after `timeout` seconds."""
    full = as_user_argv(argv, user)
    env = dict(env if env is not None else os.environ)
    if user is not None:
        env['HOME'] = '/nonexistent'
        env['USER'] = env['LOGNAME'] = user
    try:
        res = subprocess.run(full, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, errors='replace', timeout=scaled(timeout))
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f'{argv} timed out after {timeout}s; stdout={e.stdout!r} '
                             f'stderr={e.stderr!r}')
    if check and res.returncode != 0:
        raise AssertionError(f'{argv} failed with {res.returncode}:\n{res.stdout}\n{res.stderr}')
    return res


def run_modemctl(args, bus=None, user=None, timeout=30):
    """Run modemctl on the private bus; returns (rc, stdout, stderr)."""
    env = sanitizer_env(bus.env if bus is not None else os.environ)
    res = run([modemctl_path()] + list(args), user=user, env=env, timeout=timeout)
    for stream in (res.stdout, res.stderr):
        m = SANITIZER_PATTERNS.search(stream)
        if m:
            raise AssertionError(f'sanitizer report in modemctl {args}:\n{stream[m.start():]}')
    return res.returncode, res.stdout, res.stderr


def run_modemctl_json(args, bus=None, user=None, timeout=30):
    """modemctl with -J; returns the parsed JSON (asserts exit code 0)."""
    rc, out, err = run_modemctl(list(args) + ['-J'], bus=bus, user=user, timeout=timeout)
    assert rc == 0, f'modemctl {args} -J exited {rc}: {err}'
    try:
        return json.loads(out)
    except ValueError as e:
        raise AssertionError(f'modemctl {args} -J printed invalid JSON ({e}):\n{out}')


def gdbus_call(bus, dest, path, method, *args, user=None, timeout=30):
    """`gdbus call` on the private bus (optionally as another user);
    returns CompletedProcess."""
    argv = ['gdbus', 'call', '--address', bus.address, '--dest', dest,
            '--object-path', path, '--method', method, '--timeout', str(int(scaled(timeout)))]
    argv += [str(a) for a in args]
    return run(argv, user=user, env=bus.env, timeout=timeout + 5)
