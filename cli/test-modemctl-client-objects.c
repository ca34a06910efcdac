/* modemctl on the other objects and interfaces: the SIM, the bearer, 3GPP scan and extended
 * signal, and the manager. */
#include "modemctl-client-fixture.h"

#include <string.h>

static void
test_sim(Fixture *f, gconstpointer data)
{
  static const struct {
    const char *args[5];
    const char *call;
    const char *message;
  } cases[] = {
    { { "-i", "0", "--pin=1234" }, "SendPin ('1234',)", "successfully sent PIN code to the SIM\n" },
    { { "-m", "0", "--pin=1234" }, "SendPin ('1234',)", "successfully sent PIN code to the SIM\n" },
    { { "-i", SIM_PATH, "--puk=12345678", "--pin=0000" },
      "SendPuk ('12345678', '0000')",
      "successfully sent PUK code to the SIM\n" },
    { { "-i", "0", "--enable-pin", "--pin=1234" },
      "EnablePin ('1234', true)",
      "successfully enabled PIN code request in the SIM\n" },
    { { "-i", "0", "--disable-pin", "--pin=1234" },
      "EnablePin ('1234', false)",
      "successfully disabled PIN code request in the SIM\n" },
    { { "-i", "0", "--change-pin=4321", "--pin=1234" },
      "ChangePin ('1234', '4321')",
      "successfully changed PIN code in the SIM\n" },
  };
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *o = NULL, *e = NULL, *got = NULL;

    g_assert_cmpint(run_modemctlv(f, &o, &e, cases[i].args), ==, 0);
    got = call(f, n_calls(f) - 1);
    g_assert_cmpstr(got, ==, cases[i].call);
    g_assert_cmpstr(o, ==, cases[i].message);
  }

  g_assert_cmpint(RUN(f, &out, &err, "-i", "0"), ==, 0);
  g_assert_nonnull(strstr(out, "iccid: 89340000000000000001\n"));
  g_assert_nonnull(strstr(out, "active: yes\n"));
  g_assert_nonnull(strstr(out, "operator name: Orange\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-i", "0", "-K"), ==, 0);
  g_assert_true(g_regex_match_simple("^sim\\.properties\\.iccid +: 89340000000000000001$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^sim\\.properties\\.imsi +: 214030000000001$", out,
                                     G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-i", "7"), ==, 1);
  g_assert_cmpstr(err, ==, "error: SIM " MMD_DBUS_SIM_PREFIX "/7 not found\n");
}

static void
test_bearer(Fixture *f, gconstpointer data)
{
  const char *formats[] = { "--timeout=5", "-J", "-K" };
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  for (gsize i = 0; i < G_N_ELEMENTS(formats); i++) {
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint(RUN(f, &o, &e, "-b", "0", formats[i]), ==, 0);
    g_assert_null(strstr(o, "s3cr3t-pw"));
    g_assert_nonnull(strstr(o, "10.0.0.2"));
  }

  g_assert_cmpint(RUN(f, &out, &err, "-b", BEARER_PATH), ==, 0);
  g_assert_nonnull(strstr(out, "interface: wwan0\n"));
  g_assert_nonnull(strstr(out, "connected: yes\n"));
  g_assert_nonnull(strstr(out, "apn: internet\n"));
  g_assert_nonnull(strstr(out, "ip type: ipv4v6\n"));
  g_assert_nonnull(strstr(out, "roaming: forbidden\n"));
  g_assert_nonnull(strstr(out, "user: alice\n"));
  g_assert_nonnull(strstr(out, "method: static\n"));
  g_assert_nonnull(strstr(out, "prefix: 30\n"));
  g_assert_nonnull(strstr(out, "dns: 8.8.8.8\n"));
  g_assert_nonnull(strstr(out, "mtu: 1500\n"));
  g_assert_null(strstr(out, "IPv6"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-K"), ==, 0);
  g_assert_true(
      g_regex_match_simple("^bearer\\.status\\.connected +: yes$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^bearer\\.ipv4-config\\.address +: 10\\.0\\.0\\.2$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^bearer\\.ipv4-config\\.dns\\.value\\[2\\] +: 8\\.8\\.4\\.4$",
                                     out, G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^bearer\\.ipv6-config\\.address +: --$", out, G_REGEX_MULTILINE, 0));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-c"), ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==, "Connect ()");
  g_assert_cmpstr(out, ==, "successfully connected the bearer\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "0", "-x"), ==, 0);
  got = call(f, 1);
  g_assert_cmpstr(got, ==, "Disconnect ()");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-b", "9"), ==, 1);
  g_assert_cmpstr(err, ==, "error: bearer " MMD_DBUS_BEARER_PREFIX "/9 not found\n");
}

static void
test_scan_and_signal(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--3gpp-scan"), ==, 0);
  g_assert_nonnull(strstr(out, "networks: 21403 - Orange (lte, current)\n"));
  g_assert_nonnull(strstr(out, "21401 - voda (umts, forbidden)\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--3gpp-scan", "-J"), ==, 0);
  g_assert_cmpstr(out, ==,
                  "{\"modem\":{\"3gpp\":{\"scan-networks\":[\"operator-code: 21403, "
                  "operator-name: Orange, access-technologies: lte, availability: current\","
                  "\"operator-code: 21401, operator-name: voda, access-technologies: umts, "
                  "availability: forbidden\"]}}}\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--signal-get"), ==, 0);
  g_assert_nonnull(strstr(out, "refresh rate: 5 seconds\n"));
  g_assert_nonnull(strstr(out, "rssi: -60.00 dBm\n"));
  g_assert_nonnull(strstr(out, "rsrp: -90.50 dBm\n"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-m", "0", "--signal-get", "-K"), ==, 0);
  /* values without their unit, as mmcli -K prints them */
  g_assert_true(
      g_regex_match_simple("^modem\\.signal\\.lte\\.rssi +: -60\\.00$", out, G_REGEX_MULTILINE, 0));
  g_assert_true(g_regex_match_simple("^modem\\.signal\\.threshold\\.error-rate +: no$", out,
                                     G_REGEX_MULTILINE, 0));
  g_assert_true(
      g_regex_match_simple("^modem\\.signal\\.5g\\.rsrp +: --$", out, G_REGEX_MULTILINE, 0));
}

static void
test_manager(Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *got = NULL;

  SKIP_IF_NEEDED(f);
  g_assert_cmpint(RUN(f, &out, &err, "-S"), ==, 0);
  got = call(f, 0);
  g_assert_cmpstr(got, ==, "ScanDevices ()");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-G", "DEBUG"), ==, 0);
  got = call(f, 1);
  g_assert_cmpstr(got, ==, "SetLogging ('DEBUG',)");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_clear_pointer(&got, g_free);

  g_assert_cmpint(RUN(f, &out, &err,
                      "--report-kernel-event=action=add,subsystem=usbmisc,name=cdc-wdm0,uid=usb1"),
                  ==, 0);
  got = call(f, 2);
  g_assert_cmpstr(got, ==,
                  "ReportKernelEvent ({'action': <'add'>, 'subsystem': <'usbmisc'>, 'name': "
                  "<'cdc-wdm0'>, 'uid': <'usb1'>},)");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "--report-kernel-event=action=add,subsystem=usbmisc"), ==, 1);
  g_assert_cmpstr(err, ==, "error: invalid kernel event: missing key 'name'\n");
  g_assert_cmpuint(n_calls(f), ==, 3);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_assert_cmpint(RUN(f, &out, &err, "-V"), ==, 0);
  g_assert_true(g_str_has_prefix(out, "modemctl "));
}

void
add_object_tests(void)
{
  ADD("sim", SERVICE_ONE_MODEM, test_sim);
  ADD("bearer", SERVICE_ONE_MODEM, test_bearer);
  ADD("scan-and-signal", SERVICE_ONE_MODEM, test_scan_and_signal);
  ADD("manager", SERVICE_ONE_MODEM, test_manager);
}
