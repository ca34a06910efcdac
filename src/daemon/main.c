#define G_LOG_DOMAIN "modemd"

#include <glib-unix.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "compat-names.h"
#include "manager.h"
#include "messaging.h"
#include "mmd-command-timeout.h"
#include "mmd-errors.h"
#include "plugin-registry.h"
#include "plugins-list.h"
#include "port.h"

static const MmdPlugin *const builtin_plugins[] = { MMD_PLUGIN_ENTRIES NULL };

typedef struct {
  GMainLoop *loop;
  MmdManager *manager;
  GPtrArray *static_groups;
  gboolean compat;
  guint compat_owner_id;
  int exit_code;
} Daemon;

static gboolean
on_signal(gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message("Shutting down");
  g_main_loop_quit(daemon->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_bus_acquired(GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  daemon->manager = mmd_manager_new(connection, daemon->static_groups, daemon->compat);
}

static void on_name_lost(GDBusConnection *connection, const char *name, gpointer user_data);

static void
on_compat_name_acquired(GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message("modemd %s also owns %s", MODEMD_VERSION, name);
  mmd_manager_start(daemon->manager);
}

static void
on_name_acquired(GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message("modemd %s owns %s", MODEMD_VERSION, name);
  if (!daemon->compat) {
    mmd_manager_start(daemon->manager);
    return;
  }
  /* Modems appear once clients of either name can see them. */
  daemon->compat_owner_id = g_bus_own_name_on_connection(
      connection, MMD_COMPAT_SERVICE, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_compat_name_acquired,
      on_name_lost, daemon, NULL);
}

static void
on_name_lost(GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (!connection)
    g_critical("Cannot connect to the system bus");
  else
    g_critical("Cannot own %s on the system bus (another instance, or not allowed)", name);
  daemon->exit_code = EXIT_FAILURE;
  g_main_loop_quit(daemon->loop);
}

static GPtrArray *
parse_ports(char **declarations, GError **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

  for (guint i = 0; declarations && declarations[i]; i++) {
    GPtrArray *ports = mmd_port_parse_declaration(declarations[i], error);
    if (!ports)
      return NULL;
    g_ptr_array_add(groups, ports);
  }
  return g_steal_pointer(&groups);
}

int
main(int argc, char **argv)
{
  gboolean debug = FALSE, personal_info = FALSE, version = FALSE;
  int sms_part_timeout = MMD_MESSAGING_DEFAULT_PART_TIMEOUT_S;
  int command_timeout_s = 0;
  g_auto(GStrv) port_declarations = NULL;
  Daemon daemon = { 0 };
  const GOptionEntry entries[] = {
    { "debug", 0, 0, G_OPTION_ARG_NONE, &debug, "Log debug messages and protocol traffic", NULL },
    { "port", 0, 0, G_OPTION_ARG_STRING_ARRAY, &port_declarations,
      "Ports of one modem, PROTO:PATH[,PROTO:PATH...] with PROTO qmi, mbim, at or net; "
      "qrtr:NODE for the modem on a QRTR node; repeat for more modems. qrtr:unix:PATH alone "
      "looks for QRTR modems on the unix QRTR bus at PATH instead of the kernel's",
      "PORTS" },
    { "log-personal-info", 0, 0, G_OPTION_ARG_NONE, &personal_info,
      "Show SIM identities (IMSI, ICCID) in full in logs; PINs, PUKs and passwords are "
      "never logged",
      NULL },
    { "command-timeout", 0, 0, G_OPTION_ARG_INT, &command_timeout_s,
      "Wait at most SECONDS (1-600) for any one answer of a modem, whatever the "
      "request's own bound (3 s for a query to 180 s for a network scan)",
      "SECONDS" },
    { "compat", 0, 0, G_OPTION_ARG_NONE, &daemon.compat,
      "Also serve the modems as " MMD_COMPAT_SERVICE " for ModemManager's clients "
      "(NetworkManager, mmcli, libmm-glib, ModemManagerQt)",
      NULL },
    { "sms-part-timeout", 0, 0, G_OPTION_ARG_INT, &sms_part_timeout,
      "Seconds the parts of a multi-part SMS wait for the missing ones before the message is "
      "shown with what came (default 180)",
      "S" },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new("- cellular modem manager");
  g_autoptr(GError) error = NULL;
  guint owner_id;

  g_option_context_add_main_entries(context, entries, NULL);
  if (!g_option_context_parse(context, &argc, &argv, &error)) {
    g_printerr("modemd: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (version) {
    g_print("modemd %s\n", MODEMD_VERSION);
    return EXIT_SUCCESS;
  }
  if (sms_part_timeout < 1 || sms_part_timeout > 86400) {
    g_printerr("modemd: --sms-part-timeout must be 1 to 86400 seconds\n");
    return EXIT_FAILURE;
  }
  mmd_messaging_set_part_timeout((guint)sms_part_timeout);
  if (command_timeout_s < 0 || command_timeout_s > MMD_COMMAND_TIMEOUT_MAX_S) {
    g_printerr("modemd: --command-timeout must be from 1 to %d seconds\n",
               MMD_COMMAND_TIMEOUT_MAX_S);
    return EXIT_FAILURE;
  }
  mmd_command_timeout_set_cap(command_timeout_s * 1000);
  mmd_log_init(debug, personal_info);
  mmd_errors_register();
  mmd_plugins_register(builtin_plugins);
  daemon.static_groups = parse_ports(port_declarations, &error);
  if (!daemon.static_groups) {
    g_printerr("modemd: %s\n", error->message);
    return EXIT_FAILURE;
  }

  daemon.loop = g_main_loop_new(NULL, FALSE);
  g_unix_signal_add(SIGTERM, on_signal, &daemon);
  g_unix_signal_add(SIGINT, on_signal, &daemon);
  owner_id
      = g_bus_own_name(G_BUS_TYPE_SYSTEM, MMD_DBUS_SERVICE, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                       on_bus_acquired, on_name_acquired, on_name_lost, &daemon, NULL);
  g_main_loop_run(daemon.loop);

  if (daemon.manager)
    mmd_manager_shutdown(daemon.manager);
  if (daemon.compat_owner_id)
    g_bus_unown_name(daemon.compat_owner_id);
  g_bus_unown_name(owner_id);
  g_clear_object(&daemon.manager);
  /* Let cancelled work (port probes in flight) finish and free itself. */
  for (guint i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
    ;
  g_ptr_array_unref(daemon.static_groups);
  g_main_loop_unref(daemon.loop);
  return daemon.exit_code;
}
