/* GSM 7-bit default alphabet, extension table, septet packing and UCS-2. */
#include "codec-error.h"
#include "codec-test-util.h"
#include "gsm7.h"
#include "ucs2.h"

static void
test_default_alphabet_round_trip(void)
{
  /* Every code but the escape decodes to one character that encodes back to it. */
  for (guint8 code = 0; code < 128; code++) {
    g_autofree char *text = NULL;
    g_autoptr(GByteArray) septets = NULL;

    if (code == MMD_GSM7_ESCAPE)
      continue;
    text = mmd_gsm7_to_utf8(&code, 1);
    g_assert_cmpuint(g_utf8_strlen(text, -1), ==, 1);
    septets = mmd_gsm7_from_utf8(text, NULL);
    g_assert_nonnull(septets);
    g_assert_cmpuint(septets->len, ==, 1);
    g_assert_cmpuint(septets->data[0], ==, code);
  }
}

static void
test_characters_that_differ_from_ascii(void)
{
  static const guint8 septets[] = { 0x00, 0x02, 0x11, 0x24, 0x40, 0x60, 0x10, 0x1E, 0x7F };
  g_autofree char *text = mmd_gsm7_to_utf8(septets, sizeof(septets));

  g_assert_cmpstr(text, ==, "@$_¤¡¿Δßà");
}

static void
test_extension_table(void)
{
  static const guint8 expected[] = { 0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x28, 0x41 };
  g_autoptr(GByteArray) septets = mmd_gsm7_from_utf8("€[{A", NULL);
  g_autofree char *back = NULL;
  gsize count = 0;

  g_assert_nonnull(septets);
  g_assert_cmpmem(septets->data, septets->len, expected, sizeof(expected));
  back = mmd_gsm7_to_utf8(septets->data, septets->len);
  g_assert_cmpstr(back, ==, "€[{A");
  g_assert_true(mmd_gsm7_count_septets("€[{A", &count));
  g_assert_cmpuint(count, ==, 7);
  g_assert_true(mmd_gsm7_count_septets("^}\\~]|\f", &count));
  g_assert_cmpuint(count, ==, 14);
}

static void
test_broken_escapes(void)
{
  /* An undefined extension code shows its default character; a second escape a
   * space; an escape at the end U+FFFD. */
  static const guint8 undefined[] = { 0x1B, 0x41, 0x1B, 0x1B, 0x42, 0x1B };
  g_autofree char *text = mmd_gsm7_to_utf8(undefined, sizeof(undefined));
  static const guint8 high[] = { 0x80, 0x41 };
  g_autofree char *high_text = mmd_gsm7_to_utf8(high, sizeof(high));

  g_assert_cmpstr(text, ==, "A B\uFFFD");
  g_assert_cmpstr(high_text, ==, "\uFFFDA");
}

static void
test_fit(void)
{
  gsize count = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) none = NULL;

  g_assert_true(mmd_gsm7_count_septets("Hello @ £5", &count));
  g_assert_cmpuint(count, ==, 10);
  g_assert_true(mmd_gsm7_count_septets("", &count));
  g_assert_cmpuint(count, ==, 0);
  g_assert_false(mmd_gsm7_count_septets("ç", NULL));
  g_assert_false(mmd_gsm7_count_septets("a😀", NULL));
  g_assert_false(mmd_gsm7_count_septets("\xC3\x28", NULL));
  none = mmd_gsm7_from_utf8("price: 5 ₽", &error);
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT);
  g_assert_null(none);
}

static void
test_pack_hellohello(void)
{
  /* 23.038's packing: "hellohello" is the classic E8329BFD4697D9EC37. */
  g_autoptr(GByteArray) septets = mmd_gsm7_from_utf8("hellohello", NULL);
  g_autoptr(GByteArray) packed = mmd_gsm7_pack(septets->data, septets->len, 0);
  g_autoptr(GBytes) expected = hex_bytes("E8329BFD4697D9EC37");
  g_autofree guint8 *unpacked = NULL;

  g_assert_cmpmem(packed->data, packed->len, g_bytes_get_data(expected, NULL),
                  g_bytes_get_size(expected));
  unpacked = mmd_gsm7_unpack(packed->data, packed->len, 0, 10, NULL);
  g_assert_cmpmem(unpacked, 10, septets->data, septets->len);
  g_assert_cmpuint(mmd_gsm7_septets_in(9, 0), ==, 10);
}

