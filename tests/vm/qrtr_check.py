#!/usr/bin/python3
"""QRTR checks, run inside the test VM (tests/vm/test_vm_qrtr_smoke.py sends
it there); prints one JSON object with what it saw, for the host to judge.

What it exercises, the way modemd's QRTR transport will use the kernel:
  - an AF_QIPCRTR datagram socket, its local node and an automatic port;
  - the kernel's name service on the control port: NEW_LOOKUP, answered by
    one NEW_SERVER per match and an all-zero NEW_SERVER that ends the list;
  - a service published by a second local socket (NEW_SERVER to the name
    service), found by a lookup, reached with data, and withdrawn (DEL_SERVER
    to the watcher) when its socket closes;
  - /dev/qrtr-tun, when the kernel has it: a userspace process acting as a
    remote node that publishes a service and answers data sent to it.

Control packet (little endian): u32 cmd, then for server commands u32
service, instance, node, port.  qrtr-tun frames carry the version 1 header:
u32 version(1), type, src node, src port, confirm_rx, size, dst node, dst port.
"""

import errno
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

AF_QIPCRTR = getattr(socket, 'AF_QIPCRTR', 42)
QRTR_PORT_CTRL = 0xfffffffe
QRTR_NODE_BCAST = 0xffffffff

TYPE_DATA = 1
TYPE_HELLO = 2
TYPE_NEW_SERVER = 4
TYPE_DEL_SERVER = 5
TYPE_NEW_LOOKUP = 10

CTRL_PKT = struct.Struct('<5I')
TUN_HDR = struct.Struct('<8I')

# A QMI service as a simulated modem would publish it: DMS (2), version 1.
LOCAL_SERVICE, LOCAL_INSTANCE = 2, 1
# The service the qrtr-tun "remote node" publishes: WDS (1), version 1.
REMOTE_NODE, REMOTE_PORT = 7, 0x40
REMOTE_SERVICE, REMOTE_INSTANCE = 1, 1

DEADLINE = 10.0  # seconds for any one expected packet


def ctrl(cmd, service=0, instance=0, node=0, port=0):
    return CTRL_PKT.pack(cmd, service, instance, node, port)


def open_socket():
    """A QRTR socket bound to an automatic port on the local node."""
    sock = socket.socket(AF_QIPCRTR, socket.SOCK_DGRAM)
    node, _ = sock.getsockname()
    # bind() wants the local node; port 0 picks a free ephemeral port.
    sock.bind((node, 0))
    sock.settimeout(DEADLINE)
    return sock


def recv_ctrl(sock):
    data, sender = sock.recvfrom(4096)
    if len(data) < CTRL_PKT.size:
        raise ValueError(f'short control packet ({len(data)} bytes) from {sender}')
    return CTRL_PKT.unpack_from(data), sender


def lookup(sock, node, service=0, instance=0):
    """Sends NEW_LOOKUP; returns (servers found, the terminator was seen,
    senders of the answers).  The lookup stays registered: later NEW_SERVER
    and DEL_SERVER for matching services arrive on `sock` as well."""
    sock.sendto(ctrl(TYPE_NEW_LOOKUP, service, instance), (node, QRTR_PORT_CTRL))
    servers, senders = [], set()
    while True:
        (cmd, svc, inst, srv_node, srv_port), sender = recv_ctrl(sock)
        senders.add(sender)
        if cmd != TYPE_NEW_SERVER:
            raise ValueError(f'unexpected control command {cmd} in a lookup answer')
        if (svc, inst, srv_node, srv_port) == (0, 0, 0, 0):
            return servers, True, sorted(senders)
        servers.append({'service': svc, 'instance': inst, 'node': srv_node, 'port': srv_port})


def wait_for_server_event(sock, cmd_wanted, service):
    """The next NEW_SERVER/DEL_SERVER notification for `service`."""
    while True:
        (cmd, svc, inst, node, port), _ = recv_ctrl(sock)
        if cmd == cmd_wanted and svc == service:
            return {'service': svc, 'instance': inst, 'node': node, 'port': port}


def check_socket(report):
    sock = open_socket()
    node, port = sock.getsockname()
    report['socket'] = {'node': node, 'port': port}
    return sock, node


def check_name_service(report, watcher, node):
    servers, terminated, senders = lookup(watcher, node)
    report['lookup_all'] = {'servers': servers, 'terminated': terminated,
                            'senders': [list(s) for s in senders]}


