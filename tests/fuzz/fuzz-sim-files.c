/* libFuzzer target: the decoders of SIM elementary files (src/daemon/
 * sim-files.c), with the input as the file's contents as a card returns them
 * (over QMI UIM or AT +CRSM).
 *
 * Besides crashes and sanitizer reports, a finding is an output that the
 * daemon would publish although it breaks what the file can hold: an ICCID
 * that is not hex digits, an IMSI that is not 6-15 digits, an MNC length
 * other than 0, 2 or 3, a service provider name that is not clean text. */
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "mmd-text.h"
#include "sim-files.h"

static void
check_digits(const char *s, const char *allowed, gsize min, gsize max)
{
  if (!s)
    return;
  g_assert_cmpuint(strlen(s), >=, min);
  g_assert_cmpuint(strlen(s), <=, max);
  g_assert_cmpuint(strspn(s, allowed), ==, strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* exact-size copy, so that any read past the file is caught */
  guint8 *file = g_memdup2(data, size);
  char *iccid = mmd_sim_decode_iccid(file, size);
  char *imsi = mmd_sim_decode_imsi(file, size);
  guint mnc_length = mmd_sim_decode_mnc_length(file, size);
  char *spn = mmd_sim_decode_spn(file, size);

  check_digits(iccid, "0123456789ABCDEF", 1, 2 * size);
  check_digits(imsi, "0123456789", 6, 15);
  g_assert_true(mnc_length == 0 || mnc_length == 2 || mnc_length == 3);
  g_assert_true(spn == NULL || mmd_text_is_clean(spn, -1));
  g_free(iccid);
  g_free(imsi);
  g_free(spn);
  g_free(file);
  return 0;
}
