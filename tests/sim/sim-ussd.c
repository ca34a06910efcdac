/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: USSD, the network's side (see sim-ussd.h), its control commands,
 * and the small text codecs the protocol modules share (GSM 7-bit packing for
 * the ASCII subset of the default alphabet, UCS-2 big endian).  Independent
 * of src/codec on purpose: the two check each other.
 */
#include "sim-ussd.h"

#include <string.h>

#include "sim-core-private.h"

#define MENU "Menu: 1 Balance, 2 Data"
#define BALANCE "Balance: 5.00 EUR"

struct _SimUssd {
  SimCore *core;
  enum { SESSION_NONE, SESSION_MENU, SESSION_NETWORK } session;
  char *last_answer;
};

static SimUssd *
ussd_of(SimCore *core)
{
  return core->ussd;
}

static void
answer(SimUssd *u, SimUssdMessage *out, SimUssdKind kind, const char *text)
{
  g_free(u->last_answer);
  u->last_answer = g_strdup(text);
  out->kind = kind;
  out->text = u->last_answer;
  if (kind != SIM_USSD_REQUEST)
    u->session = SESSION_NONE;
  sim_core_log(u->core, "event: ussd %s \"%s\"",
               kind == SIM_USSD_REQUEST  ? "request"
               : kind == SIM_USSD_NOTIFY ? "notification"
                                         : "release",
               text);
}

static gboolean
network_ready(SimCore *core, const char **why)
{
  if (sim_core_reg_state(core) == SIM_REG_REGISTERED)
    return TRUE;
  *why = "no network";
  return FALSE;
}

gboolean
sim_ussd_initiate(SimCore *core, const char *text, SimUssdMessage *out, const char **why)
{
  SimUssd *u = ussd_of(core);

  if (!network_ready(core, why))
    return FALSE;
  if (u->session != SESSION_NONE) {
    *why = "a session is open";
    return FALSE;
  }
  sim_core_log(core, "event: ussd initiate \"%s\"", text);
  if (g_str_equal(text, "*100#")) {
    answer(u, out, SIM_USSD_NOTIFY, BALANCE);
  } else if (g_str_equal(text, "*101#")) {
    answer(u, out, SIM_USSD_NOTIFY, "\xd0\x91\xd0\xb0\xd0\xbb\xd0\xb0\xd0\xbd\xd1\x81: 5.00 EUR");
  } else if (g_str_equal(text, "*111#")) {
    u->session = SESSION_MENU;
    answer(u, out, SIM_USSD_REQUEST, MENU);
  } else {
    answer(u, out, SIM_USSD_NOTIFY, "Unknown service code");
  }
  return TRUE;
}

gboolean
sim_ussd_respond(SimCore *core, const char *text, SimUssdMessage *out, const char **why)
{
  SimUssd *u = ussd_of(core);

  if (u->session == SESSION_NONE) {
    *why = "no session waits for a response";
    return FALSE;
  }
  sim_core_log(core, "event: ussd respond \"%s\"", text);
  if (u->session == SESSION_NETWORK)
    answer(u, out, SIM_USSD_NOTIFY, "Thank you");
  else if (g_str_equal(text, "1"))
    answer(u, out, SIM_USSD_NOTIFY, BALANCE);
  else if (g_str_equal(text, "2"))
    answer(u, out, SIM_USSD_NOTIFY, "Data: 1.5 GB left");
  else
    answer(u, out, SIM_USSD_REQUEST, "Invalid choice. " MENU);
  return TRUE;
}

void
sim_ussd_cancel(SimCore *core)
{
  SimUssd *u = ussd_of(core);

  if (u->session != SESSION_NONE)
    sim_core_log(core, "event: ussd cancelled");
  u->session = SESSION_NONE;
}

gboolean
sim_ussd_waiting(SimCore *core)
{
  return ussd_of(core)->session != SESSION_NONE;
}

/* ---- text codecs -------------------------------------------------------- */

/* The septet of an ASCII character, or -1: the default alphabet has the
 * letters, digits, space and most punctuation where ASCII has them. */
