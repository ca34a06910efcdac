/* QMI device over a pseudo-terminal, with the test playing the modem. */
#include <fcntl.h>
#include <glib-unix.h>
#include <pty.h>
#include <string.h>
#include <unistd.h>

#include "mmd-errors.h"
#include "qmi-device.h"
#include "qmi-generated.h"

typedef struct {
  int master;
  char *slave_path;
  guint watch;
  QmiFramer framer;
  GPtrArray *received; /* QmiMessage from the host */
  gboolean silent_ids; /* don't answer DMS Get IDs */
  /* answer DMS Get IDs first with a response of another message id */
  gboolean wrong_id_first;
  guint8 next_cid;
  QmiDevice *device;
  GMainLoop *loop;
  gboolean gone;
} Fixture;

static void
peer_send(Fixture *f, QmiMessage *msg)
{
  gsize len;
  const guint8 *raw = qmi_message_get_raw(msg, &len);
  /* in two writes, to exercise partial reads */
  g_assert_cmpint(write(f->master, raw, len / 2), ==, (gssize)(len / 2));
  g_assert_cmpint(write(f->master, raw + len / 2, len - len / 2), ==, (gssize)(len - len / 2));
}

/* A successful response to req with message id id and tlvs (consumed). */
static void
peer_respond_as(Fixture *f, QmiMessage *req, guint16 id, GByteArray *tlvs)
{
  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, QMI_TLV_RESULT);
  qmi_put_u16(b, 0);
  qmi_put_u16(b, 0);
  qmi_tlv_end(b, s);
  if (tlvs)
    g_byte_array_append(b, tlvs->data, tlvs->len);
  g_autoptr(QmiMessage) resp = qmi_message_new(
      qmi_message_get_service(req), qmi_message_get_client_id(req), QMI_MESSAGE_KIND_RESPONSE,
      qmi_message_get_transaction_id(req), id, b->data, b->len);
  g_byte_array_unref(b);
  if (tlvs)
    g_byte_array_unref(tlvs);
  peer_send(f, resp);
}

static void
peer_respond(Fixture *f, QmiMessage *req, GByteArray *tlvs)
{
  peer_respond_as(f, req, qmi_message_get_message_id(req), tlvs);
}

/* A Get Manufacturer response: its TLV 0x01 is where Get IDs has nothing. */
static void
peer_respond_wrong_id(Fixture *f, QmiMessage *req)
{
  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, 0x01);
  qmi_put_bytes(b, "Wrong", 5);
  qmi_tlv_end(b, s);
  peer_respond_as(f, req, QMI_DMS_MSG_GET_MANUFACTURER, b);
}

static void
peer_handle(Fixture *f, QmiMessage *req)
{
  guint8 service = qmi_message_get_service(req);
  guint16 id = qmi_message_get_message_id(req);
  GByteArray *b = g_byte_array_new();
  gsize s;
  guint16 len;
  const guint8 *v;

  if (service == QMI_SERVICE_CTL && id == QMI_CTL_MSG_GET_VERSION_INFO) {
    s = qmi_tlv_begin(b, 0x01);
    qmi_put_u8(b, 2);
    qmi_put_u8(b, QMI_SERVICE_DMS);
    qmi_put_u16(b, 1);
    qmi_put_u16(b, 14);
    qmi_put_u8(b, QMI_SERVICE_NAS);
    qmi_put_u16(b, 1);
    qmi_put_u16(b, 25);
    qmi_tlv_end(b, s);
  } else if (service == QMI_SERVICE_CTL && id == QMI_CTL_MSG_ALLOCATE_CID) {
    v = qmi_message_get_tlv(req, 0x01, &len);
    s = qmi_tlv_begin(b, 0x01);
    qmi_put_u8(b, v[0]);
    qmi_put_u8(b, f->next_cid++);
    qmi_tlv_end(b, s);
  } else if (service == QMI_SERVICE_CTL && id == QMI_CTL_MSG_RELEASE_CID) {
    v = qmi_message_get_tlv(req, 0x01, &len);
    s = qmi_tlv_begin(b, 0x01);
    qmi_put_bytes(b, v, 2);
    qmi_tlv_end(b, s);
  } else if (service == QMI_SERVICE_DMS && id == QMI_DMS_MSG_GET_IDS) {
    if (f->wrong_id_first)
      peer_respond_wrong_id(f, req);
    if (f->silent_ids) {
      g_byte_array_unref(b);
      return;
    }
    s = qmi_tlv_begin(b, 0x11);
    qmi_put_bytes(b, "490154203237518", 15);
    qmi_tlv_end(b, s);
  }
  peer_respond(f, req, b);
}

static gboolean
peer_readable(gint fd, GIOCondition cond, gpointer user_data)
{
  Fixture *f = user_data;
  guint8 buf[1024];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n <= 0) {
    f->watch = 0; /* the device closed its side */
    return G_SOURCE_REMOVE;
  }
  qmi_framer_push(&f->framer, buf, n);
  QmiMessage *msg;
  while ((msg = qmi_framer_next(&f->framer, NULL))) {
    g_ptr_array_add(f->received, msg);
    peer_handle(f, msg);
  }
  return G_SOURCE_CONTINUE;
}

