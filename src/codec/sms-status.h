/* TP-Status of an SMS-STATUS-REPORT (3GPP TS 23.040 9.2.3.15), as the reference
 * API's MMSmsDeliveryState values and as the four classes bits 6..5 encode. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* MMSmsDeliveryState values that a 3GPP TP-ST maps to: the named TP-ST values
 * keep their number, everything else is UNKNOWN. */
#define MMD_SMS_DELIVERY_STATE_COMPLETED_RECEIVED 0x00
#define MMD_SMS_DELIVERY_STATE_COMPLETED_FORWARDED_UNCONFIRMED 0x01
#define MMD_SMS_DELIVERY_STATE_COMPLETED_REPLACED_BY_SC 0x02
#define MMD_SMS_DELIVERY_STATE_TEMPORARY_ERROR_CONGESTION 0x20
#define MMD_SMS_DELIVERY_STATE_ERROR_REMOTE_PROCEDURE 0x40
#define MMD_SMS_DELIVERY_STATE_ERROR_VALIDITY_PERIOD_EXPIRED 0x46
#define MMD_SMS_DELIVERY_STATE_TEMPORARY_FATAL_ERROR_CONGESTION 0x60
#define MMD_SMS_DELIVERY_STATE_UNKNOWN 0x100

typedef enum {
  /* 0x00..0x1F: the transaction is over, delivered (or replaced). */
  MMD_SMS_STATUS_COMPLETED,
  /* 0x20..0x3F: the SC is still trying. */
  MMD_SMS_STATUS_TEMPORARY_ERROR,
  /* 0x40..0x5F: the SC gave up for good. */
  MMD_SMS_STATUS_PERMANENT_ERROR,
  /* 0x60..0x7F: the SC gave up on a temporary error. */
  MMD_SMS_STATUS_TEMPORARY_FATAL_ERROR,
} MmdSmsStatusClass;

/* The MMSmsDeliveryState for @status (0x00..0x02, 0x20..0x25, 0x40..0x49,
 * 0x60..0x65 keep their value; reserved and SC-specific values are UNKNOWN). */
guint mmd_sms_status_delivery_state(guint8 status);

/* The class of @status; values with bit 7 set (reserved) count as permanent. */
MmdSmsStatusClass mmd_sms_status_class(guint8 status);

G_END_DECLS