def check_local_service(report, watcher, node):
    """A second socket publishes a service; a lookup finds it; data reaches
    it; closing it withdraws it."""
    server = open_socket()
    server_addr = server.getsockname()
    server.sendto(ctrl(TYPE_NEW_SERVER, LOCAL_SERVICE, LOCAL_INSTANCE), (node, QRTR_PORT_CTRL))
    result = {'server': list(server_addr),
              'announced': wait_for_server_event(watcher, TYPE_NEW_SERVER, LOCAL_SERVICE)}

    client = open_socket()
    servers, terminated, _ = lookup(client, node, LOCAL_SERVICE)
    result['lookup'] = {'servers': servers, 'terminated': terminated}

    client.sendto(b'ping', server_addr)
    data, sender = server.recvfrom(4096)
    server.sendto(b'pong:' + data, sender)
    reply, replier = client.recvfrom(4096)
    result['data'] = {'server_got': data.decode(),
                      'from_client': list(sender) == list(client.getsockname()),
                      'client_got': reply.decode(),
                      'from_server': list(replier) == list(server_addr)}

    server.close()
    result['withdrawn'] = wait_for_server_event(watcher, TYPE_DEL_SERVER, LOCAL_SERVICE)
    client.close()
    report['local_service'] = result


def tun_frame(ptype, src, dst, payload):
    padded = payload + b'\0' * (-len(payload) % 4)
    return TUN_HDR.pack(1, ptype, src[0], src[1], 0, len(payload), dst[0], dst[1]) + padded


def tun_read_data(fd):
    """The next DATA frame the kernel routes to the remote node; control
    frames (HELLO, broadcasts of local services) are skipped."""
    end = time.monotonic() + DEADLINE
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            raise TimeoutError('no DATA frame from qrtr-tun')
        frame = os.read(fd, 65536)
        if len(frame) < TUN_HDR.size:
            raise ValueError(f'short qrtr-tun frame ({len(frame)} bytes)')
        version, ptype, src_node, src_port, _, size, dst_node, dst_port = \
            TUN_HDR.unpack_from(frame)
        if version != 1 or size > len(frame) - TUN_HDR.size:
            raise ValueError(f'bad qrtr-tun frame: version {version}, size {size}')
        if ptype == TYPE_DATA:
            payload = frame[TUN_HDR.size:TUN_HDR.size + size]
            return (src_node, src_port), (dst_node, dst_port), payload


def check_qrtr_tun(report, watcher, node):
    modprobe = subprocess.run(['modprobe', 'qrtr-tun'], capture_output=True, text=True)
    result = {'modprobe': modprobe.returncode, 'modprobe_error': modprobe.stderr.strip(),
              'device': os.path.exists('/dev/qrtr-tun')}
    report['qrtr_tun'] = result
    if not result['device']:
        return
    fd = os.open('/dev/qrtr-tun', os.O_RDWR)
    try:
        remote = (REMOTE_NODE, REMOTE_PORT)
        announce = ctrl(TYPE_NEW_SERVER, REMOTE_SERVICE, REMOTE_INSTANCE, *remote)
        os.write(fd, tun_frame(TYPE_NEW_SERVER, (REMOTE_NODE, QRTR_PORT_CTRL),
                               (node, QRTR_PORT_CTRL), announce))
        result['announced'] = wait_for_server_event(watcher, TYPE_NEW_SERVER, REMOTE_SERVICE)
        client = open_socket()
        servers, terminated, _ = lookup(client, node, REMOTE_SERVICE)
        result['lookup'] = {'servers': servers, 'terminated': terminated}
        client.sendto(b'ping', remote)
        src, dst, payload = tun_read_data(fd)
        os.write(fd, tun_frame(TYPE_DATA, remote, src, b'pong:' + payload))
        reply, replier = client.recvfrom(4096)
        result['data'] = {'tun_got': payload.decode(), 'tun_dst': list(dst),
                          'from_client': list(src) == list(client.getsockname()),
                          'client_got': reply.decode(),
                          'from_remote': list(replier) == list(remote)}
        client.close()
    finally:
        os.close(fd)


def main():
    report = {'kernel': os.uname().release}
    try:
        watcher, node = check_socket(report)
        check_name_service(report, watcher, node)
        check_local_service(report, watcher, node)
        check_qrtr_tun(report, watcher, node)
    except (OSError, ValueError) as e:
        report['error'] = f'{type(e).__name__}: {e}'
        if isinstance(e, OSError) and e.errno:
            report['errno'] = errno.errorcode.get(e.errno, e.errno)
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
