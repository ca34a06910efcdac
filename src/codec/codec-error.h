/* The error domain of the 3GPP text codec.
 *
 * Decoders report why modem bytes were refused; encoders why a caller's input
 * cannot be sent. The daemon maps these codes to its D-Bus errors. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  /* The input ends before a field that its own lengths announce. */
  MMD_CODEC_ERROR_TRUNCATED,
  /* A field holds a value the specification does not allow. */
  MMD_CODEC_ERROR_MALFORMED,
  /* Valid, but not handled here: compressed text, reserved message types. */
  MMD_CODEC_ERROR_UNSUPPORTED,
  /* An encoder was given input it cannot represent (bad number, bad UTF-8). */
  MMD_CODEC_ERROR_INVALID_ARGUMENT,
  /* An encoder's input exceeds what the protocol carries. */
  MMD_CODEC_ERROR_TOO_LONG,
} MmdCodecError;

#define MMD_CODEC_ERROR (mmd_codec_error_quark())
GQuark mmd_codec_error_quark(void);

G_END_DECLS
