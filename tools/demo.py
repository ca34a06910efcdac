#!/usr/bin/python3
"""The demo: modemd with a simulated QMI modem whose SIM asks for PIN 1234,
on a private system bus with real polkitd, driven with modemctl."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'integration'))
import harness  # noqa: E402

SHOW = [
    ['-L'],
    ['-m', 'any'],
    ['-i', 'any', '--pin=1234'],
    ['-m', 'any', '-e'],
    ['WAIT-REGISTERED'],
    ['-m', 'any', '--simple-connect=apn=internet,ip-type=ipv4'],
    ['-b', 'any'],
    ['-m', 'any'],
    ['-m', 'any', '--simple-disconnect'],
    ['-m', 'any', '-d'],
    ['-L', '-J'],
]


def modems(conn):
    objects = harness.call(conn, harness.MANAGER_PATH, 'org.freedesktop.DBus.ObjectManager',
                           'GetManagedObjects')[0]
    return sorted(p for p, ifaces in objects.items() if harness.MODEM_IFACE in ifaces)


def main():
    with harness.Bus() as bus, harness.Polkit(bus):
        link = os.path.join(bus.tmpdir, 'cdc-wdm0')
        with harness.Sim(['--protocol=qmi', f'--link={link}', '--sim-pin=1234',
                          '--registration-delay-ms=500']), \
                harness.Daemon(bus, [f'--port=qmi:{link},net:wwan0'], debug=False):
            harness.wait_until(lambda: modems(bus.conn), 20, 'a modem')
            for args in SHOW:
                if args == ['WAIT-REGISTERED']:
                    path = modems(bus.conn)[0]
                    harness.wait_for_property(bus.conn, 'State', lambda s: s >= 8, 30, path=path,
                                              interface=harness.MODEM_IFACE)
                    continue
                print(f'\n$ modemctl {" ".join(args)}', flush=True)
                rc, out, err = harness.run_modemctl(args)
                sys.stdout.write(out)
                sys.stdout.write(err)
                if rc != 0:
                    print(f'(exit status {rc})')
                    return 1
    print('\ndemo done')
    return 0


if __name__ == '__main__':
    sys.exit(main())
