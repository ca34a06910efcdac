/* The messaging room: org.example.Modem1.Modem.Messaging and its Sms
 * objects. Plugins move PDUs (ops-messaging.h); this room decodes,
 * assembles and encodes them with the codec room (src/codec). */
#pragma once

#include "modem.h"

G_BEGIN_DECLS

/* How long the parts of a message that arrived wait for the missing ones
 * before the message is shown with what came (--sms-part-timeout). */
#define MMD_MESSAGING_DEFAULT_PART_TIMEOUT_S 180
void mmd_messaging_set_part_timeout(guint seconds);

G_END_DECLS
