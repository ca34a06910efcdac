/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: QMI carried in MBIM, as Qualcomm-based MBIM functions have it:
 * the QMI service's MSG CID (set) takes one QMUX message as its information
 * buffer and answers with the QMUX response; QMI indications come as
 * indications of that CID. The QMI module of the simulator answers, over the
 * same world, with its output caught instead of written to the link.
 */
#include <string.h>

#include "sim-mbim.h"

enum { CID_QMI_MSG = 1 };

typedef struct {
  gpointer qmi;       /* the QMI module's state */
  GByteArray *caught; /* its output while it runs for us */
} MbimQmi;

static void
catch_output(gpointer data, const guint8 *bytes, gsize len)
{
  g_byte_array_append(data, bytes, len);
}

static MbimQmi *
qmi_of(SimMbim *m)
{
  MbimQmi *q = m->qmi;

  if (!q) {
    q = g_new0(MbimQmi, 1);
    q->qmi = sim_protocol_qmi.create(m->core);
    q->caught = g_byte_array_new();
    m->qmi = q;
  }
  return q;
}

/* Runs the QMI module with its output caught; returns what it wrote. */
static void
run_caught(SimMbim *m, void (*run)(gpointer qmi, gpointer arg), gpointer arg)
{
  MbimQmi *q = qmi_of(m);
  SimSink before = sim_core_set_sink(m->core, (SimSink){ catch_output, q->caught });

  g_byte_array_set_size(q->caught, 0);
  run(q->qmi, arg);
  sim_core_set_sink(m->core, before);
}

/* QMUX messages one after another: 0x01, then a length of the rest. */
static gsize
qmux_length(const guint8 *p, gsize n)
{
  if (n < 3 || p[0] != 0x01)
    return 0;
  return MIN(n, 1 + (gsize)(p[1] | p[2] << 8));
}

typedef struct {
  const guint8 *buf;
  gsize len;
} Feed;

/* One QMUX message the module sent on its own, as an indication of the QMI
 * service. */
static void
send_qmi_indication(SimMbim *m, const guint8 *qmux, gsize len)
{
  g_autoptr(GByteArray) info = g_byte_array_sized_new(len);

  g_byte_array_append(info, qmux, len);
  mbim_send_service_indication(m, mbim_uuid_qmi, CID_QMI_MSG, info);
}

static void
feed_request(gpointer qmi, gpointer arg)
{
  Feed *f = arg;

  sim_protocol_qmi.feed(qmi, f->buf, f->len);
}

/* The first message caught is the answer; more (indications the request
 * caused) follow as indications. */
static guint32
h_msg(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  Feed f = { r->buf, r->len };
  MbimQmi *q;
  gsize first, at;

  if (r->type != 1 || !qmux_length(r->buf, r->len))
    return ST_INVALID_PARAMETERS;
  run_caught(m, feed_request, &f);
  q = m->qmi;
  first = qmux_length(q->caught->data, q->caught->len);
  if (!first)
    return ST_FAILURE;
  *out = g_byte_array_new();
  g_byte_array_append(*out, q->caught->data, first);
  for (at = first; at < q->caught->len;) {
    gsize n = qmux_length(q->caught->data + at, q->caught->len - at);

    if (!n)
      break;
    send_qmi_indication(m, q->caught->data + at, n);
    at += n;
  }
  return ST_NONE;
}

typedef struct {
  SimNotify what;
  gpointer data;
} Notify;

static void
notify_qmi(gpointer qmi, gpointer arg)
{
  Notify *n = arg;

  sim_protocol_qmi.notify(qmi, n->what, n->data);
}

void
mbim_qmi_notify(SimMbim *m, SimNotify what, gpointer data)
{
  Notify n = { what, data };
  MbimQmi *q = m->qmi;

  if (!q || !m->opened)
    return;
  run_caught(m, notify_qmi, &n);
  for (gsize at = 0; at < q->caught->len;) {
    gsize len = qmux_length(q->caught->data + at, q->caught->len - at);

    if (!len)
      break;
    send_qmi_indication(m, q->caught->data + at, len);
    at += len;
  }
}

void
mbim_qmi_free(SimMbim *m)
{
  MbimQmi *q = m->qmi;

  if (!q)
    return;
  sim_protocol_qmi.free(q->qmi);
  g_byte_array_unref(q->caught);
  g_free(q);
  m->qmi = NULL;
}

static const MbimCmd commands[] = {
  { CID_QMI_MSG, "Msg", h_msg },
};

static const MbimCmd *
lookup(guint32 cid)
{
  return cid == CID_QMI_MSG ? &commands[0] : NULL;
}

/* the QMUX header: service and client */
static void
describe(const MbimReq *r, GString *s)
{
  if (r->len >= 6)
    g_string_append_printf(s, " qmi-service=%u client=%u", r->buf[4], r->buf[5]);
}

const MbimService mbim_service_qmi = { mbim_uuid_qmi, "Qmi", lookup, describe };
