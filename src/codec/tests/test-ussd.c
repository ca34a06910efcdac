/* USSD strings: decoding by DCS, GSM 7-bit packing with the CR rule, limits. */
#include "codec-error.h"
#include "codec-test-util.h"
#include "codec-vectors.h"
#include "gsm7.h"
#include "ussd.h"

/* Decodes a vector: its first octet is the DCS, the rest the string. */
static char *
decode_vector(const char *hex)
{
  g_autoptr(GBytes) bytes = hex_bytes(hex);
  const guint8 *data = g_bytes_get_data(bytes, NULL);
  g_autoptr(GError) error = NULL;
  char *text = mmd_ussd_decode(data + 1, g_bytes_get_size(bytes) - 1, data[0], &error);

  g_assert_no_error(error);
  return text;
}

static void
test_decode_vectors(void)
{
  g_autofree char *gsm = decode_vector(ussd_vectors[0].hex);
  g_autofree char *ucs2 = decode_vector(ussd_vectors[1].hex);
  g_autofree char *latin1 = decode_vector(ussd_vectors[2].hex);
  g_autoptr(GByteArray) septets = mmd_gsm7_from_utf8("en\r*100#", NULL);
  g_autoptr(GByteArray) packed = mmd_gsm7_pack(septets->data, septets->len, 0);
  /* DCS 0x10: the string starts with its language and a CR. */
  g_autofree char *language = mmd_ussd_decode(packed->data, packed->len, 0x10, NULL);

  g_assert_cmpstr(gsm, ==, "*100#");
  g_assert_cmpstr(ucs2, ==, "Баланс");
  g_assert_cmpstr(latin1, ==, "Salé");
  g_assert_cmpstr(language, ==, "*100#");
}

static void
test_encode_gsm7(void)
{
  guint8 dcs = 0;
  g_autoptr(GBytes) bytes = mmd_ussd_encode("*100#", &dcs, NULL);
  g_autofree char *hex = bytes_hex(bytes);

  g_assert_cmpuint(dcs, ==, MMD_USSD_DCS_GSM7);
  g_assert_cmpstr(hex, ==, "AA180C3602");
}

static void
test_cr_padding(void)
{
  guint8 dcs = 0;
  g_autoptr(GBytes) seven = mmd_ussd_encode("*123*1#", &dcs, NULL);
  g_autoptr(GBytes) ends_in_cr = mmd_ussd_encode("1234567\r", &dcs, NULL);
  const guint8 *packed = g_bytes_get_data(seven, NULL);
  g_autofree char *back = NULL;
  g_autofree char *back_cr = NULL;

  /* Seven characters leave 7 spare bits: they carry a CR, not '@' (zeros). */
  g_assert_cmpuint(g_bytes_get_size(seven), ==, 7);
  g_assert_cmpuint(packed[6] >> 1, ==, 0x0D);
  back = mmd_ussd_decode(packed, 7, dcs, NULL);
  g_assert_cmpstr(back, ==, "*123*1#");

  /* A wanted CR on the octet boundary gets a second one, so it is not taken for
   * padding; 23.038 lets the receiver show both (CR CR means CR). */
  g_assert_cmpuint(g_bytes_get_size(ends_in_cr), ==, 8);
  back_cr = mmd_ussd_decode(g_bytes_get_data(ends_in_cr, NULL), 8, dcs, NULL);
  g_assert_cmpstr(back_cr, ==, "1234567\r\r");
}

static void
test_ucs2_round_trip(void)
{
  guint8 dcs = 0;
  g_autoptr(GBytes) bytes = mmd_ussd_encode("Баланс 😀", &dcs, NULL);
  g_autofree char *back = NULL;

  g_assert_cmpuint(dcs, ==, MMD_USSD_DCS_UCS2);
  back = mmd_ussd_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), dcs, NULL);
  g_assert_cmpstr(back, ==, "Баланс 😀");
}

static void
test_limits(void)
{
  g_autoptr(GString) gsm = g_string_new(NULL);
  g_autoptr(GString) ucs2 = g_string_new(NULL);
  g_autoptr(GBytes) longest_gsm = NULL;
  g_autoptr(GBytes) longest_ucs2 = NULL;
  GError *error = NULL;
  guint8 dcs;

  for (guint i = 0; i < 182; i++)
    g_string_append_c(gsm, 'a');
  for (guint i = 0; i < 80; i++)
    g_string_append(ucs2, "ж");
  longest_gsm = mmd_ussd_encode(gsm->str, &dcs, NULL);
  g_assert_cmpuint(g_bytes_get_size(longest_gsm), ==, 160);
  longest_ucs2 = mmd_ussd_encode(ucs2->str, &dcs, NULL);
  g_assert_cmpuint(g_bytes_get_size(longest_ucs2), ==, 160);

  g_string_append_c(gsm, 'a');
  g_assert_null(mmd_ussd_encode(gsm->str, &dcs, &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG);
  g_clear_error(&error);
  g_string_append(ucs2, "ж");
  g_assert_null(mmd_ussd_encode(ucs2->str, &dcs, &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TOO_LONG);
  g_clear_error(&error);
  g_assert_null(mmd_ussd_encode("", &dcs, &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_INVALID_ARGUMENT);
  g_clear_error(&error);
  g_assert_null(mmd_ussd_decode((const guint8 *)"x", 1, 0x60, &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED);
  g_clear_error(&error);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/ussd/decode", test_decode_vectors);
  g_test_add_func("/codec/ussd/encode-gsm7", test_encode_gsm7);
  g_test_add_func("/codec/ussd/cr-padding", test_cr_padding);
  g_test_add_func("/codec/ussd/ucs2", test_ucs2_round_trip);
  g_test_add_func("/codec/ussd/limits", test_limits);
  return g_test_run();
}
