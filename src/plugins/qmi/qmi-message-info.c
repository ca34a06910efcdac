/* Looking up the generated descriptions of messages (qmi-message.h). */
#include "qmi-message.h"

const QmiMessageInfo *
qmi_message_info_lookup(guint8 service, guint16 id, gboolean indication)
{
  for (gsize i = 0; i < qmi_message_infos_len; i++) {
    const QmiMessageInfo *info = &qmi_message_infos[i];
    if (info->service == service && info->id == id
        && (info->kind == QMI_MESSAGE_KIND_INDICATION) == !!indication)
      return info;
  }
  return NULL;
}

const char *
qmi_message_info_get_name(const QmiMessageInfo *info)
{
  return qmi_message_names + info->name;
}

const QmiTlvInfo *
qmi_message_info_find_tlv(const QmiMessageInfo *info, gboolean input, guint8 type)
{
  guint first = input ? info->input : info->output;
  guint n = input ? info->n_input : info->n_output;

  for (guint i = first; i < first + n; i++)
    if (qmi_tlv_infos[i].type == type)
      return &qmi_tlv_infos[i];
  return NULL;
}
