#include "sms-pdu.h"

#include "byte-reader.h"
#include "codec-error.h"
#include "sms-address.h"
#include "sms-time.h"
#include "sms-user-data.h"

/* First octet (23.040 9.2.3): bits common to all types, then per type. */
#define MTI(first) ((first)&0x03)
#define MTI_DELIVER 0x0
#define MTI_SUBMIT 0x1
#define MTI_STATUS_REPORT 0x2
#define FIRST_MMS_OR_RD 0x04
#define FIRST_STATUS_REPORT 0x20
#define FIRST_UDHI 0x40
#define FIRST_REPLY_PATH 0x80
#define VPF(first) (((first) >> 3) & 0x03)
#define VPF_NONE 0x0
#define VPF_ENHANCED 0x1
#define VPF_RELATIVE 0x2
#define VPF_ABSOLUTE 0x3

/* TP-PI of a status report (9.2.3.27). */
#define PI_PID 0x01
#define PI_DCS 0x02
#define PI_UDL 0x04
#define PI_EXTENSION 0x80

static gboolean
read_timestamp(MmdByteReader *reader, char **out, const char *what, GError **error)
{
  const guint8 *bytes;

  if (!mmd_byte_reader_take(reader, MMD_SMS_TIMESTAMP_LEN, &bytes, what, error))
    return FALSE;
  /* An impossible date is the network's mistake, not a reason to lose the text. */
  *out = mmd_sms_timestamp_decode(bytes);
  return TRUE;
}

static gboolean
read_dcs(MmdByteReader *reader, MmdSmsPdu *pdu, GError **error)
{
  if (!mmd_byte_reader_u8(reader, &pdu->dcs_octet, "TP-DCS", error))
    return FALSE;
  mmd_dcs_decode_sms(pdu->dcs_octet, &pdu->dcs);
  if (pdu->dcs.compressed) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED,
                "compressed text (TP-DCS 0x%02x) is not supported", pdu->dcs_octet);
    return FALSE;
  }
  return TRUE;
}

static gboolean
read_user_data(MmdByteReader *reader, MmdSmsPdu *pdu, gboolean has_header, GError **error)
{
  guint8 udl;
  guint max;
  const guint8 *ud;
  gsize ud_len;
  MmdSmsUserData user_data;

  if (!mmd_byte_reader_u8(reader, &udl, "TP-UDL", error))
    return FALSE;
  max = pdu->dcs.alphabet == MMD_ALPHABET_GSM7 ? MMD_SMS_UD_MAX_SEPTETS : MMD_SMS_UD_MAX_OCTETS;
  if (udl > max) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED, "TP-UDL %u exceeds %u", udl,
                max);
    return FALSE;
  }
  ud = mmd_byte_reader_take_rest(reader, &ud_len);
  if (!mmd_sms_user_data_decode(ud, ud_len, udl, pdu->dcs.alphabet, has_header, &user_data,
                                error)) {
    mmd_sms_user_data_clear(&user_data);
    return FALSE;
  }
  pdu->concat = user_data.concat;
  pdu->text = user_data.text;
  pdu->data = user_data.data;
  pdu->units = user_data.units;
  return TRUE;
}

static gboolean
decode_deliver(MmdByteReader *reader, guint8 first, MmdSmsPdu *pdu, GError **error)
{
  pdu->type = MMD_SMS_PDU_DELIVER;
  pdu->more_messages = !(first & FIRST_MMS_OR_RD);
  pdu->status_report = (first & FIRST_STATUS_REPORT) != 0;
  return (pdu->address = mmd_sms_address_read(reader, error))
         && mmd_byte_reader_u8(reader, &pdu->protocol_id, "TP-PID", error)
         && read_dcs(reader, pdu, error)
         && read_timestamp(reader, &pdu->timestamp, "TP-SCTS", error)
         && read_user_data(reader, pdu, (first & FIRST_UDHI) != 0, error);
}

static gboolean
read_validity(MmdByteReader *reader, guint vpf, MmdSmsValidity *validity, GError **error)
{
  const guint8 *bytes;
  guint8 relative;

  switch (vpf) {
    case VPF_RELATIVE:
      if (!mmd_byte_reader_u8(reader, &relative, "TP-VP", error))
        return FALSE;
      validity->format = MMD_SMS_VALIDITY_RELATIVE;
      validity->seconds = mmd_sms_validity_relative_seconds(relative);
      return TRUE;
    case VPF_ENHANCED:
      validity->format = MMD_SMS_VALIDITY_ENHANCED;
      return mmd_byte_reader_take(reader, MMD_SMS_TIMESTAMP_LEN, &bytes, "TP-VP", error)
             && mmd_sms_validity_enhanced_decode(bytes, &validity->seconds, error);
    case VPF_ABSOLUTE:
      validity->format = MMD_SMS_VALIDITY_ABSOLUTE;
      return read_timestamp(reader, &validity->absolute, "TP-VP", error);
    default:
      validity->format = MMD_SMS_VALIDITY_NONE;
      return TRUE;
  }
}

