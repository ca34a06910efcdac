/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modem-sim: SMS and CBS PDUs, written apart from src/codec (see sim-sms.h). */
#include "sim-sms.h"

#include <string.h>

#define ESCAPE 0x1B
#define CR 0x0D

/* 23.038 default alphabet, one UTF-8 string per septet ("" for the escape). */
static const char *const gsm_alphabet[128] = {
  "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",  "Δ", "_", "Φ",
  "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "",  "Æ", "æ",  "ß", "É", " ",  "!", "\"", "#", "¤", "%",
  "&", "'", "(", ")", "*", "+", ",", "-", ".", "/", "0",  "1", "2", "3",  "4", "5",  "6", "7", "8",
  "9", ":", ";", "<", "=", ">", "?", "¡", "A", "B", "C",  "D", "E", "F",  "G", "H",  "I", "J", "K",
  "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V",  "W", "X", "Y",  "Z", "Ä",  "Ö", "Ñ", "Ü",
  "§", "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i",  "j", "k", "l",  "m", "n",  "o", "p", "q",
  "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö",  "ñ", "ü", "à",
};

/* 23.038 extension table: the septet after the escape, and its character. */
static const struct {
  guint8 septet;
  const char *utf8;
} gsm_extension[] = {
  { 0x0A, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" }, { 0x2F, "\\" },
  { 0x3C, "[" },  { 0x3D, "~" }, { 0x3E, "]" }, { 0x40, "|" }, { 0x65, "€" },
};

/* ---- alphabets ---- */

/* Appends the septets of one UTF-8 character; FALSE if it has none. */
static gboolean
append_gsm_character(GByteArray *septets, const char *character, gsize len)
{
  for (guint8 i = 0; i < 128; i++) {
    if (strlen(gsm_alphabet[i]) == len && memcmp(gsm_alphabet[i], character, len) == 0) {
      g_byte_array_append(septets, &i, 1);
      return TRUE;
    }
  }
  for (guint i = 0; i < G_N_ELEMENTS(gsm_extension); i++) {
    if (strlen(gsm_extension[i].utf8) == len
        && memcmp(gsm_extension[i].utf8, character, len) == 0) {
      guint8 pair[2] = { ESCAPE, gsm_extension[i].septet };
      g_byte_array_append(septets, pair, 2);
      return TRUE;
    }
  }
  return FALSE;
}

/* @text as septets, or NULL if a character is not in the GSM alphabet. */
static GByteArray *
gsm_septets(const char *text)
{
  GByteArray *septets = g_byte_array_new();

  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    if (!append_gsm_character(septets, p, (gsize)(g_utf8_next_char(p) - p))) {
      g_byte_array_unref(septets);
      return NULL;
    }
  }
  return septets;
}

static char *
gsm_text(const guint8 *septets, gsize n)
{
  GString *text = g_string_new(NULL);

  for (gsize i = 0; i < n; i++) {
    if (septets[i] != ESCAPE || i + 1 == n) {
      g_string_append(text, gsm_alphabet[septets[i] & 0x7F]);
      continue;
    }
    i++;
    for (guint e = 0; e < G_N_ELEMENTS(gsm_extension); e++) {
      if (gsm_extension[e].septet == septets[i])
        g_string_append(text, gsm_extension[e].utf8);
    }
  }
  return g_string_free(text, FALSE);
}

/* @text as UTF-16 big-endian octets. */
static GByteArray *
ucs2_octets(const char *text)
{
  glong n = 0;
  g_autofree gunichar2 *units = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
  GByteArray *octets = g_byte_array_new();

  for (glong i = 0; i < n; i++) {
    guint8 pair[2] = { units[i] >> 8, units[i] & 0xFF };
    g_byte_array_append(octets, pair, 2);
  }
  return octets;
}

static char *
ucs2_text(const guint8 *octets, gsize len)
{
  g_autofree gunichar2 *units = g_new0(gunichar2, len / 2 + 1);

  for (gsize i = 0; i < len / 2; i++)
    units[i] = (gunichar2)(octets[2 * i] << 8 | octets[2 * i + 1]);
  return g_utf16_to_utf8(units, (glong)(len / 2), NULL, NULL, NULL);
}

/* ---- septet packing, one bit at a time ---- */

static void
pack_septets(GByteArray *out, const guint8 *septets, gsize n, guint fill_bits)
{
  gsize n_bits = fill_bits + 7 * n;
  guint start = out->len;

  if (n == 0)
    return;
  g_byte_array_set_size(out, start + (guint)((n_bits + 7) / 8));
  memset(out->data + start, 0, out->len - start);
  for (gsize i = 0; i < n; i++) {
    for (guint b = 0; b < 7; b++) {
      gsize bit = fill_bits + 7 * i + b;

      if (septets[i] & (1u << b))
        out->data[start + bit / 8] |= (guint8)(1u << (bit % 8));
    }
  }
}

