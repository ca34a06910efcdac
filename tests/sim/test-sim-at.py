#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim --protocol=at: a terminal-style client drives the 27.007 command set.

Usage: test-sim-at.py PATH-TO-MODEM-SIM
"""

import os
import select
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Failure, Sim, check, check_stopped, ok, test_main  # noqa: E402

TIMEOUT = 5
FINAL = ("OK", "ERROR", "+CME ERROR:", "NO CARRIER", "CONNECT")
URCS = ("+CREG:", "+CGREG:", "+CEREG:", "+CGEV:")


class Tty:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = ""
        self.urcs = []  # unsolicited lines seen while waiting for answers

    def close(self):
        os.close(self.fd)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.fd], [], [], left)
        if r:
            self.buf += os.read(self.fd, 4096).decode()
        return True

    def lines(self):
        """Complete lines, one at a time, consumed only as they are taken."""
        while "\r\n" in self.buf:
            line, self.buf = self.buf.split("\r\n", 1)
            yield line

    def cmd(self, line):
        """Send a command line; (information lines, final result)."""
        print("> " + line, flush=True)
        os.write(self.fd, (line + "\r").encode())
        deadline = time.monotonic() + TIMEOUT
        info = []
        while True:
            for text in self.lines():
                if text.endswith("\r") and text.rstrip("\r") == line:
                    continue  # echo
                if text.startswith(line + "\r"):
                    text = text[len(line) + 1:]  # echo glued to the answer
                if not text:
                    continue
                if text.startswith(URCS) and text.split(":")[0] not in line:
                    print("< (urc) " + text, flush=True)
                    self.urcs.append(text)
                    continue
                print("< " + text, flush=True)
                if text.startswith(FINAL):
                    return info, text
                info.append(text)
            if not self._fill(deadline):
                raise Failure("no final result for %r" % line)

    def expect_ok(self, line):
        info, final = self.cmd(line)
        if final != "OK":
            raise Failure("%s -> %s" % (line, final))
        return info

    def urc(self, prefix, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            while self.urcs:
                text = self.urcs.pop(0)
                if text.startswith(prefix):
                    print("< (urc) " + text, flush=True)
                    return text
            for text in self.lines():
                if text.startswith(prefix):
                    print("< (urc) " + text, flush=True)
                    return text
            if not self._fill(deadline):
                return None


def run(binary, tmp):
    link = os.path.join(tmp, "ttyUSB-sim")
    sim = Sim(binary, ["--protocol=at", "--link=" + link, "--manufacturer=AT Works",
                       "--model=AT-1", "--revision=AT.9", "--imei=490154203237518",
                       "--imsi=262019876543210", "--iccid=89490200009876543210",
                       "--sim-pin=4321", "--registration-delay-ms=100", "--rssi=-75",
                       "--ip4=100.64.1.2/30", "--gateway4=100.64.1.1", "--dns4=100.64.0.53"])
    try:
        sim.wait_ready()
        t = Tty(link)
        # echo is on until ATE0: the command comes back before the result
        os.write(t.fd, b"AT\r")
        deadline = time.monotonic() + TIMEOUT
        while "OK\r\n" not in t.buf:
            if not t._fill(deadline):
                raise Failure("no answer to AT")
        check("echo before ATE0", t.buf, "AT\r\r\nOK\r\n")
        t.buf = ""
        info, final = t.cmd("AT")
        check("AT", final, "OK")
        t.expect_ok("ATE0")
        os.write(t.fd, b"AT\r")
        deadline = time.monotonic() + TIMEOUT
        while "OK\r\n" not in t.buf:
            if not t._fill(deadline):
                raise Failure("no answer to AT after ATE0")
        check("no echo after ATE0", t.buf, "\r\nOK\r\n")
        t.buf = ""
        check("+GCAP", t.expect_ok("AT+GCAP"), ["+GCAP: +CGSM,+DS,+ES"])
        check("+CGMI", t.expect_ok("AT+CGMI"), ["AT Works"])
        check("+CGMM", t.expect_ok("AT+CGMM"), ["AT-1"])
        check("+CGMR", t.expect_ok("AT+CGMR"), ["AT.9"])
        check("+CGSN", t.expect_ok("AT+CGSN"), ["490154203237518"])
        t.expect_ok("AT+CMEE=1;+CEREG=2;+CGEREP=2,1")
        check("+CPIN? locked", t.expect_ok("AT+CPIN?"), ["+CPIN: SIM PIN"])
        check("+CIMI while locked", t.cmd("AT+CIMI")[1], "+CME ERROR: 11")
        check("wrong PIN", t.cmd('AT+CPIN="0000"')[1], "+CME ERROR: 16")
        sim.wait_line(r'^sim: rx at AT\+CPIN="0000"$', 1)
        check("+CPINR after wrong PIN", t.expect_ok('AT+CPINR="SIM PIN"'), ["+CPINR: SIM PIN,2,3"])
        t.expect_ok('AT+CPIN="4321"')
        check("+CPIN? unlocked", t.expect_ok("AT+CPIN?"), ["+CPIN: READY"])
        check("searching URC", t.urc("+CEREG: 2") is not None, True)
        check("registered URC", t.urc("+CEREG: 1,") is not None, True)
        check("+CIMI", t.expect_ok("AT+CIMI"), ["262019876543210"])
        check("+CCID", t.expect_ok("AT+CCID"), ["+CCID: 89490200009876543210"])
        check("+CRSM EF_ICCID", t.expect_ok("AT+CRSM=176,12258,0,0,10"),
              ['+CRSM: 144,0,"98942000008967452301"'])
        check("+CEREG?", t.expect_ok("AT+CEREG?"), ['+CEREG: 2,1,"1234","01A2B3C4",7'])
        check("+COPS?", t.expect_ok("AT+COPS?"), ['+COPS: 0,0,"Simnet",7'])
        t.expect_ok("AT+COPS=3,2")
        check("+COPS? numeric", t.expect_ok("AT+COPS?"), ['+COPS: 0,2,"26201",7'])
        check("+CSQ", t.expect_ok("AT+CSQ"), ["+CSQ: 19,99"])

        t.expect_ok('AT+CGDCONT=1,"IP","internet.sim"')
        check("+CGDCONT?", t.expect_ok("AT+CGDCONT?"), ['+CGDCONT: 1,"IP","internet.sim","",0,0'])
        t.expect_ok("AT+CGACT=1,1")
        sim.wait_line(r"^sim: event: session up .* apn=internet.sim", 1)
        check("+CGACT?", t.expect_ok("AT+CGACT?"), ["+CGACT: 1,1"])
        check("+CGPADDR", t.expect_ok("AT+CGPADDR=1"), ['+CGPADDR: 1,"100.64.1.2"'])
        check("+CGCONTRDP", t.expect_ok("AT+CGCONTRDP=1"),
              ['+CGCONTRDP: 1,5,"internet.sim","100.64.1.2.255.255.255.252","100.64.1.1",'
               '"100.64.0.53","",,,0,0,1500'])
        sim.proc.send_signal(signal.SIGUSR1)
        ok("network deactivation URC", t.urc("+CGEV: NW PDN DEACT 1") is not None)
        check("+CGACT? after drop", t.expect_ok("AT+CGACT?"), ["+CGACT: 1,0"])

        t.expect_ok("AT+CFUN=4")
        check("deregistered URC", t.urc("+CEREG: 0") is not None, True)
        check("+CFUN?", t.expect_ok("AT+CFUN?"), ["+CFUN: 4"])
        t.expect_ok("AT+CFUN=1")
        check("registered again", t.urc("+CEREG: 1,") is not None, True)

        check("unknown command", t.cmd("AT+XYZZY")[1], "ERROR")
        # PPP: dial, data mode, escape, hang up
        info, final = t.cmd("ATD*99***1#")
        ok("dial answers CONNECT (%s)" % final, final.startswith("CONNECT"))
        sim.wait_line(r"^sim: event: session up .* apn=internet.sim", 1)
        os.write(t.fd, b"+++")
        ok("escape to command mode", t.urc("OK") is not None)
        t.expect_ok("ATH")
        sim.wait_line(r"^sim: event: session down", 1)
        # network-initiated drop while in data mode
        info, final = t.cmd("ATD*99***1#")
        ok("dial again answers CONNECT", final.startswith("CONNECT"))
        sim.proc.send_signal(signal.SIGUSR1)
        ok("network drop: NO CARRIER", t.urc("NO CARRIER") is not None)
        t.expect_ok("AT")
        check("dial without registration", (t.expect_ok("AT+CFUN=4"), t.cmd("ATD*99***1#")[1])[1],
              "NO CARRIER")
        t.close()
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim)



if __name__ == "__main__":
    sys.exit(test_main(__doc__, run))
