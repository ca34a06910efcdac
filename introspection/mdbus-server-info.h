/* The GDBusInterfaceInfo of an interface, made from the compact description
 * that mdbus-server-gen.py writes for it: one line per member or argument,
 *
 *   org.example.Modem1.Modem      the interface's name, first
 *   MEnable                       a method,
 *   <b enable                     its in-arguments,
 *   >o path                       its out-arguments;
 *   SStateChanged                 a signal, and its arguments as '<' lines;
 *   Pru State                     a property: r (read), w (write) or b (both),
 *                                 its type and its name.
 *
 * A type written "@ay" is "ay" with the annotation org.gtk.GDBus.C.ForceGVariant
 * (the C API passes it as a GVariant). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MDBUS_FORCE_GVARIANT "org.gtk.GDBus.C.ForceGVariant"

/* A static info (never freed), or NULL and a critical warning for a
 * description that is not of this form. */
GDBusInterfaceInfo *mdbus_server_info_parse(const char *description);

G_END_DECLS
