/* Text from modems: invalid UTF-8, control characters and length cuts. */
#include <string.h>

#include "mmd-text.h"

#define R MMD_TEXT_REPLACEMENT

static void
test_clean_text_unchanged(void)
{
  static const char *const clean[]
      = { "", "Vodafone.de", "T\xC3\xA9l\xC3\xA9phone", "a\tb", "\xF0\x9F\x93\xB6 5G" };

  for (gsize i = 0; i < G_N_ELEMENTS(clean); i++) {
    g_autofree char *s = mmd_text_sanitize(clean[i], -1, 256);
    g_assert_cmpstr(s, ==, clean[i]);
    g_assert_true(mmd_text_is_clean(clean[i], -1));
  }
  g_autofree char *null_text = mmd_text_sanitize(NULL, -1, 16);
  g_assert_cmpstr(null_text, ==, "");
}

static void
test_invalid_sequences_replaced(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    /* Latin-1 as some modems send operator names */
    { "Telef\xF3nica", "Telef" R "nica" },
    /* a run of bad bytes is one replacement */
    { "a\xFF\xFE\xFD"
      "b",
      "a" R "b" },
    /* truncated sequence at the end, overlong slash, UTF-16 surrogate */
    { "ok\xE2\x82", "ok" R },
    { "\xC0\xAF", R },
    { "x\xED\xA0\x80y", "x" R "y" },
    /* terminal escapes, CR/LF, DEL and C1 controls */
    { "\x1B[31mred\x1B[0m", R "[31mred" R "[0m" },
    { "one\r\ntwo", "one" R "two" },
    { "del\x7F", "del" R },
    { "c1\xC2\x9B"
      "x",
      "c1" R "x" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *s = mmd_text_sanitize(cases[i].in, -1, 256);
    g_assert_cmpstr(s, ==, cases[i].out);
    g_assert_true(g_utf8_validate(s, -1, NULL));
    g_assert_false(mmd_text_is_clean(cases[i].in, -1));
    g_assert_true(mmd_text_is_clean(s, -1));
  }
}

static void
test_embedded_nul(void)
{
  static const char bytes[] = { 'a', '\0', 'b' };
  g_autofree char *s = mmd_text_sanitize(bytes, sizeof bytes, 256);

  g_assert_cmpstr(s, ==, "a" R "b");
  g_assert_false(mmd_text_is_clean(bytes, sizeof bytes));
  g_assert_true(mmd_text_is_clean(bytes, 1));
}

static void
test_cut_on_character_boundary(void)
{
  /* "é" is 2 bytes: a 4-byte cut of "aéé" must not split the second one */
  g_autofree char *s1 = mmd_text_sanitize("a\xC3\xA9\xC3\xA9", -1, 4);
  g_assert_cmpstr(s1, ==, "a\xC3\xA9");
  /* a replacement that does not fit is left out, not cut */
  g_autofree char *s2 = mmd_text_sanitize("ab\xFF", -1, 4);
  g_assert_cmpstr(s2, ==, "ab");
  g_autofree char *s3 = mmd_text_sanitize("abcdef", -1, 0);
  g_assert_cmpstr(s3, ==, "");

  /* every cut of a mixed string is valid and within the limit */
  static const char mixed[] = "\xF0\x9F\x93\xB6\xFF"
                              "a\xC3\xA9\x1B\xE2\x82\xAC";
  for (gsize max = 0; max <= sizeof mixed + 8; max++) {
    g_autofree char *s = mmd_text_sanitize(mixed, -1, max);
    g_assert_cmpuint(strlen(s), <=, max);
    g_assert_true(g_utf8_validate(s, -1, NULL));
  }
}

static void
test_random_bytes(void)
{
  for (guint round = 0; round < 2000; round++) {
    guint8 buf[64];
    gsize n = (gsize)g_test_rand_int_range(0, sizeof buf);
    gsize max = (gsize)g_test_rand_int_range(0, 80);

    for (gsize i = 0; i < n; i++)
      buf[i] = (guint8)g_test_rand_int_range(0, 256);
    g_autofree char *s = mmd_text_sanitize((const char *)buf, (gssize)n, max);
    g_assert_cmpuint(strlen(s), <=, max);
    g_assert_true(mmd_text_is_clean(s, -1));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/text/clean-unchanged", test_clean_text_unchanged);
  g_test_add_func("/text/invalid-replaced", test_invalid_sequences_replaced);
  g_test_add_func("/text/embedded-nul", test_embedded_nul);
  g_test_add_func("/text/cut-on-boundary", test_cut_on_character_boundary);
  g_test_add_func("/text/random-bytes", test_random_bytes);
  return g_test_run();
}
