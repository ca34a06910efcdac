#include "sms-udh.h"

#include "byte-reader.h"
#include "codec-error.h"

static void
apply_concat(MmdSmsConcat *concat, guint16 reference, guint8 total, guint8 sequence)
{
  if (total == 0 || sequence == 0 || sequence > total)
    return;
  concat->present = TRUE;
  concat->reference = reference;
  concat->total = total;
  concat->sequence = sequence;
}

static void
read_element(guint8 iei, const guint8 *value, guint8 len, MmdSmsConcat *concat)
{
  if (iei == MMD_SMS_UDH_IEI_CONCAT_8BIT && len == 3)
    apply_concat(concat, value[0], value[1], value[2]);
  else if (iei == MMD_SMS_UDH_IEI_CONCAT_16BIT && len == 4)
    apply_concat(concat, (guint16)(value[0] << 8 | value[1]), value[2], value[3]);
}

gboolean
mmd_sms_udh_parse(const guint8 *header, gsize len, MmdSmsConcat *concat, GError **error)
{
  MmdByteReader reader;
  g_autoptr(GError) local_error = NULL;

  *concat = (MmdSmsConcat){ 0 };
  mmd_byte_reader_init(&reader, header, len);
  while (mmd_byte_reader_remaining(&reader) > 0) {
    guint8 iei, element_len;
    const guint8 *value;

    if (!mmd_byte_reader_u8(&reader, &iei, "UDH element", &local_error)
        || !mmd_byte_reader_u8(&reader, &element_len, "UDH element length", &local_error)
        || !mmd_byte_reader_take(&reader, element_len, &value, "UDH element", &local_error)) {
      g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED, "user data header: %s",
                  local_error->message);
      return FALSE;
    }
    read_element(iei, value, element_len, concat);
  }
  return TRUE;
}

void
mmd_sms_udh_append_concat(GByteArray *out, guint8 reference, guint8 total, guint8 sequence)
{
  const guint8 udh[MMD_SMS_UDH_CONCAT_8BIT_LEN] = {
    MMD_SMS_UDH_CONCAT_8BIT_LEN - 1, MMD_SMS_UDH_IEI_CONCAT_8BIT, 3, reference, total, sequence,
  };

  g_byte_array_append(out, udh, sizeof(udh));
}
