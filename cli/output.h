/* Output of modemctl: one list of fields, three renderings.
 *
 * Every field has a section and a label for the human table ("Hardware", "manufacturer")
 * and a key as mmcli names it ("modem.generic.manufacturer"). The key-value rendering
 * prints "key : value" lines, lists as "key.length" and "key.value[N]" (an empty one as
 * "key : --", as mmcli does); the JSON rendering
 * nests objects along the dots of the key ({"modem": {"generic": {...}}}), lists as arrays.
 * Missing values are "--" in key-value and JSON, and left out of the human table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  OUTPUT_HUMAN,
  OUTPUT_JSON,
  OUTPUT_KEYVALUE,
} OutputType;

typedef struct _Output Output;

Output *output_new(OutputType type);
void output_free(Output *output);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Output, output_free)

OutputType output_get_type(Output *output);

/* value may be NULL or empty: unknown. */
void output_add(Output *output, const char *section, const char *label, const char *key,
                const char *value);
void output_add_take(Output *output, const char *section, const char *label, const char *key,
                     char *value);
void output_add_printf(Output *output, const char *section, const char *label, const char *key,
                       const char *format, ...) G_GNUC_PRINTF(5, 6);
/* values: NULL-terminated, may be NULL (empty list). */
void output_add_list(Output *output, const char *section, const char *label, const char *key,
                     const char *const *values);
/* A list of results (modems, networks found), as opposed to a property that
 * is a list: key-value output gives its length even when it is empty. */
void output_add_items(Output *output, const char *section, const char *label, const char *key,
                      const char *const *values);
/* A listing of objects (--messaging-list-sms): items whose JSON key stays
 * whole ({"modem.messaging.sms": [...]}), as mmcli prints its listings. */
void output_add_listing(Output *output, const char *key, const char *const *values);
/* Splits a ", "-joined string (as built by the mmd_*_build_string helpers) into a list;
 * "none"/"unknown"/empty make an empty list. Takes value. */
void output_add_flags_take(Output *output, const char *section, const char *label, const char *key,
                           char *value);

/* Renders everything added so far. */
char *output_render(Output *output);
/* Renders to stdout. */
void output_print(Output *output);

/* JSON string literal of str, with quotes. */
void output_json_append_string(GString *out, const char *str);

G_END_DECLS
