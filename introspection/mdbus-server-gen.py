#!/usr/bin/env python3
"""Writes mdbus-generated.[ch]: the D-Bus skeletons of the daemon.

The API is the part of gdbus-codegen's (--c-namespace Mdbus --interface-prefix
org.example.Modem1.) that a server uses: mdbus_<iface>_skeleton_new(), typed
property getters, dup and setters, mdbus_<iface>_complete_<method>(),
mdbus_<iface>_emit_<signal>(), mdbus_<iface>_interface_info(), the object
skeleton's accessors, the type macros. The code is not: the skeleton type of an
interface is made at run time by mdbus-server-runtime.c from a compact
description of the interface (the form of mdbus-server-info.h), and every
function here is one call to it.

Usage: mdbus-server-gen.py OUTDIR XML...
"""

import os
import sys

from mdbus_xml import BASIC, Arg, Writer, args_of, c_params, declaration, interfaces, write_function

# D-Bus basic type -> (g_variant_get_*, g_variant_new_*) suffix
VARIANT_SUFFIX = {
    "b": "boolean", "y": "byte", "n": "int16", "q": "uint16", "i": "int32",
    "u": "uint32", "x": "int64", "t": "uint64", "d": "double",
}
ACCESS = {"read": "r", "write": "w", "readwrite": "b"}


def typed(arg):
    """An argument's or property's type in the description: '@' marks ForceGVariant."""
    if arg.sig == "h" and not arg.forced:
        sys.exit("mdbus-server-gen.py: type 'h' (file descriptors) is not supported")
    return ("@" if arg.forced else "") + arg.sig


def description(iface):
    """The interface in the form mdbus-server-info.c reads, one line a member or argument."""
    lines = [iface.dbus_name]
    for member, name, _ in iface.members("method"):
        lines.append("M" + name)
        for direction, mark in (("in", "<"), ("out", ">")):
            lines += ["%s%s %s" % (mark, typed(a), a.dbus_name) for a in args_of(member, direction)]
    for member, name, _ in iface.members("signal"):
        lines.append("S" + name)
        lines += ["<%s %s" % (typed(a), a.dbus_name) for a in args_of(member, "in")]
    for member, name, _ in iface.members("property"):
        lines.append("P%s%s %s" % (ACCESS[member.get("access")], typed(Arg(member, 0)), name))
    return lines


def write_types(w, iface):
    upper = "MDBUS_" + iface.upper_short
    w.header("/* %s */" % iface.dbus_name)
    w.header("typedef struct _%s %s;" % (iface.camel, iface.camel))
    w.header("G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, g_object_unref)" % iface.camel)
    w.header("extern MdbusServerInterface %s_server;" % iface.lower)
    w.header("#define MDBUS_TYPE_%s (mdbus_server_interface_type(&%s_server))"
             % (iface.upper_short, iface.lower))
    w.header("#define MDBUS_TYPE_%s_SKELETON MDBUS_TYPE_%s" % (iface.upper_short, iface.upper_short))
    w.header("#define %s(o) G_TYPE_CHECK_INSTANCE_CAST((o), MDBUS_TYPE_%s, %s)"
             % (upper, iface.upper_short, iface.camel))
    w.header("#define %s_SKELETON(o) %s(o)" % (upper, upper))
    w.header("#define MDBUS_IS_%s(o) G_TYPE_CHECK_INSTANCE_TYPE((o), MDBUS_TYPE_%s)"
             % (iface.upper_short, iface.upper_short))
    w.header("#define MDBUS_IS_%s_SKELETON(o) MDBUS_IS_%s(o)" % (iface.upper_short, iface.upper_short))
    w.header()
    text = "\\n\"\n  \"".join(line.replace("\\", "\\\\").replace("\"", "\\\"")
                             for line in description(iface))
    w.code("MdbusServerInterface %s_server = {" % iface.lower)
    w.code("  \"%sSkeleton\"," % iface.camel)
    w.code("  \"%s\"," % text)
    w.code("};")
    w.code()


def write_object_accessors(w, iface):
    server = "&%s_server" % iface.lower
    write_function(w, iface.camel + " *", "%s_skeleton_new(void)" % iface.lower,
                   ["  return mdbus_server_new(%s);" % server])
    write_function(w, "GDBusInterfaceInfo *", "%s_interface_info(void)" % iface.lower,
                   ["  return mdbus_server_interface_info(%s);" % server])
    for verb in ("peek", "get"):
        write_function(w, iface.camel + " *",
                       "mdbus_object_%s_%s(MdbusObject *object)" % (verb, iface.short_lower),
                       ["  return mdbus_server_object_%s(object, %s);" % (verb, server)])
    write_function(w, "void", "mdbus_object_skeleton_set_%s(MdbusObjectSkeleton *object, %s "
                   "*interface_)" % (iface.short_lower, iface.camel),
                   ["  mdbus_server_object_set(object, %s, interface_);" % server])


