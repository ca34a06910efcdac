/* The Sms object (see sms.h). */
#define G_LOG_DOMAIN "modemd-messaging"

#include "sms.h"

#include "sms-status.h"

struct _MmdSms {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  MdbusObjectSkeleton *object;
  MdbusSms *iface;
  GArray *locations;  /* MmdSmsLocation */
  GArray *references; /* guint8 */
};

G_DEFINE_TYPE(MmdSms, mmd_sms, G_TYPE_OBJECT)

static void
mmd_sms_dispose(GObject *object)
{
  MmdSms *self = MMD_SMS(object);

  mmd_sms_detach(self);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  G_OBJECT_CLASS(mmd_sms_parent_class)->dispose(object);
}

static void
mmd_sms_finalize(GObject *object)
{
  MmdSms *self = MMD_SMS(object);

  g_array_unref(self->locations);
  g_array_unref(self->references);
  g_free(self->path);
  G_OBJECT_CLASS(mmd_sms_parent_class)->finalize(object);
}

static void
mmd_sms_class_init(MmdSmsClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_sms_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_sms_finalize;
}

static void
mmd_sms_init(MmdSms *self)
{
  self->locations = g_array_new(FALSE, FALSE, sizeof(MmdSmsLocation));
  self->references = g_array_new(FALSE, FALSE, sizeof(guint8));
}

static void
init_interface(MdbusSms *iface)
{
  mdbus_sms_set_state(iface, MMD_SMS_STATE_UNKNOWN);
  mdbus_sms_set_pdu_type(iface, MMD_SMS_PDU_TYPE_UNKNOWN);
  mdbus_sms_set_number(iface, "");
  mdbus_sms_set_text(iface, "");
  mdbus_sms_set_data(iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, NULL, 0, 1));
  mdbus_sms_set_smsc(iface, "");
  mdbus_sms_set_validity(
      iface, g_variant_new("(uv)", MMD_SMS_VALIDITY_TYPE_UNKNOWN, g_variant_new_uint32(0)));
  mdbus_sms_set_class(iface, -1);
  mdbus_sms_set_timestamp(iface, "");
  mdbus_sms_set_discharge_timestamp(iface, "");
  mdbus_sms_set_delivery_state(iface, MMD_SMS_DELIVERY_STATE_UNKNOWN);
  mdbus_sms_set_storage(iface, MMD_SMS_STORAGE_UNKNOWN);
}

MmdSms *
mmd_sms_new(MmdModem *modem, const char *path)
{
  MmdSms *self = g_object_new(MMD_TYPE_SMS, NULL);

  g_set_weak_pointer(&self->modem, modem);
  self->path = g_strdup(path);
  self->object = mdbus_object_skeleton_new(path);
  self->iface = mdbus_sms_skeleton_new();
  init_interface(self->iface);
  mdbus_object_skeleton_set_sms(self->object, self->iface);
  return self;
}

const char *
mmd_sms_get_path(MmdSms *self)
{
  return self->path;
}

MdbusObjectSkeleton *
mmd_sms_get_object(MmdSms *self)
{
  return self->object;
}

MdbusSms *
mmd_sms_get_iface(MmdSms *self)
{
  return self->iface;
}

MmdModem *
mmd_sms_get_modem(MmdSms *self)
{
  return self->modem;
}

void
mmd_sms_detach(MmdSms *self)
{
  g_clear_weak_pointer(&self->modem);
}

GArray *
mmd_sms_get_locations(MmdSms *self)
{
  return self->locations;
}

void
mmd_sms_add_location(MmdSms *self, MmdSmsStorage storage, guint index)
{
  MmdSmsLocation location = { storage, index };

  if (index == MMD_SMS_NO_INDEX)
    return;
  g_array_append_val(self->locations, location);
  if (self->locations->len == 1)
    mdbus_sms_set_storage(self->iface, storage);
}

void
mmd_sms_clear_locations(MmdSms *self)
{
  g_array_set_size(self->locations, 0);
  mdbus_sms_set_storage(self->iface, MMD_SMS_STORAGE_UNKNOWN);
}

GArray *
mmd_sms_get_references(MmdSms *self)
{
  return self->references;
}
