/* The signal room: org.example.Modem1.Modem.Signal (extended values per
 * technology, Setup) and the SignalQuality of the Modem interface, refreshed
 * while the modem is enabled. Its only API is the one plugins use
 * (ops-signal.h). */
#pragma once

#include "modem.h"
