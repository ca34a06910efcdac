/* SIM file decoders, with files as cards return them. */
#include "sim-files.h"

static void
test_sim_files(void)
{
  /* EF_ICCID of 89490200001234567890, as a card returns it */
  static const guint8 iccid[] = { 0x98, 0x94, 0x20, 0x00, 0x00, 0x21, 0x43, 0x65, 0x87, 0x09 };
  g_autofree char *s1 = mmd_sim_decode_iccid(iccid, sizeof(iccid));
  g_assert_cmpstr(s1, ==, "89490200001234567890");
  static const guint8 iccid19[] = { 0x98, 0x94, 0x20, 0x00, 0x00, 0x21, 0x43, 0x65, 0x87, 0xF9 };
  g_autofree char *s2 = mmd_sim_decode_iccid(iccid19, sizeof(iccid19));
  g_assert_cmpstr(s2, ==, "8949020000123456789");
  /* EF_IMSI of 262011234567890: length 8, parity nibble 9 */
  static const guint8 imsi[] = { 0x08, 0x29, 0x26, 0x10, 0x21, 0x43, 0x65, 0x87, 0x09 };
  g_autofree char *s3 = mmd_sim_decode_imsi(imsi, sizeof(imsi));
  g_assert_cmpstr(s3, ==, "262011234567890");
  static const guint8 bad_imsi[] = { 0x09, 0x29, 0x26 };
  g_assert_null(mmd_sim_decode_imsi(bad_imsi, sizeof(bad_imsi)));

  static const guint8 ad[] = { 0x00, 0x00, 0x00, 0x03 };
  g_assert_cmpuint(mmd_sim_decode_mnc_length(ad, sizeof(ad)), ==, 3);
  g_assert_cmpuint(mmd_sim_decode_mnc_length(ad, 3), ==, 0);
  static const guint8 spn[] = { 0x01, 'S', 'i', 'm', 0x00, 'n', 'e', 't', 0xFF, 0xFF };
  g_autofree char *n1 = mmd_sim_decode_spn(spn, sizeof(spn));
  g_assert_cmpstr(n1, ==, "Sim@net");
  static const guint8 spn_ucs2[] = { 0x00, 0x80, 0x00, 'O', 0x00, 0xE9, 0xFF, 0xFF };
  g_autofree char *n2 = mmd_sim_decode_spn(spn_ucs2, sizeof(spn_ucs2));
  g_assert_cmpstr(n2, ==, "O\u00e9");
  /* control characters (found by tests/fuzz/fuzz-sim-files) are dropped */
  static const guint8 spn_control[] = { 0x00, 0x80, 0x00, 'A', 0x00, 0x04, 0x00, 0x85, 0x00, 'B' };
  g_autofree char *n3 = mmd_sim_decode_spn(spn_control, sizeof(spn_control));
  g_assert_cmpstr(n3, ==, "AB");
  static const guint8 spn_empty[] = { 0x00, 0xFF, 0xFF };
  g_assert_null(mmd_sim_decode_spn(spn_empty, sizeof(spn_empty)));
}

static void
test_ecc(void)
{
  /* A USIM record: "112", then an alpha id and the category */
  static const guint8 record[] = { 0x11, 0xF2, 0xFF, 'P', 'o', 'l', 0x01 };
  static const guint8 six_digits[] = { 0x21, 0x43, 0x65 };
  static const guint8 empty[] = { 0xFF, 0xFF, 0xFF };
  static const guint8 not_bcd[] = { 0x1A, 0xFF, 0xFF };
  g_autofree char *code = mmd_sim_decode_ecc_code(record, sizeof(record));
  g_autofree char *six = mmd_sim_decode_ecc_code(six_digits, sizeof(six_digits));

  g_assert_cmpstr(code, ==, "112");
  g_assert_cmpstr(six, ==, "123456");
  g_assert_null(mmd_sim_decode_ecc_code(empty, sizeof(empty)));
  g_assert_null(mmd_sim_decode_ecc_code(not_bcd, sizeof(not_bcd)));
  g_assert_null(mmd_sim_decode_ecc_code(record, 2));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sim-files/decode", test_sim_files);
  g_test_add_func("/sim-files/ecc", test_ecc);
  return g_test_run();
}
