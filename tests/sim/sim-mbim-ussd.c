/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: the MBIM USSD service, its one CID (set and notification).
 *
 * Set: Action u32 (0 initiate, 1 continue, 2 cancel), DCS u32, Payload (offset,
 * size).  Response and notification: Response u32 (0 no action required,
 * 1 action required, 2 terminated by the network, 4 operation not
 * supported), SessionState u32 (0 new, 1 existing), DCS u32, Payload.  The
 * payload is the USSD string as 23.038 codes it: 7-bit packed for DCS 0x0F,
 * UCS-2 big endian for 0x48.  The network's answer is in the response.
 */
#include "sim-mbim.h"
#include "sim-ussd.h"

static const guint8 mbim_uuid_ussd[16] = { 0xe5, 0x50, 0xa0, 0xc8, 0x5e, 0x82, 0x47, 0x9e,
                                           0x82, 0xf7, 0x10, 0xab, 0xf4, 0xc3, 0x35, 0x1f };

enum { CID_USSD = 1 };
enum { ACTION_INITIATE = 0, ACTION_CONTINUE = 1, ACTION_CANCEL = 2 };
enum {
  RESPONSE_NO_ACTION_REQUIRED = 0,
  RESPONSE_ACTION_REQUIRED = 1,
  RESPONSE_TERMINATED_BY_NETWORK = 2,
};
enum { SESSION_NEW = 0, SESSION_EXISTING = 1 };

#define DCS_GSM7 0x0F
#define DCS_UCS2 0x48

/* The payload of a set as UTF-8; NULL if malformed or in another coding. */
static char *
read_payload(const MbimReq *r)
{
  guint32 dcs, offset, size;

  if (!mbim_read_u32(r, 4, &dcs) || !mbim_read_u32(r, 8, &offset) || !mbim_read_u32(r, 12, &size)
      || (gsize)offset + size > r->len || size == 0)
    return NULL;
  if (dcs == DCS_UCS2)
    return size % 2 ? NULL : sim_ussd_from_ucs2(r->buf + offset, size);
  if (dcs == DCS_GSM7)
    return sim_ussd_unpack_gsm7(r->buf + offset, size);
  return NULL;
}

static GByteArray *
encode_info(guint32 response, guint32 session, const char *text)
{
  g_autoptr(GByteArray) payload = NULL;
  gboolean gsm7 = sim_ussd_is_gsm7(text);
  MbimBuf b;

  payload = gsm7 ? sim_ussd_pack_gsm7(text) : sim_ussd_to_ucs2(text);
  mbim_buf_init(&b, 20);
  mbim_buf_u32(&b, response);
  mbim_buf_u32(&b, session);
  mbim_buf_u32(&b, gsm7 ? DCS_GSM7 : DCS_UCS2);
  mbim_buf_ref(&b, payload->data, payload->len);
  return mbim_buf_finish(&b);
}

static guint32
message_response(const SimUssdMessage *msg)
{
  switch (msg->kind) {
    case SIM_USSD_REQUEST:
      return RESPONSE_ACTION_REQUIRED;
    case SIM_USSD_RELEASE:
      return RESPONSE_TERMINATED_BY_NETWORK;
    default:
      return RESPONSE_NO_ACTION_REQUIRED;
  }
}

static guint32
h_ussd(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  g_autofree char *text = NULL;
  const char *why = NULL;
  SimUssdMessage answer;
  guint32 action;
  gboolean existing;

  if (r->type != 1 || !mbim_read_u32(r, 0, &action))
    return ST_INVALID_PARAMETERS;
  if (action == ACTION_CANCEL) {
    sim_ussd_cancel(m->core);
    *out = encode_info(RESPONSE_NO_ACTION_REQUIRED, SESSION_EXISTING, "");
    return ST_NONE;
  }
  if (action != ACTION_INITIATE && action != ACTION_CONTINUE)
    return ST_INVALID_PARAMETERS;
  if (!(text = read_payload(r)))
    return ST_INVALID_PARAMETERS;
  existing = action == ACTION_CONTINUE;
  if (!(existing ? sim_ussd_respond(m->core, text, &answer, &why)
                 : sim_ussd_initiate(m->core, text, &answer, &why))) {
    sim_core_log(m->core, "mbim: USSD refused: %s", why);
    return g_str_equal(why, "no network") ? ST_NOT_REGISTERED : ST_FAILURE;
  }
  *out = encode_info(message_response(&answer), existing ? SESSION_EXISTING : SESSION_NEW,
                     answer.text);
  return ST_NONE;
}

static const MbimCmd commands[] = {
  { CID_USSD, "Ussd", h_ussd },
};

static const MbimCmd *
lookup(guint32 cid)
{
  return cid == CID_USSD ? &commands[0] : NULL;
}

static void
describe(const MbimReq *r, GString *s)
{
  g_autofree char *text = read_payload(r);
  guint32 action, dcs;

  if (mbim_read_u32(r, 0, &action) && mbim_read_u32(r, 4, &dcs))
    g_string_append_printf(s, " action=%u dcs=%u text=%s", action, dcs, text ? text : "?");
}

const MbimService mbim_service_ussd = { mbim_uuid_ussd, "USSD", lookup, describe };

void
mbim_ussd_notify(SimMbim *m, gconstpointer data)
{
  const SimUssdMessage *msg = data;
  g_autoptr(GByteArray) info
      = encode_info(message_response(msg),
                    msg->kind == SIM_USSD_REQUEST ? SESSION_NEW : SESSION_EXISTING, msg->text);

  mbim_send_service_indication(m, mbim_uuid_ussd, CID_USSD, info);
}
