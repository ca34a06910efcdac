/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: MBIM extensions 2.0 (MBIMEx): the MS Basic Connect Extensions
 * service (Version, Device Caps with the executor index; Location Info
 * Status, answered by sim-mbim-events.c), and the data
 * classes of the radio access (sim-radio.h) as MBIM tells them: 5G NSA and
 * SA, the preferred data classes that 2.0 appends to Register State, and the
 * RSRP/SNR list it appends to Signal State.
 *
 * The host agrees on the version after each OPEN (Version query); until it
 * does, the layouts are those of MBIM 1.0.
 */
#include "sim-mbim.h"
#include "sim-radio.h"

enum { CID_MS_DEVICE_CAPS = 6, CID_MS_LOCATION_INFO_STATUS = 12, CID_MS_VERSION = 15 };
#define MBIM_1_0 0x0100
#define CELLULAR_CLASS_GSM 1
#define DATA_CLASSES_2G 0x3  /* GPRS, EDGE */
#define DATA_CLASSES_3G 0x1c /* UMTS, HSDPA, HSUPA */
#define UNKNOWN 0xFFFFFFFFu

guint32
mbim_data_classes(SimMbim *m)
{
  guint32 dc = DATA_CLASSES_2G | DATA_CLASSES_3G | DATA_CLASS_LTE;

  return dc | (sim_radio_has_5g(m->core) ? DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA : 0);
}

guint32
mbim_available_data_classes(SimMbim *m)
{
  if (!sim_core_serving_operator(m->core))
    return 0;
  switch (sim_radio_serving_rat(m->core)) {
    case SIM_RAT_NR5G_SA:
      return DATA_CLASS_5G_SA;
    case SIM_RAT_NR5G_NSA:
      return DATA_CLASS_LTE | DATA_CLASS_5G_NSA;
    case SIM_RAT_LTE:
    default:
      return DATA_CLASS_LTE;
  }
}

static const struct {
  guint mode;
  guint32 classes;
} mode_classes[] = {
  { SIM_MODE_2G, DATA_CLASSES_2G },
  { SIM_MODE_3G, DATA_CLASSES_3G },
  { SIM_MODE_4G, DATA_CLASS_LTE },
  { SIM_MODE_5G, DATA_CLASS_5G_NSA | DATA_CLASS_5G_SA },
};

guint32
mbim_preferred_data_classes(SimMbim *m)
{
  guint allowed, preferred;
  guint32 classes = 0;

  sim_radio_get_modes(m->core, &allowed, &preferred);
  for (gsize i = 0; i < G_N_ELEMENTS(mode_classes); i++)
    if (allowed & mode_classes[i].mode)
      classes |= mode_classes[i].classes;
  return classes & mbim_data_classes(m);
}

gboolean
mbim_set_data_classes(SimMbim *m, guint32 data_classes)
{
  guint modes = 0;

  if (data_classes & ~mbim_data_classes(m))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(mode_classes); i++)
    if (data_classes & mode_classes[i].classes)
      modes |= mode_classes[i].mode;
  return sim_radio_set_modes(m->core, modes, 0);
}

GByteArray *
mbim_enc_device_caps(SimMbim *m, gboolean v2)
{
  const SimConfig *cfg = sim_core_config(m->core);
  MbimBuf b;

  mbim_buf_init(&b, v2 ? 68 : 64);
  mbim_buf_u32(&b, 2);                  /* device type: remote (USB) */
  mbim_buf_u32(&b, CELLULAR_CLASS_GSM); /* cellular class */
  mbim_buf_u32(&b, 1);                  /* voice: no voice */
  mbim_buf_u32(&b, 2);                  /* SIM class: removable */
  mbim_buf_u32(&b, mbim_data_classes(m));
  mbim_buf_u32(&b, 0x3); /* SMS: PDU receive + send */
  mbim_buf_u32(&b, 0x1); /* control caps: manual registration */
  mbim_buf_u32(&b, 8);   /* max sessions */
  mbim_buf_str(&b, "");
  mbim_buf_str(&b, cfg->imei);
  mbim_buf_str(&b, cfg->revision);
  mbim_buf_str(&b, cfg->model);
  if (v2)
    mbim_buf_u32(&b, 0); /* executor index */
  return mbim_buf_finish(&b);
}