static void
on_gone(QmiDevice *device, const char *why, gpointer user_data)
{
  Fixture *f = user_data;
  f->gone = TRUE;
  g_main_loop_quit(f->loop);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  int slave;
  char name[256];
  g_assert_cmpint(openpty(&f->master, &slave, name, NULL, NULL), ==, 0);
  struct termios tio;
  tcgetattr(f->master, &tio);
  cfmakeraw(&tio);
  tcsetattr(f->master, TCSANOW, &tio);
  f->slave_path = g_strdup(name);
  /* keep the slave open until the device has it, so the master sees no hang-up */
  f->watch = g_unix_fd_add(f->master, G_IO_IN, peer_readable, f);
  qmi_framer_init(&f->framer);
  f->received = g_ptr_array_new_with_free_func((GDestroyNotify)qmi_message_unref);
  f->next_cid = 1;
  f->loop = g_main_loop_new(NULL, FALSE);
  f->device = qmi_device_new_for_path(f->slave_path);
  g_signal_connect(f->device, "gone", G_CALLBACK(on_gone), f);
  close(slave);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  g_clear_object(&f->device);
  if (f->watch)
    g_source_remove(f->watch);
  if (f->master >= 0)
    close(f->master);
  qmi_framer_clear(&f->framer);
  g_ptr_array_unref(f->received);
  g_main_loop_unref(f->loop);
  g_free(f->slave_path);
}

static void
got_result(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref(res);
}

static GAsyncResult *
wait_result(GAsyncResult **slot)
{
  while (!*slot)
    g_main_context_iteration(NULL, TRUE);
  return *slot;
}

static QmiClient *
open_and_allocate(Fixture *f, guint8 service)
{
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  qmi_device_open(f->device, 5, NULL, got_result, &res);
  g_assert_true(qmi_device_open_finish(f->device, wait_result(&res), &error));
  g_assert_no_error(error);
  g_clear_object(&res);
  guint16 major = 0, minor = 0;
  g_assert_true(qmi_device_get_service_version(f->device, QMI_SERVICE_NAS, &major, &minor));
  g_assert_cmpuint(major, ==, 1);
  g_assert_cmpuint(minor, ==, 25);
  g_assert_false(qmi_device_get_service_version(f->device, QMI_SERVICE_WDS, NULL, NULL));

  qmi_device_allocate_client(f->device, service, 5, NULL, got_result, &res);
  QmiClient *client = qmi_device_allocate_client_finish(f->device, wait_result(&res), &error);
  g_assert_no_error(error);
  g_assert_nonnull(client);
  g_clear_object(&res);
  return client;
}

static void
test_request_response(Fixture *f, gconstpointer data)
{
  QmiClient *dms = open_and_allocate(f, QMI_SERVICE_DMS);
  g_assert_cmpuint(qmi_client_get_cid(dms), ==, 1);
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  QmiDmsGetIdsOutput out;
  qmi_client_dms_get_ids(dms, 5, NULL, got_result, &res);
  g_assert_true(qmi_client_dms_get_ids_finish(dms, wait_result(&res), &out, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(out.imei, ==, "490154203237518");
  qmi_output_base_clear(&out.base);
  g_clear_object(&res);

  /* close releases the client */
  qmi_device_close(f->device);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  gboolean released = FALSE;
  for (guint i = 0; i < f->received->len; i++) {
    QmiMessage *m = g_ptr_array_index(f->received, i);
    released |= qmi_message_get_service(m) == QMI_SERVICE_CTL
                && qmi_message_get_message_id(m) == QMI_CTL_MSG_RELEASE_CID;
  }
  g_assert_true(released);
  g_assert_false(f->gone); /* a deliberate close is not "gone" */
}

static void
test_timeout_and_cancel(Fixture *f, gconstpointer data)
{
  QmiClient *dms = open_and_allocate(f, QMI_SERVICE_DMS);
  f->silent_ids = TRUE;
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  QmiDmsGetIdsOutput out;
  qmi_client_dms_get_ids(dms, 1, NULL, got_result, &res);
  g_assert_false(qmi_client_dms_get_ids_finish(dms, wait_result(&res), &out, &error));
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT);
  g_clear_object(&res);
  g_clear_error(&error);

  g_autoptr(GCancellable) cancellable = g_cancellable_new();
  qmi_client_dms_get_ids(dms, 30, cancellable, got_result, &res);
  g_cancellable_cancel(cancellable);
  g_assert_false(qmi_client_dms_get_ids_finish(dms, wait_result(&res), &out, &error));
  g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object(&res);
  g_clear_error(&error);

  /* a modem that stops answering altogether is gone */
  GAsyncResult *results[3] = { NULL };
  for (guint i = 0; i < G_N_ELEMENTS(results); i++)
    qmi_client_dms_get_ids(dms, 1, NULL, got_result, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS(results); i++) {
    g_assert_false(qmi_client_dms_get_ids_finish(dms, wait_result(&results[i]), &out, &error));
    /* timeouts, until the device gives up and fails the rest */
    g_assert_true(g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
                  || g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN));
    g_clear_error(&error);
    g_clear_object(&results[i]);
  }
  g_assert_true(f->gone);
  g_assert_false(qmi_device_is_open(f->device));
}

