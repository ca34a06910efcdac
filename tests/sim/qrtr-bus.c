/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrtr-bus: a QRTR bus on a unix socket, for tests on kernels without
 * AF_QIPCRTR (see qrtr-bus-router.h).
 *
 *   qrtr-bus [--local-node=N] [--verbose] PATH
 *
 * Prints "qrtr-bus: ready" on stderr once listening; SIGTERM or SIGINT remove
 * the socket and exit 0.
 */
#include <glib-unix.h>
#include <stdio.h>

#include "qrtr-bus-router.h"

static gboolean
on_signal(gpointer user_data)
{
  g_main_loop_quit(user_data);
  return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
  gint local_node = 1;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "local-node", 0, 0, G_OPTION_ARG_INT, &local_node,
      "Node of the bus's name service and of endpoints that bind to node 0 [1]", "N" },
    { "verbose", 0, 0, G_OPTION_ARG_NONE, &verbose, "Log binds, closes and name service requests",
      NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new("PATH - a QRTR bus on a unix socket");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  QrtrBusRouter *router;

  g_option_context_add_main_entries(context, entries, NULL);
  if (!g_option_context_parse(context, &argc, &argv, &error) || argc != 2 || local_node <= 0) {
    fprintf(stderr, "qrtr-bus: %s\n", error ? error->message : "usage: qrtr-bus [OPTIONS] PATH");
    return 2;
  }
  router = qrtr_bus_router_new(argv[1], (guint32)local_node, verbose, &error);
  if (!router) {
    fprintf(stderr, "qrtr-bus: %s\n", error->message);
    return 1;
  }
  loop = g_main_loop_new(NULL, FALSE);
  g_unix_signal_add(SIGTERM, on_signal, loop);
  g_unix_signal_add(SIGINT, on_signal, loop);
  fprintf(stderr, "qrtr-bus: ready\n");
  g_main_loop_run(loop);
  qrtr_bus_router_free(router);
  return 0;
}
