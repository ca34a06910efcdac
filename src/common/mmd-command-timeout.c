/* The cap on how long the daemon waits for one answer of a modem. */
#include "mmd-command-timeout.h"

/* Set once by main() before any modem is opened, read from the main loop. */
static guint command_timeout_cap_ms;

guint
mmd_command_timeout_ms(guint timeout_ms)
{
  if (command_timeout_cap_ms && timeout_ms > command_timeout_cap_ms)
    return command_timeout_cap_ms;
  return timeout_ms;
}

void
mmd_command_timeout_set_cap(guint cap_ms)
{
  command_timeout_cap_ms = cap_ms;
}
