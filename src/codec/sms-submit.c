#include "sms-submit.h"

#include "codec-error.h"
#include "dcs.h"
#include "gsm7.h"
#include "sms-address.h"
#include "sms-time.h"
#include "sms-udh.h"
#include "sms-user-data.h"
#include "ucs2.h"

#define FIRST_SUBMIT 0x01
#define FIRST_VPF_RELATIVE 0x10
#define FIRST_SRR 0x20
#define FIRST_UDHI 0x40

/* The content as units of its alphabet: septets one a byte, UTF-16BE octets or
 * data octets; capacities count the same units. */
typedef struct {
  MmdAlphabet alphabet;
  GByteArray *units;
  /* Units per part: alone, and alongside a concatenation header. */
  gsize single_capacity;
  gsize part_capacity;
} Content;

static void
content_clear(Content *content)
{
  g_clear_pointer(&content->units, g_byte_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Content, content_clear)

static gboolean
content_from_submit(const MmdSmsSubmit *submit, Content *content, GError **error)
{
  gsize header_septets = (MMD_SMS_UDH_CONCAT_8BIT_LEN * 8 + 6) / 7;

  if (submit->text && mmd_gsm7_count_septets(submit->text, NULL)) {
    content->alphabet = MMD_ALPHABET_GSM7;
    content->units = mmd_gsm7_from_utf8(submit->text, error);
    content->single_capacity = MMD_SMS_UD_MAX_SEPTETS;
    content->part_capacity = MMD_SMS_UD_MAX_SEPTETS - header_septets;
  } else if (submit->text) {
    content->alphabet = MMD_ALPHABET_UCS2;
    content->units = mmd_ucs2_from_utf8(submit->text, error);
    content->single_capacity = MMD_SMS_UD_MAX_OCTETS;
    content->part_capacity = MMD_SMS_UD_MAX_OCTETS - MMD_SMS_UDH_CONCAT_8BIT_LEN;
  } else if (submit->data) {
    gsize len;
    const guint8 *data = g_bytes_get_data(submit->data, &len);

    content->alphabet = MMD_ALPHABET_8BIT;
    content->units = g_byte_array_new();
    g_byte_array_append(content->units, data, (guint)len);
    content->single_capacity = MMD_SMS_UD_MAX_OCTETS;
    content->part_capacity = MMD_SMS_UD_MAX_OCTETS - MMD_SMS_UDH_CONCAT_8BIT_LEN;
  } else {
    g_set_error_literal(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                        "an SMS needs text or data");
    return FALSE;
  }
  return content->units != NULL;
}

/* Where the part starting at @start ends: never between an escape and its
 * character, nor between the halves of a surrogate pair. */
static gsize
part_end(const Content *content, gsize start)
{
  const guint8 *units = content->units->data;
  gsize n = content->units->len;
  gsize end = MIN(n, start + content->part_capacity);

  if (end == n)
    return end;
  if (content->alphabet == MMD_ALPHABET_GSM7 && units[end - 1] == MMD_GSM7_ESCAPE)
    return end - 1;
  if (content->alphabet == MMD_ALPHABET_UCS2) {
    /* UCS-2 capacity is even, so @end is at a unit boundary. */
    guint16 last = (guint16)(units[end - 2] << 8 | units[end - 1]);

    if (mmd_ucs2_is_high_surrogate(last))
      return end - 2;
  }
  return end;
}

/* Part boundaries as offsets into the units: bounds[i]..bounds[i+1]. */
static GArray *
split(const Content *content, GError **error)
{
  GArray *bounds = g_array_new(FALSE, FALSE, sizeof(gsize));
  gsize start = 0;

  g_array_append_val(bounds, start);
  if (content->units->len <= content->single_capacity) {
    gsize end = content->units->len;

    g_array_append_val(bounds, end);
    return bounds;
  }
  while (start < content->units->len) {
    start = part_end(content, start);
    g_array_append_val(bounds, start);
    if (bounds->len - 1 > MMD_SMS_MAX_PARTS) {
      g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG,
                  "message needs more than %u parts", MMD_SMS_MAX_PARTS);
      g_array_unref(bounds);
      return NULL;
    }
  }
  return bounds;
}

