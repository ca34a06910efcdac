/* The voice room's insides, shared by voice*.c only. */
#pragma once

#include "method.h"
#include "providers.h"
#include "voice-call.h"
#include "voice.h"

G_BEGIN_DECLS

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemVoice *iface;
  GPtrArray *calls;      /* MmdVoiceCall */
  MmdVoiceCall *dialing; /* being started, not numbered yet */
  /* The 3GPP interface whose registration says "emergency only" (weak). */
  MdbusModemModem3gpp *modem3gpp;
  gulong interface_added_id, registration_id;
} VoiceRoom;

#define VOICE_FIND_OP(room, op) MMD_PROVIDER_FIND((room)->providers, MmdVoiceOps, op)
#define VOICE_OP(provider, op) MMD_PROVIDER_OP(provider, MmdVoiceOps, op)

/* voice-call-methods.c: Start, Accept, Hangup, ... of one call. */
void voice_bind_call(VoiceRoom *room, MmdVoiceCall *call);

G_END_DECLS
