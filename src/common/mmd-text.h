/* Text that came from a modem, made fit for logs, GErrors and D-Bus.
 *
 * A modem is untrusted: its strings may hold invalid UTF-8 (GLib and D-Bus
 * refuse it, with criticals on the reply path), terminal control sequences
 * (they would rewrite a log viewer's screen) or be of any length. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The replacement for anything that is not clean text: U+FFFD. */
#define MMD_TEXT_REPLACEMENT "\xEF\xBF\xBD"

/* A copy of text that is valid UTF-8 without control characters: every run of
 * invalid bytes and control characters (C0 except tab, DEL, C1) becomes one
 * U+FFFD, and the result is cut on a character boundary so that it holds at
 * most max_bytes bytes (the terminating NUL not counted). len: bytes of text,
 * or -1 when it is NUL-terminated (with a length, a NUL byte counts as a
 * control character). NULL text gives "". Never NULL. */
char *mmd_text_sanitize(const char *text, gssize len, gsize max_bytes);

/* Whether mmd_text_sanitize() would return text unchanged, ignoring the
 * length cut. */
gboolean mmd_text_is_clean(const char *text, gssize len);

G_END_DECLS
