/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: a simulated cellular modem for tests.
 *
 *   modem-sim --protocol=qmi --link=/tmp/x/cdc-wdm0 [options]
 *
 * See sim-core.h for the architecture; every received request is logged on
 * stderr as one line starting with "sim: rx".
 */
#include "sim-core.h"
#include "sim-radio.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gboolean
parse_operator(const char *s, SimOperator *op, GError **error)
{
  const char *colon = strchr(s, ':');
  gsize n = colon ? (gsize)(colon - s) : strlen(s);

  if (n < 5 || n > 6) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad operator '%s' (MCCMNC:Name)",
                s);
    return FALSE;
  }
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit(s[i])) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad MCCMNC in '%s'", s);
      return FALSE;
    }
  op->mccmnc = g_strndup(s, n);
  op->name = g_strdup(colon ? colon + 1 : op->mccmnc);
  return TRUE;
}

static gboolean
parse_addr(const char *s, int family, guint8 *out, int *prefix, GError **error)
{
  g_autofree char *copy = g_strdup(s);
  char *slash = strchr(copy, '/');

  if (slash) {
    *slash = '\0';
    if (!prefix) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "no prefix allowed in '%s'", s);
      return FALSE;
    }
    *prefix = atoi(slash + 1);
  }
  if (inet_pton(family, copy, out) != 1) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad address '%s'", s);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_fault(const char *s, SimConfig *c, GError **error)
{
  static const struct {
    const char *name;
    gsize off;
  } faults[] = {
    { "silent-after=", G_STRUCT_OFFSET(SimConfig, silent_after) },
    { "garbage-after=", G_STRUCT_OFFSET(SimConfig, garbage_after) },
    { "hangup-after=", G_STRUCT_OFFSET(SimConfig, hangup_after) },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(faults); i++) {
    if (g_str_has_prefix(s, faults[i].name)) {
      G_STRUCT_MEMBER(int, c, faults[i].off) = atoi(s + strlen(faults[i].name));
      return TRUE;
    }
  }
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown fault '%s'", s);
  return FALSE;
}

static void
operator_free(SimOperator *op)
{
  g_free(op->mccmnc);
  g_free(op->name);
}

static void
operator_free_full(gpointer p)
{
  operator_free(p);
  g_free(p);
}

static void
config_free(SimConfig *c)
{
  g_free(c->protocol);
  g_free(c->link);
  g_free(c->control);
  g_free(c->at_link);
  g_free(c->vendor);
  g_free(c->sim_pin);
  g_free(c->sim_puk);
  g_free(c->imei);
  g_free(c->manufacturer);
  g_free(c->model);
  g_free(c->revision);
  g_free(c->iccid);
  g_free(c->imsi);
  g_strfreev(c->ecc);
  g_strfreev(c->qmi_without);
  operator_free(&c->home);
  if (c->visible)
    g_ptr_array_unref(c->visible);
  if (c->dns4)
    g_array_unref(c->dns4);
  if (c->dns6)
    g_array_unref(c->dns6);
  if (c->lte_bands)
    g_array_unref(c->lte_bands);
  if (c->nr_bands)
    g_array_unref(c->nr_bands);
  g_free(c);
}

/* Options that need parsing once GOption has read them. */
typedef struct {
  char *home;
  char **visible;
  char *ip4, *gw4, **dns4;
  char *ip6, *gw6, **dns6;
  gboolean no_ip6;
  char **faults;
  char *rat, *lte_bands, *nr_bands;
  char *ecc;
} RawOptions;

static void
raw_options_clear(RawOptions *o)
{
  g_free(o->home);
  g_strfreev(o->visible);
  g_free(o->ip4);
  g_free(o->gw4);
  g_strfreev(o->dns4);
  g_free(o->ip6);
  g_free(o->gw6);
  g_strfreev(o->dns6);
  g_strfreev(o->faults);
  g_free(o->rat);
  g_free(o->lte_bands);
  g_free(o->nr_bands);
  g_free(o->ecc);
}

