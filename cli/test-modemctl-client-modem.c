/* modemctl on the modem: listing, showing, its actions and Simple.Connect, and how it reports
 * the service's errors and timeouts. */
#include "modemctl-client-fixture.h"

#include <string.h>

static void
test_absent(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GTimer) timer = g_timer_new();

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 1);
  g_assert_cmpstr(err, ==, "error: couldn't find the modemd service on the system bus\n");
  g_assert_cmpstr(out, ==, "");
  g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 10.0);
}

static void
test_list_empty(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 0);
  g_assert_cmpstr(out, ==, "No modems were found\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-J"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"modem-list\":[]}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "--list-modems", "--output-keyvalue"), ==, 0);
  g_assert_cmpstr(out, ==, "modem-list.length : 0\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "any"), ==, 1);
  g_assert_cmpstr(err, ==, "error: no modems were found\n");
}

static void
test_list(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-L"), ==, 0);
  g_assert_cmpstr(out, ==, "    " MODEM_PATH " [ACME] Rocket 5G\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-J"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"modem-list\":[\"" MODEM_PATH "\"]}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-L", "-K"), ==, 0);
  g_assert_cmpstr(out, ==,
                  "modem-list.length   : 1\n"
                  "modem-list.value[1] : " MODEM_PATH "\n");
}

