/* A port of a modem, as the core knows it: where it is and what it speaks. */
#pragma once

#include <glib.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

typedef struct {
  char *name;      /* "cdc-wdm0", "ttyUSB2", "wwan0", or the basename of a declared path */
  char *path;      /* device node to open ("/dev/cdc-wdm0"), NULL for net ports */
  char *subsystem; /* "usbmisc", "tty", "net", "wwan"; "static" for --port */
  char *driver;    /* kernel driver, NULL when unknown */
  MmdModemPortType type;
} MmdPort;

MmdPort *mmd_port_new(const char *name, const char *path, const char *subsystem, const char *driver,
                      MmdModemPortType type);
MmdPort *mmd_port_copy(const MmdPort *port);
void mmd_port_free(MmdPort *port);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdPort, mmd_port_free)

/* "qmi", "mbim", "at", "net" -> port type; FALSE for anything else. */
gboolean mmd_port_type_from_protocol(const char *protocol, MmdModemPortType *out_type);

/* Parses one --port value: "PROTO:PATH[,PROTO:PATH...]" into a list of MmdPort. */
GPtrArray *mmd_port_parse_declaration(const char *declaration, GError **error);

G_END_DECLS
