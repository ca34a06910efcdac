/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the SIM card (PIN and PUK with their retries, the elementary
 * files a host reads).
 */
#include "sim-core-private.h"

#include <string.h>

void
sim_card_init(SimCore *core)
{
  const SimConfig *config = core->config;

  core->pin_retries = config->pin_retries;
  core->puk_retries = config->puk_retries;
  core->pin = g_strdup(config->sim_pin ? config->sim_pin : "1234");
  core->puk = g_strdup(config->sim_puk ? config->sim_puk : "12345678");
  core->pin_enabled = config->sim_pin != NULL;
  if (config->no_sim)
    core->card = SIM_CARD_ABSENT;
  else if (core->pin_enabled)
    core->card = core->pin_retries > 0 ? SIM_CARD_PIN_REQUIRED : SIM_CARD_PUK_REQUIRED;
  else
    core->card = SIM_CARD_READY;
}

SimCardState
sim_core_card_state(SimCore *core)
{
  return core->card;
}

gboolean
sim_core_pin_enabled(SimCore *core)
{
  return core->pin_enabled;
}

int
sim_core_pin_retries(SimCore *core)
{
  return core->pin_retries;
}

int
sim_core_puk_retries(SimCore *core)
{
  return core->puk_retries;
}

gboolean
sim_core_sim_readable(SimCore *core)
{
  return core->card == SIM_CARD_READY;
}

static void
card_set(SimCore *core, SimCardState state)
{
  if (core->card == state)
    return;
  core->card = state;
  sim_core_log(core, "event: sim %s",
               state == SIM_CARD_READY          ? "ready"
               : state == SIM_CARD_PIN_REQUIRED ? "pin-required"
               : state == SIM_CARD_PUK_REQUIRED ? "puk-required"
               : state == SIM_CARD_BLOCKED      ? "blocked"
                                                : "absent");
  sim_core_notify(core, SIM_NOTIFY_CARD, NULL);
  sim_core_registration_update(core);
}

static gboolean
valid_code(const char *s, gsize min, gsize max)
{
  gsize n;

  if (!s)
    return FALSE;
  n = strlen(s);
  if (n < min || n > max)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit(*s))
      return FALSE;
  return TRUE;
}

/* compare a PIN, counting retries */
static SimPinResult
check_pin(SimCore *core, const char *pin)
{
  if (core->card == SIM_CARD_ABSENT)
    return SIM_PIN_NO_SIM;
  if (core->card == SIM_CARD_PUK_REQUIRED || core->card == SIM_CARD_BLOCKED)
    return SIM_PIN_BLOCKED;
  if (!valid_code(pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  if (g_str_equal(pin, core->pin)) {
    core->pin_retries = core->config->pin_retries;
    return SIM_PIN_OK;
  }
  if (core->pin_retries > 0)
    core->pin_retries--;
  if (core->pin_retries == 0)
    card_set(core, SIM_CARD_PUK_REQUIRED);
  return SIM_PIN_INCORRECT;
}

SimPinResult
sim_core_verify_pin(SimCore *core, const char *pin)
{
  SimPinResult r = check_pin(core, pin);

  if (r == SIM_PIN_OK && core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  return r;
}

SimPinResult
sim_core_unblock_pin(SimCore *core, const char *puk, const char *new_pin)
{
  if (core->card == SIM_CARD_ABSENT)
    return SIM_PIN_NO_SIM;
  if (core->card == SIM_CARD_BLOCKED)
    return SIM_PIN_BLOCKED;
  if (!valid_code(puk, 8, 8) || !valid_code(new_pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  if (!g_str_equal(puk, core->puk)) {
    if (core->puk_retries > 0)
      core->puk_retries--;
    if (core->puk_retries == 0)
      card_set(core, SIM_CARD_BLOCKED);
    return SIM_PIN_INCORRECT;
  }
  g_free(core->pin);
  core->pin = g_strdup(new_pin);
  core->pin_retries = core->config->pin_retries;
  core->puk_retries = core->config->puk_retries;
  card_set(core, SIM_CARD_READY);
  return SIM_PIN_OK;
}

SimPinResult
sim_core_change_pin(SimCore *core, const char *old_pin, const char *new_pin)
{
  SimPinResult r;

  if (!valid_code(new_pin, 4, 8))
    return SIM_PIN_BAD_ARGS;
  r = check_pin(core, old_pin);
  if (r != SIM_PIN_OK)
    return r;
  g_free(core->pin);
  core->pin = g_strdup(new_pin);
  if (core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  return SIM_PIN_OK;
}

SimPinResult
sim_core_set_pin_enabled(SimCore *core, gboolean enabled, const char *pin)
{
  SimPinResult r = check_pin(core, pin);

  if (r != SIM_PIN_OK)
    return r;
  core->pin_enabled = enabled;
  if (core->card == SIM_CARD_PIN_REQUIRED)
    card_set(core, SIM_CARD_READY);
  else
    sim_core_notify(core, SIM_NOTIFY_CARD, NULL);
  return SIM_PIN_OK;
}

/* Elementary files of the SIM (ICCID, IMSI, AD, SPN) as stored on the card. */

static void
ef_u8(GByteArray *b, guint8 v)
{
  g_byte_array_append(b, &v, 1);
}

static void
bcd_swapped(GByteArray *b, const char *digits, gsize nbytes)
{
  gsize n = strlen(digits);

  for (gsize i = 0; i < nbytes; i++) {
    guint8 lo = 2 * i < n ? digits[2 * i] - '0' : 0xF;
    guint8 hi = 2 * i + 1 < n ? digits[2 * i + 1] - '0' : 0xF;

    ef_u8(b, (hi << 4) | lo);
  }
}

GByteArray *
sim_core_read_ef(SimCore *core, guint16 id, SimEfResult *res)
{
  const SimConfig *cfg = core->config;
  GByteArray *b = g_byte_array_new();

  switch (id) {
    case 0x2FE2: /* EF_ICCID */
      bcd_swapped(b, cfg->iccid, 10);
      return b;
    case 0x6F07: /* EF_IMSI: length, then parity nibble + digits */
      if (!sim_core_sim_readable(core))
        break;
      {
        gsize n = strlen(cfg->imsi);
        g_autofree char *digits = g_strdup_printf("%c%s", n % 2 ? '9' : '1', cfg->imsi);

        ef_u8(b, 8);
        bcd_swapped(b, digits, 8);
      }
      return b;
    case 0x6FAD: /* EF_AD: last byte = MNC length */
      if (!sim_core_sim_readable(core))
        break;
      ef_u8(b, 0);
      ef_u8(b, 0);
      ef_u8(b, 0);
      ef_u8(b, strlen(cfg->home.mccmnc) - 3);
      return b;
    case 0x6F46: /* EF_SPN */
      if (!sim_core_sim_readable(core))
        break;
      {
        gsize n = MIN(strlen(cfg->home.name), 16);

        ef_u8(b, 0x01);
        g_byte_array_append(b, (const guint8 *)cfg->home.name, n);
        for (; n < 16; n++)
          ef_u8(b, 0xFF);
      }
      return b;
    case 0x6FB7: /* EF_ECC: 3 bytes a code, as on a 2G SIM; read access always */
      for (char **n = cfg->ecc; n && *n; n++)
        bcd_swapped(b, *n, 3);
      return b;
    default:
      g_byte_array_unref(b);
      *res = SIM_EF_NOT_FOUND;
      return NULL;
  }
  g_byte_array_unref(b);
  *res = SIM_EF_ACCESS_DENIED;
  return NULL;
}
