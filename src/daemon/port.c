#include "port.h"

#include "mmd-errors.h"

MmdPort *
mmd_port_new(const char *name, const char *path, const char *subsystem, const char *driver,
             MmdModemPortType type)
{
  MmdPort *port = g_new0(MmdPort, 1);

  port->name = g_strdup(name);
  port->path = g_strdup(path);
  port->subsystem = g_strdup(subsystem);
  port->driver = g_strdup(driver);
  port->type = type;
  return port;
}

MmdPort *
mmd_port_copy(const MmdPort *port)
{
  return mmd_port_new(port->name, port->path, port->subsystem, port->driver, port->type);
}

void
mmd_port_free(MmdPort *port)
{
  if (!port)
    return;
  g_free(port->name);
  g_free(port->path);
  g_free(port->subsystem);
  g_free(port->driver);
  g_free(port);
}

gboolean
mmd_port_type_from_protocol(const char *protocol, MmdModemPortType *out_type)
{
  static const struct {
    const char *name;
    MmdModemPortType type;
  } protocols[] = {
    { "qmi", MMD_MODEM_PORT_TYPE_QMI },
    { "mbim", MMD_MODEM_PORT_TYPE_MBIM },
    { "at", MMD_MODEM_PORT_TYPE_AT },
    { "net", MMD_MODEM_PORT_TYPE_NET },
  };

  for (guint i = 0; i < G_N_ELEMENTS(protocols); i++) {
    if (g_strcmp0(protocol, protocols[i].name) == 0) {
      *out_type = protocols[i].type;
      return TRUE;
    }
  }
  return FALSE;
}

static MmdPort *
parse_one(const char *item, GError **error)
{
  const char *colon = strchr(item, ':');
  g_autofree char *protocol = NULL;
  g_autofree char *name = NULL;
  MmdModemPortType type;
  const char *path;

  if (!colon || colon == item || colon[1] == '\0') {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Port '%s' is not PROTOCOL:PATH", item);
    return NULL;
  }
  protocol = g_strndup(item, colon - item);
  path = colon + 1;
  if (!mmd_port_type_from_protocol(protocol, &type)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Unknown port protocol '%s' (expected qmi, mbim, at or net)", protocol);
    return NULL;
  }
  name = g_path_get_basename(path);
  /* A net port is an interface name, not a device node. */
  if (type == MMD_MODEM_PORT_TYPE_NET)
    return mmd_port_new(name, NULL, "net", NULL, type);
  return mmd_port_new(name, path, "static", NULL, type);
}

GPtrArray *
mmd_port_parse_declaration(const char *declaration, GError **error)
{
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_port_free);
  g_auto(GStrv) items = g_strsplit(declaration, ",", -1);

  for (guint i = 0; items[i]; i++) {
    MmdPort *port = parse_one(g_strstrip(items[i]), error);
    if (!port)
      return NULL;
    g_ptr_array_add(ports, port);
  }
  if (ports->len == 0) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS, "Empty port declaration");
    return NULL;
  }
  return g_steal_pointer(&ports);
}
