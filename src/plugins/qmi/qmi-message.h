/* QMUX framing, QMI messages and TLVs: pure byte handling, no I/O.
 *
 * A frame on the wire:
 *   0x01 | u16 length (from the length field to the end) | u8 QMUX flags |
 *   u8 service | u8 client id | SDU
 * The SDU of the CTL service:  u8 flags | u8 transaction | u16 message | u16 TLV length | TLVs
 * The SDU of other services:   u8 flags | u16 transaction | u16 message | u16 TLV length | TLVs
 * A TLV: u8 type | u16 length | value. All integers little endian. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QMI_FRAME_MARKER 0x01
#define QMI_QMUX_HEADER_LEN 6 /* marker, length, flags, service, client */
#define QMI_MAX_FRAME_LEN (QMI_QMUX_HEADER_LEN + 0xFFFF)

typedef enum {
  QMI_SERVICE_CTL = 0x00,
  QMI_SERVICE_WDS = 0x01,
  QMI_SERVICE_DMS = 0x02,
  QMI_SERVICE_NAS = 0x03,
  QMI_SERVICE_WMS = 0x05,
  QMI_SERVICE_VOICE = 0x09,
  QMI_SERVICE_UIM = 0x0B,
  QMI_SERVICE_LOC = 0x10,
  QMI_SERVICE_WDA = 0x1A,
} QmiService;

typedef enum {
  QMI_MESSAGE_KIND_REQUEST,
  QMI_MESSAGE_KIND_RESPONSE,
  QMI_MESSAGE_KIND_INDICATION,
} QmiMessageKind;

/* The QMI result TLV. */
#define QMI_TLV_RESULT 0x02

typedef struct _QmiMessage QmiMessage;

const char *qmi_service_get_name(guint8 service);

/* Framing of a byte stream. Returns the length of the complete frame at the
 * start of buf, 0 when more bytes are needed, or -1 when buf does not start
 * with a plausible frame (the caller drops a byte and resynchronizes): the
 * QMUX length must hold the SDU header and agree with the SDU's TLV length. */
gssize qmi_frame_check(const guint8 *buf, gsize avail);

/* Splits a byte stream into messages: reads may carry part of a frame or several. */
typedef struct {
  GByteArray *buf;
} QmiFramer;

void qmi_framer_init(QmiFramer *framer);
void qmi_framer_clear(QmiFramer *framer);
void qmi_framer_push(QmiFramer *framer, const guint8 *data, gsize len);
/* The next complete message, or NULL when more bytes are needed. Garbage and
 * malformed frames are skipped; *out_dropped (may be NULL) counts skipped bytes. */
QmiMessage *qmi_framer_next(QmiFramer *framer, gsize *out_dropped);

/* A message from one complete frame; NULL with error if it is malformed. */
QmiMessage *qmi_message_new_from_frame(const guint8 *frame, gsize len, GError **error);
/* A new message. tlvs: the TLV area, may be NULL when tlvs_len is 0. */
QmiMessage *qmi_message_new(guint8 service, guint8 client_id, QmiMessageKind kind,
                            guint16 transaction_id, guint16 message_id, const guint8 *tlvs,
                            gsize tlvs_len);
QmiMessage *qmi_message_ref(QmiMessage *self);
void qmi_message_unref(QmiMessage *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmiMessage, qmi_message_unref)

const guint8 *qmi_message_get_raw(const QmiMessage *self, gsize *out_len);
guint8 qmi_message_get_service(const QmiMessage *self);
guint8 qmi_message_get_client_id(const QmiMessage *self);
QmiMessageKind qmi_message_get_kind(const QmiMessage *self);
guint16 qmi_message_get_transaction_id(const QmiMessage *self);
guint16 qmi_message_get_message_id(const QmiMessage *self);
/* The TLV area. */
const guint8 *qmi_message_get_tlvs(const QmiMessage *self, gsize *out_len);
/* The value of the first TLV of this type, or NULL. */
const guint8 *qmi_message_get_tlv(const QmiMessage *self, guint8 type, guint16 *out_len);

