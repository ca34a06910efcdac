#!/usr/bin/env python3
"""Generates the C encoders and decoders of QMI messages from data/qmi-*.json.

usage: qmi-codegen.py OUT.h OUT.c TABLE.h TABLE.c SERVICE.json...

A data file describes one service:
  { "service": "DMS", "id": 2,
    "messages":    [ { "name": "Get IDs", "id": "0x0025", "input": [TLV...], "output": [TLV...] } ],
    "indications": [ { "name": "...", "id": "0x....", "output": [TLV...] } ] }
A TLV is a field with a "tlv" type id (and optionally "secret": true, which keeps its
value out of the logs). A field is { "name": "...", "type": T } where T is one of
  u8 i8 u16 i16 u32 i32 u64       little-endian integers
  f32 f64                         little-endian IEEE 754 binary32 / binary64
  string                          the rest of the TLV
  string8 string16                a string with a u8/u16 length prefix
  bytes bytes8 bytes16            raw bytes: rest of the TLV, or u8/u16 length prefix
  fixed                           "size" raw bytes
  struct                          "fields": [field...]
  array8 array16 array32          u8/u16/u32 count, then "element" fields; element structs
                                  get a typedef named by "ctype" (or derived); a count
                                  larger than the bytes left fails the TLV

For each message the output has Qmi<Svc><Msg>Input / Output structs, the build and
parse functions, and qmi_client_<svc>_<msg>() / _finish() async wrappers; for each
indication a Qmi<Svc><Ind>Indication struct and its parse function. Presence of a TLV
is has_<name> (strings: non-NULL). The functions are one-liners into the generic codec
(qmi-tlv-codec.c); what they encode and decode is described by the tables written here
(qmi_message_infos, qmi_tlv_infos, qmi_field_descs, qmi_message_names: see
qmi-message.h and qmi-tlv-codec.h), which hold indices and offsets, no pointers.

Decoding is bounded (qmi-decode.h): the first TLV of a type is the one decoded and
repeats are skipped; an array's count must fit in the bytes left in its TLV (every
element takes at least one byte, checked here) before anything is allocated; strings
come out as clean UTF-8; a malformed TLV leaves its field zeroed and has_<name> FALSE.

TABLE.h/TABLE.c list every decoder with a check of its output (strings clean,
arrays allocated for their counts, absent fields zeroed), for the fuzzer and tests:
the daemon does not link them.
"""
import json
import re
import sys

SCALARS = {
    'u8': ('guint8', 'qmi_put_u8', 'qmi_read_u8'),
    'i8': ('gint8', 'qmi_put_u8', 'qmi_read_u8'),
    'u16': ('guint16', 'qmi_put_u16', 'qmi_read_u16'),
    'i16': ('gint16', 'qmi_put_u16', 'qmi_read_u16'),
    'u32': ('guint32', 'qmi_put_u32', 'qmi_read_u32'),
    'i32': ('gint32', 'qmi_put_u32', 'qmi_read_u32'),
    'u64': ('guint64', 'qmi_put_u64', 'qmi_read_u64'),
}
# floats travel as the integer of their bits
FLOATS = {'f32': ('gfloat', 'u32'), 'f64': ('gdouble', 'u64')}
STRINGS = {'string': None, 'string8': 'u8', 'string16': 'u16'}
BYTES = {'bytes': None, 'bytes8': 'u8', 'bytes16': 'u16'}
ARRAYS = {'array8': 'u8', 'array16': 'u16', 'array32': 'u32'}
PREFIX_BYTES = {None: 0, 'u8': 1, 'u16': 2, 'u32': 4}


def c_name(name):
    return re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')


def c_string(text):
    return text.replace('\\', '\\\\').replace('"', '\\"')


def camel(name):
    return ''.join(w.capitalize() for w in re.split(r'[^A-Za-z0-9]+', name) if w)


