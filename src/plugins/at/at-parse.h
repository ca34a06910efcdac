/* Parsers for 3GPP TS 27.007 responses, in the spellings real modems use.
 *
 * One header per capability; this one includes them all:
 *   at-parse-common.h    field splitting, prefixes, numbers, clean text
 *   at-parse-identity.h  manufacturer, model, revision, IMEI, IMSI, ICCID, numbers
 *   at-parse-sim.h       lock state, retries, facility locks, SIM files
 *   at-parse-network.h   registration, operators, operator names
 *   at-parse-radio.h     signal, access modes, power
 *   at-parse-data.h      PDP contexts, activation, addresses
 *   at-parse-error.h     +CME ERROR / +CMS ERROR
 *   at-parse-sms.h       27.005 messages in PDU mode, storages, indications
 *   at-parse-voice.h     calls (+CLCC, caller id, call waiting), USSD (+CUSD, +CSCS)
 *
 * Every parser tolerates missing prefixes, quotes or spaces where modems are
 * known to omit them, fails with an error (never reads out of bounds) on
 * anything it does not understand, and returns strings that are valid UTF-8
 * without control characters. No D-Bus, no daemon headers. */
#pragma once

#include "at-parse-common.h"
#include "at-parse-data.h"
#include "at-parse-error.h"
#include "at-parse-events.h"
#include "at-parse-identity.h"
#include "at-parse-network.h"
#include "at-parse-radio.h"
#include "at-parse-sim.h"
#include "at-parse-sms.h"
#include "at-parse-voice.h"
