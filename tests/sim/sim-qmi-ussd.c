/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the USSD messages of QMI VOICE.
 *
 * USS data is { DCS u8, length u8, data }: DCS 1 ASCII, 2 8-bit, 3 UCS-2
 * (big endian); a UCS-2 answer also carries the UTF-16 TLV (u8 count of
 * little endian units).  Originate USSD answers with the network's final
 * text (0x12) in its response; a request that waits for the user comes as a
 * USSD indication (0x3E, user action required) before that response.
 * Originate USSD No Wait answers at once and sends the final text in its own
 * indication (0x43) to the client that asked; a request again as 0x3E.
 * Answer USSD is acknowledged, and the network's next text comes as 0x3E.
 * The network ending the session is Release USSD (0x3D).
 */
#include "sim-qmi.h"
#include "sim-ussd.h"

#include <string.h>

enum { USS_ASCII = 1, USS_8BIT = 2, USS_UCS2 = 3 };
enum { USER_ACTION_NOT_REQUIRED = 1, USER_ACTION_REQUIRED = 2 };

#define MSG_ORIGINATE_NO_WAIT 0x0043
#define IND_RELEASE 0x003D
#define IND_USSD 0x003E

static gboolean
is_ascii(const char *text)
{
  for (const char *c = text; *c; c++)
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7E)
      return FALSE;
  return TRUE;
}

/* The USS data TLV and, for UCS-2, the UTF-16 one. */
static void
encode_text(GByteArray *b, guint8 uss_tlv, guint8 utf16_tlv, const char *text)
{
  g_autoptr(GByteArray) data = NULL;
  gboolean ascii = is_ascii(text);
  gsize t;

  data = ascii ? g_byte_array_new() : sim_ussd_to_ucs2(text);
  if (ascii)
    g_byte_array_append(data, (const guint8 *)text, strlen(text));
  t = qmi_tlv_open(b, uss_tlv);
  qmi_put_u8(b, ascii ? USS_ASCII : USS_UCS2);
  qmi_put_u8(b, MIN(data->len, 255));
  qmi_put_bytes(b, data->data, MIN(data->len, 255));
  qmi_tlv_close(b, t);
  if (ascii)
    return;
  t = qmi_tlv_open(b, utf16_tlv);
  qmi_put_u8(b, MIN(data->len / 2, 255));
  for (guint i = 0; i + 1 < data->len && i / 2 < 255; i += 2)
    qmi_put_u16(b, (data->data[i] << 8) | data->data[i + 1]);
  qmi_tlv_close(b, t);
}

/* The host's text from USS data (TLV 0x01); NULL if malformed. */
static char *
decode_text(const QmiReq *r)
{
  QmiCursor c;
  guint8 dcs, len;
  const guint8 *data;

  if (!qmi_cursor_init(&c, r, 0x01))
    return NULL;
  dcs = qmi_cursor_u8(&c);
  len = qmi_cursor_u8(&c);
  if (!c.ok || c.n < len)
    return NULL;
  data = c.p;
  switch (dcs) {
    case USS_ASCII:
    case USS_8BIT: {
      char *text = g_strndup((const char *)data, len);

      if (g_utf8_validate(text, -1, NULL) && is_ascii(text))
        return text;
      g_free(text);
      return NULL;
    }
    case USS_UCS2:
      return len % 2 ? NULL : sim_ussd_from_ucs2(data, len);
    default:
      return NULL;
  }
}

void
qmi_ussd_describe(const QmiReq *r, GString *s)
{
  g_autofree char *text = decode_text(r);
  QmiCursor c;

  if (qmi_cursor_init(&c, r, 0x01))
    g_string_append_printf(s, " dcs=%u", qmi_cursor_u8(&c));
  g_string_append_printf(s, " text=%s", text ? text : "?");
}

/* To every client that registered for USSD events. */
static void
indicate_all(SimQmi *q, guint16 msg, GByteArray *tlvs)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init(&it, q->clients);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    QmiClient *c = value;

    if (c->service == SVC_VOICE && c->voice_ussd_events)
      qmi_indicate(q, c, msg, tlvs);
  }
}

