#!/usr/bin/env python3
"""Generates typed C codecs of MBIM information buffers from data/mbim-*.json.

usage: mbim-codegen.py OUT.h OUT.c SERVICE.json...

A data file describes one service:
  { "service": "Basic Connect", "uuid": "a289cc33-...", "prefix": "",
    "structs": [ { "name": "Radio State Info", "fields": [FIELD...] } ],
    "cids": [ { "name": "Radio State", "id": 3, "set": STRUCT, "query": STRUCT or "empty",
                "response": STRUCT or "empty", "notification": STRUCT } ] }
Structs are named as in the MBIM specification (MBIM_RADIO_STATE_INFO is "Radio State
Info") and must be defined before they are used. A CID lists the buffer of each command
type it takes ("empty": a query or a response without a buffer, whose _finish() then
answers a gboolean); "response" is required. "prefix" is
put before the CID names of a service other than Basic Connect, so that they stay unique.

A field is { "name": "...", "type": T } with "secret": true (never logged) or
"personal": true (shortened in logs) on strings and byte arrays, where T is
  u16 u32 u64                 little-endian integers
  guid                        16 bytes as written (MbimUuid)
  ipv4 ipv6                   an address in the fixed part (MbimIPv4 / MbimIPv6)
  ipv4-ref ipv6-ref           offset to an address; 0 means none (a NULL pointer)
  string                      offset/size of UTF-16LE text (const char *, UTF-8)
  bytes                       offset/size of raw bytes (n_<name> + const guint8 *)
  struct                      an inline structure: "struct": name
and arrays, whose element count is a u32 field named by "count" that comes earlier in
the same structure (it has no member of its own: the array's n_<name> is the count)
  string-array                offset/size pairs in the fixed part, one per string
  ipv4-array ipv6-array       offset to the packed addresses
  struct-array                offset to packed structures of fixed size ("struct": name)
  struct-ref-array            offset/size pairs in the fixed part, one per structure
and, from the MBIM extensions (MBIMEx), a list that counts itself
  counted-struct-array        offset/size of a u32 count followed by that many packed
                              structures of fixed size ("struct": name); no "count" field

For each struct Mbim<Name>: mbim_<name>_decode() (buffer -> one allocation, freed with
mbim_<name>_free() or g_autoptr), mbim_<name>_encode() and mbim_<name>_describe() (the
wire log). For each CID: MBIM_CID_<NAME>, and per command type the async
mbim_command_<cid>_<set|query>() / _finish() on an MbimDevice; notifications are decoded
into the tagged union MbimNotification.
"""
import json
import re
import sys

SCALARS = {'u16': ('guint16', 2), 'u32': ('guint32', 4), 'u64': ('guint64', 8)}
FIXED = {'guid': ('MbimUuid', 16, ''), 'ipv4': ('MbimIPv4', 4, '.addr'),
         'ipv6': ('MbimIPv6', 16, '.addr')}
REF_ADDRESSES = {'ipv4-ref': ('MbimIPv4', 4), 'ipv6-ref': ('MbimIPv6', 16)}
ADDRESS_ARRAYS = {'ipv4-array': ('MbimIPv4', 4), 'ipv6-array': ('MbimIPv6', 16)}
ARRAYS = {'string-array', 'ipv4-array', 'ipv6-array', 'struct-array', 'struct-ref-array'}
TYPES = set(SCALARS) | set(FIXED) | set(REF_ADDRESSES) | ARRAYS | {'string', 'bytes', 'struct',
                                                                 'counted-struct-array'}
PRIVACY = {'secret': 'MBIM_PRIVACY_SECRET', 'personal': 'MBIM_PRIVACY_PERSONAL'}
FUNC_ARGS = 'guint timeout_s, GCancellable *cancellable, GAsyncReadyCallback callback, ' \
            'gpointer user_data'


def words(name):
    return [w for w in re.split(r'[^A-Za-z0-9]+', name) if w]


def snake(name):
    """'IPv4DnsServer' -> 'ipv4_dns_server', 'Radio State Info' -> 'radio_state_info'."""
    spaced = re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', name)
    return '_'.join(w.lower() for w in words(spaced))


def camel(name):
    return ''.join(w[0].upper() + w[1:].lower() for w in words(name))


def hyphen(name):
    return '-'.join(w.lower() for w in words(name))


def privacy(f):
    for key, value in PRIVACY.items():
        if f.get(key):
            return value
    return 'MBIM_PRIVACY_NONE'


