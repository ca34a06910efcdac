/* QRTR in the daemon: control packets and endpoint strings byte for byte, the
 * --port declarations of QRTR modems and buses, and the sockets and the
 * name-service watch (qrtr-monitor.c) against the unix bus of
 * tests/sim/qrtr-bus-router.c, an independent implementation of the
 * kernel's router, running in this process. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mmd-qrtr-socket.h"
#include "mmd-qrtr.h"
#include "port.h"
#include "qrtr-bus-router.h"
#include "qrtr-monitor.h"

#define DEADLINE_MS 5000

/* ---- control packets ---------------------------------------------------- */

static void
test_control_encode(void)
{
  const MmdQrtrControl server = { MMD_QRTR_CMD_NEW_SERVER, 0x0B, 0x0201, 7, 0x4001 };
  const MmdQrtrControl client = { .cmd = MMD_QRTR_CMD_DEL_CLIENT, .node = 5, .port = 0x4002 };
  static const guint8 server_bytes[]
      = { 4, 0, 0, 0, 0x0B, 0, 0, 0, 0x01, 0x02, 0, 0, 7, 0, 0, 0, 0x01, 0x40, 0, 0 };
  static const guint8 client_bytes[]
      = { 6, 0, 0, 0, 5, 0, 0, 0, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  guint8 out[MMD_QRTR_CONTROL_LEN];

  mmd_qrtr_control_encode(&server, out);
  g_assert_cmpmem(out, sizeof(out), server_bytes, sizeof(server_bytes));
  mmd_qrtr_control_encode(&client, out);
  g_assert_cmpmem(out, sizeof(out), client_bytes, sizeof(client_bytes));
}

static void
test_control_decode(void)
{
  static const guint8 del_server[]
      = { 5, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0x10, 0x40, 0, 0 };
  static const guint8 bye[] = { 3, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 end[20] = { 4 };
  static const guint8 odd[] = { 0x42, 0, 0, 0 };
  MmdQrtrControl p;

  g_assert_true(mmd_qrtr_control_decode(del_server, sizeof(del_server), &p));
  g_assert_cmpuint(p.cmd, ==, MMD_QRTR_CMD_DEL_SERVER);
  g_assert_cmpuint(p.service, ==, 2);
  g_assert_cmpuint(mmd_qrtr_instance_version(p.instance), ==, 1);
  g_assert_cmpuint(p.node, ==, 9);
  g_assert_cmpuint(p.port, ==, 0x4010);
  g_assert_false(mmd_qrtr_control_is_end_of_list(&p));
  g_assert_true(mmd_qrtr_control_decode(bye, sizeof(bye), &p));
  g_assert_cmpuint(p.node, ==, 9);
  g_assert_true(mmd_qrtr_control_decode(end, sizeof(end), &p));
  g_assert_true(mmd_qrtr_control_is_end_of_list(&p));
  /* an unknown command decodes for the caller to ignore */
  g_assert_true(mmd_qrtr_control_decode(odd, sizeof(odd), &p));
  g_assert_cmpuint(p.cmd, ==, 0x42);
  g_assert_cmpstr(mmd_qrtr_command_name(p.cmd), ==, "unknown");
  /* a server command cut short, and a client command cut short */
  g_assert_false(mmd_qrtr_control_decode(del_server, 19, &p));
  g_assert_false(mmd_qrtr_control_decode(bye, 11, &p));
  g_assert_false(mmd_qrtr_control_decode(bye, 3, &p));
}

static void
test_endpoints(void)
{
  static const char *const bad[]
      = { "qrtr://",   "qrtr://x",          "qrtr:5",    "qrtr://5@", "qrtr://5@rel",
          "qrtr://-1", "qrtr://4294967296", "qrtr://5 ", "cdc-wdm0" };
  g_autofree char *kernel = mmd_qrtr_endpoint_format(NULL, 0);
  g_autofree char *on_bus = mmd_qrtr_endpoint_format("/run/q@bus", 4294967295u);
  g_autofree char *bus = NULL;
  g_autofree char *name = mmd_qrtr_port_name(5);
  guint32 node = 1;

  g_assert_cmpstr(kernel, ==, "qrtr://0");
  g_assert_cmpstr(on_bus, ==, "qrtr://4294967295@/run/q@bus");
  g_assert_cmpstr(name, ==, "qrtr5");
  g_assert_true(mmd_qrtr_endpoint_parse(kernel, &bus, &node, NULL));
  g_assert_null(bus);
  g_assert_cmpuint(node, ==, 0);
  g_assert_true(mmd_qrtr_endpoint_parse(on_bus, &bus, &node, NULL));
  g_assert_cmpstr(bus, ==, "/run/q@bus");
  g_assert_cmpuint(node, ==, 4294967295u);
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *no_bus = NULL;

    g_assert_false(mmd_qrtr_endpoint_parse(bad[i], &no_bus, &node, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_null(no_bus);
  }
}

/* ---- declarations -------------------------------------------------------- */

static void
test_port_declarations(void)
{
  static const char *const bad[] = { "qrtr:x", "qrtr:5@/tmp/bus", "qrtr:unix:relative",
                                     "qrtr:unix:/tmp/bus,net:wwan0", "qrtr:" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) modem = mmd_port_parse_declaration("qrtr:5,net:rmnet_ipa0", &error);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  g_autofree char *bus = NULL;
  const MmdPort *port;

  g_assert_no_error(error);
  port = g_ptr_array_index(modem, 0);
  g_assert_cmpstr(port->name, ==, "qrtr5");
  g_assert_cmpstr(port->path, ==, "qrtr://5");
  g_assert_cmpstr(port->subsystem, ==, MMD_QRTR_PORT_SUBSYSTEM);
  g_assert_cmpint(port->type, ==, MMD_MODEM_PORT_TYPE_QMI);
  port = g_ptr_array_index(modem, 1);
  g_assert_cmpstr(port->name, ==, "rmnet_ipa0");

  /* the bus declaration leaves the groups; the QRTR ports go on the bus */
  g_ptr_array_add(groups, g_ptr_array_ref(modem));
  g_ptr_array_add(groups, mmd_port_parse_declaration("qrtr:unix:/tmp/x/qrtr.bus", &error));
  g_ptr_array_add(groups, mmd_port_parse_declaration("qmi:/dev/cdc-wdm0", &error));
  g_assert_no_error(error);
  bus = mmd_qrtr_take_bus_declaration(groups);
  g_assert_cmpstr(bus, ==, "/tmp/x/qrtr.bus");
  g_assert_cmpuint(groups->len, ==, 2);
  port = g_ptr_array_index(modem, 0);
  g_assert_cmpstr(port->path, ==, "qrtr://5@/tmp/x/qrtr.bus");
  port = g_ptr_array_index((GPtrArray *)g_ptr_array_index(groups, 1), 0);
  g_assert_cmpstr(port->path, ==, "/dev/cdc-wdm0");

  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) refusal = NULL;
    g_autoptr(GPtrArray) none = mmd_port_parse_declaration(bad[i], &refusal);

    g_assert_null(none);
    g_assert_nonnull(refusal);
  }
}

/* ---- on a bus ------------------------------------------------------------ */

typedef struct {
  char *dir;
  char *path;
  QrtrBusRouter *router;
} Bus;

static void
bus_setup(Bus *bus, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  bus->dir = g_dir_make_tmp("test-qrtr-XXXXXX", &error);
  g_assert_no_error(error);
  bus->path = g_build_filename(bus->dir, "bus", NULL);
  bus->router = qrtr_bus_router_new(bus->path, 1, FALSE, &error);
  g_assert_no_error(error);
}

static void
bus_teardown(Bus *bus, gconstpointer data)
{
  qrtr_bus_router_free(bus->router);
  g_rmdir(bus->dir);
  g_free(bus->path);
  g_free(bus->dir);
}

static gboolean
deadline_passed(gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *done; fails the test after DEADLINE_MS. */
static void
wait_for(const gboolean *done)
{
  gboolean late = FALSE;
  guint id = g_timeout_add(DEADLINE_MS, deadline_passed, &late);

  while (!*done && !late)
    g_main_context_iteration(NULL, TRUE);
  g_assert_false(late);
  g_source_remove(id);
}

/* A server of service on the bus's node (the daemon's sockets bind there;
 * other nodes are for modem-sim, tested end to end), announced. */
static MmdQrtrSocket *
server_on(Bus *bus, guint32 service)
{
  g_autoptr(GError) error = NULL;
  MmdQrtrSocket *sock;
  MmdQrtrControl announce = { .cmd = MMD_QRTR_CMD_NEW_SERVER, .service = service, .instance = 1 };

  sock = mmd_qrtr_socket_open(bus->path, &error);
  g_assert_no_error(error);
  g_assert_true(mmd_qrtr_socket_send_control(sock, &announce, &error));
  g_assert_no_error(error);
  return sock;
}

typedef struct {
  guint news;
  MmdQrtrControl last;
  gboolean listed;
  GByteArray *data;
  MmdQrtrAddress from;
  gboolean got_data;
  gboolean close_in_callback;
} Listener;

static void
on_news(MmdQrtrSocket *sock, const MmdQrtrAddress *from, const guint8 *data, gsize len,
        gpointer user_data)
{
  Listener *l = user_data;

  if (from->port == MMD_QRTR_PORT_CTRL) {
    MmdQrtrControl packet;

    g_assert_true(mmd_qrtr_control_decode(data, len, &packet));
    if (mmd_qrtr_control_is_end_of_list(&packet)) {
      l->listed = TRUE;
    } else {
      l->last = packet;
      l->news++;
    }
    return;
  }
  g_byte_array_append(l->data, data, len);
  l->from = *from;
  l->got_data = TRUE;
  if (l->close_in_callback)
    mmd_qrtr_socket_close(sock);
}

static void
test_socket_lookup_and_data(Bus *bus, gconstpointer unused)
{
  g_autoptr(GError) error = NULL;
  Listener watcher = { .data = g_byte_array_new() };
  Listener server_side = { .data = g_byte_array_new() };
  MmdQrtrSocket *server = server_on(bus, 2);
  MmdQrtrSocket *client = mmd_qrtr_socket_open(bus->path, &error);
  MmdQrtrAddress server_address;

  g_assert_no_error(error);
  mmd_qrtr_socket_watch(client, on_news, NULL, &watcher);
  mmd_qrtr_socket_watch(server, on_news, NULL, &server_side);
  g_assert_true(mmd_qrtr_socket_lookup(client, 0, &error));
  wait_for(&watcher.listed);
  g_assert_cmpuint(watcher.news, ==, 1);
  g_assert_cmpuint(watcher.last.cmd, ==, MMD_QRTR_CMD_NEW_SERVER);
  g_assert_cmpuint(watcher.last.service, ==, 2);
  /* registered at the address it announced from, on the bus's node */
  server_address.node = watcher.last.node;
  server_address.port = watcher.last.port;
  g_assert_cmpuint(server_address.node, ==, 1);
  g_assert_cmpuint(server_address.port, >=, 0x4000);
  g_assert_cmpuint(mmd_qrtr_socket_get_address(client)->node, ==, 1);

  /* data both ways, each side seeing the other's address */
  g_assert_true(mmd_qrtr_socket_send(client, &server_address, (const guint8 *)"ping", 4, &error));
  wait_for(&server_side.got_data);
  g_assert_cmpmem(server_side.data->data, server_side.data->len, "ping", 4);
  g_assert_cmpuint(server_side.from.port, ==, mmd_qrtr_socket_get_address(client)->port);
  g_assert_true(mmd_qrtr_socket_send(server, &server_side.from, (const guint8 *)"pong", 4, &error));
  wait_for(&watcher.got_data);
  g_assert_cmpmem(watcher.data->data, watcher.data->len, "pong", 4);

  /* the server goes: its service is withdrawn */
  watcher.news = 0;
  mmd_qrtr_socket_close(server);
  while (watcher.news == 0)
    g_main_context_iteration(NULL, TRUE);
  g_assert_cmpuint(watcher.last.cmd, ==, MMD_QRTR_CMD_DEL_SERVER);
  g_assert_cmpuint(watcher.last.service, ==, 2);
  mmd_qrtr_socket_close(client);
  g_byte_array_unref(watcher.data);
  g_byte_array_unref(server_side.data);
}

/* A handler may close its own socket (the transport does, on a withdrawn
 * service): the rest of the batch is not read, nothing is touched after. */
static void
test_socket_closed_by_its_handler(Bus *bus, gconstpointer unused)
{
  g_autoptr(GError) error = NULL;
  Listener receiver = { .data = g_byte_array_new(), .close_in_callback = TRUE };
  MmdQrtrSocket *rx = mmd_qrtr_socket_open(bus->path, &error);
  MmdQrtrSocket *tx = mmd_qrtr_socket_open(bus->path, &error);
  MmdQrtrAddress to;

  g_assert_no_error(error);
  mmd_qrtr_socket_watch(rx, on_news, NULL, &receiver);
  /* its address comes with the first records it reads */
  while (mmd_qrtr_socket_get_address(rx)->port == 0)
    g_main_context_iteration(NULL, TRUE);
  to = *mmd_qrtr_socket_get_address(rx);
  for (guint i = 0; i < 3; i++)
    g_assert_true(mmd_qrtr_socket_send(tx, &to, (const guint8 *)"x", 1, &error));
  wait_for(&receiver.got_data);
  g_assert_cmpuint(receiver.data->len, ==, 1);
  mmd_qrtr_socket_close(tx);
  g_byte_array_unref(receiver.data);
}

static void
test_socket_no_bus(void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null(mmd_qrtr_socket_open("/nonexistent/qrtr.bus", &error));
  g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* ---- the monitor --------------------------------------------------------- */

typedef struct {
  guint32 node;
  gboolean present;
  guint calls;
  gboolean changed;
} Seen;

static void
on_modem(guint32 node, gboolean present, gpointer user_data)
{
  Seen *seen = user_data;

  seen->node = node;
  seen->present = present;
  seen->calls++;
  seen->changed = TRUE;
}

static void
put_le32(guint8 *p, guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

/* A server of service on another node: a raw endpoint of the bus (the
 * daemon's sockets bind to the bus's own node only), written with the bus's
 * record format. Closing the descriptor withdraws it. */
static int
remote_server(Bus *bus, guint32 node, guint32 service)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  guint8 bind_record[12] = { 0 };
  guint8 announce[12 + MMD_QRTR_CONTROL_LEN];
  const MmdQrtrControl packet
      = { .cmd = MMD_QRTR_CMD_NEW_SERVER, .service = service, .instance = 1 };
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  g_assert_cmpint(fd, >=, 0);
  g_strlcpy(sun.sun_path, bus->path, sizeof(sun.sun_path));
  g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
  put_le32(bind_record, MMD_QRTR_BUS_BIND);
  put_le32(bind_record + 4, node);
  /* the bus reads in order: the announcement may follow the bind at once */
  put_le32(announce, MMD_QRTR_BUS_DATA);
  put_le32(announce + 4, node);
  put_le32(announce + 8, MMD_QRTR_PORT_CTRL);
  mmd_qrtr_control_encode(&packet, announce + 12);
  g_assert_cmpint(send(fd, bind_record, sizeof(bind_record), 0), ==, sizeof(bind_record));
  g_assert_cmpint(send(fd, announce, sizeof(announce), 0), ==, sizeof(announce));
  return fd;
}

static void
test_monitor(Bus *bus, gconstpointer unused)
{
  static const guint32 modem_services[] = { 0x02, 0x03, 0x01, 0x0B, 0x1A };
  int servers[G_N_ELEMENTS(modem_services)];
  int late[G_N_ELEMENTS(modem_services)];
  MmdQrtrSocket *local[G_N_ELEMENTS(modem_services)];
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };
  MmdQrtrMonitor *monitor;

  /* a modem's services on the local node, where anyone may publish: no modem;
   * node 7 complete before the watch starts: reported with the list */
  for (guint i = 0; i < G_N_ELEMENTS(modem_services); i++) {
    local[i] = server_on(bus, modem_services[i]);
    servers[i] = remote_server(bus, 7, modem_services[i]);
  }
  monitor = mmd_qrtr_monitor_new(bus->path, on_modem, &seen, &error);
  g_assert_no_error(error);
  wait_for(&seen.changed);
  g_assert_true(seen.present);
  g_assert_cmpuint(seen.node, ==, 7);
  g_assert_cmpuint(seen.calls, ==, 1);

  /* a service it does not need goes: still a modem; one it needs: no longer */
  seen.changed = FALSE;
  close(servers[4]);
  close(servers[3]);
  wait_for(&seen.changed);
  g_assert_false(seen.present);
  g_assert_cmpuint(seen.calls, ==, 2);

  /* its services come back later: a modem once they are in and quiet */
  seen.changed = FALSE;
  servers[3] = remote_server(bus, 7, 0x0B);
  wait_for(&seen.changed);
  g_assert_true(seen.present);
  g_assert_cmpuint(seen.calls, ==, 3);

  /* a second instance of each service comes and goes: nothing changes;
   * then the first ones go: the modem goes */
  for (guint i = 0; i < G_N_ELEMENTS(late); i++)
    late[i] = remote_server(bus, 7, modem_services[i]);
  for (guint i = 0; i < G_N_ELEMENTS(late); i++)
    close(late[i]);
  for (guint i = 0; i < 4; i++)
    close(servers[i]);
  seen.changed = FALSE;
  wait_for(&seen.changed);
  g_assert_false(seen.present);
  g_assert_cmpuint(seen.calls, ==, 4);
  g_assert_cmpuint(seen.node, ==, 7);
  for (guint i = 0; i < G_N_ELEMENTS(local); i++)
    mmd_qrtr_socket_close(local[i]);
  mmd_qrtr_monitor_free(monitor);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/qrtr/control/encode", test_control_encode);
  g_test_add_func("/qrtr/control/decode", test_control_decode);
  g_test_add_func("/qrtr/endpoints", test_endpoints);
  g_test_add_func("/qrtr/port-declarations", test_port_declarations);
  g_test_add_func("/qrtr/socket/no-bus", test_socket_no_bus);
  g_test_add("/qrtr/socket/lookup-and-data", Bus, NULL, bus_setup, test_socket_lookup_and_data,
             bus_teardown);
  g_test_add("/qrtr/socket/closed-by-its-handler", Bus, NULL, bus_setup,
             test_socket_closed_by_its_handler, bus_teardown);
  g_test_add("/qrtr/monitor", Bus, NULL, bus_setup, test_monitor, bus_teardown);
  return g_test_run();
}
