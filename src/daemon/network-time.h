/* The time room: org.example.Modem1.Modem.Time, the network's time (NITZ)
 * as the modem reports it. Its API is the one plugins use (ops-time.h). */
#pragma once

#include "modem.h"