class Struct:
    def __init__(self, data, known, where):
        self.name = data['name']
        self.where = f'{where}: struct {self.name!r}'
        self.ctype = 'Mbim' + camel(self.name)
        self.fn = 'mbim_' + snake(self.name)
        self.local = snake(self.name)
        self.fields = data['fields']
        self.counts = {}  # count field name -> array field
        self.check(known)

    def fail(self, what):
        sys.exit(f'{self.where}: {what}')

    def check(self, known):
        seen = {}
        for f in self.fields:
            t, name = f.get('type'), f.get('name')
            if t not in TYPES:
                self.fail(f'field {name!r}: unknown type {t!r}')
            if name in seen:
                self.fail(f'field {name!r} twice')
            seen[name] = f
            if t in ('struct', 'struct-array', 'struct-ref-array', 'counted-struct-array'):
                sub = known.get(f.get('struct'))
                if not sub:
                    self.fail(f'field {name!r}: struct {f.get("struct")!r} not defined before')
                f['sub'] = sub
                if t in ('struct-array', 'counted-struct-array') and sub.variable_fixed_part():
                    self.fail(f'field {name!r}: packed elements need a fixed size')
            if t in ARRAYS:
                count = seen.get(f.get('count'))
                if not count or count['type'] != 'u32' or count.get('array'):
                    self.fail(f'field {name!r}: "count" must name an earlier u32 field')
                count['array'] = f
                self.counts[count['name']] = f
            if (f.get('secret') or f.get('personal')) and t not in ('string', 'bytes',
                                                                   'string-array'):
                self.fail(f'field {name!r}: only text and bytes can be secret or personal')

    def variable_fixed_part(self):
        return any(f['type'] in ('string-array', 'struct-ref-array') or
                   (f['type'] == 'struct' and f['sub'].variable_fixed_part())
                   for f in self.fields)

    def constant_size(self):
        """Bytes of the fixed part that do not depend on element counts."""
        n = 0
        for f in self.fields:
            t = f['type']
            if t in SCALARS:
                n += SCALARS[t][1]
            elif t in FIXED:
                n += FIXED[t][1]
            elif t in ('string', 'bytes', 'counted-struct-array'):
                n += 8
            elif t == 'struct':
                n += f['sub'].constant_size()
            elif t in ('string-array', 'struct-ref-array'):
                pass
            else:  # offsets: address refs, address arrays, packed arrays
                n += 4
        return n

    # ---- declaration ----
    def declaration(self):
        lines = ['typedef struct {']
        for f in self.fields:
            t, m = f['type'], snake(f['name'])
            if f.get('array'):
                continue
            if t in SCALARS:
                lines.append(f'  {SCALARS[t][0]} {m};')
            elif t in FIXED:
                lines.append(f'  {FIXED[t][0]} {m};')
            elif t in REF_ADDRESSES:
                lines.append(f'  const {REF_ADDRESSES[t][0]} *{m}; /* NULL: none */')
            elif t == 'string':
                lines.append(f'  const char *{m};')
            elif t == 'bytes':
                lines += [f'  guint32 n_{m};', f'  const guint8 *{m};']
            elif t == 'struct':
                lines.append(f'  {f["sub"].ctype} {m};')
            elif t == 'string-array':
                lines += [f'  guint32 n_{m};', f'  const char **{m};']
            elif t in ADDRESS_ARRAYS:
                lines += [f'  guint32 n_{m};', f'  {ADDRESS_ARRAYS[t][0]} *{m};']
            elif t == 'counted-struct-array':
                lines += [f'  guint32 n_{m};', f'  {f["sub"].ctype} *{m};']
            else:
                lines += [f'  guint32 n_{m};', f'  {f["sub"].ctype} *{m};']
        lines += [f'}} {self.ctype};', '',
                  f'{self.ctype} *{self.fn}_decode(const guint8 *buf, gsize len, '
                  'GError **error);',
                  f'GBytes *{self.fn}_encode(const {self.ctype} *in);',
                  f'void {self.fn}_describe(const guint8 *buf, gsize len, GString *out);',
                  f'void {self.fn}_free({self.ctype} *decoded);',
                  f'G_DEFINE_AUTOPTR_CLEANUP_FUNC({self.ctype}, {self.fn}_free)', '']
        return lines

    # ---- decoding ----
    def read_field(self, f):
        t, m, name = f['type'], snake(f['name']), f['name']
        if t in SCALARS:
            target = f'out->n_{snake(f["array"]["name"])}' if f.get('array') else f'out->{m}'
            return [f'  {target} = mbim_reader_{t}(r, pos, "{name}");']
        if t in FIXED:
            return [f'  mbim_reader_fixed(r, pos, out->{m}{FIXED[t][2]}, {FIXED[t][1]}, '
                    f'"{name}");']
        if t in REF_ADDRESSES:
            return [f'  out->{m} = mbim_reader_ref_fixed(r, base, pos, {REF_ADDRESSES[t][1]}, '
                    f'"{name}");']
        if t == 'string':
            return [f'  out->{m} = mbim_reader_string(r, base, pos, "{name}");']
        if t == 'bytes':
            return [f'  out->{m} = mbim_reader_bytes(r, base, pos, &out->n_{m}, "{name}");']
        if t == 'struct':
            return [f'  read_{f["sub"].local}(r, base, pos, &out->{m});']
        if t == 'string-array':
            return [f'  out->{m} = mbim_reader_string_array(r, base, pos, out->n_{m}, '
                    f'"{name}");']
        if t in ADDRESS_ARRAYS:
            return [f'  out->{m} = mbim_reader_fixed_array(r, base, pos, out->n_{m}, '
                    f'{ADDRESS_ARRAYS[t][1]}, "{name}");']
        sub = f['sub']
        if t == 'counted-struct-array':
            return ['  {', '    gsize at;', '',
                    f'    out->{m} = mbim_reader_counted_array(r, base, pos, '
                    f'{sub.constant_size()}, sizeof *out->{m}, &out->n_{m}, &at, "{name}");',
                    f'    for (guint32 i = 0; out->{m} && i < out->n_{m}; i++)',
                    f'      at = read_at_{sub.local}(r, at, &out->{m}[i]);', '  }']
        if t == 'struct-ref-array':
            return [f'  out->{m} = mbim_reader_ref_array(r, *pos, out->n_{m}, sizeof *out->{m}, '
                    f'"{name}");',
                    f'  for (guint32 i = 0; out->{m} && i < out->n_{m}; i++)',
                    f'    read_at_{sub.local}(r, mbim_reader_element(r, base, pos, "{name}"), '
                    f'&out->{m}[i]);']
        return ['  {', '    gsize at;', '',
                f'    out->{m} = mbim_reader_packed_array(r, base, pos, out->n_{m}, '
                f'{sub.constant_size()}, sizeof *out->{m}, &at, "{name}");',
                f'    for (guint32 i = 0; out->{m} && i < out->n_{m}; i++)',
                f'      at = read_at_{sub.local}(r, at, &out->{m}[i]);', '  }']

    def reader(self):
        body = []
        for f in self.fields:
            body += self.read_field(f)
        return ['static void',
                f'read_{self.local}(MbimReader *r, gsize base, gsize *pos, {self.ctype} *out)',
                '{', '  (void)base;'] + body + ['}', '',
                '/* A whole structure at start: reads it and claims its fixed part. */',
                'static gsize',
                f'read_at_{self.local}(MbimReader *r, gsize start, {self.ctype} *out)', '{',
                '  gsize pos = start;', '',
                f'  read_{self.local}(r, start, &pos, out);',
                '  mbim_reader_claim(r, start, pos);', '  return pos;', '}', '',
                f'{self.ctype} *',
                f'{self.fn}_decode(const guint8 *buf, gsize len, GError **error)', '{',
                '  MbimReader r;', '',
                f'  mbim_reader_init(&r, buf, len, sizeof({self.ctype}));',
                f'  read_at_{self.local}(&r, 0, r.result);',
                f'  return mbim_reader_finish(&r, "{self.name}", error);', '}', '',
                'void', f'{self.fn}_free({self.ctype} *decoded)', '{',
                '  mbim_decoded_free(decoded);', '}', '',
                'static gpointer',
                f'decode_any_{self.local}(const guint8 *buf, gsize len, GError **error)', '{',
                f'  return {self.fn}_decode(buf, len, error);', '}', '']

    # ---- encoding ----
    def size_function(self):
        terms = [str(self.constant_size())]
        for f in self.fields:
            m = snake(f['name'])
            if f['type'] in ('string-array', 'struct-ref-array'):
                terms.append(f'8 * (gsize)in->n_{m}')
            elif f['type'] == 'struct' and f['sub'].variable_fixed_part():
                terms.append(f'{f["sub"].local}_fixed_size(&in->{m})')
        return ['static gsize', f'{self.local}_fixed_size(const {self.ctype} *in)', '{',
                '  (void)in;', f'  return {" + ".join(terms)};', '}', '']

    def write_field(self, f):
        t, m = f['type'], snake(f['name'])
        if t in SCALARS:
            source = f'in->n_{snake(f["array"]["name"])}' if f.get('array') else f'in->{m}'
            return [f'  mbim_writer_{t}(w, {source});']
        if t in FIXED:
            return [f'  mbim_writer_fixed(w, in->{m}{FIXED[t][2]}, {FIXED[t][1]});']
        if t in REF_ADDRESSES:
            return [f'  mbim_writer_offset(w, in->{m} ? in->{m}->addr : NULL, '
                    f'{REF_ADDRESSES[t][1]});']
        if t == 'string':
            return [f'  mbim_writer_string(w, in->{m});']
        if t == 'bytes':
            return [f'  mbim_writer_bytes(w, in->{m}, in->n_{m});']
        if t == 'struct':
            return [f'  write_{f["sub"].local}(w, &in->{m});']
        if t == 'string-array':
            return [f'  for (guint32 i = 0; i < in->n_{m}; i++)',
                    f'    mbim_writer_string(w, in->{m}[i]);']
        if t in ADDRESS_ARRAYS:
            return [f'  mbim_writer_offset(w, in->{m} ? in->{m}->addr : NULL, '
                    f'(gsize)in->n_{m} * {ADDRESS_ARRAYS[t][1]});']
        sub = f['sub']
        if t == 'counted-struct-array':
            return ['  {', '    g_autoptr(GByteArray) list = g_byte_array_new();',
                    '    guint8 count[4];', '',
                    f'    mbim_write_u32(count, in->n_{m});',
                    '    g_byte_array_append(list, count, 4);',
                    f'    for (guint32 i = 0; i < in->n_{m}; i++) {{',
                    f'      g_autoptr(GBytes) element = {sub.fn}_encode(&in->{m}[i]);', '',
                    '      g_byte_array_append(list, g_bytes_get_data(element, NULL), '
                    'g_bytes_get_size(element));', '    }',
                    f'    mbim_writer_bytes(w, in->n_{m} ? list->data : NULL, '
                    f'in->n_{m} ? list->len : 0);', '  }']
        if t == 'struct-ref-array':
            return [f'  for (guint32 i = 0; i < in->n_{m}; i++) {{',
                    f'    g_autoptr(GBytes) element = {sub.fn}_encode(&in->{m}[i]);', '',
                    '    mbim_writer_bytes(w, g_bytes_get_data(element, NULL), '
                    'g_bytes_get_size(element));', '  }']
        return ['  {', '    g_autoptr(GByteArray) packed = g_byte_array_new();', '',
                f'    for (guint32 i = 0; i < in->n_{m}; i++) {{',
                f'      g_autoptr(GBytes) element = {sub.fn}_encode(&in->{m}[i]);', '',
                '      g_byte_array_append(packed, g_bytes_get_data(element, NULL), '
                'g_bytes_get_size(element));', '    }',
                '    mbim_writer_offset(w, packed->data, packed->len);', '  }']

    def writer(self):
        body = []
        for f in self.fields:
            body += self.write_field(f)
        return self.size_function() + [
            'static void', f'write_{self.local}(MbimWriter *w, const {self.ctype} *in)', '{'] + \
            body + ['}', '', 'GBytes *', f'{self.fn}_encode(const {self.ctype} *in)', '{',
                    '  MbimWriter w;', '',
                    f'  mbim_writer_init(&w, {self.local}_fixed_size(in));',
                    f'  write_{self.local}(&w, in);', '  return mbim_writer_finish(&w);', '}',
                    '', 'static GBytes *', f'encode_any_{self.local}(gconstpointer in)', '{',
                    f'  return {self.fn}_encode(in);', '}', '']

    # ---- describing ----
    def print_value(self, f, value, pad):
        t = f['type']
        if t in SCALARS:
            fmt = '"%" G_GUINT64_FORMAT' if t == 'u64' else '"%u"'
            return [f'{pad}g_string_append_printf(s, {fmt}, {value});']
        if t == 'guid':
            return [f'{pad}mbim_describe_uuid(s, {value});']
        if t in ('ipv4', 'ipv6'):
            return [f'{pad}mbim_describe_ip(s, {value}.addr, {FIXED[t][1]});']
        if t in REF_ADDRESSES:
            return [f'{pad}mbim_describe_ip(s, {value} ? {value}->addr : NULL, '
                    f'{REF_ADDRESSES[t][1]});']
        if t in ('string', 'string-array'):
            return [f'{pad}mbim_describe_string(s, {value}, {privacy(f)});']
        if t == 'bytes':
            m = snake(f['name'])
            return [f'{pad}mbim_describe_bytes(s, {value}, v->n_{m}, {privacy(f)});']
        return [f'{pad}print_{f["sub"].local}(s, &{value});']

    def print_field(self, f, first):
        t, m = f['type'], snake(f['name'])
        lines = [f'  mbim_describe_field(s, {"TRUE" if first else "FALSE"}, "{f["name"]}");']
        if t not in ARRAYS and t != 'counted-struct-array':
            return lines + self.print_value(f, f'v->{m}', '  ')
        element = dict(f, type={'string-array': 'string', 'ipv4-array': 'ipv4',
                                'ipv6-array': 'ipv6'}.get(t, 'struct'))
        return lines + ['  g_string_append_c(s, \'[\');',
                        f'  for (guint32 i = 0; i < v->n_{m}; i++) {{',
                        '    if (i)', '      g_string_append(s, ", ");'] + \
            self.print_value(element, f'v->{m}[i]', '    ') + \
            ['  }', '  g_string_append_c(s, \']\');']

    def describer(self):
        body = []
        for f in self.fields:
            if not f.get('array'):
                body += self.print_field(f, not body)
        if not body:
            body = ['  (void)v;', '  g_string_append_c(s, \'{\');']
        return ['static void', f'print_{self.local}(GString *s, const {self.ctype} *v)', '{'] + \
            body + ['  g_string_append_c(s, \'}\');', '}', '', 'void',
                    f'{self.fn}_describe(const guint8 *buf, gsize len, GString *out)', '{',
                    '  g_autoptr(GError) error = NULL;',
                    f'  g_autoptr({self.ctype}) v = {self.fn}_decode(buf, len, &error);', '',
                    '  if (v)', f'    print_{self.local}(out, v);', '  else',
                    '    mbim_describe_failure(out, error);', '}', '']


