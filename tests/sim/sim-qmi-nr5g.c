/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI's view of the radio access (sim-radio.h): DMS band
 * capabilities, the modes and bands of NAS System Selection Preference, the
 * 5G parts of System Info (NR5G service for SA, EN-DC availability for NSA)
 * and the NR5G signal of Get Signal Info.
 */
#include "sim-qmi.h"

#include <string.h>

#include "sim-radio.h"

/* NAS mode preference bits */
enum {
  RAT_PREF_GSM = 1 << 2,
  RAT_PREF_UMTS = 1 << 3,
  RAT_PREF_LTE = 1 << 4,
  RAT_PREF_5GNR = 1 << 6,
};

static const struct {
  guint mode;
  guint16 pref;
  gint8 radio;
} mode_map[] = {
  { SIM_MODE_2G, RAT_PREF_GSM, 4 },
  { SIM_MODE_3G, RAT_PREF_UMTS, 5 },
  { SIM_MODE_4G, RAT_PREF_LTE, RADIO_LTE },
  { SIM_MODE_5G, RAT_PREF_5GNR, RADIO_5GNR },
};

/* Band masks: bit n-1 of the little-endian words is band n. */
#define LTE_WORDS 4
#define NR_WORDS 8

static void
put_mask(GByteArray *b, const GArray *bands, guint words)
{
  guint64 mask[NR_WORDS] = { 0 };

  for (guint i = 0; i < bands->len; i++) {
    guint band = g_array_index(bands, guint, i);

    if (band >= 1 && band <= words * 64)
      mask[(band - 1) / 64] |= G_GUINT64_CONSTANT(1) << ((band - 1) % 64);
  }
  for (guint w = 0; w < words; w++)
    for (guint byte = 0; byte < 8; byte++)
      qmi_put_u8(b, (mask[w] >> (8 * byte)) & 0xff);
}

/* The bands set in a mask TLV of words little-endian u64; NULL if absent or
 * of another length. */
static GArray *
take_mask(const QmiReq *r, guint8 type, guint words)
{
  QmiCursor c;
  GArray *bands;

  if (!qmi_cursor_init(&c, r, type) || c.n != words * 8)
    return NULL;
  bands = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < words * 8; i++) {
    guint8 byte = qmi_cursor_u8(&c);

    for (guint bit = 0; bit < 8; bit++)
      if (byte & (1u << bit)) {
        guint band = i * 8 + bit + 1;
        g_array_append_val(bands, band);
      }
  }
  return bands;
}

guint16
qmi_dms_get_band_capabilities(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  const GArray *lte = sim_radio_supported_bands(q->core, FALSE);
  const GArray *nr = sim_radio_supported_bands(q->core, TRUE);
  guint64 legacy = 0;
  gsize t;

  for (guint i = 0; i < lte->len; i++)
    if (g_array_index(lte, guint, i) <= 64)
      legacy |= G_GUINT64_CONSTANT(1) << (g_array_index(lte, guint, i) - 1);
  t = qmi_tlv_open(out, 0x01); /* 2G/3G band capability: none reported */
  qmi_put_u32(out, 0);
  qmi_put_u32(out, 0);
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x10);
  qmi_put_u32(out, legacy & 0xffffffffu);
  qmi_put_u32(out, legacy >> 32);
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x12); /* extended LTE: band numbers */
  qmi_put_u16(out, lte->len);
  for (guint i = 0; i < lte->len; i++)
    qmi_put_u16(out, g_array_index(lte, guint, i));
  qmi_tlv_close(out, t);
  if (nr->len) {
    t = qmi_tlv_open(out, 0x13); /* NR5G band numbers */
    qmi_put_u16(out, nr->len);
    for (guint i = 0; i < nr->len; i++)
      qmi_put_u16(out, g_array_index(nr, guint, i));
    qmi_tlv_close(out, t);
  }
  return ERR_NONE;
}

static gint8 radio_of_mode(guint mode);

/* Get System Selection Preference: modes, acquisition order and bands. */
void
qmi_nas_put_preferences(SimQmi *q, GByteArray *out)
{
  const GArray *lte = sim_radio_current_bands(q->core, FALSE);
  guint allowed, preferred;
  guint16 pref = 0;
  gsize t;

  sim_radio_get_modes(q->core, &allowed, &preferred);
  for (gsize i = 0; i < G_N_ELEMENTS(mode_map); i++)
    if (allowed & mode_map[i].mode)
      pref |= mode_map[i].pref;
  qmi_tlv_u16(out, 0x11, pref);
  t = qmi_tlv_open(out, 0x15);
  put_mask(out, lte, 1);
  qmi_tlv_close(out, t);
  /* acquisition order: the preferred mode first, then newest to oldest */
  t = qmi_tlv_open(out, 0x1C);
  qmi_put_u8(out, 0);
  for (int i = -1; i < (int)G_N_ELEMENTS(mode_map); i++) {
    gsize at = i < 0 ? 0 : G_N_ELEMENTS(mode_map) - 1 - (gsize)i;
    guint mode = i < 0 ? preferred : mode_map[at].mode;

    if (!mode || !(allowed & mode) || (i >= 0 && mode == preferred))
      continue;
    out->data[t + 3]++;
    qmi_put_u8(out, (guint8)radio_of_mode(mode));
  }
  qmi_tlv_close(out, t);
  t = qmi_tlv_open(out, 0x23);
  put_mask(out, lte, LTE_WORDS);
  qmi_tlv_close(out, t);
  if (sim_radio_has_5g(q->core)) {
    const GArray *nr = sim_radio_current_bands(q->core, TRUE);

    t = qmi_tlv_open(out, 0x2C);
    put_mask(out, nr, NR_WORDS);
    qmi_tlv_close(out, t);
    t = qmi_tlv_open(out, 0x2D);
    put_mask(out, nr, NR_WORDS);
    qmi_tlv_close(out, t);
  }
}

