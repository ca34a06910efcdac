/* The AT plugin's backend, shared by at-modem*.c, at-seq.c and at-probe.c: a
 * modem driven with 3GPP TS 27.007 commands over one serial port, with PPP
 * data (or a static-IP bearer on the modem's net port when it has one and
 * supports +CGACT/+CGCONTRDP). One file per capability. */
#pragma once

#include "at-channel.h"
#include "at-parse-events.h"
#include "at-parse.h"
#include "mmd-errors.h"
#include "plugin-api.h"

#define DEFAULT_TIMEOUT_MS 3000
#define RADIO_TIMEOUT_MS 15000
#define NETWORK_TIMEOUT_MS 120000
#define DIAL_TIMEOUT_MS 60000
#define ESCAPE_GUARD_MS 1000
#define PPP_CID 1

#define MMD_TYPE_AT_MODEM (mmd_at_modem_get_type())
G_DECLARE_FINAL_TYPE(MmdAtModem, mmd_at_modem, MMD, AT_MODEM, MmdBackend)

enum { REG_CS, REG_PS, REG_EPS, REG_5GS, N_REG };
/* The registration URC of each domain (at-modem-net.c). */
extern const char *const at_reg_names[N_REG];

struct _MmdAtModem {
  MmdBackend parent;

  GPtrArray *ports; /* MmdPort */
  const MmdPort *primary;
  MmdAtChannel *ch;
  gboolean shut_down;

  /* learned at initialization */
  char *manufacturer, *model, *revision, *imei, *iccid, *imsi;
  char **numbers;
  guint mnc_length; /* from EF_AD; 0 = unknown */
  char *spn;        /* service provider name from EF_SPN */
  guint families;
  gboolean has_cgcontrdp;
  GArray *ws46; /* +WS46 values offered (int), NULL: modes not settable */
  int ws46_current;

  /* registration, per domain: 27.007 stat (-1: not reported) and AcT */
  int stat[N_REG];
  int act[N_REG];
  gboolean enabled;    /* radio on: registration is followed */
  gboolean urcs;       /* the modem reports registration changes itself */
  gboolean cops_busy;  /* operator query in flight */
  gboolean cops_again; /* registration changed during it */
  gboolean reported;   /* last report was "registered" */
  MmdModem3gppRegistrationState reported_state;
  char *op_code, *op_name;
  guint poll_id;

  /* what the modem reports by itself (at-modem-signal.c, -location.c, -time.c) */
  guint signal_indicator; /* +CIEV index of "signal", 0: none */
  guint signal_indicator_max;
  gulong cell_lac[N_REG]; /* LAC (CS, PS) or TAC (EPS, 5GS) of the last report, 0: none */
  gulong cell_ci[N_REG];
  int zone_quarters; /* the network's zone from +CTZE/+CTZV, for +CCLK without one */
  gboolean has_zone;

  /* the data session */
  MmdBearer *bearer;
  gboolean bearer_on_net;
  char *net_name;      /* the net port of the session being set up */
  gboolean hanging_up; /* our own disconnect: NO CARRIER is expected */
};

static inline MmdModem *
modem_of(MmdAtModem *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}

/* Command sequences (at-seq.c): a list of commands run in order; each may have a handler
 * that reads the response (or the error, for optional commands) and may add
 * further steps. */

typedef struct _Seq Seq;
typedef gboolean (*StepHandler)(MmdAtModem *self, Seq *seq, const char *response,
                                const GError *cmd_error, GError **error);
typedef void (*SeqDone)(MmdAtModem *self, Seq *seq);

typedef struct {
  char *cmd; /* NULL: a pause of timeout_ms */
  guint timeout_ms;
  MmdAtCommandFlags flags;
  gboolean optional;
  StepHandler handler;
} Step;

struct _Seq {
  MmdAtModem *self;
  GTask *task;
  GQueue steps;
  SeqDone done;   /* NULL: the task returns TRUE */
  GError *result; /* an error to return at the end (steps still run) */
  gpointer data;
  GDestroyNotify data_free;
  guint counter;
};