static void
test_pack_fill_bits(void)
{
  static const guint8 ones[] = { 0x7F, 0x7F };
  g_autoptr(GByteArray) one = mmd_gsm7_pack(ones, 1, 1);
  g_autoptr(GByteArray) two = mmd_gsm7_pack(ones, 2, 3);
  static const guint8 expected_two[] = { 0xF8, 0xFF, 0x01 };

  g_assert_cmpuint(one->len, ==, 1);
  g_assert_cmpuint(one->data[0], ==, 0xFE);
  g_assert_cmpmem(two->data, two->len, expected_two, sizeof(expected_two));

  /* Every fill and length packs and unpacks back. */
  for (guint fill = 0; fill < 7; fill++) {
    for (gsize n = 0; n < 20; n++) {
      guint8 septets[20];
      g_autoptr(GByteArray) packed = NULL;
      g_autofree guint8 *back = NULL;

      for (gsize i = 0; i < n; i++)
        septets[i] = (guint8)((i * 37 + fill) & 0x7F);
      packed = mmd_gsm7_pack(septets, n, fill);
      g_assert_cmpuint(packed->len, ==, (fill + 7 * n + 7) / 8);
      back = mmd_gsm7_unpack(packed->data, packed->len, fill, n, NULL);
      g_assert_nonnull(back);
      g_assert_cmpmem(back, n, septets, n);
    }
  }
}

static void
test_unpack_truncated(void)
{
  static const guint8 packed[7] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *eight = mmd_gsm7_unpack(packed, 7, 0, 8, NULL);
  g_autofree guint8 *too_many = mmd_gsm7_unpack(packed, 6, 0, 8, &error);

  g_assert_nonnull(eight);
  g_assert_null(too_many);
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED);
  /* With one fill bit, 7 octets hold only 7 septets. */
  g_assert_cmpuint(mmd_gsm7_septets_in(7, 1), ==, 7);
}

static void
test_ucs2_surrogates(void)
{
  g_autoptr(GByteArray) units = mmd_ucs2_from_utf8("A😀é", NULL);
  static const guint8 expected[] = { 0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00, 0x00, 0xE9 };
  g_autofree char *back = NULL;

  g_assert_cmpmem(units->data, units->len, expected, sizeof(expected));
  back = mmd_ucs2_to_utf8(units->data, units->len);
  g_assert_cmpstr(back, ==, "A😀é");
}

static void
test_ucs2_broken(void)
{
  /* Lone high, lone low, reversed pair, NUL, odd byte: one U+FFFD each. */
  static const guint8 broken[] = { 0xD8, 0x3D, 0x00, 0x41, 0xDE, 0x00, 0xDE, 0x00,
                                   0xD8, 0x3D, 0x00, 0x00, 0x00, 0x42, 0x00 };
  g_autofree char *text = mmd_ucs2_to_utf8(broken, sizeof(broken));
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) none = mmd_ucs2_from_utf8("\xFF", &error);

  g_assert_true(g_utf8_validate(text, -1, NULL));
  g_assert_cmpstr(text, ==, "\uFFFDA\uFFFD\uFFFD\uFFFD\uFFFDB\uFFFD");
  g_assert_null(none);
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/gsm7/round-trip", test_default_alphabet_round_trip);
  g_test_add_func("/codec/gsm7/non-ascii", test_characters_that_differ_from_ascii);
  g_test_add_func("/codec/gsm7/extension", test_extension_table);
  g_test_add_func("/codec/gsm7/broken-escapes", test_broken_escapes);
  g_test_add_func("/codec/gsm7/fit", test_fit);
  g_test_add_func("/codec/gsm7/pack-hellohello", test_pack_hellohello);
  g_test_add_func("/codec/gsm7/pack-fill-bits", test_pack_fill_bits);
  g_test_add_func("/codec/gsm7/unpack-truncated", test_unpack_truncated);
  g_test_add_func("/codec/ucs2/surrogates", test_ucs2_surrogates);
  g_test_add_func("/codec/ucs2/broken", test_ucs2_broken);
  return g_test_run();
}