def min_wire(f):
    """The fewest bytes field f takes on the wire."""
    t = f['type']
    if t in SCALARS:
        return {'u8': 1, 'i8': 1, 'u16': 2, 'i16': 2, 'u32': 4, 'i32': 4, 'u64': 8}[t]
    if t in STRINGS:
        return {None: 0, 'u8': 1, 'u16': 2}[STRINGS[t]]
    if t in BYTES:
        return {None: 0, 'u8': 1, 'u16': 2}[BYTES[t]]
    if t == 'fixed':
        return int(f['size'])
    if t == 'struct':
        return sum(min_wire(sub) for sub in f['fields'])
    return {'u8': 1, 'u16': 2, 'u32': 4}[ARRAYS[t]]


def check_field(f, where, top):
    t = f.get('type')
    if t not in SCALARS and t not in FLOATS and t not in STRINGS and t not in BYTES \
            and t not in ARRAYS and t not in ('fixed', 'struct'):
        sys.exit(f'{where}: unknown type {t!r}')
    if t in ('string', 'bytes') and not top:
        sys.exit(f'{where}: {t} takes the rest of a TLV; use {t}8 inside structs')
    for sub in f.get('fields', []):
        check_field(sub, f'{where}.{sub.get("name")}', False)
    if t in ARRAYS:
        check_field(f['element'], f'{where}[]', False)
        if f['element']['type'] not in SCALARS and f['element']['type'] not in FLOATS \
                and f['element']['type'] != 'struct':
            sys.exit(f'{where}: array elements are integers, floats or structs')
        if min_wire(f['element']) < 1:
            sys.exit(f'{where}: array elements must take at least one byte on the wire')