static gboolean
unpack_septets(const guint8 *in, gsize len, guint fill_bits, gsize n, guint8 *septets)
{
  if (fill_bits + 7 * n > 8 * len)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    septets[i] = 0;
    for (guint b = 0; b < 7; b++) {
      gsize bit = fill_bits + 7 * i + b;

      if (in[bit / 8] & (1u << (bit % 8)))
        septets[i] |= (guint8)(1u << b);
    }
  }
  return TRUE;
}

/* ---- fields ---- */

static void
append_byte(GByteArray *out, guint8 byte)
{
  g_byte_array_append(out, &byte, 1);
}

/* Digits as swapped semi-octets, F-padded. */
static void
append_digits(GByteArray *out, const char *digits)
{
  gsize n = strlen(digits);

  for (gsize i = 0; i < n; i += 2) {
    guint8 high = i + 1 < n ? (guint8)(digits[i + 1] - '0') : 0xF;
    append_byte(out, (guint8)(high << 4 | (digits[i] - '0')));
  }
}

static gboolean
is_number(const char *number)
{
  const char *digits = number[0] == '+' ? number + 1 : number;
  gsize n = strlen(digits);

  return n > 0 && n <= 20 && strspn(digits, "0123456789") == n;
}

/* TP address: digit count, type (international or unknown), digits. */
static void
append_address(GByteArray *out, const char *number)
{
  gboolean international = number[0] == '+';
  const char *digits = international ? number + 1 : number;

  append_byte(out, (guint8)strlen(digits));
  append_byte(out, international ? 0x91 : 0x81);
  append_digits(out, digits);
}

/* SMSC field: octet count (type included), type, digits; 0x00 for none. */
static void
append_smsc(GByteArray *out, const char *smsc)
{
  gboolean international;
  const char *digits;

  if (!smsc) {
    append_byte(out, 0);
    return;
  }
  international = smsc[0] == '+';
  digits = international ? smsc + 1 : smsc;
  append_byte(out, (guint8)(1 + (strlen(digits) + 1) / 2));
  append_byte(out, international ? 0x91 : 0x81);
  append_digits(out, digits);
}

static guint8
swapped(int value)
{
  return (guint8)((value % 10) << 4 | (value / 10) % 10);
}

static void
append_time(GByteArray *out, const SimSmsTime *t)
{
  int quarters = ABS(t->offset_minutes) / 15;

  append_byte(out, swapped(t->year % 100));
  append_byte(out, swapped(t->month));
  append_byte(out, swapped(t->day));
  append_byte(out, swapped(t->hour));
  append_byte(out, swapped(t->minute));
  append_byte(out, swapped(t->second));
  append_byte(out, (guint8)(swapped(quarters) | (t->offset_minutes < 0 ? 0x08 : 0)));
}

/* ---- SMS-DELIVER ---- */

/* Where a part starts; an empty text has no buffer to point into. */
static const guint8 *
units_at(const GByteArray *units, guint offset)
{
  return units->len ? units->data + offset : NULL;
}

/* Splits @units (septets, or UCS-2 octets when @ucs2) into parts of at most
 * @capacity, never after an escape or a high surrogate. */
static GArray *
split_points(const GByteArray *units, gboolean ucs2, guint capacity)
{
  GArray *points = g_array_new(FALSE, FALSE, sizeof(guint));
  guint start = 0;

  g_array_append_val(points, start);
  while (start < units->len) {
    guint end = MIN(units->len, start + capacity);

    if (end < units->len && !ucs2 && units->data[end - 1] == ESCAPE)
      end--;
    if (end < units->len && ucs2 && (units->data[end - 2] & 0xFC) == 0xD8)
      end -= 2;
    g_array_append_val(points, end);
    start = end;
  }
  return points;
}

