/* QRTR control packets and endpoint strings (mmd-qrtr.h). */
#include "mmd-qrtr.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define ENDPOINT_SCHEME "qrtr://"

static void
put_le32(guint8 *out, guint32 v)
{
  out[0] = v & 0xFF;
  out[1] = (v >> 8) & 0xFF;
  out[2] = (v >> 16) & 0xFF;
  out[3] = (v >> 24) & 0xFF;
}

static guint32
get_le32(const guint8 *p)
{
  return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) | ((guint32)p[3] << 24);
}

static gboolean
is_server_command(guint32 cmd)
{
  return cmd == MMD_QRTR_CMD_NEW_SERVER || cmd == MMD_QRTR_CMD_DEL_SERVER
         || cmd == MMD_QRTR_CMD_NEW_LOOKUP || cmd == MMD_QRTR_CMD_DEL_LOOKUP;
}

static gboolean
is_client_command(guint32 cmd)
{
  return cmd == MMD_QRTR_CMD_DEL_CLIENT || cmd == MMD_QRTR_CMD_BYE || cmd == MMD_QRTR_CMD_RESUME_TX;
}

void
mmd_qrtr_control_encode(const MmdQrtrControl *packet, guint8 out[MMD_QRTR_CONTROL_LEN])
{
  memset(out, 0, MMD_QRTR_CONTROL_LEN);
  put_le32(out, packet->cmd);
  if (is_server_command(packet->cmd)) {
    put_le32(out + 4, packet->service);
    put_le32(out + 8, packet->instance);
    put_le32(out + 12, packet->node);
    put_le32(out + 16, packet->port);
  } else if (is_client_command(packet->cmd)) {
    put_le32(out + 4, packet->node);
    put_le32(out + 8, packet->port);
  }
}

gboolean
mmd_qrtr_control_decode(const guint8 *data, gsize len, MmdQrtrControl *out)
{
  memset(out, 0, sizeof(*out));
  if (len < 4)
    return FALSE;
  out->cmd = get_le32(data);
  if (is_server_command(out->cmd)) {
    if (len < 20)
      return FALSE;
    out->service = get_le32(data + 4);
    out->instance = get_le32(data + 8);
    out->node = get_le32(data + 12);
    out->port = get_le32(data + 16);
  } else if (is_client_command(out->cmd)) {
    if (len < 12)
      return FALSE;
    out->node = get_le32(data + 4);
    out->port = get_le32(data + 8);
  }
  return TRUE;
}

gboolean
mmd_qrtr_control_is_end_of_list(const MmdQrtrControl *packet)
{
  return packet->cmd == MMD_QRTR_CMD_NEW_SERVER && packet->service == 0 && packet->instance == 0
         && packet->node == 0 && packet->port == 0;
}

const char *
mmd_qrtr_command_name(guint32 cmd)
{
  static const char *const names[] = {
    [MMD_QRTR_CMD_DATA] = "DATA",
    [MMD_QRTR_CMD_HELLO] = "HELLO",
    [MMD_QRTR_CMD_BYE] = "BYE",
    [MMD_QRTR_CMD_NEW_SERVER] = "NEW_SERVER",
    [MMD_QRTR_CMD_DEL_SERVER] = "DEL_SERVER",
    [MMD_QRTR_CMD_DEL_CLIENT] = "DEL_CLIENT",
    [MMD_QRTR_CMD_RESUME_TX] = "RESUME_TX",
    [MMD_QRTR_CMD_EXIT] = "EXIT",
    [MMD_QRTR_CMD_PING] = "PING",
    [MMD_QRTR_CMD_NEW_LOOKUP] = "NEW_LOOKUP",
    [MMD_QRTR_CMD_DEL_LOOKUP] = "DEL_LOOKUP",
  };

  return cmd < G_N_ELEMENTS(names) && names[cmd] ? names[cmd] : "unknown";
}

guint8
mmd_qrtr_instance_version(guint32 instance)
{
  return instance & 0xFF;
}

char *
mmd_qrtr_endpoint_format(const char *bus_path, guint32 node)
{
  if (bus_path)
    return g_strdup_printf(ENDPOINT_SCHEME "%u@%s", node, bus_path);
  return g_strdup_printf(ENDPOINT_SCHEME "%u", node);
}

/* Decimal digits only, within 32 bits: a node id. */
static gboolean
parse_node(const char *text, gsize len, guint32 *node)
{
  guint64 value = 0;

  if (len == 0 || len > 10)
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isdigit(text[i]))
      return FALSE;
    value = value * 10 + (guint64)(text[i] - '0');
  }
  if (value > G_MAXUINT32)
    return FALSE;
  *node = (guint32)value;
  return TRUE;
}

gboolean
mmd_qrtr_endpoint_parse(const char *endpoint, char **bus_path, guint32 *node, GError **error)
{
  const char *rest, *at;
  gsize node_len;

  *bus_path = NULL;
  if (!endpoint || !g_str_has_prefix(endpoint, ENDPOINT_SCHEME))
    goto invalid;
  rest = endpoint + strlen(ENDPOINT_SCHEME);
  at = strchr(rest, '@');
  node_len = at ? (gsize)(at - rest) : strlen(rest);
  if (!parse_node(rest, node_len, node) || (at && at[1] != '/'))
    goto invalid;
  if (at)
    *bus_path = g_strdup(at + 1);
  return TRUE;

invalid:
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
              "'%s' is not a QRTR endpoint (qrtr://NODE or qrtr://NODE@/PATH)",
              endpoint ? endpoint : "");
  return FALSE;
}

char *
mmd_qrtr_port_name(guint32 node)
{
  return g_strdup_printf("qrtr%u", node);
}
