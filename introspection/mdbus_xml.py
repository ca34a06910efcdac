"""What both generators of introspection/ read from the XML: interfaces,
members and arguments with the C names and types of gdbus-codegen
(--c-namespace Mdbus --interface-prefix org.example.Modem1.), and a writer of
a header and a C file."""

import xml.etree.ElementTree as ET

NAMESPACE = "Mdbus"
INTERFACE_PREFIX = "org.example.Modem1."
C_NAME = "org.gtk.GDBus.C.Name"
FORCE_GVARIANT = "org.gtk.GDBus.C.ForceGVariant"

# D-Bus basic type -> (C type, runtime getter, GVariant format)
BASIC = {
    "b": ("gboolean", "mdbus_client_get_boolean", "b"),
    "y": ("guchar", "mdbus_client_get_byte", "y"),
    "n": ("gint16", "mdbus_client_get_int16", "n"),
    "q": ("guint16", "mdbus_client_get_uint16", "q"),
    "i": ("gint", "mdbus_client_get_int32", "i"),
    "u": ("guint", "mdbus_client_get_uint32", "u"),
    "x": ("gint64", "mdbus_client_get_int64", "x"),
    "t": ("guint64", "mdbus_client_get_uint64", "t"),
    "d": ("gdouble", "mdbus_client_get_double", "d"),
    "h": ("gint", "mdbus_client_get_handle", "h"),
}
STRINGS = ("s", "o", "g")
STRV = ("as", "ao")


def to_lower_snake(name):
    """CamelCase -> camel_case, the way gdbus-codegen names C symbols: an
    underscore before each capital that follows a lower-case letter or a
    digit ("Modem3gppUssd" -> "modem3gpp_ussd", "SMSC" -> "smsc")."""
    out = []
    previous_not_upper = False
    for char in name:
        if char.isupper() and previous_not_upper:
            out.append("_")
        previous_not_upper = not char.isupper()
        out.append(char.lower())
    return "".join(out)


def annotation(element, name):
    for child in element.findall("annotation"):
        if child.get("name") == name:
            return child.get("value")
    return None


class Arg:
    """One argument or property: its D-Bus type and how C sees it."""

    def __init__(self, element, index):
        self.dbus_name = element.get("name") or "unnamed_arg%d" % index
        self.name = to_lower_snake(self.dbus_name)
        self.sig = element.get("type")
        self.forced = annotation(element, FORCE_GVARIANT) in ("true", "1")

    @property
    def kind(self):
        if self.forced:
            return "variant"
        if self.sig in BASIC:
            return "basic"
        if self.sig in STRINGS:
            return "string"
        if self.sig in STRV:
            return "strv"
        if self.sig == "ay":
            return "bytestring"
        if self.sig == "aay":
            return "bytestring_array"
        return "variant"

    def c_in(self):
        return {
            "basic": BASIC.get(self.sig, ("",))[0],
            "string": "const gchar *",
            "strv": "const gchar *const *",
            "bytestring": "const gchar *",
            "bytestring_array": "const gchar *const *",
            "variant": "GVariant *",
        }[self.kind]

    def c_out(self):
        return {
            "basic": BASIC.get(self.sig, ("",))[0],
            "string": "gchar *",
            "strv": "gchar **",
            "bytestring": "gchar *",
            "bytestring_array": "gchar **",
            "variant": "GVariant *",
        }[self.kind]

    def format(self):
        """g_variant_new/g_variant_get format of a method argument (copies)."""
        if self.kind in ("basic", "string"):
            return self.sig
        if self.kind == "variant":
            return "@" + self.sig
        return "^" + self.sig

    def borrowed_format(self):
        """g_variant_get format of a signal argument (borrowed from the message)."""
        if self.kind == "string":
            return "&" + self.sig
        if self.kind in ("strv", "bytestring_array"):
            return "^a&" + self.sig[1:]
        if self.kind == "bytestring":
            return "^&ay"
        return self.format()


class Interface:
    def __init__(self, element):
        self.dbus_name = element.get("name")
        camel = annotation(element, C_NAME)
        if camel is None:
            short = self.dbus_name
            if short.startswith(INTERFACE_PREFIX):
                short = short[len(INTERFACE_PREFIX):]
            camel = "".join(part[:1].upper() + part[1:] for part in short.split("."))
        self.camel = NAMESPACE + camel
        self.lower = to_lower_snake(NAMESPACE) + "_" + to_lower_snake(camel)
        self.upper_short = to_lower_snake(camel).upper()
        self.short_lower = to_lower_snake(camel)
        self.element = element

    def members(self, tag):
        for member in self.element.findall(tag):
            name = member.get("name")
            c_name = annotation(member, C_NAME)
            yield member, name, to_lower_snake(c_name or name)


def args_of(member, direction):
    result = []
    for index, arg in enumerate(member.findall("arg")):
        if (arg.get("direction") or "in") == direction:
            result.append(Arg(arg, index))
    return result


class Writer:
    def __init__(self):
        self.h = []
        self.c = []

    def header(self, text=""):
        self.h.append(text)

    def code(self, text=""):
        self.c.append(text)


def declaration(c_type, rest):
    """A prototype on one line: "const gchar *name(...)", "guint name(...)"."""
    return c_type + ("" if c_type.endswith("*") else " ") + rest


def write_function(w, c_type, rest, body):
    w.header(declaration(c_type, rest) + ";")
    w.code(c_type.strip())
    w.code(rest)
    w.code("{")
    for line in body:
        w.code(line)
    w.code("}")
    w.code()


def c_params(args, c_type_of, prefix):
    return "".join(", " + declaration(c_type_of(a), prefix + a.name) for a in args)


def interfaces(xml_files):
    for path in xml_files:
        for element in ET.parse(path).getroot().findall("interface"):
            yield Interface(element)
