#!/usr/bin/python3
"""QMUX relay between a client-side descriptor and modem-sim, answering the
few requests modem-sim does not implement but ModemManager 1.20 requires
(a bench workaround, not a simulator: every other byte goes through as is).

  qmi_relay.py --client-fd=N --sim-fd=M [--answer=SVC:MSG ...]

--client-fd: the pty master behind the emulated /dev/cdc-wdmN (umockdev);
--sim-fd: the slave side of a pty whose master modem-sim serves (--fd).
--answer=1:0x0001 (repeatable): answer requests of service 1 (WDS), message
0x0001 (Set Event Report) with an empty success response instead of forwarding
them. Logs what it answered on stderr ("relay: answered ...").
"""
import argparse
import os
import select
import struct
import sys
import termios
import tty


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--client-fd', type=int, required=True)
    p.add_argument('--sim-fd', type=int, required=True)
    p.add_argument('--answer', action='append', default=[])
    a = p.parse_args()
    answer = set()
    for spec in a.answer:
        svc, msg = spec.split(':')
        answer.add((int(svc, 0), int(msg, 0)))
    cfd, sfd = a.client_fd, a.sim_fd
    for fd in (sfd,):
        try:
            tty.setraw(fd, termios.TCSANOW)
        except termios.error:
            pass
    buf = b''
    print('relay: ready', file=sys.stderr, flush=True)
    while True:
        r, _, _ = select.select([cfd, sfd], [], [])
        if sfd in r:
            try:
                data = os.read(sfd, 65536)
            except OSError:
                return 0
            if not data:
                return 0
            os.write(cfd, data)
        if cfd in r:
            try:
                data = os.read(cfd, 65536)
            except OSError as e:
                # EIO: the client side closed (no opener); wait for the next open
                select.select([], [], [], 0.01)
                continue
            if not data:
                select.select([], [], [], 0.01)
                continue
            buf += data
            while len(buf) >= 3:
                if buf[0] != 0x01:  # not QMUX: pass through whatever it is
                    os.write(sfd, buf)
                    buf = b''
                    break
                length = struct.unpack_from('<H', buf, 1)[0]
                if len(buf) < length + 1:
                    break
                frame, buf = buf[:length + 1], buf[length + 1:]
                svc, cid = frame[4], frame[5]
                if svc != 0 and len(frame) >= 13:
                    tid, msg = struct.unpack_from('<HH', frame, 7)
                    if (svc, msg) in answer:
                        qmi = struct.pack('<BHHH', 0x02, tid, msg, 7) + \
                            struct.pack('<BHHH', 0x02, 4, 0, 0)
                        qmux = struct.pack('<BHBBB', 0x01, 5 + len(qmi), 0x80, svc, cid)
                        os.write(cfd, qmux + qmi)
                        print(f'relay: answered svc={svc} cid={cid} msg=0x{msg:04x} tid={tid}',
                              file=sys.stderr, flush=True)
                        continue
                os.write(sfd, frame)


if __name__ == '__main__':
    sys.exit(main())
