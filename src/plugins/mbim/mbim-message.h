/* MBIM control messages: the 12-byte little-endian header, the message types,
 * command/response/indication bodies and fragmentation. No D-Bus here.
 *
 *   header:   MessageType u32 | MessageLength u32 | TransactionId u32
 *   fragment: TotalFragments u32 | CurrentFragment u32      (COMMAND, COMMAND_DONE,
 *                                                           INDICATE_STATUS)
 *   COMMAND:         fragment | ServiceId uuid | CID u32 | CommandType u32 | BufLen u32 | buf
 *   COMMAND_DONE:    fragment | ServiceId uuid | CID u32 | Status u32      | BufLen u32 | buf
 *   INDICATE_STATUS: fragment | ServiceId uuid | CID u32 | BufLen u32 | buf
 *   OPEN: MaxControlTransfer u32; OPEN_DONE / CLOSE_DONE: Status u32;
 *   HOST_ERROR / FUNCTION_ERROR: ErrorStatusCode u32. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MBIM_HEADER_SIZE 12
#define MBIM_FRAGMENT_HEADER_SIZE 8
#define MBIM_DEFAULT_MAX_CONTROL_TRANSFER 4096
/* The smallest transfer size the specification allows. */
#define MBIM_MIN_CONTROL_TRANSFER 64

typedef enum {
  MBIM_MESSAGE_TYPE_OPEN = 0x00000001,
  MBIM_MESSAGE_TYPE_CLOSE = 0x00000002,
  MBIM_MESSAGE_TYPE_COMMAND = 0x00000003,
  MBIM_MESSAGE_TYPE_HOST_ERROR = 0x00000004,
  MBIM_MESSAGE_TYPE_OPEN_DONE = 0x80000001,
  MBIM_MESSAGE_TYPE_CLOSE_DONE = 0x80000002,
  MBIM_MESSAGE_TYPE_COMMAND_DONE = 0x80000003,
  MBIM_MESSAGE_TYPE_FUNCTION_ERROR = 0x80000004,
  MBIM_MESSAGE_TYPE_INDICATE_STATUS = 0x80000007,
} MbimMessageType;

typedef enum {
  MBIM_COMMAND_TYPE_QUERY = 0,
  MBIM_COMMAND_TYPE_SET = 1,
} MbimCommandType;

/* ErrorStatusCode of HOST_ERROR / FUNCTION_ERROR. */
typedef enum {
  MBIM_PROTOCOL_ERROR_TIMEOUT_FRAGMENT = 1,
  MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE = 2,
  MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH = 3,
  MBIM_PROTOCOL_ERROR_DUPLICATED_TID = 4,
  MBIM_PROTOCOL_ERROR_NOT_OPENED = 5,
  MBIM_PROTOCOL_ERROR_UNKNOWN = 6,
  MBIM_PROTOCOL_ERROR_CANCEL = 7,
  MBIM_PROTOCOL_ERROR_MAX_TRANSFER = 8,
} MbimProtocolError;

typedef guint8 MbimUuid[16];

extern const MbimUuid mbim_uuid_basic_connect;
extern const MbimUuid mbim_uuid_context_internet;

/* "a289cc33-bcbb-8b4f-b6b0-133ec2aae6df" (newly allocated) */
char *mbim_uuid_to_string(const guint8 *uuid);
gboolean mbim_uuid_from_string(const char *s, guint8 *out);
const char *mbim_message_type_name(guint32 type);
const char *mbim_protocol_error_name(guint32 code);

/* A whole (reassembled) message, parsed. The pointers point into raw. */
typedef struct {
  GBytes *raw;
  guint32 type;
  guint32 length;
  guint32 tid;
  const guint8 *service; /* 16 bytes; COMMAND / COMMAND_DONE / INDICATE_STATUS */
  guint32 cid;
  guint32 command_type;         /* COMMAND */
  guint32 status;               /* COMMAND_DONE, OPEN_DONE, CLOSE_DONE; error code for *_ERROR */
  guint32 max_control_transfer; /* OPEN */
  const guint8 *buf;
  gsize buf_len;
} MbimMessage;

void mbim_message_free(MbimMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MbimMessage, mbim_message_free)

/* Parses one complete, unfragmented (or reassembled) message. */
MbimMessage *mbim_message_parse(GBytes *raw, GError **error);

/* Builders; each returns one complete message (not yet fragmented). */
GBytes *mbim_message_new_open(guint32 tid, guint32 max_control_transfer);
GBytes *mbim_message_new_close(guint32 tid);
GBytes *mbim_message_new_status(guint32 type, guint32 tid, guint32 status);
GBytes *mbim_message_new_command(guint32 tid, const guint8 *service, guint32 cid,
                                 guint32 command_type, const guint8 *buf, gsize buf_len);
GBytes *mbim_message_new_command_done(guint32 tid, const guint8 *service, guint32 cid,
                                      guint32 status, const guint8 *buf, gsize buf_len);
GBytes *mbim_message_new_indication(const guint8 *service, guint32 cid, const guint8 *buf,
                                    gsize buf_len);

/* Splits a COMMAND / COMMAND_DONE / INDICATE_STATUS message into fragments of
 * at most max_transfer bytes each (other types are returned whole). */
GPtrArray *mbim_message_fragment(GBytes *message, guint32 max_transfer);

/* Reads the header of the bytes at data; FALSE if fewer than 12 bytes. */
gboolean mbim_header_peek(const guint8 *data, gsize len, guint32 *type, guint32 *length,
                          guint32 *tid);
gboolean mbim_message_type_is_fragmented(guint32 type);

/* Reassembly of fragmented messages (one in flight at a time, as the
 * specification requires for each direction). */
typedef struct _MbimReassembler MbimReassembler;

MbimReassembler *mbim_reassembler_new(void);
void mbim_reassembler_free(MbimReassembler *r);
/* Takes one received message (one fragment). Returns the complete message
 * when this was its last fragment, NULL otherwise (*error set on a
 * sequence or length error, *error_tid the transaction to report). */
GBytes *mbim_reassembler_push(MbimReassembler *r, const guint8 *data, gsize len, guint32 *error_tid,
                              GError **error);
void mbim_reassembler_reset(MbimReassembler *r);

/* Error domain of malformed MBIM data; codes are MbimProtocolError. */
#define MBIM_PROTOCOL_ERROR (mbim_protocol_error_quark())
GQuark mbim_protocol_error_quark(void);

/* Little-endian helpers */
static inline guint32
mbim_read_u32(const guint8 *p)
{
  return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) | ((guint32)p[3] << 24);
}

static inline void
mbim_write_u32(guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

G_END_DECLS
