/* An Sms object (org.example.Modem1.Sms): one text message, its properties,
 * and where its parts are kept on the modem. Its methods are bound by the
 * messaging room, which also sets its properties. */
#pragma once

#include "mdbus-generated.h"
#include "plugin-api.h"

G_BEGIN_DECLS

#define MMD_TYPE_SMS (mmd_sms_get_type())
G_DECLARE_FINAL_TYPE(MmdSms, mmd_sms, MMD, SMS, GObject)

/* Where one part of a message is stored. */
typedef struct {
  MmdSmsStorage storage;
  guint index;
} MmdSmsLocation;

MmdSms *mmd_sms_new(MmdModem *modem, const char *path);
const char *mmd_sms_get_path(MmdSms *self);
MdbusObjectSkeleton *mmd_sms_get_object(MmdSms *self);
MdbusSms *mmd_sms_get_iface(MmdSms *self);
/* NULL once the modem is gone. */
MmdModem *mmd_sms_get_modem(MmdSms *self);
void mmd_sms_detach(MmdSms *self);

/* Stored parts; MmdSmsLocation, in part order. */
GArray *mmd_sms_get_locations(MmdSms *self);
void mmd_sms_add_location(MmdSms *self, MmdSmsStorage storage, guint index);
void mmd_sms_clear_locations(MmdSms *self);
/* The message references of the parts sent (guint8 each). */
GArray *mmd_sms_get_references(MmdSms *self);

G_END_DECLS
