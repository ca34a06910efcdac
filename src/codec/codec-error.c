#include "codec-error.h"

G_DEFINE_QUARK(mmd - codec - error - quark, mmd_codec_error)