static void
indicate_ussd(SimQmi *q, const SimUssdMessage *msg)
{
  g_autoptr(GByteArray) b = g_byte_array_new();

  if (msg->kind == SIM_USSD_RELEASE) {
    indicate_all(q, IND_RELEASE, NULL);
    return;
  }
  qmi_tlv_u8(b, 0x01,
             msg->kind == SIM_USSD_REQUEST ? USER_ACTION_REQUIRED : USER_ACTION_NOT_REQUIRED);
  encode_text(b, 0x10, 0x11, msg->text);
  indicate_all(q, IND_USSD, b);
}

void
qmi_ussd_network_event(SimQmi *q, gconstpointer msg)
{
  indicate_ussd(q, msg);
}

static guint16
refused(SimQmi *q, const char *why)
{
  sim_core_log(q->core, "qmi: USSD refused: %s", why);
  return g_str_equal(why, "no network") ? ERR_NO_NETWORK_FOUND : ERR_INVALID_ARGUMENT;
}

guint16
qmi_ussd_originate(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *text = decode_text(r);
  const char *why = NULL;
  SimUssdMessage answer;

  if (!text)
    return ERR_MALFORMED_MESSAGE;
  if (!sim_ussd_initiate(q->core, text, &answer, &why))
    return refused(q, why);
  if (answer.kind == SIM_USSD_REQUEST)
    indicate_ussd(q, &answer);
  else
    encode_text(out, 0x12, 0x16, answer.text);
  return ERR_NONE;
}

/* The final answer of Originate USSD No Wait, after its response. */
typedef struct {
  SimQmi *q;
  guint key;
  SimUssdMessage msg;
  char *text;
} Pending;

static gboolean
send_pending(gpointer user_data)
{
  Pending *p = user_data;
  QmiClient *c = g_hash_table_lookup(p->q->clients, GUINT_TO_POINTER(p->key));

  if (p->msg.kind == SIM_USSD_REQUEST) {
    indicate_ussd(p->q, &p->msg);
  } else if (c) {
    g_autoptr(GByteArray) b = g_byte_array_new();

    encode_text(b, 0x12, 0x14, p->msg.text);
    qmi_indicate(p->q, c, MSG_ORIGINATE_NO_WAIT, b);
  }
  g_free(p->text);
  g_free(p);
  return G_SOURCE_REMOVE;
}

guint16
qmi_ussd_originate_no_wait(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *text = NULL;
  const char *why = NULL;
  SimUssdMessage answer;
  Pending *p;

  if (sim_core_config(q->core)->qmi_no_ussd_no_wait)
    return ERR_INVALID_QMI_COMMAND;
  if (!(text = decode_text(r)))
    return ERR_MALFORMED_MESSAGE;
  if (!sim_ussd_initiate(q->core, text, &answer, &why))
    return refused(q, why);
  p = g_new0(Pending, 1);
  p->q = q;
  p->key = GPOINTER_TO_UINT(KEY(r->service, r->cid));
  p->text = g_strdup(answer.text);
  p->msg.kind = answer.kind;
  p->msg.text = p->text;
  g_idle_add(send_pending, p);
  return ERR_NONE;
}

static gboolean
send_answer(gpointer user_data)
{
  Pending *p = user_data;

  indicate_ussd(p->q, &p->msg);
  g_free(p->text);
  g_free(p);
  return G_SOURCE_REMOVE;
}

guint16
qmi_ussd_answer(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  g_autofree char *text = decode_text(r);
  const char *why = NULL;
  SimUssdMessage answer;
  Pending *p;

  if (!text)
    return ERR_MALFORMED_MESSAGE;
  if (!sim_ussd_respond(q->core, text, &answer, &why)) {
    sim_core_log(q->core, "qmi: USSD answer refused: %s", why);
    return ERR_NO_EFFECT;
  }
  p = g_new0(Pending, 1);
  p->q = q;
  p->text = g_strdup(answer.text);
  p->msg.kind = answer.kind;
  p->msg.text = p->text;
  g_idle_add(send_answer, p);
  return ERR_NONE;
}

guint16
qmi_ussd_cancel(SimQmi *q, const QmiReq *r, GByteArray *out)
{
  sim_ussd_cancel(q->core);
  return ERR_NONE;
}
