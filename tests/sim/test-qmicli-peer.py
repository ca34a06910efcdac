#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check modem-sim's QMI against an independent implementation: qmicli (libqmi-utils).

Usage: test-qmicli-peer.py PATH-TO-MODEM-SIM
Exit 77 (skip) when qmicli is not installed.
"""

import os
import re
import signal
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import (Control, Failure, Sim, check, check_stopped, field, ok,  # noqa: E402
                     run_tool, run_tool_with, test_main)

SIM_ARGS = {
    "manufacturer": "Modemd Test Works",
    "model": "QMI Sim X1",
    "revision": "SIMREV-7.4.2",
    "imei": "356938035643809",
    "iccid": "89462020000012345678",
    "imsi": "240201234567890",
    "home-operator": "24020:Peer Net",
    "visible-operator": "24001:Other Net",
    "sim-pin": "2468",
    "sim-puk": "87654321",
    "pin-retries": "3",
    "rssi": "-71",
    "rsrp": "-101",
    "rsrq": "-12",
    "snr": "8.5",
    "ip4": "192.0.2.10/28",
    "gateway4": "192.0.2.1",
    "dns4": "192.0.2.53",
    "mtu": "1428",
}


def qmicli(link, *args, expect_ok=True):
    return run_tool(["qmicli", "-d", link, "--device-open-qmi"] + list(args), expect_ok)


def run(binary, tmp):
    link = os.path.join(tmp, "cdc-wdm-sim")
    control_path = os.path.join(tmp, "sim.ctl")
    args = ["--protocol=qmi", "--link=" + link, "--control=" + control_path]
    args += ["--%s=%s" % kv for kv in SIM_ARGS.items()]
    args += ["--dns4=192.0.2.54"]  # second DNS server
    sim = Sim(binary, args)
    try:
        sim.wait_ready()

        # --- identity ---
        out = qmicli(link, "--dms-get-manufacturer")
        check("manufacturer", field(out, "Manufacturer"), SIM_ARGS["manufacturer"])
        out = qmicli(link, "--dms-get-ids")
        check("IMEI", field(out, "IMEI"), SIM_ARGS["imei"])
        out = qmicli(link, "--dms-get-revision")
        check("revision", field(out, "Revision"), SIM_ARGS["revision"])
        out = qmicli(link, "--dms-get-model")
        check("model", field(out, "Model"), SIM_ARGS["model"])
        out = qmicli(link, "--dms-uim-get-iccid")
        check("ICCID", field(out, "ICCID"), SIM_ARGS["iccid"])
        sim.wait_line(r"^sim: rx qmi DMS GetManufacturer cid=\d+ tid=\d+$", 1)
        out = qmicli(link, "--uim-read-transparent=0x3F00,0x2FE2")
        digits = SIM_ARGS["iccid"] + "F" * (20 - len(SIM_ARGS["iccid"]))
        want = ":".join(digits[i + 1] + digits[i] for i in range(0, 20, 2))
        got = re.search(r"Read result:\s*\n\s*([0-9A-Fa-f:]+)", out)
        check("EF_ICCID via UIM Read Transparent", got and got.group(1).upper(), want)

        # --- locked SIM: wrong PIN, then the right one ---
        out = qmicli(link, "--uim-get-card-status")
        check("application state", field(out, "Application state"), "pin1-or-upin-pin-required")
        check("PIN1 state", field(out, "PIN1 state"), "enabled-not-verified")
        check("PIN1 retries", field(out, "PIN1 retries"), "3")
        out = qmicli(link, "--nas-get-serving-system")
        check("registration while locked", field(out, "Registration state"), "not-registered")
        qmicli(link, "--dms-uim-get-imsi", expect_ok=False)

        out = qmicli(link, "--uim-verify-pin=PIN1,0000", expect_ok=False)
        if "IncorrectPin" not in out:
            raise Failure("wrong PIN did not fail with IncorrectPin")
        check("verify retries after wrong PIN", field(out, "Verify"), "2")
        sim.wait_line(r"^sim: rx qmi UIM VerifyPIN cid=\d+ tid=\d+ pin-id=1 pin=0000$", 1)
        out = qmicli(link, "--uim-get-card-status")
        check("PIN1 retries after wrong PIN", field(out, "PIN1 retries"), "2")

        qmicli(link, "--uim-verify-pin=PIN1," + SIM_ARGS["sim-pin"])
        sim.wait_line(r"^sim: rx qmi UIM VerifyPIN .* pin=%s$" % SIM_ARGS["sim-pin"], 1)
        out = qmicli(link, "--uim-get-card-status")
        check("application state after PIN", field(out, "Application state"), "ready")
        check("PIN1 state after PIN", field(out, "PIN1 state"), "enabled-verified")
        check("PIN1 retries after PIN", field(out, "PIN1 retries"), "3")
        out = qmicli(link, "--dms-uim-get-imsi")
        check("IMSI", field(out, "IMSI"), SIM_ARGS["imsi"])

        # --- network ---
        out = qmicli(link, "--nas-get-serving-system")
        check("registration", field(out, "Registration state"), "registered")
        mccmnc, name = SIM_ARGS["home-operator"].split(":")
        check("MCC", field(out, "MCC"), mccmnc[:3])
        check("MNC", field(out, "MNC"), str(int(mccmnc[3:])))
        check("operator", field(out, "Description"), name)
        out = qmicli(link, "--nas-get-signal-strength")
        m = re.search(r"Current:\s*\n\s*Network 'lte': '(-?\d+) dBm'", out)
        check("RSSI", m and m.group(1), SIM_ARGS["rssi"])
        m = re.search(r"RSRP:\s*\n\s*Network 'lte': '(-?\d+) dBm'", out)
        check("RSRP", m and m.group(1), SIM_ARGS["rsrp"])
        m = re.search(r"RSRQ:\s*\n\s*Network 'lte': '(-?\d+) dB'", out)
        check("RSRQ", m and m.group(1), SIM_ARGS["rsrq"])
        m = re.search(r"SNR:\s*\n\s*Network 'lte': '(-?[\d.]+) dB'", out)
        check("SNR", m and m.group(1), "%.1f" % float(SIM_ARGS["snr"]))
        out = qmicli(link, "--nas-get-signal-info")
        m = re.search(r"LTE:\s*\n\s*RSSI: '(-?\d+) dBm'\s*\n\s*RSRQ: '(-?\d+) dB'\s*\n\s*"
                      r"RSRP: '(-?\d+) dBm'\s*\n\s*SNR: '(-?[\d.]+) dB'", out)
        check("signal info", m and m.groups(),
              (SIM_ARGS["rssi"], SIM_ARGS["rsrq"], SIM_ARGS["rsrp"], "%.1f" % float(SIM_ARGS["snr"])))

        # --- the serving cell and its neighbours ---
        out = qmicli(link, "--nas-get-system-info")
        check("cell MCC", field(out, "MCC"), mccmnc[:3])
        check("cell MNC", field(out, "MNC"), mccmnc[3:])
        check("cell id", field(out, "Cell ID"), str(0x01A2B3C4))
        check("cell TAC", field(out, "Tracking Area Code"), str(0x1234))
        out = qmicli(link, "--nas-get-cell-location-info")
        check("cell location: PLMN", field(out, "PLMN"), mccmnc)
        check("cell location: global cell id", field(out, "Global Cell ID"), str(0x01A2B3C4))
        check("cell location: serving PCI", field(out, "Serving Cell ID"), "101")
        m = re.search(r"Cell \[0\]:\s*\n\s*Physical Cell ID: '101'\s*\n\s*RSRQ: '(-?[\d.]+)' dB"
                      r"\s*\n\s*RSRP: '(-?[\d.]+)' dBm", out)
        check("cell location: serving cell measured", m and m.groups(),
              ("%.1f" % int(SIM_ARGS["rsrq"]), "%.1f" % int(SIM_ARGS["rsrp"])))
        ok("cell location: two neighbours", "Cell [2]:" in out)
        ok("cell location: timing advance", "LTE Timing Advance: '3' us" in out)

        out = qmicli(link, "--nas-network-scan")
        if "Other Net" not in out or "Peer Net" not in out:
            raise Failure("scan misses operators")

        # --- data session ---
        out = qmicli(link, "--wds-start-network=apn=internet,ip-type=4", "--client-no-release-cid")
        handle = field(out, "Packet data handle")
        cid = field(out, "CID")
        sim.wait_line(r"^sim: rx qmi WDS StartNetwork cid=%s tid=\d+ apn=internet .*ip-family=4" % cid, 1)

        out = qmicli(link, "--wds-get-current-settings", "--client-cid=" + cid, "--client-no-release-cid")
        addr, prefix = SIM_ARGS["ip4"].split("/")
        check("IPv4 address", field(out, "IPv4 address"), addr)
        check("IPv4 subnet mask", field(out, "IPv4 subnet mask"), "255.255.255.240")
        check("IPv4 gateway", field(out, "IPv4 gateway address"), SIM_ARGS["gateway4"])
        check("IPv4 primary DNS", field(out, "IPv4 primary DNS"), SIM_ARGS["dns4"])
        check("IPv4 secondary DNS", field(out, "IPv4 secondary DNS"), "192.0.2.54")
        check("MTU", field(out, "MTU"), SIM_ARGS["mtu"])

        out = qmicli(link, "--wds-get-packet-service-status", "--client-cid=" + cid, "--client-no-release-cid")
        check("connection status", field(out, "Connection status"), "connected")

        qmicli(link, "--wds-stop-network=" + handle, "--client-cid=" + cid)
        sim.wait_line(r"^sim: rx qmi WDS StopNetwork cid=%s .*handle=0x%08x$" % (cid, int(handle)), 1)
        sim.wait_line(r"^sim: rx qmi CTL ReleaseCID .*service=WDS release-cid=%s$" % cid, 1)

        # the released client id is gone for good
        qmicli(link, "--wds-get-packet-service-status", "--client-cid=" + cid, expect_ok=False)

        # --- a session dropped by the network (SIGUSR1) ---
        out = qmicli(link, "--wds-start-network=apn=internet,ip-type=4", "--client-no-release-cid")
        cid = field(out, "CID")
        sim.proc.send_signal(signal.SIGUSR1)
        sim.wait_line(r"^sim: event: network disconnected session", 5)
        out = qmicli(link, "--wds-get-packet-service-status", "--client-cid=" + cid)
        check("connection status after network drop", field(out, "Connection status"), "disconnected")

        # --- WDA data format ---
        qmicli(link, "--wda-set-data-format=link-layer-protocol=raw-ip")
        out = qmicli(link, "--wda-get-data-format")
        check("link layer protocol", field(out, "Link layer protocol"), "raw-ip")

        # --- VOICE: listed with its version, its messages as qmicli reads the bitmask ---
        out = qmicli(link, "--get-service-version-info")
        ok("VOICE in the service list", re.search(r"voice \(2\.1\)", out) is not None)
        out = qmicli(link, "--voice-get-supported-messages")
        got = re.findall(r"0x([0-9A-Fa-f]{4})", out)
        want = ["0003", "001E", "0020", "0021", "0022", "0029", "002A", "002F", "0031", "0033",
                "0034", "003A", "003B", "003C", "0043"]
        check("VOICE supported messages", [g.upper() for g in got], want)

        # --- WMS: the messages qmicli 1.32 has (list, raw read/send and
        # delete it lacks: the daemon's end-to-end tests drive those) ---
        out = qmicli(link, "--wms-get-supported-messages")
        for msg in ("0x0020", "0x0022", "0x0024", "0x0031", "0x0032", "0x0042"):
            if msg not in out:
                raise Failure("WMS supported messages lack " + msg)
        out = qmicli(link, "--wms-get-routes")
        check("default route", re.findall(r"Receipt Action: (\S+)", out)[4], "store-and-notify")
        qmicli(link, "--wms-set-routes=type=point,class=none,storage=uim,"
               "receipt-action=transfer-only")
        out = qmicli(link, "--wms-get-routes")
        routes = re.findall(r"Message Class: (\S+)\s+Storage Type: (\S+)\s+Receipt Action: (\S+)",
                            out)
        check("route of messages without a class", routes[4], ("none", "none", "transfer-only"))
        check("other routes kept", routes[1], ("1", "nv", "store-and-notify"))
        # --- GPS: a session, then a fix from the control socket ---
        out = qmicli(link, "--loc-start", "--client-no-release-cid")
        cid = field(out, "CID")
        sim.wait_line(r"^sim: event: gps session \d+ started$", 1)
        control = Control(control_path)
        report = run_tool_with(["qmicli", "-d", link, "--device-open-qmi",
                                "--loc-get-position-report", "--loc-timeout=10",
                                "--client-cid=" + cid],
                               lambda: (sim.wait_line(r"^sim: rx qmi LOC RegisterEvents cid=%s " % cid, 5),
                                        control.ok("gps 48.858222 2.2945 35")))
        control.close()
        check("position: latitude", field(report, "latitude"), "48.858222 degrees")
        check("position: longitude", field(report, "longitude"), "2.294500 degrees")
        check("position: altitude", field(report, "altitude w.r.t. mean sea level"),
              "35.000000 meters")

        # --- an unknown message gets a QMI error, not silence ---
        out = qmicli(link, "--dms-get-time", expect_ok=False)
        if "InvalidQmiCommand" not in out:
            raise Failure("unknown message did not get InvalidQmiCommand")
    except BaseException:
        sim.stop()
        raise
    check_stopped(sim, link)
    run_5g(binary, tmp)


def run_5g(binary, tmp):
    """5G as libqmi reads it: NR bands, modes, NSA and SA in System Info, NR5G signal."""
    for rat in ("nr5g-nsa", "nr5g-sa"):
        link = os.path.join(tmp, "cdc-wdm-5g")
        sim = Sim(binary, ["--protocol=qmi", "--link=" + link, "--rat=" + rat,
                           "--lte-bands=1,3,7,66", "--nr-bands=28,78", "--nr-rsrp=-87"])
        try:
            sim.wait_ready()
            out = qmicli(link, "--dms-get-capabilities")
            check("networks", field(out, "Networks"), "gsm, umts, lte, 5gnr")
            out = qmicli(link, "--dms-get-band-capabilities")
            check("LTE bands", field(out, "LTE bands (extended)"), "1, 3, 7, 66")
            check("NR5G bands", field(out, "NR5G bands"), "28, 78")
            out = qmicli(link, "--nas-get-system-info")
            if rat == "nr5g-nsa":
                check("LTE service", field(out, "Status"), "available")
                check("5G NSA", field(out, "5G NSA Available"), "yes")
            else:
                check("5G SA service", field(out, "Status", 1), "available")
            out = qmicli(link, "--nas-get-signal-info")
            check("NR5G RSRP", field(out, "RSRP", 1 if rat == "nr5g-nsa" else 0), "-87 dBm")
            qmicli(link, "--nas-set-system-selection-preference=lte|5gnr")
            out = qmicli(link, "--nas-get-system-selection-preference")
            check("mode preference", field(out, "Mode preference"), "lte, 5gnr")
            check("NR5G SA bands", field(out, "NR5G SA band preference"), "28, 78")
        except BaseException:
            sim.stop()
            raise
        check_stopped(sim, link)


if __name__ == "__main__":
    sys.exit(test_main(__doc__, run, "qmicli"))
