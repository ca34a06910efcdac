/* The QMI device over the QRTR transport, with the test playing the modem's
 * services on a unix QRTR bus (the router of tests/sim/qrtr-bus-router.c, in
 * this process): no CTL, versions from the name service, a socket per
 * client, and what a stranger on the bus or a broken service sends. */
#include <glib/gstdio.h>
#include <string.h>

#include "mmd-errors.h"
#include "mmd-qrtr-socket.h"
#include "qmi-device.h"
#include "qmi-generated.h"
#include "qrtr-bus-router.h"

#define DEADLINE_MS 5000

typedef struct {
  MmdQrtrSocket *socket;
  GByteArray *request; /* the last SDU received */
  MmdQrtrAddress from;
  guint requests;
} Service;

typedef struct {
  char *dir;
  char *path;
  QrtrBusRouter *router;
  Service dms, nas;
  MmdQrtrSocket *stranger;
  QmiDevice *device;
  gboolean gone;
} Fixture;

static void
on_service_receive(MmdQrtrSocket *socket, const MmdQrtrAddress *from, const guint8 *data, gsize len,
                   gpointer user_data)
{
  Service *service = user_data;

  if (from->port == MMD_QRTR_PORT_CTRL)
    return; /* DEL_CLIENT and the like, not QMI */
  g_byte_array_set_size(service->request, 0);
  g_byte_array_append(service->request, data, len);
  service->from = *from;
  service->requests++;
}

static void
serve(Fixture *f, Service *service, guint32 id, guint8 version)
{
  g_autoptr(GError) error = NULL;
  MmdQrtrControl announce
      = { .cmd = MMD_QRTR_CMD_NEW_SERVER, .service = id, .instance = version | (0u << 8) };

  service->request = g_byte_array_new();
  service->socket = mmd_qrtr_socket_open(f->path, &error);
  g_assert_no_error(error);
  mmd_qrtr_socket_watch(service->socket, on_service_receive, NULL, service);
  g_assert_true(mmd_qrtr_socket_send_control(service->socket, &announce, &error));
}

static void
unserve(Service *service)
{
  g_clear_pointer(&service->socket, mmd_qrtr_socket_close);
  g_clear_pointer(&service->request, g_byte_array_unref);
}

static void
on_gone(QmiDevice *device, const char *why, gpointer user_data)
{
  ((Fixture *)user_data)->gone = TRUE;
}

