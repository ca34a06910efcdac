#!/usr/bin/env python3
"""Writes mdbus-client.[ch]: the thin D-Bus client API of modemctl.

The functions have the names and signatures of gdbus-codegen's proxy API
(--c-namespace Mdbus --interface-prefix org.example.Modem1.), so that code
written against the generated proxies compiles unchanged, but the objects are
plain GDBusObject/GDBusProxy instances: no GObject type per interface, no
GObject properties or signals, no interface info. Every function is a few
lines over the shared helpers of mdbus-client-runtime.[ch].

Usage: mdbus-client-gen.py OUTDIR XML...
"""

import os
import sys
from mdbus_xml import (BASIC, Arg, Writer, args_of, c_params, declaration, interfaces,
                       write_function)


def write_types(w, iface):
    w.header("/* %s: a GDBusProxy */" % iface.dbus_name)
    w.header("typedef struct _%s %s;" % (iface.camel, iface.camel))
    w.header("G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, g_object_unref)" % iface.camel)
    w.header("#define MDBUS_TYPE_%s_PROXY G_TYPE_DBUS_PROXY" % iface.upper_short)
    w.header("#define MDBUS_%s(o) ((%s *)(o))" % (iface.upper_short, iface.camel))
    w.header("#define MDBUS_IS_%s(o) mdbus_client_is_interface((o), \"%s\")"
             % (iface.upper_short, iface.dbus_name))
    w.header()


def write_object_accessors(w, iface):
    for verb in ("peek", "get"):
        write_function(w, iface.camel + " *",
                       "mdbus_object_%s_%s(MdbusObject *object)" % (verb, iface.short_lower),
                       ["  return mdbus_client_%s_interface(object, \"%s\");"
                        % (verb, iface.dbus_name)])
    write_function(w, iface.camel + " *",
                   "%s_proxy_new_sync(GDBusConnection *connection, GDBusProxyFlags flags, "
                   "const gchar *name, const gchar *object_path, GCancellable *cancellable, "
                   "GError **error)" % iface.lower,
                   ["  return (%s *)g_dbus_proxy_new_sync(connection, flags, NULL, name, "
                    "object_path, \"%s\", cancellable, error);" % (iface.camel, iface.dbus_name)])


# property kind -> (C type of the getter, its body, C type of the dup, how it copies)
PROPERTY_GETTERS = {
    "string": ("const gchar *", "mdbus_client_get_string(object, \"{name}\", \"{sig}\")",
               "gchar *", "g_strdup({get})"),
    "strv": ("const gchar *const *", "mdbus_client_get_strv(object, \"{name}\", \"{sig}\")",
             "gchar **", "g_strdupv((gchar **){get})"),
    "bytestring": ("const gchar *", "mdbus_client_get_bytestring(object, \"{name}\")",
                   "gchar *", "g_strdup({get})"),
    "bytestring_array": ("const gchar *const *",
                         "mdbus_client_get_strv(object, \"{name}\", \"aay\")",
                         "gchar **", "g_strdupv((gchar **){get})"),
    "variant": ("GVariant *", "mdbus_client_get_variant(object, \"{name}\", \"{sig}\")",
                "GVariant *", "mdbus_client_variant_ref({get})"),
}


def write_property(w, iface, name, lower, arg):
    getter = "%s_get_%s" % (iface.lower, lower)
    if arg.kind == "basic":
        c_type, runtime, _ = BASIC[arg.sig]
        write_function(w, c_type, "%s(%s *object)" % (getter, iface.camel),
                       ["  return %s(object, \"%s\");" % (runtime, name)])
        return
    c_type, body, dup_type, dup = PROPERTY_GETTERS[arg.kind]
    write_function(w, c_type, "%s(%s *object)" % (getter, iface.camel),
                   ["  return " + body.format(name=name, sig=arg.sig) + ";"])
    write_function(w, dup_type, "%s_dup_%s(%s *object)" % (iface.lower, lower, iface.camel),
                   ["  return " + dup.format(get="%s(object)" % getter) + ";"])


def in_tuple(ins):
    if not ins:
        return "NULL"
    fmt = "(" + "".join(a.format() for a in ins) + ")"
    return "g_variant_new(\"%s\"%s)" % (fmt, "".join(", arg_" + a.name for a in ins))


def reply_body(call, outs):
    """Checks the reply of a call and copies its values to the out arguments."""
    body = ["  g_autoptr(GVariant) reply = %s;" % call, "", "  if (!reply)", "    return FALSE;"]
    if outs:
        fmt = "(" + "".join(a.format() for a in outs) + ")"
        body.append("  g_variant_get(reply, \"%s\"%s);"
                    % (fmt, "".join(", out_" + a.name for a in outs)))
    return body + ["  return TRUE;"]