class Gen:
    def __init__(self):
        self.h = []
        self.c = []
        self.typedefs = []
        self.infos = []
        self.names = []
        self.name_offsets = {}
        self.names_len = 0
        self.fields = []
        self.tlv_infos = []
        self.table_c = []
        self.table_entries = []

    # ---- declarations -------------------------------------------------
    def decl(self, f, cname, const, indent, owner):
        """Lines declaring field f as member cname."""
        t = f['type']
        pad = '  ' * indent
        q = 'const ' if const else ''
        if t in SCALARS:
            return [f'{pad}{SCALARS[t][0]} {cname};']
        if t in FLOATS:
            return [f'{pad}{FLOATS[t][0]} {cname};']
        if t in STRINGS:
            return [f'{pad}{q}char *{cname};']
        if t in BYTES:
            return [f'{pad}guint n_{cname};', f'{pad}{q}guint8 *{cname};']
        if t == 'fixed':
            return [f'{pad}guint8 {cname}[{int(f["size"])}];']
        if t == 'struct':
            lines = [f'{pad}struct {{']
            for sub in f['fields']:
                lines += self.decl(sub, c_name(sub['name']), const, indent + 1, owner)
            return lines + [f'{pad}}} {cname};']
        # array
        el = f['element']
        if el['type'] == 'struct':
            tname = f.get('ctype') or owner + camel(f['name'])
            self.typedef(tname, el)
            etype = tname
        else:
            etype = self.decl(el, 'x', False, 0, owner)[0].rsplit(' ', 1)[0]
        return [f'{pad}guint n_{cname};', f'{pad}{q}{etype} *{cname};']

    def typedef(self, tname, el):
        if any(n == tname for n, _ in self.typedefs):
            return
        body = []
        for sub in el['fields']:
            body += self.decl(sub, c_name(sub['name']), False, 1, tname)
        self.typedefs.append((tname, ['typedef struct {'] + body + [f'}} {tname};', '']))

    # ---- checks of decoded outputs (for the decoder table) -----------
    def check(self, f, lv, nlv, depth, out):
        t = f['type']
        pad = '  ' * (depth + 1)
        if t in STRINGS:
            out.append(f'{pad}check_text({lv});')
        elif t in BYTES:
            out.append(f'{pad}check_bytes({lv}, {nlv});')
        elif t == 'struct':
            for sub in f['fields']:
                cn = c_name(sub['name'])
                self.check(sub, f'{lv}.{cn}', f'{lv}.n_{cn}', depth, out)
        elif t in ARRAYS:
            i = f'i{depth}'
            out.append(f'{pad}g_assert_true({nlv} == 0 || {lv} != NULL);')
            body = []
            self.check(f['element'], f'{lv}[{i}]', None, depth + 1, body)
            if body:
                out.append(f'{pad}for (guint {i} = 0; {i} < {nlv}; {i}++) {{')
                out += body
                out.append(f'{pad}}}')

    def table_entry(self, svc, m, kind, parse_fn, tname, tlvs):
        """A decoder-table function for one message: decode, check, free."""
        ind = kind == 'indication'
        fn = f'decode_{c_name(svc["service"])}_{kind}_{c_name(m["name"])}'
        body = [f'static gboolean', f'{fn}(const QmiMessage *msg)', '{', f'  {tname} out;',
                f'  gboolean ok = {parse_fn}(msg, &out, NULL);']
        for f in tlvs:
            cn = c_name(f['name'])
            checks = []
            self.check(f, f'out.{cn}', f'out.n_{cn}', 1, checks)
            if f['type'] in STRINGS:
                body += checks
                continue
            absent = [f'    check_zero(&out.{cn}, sizeof(out.{cn}));']
            if f['type'] in BYTES or f['type'] in ARRAYS:
                absent.append(f'    g_assert_cmpuint(out.n_{cn}, ==, 0);')
            if checks:
                body += [f'  if (out.has_{cn}) {{'] + checks + ['  } else {'] + absent + ['  }']
            else:
                body += [f'  if (!out.has_{cn}) {{'] + absent + ['  }']
        body += ['  g_assert_cmpuint(out.base.decoded, <=, QMI_OUTPUT_MAX_DECODED);',
                 '  qmi_output_base_clear(&out.base);', '  return ok;', '}', '']
        self.table_c += body
        self.table_entries.append(f'  {{ {svc["id"]}, 0x{int(m["id"], 16):04X}, '
                                  f'{"TRUE" if ind else "FALSE"}, "{svc["service"]} {m["name"]}", '
                                  f'{fn} }},')

    # ---- one message --------------------------------------------------
    def struct_for(self, tname, tlvs, const, base):
        lines = ['typedef struct {']
        if base:
            lines.append('  QmiOutputBase base;')
        for f in tlvs:
            cn = c_name(f['name'])
            if f['type'] not in STRINGS:
                lines.append(f'  gboolean has_{cn};')
            lines += self.decl(f, cn, const, 1, tname)
        lines.append(f'}} {tname};')
        return lines + ['']

    # ---- descriptors ---------------------------------------------------
    def name(self, text):
        """The offset of text in qmi_message_names (each name stored once)."""
        if text not in self.name_offsets:
            self.name_offsets[text] = self.names_len
            self.names.append(text)
            self.names_len += len(text.encode('utf-8')) + 1
        return self.name_offsets[text]

    def reserve(self, n):
        first = len(self.fields)
        self.fields += [None] * n
        return first

    def field(self, f, owner, path, slot, ctype=None):
        """Fills qmi_field_descs[slot] for f at member path of owner (None for an
        array element of C type ctype, at offset 0); members and elements follow."""
        t = f['type']
        if path is None:
            off, size = '0', f'sizeof({ctype})'
        else:
            off, size = f'offsetof({owner}, {path})', f'sizeof((({owner} *)0)->{path})'
        count, link, prefix, n_members, mw = '0', '0', 0, 0, 0
        if t in STRINGS or t in BYTES or t in ARRAYS:
            p = STRINGS.get(t) or BYTES.get(t) or ARRAYS.get(t)
            prefix = PREFIX_BYTES[p]
        if t in BYTES or t in ARRAYS:
            head, _, last = path.rpartition('.')
            count = f'offsetof({owner}, {head + "." if head else ""}n_{last})'
        if t in SCALARS or t in FLOATS:
            kind = 'INT'
        elif t in STRINGS:
            kind = 'STRING'
        elif t in BYTES:
            kind = 'BYTES'
        elif t == 'fixed':
            kind = 'FIXED'
        elif t == 'struct':
            kind = 'STRUCT'
            n_members = len(f['fields'])
            first = self.reserve(n_members)
            for i, sub in enumerate(f['fields']):
                sub_path = c_name(sub['name']) if path is None else f'{path}.{c_name(sub["name"])}'
                self.field(sub, owner, sub_path, first + i)
            link = str(first)
        else:
            kind = 'ARRAY'
            el = f['element']
            if el['type'] == 'struct':
                etype = f.get('ctype') or owner + camel(f['name'])
                eowner = etype
            else:
                etype = (SCALARS.get(el['type']) or FLOATS[el['type']])[0]
                eowner = owner
            eslot = self.reserve(1)
            self.field(el, eowner, None, eslot, etype)
            link = str(eslot)
            mw = min_wire(el)
        if n_members > 255 or mw > 255:
            sys.exit(f'{owner}.{path}: too many members or too large an element')
        self.fields[slot] = (f'  {{ {off}, {size}, {count}, {link}, QMI_FIELD_{kind}, {prefix}, '
                             f'{n_members}, {mw} }},')

    def tlv_info(self, f, owner):
        cn = c_name(f['name'])
        slot = self.reserve(1)
        self.field(f, owner, cn, slot)
        has = 'QMI_TLV_NO_HAS' if f['type'] in STRINGS else f'offsetof({owner}, has_{cn})'
        self.tlv_infos.append(f'  {{ {f["tlv"]}, {1 if f.get("secret") else 0}, '
                              f'{self.name(f["name"])}, {slot}, {has} }},')

    def message_info(self, svc, m, kind, in_t, out_t):
        """Describes m in qmi_message_infos; returns the C expression of its entry."""
        inputs = m.get('input', [])
        outputs = m.get('output', [])
        if len(inputs) > 255 or len(outputs) > 255:
            sys.exit(f'{svc["service"]} {m["name"]}: too many TLVs')
        first_in = len(self.tlv_infos)
        for f in inputs:
            self.tlv_info(f, in_t)
        first_out = len(self.tlv_infos)
        for f in outputs:
            self.tlv_info(f, out_t)
        k = 'QMI_MESSAGE_KIND_INDICATION' if kind == 'indication' else 'QMI_MESSAGE_KIND_REQUEST'
        self.infos.append(f'  {{ 0x{int(m["id"], 16):04X}, {svc["id"]}, {k}, '
                          f'{self.name(m["name"])}, {self.name(svc["service"])}, {first_in}, '
                          f'{first_out}, {len(inputs)}, {len(outputs)} }},')
        return f'&qmi_message_infos[{len(self.infos) - 1}]'

    # ---- one message --------------------------------------------------
    def struct_for(self, tname, tlvs, const, base):
        lines = ['typedef struct {']
        if base:
            lines.append('  QmiOutputBase base;')
        for f in tlvs:
            cn = c_name(f['name'])
            if f['type'] not in STRINGS:
                lines.append(f'  gboolean has_{cn};')
            lines += self.decl(f, cn, const, 1, tname)
        lines.append(f'}} {tname};')
        return lines + ['']

    def request_fns(self, fn, sname, mname, info, in_t, out_t):
        """The build/parse functions and async wrappers of a request: one-liners."""
        h, c = [], []
        args = 'guint timeout_s, GCancellable *cancellable, GAsyncReadyCallback callback, ' \
               'gpointer user_data'
        in_arg = f'const {in_t} *in, ' if in_t else ''
        if in_t:
            h.append(f'GByteArray *{fn}_build(const {in_t} *in);')
            c += ['GByteArray *', f'{fn}_build(const {in_t} *in)', '{',
                  f'  return qmi_tlv_encode({info}, in);', '}', '']
        h.append(f'gboolean {fn}_parse(const QmiMessage *msg, {out_t} *out, GError **error);')
        h.append(f'void qmi_client_{sname}_{mname}(QmiClient *client, {in_arg}{args});')
        h.append(f'gboolean qmi_client_{sname}_{mname}_finish(QmiClient *client, '
                 f'GAsyncResult *res, {out_t} *out, GError **error);')
        c += ['gboolean', f'{fn}_parse(const QmiMessage *msg, {out_t} *out, GError **error)', '{',
              f'  return qmi_tlv_decode({info}, msg, out, sizeof(*out), error);', '}', '',
              'void', f'qmi_client_{sname}_{mname}(QmiClient *client, {in_arg}{args})', '{',
              f'  qmi_client_request(client, {info}, {"in" if in_t else "NULL"}, timeout_s, '
              'cancellable, callback, user_data);', '}', '',
              'gboolean', f'qmi_client_{sname}_{mname}_finish(QmiClient *client, '
              f'GAsyncResult *res, {out_t} *out, GError **error)', '{',
              f'  return qmi_client_request_finish(client, res, {info}, out, sizeof(*out), '
              'error);', '}', '']
        return h, c

    def message(self, svc, m, kind):
        sname = c_name(svc['service'])
        mname = c_name(m['name'])
        Sv = camel(svc['service'])
        Mn = camel(m['name'])
        mid = int(m['id'], 16)
        what = f'{svc["service"]} {m["name"]}'
        inputs = m.get('input', [])
        outputs = m.get('output', [])
        for f in inputs + outputs:
            check_field(f, f'{what}.{f.get("name")}', True)
        ind = kind == 'indication'
        suffix = 'IND' if ind else 'MSG'
        self.h.append(f'#define QMI_{sname.upper()}_{suffix}_{mname.upper()} 0x{mid:04X}')
        h, c = [], []
        if ind:
            tname = f'Qmi{Sv}{Mn}Indication'
            h += self.struct_for(tname, outputs, False, True)
            fn = f'qmi_{sname}_{mname}_indication_parse'
            info = self.message_info(svc, m, kind, None, tname)
            h.append(f'gboolean {fn}(const QmiMessage *msg, {tname} *out, GError **error);')
            c += ['gboolean', f'{fn}(const QmiMessage *msg, {tname} *out, GError **error)', '{',
                  f'  return qmi_tlv_decode({info}, msg, out, sizeof(*out), error);', '}', '']
            self.table_entry(svc, m, kind, fn, tname, outputs)
        else:
            fn = f'qmi_{sname}_{mname}'
            in_t = f'Qmi{Sv}{Mn}Input' if inputs else None
            out_t = f'Qmi{Sv}{Mn}Output'
            if inputs:
                h += self.struct_for(in_t, inputs, True, False)
            h += self.struct_for(out_t, outputs, False, True)
            info = self.message_info(svc, m, kind, in_t, out_t)
            fh, fc = self.request_fns(fn, sname, mname, info, in_t, out_t)
            h += fh
            c += fc
            self.table_entry(svc, m, kind, f'{fn}_parse', out_t, outputs)
        self.h += [''] + h
        self.c += c

    def tables(self):
        """The C of the descriptor tables."""
        if self.names_len > 0xFFFF or len(self.fields) > 0xFFFF or len(self.tlv_infos) > 0xFFFF:
            sys.exit('descriptor tables too large for their 16-bit indices')
        out = ['const char qmi_message_names[] ='] + \
              [f'  "{c_string(n)}\\0"' for n in self.names] + ['  "";', '']
        out += ['const QmiFieldDesc qmi_field_descs[] = {'] + self.fields + ['};', '',
                'const gsize qmi_field_descs_len = G_N_ELEMENTS(qmi_field_descs);', '']
        out += ['const QmiTlvInfo qmi_tlv_infos[] = {'] + self.tlv_infos + ['};', '',
                'const gsize qmi_tlv_infos_len = G_N_ELEMENTS(qmi_tlv_infos);', '']
        out += ['const QmiMessageInfo qmi_message_infos[] = {'] + self.infos + ['};', '',
                'const gsize qmi_message_infos_len = G_N_ELEMENTS(qmi_message_infos);', '']
        return out

