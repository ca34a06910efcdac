/* The SIM capability: unlocking and PIN management, and what a backend
 * reports about the card. Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* Results: boolean. On a wrong code the backend updates
   * mmd_modem_set_unlock_retries() before failing with
   * MobileEquipment.IncorrectPassword. */
  void (*send_pin)(MmdBackend *self, const char *pin, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
  void (*send_puk)(MmdBackend *self, const char *puk, const char *new_pin,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  void (*enable_pin)(MmdBackend *self, const char *pin, gboolean enabled, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
  void (*change_pin)(MmdBackend *self, const char *old_pin, const char *new_pin,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
} MmdSimOps;

void mmd_modem_provide_sim(MmdModem *modem, const MmdSimOps *ops, MmdBackend *backend);

/* A card is present: creates the SIM object on first use. NULL leaves a
 * value as it is. */
void mmd_modem_set_sim(MmdModem *self, const char *iccid, const char *imsi, const char *operator_id,
                       const char *operator_name);
void mmd_modem_set_sim_missing(MmdModem *self);
void mmd_modem_set_unlock_required(MmdModem *self, MmdModemLock lock);
void mmd_modem_set_unlock_retries(MmdModem *self, MmdModemLock lock, guint retries);
/* The emergency numbers the card lists (EF_ECC); numbers that are not dial
 * strings are dropped. NULL or none left: the 3GPP defaults, 112 and 911,
 * which the SIM object shows until this is called. */
void mmd_modem_set_emergency_numbers(MmdModem *self, const char *const *numbers);

G_END_DECLS
