/* modemctl against a scripted fake of the modemd D-Bus API on a private bus.
 *
 * The fake exports the generated skeletons (manager, one modem with 3GPP, Simple and Signal,
 * a bearer through the ObjectManager, a SIM outside of it) and answers every method call from
 * one "g-authorize-method" handler: it records "Method (args)" and replies from a script
 * (default: success). modemctl runs as a subprocess with DBUS_SYSTEM_BUS_ADDRESS pointing at
 * the private bus; MODEMCTL names the binary. */
#pragma once

#include <gio/gio.h>

#include "mdbus-generated.h"
#include "mmd-enums.h"
#include "mmd-errors.h"

G_BEGIN_DECLS

#define MODEM_PATH MMD_DBUS_MODEM_PREFIX "/0"
#define SIM_PATH MMD_DBUS_SIM_PREFIX "/0"
#define BEARER_PATH MMD_DBUS_BEARER_PREFIX "/0"

typedef struct {
  GSubprocess *bus; /* dbus-daemon */
  char *bus_address;
  char *bus_dir;
  GDBusConnection *connection;
  GDBusObjectManagerServer *om;
  MdbusManager *manager;
  MdbusObjectSkeleton *modem_object;
  MdbusModem *modem;
  MdbusModemModem3gpp *modem3gpp;
  MdbusModemSimple *simple;
  MdbusModemSignal *signal;
  MdbusSim *sim;
  MdbusObjectSkeleton *bearer_object;
  MdbusBearer *bearer;

  GMutex lock;
  GPtrArray *calls;  /* "Method (args)" */
  char *fail_method; /* reply with fail_code of the Core domain */
  int fail_code;
  char *hold_method; /* never reply (until teardown) */
  GPtrArray *held;   /* GDBusMethodInvocation */
} Fixture;

typedef enum {
  SERVICE_ABSENT,
  SERVICE_EMPTY,
  SERVICE_ONE_MODEM,
} ServiceKind;

/* Fake service */

void fixture_setup(Fixture *f, gconstpointer data);
void start_service(Fixture *f, gboolean with_modem);
void fixture_teardown(Fixture *f, gconstpointer data);

/* Running modemctl */

GSubprocess *spawn_modemctl(Fixture *f, const char *const *args);
int run_modemctlv(Fixture *f, char **out, char **err, const char *const *args);

#define RUN(f, out, err, ...) run_modemctlv(f, out, err, (const char *const[]){ __VA_ARGS__, NULL })

/* Reads one line of the process' stdout, running the main context meanwhile. */
char *read_line(GDataInputStream *stream);
/* Waits for the process to exit, serving D-Bus calls meanwhile. */
void wait_exit(GSubprocess *process);

/* The recorded calls, "Method (args)" */

char *call(Fixture *f, guint index);
guint n_calls(Fixture *f);

#define SKIP_IF_NEEDED(f)                                                                          \
  do {                                                                                             \
    if (!(f)->bus)                                                                                 \
      return;                                                                                      \
  } while (0)

#define ADD(name, kind, func)                                                                      \
  g_test_add("/modemctl-client/" name, Fixture, GINT_TO_POINTER(kind), fixture_setup, func,        \
             fixture_teardown)

/* Each test file registers its tests. */
void add_modem_tests(void);
void add_object_tests(void);
void add_monitor_tests(void);

G_END_DECLS