def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    out_h, out_c, table_h, table_c = sys.argv[1:5]
    inputs = sys.argv[5:]
    g = Gen()
    for path in inputs:
        with open(path, encoding='utf-8') as fp:
            svc = json.load(fp)
        g.h.append(f'\n/* ---- {svc["service"]} (from {path.rsplit("/", 1)[-1]}) ---- */')
        g.h.append(f'#define QMI_SERVICE_ID_{c_name(svc["service"]).upper()} {svc["id"]}')
        for m in svc.get('messages', []):
            g.message(svc, m, 'message')
        for m in svc.get('indications', []):
            g.message(svc, m, 'indication')
    header = ['/* Generated by qmi-codegen.py from data/qmi-*.json: do not edit. */',
              '#pragma once', '', '#include <gio/gio.h>', '', '#include "qmi-device.h"',
              '#include "qmi-decode.h"', '#include "qmi-message.h"', '', 'G_BEGIN_DECLS', '']
    for _, lines in g.typedefs:
        header += lines
    header += g.h + ['', 'G_END_DECLS', '']
    source = ['/* Generated by qmi-codegen.py from data/qmi-*.json: do not edit. */',
              '#include "qmi-generated.h"', '', '#include <stddef.h>', '',
              '#include "qmi-tlv-codec.h"', ''] + g.tables() + g.c
    with open(out_h, 'w', encoding='utf-8') as fp:
        fp.write('\n'.join(header))
    with open(out_c, 'w', encoding='utf-8') as fp:
        fp.write('\n'.join(source))
    write_table(g, table_h, table_c)


