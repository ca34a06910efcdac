/* The voice capability: calls, as the modem numbers them (its call ids).
 * A backend reports every change of a call it knows with
 * mmd_modem_call_update(); the core keeps the Call objects. Conventions as
 * in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* Place a call. Result: int, the modem's id of the new call (>= 1); its
   * ringing and answer come as updates. */
  void (*dial)(MmdBackend *self, const char *number, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data);
  /* Results: boolean. */
  void (*accept)(MmdBackend *self, guint call_id, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data);
  void (*hangup)(MmdBackend *self, guint call_id, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data);
  void (*deflect)(MmdBackend *self, guint call_id, const char *number, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
  void (*send_dtmf)(MmdBackend *self, guint call_id, const char *dtmf, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);
  void (*join_multiparty)(MmdBackend *self, guint call_id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
  void (*leave_multiparty)(MmdBackend *self, guint call_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
  /* What 27.007 +CHLD does: 0 release held or waiting, 1 release active and
   * accept other, 2 hold active and accept other, 3 join, 4 transfer; and
   * every call. Results: boolean. */
  void (*hangup_all)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data);
  void (*hangup_and_accept)(MmdBackend *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
  void (*hold_and_accept)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
  void (*transfer)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data);
  /* Result: boolean. */
  void (*call_waiting_setup)(MmdBackend *self, gboolean enable, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
  /* Result: int, 1 when call waiting is on. */
  void (*call_waiting_query)(MmdBackend *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
} MmdVoiceOps;

void mmd_modem_provide_voice(MmdModem *modem, const MmdVoiceOps *ops, MmdBackend *backend);

/* What the modem says of one call now. A new incoming id makes a new call
 * (CallAdded); a call reported terminated keeps its object until deleted.
 * number may be NULL (withheld or unknown). */
void mmd_modem_call_update(MmdModem *self, guint call_id, MmdCallDirection direction,
                           MmdCallState state, MmdCallStateReason reason, const char *number,
                           gboolean multiparty);
/* Every call the modem had is over (the modem or network dropped them all). */
void mmd_modem_calls_all_ended(MmdModem *self, MmdCallStateReason reason);
void mmd_modem_call_dtmf_received(MmdModem *self, guint call_id, const char *dtmf);
/* Only emergency calls can be placed (limited service). */
void mmd_modem_set_emergency_only(MmdModem *self, gboolean emergency_only);

G_END_DECLS
