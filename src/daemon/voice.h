/* The voice room: org.example.Modem1.Modem.Voice and its Call objects. Its
 * API is the one plugins use (ops-voice.h). */
#pragma once

#include "modem.h"
