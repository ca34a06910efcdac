# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the modem-sim tests: run the simulator, watch its log."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

READY_TIMEOUT = 10
CMD_TIMEOUT = 30


class Failure(Exception):
    pass


class Sim:
    """modem-sim child with its stderr collected line by line (and echoed, indented)."""

    def __init__(self, binary, args, pass_fds=()):
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen([binary] + list(args), stderr=subprocess.PIPE, text=True,
                                     pass_fds=pass_fds)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            sys.stderr.write("  | " + line + "\n")
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # EOF marker
            self.cond.notify_all()

    def wait_line(self, pattern, timeout=READY_TIMEOUT):
        """First log line matching pattern; waits for it up to timeout seconds."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    if line is None:
                        raise Failure("modem-sim exited while waiting for %r" % pattern)
                    if rx.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure("timeout waiting for log line %r" % pattern)
                self.cond.wait(left)

    def wait_ready(self):
        self.wait_line(r"^sim: ready$")

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure("modem-sim did not exit")

    def stop(self):
        """SIGTERM, and the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        return self.proc.returncode


class Control:
    """A client of modem-sim's control socket (--control=PATH): one command
    line out, one reply line back."""

    def __init__(self, path, timeout=READY_TIMEOUT):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def reply(self):
        """The next reply line; Failure on a timeout or when the sim hangs up."""
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                raise Failure("no reply on the control socket")
            if not data:
                raise Failure("control socket closed, %r unanswered" % self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def eof(self):
        """True once the sim closed the connection (nothing else arrives first)."""
        try:
            return self.buf == b"" and self.sock.recv(4096) == b""
        except socket.timeout:
            return False

    def command(self, line):
        print("control> " + line, flush=True)
        self.send_raw(line.encode() + b"\n")
        reply = self.reply()
        print("control< " + reply, flush=True)
        return reply

    def ok(self, line):
        """Send a command that must succeed; its reply."""
        reply = self.command(line)
        if reply != "ok" and not reply.startswith("ok "):
            raise Failure("%r -> %r" % (line, reply))
        return reply


def run_tool(cmd, expect_ok=True):
    """Run a peer tool with a deadline; stdout+stderr as one string."""
    print("$ " + " ".join(cmd), flush=True)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=CMD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure("timed out: %s" % " ".join(cmd))
    print(r.stdout, end="", flush=True)
    if r.stderr.strip():
        print("  (stderr) " + r.stderr.strip().replace("\n", "\n  (stderr) "), flush=True)
    if expect_ok and r.returncode != 0:
        raise Failure("%s failed (%d)" % (" ".join(cmd), r.returncode))
    if not expect_ok and r.returncode == 0:
        raise Failure("%s unexpectedly succeeded" % " ".join(cmd))
    return r.stdout + r.stderr


def run_tool_with(cmd, action):
    """Run a peer tool that waits for something (an indication) and do
    action while it runs; stdout+stderr as one string, like run_tool."""
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        action()
        out, _ = proc.communicate(timeout=CMD_TIMEOUT)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    print(out, end="", flush=True)
    if proc.returncode != 0:
        raise Failure("%s failed (%d)" % (" ".join(cmd), proc.returncode))
    return out


def field(text, name, index=0):
    """Value of a line like "   Name: 'value'" (optionally prefixed by "[device]")."""
    found = re.findall(r"^(?:\[[^\]\n]*\])?\s*%s:\s*'?([^'\n]*)'?\s*$" % re.escape(name), text,
                       re.M)
    if len(found) <= index:
        raise Failure("no field %r in:\n%s" % (name, text))
    return found[index]


def check(what, got, want):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))
    print("ok: %s = %r" % (what, got), flush=True)


def ok(what, cond):
    if not cond:
        raise Failure(what)
    print("ok: " + what, flush=True)


def check_stopped(sim, link=None):
    """Stop modem-sim with SIGTERM: it must exit 0 and remove its link."""
    rc = sim.stop()
    if rc != 0:
        raise Failure("modem-sim exited with %r after SIGTERM" % rc)
    if link is not None and os.path.lexists(link):
        raise Failure("link %s left behind" % link)
    print("ok: modem-sim exited 0" + (" and removed its link" if link else ""))


def test_main(doc, run, tool=None):
    """Entry point of a simulator test: run(modem_sim_path, tmpdir); exit 77
    when the peer tool is not installed."""
    if len(sys.argv) != 2:
        print(doc)
        return 2
    if tool is not None and shutil.which(tool) is None:
        print("%s not installed: skipping" % tool)
        return 77
    with tempfile.TemporaryDirectory(prefix="modem-sim-") as tmp:
        try:
            run(os.path.abspath(sys.argv[1]), tmp)
        except Failure as e:
            print("FAIL: %s" % e, flush=True)
            return 1
    print("PASS")
    return 0
