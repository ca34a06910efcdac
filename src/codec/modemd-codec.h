/* libmodemd-codec: 3GPP text for SMS, cell broadcast and USSD, with no D-Bus and
 * no modem protocol in it. Plugins pass it raw PDU bytes and get text back, or
 * text and get PDUs to send. See README.md in this folder. */
#pragma once

#include "cbs-assembly.h"
#include "cbs.h"
#include "codec-error.h"
#include "dcs.h"
#include "gsm7.h"
#include "sms-address.h"
#include "sms-assembly.h"
#include "sms-pdu.h"
#include "sms-status.h"
#include "sms-submit.h"
#include "sms-time.h"
#include "sms-udh.h"
#include "ucs2.h"
#include "ussd.h"
