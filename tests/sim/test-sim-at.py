#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim --protocol=at: a terminal-style client drives the 27.007 command set.

Usage: test-sim-at.py PATH-TO-MODEM-SIM
"""

import errno
import os
import select
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Control, Failure, Sim, check, check_stopped, ok, test_main  # noqa: E402

TIMEOUT = 5
FINAL = ("OK", "ERROR", "+CME ERROR:", "+CMS ERROR:", "NO CARRIER", "CONNECT")
URCS = ("+CREG:", "+CGREG:", "+CEREG:", "+CGEV:", "+CMTI:", "+CDSI:", "+CMT:", "+CDS:",
        "+CBM:")


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


def test_command_set(binary, tmp):
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


def test_number_bounds(binary, tmp):
    """Numbers past what a command takes are errors, not wrapped-around values."""
    link = os.path.join(tmp, "ttyUSB-bounds")
    sim = Sim(binary, ["--protocol=at", "--link=" + link])
    try:
        sim.wait_ready()
        t = Tty(link)
        t.expect_ok("ATE0")
        check("ATE99999999999 (past a signed int)", t.cmd("ATE99999999999")[1], "ERROR")
        check("ATE4294967297 (2^32 + 1)", t.cmd("ATE4294967297")[1], "ERROR")
        check("ATE256 (past 255)", t.cmd("ATE256")[1], "ERROR")
        os.write(t.fd, b"AT\r")
        deadline = time.monotonic() + TIMEOUT
        while "OK\r\n" not in t.buf:
            if not t._fill(deadline):
                raise Failure("no answer to AT")
        check("echo still off after the refused ATEs", t.buf, "\r\nOK\r\n")
        t.buf = ""
        t.expect_ok("ATE0000000000000000000000000")  # leading zeros are still 0
        t.expect_ok("AT+CMEE=1")
        check("+CFUN=2^32+1 is not +CFUN=1", t.cmd("AT+CFUN=4294967297")[1], "+CME ERROR: 4")
        check("+CFUN? unchanged", t.expect_ok("AT+CFUN?"), ["+CFUN: 1"])
        check("+CRSM P1 past a byte", t.cmd("AT+CRSM=176,12258,256,0,10")[1], "+CME ERROR: 4")
        check("+CRSM file id past 16 bits", t.cmd("AT+CRSM=176,77794,0,0,10")[1],
              "+CME ERROR: 4")
        check("+CRSM within bounds", t.expect_ok("AT+CRSM=176,12258,0,0,1"),
              ['+CRSM: 144,0,"98"'])
        check("dial cid past an int", t.cmd("ATD*99***99999999999#")[1], "ERROR")
        check("+WS46 past an int", t.cmd("AT+WS46=4294967324")[1], "ERROR")
        check("+WS46? unchanged", t.expect_ok("AT+WS46?"), ["+WS46: 28"])
        t.close()
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)


def hung_up(t, timeout=TIMEOUT):
    """True when the link reads EIO or end of file (the modem is gone)."""
    deadline = time.monotonic() + timeout
    while select.select([t.fd], [], [], max(0, deadline - time.monotonic()))[0]:
        try:
            if os.read(t.fd, 4096) == b"":
                return True
        except OSError as e:
            return e.errno == errno.EIO
    return False


def test_control(binary, tmp):
    """What the control commands do, as an AT host sees it."""
    link = os.path.join(tmp, "ttyUSB-ctl")
    path = os.path.join(tmp, "at.ctl")
    sim = Sim(binary, ["--protocol=at", "--link=" + link, "--control=" + path,
                       "--visible-operator=26207:Roam Net", "--rsrp=-95", "--rsrq=-10"])
    try:
        sim.wait_ready()
        c = Control(path)
        t = Tty(link)
        t.expect_ok("ATE0;+CMEE=1;+CEREG=1;+CGEREP=2,1")
        check("+CESQ before", t.expect_ok("AT+CESQ"), ["+CESQ: 99,99,255,255,20,46"])
        c.ok("signal -100 -12 5.5")
        check("+CESQ answers the new RSRQ and RSRP", t.expect_ok("AT+CESQ"),
              ["+CESQ: 99,99,255,255,16,41"])

        c.ok("register denied")
        ok("registration denied URC", t.urc("+CEREG: 3") is not None)
        check("+CEREG? denied", t.expect_ok("AT+CEREG?"), ["+CEREG: 1,3"])
        check("+COPS? without an operator", t.expect_ok("AT+COPS?"), ["+COPS: 0"])
        c.ok("register roaming")
        ok("roaming URC", t.urc("+CEREG: 5") is not None)
        check("+COPS? on the roaming operator", t.expect_ok("AT+COPS?"),
              ['+COPS: 0,0,"Roam Net",7'])
        c.ok("register searching")
        ok("searching URC", t.urc("+CEREG: 2") is not None)
        c.ok("register idle")
        ok("idle URC", t.urc("+CEREG: 0") is not None)
        c.ok("register home")
        ok("home URC", t.urc("+CEREG: 1") is not None)
        check("+COPS? at home", t.expect_ok("AT+COPS?"), ['+COPS: 0,0,"Simnet",7'])

        # the network's verdict holds against the host's own attempts
        c.ok("register denied")
        ok("denied again", t.urc("+CEREG: 3") is not None)
        t.expect_ok("AT+COPS=0")
        check("automatic selection while denied", t.expect_ok("AT+CEREG?"), ["+CEREG: 1,3"])
        t.expect_ok("AT+CFUN=4")
        ok("radio off: deregistered", t.urc("+CEREG: 0") is not None)
        check("register home with the radio off", c.command("register home"),
              "error: not possible: the radio is off")
        t.expect_ok("AT+CFUN=1")
        ok("radio on: denied again", t.urc("+CEREG: 3") is not None)
        c.ok("register home")
        ok("registered", t.urc("+CEREG: 1") is not None)

        # network-disconnect: +CGEV for an activated context
        t.expect_ok('AT+CGDCONT=1,"IP","internet"')
        t.expect_ok("AT+CGACT=1,1")
        c.ok("network-disconnect")
        ok("+CGEV: NW PDN DEACT", t.urc("+CGEV: NW PDN DEACT 1") is not None)
        check("+CGACT? after the drop", t.expect_ok("AT+CGACT?"), ["+CGACT: 1,0"])
        # ... and NO CARRIER for a PPP call
        info, final = t.cmd("ATD*99***1#")
        ok("dial answers CONNECT", final.startswith("CONNECT"))
        c.ok("network-disconnect")
        ok("network drop: NO CARRIER", t.urc("NO CARRIER") is not None)
        t.expect_ok("AT")

        check("unplug", c.command("unplug"), "ok")
        ok("the host reads a hangup", hung_up(t))
        check("exit 0 after unplug", sim.wait_exit(), 0)
        check("link removed", os.path.lexists(link), False)
        check("control socket removed", os.path.lexists(path), False)
        ok("control connection closed", c.eof())
        t.close()
    finally:
        sim.stop()


def pdu_after_prompt(t, command, pdu):
    """A 27.005 command that takes a PDU after "> ": (information, final)."""
    os.write(t.fd, (command + "\r").encode())
    deadline = time.monotonic() + TIMEOUT
    while "> " not in t.buf:
        if not t._fill(deadline):
            raise Failure("no prompt for %r" % command)
    t.buf = t.buf.split("> ", 1)[1]
    return send_pdu(t, pdu)


def send_pdu(t, pdu):
    """The PDU and Ctrl-Z, then the answer up to the final result."""
    os.write(t.fd, (pdu + "\x1a").encode())
    deadline = time.monotonic() + TIMEOUT
    info = []
    while True:
        for text in t.lines():
            if not text:
                continue
            if text.startswith(FINAL):
                return info, text
            info.append(text)
        if not t._fill(deadline):
            raise Failure("no final result after the PDU")


# SMS-SUBMIT to +491709876543, "hi" (GSM 7-bit), default SMSC, TP-MR 0
SUBMIT = "0011000D91941790785634F30000AA02E834"


def test_sms(binary, tmp):
    """27.005 in PDU mode: storages, indications, the prompt, +CMS ERROR."""
    link = os.path.join(tmp, "ttyUSB-sms")
    path = os.path.join(tmp, "sms.ctl")
    sim = Sim(binary, ["--protocol=at", "--link=" + link, "--control=" + path])
    try:
        sim.wait_ready()
        c = Control(path)
        t = Tty(link)
        t.expect_ok("ATE0")
        c.ok("sms-deliver +491701234567 before anyone listens")
        check("+CMGF=1 (text mode) is not simulated", t.cmd("AT+CMGF=1")[1], "+CMS ERROR: 303")
        t.expect_ok("AT+CMGF=0")
        check("+CPMS=?", t.expect_ok("AT+CPMS=?"), ['+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")'])
        check("stored silently in ME", t.expect_ok('AT+CPMS="ME","ME","ME"'),
              ["+CPMS: 1,300,1,300,1,300"])
        t.expect_ok("AT+CNMI=2,1,2,1,0")
        c.ok("sms-deliver +491701234567 now with an indication")
        check("+CMTI names the index", t.urc("+CMTI:"), '+CMTI: "ME",1')
        info = t.expect_ok("AT+CMGR=1")
        ok("+CMGR: unread, then the PDU", info[0].startswith("+CMGR: 0,,") and len(info) == 2)
        check("read now", t.expect_ok("AT+CMGL=1")[0].split(",")[:2], ["+CMGL: 1", "1"])
        check("an empty index", t.cmd("AT+CMGR=7")[1], "+CMS ERROR: 321")

        info, final = pdu_after_prompt(t, "AT+CMGS=%d" % (len(SUBMIT) // 2 - 1), SUBMIT)
        check("+CMGS answers the network's reference", (info, final), (["+CMGS: 64"], "OK"))
        ok("the simulator recorded it", c.ok("sms-sent") == "ok 64:" + SUBMIT)
        c.ok("sms-status-report 64 delivered")
        report = t.urc("+CDS:")
        ok("+CDS with the report's TPDU length", report is not None and report.startswith("+CDS: "))
        check("the wrong length is refused",
              pdu_after_prompt(t, "AT+CMGS=3", SUBMIT)[1], "+CMS ERROR: 304")
        c.ok("sms-fail smsc-unknown")
        check("a failing network", pdu_after_prompt(t, "AT+CMGS=%d" % (len(SUBMIT) // 2 - 1),
                                                    SUBMIT)[1], "+CMS ERROR: 330")
        c.ok("sms-fail none")

        info, final = pdu_after_prompt(t, 'AT+CPMS="SM","SM";+CMGW=%d,2'
                                       % (len(SUBMIT) // 2 - 1), SUBMIT)
        check("+CMGW stores it in SM", info[-1], "+CMGW: 0")
        check("+CMSS sends it", t.expect_ok("AT+CMSS=0"), ["+CMSS: 65"])
        check("+CMGL=4 lists it as sent", t.expect_ok('AT+CPMS="SM";+CMGL=4')[1].split(",")[:2],
              ["+CMGL: 0", "3"])
        t.expect_ok("AT+CMGD=0")
        check("deleted", c.ok("sms-list SM"), "ok")

        check("no channel yet", c.command("cbm 50 hello"),
              "error: not possible: the host does not receive channel 50")
        t.expect_ok('AT+CSCB=0,"50,4370-4383",""')
        check("+CSCB?", t.expect_ok("AT+CSCB?"), ['+CSCB: 0,"50,4370-4383",""'])
        c.ok("cbm 4380 test broadcast")
        check("+CBM: one 88-octet page", t.urc("+CBM:"), "+CBM: 88")
        t.close()
    finally:
        sim.stop()


def run(binary, tmp):
    for t in (test_command_set, test_number_bounds, test_control, test_sms):
        print("== " + t.__name__, flush=True)
        t(binary, tmp)


if __name__ == "__main__":
    sys.exit(test_main(__doc__, run))