static void
setup(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;

  f->dir = g_dir_make_tmp("test-qmi-qrtr-XXXXXX", &error);
  g_assert_no_error(error);
  f->path = g_build_filename(f->dir, "bus", NULL);
  f->router = qrtr_bus_router_new(f->path, 1, FALSE, &error);
  g_assert_no_error(error);
  f->stranger = mmd_qrtr_socket_open(f->path, &error);
  g_assert_no_error(error);
  endpoint = g_strdup_printf("qrtr://1@%s", f->path);
  f->device = qmi_device_new_for_path(endpoint);
  g_signal_connect(f->device, "gone", G_CALLBACK(on_gone), f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  g_object_unref(f->device);
  unserve(&f->dms);
  unserve(&f->nas);
  mmd_qrtr_socket_close(f->stranger);
  qrtr_bus_router_free(f->router);
  g_rmdir(f->dir);
  g_free(f->path);
  g_free(f->dir);
}

static gboolean
deadline_passed(gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_for_result(GAsyncResult **res)
{
  gboolean late = FALSE;
  guint id = g_timeout_add(DEADLINE_MS, deadline_passed, &late);

  while (!*res && !late)
    g_main_context_iteration(NULL, TRUE);
  g_assert_false(late);
  g_source_remove(id);
}

static void
wait_for_requests(Service *service, guint count)
{
  gboolean late = FALSE;
  guint id = g_timeout_add(DEADLINE_MS, deadline_passed, &late);

  while (service->requests < count && !late)
    g_main_context_iteration(NULL, TRUE);
  g_assert_false(late);
  g_source_remove(id);
}

/* Runs what is ready: in-process sockets deliver at once, so once nothing
 * is pending every datagram sent has been handled. */
static void
drain(void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration(NULL, FALSE); i++)
    ;
}

static void
store_result(GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref(res);
}

static gboolean
open_device(Fixture *f, guint timeout_s, GError **error)
{
  GAsyncResult *res = NULL;
  gboolean ok;

  qmi_device_open(f->device, timeout_s, NULL, store_result, &res);
  wait_for_result(&res);
  ok = qmi_device_open_finish(f->device, res, error);
  g_object_unref(res);
  return ok;
}

static QmiClient *
allocate(Fixture *f, guint8 service, GError **error)
{
  GAsyncResult *res = NULL;
  QmiClient *client;

  qmi_device_allocate_client(f->device, service, 5, NULL, store_result, &res);
  wait_for_result(&res);
  client = qmi_device_allocate_client_finish(f->device, res, error);
  g_object_unref(res);
  return client;
}

/* A service's answer (SDU, no QMUX header) to its last request, with the
 * result TLV and a manufacturer TLV. */
static GByteArray *
response_sdu(const Service *service, const char *manufacturer)
{
  const guint8 *req = service->request->data;
  GByteArray *sdu = g_byte_array_new();
  guint16 tlv_len = 7 + 3 + strlen(manufacturer);
  const guint8 head[] = { 0x02, req[1], req[2], req[3], req[4], tlv_len & 0xFF, tlv_len >> 8 };
  const guint8 result[] = { 0x02, 4, 0, 0, 0, 0, 0 };
  const guint8 tlv[] = { 0x01, strlen(manufacturer) & 0xFF, 0 };

  g_byte_array_append(sdu, head, sizeof(head));
  g_byte_array_append(sdu, result, sizeof(result));
  g_byte_array_append(sdu, tlv, sizeof(tlv));
  g_byte_array_append(sdu, (const guint8 *)manufacturer, strlen(manufacturer));
  return sdu;
}

static void
reply(MmdQrtrSocket *from, const Service *service, const guint8 *sdu, gsize len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true(mmd_qrtr_socket_send(from, &service->from, sdu, len, &error));
}

/* ---- tests --------------------------------------------------------------- */

static void
test_open_versions_missing_service(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 major = 0, minor = 9;

  serve(f, &f->dms, QMI_SERVICE_DMS, 3);
  serve(f, &f->nas, QMI_SERVICE_NAS, 2);
  g_assert_true(open_device(f, 5, &error));
  g_assert_no_error(error);
  g_assert_true(qmi_device_get_service_version(f->device, QMI_SERVICE_DMS, &major, &minor));
  g_assert_cmpuint(major, ==, 3);
  g_assert_cmpuint(minor, ==, 0);
  g_assert_true(qmi_device_get_service_version(f->device, QMI_SERVICE_NAS, &major, NULL));
  g_assert_cmpuint(major, ==, 2);
  g_assert_false(qmi_device_get_service_version(f->device, QMI_SERVICE_UIM, NULL, NULL));
  g_assert_null(allocate(f, QMI_SERVICE_UIM, &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED);
  g_assert_nonnull(strstr(error->message, "offers no UIM"));
}

static void
test_open_without_dms(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  serve(f, &f->nas, QMI_SERVICE_NAS, 1);
  g_assert_false(open_device(f, 1, &error));
  g_assert_error(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE);
  g_assert_false(qmi_device_is_open(f->device));
}

/* What only the service's own address may answer, and only with a whole
 * QMI message: the request stays pending until the real answer. */
static void
test_answers_only_from_the_service(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) good = NULL;
  g_autoptr(GByteArray) forged = NULL;
  g_autoptr(GByteArray) bad_length = NULL;
  static const guint8 short_sdu[] = { 0x02, 0x01, 0x00, 0x21 };
  GAsyncResult *res = NULL;
  QmiDmsGetManufacturerOutput out;
  QmiClient *client;

  serve(f, &f->dms, QMI_SERVICE_DMS, 1);
  g_assert_true(open_device(f, 5, &error));
  client = allocate(f, QMI_SERVICE_DMS, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(qmi_client_get_cid(client), ==, 1);
  qmi_client_dms_get_manufacturer(client, 5, NULL, store_result, &res);
  wait_for_requests(&f->dms, 1);
  /* no QMUX header on the wire: a request SDU, message 0x0021 */
  g_assert_cmpuint(f->dms.request->len, ==, 7);
  g_assert_cmpuint(f->dms.request->data[0], ==, 0x00);
  g_assert_cmpuint(f->dms.request->data[3], ==, 0x21);

  good = response_sdu(&f->dms, "ACME");
  forged = response_sdu(&f->dms, "EVIL");
  bad_length = response_sdu(&f->dms, "BAD!");
  bad_length->data[5]++; /* TLV length one past the message */
  reply(f->stranger, &f->dms, forged->data, forged->len);
  reply(f->dms.socket, &f->dms, short_sdu, sizeof(short_sdu));
  reply(f->dms.socket, &f->dms, bad_length->data, bad_length->len);
  drain();
  /* none of these completed it: the forgery was not from DMS */
  g_assert_null(res);
  reply(f->dms.socket, &f->dms, good->data, good->len);
  wait_for_result(&res);
  g_assert_true(qmi_client_dms_get_manufacturer_finish(client, res, &out, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(out.manufacturer, ==, "ACME");
  qmi_output_base_clear(&out.base);
  g_object_unref(res);
}

/* Each client is an endpoint of its own, known to the service by address. */
static void
test_clients_have_their_own_sockets(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *res[2] = { NULL, NULL };
  QmiClient *clients[2];
  MmdQrtrAddress from[2];

  serve(f, &f->dms, QMI_SERVICE_DMS, 1);
  g_assert_true(open_device(f, 5, &error));
  for (guint i = 0; i < 2; i++) {
    clients[i] = allocate(f, QMI_SERVICE_DMS, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(qmi_client_get_cid(clients[i]), ==, i + 1);
    qmi_client_dms_get_manufacturer(clients[i], 5, NULL, store_result, &res[i]);
    wait_for_requests(&f->dms, i + 1);
    from[i] = f->dms.from;
  }
  g_assert_cmpuint(from[0].port, !=, from[1].port);
  /* the answer to the second client reaches the second client only */
  {
    g_autoptr(GByteArray) sdu = response_sdu(&f->dms, "SECOND");
    QmiDmsGetManufacturerOutput out;

    reply(f->dms.socket, &f->dms, sdu->data, sdu->len);
    wait_for_result(&res[1]);
    g_assert_null(res[0]);
    g_assert_true(qmi_client_dms_get_manufacturer_finish(clients[1], res[1], &out, &error));
    g_assert_cmpstr(out.manufacturer, ==, "SECOND");
    qmi_output_base_clear(&out.base);
    g_object_unref(res[1]);
  }
  qmi_device_close(f->device);
  wait_for_result(&res[0]);
  g_object_unref(res[0]);
}

/* A service withdrawn while a client uses it: the device is gone. */
static void
test_service_withdrawn(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gboolean late = FALSE;
  guint id;

  serve(f, &f->dms, QMI_SERVICE_DMS, 1);
  serve(f, &f->nas, QMI_SERVICE_NAS, 1);
  g_assert_true(open_device(f, 5, &error));
  g_assert_nonnull(allocate(f, QMI_SERVICE_DMS, &error));
  /* one without a client goes: it is forgotten, nothing else happens */
  unserve(&f->nas);
  drain();
  g_assert_false(qmi_device_get_service_version(f->device, QMI_SERVICE_NAS, NULL, NULL));
  g_assert_false(f->gone);
  unserve(&f->dms);
  id = g_timeout_add(DEADLINE_MS, deadline_passed, &late);
  while (!f->gone && !late)
    g_main_context_iteration(NULL, TRUE);
  g_assert_false(late);
  g_source_remove(id);
  g_assert_false(qmi_device_is_open(f->device));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/qmi-qrtr/open-versions-missing-service", test_open_versions_missing_service);
  ADD("/qmi-qrtr/open-without-dms", test_open_without_dms);
  ADD("/qmi-qrtr/answers-only-from-the-service", test_answers_only_from_the_service);
  ADD("/qmi-qrtr/clients-have-their-own-sockets", test_clients_have_their_own_sockets);
  ADD("/qmi-qrtr/service-withdrawn", test_service_withdrawn);
#undef ADD
  return g_test_run();
}