/* TP-UDL and TP-UD of one part: the header, fill bits, the part's units. */
static void
append_user_data(GByteArray *pdu, const Content *content, const guint8 *units, gsize n_units,
                 gboolean with_header, const MmdSmsSubmit *submit, guint total, guint sequence)
{
  g_autoptr(GByteArray) ud = g_byte_array_new();
  guint8 udl;

  if (with_header)
    mmd_sms_udh_append_concat(ud, submit->concat_reference, (guint8)total, (guint8)sequence);
  if (content->alphabet == MMD_ALPHABET_GSM7) {
    guint header_septets = (guint)((ud->len * 8 + 6) / 7);
    g_autoptr(GByteArray) packed
        = mmd_gsm7_pack(units, n_units, (guint)(header_septets * 7 - ud->len * 8));

    g_byte_array_append(ud, packed->data, packed->len);
    udl = (guint8)(header_septets + n_units);
  } else {
    g_byte_array_append(ud, units, (guint)n_units);
    udl = (guint8)ud->len;
  }
  g_byte_array_append(pdu, &udl, 1);
  g_byte_array_append(pdu, ud->data, ud->len);
}

static MmdSmsSubmitPart *
encode_part(const MmdSmsSubmit *submit, const Content *content, const GArray *bounds, guint index,
            GError **error)
{
  guint total = bounds->len - 1;
  gsize start = g_array_index(bounds, gsize, index);
  gsize end = g_array_index(bounds, gsize, index + 1);
  g_autoptr(GByteArray) pdu = g_byte_array_new();
  MmdSmsSubmitPart *part;
  guint smsc_len;
  guint8 first = FIRST_SUBMIT, pid = 0, dcs;
  guint8 reference = (guint8)(submit->message_reference + index);

  if (!mmd_sms_smsc_append(pdu, submit->smsc, error))
    return NULL;
  smsc_len = pdu->len;
  if (submit->validity_minutes)
    first |= FIRST_VPF_RELATIVE;
  if (submit->request_status_report)
    first |= FIRST_SRR;
  if (total > 1)
    first |= FIRST_UDHI;
  g_byte_array_append(pdu, &first, 1);
  g_byte_array_append(pdu, &reference, 1);
  if (!mmd_sms_address_append(pdu, submit->number, error))
    return NULL;
  dcs = mmd_dcs_encode_sms(content->alphabet, submit->message_class);
  g_byte_array_append(pdu, &pid, 1);
  g_byte_array_append(pdu, &dcs, 1);
  if (submit->validity_minutes) {
    guint8 vp = mmd_sms_validity_relative_encode(submit->validity_minutes);

    g_byte_array_append(pdu, &vp, 1);
  }
  /* An empty text has no buffer at all: no offset may be applied to it. */
  append_user_data(pdu, content, end > start ? content->units->data + start : NULL, end - start,
                   total > 1, submit, total, index + 1);

  part = g_new0(MmdSmsSubmitPart, 1);
  part->tpdu_len = pdu->len - smsc_len;
  part->pdu = g_byte_array_free_to_bytes(g_steal_pointer(&pdu));
  return part;
}

static gboolean
check_submit(const MmdSmsSubmit *submit, GError **error)
{
  if (submit->message_class < MMD_MESSAGE_CLASS_NONE || submit->message_class > 3) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                "message class %d is not 0..3", submit->message_class);
    return FALSE;
  }
  if (!mmd_sms_number_is_valid(submit->number)) {
    g_set_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT,
                "the number must be an optional '+' and 1 to %u digits",
                MMD_SMS_ADDRESS_MAX_DIGITS);
    return FALSE;
  }
  return TRUE;
}

GPtrArray *
mmd_sms_submit_encode(const MmdSmsSubmit *submit, GError **error)
{
  g_auto(Content) content = { 0 };
  g_autoptr(GArray) bounds = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  if (!check_submit(submit, error) || !content_from_submit(submit, &content, error))
    return NULL;
  bounds = split(&content, error);
  if (!bounds)
    return NULL;
  parts = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_submit_part_free);
  for (guint i = 0; i + 1 < bounds->len; i++) {
    MmdSmsSubmitPart *part = encode_part(submit, &content, bounds, i, error);

    if (!part)
      return NULL;
    g_ptr_array_add(parts, part);
  }
  return g_steal_pointer(&parts);
}

void
mmd_sms_submit_part_free(MmdSmsSubmitPart *part)
{
  if (!part)
    return;
  g_bytes_unref(part->pdu);
  g_free(part);
}
