"""Waiting on the GLib main context, with deadlines."""

import time

import gi

gi.require_version('GLib', '2.0')
from gi.repository import GLib  # noqa: E402

from .config import scaled


def iterate_main_context(seconds):
    """Run the default main context for about `seconds` (dispatching D-Bus signals)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _iterate_once(ctx, deadline)


def _iterate_once(ctx, deadline, poll=0.02):
    remaining = max(0.0, deadline - time.monotonic())
    src = GLib.timeout_source_new(max(1, int(min(poll, remaining) * 1000)))
    src.set_callback(lambda *a: False)
    src.attach(ctx)
    try:
        ctx.iteration(True)
        while ctx.pending():
            ctx.iteration(False)
    finally:
        src.destroy()


def wait_until(predicate, timeout=10, what='condition', poll=0.02):
    """Iterate the main context until predicate() is truthy; return its value.
    Raises TimeoutError after `timeout` seconds (scaled)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + scaled(timeout)
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f'timed out after {timeout}s waiting for {what}')
        _iterate_once(ctx, deadline, poll)