static void
test_modem_show(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0"), ==, 0);
  g_assert_nonnull(strstr(out, "  Hardware |"));
  g_assert_nonnull(strstr(out, "manufacturer: ACME\n"));
  g_assert_nonnull(strstr(out, "state: disabled\n"));
  g_assert_nonnull(strstr(out, "ports: cdc-wdm0 (qmi)\n"));
  g_assert_nonnull(strstr(out, "wwan0 (net)\n"));
  g_assert_nonnull(strstr(out, "signal quality: 67% (recent)\n"));
  g_assert_nonnull(strstr(out, "current: allowed: 4g; preferred: none\n"));
  g_assert_nonnull(strstr(out, "operator name: Orange\n"));
  g_assert_nonnull(strstr(out, "primary sim path: " SIM_PATH "\n"));
  g_assert_nonnull(strstr(out, "paths: " BEARER_PATH "\n"));
  g_assert_null(strstr(out, "failed reason"));
  g_assert_cmpuint(n_calls(f), ==, 0);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", MODEM_PATH, "-K"), ==, 0);
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.state +: disabled$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.manufacturer +: ACME$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.3gpp\\.operator-code +: 21403$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.3gpp\\.registration-state +: home$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.generic\\.sim +: " SIM_PATH "$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple(
      "^modem\\.generic\\.current-bands\\.value\\[2\\] +: eutran-20$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.generic\\.state-failed-reason +: --$", out,
                                     G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "any", "-J"), ==, 0);
  g_assert_true(
      g_str_has_prefix(out, "{\"modem\":{\"dbus-path\":\"" MODEM_PATH "\",\"generic\":{"));
  g_assert_nonnull(strstr(out, "\"manufacturer\":\"ACME\""));
  g_assert_nonnull(strstr(out, "\"drivers\":[\"qmi_wwan\"]"));
  g_assert_nonnull(strstr(out, "\"3gpp\":{\"imei\":\"490154203237518\""));
  g_assert_nonnull(strstr(out, "\"packet-service-state\":\"attached\""));
  g_assert_true(g_str_has_suffix(out, "}}\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "5"), ==, 1);
  g_assert_cmpstr(err, ==, "error: modem " MMD_DBUS_MODEM_PREFIX "/5 not found\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "modem0"), ==, 1);
  g_assert_true(g_str_has_prefix(err, "error: invalid object selector 'modem0'"));
}

static void
test_modem_actions(Fixture *f, gconstpointer data)
{
  static const struct {
    const char *args[4];
    const char *call;
    const char *message;
  } cases[] = {
    { { "-e" }, "Enable (true,)", "successfully enabled the modem\n" },
    { { "--disable" }, "Enable (false,)", "successfully disabled the modem\n" },
    { { "--set-power-state-low" },
      "SetPowerState (2,)",
      "successfully set power state in the modem\n" },
    { { "--set-power-state-on" },
      "SetPowerState (3,)",
      "successfully set power state in the modem\n" },
    { { "-r" }, "Reset ()", "successfully reset the modem\n" },
    { { "--delete-bearer=0" },
      "DeleteBearer ('" BEARER_PATH "',)",
      "successfully deleted bearer from modem\n" },
    { { "--simple-disconnect" },
      "Disconnect ('/',)",
      "successfully disconnected all bearers in the modem\n" },
    { { "--3gpp-register-home" }, "Register ('',)", "successfully registered the modem\n" },
    { { "--3gpp-register-in-operator=21403" },
      "Register ('21403',)",
      "successfully registered the modem\n" },
    { { "--set-allowed-modes=3g|4g", "--set-preferred-mode=4g" },
      "SetCurrentModes ((12, 8),)",
      "successfully set current modes in the modem\n" },
    { { "--set-allowed-modes=4g" },
      "SetCurrentModes ((8, 0),)",
      "successfully set current modes in the modem\n" },
    { { "--set-current-bands=eutran-3|eutran-20" },
      "SetCurrentBands ([33, 50],)",
      "successfully set current bands in the modem\n" },
    { { "--signal-setup=10" },
      "Setup (10,)",
      "successfully setup extended signal quality information retrieval\n" },
    { { "--command=AT+CSQ" }, "Command ('AT+CSQ', 30)", "response: '+CSQ: 20,99'\n" },
    { { "--create-bearer=apn=internet,ip-type=ipv4" },
      "CreateBearer ({'apn': <'internet'>, 'ip-type': <uint32 1>},)",
      "successfully created new bearer in modem: " BEARER_PATH "\n" },
  };

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *out = NULL, *err = NULL, *got = NULL;
    const char *args[8] = { "-m", "0" };

    for (guint a = 0; cases[i].args[a]; a++)
      args[2 + a] = cases[i].args[a];
    g_assert_cmpint(run_modemctlv(f, &out, &err, args), ==, 0);
    got = call(f, n_calls(f) - 1);
    g_assert_cmpstr(got, ==, cases[i].call);
    g_assert_cmpstr(out, ==, cases[i].message);
    g_assert_cmpstr(err, ==, "");
  }
}

static void
test_simple_connect(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0",
                      "--simple-connect=apn=internet,ip-type=ipv4v6,user=bob,password='a,b',"
                      "pin=1234,operator-id=21403,allowed-auth=chap,allow-roaming=yes"),
                  ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==,
                  "Connect ({'apn': <'internet'>, 'ip-type': <uint32 4>, 'user': <'bob'>, "
                  "'password': <'a,b'>, 'pin': <'1234'>, 'operator-id': <'21403'>, "
                  "'allowed-auth': <uint32 4>, 'allow-roaming': <true>},)");
  g_assert_cmpstr(out, ==, "successfully connected the modem: " BEARER_PATH "\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-J", "--simple-connect=apn=internet"), ==, 0);
  g_assert_cmpstr(out, ==, "{\"bearer\":{\"dbus-path\":\"" BEARER_PATH "\"}}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* Unknown key or bad value: no call at all */
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--simple-connect=apn=internet,number=*99#"), ==,
                  1);
  g_assert_true(
      g_str_has_prefix(err, "error: invalid connection properties: unknown key 'number'"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--create-bearer=apn=x,ip-type=ipv5"), ==, 1);
  g_assert_cmpuint(n_calls(f), ==, 2);
}

static void
test_errors(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  f->fail_method = g_strdup("Enable");
  f->fail_code = MMD_CORE_ERROR_WRONG_STATE;
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-e"), ==, 1);
  g_assert_cmpstr(err, ==,
                  "error: org.example.Modem1.Error.Core.WrongState: scripted failure of Enable\n");
  g_assert_cmpstr(out, ==, "");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_free(f->fail_method);
  f->fail_method = g_strdup("SendPin");
  f->fail_code = MMD_CORE_ERROR_UNAUTHORIZED;
  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "--pin=1111"), ==, 1);
  g_assert_cmpstr(err, ==,
                  "error: org.example.Modem1.Error.Core.Unauthorized: scripted failure of "
                  "SendPin\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* argument errors, before any call */
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-e", "-d"), ==, 1);
  g_assert_cmpstr(err, ==, "error: too many actions requested\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-e"), ==, 1);
  g_assert_cmpstr(err, ==, "error: this action needs a modem (use -m)\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "--enable-pin"), ==, 1);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--set-allowed-modes=6g"), ==, 1);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--set-current-bands=eutran-999"), ==, 1);
  g_assert_cmpuint(n_calls(f), ==, 2);
}

static void
test_timeout(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GTimer) timer = g_timer_new();

  SKIP_IF_NEEDED(f);
  f->hold_method = g_strdup("Reset");
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "-r", "--timeout=1"), ==, 1);
  g_assert_true(g_str_has_prefix(err, "error: timed out"));
  g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 10.0);
}

void
add_modem_tests(void)
{
  ADD("absent", SERVICE_ABSENT, test_absent);
  ADD("list-empty", SERVICE_EMPTY, test_list_empty);
  ADD("list", SERVICE_ONE_MODEM, test_list);
  ADD("modem-show", SERVICE_ONE_MODEM, test_modem_show);
  ADD("modem-actions", SERVICE_ONE_MODEM, test_modem_actions);
  ADD("simple-connect", SERVICE_ONE_MODEM, test_simple_connect);
  ADD("errors", SERVICE_ONE_MODEM, test_errors);
  ADD("timeout", SERVICE_ONE_MODEM, test_timeout);
}
