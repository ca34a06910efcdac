/* The location room: org.example.Modem1.Modem.Location, the serving cell
 * and GPS. Its API is the one plugins use (ops-location.h). */
#pragma once

#include "modem.h"