G_BEGIN_DECLS

/* at-seq.c */
gboolean at_require_ok(const GError *cmd_error, GError **error);
void at_seq_add(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags,
                gboolean optional, StepHandler handler);
void at_seq_add_call(Seq *seq, StepHandler handler);
void at_seq_add_next(Seq *seq, const char *cmd, guint timeout_ms, MmdAtCommandFlags flags,
                     gboolean optional, StepHandler handler);
void at_seq_fail(Seq *seq, GError *error);
void at_seq_finish(Seq *seq);
Seq *at_seq_new(MmdAtModem *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data);
void at_seq_next(Seq *seq);

/* at-modem.c */
MmdBackend *at_create_backend(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports);
gboolean at_supports_port(MmdModemPortType type);
gboolean at_open_port(MmdAtModem *self, GError **error);

/* at-modem-init.c */
void at_add_iccid_steps(Seq *seq);
void at_add_imsi_steps(Seq *seq);
void at_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data);
gboolean at_h_retries(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                      GError **error);
void at_publish_modes(MmdAtModem *self);
void at_publish_sim(MmdAtModem *self);

/* at-modem-sim.c */
void at_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void at_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void at_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data);
void at_send_puk(MmdBackend *backend, const char *puk, const char *new_pin,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void at_fail_now(MmdAtModem *self, GError *error, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data);

/* at-modem-net.c */
void at_register_network(MmdBackend *backend, const char *operator_id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
void at_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data);
void at_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
void at_set_power_state(MmdBackend *backend, MmdModemPowerState state, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
void at_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
void at_on_registration_urc(MmdAtChannel *ch, const char *line, gpointer user_data);

/* at-modem-signal.c */
void at_refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data);
/* +CMER indicator reports when the modem has a "signal" indicator */
void at_setup_signal_events(MmdBackend *backend, guint rssi_threshold, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
void at_on_ciev(MmdAtChannel *ch, const char *line, gpointer user_data);

/* at-modem-location.c: the serving cell from the registration reports */
void at_location_add_init_steps(Seq *seq);
void at_location_update(MmdAtModem *self, int domain, const MmdAtRegistration *reg);
void at_location_report(MmdAtModem *self);

/* at-modem-time.c: NITZ from +CTZE/+CTZEU/+CTZV, the clock for GetNetworkTime */
void at_time_add_init_steps(Seq *seq);
void at_time_add_urc_handlers(MmdAtModem *self);
void at_get_network_time(MmdBackend *backend, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
void at_refresh_quality(MmdAtModem *self);
GVariant *at_values(const char *k1, double v1, const char *k2, double v2);

/* at-modem-sms.c: messaging (27.005 PDU mode) and the capability of cell
 * broadcast; at-modem-cbs.c: its channels and pages. */
void at_sms_provide(MmdAtModem *self, MmdModem *modem);
void at_sms_watch_urcs(MmdAtModem *self);
void at_cbs_set_channels(MmdBackend *backend, const MmdCbsChannelRange *ranges, gsize n_ranges,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
void at_cbs_on_cbm(MmdAtChannel *ch, const char *text, gpointer user_data);

/* at-modem-data.c */
void at_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data);
void at_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
void at_on_cgev(MmdAtChannel *ch, const char *line, gpointer user_data);
void at_on_no_carrier(MmdAtChannel *ch, const char *line, gpointer user_data);

/* at-modem-voice.c: calls; their URCs (with USSD's) are watched from the
 * port's opening, their set-up steps end the initialization. */
extern const MmdVoiceOps at_voice_ops;
void at_voice_watch(MmdAtModem *self);
void at_voice_add_init_steps(Seq *seq);

/* at-modem-ussd.c */
extern const MmdUssdOps at_ussd_ops;
void at_ussd_watch(MmdAtModem *self);
void at_ussd_add_setup_steps(Seq *seq);

/* at-modem-ecc.c: steps that read EF_ECC and report the emergency numbers. */
void at_add_ecc_steps(Seq *seq);

G_END_DECLS
