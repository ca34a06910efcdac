/* What the generated decoders (qmi-codegen.py) read TLV values with, and the
 * memory a decoded output owns.
 *
 * A modem is untrusted: every read is bounds-checked (a short read sets
 * failed and yields zeros), an array's count is checked against the bytes
 * that are there before anything is allocated, strings come out as clean
 * UTF-8 (mmd_text_sanitize()), and one message decodes into at most
 * QMI_OUTPUT_MAX_DECODED bytes. */
#pragma once

#include <glib.h>

#include "qmi-message.h"

G_BEGIN_DECLS

/* The memory one decoded message may own, counting QMI_OUTPUT_ALLOC_OVERHEAD
 * per allocation. A 64 KiB message of the smallest elements needs a few
 * hundred KiB; past the budget a TLV fails to decode (and is ignored). */
#define QMI_OUTPUT_MAX_DECODED (1024 * 1024)
#define QMI_OUTPUT_ALLOC_OVERHEAD 32

typedef struct {
  const guint8 *data;
  gsize len;
  gsize off;
  gboolean failed;
} QmiReader;

void qmi_reader_init(QmiReader *r, const guint8 *data, gsize len);
guint8 qmi_read_u8(QmiReader *r);
guint16 qmi_read_u16(QmiReader *r);
guint32 qmi_read_u32(QmiReader *r);
guint64 qmi_read_u64(QmiReader *r);
gsize qmi_reader_remaining(const QmiReader *r);

/* What every decoded output starts with: the result and the memory it owns. */
typedef struct {
  gboolean has_result;
  guint16 status; /* 0 = success */
  guint16 error;  /* QMI protocol error */
  GPtrArray *mem;
  gsize decoded; /* bytes of mem, with overheads, against QMI_OUTPUT_MAX_DECODED */
} QmiOutputBase;

void qmi_output_base_clear(QmiOutputBase *base);
/* Reads the result TLV into base; FALSE with an MMD_* error when it is missing or
 * reports a failure. what: the request's name for the message. */
gboolean qmi_output_check_result(QmiOutputBase *base, const QmiMessage *msg, const char *what,
                                 GError **error);
/* Zeroed memory owned by base; NULL when it would go over the budget. */
gpointer qmi_output_alloc(QmiOutputBase *base, gsize size);

/* Room for count elements of elem_size bytes, each taking at least min_wire
 * bytes on the wire: NULL (and r failed) when fewer bytes than that remain in
 * the TLV or the budget is spent, so that a count cannot reserve memory the
 * message does not pay for. count 0 gives a non-NULL empty array. */
gpointer qmi_read_array(QmiReader *r, gsize count, gsize elem_size, gsize min_wire,
                        QmiOutputBase *base);
/* Copies n bytes into memory owned by base (NUL-terminated); NULL and r failed
 * on a short read or a spent budget. */
guint8 *qmi_read_bytes(QmiReader *r, gsize n, QmiOutputBase *base);
/* n bytes of text as clean UTF-8 owned by base; NULL and r failed as above. */
char *qmi_read_string(QmiReader *r, gsize n, QmiOutputBase *base);
void qmi_read_fixed(QmiReader *r, guint8 *dest, gsize n);

G_END_DECLS
