/* The messaging room's insides, shared by messaging*.c only. */
#pragma once

#include "messaging.h"
#include "method.h"
#include "modemd-codec.h"
#include "providers.h"
#include "sms.h"

G_BEGIN_DECLS

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MdbusModemMessaging *iface;
  GPtrArray *messages; /* MmdSms */
  MmdSmsAssembly *assembly;
  /* key of a message being assembled -> GArray of MmdSmsLocation */
  GHashTable *part_locations;
  guint flush_id;
  gboolean loaded;
  guint8 next_reference;
  guint8 next_concat_reference;
} MessagingRoom;

#define MESSAGING_FIND_OP(room, op) MMD_PROVIDER_FIND((room)->providers, MmdMessagingOps, op)
#define MESSAGING_OP(provider, op) MMD_PROVIDER_OP(provider, MmdMessagingOps, op)

guint messaging_part_timeout(void);

/* messaging.c: a new Sms object, then its export once its properties are set. */
MmdSms *messaging_add_message(MessagingRoom *room);
void messaging_announce(MessagingRoom *room, MmdSms *sms, gboolean received);
void messaging_remove_message(MessagingRoom *room, MmdSms *sms);

/* messaging-receive.c: one PDU the modem got (new_arrival) or holds. */
void messaging_take_record(MessagingRoom *room, MmdSmsStorage storage, guint index,
                           MmdSmsRecordState state, GBytes *pdu, gboolean new_arrival);
void messaging_receive_clear(MessagingRoom *room);
/* The table of messages being assembled, for MessagingRoom.part_locations. */
GHashTable *messaging_pending_table_new(void);

/* messaging-send.c */
void messaging_bind_sms(MessagingRoom *room, MmdSms *sms);
void messaging_create_run(MmdCall *call);
void messaging_delete_run(MmdCall *call);

G_END_DECLS
