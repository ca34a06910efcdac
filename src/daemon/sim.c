#define G_LOG_DOMAIN "modemd-sim"

#include "sim.h"

#include "auth.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "modem.h"

struct _MmdSim {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  MdbusObjectSkeleton *object;
  MdbusSim *iface;
};

G_DEFINE_TYPE(MmdSim, mmd_sim, G_TYPE_OBJECT)

static void
mmd_sim_dispose(GObject *object)
{
  MmdSim *self = MMD_SIM(object);

  mmd_sim_detach(self);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  G_OBJECT_CLASS(mmd_sim_parent_class)->dispose(object);
}

static void
mmd_sim_finalize(GObject *object)
{
  g_free(MMD_SIM(object)->path);
  G_OBJECT_CLASS(mmd_sim_parent_class)->finalize(object);
}

static void
mmd_sim_class_init(MmdSimClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_sim_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_sim_finalize;
}

static void
mmd_sim_init(MmdSim *self)
{
}

static gboolean
check_modem(MmdSim *self, GDBusMethodInvocation *invocation)
{
  if (self->modem)
    return TRUE;
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                                        "The modem of this SIM is gone");
  return FALSE;
}

static void
do_send_pin(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdSim *self = MMD_SIM(target);
  g_autoptr(GError) error = NULL;
  const char *pin;

  if (!check_modem(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s)", &pin);
  if (!mmd_validate_pin(pin, "PIN", &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  mmd_modem_unlock_async(self->modem, pin, NULL, mmd_dbus_complete_bool, g_object_ref(invocation));
}

static void
do_send_puk(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdSim *self = MMD_SIM(target);
  g_autoptr(GError) error = NULL;
  const char *puk, *pin;

  if (!check_modem(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &puk, &pin);
  if (!mmd_validate_puk(puk, &error) || !mmd_validate_pin(pin, "new PIN", &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  mmd_modem_unlock_async(self->modem, pin, puk, mmd_dbus_complete_bool, g_object_ref(invocation));
}

static MmdBackendClass *
backend_class(MmdSim *self)
{
  return MMD_BACKEND_GET_CLASS(mmd_modem_get_backend(self->modem));
}

static gboolean
check_unlocked(MmdSim *self, GDBusMethodInvocation *invocation)
{
  MmdModemLock lock = mmd_modem_get_unlock_required(self->modem);

  if (lock == MMD_MODEM_LOCK_NONE)
    return TRUE;
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                                        "The SIM is locked (%s)", mmd_modem_lock_to_string(lock));
  return FALSE;
}

static void
do_enable_pin(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdSim *self = MMD_SIM(target);
  g_autoptr(GError) error = NULL;
  const char *pin;
  gboolean enabled;

  if (!check_modem(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&sb)", &pin, &enabled);
  if (!mmd_validate_pin(pin, "PIN", &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  if (!check_unlocked(self, invocation))
    return;
  if (!backend_class(self)->enable_pin) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                          "Changing PIN protection is not supported");
    return;
  }
  backend_class(self)->enable_pin(mmd_modem_get_backend(self->modem), pin, enabled, NULL,
                                  mmd_dbus_complete_bool, g_object_ref(invocation));
}

static void
do_change_pin(GObject *target, GDBusMethodInvocation *invocation)
{
  MmdSim *self = MMD_SIM(target);
  g_autoptr(GError) error = NULL;
  const char *old_pin, *new_pin;

  if (!check_modem(self, invocation))
    return;
  g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &old_pin, &new_pin);
  if (!mmd_validate_pin(old_pin, "old PIN", &error)
      || !mmd_validate_pin(new_pin, "new PIN", &error)) {
    mmd_dbus_return_error(invocation, error);
    return;
  }
  if (!check_unlocked(self, invocation))
    return;
  if (!backend_class(self)->change_pin) {
    g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                          "Changing the PIN is not supported");
    return;
  }
  backend_class(self)->change_pin(mmd_modem_get_backend(self->modem), old_pin, new_pin, NULL,
                                  mmd_dbus_complete_bool, g_object_ref(invocation));
}

static void
do_unsupported(GObject *target, GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_error(invocation, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                        "%s is not supported",
                                        g_dbus_method_invocation_get_method_name(invocation));
}

static gboolean
handle_send_pin(MdbusSim *iface, GDBusMethodInvocation *invocation, const char *pin, MmdSim *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_send_pin);
  return TRUE;
}

static gboolean
handle_send_puk(MdbusSim *iface, GDBusMethodInvocation *invocation, const char *puk,
                const char *pin, MmdSim *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_send_puk);
  return TRUE;
}

static gboolean
handle_enable_pin(MdbusSim *iface, GDBusMethodInvocation *invocation, const char *pin,
                  gboolean enabled, MmdSim *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_enable_pin);
  return TRUE;
}

static gboolean
handle_change_pin(MdbusSim *iface, GDBusMethodInvocation *invocation, const char *old_pin,
                  const char *new_pin, MmdSim *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_change_pin);
  return TRUE;
}