class Cid:
    def __init__(self, svc, data, structs):
        self.svc = svc
        self.name = data['name']
        self.id = int(data['id'])
        prefix = svc['prefix'] + ' ' if svc['prefix'] else ''
        self.local = snake(prefix + self.name)
        self.macro = f'MBIM_CID_{self.local.upper()}'
        self.buffers = {}
        for kind in ('set', 'query', 'response', 'notification'):
            ref = data.get(kind)
            if ref is None or (ref == 'empty' and kind in ('query', 'response')):
                self.buffers[kind] = ref
            elif ref in structs:
                self.buffers[kind] = structs[ref]
            else:
                sys.exit(f'{svc["file"]}: cid {self.name!r}: {kind}: unknown struct {ref!r}')
        if not self.buffers['response']:
            sys.exit(f'{svc["file"]}: cid {self.name!r}: no response')

    def commands(self):
        """(header lines, source lines) of the async command functions."""
        h, c = [], []
        resp = self.buffers['response']
        for kind in ('set', 'query'):
            req = self.buffers[kind]
            if req is None:
                continue
            fn = f'mbim_command_{self.local}_{kind}'
            in_arg = f'const {req.ctype} *in, ' if req != 'empty' else ''
            ctype = resp.ctype if resp != 'empty' else 'void'
            finish_args = f'MbimDevice *device, GAsyncResult *res, {ctype} **status_info, ' \
                          'GError **error'
            h += [f'void {fn}(MbimDevice *device, {in_arg}{FUNC_ARGS});',
                  f'{ctype} *{fn}_finish({finish_args});']
            encode = f'{req.fn}_encode(in)' if req != 'empty' else 'NULL'
            c += ['void', f'{fn}(MbimDevice *device, {in_arg}{FUNC_ARGS})', '{',
                  f'  g_autoptr(GBytes) buf = {encode};', '',
                  f'  mbim_device_command(device, mbim_uuid_{self.svc["local"]}, {self.macro}, '
                  f'MBIM_COMMAND_TYPE_{kind.upper()}, buf, timeout_s, cancellable, callback, '
                  'user_data);', '}', '']
            if resp == 'empty':
                h[-1] = f'gboolean {fn}_finish(MbimDevice *device, GAsyncResult *res, ' \
                        'GError **error);'
                c += ['gboolean', f'{fn}_finish(MbimDevice *device, GAsyncResult *res, '
                      'GError **error)', '{',
                      '  g_autoptr(GBytes) answer = mbim_device_command_finish(device, res, NULL, '
                      'error);', '', '  return answer != NULL;', '}', '']
                continue
            c += [f'{resp.ctype} *', f'{fn}_finish({finish_args})', '{',
                  '  gpointer failed = NULL;',
                  f'  {resp.ctype} *v = mbim_device_command_finish_decoded(device, res, '
                  f'decode_any_{resp.local}, {resp.constant_size()}, status_info ? &failed : NULL, '
                  'error);', '',
                  '  if (status_info)', '    *status_info = failed;', '  return v;', '}', '']
        return h, c

    def info(self):
        def describe(kind):
            b = self.buffers[kind]
            return f'{b.fn}_describe' if b not in (None, 'empty') else 'NULL'
        return [f'  {{ mbim_uuid_{self.svc["local"]}, "{hyphen(self.svc["service"])}", '
                f'{self.macro}, "{hyphen(self.name)}", {describe("set")}, {describe("query")}, '
                f'{describe("response")}, {describe("notification")} }},']


