/* A Call object (org.example.Modem1.Call): one voice call, its state and
 * the modem's id for it. Its methods are bound by the voice room, which also
 * moves its state. */
#pragma once

#include "mdbus-generated.h"
#include "plugin-api.h"

G_BEGIN_DECLS

/* What a number may take of the Number property: far more than any. */
#define MMD_VOICE_CALL_MAX_NUMBER 128

#define MMD_TYPE_VOICE_CALL (mmd_voice_call_get_type())
G_DECLARE_FINAL_TYPE(MmdVoiceCall, mmd_voice_call, MMD, VOICE_CALL, GObject)

MmdVoiceCall *mmd_voice_call_new(MmdModem *modem, const char *path, MmdCallDirection direction,
                                 const char *number);
const char *mmd_voice_call_get_path(MmdVoiceCall *self);
MdbusObjectSkeleton *mmd_voice_call_get_object(MmdVoiceCall *self);
MdbusCall *mmd_voice_call_get_iface(MmdVoiceCall *self);
MmdModem *mmd_voice_call_get_modem(MmdVoiceCall *self);
void mmd_voice_call_detach(MmdVoiceCall *self);
/* The modem's id of the call, 0 before it was placed. */
guint mmd_voice_call_get_id(MmdVoiceCall *self);
void mmd_voice_call_set_id(MmdVoiceCall *self, guint id);
MmdCallState mmd_voice_call_get_state(MmdVoiceCall *self);
/* Updates State and StateReason and emits StateChanged, once per change. */
void mmd_voice_call_set_state(MmdVoiceCall *self, MmdCallState state, MmdCallStateReason reason);

G_END_DECLS
