#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim --protocol=mbim: the notifications the control commands cause,
seen by a raw MBIM host (mbimcli does not wait for notifications).  Speaks
MBIM with a tiny encoder of its own.

Usage: test-sim-mbim-raw.py PATH-TO-MODEM-SIM
"""

import errno
import os
import select
import struct
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Control, Failure, Sim, check, ok, test_main  # noqa: E402

TIMEOUT = 5
OPEN, COMMAND = 1, 3
OPEN_DONE, COMMAND_DONE, INDICATE_STATUS = 0x80000001, 0x80000003, 0x80000007
BASIC_CONNECT = bytes.fromhex("a289cc33bcbb8b4fb6b0133ec2aae6df")
CID_REGISTER_STATE, CID_PACKET_SERVICE, CID_CONNECT = 9, 10, 12


class Msg:
    def __init__(self, raw):
        self.type, _, self.tid = struct.unpack_from("<III", raw)
        self.cid = self.status = None
        self.info = b""
        if self.type == INDICATE_STATUS:
            self.uuid = raw[20:36]
            self.cid, n = struct.unpack_from("<II", raw, 36)
            self.info = raw[44:44 + n]
        elif self.type == COMMAND_DONE:
            self.uuid = raw[20:36]
            self.cid, self.status, n = struct.unpack_from("<III", raw, 36)
            self.info = raw[48:48 + n]

    def u32(self, off):
        return struct.unpack_from("<I", self.info, off)[0]

    def string(self, off):
        """The UTF-16LE string referenced by the offset/size pair at off."""
        o, n = struct.unpack_from("<II", self.info, off)
        return self.info[o:o + n].decode("utf-16-le")


class Host:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""
        self.tid = 0
        self.pending = []

    def close(self):
        os.close(self.fd)

    def _read(self, timeout):
        if not select.select([self.fd], [], [], timeout)[0]:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                raise EOFError()
            raise
        if not data:
            raise EOFError()
        self.buf += data
        while len(self.buf) >= 12:
            n = struct.unpack_from("<I", self.buf, 4)[0]
            if len(self.buf) < n:
                break
            self.pending.append(Msg(self.buf[:n]))
            self.buf = self.buf[n:]

    def wait(self, pred, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for m in self.pending:
                if pred(m):
                    self.pending.remove(m)
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._read(left)

    def send(self, mtype, body):
        self.tid += 1
        os.write(self.fd, struct.pack("<III", mtype, 12 + len(body), self.tid) + body)
        return self.tid

    def open(self):
        tid = self.send(OPEN, struct.pack("<I", 4096))
        if not self.wait(lambda m: m.type == OPEN_DONE and m.tid == tid):
            raise Failure("no answer to Open")

    def command(self, cid, set_, info=b""):
        tid = self.send(COMMAND, struct.pack("<II", 1, 0) + BASIC_CONNECT
                        + struct.pack("<III", cid, 1 if set_ else 0, len(info)) + info)
        m = self.wait(lambda m: m.type == COMMAND_DONE and m.tid == tid)
        if m is None:
            raise Failure("no answer to cid %d" % cid)
        return m

    def indication(self, cid, timeout=TIMEOUT):
        return self.wait(lambda m: m.type == INDICATE_STATUS and m.uuid == BASIC_CONNECT
                         and m.cid == cid, timeout)


def connect_request(session, apn):
    """Connect set: activate session with apn, IPv4, context type Internet."""
    data = apn.encode("utf-16-le")
    internet = bytes.fromhex("7e5e2a7e4e6f7272736b656e7e5e2a7e")
    return (struct.pack("<II", session, 1) + struct.pack("<II", 60, len(data)) + bytes(16)
            + struct.pack("<III", 0, 0, 1) + internet + data + bytes(-len(data) % 4))


def run(binary, tmp):
    link = os.path.join(tmp, "cdc-wdm-mbim")
    path = os.path.join(tmp, "mbim.ctl")
    sim = Sim(binary, ["--protocol=mbim", "--link=" + link, "--control=" + path,
                       "--visible-operator=26207:Roam Net"])
    try:
        sim.wait_ready()
        c = Control(path)
        h = Host(link)
        h.open()
        m = h.command(CID_CONNECT, True, connect_request(0, "internet"))
        check("connect: activated", (m.status, m.u32(4)), (0, 1))

        c.ok("network-disconnect")
        ind = h.indication(CID_CONNECT)
        ok("network-disconnect: Connect notification", ind is not None)
        check("session deactivated, network error 36 (regular deactivation)",
              (ind.u32(0), ind.u32(4), ind.u32(32)), (0, 3, 36))
        m = h.command(CID_CONNECT, False, struct.pack("<I", 0))
        check("Connect query: deactivated", m.u32(4), 3)

        # register states: 1 deregistered, 2 searching, 3 home, 4 roaming, 6 denied
        c.ok("register denied")
        ind = h.indication(CID_REGISTER_STATE)
        check("register state notification: denied", ind and ind.u32(4), 6)
        ind = h.indication(CID_PACKET_SERVICE)
        check("packet service notification: detached", ind and ind.u32(4), 4)
        c.ok("register roaming")
        ind = h.indication(CID_REGISTER_STATE)
        check("roaming, on the visible operator", ind and (ind.u32(4), ind.string(20)),
              (4, "26207"))
        ind = h.indication(CID_PACKET_SERVICE)
        check("packet service: attached", ind and ind.u32(4), 2)
        c.ok("register searching")
        ind = h.indication(CID_REGISTER_STATE)
        check("searching", ind and ind.u32(4), 2)
        c.ok("register idle")
        ind = h.indication(CID_REGISTER_STATE)
        check("idle (deregistered)", ind and ind.u32(4), 1)
        c.ok("register home")
        ind = h.indication(CID_REGISTER_STATE)
        check("home", ind and (ind.u32(4), ind.string(20)), (3, "26201"))

        check("unplug", c.command("unplug"), "ok")
        hung_up = False
        try:
            h.wait(lambda m: False)
        except EOFError:
            hung_up = True
        ok("unplug: the host reads a hangup", hung_up)
        check("unplug: exit 0", sim.wait_exit(), 0)
        check("unplug: link removed", os.path.lexists(link), False)
        check("unplug: control socket removed", os.path.lexists(path), False)
        h.close()
    finally:
        sim.stop()


if __name__ == "__main__":
    sys.exit(test_main(__doc__, run))
