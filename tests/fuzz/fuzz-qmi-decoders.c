/* libFuzzer target: every generated QMI decoder (the table generated from the
 * same data/qmi-*.json as the decoders, so a new message is fuzzed as soon as
 * it is defined).
 *
 * Input: two bytes choosing the decoder, then the TLV area of a response or
 * indication of that message, up to the largest a QMUX frame can carry. The
 * table's checks make a finding of any output that breaks a decoder promise
 * (strings not clean, arrays shorter than their counts, absent fields not
 * zeroed, memory over QMI_OUTPUT_MAX_DECODED); -malloc_limit_mb catches a
 * count that reserves memory the message did not pay for. */
#include <stdint.h>

#include "fuzz-common.h"
#include "qmi-decoder-table.h"

/* The largest TLV area: a frame's length field counts at most 0xFFFF bytes,
 * of which the QMUX and (non-CTL) SDU headers take 5 + 7. */
#define MAX_TLVS (0xFFFF - 5 - 7)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const QmiDecoderEntry *entry;
  QmiMessage *msg;

  if (size < 2)
    return 0;
  entry = &qmi_decoder_table[(data[0] | data[1] << 8) % qmi_decoder_table_len];
  msg = qmi_message_new(entry->service, 1,
                        entry->indication ? QMI_MESSAGE_KIND_INDICATION : QMI_MESSAGE_KIND_RESPONSE,
                        1, entry->id, data + 2, MIN(size - 2, MAX_TLVS));
  entry->decode(msg);
  qmi_message_unref(msg);
  return 0;
}
