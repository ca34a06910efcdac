"""D-Bus calls, properties and signals, each with a deadline."""

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
from gi.repository import GLib, Gio  # noqa: E402

from .api import BUS_NAME, MANAGER_PATH, MODEM_IFACE
from .config import scaled
from .mainloop import wait_until


def wait_for_signal(conn, interface, member, path=None, sender=None, predicate=None,
                    timeout=10, trigger=None):
    """Wait for a D-Bus signal; returns its parameters (unpacked tuple).

    trigger: optional callable run after subscribing (so the signal can't be missed).
    predicate: optional callable(params) -> bool to select the signal."""
    received = []

    def on_signal(_conn, _sender, _path, _iface, _member, params):
        value = params.unpack()
        if predicate is None or predicate(value):
            received.append(value)

    sub = conn.signal_subscribe(sender, interface, member, path, None,
                                Gio.DBusSignalFlags.NONE, on_signal)
    try:
        if trigger is not None:
            trigger()
        wait_until(lambda: received, timeout, f'signal {interface}.{member} on {path}')
        return received[0]
    finally:
        conn.signal_unsubscribe(sub)


def get_property(conn, path, interface, name, dest=BUS_NAME, timeout=10):
    ret = conn.call_sync(dest, path, 'org.freedesktop.DBus.Properties', 'Get',
                         GLib.Variant('(ss)', (interface, name)), GLib.VariantType('(v)'),
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack()[0]


def get_all_properties(conn, path, interface, dest=BUS_NAME, timeout=10):
    ret = conn.call_sync(dest, path, 'org.freedesktop.DBus.Properties', 'GetAll',
                         GLib.Variant('(s)', (interface,)), GLib.VariantType('(a{sv})'),
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack()[0]


def wait_for_property(proxy_or_conn, name, predicate, timeout=10, path=None, interface=None):
    """Wait until property `name` satisfies predicate(value); returns the value.

    Accepts a Gio.DBusProxy (uses its cache, updated by PropertiesChanged), or a
    Gio.DBusConnection with path and interface (re-reads with Properties.Get,
    while also dispatching signals)."""
    if isinstance(proxy_or_conn, Gio.DBusProxy):
        proxy = proxy_or_conn

        def current():
            v = proxy.get_cached_property(name)
            return None if v is None else v.unpack()
    else:
        conn = proxy_or_conn

        def current():
            try:
                return get_property(conn, path, interface, name)
            except GLib.Error:
                return None

    box = []

    def check():
        value = current()
        if value is not None and predicate(value):
            box.append(value)
            return True
        return False

    wait_until(check, timeout, f'property {name}')
    return box[0]


def modem_paths(conn):
    """Object paths of the modems on the bus, sorted."""
    objects = call(conn, MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                   'GetManagedObjects', reply_type='(a{oa{sa{sv}}})')[0]
    return sorted(p for p, ifaces in objects.items() if MODEM_IFACE in ifaces)


def dbus_error_name(error):
    """The D-Bus error name of a GLib.Error from a call (or None)."""
    return Gio.DBusError.get_remote_error(error)


def call(conn, path, interface, method, args=None, signature=None, reply_type=None,
         dest=BUS_NAME, timeout=30):
    """call_sync with a deadline; args is a tuple matched to `signature` ('(ss)')."""
    params = None
    if signature is not None:
        params = GLib.Variant(signature, tuple(args or ()))
    ret = conn.call_sync(dest, path, interface, method, params,
                         GLib.VariantType(reply_type) if reply_type else None,
                         Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
    return ret.unpack() if ret is not None else None


def call_error(conn, path, interface, method, args=None, signature=None, dest=BUS_NAME,
               timeout=30):
    """Call a method expected to fail; returns the D-Bus error name (and message).
    Raises AssertionError if it succeeds."""
    try:
        call(conn, path, interface, method, args, signature, dest=dest, timeout=timeout)
    except GLib.Error as e:
        return dbus_error_name(e), e.message
    raise AssertionError(f'{interface}.{method} on {path} unexpectedly succeeded')
