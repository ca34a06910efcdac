#include "sms-assembly.h"

#include "gsm7.h"
#include "part-collector.h"
#include "ucs2.h"

struct _MmdSmsAssembly {
  MmdPartCollector *collector;
};

/* What the assembly keeps of one PDU. */
typedef struct {
  MmdTpduType type;
  char *address;
  char *smsc;
  char *timestamp;
  MmdDcs dcs;
  guint8 protocol_id;
  guint16 reference;
  /* Code units for text, octets for 8-bit data. */
  GBytes *payload;
} StoredPart;

static void
stored_part_free(StoredPart *part)
{
  g_free(part->address);
  g_free(part->smsc);
  g_free(part->timestamp);
  g_bytes_unref(part->payload);
  g_free(part);
}

static StoredPart *
stored_part_new(const MmdSmsPdu *pdu)
{
  StoredPart *part = g_new0(StoredPart, 1);

  part->type = pdu->type;
  part->address = g_strdup(pdu->address);
  part->smsc = g_strdup(pdu->smsc);
  part->timestamp = g_strdup(pdu->timestamp);
  part->dcs = pdu->dcs;
  part->protocol_id = pdu->protocol_id;
  part->reference = pdu->concat.reference;
  if (pdu->data)
    part->payload = g_bytes_ref(pdu->data);
  else if (pdu->units)
    part->payload = g_bytes_ref(pdu->units);
  else
    part->payload = g_bytes_new(NULL, 0);
  return part;
}

MmdSmsAssembly *
mmd_sms_assembly_new(void)
{
  MmdSmsAssembly *assembly = g_new0(MmdSmsAssembly, 1);

  assembly->collector = mmd_part_collector_new((GDestroyNotify)stored_part_free);
  return assembly;
}

void
mmd_sms_assembly_free(MmdSmsAssembly *assembly)
{
  if (!assembly)
    return;
  mmd_part_collector_free(assembly->collector);
  g_free(assembly);
}

/* Decodes the units gathered for a run of parts in one alphabet. */
static void
flush_run(GString *text, GByteArray *run, MmdAlphabet alphabet)
{
  g_autofree char *decoded = NULL;

  if (run->len == 0)
    return;
  decoded = alphabet == MMD_ALPHABET_UCS2 ? mmd_ucs2_to_utf8(run->data, run->len)
                                          : mmd_gsm7_to_utf8(run->data, run->len);
  g_string_append(text, decoded);
  g_byte_array_set_size(run, 0);
}

static const StoredPart *
first_present(const MmdPartSet *set)
{
  for (guint i = 0; i < set->total; i++) {
    if (set->parts[i])
      return set->parts[i];
  }
  return NULL;
}

static MmdSmsMessage *
message_new(const StoredPart *first, guint total)
{
  MmdSmsMessage *message = g_new0(MmdSmsMessage, 1);

  message->type = first->type;
  message->address = g_strdup(first->address);
  message->smsc = g_strdup(first->smsc);
  message->timestamp = g_strdup(first->timestamp);
  message->dcs = first->dcs;
  message->protocol_id = first->protocol_id;
  message->reference = first->reference;
  message->total_parts = total;
  message->missing_parts = g_array_new(FALSE, FALSE, sizeof(guint));
  return message;
}

/* Joins the parts in sequence: text runs decoded as one, data appended, a marker
 * where a part of a text message is missing. */
static MmdSmsMessage *
message_from_set(const MmdPartSet *set)
{
  const StoredPart *first = first_present(set);
  MmdSmsMessage *message = message_new(first, set->total);
  gboolean is_text = first->dcs.alphabet != MMD_ALPHABET_8BIT;
  g_autoptr(GString) text = g_string_new(NULL);
  g_autoptr(GByteArray) run = g_byte_array_new();
  g_autoptr(GByteArray) data = NULL;
  MmdAlphabet run_alphabet = first->dcs.alphabet;

  for (guint i = 0; i < set->total; i++) {
    const StoredPart *part = set->parts[i];
    gsize len;
    const guint8 *payload;

    if (!part || part->dcs.alphabet != run_alphabet)
      flush_run(text, run, run_alphabet);
    if (!part) {
      guint sequence = i + 1;

      g_array_append_val(message->missing_parts, sequence);
      if (is_text)
        g_string_append_printf(text, MMD_SMS_MISSING_PART_FORMAT, sequence, set->total);
      continue;
    }
    payload = g_bytes_get_data(part->payload, &len);
    if (part->dcs.alphabet == MMD_ALPHABET_8BIT) {
      data = data ? data : g_byte_array_new();
      g_byte_array_append(data, payload, (guint)len);
      continue;
    }
    run_alphabet = part->dcs.alphabet;
    g_byte_array_append(run, payload, (guint)len);
  }
  flush_run(text, run, run_alphabet);
  if (is_text || text->len > 0)
    message->text = g_string_free(g_steal_pointer(&text), FALSE);
  if (data)
    message->data = g_byte_array_free_to_bytes(g_steal_pointer(&data));
  return message;
}

static char *
key_for(const MmdSmsPdu *pdu)
{
  return g_strdup_printf("%d|%u|%u|%s", pdu->type, pdu->concat.reference, pdu->concat.total,
                         pdu->address);
}

MmdSmsMessage *
mmd_sms_assembly_add(MmdSmsAssembly *assembly, const MmdSmsPdu *pdu, gint64 now)
{
  g_autoptr(MmdPartSet) complete = NULL;
  g_autofree char *key = NULL;
  guint total = pdu->concat.present ? pdu->concat.total : 1;
  guint sequence = pdu->concat.present ? pdu->concat.sequence : 1;
  StoredPart *part = stored_part_new(pdu);

  if (total == 1) {
    /* Alone, it goes through a set of one: the same join, no collector. */
    MmdPartSet single = { .total = 1, .parts = (gpointer *)&part };
    MmdSmsMessage *message = message_from_set(&single);

    stored_part_free(part);
    return message;
  }
  key = key_for(pdu);
  if (mmd_part_collector_add(assembly->collector, key, total, sequence, part, now, &complete)
      != MMD_PART_COMPLETED)
    return NULL;
  return message_from_set(complete);
}

GPtrArray *
mmd_sms_assembly_flush(MmdSmsAssembly *assembly, gint64 now, guint timeout)
{
  g_autoptr(GPtrArray) sets = mmd_part_collector_take_expired(assembly->collector, now, timeout);
  GPtrArray *messages = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_message_free);

  for (guint i = 0; i < sets->len; i++)
    g_ptr_array_add(messages, message_from_set(g_ptr_array_index(sets, i)));
  return messages;
}

guint
mmd_sms_assembly_pending(MmdSmsAssembly *assembly)
{
  return mmd_part_collector_pending(assembly->collector);
}

gboolean
mmd_sms_message_is_complete(const MmdSmsMessage *message)
{
  return message->missing_parts->len == 0;
}

void
mmd_sms_message_free(MmdSmsMessage *message)
{
  if (!message)
    return;
  g_free(message->address);
  g_free(message->smsc);
  g_free(message->timestamp);
  g_free(message->text);
  if (message->data)
    g_bytes_unref(message->data);
  g_array_unref(message->missing_parts);
  g_free(message);
}
