/* Cell broadcast over 27.005: the channels chosen are the message
 * identifiers +CSCB accepts, and pages come as +CBM URCs (PDU mode: the 88
 * octets of a GSM page), which +CNMI turns on with the SMS indications
 * (at-modem-sms.c). */
#define G_LOG_DOMAIN "modemd-at"

#include "at-modem.h"
#include "at-parse-sms.h"

/* A GSM page is 88 octets (23.041 9.4.1.2). */
#define CBS_PAGE_OCTETS 88

void
at_cbs_on_cbm(MmdAtChannel *ch, const char *text, gpointer user_data)
{
  MmdAtModem *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) page = mmd_at_parse_pdu_urc(text, &error);
  gsize len;
  const guint8 *data;

  if (!page) {
    g_message("%s", error->message);
    return;
  }
  data = g_bytes_get_data(page, &len);
  if (len != CBS_PAGE_OCTETS) {
    g_message("A broadcast page of %zu octets dropped", len);
    return;
  }
  mmd_modem_cbs_received(modem_of(self), data, len);
}

/* "0-5,50,4370": the ranges as +CSCB lists message identifiers. */
static char *
mids_of(const MmdCbsChannelRange *ranges, gsize n_ranges)
{
  GString *mids = g_string_new(NULL);

  for (gsize i = 0; i < n_ranges; i++) {
    g_string_append_printf(mids, "%s%u", i ? "," : "", ranges[i].first);
    if (ranges[i].last != ranges[i].first)
      g_string_append_printf(mids, "-%u", ranges[i].last);
  }
  return g_string_free(mids, FALSE);
}

void
at_cbs_set_channels(MmdBackend *backend, const MmdCbsChannelRange *ranges, gsize n_ranges,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdAtModem *self = MMD_AT_MODEM(backend);
  Seq *seq = at_seq_new(self, cancellable, callback, user_data);
  g_autofree char *mids = mids_of(ranges, n_ranges);
  /* mode 0 accepts the identifiers listed: an empty list accepts none */
  g_autofree char *cmd = g_strdup_printf("AT+CSCB=0,\"%s\",\"\"", mids);

  at_sms_watch_urcs(self);
  at_seq_add(seq, cmd, 0, 0, FALSE, NULL);
  at_seq_next(seq);
}