static gint8
radio_of_mode(guint mode)
{
  for (gsize i = 0; i < G_N_ELEMENTS(mode_map); i++)
    if (mode_map[i].mode == mode)
      return mode_map[i].radio;
  return -1;
}

static guint
mode_of_radio(gint8 radio)
{
  for (gsize i = 0; i < G_N_ELEMENTS(mode_map); i++)
    if (mode_map[i].radio == radio)
      return mode_map[i].mode;
  return 0;
}

static guint16
take_modes(SimQmi *q, const QmiReq *r)
{
  guint16 pref;
  guint allowed = 0, preferred = 0;
  QmiCursor c;

  if (!qmi_get_u16(r, 0x11, &pref))
    return ERR_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS(mode_map); i++)
    if (pref & mode_map[i].pref)
      allowed |= mode_map[i].mode;
  /* the first of the acquisition order is the preferred one */
  if (qmi_cursor_init(&c, r, 0x1E) && qmi_cursor_u8(&c) > 0)
    preferred = mode_of_radio((gint8)qmi_cursor_u8(&c));
  if (preferred && !(allowed & ~preferred))
    preferred = 0; /* alone it is not a preference */
  return sim_radio_set_modes(q->core, allowed, preferred) ? ERR_NONE : ERR_INVALID_ARGUMENT;
}

/* Set System Selection Preference: modes and bands; nothing changes when
 * something is refused. */
guint16
qmi_nas_take_preferences(SimQmi *q, const QmiReq *r)
{
  g_autoptr(GArray) lte = take_mask(r, 0x24, LTE_WORDS);
  g_autoptr(GArray) sa = take_mask(r, 0x2F, NR_WORDS);
  g_autoptr(GArray) nsa = take_mask(r, 0x30, NR_WORDS);
  const char *reason = NULL;
  guint16 err;

  if (!lte)
    lte = take_mask(r, 0x15, 1);
  if (lte || sa || nsa) {
    g_autoptr(GArray) none = g_array_new(FALSE, FALSE, sizeof(guint));
    const GArray *nr = sa ? sa : nsa ? nsa : sim_radio_current_bands(q->core, TRUE);

    if ((sa || nsa) && !sim_radio_has_5g(q->core))
      return ERR_INVALID_ARGUMENT;
    if (!sim_radio_set_bands(q->core, lte ? lte : sim_radio_current_bands(q->core, FALSE),
                             nr ? nr : none, &reason)) {
      sim_core_log(q->core, "qmi: bands refused: %s", reason);
      return ERR_INVALID_ARGUMENT;
    }
  }
  err = take_modes(q, r);
  return err;
}

static void
describe_mask(const QmiReq *r, GString *s, const char *name, guint8 type, guint words)
{
  g_autoptr(GArray) bands = take_mask(r, type, words);

  if (!bands)
    return;
  g_string_append_printf(s, " %s=", name);
  for (guint i = 0; i < bands->len; i++)
    g_string_append_printf(s, "%s%u", i ? "," : "", g_array_index(bands, guint, i));
}

void
qmi_nas_describe_preferences(const QmiReq *r, GString *s)
{
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x1E) && qmi_cursor_u8(&c) > 0)
    g_string_append_printf(s, " acquisition-first=%u", qmi_cursor_u8(&c));
  describe_mask(r, s, "lte-bands", 0x15, 1);
  describe_mask(r, s, "lte-bands-ext", 0x24, LTE_WORDS);
  describe_mask(r, s, "nr5g-sa-bands", 0x2F, NR_WORDS);
  describe_mask(r, s, "nr5g-nsa-bands", 0x30, NR_WORDS);
}

guint8
qmi_nas_serving_radio(SimQmi *q)
{
  return sim_radio_serving_rat(q->core) == SIM_RAT_NR5G_SA ? RADIO_5GNR : RADIO_LTE;
}

/* System Info while registered: an NR5G service (SA), or LTE with EN-DC
 * available (NSA); the LTE TLVs are the caller's, and absent for SA. */
void
qmi_nas_put_system_info_5g(SimQmi *q, GByteArray *b)
{
  SimRat rat = sim_radio_serving_rat(q->core);
  gsize t;

  if (rat == SIM_RAT_NR5G_SA) {
    t = qmi_tlv_open(b, 0x4A); /* NR5G service status: available, preferred data path */
    qmi_put_u8(b, 2);
    qmi_put_u8(b, 2);
    qmi_put_u8(b, 1);
    qmi_tlv_close(b, t);
  }
  if (sim_radio_has_5g(q->core)) {
    qmi_tlv_u8(b, 0x4E, rat == SIM_RAT_NR5G_NSA); /* EUTRA with NR5G availability */
    qmi_tlv_u8(b, 0x4F, 0);                       /* DCNR not restricted */
  }
}

/* Get Signal Info: the NR5G values while served with NR. */
void
qmi_nas_put_signal_5g(SimQmi *q, GByteArray *out)
{
  const SimNrSignal *nr = sim_radio_nr_signal(q->core);
  gsize t;

  if (sim_radio_serving_rat(q->core) == SIM_RAT_LTE)
    return;
  t = qmi_tlv_open(out, 0x17);
  qmi_put_u16(out, (guint16)(gint16)nr->rsrp);
  qmi_put_u16(out, (guint16)(gint16)(nr->snr * 10));
  qmi_tlv_close(out, t);
  qmi_tlv_u16(out, 0x18, (guint16)(gint16)nr->rsrq);
}
