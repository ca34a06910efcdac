/* The wire log (see mbim-describe.h). */
#include "mbim-describe.h"

#include "mbim-generated.h"

/* A personal identifier shows this many characters unless allowed in full. */
#define PERSONAL_SHOWN 6
/* Byte arrays show this many bytes in hex. */
#define BYTES_SHOWN 32

static MbimLogCheck debug_check;
static gboolean log_personal_info;

void
mbim_log_set_policy(MbimLogCheck debug_enabled, gboolean personal_info)
{
  debug_check = debug_enabled;
  log_personal_info = personal_info;
}

gboolean
mbim_log_wire_enabled(void)
{
  return debug_check && debug_check();
}

void
mbim_describe_field(GString *s, gboolean first, const char *name)
{
  g_string_append(s, first ? "{" : ", ");
  g_string_append(s, name);
  g_string_append(s, ": ");
}

static void
append_escaped(GString *s, const char *text, glong max_chars)
{
  glong n = 0;

  for (const char *p = text; *p; p = g_utf8_next_char(p), n++) {
    gunichar c = g_utf8_get_char(p);

    if (n >= max_chars)
      g_string_append_c(s, '*');
    else if (c == '\'' || c == '\\')
      g_string_append_printf(s, "\\%c", (char)c);
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf(s, "\\x%02x", c);
    else
      g_string_append_len(s, p, g_utf8_next_char(p) - p);
  }
}

void
mbim_describe_string(GString *s, const char *text, MbimPrivacy privacy)
{
  if (privacy == MBIM_PRIVACY_SECRET) {
    g_string_append(s, "'***'");
    return;
  }
  g_string_append_c(s, '\'');
  /* Decoded text is valid UTF-8; text we encode comes from D-Bus, also valid. */
  if (text && g_utf8_validate(text, -1, NULL))
    append_escaped(s, text,
                   privacy == MBIM_PRIVACY_PERSONAL && !log_personal_info ? PERSONAL_SHOWN
                                                                          : G_MAXLONG);
  g_string_append_c(s, '\'');
}

void
mbim_describe_bytes(GString *s, const guint8 *data, gsize n, MbimPrivacy privacy)
{
  if (privacy == MBIM_PRIVACY_SECRET || (privacy == MBIM_PRIVACY_PERSONAL && !log_personal_info)) {
    g_string_append_printf(s, "(%zu bytes)", n);
    return;
  }
  for (gsize i = 0; i < n && i < BYTES_SHOWN; i++)
    g_string_append_printf(s, "%02x", data[i]);
  if (n > BYTES_SHOWN)
    g_string_append_printf(s, "... (%zu bytes)", n);
}

void
mbim_describe_uuid(GString *s, const guint8 *uuid)
{
  g_autofree char *text = mbim_uuid_to_string(uuid);

  g_string_append(s, text);
}

void
mbim_describe_ip(GString *s, const guint8 *addr, gsize n)
{
  g_autofree char *text = addr ? mbim_ip_to_string(addr, n) : NULL;

  g_string_append(s, text ? text : "none");
}

void
mbim_describe_failure(GString *s, const GError *error)
{
  g_string_append_printf(s, "(undecodable: %s)", error->message);
}

static MbimDescribeFunc
describer(const MbimCidInfo *info, const MbimMessage *m)
{
  if (!info)
    return NULL;
  switch (m->type) {
    case MBIM_MESSAGE_TYPE_COMMAND:
      return m->command_type == MBIM_COMMAND_TYPE_SET ? info->describe_set : info->describe_query;
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
      return info->describe_response;
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      return info->describe_notification;
    default:
      return NULL;
  }
}

static void
describe_command_like(GString *s, const MbimMessage *m)
{
  const MbimCidInfo *info = mbim_cid_info_lookup(m->service, m->cid);
  MbimDescribeFunc describe = describer(info, m);

  if (info) {
    g_string_append_printf(s, " %s/%s", info->service_name, info->name);
  } else {
    g_autofree char *u = mbim_uuid_to_string(m->service);

    g_string_append_printf(s, " %s/cid-%u", u, m->cid);
  }
  if (m->type == MBIM_MESSAGE_TYPE_COMMAND)
    g_string_append(s, m->command_type == MBIM_COMMAND_TYPE_SET ? " set" : " query");
  if (m->type == MBIM_MESSAGE_TYPE_COMMAND_DONE)
    g_string_append_printf(s, " status=%s", mbim_status_name(m->status));
  if (describe && m->buf_len) {
    g_string_append_c(s, ' ');
    describe(m->buf, m->buf_len, s);
  } else if (m->buf_len) {
    g_string_append_printf(s, " (%zu bytes)", m->buf_len);
  }
}

/* Cuts s to at most max bytes on a character boundary. */
static void
truncate_text(GString *s, gsize max)
{
  const char *end;

  if (s->len <= max)
    return;
  end = g_utf8_find_prev_char(s->str, s->str + max + 1);
  g_string_truncate(s, end ? (gsize)(end - s->str) : 0);
  g_string_append(s, "...");
}

char *
mbim_message_describe(const MbimMessage *m)
{
  GString *s = g_string_new(NULL);

  g_string_append_printf(s, "%s tid=%u", mbim_message_type_name(m->type), m->tid);
  switch (m->type) {
    case MBIM_MESSAGE_TYPE_OPEN:
      g_string_append_printf(s, " max-control-transfer=%u", m->max_control_transfer);
      break;
    case MBIM_MESSAGE_TYPE_OPEN_DONE:
    case MBIM_MESSAGE_TYPE_CLOSE_DONE:
      g_string_append_printf(s, " status=%s", mbim_status_name(m->status));
      break;
    case MBIM_MESSAGE_TYPE_HOST_ERROR:
    case MBIM_MESSAGE_TYPE_FUNCTION_ERROR:
      g_string_append_printf(s, " error=%s", mbim_protocol_error_name(m->status));
      break;
    case MBIM_MESSAGE_TYPE_COMMAND:
    case MBIM_MESSAGE_TYPE_COMMAND_DONE:
    case MBIM_MESSAGE_TYPE_INDICATE_STATUS:
      describe_command_like(s, m);
      break;
    default:
      break;
  }
  truncate_text(s, MBIM_DESCRIPTION_MAX);
  return g_string_free(s, FALSE);
}