/* RSRP in steps of 1 dB from -156 dBm (1), SNR in steps of 0.5 dB from -23 dB */
static guint32
coded_rsrp(int dbm)
{
  return CLAMP(dbm + 157, 0, 126);
}

static guint32
coded_snr(double db)
{
  return (guint32)CLAMP((db + 23.0) * 2.0, 0.0, 127.0);
}

static void
put_rsrp_snr(GByteArray *list, guint32 rsrp, guint32 snr, guint32 system_type)
{
  mbim_put_u32(list, rsrp);
  mbim_put_u32(list, snr);
  mbim_put_u32(list, UNKNOWN); /* thresholds */
  mbim_put_u32(list, UNKNOWN);
  mbim_put_u32(list, system_type);
}

void
mbim_ex_signal_append(SimMbim *m, MbimBuf *b)
{
  g_autoptr(GByteArray) list = g_byte_array_new();
  SimRat rat = sim_radio_serving_rat(m->core);
  const SimSignal *lte = sim_core_signal(m->core);
  const SimNrSignal *nr = sim_radio_nr_signal(m->core);
  guint32 count = 0;

  mbim_put_u32(list, 0);
  if (sim_core_reg_state(m->core) == SIM_REG_REGISTERED) {
    if (rat != SIM_RAT_NR5G_SA) {
      put_rsrp_snr(list, coded_rsrp(lte->rsrp), coded_snr(lte->snr), DATA_CLASS_LTE);
      count++;
    }
    if (rat != SIM_RAT_LTE) {
      put_rsrp_snr(list, coded_rsrp(nr->rsrp), coded_snr(nr->snr),
                   rat == SIM_RAT_NR5G_SA ? DATA_CLASS_5G_SA : DATA_CLASS_5G_NSA);
      count++;
    }
  }
  list->data[0] = count;
  mbim_buf_ref(b, count ? list->data : NULL, count ? list->len : 0);
}

/* ---- MS Basic Connect Extensions ---- */

static guint32
h_version(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  guint16 host_ext;
  MbimBuf b;

  if (r->type != 0 || r->len < 4)
    return ST_INVALID_PARAMETERS;
  host_ext = r->buf[2] | r->buf[3] << 8;
  m->mbimex = MIN(host_ext, MBIMEX_2_0);
  sim_core_log(m->core, "mbim: extensions %x.%x agreed", m->mbimex >> 8, m->mbimex & 0xff);
  mbim_buf_init(&b, 4);
  mbim_buf_bytes(
      &b, (const guint8[]){ MBIM_1_0 & 0xff, MBIM_1_0 >> 8, MBIMEX_2_0 & 0xff, MBIMEX_2_0 >> 8 },
      4);
  *out = mbim_buf_finish(&b);
  return ST_NONE;
}

static guint32
h_ms_device_caps(SimMbim *m, const MbimReq *r, GByteArray **out)
{
  if (r->type != 0)
    return ST_NO_DEVICE_SUPPORT;
  *out = mbim_enc_device_caps(m, TRUE);
  return ST_NONE;
}

static const MbimCmd commands[] = {
  { CID_MS_DEVICE_CAPS, "DeviceCaps", h_ms_device_caps },
  { CID_MS_LOCATION_INFO_STATUS, "LocationInfoStatus", mbim_location_info_status },
  { CID_MS_VERSION, "Version", h_version },
};

static const MbimCmd *
lookup(guint32 cid)
{
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (commands[i].cid == cid)
      return &commands[i];
  return NULL;
}

static void
describe(const MbimReq *r, GString *s)
{
  if (r->cid == CID_MS_VERSION && r->len >= 4)
    g_string_append_printf(s, " host-extensions=%x.%x", r->buf[3], r->buf[2]);
}

const MbimService mbim_service_ms_basic_connect_extensions
    = { mbim_uuid_ms_basic_connect_extensions, "MsBasicConnectExtensions", lookup, describe };
