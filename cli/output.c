#include "output.h"

#include <stdio.h>
#include <string.h>

#define UNKNOWN_VALUE "--"

typedef struct {
  char *section;
  char *label;
  char *key;
  gboolean is_list;
  gboolean is_items; /* a list of results: its length is printed even when 0 */
  gboolean flat;     /* JSON: the key is one name, dots and all (mmcli's listings) */
  char *value;       /* !is_list; NULL when unknown */
  GStrv values;      /* is_list; never NULL */
} Field;

struct _Output {
  OutputType type;
  GPtrArray *fields;
};

static void
field_free(gpointer data)
{
  Field *field = data;

  g_free(field->section);
  g_free(field->label);
  g_free(field->key);
  g_free(field->value);
  g_strfreev(field->values);
  g_free(field);
}

Output *
output_new(OutputType type)
{
  Output *output = g_new0(Output, 1);

  output->type = type;
  output->fields = g_ptr_array_new_with_free_func(field_free);
  return output;
}

void
output_free(Output *output)
{
  if (!output)
    return;
  g_ptr_array_unref(output->fields);
  g_free(output);
}

OutputType
output_get_type(Output *output)
{
  return output->type;
}

static Field *
field_new(const char *section, const char *label, const char *key)
{
  Field *field = g_new0(Field, 1);

  field->section = g_strdup(section ? section : "");
  field->label = g_strdup(label ? label : "");
  field->key = g_strdup(key);
  return field;
}

void
output_add_take(Output *output, const char *section, const char *label, const char *key,
                char *value)
{
  Field *field = field_new(section, label, key);

  /* As mmcli: "none" and "unknown" say nothing, so they are shown as such. */
  if (value && (!*value || g_str_equal(value, "none") || g_str_equal(value, "unknown")))
    g_clear_pointer(&value, g_free);
  field->value = value;
  g_ptr_array_add(output->fields, field);
}

void
output_add(Output *output, const char *section, const char *label, const char *key,
           const char *value)
{
  output_add_take(output, section, label, key, g_strdup(value));
}

void
output_add_printf(Output *output, const char *section, const char *label, const char *key,
                  const char *format, ...)
{
  va_list args;
  char *value;

  va_start(args, format);
  value = g_strdup_vprintf(format, args);
  va_end(args);
  output_add_take(output, section, label, key, value);
}

void
output_add_list(Output *output, const char *section, const char *label, const char *key,
                const char *const *values)
{
  Field *field = field_new(section, label, key);
  GPtrArray *copy = g_ptr_array_new();

  /* A lone "none" or "unknown" is an empty list, as mmcli has it. */
  if (values && values[0] && !values[1]
      && (g_str_equal(values[0], "none") || g_str_equal(values[0], "unknown")))
    values = NULL;
  for (guint i = 0; values && values[i]; i++)
    if (*values[i])
      g_ptr_array_add(copy, g_strdup(values[i]));
  g_ptr_array_add(copy, NULL);
  field->is_list = TRUE;
  field->values = (GStrv)g_ptr_array_free(copy, FALSE);
  g_ptr_array_add(output->fields, field);
}

void
output_add_items(Output *output, const char *section, const char *label, const char *key,
                 const char *const *values)
{
  output_add_list(output, section, label, key, values);
  ((Field *)g_ptr_array_index(output->fields, output->fields->len - 1))->is_items = TRUE;
}

void
output_add_listing(Output *output, const char *key, const char *const *values)
{
  output_add_items(output, NULL, NULL, key, values);
  ((Field *)g_ptr_array_index(output->fields, output->fields->len - 1))->flat = TRUE;
}

void
output_add_flags_take(Output *output, const char *section, const char *label, const char *key,
                      char *value)
{
  g_auto(GStrv) parts = NULL;

  if (value && *value && g_strcmp0(value, "none") != 0 && g_strcmp0(value, "unknown") != 0)
    parts = g_strsplit(value, ", ", -1);
  output_add_list(output, section, label, key, (const char *const *)parts);
  g_free(value);
}

