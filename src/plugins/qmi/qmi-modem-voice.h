/* The VOICE service of the QMI backend, shared by qmi-modem-voice.c (calls),
 * qmi-modem-ussd.c (USSD) and qmi-modem-ecc.c (the card's emergency numbers). */
#pragma once

#include "mmd-errors.h"
#include "qmi-modem.h"

G_BEGIN_DECLS

typedef struct _QmiUssd QmiUssd;

struct _QmiVoice {
  MmdQmiBackend *backend; /* owns this */
  QmiClient *client;      /* NULL until allocated (or when the modem has no VOICE) */
  gboolean setting_up;
  GTask *settled; /* completes when the set-up is over */
  guint call_status_id;
  GHashTable *calls; /* call id -> MmdCallState last reported, for the ones that vanish */
  QmiUssd *ussd;
};

/* The task of an operation on the VOICE client; NULL (the callback already
 * answered) when the client is not there. */
GTask *qmi_voice_task(MmdBackend *backend, const char *what, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data);

/* qmi-modem-ussd.c: its indication handlers on the client, and their end. */
QmiUssd *qmi_ussd_new(QmiVoice *voice);
void qmi_ussd_free(QmiUssd *ussd);

/* The set-up is over (the client with its indications and calls, or none). */
void qmi_voice_setup_done(MmdQmiBackend *self);

/* qmi-modem-ecc.c: reads EF_ECC with UIM and reports the numbers (best
 * effort), then qmi_voice_setup_done(). */
void qmi_ecc_load(MmdQmiBackend *self);

G_END_DECLS
