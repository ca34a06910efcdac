/* Building blocks of the 27.007 response parsers: field splitting, prefixes,
 * bounded number parsing, and the one way modem text becomes a string the
 * daemon keeps (valid UTF-8, no control characters, bounded length).
 *
 * Inputs are the intermediate lines of one command's response, joined with
 * "\n" (as the AT channel returns them), or one URC line. Nothing here reads
 * past the NUL of its input; no D-Bus, no daemon headers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest text kept from a modem (identity strings, operator names,
 * APNs), in bytes; longer text is cut on a character boundary. */
#define MMD_AT_TEXT_MAX 256
/* How much of a response an error message quotes, in bytes. */
#define MMD_AT_EXCERPT_MAX 64

/* Fields of a comma-separated list: quotes removed, spaces around fields
 * trimmed, commas inside quotes or parentheses kept. NULL with an error on an
 * unterminated quote or unbalanced parentheses. quoted (may be NULL) gets one
 * gboolean per field telling whether it was quoted. */
GPtrArray *mmd_at_split_fields(const char *s, GArray **quoted, GError **error);

/* The text after "PREFIX:" (spaces skipped) if line starts with one of the
 * prefixes (case-insensitive), else NULL. prefixes is NULL-terminated. */
const char *mmd_at_strip_prefix(const char *line, const char *const *prefixes);

/* Sets a Core.Failed error quoting (sanitized, cut) the input; returns FALSE. */
gboolean mmd_at_parse_fail(GError **error, const char *what, const char *input);

/* s as an unsigned number in base 10 or 16, spaces around it allowed. FALSE
 * for anything else and for any value above max: a number that overflows is
 * rejected, never saturated. */
gboolean mmd_at_parse_uint(const char *s, guint base, guint64 max, guint64 *out);
/* Field i of f as a decimal number 0..G_MAXINT. */
gboolean mmd_at_field_int(GPtrArray *f, guint i, int *out);
/* Field i of f, or NULL when there are fewer fields. */
const char *mmd_at_field(GPtrArray *f, guint i);

/* The non-empty lines of a response, stripped; NULL-terminated. */
char **mmd_at_response_lines(const char *response);
/* The fields of the first line with prefix, or NULL. */
GPtrArray *mmd_at_first_fields(const char *response, const char *prefix);
/* The text of a line after any "+XXX:", "^XXX:", "$XXX:" style prefix. */
const char *mmd_at_skip_any_prefix(const char *line);
/* A copy of s without the spaces around it and one pair of quotes. */
char *mmd_at_unquote(const char *s);
/* Modem text as the daemon keeps it (see mmd_text_sanitize()), at most
 * MMD_AT_TEXT_MAX bytes. */
char *mmd_at_text(const char *s);

G_END_DECLS
