/* The USSD room: org.example.Modem1.Modem.Modem3gpp.Ussd. Its API is the
 * one plugins use (ops-ussd.h). */
#pragma once

#include "modem.h"
