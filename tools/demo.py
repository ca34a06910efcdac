#!/usr/bin/python3
"""The demo: modemd with three simulated modems (QMI with a SIM that asks for
PIN 1234, MBIM, AT) on a private system bus with real polkitd, driven with
modemctl: list, inspect, unlock, enable, signal, location, SMS, connect,
disconnect."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'integration'))
import harness  # noqa: E402

SHOW = [
    ['-L'],
    ['-m', '0'],
    ['-m', '0', '-e'],
    ['-m', '0', '--pin=0000'],
    ['-m', '0', '--pin=1234'],
    ['-m', '0', '-e'],
    ['WAIT-REGISTERED'],
    ['-m', '0', '--signal-get'],
    ['-m', '0', '--location-enable-3gpp'],
    ['-m', '0', '--location-get'],
    ['-m', '0', "--messaging-create-sms=number='+491701234567',text='Hello from modemd 👋'"],
    ['-s', '0', '--send'],
    ['-m', '0', '--messaging-list-sms'],
    ['-m', '0', '--simple-connect=apn=internet,ip-type=ipv4v6'],
    ['-b', '0'],
    ['-m', '0', '--simple-disconnect'],
    ['-m', '1', '--simple-connect=apn=internet'],
    ['-m', '2', '--simple-connect=apn=internet'],
    ['-b', '2'],
    ['-L', '-J'],
]


def main():
    with harness.Bus() as bus, harness.Polkit(bus):
        qmi, mbim, at = (os.path.join(bus.tmpdir, name) for name in ('cdc-wdm0', 'wwan1mbim0',
                                                                      'ttyACM0'))
        with harness.Sim(['--protocol=qmi', f'--link={qmi}', '--sim-pin=1234',
                          '--model=EG25 (simulated)', '--registration-delay-ms=500']), \
                harness.Sim(['--protocol=mbim', f'--link={mbim}', '--model=FM350 (simulated)',
                             '--ip4=10.64.0.2/30', '--gateway4=10.64.0.1'], name='mbim-sim'), \
                harness.Sim(['--protocol=at', f'--link={at}', '--model=SIM7600 (simulated)'],
                            name='at-sim'), \
                harness.Daemon(bus, [f'--port=qmi:{qmi},net:wwan0', f'--port=mbim:{mbim},net:wwan1',
                                     f'--port=at:{at}'], debug=False):
            harness.wait_until(lambda: len(harness.modem_paths(bus.conn)) == 3, 20, 'three modems')
            for args in SHOW:
                if args == ['WAIT-REGISTERED']:
                    path = harness.MANAGER_PATH + '/Modem/0'
                    harness.wait_for_property(bus.conn, 'State', lambda s: s >= 8, 30, path=path,
                                              interface=harness.MODEM_IFACE)
                    continue
                print(f'\n$ modemctl {" ".join(args)}', flush=True)
                rc, out, err = harness.run_modemctl(args)
                sys.stdout.write(out)
                sys.stdout.write(err)
                if rc != 0:
                    print(f'(exit status {rc})')
                    if '--pin=0000' not in args and '-e' not in args:
                        return 1
    print('\ndemo done')
    return 0


if __name__ == '__main__':
    sys.exit(main())