PREAMBLE_H = '''/* One CID of one service as the wire log knows it: names, and how to
 * describe the buffer of each message kind (NULL: none expected). */
typedef void (*MbimDescribeFunc)(const guint8 *buf, gsize len, GString *out);

typedef struct {
  const guint8 *service;
  const char *service_name;
  guint32 cid;
  const char *name;
  MbimDescribeFunc describe_set;
  MbimDescribeFunc describe_query;
  MbimDescribeFunc describe_response;
  MbimDescribeFunc describe_notification;
} MbimCidInfo;

/* The entry for (service, cid), or NULL. */
const MbimCidInfo *mbim_cid_info_lookup(const guint8 *service, guint32 cid);

/* Every structure's codec, for tests and fuzzing. */
typedef struct {
  const char *name;
  MbimDecodeFunc decode;
  GBytes *(*encode)(gconstpointer in);
  MbimDescribeFunc describe;
} MbimStructCodec;

extern const MbimStructCodec mbim_struct_codecs[];
extern const guint mbim_n_struct_codecs;
'''


def uuid_bytes(text):
    digits = text.replace('-', '')
    if not re.fullmatch(r'[0-9a-fA-F]{32}', digits):
        sys.exit(f'bad uuid {text!r}')
    return ', '.join(f'0x{digits[i:i + 2].lower()}' for i in range(0, 32, 2))


