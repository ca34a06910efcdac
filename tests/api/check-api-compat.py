#!/usr/bin/env python3
"""Checks our D-Bus API against ModemManager's own introspection and enum
headers (Debian package modemmanager-dev): every method, signal and property we
export under org.example.Modem1 must exist in the reference with the same
signature, and every enum value we define must have the reference's number.
This is what lets a compatibility name be added later without changing a type.
The export itself, as clients see it on the bus (modemd --compat), is checked
against the same files by tests/integration/test_compat.py (LiveApiTest)."""
import os
import re
import sys
import xml.etree.ElementTree as ET

OURS = "org.example.Modem1"
REF = "org.freedesktop.ModemManager1"
REF_XML_DIR = "/usr/share/dbus-1/interfaces"
REF_ENUMS = "/usr/include/ModemManager/ModemManager-enums.h"
REF_ERRORS = "/usr/include/ModemManager/ModemManager-errors.h"

# Members the issue asks for that are newer than the reference Debian ships
# (ModemManager 1.20): checked by name only.
NEWER_THAN_REFERENCE = {
    ("org.example.Modem1.Modem", "property", "Physdev"),
    ("org.example.Modem1.Modem.Messaging", "method", "SetDefaultStorage"),
}

# Interfaces newer than the reference Debian ships: no reference XML to check
# them against (ModemManager 1.24 added them).
NEWER_INTERFACES = {
    "org.example.Modem1.Modem.CellBroadcast",
    "org.example.Modem1.Cbm",
}


def members(path):
    out = {}
    for iface in ET.parse(path).getroot().findall("interface"):
        name = iface.get("name")
        m = {}
        for meth in iface.findall("method"):
            args = tuple((a.get("type"), a.get("direction", "in")) for a in meth.findall("arg"))
            m[("method", meth.get("name"))] = args
        for sig in iface.findall("signal"):
            m[("signal", sig.get("name"))] = tuple(a.get("type") for a in sig.findall("arg"))
        for prop in iface.findall("property"):
            m[("property", prop.get("name"))] = (prop.get("type"), prop.get("access"))
        out[name] = m
    return out


def check_interfaces(xml_dir, failures):
    checked = 0
    for fname in sorted(os.listdir(xml_dir)):
        if not fname.endswith(".xml"):
            continue
        for name, ours in members(os.path.join(xml_dir, fname)).items():
            ref_name = REF + name[len(OURS):]
            ref_path = os.path.join(REF_XML_DIR, ref_name + ".xml")
            if not os.path.exists(ref_path):
                if name not in NEWER_INTERFACES:
                    failures.append(f"{name}: no reference interface {ref_name}")
                continue
            ref = members(ref_path)[ref_name]
            for key, sig in ours.items():
                checked += 1
                if key not in ref:
                    if (name,) + key in NEWER_THAN_REFERENCE:
                        continue
                    failures.append(f"{name}: {key[0]} {key[1]} is not in the reference")
                elif ref[key] != sig:
                    failures.append(f"{name}: {key[0]} {key[1]} is {sig}, reference {ref[key]}")
    return checked


def parse_enums(path, prefix):
    values = {}
    text = open(path).read()
    for m in re.finditer(r"\b" + prefix + r"([A-Z0-9_]+)\s*=\s*([^,\n}]+)", text):
        expr = m.group(2).strip()
        expr = re.sub(r"\(int\)", "", expr)
        try:
            values[m.group(1)] = eval(expr, {}, {}) & 0xFFFFFFFF
        except Exception:
            pass
    return values


def check_enums(our_header, ref_header, failures):
    ours = parse_enums(our_header, "MMD_")
    ref = parse_enums(ref_header, "MM_")
    checked = 0
    for name, value in ours.items():
        if name not in ref:
            continue
        checked += 1
        if ref[name] != value:
            failures.append(f"enum {name} is {value}, reference {ref[name]}")
    return checked


DOMAINS = {"CORE": "Core", "MOBILE_EQUIPMENT": "MobileEquipment",
           "CONNECTION": "Connection", "SERIAL": "Serial", "MESSAGE": "Message"}


def check_error_names(our_source, failures):
    """Our D-Bus error names must be the reference's nicks under each domain."""
    ref = {}
    for m in re.finditer(r"MM_(\w+?)_ERROR_(\w+)\s*=\s*\d+,?\s*/\*< nick=(\w+)",
                         open(REF_ERRORS).read()):
        if m.group(1) in DOMAINS:
            ref[(m.group(1), m.group(2))] = DOMAINS[m.group(1)] + "." + m.group(3)
    text = open(our_source).read()
    ours = {}
    for m in re.finditer(r'ENTRY\(MMD_(\w+?)_ERROR_(\w+), "([\w.]+)"\)', text):
        ours[(m.group(1), m.group(2))] = m.group(3)
    for m in re.finditer(r'ME\((\w+), "(\w+)"\)', text):
        ours[("MOBILE_EQUIPMENT", m.group(1))] = "MobileEquipment." + m.group(2)
    for m in re.finditer(r'MESSAGE\((\w+), "(\w+)"\)', text):
        ours[("MESSAGE", m.group(1))] = "Message." + m.group(2)
    checked = 0
    for key, name in ours.items():
        if key in ref:
            checked += 1
            if ref[key] != name:
                failures.append(f"error {key} is named {name}, reference {ref[key]}")
    return checked


def main():
    if not os.path.isdir(REF_XML_DIR) or not os.path.exists(REF_ENUMS):
        print("SKIP: modemmanager-dev is not installed")
        return 77
    src = sys.argv[1]
    failures = []
    n_members = check_interfaces(os.path.join(src, "introspection"), failures)
    n_enums = check_enums(os.path.join(src, "src/common/mmd-enums.h"), REF_ENUMS, failures)
    n_enums += check_enums(os.path.join(src, "src/common/mmd-errors.h"), REF_ERRORS, failures)
    n_errors = check_error_names(os.path.join(src, "src/common/mmd-errors.c"), failures)
    for f in failures:
        print("FAIL:", f)
    print(f"checked {n_members} members, {n_enums} enum values and {n_errors} error names "
          "against the reference")
    if n_members < 100 or n_enums < 100 or n_errors < 50:
        print("FAIL: suspiciously few items checked")
        return 1
    return 1 if failures else 0


sys.exit(main())
