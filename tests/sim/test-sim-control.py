#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modem-sim --control=PATH: the control socket itself (commands, replies,
errors, several clients, the socket file).  What each command does on the
wire is checked per protocol in test-sim-qmi-raw.py, test-sim-mbim-raw.py
and test-sim-at.py.

Usage: test-sim-control.py PATH-TO-MODEM-SIM
"""

import os
import select
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Control, Failure, Sim, check, check_stopped, ok, test_main  # noqa: E402

COMMANDS = ["help", "network-disconnect", "unplug", "signal RSRP RSRQ SNR",
            "register home|roaming|searching|denied|idle", "rat lte|nr5g-nsa|nr5g-sa",
            "nr-signal RSRP RSRQ SNR", "call-incoming NUMBER",
            "call-waiting NUMBER", "call-remote-answer", "call-remote-hangup",
            "ussd-network TEXT", "ussd-notify TEXT", "ussd-release",
            "sms-deliver NUMBER TEXT", "sms-deliver-parts ORDER NUMBER TEXT",
            "sms-deliver-pdu HEX", "sms-status-report REFERENCE delivered|failed",
            "sms-fail none|network-timeout|smsc-unknown", "sms-sent", "sms-list SM|ME",
            "cbm CHANNEL TEXT",
            "fault none|silent|garbage|hangup", "burst BYTES",
            "on-request silent|garbage|hangup|burst REQUEST", "cell MCC MNC TAC CI",
            "gps LAT LON ALT", "nitz TIME dst=0|dst=1|dst=2"]
# What a modem answering garbage sends for each request (--fault=garbage-after, fault garbage).
GARBAGE_ANSWER = bytes.fromhex("7eff001337deadbeef42010200995 5aa".replace(" ", ""))


def pack_septets(ascii_text):
    """GSM 7-bit packing (23.038 6.1.2.1.1) of text whose characters have the
    same code in ASCII and the GSM alphabet (letters, digits, blank), as hex."""
    value, bits, out = 0, 0, bytearray()
    for char in ascii_text:
        value |= ord(char) << bits
        bits += 7
        while bits >= 8:
            out.append(value & 0xFF)
            value >>= 8
            bits -= 8
    if bits:
        out.append(value & 0xFF)
    return out.hex().upper()


def at(link, line, timeout=5):
    """One AT command on the simulator's link; the answer up to OK."""
    fd = os.open(link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        os.write(fd, (line + "\r").encode())
        out = b""
        deadline = time.monotonic() + timeout
        while not out.endswith(b"\r\nOK\r\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Failure("no OK to %r, got %r" % (line, out))
            out += os.read(fd, 4096)
        return out.decode()
    finally:
        os.close(fd)


class AtPort:
    """The simulator's AT link held open (closing it would drop what is unread)."""

    def __init__(self, link):
        self.fd = os.open(link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""

    def close(self):
        os.close(self.fd)

    def send(self, line):
        os.write(self.fd, (line + "\r").encode())

    def read(self, done, timeout=5):
        """Bytes up to the point where done(bytes) is true; the rest stays buffered."""
        deadline = time.monotonic() + timeout
        while done(self.buf) is None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise Failure("timed out, got %r" % self.buf)
            try:
                data = os.read(self.fd, 4096)
            except OSError as e:
                raise Failure("read failed (%s), got %r" % (e, self.buf))
            self.buf += data
        end = done(self.buf)
        out, self.buf = self.buf[:end], self.buf[end:]
        return out

    def answer(self):
        """Everything up to the next final OK."""
        return self.read(lambda b: b.find(b"\r\nOK\r\n") + 6 if b"\r\nOK\r\n" in b else None)

    def exactly(self, n):
        return self.read(lambda b: n if len(b) >= n else None)

    def hung_up(self, timeout=5):
        """True once a read fails or ends (the pty's far side went away)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            select.select([self.fd], [], [], deadline - time.monotonic())
            try:
                if os.read(self.fd, 4096) == b"":
                    return True
            except BlockingIOError:
                continue
            except OSError:
                return True
        return False


def start(binary, tmp, name, *extra):
    link = os.path.join(tmp, name)
    path = os.path.join(tmp, name + ".ctl")
    sim = Sim(binary, ["--protocol=at", "--link=" + link, "--control=" + path] + list(extra))
    sim.wait_ready()
    return sim, link, path


def test_commands_and_errors(binary, tmp):
    sim, link, path = start(binary, tmp, "errors")
    try:
        c = Control(path)
        check("help lists every command", c.ok("help"), "ok " + "; ".join(COMMANDS))
        check("unknown command", c.command("frobnicate now"),
              "error: unknown command 'frobnicate' (help lists the commands)")
        check("missing arguments", c.command("signal -100"),
              "error: bad arguments: usage: signal RSRP RSRQ SNR")
        check("extra arguments", c.command("network-disconnect now"),
              "error: bad arguments: usage: network-disconnect")
        check("not a number", c.command("signal -100 -10 lots"),
              "error: bad arguments: SNR must be a number from -20 to 30")
        check("out of range", c.command("signal -30 -10 5"),
              "error: bad arguments: RSRP must be an integer from -140 to -44")
        check("past 64 bits", c.command("signal -99999999999999999999 -10 5"),
              "error: bad arguments: RSRP must be an integer from -140 to -44")
        check("not an integer", c.command("signal -100.5 -10 5"),
              "error: bad arguments: RSRP must be an integer from -140 to -44")
        check("unknown state", c.command("register abroad"),
              "error: bad arguments: STATE must be one of home|roaming|searching|denied|idle")
        check("names are case-sensitive", c.command("HELP"),
              "error: unknown command 'HELP' (help lists the commands)")
        check("nowhere to roam", c.command("register roaming"),
              "error: not possible: no --visible-operator to roam on")
        ok("a refused command changes nothing: still registered at home",
           "+CREG: 0,1\r\n" in at(link, "AT+CREG?"))
        c.ok("register denied")
        ok("an accepted one does", "+CREG: 0,3\r\n" in at(link, "AT+CREG?"))
        c.ok("signal -100 -12 7.5")
        sim.wait_line(r"^sim: event: signal rsrp=-100 rsrq=-12 snr=7.5$", 1)

        # a TEXT argument takes the rest of the line, blanks and all
        check("TEXT missing", c.command("sms-deliver +4917012345"),
              "error: bad arguments: usage: sms-deliver NUMBER TEXT")
        ok("TEXT with blanks", c.ok("sms-deliver +4917012345 two  spaces").startswith("ok parts=1"))
        stored = c.ok("sms-list ME").split()[1].split(":")[2]
        ok("stored as typed (11 septets, both blanks kept)",
           stored.endswith("0B" + pack_septets("two  spaces")))
        # the events of sim-core-events.c
        check("cell: MCC of 3 digits", c.command("cell 26 01 1 1"),
              "error: bad arguments: MCC is 3 digits, MNC 2 or 3")
        check("cell: a TAC of 16 bits", c.command("cell 262 01 70000 1"),
              "error: bad arguments: TAC must be an integer from 0 to 65535")
        c.ok("register home")
        c.ok("cell 262 03 11111 2222222")
        sim.wait_line(r"^sim: event: cell 26203 tac=0x2B67 ci=0x021E88E$", 1)
        at(link, "AT+CEREG=2")
        ok("the registration reports name the new cell",
           '+CEREG: 2,1,"2B67","0021E88E",7' in at(link, "AT+CEREG?"))
        check("gps: no such latitude", c.command("gps 91 0 0"),
              "error: bad arguments: LAT must be a number from -90 to 90")
        c.ok("gps 48.858222 2.2945 35")
        sim.wait_line(r"^sim: event: gps lat=48.858222 lon=2.294500 alt=35.0$", 1)
        check("nitz: a time without its offset", c.command("nitz 2026-11-30T12:00:00 dst=0"),
              "error: bad arguments: TIME is ISO 8601 with its UTC offset, "
              "e.g. 2026-11-30T12:00:00+01")
        check("nitz: quarter hours only", c.command("nitz 2026-11-30T12:00:00+01:10 dst=0"),
              "error: bad arguments: the UTC offset is whole quarter hours from -12:00 to +14:00")
        check("nitz: DST 0 to 2", c.command("nitz 2026-11-30T12:00:00+01 dst=3"),
              "error: bad arguments: DST must be one of dst=0|dst=1|dst=2")
        c.ok("nitz 2026-11-30T12:00:00+01 dst=0")
        sim.wait_line(r"^sim: event: nitz utc=1796036400 tz=4 dst=0$", 1)
        ok("the clock runs from the network's time",
           '+CCLK: "26/11/30,12:00:0' in at(link, "AT+CCLK?"))

        # lines that are not commands
        c.send_raw(b"\xff\xfe help\n")
        check("not UTF-8", c.reply(),
              "error: bad arguments: not text (UTF-8 without control characters)")
        c.send_raw(b"he\x01lp\n")
        check("control character", c.reply(),
              "error: bad arguments: not text (UTF-8 without control characters)")
        c.send_raw(b"x" * 5000 + b"\n")
        check("over-long line", c.reply(), "error: bad arguments: line too long")
        check("the connection still works after errors", c.ok("help").startswith("ok help"), True)
        c.close()
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)
    check("socket removed on SIGTERM", os.path.lexists(path), False)


def test_clients(binary, tmp):
    sim, link, path = start(binary, tmp, "clients")
    try:
        a, b = Control(path), Control(path)
        # pipelined, split across writes, CRLF, blank lines (no reply)
        a.send_raw(b"help\r\n\n   \nsignal -100 -12 5\nregis")
        b.send_raw(b"frobnicate\n")
        a.send_raw(b"ter idle\n")
        check("first of a pipelined batch", a.reply().startswith("ok help;"), True)
        check("second", a.reply(), "ok")
        check("command split across two writes", a.reply(), "ok")
        check("the other client gets its own reply", b.reply(),
              "error: unknown command 'frobnicate' (help lists the commands)")
        sim.wait_line(r"^sim: event: registration idle$", 1)

        # a client that leaves mid-line or with replies unread disturbs nobody
        gone = Control(path)
        gone.send_raw(b"register home\nregister den")
        gone.close()
        check("after a client left", b.ok("register home"), "ok")
        many = "".join("signal -%d -10 5\n" % (60 + i) for i in range(30))
        b.send_raw(many.encode())
        replies = [b.reply() for _ in range(30)]
        check("30 pipelined commands, 30 replies", replies, ["ok"] * 30)
        sim.wait_line(r"^sim: event: signal rsrp=-89 ", 1)
        a.close()
        b.close()

        # SIGUSR1 is still an alias of network-disconnect
        sim.proc.send_signal(signal.SIGUSR1)
        sim.wait_line(r"^sim: event: SIGUSR1, dropping all sessions$", 5)
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)


def test_socket_file(binary, tmp):
    # a socket left behind by a killed simulator is replaced
    path = os.path.join(tmp, "stale.ctl")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()
    sim, link, _ = start(binary, tmp, "stale")
    try:
        ok("stale socket replaced", Control(path).ok("help").startswith("ok help"))
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)

    # anything else at the path is left alone, and the simulator does not start
    path = os.path.join(tmp, "file.ctl")
    with open(path, "w") as f:
        f.write("keep me\n")
    r = subprocess.run([binary, "--protocol=at", "--link=" + os.path.join(tmp, "file"),
                        "--control=" + path], capture_output=True, text=True, timeout=10)
    print(r.stderr, end="")
    check("exit status with a file at the control path", r.returncode, 1)
    ok("says why", "exists and is not a socket" in r.stderr)
    with open(path) as f:
        check("the file is untouched", f.read(), "keep me\n")
    check("no link left behind", os.path.lexists(os.path.join(tmp, "file")), False)


def test_calls_and_ussd(binary, tmp):
    """The other party and the network's USSD: refusals that say why, and
    TEXT as the rest of the line."""
    sim, link, path = start(binary, tmp, "calls")
    try:
        c = Control(path)
        check("no call to answer", c.command("call-remote-answer"),
              "error: not possible: no outgoing call is ringing")
        check("no call to hang up", c.command("call-remote-hangup"),
              "error: not possible: no call")
        check("waiting needs a call", c.command("call-waiting 5551234"),
              "error: not possible: no call in progress (call-incoming rings when idle)")
        check("a caller is a number", c.command("call-incoming 555-1234"),
              "error: bad arguments: NUMBER must be digits, '*', '#' after an optional '+', "
              "or - (withheld)")
        check("TEXT is required", c.command("ussd-network"),
              "error: bad arguments: usage: ussd-network TEXT")
        check("no session to end", c.command("ussd-release"),
              "error: not possible: no session to end")
        c.ok("call-incoming +491701234567")
        sim.wait_line(r"^sim: event: call 1 incoming \+491701234567$", 1)
        check("one call at a time rings", c.command("call-incoming 5551234"),
              "error: not possible: a call is up (call-waiting rings during a call)")
        c.ok("call-remote-hangup")
        sim.wait_line(r"^sim: event: call 1 ended remote$", 1)
        c.ok("ussd-network Reply  with 1,  please ")
        sim.wait_line(r'^sim: event: ussd request "Reply  with 1,  please"$', 1)
        c.ok("ussd-release")
        sim.wait_line(r'^sim: event: ussd release ""$', 1)
        c.close()
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)


def test_fault_modes(binary, tmp):
    sim, link, path = start(binary, tmp, "faults")
    port = AtPort(link)
    try:
        c = Control(path)
        check("fault with an unknown mode", c.command("fault loud"),
              "error: bad arguments: MODE must be one of none|silent|garbage|hangup")
        check("an empty burst", c.command("burst 0"),
              "error: bad arguments: BYTES must be an integer from 1 to 65536")
        check("on-request without a request", c.command("on-request silent"),
              "error: bad arguments: usage: on-request silent|garbage|hangup|burst REQUEST")

        # silent: the request is read and never answered.  The port is one
        # ordered stream, so the next answer proves there was none before it.
        c.ok("fault silent")
        port.send("AT+CGMI")
        sim.wait_line(r"^sim: rx at AT\+CGMI$")
        sim.wait_line(r"^sim: fault: silent from now on \(control\)$")
        c.ok("fault none")
        port.send("AT+CGMM")
        out = port.answer()
        ok("silent: AT+CGMI never answered, the next command is",
           out.startswith(b"AT+CGMM\r") and b"Simulated Modem" in out)

        c.ok("fault garbage")
        port.send("AT")
        check("garbage: the answer is junk", port.exactly(len(GARBAGE_ANSWER)), GARBAGE_ANSWER)
        c.ok("fault none")

        c.ok("burst 122")
        junk = port.exactly(122)
        check("a burst: that many bytes, unasked", len(junk), 122)
        ok("with line ends in it", junk[60:61] == b"\n" and junk[121:122] == b"\n")
        port.send("AT")
        check("and the modem answers as before", port.answer().endswith(b"\r\nOK\r\n"), True)
        c.close()
    except BaseException:
        port.close()
        sim.stop()
        raise
    port.close()
    check_stopped(sim, link)


def test_on_request(binary, tmp):
    sim, link, path = start(binary, tmp, "triggers")
    port = AtPort(link)
    try:
        c = Control(path)
        c.ok("on-request burst AT+CSQ")
        port.send("AT+CGMI")
        ok("another request is answered as usual", port.answer().startswith(b"AT+CGMI\r"))
        port.send("AT+CSQ")
        out = port.answer()
        ok("the request named: 256 junk bytes, then its answer",
           len(out) > 256 and out[256:].startswith(b"AT+CSQ\r") and b"+CSQ: " in out[256:])
        port.send("AT+CSQ")
        ok("a trigger fires once", port.answer().startswith(b"AT+CSQ\r"))

        # every word must start a word of the request (case-insensitive)
        c.ok("on-request silent at at+cgmr")
        port.send("AT+CGMI")
        ok("one word of two is not enough", port.answer().startswith(b"AT+CGMI\r"))
        port.send("AT+CGMR")
        sim.wait_line(r"^sim: fault: silent from now on \(on-request\)$")
        c.ok("fault none")
        port.send("AT+CGMM")
        ok("silent from the request on", port.answer().startswith(b"AT+CGMM\r"))

        c.ok("on-request silent AT+CGSN")
        c.ok("fault none")
        port.send("AT+CGSN")
        ok("fault none disarms the triggers", port.answer().startswith(b"AT+CGSN\r"))

        c.ok("on-request garbage AT+CFUN=")
        port.send("AT+CFUN?")
        ok("a word of the request must start with the one given",
           port.answer().startswith(b"AT+CFUN?\r"))
        port.send("AT+CFUN=1")
        check("AT+CFUN=1 starts with it: junk for an answer", port.exactly(len(GARBAGE_ANSWER)),
              GARBAGE_ANSWER)
        c.ok("fault none")

        c.ok("on-request hangup AT+CFUN=4")
        port.send("AT+CFUN=1")
        ok("AT+CFUN=1 answered", port.answer().startswith(b"AT+CFUN=1\r"))
        port.send("AT+CFUN=4")
        ok("hangup on the request: the host reads the end", port.hung_up())
        check("and the simulator exits 0", sim.wait_exit(), 0)
        check("its link is gone", os.path.lexists(link), False)
        c.close()
    finally:
        port.close()
        sim.stop()


def test_fault_hangup(binary, tmp):
    sim, link, path = start(binary, tmp, "hangup")
    port = AtPort(link)
    try:
        check("fault hangup", Control(path).command("fault hangup"), "ok")
        ok("the host reads the end", port.hung_up())
        check("the simulator exits 0", sim.wait_exit(), 0)
        check("its link is gone", os.path.lexists(link), False)
    finally:
        port.close()
        sim.stop()


def run(binary, tmp):
    for t in (test_commands_and_errors, test_calls_and_ussd, test_clients, test_socket_file,
              test_fault_modes, test_on_request, test_fault_hangup):
        print("== " + t.__name__, flush=True)
        t(binary, tmp)


if __name__ == "__main__":
    sys.exit(test_main(__doc__, run))