static GByteArray *
deliver_pdu(const SimSmsDeliver *deliver, gboolean ucs2, const guint8 *units, guint n, guint total,
            guint sequence)
{
  GByteArray *pdu = g_byte_array_new();
  GByteArray *ud = g_byte_array_new();
  guint header_septets = total > 1 ? 7 : 0;

  append_smsc(pdu, deliver->smsc);
  append_byte(pdu, total > 1 ? 0x44 : 0x04); /* SMS-DELIVER, no more messages, UDHI */
  append_address(pdu, deliver->originator);
  append_byte(pdu, 0x00);
  append_byte(pdu, ucs2 ? 0x08 : 0x00);
  append_time(pdu, &deliver->timestamp);
  if (total > 1) {
    const guint8 header[] = { 5, 0, 3, deliver->reference, (guint8)total, (guint8)sequence };
    g_byte_array_append(ud, header, sizeof(header));
  }
  if (ucs2) {
    g_byte_array_append(ud, units, n);
    append_byte(pdu, (guint8)ud->len);
  } else {
    /* After a 6-octet header, one fill bit reaches the 7th septet boundary. */
    pack_septets(ud, units, n, total > 1 ? 1 : 0);
    append_byte(pdu, (guint8)(header_septets + n));
  }
  g_byte_array_append(pdu, ud->data, ud->len);
  g_byte_array_unref(ud);
  return pdu;
}

GPtrArray *
sim_sms_encode_deliver(const SimSmsDeliver *deliver)
{
  g_autoptr(GByteArray) units = NULL;
  g_autoptr(GArray) points = NULL;
  gboolean ucs2;
  guint single, capacity, total;
  GPtrArray *pdus;

  if (!g_utf8_validate(deliver->text, -1, NULL) || !is_number(deliver->originator))
    return NULL;
  units = gsm_septets(deliver->text);
  ucs2 = units == NULL;
  if (ucs2)
    units = ucs2_octets(deliver->text);
  single = ucs2 ? 140 : 160;
  capacity = ucs2 ? 134 : 153;
  points = split_points(units, ucs2, units->len <= single ? single : capacity);
  total = MAX(points->len - 1, 1);
  if (total > 255)
    return NULL;
  pdus = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
  for (guint i = 0; i < total; i++) {
    guint start = points->len > 1 ? g_array_index(points, guint, i) : 0;
    guint end = points->len > 1 ? g_array_index(points, guint, i + 1) : 0;

    g_ptr_array_add(pdus,
                    deliver_pdu(deliver, ucs2, units_at(units, start), end - start, total, i + 1));
  }
  return pdus;
}

/* ---- SMS-STATUS-REPORT ---- */

GByteArray *
sim_sms_encode_status_report(const char *smsc, guint8 reference, const char *recipient,
                             guint8 status, const SimSmsTime *sc_time,
                             const SimSmsTime *discharge_time)
{
  GByteArray *pdu = g_byte_array_new();

  append_smsc(pdu, smsc);
  append_byte(pdu, 0x06); /* SMS-STATUS-REPORT, no more messages */
  append_byte(pdu, reference);
  append_address(pdu, recipient);
  append_time(pdu, sc_time);
  append_time(pdu, discharge_time);
  append_byte(pdu, status);
  return pdu;
}

/* ---- SMS-SUBMIT ---- */

typedef struct {
  const guint8 *data;
  gsize len, pos;
} Cursor;

static gboolean
take(Cursor *c, gsize n, const guint8 **out)
{
  if (n > c->len - c->pos)
    return FALSE;
  *out = c->data + c->pos;
  c->pos += n;
  return TRUE;
}

static gboolean
take_byte(Cursor *c, guint8 *out)
{
  const guint8 *p;

  if (!take(c, 1, &p))
    return FALSE;
  *out = *p;
  return TRUE;
}

static gboolean
read_destination(Cursor *c, SimSmsSubmit *out)
{
  guint8 n_digits, type;
  const guint8 *digits;
  GString *number = g_string_new(NULL);

  if (!take_byte(c, &n_digits) || n_digits > 20 || !take_byte(c, &type)
      || !take(c, (n_digits + 1u) / 2, &digits)) {
    g_string_free(number, TRUE);
    return FALSE;
  }
  if ((type & 0x70) == 0x10)
    g_string_append_c(number, '+');
  for (guint i = 0; i < n_digits; i++) {
    guint digit = i % 2 ? digits[i / 2] >> 4 : digits[i / 2] & 0xF;
    g_string_append_c(number, "0123456789*#abcf"[digit]);
  }
  out->destination = g_string_free(number, FALSE);
  return TRUE;
}

static void
read_header(const guint8 *header, gsize len, SimSmsSubmit *out)
{
  for (gsize i = 0; i + 1 < len; i += 2u + header[i + 1]) {
    if (header[i] == 0x00 && header[i + 1] == 3 && i + 5 <= len) {
      out->concatenated = TRUE;
      out->concat_reference = header[i + 2];
      out->concat_total = header[i + 3];
      out->concat_sequence = header[i + 4];
    }
  }
}

