/* modemctl against a scripted fake of the modemd D-Bus API on a private bus: one executable,
 * the fixture in modemctl-client-fixture.c, the tests by topic in test-modemctl-client-*.c. */
#include "modemctl-client-fixture.h"

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();

  add_modem_tests();
  add_object_tests();
  add_monitor_tests();
  return g_test_run();
}
