/* The messaging capability: SMS PDUs in and out of the modem.
 *
 * A backend only moves raw PDUs (the SMSC field first, as AT +CMGR and
 * QMI/MBIM raw reads give them) and storage indexes; the core decodes,
 * assembles multi-part messages, encodes what clients send and keeps the Sms
 * objects. Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

/* A message the modem received or holds, without an index when it was only
 * passed through (QMI transfer-only, AT +CMT). */
#define MMD_SMS_NO_INDEX G_MAXUINT

typedef enum {
  MMD_SMS_RECORD_RECEIVED_UNREAD,
  MMD_SMS_RECORD_RECEIVED_READ,
  MMD_SMS_RECORD_STORED_UNSENT,
  MMD_SMS_RECORD_STORED_SENT,
} MmdSmsRecordState;

typedef struct {
  MmdSmsStorage storage;
  guint index; /* or MMD_SMS_NO_INDEX */
  MmdSmsRecordState state;
  GBytes *pdu; /* SMSC field then TPDU */
} MmdSmsRecord;

MmdSmsRecord *mmd_sms_record_new(MmdSmsStorage storage, guint index, MmdSmsRecordState state,
                                 const guint8 *pdu, gsize len);
void mmd_sms_record_free(MmdSmsRecord *record);

typedef struct {
  /* Every message in the storages the modem reads from. Result: pointer, a
   * GPtrArray of MmdSmsRecord with mmd_sms_record_free as free function. */
  void (*load)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data);
  /* Send one SMS-SUBMIT PDU (tpdu_len octets after the SMSC field). Result:
   * int, the message reference the network gave (0..255). */
  void (*send)(MmdBackend *self, GBytes *pdu, guint tpdu_len, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data);
  /* Write one PDU to storage as unsent. Result: int, its index. */
  void (*store)(MmdBackend *self, GBytes *pdu, guint tpdu_len, MmdSmsStorage storage,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  /* Send a stored PDU. Result: int, the message reference. */
  void (*send_stored)(MmdBackend *self, MmdSmsStorage storage, guint index,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  /* Result: boolean. */
  void (*delete_stored)(MmdBackend *self, MmdSmsStorage storage, guint index,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
  /* Where new and received messages go. Result: boolean. */
  void (*set_default_storage)(MmdBackend *self, MmdSmsStorage storage, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
} MmdMessagingOps;

void mmd_modem_provide_messaging(MmdModem *modem, const MmdMessagingOps *ops, MmdBackend *backend);

/* The storages the modem has and the current default. */
void mmd_modem_set_sms_storages(MmdModem *self, const MmdSmsStorage *storages, gsize n_storages,
                                MmdSmsStorage default_storage);
/* A message arrived (an indication or URC, already read from storage when it
 * was stored). The core takes it from here; a PDU that does not decode is
 * logged and dropped. */
void mmd_modem_sms_received(MmdModem *self, MmdSmsStorage storage, guint index,
                            MmdSmsRecordState state, const guint8 *pdu, gsize len);

G_END_DECLS
