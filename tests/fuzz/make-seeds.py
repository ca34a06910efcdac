#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/ from the unit tests' vectors.

usage: make-seeds.py BUILD_DIR

BUILD_DIR is a configured build (for the order of the generated QMI decoder
table, build/src/plugins/qmi/qmi-decoder-table.c). The seeds are committed;
run this again when the vectors or the decoder table change. Each seed is a
file named for what it holds.
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    path = os.path.join(HERE, 'corpus', target)
    os.makedirs(path, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('latin-1')
    with open(os.path.join(path, name), 'wb') as fp:
        fp.write(data)


# ---- AT: responses of real modems (src/plugins/at/tests/test-at-parse.c) ----

# a received message with the SMSC field: 28 octets after it
HELLO = '07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37'

AT_RESPONSES = {
    'cgmi': '+CGMI: "QUALCOMM INCORPORATED"',
    'gmr': 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
    'cgsn': '+CGSN: "490154203237518"',
    'iccid-swapped': '^ICCID: 98942000002143658709',
    'cimi': '+CIMI: "310260000000000"',
    'cpin': '+CPIN: SIM PIN',
    'cpinr': '+CPINR: SIM PIN,3,3\n+CPINR: SIM PUK,10,10\n+CPINR: SIM PIN2,2,3',
    'qpinc': '+QPINC: "SC",3,10\n+QPINC: "P2",3,10',
    'cpinc': '+CPINC: 1,3,10,10',
    'huawei-cpin': '^CPIN: SIM PIN,3,10,3,10,3',
    'clck': '+CLCK: 0,7',
    'creg-read': '+CREG: 2,5,"1A2B","01C3D4E5",7',
    'cereg-urc': '+CEREG: 1,"2F1A","0A1B2C3D",7',
    'cereg-psm': '+CEREG: 4,1,"2F1A","0A1B2C3D",9,,,"00100100","01000011"',
    'c5greg': '+C5GREG: 2,1,"00A1B2","000000001F2E3D4C",11',
    'cops-read': '+COPS: 0,0,"Vodafone.de",7',
    'cops-ucs2': '+COPS: 0,0,"0054002D004D006F00620069006C0065",7',
    'cops-test': '+COPS: (2,"Vodafone.de","voda DE","26202",7),(1,"E-Plus","E-Plus","26203",2),'
                 '(3,"T-Mobile D","TMO D","26201",0),,(0,1,2,3,4),(0,1,2)',
    'csq': '+CSQ: 21,99',
    'cesq': '+CESQ: 40,0,50,30,255,255,255,60,80',
    'cgdcont-read': '+CGDCONT: 1,"IP","internet","0.0.0.0",0,0,0,0\n'
                    '+CGDCONT: 2,"IPV4V6","ims","0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",0,0,0,2,1,1',
    'cgdcont-test': '+CGDCONT: (1-16),"IP",,,(0-2),(0-4)\n+CGDCONT: (1-16),"IPV6",,,(0-2),(0-4)',
    'cgact': '+CGACT: 1,1\n+CGACT: 2,0',
    'cgpaddr': '+CGPADDR: 1,"10.0.0.2"\n'
               '+CGPADDR: 2,"10.1.2.3","32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.2"',
    'cgcontrdp': '+CGCONTRDP: 1,5,"internet","10.0.0.2.255.255.255.0","10.0.0.1","10.0.0.53",'
                 '"10.0.0.54","0.0.0.0","0.0.0.0",0,0,1500',
    'cfun': '+CFUN: 4,0',
    'crsm': '+CRSM: 144,0,"00000003"',
    'cnum': '+CNUM: "Own number","+491701234567",145\n+CNUM: ,"01701234568",129',
    'ws46': '+WS46: (12,22,25,28-31)',
    'cme-text': '+CME ERROR: incorrect password',
    'cme-code': '+CME ERROR: 16',
    'cms': '+CMS ERROR: 321',
    'latin1-name': '+COPS: 0,0,"Telef\xf3nica",7',
    # 27.005 in PDU mode (src/plugins/at/tests/test-at-parse-sms.c)
    'cmgl': '+CPMS: 2,30,2,30,2,30\n+CMGL: 0,1,,28\n' + HELLO + '\n+CMGL: 7,2,"draft",28\n' + HELLO,
    'cmgr': '+CMGR: 0,,28\n' + HELLO,
    'cmgw': '+CMGW: 12',
    'cmti': '+CMTI: "ME",5',
    'cmt': '+CMT: "Bob",28\n' + HELLO,
    'cpms-test': '+CPMS: ("SM","ME","MT"),("SM","ME","MT"),("SM","ME")',
}


def at_seeds():
    for name, text in AT_RESPONSES.items():
        write('at-parse', name, text)


# The AT channel script (tests/fuzz/fuzz-at-channel.c): op % 4 == 0 queues
# command k, 1 sends a chunk (u16 length), 2 cancels, 3 leaves data mode.
AT_COMMANDS = ['AT+CREG?', 'AT+COPS=?', 'AT+CPIN="1234"', 'AT+CIMI', 'ATD*99#', 'AT+CMGS=12',
               '+++', 'ATH']
# what fuzz-at-channel.c sends on the prompt of AT+CMGS=12
PROMPT_PDU = '0001000B914171092143F50000'


def queue(command):
    return bytes([0, AT_COMMANDS.index(command)])


def modem(text):
    data = text.encode('latin-1')
    return bytes([1]) + struct.pack('<H', len(data)) + data


def at_channel_seeds():
    scripts = {
        'creg': queue('AT+CREG?') + modem('AT+CREG?\r\r\n+CREG: 2,1,"1A2B","01C3D4",7\r\n')
        + modem('RING\r\n\r\nOK\r\n'),
        'cops-test-chunks': queue('AT+COPS=?') + modem('\r\n+COPS: (2,"Voda') +
        modem('fone.de","voda DE","26202",7),,(0,1),(0,2)\r\n\r\nOK\r\n'),
        'cme-error': queue('AT+CPIN="1234"') + modem('\r\n+CME ERROR: 16\r\n'),
        'personal': queue('AT+CIMI') + modem('\r\n262011234567890\r\n\r\nOK\r\n'),
        'dial-and-drop': queue('ATD*99#') + modem('\r\nCONNECT 150000000\r\n') + queue('+++')
        + modem('\r\nOK\r\n') + queue('ATH') + modem('\r\nNO CARRIER\r\n') + bytes([3]),
        'prompt': queue('AT+CMGS=12') + modem('\r\n> ') + modem(PROMPT_PDU + '\x1a')
        + modem('\r\n+CMGS: 12\r\n\r\nOK\r\n'),
        'urc-with-body': modem('\r\n+CMT: ,28\r\n' + HELLO + '\r\n') + queue('AT+CREG?')
        + modem('\r\n+CBM: 88\r\n') + modem('00' * 88 + '\r\n\r\nOK\r\n'),
        'cancel': queue('AT+COPS=?') + queue('AT+CREG?') + bytes([2])
        + modem('\r\n+COPS: ,,(0,1,2,3,4),(0,1,2)\r\n\r\nOK\r\n')
        + modem('\r\n+CREG: 0,1\r\n\r\nOK\r\n'),
        'garbage-then-ok': queue('AT+CREG?') + modem('\xff\xfe\x01junk\x1b[2J\r\n' * 4)
        + modem('\r\nOK\r\n'),
        'long-line': queue('AT+CREG?') + modem('A' * 5000 + '\r\n') + modem('OK\r\n'),
        # the channel lets go of the modem, which goes on sending
        'garbage-drops-modem': queue('AT+CREG?') + modem('\xff\r\n' * 40) + modem('OK\r\n')
        + queue('AT+CREG?'),
    }
    for name, script in scripts.items():
        write('at-channel', name, script)


# ---- QMI (src/plugins/qmi/tests/test-qmi-codec.c and test-qmi-device.c) ----

def tlv(t, value):
    return struct.pack('<BH', t, len(value)) + value


SUCCESS = tlv(0x02, struct.pack('<HH', 0, 0))


def frame(service, cid, kind, tid, msg_id, tlvs):
    """A QMUX frame; kind: 'response' or 'indication'."""
    if service == 0:
        flags = {'response': 0x01, 'indication': 0x02}[kind]
        sdu = struct.pack('<BBHH', flags, tid, msg_id, len(tlvs)) + tlvs
    else:
        flags = {'response': 0x02, 'indication': 0x04}[kind]
        sdu = struct.pack('<BHHH', flags, tid, msg_id, len(tlvs)) + tlvs
    return struct.pack('<BHBBB', 1, 5 + len(sdu), 0x80, service, cid) + sdu


def serving_system_tlvs():
    return (tlv(0x01, bytes([1, 1, 1, 2, 1, 8])) + tlv(0x10, bytes([1]))
            + tlv(0x12, struct.pack('<HHB', 1, 1, 7) + b'Sim Net'))


def card_status_tlvs():
    app = bytes([2, 2, 0, 0, 0, 0, 7]) + bytes([0xa0, 0, 0, 0, 0x87, 0x10, 2]) + \
        bytes([0, 1, 3, 10, 1, 3, 10])
    return tlv(0x10, struct.pack('<HHHH', 0, 0xFFFF, 0xFFFF, 0xFFFF)
               + bytes([1, 1, 0, 0, 0, 0, 1]) + app)


def qmi_frame_seeds():
    # the device's opening as modem-sim answers it: CTL Sync (tid 1), Get
    # Version Info (tid 2), Allocate CID for NAS (tid 3), then the NAS request
    versions = tlv(0x01, bytes([2, 2]) + struct.pack('<HH', 1, 14) + bytes([3])
                   + struct.pack('<HH', 1, 25))
    opening = (frame(0, 0, 'response', 1, 0x0027, SUCCESS)
               + frame(0, 0, 'response', 2, 0x0021, SUCCESS + versions)
               + frame(0, 0, 'response', 3, 0x0022, SUCCESS + tlv(0x01, bytes([3, 5])))
               + frame(3, 5, 'response', 1, 0x0024, SUCCESS + serving_system_tlvs())
               + frame(3, 0xff, 'indication', 0, 0x0024, serving_system_tlvs()))
    seeds = {
        'opening-whole-reads': bytes([255]) + opening,
        'opening-byte-reads': bytes([0]) + opening,
        'opening-odd-reads': bytes([6]) + opening,
        'garbage-between': bytes([16]) + b'\xff\x7e\x00' + opening[:40] + b'\x01\xf0\xff\x80'
        + opening[40:],
        'wrong-message-id': bytes([255]) + opening[:-60]
        + frame(3, 5, 'response', 1, 0x0021, SUCCESS + tlv(0x01, b'Wrong')),
        'dms-ids': bytes([255]) + frame(2, 5, 'response', 2, 0x0025, SUCCESS
                                        + tlv(0x10, b'0') + tlv(0x11, b'359000000000001')),
    }
    for name, data in seeds.items():
        write('qmi-frame', name, data)


def decoder_table(build_dir):
    path = os.path.join(build_dir, 'src', 'plugins', 'qmi', 'qmi-decoder-table.c')
    with open(path, encoding='utf-8') as fp:
        return re.findall(r'^  \{ \d+, 0x[0-9A-F]+, (?:TRUE|FALSE), "([^"]+)",', fp.read(), re.M)


def qmi_decoder_seeds(build_dir):
    names = decoder_table(build_dir)
    hello = bytes.fromhex(HELLO)
    scan = tlv(0x10, struct.pack('<H', 2) + struct.pack('<HHBB', 262, 2, 1, 11) + b'Vodafone.de'
               + struct.pack('<HHBB', 262, 3, 2, 6) + b'E-Plus') + \
        tlv(0x11, struct.pack('<H', 1) + struct.pack('<HHb', 262, 2, 8))
    vectors = {
        'CTL Allocate CID': SUCCESS + tlv(0x01, bytes([2, 5])),
        'DMS Get IDs': SUCCESS + tlv(0x10, b'0') + tlv(0x11, b'359000000000001'),
        'DMS Get Manufacturer': SUCCESS + tlv(0x01, b'QUALCOMM INCORPORATED'),
        'DMS Get Band Capabilities': SUCCESS + tlv(0x10, struct.pack('<Q', 0x80005))
        + tlv(0x12, struct.pack('<HHHH', 3, 1, 3, 66)),
        'NAS Serving System': serving_system_tlvs(),
        'NAS Get Serving System': SUCCESS + serving_system_tlvs(),
        'NAS Network Scan': SUCCESS + scan,
        'NAS Get Signal Info': SUCCESS + tlv(0x14, bytes([0xba, 0xf6, 0x9c, 0xff, 0x78, 0]))
        + tlv(0x17, struct.pack('<hh', -95, 120)),
        'UIM Get Card Status': SUCCESS + card_status_tlvs(),
        'UIM Verify PIN': struct.pack('<BHHH', 2, 4, 1, 12) + tlv(0x10, bytes([2, 10])),
        'WDS Get Current Settings': SUCCESS + tlv(0x1E, struct.pack('<I', 0x0A000002))
        + tlv(0x14, b'internet'),
        # WMS as tests/sim/sim-qmi-wms.c answers
        'WMS List Messages': SUCCESS + tlv(0x01, struct.pack('<I', 2) + struct.pack('<IB', 0, 1)
                                           + struct.pack('<IB', 3, 0)),
        'WMS Raw Read': SUCCESS + tlv(0x01, bytes([1, 6]) + struct.pack('<H', len(hello))
                                      + hello),
        'WMS Event Report': tlv(0x10, struct.pack('<BI', 1, 4)) + tlv(0x12, bytes([1])),
        'WMS Event Report transfer': tlv(0x11, struct.pack('<BIBH', 1, 77, 6, len(hello)) + hello),
    }
    for name, tlvs in vectors.items():
        decoder = name.removesuffix(' transfer')
        if decoder not in names:
            sys.exit(f'{decoder}: not in the decoder table')
        selector = struct.pack('<H', names.index(decoder))
        write('qmi-decoders', re.sub(r'[^a-z0-9]+', '-', name.lower()), selector + tlvs)


# ---- SIM files (tests/unit/test-sim-files.c) ----

def sim_seeds():
    seeds = {
        'ef-iccid': bytes([0x98, 0x94, 0x20, 0x00, 0x00, 0x21, 0x43, 0x65, 0x87, 0x09]),
        'ef-iccid-padded': bytes([0x98, 0x94, 0x20, 0x00, 0x00, 0x21, 0x43, 0x65, 0x87, 0xF9]),
        'ef-imsi': bytes([0x08, 0x29, 0x26, 0x10, 0x21, 0x43, 0x65, 0x87, 0x09]),
        'ef-ad': bytes([0x00, 0x00, 0x00, 0x03]),
        'ef-spn-gsm': bytes([0x01]) + b'Sim\x00net' + b'\xff\xff',
        'ef-spn-ucs2': bytes([0x00, 0x80, 0x00, ord('O'), 0x00, 0xE9, 0xFF, 0xFF]),
    }
    for name, data in seeds.items():
        write('sim-files', name, data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    at_seeds()
    at_channel_seeds()
    qmi_frame_seeds()
    qmi_decoder_seeds(sys.argv[1])
    sim_seeds()


if __name__ == '__main__':
    main()