static SimConfig *
config_new(void)
{
  SimConfig *c = g_new0(SimConfig, 1);

  c->fd = -1;
  c->at_fd = -1;
  c->pin_retries = 3;
  c->puk_retries = 10;
  c->rssi = -65;
  c->rsrp = -95;
  c->rsrq = -10;
  c->snr = 12.0;
  c->mtu = 1500;
  c->nr_rsrp = -90;
  c->nr_rsrq = -11;
  c->nr_snr = 15.5;
  c->silent_after = c->garbage_after = c->hangup_after = -1;
  return c;
}

static gboolean
parse_command_line(SimConfig *c, RawOptions *o, int *argc, char ***argv, GError **error)
{
  GOptionEntry entries[] = {
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &c->protocol,
      "Protocol: qmi, mbim, at, or qrtr (QMI services on a QRTR bus)", "PROTO" },
    { "link", 0, 0, G_OPTION_ARG_FILENAME, &c->link,
      "Create a pty and symlink PATH to it; qrtr: the unix QRTR bus at PATH, or 'kernel'", "PATH" },
    { "qrtr-node", 0, 0, G_OPTION_ARG_INT, &c->qrtr_node,
      "qrtr on a unix bus: the node to publish the services on [the bus's own]", "N" },
    { "fd", 0, 0, G_OPTION_ARG_INT, &c->fd, "Serve on inherited descriptor N", "N" },
    { "control", 0, 0, G_OPTION_ARG_FILENAME, &c->control,
      "Listen for control commands on a unix socket at PATH", "PATH" },
    { "at-link", 0, 0, G_OPTION_ARG_FILENAME, &c->at_link,
      "A second port speaking AT, on a pty symlinked at PATH", "PATH" },
    { "at-fd", 0, 0, G_OPTION_ARG_INT, &c->at_fd, "A second port speaking AT, on descriptor N",
      "N" },
    { "vendor", 0, 0, G_OPTION_ARG_STRING, &c->vendor, "Vendor commands: quectel", "VENDOR" },
    { "sim-pin", 0, 0, G_OPTION_ARG_STRING, &c->sim_pin, "SIM PIN (SIM locked at start)", "PIN" },
    { "sim-puk", 0, 0, G_OPTION_ARG_STRING, &c->sim_puk, "SIM PUK", "PUK" },
    { "pin-retries", 0, 0, G_OPTION_ARG_INT, &c->pin_retries, "PIN retries", "N" },
    { "puk-retries", 0, 0, G_OPTION_ARG_INT, &c->puk_retries, "PUK retries", "N" },
    { "no-sim", 0, 0, G_OPTION_ARG_NONE, &c->no_sim, "No SIM card inserted", NULL },
    { "imei", 0, 0, G_OPTION_ARG_STRING, &c->imei, "IMEI", "IMEI" },
    { "manufacturer", 0, 0, G_OPTION_ARG_STRING, &c->manufacturer, "Manufacturer", "S" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &c->model, "Model", "S" },
    { "revision", 0, 0, G_OPTION_ARG_STRING, &c->revision, "Firmware revision", "S" },
    { "iccid", 0, 0, G_OPTION_ARG_STRING, &c->iccid, "ICCID", "DIGITS" },
    { "imsi", 0, 0, G_OPTION_ARG_STRING, &c->imsi, "IMSI", "DIGITS" },
    { "home-operator", 0, 0, G_OPTION_ARG_STRING, &o->home, "Home operator", "MCCMNC:Name" },
    { "visible-operator", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->visible,
      "Other operator seen in scans (repeatable)", "MCCMNC:Name" },
    { "registration-delay-ms", 0, 0, G_OPTION_ARG_INT, &c->registration_delay_ms,
      "Searching time before registration", "MS" },
    { "rssi", 0, 0, G_OPTION_ARG_INT, &c->rssi, "RSSI dBm", "N" },
    { "rsrp", 0, 0, G_OPTION_ARG_INT, &c->rsrp, "RSRP dBm", "N" },
    { "rsrq", 0, 0, G_OPTION_ARG_INT, &c->rsrq, "RSRQ dB", "N" },
    { "snr", 0, 0, G_OPTION_ARG_DOUBLE, &c->snr, "SNR dB", "N" },
    { "qmi-legacy-signal", 0, 0, G_OPTION_ARG_NONE, &c->qmi_legacy_signal,
      "QMI NAS without Get/Config Signal Info (firmware before NAS 1.8)", NULL },
    { "ip4", 0, 0, G_OPTION_ARG_STRING, &o->ip4, "IPv4 address", "ADDR/PREFIX" },
    { "gateway4", 0, 0, G_OPTION_ARG_STRING, &o->gw4, "IPv4 gateway", "ADDR" },
    { "dns4", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->dns4, "IPv4 DNS (repeatable)", "ADDR" },
    { "mtu", 0, 0, G_OPTION_ARG_INT, &c->mtu, "MTU", "N" },
    { "ip6", 0, 0, G_OPTION_ARG_STRING, &o->ip6, "IPv6 address", "ADDR/PREFIX" },
    { "gateway6", 0, 0, G_OPTION_ARG_STRING, &o->gw6, "IPv6 gateway", "ADDR" },
    { "dns6", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->dns6, "IPv6 DNS (repeatable)", "ADDR" },
    { "no-ip6", 0, 0, G_OPTION_ARG_NONE, &o->no_ip6, "Network refuses IPv6", NULL },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->faults,
      "silent-after=N | garbage-after=N | hangup-after=N", "FAULT" },
    { "network-disconnect-after-ms", 0, 0, G_OPTION_ARG_INT, &c->network_disconnect_after_ms,
      "Drop data sessions from the network side after MS", "MS" },
    { "rat", 0, 0, G_OPTION_ARG_STRING, &o->rat, "Network technology: lte, nr5g-nsa, nr5g-sa",
      "RAT" },
    { "lte-bands", 0, 0, G_OPTION_ARG_STRING, &o->lte_bands, "E-UTRAN bands supported", "N,N,..." },
    { "nr-bands", 0, 0, G_OPTION_ARG_STRING, &o->nr_bands, "NR bands supported (5G)", "N,N,..." },
    { "nr-rsrp", 0, 0, G_OPTION_ARG_INT, &c->nr_rsrp, "NR RSRP dBm", "N" },
    { "nr-rsrq", 0, 0, G_OPTION_ARG_INT, &c->nr_rsrq, "NR RSRQ dB", "N" },
    { "nr-snr", 0, 0, G_OPTION_ARG_DOUBLE, &c->nr_snr, "NR SNR dB", "N" },
    { "sim-ecc", 0, 0, G_OPTION_ARG_STRING, &o->ecc,
      "Emergency numbers on the card (EF_ECC), comma separated", "N,N" },
    { "qmi-no-ussd-no-wait", 0, 0, G_OPTION_ARG_NONE, &c->qmi_no_ussd_no_wait,
      "QMI: no Originate USSD No Wait", NULL },
    { "qmi-without", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c->qmi_without,
      "QMI: the modem lacks this service (e.g. VOICE; repeatable)", "SERVICE" },
    { "at-ussd-packed-hex", 0, 0, G_OPTION_ARG_NONE, &c->at_ussd_packed_hex,
      "AT: +CUSD strings in 7-bit packed hex", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- simulated modem");

  g_option_context_add_main_entries(ctx, entries, NULL);
  return g_option_context_parse(ctx, argc, argv, error);
}

