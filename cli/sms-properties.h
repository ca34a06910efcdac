/* Pure helpers of modemctl's messaging and cell broadcast options: what
 * users type into what the API takes, and the names of delivery states as
 * mmcli prints them. No D-Bus traffic; unit-tested in test-sms-properties.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* --messaging-create-sms="number='+4917...',text='Hi',smsc=...,validity=MINUTES,class=N,
 * delivery-report-request=yes|no" (data, when not NULL, is the file of
 * --messaging-create-sms-with-data): the a{sv} of Messaging.Create with the
 * API's types; unknown keys and values that do not parse are refused. */
GVariant *modemctl_build_sms_properties(const char *str, GBytes *data, GError **error);

/* "4370-4383,50" (blanks allowed, "" for none): the a(uu) of
 * CellBroadcast.SetChannels. */
GVariant *modemctl_build_cbs_channels(const char *str, GError **error);
/* The same ranges as text again, "50,4370-4383" (for -K and the status). */
char *modemctl_cbs_channels_to_string(GVariant *channels);

/* A DeliveryState as mmcli names it ("completed-received", ...); a value in
 * a reserved or service-centre-specific range by its range. */
const char *modemctl_sms_delivery_state_to_string(guint state);

G_END_DECLS