static void
test_response_of_another_message(Fixture *f, gconstpointer data)
{
  QmiClient *dms = open_and_allocate(f, QMI_SERVICE_DMS);
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  QmiDmsGetIdsOutput out;

  /* same service, client and transaction, other message id: not ours; the
   * right response that follows completes the request */
  f->wrong_id_first = TRUE;
  qmi_client_dms_get_ids(dms, 5, NULL, got_result, &res);
  g_assert_true(qmi_client_dms_get_ids_finish(dms, wait_result(&res), &out, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(out.imei, ==, "490154203237518");
  qmi_output_base_clear(&out.base);
  g_clear_object(&res);

  /* a modem that only ever answers with the wrong message is as good as
   * silent: its requests time out and the device gives up on it */
  f->silent_ids = TRUE;
  GAsyncResult *results[3] = { NULL };
  for (guint i = 0; i < G_N_ELEMENTS(results); i++)
    qmi_client_dms_get_ids(dms, 1, NULL, got_result, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS(results); i++) {
    g_assert_false(qmi_client_dms_get_ids_finish(dms, wait_result(&results[i]), &out, &error));
    g_assert_true(g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_RESPONSE_TIMEOUT)
                  || g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN));
    g_clear_error(&error);
    g_clear_object(&results[i]);
  }
  g_assert_true(f->gone);
}

static void
on_indication(QmiClient *client, QmiMessage *msg, gpointer user_data)
{
  guint *count = user_data;
  QmiNasServingSystemIndication ind;
  g_assert_true(qmi_nas_serving_system_indication_parse(msg, &ind, NULL));
  g_assert_true(ind.has_serving_system);
  g_assert_cmpuint(ind.serving_system.registration_state, ==, 1);
  qmi_output_base_clear(&ind.base);
  (*count)++;
}

static void
test_indication_and_gone(Fixture *f, gconstpointer data)
{
  QmiClient *nas = open_and_allocate(f, QMI_SERVICE_NAS);
  guint count = 0;
  qmi_client_add_indication_handler(nas, QMI_NAS_IND_SERVING_SYSTEM, on_indication, &count);

  GByteArray *b = g_byte_array_new();
  gsize s = qmi_tlv_begin(b, 0x01);
  static const guint8 ss[] = { 1, 1, 1, 2, 1, 8 };
  qmi_put_bytes(b, ss, sizeof(ss));
  qmi_tlv_end(b, s);
  /* one to our client, one broadcast, one to another client (not ours) */
  guint8 cids[] = { qmi_client_get_cid(nas), 0xff, 0x42 };
  for (guint i = 0; i < G_N_ELEMENTS(cids); i++) {
    g_autoptr(QmiMessage) ind
        = qmi_message_new(QMI_SERVICE_NAS, cids[i], QMI_MESSAGE_KIND_INDICATION, 0,
                          QMI_NAS_IND_SERVING_SYSTEM, b->data, b->len);
    peer_send(f, ind);
  }
  g_byte_array_unref(b);
  while (count < 2)
    g_main_context_iteration(NULL, TRUE);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  g_assert_cmpuint(count, ==, 2);

  /* a pending request fails when the port goes away, and "gone" is emitted */
  f->silent_ids = TRUE;
  QmiClient *dms = NULL;
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  qmi_device_allocate_client(f->device, QMI_SERVICE_DMS, 5, NULL, got_result, &res);
  dms = qmi_device_allocate_client_finish(f->device, wait_result(&res), &error);
  g_assert_no_error(error);
  g_clear_object(&res);
  qmi_client_dms_get_ids(dms, 30, NULL, got_result, &res);
  g_source_remove(f->watch);
  f->watch = 0;
  close(f->master);
  f->master = -1;
  QmiDmsGetIdsOutput out;
  g_assert_false(qmi_client_dms_get_ids_finish(dms, wait_result(&res), &out, &error));
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN);
  g_clear_object(&res);
  g_assert_true(f->gone);
  g_assert_false(qmi_device_is_open(f->device));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/qmi/device/request-response", Fixture, NULL, fixture_setup, test_request_response,
             fixture_teardown);
  g_test_add("/qmi/device/timeout-cancel", Fixture, NULL, fixture_setup, test_timeout_and_cancel,
             fixture_teardown);
  g_test_add("/qmi/device/response-of-another-message", Fixture, NULL, fixture_setup,
             test_response_of_another_message, fixture_teardown);
  g_test_add("/qmi/device/indication-gone", Fixture, NULL, fixture_setup, test_indication_and_gone,
             fixture_teardown);
  return g_test_run();
}