static void
default_identity(SimConfig *c)
{
#define DEFAULT(field, value)                                                                      \
  if (!c->field)                                                                                   \
    c->field = g_strdup(value);
  DEFAULT(protocol, "qmi");
  DEFAULT(imei, "490154203237518");
  DEFAULT(manufacturer, "modemd");
  DEFAULT(model, "Simulated Modem");
  DEFAULT(revision, "SIM.1.0.0");
  DEFAULT(iccid, "89490200001234567890");
  DEFAULT(imsi, "262011234567890");
#undef DEFAULT
}

static gboolean
parse_operators(SimConfig *c, const RawOptions *o, GError **error)
{
  if (!parse_operator(o->home ? o->home : "26201:Simnet", &c->home, error))
    return FALSE;
  c->visible = g_ptr_array_new_with_free_func(operator_free_full);
  for (char **v = o->visible; v && *v; v++) {
    SimOperator *op = g_new0(SimOperator, 1);

    g_ptr_array_add(c->visible, op);
    if (!parse_operator(*v, op, error))
      return FALSE;
  }
  return TRUE;
}

/* the addresses in list, or the one in fallback, into an array of them */
static gboolean
parse_addr_list(char **list, const char *fallback, int family, GArray *out, GError **error)
{
  const char *def[] = { fallback, NULL };

  for (char **v = list ? list : (char **)def; *v; v++) {
    guint8 a[16];

    if (!parse_addr(*v, family, a, NULL, error))
      return FALSE;
    g_array_append_vals(out, a, 1);
  }
  return TRUE;
}