/* Human table */

static gboolean
field_has_content(const Field *field)
{
  return field->is_list ? field->values[0] != NULL : field->value != NULL;
}

static void
render_human(Output *output, GString *out)
{
  g_autoptr(GPtrArray) sections = g_ptr_array_new();
  gsize section_width = 0;
  gsize label_width = 0;
  gsize dashes;

  for (guint i = 0; i < output->fields->len; i++) {
    Field *field = g_ptr_array_index(output->fields, i);
    gboolean known = FALSE;

    if (!field_has_content(field))
      continue;
    section_width = MAX(section_width, strlen(field->section));
    label_width = MAX(label_width, strlen(field->label));
    for (guint s = 0; s < sections->len && !known; s++)
      known = g_str_equal(g_ptr_array_index(sections, s), field->section);
    if (!known)
      g_ptr_array_add(sections, field->section);
  }
  if (!sections->len)
    return;

  dashes = section_width + label_width + 8;
  for (guint s = 0; s < sections->len; s++) {
    const char *section = g_ptr_array_index(sections, s);
    gboolean first = TRUE;

    g_string_append(out, "  ");
    for (gsize d = 0; d < dashes; d++)
      g_string_append_c(out, '-');
    g_string_append_c(out, '\n');

    for (guint i = 0; i < output->fields->len; i++) {
      Field *field = g_ptr_array_index(output->fields, i);
      const char *const single[] = { field->value, NULL };
      const char *const *values = field->is_list ? (const char *const *)field->values : single;

      if (!field_has_content(field) || !g_str_equal(field->section, section))
        continue;
      for (guint v = 0; values[v]; v++) {
        g_string_append_printf(out, "  %-*s | %*s%s %s\n", (int)section_width, first ? section : "",
                               (int)label_width, v == 0 ? field->label : "", v == 0 ? ":" : " ",
                               values[v]);
        first = FALSE;
      }
    }
  }
  g_string_append(out, "  ");
  for (gsize d = 0; d < dashes; d++)
    g_string_append_c(out, '-');
  g_string_append_c(out, '\n');
}

/* Key-value */

/* Escaped as mmcli escapes its values (g_strescape: control characters,
 * quotes, backslashes and every non-ASCII byte), so that both print the same. */
static void
append_kv_value(GString *out, const char *value)
{
  g_autofree char *escaped = g_strescape(value, NULL);

  g_string_append(out, escaped);
  g_string_append_c(out, '\n');
}

static void
render_keyvalue(Output *output, GString *out)
{
  gsize width = 0;

  for (guint i = 0; i < output->fields->len; i++) {
    Field *field = g_ptr_array_index(output->fields, i);
    gsize len = strlen(field->key);

    if (field->is_list && (field->values[0] || field->is_items)) {
      guint n = g_strv_length(field->values);
      g_autofree char *last = g_strdup_printf(".value[%u]", n);

      len += MAX(strlen(".length"), n ? strlen(last) : 0);
    }
    width = MAX(width, len);
  }

  for (guint i = 0; i < output->fields->len; i++) {
    Field *field = g_ptr_array_index(output->fields, i);

    if (!field->is_list) {
      g_string_append_printf(out, "%-*s : ", (int)width, field->key);
      append_kv_value(out, field->value ? field->value : UNKNOWN_VALUE);
      continue;
    }
    /* An empty list is one unknown value, as mmcli prints it. */
    if (!field->values[0] && !field->is_items) {
      g_string_append_printf(out, "%-*s : " UNKNOWN_VALUE "\n", (int)width, field->key);
      continue;
    }
    {
      g_autofree char *length_key = g_strdup_printf("%s.length", field->key);

      g_string_append_printf(out, "%-*s : %u\n", (int)width, length_key,
                             g_strv_length(field->values));
    }
    for (guint v = 0; field->values[v]; v++) {
      g_autofree char *value_key = g_strdup_printf("%s.value[%u]", field->key, v + 1);

      g_string_append_printf(out, "%-*s : ", (int)width, value_key);
      append_kv_value(out, field->values[v]);
    }
  }
}