static gboolean
handle_set_preferred_networks(MdbusSim *iface, GDBusMethodInvocation *invocation,
                              GVariant *networks, MmdSim *self)
{
  mmd_auth_authorize(invocation, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self), do_unsupported);
  return TRUE;
}

MmdSim *
mmd_sim_new(MmdModem *modem, guint index)
{
  MmdSim *self = g_object_new(MMD_TYPE_SIM, NULL);
  const char *const none[] = { NULL };

  self->modem = modem;
  g_object_add_weak_pointer(G_OBJECT(modem), (gpointer *)&self->modem);
  self->path = g_strdup_printf(MMD_DBUS_SIM_PREFIX "/%u", index);
  self->object = mdbus_object_skeleton_new(self->path);
  self->iface = mdbus_sim_skeleton_new();
  mdbus_sim_set_active(self->iface, TRUE);
  mdbus_sim_set_sim_identifier(self->iface, "");
  mdbus_sim_set_imsi(self->iface, "");
  mdbus_sim_set_eid(self->iface, "");
  mdbus_sim_set_operator_identifier(self->iface, "");
  mdbus_sim_set_operator_name(self->iface, "");
  mdbus_sim_set_emergency_numbers(self->iface, none);
  mdbus_sim_set_preferred_networks(self->iface,
                                   g_variant_new_array(G_VARIANT_TYPE("(su)"), NULL, 0));
  mdbus_sim_set_gid1(self->iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, NULL, 0, 1));
  mdbus_sim_set_gid2(self->iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, NULL, 0, 1));
  mdbus_sim_set_sim_type(self->iface, 1 /* physical */);
  mdbus_sim_set_removability(self->iface, 1 /* removable */);
  mdbus_object_skeleton_set_sim(self->object, self->iface);
  g_signal_connect(self->iface, "handle-send-pin", G_CALLBACK(handle_send_pin), self);
  g_signal_connect(self->iface, "handle-send-puk", G_CALLBACK(handle_send_puk), self);
  g_signal_connect(self->iface, "handle-enable-pin", G_CALLBACK(handle_enable_pin), self);
  g_signal_connect(self->iface, "handle-change-pin", G_CALLBACK(handle_change_pin), self);
  g_signal_connect(self->iface, "handle-set-preferred-networks",
                   G_CALLBACK(handle_set_preferred_networks), self);
  return self;
}

const char *
mmd_sim_get_path(MmdSim *self)
{
  return self->path;
}

MdbusObjectSkeleton *
mmd_sim_get_object(MmdSim *self)
{
  return self->object;
}

void
mmd_sim_update(MmdSim *self, const char *iccid, const char *imsi, const char *operator_id,
               const char *operator_name)
{
  if (iccid)
    mdbus_sim_set_sim_identifier(self->iface, iccid);
  if (imsi)
    mdbus_sim_set_imsi(self->iface, imsi);
  if (operator_id)
    mdbus_sim_set_operator_identifier(self->iface, operator_id);
  if (operator_name)
    mdbus_sim_set_operator_name(self->iface, operator_name);
}

void
mmd_sim_detach(MmdSim *self)
{
  if (!self->modem)
    return;
  g_object_remove_weak_pointer(G_OBJECT(self->modem), (gpointer *)&self->modem);
  self->modem = NULL;
}
