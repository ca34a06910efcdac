/* modemctl commands that keep running: monitoring a modem's state (-w) and the modem list (-M),
 * and holding a device inhibited until interrupted. */
#include "modemctl-client-fixture.h"

#include <signal.h>

static void
test_monitor_state(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-m", "0", "-w", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "initial state: disabled");
  g_clear_pointer(&line, g_free);

  mdbus_modem_emit_state_changed(f->modem, MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_ENABLING,
                                 MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "state changed: disabled -> enabling (user-requested)");
  g_clear_pointer(&line, g_free);
  mdbus_modem_emit_state_changed(f->modem, MMD_MODEM_STATE_ENABLING, MMD_MODEM_STATE_FAILED,
                                 MMD_MODEM_STATE_CHANGE_REASON_FAILURE);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "state changed: enabling -> failed (failure)");

  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

static void
test_monitor_modems(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-M", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MODEM_PATH " [ACME] Rocket 5G");
  g_clear_pointer(&line, g_free);

  g_dbus_object_manager_server_unexport(f->om, MODEM_PATH);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(-) " MODEM_PATH);
  g_clear_pointer(&line, g_free);

  g_object_set(f->modem_object, "g-object-path", MMD_DBUS_MODEM_PREFIX "/1", NULL);
  g_dbus_object_manager_server_export(f->om, G_DBUS_OBJECT_SKELETON(f->modem_object));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MMD_DBUS_MODEM_PREFIX "/1 [ACME] Rocket 5G");

  g_subprocess_send_signal(process, SIGTERM);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

/* -M waits for modemd when it is not there yet. */
static void
test_monitor_modems_waits(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "-M", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "modemd is not available, waiting for it");
  g_clear_pointer(&line, g_free);

  start_service(f, TRUE);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "modemd is available");
  g_clear_pointer(&line, g_free);
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "(+) " MODEM_PATH " [ACME] Rocket 5G");

  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
}

static void
test_inhibit(Fixture *f, gconstpointer data)
{
  const char *const args[] = { "--inhibit-device=usb-1-1", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stream = NULL;
  g_autofree char *line = NULL;
  g_autofree char *first = NULL, *second = NULL;

  SKIP_IF_NEEDED(f);
  process = spawn_modemctl(f, args);
  stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(process));
  line = read_line(stream);
  g_assert_cmpstr(line, ==, "successfully inhibited device with uid 'usb-1-1'");
  first = call(f, 0);
  g_assert_cmpstr(first, ==, "InhibitDevice ('usb-1-1', true)");
  g_assert_cmpuint(n_calls(f), ==, 1);

  /* modemctl calls InhibitDevice(false) on its way out: keep serving meanwhile */
  g_subprocess_send_signal(process, SIGINT);
  wait_exit(process);
  {
    g_autoptr(GInputStream) err_pipe = g_object_ref(g_subprocess_get_stderr_pipe(process));
    char buf[1024] = { 0 };

    g_input_stream_read_all(err_pipe, buf, sizeof buf - 1, NULL, NULL, NULL);
    g_assert_cmpstr(buf, ==, "");
  }
  g_assert_true(g_subprocess_get_if_exited(process));
  g_assert_cmpint(g_subprocess_get_exit_status(process), ==, 0);
  second = call(f, 1);
  g_assert_cmpstr(second, ==, "InhibitDevice ('usb-1-1', false)");
}

void
add_monitor_tests(void)
{
  ADD("monitor-state", SERVICE_ONE_MODEM, test_monitor_state);
  ADD("monitor-modems", SERVICE_ONE_MODEM, test_monitor_modems);
  ADD("monitor-modems-waits", SERVICE_ABSENT, test_monitor_modems_waits);
  ADD("inhibit", SERVICE_EMPTY, test_inhibit);
}