static int
gsm7_septet(char c)
{
  switch (c) {
    case '@':
      return 0x00;
    case '$':
      return 0x02;
    case '_':
      return 0x11;
    case '\n':
    case '\r':
      return c;
    default:
      break;
  }
  if ((c >= 0x20 && c <= 0x3F && c != 0x24) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
    return c;
  return -1;
}

static int
gsm7_char(guint8 septet)
{
  for (int c = 1; c < 0x80; c++)
    if (gsm7_septet((char)c) == septet)
      return c;
  return septet == 0x00 ? '@' : -1;
}

gboolean
sim_ussd_is_gsm7(const char *text)
{
  for (const char *c = text; *c; c++)
    if (gsm7_septet(*c) < 0)
      return FALSE;
  return TRUE;
}

GByteArray *
sim_ussd_pack_gsm7(const char *text)
{
  GByteArray *out = g_byte_array_new();
  gsize n = strlen(text);
  guint bits = 0, acc = 0;

  for (gsize i = 0; i <= n; i++) {
    int septet;

    if (i == n) {
      /* 7 spare bits would read as '@': 23.038 fills them with CR */
      if (n % 8 != 7)
        break;
      septet = '\r';
    } else if ((septet = gsm7_septet(text[i])) < 0) {
      g_byte_array_unref(out);
      return NULL;
    }
    acc |= (guint)septet << bits;
    bits += 7;
    while (bits >= 8) {
      guint8 b = acc & 0xFF;

      g_byte_array_append(out, &b, 1);
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) {
    guint8 b = acc & 0xFF;

    g_byte_array_append(out, &b, 1);
  }
  return out;
}

char *
sim_ussd_unpack_gsm7(const guint8 *data, gsize len)
{
  GString *s = g_string_new(NULL);
  gsize septets = len * 8 / 7;

  for (gsize i = 0; i < septets; i++) {
    gsize bit = i * 7;
    guint v = data[bit / 8] >> (bit % 8);
    int c;

    if (bit % 8 > 1 && bit / 8 + 1 < len)
      v |= data[bit / 8 + 1] << (8 - bit % 8);
    /* a CR in the last 7 spare bits is padding */
    if (i == septets - 1 && septets % 8 == 0 && (v & 0x7F) == '\r')
      break;
    if ((c = gsm7_char(v & 0x7F)) < 0) {
      g_string_free(s, TRUE);
      return NULL;
    }
    g_string_append_c(s, (char)c);
  }
  return g_string_free(s, FALSE);
}

GByteArray *
sim_ussd_to_ucs2(const char *text)
{
  GByteArray *out = g_byte_array_new();

  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char(p);
    guint8 be[2] = { (u >> 8) & 0xFF, u & 0xFF };

    g_byte_array_append(out, be, 2);
  }
  return out;
}

char *
sim_ussd_from_ucs2(const guint8 *data, gsize len)
{
  GString *s = g_string_new(NULL);

  for (gsize i = 0; i + 1 < len; i += 2) {
    gunichar u = (data[i] << 8) | data[i + 1];

    g_string_append_unichar(s, g_unichar_validate(u) ? u : 0xFFFD);
  }
  return g_string_free(s, FALSE);
}

/* ---- control commands: the network starts something -------------------- */

static gboolean
push(SimUssd *u, SimUssdKind kind, const char *text, GError **error)
{
  const char *why = NULL;
  SimUssdMessage msg;

  if (!network_ready(u->core, &why)) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "%s", why);
    return FALSE;
  }
  if (kind == SIM_USSD_RELEASE && u->session == SESSION_NONE) {
    g_set_error(error, SIM_CONTROL_ERROR, SIM_CONTROL_ERROR_NOT_POSSIBLE, "no session to end");
    return FALSE;
  }
  if (kind == SIM_USSD_REQUEST)
    u->session = SESSION_NETWORK;
  answer(u, &msg, kind, text);
  sim_core_notify(u->core, SIM_NOTIFY_USSD, &msg);
  return TRUE;
}

static gboolean
ussd_network(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  return push(user_data, SIM_USSD_REQUEST, args[0].word, error);
}

static gboolean
ussd_notify(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  return push(user_data, SIM_USSD_NOTIFY, args[0].word, error);
}

static gboolean
ussd_release(gpointer user_data, const SimControlValue *args, GString *reply, GError **error)
{
  return push(user_data, SIM_USSD_RELEASE, "", error);
}

static const SimControlArg text_arg[] = {
  { "TEXT", SIM_CONTROL_ARG_TEXT, 0, 0, NULL },
};

static const SimControlCommand ussd_commands[] = {
  { "ussd-network", text_arg, 1, ussd_network },
  { "ussd-notify", text_arg, 1, ussd_notify },
  { "ussd-release", NULL, 0, ussd_release },
};

SimUssd *
sim_ussd_new(SimCore *core)
{
  SimUssd *u = g_new0(SimUssd, 1);

  u->core = core;
  sim_control_add_commands(core->control, ussd_commands, G_N_ELEMENTS(ussd_commands), u);
  return u;
}

void
sim_ussd_free(SimUssd *u)
{
  g_free(u->last_answer);
  g_free(u);
}
