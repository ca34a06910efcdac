#include "mmd-errors.h"
#include "mmd-validate.h"

#define ASSERT_INVALID(call)                                                                       \
  do {                                                                                             \
    g_autoptr(GError) e_ = NULL;                                                                   \
    g_assert_false(call);                                                                          \
    g_assert_error(e_, MMD_CORE_ERROR, MMD_CORE_ERROR_INVALID_ARGS);                               \
  } while (0)

static void
test_pin(void)
{
  g_assert_true(mmd_validate_pin("1234", "PIN", NULL));
  g_assert_true(mmd_validate_pin("12345678", "PIN", NULL));
  ASSERT_INVALID(mmd_validate_pin("123", "PIN", &e_));
  ASSERT_INVALID(mmd_validate_pin("123456789", "PIN", &e_));
  ASSERT_INVALID(mmd_validate_pin("12a4", "PIN", &e_));
  ASSERT_INVALID(mmd_validate_pin("1234\r\nAT+CFUN=0", "PIN", &e_));
  ASSERT_INVALID(mmd_validate_pin("", "PIN", &e_));
  ASSERT_INVALID(mmd_validate_puk("1234567", &e_));
  g_assert_true(mmd_validate_puk("12345678", NULL));
}

static void
test_pin_error_hides_value(void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false(mmd_validate_pin("98x7", "PIN", &error));
  g_assert_null(strstr(error->message, "98x7"));
}

static void
test_apn(void)
{
  g_assert_true(mmd_validate_apn("internet", NULL));
  g_assert_true(mmd_validate_apn("web.vodafone.de", NULL));
  g_assert_true(mmd_validate_apn("", NULL));
  ASSERT_INVALID(mmd_validate_apn("internet\"\r\nAT+CFUN=0", &e_));
  ASSERT_INVALID(mmd_validate_apn("a;b", &e_));
  ASSERT_INVALID(mmd_validate_apn(".internet", &e_));
  {
    g_autofree char *long_apn = g_strnfill(101, 'a');
    ASSERT_INVALID(mmd_validate_apn(long_apn, &e_));
  }
}

static void
test_credentials(void)
{
  g_assert_true(mmd_validate_credential("user@example.com", "user", NULL));
  g_assert_true(mmd_validate_credential("p4ss w0rd!#$%", "password", NULL));
  ASSERT_INVALID(mmd_validate_credential("a\"b", "password", &e_));
  ASSERT_INVALID(mmd_validate_credential("a\\b", "password", &e_));
  ASSERT_INVALID(mmd_validate_credential("a\rb", "password", &e_));
  ASSERT_INVALID(mmd_validate_credential("caf\xc3\xa9", "password", &e_));
}

static void
test_operator_id(void)
{
  g_assert_true(mmd_validate_operator_id("26201", FALSE, NULL));
  g_assert_true(mmd_validate_operator_id("310410", FALSE, NULL));
  g_assert_true(mmd_validate_operator_id("", TRUE, NULL));
  ASSERT_INVALID(mmd_validate_operator_id("", FALSE, &e_));
  ASSERT_INVALID(mmd_validate_operator_id("12345;+CFUN=0", TRUE, &e_));
  ASSERT_INVALID(mmd_validate_operator_id("1234", TRUE, &e_));
  ASSERT_INVALID(mmd_validate_operator_id("2620a", TRUE, &e_));
}

static void
test_number(void)
{
  g_assert_true(mmd_validate_number("+4917012345", NULL));
  g_assert_true(mmd_validate_number("*99#", NULL));
  ASSERT_INVALID(mmd_validate_number("123;H", &e_));
  ASSERT_INVALID(mmd_validate_number("", &e_));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/validate/pin", test_pin);
  g_test_add_func("/validate/pin-error-hides-value", test_pin_error_hides_value);
  g_test_add_func("/validate/apn", test_apn);
  g_test_add_func("/validate/credentials", test_credentials);
  g_test_add_func("/validate/operator-id", test_operator_id);
  g_test_add_func("/validate/number", test_number);
  return g_test_run();
}
