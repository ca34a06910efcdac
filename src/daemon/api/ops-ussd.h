/* The USSD capability. Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

/* The network's answer to Initiate or Respond. */
typedef struct {
  char *text;              /* UTF-8 */
  gboolean needs_response; /* the network waits for Respond */
} MmdUssdReply;

MmdUssdReply *mmd_ussd_reply_new(const char *text, gboolean needs_response);
void mmd_ussd_reply_free(MmdUssdReply *reply);

/* A request whose answer comes later, as an indication or URC (the network
 * may take a minute to answer): what a backend keeps while it waits
 * (ussd-pending.c). Zeroed when idle; embed it in the backend's state. */
typedef struct {
  GTask *task;
  guint timeout_id;
  gulong cancelled_id;
} MmdUssdPending;

/* Waits for the answer of task for at most timeout_s; the task ends with
 * Serial.ResponseTimeout then, or as cancelled when its cancellable fires. */
void mmd_ussd_pending_wait(MmdUssdPending *pending, GTask *task, guint timeout_s);
/* Ends the waiting task with reply or else error (both taken; dropped if
 * nothing waits). */
void mmd_ussd_pending_finish(MmdUssdPending *pending, MmdUssdReply *reply, GError *error);

typedef struct {
  /* Send a USSD string and wait for the network's answer, however the modem
   * delivers it (the reply of the request or an indication/URC). Results:
   * pointer, an MmdUssdReply (freed with mmd_ussd_reply_free). */
  void (*initiate)(MmdBackend *self, const char *command, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
  void (*respond)(MmdBackend *self, const char *response, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
  /* Result: boolean. */
  void (*cancel)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data);
} MmdUssdOps;

void mmd_modem_provide_ussd(MmdModem *modem, const MmdUssdOps *ops, MmdBackend *backend);

/* The network started something: a notification (no answer expected), a
 * request (it waits for Respond), or it ended the session. text may be NULL
 * for an end. */
typedef enum {
  MMD_USSD_NETWORK_NOTIFICATION,
  MMD_USSD_NETWORK_REQUEST,
  MMD_USSD_NETWORK_END,
} MmdUssdNetworkKind;
void mmd_modem_ussd_network(MmdModem *self, MmdUssdNetworkKind kind, const char *text);

G_END_DECLS
