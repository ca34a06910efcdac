/* The one encoder and decoder of every QMI message: the typed structs of
 * qmi-generated.h are read and written through the descriptors that
 * qmi-codegen.py generates from data/qmi-*.json (the messages are data, the
 * code is this file's), so that a new message costs a few table rows.
 *
 * Decoding keeps the guarantees of qmi-decode.h: bounded reads, array counts
 * paid for by the bytes left in their TLV before anything is allocated, the
 * first TLV of a type decoded and repeats counted, the decoded-size budget,
 * clean UTF-8 strings, and a malformed TLV leaving its field zeroed and
 * has_<name> FALSE. */
#pragma once

#include <gio/gio.h>

#include "qmi-decode.h"
#include "qmi-device.h"
#include "qmi-message.h"

G_BEGIN_DECLS

typedef enum {
  QMI_FIELD_INT,    /* little-endian integer (or float bits) of size bytes */
  QMI_FIELD_STRING, /* prefix-byte length, or the rest of the TLV; char * */
  QMI_FIELD_BYTES,  /* the same as guint8 * with its n_<name> */
  QMI_FIELD_FIXED,  /* size raw bytes */
  QMI_FIELD_STRUCT, /* n_members fields from link on */
  QMI_FIELD_ARRAY,  /* prefix-byte count, then elements described by link */
} QmiFieldKind;

/* Where one field lives in its container (the typed struct of a message, or
 * an array element) and how it travels. Nested struct members are placed
 * relative to the same container as their struct. */
typedef struct {
  guint16 offset;       /* of the value */
  guint16 size;         /* of the value in the container (an element's: its size) */
  guint16 count_offset; /* bytes, arrays: of n_<name> (a guint) */
  guint16 link;         /* struct: first member; array: element (qmi_field_descs) */
  guint8 kind;          /* QmiFieldKind */
  guint8 prefix;        /* strings, bytes, arrays: bytes of the length; 0: rest of TLV */
  guint8 n_members;     /* struct */
  guint8 min_wire;      /* array: the fewest bytes an element takes on the wire */
} QmiFieldDesc;

extern const QmiFieldDesc qmi_field_descs[];
extern const gsize qmi_field_descs_len;

/* The request TLVs of in (the message's Input struct). Values longer than
 * their length prefix can say are cut to what it can say. */
GByteArray *qmi_tlv_encode(const QmiMessageInfo *info, gconstpointer in);
/* Decodes msg into out (the message's Output or Indication struct, out_size
 * bytes, starting with a QmiOutputBase). A response also has its result TLV
 * checked: FALSE with an MMD_* error when it is missing or a failure. */
gboolean qmi_tlv_decode(const QmiMessageInfo *info, const QmiMessage *msg, gpointer out,
                        gsize out_size, GError **error);

/* Sends the request of info with the TLVs of in (NULL when it has none). */
void qmi_client_request(QmiClient *client, const QmiMessageInfo *info, gconstpointer in,
                        guint timeout_s, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
/* The response decoded into out as qmi_tlv_decode() does; out zeroed on failure. */
gboolean qmi_client_request_finish(QmiClient *client, GAsyncResult *res, const QmiMessageInfo *info,
                                   gpointer out, gsize out_size, GError **error);

G_END_DECLS
