#include "cbs-assembly.h"

#include "part-collector.h"

struct _MmdCbsAssembly {
  MmdPartCollector *collector;
};

/* A page copy the assembly owns. */
static MmdCbsPage *
page_copy(const MmdCbsPage *page)
{
  MmdCbsPage *copy = g_new(MmdCbsPage, 1);

  *copy = *page;
  copy->text = g_strdup(page->text);
  copy->data = page->data ? g_bytes_ref(page->data) : NULL;
  return copy;
}

MmdCbsAssembly *
mmd_cbs_assembly_new(void)
{
  MmdCbsAssembly *assembly = g_new0(MmdCbsAssembly, 1);

  assembly->collector = mmd_part_collector_new((GDestroyNotify)mmd_cbs_page_free);
  return assembly;
}

void
mmd_cbs_assembly_free(MmdCbsAssembly *assembly)
{
  if (!assembly)
    return;
  mmd_part_collector_free(assembly->collector);
  g_free(assembly);
}

static MmdCbsMessage *
message_new(const MmdCbsPage *first, guint total)
{
  MmdCbsMessage *message = g_new0(MmdCbsMessage, 1);

  message->message_id = first->message_id;
  message->serial = first->serial;
  message->scope = first->scope;
  message->message_code = first->message_code;
  message->update_number = first->update_number;
  message->dcs_octet = first->dcs_octet;
  g_strlcpy(message->language, first->language, sizeof(message->language));
  message->total_pages = total;
  message->missing_pages = g_array_new(FALSE, FALSE, sizeof(guint));
  return message;
}

static const MmdCbsPage *
first_present(const MmdPartSet *set)
{
  for (guint i = 0; i < set->total; i++) {
    if (set->parts[i])
      return set->parts[i];
  }
  return NULL;
}

/* Pages decode on their own (23.041 fills each one), so their texts simply join. */
static MmdCbsMessage *
message_from_set(const MmdPartSet *set)
{
  const MmdCbsPage *first = first_present(set);
  MmdCbsMessage *message = message_new(first, set->total);
  g_autoptr(GString) text = first->text ? g_string_new(NULL) : NULL;
  g_autoptr(GByteArray) data = first->text ? NULL : g_byte_array_new();

  for (guint i = 0; i < set->total; i++) {
    const MmdCbsPage *page = set->parts[i];
    guint number = i + 1;

    if (!page) {
      g_array_append_val(message->missing_pages, number);
      if (text)
        g_string_append_printf(text, MMD_CBS_MISSING_PAGE_FORMAT, number, set->total);
    } else if (text && page->text) {
      g_string_append(text, page->text);
    } else if (data && page->data) {
      gsize len;
      const guint8 *bytes = g_bytes_get_data(page->data, &len);

      g_byte_array_append(data, bytes, (guint)len);
    }
  }
  if (text)
    message->text = g_string_free(g_steal_pointer(&text), FALSE);
  if (data)
    message->data = g_byte_array_free_to_bytes(g_steal_pointer(&data));
  return message;
}

MmdCbsMessage *
mmd_cbs_assembly_add(MmdCbsAssembly *assembly, const MmdCbsPage *page, gint64 now)
{
  g_autoptr(MmdPartSet) complete = NULL;
  g_autofree char *key = g_strdup_printf("%u|%u|%u", page->message_id, page->serial, page->pages);

  if (mmd_part_collector_add(assembly->collector, key, page->pages, page->page, page_copy(page),
                             now, &complete)
      != MMD_PART_COMPLETED)
    return NULL;
  return message_from_set(complete);
}

GPtrArray *
mmd_cbs_assembly_flush(MmdCbsAssembly *assembly, gint64 now, guint timeout)
{
  g_autoptr(GPtrArray) sets = mmd_part_collector_take_expired(assembly->collector, now, timeout);
  GPtrArray *messages = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_cbs_message_free);

  for (guint i = 0; i < sets->len; i++)
    g_ptr_array_add(messages, message_from_set(g_ptr_array_index(sets, i)));
  return messages;
}

guint
mmd_cbs_assembly_pending(MmdCbsAssembly *assembly)
{
  return mmd_part_collector_pending(assembly->collector);
}

gboolean
mmd_cbs_message_is_complete(const MmdCbsMessage *message)
{
  return message->missing_pages->len == 0;
}

void
mmd_cbs_message_free(MmdCbsMessage *message)
{
  if (!message)
    return;
  g_free(message->text);
  if (message->data)
    g_bytes_unref(message->data);
  g_array_unref(message->missing_pages);
  g_free(message);
}
