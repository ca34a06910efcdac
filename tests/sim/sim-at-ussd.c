/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: 27.007 USSD, +CUSD=<n>[,<str>[,<dcs>]], answered with OK and the
 * network's text in a +CUSD: <m>[,<str>,<dcs>] URC (m 0: no further action,
 * 1: further action required, 2: terminated by the network).
 *
 * <str> is in the character set +CSCS chose: GSM or IRA text, or UCS2 as hex
 * of big endian units; a text the default alphabet cannot carry comes as
 * UCS-2 hex with DCS 72 whatever the set.  With --at-ussd-packed-hex the
 * modem behaves like those that want and give 7-bit packed septets as hex
 * (DCS 15) instead of text.
 */
#include "sim-at.h"
#include "sim-ussd.h"

#include <string.h>

#define DCS_GSM7 15
#define DCS_UCS2 72

static char *
to_hex(const GByteArray *bytes)
{
  GString *hex = g_string_new(NULL);

  for (guint i = 0; i < bytes->len; i++)
    g_string_append_printf(hex, "%02X", bytes->data[i]);
  return g_string_free(hex, FALSE);
}

static GByteArray *
from_hex(const char *hex)
{
  gsize n = strlen(hex);
  GByteArray *bytes;

  if (n == 0 || n % 2)
    return NULL;
  bytes = g_byte_array_new();
  for (gsize i = 0; i < n; i += 2) {
    guint8 b;

    if (!g_ascii_isxdigit(hex[i]) || !g_ascii_isxdigit(hex[i + 1])) {
      g_byte_array_unref(bytes);
      return NULL;
    }
    b = g_ascii_xdigit_value(hex[i]) << 4 | g_ascii_xdigit_value(hex[i + 1]);
    g_byte_array_append(bytes, &b, 1);
  }
  return bytes;
}

/* The host's <str> as UTF-8, or NULL. */
static char *
decode_host_text(SimAt *a, const char *str)
{
  g_autoptr(GByteArray) bytes = NULL;

  if (sim_core_config(a->core)->at_ussd_packed_hex)
    return (bytes = from_hex(str)) ? sim_ussd_unpack_gsm7(bytes->data, bytes->len) : NULL;
  if (a->cscs == CSCS_UCS2)
    return (bytes = from_hex(str)) ? sim_ussd_from_ucs2(bytes->data, bytes->len) : NULL;
  return sim_ussd_is_gsm7(str) ? g_strdup(str) : NULL;
}

/* The URC's <str> and <dcs> for text. */
static char *
encode_network_text(SimAt *a, const char *text, int *dcs)
{
  g_autoptr(GByteArray) bytes = NULL;

  *dcs = DCS_GSM7;
  if (!sim_ussd_is_gsm7(text)) {
    *dcs = DCS_UCS2;
    bytes = sim_ussd_to_ucs2(text);
  } else if (sim_core_config(a->core)->at_ussd_packed_hex) {
    bytes = sim_ussd_pack_gsm7(text);
  } else if (a->cscs == CSCS_UCS2) {
    bytes = sim_ussd_to_ucs2(text);
  } else {
    return g_strdup(text);
  }
  return to_hex(bytes);
}

static void
cusd_urc(SimAt *a, const SimUssdMessage *msg)
{
  g_autofree char *line = NULL;
  g_autofree char *str = NULL;
  int dcs;

  if (!a->cusd)
    return;
  if (msg->kind == SIM_USSD_RELEASE) {
    at_urc(a, "+CUSD: 2");
    return;
  }
  str = encode_network_text(a, msg->text, &dcs);
  line = g_strdup_printf("+CUSD: %d,\"%s\",%d", msg->kind == SIM_USSD_REQUEST ? 1 : 0, str, dcs);
  at_urc(a, line);
}

static AtResult
cusd_set(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  g_autofree char *text = NULL;
  const char *why = NULL;
  SimUssdMessage answer;
  int n, dcs = DCS_GSM7;

  if (!at_arg_int(args, 0, &n) || n < 0 || n > 2)
    return R_ERROR;
  if (*at_arg(args, 2) && (!at_arg_int(args, 2, &dcs) || dcs != DCS_GSM7))
    return at_cme(r, CME_NOT_SUPPORTED);
  if (n == 2) {
    sim_ussd_cancel(a->core);
    return R_OK;
  }
  a->cusd = n;
  if (!*at_arg(args, 1))
    return R_OK;
  if (!(text = decode_host_text(a, at_arg(args, 1)))) {
    sim_core_log(a->core, "at: +CUSD string not in the character set");
    return at_cme(r, CME_INVALID_CHARS);
  }
  if (!(sim_ussd_waiting(a->core) ? sim_ussd_respond(a->core, text, &answer, &why)
                                  : sim_ussd_initiate(a->core, text, &answer, &why))) {
    sim_core_log(a->core, "at: USSD refused: %s", why);
    return at_cme(r, g_str_equal(why, "no network") ? CME_NO_NETWORK : CME_NOT_ALLOWED);
  }
  /* held until the OK is out */
  cusd_urc(a, &answer);
  return R_OK;
}

static AtResult
cusd_query(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CUSD: %d", a->cusd);
  return R_OK;
}

static AtResult
cusd_test(SimAt *a, const AtCommandDef *def, GPtrArray *args, AtReply *r)
{
  at_info(r, "+CUSD: (0-2)");
  return R_OK;
}

static const AtCommandDef defs[] = {
  { "+CUSD", .set = cusd_set, .query = cusd_query, .test = cusd_test },
};

const AtCommandTable at_ussd_commands = { defs, G_N_ELEMENTS(defs) };

void
at_ussd_notify(SimAt *a, gconstpointer msg)
{
  cusd_urc(a, msg);
}