def write_property(w, iface, index, lower, arg):
    prefix = "%s_%%s_%s(%s *object" % (iface.lower, lower, iface.camel)
    kind = arg.kind
    if kind == "basic":
        suffix = VARIANT_SUFFIX[arg.sig]
        write_function(w, BASIC[arg.sig][0], prefix % "get" + ")",
                       ["  GVariant *value = mdbus_server_peek(object, %d);" % index, "",
                        "  return value ? g_variant_get_%s(value) : 0;" % suffix])
        setter = "mdbus_server_set(object, %d, g_variant_new_%s(value));" % (index, suffix)
    elif kind in ("string", "bytestring"):
        write_function(w, "const gchar *", prefix % "get" + ")",
                       ["  return mdbus_server_get_string(object, %d);" % index])
        write_function(w, "gchar *", prefix % "dup" + ")",
                       ["  return g_strdup(mdbus_server_get_string(object, %d));" % index])
        setter = "mdbus_server_set_string(object, %d, value);" % index
    elif kind in ("strv", "bytestring_array"):
        write_function(w, "const gchar *const *", prefix % "get" + ")",
                       ["  return mdbus_server_get_strv(object, %d);" % index])
        write_function(w, "gchar **", prefix % "dup" + ")",
                       ["  return g_strdupv((gchar **)mdbus_server_get_strv(object, %d));" % index])
        setter = "mdbus_server_set_strv(object, %d, value);" % index
    else:
        write_function(w, "GVariant *", prefix % "get" + ")",
                       ["  return mdbus_server_peek(object, %d);" % index])
        write_function(w, "GVariant *", prefix % "dup" + ")",
                       ["  GVariant *value = mdbus_server_peek(object, %d);" % index, "",
                        "  return value ? g_variant_ref(value) : NULL;"])
        setter = "mdbus_server_set(object, %d, value);" % index
    write_function(w, "void", prefix % "set" + ", %s)" % declaration(arg.c_in(), "value"),
                   ["  " + setter])


def write_complete(w, iface, lower, member):
    outs = args_of(member, "out")
    value = "NULL"
    if outs:
        value = "g_variant_new(\"(%s)\"%s)" % ("".join(a.format() for a in outs),
                                              "".join(", " + a.name for a in outs))
    write_function(w, "void", "%s_complete_%s(%s *object, GDBusMethodInvocation *invocation%s)"
                   % (iface.lower, lower, iface.camel, c_params(outs, Arg.c_in, "")),
                   ["  g_dbus_method_invocation_return_value(invocation, %s);" % value])


def write_emit(w, iface, index, lower, member):
    args = [Arg(a, i) for i, a in enumerate(member.findall("arg"))]
    write_function(w, "void", "%s_emit_%s(%s *object%s)"
                   % (iface.lower, lower, iface.camel, c_params(args, Arg.c_in, "arg_")),
                   ["  g_signal_emit(object, mdbus_server_signal_id(object, %d), 0%s);"
                    % (index, "".join(", arg_" + a.name for a in args))])


def write_interface(w, iface):
    write_types(w, iface)
    write_object_accessors(w, iface)
    for index, (member, _, lower) in enumerate(iface.members("property")):
        write_property(w, iface, index, lower, Arg(member, 0))
    for member, _, lower in iface.members("method"):
        write_complete(w, iface, lower, member)
    for index, (member, _, lower) in enumerate(iface.members("signal")):
        write_emit(w, iface, index, lower, member)
    w.header()


PREAMBLE = "/* Generated by mdbus-server-gen.py from the introspection XML: do not edit. */\n"


def main(outdir, xml_files):
    w = Writer()
    w.header(PREAMBLE)
    w.header("#pragma once\n")
    w.header("#include \"mdbus-server-runtime.h\"\n")
    w.header("G_BEGIN_DECLS\n")
    w.code(PREAMBLE)
    w.code("#include \"mdbus-generated.h\"\n")
    for iface in interfaces(xml_files):
        write_interface(w, iface)
    w.header("G_END_DECLS")
    with open(os.path.join(outdir, "mdbus-generated.h"), "w", encoding="utf-8") as out:
        out.write("\n".join(w.h) + "\n")
    with open(os.path.join(outdir, "mdbus-generated.c"), "w", encoding="utf-8") as out:
        out.write("\n".join(w.c))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: mdbus-server-gen.py OUTDIR XML...")
    main(sys.argv[1], sys.argv[2:])
