#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim behaviour that qmicli cannot show: indications, link reopen, --fd mode
and fault injection.  Speaks QMUX with a tiny encoder of its own.

Usage: test-sim-qmi-raw.py PATH-TO-MODEM-SIM
"""

import errno
import os
import select
import struct
import sys
import tempfile
import time
import tty

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Control, Failure, Sim  # noqa: E402
from simtest import ok as check  # noqa: E402

REPLY_TIMEOUT = 5
QUIET_WINDOW = 0.5  # how long "no answer" is watched for

CTL, WDS, DMS, NAS, UIM = 0x00, 0x01, 0x02, 0x03, 0x0B


# ---------------------------------------------------------------------------
# QMUX


def tlv(t, value):
    return struct.pack("<BH", t, len(value)) + value


def frame(svc, cid, tid, msg, tlvs=b""):
    if svc == CTL:
        sdu = struct.pack("<BBHH", 0, tid, msg, len(tlvs)) + tlvs
    else:
        sdu = struct.pack("<BHHH", 0, tid, msg, len(tlvs)) + tlvs
    return struct.pack("<BHBBB", 1, 5 + len(sdu), 0, svc, cid) + sdu


class Msg:
    def __init__(self, raw):
        _, length, self.flags, self.svc, self.cid = struct.unpack_from("<BHBBB", raw)
        if self.svc == CTL:
            self.kind, self.tid, self.msg, tl = struct.unpack_from("<BBHH", raw, 6)
            off = 12
            self.indication = self.kind == 2
        else:
            self.kind, self.tid, self.msg, tl = struct.unpack_from("<BHHH", raw, 6)
            off = 13
            self.indication = self.kind == 4
        self.tlvs = {}
        end = off + tl
        while off + 3 <= end:
            t, n = struct.unpack_from("<BH", raw, off)
            self.tlvs[t] = raw[off + 3 : off + 3 + n]
            off += 3 + n

    def error(self):
        status, err = struct.unpack("<HH", self.tlvs[0x02])
        return err if status else 0

    def __repr__(self):
        return "<svc=%d cid=%d %s msg=0x%04x tlvs=%s>" % (
            self.svc, self.cid, "ind" if self.indication else "resp", self.msg,
            {hex(k): v.hex() for k, v in self.tlvs.items()})


class Port:
    """The host side of the link."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""
        self.tid = 0
        self.pending = []  # frames read but not consumed yet

    def close(self):
        os.close(self.fd)

    def send(self, data):
        os.write(self.fd, data)

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                raise EOFError()
            raise
        if not data:
            raise EOFError()
        self.buf += data
        return True

    def raw(self, timeout):
        """Whatever bytes arrive within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(max(0, deadline - time.monotonic()))
        data, self.buf = self.buf, b""
        return data

    def _frames(self):
        while len(self.buf) >= 3:
            if self.buf[0] != 1:
                raise Failure("junk on the link: %r" % self.buf[:16])
            total = struct.unpack_from("<H", self.buf, 1)[0] + 1
            if len(self.buf) < total:
                break
            self.pending.append(Msg(self.buf[:total]))
            self.buf = self.buf[total:]

    def wait(self, pred, timeout=REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            self._frames()
            for m in self.pending:
                if pred(m):
                    self.pending.remove(m)
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._read(left)

    def request(self, svc, cid, msg, tlvs=b"", timeout=REPLY_TIMEOUT):
        self.tid = self.tid % 200 + 1
        tid = self.tid
        self.send(frame(svc, cid, tid, msg, tlvs))
        m = self.wait(lambda m: not m.indication and m.svc == svc and m.tid == tid and m.msg == msg,
                      timeout)
        if m is None:
            raise Failure("no reply to svc=%d msg=0x%04x" % (svc, msg))
        return m

    def indication(self, svc, cid, msg, timeout=REPLY_TIMEOUT):
        return self.wait(lambda m: m.indication and m.svc == svc and m.cid == cid and m.msg == msg,
                         timeout)

    def allocate(self, svc):
        m = self.request(CTL, 0, 0x0022, tlv(0x01, bytes([svc])))
        if m.error():
            raise Failure("allocate cid failed: %d" % m.error())
        return m.tlvs[0x01][1]


# ---------------------------------------------------------------------------
# scenarios


def serving_state(m):
    return m.tlvs[0x01][0]  # 0 not registered, 1 registered, 2 searching


def test_indications(binary, tmp):
    link = os.path.join(tmp, "ind")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--registration-delay-ms=200",
                       "--network-disconnect-after-ms=200"])
    try:
        sim.wait_ready()
        p = Port(link)
        nas_listener = p.allocate(NAS)
        nas_quiet = p.allocate(NAS)
        dms = p.allocate(DMS)
        check("two NAS clients get distinct ids", nas_listener != nas_quiet)
        m = p.request(NAS, nas_listener, 0x0003, tlv(0x13, b"\x01") + tlv(0x18, b"\x01"))
        check("register indications accepted", m.error() == 0)

        m = p.request(DMS, dms, 0x002E, tlv(0x01, b"\x01"))  # low power
        check("set operating mode low-power", m.error() == 0)
        ind = p.indication(NAS, nas_listener, 0x0024)
        check("serving system indication: not registered", ind and serving_state(ind) == 0)
        m = p.request(DMS, dms, 0x002D)
        check("operating mode reads low-power", m.tlvs[0x01][0] == 1)

        p.request(DMS, dms, 0x002E, tlv(0x01, b"\x00"))  # online
        ind = p.indication(NAS, nas_listener, 0x0024)
        check("serving system indication: searching", ind and serving_state(ind) == 2)
        ind = p.indication(NAS, nas_listener, 0x0024)
        check("serving system indication: registered after the delay",
              ind and serving_state(ind) == 1)
        check("system info indication sent too", p.indication(NAS, nas_listener, 0x004E) is not None)
        check("no indication to the client that did not register",
              p.indication(NAS, nas_quiet, 0x0024, timeout=QUIET_WINDOW) is None)

        wds = p.allocate(WDS)
        m = p.request(WDS, wds, 0x0020, tlv(0x14, b"internet"))
        check("start network", m.error() == 0 and 0x01 in m.tlvs)
        ind = p.indication(WDS, wds, 0x0022)
        check("packet service indication: connected", ind and ind.tlvs[0x01][0] == 2)
        ind = p.indication(WDS, wds, 0x0022)
        check("packet service indication: disconnected by the network",
              ind and ind.tlvs[0x01][0] == 1)
        m = p.request(WDS, wds, 0x0022)
        check("packet service status: disconnected", m.tlvs[0x01][0] == 1)

        # the link survives a close and a reopen, and the modem keeps its clients
        p.close()
        p = Port(link)
        m = p.request(DMS, dms, 0x0021)
        check("same client id still works after reopening the link",
              m.error() == 0 and m.tlvs[0x01] != b"")
        m = p.request(DMS, 0x77, 0x0021)
        check("unknown client id refused (InvalidClientId)", m.error() == 7)
        m = p.request(DMS, dms, 0x0999)
        check("unknown message answered with InvalidQmiCommand", m.error() == 0x47)
        m = p.request(CTL, 0, 0x0022, tlv(0x01, b"\x42"))
        check("allocating an unsupported service fails", m.error() != 0)
        p.close()
    finally:
        rc = sim.stop()
    check("exit 0 on SIGTERM", rc == 0)
    check("link removed on SIGTERM", not os.path.lexists(link))


def test_stale_output_discarded(binary, tmp):
    link = os.path.join(tmp, "stale")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link])
    try:
        sim.wait_ready()
        p = Port(link)
        dms = p.allocate(DMS)
        p.send(frame(DMS, dms, 41, 0x0021))  # closed before the answer is read
        p.close()
        sim.wait_line(r"^sim: rx qmi DMS GetManufacturer cid=%d tid=41$" % dms)
        sim.wait_line(r"^sim: link closed by peer$")
        p = Port(link)
        p.send(frame(DMS, dms, 42, 0x0022))
        m = p.wait(lambda m: True)
        check("first frame after reopening answers the new request, not the stale one",
              m is not None and m.tid == 42 and m.msg == 0x0022)
        p.close()
    finally:
        sim.stop()


def test_fd_mode(binary, tmp):
    master, slave = os.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    os.close(slave)  # far side not open: the simulator reads EIO until we open it
    sim = Sim(binary, ["--protocol=qmi", "--fd=%d" % master], pass_fds=[master])
    os.close(master)
    try:
        sim.wait_ready()
        for round_ in range(3):
            p = Port(name)
            dms = p.allocate(DMS)
            m = p.request(DMS, dms, 0x0021)
            check("fd mode round %d: manufacturer answered" % round_, m.error() == 0)
            p.close()
        check("fd mode: still running after the peer went away", sim.proc.poll() is None)
    finally:
        rc = sim.stop()
    check("fd mode: exit 0 on SIGTERM", rc == 0)


def test_silent(binary, tmp):
    link = os.path.join(tmp, "silent")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--fault=silent-after=2"])
    try:
        sim.wait_ready()
        p = Port(link)
        dms = p.allocate(DMS)  # request 1
        p.request(DMS, dms, 0x0021)  # request 2
        p.send(frame(DMS, dms, 99, 0x0021))  # request 3: no answer
        check("silent-after=2: third request unanswered", p.raw(QUIET_WINDOW) == b"")
        sim.wait_line(r"^sim: rx qmi DMS GetManufacturer cid=%d tid=99$" % dms, 1)
        p.close()
    finally:
        sim.stop()


def test_garbage(binary, tmp):
    link = os.path.join(tmp, "garbage")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--fault=garbage-after=1"])
    try:
        sim.wait_ready()
        p = Port(link)
        dms = p.allocate(DMS)
        p.send(frame(DMS, dms, 5, 0x0021))
        data = p.raw(QUIET_WINDOW)
        check("garbage-after=1: answer is not a QMUX frame", data != b"" and data[0] != 1)
        p.close()
    finally:
        sim.stop()


def test_hangup(binary, tmp):
    link = os.path.join(tmp, "hangup")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--fault=hangup-after=1"])
    try:
        sim.wait_ready()
        p = Port(link)
        dms = p.allocate(DMS)
        p.send(frame(DMS, dms, 5, 0x0021))
        hung_up = False
        try:
            p.raw(REPLY_TIMEOUT)
        except EOFError:
            hung_up = True
        check("hangup-after=1: peer sees EIO/EOF", hung_up)
        check("hangup: simulator exits 0", sim.wait_exit() == 0)
        check("hangup: link removed", not os.path.lexists(link))
        p.close()
    finally:
        sim.stop()


def signal_info(p, nas):
    """NAS Get Signal Info, LTE: (RSSI, RSRQ, RSRP, SNR x10)."""
    m = p.request(NAS, nas, 0x004F)
    return struct.unpack("<bbhh", m.tlvs[0x14])


def roaming(ind):
    """Serving system roaming indicator: True when roaming."""
    return ind.tlvs[0x10][0] == 0


def test_control(binary, tmp):
    link = os.path.join(tmp, "ctl")
    path = os.path.join(tmp, "qmi.ctl")
    sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--control=" + path,
                       "--visible-operator=26207:Roam Net", "--rssi=-70", "--rsrp=-95",
                       "--rsrq=-10", "--snr=12.5"])
    try:
        sim.wait_ready()
        c = Control(path)
        p = Port(link)
        nas = p.allocate(NAS)
        wds = p.allocate(WDS)
        p.request(NAS, nas, 0x0003, tlv(0x13, b"\x01") + tlv(0x18, b"\x01"))

        # signal: the next queries answer the new values, RSSI moves with RSRP
        check("signal info before", signal_info(p, nas) == (-70, -10, -95, 125))
        c.ok("signal -112 -17 -3.5")
        check("signal info answers the new values", signal_info(p, nas) == (-87, -17, -112, -35))
        m = p.request(NAS, nas, 0x0020)
        check("signal strength answers them too",
              (struct.unpack("<b", m.tlvs[0x16][:1])[0], struct.unpack("<h", m.tlvs[0x17])[0],
               struct.unpack("<h", m.tlvs[0x18])[0]) == (-17, -35, -112))

        # network-disconnect: the WDS packet service status indication
        m = p.request(WDS, wds, 0x0020, tlv(0x14, b"internet"))
        check("start network", m.error() == 0)
        check("connected", p.indication(WDS, wds, 0x0022).tlvs[0x01][0] == 2)
        c.ok("network-disconnect")
        ind = p.indication(WDS, wds, 0x0022)
        check("network-disconnect: packet service indication, disconnected (no service)",
              ind is not None and ind.tlvs[0x01][0] == 1
              and struct.unpack("<H", ind.tlvs[0x10])[0] == 3)
        check("packet service status: disconnected", p.request(WDS, wds, 0x0022).tlvs[0x01][0] == 1)

        # register: serving system indications (0 idle, 1 registered, 2 searching, 3 denied)
        c.ok("register roaming")
        ind = p.indication(NAS, nas, 0x0024)
        check("roaming: leaves home first (searching)", ind and serving_state(ind) == 2)
        ind = p.indication(NAS, nas, 0x0024)
        check("roaming: registered, roaming, on 262-07",
              ind and serving_state(ind) == 1 and roaming(ind)
              and struct.unpack_from("<HH", ind.tlvs[0x12]) == (262, 7))
        check("system info indication too", p.indication(NAS, nas, 0x004E) is not None)
        c.ok("register denied")
        ind = p.indication(NAS, nas, 0x0024)
        check("denied", ind and serving_state(ind) == 3)
        m = p.request(WDS, wds, 0x0020, tlv(0x14, b"internet"))
        check("no data session while denied", m.error() == 14)
        c.ok("register searching")
        ind = p.indication(NAS, nas, 0x0024)
        check("searching", ind and serving_state(ind) == 2)
        c.ok("register idle")
        ind = p.indication(NAS, nas, 0x0024)
        check("idle", ind and serving_state(ind) == 0)
        c.ok("register home")
        ind = p.indication(NAS, nas, 0x0024)
        check("home: registered, not roaming, on 262-01",
              ind and serving_state(ind) == 1 and not roaming(ind)
              and struct.unpack_from("<HH", ind.tlvs[0x12]) == (262, 1))

        # unplug: the host reads a hangup, the simulator is gone
        check("unplug", c.command("unplug") == "ok")
        hung_up = False
        try:
            p.raw(REPLY_TIMEOUT)
        except EOFError:
            hung_up = True
        check("unplug: peer sees EIO/EOF", hung_up)
        check("unplug: simulator exits 0", sim.wait_exit() == 0)
        check("unplug: link removed", not os.path.lexists(link))
        check("unplug: control socket removed", not os.path.lexists(path))
        p.close()
    finally:
        sim.stop()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="modem-sim-") as tmp:
        try:
            for t in (test_indications, test_stale_output_discarded, test_fd_mode, test_silent,
                      test_garbage, test_hangup, test_control):
                print("== " + t.__name__, flush=True)
                t(binary, tmp)
        except Failure as e:
            print("FAIL: %s" % e, flush=True)
            return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
