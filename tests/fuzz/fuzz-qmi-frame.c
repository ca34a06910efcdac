/* libFuzzer target: QMUX framing (reassembly across reads, resynchronisation
 * after garbage) and the device that matches what it frames to requests.
 *
 * Input: one byte for the read size, then the byte stream from the modem. The
 * stream is cut into reads of that size and pushed through a QmiFramer; every
 * message that comes out is described (the --debug line), decoded by the
 * decoder of its service and id if there is one, and delivered to a QmiDevice
 * over an in-memory transport that is opening, allocating a NAS client and
 * asking for the serving system, so that responses that match, half match or
 * match nothing all occur. Besides crashes and sanitizer reports, a finding
 * is: bytes that are neither in a message, nor dropped, nor waiting; a wait
 * for more than one frame; a log line that is not clean text. */
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "mmd-text.h"
#include "qmi-decoder-table.h"
#include "qmi-device.h"

/* ---- a transport whose modem is the fuzzer ------------------------------- */

static gboolean
memory_open(QmiTransport *self, GError **error)
{
  return TRUE;
}

static gboolean
memory_send(QmiTransport *self, QmiMessage *message, GError **error)
{
  return TRUE;
}

static void
memory_close(QmiTransport *self)
{
}

static void
memory_free(QmiTransport *self)
{
  g_free(self);
}

static const QmiTransportClass memory_class = {
  .kind = "memory",
  .open = memory_open,
  .send = memory_send,
  .close = memory_close,
  .free = memory_free,
};

/* ---- the host side: open, a NAS client, a request, indications ---------- */

typedef struct {
  QmiDevice *device;
  QmiClient *nas;
} Host;

static void
on_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  QmiNasServingSystemIndication ind;

  qmi_nas_serving_system_indication_parse(msg, &ind, NULL);
  qmi_output_base_clear(&ind.base);
}

static void
serving_system_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Host *host = user_data;
  QmiNasGetServingSystemOutput out;
  GError *error = NULL;

  if (!qmi_client_nas_get_serving_system_finish(host->nas, res, &out, &error)) {
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_clear_error(&error);
  }
  qmi_output_base_clear(&out.base);
}

static void
allocate_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Host *host = user_data;
  GError *error = NULL;

  host->nas = qmi_device_allocate_client_finish(host->device, res, &error);
  if (!host->nas) {
    g_clear_error(&error);
    return;
  }
  qmi_client_add_indication_handler(host->nas, 0xFFFF, on_indication, host);
  qmi_client_nas_get_serving_system(host->nas, 30, NULL, serving_system_ready, host);
}

static void
open_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Host *host = user_data;
  GError *error = NULL;

  if (!qmi_device_open_finish(host->device, res, &error)) {
    g_clear_error(&error);
    return;
  }
  qmi_device_allocate_client(host->device, QMI_SERVICE_NAS, 30, NULL, allocate_ready, host);
}

static void
drain(void)
{
  while (g_main_context_iteration(NULL, FALSE))
    ;
}

/* ---- one message out of the framer --------------------------------------- */

static void
decode_if_known(QmiMessage *msg)
{
  gboolean indication = qmi_message_get_kind(msg) == QMI_MESSAGE_KIND_INDICATION;

  for (gsize i = 0; i < qmi_decoder_table_len; i++) {
    const QmiDecoderEntry *e = &qmi_decoder_table[i];
    if (e->service == qmi_message_get_service(msg) && e->id == qmi_message_get_message_id(msg)
        && e->indication == indication)
      e->decode(msg);
  }
}

static void
inspect(QmiMessage *msg)
{
  char *line = qmi_message_describe(msg);
  gsize off = 0, tlvs_len;
  guint8 type;
  const guint8 *value;
  guint16 len, status, error;

  g_assert_true(mmd_text_is_clean(line, -1));
  g_free(line);
  qmi_message_get_tlvs(msg, &tlvs_len);
  while (qmi_message_next_tlv(msg, &off, &type, &value, &len))
    g_assert_cmpuint(off, <=, tlvs_len);
  g_assert_cmpuint(off, ==, tlvs_len); /* the framer lets only whole TLV areas through */
  qmi_message_get_result(msg, &status, &error);
  decode_if_known(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  QmiTransport *transport;
  Host host = { 0 };
  QmiFramer framer;
  gsize read_size, framed = 0, dropped_total = 0;

  if (size < 1)
    return 0;
  read_size = (gsize)data[0] + 1;
  data++;
  size--;
  transport = g_new0(QmiTransport, 1);
  transport->klass = &memory_class;
  transport->name = g_strdup("fuzz");
  host.device = qmi_device_new(transport);
  qmi_device_open(host.device, 30, NULL, open_ready, &host);
  drain();

  qmi_framer_init(&framer);
  for (gsize off = 0; off < size; off += read_size) {
    QmiMessage *msg;
    gsize dropped;

    qmi_framer_push(&framer, data + off, MIN(read_size, size - off));
    while ((msg = qmi_framer_next(&framer, &dropped))) {
      gsize len;

      dropped_total += dropped;
      qmi_message_get_raw(msg, &len);
      framed += len;
      inspect(msg);
      if (transport->on_message)
        transport->on_message(msg, transport->user_data);
      qmi_message_unref(msg);
      drain();
    }
    dropped_total += dropped;
    /* what waits is less than one frame */
    g_assert_cmpuint(framer.buf->len, <, QMI_MAX_FRAME_LEN);
  }
  g_assert_cmpuint(framed + dropped_total + framer.buf->len, ==, size);
  qmi_framer_clear(&framer);

  /* pending requests hold the device: close fails them, then it can go */
  qmi_device_close(host.device);
  drain();
  g_object_unref(host.device);
  return 0;
}
