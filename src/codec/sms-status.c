#include "sms-status.h"

guint
mmd_sms_status_delivery_state(guint8 status)
{
  /* The values 23.040 names; the reference API numbers its states after them. */
  if (status <= 0x02 || (status >= 0x20 && status <= 0x25) || (status >= 0x40 && status <= 0x49)
      || (status >= 0x60 && status <= 0x65))
    return status;
  return MMD_SMS_DELIVERY_STATE_UNKNOWN;
}

MmdSmsStatusClass
mmd_sms_status_class(guint8 status)
{
  if (status & 0x80)
    return MMD_SMS_STATUS_PERMANENT_ERROR;
  switch (status >> 5) {
    case 0:
      return MMD_SMS_STATUS_COMPLETED;
    case 1:
      return MMD_SMS_STATUS_TEMPORARY_ERROR;
    case 2:
      return MMD_SMS_STATUS_PERMANENT_ERROR;
    default:
      return MMD_SMS_STATUS_TEMPORARY_FATAL_ERROR;
  }
}
