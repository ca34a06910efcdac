/* Interface infos from their compact descriptions (see mdbus-server-info.h).
 *
 * The info is made once per interface and kept for the life of the process,
 * as gdbus-codegen's static tables were: every ref_count is -1, so GDBus never
 * frees them, and names point into the description's lines, copied once. */
#define G_LOG_DOMAIN "mdbus"

#include "mdbus-server-info.h"

#include <string.h>

static GDBusAnnotationInfo force_gvariant
    = { -1, (gchar *)MDBUS_FORCE_GVARIANT, (gchar *)"true", NULL };
static GDBusAnnotationInfo *forced_annotations[] = { &force_gvariant, NULL };

typedef struct {
  GPtrArray *methods;
  GPtrArray *signals;
  GPtrArray *properties;
  GPtrArray *in_args; /* of the method or signal being read */
  GPtrArray *out_args;
  GDBusMethodInfo *method;
  GDBusSignalInfo *signal;
} Reader;

static gpointer
null_terminated(GPtrArray *array)
{
  g_ptr_array_add(array, NULL);
  return g_ptr_array_free(array, FALSE);
}

/* "[@]TYPE NAME": the type and name, cut apart in place. */
static gboolean
split_typed_name(gchar *text, gchar **signature, gchar **name, GDBusAnnotationInfo ***annotations)
{
  gchar *space = strchr(text, ' ');

  if (!space || space == text || !space[1])
    return FALSE;
  *space = '\0';
  *name = space + 1;
  *annotations = NULL;
  if (*text == '@') {
    *annotations = forced_annotations;
    text++;
  }
  *signature = text;
  return g_variant_type_string_is_valid(text);
}

static gboolean
read_arg(GPtrArray *args, gchar *text)
{
  GDBusArgInfo *arg = g_new0(GDBusArgInfo, 1);

  arg->ref_count = -1;
  g_ptr_array_add(args, arg);
  return split_typed_name(text, &arg->signature, &arg->name, &arg->annotations);
}

static GDBusPropertyInfoFlags
property_access(char access)
{
  switch (access) {
    case 'r':
      return G_DBUS_PROPERTY_INFO_FLAGS_READABLE;
    case 'w':
      return G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE;
    case 'b':
      return G_DBUS_PROPERTY_INFO_FLAGS_READABLE | G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE;
    default:
      return G_DBUS_PROPERTY_INFO_FLAGS_NONE;
  }
}

static gboolean
read_property(Reader *reader, gchar *text)
{
  GDBusPropertyInfo *property = g_new0(GDBusPropertyInfo, 1);

  property->ref_count = -1;
  property->flags = property_access(text[0]);
  g_ptr_array_add(reader->properties, property);
  return property->flags != G_DBUS_PROPERTY_INFO_FLAGS_NONE
         && split_typed_name(text + 1, &property->signature, &property->name,
                             &property->annotations);
}

/* Hands the arguments read so far to their method or signal. */
static void
close_member(Reader *reader)
{
  if (reader->method) {
    reader->method->in_args = null_terminated(reader->in_args);
    reader->method->out_args = null_terminated(reader->out_args);
  } else if (reader->signal) {
    reader->signal->args = null_terminated(reader->in_args);
    g_ptr_array_unref(reader->out_args);
  }
  reader->method = NULL;
  reader->signal = NULL;
  reader->in_args = NULL;
  reader->out_args = NULL;
}

static void
open_member(Reader *reader)
{
  close_member(reader);
  reader->in_args = g_ptr_array_new();
  reader->out_args = g_ptr_array_new();
}

static gboolean
read_line(Reader *reader, gchar *line)
{
  switch (line[0]) {
    case 'M':
      open_member(reader);
      reader->method = g_new0(GDBusMethodInfo, 1);
      reader->method->ref_count = -1;
      reader->method->name = line + 1;
      g_ptr_array_add(reader->methods, reader->method);
      return TRUE;
    case 'S':
      open_member(reader);
      reader->signal = g_new0(GDBusSignalInfo, 1);
      reader->signal->ref_count = -1;
      reader->signal->name = line + 1;
      g_ptr_array_add(reader->signals, reader->signal);
      return TRUE;
    case '<':
      return reader->in_args && read_arg(reader->in_args, line + 1);
    case '>':
      return reader->method && read_arg(reader->out_args, line + 1);
    case 'P':
      close_member(reader);
      return read_property(reader, line + 1);
    default:
      return FALSE;
  }
}

static void
args_free(GDBusArgInfo **args)
{
  for (guint i = 0; args && args[i]; i++)
    g_free(args[i]);
  g_free(args);
}

/* Frees what an info that will not be used holds, not the strings (the lines'). */
static void
info_free(GDBusInterfaceInfo *info)
{
  for (guint i = 0; info->methods[i]; i++) {
    args_free(info->methods[i]->in_args);
    args_free(info->methods[i]->out_args);
    g_free(info->methods[i]);
  }
  for (guint i = 0; info->signals[i]; i++) {
    args_free(info->signals[i]->args);
    g_free(info->signals[i]);
  }
  for (guint i = 0; info->properties[i]; i++)
    g_free(info->properties[i]);
  g_free(info->methods);
  g_free(info->signals);
  g_free(info->properties);
  g_free(info);
}

GDBusInterfaceInfo *
mdbus_server_info_parse(const char *description)
{
  gchar **lines = g_strsplit(description, "\n", -1);
  GDBusInterfaceInfo *info = g_new0(GDBusInterfaceInfo, 1);
  Reader reader = { g_ptr_array_new(), g_ptr_array_new(), g_ptr_array_new() };
  gboolean valid = lines[0] && g_dbus_is_interface_name(lines[0]);

  info->ref_count = -1;
  info->name = lines[0];
  for (guint i = 1; valid && lines[i]; i++) {
    valid = read_line(&reader, lines[i]);
    if (!valid)
      g_critical("Bad line in the description of %s: \"%s\"", lines[0], lines[i]);
  }
  close_member(&reader);
  info->methods = null_terminated(reader.methods);
  info->signals = null_terminated(reader.signals);
  info->properties = null_terminated(reader.properties);
  if (!valid) {
    info_free(info);
    g_strfreev(lines);
    return NULL;
  }
  /* The strings stay: the info points into them. */
  g_free(lines);
  return info;
}