/* JSON */

void
output_json_append_string(GString *out, const char *str)
{
  g_string_append_c(out, '"');
  for (const guchar *p = (const guchar *)str; *p; p++) {
    switch (*p) {
      case '"':
        g_string_append(out, "\\\"");
        break;
      case '\\':
        g_string_append(out, "\\\\");
        break;
      case '\n':
        g_string_append(out, "\\n");
        break;
      case '\r':
        g_string_append(out, "\\r");
        break;
      case '\t':
        g_string_append(out, "\\t");
        break;
      default:
        if (*p < 0x20)
          g_string_append_printf(out, "\\u%04x", *p);
        else
          g_string_append_c(out, (char)*p);
    }
  }
  g_string_append_c(out, '"');
}

typedef struct _Node Node;
struct _Node {
  char *name;
  GPtrArray *children; /* Node */
  const Field *field;
};

static Node *
node_new(const char *name)
{
  Node *node = g_new0(Node, 1);

  node->name = g_strdup(name);
  node->children = g_ptr_array_new();
  return node;
}

static void
node_free(Node *node)
{
  for (guint i = 0; i < node->children->len; i++)
    node_free(g_ptr_array_index(node->children, i));
  g_ptr_array_unref(node->children);
  g_free(node->name);
  g_free(node);
}

static Node *
node_child(Node *node, const char *name)
{
  Node *child;

  for (guint i = 0; i < node->children->len; i++) {
    child = g_ptr_array_index(node->children, i);
    if (g_str_equal(child->name, name))
      return child;
  }
  child = node_new(name);
  g_ptr_array_add(node->children, child);
  return child;
}

static void
node_render(const Node *node, GString *out)
{
  if (node->field && !node->children->len) {
    const Field *field = node->field;

    if (!field->is_list) {
      output_json_append_string(out, field->value ? field->value : UNKNOWN_VALUE);
      return;
    }
    g_string_append_c(out, '[');
    for (guint v = 0; field->values[v]; v++) {
      if (v)
        g_string_append_c(out, ',');
      output_json_append_string(out, field->values[v]);
    }
    g_string_append_c(out, ']');
    return;
  }
  g_string_append_c(out, '{');
  for (guint i = 0; i < node->children->len; i++) {
    const Node *child = g_ptr_array_index(node->children, i);

    if (i)
      g_string_append_c(out, ',');
    output_json_append_string(out, child->name);
    g_string_append_c(out, ':');
    node_render(child, out);
  }
  g_string_append_c(out, '}');
}

static void
render_json(Output *output, GString *out)
{
  Node *root = node_new("");

  for (guint i = 0; i < output->fields->len; i++) {
    Field *field = g_ptr_array_index(output->fields, i);
    g_auto(GStrv) parts = g_strsplit(field->key, field->flat ? "\n" : ".", -1);
    Node *node = root;

    for (guint p = 0; parts[p]; p++)
      node = node_child(node, parts[p]);
    node->field = field;
  }
  node_render(root, out);
  g_string_append_c(out, '\n');
  node_free(root);
}

char *
output_render(Output *output)
{
  GString *out = g_string_new(NULL);

  switch (output->type) {
    case OUTPUT_HUMAN:
      render_human(output, out);
      break;
    case OUTPUT_KEYVALUE:
      render_keyvalue(output, out);
      break;
    case OUTPUT_JSON:
      render_json(output, out);
      break;
  }
  return g_string_free(out, FALSE);
}

void
output_print(Output *output)
{
  g_autofree char *text = output_render(output);

  fputs(text, stdout);
  fflush(stdout);
}
