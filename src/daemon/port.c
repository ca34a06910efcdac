#include "port.h"

#include <string.h>

#include "config.h"
#include "mmd-errors.h"
#if WITH_QRTR
#include "mmd-qrtr.h"
#include "qrtr-monitor.h"
#endif

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

#if WITH_QRTR
/* "qrtr:NODE": the modem on that QRTR node (its endpoint gets the unix bus,
 * if one is declared, from the manager); "qrtr:unix:PATH": the unix QRTR
 * bus at PATH, where modems are looked for instead of the kernel's. */
static MmdPort *
parse_qrtr(const char *rest, GError **error)
{
  g_autofree char *endpoint = g_strconcat("qrtr://", rest, NULL);
  g_autofree char *bus = NULL;
  g_autofree char *name = NULL;
  guint32 node;

  if (g_str_has_prefix(rest, "unix:/"))
    return mmd_port_new("qrtr-bus", rest + strlen("unix:"), MMD_QRTR_BUS_SUBSYSTEM, NULL,
                        MMD_MODEM_PORT_TYPE_QMI);
  if (strchr(rest, '@') || !mmd_qrtr_endpoint_parse(endpoint, &bus, &node, NULL)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "QRTR port '%s' is not qrtr:NODE or qrtr:unix:PATH", rest);
    return NULL;
  }
  name = mmd_qrtr_port_name(node);
  return mmd_port_new(name, endpoint, MMD_QRTR_PORT_SUBSYSTEM, NULL, MMD_MODEM_PORT_TYPE_QMI);
}
#endif

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
#if WITH_QRTR
  if (g_str_equal(protocol, "qrtr"))
    return parse_qrtr(path, error);
#endif
  if (!mmd_port_type_from_protocol(protocol, &type)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                "Unknown port protocol '%s' (expected qmi, mbim, at, net%s)", protocol,
                WITH_QRTR ? " or qrtr" : "");
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
  for (guint i = 0; ports->len > 1 && i < ports->len; i++) {
    const MmdPort *port = g_ptr_array_index(ports, i);
    if (g_strcmp0(port->subsystem, "qrtr-bus") == 0) {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS,
                  "A QRTR bus (qrtr:unix:PATH) is declared in a --port of its own");
      return NULL;
    }
  }
  return g_steal_pointer(&ports);
}
