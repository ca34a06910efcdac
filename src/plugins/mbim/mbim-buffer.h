/* MBIM information buffers: the reader and writer that the generated codecs
 * (mbim-generated.c, from data/mbim-*.json) are made of. No D-Bus here.
 *
 * A buffer is a structure: a fixed part of fields, then a variable part that
 * strings and arrays point into by offset (from the start of the structure
 * that holds the reference), each item padded to 4 bytes on the wire.
 *
 * The buffer comes from the modem, so the reader trusts nothing in it: every
 * offset, size and count is checked against the bytes present before it is
 * used or anything is allocated for it; two references may not share bytes
 * (nor point into a fixed part), so that one small buffer cannot decode into
 * many copies of the same data; what a decoder allocates is bounded by a
 * budget proportional to the buffer's size; strings are UTF-16LE on the wire
 * and always come out as valid UTF-8. */
#pragma once

#include <glib.h>

#include "mbim-message.h"

G_BEGIN_DECLS

/* Addresses as they are on the wire (network byte order). */
typedef struct {
  guint8 addr[4];
} MbimIPv4;

typedef struct {
  guint8 addr[16];
} MbimIPv6;

/* "192.0.2.1", "2001:db8::1": the text of an address of n (4 or 16) bytes. */
char *mbim_ip_to_string(const guint8 *addr, gsize n);

/* ---- decoded results ----
 *
 * A decoder returns one block of memory holding the structure and every
 * string and array it points to; mbim_decoded_free() releases all of it. */

/* A result of size bytes, all zero (what an empty buffer stands for). */
gpointer mbim_decoded_new0(gsize size);
void mbim_decoded_free(gpointer decoded);

typedef gpointer (*MbimDecodeFunc)(const guint8 *buf, gsize len, GError **error);

/* ---- reading ---- */

typedef struct {
  gsize start;
  gsize end;
} MbimSpan;

/* Decoding state of one buffer. Every read checks bounds first; the first
 * problem is remembered and makes every later read a no-op returning zeros,
 * so generated code reads straight through and looks at the outcome once. */
typedef struct {
  const guint8 *buf;
  gsize len;
  gpointer result;
  gsize budget;  /* bytes the result may still allocate */
  GArray *spans; /* MbimSpan: bytes already taken by a fixed part or a reference */
  const char *field;
  const char *problem;
} MbimReader;

/* Starts decoding buf into a new result of result_size bytes. */
void mbim_reader_init(MbimReader *r, const guint8 *buf, gsize len, gsize result_size);
/* The result, or NULL with an MBIM_PROTOCOL_ERROR naming what and the field
 * at fault (the result is freed then). Checks that no two spans overlap. */
gpointer mbim_reader_finish(MbimReader *r, const char *what, GError **error);
gboolean mbim_reader_ok(const MbimReader *r);
/* Records that [start, end) belongs to one item (a structure's fixed part). */
void mbim_reader_claim(MbimReader *r, gsize start, gsize end);

/* Fixed-part fields at *pos, which advances. Offsets in references count from
 * base, the start of the structure that holds them. */
guint16 mbim_reader_u16(MbimReader *r, gsize *pos, const char *field);
guint32 mbim_reader_u32(MbimReader *r, gsize *pos, const char *field);
guint64 mbim_reader_u64(MbimReader *r, gsize *pos, const char *field);
void mbim_reader_fixed(MbimReader *r, gsize *pos, guint8 *out, gsize n, const char *field);
/* offset/size reference to UTF-16LE text: never NULL ("" when empty). */
const char *mbim_reader_string(MbimReader *r, gsize base, gsize *pos, const char *field);
/* offset/size reference to bytes; NULL when empty. */
const guint8 *mbim_reader_bytes(MbimReader *r, gsize base, gsize *pos, guint32 *out_len,
                                const char *field);
/* offset to n bytes (an address); NULL when the offset is 0 (absent). */
gconstpointer mbim_reader_ref_fixed(MbimReader *r, gsize base, gsize *pos, gsize n,
                                    const char *field);
/* offset to count items of n bytes each; NULL when count is 0. */
gpointer mbim_reader_fixed_array(MbimReader *r, gsize base, gsize *pos, guint32 count, gsize n,
                                 const char *field);
/* count offset/size string references in the fixed part at *pos. */
const char **mbim_reader_string_array(MbimReader *r, gsize base, gsize *pos, guint32 count,
                                      const char *field);
/* Array of count structures of c_size bytes for count offset/size references
 * in the fixed part at pos (checked to be there); NULL when count is 0. */
gpointer mbim_reader_ref_array(MbimReader *r, gsize pos, guint32 count, gsize c_size,
                               const char *field);
/* Reads one offset/size reference of such an array; returns where the
 * structure starts (0 after a failure). */
gsize mbim_reader_element(MbimReader *r, gsize base, gsize *pos, const char *field);
/* offset to count packed structures of wire_size bytes each: checks they are
 * there and allocates count structures of c_size bytes (NULL when count is 0);
 * *start is where the first one is. */
gpointer mbim_reader_packed_array(MbimReader *r, gsize base, gsize *pos, guint32 count,
                                  gsize wire_size, gsize c_size, gsize *start, const char *field);

/* offset/size reference to a counted list (MBIM extensions): a u32 count,
 * then count packed structures of wire_size bytes, all inside the reference.
 * Allocates count structures of c_size bytes (NULL when there are none);
 * *count is the count and *start where the first structure is. */
gpointer mbim_reader_counted_array(MbimReader *r, gsize base, gsize *pos, gsize wire_size,
                                   gsize c_size, guint32 *count, gsize *start, const char *field);

/* ---- writing ---- */

typedef struct {
  GByteArray *fixed;
  GByteArray *var;
  gsize fixed_size; /* final size of the fixed part: offsets start after it */
} MbimWriter;

void mbim_writer_init(MbimWriter *w, gsize fixed_size);
/* The fixed part followed by the variable part. */
GBytes *mbim_writer_finish(MbimWriter *w);
void mbim_writer_u16(MbimWriter *w, guint16 v);
void mbim_writer_u32(MbimWriter *w, guint32 v);
void mbim_writer_u64(MbimWriter *w, guint64 v);
void mbim_writer_fixed(MbimWriter *w, const guint8 *data, gsize n);
/* offset/size of UTF-16LE text (0/0 for NULL, "" or text that is not UTF-8). */
void mbim_writer_string(MbimWriter *w, const char *s);
/* offset/size of n bytes (0/0 when n is 0). */
void mbim_writer_bytes(MbimWriter *w, const guint8 *data, gsize n);
/* offset of n bytes, 0 when data is NULL or n is 0. */
void mbim_writer_offset(MbimWriter *w, const guint8 *data, gsize n);

G_END_DECLS
