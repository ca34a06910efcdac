#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check modem-sim's MBIM against an independent implementation: mbimcli (libmbim-utils).

Usage: test-mbimcli-peer.py PATH-TO-MODEM-SIM
Exit 77 (skip) when mbimcli is not installed.
"""

import os
import signal
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Sim, check, check_stopped, field, ok, run_tool, test_main  # noqa: E402

SIM_ARGS = {
    "model": "MBIM Sim M2",
    "revision": "MBIMREV-1.2.3",
    "imei": "353490069873319",
    "iccid": "89014103211118510720",
    "imsi": "310410123456789",
    "home-operator": "310410:Peer Wireless",
    "visible-operator": "310260:Other Wireless",
    "sim-pin": "1357",
    "rssi": "-73",  # coded (dBm + 113) / 2 = 20
    "ip4": "198.51.100.7/26",
    "gateway4": "198.51.100.1",
    "dns4": "198.51.100.53",
    "mtu": "1400",
    "ip6": "2001:db8:77::7/64",
    "gateway6": "2001:db8:77::1",
    "dns6": "2001:db8:77::53",
}


def mbimcli(link, *args, expect_ok=True):
    return run_tool(["mbimcli", "-d", link] + list(args), expect_ok)


def run(binary, tmp):
    link = os.path.join(tmp, "cdc-wdm-mbim")
    args = ["--protocol=mbim", "--link=" + link]
    args += ["--%s=%s" % kv for kv in SIM_ARGS.items()]
    sim = Sim(binary, args)
    try:
        sim.wait_ready()

        out = mbimcli(link, "--query-device-caps")
        check("device id (IMEI)", field(out, "Device ID"), SIM_ARGS["imei"])
        check("firmware info", field(out, "Firmware info"), SIM_ARGS["revision"])
        check("hardware info", field(out, "Hardware info"), SIM_ARGS["model"])
        sim.wait_line(r"^sim: rx mbim Open tid=\d+$", 1)
        sim.wait_line(r"^sim: rx mbim BasicConnect DeviceCaps query tid=\d+$", 1)

        # --- locked SIM ---
        out = mbimcli(link, "--query-subscriber-ready-status")
        check("ready state while locked", field(out, "Ready state"), "device-locked")
        check("ICCID", field(out, "SIM ICCID"), SIM_ARGS["iccid"])
        out = mbimcli(link, "--query-pin-state")
        check("PIN state", field(out, "PIN state"), "locked")
        check("PIN type", field(out, "PIN type"), "pin1")
        check("attempts", field(out, "Remaining attempts"), "3")
        out = mbimcli(link, "--query-registration-state", expect_ok=True)
        check("register state while locked", field(out, "Register state"), "deregistered")

        mbimcli(link, "--enter-pin=0000", expect_ok=False)
        sim.wait_line(r"^sim: rx mbim BasicConnect Pin set tid=\d+ pin-type=2 operation=0 pin=0000$", 1)
        out = mbimcli(link, "--query-pin-state")
        check("attempts after wrong PIN", field(out, "Remaining attempts"), "2")
        mbimcli(link, "--enter-pin=" + SIM_ARGS["sim-pin"])
        out = mbimcli(link, "--query-pin-state")
        check("PIN state after PIN", field(out, "PIN state"), "unlocked")
        out = mbimcli(link, "--query-subscriber-ready-status")
        check("ready state", field(out, "Ready state"), "initialized")
        check("subscriber id (IMSI)", field(out, "Subscriber ID"), SIM_ARGS["imsi"])

        # --- network ---
        out = mbimcli(link, "--query-radio-state")
        check("software radio", field(out, "Software radio state"), "on")
        out = mbimcli(link, "--query-registration-state")
        mccmnc, name = SIM_ARGS["home-operator"].split(":")
        check("register state", field(out, "Register state"), "home")
        check("provider id", field(out, "Provider ID"), mccmnc)
        check("provider name", field(out, "Provider name"), name)
        out = mbimcli(link, "--query-home-provider")
        check("home provider", field(out, "Provider ID"), mccmnc)
        out = mbimcli(link, "--query-visible-providers")
        ok("visible providers lists both operators",
           "Other Wireless" in out and "Peer Wireless" in out)
        out = mbimcli(link, "--query-signal-state")
        check("coded RSSI", field(out, "RSSI [0-31,99]"), str((int(SIM_ARGS["rssi"]) + 113) // 2))
        out = mbimcli(link, "--query-packet-service-state")
        check("packet service", field(out, "Packet service state"), "attached")

        # --- what the function reports by itself: thresholds, cell, NITZ ---
        out = mbimcli(link, "--set-signal-state=rssi-threshold=3,signal-strength-interval=0")
        check("RSSI threshold", field(out, "RSSI threshold"), "3")
        check("interval", field(out, "Signal strength interval"), "0")
        sim.wait_line(r"^sim: rx mbim BasicConnect SignalState set tid=\d+ interval=0 "
                      r"rssi-threshold=3 error-rate-threshold=0$", 1)
        out = mbimcli(link, "--ms-query-location-info-status")
        check("tracking area code", field(out, "Tracking area code"), "001234")
        check("cell id", field(out, "Cell ID"), "01A2B3C4")
        sim.wait_line(r"^sim: rx mbim MsBasicConnectExtensions LocationInfoStatus query ", 1)
        mbimcli(link, "--ms-query-nitz", expect_ok=False)  # no NITZ from the network yet

        # --- radio off/on through the set path ---
        mbimcli(link, "--set-radio-state=off")
        out = mbimcli(link, "--query-registration-state")
        check("register state with radio off", field(out, "Register state"), "deregistered")
        mbimcli(link, "--set-radio-state=on")
        out = mbimcli(link, "--query-registration-state")
        check("register state with radio back on", field(out, "Register state"), "home")

        # --- data session ---
        out = mbimcli(link, "--connect=access-string=internet,ip-type=ipv4v6,username=joe,"
                      "password=pw,auth=pap", "--no-close")
        check("activation state", field(out, "Activation state"), "activated")
        check("IP type", field(out, "IP type"), "ipv4v6")
        sim.wait_line(r"^sim: rx mbim BasicConnect Connect set tid=\d+ session=0 activate "
                      r"apn=internet user=joe password=pw auth=1 ip-type=3$", 1)
        addr4 = SIM_ARGS["ip4"]
        check("IPv4 address", field(out, "IP [0]", 0), addr4)
        check("IPv4 gateway", field(out, "Gateway", 0), SIM_ARGS["gateway4"])
        check("IPv4 DNS", field(out, "DNS [0]", 0), SIM_ARGS["dns4"])
        check("IPv4 MTU", field(out, "MTU", 0), SIM_ARGS["mtu"])
        check("IPv6 address", field(out, "IP [0]", 1), SIM_ARGS["ip6"])
        check("IPv6 gateway", field(out, "Gateway", 1), SIM_ARGS["gateway6"])
        check("IPv6 DNS", field(out, "DNS [0]", 1), SIM_ARGS["dns6"])

        out = mbimcli(link, "--query-ip-configuration=0")
        check("IPv4 address (query)", field(out, "IP [0]", 0), addr4)
        out = mbimcli(link, "--query-connection-state=0")
        check("connection state", field(out, "Activation state"), "activated")

        out = mbimcli(link, "--disconnect=0")
        check("deactivated", field(out, "Activation state"), "deactivated")
        out = mbimcli(link, "--query-connection-state=0")
        check("connection state after disconnect", field(out, "Activation state"), "deactivated")
        mbimcli(link, "--query-ip-configuration=0", expect_ok=False)

        # --- network-initiated drop ---
        mbimcli(link, "--connect=access-string=internet,ip-type=ipv4")
        sim.proc.send_signal(signal.SIGUSR1)
        sim.wait_line(r"^sim: event: network disconnected session", 5)
        out = mbimcli(link, "--query-connection-state=0")
        check("connection state after network drop", field(out, "Activation state"),
              "deactivated")
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)
    run_5g(binary, tmp)


def run_5g(binary, tmp):
    """5G as libmbim reads it: extensions 2.0, 5G data classes, EN-DC registration,
    QMI carried in MBIM (its service answers a QMUX message)."""
    link = os.path.join(tmp, "cdc-wdm-5g")
    sim = Sim(binary, ["--protocol=mbim", "--link=" + link, "--rat=nr5g-nsa"])
    try:
        sim.wait_ready()
        out = mbimcli(link, "--ms-query-version=1.0,2.0")
        check("extended version", field(out, " MBIM extended version "), "2.00")
        out = mbimcli(link, "--ms-query-device-caps")
        check("data classes", field(out, "Data class"),
              "gprs, edge, umts, hsdpa, hsupa, lte, 5g-nsa, 5g-sa")
        check("executor", field(out, "Executor Index"), "0")
        out = mbimcli(link, "--query-registration-state")
        check("available data classes", field(out, "Available data classes"), "lte, 5g-nsa")
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)



if __name__ == "__main__":
    sys.exit(test_main(__doc__, run, "mbimcli"))