def write_method(w, iface, name, lower, member):
    ins = args_of(member, "in")
    outs = args_of(member, "out")
    reply_type = "(" + "".join(a.sig for a in outs) + ")"
    in_params = c_params(ins, Arg.c_in, "arg_")
    out_params = c_params(outs, lambda a: a.c_out() + ("*" if a.c_out().endswith("*") else " *"),
                          "out_")
    base = "%s_call_%s" % (iface.lower, lower)
    proxy = "%s *proxy" % iface.camel

    write_function(w, "gboolean", "%s_sync(%s%s%s, GCancellable *cancellable, GError **error)"
                   % (base, proxy, in_params, out_params),
                   reply_body("mdbus_client_call_sync(proxy, \"%s\", %s, \"%s\", cancellable, "
                              "error)" % (name, in_tuple(ins), reply_type), outs))
    write_function(w, "void", "%s(%s%s, GCancellable *cancellable, GAsyncReadyCallback callback, "
                   "gpointer user_data)" % (base, proxy, in_params),
                   ["  g_dbus_proxy_call(G_DBUS_PROXY(proxy), \"%s\", %s, "
                    "G_DBUS_CALL_FLAGS_NONE, -1, cancellable, callback, user_data);"
                    % (name, in_tuple(ins))])
    write_function(w, "gboolean", "%s_finish(%s%s, GAsyncResult *res, GError **error)"
                   % (base, proxy, out_params),
                   reply_body("mdbus_client_call_finish(proxy, \"%s\", res, \"%s\", error)"
                              % (name, reply_type), outs))


def write_signal(w, iface, name, lower, member):
    """A typed connect function: the handler gets the signal's arguments, as
    gdbus-codegen's proxy signals give them (strings borrowed for the call)."""
    args = [Arg(a, i) for i, a in enumerate(member.findall("arg"))]
    camel = "".join(p[:1].upper() + p[1:] for p in lower.split("_"))
    handler_type = "%s%sHandler" % (iface.camel, camel)
    signature = "(" + "".join(a.sig for a in args) + ")"
    w.header("typedef void (*%s)(%s *proxy%s, gpointer user_data);"
             % (handler_type, iface.camel, c_params(args, Arg.c_in, "arg_")))

    invoke = "%s_%s_invoke" % (iface.lower, lower)
    body = ["  %s = %s;" % (declaration(a.c_in(), "arg_" + a.name),
                            "NULL" if a.c_in().endswith("*") else "0") for a in args]
    if args:
        fmt = "(" + "".join(a.borrowed_format() for a in args) + ")"
        body += ["", "  g_variant_get(parameters, \"%s\"%s);"
                 % (fmt, "".join(", &arg_" + a.name for a in args))]
    body.append("  ((%s)handler)((%s *)proxy%s, user_data);"
                % (handler_type, iface.camel, "".join(", arg_" + a.name for a in args)))
    for a in args:
        if a.kind == "variant":
            body.append("  g_variant_unref(arg_%s);" % a.name)
        elif a.kind in ("strv", "bytestring_array"):
            body.append("  g_free((gpointer)arg_%s);" % a.name)
    w.code("static void")
    w.code("%s(GDBusProxy *proxy, GVariant *parameters, GCallback handler, gpointer user_data)"
           % invoke)
    w.code("{")
    for line in body:
        w.code(line)
    w.code("}")
    w.code()
    write_function(w, "gulong", "%s_connect_%s(%s *proxy, %s handler, gpointer user_data)"
                   % (iface.lower, lower, iface.camel, handler_type),
                   ["  return mdbus_client_connect_signal(proxy, \"%s\", \"%s\", %s, "
                    "G_CALLBACK(handler), user_data);" % (name, signature, invoke)])


def write_interface(w, iface):
    write_types(w, iface)
    write_object_accessors(w, iface)
    for member, name, lower in iface.members("property"):
        write_property(w, iface, name, lower, Arg(member, 0))
    for member, name, lower in iface.members("method"):
        write_method(w, iface, name, lower, member)
    for member, name, lower in iface.members("signal"):
        write_signal(w, iface, name, lower, member)
    w.header()


PREAMBLE = "/* Generated by mdbus-client-gen.py from the introspection XML: do not edit. */\n"


def main(outdir, xml_files):
    w = Writer()
    w.header(PREAMBLE)
    w.header("#pragma once\n")
    w.header("#include \"mdbus-client-runtime.h\"\n")
    w.header("G_BEGIN_DECLS\n")
    w.code(PREAMBLE)
    w.code("#include \"mdbus-client.h\"\n")
    for iface in interfaces(xml_files):
        write_interface(w, iface)
    w.header("G_END_DECLS")
    with open(os.path.join(outdir, "mdbus-client.h"), "w", encoding="utf-8") as out:
        out.write("\n".join(w.h) + "\n")
    with open(os.path.join(outdir, "mdbus-client.c"), "w", encoding="utf-8") as out:
        out.write("\n".join(w.c))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: mdbus-client-gen.py OUTDIR XML...")
    main(sys.argv[1], sys.argv[2:])
