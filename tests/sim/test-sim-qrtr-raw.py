#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim --protocol=qrtr on the unix QRTR bus (qrtr-bus), with a raw
QRTR client written here from the record format (tests/sim/README.md):
what the name service lists, QMI SDUs without QMUX, clients by address,
control packets not taken for QMI, qrtr-services down/up, unplug.
(Against the kernel's QRTR, with qmicli as the peer: tests/vm.)

Usage: test-sim-qrtr-raw.py PATH-TO-MODEM-SIM   (qrtr-bus next to it)
"""

import os
import select
import socket
import struct
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Control, Failure, Sim, check, check_stopped, ok, test_main  # noqa: E402

BIND, BOUND, DATA = 1, 2, 3
CTRL = 0xfffffffe
NEW_SERVER, DEL_SERVER, NEW_LOOKUP = 4, 5, 10
# at least these; whatever else the QMI simulator serves is published too
SERVICES = {1: 'WDS', 2: 'DMS', 3: 'NAS', 0x0B: 'UIM', 0x1A: 'WDA', 9: 'VOICE'}
TIMEOUT = 10


class Endpoint:
    """One QRTR endpoint on the unix bus."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(path)
        self.sock.sendall(struct.pack('<III', BIND, 0, 0))
        kind, self.node, self.port = struct.unpack('<III', self.recv_record())
        if kind != BOUND:
            raise Failure('no BOUND from the bus')

    def recv_record(self):
        ready, _, _ = select.select([self.sock], [], [], TIMEOUT)
        if not ready:
            raise Failure('nothing from the bus')
        return self.sock.recv(70000)

    def send(self, node, port, payload):
        self.sock.sendall(struct.pack('<III', DATA, node, port) + payload)

    def recv(self):
        record = self.recv_record()
        kind, node, port = struct.unpack('<III', record[:12])
        if kind != DATA:
            raise Failure(f'record kind {kind}')
        return node, port, record[12:]

    def control(self):
        node, port, payload = self.recv()
        if port != CTRL:
            raise Failure(f'expected a control packet, got data from {node}:{port}')
        return struct.unpack('<5I', payload[:20])

    def lookup(self):
        """{service: (instance, node, port)} as the name service lists them."""
        self.send(self.node, CTRL, struct.pack('<5I', NEW_LOOKUP, 0, 0, 0, 0))
        found = {}
        while True:
            cmd, service, instance, node, port = self.control()
            if cmd == NEW_SERVER and service == 0 and node == 0:
                return found
            found[service] = (instance, node, port)

    def close(self):
        self.sock.close()


def request(msg, tid, tlvs=b''):
    return struct.pack('<BHHH', 0x00, tid, msg, len(tlvs)) + tlvs


def run(binary, tmp):
    bus_path = os.path.join(tmp, 'qrtr.bus')
    control = os.path.join(tmp, 'sim.ctl')
    bus = subprocess.Popen([os.path.join(os.path.dirname(binary), 'qrtr-bus'), bus_path],
                           stderr=subprocess.PIPE, text=True)
    try:
        if not bus.stderr.readline().startswith('qrtr-bus: ready'):
            raise Failure('qrtr-bus did not start')
        sim = Sim(binary, ['--protocol=qrtr', f'--link={bus_path}', '--qrtr-node=5',
                           f'--control={control}', '--manufacturer=Qrtr Corp'])
        sim.wait_ready()
        exercise(sim, bus_path, Control(control))
    finally:
        bus.terminate()
        bus.wait(timeout=10)


def exercise(sim, bus_path, control):
    watcher = Endpoint(bus_path)
    servers = watcher.lookup()
    ok('the modem services listed', set(SERVICES) <= set(servers))
    check('all on node 5, instance 0', {n for (i, n, p) in servers.values()
                                        if i >> 8 == 0}, {5})
    check('DMS version', servers[2][0] & 0xff, 1)
    check('VOICE version', servers[9][0] & 0xff, 2)

    # a request SDU, answered with a response SDU (flags 2, same tid)
    dms = servers[2]
    client = Endpoint(bus_path)
    client.send(dms[1], dms[2], request(0x0021, 0x1234))
    node, port, sdu = client.recv()
    check('answer from DMS', (node, port), (dms[1], dms[2]))
    flags, tid, msg, tlv_len = struct.unpack('<BHHH', sdu[:7])
    check('response header', (flags, tid, msg, tlv_len), (0x02, 0x1234, 0x0021, len(sdu) - 7))
    ok('manufacturer in it', b'Qrtr Corp' in sdu)
    sim.wait_line(rf'qrtr: client 1:{client.port} is DMS cid=1$')

    # not a request: logged, not answered; the next request is
    client.send(dms[1], dms[2], b'\x02\x01\x00')
    sim.wait_line(r'DMS: not a QMI request \(3 bytes')
    client.send(dms[1], dms[2], request(0x0021, 7))
    check('tid of the next answer', struct.unpack('<BHH', client.recv()[2][:5])[1], 7)

    # the client goes: every server hears DEL_CLIENT, none takes it for QMI,
    # and its client id is free again
    gone_port = client.port
    client.close()
    for name in SERVICES.values():
        sim.wait_line(rf'{name}: control DEL_CLIENT node=1 port={gone_port} from the name service')
    again = Endpoint(bus_path)
    again.send(dms[1], dms[2], request(0x0021, 1))
    again.recv()
    sim.wait_line(rf'qrtr: client 1:{again.port} is DMS cid=1$')

    # the modem restarting: its services leave and come back
    control.ok('qrtr-services down')
    withdrawn = {watcher.control()[:2] for _ in servers}
    check('withdrawn', withdrawn, {(DEL_SERVER, s) for s in servers})
    check('down twice', control.command('qrtr-services down'),
          'error: not possible: services are down already')
    control.ok('qrtr-services up')
    back = {watcher.control()[:2] for _ in servers}
    check('announced again', back, {(NEW_SERVER, s) for s in servers})

    # unplugged: the sockets close, the name service withdraws everything
    control.ok('unplug')
    gone = {watcher.control()[:2] for _ in servers}
    check('withdrawn by unplug', gone, {(DEL_SERVER, s) for s in servers})
    check('exit after unplug', sim.wait_exit(), 0)
    check_stopped(sim)


if __name__ == '__main__':
    sys.exit(test_main(__doc__, run))
