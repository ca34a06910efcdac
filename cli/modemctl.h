/* modemctl: shared state of the command-line client. */
#pragma once

#include <gio/gio.h>

#include "mdbus-client.h"
#include "output.h"

G_BEGIN_DECLS

#define MODEMCTL_DEFAULT_TIMEOUT 30
#define MODEMCTL_LONG_TIMEOUT 120

typedef struct {
  GDBusConnection *connection;
  GDBusObjectManager *manager; /* ObjectManager client at /org/example/Modem1 */
  OutputType output_type;
  guint timeout;        /* seconds, --timeout */
  gboolean timeout_set; /* --timeout given: it wins over the long default of scans */
} Ctx;

/* Connects to the system bus and modemd's ObjectManager; tolerate_absence: for callers that
 * wait for modemd to come (back), without bus activation. */
int ctx_connect(Ctx *ctx, gboolean tolerate_absence);

/* Sets the proxy's call timeout from --timeout (or the long default for scans/connects). */
void ctx_set_timeout(Ctx *ctx, gpointer proxy, gboolean long_operation);

/* Prints "error: ..." on stderr; returns EXIT_FAILURE. */
int ctx_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* Prints "error: <D-Bus error name>: <message>" (or "error: <message>" for local errors). */
int ctx_fail_error(const GError *error);

/* Human-only success message ("successfully enabled the modem"). */
void ctx_success(Ctx *ctx, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Modems known to the ObjectManager, sorted by index (MdbusObject, owned). */
GList *ctx_list_modems(Ctx *ctx);
/* Looks up a modem by selector ("0", path, "any"). */
MdbusObject *ctx_find_modem(Ctx *ctx, const char *selector, GError **error);
MdbusSim *ctx_find_sim(Ctx *ctx, const char *path, GError **error);
MdbusBearer *ctx_find_bearer(Ctx *ctx, const char *path, GError **error);
/* A proxy of interface_name (proxy_type) on an object of a modem (an SMS, a
 * cell broadcast message) by selector (index or path) under prefix; what
 * names it in errors. */
gpointer ctx_find_proxy(Ctx *ctx, const char *selector, const char *prefix, GType proxy_type,
                        const char *interface_name, const char *what, GError **error);

MdbusCall *ctx_find_call(Ctx *ctx, const char *path, GError **error);

/* Options of the modem, SIM and bearer groups. */
typedef struct {
  /* modem */
  gboolean enable;
  gboolean disable;
  gboolean power_low;
  gboolean power_on;
  gboolean power_off;
  gboolean reset;
  char *create_bearer;
  char *delete_bearer;
  char *simple_connect;
  gboolean simple_disconnect;
  gboolean scan_3gpp;
  gboolean register_home;
  char *register_in_operator;
  char *set_allowed_modes;
  char *set_preferred_mode;
  char *set_current_bands;
  int signal_setup;
  gboolean signal_get;
  char *command;
  gboolean monitor_state;
  /* location, time, cell info */
  gboolean location_status;
  gboolean location_get;
  gboolean location_enable_3gpp, location_disable_3gpp;
  gboolean location_enable_gps_raw, location_disable_gps_raw;
  gboolean location_enable_gps_nmea, location_disable_gps_nmea;
  gboolean location_set_enable_signal, location_set_disable_signal;
  gboolean time;
  gboolean get_cell_info;
  /* SIM */
  char *pin;
  char *puk;
  gboolean enable_pin;
  gboolean disable_pin;
  char *change_pin;
  /* bearer */
  gboolean connect;
  gboolean disconnect;
} ModemctlOptions;

int modemctl_modem_show(Ctx *ctx, MdbusObject *modem);
int modemctl_modem_run(Ctx *ctx, MdbusObject *modem, const ModemctlOptions *opts);
int modemctl_sim_show(Ctx *ctx, MdbusSim *sim);
int modemctl_sim_run(Ctx *ctx, MdbusSim *sim, const ModemctlOptions *opts);
int modemctl_bearer_show(Ctx *ctx, MdbusBearer *bearer);
int modemctl_bearer_run(Ctx *ctx, MdbusBearer *bearer, const ModemctlOptions *opts);

/* The netifd protocol handler's calls (modemctl-netifd.c). */
int modemctl_netifd_up(Ctx *ctx, const char *settings);
int modemctl_netifd_watch(Ctx *ctx, const char *bearer_path);
int modemctl_netifd_down(Ctx *ctx, const char *device);

/* Messaging (modemctl-messaging.c) and cell broadcast
 * (modemctl-cell-broadcast.c): their option groups, their actions on a
 * modem (-m) and on their objects (-s, --cbm). */
void modemctl_messaging_add_groups(GOptionContext *context);
guint modemctl_messaging_modem_actions(void);
guint modemctl_sms_actions(void);
gboolean modemctl_sms_selected(void);
int modemctl_messaging_check(void);
int modemctl_messaging_run(Ctx *ctx, MdbusObject *modem);
int modemctl_sms_run(Ctx *ctx);
void modemctl_cell_broadcast_add_group(GOptionContext *context);
guint modemctl_cell_broadcast_modem_actions(void);
gboolean modemctl_cbm_selected(void);
int modemctl_cell_broadcast_check(void);
int modemctl_cell_broadcast_run(Ctx *ctx, MdbusObject *modem);
int modemctl_cbm_run(Ctx *ctx);

/* Voice (with -m) and call (with -o) options, their checks and actions
 * (modemctl-voice.c). */
void modemctl_voice_add_groups(GOptionContext *context);
guint modemctl_voice_count_actions(void);
guint modemctl_call_count_actions(void);
const char *modemctl_call_selector(void);
int modemctl_voice_check_arguments(void);
int modemctl_voice_run(Ctx *ctx, MdbusObject *modem);
int modemctl_call_run(Ctx *ctx);

/* USSD options (with -m; modemctl-ussd.c). */
void modemctl_ussd_add_group(GOptionContext *context);
guint modemctl_ussd_count_actions(void);
int modemctl_ussd_run(Ctx *ctx, MdbusObject *modem);
/* --location-* (modemctl-location.c), --time (modemctl-time.c), --get-cell-info
 * (modemctl-cell-info.c) */
gboolean modemctl_location_setup_requested(const ModemctlOptions *opts);
int modemctl_location_run(Ctx *ctx, MdbusObject *modem, const ModemctlOptions *opts);
int modemctl_time_run(Ctx *ctx, MdbusObject *modem);
int modemctl_cell_info_run(Ctx *ctx, MdbusObject *modem);
/* --signal-setup, --signal-get (modemctl-signal.c) */
int modemctl_signal_run(Ctx *ctx, MdbusObject *modem, const ModemctlOptions *opts);

/* Adds the bearer's fields to output (used by --create-bearer, -b). */
void modemctl_bearer_add_fields(Output *output, MdbusBearer *bearer);

/* One line of the modem list: "/org/example/Modem1/Modem/0 [manufacturer] model". */
char *modemctl_modem_describe(MdbusObject *modem);

G_END_DECLS