TABLE_H = '''/* Generated by qmi-codegen.py from data/qmi-*.json: do not edit. */
#pragma once

#include "qmi-generated.h"

G_BEGIN_DECLS

/* Every generated decoder. decode() parses msg as that message (a response or
 * an indication), aborts if the output breaks a decoder invariant (a string
 * that is not clean UTF-8, an array without memory for its count, an absent
 * field not zeroed, memory over QMI_OUTPUT_MAX_DECODED), frees it, and
 * returns what the parser returned. For the fuzzer and tests only. */
typedef struct {
  guint8 service;
  guint16 id;
  gboolean indication;
  const char *name;
  gboolean (*decode)(const QmiMessage *msg);
} QmiDecoderEntry;

extern const QmiDecoderEntry qmi_decoder_table[];
extern const gsize qmi_decoder_table_len;

G_END_DECLS
'''

TABLE_C_HEAD = '''/* Generated by qmi-codegen.py from data/qmi-*.json: do not edit. */
#include "qmi-decoder-table.h"

#include "mmd-text.h"

static volatile guint8 touched;

static void
check_text(const char *s)
{
  g_assert_true(s == NULL || mmd_text_is_clean(s, -1));
}

/* Reads every byte, so that a sanitizer sees an array shorter than its count. */
static void
check_bytes(const guint8 *p, guint n)
{
  g_assert_true(n == 0 || p != NULL);
  for (guint i = 0; i < n; i++)
    touched ^= p[i];
}

static void
check_zero(const void *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint(((const guint8 *)p)[i], ==, 0);
}
'''


def write_table(g, table_h, table_c):
    source = [TABLE_C_HEAD] + g.table_c
    source += ['const QmiDecoderEntry qmi_decoder_table[] = {'] + g.table_entries + ['};', '',
               'const gsize qmi_decoder_table_len = G_N_ELEMENTS(qmi_decoder_table);', '']
    with open(table_h, 'w', encoding='utf-8') as fp:
        fp.write(TABLE_H)
    with open(table_c, 'w', encoding='utf-8') as fp:
        fp.write('\n'.join(source))


if __name__ == '__main__':
    main()
