/* Band numbers and the reference's band values (mmd-bands.c). */
#include "mmd-bands.h"
#include "mmd-enums.h"

static void
test_eutran(void)
{
  guint n = 0;

  g_assert_cmpuint(mmd_band_from_eutran(1), ==, 31);
  g_assert_cmpuint(mmd_band_from_eutran(71), ==, 101);
  g_assert_cmpuint(mmd_band_from_eutran(85), ==, 115);
  /* not in the reference: no value, never a neighbour's */
  g_assert_cmpuint(mmd_band_from_eutran(0), ==, MMD_MODEM_BAND_UNKNOWN);
  g_assert_cmpuint(mmd_band_from_eutran(72), ==, MMD_MODEM_BAND_UNKNOWN);
  g_assert_cmpuint(mmd_band_from_eutran(86), ==, MMD_MODEM_BAND_UNKNOWN);
  g_assert_true(mmd_band_to_eutran(MMD_MODEM_BAND_EUTRAN_20, &n));
  g_assert_cmpuint(n, ==, 20);
  g_assert_true(mmd_band_to_eutran(115, &n));
  g_assert_cmpuint(n, ==, 85);
  g_assert_false(mmd_band_to_eutran(102, &n)); /* would be 72 */
  g_assert_false(mmd_band_to_eutran(MMD_MODEM_BAND_UTRAN_1, &n));
  g_assert_false(mmd_band_to_eutran(MMD_MODEM_BAND_ANY, &n));
  g_assert_false(mmd_band_to_eutran(MMD_MODEM_BAND_NGRAN_1, &n));
}

static void
test_ngran(void)
{
  guint n = 0;

  g_assert_cmpuint(mmd_band_from_ngran(78), ==, 378);
  g_assert_cmpuint(mmd_band_from_ngran(261), ==, MMD_MODEM_BAND_NGRAN_261);
  g_assert_cmpuint(mmd_band_from_ngran(262), ==, MMD_MODEM_BAND_UNKNOWN);
  g_assert_cmpuint(mmd_band_from_ngran(0), ==, MMD_MODEM_BAND_UNKNOWN);
  g_assert_true(mmd_band_to_ngran(301, &n));
  g_assert_cmpuint(n, ==, 1);
  g_assert_false(mmd_band_to_ngran(300, &n));
  g_assert_false(mmd_band_to_ngran(562, &n));
  g_assert_false(mmd_band_to_ngran(MMD_MODEM_BAND_EUTRAN_3, &n));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bands/eutran", test_eutran);
  g_test_add_func("/bands/ngran", test_ngran);
  return g_test_run();
}