/* Iterates TLVs: start with offset 0; FALSE at the end. */
gboolean qmi_message_next_tlv(const QmiMessage *self, gsize *offset, guint8 *out_type,
                              const guint8 **out_value, guint16 *out_len);

/* The result TLV: FALSE if absent or malformed. */
gboolean qmi_message_get_result(const QmiMessage *self, guint16 *out_status, guint16 *out_error);

/* A one-line description for the wire log, with secret TLVs masked. */
char *qmi_message_describe(const QmiMessage *self);

/* Writing TLVs (little endian). */
void qmi_put_u8(GByteArray *buf, guint8 v);
void qmi_put_u16(GByteArray *buf, guint16 v);
void qmi_put_u32(GByteArray *buf, guint32 v);
void qmi_put_u64(GByteArray *buf, guint64 v);
void qmi_put_bytes(GByteArray *buf, const void *data, gsize len);
/* Starts a TLV; returns the offset to give to qmi_tlv_end. */
gsize qmi_tlv_begin(GByteArray *buf, guint8 type);
void qmi_tlv_end(GByteArray *buf, gsize start);
/* Wipes (it may hold secrets) and frees a TLV buffer. */
void qmi_tlvs_free(GByteArray *tlvs);

/* Iterates the TLVs that a decoder takes: the first TLV of each type. A
 * later TLV of a type already seen is skipped and counted in repeated, so
 * that the answer is the same as qmi_message_get_tlv()'s and a modem cannot
 * make a decoder do the work of one TLV many times over. */
typedef struct {
  gsize offset;
  guint32 seen[256 / 32];
  guint repeated;
} QmiTlvIter;

void qmi_tlv_iter_init(QmiTlvIter *it);
gboolean qmi_tlv_iter_next(const QmiMessage *self, QmiTlvIter *it, guint8 *out_type,
                           const guint8 **out_value, guint16 *out_len);

/* Messages described as data, generated from data/qmi-*.json: the wire log
 * names TLVs and masks the secret ones with these tables, and qmi-tlv-codec.c
 * encodes and decodes the typed structs of qmi-generated.h with them. Names
 * are offsets into qmi_message_names and TLV lists are ranges of
 * qmi_tlv_infos, so that the tables hold no pointers (no relocations in a
 * position-independent daemon). */
#define QMI_TLV_NO_HAS 0xFFFF /* a string: present when not NULL */

typedef struct {
  guint8 type;
  guint8 secret;      /* the value is kept out of the logs */
  guint16 name;       /* offset in qmi_message_names */
  guint16 field;      /* its value: index in qmi_field_descs (qmi-tlv-codec.h) */
  guint16 has_offset; /* of has_<name> in the typed struct, or QMI_TLV_NO_HAS */
} QmiTlvInfo;

typedef struct {
  guint16 id;
  guint8 service;
  guint8 kind;  /* QmiMessageKind; REQUEST describes the request/response pair */
  guint16 name; /* offsets in qmi_message_names */
  guint16 service_name;
  guint16 input; /* first of n_input in qmi_tlv_infos */
  guint16 output;
  guint8 n_input;
  guint8 n_output;
} QmiMessageInfo;

extern const char qmi_message_names[];
extern const QmiTlvInfo qmi_tlv_infos[];
extern const gsize qmi_tlv_infos_len;
extern const QmiMessageInfo qmi_message_infos[];
extern const gsize qmi_message_infos_len;

const QmiMessageInfo *qmi_message_info_lookup(guint8 service, guint16 id, gboolean indication);
const char *qmi_message_info_get_name(const QmiMessageInfo *info);
/* The TLV of this type among the request's (input) or the response's or
 * indication's TLVs, or NULL. */
const QmiTlvInfo *qmi_message_info_find_tlv(const QmiMessageInfo *info, gboolean input,
                                            guint8 type);

G_END_DECLS