static gboolean
decode_submit(MmdByteReader *reader, guint8 first, MmdSmsPdu *pdu, GError **error)
{
  pdu->type = MMD_SMS_PDU_SUBMIT;
  pdu->reject_duplicates = (first & FIRST_MMS_OR_RD) != 0;
  pdu->status_report = (first & FIRST_STATUS_REPORT) != 0;
  return mmd_byte_reader_u8(reader, &pdu->message_reference, "TP-MR", error)
         && (pdu->address = mmd_sms_address_read(reader, error))
         && mmd_byte_reader_u8(reader, &pdu->protocol_id, "TP-PID", error)
         && read_dcs(reader, pdu, error) && read_validity(reader, VPF(first), &pdu->validity, error)
         && read_user_data(reader, pdu, (first & FIRST_UDHI) != 0, error);
}

/* TP-PI and the optional fields it announces. */
static gboolean
decode_status_report_tail(MmdByteReader *reader, guint8 first, MmdSmsPdu *pdu, GError **error)
{
  guint8 pi, ext;

  if (mmd_byte_reader_remaining(reader) == 0)
    return TRUE;
  if (!mmd_byte_reader_u8(reader, &pi, "TP-PI", error))
    return FALSE;
  /* Extension octets name nothing this release knows; step over them. */
  for (ext = pi; ext & PI_EXTENSION;) {
    if (!mmd_byte_reader_u8(reader, &ext, "TP-PI extension", error))
      return FALSE;
  }
  if ((pi & PI_PID) && !mmd_byte_reader_u8(reader, &pdu->protocol_id, "TP-PID", error))
    return FALSE;
  if ((pi & PI_DCS) && !read_dcs(reader, pdu, error))
    return FALSE;
  if (pi & PI_UDL)
    return read_user_data(reader, pdu, (first & FIRST_UDHI) != 0, error);
  return TRUE;
}

/* The optional tail is dropped rather than the report when it does not decode:
 * storage pads records with 0xFF, which reads as a TP-PI announcing everything. */
static void
read_status_report_tail(MmdByteReader *reader, guint8 first, MmdSmsPdu *pdu)
{
  g_autoptr(GError) error = NULL;

  if (decode_status_report_tail(reader, first, pdu, &error))
    return;
  g_debug("status report: optional fields ignored: %s", error->message);
  pdu->protocol_id = 0;
  pdu->dcs_octet = 0;
  mmd_dcs_decode_sms(0, &pdu->dcs);
  pdu->concat = (MmdSmsConcat){ 0 };
  g_clear_pointer(&pdu->text, g_free);
  g_clear_pointer(&pdu->data, g_bytes_unref);
  g_clear_pointer(&pdu->units, g_bytes_unref);
}

static gboolean
decode_status_report(MmdByteReader *reader, guint8 first, MmdSmsPdu *pdu, GError **error)
{
  pdu->type = MMD_SMS_PDU_STATUS_REPORT;
  pdu->more_messages = !(first & FIRST_MMS_OR_RD);
  pdu->status_report = (first & FIRST_STATUS_REPORT) != 0;
  mmd_dcs_decode_sms(0, &pdu->dcs);
  if (!mmd_byte_reader_u8(reader, &pdu->message_reference, "TP-MR", error)
      || !(pdu->address = mmd_sms_address_read(reader, error))
      || !read_timestamp(reader, &pdu->timestamp, "TP-SCTS", error)
      || !read_timestamp(reader, &pdu->discharge_time, "TP-DT", error)
      || !mmd_byte_reader_u8(reader, &pdu->status, "TP-ST", error))
    return FALSE;
  read_status_report_tail(reader, first, pdu);
  return TRUE;
}

static gboolean
decode_tpdu(MmdByteReader *reader, MmdSmsPdu *pdu, GError **error)
{
  guint8 first;

  if (!mmd_byte_reader_u8(reader, &first, "first octet", error))
    return FALSE;
  pdu->reply_path = (first & FIRST_REPLY_PATH) != 0;
  switch (MTI(first)) {
    case MTI_DELIVER:
      return decode_deliver(reader, first, pdu, error);
    case MTI_SUBMIT:
      return decode_submit(reader, first, pdu, error);
    case MTI_STATUS_REPORT:
      return decode_status_report(reader, first, pdu, error);
    default:
      g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED,
                  "reserved message type (first octet 0x%02x)", first);
      return FALSE;
  }
}

MmdSmsPdu *
mmd_sms_pdu_decode(const guint8 *bytes, gsize len, MmdSmsPduLayout layout, GError **error)
{
  g_autoptr(MmdSmsPdu) pdu = g_new0(MmdSmsPdu, 1);
  MmdByteReader reader;

  mmd_byte_reader_init(&reader, bytes, len);
  if (layout == MMD_SMS_PDU_WITH_SMSC && !mmd_sms_smsc_read(&reader, &pdu->smsc, error))
    return NULL;
  if (!decode_tpdu(&reader, pdu, error))
    return NULL;
  /* Status reports without user data have no text; give every type a string. */
  if (!pdu->text && !pdu->data)
    pdu->text = g_strdup("");
  return g_steal_pointer(&pdu);
}

void
mmd_sms_pdu_free(MmdSmsPdu *pdu)
{
  if (!pdu)
    return;
  g_free(pdu->smsc);
  g_free(pdu->address);
  g_free(pdu->timestamp);
  g_free(pdu->discharge_time);
  g_free(pdu->validity.absolute);
  g_free(pdu->text);
  if (pdu->data)
    g_bytes_unref(pdu->data);
  if (pdu->units)
    g_bytes_unref(pdu->units);
  g_free(pdu);
}
