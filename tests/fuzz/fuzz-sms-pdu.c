/* libFuzzer target: SMS TPDU decoding (with and without the SMSC field), the
 * reassembly of what decodes, and the re-encoding of decoded text.
 *
 * The whole input is decoded as one PDU in both layouts; then it is read as
 * records (one length octet, then that many octets) that are decoded and fed
 * to one assembly, which is flushed at the end. Aborts when a decoded string
 * is not valid UTF-8 or text does not survive an encode/decode round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modemd-codec.h"

#define MAX_ROUND_TRIP_BYTES 1024

static void
require_utf8(const char *text)
{
  if (text && !g_utf8_validate(text, -1, NULL))
    abort();
}

/* Text the decoder produced must encode and decode back to itself. */
static void
round_trip(const char *text)
{
  MmdSmsSubmit submit
      = { .number = "+15551234", .text = text, .message_class = MMD_MESSAGE_CLASS_NONE };
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) joined = g_string_new(NULL);

  if (strlen(text) > MAX_ROUND_TRIP_BYTES)
    return;
  parts = mmd_sms_submit_encode(&submit, NULL);
  if (!parts)
    abort();
  for (guint i = 0; i < parts->len; i++) {
    MmdSmsSubmitPart *part = parts->pdata[i];
    g_autoptr(MmdSmsPdu) pdu
        = mmd_sms_pdu_decode(g_bytes_get_data(part->pdu, NULL), g_bytes_get_size(part->pdu),
                             MMD_SMS_PDU_WITH_SMSC, NULL);

    if (!pdu || !pdu->text)
      abort();
    g_string_append(joined, pdu->text);
  }
  if (strcmp(joined->str, text) != 0)
    abort();
}

static MmdSmsPdu *
decode(const uint8_t *data, size_t size, MmdSmsPduLayout layout)
{
  g_autoptr(GError) error = NULL;
  MmdSmsPdu *pdu = mmd_sms_pdu_decode(data, size, layout, &error);

  if (!pdu) {
    if (!error || error->domain != MMD_CODEC_ERROR)
      abort();
    require_utf8(error->message);
    return NULL;
  }
  require_utf8(pdu->text);
  require_utf8(pdu->address);
  require_utf8(pdu->smsc);
  require_utf8(pdu->timestamp);
  require_utf8(pdu->discharge_time);
  require_utf8(pdu->validity.absolute);
  return pdu;
}

static void
add_to_assembly(MmdSmsAssembly *assembly, const MmdSmsPdu *pdu, gint64 now)
{
  g_autoptr(MmdSmsMessage) message = mmd_sms_assembly_add(assembly, pdu, now);

  if (message)
    require_utf8(message->text);
}

static void
decode_records(const uint8_t *data, size_t size)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(GPtrArray) rest = NULL;
  gint64 now = 0;

  while (size > 0) {
    size_t len = MIN((size_t)data[0], size - 1);
    const uint8_t *record = data + 1;

    for (int layout = MMD_SMS_PDU_WITH_SMSC; layout <= MMD_SMS_PDU_TPDU_ONLY; layout++) {
      g_autoptr(MmdSmsPdu) pdu = decode(record, len, (MmdSmsPduLayout)layout);

      if (pdu)
        add_to_assembly(assembly, pdu, now);
    }
    data += 1 + len;
    size -= 1 + len;
    now++;
  }
  rest = mmd_sms_assembly_flush(assembly, now, 0);
  for (guint i = 0; i < rest->len; i++)
    require_utf8(((MmdSmsMessage *)rest->pdata[i])->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(MmdSmsPdu) with_smsc = decode(data, size, MMD_SMS_PDU_WITH_SMSC);
  g_autoptr(MmdSmsPdu) tpdu_only = decode(data, size, MMD_SMS_PDU_TPDU_ONLY);

  if (with_smsc && with_smsc->text)
    round_trip(with_smsc->text);
  if (tpdu_only && tpdu_only->text)
    round_trip(tpdu_only->text);
  decode_records(data, size);
  return 0;
}
