/* libFuzzer target: the parsers of what a Quectel module answers to
 * AT+QNWPREFCFG (quectel-at.h), on the input as a response.
 *
 * Besides crashes and sanitizer reports, a finding is a value that is not
 * clean text, a band list over its caps or not ascending, or modes outside
 * the known bits. */
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "mmd-text.h"
#include "quectel-at.h"

static void
check_bands(const char *value)
{
  g_autoptr(GArray) bands = quectel_parse_bands(value);

  if (!bands)
    return;
  g_assert_cmpuint(bands->len, <=, QUECTEL_MAX_BANDS);
  for (guint i = 0; i < bands->len; i++) {
    g_assert_cmpuint(g_array_index(bands, guint, i), <=, QUECTEL_MAX_BAND);
    g_assert_true(i == 0 || g_array_index(bands, guint, i - 1) <= g_array_index(bands, guint, i));
  }
}

static void
check_setting(const char *response, const char *setting)
{
  g_autofree char *value = quectel_prefcfg_value(response, setting);
  guint modes = 0, first = 0;

  if (!value)
    return;
  g_assert_true(mmd_text_is_clean(value, -1));
  if (quectel_parse_modes(value, &modes, &first)) {
    g_assert_cmpuint(modes & ~QUECTEL_MODES_ALL, ==, 0);
    g_assert_cmpuint(first & ~modes, ==, 0);
  }
  check_bands(value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = g_strndup((const char *)data, size);

  for (const char *const *setting
       = (const char *const[]){ "mode_pref", "rat_acq_order", "lte_band", "nr5g_band", NULL };
       *setting; setting++)
    check_setting(s, *setting);
  check_bands(s);
  g_free(s);
  return 0;
}