def notification_lines(cids):
    enum = ['typedef enum {', '  MBIM_NOTIFICATION_NONE = 0,']
    union = ['typedef struct {', '  MbimNotificationId id;',
             '  /* the message as it came, valid while the notification is handled: a',
             '   * CID of a later version of its service is decoded with the older',
             '   * layout above and can be decoded again from here */',
             '  const guint8 *service;', '  guint32 cid;', '  const guint8 *buf;', '  gsize len;',
             '  union {', '    gpointer decoded;']
    table = ['static const struct {', '  const guint8 *service;', '  guint32 cid;',
             '  MbimNotificationId id;', '  MbimDecodeFunc decode;', '} notifications[] = {']
    for cid in cids:
        b = cid.buffers['notification']
        if not b:
            continue
        enum.append(f'  MBIM_NOTIFICATION_{cid.local.upper()},')
        union.append(f'    {b.ctype} *{cid.local};')
        table.append(f'  {{ mbim_uuid_{cid.svc["local"]}, {cid.macro}, '
                     f'MBIM_NOTIFICATION_{cid.local.upper()}, decode_any_{b.local} }},')
    h = enum + ['} MbimNotificationId;', '',
                '/* A decoded indication: id says which member of the union holds it. */'] + \
        union + ['  };', '} MbimNotification;', '',
                 '/* Decodes an INDICATE_STATUS message: FALSE with an error when its buffer is',
                 ' * malformed; TRUE otherwise, with out->id MBIM_NOTIFICATION_NONE when the CID',
                 ' * is not one the daemon knows (its raw buffer is still there). */',
                 'gboolean mbim_notification_decode(const MbimMessage *msg, '
                 'MbimNotification *out, GError **error);',
                 'void mbim_notification_clear(MbimNotification *n);', '']
    c = table + ['};', '', 'gboolean',
                 'mbim_notification_decode(const MbimMessage *msg, MbimNotification *out, '
                 'GError **error)', '{',
                 '  memset(out, 0, sizeof *out);',
                 '  out->service = msg->service;', '  out->cid = msg->cid;',
                 '  out->buf = msg->buf;', '  out->len = msg->buf_len;',
                 '  for (gsize i = 0; msg->service && i < G_N_ELEMENTS(notifications); i++) {',
                 '    if (notifications[i].cid != msg->cid',
                 '        || memcmp(notifications[i].service, msg->service, 16) != 0)',
                 '      continue;',
                 '    out->decoded = notifications[i].decode(msg->buf, msg->buf_len, error);',
                 '    if (!out->decoded)', '      return FALSE;',
                 '    out->id = notifications[i].id;', '    return TRUE;', '  }',
                 '  return TRUE;', '}', '', 'void',
                 'mbim_notification_clear(MbimNotification *n)', '{',
                 '  mbim_decoded_free(n->decoded);', '  memset(n, 0, sizeof *n);', '}', '']
    return h, c


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out_h, out_c, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    h, c = [], []
    structs, cids, infos, codecs, uuids = {}, [], [], [], []
    for path in inputs:
        with open(path, encoding='utf-8') as fp:
            svc = json.load(fp)
        svc['file'] = path.rsplit('/', 1)[-1]
        svc['local'] = snake(svc['service'])
        svc.setdefault('prefix', '')
        h.append(f'/* ---- {svc["service"]} (from {svc["file"]}) ---- */')
        h.append(f'extern const MbimUuid mbim_uuid_{svc["local"]};')
        uuids.append(f'const MbimUuid mbim_uuid_{svc["local"]} = {{ {uuid_bytes(svc["uuid"])} }};')
        for data in svc['structs']:
            st = Struct(data, structs, svc['file'])
            if st.name in structs:
                sys.exit(f'{svc["file"]}: struct {st.name!r} defined twice')
            structs[st.name] = st
            h += st.declaration()
            c += st.reader() + st.writer() + st.describer()
            codecs.append(f'  {{ "{st.name}", decode_any_{st.local}, encode_any_{st.local}, '
                          f'{st.fn}_describe }},')
        h.append('enum {')
        for data in svc['cids']:
            cid = Cid(svc, data, structs)
            cids.append(cid)
            h.append(f'  {cid.macro} = {cid.id},')
        h += ['};', '']
    for cid in cids:
        ch, cc = cid.commands()
        h += ch
        c += cc
        infos += cid.info()
    nh, nc = notification_lines(cids)
    header = ['/* Generated by mbim-codegen.py from data/mbim-*.json: do not edit. */',
              '#pragma once', '', '#include <gio/gio.h>', '', '#include "mbim-buffer.h"',
              '#include "mbim-describe.h"', '#include "mbim-device.h"',
              '#include "mbim-message.h"', '', 'G_BEGIN_DECLS', '', PREAMBLE_H] + h + [''] + \
        nh + ['G_END_DECLS', '']
    source = ['/* Generated by mbim-codegen.py from data/mbim-*.json: do not edit. */',
              '#include "mbim-generated.h"', '', '#include <string.h>', ''] + uuids + [''] + c + \
        nc + ['static const MbimCidInfo cid_infos[] = {'] + infos + ['};', '',
              'const MbimCidInfo *',
              'mbim_cid_info_lookup(const guint8 *service, guint32 cid)', '{',
              '  for (gsize i = 0; service && i < G_N_ELEMENTS(cid_infos); i++)',
              '    if (cid_infos[i].cid == cid && memcmp(cid_infos[i].service, service, 16) == 0)',
              '      return &cid_infos[i];', '  return NULL;', '}', '',
              'const MbimStructCodec mbim_struct_codecs[] = {'] + codecs + ['};', '',
              'const guint mbim_n_struct_codecs = G_N_ELEMENTS(mbim_struct_codecs);', '']
    with open(out_h, 'w', encoding='utf-8') as fp:
        fp.write('\n'.join(header))
    with open(out_c, 'w', encoding='utf-8') as fp:
        fp.write('\n'.join(source))


if __name__ == '__main__':
    main()
