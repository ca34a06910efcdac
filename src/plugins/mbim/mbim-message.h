/* MBIM control messages: the 12-byte little-endian header, the message types,
 * command/response/indication bodies, status codes. No D-Bus here.
 * Fragmentation and reassembly are in mbim-fragment.h.
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
/* The largest message taken, whole or reassembled: the largest control
 * transfer a function can announce (wMaxControlMessage is 16 bits). No
 * buffer of a CID the daemon speaks comes near it. */
#define MBIM_MAX_MESSAGE_SIZE 65535

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

/* The service UUIDs are generated with the services (mbim-generated.h). */
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

/* Pieces of the builders, for the fragmenter: a header with length 0, a
 * little-endian u32, and the message with its length filled in. */
GByteArray *mbim_message_start(guint32 type, guint32 tid);
void mbim_message_put_u32(GByteArray *b, guint32 v);
GBytes *mbim_message_finish(GByteArray *b);

/* Reads the header of the bytes at data; FALSE if fewer than 12 bytes. */
gboolean mbim_header_peek(const guint8 *data, gsize len, guint32 *type, guint32 *length,
                          guint32 *tid);
gboolean mbim_message_type_is_fragmented(guint32 type);

/* MBIM status codes (COMMAND_DONE Status) */
typedef enum {
  MBIM_STATUS_SUCCESS = 0,
  MBIM_STATUS_BUSY = 1,
  MBIM_STATUS_FAILURE = 2,
  MBIM_STATUS_SIM_NOT_INSERTED = 3,
  MBIM_STATUS_BAD_SIM = 4,
  MBIM_STATUS_PIN_REQUIRED = 5,
  MBIM_STATUS_PIN_DISABLED = 6,
  MBIM_STATUS_NOT_REGISTERED = 7,
  MBIM_STATUS_PROVIDERS_NOT_FOUND = 8,
  MBIM_STATUS_NO_DEVICE_SUPPORT = 9,
  MBIM_STATUS_PROVIDER_NOT_VISIBLE = 10,
  MBIM_STATUS_DATA_CLASS_NOT_AVAILABLE = 11,
  MBIM_STATUS_PACKET_SERVICE_DETACHED = 12,
  MBIM_STATUS_MAX_ACTIVATED_CONTEXTS = 13,
  MBIM_STATUS_NOT_INITIALIZED = 14,
  MBIM_STATUS_VOICE_CALL_IN_PROGRESS = 15,
  MBIM_STATUS_CONTEXT_NOT_ACTIVATED = 16,
  MBIM_STATUS_SERVICE_NOT_ACTIVATED = 17,
  MBIM_STATUS_INVALID_ACCESS_STRING = 18,
  MBIM_STATUS_INVALID_USER_NAME_PWD = 19,
  MBIM_STATUS_RADIO_POWER_OFF = 20,
  MBIM_STATUS_INVALID_PARAMETERS = 21,
  MBIM_STATUS_READ_FAILURE = 22,
  MBIM_STATUS_WRITE_FAILURE = 23,
  MBIM_STATUS_OPERATION_NOT_ALLOWED = 28,
} MbimStatus;

const char *mbim_status_name(guint32 status);

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
