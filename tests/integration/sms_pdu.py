"""An SMS-SUBMIT decoder of the tests' own (3GPP TS 23.040, 23.038), to
check what the daemon sent as the simulator recorded it: independent of
src/codec and of the simulator's decoder."""

# 23.038 6.2.1: the default alphabet, septet value -> character
GSM_ALPHABET = ('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?'
                '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà')
GSM_EXTENSION = {0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\', 0x3C: '[',
                 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€'}


def unpack_septets(data, count, fill_bits):
    """count septets starting fill_bits into data (LSB first)."""
    septets = []
    for i in range(count):
        bit = fill_bits + 7 * i
        value = int.from_bytes(data[bit // 8:bit // 8 + 2].ljust(2, b'\0'), 'little')
        septets.append((value >> (bit % 8)) & 0x7F)
    return septets


def gsm_text(septets):
    out, escape = [], False
    for s in septets:
        if escape:
            out.append(GSM_EXTENSION.get(s, ' '))
            escape = False
        elif s == 0x1B:
            escape = True
        else:
            out.append(GSM_ALPHABET[s])
    return ''.join(out)


def address(data, at):
    """A TP address at data[at]: (number, octets used)."""
    digits, kind = data[at], data[at + 1]
    octets = (digits + 1) // 2
    semi = ''.join(f'{b & 0xF:x}{b >> 4:x}' for b in data[at + 2:at + 2 + octets])[:digits]
    return ('+' if kind & 0x70 == 0x10 else '') + semi, 2 + octets


def user_data_header(ud):
    """The concatenation element (reference, total, sequence) of a header."""
    i, end = 1, 1 + ud[0]
    while i + 1 < end:
        iei, length = ud[i], ud[i + 1]
        if iei == 0x00 and length == 3:
            return tuple(ud[i + 2:i + 5])
        if iei == 0x08 and length == 4:
            return (ud[i + 2] << 8 | ud[i + 3], ud[i + 4], ud[i + 5])
        i += 2 + length
    return None


def decode_submit(pdu):
    """SMSC field + SMS-SUBMIT -> dict of destination, status_report_request,
    dcs, udl, concat, fill_bits, text."""
    at = 1 + pdu[0]
    first = pdu[at]
    assert first & 0x03 == 0x01, f'not an SMS-SUBMIT: {pdu.hex()}'
    destination, used = address(pdu, at + 2)
    at += 2 + used
    dcs = pdu[at + 1]
    at += 2 + {0: 0, 2: 1, 1: 7, 3: 7}[(first >> 3) & 3]
    udl, ud = pdu[at], pdu[at + 1:]
    header = ud[0] + 1 if first & 0x40 else 0
    result = {'destination': destination, 'status_report_request': bool(first & 0x20),
              'dcs': dcs, 'udl': udl, 'concat': user_data_header(ud) if header else None}
    if dcs & 0x0C == 0x08:  # UCS-2
        result['fill_bits'] = 0
        result['text'] = ud[header:udl].decode('utf-16-be')
    else:
        header_septets = (header * 8 + 6) // 7
        result['fill_bits'] = header_septets * 7 - header * 8
        # what the sender put into the fill bits (0 by 23.040 9.2.3.24)
        result['fill_value'] = ud[header] & ((1 << result['fill_bits']) - 1) if header else 0
        septets = unpack_septets(ud, udl, 0)[header_septets:]
        result['text'] = gsm_text(septets)
    return result
