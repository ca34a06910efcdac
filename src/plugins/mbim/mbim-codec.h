/* MBIM information buffers, described as data and coded by one table-driven
 * encoder/decoder. No D-Bus here.
 *
 * A CID's buffer is a structure: a fixed part of fields, then a variable
 * part that strings and arrays point into by offset (from the start of the
 * structure), each item padded to 4 bytes. Decoded buffers are GVariant
 * dictionaries (a{sv}) keyed by the field names of the tables in
 * mbim-cids.c:
 *
 *   U32 "u", U64 "t", STRING (UTF-16LE, offset/size) "s", UUID "s",
 *   IPV4 / IPV6 / REF_IPV4 / REF_IPV6 "s" (textual address, "" when absent),
 *   STRING_ARRAY (count field + offset/size pairs) "as",
 *   IPV4_ARRAY / IPV6_ARRAY (count field + offset) "as",
 *   STRUCT (inline) "a{sv}",
 *   STRUCT_ARRAY (count field + offset to packed structs) "aa{sv}",
 *   REF_STRUCT_ARRAY (count field + offset/size pair per struct) "aa{sv}".
 *
 * Encoding takes the same dictionaries; missing fields are zero or empty and
 * count fields are computed from the arrays. */
#pragma once

#include <glib.h>

#include "mbim-message.h"

G_BEGIN_DECLS

typedef enum {
  MBIM_FIELD_U32,
  MBIM_FIELD_U64,
  MBIM_FIELD_STRING,
  MBIM_FIELD_UUID,
  MBIM_FIELD_IPV4,
  MBIM_FIELD_IPV6,
  MBIM_FIELD_REF_IPV4,
  MBIM_FIELD_REF_IPV6,
  MBIM_FIELD_STRING_ARRAY,
  MBIM_FIELD_IPV4_ARRAY,
  MBIM_FIELD_IPV6_ARRAY,
  MBIM_FIELD_STRUCT,
  MBIM_FIELD_STRUCT_ARRAY,
  MBIM_FIELD_REF_STRUCT_ARRAY,
} MbimFieldType;

typedef struct _MbimStruct MbimStruct;

typedef struct {
  const char *name;
  MbimFieldType type;
  const char *count;     /* arrays: the U32 field holding the element count */
  const MbimStruct *sub; /* STRUCT, STRUCT_ARRAY, REF_STRUCT_ARRAY */
  gboolean secret;       /* masked in logs (PINs, passwords) */
  gboolean personal;     /* IMSI, ICCID, numbers: shortened in logs unless allowed */
} MbimField;

struct _MbimStruct {
  const char *name;
  const MbimField *fields; /* terminated by a NULL name */
};

/* One CID of one service: the layouts of its four buffer kinds (NULL: the
 * kind does not exist or has an empty buffer). */
typedef struct {
  const guint8 *service;
  const char *service_name;
  guint32 cid;
  const char *name;
  const MbimStruct *set;
  const MbimStruct *query;
  const MbimStruct *response;
  const MbimStruct *notification;
} MbimCidInfo;

/* BASIC_CONNECT CIDs */
enum {
  MBIM_CID_DEVICE_CAPS = 1,
  MBIM_CID_SUBSCRIBER_READY_STATUS = 2,
  MBIM_CID_RADIO_STATE = 3,
  MBIM_CID_PIN = 4,
  MBIM_CID_PIN_LIST = 5,
  MBIM_CID_HOME_PROVIDER = 6,
  MBIM_CID_PREFERRED_PROVIDERS = 7,
  MBIM_CID_VISIBLE_PROVIDERS = 8,
  MBIM_CID_REGISTER_STATE = 9,
  MBIM_CID_PACKET_SERVICE = 10,
  MBIM_CID_SIGNAL_STATE = 11,
  MBIM_CID_CONNECT = 12,
  MBIM_CID_IP_CONFIGURATION = 15,
};

/* The table entry for (service, cid), or NULL. */
const MbimCidInfo *mbim_cid_lookup(const guint8 *service, guint32 cid);

/* Decodes buf with layout st. Returns a floating-free a{sv}. */
GVariant *mbim_decode(const MbimStruct *st, const guint8 *buf, gsize len, GError **error);
/* Encodes dict (a{sv}, may be NULL) with layout st. */
GBytes *mbim_encode(const MbimStruct *st, GVariant *dict, GError **error);
/* A one-line rendering of dict for logs, with secret fields masked and
 * personal ones cut to their first 6 characters. */
char *mbim_fields_to_string(const MbimStruct *st, GVariant *dict);

/* Whether personal fields may be logged in full (default: no). */
void mbim_codec_set_log_personal_info(gboolean allowed);

/* A readable, single-line description of a whole message for logs, decoding
 * its buffer when the CID is known. */
char *mbim_message_describe(const MbimMessage *msg);

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

G_END_DECLS