static gboolean
parse_ip_config(SimConfig *c, const RawOptions *o, GError **error)
{
  c->ip4_prefix = 24;
  c->dns4 = g_array_new(FALSE, TRUE, 4);
  if (!parse_addr(o->ip4 ? o->ip4 : "10.0.0.2/24", AF_INET, c->ip4, &c->ip4_prefix, error)
      || !parse_addr(o->gw4 ? o->gw4 : "10.0.0.1", AF_INET, c->gw4, NULL, error)
      || !parse_addr_list(o->dns4, "10.0.0.53", AF_INET, c->dns4, error))
    return FALSE;
  c->have_ip6 = !o->no_ip6;
  c->ip6_prefix = 64;
  c->dns6 = g_array_new(FALSE, TRUE, 16);
  return parse_addr(o->ip6 ? o->ip6 : "2001:db8:1::2/64", AF_INET6, c->ip6, &c->ip6_prefix, error)
         && parse_addr(o->gw6 ? o->gw6 : "2001:db8:1::1", AF_INET6, c->gw6, NULL, error)
         && parse_addr_list(o->dns6, "2001:db8:1::53", AF_INET6, c->dns6, error);
}

static const SimProtocol *
protocol_by_name(const char *name, GError **error)
{
  if (g_str_equal(name, "qmi"))
    return &sim_protocol_qmi;
  if (g_str_equal(name, "mbim"))
    return &sim_protocol_mbim;
  if (g_str_equal(name, "at"))
    return &sim_protocol_at;
  if (g_str_equal(name, "qrtr"))
    return &sim_protocol_qrtr;
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unsupported protocol '%s'", name);
  return NULL;
}

/* Emergency call codes fit EF_ECC's 3 bytes: 1 to 6 digits. */
static gboolean
parse_ecc(const char *list, SimConfig *c, GError **error)
{
  c->ecc = g_strsplit(list ? list : "112,999", ",", -1);
  for (char **n = c->ecc; *n; n++) {
    gsize len = strlen(*n);

    if (len < 1 || len > 6 || strspn(*n, "0123456789") != len) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "bad emergency number '%s' (1 to 6 digits)", *n);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
parse_config(SimConfig *c, int *argc, char ***argv, GError **error)
{
  RawOptions o = { 0 };
  gboolean ok = parse_command_line(c, &o, argc, argv, error);

  if (ok) {
    default_identity(c);
    ok = parse_operators(c, &o, error) && parse_ip_config(c, &o, error)
         && sim_radio_parse_options(c, o.rat, o.lte_bands, o.nr_bands, error)
         && parse_ecc(o.ecc, c, error);
  }
  for (char **v = o.faults; ok && v && *v; v++)
    ok = parse_fault(*v, c, error);
  raw_options_clear(&o);
  if (ok && !c->link && c->fd < 0) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "need --link=PATH or --fd=N");
    ok = FALSE;
  }
  return ok;
}

int
main(int argc, char **argv)
{
  SimConfig *c = config_new();
  g_autoptr(GError) error = NULL;
  const SimProtocol *proto = NULL;
  SimCore *core;
  int rc;

  if (!parse_config(c, &argc, &argv, &error) || !(proto = protocol_by_name(c->protocol, &error))) {
    fprintf(stderr, "modem-sim: %s\n", error->message);
    config_free(c);
    return 2;
  }
  core = sim_core_new(c, proto);
  rc = sim_core_run(core);
  sim_core_free(core);
  config_free(c);
  return rc;
}