static gboolean
read_user_data(Cursor *c, guint8 dcs, gboolean has_header, SimSmsSubmit *out)
{
  gboolean ucs2 = (dcs & 0xCC) == 0x08;
  gboolean data = (dcs & 0xCC) == 0x04 || (dcs & 0xF4) == 0xF4;
  guint8 udl;
  gsize octets, header_len = 0;
  const guint8 *ud;
  guint8 septets[160];

  if (!take_byte(c, &udl))
    return FALSE;
  octets = ucs2 || data ? udl : (udl * 7u + 7) / 8;
  if (!take(c, octets, &ud))
    return FALSE;
  if (has_header) {
    if (octets == 0 || ud[0] + 1u > octets)
      return FALSE;
    header_len = ud[0] + 1u;
    read_header(ud + 1, header_len - 1, out);
  }
  if (data)
    return TRUE;
  if (ucs2) {
    out->text = ucs2_text(ud + header_len, octets - header_len);
    return out->text != NULL;
  }
  guint header_septets = (guint)((header_len * 8 + 6) / 7);
  if (udl > 160 || header_septets > udl || !unpack_septets(ud, octets, 0, udl, septets))
    return FALSE;
  out->text = gsm_text(septets + header_septets, udl - header_septets);
  return TRUE;
}

gboolean
sim_sms_decode_submit(const guint8 *pdu, gsize len, gboolean with_smsc, SimSmsSubmit *out)
{
  Cursor c = { pdu, len, 0 };
  guint8 smsc_len = 0, first, pid, dcs;
  const guint8 *skipped;
  static const gsize vp_len[4] = { 0, 7, 1, 7 };

  memset(out, 0, sizeof(*out));
  if ((with_smsc && (!take_byte(&c, &smsc_len) || !take(&c, smsc_len, &skipped)))
      || !take_byte(&c, &first) || (first & 0x03) != 0x01 || !take_byte(&c, &out->message_reference)
      || !read_destination(&c, out) || !take_byte(&c, &pid) || !take_byte(&c, &dcs)
      || !take(&c, vp_len[(first >> 3) & 0x3], &skipped)
      || !read_user_data(&c, dcs, (first & 0x40) != 0, out)) {
    sim_sms_submit_clear(out);
    return FALSE;
  }
  out->status_report_request = (first & 0x20) != 0;
  return TRUE;
}

void
sim_sms_submit_clear(SimSmsSubmit *submit)
{
  g_clear_pointer(&submit->destination, g_free);
  g_clear_pointer(&submit->text, g_free);
  memset(submit, 0, sizeof(*submit));
}

/* ---- cell broadcast ---- */

static GByteArray *
cbs_page(guint16 channel, guint16 serial, gboolean ucs2, const guint8 *units, guint n, guint page,
         guint pages)
{
  GByteArray *out = g_byte_array_new();
  guint8 padded[93];

  append_byte(out, serial >> 8);
  append_byte(out, serial & 0xFF);
  append_byte(out, channel >> 8);
  append_byte(out, channel & 0xFF);
  append_byte(out, ucs2 ? 0x48 : 0x0F);
  append_byte(out, (guint8)(page << 4 | pages));
  if (ucs2) {
    g_byte_array_append(out, units, n);
    while (out->len < 88) {
      append_byte(out, 0x00);
      append_byte(out, CR);
    }
  } else {
    if (n)
      memcpy(padded, units, n);
    memset(padded + n, CR, sizeof(padded) - n);
    pack_septets(out, padded, sizeof(padded), 0);
  }
  return out;
}

GPtrArray *
sim_sms_encode_cbs(guint16 channel, guint16 serial, const char *text)
{
  g_autoptr(GByteArray) units = NULL;
  g_autoptr(GArray) points = NULL;
  gboolean ucs2;
  guint pages;
  GPtrArray *out;

  if (!g_utf8_validate(text, -1, NULL))
    return NULL;
  units = gsm_septets(text);
  ucs2 = units == NULL;
  if (ucs2)
    units = ucs2_octets(text);
  points = split_points(units, ucs2, ucs2 ? 82 : 93);
  pages = MAX(points->len - 1, 1);
  if (pages > 15)
    return NULL;
  out = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
  for (guint i = 0; i < pages; i++) {
    guint start = points->len > 1 ? g_array_index(points, guint, i) : 0;
    guint end = points->len > 1 ? g_array_index(points, guint, i + 1) : 0;

    g_ptr_array_add(
        out, cbs_page(channel, serial, ucs2, units_at(units, start), end - start, i + 1, pages));
  }
  return out;
}
