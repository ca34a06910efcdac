#!/usr/bin/python3
"""What a kernel offers modemd's tests, probed from inside the test VM:

    tests/vm/run-in-vm -- /usr/bin/python3 tests/vm/kernel_features.py [--json]

QRTR (socket, local node, in-kernel name service, qrtr-tun), rmnet links,
wwan_hwsim and wwan links, dummy netdevs.  Each probe says what was tried and
what the kernel answered; nothing here judges.  README.md records the answers
for the kernels we boot.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qrtr_check  # noqa: E402

CONFIG_OPTIONS = ('QRTR', 'QRTR_TUN', 'QRTR_SMD', 'QRTR_MHI', 'RMNET', 'WWAN', 'WWAN_HWSIM',
                  'MHI_WWAN_CTRL', 'MHI_WWAN_MBIM', 'MHI_NET', 'USB_NET_QMI_WWAN',
                  'USB_NET_CDC_MBIM', 'DUMMY', 'VETH', 'TUN')


def sh(*argv):
    """Runs a command; returns 'ok' or 'exit N: <its stderr>'."""
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode == 0:
        return 'ok'
    return f'exit {done.returncode}: {(done.stderr or done.stdout).strip()}'


def kernel_config():
    path = Path(f'/boot/config-{os.uname().release}')
    if not path.exists():
        return {'source': f'{path} not found'}
    values = {}
    for line in path.read_text().splitlines():
        for option in CONFIG_OPTIONS:
            if line.startswith(f'CONFIG_{option}='):
                values[option] = line.split('=', 1)[1]
            elif line == f'# CONFIG_{option} is not set':
                values[option] = 'not set'
    return {'source': str(path), **{o: values.get(o, 'absent') for o in CONFIG_OPTIONS}}


def probe_qrtr():
    result = {'modprobe qrtr': sh('modprobe', 'qrtr')}
    report = {}
    try:
        watcher, node = qrtr_check.check_socket(report)
        qrtr_check.check_name_service(report, watcher, node)
        qrtr_check.check_qrtr_tun(report, watcher, node)
    except (OSError, ValueError) as e:
        report['error'] = f'{type(e).__name__}: {e}'
    result.update(report)
    return result


def probe_rmnet():
    result = {'modprobe rmnet': sh('modprobe', 'rmnet'),
              'veth parent': sh('ip', 'link', 'add', 'vparent0', 'type', 'veth',
                                'peer', 'name', 'vpeer0'),
              # /dev/net/tun appears once tun is loaded (no udev to make it earlier).
              'tun parent': sh('modprobe', 'tun') + ', ' + sh('ip', 'tuntap', 'add', 'mode',
                                                           'tun', 'dev', 'tparent0')}
    for parent in ('vparent0', 'tparent0'):
        result[f'rmnet on {parent}'] = sh('ip', 'link', 'add', 'link', parent, 'name',
                                          f'rmnet{parent[0]}', 'type', 'rmnet', 'mux_id', '1')
    return result


def probe_wwan():
    result = {'modprobe wwan_hwsim': sh('modprobe', 'wwan_hwsim'),
              'modprobe wwan': sh('modprobe', 'wwan')}
    wwan_class = Path('/sys/class/wwan')
    result['/sys/class/wwan'] = sorted(os.listdir(wwan_class)) if wwan_class.exists() else None
    result['/dev/wwan*'] = sorted(n for n in os.listdir('/dev') if n.startswith('wwan'))
    # wwan0 is a device; wwan0at0, wwan0mbim0... are its ports.
    devices = [d for d in result['/sys/class/wwan'] or [] if re.fullmatch(r'wwan\d+', d)]
    parent = devices[0] if devices else 'wwan0'
    result[f'wwan link on {parent}'] = sh('ip', 'link', 'add', 'dev', 'wwlink0', 'parentdev',
                                          parent, 'type', 'wwan', 'linkid', '1')
    return result


def probe_dummy():
    return {'modprobe dummy': sh('modprobe', 'dummy', 'numdummies=0'),
            'add': sh('ip', 'link', 'add', 'mdummy0', 'type', 'dummy'),
            'address': sh('ip', 'address', 'add', '192.0.2.1/24', 'dev', 'mdummy0'),
            'up': sh('ip', 'link', 'set', 'mdummy0', 'up'),
            'show': subprocess.run(['ip', '-br', 'address', 'show', 'mdummy0'],
                                   capture_output=True, text=True).stdout.strip()}


def main():
    report = {'kernel': os.uname().release, 'config': kernel_config(), 'qrtr': probe_qrtr(),
              'rmnet': probe_rmnet(), 'wwan': probe_wwan(), 'dummy': probe_dummy()}
    if '--json' in sys.argv[1:]:
        json.dump(report, sys.stdout, indent=1)
        print()
        return
    print(f'kernel {report["kernel"]}')
    for section, values in report.items():
        if section == 'kernel':
            continue
        print(f'[{section}]')
        for key, value in values.items():
            print(f'  {key}: {json.dumps(value)}')


if __name__ == '__main__':
    main()
