/* The Call object (see voice-call.h). */
#define G_LOG_DOMAIN "modemd-voice"

#include "voice-call.h"

#include "mmd-text.h"

struct _MmdVoiceCall {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  guint id;
  MdbusObjectSkeleton *object;
  MdbusCall *iface;
};

G_DEFINE_TYPE(MmdVoiceCall, mmd_voice_call, G_TYPE_OBJECT)

static void
mmd_voice_call_dispose(GObject *object)
{
  MmdVoiceCall *self = MMD_VOICE_CALL(object);

  mmd_voice_call_detach(self);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  G_OBJECT_CLASS(mmd_voice_call_parent_class)->dispose(object);
}

static void
mmd_voice_call_finalize(GObject *object)
{
  g_free(MMD_VOICE_CALL(object)->path);
  G_OBJECT_CLASS(mmd_voice_call_parent_class)->finalize(object);
}

static void
mmd_voice_call_class_init(MmdVoiceCallClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_voice_call_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_voice_call_finalize;
}

static void
mmd_voice_call_init(MmdVoiceCall *self)
{
}

MmdVoiceCall *
mmd_voice_call_new(MmdModem *modem, const char *path, MmdCallDirection direction,
                   const char *number)
{
  MmdVoiceCall *self = g_object_new(MMD_TYPE_VOICE_CALL, NULL);
  /* a client's number was checked; a modem's may hold anything */
  g_autofree char *text = mmd_text_sanitize(number, -1, MMD_VOICE_CALL_MAX_NUMBER);

  g_set_weak_pointer(&self->modem, modem);
  self->path = g_strdup(path);
  self->object = mdbus_object_skeleton_new(path);
  self->iface = mdbus_call_skeleton_new();
  mdbus_call_set_state(self->iface, MMD_CALL_STATE_UNKNOWN);
  mdbus_call_set_state_reason(self->iface, MMD_CALL_STATE_REASON_UNKNOWN);
  mdbus_call_set_direction(self->iface, direction);
  mdbus_call_set_number(self->iface, text);
  mdbus_call_set_multiparty(self->iface, FALSE);
  mdbus_call_set_audio_port(self->iface, "");
  mdbus_call_set_audio_format(self->iface, g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
  mdbus_object_skeleton_set_call(self->object, self->iface);
  return self;
}

const char *
mmd_voice_call_get_path(MmdVoiceCall *self)
{
  return self->path;
}

MdbusObjectSkeleton *
mmd_voice_call_get_object(MmdVoiceCall *self)
{
  return self->object;
}

MdbusCall *
mmd_voice_call_get_iface(MmdVoiceCall *self)
{
  return self->iface;
}

MmdModem *
mmd_voice_call_get_modem(MmdVoiceCall *self)
{
  return self->modem;
}

void
mmd_voice_call_detach(MmdVoiceCall *self)
{
  g_clear_weak_pointer(&self->modem);
}

guint
mmd_voice_call_get_id(MmdVoiceCall *self)
{
  return self->id;
}

void
mmd_voice_call_set_id(MmdVoiceCall *self, guint id)
{
  self->id = id;
}

MmdCallState
mmd_voice_call_get_state(MmdVoiceCall *self)
{
  return mdbus_call_get_state(self->iface);
}

void
mmd_voice_call_set_state(MmdVoiceCall *self, MmdCallState state, MmdCallStateReason reason)
{
  MmdCallState old = mdbus_call_get_state(self->iface);

  if (old == state)
    return;
  g_message("%s: %s -> %s (%s)", self->path, mmd_call_state_to_string(old),
            mmd_call_state_to_string(state), mmd_call_state_reason_to_string(reason));
  mdbus_call_set_state(self->iface, state);
  mdbus_call_set_state_reason(self->iface, reason);
  g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->iface));
  mdbus_call_emit_state_changed(self->iface, old, state, reason);
}
