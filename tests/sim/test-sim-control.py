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
            "register home|roaming|searching|denied|idle", "call-incoming NUMBER",
            "call-waiting NUMBER", "call-remote-answer", "call-remote-hangup",
            "ussd-network TEXT", "ussd-notify TEXT", "ussd-release",
            "sms-deliver NUMBER TEXT", "sms-deliver-parts ORDER NUMBER TEXT",
            "sms-deliver-pdu HEX", "sms-status-report REFERENCE delivered|failed",
            "sms-fail none|network-timeout|smsc-unknown", "sms-sent", "sms-list SM|ME",
            "cbm CHANNEL TEXT"]


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


def run(binary, tmp):
    for t in (test_commands_and_errors, test_calls_and_ussd, test_clients, test_socket_file):
        print("== " + t.__name__, flush=True)
        t(binary, tmp)


if __name__ == "__main__":
    sys.exit(test_main(__doc__, run))
